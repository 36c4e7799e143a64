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
-- Practice, health, missing and stability (contract 3.2; each of cla_open, the note naming the local
-- standard used, config/standards.yaml):
--   cla_visits_in_standard_pct / cla_reviews_in_time_pct : last social work visit / latest statutory review
--                                within its standard, of children looked after at least the visit
--                                standard / 20 working days
--   cla_health_in_date_pct / cla_dental_in_date_pct : last health assessment (the under-5 standard for a
--                                child under 5) / dental check within its standard, of children looked
--                                after 12 months or more
--   cla_missing_pct / cla_missing_episodes : % with a missing episode in 12 months; their total episodes
--   return_interviews_offered_pct / _accepted_pct : of those missing, % offered a return interview after
--                                the last; of those offered, % who accepted
--   cla_long_term_stability_pct : of children under 16 in care 30 months or more, % in their placement 2
--                                years or more
--   cla_placed_out_of_area_pct : of those with a placement location, % placed outside the authority
-- Visits, reviews, health, dental and stability leave out a child whose dates they read cannot be
-- (any_date_cannot_be); the note counts them.
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
),

tagged as (
    select 'cla_visits_in_standard_pct' as indicator_id, counted_in
        from rows_cla_visits_in_standard_pct($la, $m)
    union all
    select 'cla_reviews_in_time_pct', counted_in from rows_cla_reviews_in_time_pct($la, $m)
    union all
    select 'cla_health_in_date_pct', counted_in from rows_cla_health_in_date_pct($la, $m)
    union all
    select 'cla_dental_in_date_pct', counted_in from rows_cla_dental_in_date_pct($la, $m)
    union all
    select 'cla_missing_pct', counted_in from rows_cla_missing_pct($la, $m)
    union all
    select 'return_interviews_offered_pct', counted_in from rows_return_interviews_offered_pct($la, $m)
    union all
    select 'return_interviews_accepted_pct', counted_in from rows_return_interviews_accepted_pct($la, $m)
    union all
    select 'cla_long_term_stability_pct', counted_in from rows_cla_long_term_stability_pct($la, $m)
    union all
    select 'cla_placed_out_of_area_pct', counted_in from rows_cla_placed_out_of_area_pct($la, $m)
),

-- excluded: the rows timeliness leaves out for a date that cannot be (any_date_cannot_be), for the note
described (indicator_id, standard, empty_reason, excluded) as (
    values
    ('cla_visits_in_standard_pct', standard_note($la, $m, 'cla_visit'),
        'no children looked after long enough to be due a visit',
        (select count(*) from rows_cla_visits_in_standard_pct($la, $m, excluded := true))),
    ('cla_reviews_in_time_pct', standard_note($la, $m, 'cla_review'),
        'no children looked after 20 working days or more',
        (select count(*) from rows_cla_reviews_in_time_pct($la, $m, excluded := true))),
    ('cla_health_in_date_pct', standard_note($la, $m, 'health') || ' (under 5: '
        || standard_note($la, $m, 'health_under_5') || ')',
        'no children looked after 12 months or more',
        (select count(*) from rows_cla_health_in_date_pct($la, $m, excluded := true))),
    ('cla_dental_in_date_pct', standard_note($la, $m, 'dental'),
        'no children looked after 12 months or more',
        (select count(*) from rows_cla_dental_in_date_pct($la, $m, excluded := true))),
    ('cla_missing_pct', null,
        'no children looked after at the month end', 0),
    ('return_interviews_offered_pct', null,
        'no children looked after with a missing episode', 0),
    ('return_interviews_accepted_pct', null,
        'no children offered a return interview', 0),
    ('cla_long_term_stability_pct', null,
        'no children under 16 looked after 30 months or more',
        (select count(*) from rows_cla_long_term_stability_pct($la, $m, excluded := true))),
    ('cla_placed_out_of_area_pct', null,
        'no children looked after with a placement location', 0)
),

practice as (
    select d.indicator_id, count(t.counted_in) filter (where t.counted_in = 'numerator') as num,
        count(t.counted_in) as den, d.standard, d.empty_reason, d.excluded
    from described as d
    left join tagged as t using (indicator_id)
    group by all
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
union all
select indicator_id, pct(num, den), num, den,
    nullif(concat_ws('; ', standard, pct_note(den, empty_reason, excluded)), '')
from practice
union all
select 'cla_missing_episodes', count(*), null, null, null
from rows_cla_missing_episodes($la, $m)
