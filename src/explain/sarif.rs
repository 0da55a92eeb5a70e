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
use crate::check::{Accepted, Location as CheckLocation, Report, Status};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::json;
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification, PhysicalLocation,
    PropertyBag, Region, ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel, Run,
    RunAutomationDetails, SCHEMA_URL, Sarif, Suppression, Tool, ToolComponent,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The `uriBaseId` of every artifact under the source root.
pub const SRCROOT: &str = "%SRCROOT%";

/// Where the report's files are and what to call the run.
#[derive(Debug, Clone, Default)]
pub struct SarifOptions {
    /// The working directory the report's relative file names are relative to (absolute).
    pub cwd: PathBuf,
    /// The repository root (absolute): artifact URIs are relative to it, with `uriBaseId`
    /// `%SRCROOT%`. `None`: relative to `cwd`.
    pub source_root: Option<PathBuf>,
    /// `automationDetails.id`'s category; `None`: `vpcverify/<suite name>`.
    pub category: Option<String>,
}

/// The key of the fingerprint in `partialFingerprints`.
pub use crate::check::accept::FINGERPRINT_KEY;

/// The report as a SARIF 2.1.0 log (pretty JSON, ending with a newline).
pub fn render(report: &Report, options: &SarifOptions) -> Result<String, String> {
    let suite = &report.suite;
    let root = options.source_root.clone().unwrap_or_else(|| options.cwd.clone());
    let uris = Uris {
        cwd: &options.cwd,
        root: &root,
    };
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
                let mut result = SarifResult::builder()
                    .rule_id(rule_id)
                    .rule_index(i64::try_from(a.rule).unwrap_or(-1))
                    .level(ResultLevel::Error)
                    .message(
                        Message::builder()
                            .text(format!(
                                "`{}` is violated: expected {}, got {}{}{}",
                                a.name,
                                a.expect.as_str(),
                                violation_message(v),
                                r.note.as_ref().map(|n| format!("; {n}")).unwrap_or_default(),
                                r.exposure
                                    .as_ref()
                                    .map(|e| format!("; {}", crate::check::exposure::describe(e)))
                                    .unwrap_or_default()
                            ))
                            .build(),
                    )
                    .locations(vec![location(&a.location, &uris)])
                    .partial_fingerprints(fingerprints)
                    .build();
                if let Some(sev) = r.severity {
                    // EXP-4: this finding's severity, when breadth makes it differ from its rule's.
                    let mut props = BTreeMap::new();
                    props.insert("security-severity".to_owned(), json!(sev.security_severity()));
                    props.insert("severity".to_owned(), json!(sev.as_str()));
                    if let Some(e) = &r.exposure {
                        let prefixes: Vec<String> = e.prefixes.iter().map(ToString::to_string).collect();
                        props.insert("exposure".to_owned(), json!(prefixes));
                    }
                    result.properties = Some(PropertyBag::builder().additional_properties(props).build());
                }
                if report.baselined {
                    let state = if r.accepted == Some(Accepted::Baseline) {
                        "unchanged"
                    } else {
                        "new"
                    };
                    result.baseline_state = Some(json!(state));
                }
                if let Some(Accepted::Ignore { reason, expires }) = &r.accepted {
                    let justification = match expires {
                        Some(d) => format!("{reason} (until {d})"),
                        None => reason.clone(),
                    };
                    result.suppressions = Some(vec![
                        Suppression::builder()
                            .kind(json!("inSource"))
                            .status(json!("accepted"))
                            .justification(justification)
                            .build(),
                    ]);
                }
                results.push(result);
            }
            (Status::Violated, None) if r.fact.is_some() => {
                // A configuration fact (VPCV-009, VPCV-010): no packet, the resource located.
                let mut fingerprints = BTreeMap::new();
                fingerprints.insert(
                    FINGERPRINT_KEY.to_owned(),
                    crate::check::run::fact_fingerprint(&rule_id, a),
                );
                let text = format!("`{}` is violated: {}", a.name, r.fact.as_deref().unwrap_or_default());
                let mut result = SarifResult::builder()
                    .rule_id(rule_id)
                    .rule_index(i64::try_from(a.rule).unwrap_or(-1))
                    .level(ResultLevel::Error)
                    .message(Message::builder().text(text).build())
                    .locations(vec![location(&a.location, &uris)])
                    .partial_fingerprints(fingerprints)
                    .build();
                if r.accepted.is_some() {
                    result.suppressions = Some(vec![
                        Suppression::builder()
                            .kind(json!("external"))
                            .status(json!("accepted"))
                            .build(),
                    ]);
                }
                results.push(result);
            }
            (Status::Unknown | Status::Error, _) => {
                let why = match (&r.error, &r.verdict) {
                    (Some(e), _) => e.clone(),
                    (None, None) if r.fact.is_some() => r.fact.clone().unwrap_or_default(),
                    (None, Some(v)) => violation_message(v),
                    (None, None) => "no answer".to_owned(),
                };
                let level = if r.status == Status::Error { "error" } else { "warning" };
                notifications.push(
                    Notification::builder()
                        .level(json!(level))
                        .message(Message::builder().text(format!("`{}`: {why}", a.name)).build())
                        .locations(vec![location(&a.location, &uris)])
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
                .id(automation_id(&suite.name, options.category.as_deref()))
                .build(),
        )
        .original_uri_base_ids(original_uri_base_ids(&root))
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

/// The run's `automationDetails.id`: `<category>/` (a category alone, as GitHub reads it), from
/// `--sarif-category` or else `vpcverify/<suite name>`; the suite's declared name (or its file
/// stem), never its path, so that renaming or moving the file keeps the alerts.
pub fn automation_id(suite_name: &str, category: Option<&str>) -> String {
    match category.map(|c| c.trim_end_matches('/')).filter(|c| !c.is_empty()) {
        Some(c) => format!("{c}/"),
        None => format!("vpcverify/{suite_name}/"),
    }
}

fn original_uri_base_ids(root: &Path) -> BTreeMap<String, serde_sarif::sarif::ArtifactLocation> {
    let mut uri = file_uri(root);
    if !uri.ends_with('/') {
        uri.push('/');
    }
    let mut m = BTreeMap::new();
    m.insert(SRCROOT.to_owned(), ArtifactLocation::builder().uri(uri).build());
    m
}

/// How to turn the report's file names into URIs.
struct Uris<'a> {
    cwd: &'a Path,
    root: &'a Path,
}

impl Uris<'_> {
    /// `(uri, uriBaseId)`: relative to the root with `%SRCROOT%` when the file lies under it,
    /// else an absolute `file://` URI; percent-encoded either way.
    fn of(&self, file: &str) -> (String, Option<&'static str>) {
        let path = Path::new(file);
        let abs = crate::check::suite::normalize(&self.cwd.join(path));
        match abs.strip_prefix(self.root) {
            Ok(rel) => (encode_path(rel), Some(SRCROOT)),
            Err(_) => (file_uri(&abs), None),
        }
    }
}

fn location(l: &CheckLocation, uris: &Uris<'_>) -> Location {
    let (uri, base) = uris.of(&l.file);
    let artifact = match base {
        Some(b) => ArtifactLocation::builder().uri(uri).uri_base_id(b.to_owned()).build(),
        None => ArtifactLocation::builder().uri(uri).build(),
    };
    Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(artifact)
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

/// What a path segment must escape in a URI: controls, space, and the characters that delimit
/// or are not allowed in a URI (`#` would start a fragment, `?` a query, `%` an escape).
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b']')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}')
    .add(b'/');

/// A relative path as a relative URI reference: segments percent-encoded, joined by `/`.
pub fn encode_path(rel: &Path) -> String {
    rel.components()
        .map(|c| utf8_percent_encode(&c.as_os_str().to_string_lossy(), SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// An absolute path as a `file://` URI, percent-encoded.
pub fn file_uri(abs: &Path) -> String {
    let mut out = String::from("file://");
    for c in abs.components() {
        match c {
            std::path::Component::RootDir | std::path::Component::Prefix(_) => {}
            other => {
                out.push('/');
                out.push_str(&utf8_percent_encode(&other.as_os_str().to_string_lossy(), SEGMENT).to_string());
            }
        }
    }
    if out == "file://" {
        out.push('/');
    }
    out
}
