-- cla_by_legal_status (contract 3, section "looked after"): children looked after at asat by legal status
-- of their latest open period (looked_after_at macro, _macros.sql). Every status shows, with 0 when none.
-- Short breaks (V3/V4) are listed but flagged: they are not counted in cla_open, so the counted_in_cla_open
-- rows add up to cla_open; the published table lists them below its total (publish/tables.py `apart`).
-- Parameters: $la, $m, $asat.

with legal_statuses(legal_status, description, sort_order) as (
    values
        ('C1', 'Interim care order', 1),
        ('C2', 'Full care order', 2),
        ('D1', 'Freeing order', 3),
        ('E1', 'Placement order', 4),
        ('V2', 'Single period of accommodation under section 20', 5),
        ('L1', 'Police protection, in LA accommodation', 6),
        ('L2', 'Emergency protection order', 7),
        ('L3', 'Child assessment order, in LA accommodation', 8),
        ('J1', 'Remanded to LA accommodation or youth detention', 9),
        ('J2', 'LA accommodation under PACE', 10),
        ('J3', 'Youth rehabilitation order with residence requirement', 11),
        ('V3', 'Short breaks, single episodes (not counted as looked after)', 12),
        ('V4', 'Short breaks, agreement (not counted as looked after)', 13)
),

by_status as (
    select legal_status, count(*) as children
    from looked_after_at($la, $m, $asat)
    group by all
)

select
    legal_status,
    coalesce(s.description, legal_status) as description,
    coalesce(b.children, 0) as children,
    legal_status not in ('V3', 'V4') as counted_in_cla_open
from legal_statuses as s
full join by_status as b using (legal_status)
order by coalesce(s.sort_order, 99), legal_status
