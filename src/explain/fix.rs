//! `vpcverify fix`'s report as text and JSON (`vpcverify schema fix`).
//!
//! Owns: the layout. Must not touch: the search or the proof (`crate::fix`).

use crate::fix::{FixReport, FixVerdict, Want};
use serde::Serialize;

/// The JSON document `fix --format json` prints.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct FixJson<'a> {
    /// The JSON contract's version ([`super::schema::SCHEMA_VERSION`]).
    #[schemars(schema_with = "super::schema::version_schema")]
    pub schema_version: u32,
    /// The report.
    #[serde(flatten)]
    pub report: &'a FixReport,
}

/// The report as pretty JSON, ending with a newline.
pub fn render_json(r: &FixReport) -> String {
    let doc = FixJson {
        schema_version: super::schema::SCHEMA_VERSION,
        report: r,
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// The report for people.
pub fn render_text(r: &FixReport) -> String {
    let q = &r.query;
    let port = q.port.as_deref().map(|p| format!(" port {p}")).unwrap_or_default();
    let want = match r.want {
        Want::Reachable => "reachable",
        Want::Unreachable => "unreachable",
    };
    let question = format!("{} from `{}` to `{}`{port}", q.protocol, q.from, q.to);
    let mut out = match r.verdict {
        FixVerdict::AlreadyHolds => format!("nothing to fix: {question} is already {want}\n"),
        FixVerdict::Fixed => format!(
            "fix found: {} edit{} make{} {question} {want} (FIX-2: fewest edits, then narrowest)\n",
            r.edits.len(),
            if r.edits.len() == 1 { "" } else { "s" },
            if r.edits.len() == 1 { "s" } else { "" }
        ),
        FixVerdict::NotFound => format!(
            "no fix{}: {question} cannot be made {want} with the edits a fix may make (FIX-1){}\n",
            if r.bound_hit { " within the bound" } else { "" },
            if r.edits.is_empty() { "" } else { "; the best partial:" }
        ),
        FixVerdict::Unknown => format!(
            "unknown: whether {question} can be made {want}: {}\n",
            r.unknown
                .as_deref()
                .unwrap_or("the answer depends on something not modelled")
        ),
    };
    for (i, e) in r.edits.iter().enumerate() {
        out.push_str(&format!("\n{}. {}\n", i + 1, e.text));
        out.push_str(&format!("   in the input's language ({}):\n", r.language));
        for line in e.in_input_language.lines() {
            out.push_str(&format!("     {line}\n"));
        }
    }
    if let Some(p) = &r.proof {
        out.push_str(&format!(
            "\nproven (FIX-6): `query` on the patched network answers {}{}; {} packet{} replayed in the simulator\n",
            serde_json::to_string(&p.query_verdict)
                .unwrap_or_default()
                .trim_matches('"'),
            if p.whole_space && r.want == Want::Reachable {
                ", and nothing of the question is dropped any more"
            } else {
                ""
            },
            p.simulator_replays,
            if p.simulator_replays == 1 { "" } else { "s" }
        ));
        if p.fewest_proven && r.edits.len() > 1 {
            out.push_str(&format!(
                "fewest (FIX-13): every combination of fewer than {} edits among the candidates was tried; none works\n",
                r.edits.len()
            ));
        }
        for u in &p.unsettled {
            out.push_str(&format!(
                "  but the fate of some packets of the question depends on {u}, which the input does not settle (BOUND-2): the fix says nothing of them\n"
            ));
        }
    }
    if !r.edits.is_empty() && !r.side_effects_computed {
        out.push_str("\nside effects (FIX-7): not computed (--no-side-effects)\n");
    } else if !r.edits.is_empty() {
        if r.side_effects.is_empty() {
            out.push_str("\nside effects (FIX-7): none beyond the question\n");
        } else {
            out.push_str("\nside effects (FIX-7):\n");
            for s in &r.side_effects {
                out.push_str(&format!("  {}\n", s.text));
            }
        }
        for u in &r.side_effects_unknown {
            out.push_str(&format!("  unknown: {u}\n"));
        }
    }
    if !r.remaining.is_empty() {
        out.push_str(&format!(
            "\n{}:\n",
            if r.want == Want::Reachable {
                "stays blocked"
            } else {
                "still gets through"
            }
        ));
        for m in &r.remaining {
            out.push_str(&format!("  `{}` {}: {}\n", m.at.id, m.at.reason, m.why));
        }
    }
    for w in &r.warnings {
        out.push_str(&format!("\nwarning: {w}\n"));
    }
    out
}

/// `check --suggest-fixes` for people: each violated assertion's fix, or why none is shown.
pub fn render_suggestions(list: &[crate::fix::suite::Suggestion]) -> String {
    if list.is_empty() {
        return "\nsuggested fixes: no violated assertion to fix\n".into();
    }
    let mut out =
        String::from("\nsuggested fixes (FIX-6: each proven, and every other assertion keeps its verdict):\n");
    for s in list {
        out.push_str(&format!("\n`{}` ({}):\n", s.assertion, s.location));
        match &s.fix {
            Some(f) => {
                for line in render_text(f).lines() {
                    if line.is_empty() {
                        out.push('\n');
                    } else {
                        out.push_str(&format!("  {line}\n"));
                    }
                }
                out.push_str(&format!(
                    "  the other {} assertion{} asked again on the patched network keep their verdicts\n",
                    s.rechecked,
                    if s.rechecked == 1 { "" } else { "s" }
                ));
                if !s.also_fixes.is_empty() {
                    out.push_str(&format!("  it also makes hold: `{}`\n", s.also_fixes.join("`, `")));
                }
            }
            None => out.push_str(&format!(
                "  no fix shown: {}\n",
                s.note.as_deref().unwrap_or("none found")
            )),
        }
    }
    out
}

/// The JSON report of `check` with the suggestions under `suggested_fixes`.
pub fn with_suggestions(body: &str, list: &[crate::fix::suite::Suggestion]) -> String {
    let Ok(mut doc) = serde_json::from_str::<serde_json::Value>(body) else {
        return body.to_owned();
    };
    if let (Some(obj), Ok(v)) = (doc.as_object_mut(), serde_json::to_value(list)) {
        obj.insert("suggested_fixes".into(), v);
    }
    serde_json::to_string_pretty(&doc).unwrap_or_else(|_| body.to_owned()) + "\n"
}
