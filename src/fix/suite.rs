//! `check --suggest-fixes`: a fix for each violated assertion of a suite, shown only when every
//! other assertion keeps its verdict on the patched network (FIX-6).
//!
//! Owns: the suite-level proof of a fix. Must not touch: z3, printing. Uses `check` (its report
//! and `run_one`), so `check` does not use it: the CLI calls it after the run.

use super::{FixReport, FixVerdict, Limits, Want, edit::apply_all};
use crate::check::run::{Report, RunOptions, Status, run_one};
use crate::check::suite::Expect;
use crate::model::{Network, NetworkIndex};
use serde::Serialize;

/// The fix suggested for one violated assertion.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Suggestion {
    /// The violated assertion.
    pub assertion: String,
    /// Where it is written.
    pub location: String,
    /// The fix, proven on the patched network and keeping every other assertion's verdict;
    /// absent when none is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<FixReport>,
    /// The other assertions asked again on the patched network (each keeping its verdict).
    pub rechecked: usize,
    /// Other violated assertions the fix makes hold too.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also_fixes: Vec<String>,
    /// Why no fix is shown, or notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A suggestion for each violated assertion of `report` (not accepted by a baseline, not a
/// configuration fact, without waypoints).
pub fn suggest(
    net: &Network,
    ix: &NetworkIndex,
    report: &Report,
    opts: &RunOptions,
    limits: &Limits,
) -> Vec<Suggestion> {
    let mut out = Vec::new();
    for (i, (a, r)) in report.pairs().enumerate() {
        if r.status != Status::Violated || r.accepted.is_some() {
            continue;
        }
        let mut s = Suggestion {
            assertion: a.name.clone(),
            location: a.location.to_string(),
            fix: None,
            rechecked: 0,
            also_fixes: Vec::new(),
            note: None,
        };
        let want = match a.expect {
            Expect::Reachable => Want::Reachable,
            Expect::Unreachable => Want::Unreachable,
            Expect::Any => continue,
        };
        if a.fact.is_some() || !a.through.is_empty() || !a.avoid.is_empty() {
            s.note =
                Some("a configuration fact or an assertion with waypoints: `fix` does not search for these".into());
            out.push(s);
            continue;
        }
        let spec = a.query_spec(false, opts.budget);
        let fix = match super::run(net, ix, &spec, want, limits) {
            Ok(f) => f,
            Err(e) => {
                s.note = Some(e.to_string());
                out.push(s);
                continue;
            }
        };
        if fix.verdict != FixVerdict::Fixed {
            s.note = Some(match fix.verdict {
                FixVerdict::Unknown => format!(
                    "unknown: {}",
                    fix.unknown
                        .as_deref()
                        .unwrap_or("the answer depends on something not modelled")
                ),
                _ => "no fix within the bound (`vpcverify fix` shows the best partial)".into(),
            });
            out.push(s);
            continue;
        }
        // FIX-6: every other assertion keeps its verdict on the patched network; a violated one
        // that comes to hold is noted.
        let patched = apply_all(net, &fix.applied);
        let pix = NetworkIndex::new(&patched);
        let mut broken = Vec::new();
        for (j, (b, rb)) in report.pairs().enumerate() {
            if j == i {
                continue;
            }
            let now = run_one(&patched, &pix, b, opts);
            s.rechecked += 1;
            match (rb.status, now.status) {
                (x, y) if x == y => {}
                (Status::Violated, Status::Held) => s.also_fixes.push(b.name.clone()),
                (x, y) => broken.push(format!("`{}` ({} -> {})", b.name, status_word(x), status_word(y))),
            }
        }
        if broken.is_empty() {
            // FIX-14: only the primary fix is suggested (an alternative was not asked of the
            // suite's other assertions).
            let mut fix = fix;
            fix.alternatives.clear();
            s.fix = Some(fix);
        } else {
            s.note = Some(format!(
                "the fix found ({}) would change the verdict of {}: not shown (FIX-6)",
                fix.edits.iter().map(|e| e.text.clone()).collect::<Vec<_>>().join("; "),
                broken.join(", ")
            ));
        }
        out.push(s);
    }
    out
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Held => "holds",
        Status::Violated => "violated",
        Status::Unknown => "unknown",
        Status::Error => "error",
    }
}
