-- Early help (contract 3, section "early help"): List 2 early help assessments.
--   early_help_started : assessments started in M
--   early_help_open    : assessments open at asat (eh_start <= asat and (eh_end is null or eh_end > asat))
-- started is a flow figure (windowed history), open a stock figure (snapshot M alone): contract 1.2.
-- The rows counted are defined in early_help.rows.sql (rows_<indicator_id>), which `csc-report explain`
-- lists. Parameters: $la, $m.

with started as (
    select count(*) as started from rows_early_help_started($la, $m)
),

open_at_asat as (
    select count(*) as open_at_asat from rows_early_help_open($la, $m)
),

counts as (
    select * from started, open_at_asat
)

select 'early_help_started' as indicator_id, started as value, null as numerator, null as denominator,
    null as note
from counts
union all
select 'early_help_open', open_at_asat, null, null, null
from counts
