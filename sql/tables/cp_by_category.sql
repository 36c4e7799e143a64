-- cp_by_category (contract 3, section "child protection"): plans open at asat by latest category of abuse.
-- Every category shows, with 0 when none; a plan without a category shows as 'not recorded'.
-- Parameters: $la, $m, $asat.

with categories(category, description, sort_order) as (
    values
        ('NEG', 'Neglect', 1),
        ('PHY', 'Physical abuse', 2),
        ('SAB', 'Sexual abuse', 3),
        ('EMO', 'Emotional abuse', 4),
        ('MUL', 'Multiple', 5)
),

open_plans as (
    select latest_category
    from history_cp_plans($la, $m)
    where is_open(cp_start, cp_end, $asat)
),

by_category as (
    select coalesce(latest_category, 'not recorded') as category, count(*) as plans
    from open_plans
    group by all
)

select
    category,
    coalesce(c.description, category) as description,
    coalesce(b.plans, 0) as plans
from categories as c
full join by_category as b using (category)
order by coalesce(c.sort_order, 99), category
