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
    edits(&mut out, &r.edits, &r.language, "");
    if let Some(p) = &r.proof {
        proof(&mut out, p, r.want, "");
        if p.fewest_proven && r.edits.len() > 1 {
            out.push_str(&format!(
                "fewest (FIX-13): every combination of fewer than {} edits among the candidates was tried; none works\n",
                r.edits.len()
            ));
        }
    }
    if !r.edits.is_empty() && !r.side_effects_computed {
        out.push_str("\nside effects (FIX-7): not computed (--no-side-effects)\n");
    } else if !r.edits.is_empty() {
        side_effects(&mut out, &r.side_effects, &r.side_effects_unknown, "");
    }
    for a in &r.alternatives {
        out.push_str(&format!(
            "\nalternative (FIX-14): also possible with {} edit{} and {}:\n",
            a.edits.len(),
            if a.edits.len() == 1 { "" } else { "s" },
            if a.side_effects.is_empty() && a.side_effects_unknown.is_empty() {
                "no other flow changed".to_owned()
            } else {
                format!(
                    "fewer side effects ({} instead of {})",
                    a.side_effects.len(),
                    r.side_effects.len()
                )
            }
        ));
        edits(&mut out, &a.edits, &r.language, "  ");
        proof(&mut out, &a.proof, r.want, "  ");
        side_effects(&mut out, &a.side_effects, &a.side_effects_unknown, "  ");
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

/// The numbered edits, each with its lines in the input's language.
fn edits(out: &mut String, list: &[crate::fix::EditReport], language: &str, pad: &str) {
    for (i, e) in list.iter().enumerate() {
        out.push_str(&format!("\n{pad}{}. {}\n", i + 1, e.text));
        out.push_str(&format!("{pad}   in the input's language ({language}):\n"));
        for line in e.in_input_language.lines() {
            out.push_str(&format!("{pad}     {line}\n"));
        }
    }
}

/// The proof of a fix (FIX-6) and what it leaves unsettled (BOUND-2).
fn proof(out: &mut String, p: &crate::fix::Proof, want: Want, pad: &str) {
    out.push_str(&format!(
        "\n{pad}proven (FIX-6): `query` on the patched network answers {}{}; {} packet{} replayed in the simulator\n",
        serde_json::to_string(&p.query_verdict)
            .unwrap_or_default()
            .trim_matches('"'),
        if p.whole_space && want == Want::Reachable {
            ", and nothing of the question is dropped any more"
        } else {
            ""
        },
        p.simulator_replays,
        if p.simulator_replays == 1 { "" } else { "s" }
    ));
    for u in &p.unsettled {
        out.push_str(&format!(
            "{pad}  but the fate of some packets of the question depends on {u}, which the input does not settle (BOUND-2): the fix says nothing of them\n"
        ));
    }
}

/// Side effects (FIX-7), known and unknown; an unknown pair the comparison names twice (as
/// possibly opened and possibly closed) is written once.
fn side_effects(out: &mut String, known: &[crate::fix::SideEffect], unknown: &[String], pad: &str) {
    let mut undecided: Vec<&String> = Vec::new();
    for u in unknown {
        if !undecided.contains(&u) {
            undecided.push(u);
        }
    }
    match (known.is_empty(), undecided.is_empty()) {
        (true, true) => out.push_str(&format!("\n{pad}side effects (FIX-7): none beyond the question\n")),
        (true, false) => out.push_str(&format!(
            "\n{pad}side effects (FIX-7): none proven beyond the question; {} other pair{} not decided:\n",
            undecided.len(),
            if undecided.len() == 1 { "" } else { "s" }
        )),
        (false, _) => {
            out.push_str(&format!("\n{pad}side effects (FIX-7):\n"));
            for s in known {
                out.push_str(&format!("{pad}  {}\n", s.text));
            }
        }
    }
    for u in undecided {
        out.push_str(&format!("{pad}  unknown: {u}\n"));
    }
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
