//! `lint` output: diagnostics as text lines or one JSON object.

use crate::model::{Diagnostic, Severity};
use serde::Serialize;

/// The JSON document `lint --format json` prints.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct LintReport<'a> {
    /// The JSON contract's version ([`super::schema::SCHEMA_VERSION`]).
    #[schemars(schema_with = "super::schema::version_schema")]
    pub schema_version: u32,
    /// What was read.
    pub source: &'a str,
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// Every finding, errors first, then by file, line and resource.
    pub diagnostics: &'a [Diagnostic],
}

/// Sorts findings for output: errors first, then by file, line, resource and message.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (a.severity, &a.file, a.line, &a.resource, &a.code, &a.message).cmp(&(
            b.severity,
            &b.file,
            b.line,
            &b.resource,
            &b.code,
            &b.message,
        ))
    });
}

/// Counts (errors, warnings).
pub fn counts(diags: &[Diagnostic]) -> (usize, usize) {
    let e = diags.iter().filter(|d| d.severity == Severity::Error).count();
    (e, diags.len() - e)
}

/// The text report: one line per finding, then a summary line.
pub fn render_text(source: &str, diags: &[Diagnostic], style: &crate::explain::Style) -> String {
    let mut out = String::new();
    for d in diags {
        let line = d.to_string();
        let styled = match d.severity {
            Severity::Error => style.error(&line),
            Severity::Warning => style.warning(&line),
        };
        out.push_str(&styled);
        out.push('\n');
    }
    let (e, w) = counts(diags);
    let verdict = if e > 0 { "invalid" } else { "ok" };
    out.push_str(&format!(
        "{source}: {verdict}: {e} error{}, {w} warning{}\n",
        plural(e),
        plural(w)
    ));
    out
}

/// The text report with names beside resource ids ([`named`]).
pub fn render_named(
    source: &str,
    diags: &[Diagnostic],
    net: &crate::model::Network,
    style: &crate::explain::Style,
) -> String {
    render_text(source, &named(diags, &crate::model::Names::new(net)), style)
}

/// The findings for the text report, each resource written with its name beside its id
/// (`sg-0ab12 (WebDMZ)`) unless the message already says the name; JSON keeps the ids.
pub fn named(diags: &[Diagnostic], names: &crate::model::Names) -> Vec<Diagnostic> {
    diags
        .iter()
        .map(|d| {
            let mut d = d.clone();
            if let Some(r) = &d.resource
                && let Some(n) = names.display_name(r)
                && !d.message.contains(n)
            {
                d.resource = Some(format!("{r} ({n})"));
            }
            d
        })
        .collect()
}

/// The JSON report.
pub fn render_json(source: &str, diags: &[Diagnostic]) -> String {
    let (errors, warnings) = counts(diags);
    let report = LintReport {
        schema_version: super::schema::SCHEMA_VERSION,
        source,
        errors,
        warnings,
        diagnostics: diags,
    };
    serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")) + "\n"
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
