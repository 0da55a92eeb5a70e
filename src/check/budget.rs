//! Wall-clock budgets of a run: how they are written (`--timeout`, `--total-timeout`, and the
//! suite's `timeout` and `total_timeout` keys all read the same way), and the suite's total
//! budget, which bounds the whole run and caps what each assertion still gets.
//!
//! A budget is written `none` (no limit), a bare number of seconds (`30`), or a duration
//! (`500ms`, `2s`, `1m30s`). Zero is refused: no question fits in it, and `none` says "no limit".

use std::time::{Duration, Instant};

/// A budget as written: `None` for `none`.
pub type Limit = Option<Duration>;

/// What each assertion gets unless `--timeout` or the suite's `timeout` says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The longest budget written as a duration: a deadline further away may not be representable.
const LONGEST: Duration = Duration::from_secs(100 * 366 * 24 * 3600);

/// Parses a budget: `none`, a bare number of seconds, or a duration (`500ms`, `2s`, `1m30s`).
pub fn parse(text: &str) -> Result<Limit, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    let decimal = !t.is_empty()
        && t.chars().all(|c| c.is_ascii_digit() || c == '.')
        && t.matches('.').count() == 1
        && !t.starts_with('.')
        && !t.ends_with('.');
    let d = match t.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        // A decimal number of seconds (`0.5`), to the millisecond.
        Err(_) if decimal => match t.parse::<f64>() {
            Ok(secs) if secs * 1000.0 < u64::MAX as f64 => Duration::from_millis((secs * 1000.0).round() as u64),
            _ => return Err(not_a_duration(text)),
        },
        Err(_) => humantime::parse_duration(t).map_err(|_| not_a_duration(text))?,
    };
    if d.is_zero() {
        return Err(format!(
            "`{text}` is a zero budget, in which no question can be answered; write `none` for no limit"
        ));
    }
    if d > LONGEST {
        return Err(format!(
            "`{text}` is longer than a century, which no clock can count down; write `none` for no limit"
        ));
    }
    Ok(Some(d))
}

/// The message for a budget that is not a duration: what to write instead, never the parser's
/// own words.
fn not_a_duration(text: &str) -> String {
    format!(
        "`{text}` is not a duration: write a number with a unit (`500ms`, `2s`, `1m`, `1h`, or `1m30s`), a number of seconds (`30`, `0.5`), or `none`"
    )
}

/// A duration as people write it (`5m`, `1s 500ms`), to the millisecond.
pub fn shown(d: Duration) -> String {
    humantime::format_duration(whole_millis(d)).to_string()
}

/// `d` rounded down to whole milliseconds (at least 1 ms when `d` is not zero), so that budgets
/// derived from a clock print as people write them.
pub fn whole_millis(d: Duration) -> Duration {
    let ms = Duration::from_millis(u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    if ms.is_zero() && !d.is_zero() {
        Duration::from_millis(1)
    } else {
        ms
    }
}

/// The suite's total budget, started when the run starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Total {
    /// How long the whole run may take.
    pub limit: Duration,
    /// When it runs out.
    pub deadline: Instant,
}

impl Total {
    /// A total budget of `limit` starting at `start`; `None` when its deadline lies beyond what
    /// the clock can represent (no limit, in effect).
    pub fn starting_at(limit: Duration, start: Instant) -> Option<Self> {
        Some(Total {
            limit,
            deadline: start.checked_add(limit)?,
        })
    }

    /// What is left (whole milliseconds, so that it prints as people write it), or `None` when
    /// less than a millisecond is: too little to start a question in.
    pub fn remaining(&self) -> Option<Duration> {
        let left = self.deadline.checked_duration_since(Instant::now())?;
        let ms = Duration::from_millis(u64::try_from(left.as_millis()).unwrap_or(u64::MAX));
        (!ms.is_zero()).then_some(ms)
    }

    /// The budget of an assertion that starts now: the per-assertion budget, or what is left of
    /// the total when that is less; `None` when the total is spent. The flag says whether the
    /// total is what bounds it.
    pub fn cap(&self, per_assertion: Limit) -> Option<(Limit, bool)> {
        let left = self.remaining()?;
        Some(match per_assertion {
            Some(per) if per <= left => (Some(per), false),
            _ => (Some(left), true),
        })
    }

    /// The reason of an assertion that was not answered because the total ran out.
    pub fn spent_reason(&self) -> String {
        format!(
            "the suite's total budget of {} ran out before this assertion was answered",
            shown(self.limit)
        )
    }

    /// The reason of an assertion whose budget, what was left of the total (`left`), ran out
    /// while it was being answered; `detail` is the engine's account of where it stopped
    /// (`the budget of 13ms ran out on candidate path 2 …`), said of the total instead.
    pub fn ran_out_reason(&self, left: Duration, detail: &str) -> String {
        let total = shown(self.limit);
        let left = shown(left);
        match detail.strip_prefix(&format!("the budget of {left} ran out")) {
            Some(rest) => format!(
                "the suite's total budget of {total} ran out ({left} of it was left when this assertion \
                 started){rest}"
            ),
            None => format!(
                "the suite's total budget of {total} ran out while this assertion was being answered ({left} \
                 of it was left when it started): {detail}"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_read_as_durations_seconds_or_none() {
        assert_eq!(parse("none"), Ok(None));
        assert_eq!(parse(" NONE "), Ok(None));
        assert_eq!(parse("30"), Ok(Some(Duration::from_secs(30))));
        assert_eq!(parse("500ms"), Ok(Some(Duration::from_millis(500))));
        assert_eq!(parse("1m30s"), Ok(Some(Duration::from_secs(90))));
        assert_eq!(parse("5m"), Ok(Some(Duration::from_secs(300))));
        assert!(parse("0").unwrap_err().contains("zero budget"));
        assert!(parse("0s").unwrap_err().contains("zero budget"));
        assert!(parse("soon").unwrap_err().contains("is not a duration"));
        assert!(parse("-1").unwrap_err().contains("is not a duration"));
        assert!(parse("").unwrap_err().contains("is not a duration"));
        assert!(parse("1000000000y").unwrap_err().contains("longer than a century"));
        assert_eq!(parse("100y"), Ok(Some(Duration::from_secs(3_155_760_000))));
    }

    #[test]
    fn durations_show_as_written_to_the_millisecond() {
        assert_eq!(shown(Duration::from_secs(300)), "5m");
        assert_eq!(shown(Duration::from_millis(1)), "1ms");
        assert_eq!(shown(Duration::from_nanos(1_234_567_891)), "1s 234ms");
        assert_eq!(shown(Duration::from_nanos(10)), "1ms");
    }

    #[test]
    fn the_total_caps_each_assertion_and_refuses_once_spent() {
        let now = Instant::now();
        let roomy = Total::starting_at(Duration::from_secs(3600), now).unwrap();
        assert_eq!(
            roomy.cap(Some(Duration::from_secs(2))),
            Some((Some(Duration::from_secs(2)), false))
        );
        let (capped, by_total) = roomy.cap(None).unwrap();
        assert!(by_total);
        assert!(capped.is_some_and(|d| d <= Duration::from_secs(3600)));
        let spent = Total {
            limit: Duration::from_millis(1),
            deadline: now,
        };
        assert_eq!(spent.cap(Some(Duration::from_secs(2))), None);
        assert_eq!(spent.cap(None), None);
        assert_eq!(
            spent.spent_reason(),
            "the suite's total budget of 1ms ran out before this assertion was answered"
        );
        let five = Total::starting_at(Duration::from_secs(300), now).unwrap();
        assert_eq!(
            five.ran_out_reason(
                Duration::from_millis(13),
                "the budget of 13ms ran out on candidate path 2 (IPv4); 1 path(s) were decided before it"
            ),
            "the suite's total budget of 5m ran out (13ms of it was left when this assertion started) on \
             candidate path 2 (IPv4); 1 path(s) were decided before it"
        );
        assert_eq!(
            five.ran_out_reason(Duration::from_secs(2), "the solver gave up"),
            "the suite's total budget of 5m ran out while this assertion was being answered (2s of it was left \
             when it started): the solver gave up"
        );
    }
}
