//! `check` output for people and scripts: the text report, the JSON report, the short summary
//! written to stderr when the report goes to a file, the progress line written to stderr as each
//! assertion finishes, and the one-line violation messages the JUnit and SARIF reports share.
//!
//! Text layout: a header naming the suite and the network; one line per assertion in the suite's
//! order (`ok`, `VIOLATED`, `UNKNOWN`, `ERROR`, coloured through [`Style`] only); under each one
//! that does not hold, its location, what was expected, and the query verdict as `query` prints it
//! (the witness packet and its path when `unreachable` was expected, every blocking rule when
//! `reachable` was); then the summary line `N passed, M failed, K unknown` (`, E errors` when
//! there are some). Timings appear in the JSON, JUnit and SARIF reports only, so that the text is
//! the same from one run to the next.

use super::Style;
use crate::check::{Assertion, AssertionResult, Location, Report, Status, Summary};
use crate::model::ComponentKind;
use crate::query::{Verdict, VerdictKind};
use serde::Serialize;

/// The report as text, ending with a newline.
pub fn render_text(report: &Report, style: &Style) -> String {
    let s = &report.suite;
    let n = s.assertions.len();
    let what = match (s.builtin, s.file == report.network) {
        (true, true) => "the built-in rules".to_owned(),
        (true, false) => format!("`{}` and the built-in rules", s.file),
        (false, _) => format!("`{}`", s.file),
    };
    let mut out = format!(
        "checking {what} on `{}`: {n} assertion{}\n\n",
        report.network,
        if n == 1 { "" } else { "s" }
    );
    for (a, r) in report.pairs() {
        out.push_str(&format!("{}  {}\n", result_word(r, style), a.name));
        if r.status == Status::Held {
            continue;
        }
        out.push_str(&format!("    {}: {}\n", a.location, expectation(a, r)));
        if let Some(n) = &r.note {
            out.push_str(&format!("    {n}\n"));
        }
        if let Some(acc) = &r.accepted {
            out.push_str(&format!("    accepted ({})\n", acc.describe()));
        }
        if let Some(v) = &r.verdict {
            for line in super::verdict::render_text(v, style).lines() {
                if line.is_empty() {
                    out.push('\n');
                } else {
                    out.push_str(&format!("    {line}\n"));
                }
            }
        }
        out.push('\n');
    }
    if !out.ends_with("\n\n") {
        out.push('\n');
    }
    out.push_str(&summary_line(&report.summary(), style));
    out.push('\n');
    out
}

/// What stderr shows when the report goes to a file: each assertion that does not hold, and the
/// summary line.
pub fn render_brief(report: &Report, style: &Style) -> String {
    let mut out = String::new();
    for (a, r) in report.pairs().filter(|(_, r)| r.status != Status::Held) {
        out.push_str(&format!(
            "{}  {} ({}: {}{})\n",
            result_word(r, style),
            a.name,
            a.location,
            expectation(a, r),
            r.accepted
                .as_ref()
                .map(|acc| format!("; accepted, {}", acc.describe()))
                .unwrap_or_default()
        ));
    }
    out.push_str(&summary_line(&report.summary(), style));
    out.push('\n');
    out
}

/// The line written to stderr as an assertion finishes, the `done`-th of `total` to do so, with
/// the status words of the text report and the time it took:
///
/// ```text
/// [ 1/10] ok        web server serves http (0.02s)
/// [ 2/10] VIOLATED  database reaches the internet on https (0.15s): expected reachable, got unreachable
/// [ 3/10] UNKNOWN   app reaches the internet (1.00s): expected reachable, got unknown: budget (the …)
/// [ 4/10] ERROR     a typo (0.00s): no resource has the id or Name tag `ap`
/// ```
///
/// No newline at the end.
pub fn progress_line(done: usize, total: usize, a: &Assertion, r: &AssertionResult, style: &Style) -> String {
    let width = total.to_string().len();
    let mut line = format!(
        "[{done:>width$}/{total}] {}  {} ({:.2}s)",
        status_word(r.status, style),
        a.name,
        r.elapsed.as_secs_f64()
    );
    if r.status != Status::Held {
        line.push_str(&format!(": {}", expectation(a, r)));
        if let Some(n) = &r.note {
            line.push_str(&format!(", {n}"));
        }
        if let Some(e) = r.exposure.as_ref().filter(|_| r.status == Status::Violated) {
            line.push_str(&format!(", {}", crate::check::exposure::describe(e)));
            if let Some(s) = r.severity {
                line.push_str(&format!(" (severity {})", s.as_str()));
            }
        }
        if let Some(v) = r.verdict.as_ref().filter(|v| v.verdict == VerdictKind::Unknown) {
            let causes: Vec<String> = v.unknown.iter().map(|u| format!("{} ({})", u.id, u.reason)).collect();
            if !causes.is_empty() {
                line.push_str(&format!(": {}", causes.join("; ")));
            }
        }
    }
    line
}

/// `9 passed, 1 failed, 0 unknown` (`, 2 errors` when there are some).
pub fn summary_line(s: &Summary, style: &Style) -> String {
    let failed = format!("{} failed", s.failed);
    let mut line = format!(
        "{} passed, {}, {} unknown",
        s.passed,
        if s.failed > 0 { style.error(&failed) } else { failed },
        s.unknown
    );
    if s.accepted > 0 {
        line.push_str(&format!(", {} accepted", s.accepted));
    }
    if s.errors > 0 {
        line.push_str(&format!(
            ", {}",
            style.error(&format!("{} error{}", s.errors, if s.errors == 1 { "" } else { "s" }))
        ));
    }
    line
}

/// The status word of a result: `accepted` for a violation the baseline or an `[[ignore]]`
/// entry accepts, else [`status_word`].
fn result_word(r: &AssertionResult, style: &Style) -> String {
    if r.status == Status::Violated && r.accepted.is_some() {
        style.warning(&format!("{:<8}", "accepted"))
    } else {
        status_word(r.status, style)
    }
}

/// `ok`, `VIOLATED`, `UNKNOWN`, `ERROR`, padded to one width before colouring.
fn status_word(status: Status, style: &Style) -> String {
    match status {
        Status::Held => style.good(&format!("{:<8}", "ok")),
        Status::Violated => style.error(&format!("{:<8}", "VIOLATED")),
        Status::Unknown => style.warning(&format!("{:<8}", "UNKNOWN")),
        Status::Error => style.error(&format!("{:<8}", "ERROR")),
    }
}

/// `expected reachable, got unreachable`, or the error.
fn expectation(a: &Assertion, r: &AssertionResult) -> String {
    if let Some(f) = &r.fact {
        return f.clone();
    }
    match (&r.verdict, &r.error) {
        (_, Some(e)) => e.clone(),
        (Some(v), None) => match &v.waypoint {
            // WAY-1: a waypoint that does not hold says why first.
            Some(w) if w.result != crate::query::waypoint::WaypointKind::Held => {
                format!(
                    "waypoint {}: {}",
                    serde_json::to_value(w.result)
                        .ok()
                        .and_then(|x| x.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                    w.reason
                )
            }
            _ => format!("expected {}, got {}", a.expect.as_str(), verdict_word(v.verdict)),
        },
        (None, None) => format!("expected {}", a.expect.as_str()),
    }
}

fn verdict_word(v: VerdictKind) -> &'static str {
    match v {
        VerdictKind::Reachable => "reachable",
        VerdictKind::Unreachable => "unreachable",
        VerdictKind::Unknown => "unknown",
    }
}

/// One line saying why a verdict is not the expected one: the witness packet and the components
/// of its path (`reachable: tcp 93.184.216.34:49152 -> 54.175.89.128:22 via igw-lab-igw, …`), the
/// blocking components with their rules (`unreachable: blocked by acl-public-acl inbound rule *`),
/// or what is not modelled.
pub fn violation_message(v: &Verdict) -> String {
    // WAY-1: a waypoint that does not hold is the violation.
    if let Some(w) = v
        .waypoint
        .as_ref()
        .filter(|w| w.result == crate::query::waypoint::WaypointKind::Violated)
    {
        return format!("waypoint violated: {}", w.reason);
    }
    match v.verdict {
        VerdictKind::Reachable => {
            let packet = v.packet.map(|p| format!(" {p}")).unwrap_or_default();
            let via: Vec<&str> = v
                .path
                .iter()
                .flatten()
                .filter(|h| !matches!(h.kind, ComponentKind::Internet | ComponentKind::OnPremises))
                .map(|h| h.id.as_str())
                .fold(Vec::new(), |mut acc, id| {
                    if acc.last() != Some(&id) {
                        acc.push(id);
                    }
                    acc
                });
            if via.is_empty() {
                format!("reachable:{packet}")
            } else {
                format!("reachable:{packet} via {}", via.join(", "))
            }
        }
        VerdictKind::Unreachable => {
            let blocks: Vec<String> = v
                .blocked
                .iter()
                .map(|b| {
                    let direction = b.direction.map(|d| format!(" {d}")).unwrap_or_default();
                    format!("{} ({}{direction}, rule {})", b.id, b.kind, b.rule)
                })
                .collect();
            if blocks.is_empty() {
                "unreachable".to_owned()
            } else {
                format!("unreachable: blocked by {}", blocks.join("; "))
            }
        }
        VerdictKind::Unknown => {
            let causes: Vec<String> = v.unknown.iter().map(|u| format!("{} ({})", u.id, u.reason)).collect();
            format!("unknown: depends on {}", causes.join("; "))
        }
    }
}

/// The JSON document `check --format json` prints.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct JsonReport<'a> {
    /// The JSON contract's version ([`super::schema::SCHEMA_VERSION`]).
    #[schemars(schema_with = "super::schema::version_schema")]
    schema_version: u32,
    suite: JsonSuite<'a>,
    network: &'a str,
    results: Vec<JsonResult<'a>>,
    summary: Summary,
    elapsed_ms: u128,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
struct JsonSuite<'a> {
    file: &'a str,
    name: &'a str,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
struct JsonResult<'a> {
    name: &'a str,
    rule: JsonRule<'a>,
    location: &'a Location,
    expect: &'static str,
    status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    verdict: Option<&'a Verdict>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    /// A violation's fingerprint (what `--baseline` compares).
    #[serde(skip_serializing_if = "Option::is_none")]
    fingerprint: Option<String>,
    /// Why a violation does not fail the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    accepted: Option<&'a crate::check::Accepted>,
    /// A violation from the internet: the prefixes it is reached from (EXP-1..3).
    #[serde(skip_serializing_if = "Option::is_none")]
    exposure: Option<JsonExposure>,
    /// The finding's severity, when it is not its rule's (EXP-4).
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<&'static str>,
    /// A configuration rule (VPCV-009, VPCV-010): what it found on its resource.
    #[serde(skip_serializing_if = "Option::is_none")]
    fact: Option<&'a str>,
    /// An assertion over several port ranges (VPCV-012): every range a packet gets through on.
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    elapsed_ms: u128,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
struct JsonExposure {
    /// Internet prefixes the destination is reached from, in the order found.
    prefixes: Vec<String>,
    /// True when no other internet prefix reaches it (proved by the engine).
    complete: bool,
    /// True when every internet address outside the trusted prefixes reaches it.
    world: bool,
    /// One line for people.
    summary: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
struct JsonRule<'a> {
    id: &'a str,
    severity: &'static str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    refines: &'a [String],
}

/// The report as one pretty JSON object, ending with a newline: the suite, the network, one
/// result per assertion (each embedding the query verdict of DESIGN.md §2), the summary.
pub fn render_json(report: &Report) -> String {
    let mut out = Vec::new();
    match write_json(report, &mut out) {
        Ok(()) => String::from_utf8(out).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}\n")),
        Err(e) => format!("{{\"error\": \"{e}\"}}\n"),
    }
}

/// [`render_json`], written to `w` as it is serialised: a report of a million assertions is
/// gigabytes of JSON, never held whole in memory.
pub fn write_json(report: &Report, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let results = report
        .pairs()
        .map(|(a, r)| {
            let rule = report.suite.rule_of(a);
            JsonResult {
                name: &a.name,
                rule: JsonRule {
                    id: rule.map(|r| r.id.as_str()).unwrap_or(""),
                    severity: rule.map(|r| r.severity.as_str()).unwrap_or(""),
                    refines: rule.map(|r| r.refines.as_slice()).unwrap_or(&[]),
                },
                location: &a.location,
                expect: a.expect.as_str(),
                status: r.status,
                verdict: r.verdict.as_ref(),
                error: r.error.as_deref(),
                fingerprint: match (r.status, &r.verdict) {
                    (Status::Violated, Some(v)) => Some(crate::check::run::fingerprint(
                        rule.map(|r| r.id.as_str()).unwrap_or(""),
                        a,
                        v,
                    )),
                    (Status::Violated, None) if r.fact.is_some() => Some(crate::check::run::fact_fingerprint(
                        rule.map(|r| r.id.as_str()).unwrap_or(""),
                        a,
                    )),
                    _ => None,
                },
                accepted: r.accepted.as_ref(),
                exposure: r
                    .exposure
                    .as_ref()
                    .filter(|_| r.status == Status::Violated)
                    .map(|e| JsonExposure {
                        prefixes: e.prefixes.iter().map(ToString::to_string).collect(),
                        complete: e.complete,
                        world: e.world(),
                        summary: crate::check::exposure::describe(e),
                    }),
                severity: r.severity.map(|s| s.as_str()),
                fact: r.fact.as_deref(),
                note: r.note.as_deref(),
                elapsed_ms: r.elapsed.as_millis(),
            }
        })
        .collect();
    let json = JsonReport {
        schema_version: super::schema::SCHEMA_VERSION,
        suite: JsonSuite {
            file: &report.suite.file,
            name: &report.suite.name,
        },
        network: &report.network,
        results,
        summary: report.summary(),
        elapsed_ms: report.elapsed.as_millis(),
    };
    serde_json::to_writer_pretty(&mut *w, &json)?;
    w.write_all(b"\n")
}
