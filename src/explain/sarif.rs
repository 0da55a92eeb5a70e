//! `check --format sarif`: SARIF 2.1.0 (serde-sarif) in the shape GitHub code scanning accepts
//! (<https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning>).
//!
//! One run. `tool.driver.rules` holds one rule per suite assertion (one per built-in rule, shared
//! by the assertions it expands into), with an id stable across runs, its descriptions, and
//! `properties` carrying `security-severity`, `precision` and tags (`security`, `network`,
//! `reachability`, and the scanner ids a built-in rule refines) so that GitHub files the alerts
//! under Security. `results` holds one result per **violated** assertion, level `error`, whose
//! message is the witness (or the blocking rules), located at the assertion's line in the suite
//! (or, for a built-in rule, at the resource's line in the network file), with a
//! `partialFingerprints` entry (`check::run::fingerprint`) that stays the same while the finding
//! does. Unknown verdicts and assertions that could not be answered are not results: they are
//! `toolExecutionNotifications` of the run's invocation, which is `executionSuccessful: false`
//! when any assertion could not be answered.

use super::check::violation_message;
use crate::check::run::fingerprint;
use crate::check::{Location as CheckLocation, Report, Status};
use serde_json::json;
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification, PhysicalLocation,
    PropertyBag, Region, ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel, Run,
    RunAutomationDetails, SCHEMA_URL, Sarif, Tool, ToolComponent,
};
use std::collections::BTreeMap;

/// The key of the fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "vpcverifyFinding/v1";

/// The report as a SARIF 2.1.0 log (pretty JSON, ending with a newline).
pub fn render(report: &Report) -> Result<String, String> {
    let suite = &report.suite;
    let rules: Vec<ReportingDescriptor> = suite
        .rules
        .iter()
        .map(|r| {
            let mut tags = vec!["security".to_owned(), "network".to_owned(), "reachability".to_owned()];
            tags.extend(r.refines.iter().cloned());
            let refines = if r.refines.is_empty() {
                String::new()
            } else {
                format!(" Refines {}.", r.refines.join(", "))
            };
            let mut props = BTreeMap::new();
            props.insert("security-severity".to_owned(), json!(r.severity.security_severity()));
            props.insert("precision".to_owned(), json!("very-high"));
            props.insert("problem.severity".to_owned(), json!("error"));
            ReportingDescriptor::builder()
                .id(r.id.as_str())
                .short_description(text(&r.title))
                .full_description(text(&format!("{}{refines}", r.help)))
                .help(text(&format!("{}{refines}", r.help)))
                .default_configuration(ReportingConfiguration::builder().level(json!("error")).build())
                .properties(PropertyBag::builder().tags(tags).additional_properties(props).build())
                .build()
        })
        .collect();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for (a, r) in report.pairs() {
        let rule = suite.rule_of(a);
        let rule_id = rule.map(|x| x.id.clone()).unwrap_or_default();
        match (r.status, &r.verdict) {
            (Status::Violated, Some(v)) => {
                let mut fingerprints = BTreeMap::new();
                fingerprints.insert(FINGERPRINT_KEY.to_owned(), fingerprint(&rule_id, a, v));
                results.push(
                    SarifResult::builder()
                        .rule_id(rule_id)
                        .rule_index(i64::try_from(a.rule).unwrap_or(-1))
                        .level(ResultLevel::Error)
                        .message(
                            Message::builder()
                                .text(format!(
                                    "`{}` is violated: expected {}, got {}",
                                    a.name,
                                    a.expect.as_str(),
                                    violation_message(v)
                                ))
                                .build(),
                        )
                        .locations(vec![location(&a.location)])
                        .partial_fingerprints(fingerprints)
                        .build(),
                );
            }
            (Status::Unknown | Status::Error, _) => {
                let why = match (&r.error, &r.verdict) {
                    (Some(e), _) => e.clone(),
                    (None, Some(v)) => violation_message(v),
                    (None, None) => "no answer".to_owned(),
                };
                let level = if r.status == Status::Error { "error" } else { "warning" };
                notifications.push(
                    Notification::builder()
                        .level(json!(level))
                        .message(Message::builder().text(format!("`{}`: {why}", a.name)).build())
                        .locations(vec![location(&a.location)])
                        .build(),
                );
            }
            _ => {}
        }
    }
    let summary = report.summary();
    let invocation = Invocation::builder()
        .execution_successful(summary.errors == 0)
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
        .automation_details(
            RunAutomationDetails::builder()
                .id(format!("vpcverify/{}/", suite.name))
                .build(),
        )
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

fn text(s: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s).build()
}

fn location(l: &CheckLocation) -> Location {
    Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(ArtifactLocation::builder().uri(artifact_uri(&l.file)).build())
                .region(
                    Region::builder()
                        .start_line(i64::from(l.line))
                        .start_column(i64::from(l.column))
                        .build(),
                )
                .build(),
        )
        .build()
}

/// A file as a SARIF `uri`: relative paths (to the repository root, where CI runs) with forward
/// slashes; absolute paths as `file://` URIs.
pub fn artifact_uri(file: &str) -> String {
    let f = file.replace('\\', "/");
    if f.starts_with('/') {
        format!("file://{f}")
    } else {
        f.strip_prefix("./").unwrap_or(&f).to_owned()
    }
}
