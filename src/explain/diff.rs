//! `vpcverify diff` output: text for people, JSON (the contract of `vpcverify schema diff`),
//! Markdown for a pull-request comment (a summary table, then each flow folded in `<details>`),
//! and SARIF (an opened flow from the internet onto a port a built-in rule protects is a result
//! at the changed resource's definition).
//!
//! Owns: formatting of [`DiffReport`]. Must not touch: semantics; it never recomputes a flow.

use super::Style;
use crate::diff::{DiffReport, DiffVerdict, Flow};
use crate::model::Hop;
use serde::Serialize;

/// The JSON document `diff --format json` prints.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct DiffJson<'a> {
    /// The JSON contract's version ([`super::schema::SCHEMA_VERSION`]).
    #[schemars(schema_with = "super::schema::version_schema")]
    pub schema_version: u32,
    /// The report.
    #[serde(flatten)]
    pub report: &'a DiffReport,
}

/// The report as pretty JSON, ending with a newline.
pub fn render_json(r: &DiffReport) -> String {
    let doc = DiffJson {
        schema_version: super::schema::SCHEMA_VERSION,
        report: r,
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

fn class_line(f: &Flow) -> String {
    let ports = f.ports.as_deref().map(|p| format!(" {p}")).unwrap_or_default();
    format!("{} -> {} {}{ports}", f.from, f.to, f.protocol)
}

fn hops_text(out: &mut String, hops: &[Hop]) {
    for h in hops {
        let dir = h.direction.map(|d| format!(" {d}")).unwrap_or_default();
        let rule = h.rule.as_deref().map(|r| format!(" [{r}]")).unwrap_or_default();
        out.push_str(&format!("      {} ({}){dir}{rule}: {}\n", h.id, h.kind, h.detail));
    }
}

fn other_side(f: &Flow) -> (&'static str, &'static str) {
    match f.direction {
        crate::diff::Direction::Opened => ("AFTER", "BEFORE"),
        crate::diff::Direction::Closed => ("BEFORE", "AFTER"),
    }
}

/// The report as text, ending with a newline.
pub fn render_text(r: &DiffReport, style: &Style) -> String {
    let mut out = String::new();
    let word = match r.verdict {
        DiffVerdict::Changed => style.error("changed"),
        DiffVerdict::Unchanged => style.good("unchanged"),
        DiffVerdict::Unknown => style.warning("unknown"),
    };
    out.push_str(&format!(
        "{word}: {} opened, {} closed, {} unknown; BEFORE {} -> AFTER {}\n",
        r.opened.len(),
        r.closed.len(),
        r.unknown.len(),
        r.before,
        r.after
    ));
    out.push_str(&format!(
        "{} changed resource(s); {} of {} pairs of endpoint classes concerned and asked\n",
        r.changes.len(),
        r.pairs.asked,
        r.pairs.total
    ));
    for c in &r.changes {
        let fields = if c.change.fields.is_empty() {
            String::new()
        } else {
            format!(" ({})", c.change.fields.join(", "))
        };
        let at = if c.change.location.is_empty() {
            String::new()
        } else {
            format!(" at {}", c.change.location)
        };
        let kind = match c.change.change {
            crate::diff::changes::ChangeKind::Added => "added",
            crate::diff::changes::ChangeKind::Removed => "removed",
            crate::diff::changes::ChangeKind::Modified => "modified",
        };
        out.push_str(&format!(
            "  {kind} {} {}{fields}{at}\n",
            c.change.collection, c.change.id
        ));
    }
    for (title, flows) in [("opened", &r.opened), ("closed", &r.closed)] {
        if flows.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{}\n", style.strong(&format!("{title}:"))));
        for f in flows {
            let (gets, not) = other_side(f);
            let trunc = if f.truncated {
                " (search bound reached: more may differ)"
            } else {
                ""
            };
            out.push_str(&format!("  {}{trunc}\n", class_line(f)));
            let p = &f.packet;
            let ports = match (p.src_port, p.dst_port) {
                (Some(s), Some(d)) => format!(" {}:{s} -> {}:{d}", p.src_ip, p.dst_ip),
                _ => format!(" {} -> {}", p.src_ip, p.dst_ip),
            };
            out.push_str(&format!("    witness: {}{ports} (sent by {})\n", p.protocol, f.sender));
            out.push_str(&format!("    path in {gets}:\n"));
            hops_text(&mut out, &f.path);
            if !f.return_path.is_empty() {
                out.push_str(&format!("    return path in {gets}:\n"));
                hops_text(&mut out, &f.return_path);
            }
            if let Some(b) = &f.blocked {
                let dir = b.direction.map(|d| format!(" {d}")).unwrap_or_default();
                out.push_str(&format!(
                    "    blocked in {not} by {} ({}){dir} rule {}: {}\n",
                    b.id, b.kind, b.rule, b.reason
                ));
            }
            if let Some(a) = &f.absent {
                out.push_str(&format!("    not in {not}: {a}\n"));
            }
            if !f.changes.is_empty() {
                out.push_str(&format!("    changed on the way: {}\n", f.changes.join(", ")));
            }
            if !f.protects.is_empty() {
                out.push_str(&format!("    breaks built-in rule: {}\n", f.protects.join(", ")));
            }
        }
    }
    if !r.unknown.is_empty() {
        out.push_str(&format!("\n{}\n", style.warning("unknown:")));
        for u in &r.unknown {
            let dir = match u.direction {
                crate::diff::Direction::Opened => "opened",
                crate::diff::Direction::Closed => "closed",
            };
            out.push_str(&format!("  {} -> {} ({dir}?)\n", u.from, u.to));
            for c in &u.causes {
                out.push_str(&format!("    {}: {}\n", c.id, c.reason));
            }
        }
    }
    out
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('<', "&lt;").replace('>', "&gt;")
}

/// The report as Markdown for a pull-request comment: a summary table of the opened and closed
/// flow classes, then each flow's evidence folded in `<details>`.
pub fn render_markdown(r: &DiffReport) -> String {
    let mut out = String::new();
    let head = match r.verdict {
        DiffVerdict::Changed => format!(
            "### vpcverify diff: {} opened, {} closed",
            r.opened.len(),
            r.closed.len()
        ),
        DiffVerdict::Unchanged => "### vpcverify diff: no flow opens or closes".to_owned(),
        DiffVerdict::Unknown => format!("### vpcverify diff: unknown for {} pair(s)", r.unknown.len()),
    };
    out.push_str(&head);
    out.push_str("\n\n");
    out.push_str(&format!(
        "{} changed resource(s); {} of {} pairs of endpoint classes asked.\n\n",
        r.changes.len(),
        r.pairs.asked,
        r.pairs.total
    ));
    if !r.opened.is_empty() || !r.closed.is_empty() {
        out.push_str("| | from | to | protocol | ports | witness | blocked in the other network by |\n");
        out.push_str("|---|---|---|---|---|---|---|\n");
        for f in r.opened.iter().chain(&r.closed) {
            let mark = match f.direction {
                crate::diff::Direction::Opened => "opened",
                crate::diff::Direction::Closed => "closed",
            };
            let blocked = f
                .blocked
                .as_ref()
                .map(|b| format!("`{}` {}", b.id, b.rule))
                .or_else(|| f.absent.clone())
                .unwrap_or_default();
            out.push_str(&format!(
                "| **{mark}** | {} | {} | {} | {} | `{} -> {}` | {} |\n",
                md_escape(&f.from),
                md_escape(&f.to),
                f.protocol,
                f.ports.as_deref().unwrap_or("-"),
                f.packet.src_ip,
                f.packet.dst_ip,
                md_escape(&blocked)
            ));
        }
        out.push('\n');
    }
    for f in r.opened.iter().chain(&r.closed) {
        let (gets, not) = other_side(f);
        out.push_str(&format!(
            "<details><summary>{}</summary>\n\n```text\n",
            md_escape(&class_line(f))
        ));
        out.push_str(&format!("witness sent by {}: {:?}\n", f.sender, f.packet));
        out.push_str(&format!("path in {gets}:\n"));
        hops_text(&mut out, &f.path);
        if !f.return_path.is_empty() {
            out.push_str(&format!("return path in {gets}:\n"));
            hops_text(&mut out, &f.return_path);
        }
        if let Some(b) = &f.blocked {
            out.push_str(&format!("blocked in {not} by {} rule {}: {}\n", b.id, b.rule, b.reason));
        }
        if let Some(a) = &f.absent {
            out.push_str(&format!("not in {not}: {a}\n"));
        }
        if !f.protects.is_empty() {
            out.push_str(&format!("breaks built-in rule: {}\n", f.protects.join(", ")));
        }
        out.push_str("```\n\n</details>\n\n");
    }
    if !r.unknown.is_empty() {
        out.push_str("<details><summary>unknown</summary>\n\n");
        for u in &r.unknown {
            for c in &u.causes {
                out.push_str(&format!(
                    "- {} -> {}: `{}` {}\n",
                    md_escape(&u.from),
                    md_escape(&u.to),
                    c.id,
                    md_escape(&c.reason)
                ));
            }
        }
        out.push_str("\n</details>\n");
    }
    out
}

/// The report as a SARIF 2.1.0 log: one result per opened flow from the internet that reaches a
/// port a built-in rule protects (VPCV-001..003), at the definition of the changed resource the
/// flow crosses (else of the first changed resource), level `error`. Unknown pairs are
/// notifications; the invocation is unsuccessful when there are any.
pub fn render_sarif(r: &DiffReport, cwd: &std::path::Path) -> Result<String, String> {
    use serde_json::json;
    use serde_sarif::sarif::{
        ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification, PhysicalLocation,
        Region, ReportingDescriptor, Result as SarifResult, ResultLevel, Run, SCHEMA_URL, Sarif, Tool, ToolComponent,
    };
    let text = |s: &str| MultiformatMessageString::builder().text(s).build();
    let pack = crate::check::builtin::rules();
    let mut used: Vec<String> = Vec::new();
    let mut results = Vec::new();
    for f in &r.opened {
        for p in &f.protects {
            let rule = p.split(' ').next().unwrap_or_default().to_owned();
            if !used.contains(&rule) {
                used.push(rule.clone());
            }
            let change = f
                .changes
                .iter()
                .find_map(|id| r.changes.iter().find(|c| &c.change.id == id))
                .or_else(|| r.changes.iter().find(|c| !c.change.file.is_empty()));
            let mut locations = Vec::new();
            if let Some(c) = change.filter(|c| !c.change.file.is_empty()) {
                let file = &c.change.file;
                let (line, column) = c
                    .change
                    .line
                    .or_else(|| {
                        std::fs::read_to_string(cwd.join(file))
                            .ok()
                            .and_then(|t| crate::check::builtin::find_resource(&t, &c.change.resource))
                    })
                    .unwrap_or((1, 1));
                let abs = cwd.join(file);
                let uri = match abs.strip_prefix(cwd) {
                    Ok(rel) => super::sarif::encode_path(rel),
                    Err(_) => super::sarif::file_uri(&abs),
                };
                locations.push(
                    Location::builder()
                        .physical_location(
                            PhysicalLocation::builder()
                                .artifact_location(ArtifactLocation::builder().uri(uri).build())
                                .region(
                                    Region::builder()
                                        .start_line(i64::from(line))
                                        .start_column(i64::from(column))
                                        .build(),
                                )
                                .build(),
                        )
                        .build(),
                );
            }
            let changed = change
                .map(|c| format!(" (changed: `{}`)", c.change.id))
                .unwrap_or_default();
            results.push(
                SarifResult::builder()
                    .rule_id(rule)
                    .level(ResultLevel::Error)
                    .message(
                        Message::builder()
                            .text(format!(
                                "the change opens {} from the internet to `{}` on {}{changed}; witness {} -> {}",
                                f.protocol, f.to, p, f.packet.src_ip, f.packet.dst_ip
                            ))
                            .build(),
                    )
                    .locations(locations)
                    .build(),
            );
        }
    }
    let rules: Vec<ReportingDescriptor> = pack
        .iter()
        .filter(|x| used.contains(&x.id))
        .map(|x| {
            ReportingDescriptor::builder()
                .id(x.id.as_str())
                .short_description(text(&x.title))
                .full_description(text(&x.help))
                .build()
        })
        .collect();
    let notifications: Vec<Notification> = r
        .unknown
        .iter()
        .map(|u| {
            let why: Vec<String> = u.causes.iter().map(|c| format!("`{}`: {}", c.id, c.reason)).collect();
            Notification::builder()
                .level(json!("warning"))
                .message(
                    Message::builder()
                        .text(format!("{} -> {}: unknown: {}", u.from, u.to, why.join("; ")))
                        .build(),
                )
                .build()
        })
        .collect();
    let invocation = Invocation::builder()
        .execution_successful(r.unknown.is_empty())
        .tool_execution_notifications(notifications)
        .build();
    let version = env!("CARGO_PKG_VERSION");
    let driver = ToolComponent::builder()
        .name("vpcverify")
        .version(version)
        .semantic_version(version)
        .rules(rules)
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .invocations(vec![invocation])
        .results(results)
        .build();
    let log = Sarif::builder()
        .schema(SCHEMA_URL)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build();
    serde_json::to_string_pretty(&log)
        .map(|s| s + "\n")
        .map_err(|e| e.to_string())
}
