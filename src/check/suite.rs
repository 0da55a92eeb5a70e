//! The suite file (DESIGN.md §2): an optional `name` and `network`, then `[[assert]]` tables.
//!
//! ```toml
//! name    = "seed-lab"                  # optional; default: the file name without `.toml`
//! network = "../specs/seed-lab.toml"    # optional, relative to this file; NETWORK wins
//! timeout = "2s"                        # optional: each assertion's budget; --timeout wins
//! total_timeout = "5m"                  # optional: the whole run's; --total-timeout wins
//! onprem  = ["corp=192.168.0.0/16@vgw-0abc"]  # optional: on-premises networks, as --onprem
//! trusted = ["81.2.69.0/24"]            # optional: internet prefixes that never count as exposure (EXP-1)
//!
//! [[assert]]
//! name     = "database never reachable from the internet"   # unique in the suite
//! from     = "internet"
//! to       = "db-server"
//! protocol = "all"          # default tcp
//! port     = "0-65535"      # optional: N, "N" or "N-M"
//! src_port = "1024-65535"   # optional
//! one_way  = false          # optional
//! expect   = "unreachable"  # or "reachable"; optional when `through` or `avoid` is given
//! through  = ["natgw"]      # optional: every packet that gets through crosses these (WAY-1)
//! avoid    = ["pcx-1"]      # optional: no packet that gets through crosses these (WAY-1)
//! severity = "critical"     # optional: critical, high, medium, low (SARIF security-severity)
//! id       = "db-isolated"  # optional: the SARIF rule id, stable across renames
//! description = "…"         # optional: the SARIF rule's help text
//!
//! [[ignore]]                  # a violation accepted on purpose (it then does not fail the run)
//! rule    = "VPCV-001"        # an assertion's name, or a rule id (a built-in rule's `VPCV-…`)
//! from    = "internet"        # optional: only the assertions from this endpoint
//! to      = "bastion"         # optional: only the assertions to this endpoint
//! reason  = "the bastion"     # required
//! expires = "2027-01-31"      # optional, YYYY-MM-DD: after that day the violation fails again
//! ```
//!
//! Every problem (TOML syntax, an unknown key, a missing or mistyped value, a duplicate name or
//! id, a port on a protocol without ports) is a [`SuiteError`] naming the file, line and column,
//! from the spans `toml` keeps. Endpoints are not resolved here: that needs the network, and an
//! endpoint that names nothing is reported by the run as an assertion error.

use super::budget::{self, Limit};
use crate::model::{PortRange, proto};
use crate::query::engine::{ProtocolChoice, QuerySpec};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use toml::Spanned;

/// The verdict an assertion expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    /// Some packet gets there (and its reply back).
    Reachable,
    /// No packet does.
    Unreachable,
    /// Either: the assertion is only about its waypoints (`through`, `avoid` without `expect`).
    /// Never written in a suite: `expect` is left out instead.
    #[serde(skip_deserializing)]
    Any,
}

impl Expect {
    /// `reachable` or `unreachable` (`the waypoints to hold` for [`Expect::Any`]), as in
    /// "expected …".
    pub fn as_str(self) -> &'static str {
        match self {
            Expect::Reachable => "reachable",
            Expect::Unreachable => "unreachable",
            Expect::Any => "the waypoints to hold",
        }
    }
}

/// How bad a violation is; SARIF's `security-severity` (GitHub's scale, as checkov maps it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// 10.0.
    Critical,
    /// 8.9.
    High,
    /// 6.9.
    Medium,
    /// 3.9.
    Low,
}

impl Severity {
    /// The `security-severity` string GitHub code scanning reads (0.0 to 10.0).
    pub fn security_severity(self) -> &'static str {
        match self {
            Severity::Critical => "10.0",
            Severity::High => "8.9",
            Severity::Medium => "6.9",
            Severity::Low => "3.9",
        }
    }

    /// `critical`, `high`, `medium` or `low`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

/// Where an assertion comes from: a line of the suite, or for a built-in rule the line of the
/// resource it is about in the network file (line 1 when the format has no lines).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
pub struct Location {
    /// The file, as the user named it.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// What SARIF calls a rule: one per suite assertion, one per built-in rule (shared by the
/// assertions it expands into).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Stable across runs: `VPCV-001` for a built-in rule; the assertion's `id`, or the suite's and
    /// the assertion's names slugged (`seed-lab/database-never-reachable-from-the-internet`).
    pub id: String,
    /// One line.
    pub title: String,
    /// What it checks and why.
    pub help: String,
    /// Scanner rule ids this refines (checkov, Trivy/tfsec).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refines: Vec<String>,
    /// How bad a violation is.
    pub severity: Severity,
}

/// One assertion: a query and the verdict it must have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assertion {
    /// Unique in the suite.
    pub name: String,
    /// The name as a file name, unique in the suite (proof files are `<slug>.smt2`).
    pub slug: String,
    /// Index of its rule in [`Suite::rules`].
    pub rule: usize,
    /// Where packets come from (an endpoint, DESIGN.md §2).
    pub from: String,
    /// Where they go.
    pub to: String,
    /// The protocol.
    pub protocol: ProtocolChoice,
    /// Destination ports; any when `None`.
    pub port: Option<PortRange>,
    /// Source ports; a client's ephemeral port when `None`.
    pub src_port: Option<PortRange>,
    /// Only the request counts.
    pub one_way: bool,
    /// The verdict it must have.
    pub expect: Expect,
    /// Components every packet that gets through must cross (`through`, WAY-1).
    pub through: Vec<String>,
    /// Components no packet that gets through may cross (`avoid`, WAY-1).
    pub avoid: Vec<String>,
    /// Where it was written.
    pub location: Location,
    /// A configuration fact decided on the model when the assertion was made (a built-in
    /// configuration rule, VPCV-009 and VPCV-010): no question is asked of the engine.
    pub fact: Option<Fact>,
    /// Wider questions (same endpoints and direction, more packets), widest first, that the run
    /// asks once for every assertion naming them: when one is answered unreachable, so is this
    /// one (its packets are among the wider question's), and it holds without being asked.
    /// The built-in pack's (`check::builtin`); empty in a suite's own assertions.
    pub screens: Vec<Screen>,
    /// More destination port ranges asked with `port` (same protocol): the assertion is violated
    /// when a packet gets through on any of them, and its finding lists every range that does
    /// (VPCV-012: one finding per interface and neighbouring VPC, not one per port).
    pub more_ports: Vec<PortRange>,
    /// The class of interfaces this question shares its verdict with (`check::builtin::alike`,
    /// PACK-1): the run asks one assertion of each class and gives the others its verdict. The
    /// built-in pack's; `None` in a suite's own assertions, which are each asked.
    pub alike: Option<u32>,
}

/// A wider question than an assertion's: the same endpoints and direction with more protocols or
/// ports (`protocol all`, any port). Its `unreachable` settles every narrower question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screen {
    /// Where its packets come from, when not the assertion's source (a wider one: a VPC for
    /// one of its interfaces).
    pub from: Option<String>,
    /// Where they go, when not the assertion's destination (a wider one).
    pub to: Option<String>,
    /// The protocol.
    pub protocol: ProtocolChoice,
    /// Destination ports; any when `None`.
    pub port: Option<PortRange>,
}

impl Screen {
    /// Any packet at all.
    pub const ANY: Screen = Screen {
        from: None,
        to: None,
        protocol: ProtocolChoice::All,
        port: None,
    };
}

/// A configuration fact about one resource, and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact {
    /// The resource is configured as the rule asks.
    Holds(String),
    /// It is not.
    Violated(String),
    /// The input does not say.
    Unknown(String),
}

impl Assertion {
    /// The question to ask the query engine.
    pub fn query_spec(&self, want_proof: bool, budget: Option<std::time::Duration>) -> QuerySpec {
        QuerySpec {
            from: self.from.clone(),
            to: self.to.clone(),
            protocol: self.protocol,
            port: self.port,
            src_port: self.src_port,
            one_way: self.one_way,
            want_proof,
            budget,
            through: self.through.clone(),
            avoid: self.avoid.clone(),
        }
    }

    /// `tcp from `a` to `b` port 443 (one-way)`, as the query line of `query` reads.
    pub fn question(&self) -> String {
        let protocol = match self.protocol {
            ProtocolChoice::All => "all".to_owned(),
            ProtocolChoice::One(n) => proto::name(n),
        };
        let mut s = format!("{protocol} from `{}` to `{}`", self.from, self.to);
        if let Some(p) = self.port {
            s.push_str(&format!(" port {p}"));
        }
        if let Some(p) = self.src_port {
            s.push_str(&format!(" from port {p}"));
        }
        if self.one_way {
            s.push_str(" (one-way)");
        }
        s
    }

    /// What it requires, for a rule's help text: `must be reachable`, `must cross `nat-natgw``.
    pub fn requirement(&self) -> String {
        let mut parts = Vec::new();
        if self.expect != Expect::Any {
            parts.push(format!("must be {}", self.expect.as_str()));
        }
        if !self.through.is_empty() {
            parts.push(format!(
                "every packet that gets through must cross `{}`",
                self.through.join("` and `")
            ));
        }
        if !self.avoid.is_empty() {
            parts.push(format!(
                "no packet that gets through may cross `{}`",
                self.avoid.join("` or `")
            ));
        }
        parts.join("; ")
    }
}

/// A loaded suite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suite {
    /// The suite file as the user named it (`builtin` for the rule pack alone).
    pub file: String,
    /// The suite's name (JUnit classname `vpcverify.<name>`).
    pub name: String,
    /// True when it holds the built-in rule pack.
    pub builtin: bool,
    /// The network the suite names, resolved against the suite's directory.
    pub network: Option<PathBuf>,
    /// The budget of each assertion the suite asks for (`timeout`), when it does.
    pub timeout: Option<Limit>,
    /// The budget of the whole run the suite asks for (`total_timeout`), when it does.
    pub total_timeout: Option<Limit>,
    /// The rules its assertions refer to.
    pub rules: Vec<Rule>,
    /// The assertions, in file order.
    pub assertions: Vec<Assertion>,
    /// The `[[ignore]]` entries, in file order.
    pub ignores: Vec<Ignore>,
    /// On-premises networks the suite declares (`onprem`, read as `--onprem`, ONP-1); the
    /// command line's win by name.
    pub onprem: Vec<crate::model::OnPremNetwork>,
    /// Internet prefixes that never count as exposure (`trusted`, EXP-1): a question from
    /// `internet` leaves them out of its sources.
    pub trusted: Vec<crate::model::Cidr>,
}

/// An `[[ignore]]` entry: violations of a rule (or an assertion) accepted, with a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignore {
    /// An assertion's name or a rule id.
    pub rule: String,
    /// Only assertions from this endpoint, when given.
    pub from: Option<String>,
    /// Only assertions to this endpoint, when given.
    pub to: Option<String>,
    /// Why the violation is accepted.
    pub reason: String,
    /// The last day it is accepted (`YYYY-MM-DD`), when it has one.
    pub expires: Option<String>,
    /// Where it was written.
    pub location: Location,
}

/// A suite that cannot be read or is not valid (exit 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SuiteError {
    /// The file cannot be read.
    #[error("{file}: {message}")]
    Io {
        /// The file.
        file: String,
        /// Why.
        message: String,
    },
    /// The file is not a valid suite.
    #[error("{file}:{line}:{column}: {message}")]
    Invalid {
        /// The file.
        file: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// What is wrong.
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuite {
    name: Option<Spanned<String>>,
    network: Option<Spanned<String>>,
    timeout: Option<Spanned<toml::Value>>,
    total_timeout: Option<Spanned<toml::Value>>,
    #[serde(default)]
    onprem: Vec<Spanned<String>>,
    #[serde(default)]
    trusted: Vec<Spanned<String>>,
    #[serde(default, rename = "assert")]
    asserts: Option<Spanned<Vec<Spanned<RawAssert>>>>,
    #[serde(default, rename = "ignore")]
    ignores: Vec<Spanned<RawIgnore>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    rule: Spanned<String>,
    from: Option<Spanned<String>>,
    to: Option<Spanned<String>>,
    reason: Spanned<String>,
    expires: Option<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAssert {
    name: Spanned<String>,
    from: Spanned<String>,
    to: Spanned<String>,
    protocol: Option<Spanned<toml::Value>>,
    port: Option<Spanned<toml::Value>>,
    src_port: Option<Spanned<toml::Value>>,
    one_way: Option<bool>,
    expect: Option<Expect>,
    #[serde(default)]
    through: Vec<Spanned<String>>,
    #[serde(default)]
    avoid: Vec<Spanned<String>>,
    severity: Option<Severity>,
    id: Option<Spanned<String>>,
    description: Option<String>,
}

/// Byte offsets to 1-based line and column (columns count characters).
struct Positions<'t> {
    text: &'t str,
}

impl Positions<'_> {
    fn at(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let before = self.text.get(..offset).unwrap_or(self.text);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = before.get(line_start..).map(|s| s.chars().count()).unwrap_or(0) + 1;
        (
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(column).unwrap_or(u32::MAX),
        )
    }
}

impl Suite {
    /// Reads and validates a suite file.
    pub fn load(path: &Path) -> Result<Suite, SuiteError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| SuiteError::Io {
            file: file.clone(),
            message: e.to_string(),
        })?;
        let dir = path.parent().unwrap_or(Path::new(""));
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
        Suite::parse(&file, dir, stem.as_deref().unwrap_or("suite"), &text)
    }

    /// Parses suite text; `file` is what messages call it, `dir` resolves its `network`, and
    /// `default_name` names it when it has no `name`.
    pub fn parse(file: &str, dir: &Path, default_name: &str, text: &str) -> Result<Suite, SuiteError> {
        let pos = Positions { text };
        let error = |offset: usize, message: String| {
            let (line, column) = pos.at(offset);
            SuiteError::Invalid {
                file: file.to_owned(),
                line,
                column,
                message,
            }
        };
        let raw: RawSuite = toml::from_str(text).map_err(|e| {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            error(offset, tidy_toml_message(e.message()))
        })?;
        let name = match &raw.name {
            Some(n) if n.get_ref().trim().is_empty() => return Err(error(n.span().start, "`name` is empty".into())),
            Some(n) => n.get_ref().trim().to_owned(),
            None => default_name.to_owned(),
        };
        let network = match &raw.network {
            Some(n) if n.get_ref().trim().is_empty() => {
                return Err(error(n.span().start, "`network` is empty".into()));
            }
            Some(n) => Some(normalize(&dir.join(n.get_ref().trim()))),
            None => None,
        };
        let timeout = limit(&raw.timeout, "timeout").map_err(|(o, m)| error(o, m))?;
        let total_timeout = limit(&raw.total_timeout, "total_timeout").map_err(|(o, m)| error(o, m))?;
        let mut onprem = Vec::new();
        for d in &raw.onprem {
            let mut n = crate::ingest::onprem::parse_declaration(d.get_ref()).map_err(|m| error(d.span().start, m))?;
            n.provenance = crate::model::Provenance::resource(file, n.name.clone());
            onprem.push(n);
        }
        let raw_asserts = match raw.asserts {
            Some(a) if !a.get_ref().is_empty() => a.into_inner(),
            Some(a) => return Err(error(a.span().start, "the suite has no assertions".into())),
            None => {
                return Err(error(
                    0,
                    "the suite has no `[[assert]]` table: nothing would be checked".into(),
                ));
            }
        };
        let suite_slug = slug(&name);
        let mut names: BTreeMap<String, u32> = BTreeMap::new();
        let mut ids: BTreeMap<String, u32> = BTreeMap::new();
        let mut slugs: BTreeSet<String> = BTreeSet::new();
        let mut suite = Suite {
            file: file.to_owned(),
            name,
            builtin: false,
            network,
            timeout,
            total_timeout,
            rules: Vec::new(),
            assertions: Vec::new(),
            ignores: Vec::new(),
            onprem,
            trusted: Vec::new(),
        };
        for t in &raw.trusted {
            let c = parse_trusted(t.get_ref()).map_err(|m| error(t.span().start, m))?;
            suite.trusted.push(c);
        }
        for spanned in raw.ignores {
            let at = spanned.span().start;
            let i = spanned.into_inner();
            let word = |key: &str, v: &Spanned<String>| {
                let t = v.get_ref().trim();
                if t.is_empty() {
                    Err(error(v.span().start, format!("`{key}` is empty")))
                } else {
                    Ok(t.to_owned())
                }
            };
            let expires = match &i.expires {
                None => None,
                Some(v) => {
                    let text = match v.get_ref() {
                        toml::Value::String(t) => t.trim().to_owned(),
                        toml::Value::Datetime(d) => d.to_string(),
                        other => other.to_string(),
                    };
                    if !super::accept::is_date(&text) {
                        return Err(error(
                            v.span().start,
                            format!("`expires`: expected a date YYYY-MM-DD, found `{text}`"),
                        ));
                    }
                    Some(text)
                }
            };
            let (line, column) = pos.at(at);
            suite.ignores.push(Ignore {
                rule: word("rule", &i.rule)?,
                from: i.from.as_ref().map(|v| word("from", v)).transpose()?,
                to: i.to.as_ref().map(|v| word("to", v)).transpose()?,
                reason: word("reason", &i.reason)?,
                expires,
                location: Location {
                    file: file.to_owned(),
                    line,
                    column,
                },
            });
        }
        for spanned in raw_asserts {
            let at = spanned.span().start;
            let a = spanned.into_inner();
            let name = a.name.get_ref().trim().to_owned();
            if name.is_empty() {
                return Err(error(a.name.span().start, "`name` is empty".into()));
            }
            if let Some(first) = names.get(&name) {
                return Err(error(
                    a.name.span().start,
                    format!("duplicate assertion name `{name}` (first at line {first})"),
                ));
            }
            names.insert(name.clone(), pos.at(a.name.span().start).0);
            for (key, v) in [("from", &a.from), ("to", &a.to)] {
                if v.get_ref().trim().is_empty() {
                    return Err(error(v.span().start, format!("`{key}` is empty")));
                }
            }
            let protocol = match &a.protocol {
                None => ProtocolChoice::One(proto::TCP),
                Some(v) => {
                    let text = match v.get_ref() {
                        toml::Value::String(s) => s.clone(),
                        toml::Value::Integer(n) => n.to_string(),
                        other => {
                            return Err(error(
                                v.span().start,
                                format!("`protocol`: expected a string or a number, found {}", other.type_str()),
                            ));
                        }
                    };
                    ProtocolChoice::parse(&text).map_err(|e| error(v.span().start, format!("`protocol`: {e}")))?
                }
            };
            let port = ports(&a.port, "port").map_err(|(o, m)| error(o, m))?;
            let src_port = ports(&a.src_port, "src_port").map_err(|(o, m)| error(o, m))?;
            if let ProtocolChoice::One(n) = protocol
                && !proto::has_ports(n)
            {
                for (key, v, given) in [
                    ("port", &a.port, port.is_some()),
                    ("src_port", &a.src_port, src_port.is_some()),
                ] {
                    if let (true, Some(v)) = (given, v) {
                        return Err(error(
                            v.span().start,
                            format!("`{key}` applies to tcp and udp, not to {}", proto::name(n)),
                        ));
                    }
                }
            }
            let mut waypoints: [Vec<String>; 2] = Default::default();
            for (key, list, out) in [("through", &a.through, 0), ("avoid", &a.avoid, 1)] {
                for v in list {
                    let t = v.get_ref().trim();
                    if t.is_empty() {
                        return Err(error(v.span().start, format!("`{key}`: an entry is empty")));
                    }
                    if let Some(w) = waypoints.get_mut(out) {
                        w.push(t.to_owned());
                    }
                }
            }
            let [through, avoid] = waypoints;
            let expect = match a.expect {
                Some(e) => e,
                None if !through.is_empty() || !avoid.is_empty() => Expect::Any,
                None => {
                    return Err(error(
                        a.name.span().start,
                        "missing `expect` (\"reachable\" or \"unreachable\"); it may be left out only when the assertion has `through` or `avoid`".into(),
                    ));
                }
            };
            let s = unique_slug(slug(&name), &mut slugs);
            let rule_id = match &a.id {
                Some(id) => {
                    let t = id.get_ref().trim();
                    if t.is_empty() || t.chars().any(char::is_whitespace) {
                        return Err(error(
                            id.span().start,
                            format!("`id` must be a non-empty word without spaces, not `{t}`"),
                        ));
                    }
                    t.to_owned()
                }
                None => format!("{suite_slug}/{s}"),
            };
            let id_offset = a.id.as_ref().map(|i| i.span().start).unwrap_or(a.name.span().start);
            if let Some(first) = ids.get(&rule_id) {
                return Err(error(
                    id_offset,
                    format!("duplicate rule id `{rule_id}` (first at line {first})"),
                ));
            }
            ids.insert(rule_id.clone(), pos.at(id_offset).0);
            let (line, column) = pos.at(at);
            let mut assertion = Assertion {
                name: name.clone(),
                slug: s,
                rule: suite.rules.len(),
                from: a.from.get_ref().trim().to_owned(),
                to: a.to.get_ref().trim().to_owned(),
                protocol,
                port,
                src_port,
                one_way: a.one_way.unwrap_or(false),
                expect,
                through,
                avoid,
                location: Location {
                    file: file.to_owned(),
                    line,
                    column,
                },
                fact: None,
                screens: Vec::new(),
                more_ports: Vec::new(),
                alike: None,
            };
            let help = a.description.clone().unwrap_or_else(|| match assertion.expect {
                Expect::Any => format!("{}: {}", assertion.question(), assertion.requirement()),
                _ => format!("{} {}", assertion.question(), assertion.requirement()),
            });
            suite.rules.push(Rule {
                id: rule_id,
                title: name,
                help,
                refines: Vec::new(),
                severity: a.severity.unwrap_or(match expect {
                    Expect::Unreachable | Expect::Any => Severity::High,
                    Expect::Reachable => Severity::Medium,
                }),
            });
            assertion.rule = suite.rules.len() - 1;
            suite.assertions.push(assertion);
        }
        Ok(suite)
    }

    /// The rule of an assertion.
    pub fn rule_of(&self, a: &Assertion) -> Option<&Rule> {
        self.rules.get(a.rule)
    }

    /// Appends another suite's rules and assertions (the built-in pack after a suite's own).
    pub fn extend(&mut self, other: Suite) {
        let offset = self.rules.len();
        self.builtin |= other.builtin;
        self.ignores.extend(other.ignores);
        for t in other.trusted {
            if !self.trusted.contains(&t) {
                self.trusted.push(t);
            }
        }
        self.rules.extend(other.rules);
        let mut taken: BTreeSet<String> = self.assertions.iter().map(|a| a.slug.clone()).collect();
        for mut a in other.assertions {
            a.rule += offset;
            a.slug = unique_slug(std::mem::take(&mut a.slug), &mut taken);
            self.assertions.push(a);
        }
    }
}

/// A `trusted` prefix: an IPv4 or IPv6 block (or address), written as in a security group rule.
pub fn parse_trusted(text: &str) -> Result<crate::model::Cidr, String> {
    crate::model::Cidr::parse_host_or_cidr(text.trim())
        .map_err(|e| format!("`trusted`: `{text}` is not an address block (expected e.g. `81.2.69.0/24`): {e}"))
}

/// `s`, or `s-2`, `s-3`, … : the first not yet taken, which it then takes.
fn unique_slug(s: String, taken: &mut BTreeSet<String>) -> String {
    let mut candidate = s.clone();
    let mut n = 1;
    while taken.contains(&candidate) {
        n += 1;
        candidate = format!("{s}-{n}");
    }
    taken.insert(candidate.clone());
    candidate
}

/// A port value: `N` (a number or a string) or `"N-M"`.
fn ports(v: &Option<Spanned<toml::Value>>, key: &str) -> Result<Option<PortRange>, (usize, String)> {
    let Some(v) = v else { return Ok(None) };
    let at = v.span().start;
    match v.get_ref() {
        toml::Value::Integer(n) => u16::try_from(*n)
            .map(|p| Some(PortRange::single(p)))
            .map_err(|_| (at, format!("`{key}`: port {n} is outside 0-65535"))),
        toml::Value::String(s) => PortRange::parse(s).map(Some).map_err(|e| (at, format!("`{key}`: {e}"))),
        other => Err((
            at,
            format!("`{key}`: expected N or \"N-M\", found {}", other.type_str()),
        )),
    }
}

/// A budget value: a duration (`"2s"`, `"500ms"`, `"1m30s"`), `"none"`, or a number of seconds.
fn limit(v: &Option<Spanned<toml::Value>>, key: &str) -> Result<Option<Limit>, (usize, String)> {
    let Some(v) = v else { return Ok(None) };
    let at = v.span().start;
    let text = match v.get_ref() {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(n) => n.to_string(),
        other => {
            return Err((
                at,
                format!(
                    "`{key}`: expected a duration such as \"2s\", a number of seconds or \"none\", found {}",
                    other.type_str()
                ),
            ));
        }
    };
    budget::parse(&text)
        .map(Some)
        .map_err(|e| (at, format!("`{key}`: {e}")))
}

/// `toml`'s message, first line only, with a hint for the commonest mistake.
fn tidy_toml_message(message: &str) -> String {
    let first = message.lines().next().unwrap_or(message).trim();
    if first.contains("expected a sequence") {
        format!("{first}: write each assertion as an `[[assert]]` table (two brackets)")
    } else {
        first.to_owned()
    }
}

/// A name as a file name: lowercase ASCII letters and digits, other runs of characters as `-`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() { "assertion".to_owned() } else { out }
}

/// `proofs/../specs/x.toml` as `specs/x.toml`: `.` dropped, `..` folded where a name precedes it.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    if out.is_empty() {
        PathBuf::from(".")
    } else {
        out.iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Suite, SuiteError> {
        Suite::parse("proofs/t.toml", Path::new("proofs"), "t", text)
    }

    fn err(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    const ONE: &str = r#"
[[assert]]
name = "db isolated"
from = "internet"
to = "db-server"
protocol = "all"
expect = "unreachable"
"#;

    #[test]
    fn a_minimal_suite_reads_with_defaults() {
        let s = parse(&format!("network = \"../specs/seed-lab.toml\"\n{ONE}")).unwrap();
        assert_eq!(s.name, "t");
        assert_eq!(s.network, Some(PathBuf::from("specs/seed-lab.toml")));
        let a = &s.assertions[0];
        assert_eq!(a.protocol, ProtocolChoice::All);
        assert_eq!((a.location.line, a.location.column), (3, 1));
        assert_eq!(a.expect, Expect::Unreachable);
        assert!(!a.one_way);
        assert_eq!(s.rules[0].id, "t/db-isolated");
        assert_eq!(s.rules[0].severity, Severity::High);
    }

    #[test]
    fn ports_read_as_numbers_or_ranges() {
        let s = parse(
            "[[assert]]\nname = \"a\"\nfrom = \"x\"\nto = \"y\"\nport = 443\nsrc_port = \"1024-65535\"\nexpect = \"reachable\"\n",
        )
        .unwrap();
        let a = &s.assertions[0];
        assert_eq!(a.port, Some(PortRange::single(443)));
        assert_eq!(a.src_port, PortRange::new(1024, 65535));
        assert_eq!(a.protocol, ProtocolChoice::One(6));
    }

    #[test]
    fn waypoints_make_expect_optional() {
        let s = parse("[[assert]]\nname = \"a\"\nfrom = \"x\"\nto = \"y\"\nthrough = [\"natgw\"]\navoid = [\"pcx-1\", \"pcx-2\"]\n")
            .unwrap();
        let a = &s.assertions[0];
        assert_eq!(a.expect, Expect::Any);
        assert_eq!(a.through, ["natgw"]);
        assert_eq!(a.avoid, ["pcx-1", "pcx-2"]);
        assert_eq!(
            s.rules[0].help,
            "tcp from `x` to `y`: every packet that gets through must cross `natgw`; no packet that gets through may cross `pcx-1` or `pcx-2`"
        );
        assert_eq!(
            err("[[assert]]\nname = \"a\"\nfrom = \"x\"\nto = \"y\"\nthrough = [\" \"]\n"),
            "proofs/t.toml:5:12: `through`: an entry is empty"
        );
        assert!(err("[[assert]]\nname = \"a\"\nfrom = \"x\"\nto = \"y\"\n").contains("missing `expect`"));
    }

    #[test]
    fn bad_suites_name_file_line_and_column() {
        assert_eq!(
            err(&ONE.replace("protocol = \"all\"", "protocl = \"all\"")),
            "proofs/t.toml:6:1: unknown field `protocl`, expected one of `name`, `from`, `to`, `protocol`, `port`, `src_port`, `one_way`, `expect`, `through`, `avoid`, `severity`, `id`, `description`"
        );
        assert_eq!(
            err(&ONE.replace("\"unreachable\"", "\"maybe\"")),
            "proofs/t.toml:7:10: unknown variant `maybe`, expected `reachable` or `unreachable`"
        );
        assert!(
            err(&ONE.replace("to = \"db-server\"\n", "")).contains("missing field `to`"),
            "{}",
            err(&ONE.replace("to = \"db-server\"\n", ""))
        );
        assert_eq!(
            err(&format!("{ONE}{ONE}")),
            "proofs/t.toml:10:8: duplicate assertion name `db isolated` (first at line 3)"
        );
        assert_eq!(
            err(&ONE.replace("protocol = \"all\"", "protocol = \"icmp\"\nport = 22")),
            "proofs/t.toml:7:8: `port` applies to tcp and udp, not to icmp"
        );
        assert_eq!(
            err(&ONE.replace("protocol = \"all\"", "port = \"80-70\"")),
            "proofs/t.toml:6:8: `port`: invalid port range `80-70`: expected N or N-M with 0 <= N <= M <= 65535"
        );
        assert_eq!(
            err(&ONE.replace("protocol = \"all\"", "protocol = \"tcpx\"")),
            "proofs/t.toml:6:12: `protocol`: invalid protocol `tcpx`: expected tcp, udp, icmp, icmpv6, all, -1 or a number 0-255"
        );
        assert_eq!(
            err("network = \"x.toml\"\n"),
            "proofs/t.toml:1:1: the suite has no `[[assert]]` table: nothing would be checked"
        );
        assert!(
            err("[assert]\nname = \"a\"\n").contains("two brackets"),
            "{}",
            err("[assert]\n")
        );
        assert!(
            err("[[assert]\n").starts_with("proofs/t.toml:1:"),
            "{}",
            err("[[assert]\n")
        );
        assert_eq!(
            err("colour = 1\n"),
            "proofs/t.toml:1:1: unknown field `colour`, expected one of `name`, `network`, `timeout`, `total_timeout`, `onprem`, `trusted`, `assert`, `ignore`"
        );
    }

    #[test]
    fn budgets_read_as_durations_numbers_of_seconds_or_none() {
        use std::time::Duration;
        let s = parse(ONE).unwrap();
        assert_eq!((s.timeout, s.total_timeout), (None, None));
        let s = parse(&format!("timeout = \"2s\"\ntotal_timeout = \"5m\"\n{ONE}")).unwrap();
        assert_eq!(s.timeout, Some(Some(Duration::from_secs(2))));
        assert_eq!(s.total_timeout, Some(Some(Duration::from_secs(300))));
        let s = parse(&format!("timeout = 30\ntotal_timeout = \"none\"\n{ONE}")).unwrap();
        assert_eq!(s.timeout, Some(Some(Duration::from_secs(30))));
        assert_eq!(s.total_timeout, Some(None));
        let s = parse(&format!("timeout = \"500ms\"\n{ONE}")).unwrap();
        assert_eq!(s.timeout, Some(Some(Duration::from_millis(500))));
    }

    #[test]
    fn bad_budgets_name_file_line_and_column() {
        assert!(
            err(&format!("timeout = \"soon\"\n{ONE}"))
                .starts_with("proofs/t.toml:1:11: `timeout`: `soon` is not a duration"),
            "{}",
            err(&format!("timeout = \"soon\"\n{ONE}"))
        );
        assert_eq!(
            err(&format!("name = \"x\"\ntotal_timeout = 0\n{ONE}")),
            "proofs/t.toml:2:17: `total_timeout`: `0` is a zero budget, in which no question can be answered; \
             write `none` for no limit"
        );
        assert_eq!(
            err(&format!("timeout = 1.5\n{ONE}")),
            "proofs/t.toml:1:11: `timeout`: expected a duration such as \"2s\", a number of seconds or \"none\", \
             found float"
        );
        assert!(
            err(&format!("timeout = -3\n{ONE}")).starts_with("proofs/t.toml:1:11: `timeout`: `-3` is not a duration"),
            "{}",
            err(&format!("timeout = -3\n{ONE}"))
        );
        // A budget is the suite's, not an assertion's.
        assert!(
            err(&ONE.replace("expect =", "timeout = \"2s\"\nexpect =")).contains("unknown field `timeout`"),
            "{}",
            err(&ONE.replace("expect =", "timeout = \"2s\"\nexpect ="))
        );
    }

    #[test]
    fn slugs_are_file_names_and_unique() {
        assert_eq!(
            slug("Database never reachable (from the internet)!"),
            "database-never-reachable-from-the-internet"
        );
        assert_eq!(slug("!!"), "assertion");
        let s = parse(&format!("{ONE}{}", ONE.replace("db isolated", "DB isolated"))).unwrap();
        assert_eq!(s.assertions[0].slug, "db-isolated");
        assert_eq!(s.assertions[1].slug, "db-isolated-2");
        assert_eq!(s.rules[1].id, "t/db-isolated-2");
    }

    #[test]
    fn paths_normalise_lexically() {
        assert_eq!(
            normalize(Path::new("proofs/../specs/a.toml")),
            PathBuf::from("specs/a.toml")
        );
        assert_eq!(
            normalize(Path::new("../specs/a.toml")),
            PathBuf::from("../specs/a.toml")
        );
        assert_eq!(normalize(Path::new("./a/./b/../c")), PathBuf::from("a/c"));
    }
}
