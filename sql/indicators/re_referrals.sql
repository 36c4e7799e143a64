-- Re-referrals (contract 3, section "re-referrals").
--   re_referrals_pct     : referrals in M whose child had another referral within 12 months before it
--                          (an earlier record, same-day allowed), % of referrals in M
--   re_referrals_r12_pct : the same over r12
-- The referrals counted, and whether each is a re-referral, are defined in re_referrals.rows.sql
-- (rows_<indicator_id>, which `csc-report explain` lists): the look-back reads the windowed history
-- (contract 1.2), so a referral re-dated or deleted at source is neither counted twice nor a re-referral
-- of itself. When the look-back starts before the history does, the note says from when it runs.
-- Cross-check only: Annex A "Number of Referrals in Last 12 Months" > 0 marks a child's latest referral as
-- a re-referral; the share of children referred in M for whom it disagrees goes in the note.
-- Parameters: $la, $m, $p_start, $p_end, $r12_start.

with flagged as (
    select * from referrals_flagged($la, $m)
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
        count(*) filter (where counted_in = 'numerator') as re_referrals,
        count(*) as referrals
    from rows_re_referrals_pct($la, $m)
),

counts_r12 as (
    select
        count(*) filter (where counted_in = 'numerator') as re_referrals_r12,
        count(*) as referrals_r12
    from rows_re_referrals_r12_pct($la, $m)
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
    from annex_a_cross_check, (select history_covers_from($la, $m, 'referrals') as covers_from)
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
from counts_r12, notes
