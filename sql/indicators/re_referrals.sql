-- Re-referrals (contract 3, section "re-referrals").
--   re_referrals_pct     : referrals in M whose child had another referral within 12 months before it
--                          (an earlier record, same-day allowed), % of referrals in M
--   re_referrals_r12_pct : the same over r12
-- "Within 12 months before" (contract 2): e - 12 months <= d <= e, calendar months, inclusive.
-- "An earlier record": a child's referrals are ordered by (date, seq), so a second referral on one day is a
-- re-referral of the first and the first is not. In that order the record just before a referral is its
-- latest earlier one, so a single look-back (lag) decides.
-- The look-back reads the windowed history (contract 1.2): a referral re-dated or deleted at source is
-- neither counted twice nor a re-referral of itself. When the look-back starts before the history does,
-- the note says from when it runs.
-- Cross-check only: Annex A "Number of Referrals in Last 12 Months" > 0 marks a child's latest referral as
-- a re-referral; the share of children referred in M for whom it disagrees goes in the note.
-- Parameters: $la, $m, $p_start, $p_end, $r12_start.

with referral_history as (
    select child_id, referral_date, seq, referrals_last_12m from history_referrals($la, $m)
),

with_previous as (
    select
        *,
        lag(referral_date) over (partition by child_id order by referral_date, seq) as previous_date
    from referral_history
),

flagged as (
    select
        *,
        coalesce(previous_date >= referral_date - interval 12 month, false) as is_re_referral
    from with_previous
),

latest_referral_of_children_referred_in_month as (
    select * from flagged
    where referral_date <= $p_end
    qualify row_number() over (partition by child_id order by referral_date desc, seq desc) = 1
        and referral_date >= $p_start
),

annex_a_cross_check as (
    select
        count(*) filter (where referrals_last_12m is not null) as children_checked,
        count(*) filter (where (referrals_last_12m > 0) <> is_re_referral) as children_disagreeing
    from latest_referral_of_children_referred_in_month
),

counts as (
    select
        count(*) filter (where referral_date between $p_start and $p_end) as referrals,
        count(*) filter (where referral_date between $p_start and $p_end and is_re_referral) as re_referrals,
        count(*) filter (where referral_date between $r12_start and $p_end) as referrals_r12,
        count(*) filter (where referral_date between $r12_start and $p_end and is_re_referral)
            as re_referrals_r12
    from flagged
),

notes as (
    select
        coverage_note(covers_from, ($p_start - interval 12 month)::date, 'the 12-month look-back')
            as lookback_month,
        coverage_note(covers_from, ($r12_start - interval 12 month)::date, 'the 12-month look-back')
            as lookback_r12,
        case when children_disagreeing > 0
            then 'cross-check: the Annex A column "Number of Referrals in Last 12 Months" disagrees for '
                || round(100.0 * children_disagreeing / children_checked, 1) || '% of children referred'
                || ' in the month (' || children_disagreeing || ' of ' || children_checked || ')'
        end as cross_check
    from counts, annex_a_cross_check, (select history_covers_from($la, $m, 'referrals') as covers_from)
)

select
    're_referrals_pct' as indicator_id,
    pct(re_referrals, referrals) as value,
    re_referrals as numerator,
    referrals as denominator,
    nullif(
        concat_ws('; ', pct_note(referrals, 'no referrals in the month', 0), lookback_month, cross_check), ''
    )
        as note
from counts, notes
union all
select
    're_referrals_r12_pct',
    pct(re_referrals_r12, referrals_r12),
    re_referrals_r12,
    referrals_r12,
    nullif(concat_ws('; ', pct_note(referrals_r12, 'no referrals in the 12 months', 0), lookback_r12), '')
from counts, notes
