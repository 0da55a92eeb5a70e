//! `vpcverify.toml`: defaults for the command line, one table per command.
//!
//! Owns: finding the file (`--config FILE`, else `vpcverify.toml` in the working directory or the
//! nearest directory above it; `--no-config` skips it), reading it (an unknown key, a wrong type
//! or a bad value is an error naming the file, line and key, with a suggestion), and filling the
//! flags the command line left out. Must not touch: what the flags mean; `cli` reads them as if
//! they had been typed. Every key is also a flag, and the flag wins.
//!
//! Paths in the file (`baseline`, `source_root`, the files of `report`) are relative to the
//! file's directory, so that a file at the repository root means the same from any directory
//! below it.
//!
//! Keys for every command (not one command's table) sit at the top level: `[onprem]`, the
//! on-premises networks of `--onprem NAME=CIDR[,CIDR][@GATEWAY]`, one key per network:
//! `NAME = ["CIDR", …]` (behind every gateway) or `NAME = "CIDR[,CIDR][@GATEWAY]"`. A network the
//! command line declares under the same name wins.

use super::{Budget, CheckArgs, Command, LintArgs, QueryArgs, ReportFormat, SeverityLevel, TextOrJson, TraceArgs};
use clap::ValueEnum;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The file looked for from the working directory upward.
pub const FILE_NAME: &str = "vpcverify.toml";

/// The tables (and, later, keys) allowed at the top level.
const TOP_KEYS: &[&str] = &["lint", "trace", "query", "check", "onprem"];
/// The keys of `[lint]`.
const LINT_KEYS: &[&str] = &["format", "deny_warnings"];
/// The keys of `[trace]`.
const TRACE_KEYS: &[&str] = &["format"];
/// The keys of `[query]`.
const QUERY_KEYS: &[&str] = &["format", "timeout"];
/// The keys of `[check]`.
const CHECK_KEYS: &[&str] = &[
    "format",
    "jobs",
    "timeout",
    "total_timeout",
    "baseline",
    "builtin_rules",
    "skip",
    "trusted",
    "severity",
    "sarif_category",
    "source_root",
    "report",
];

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `[lint]`.
    #[serde(default)]
    lint: LintDefaults,
    /// `[trace]`.
    #[serde(default)]
    trace: TraceDefaults,
    /// `[query]`.
    #[serde(default)]
    query: QueryDefaults,
    /// `[check]`.
    #[serde(default)]
    check: CheckDefaults,
    /// `[onprem]`: on-premises networks for every command, by name.
    #[serde(default)]
    onprem: std::collections::BTreeMap<String, Spanned<toml::Value>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LintDefaults {
    format: Option<Spanned<String>>,
    deny_warnings: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TraceDefaults {
    format: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct QueryDefaults {
    format: Option<Spanned<String>>,
    timeout: Option<Spanned<toml::Value>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckDefaults {
    format: Option<Spanned<String>>,
    jobs: Option<Spanned<i64>>,
    timeout: Option<Spanned<toml::Value>>,
    total_timeout: Option<Spanned<toml::Value>>,
    baseline: Option<String>,
    builtin_rules: Option<Vec<String>>,
    skip: Option<Vec<String>>,
    trusted: Option<Vec<String>>,
    severity: Option<Spanned<String>>,
    sarif_category: Option<String>,
    source_root: Option<String>,
    report: Option<Vec<Spanned<String>>>,
}

/// A configuration file that was read.
#[derive(Debug)]
pub struct Found {
    /// The file, as it will be shown.
    pub path: PathBuf,
    text: String,
    config: Config,
}

/// Finds and reads the configuration: `explicit` (`--config`), else `vpcverify.toml` in `cwd` or
/// the nearest directory above it, up to the filesystem root. `Ok(None)` when there is none.
pub fn find(explicit: Option<&Path>, cwd: &Path) -> Result<Option<Found>, String> {
    let path = match explicit {
        Some(p) => {
            if !p.is_file() {
                return Err(format!("--config {}: no such file", p.display()));
            }
            p.to_path_buf()
        }
        // Named relative to the working directory when it is in it, as every message shows it.
        None => match cwd.ancestors().map(|d| d.join(FILE_NAME)).find(|f| f.is_file()) {
            Some(f) => f.strip_prefix(cwd).map(Path::to_path_buf).unwrap_or(f),
            None => return Ok(None),
        },
    };
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let config = parse(&path, &text)?;
    Ok(Some(Found { path, text, config }))
}

/// `file:line:column` of a byte offset.
fn at(file: &Path, text: &str, offset: usize) -> String {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("{}:{line}:{column}", file.display())
}

/// Reads the file: every key is checked against the known ones first, so that a typo is reported
/// with its line and the key it most likely meant.
fn parse(file: &Path, text: &str) -> Result<Config, String> {
    let doc = toml::de::DeTable::parse(text).map_err(|e| {
        let place = e
            .span()
            .map_or_else(|| file.display().to_string(), |s| at(file, text, s.start));
        format!("{place}: {}", e.message().trim_end())
    })?;
    for (key, value) in doc.get_ref() {
        let name: &str = key.get_ref();
        if name == "onprem" {
            // Any name: the networks' own (their values are checked when applied).
            if !matches!(value.get_ref(), toml::de::DeValue::Table(_)) {
                return Err(format!(
                    "{}: `onprem` must be a table, `[onprem]`, of on-premises networks: NAME = [\"CIDR\", …]",
                    at(file, text, key.span().start)
                ));
            }
            continue;
        }
        let Some(keys) = section_keys(name) else {
            return Err(unknown(
                file,
                text,
                key.span().start,
                name,
                TOP_KEYS,
                "at the top level",
            ));
        };
        let toml::de::DeValue::Table(table) = value.get_ref() else {
            return Err(format!(
                "{}: `{name}` must be a table, `[{name}]`, holding the defaults of `vpcverify {name}`",
                at(file, text, key.span().start)
            ));
        };
        for k in table.keys() {
            if !keys.contains(&k.get_ref().as_ref()) {
                return Err(unknown(
                    file,
                    text,
                    k.span().start,
                    k.get_ref(),
                    keys,
                    &format!("in [{name}]"),
                ));
            }
        }
    }
    toml::from_str(text).map_err(|e| {
        let place = e
            .span()
            .map_or_else(|| file.display().to_string(), |s| at(file, text, s.start));
        format!("{place}: {}", e.message().trim_end())
    })
}

fn section_keys(name: &str) -> Option<&'static [&'static str]> {
    match name {
        "lint" => Some(LINT_KEYS),
        "trace" => Some(TRACE_KEYS),
        "query" => Some(QUERY_KEYS),
        "check" => Some(CHECK_KEYS),
        _ => None,
    }
}

fn unknown(file: &Path, text: &str, offset: usize, key: &str, known: &[&str], where_: &str) -> String {
    let suggestion = known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(key, k), *k))
        .filter(|(d, k)| *d <= (k.len() / 3).max(2))
        .min()
        .map(|(_, k)| format!("; did you mean `{k}`?"))
        .unwrap_or_default();
    let list: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
    format!(
        "{}: unknown key `{key}` {where_}{suggestion} (the keys are {})",
        at(file, text, offset),
        list.join(", ")
    )
}

impl Found {
    fn at(&self, offset: usize) -> String {
        at(&self.path, &self.text, offset)
    }

    /// A path of the file, relative to its directory.
    fn path_of(&self, p: &str) -> PathBuf {
        match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.join(p),
            _ => PathBuf::from(p),
        }
    }

    fn value<T: ValueEnum>(&self, section: &str, v: &Spanned<String>) -> Result<T, String> {
        T::from_str(v.get_ref(), true).map_err(|_| {
            let names: Vec<String> = T::value_variants()
                .iter()
                .filter_map(|x| x.to_possible_value().map(|p| format!("`{}`", p.get_name())))
                .collect();
            format!(
                "{}: `{}` is not a {section} value here: {}",
                self.at(v.span().start),
                v.get_ref(),
                names.join(", ")
            )
        })
    }

    fn budget(&self, v: &Spanned<toml::Value>, key: &str) -> Result<Budget, String> {
        let text = match v.get_ref() {
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(n) => n.to_string(),
            other => format!("{other}"),
        };
        super::parse_budget(&text).map_err(|e| format!("{}: `{key}`: {e}", self.at(v.span().start)))
    }

    /// Fills the flags `command` left out with this file's defaults; returns the keys used (as
    /// `[check] format`), for the note that says where a default came from.
    pub fn apply(&self, command: &mut Command) -> Result<Vec<String>, String> {
        let mut used = Vec::new();
        // Top-level keys for every command (`onprem`) are filled here, before the command's own.
        let onprem = match command {
            Command::Lint(a) => Some(&mut a.onprem),
            Command::Trace(a) => Some(&mut a.onprem),
            Command::Query(a) => Some(&mut a.question.onprem),
            Command::Check(a) => Some(&mut a.onprem),
            Command::Diff(a) => Some(&mut a.onprem),
            Command::Fix(a) => Some(&mut a.question.onprem),
            Command::Completions(_) | Command::Man | Command::Schema(_) | Command::Version(_) => None,
        };
        if let Some(declared) = onprem {
            for (name, v) in &self.config.onprem {
                if declared.iter().any(|n| &n.name == name) {
                    continue;
                }
                let text = match v.get_ref() {
                    toml::Value::String(s) => s.clone(),
                    toml::Value::Array(a) if a.iter().all(toml::Value::is_str) => {
                        a.iter().filter_map(toml::Value::as_str).collect::<Vec<_>>().join(",")
                    }
                    _ => {
                        return Err(format!(
                            "{}: `onprem.{name}`: give the network's blocks as [\"CIDR\", …] or as \"CIDR[,CIDR][@GATEWAY]\"",
                            self.at(v.span().start)
                        ));
                    }
                };
                let network = super::parse_onprem(&format!("{name}={text}"))
                    .map_err(|e| format!("{}: `onprem.{name}`: {e}", self.at(v.span().start)))?;
                declared.push(network);
                used.push(format!("[onprem] {name}"));
            }
        }
        match command {
            Command::Lint(a) => self.apply_lint(a, &mut used)?,
            Command::Trace(a) => self.apply_trace(a, &mut used)?,
            Command::Query(a) => self.apply_query(a, &mut used)?,
            Command::Check(a) => self.apply_check(a, &mut used)?,
            Command::Diff(_) | Command::Fix(_) => {}
            Command::Completions(_) | Command::Man | Command::Schema(_) | Command::Version(_) => {}
        }
        Ok(used)
    }

    fn apply_lint(&self, a: &mut LintArgs, used: &mut Vec<String>) -> Result<(), String> {
        let c = &self.config.lint;
        if let (None, Some(v)) = (a.format, &c.format) {
            a.format = Some(self.value::<TextOrJson>("format", v)?);
            used.push("[lint] format".into());
        }
        if let (false, Some(true)) = (a.deny_warnings, c.deny_warnings) {
            a.deny_warnings = true;
            used.push("[lint] deny_warnings".into());
        }
        Ok(())
    }

    fn apply_trace(&self, a: &mut TraceArgs, used: &mut Vec<String>) -> Result<(), String> {
        if let (None, Some(v)) = (a.format, &self.config.trace.format) {
            a.format = Some(self.value::<TextOrJson>("format", v)?);
            used.push("[trace] format".into());
        }
        Ok(())
    }

    fn apply_query(&self, a: &mut QueryArgs, used: &mut Vec<String>) -> Result<(), String> {
        let c = &self.config.query;
        if let (None, Some(v)) = (a.format, &c.format) {
            a.format = Some(self.value::<TextOrJson>("format", v)?);
            used.push("[query] format".into());
        }
        if let (None, Some(v)) = (a.timeout, &c.timeout) {
            a.timeout = Some(self.budget(v, "timeout")?);
            used.push("[query] timeout".into());
        }
        Ok(())
    }

    fn apply_check(&self, a: &mut CheckArgs, used: &mut Vec<String>) -> Result<(), String> {
        let c = &self.config.check;
        let mut note = |key: &str| used.push(format!("[check] {key}"));
        if let (None, Some(v)) = (a.format, &c.format) {
            a.format = Some(self.value::<ReportFormat>("format", v)?);
            note("format");
        }
        if let (None, Some(v)) = (a.jobs, &c.jobs) {
            let n = usize::try_from(*v.get_ref())
                .ok()
                .and_then(std::num::NonZeroUsize::new)
                .ok_or_else(|| format!("{}: `jobs` must be a positive integer", self.at(v.span().start)))?;
            a.jobs = Some(n);
            note("jobs");
        }
        if let (None, Some(v)) = (a.timeout, &c.timeout) {
            a.timeout = Some(self.budget(v, "timeout")?);
            note("timeout");
        }
        if let (None, Some(v)) = (a.total_timeout, &c.total_timeout) {
            a.total_timeout = Some(self.budget(v, "total_timeout")?);
            note("total_timeout");
        }
        if let (None, Some(v)) = (&a.baseline, &c.baseline) {
            a.baseline = Some(self.path_of(v));
            note("baseline");
        }
        if let (None, Some(v)) = (&a.builtin_rules, &c.builtin_rules) {
            a.builtin_rules = Some(v.clone());
            note("builtin_rules");
        }
        if let (true, Some(v)) = (a.trusted.is_empty(), &c.trusted) {
            a.trusted = v.clone();
            note("trusted");
        }
        if let (true, Some(v)) = (a.skip.is_empty(), &c.skip) {
            a.skip = v.clone();
            note("skip");
        }
        if let (None, Some(v)) = (a.severity, &c.severity) {
            a.severity = Some(self.value::<SeverityLevel>("severity", v)?);
            note("severity");
        }
        if let (None, Some(v)) = (&a.sarif_category, &c.sarif_category) {
            a.sarif_category = Some(v.clone());
            note("sarif_category");
        }
        if let (None, Some(v)) = (&a.source_root, &c.source_root) {
            a.source_root = Some(self.path_of(v));
            note("source_root");
        }
        // `--report` given once replaces the file's whole list.
        if let (true, Some(list)) = (a.reports.is_empty(), &c.report) {
            for r in list {
                let (format, file) = super::parse_report(r.get_ref())
                    .map_err(|e| format!("{}: `report`: {e}", self.at(r.span().start)))?;
                a.reports.push((format, self.path_of(&file.to_string_lossy())));
            }
            note("report");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Config, String> {
        parse(Path::new("dir/vpcverify.toml"), text)
    }

    #[test]
    fn every_listed_key_is_read() {
        let text = r#"
[lint]
format = "json"
deny_warnings = true
[trace]
format = "json"
[query]
format = "json"
timeout = "5s"
[check]
format = "sarif"
jobs = 2
timeout = 30
total_timeout = "20m"
baseline = "base.json"
builtin_rules = ["VPCV-001"]
skip = ["VPCV-004"]
severity = "high"
sarif_category = "vpcverify/prod"
source_root = "."
report = ["junit=out.xml"]
"#;
        let c = read(text).unwrap();
        assert_eq!(c.check.report.as_ref().map(Vec::len), Some(1));
        assert_eq!(c.lint.deny_warnings, Some(true));
    }

    #[test]
    fn an_unknown_key_names_its_line_and_the_likely_key() {
        let e = read("[check]\njobs = 2\nfromat = \"json\"\n").unwrap_err();
        assert!(
            e.starts_with("dir/vpcverify.toml:3:1: unknown key `fromat` in [check]; did you mean `format`?"),
            "{e}"
        );
        let e = read("[chek]\n").unwrap_err();
        assert!(
            e.contains("unknown key `chek` at the top level; did you mean `check`?"),
            "{e}"
        );
        let e = read("check = 3\n").unwrap_err();
        assert!(e.contains("must be a table"), "{e}");
    }

    #[test]
    fn a_wrong_type_names_its_line() {
        let e = read("[check]\n\njobs = \"two\"\n").unwrap_err();
        assert!(e.starts_with("dir/vpcverify.toml:3:"), "{e}");
    }

    #[test]
    fn paths_are_relative_to_the_file() {
        let f = Found {
            path: PathBuf::from("/repo/vpcverify.toml"),
            text: String::new(),
            config: Config::default(),
        };
        assert_eq!(f.path_of("ci/base.json"), PathBuf::from("/repo/ci/base.json"));
        assert_eq!(f.path_of("/abs.json"), PathBuf::from("/abs.json"));
    }
}
