-- cla_by_placement_type (contract 3, section "looked after"): children looked after at asat by placement
-- type of their latest open period (looked_after_at macro, _macros.sql), placement types present only.
-- `looked_after` counts the children of cla_open (its total equals cla_open unless a child's latest open
-- period is a short break beside an older open one); `short_breaks` counts children on short breaks (V3/V4).
-- Parameters: $la, $m, $asat.

select
    placement_type,
    count(*) filter (where not short_breaks) as looked_after,
    count(*) filter (where short_breaks) as short_breaks
from looked_after_at($la, $m, $asat)
group by all
order by placement_type
