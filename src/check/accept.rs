//! Accepted findings: a baseline (a previous report: its violations are unchanged, not new) and a
//! suite's `[[ignore]]` entries (a violation a person accepted, with a reason, maybe until a
//! date). An accepted violation stays a violation in every report, marked as accepted, but does
//! not fail the run; a new one does. An `[[ignore]]` whose `expires` date has passed accepts
//! nothing.
//!
//! A finding is the same as a baseline's when its fingerprint ([`super::run::fingerprint`]) is:
//! the JSON report carries it as `fingerprint`, the SARIF report as the
//! `partialFingerprints` entry [`FINGERPRINT_KEY`].

use super::run::{Report, Status, fingerprint};
use super::suite::{Ignore, Severity};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;

/// The key of the fingerprint in SARIF `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "vpcverifyFinding/v1";

/// Why a violation does not fail the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "by", rename_all = "lowercase")]
pub enum Accepted {
    /// The baseline report has the same finding.
    Baseline,
    /// An `[[ignore]]` entry of the suite matches it.
    Ignore {
        /// The entry's reason.
        reason: String,
        /// The entry's expiry date, when it has one (`YYYY-MM-DD`).
        #[serde(skip_serializing_if = "Option::is_none")]
        expires: Option<String>,
    },
    /// Its rule's severity is below the threshold (`check --severity`).
    Severity {
        /// The threshold.
        threshold: Severity,
    },
}

impl Accepted {
    /// `in the baseline`, or `ignored: REASON (until DATE)`.
    pub fn describe(&self) -> String {
        match self {
            Accepted::Baseline => "unchanged: in the baseline".to_owned(),
            Accepted::Ignore { reason, expires } => match expires {
                Some(d) => format!("ignored until {d}: {reason}"),
                None => format!("ignored: {reason}"),
            },
            Accepted::Severity { threshold } => format!("below the severity threshold `{}`", threshold.as_str()),
        }
    }
}

/// A baseline report that cannot be read (exit 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct BaselineError {
    /// The file.
    pub file: String,
    /// Why.
    pub message: String,
}

/// The fingerprints of the violations in a previous vpcverify report, JSON or SARIF.
pub fn read_baseline(file: &str, text: &str) -> Result<BTreeSet<String>, BaselineError> {
    let err = |message: String| BaselineError {
        file: file.to_owned(),
        message,
    };
    let v: Value = serde_json::from_str(text).map_err(|e| err(format!("not a JSON or SARIF report: {e}")))?;
    let mut out = BTreeSet::new();
    if let Some(runs) = v.get("runs").and_then(Value::as_array) {
        for run in runs {
            for r in run.get("results").and_then(Value::as_array).into_iter().flatten() {
                if let Some(fp) = r.get("partialFingerprints").and_then(|p| p.get(FINGERPRINT_KEY)) {
                    out.insert(fp.as_str().unwrap_or_default().to_owned());
                }
            }
        }
        return Ok(out);
    }
    let Some(results) = v.get("results").and_then(Value::as_array) else {
        return Err(err(
            "not a vpcverify report: expected a SARIF log (`runs`) or a `check --format json` report (`results`)"
                .to_owned(),
        ));
    };
    for r in results {
        if r.get("status").and_then(Value::as_str) == Some("violated")
            && let Some(fp) = r.get("fingerprint").and_then(Value::as_str)
        {
            out.insert(fp.to_owned());
        }
    }
    Ok(out)
}

/// Marks the violations of `report` that the baseline holds or an unexpired `[[ignore]]` entry
/// matches (`today` is `YYYY-MM-DD`). Returns the entries that have expired and matched a
/// violation, for a note.
pub fn apply(report: &mut Report, baseline: Option<&BTreeSet<String>>, ignores: &[Ignore], today: &str) -> Vec<Ignore> {
    let mut expired = Vec::new();
    report.baselined |= baseline.is_some();
    let suite = &report.suite;
    for (a, r) in suite.assertions.iter().zip(report.results.iter_mut()) {
        if r.status != Status::Violated {
            continue;
        }
        let rule_id = suite.rule_of(a).map(|x| x.id.as_str()).unwrap_or("");
        let matching = ignores.iter().find(|i| {
            (i.rule == a.name || i.rule == rule_id)
                && i.from.as_ref().is_none_or(|f| *f == a.from)
                && i.to.as_ref().is_none_or(|t| *t == a.to)
        });
        if let Some(i) = matching {
            match &i.expires {
                Some(d) if d.as_str() < today => {
                    if !expired.contains(i) {
                        expired.push(i.clone());
                    }
                }
                _ => {
                    r.accepted = Some(Accepted::Ignore {
                        reason: i.reason.clone(),
                        expires: i.expires.clone(),
                    });
                    continue;
                }
            }
        }
        if let (Some(b), Some(v)) = (baseline, &r.verdict)
            && b.contains(&fingerprint(rule_id, a, v))
        {
            r.accepted = Some(Accepted::Baseline);
        }
        if let Some(b) = baseline
            && r.fact.is_some()
            && b.contains(&super::run::fact_fingerprint(rule_id, a))
        {
            r.accepted = Some(Accepted::Baseline);
        }
    }
    expired
}

/// Accepts the violations not yet accepted that are less severe than `threshold`: the finding's
/// own severity when breadth set one (EXP-4), else its rule's.
pub fn apply_threshold(report: &mut Report, threshold: Severity) {
    let suite = &report.suite;
    for (a, r) in suite.assertions.iter().zip(report.results.iter_mut()) {
        // `Severity` orders from critical to low: greater is less severe.
        if r.status == Status::Violated
            && r.accepted.is_none()
            && r.severity
                .or_else(|| suite.rule_of(a).map(|rule| rule.severity))
                .is_some_and(|severity| severity > threshold)
        {
            r.accepted = Some(Accepted::Severity { threshold });
        }
    }
}

/// Today's date (UTC) from the system clock, `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (y, m, d) = civil_from_days(i64::try_from(secs / 86_400).unwrap_or(0));
    format!("{y:04}-{m:02}-{d:02}")
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Whether `s` is a real date written `YYYY-MM-DD`.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<u32>().ok());
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    if !s
        .bytes()
        .enumerate()
        .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    {
        return false;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_become_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert!(is_date(&today()), "{}", today());
    }

    #[test]
    fn dates_are_checked() {
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2024-13-01"));
        assert!(!is_date("2024-1-01"));
        assert!(!is_date("+024-01-01"));
    }
}
