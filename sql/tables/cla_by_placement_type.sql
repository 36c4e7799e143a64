-- cla_by_placement_type (contract 3, section "looked after"): children looked after at asat by placement
-- type of their latest open period (looked_after_at macro, _macros.sql), placement types present only.
-- `looked_after` counts the children of cla_open (its total equals cla_open); `short_breaks` counts children
-- on short breaks (V3/V4) alone.
-- Descriptions are the Ofsted Annex A (SSDA903) wording; a code outside the list keeps its code alone.
-- Parameters: $la, $m, $asat.

with placement_types(placement_type, description, sort_order) as (
    values
        ('U1', 'Foster placement with relative or friend, long term', 1),
        ('U2', 'Foster placement with relative or friend, FFA', 2),
        ('U3', 'Foster placement with relative or friend, not FFA', 3),
        ('U4', 'Foster placement, long term', 4),
        ('U5', 'Foster placement, FFA', 5),
        ('U6', 'Foster placement, not FFA', 6),
        ('A3', 'Placed for adoption, consent, with current foster carer', 7),
        ('A4', 'Placed for adoption, consent, not with current foster carer', 8),
        ('A5', 'Placed for adoption, placement order, with current foster carer', 9),
        ('A6', 'Placed for adoption, placement order, not with current foster carer', 10),
        ('P1', 'Placed with parents', 11),
        ('P2', 'Independent living', 12),
        ('P3', 'Residential employment', 13),
        ('H5', 'Residential accommodation not subject to Children''s Homes Regulations', 14),
        ('K1', 'Secure children''s home', 15),
        ('K2', 'Children''s home', 16),
        ('R1', 'Residential care home', 17),
        ('R2', 'NHS/Health Trust', 18),
        ('R3', 'Family centre or mother and baby unit', 19),
        ('R5', 'Young offender institution', 20),
        ('S1', 'Residential school', 21),
        ('Z1', 'Other placement', 22),
        ('T0', 'Temporary placement', 23),
        ('T1', 'Temporary placement, hospital', 24),
        ('T2', 'Temporary placement, holiday', 25),
        ('T3', 'Temporary placement, carer holiday', 26),
        ('T4', 'Temporary placement, seven days or less', 27)
),

by_type as (
    select
        placement_type,
        count(*) filter (where not short_breaks) as looked_after,
        count(*) filter (where short_breaks) as short_breaks
    from looked_after_at($la, $m, $asat)
    group by all
)

select by_type.placement_type, placement_types.description, by_type.looked_after, by_type.short_breaks
from by_type
left join placement_types using (placement_type)
order by placement_types.sort_order nulls last, by_type.placement_type
