-- Early help (contract 3, section "early help"): List 2 early help assessments.
--   early_help_started : assessments started in M
--   early_help_open    : assessments open at asat (eh_start <= asat and (eh_end is null or eh_end > asat))
-- Parameters: $la, $m, $p_start, $p_end, $asat.

with early_help_history as (
    select eh_start, eh_end from history_early_help($la, $m)
),

counts as (
    select
        count(*) filter (where eh_start between $p_start and $p_end) as started,
        count(*) filter (where is_open(eh_start, eh_end, $asat)) as open_at_asat
    from early_help_history
)

select 'early_help_started' as indicator_id, started as value, null as numerator, null as denominator,
    null as note
from counts
union all
select 'early_help_open', open_at_asat, null, null, null
from counts
