-- referrals_weekly (contract 3, section "referrals"): referrals per ISO week (Monday to Sunday) over the
-- last 13 weeks, i.e. the 13 weeks ending with the week that contains p_end. Weeks without referrals show 0.
-- Only referrals dated up to p_end count, so the last week is partial unless p_end is a Sunday: its
-- week_end is p_end.
-- Parameters: $la, $m, $p_end.

with weeks as (
    select unnest(generate_series(
        date_trunc('week', $p_end::date) - interval 12 week,
        date_trunc('week', $p_end::date),
        interval 1 week
    ))::date as week_start
),

referrals_in_window as (
    select date_trunc('week', referral_date)::date as week_start
    from history_referrals($la, $m)
    where referral_date between (select min(week_start) from weeks) and $p_end
)

select
    strftime(w.week_start, '%G-W%V') as iso_week,
    w.week_start,
    least(w.week_start + 6, $p_end::date) as week_end,
    count(r.week_start) as referrals
from weeks as w
left join referrals_in_window as r using (week_start)
group by all
order by w.week_start
