-- Adoption (contract 3.2, section "adoption"), from List 10.
--   adoptions_r12                   : adoption orders dated in r12
--   adoption_care_to_placed_days    : of those adopted in r12, the mean days from entering care to being
--                                     placed for adoption, or to an earlier fostering-for-adoption or
--                                     concurrent placement (DfE's A10); numerator = total days,
--                                     denominator = children with both dates
--   adoption_order_to_match_days    : of those adopted in r12 with both dates, the mean days from placement
--                                     order to match (DfE's A2)
-- A date that cannot be leaves a child out of the two means; the note counts them (any_date_cannot_be).
--   adoption_decisions_reversed_r12 : decisions that a child should no longer be placed for adoption, r12
-- The rows counted are defined in adoption.rows.sql (rows_<indicator_id>), which `csc-report explain`
-- lists. Parameters: $la, $m.

with adopted as (
    select count(*) as adoptions from rows_adoptions_r12($la, $m)
),

means as (
    select 'adoption_care_to_placed_days' as indicator_id, sum(days) as total_days, count(*) as children,
        (select count(*) from rows_adoption_care_to_placed_days($la, $m, excluded := true)) as excluded,
        'entering care or being placed' as missing_dates
    from rows_adoption_care_to_placed_days($la, $m)
    union all
    select 'adoption_order_to_match_days', sum(days), count(*),
        (select count(*) from rows_adoption_order_to_match_days($la, $m, excluded := true)),
        'the placement order or the match'
    from rows_adoption_order_to_match_days($la, $m)
)

select 'adoptions_r12' as indicator_id, adoptions as value, null as numerator, null as denominator,
    null as note
from adopted
union all
select indicator_id, case when children > 0 then total_days / children end, total_days, children,
    nullif(concat_ws('; ',
        case when children = 0 then 'no adoptions in the 12 months with both dates: mean empty' end,
        case when adoptions > children + excluded
            then (adoptions - children - excluded) || ' adoption(s) without a date of ' || missing_dates
                || ' left out'
        end,
        excluded_note(excluded)), '')
from means, adopted
union all
select 'adoption_decisions_reversed_r12', count(*), null, null, null
from rows_adoption_decisions_reversed_r12($la, $m)
