-- Children looked after (contract 3, section "looked after").
--   cla_open                 : children looked after at asat, excluding legal status V3/V4 (short breaks)
--   cla_rate_per_10k         : cla_open per 10,000 children
--   cla_started / cla_ceased : periods of care starting / ending in M, excluding short-break periods (legal
--                              status V3/V4), as DfE counts them; the note counts those left out
--   cla_3plus_placements_pct : of cla_open, % with Number of Placements in the Last 12 Months >= 3
-- Open at asat (contract 2): cla_start <= asat and (cla_end is null or cla_end > asat). Children looked
-- after are a stock figure, read from snapshot M alone; periods started and ceased are flow figures, read
-- from the windowed history (contract 1.2). The rows counted are defined in looked_after.rows.sql
-- (rows_<indicator_id>), which `csc-report explain` lists.
-- Parameters: $la, $m, $p_start, $p_end, $population, $population_note.

with open_counts as (
    select
        count(*) as children,
        count(*) filter (where counted_in = 'numerator') as three_plus_placements
    from rows_cla_3plus_placements_pct($la, $m)
),

short_breaks as (
    select
        count(*) filter (where cla_start between $p_start and $p_end) as started_short_breaks,
        count(*) filter (where cla_end between $p_start and $p_end) as ceased_short_breaks
    from care_records($la, $m)
    where short_breaks
),

flow_counts as (
    select
        (select count(*) from rows_cla_started($la, $m)) as started,
        (select count(*) from rows_cla_ceased($la, $m)) as ceased,
        *
    from short_breaks
)

select 'cla_open' as indicator_id, children as value, null as numerator, null as denominator, null as note
from open_counts
union all
select 'cla_rate_per_10k', rate_per_10k(children, $population), children, $population, $population_note
from open_counts
union all
select 'cla_started', started, null, null,
    case when started_short_breaks > 0
        then started_short_breaks || ' short-break period(s) (legal status V3/V4) not counted'
    end
from flow_counts
union all
select 'cla_ceased', ceased, null, null,
    case when ceased_short_breaks > 0
        then ceased_short_breaks || ' short-break period(s) (legal status V3/V4) not counted'
    end
from flow_counts
union all
select 'cla_3plus_placements_pct', pct(three_plus_placements, children), three_plus_placements, children,
    pct_note(children, 'no children looked after at the month end', 0)
from open_counts
