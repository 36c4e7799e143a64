-- Referrals family (contract 3, section "referrals").
--   contacts                  : List 1 contacts dated in M
--   referrals                 : List 3 referrals dated in M
--   referrals_r12             : referrals dated in r12 (the 12 calendar months ending p_end)
--   referral_rate_r12_per_10k : referrals_r12 / population_0_17 * 10,000
--   referrals_nfa_pct         : referrals in M with Referral NFA? = yes, % of referrals
-- Events come from the windowed history as it stands after loading snapshot M (contract 1.2); the r12
-- figures carry a note when the 12 months start before the history does. The rows counted are defined in
-- referrals.rows.sql (rows_<indicator_id>), which `csc-report explain` lists.
-- Parameters: $la, $m, $r12_start, $population, $population_note.

with contact_counts as (
    select count(*) as contacts from rows_contacts($la, $m)
),

referral_counts as (
    -- rows_referrals_nfa_pct is rows_referrals, each marked numerator or not: both figures in one pass
    select
        count(*) as referrals,
        count(*) filter (where counted_in = 'numerator') as nfa,
        (select count(*) from rows_referrals_r12($la, $m)) as referrals_r12
    from rows_referrals_nfa_pct($la, $m)
),

coverage as (
    select coverage_note(history_covers_from($la, $m, 'referrals'), $r12_start, 'the 12-month count')
        as note
)

select 'contacts' as indicator_id, contacts as value, null as numerator, null as denominator, null as note
from contact_counts
union all
select 'referrals', referrals, null, null, null
from referral_counts
union all
select 'referrals_r12', referrals_r12, null, null, coverage.note
from referral_counts, coverage
union all
select 'referral_rate_r12_per_10k', rate_per_10k(referrals_r12, $population), referrals_r12, $population,
    nullif(concat_ws('; ', $population_note, coverage.note), '')
from referral_counts, coverage
union all
select 'referrals_nfa_pct', pct(nfa, referrals), nfa, referrals,
    pct_note(referrals, 'no referrals in the month', 0)
from referral_counts
