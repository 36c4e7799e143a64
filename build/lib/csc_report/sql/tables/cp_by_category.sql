-- cp_by_category (contract 3, section "child protection"): children on a plan at asat (snapshot M alone,
-- contract 1.2) by the latest category of abuse of their open plan, one per child (the latest-starting
-- open plan), so the total equals cp_plans_open. Every category shows, with 0 when none; a plan without a
-- category shows as 'not recorded'.
-- Parameters: $la, $m, $asat.

with categories(category, description, sort_order) as (
    values
        ('NEG', 'Neglect', 1),
        ('PHY', 'Physical abuse', 2),
        ('SAB', 'Sexual abuse', 3),
        ('EMO', 'Emotional abuse', 4),
        ('MUL', 'Multiple', 5)
),

children_on_a_plan as (
    select latest_category
    from snapshot_cp_plans($la, $m)
    where is_open(cp_start, cp_end, $asat)
    qualify row_number() over (partition by child_id order by cp_start desc, seq desc) = 1
),

by_category as (
    select coalesce(latest_category, 'not recorded') as category, count(*) as children
    from children_on_a_plan
    group by all
)

select
    category,
    coalesce(c.description, category) as description,
    coalesce(b.children, 0) as children
from categories as c
full join by_category as b using (category)
order by coalesce(c.sort_order, 99), category
