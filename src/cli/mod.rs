//! Command-line arguments (clap derive) and the commands behind them.
//!
//! Owns: argument handling, reading user paths (through `ingest`), choosing output formats and
//! writing output. Must not touch: semantics. `main.rs` maps the returned [`Outcome`] to an exit
//! code.

use crate::explain::{self, Style};
use crate::ingest;
use crate::model::{NetworkIndex, Severity};
use crate::query::engine::{QueryError, QuerySpec};
use crate::query::trace::{TraceError, TraceRequest};
use crate::query::{Verdict, VerdictKind};
pub use args::{QueryArgs, QuestionArgs};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::net::IpAddr;
use std::path::PathBuf;

pub mod args;
pub mod config;
pub mod diff;
pub mod fix;
mod point;
mod values;
pub mod version;
pub mod waypoint;

/// The command line.
#[derive(Debug, Parser)]
#[command(
    name = "vpcverify",
    version,
    about = "Prove reachability facts about AWS VPC networks before anyone sends a packet"
)]
pub struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
    /// Colour text output: auto (on a terminal only), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// AWS's ip-ranges.json (the whole file, or its S3 and DynamoDB part) for the AWS-managed
    /// S3 and DynamoDB prefix lists whose entries the input lacks, instead of the copy shipped
    /// with vpcverify. Entries in the input still win.
    #[arg(long, global = true, value_name = "FILE")]
    pub aws_ip_ranges: Option<PathBuf>,
    /// Read defaults from FILE instead of the `vpcverify.toml` found in the working directory or
    /// the nearest directory above it. Flags win over the file.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Read no `vpcverify.toml`.
    #[arg(long, global = true, conflicts_with = "config")]
    pub no_config: bool,
    /// Neither read nor write the snapshot cache (the loaded and validated network, kept so that
    /// later commands on the same unchanged input skip loading it; see README, "Snapshot cache").
    #[arg(long, global = true)]
    pub no_cache: bool,
    /// The snapshot cache directory, instead of `VPCVERIFY_CACHE_DIR` or the platform's cache
    /// directory (`~/.cache/vpcverify` on Linux).
    #[arg(long, global = true, value_name = "DIR", conflicts_with = "no_cache")]
    pub cache_dir: Option<PathBuf>,
    /// Say on stderr what the snapshot cache did (hit, written, ignored) and where loading the
    /// network's time went.
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,
}

/// When to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, by the usual conventions: not when `NO_COLOR` is set to anything but the
    /// empty string, always when `CLICOLOR_FORCE` is, not when `CLICOLOR=0` or `TERM=dumb`.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load and validate a network; print errors and warnings.
    Lint(LintArgs),
    /// Walk one concrete packet (and its reply) through the network, hop by hop.
    Trace(TraceArgs),
    /// Is there ANY packet from --from to --to (on these ports) that gets through, and whose
    /// reply gets back? Answers with a witness packet and its path, or a proof naming every
    /// blocking rule.
    Query(QueryArgs),
    /// Run an assertion suite (and/or the built-in rule pack) against a network, for CI: exit 0
    /// when every assertion holds, 1 when some is violated, 2 on error, 3 when some is unknown
    /// and none violated.
    Check(CheckArgs),
    /// What a change opens and closes: every pair of endpoint classes a changed resource concerns,
    /// compared between BEFORE and AFTER (or a Terraform plan's prior state and planned values),
    /// with a witness packet per flow: exit 0 when nothing changes, 1 when something opens or
    /// closes (--fail-on), 2 on error, 3 when unknown.
    Diff(diff::DiffArgs),
    /// The smallest change to the configuration the input already has (network ACL entries,
    /// security group rules) that makes a question answer as wanted, proven in both engines
    /// before it is shown, with the flows it also opens or closes, written in the input's
    /// language: exit 0 when a fix is found (or nothing needs fixing), 1 when none fits the
    /// bound, 2 on error, 3 when unknown.
    Fix(fix::FixArgs),
    /// Print a shell completion script, e.g. `vpcverify completions bash >
    /// ~/.local/share/bash-completion/completions/vpcverify`.
    Completions(CompletionsArgs),
    /// Print the manual page (roff), e.g. `vpcverify man > ~/.local/share/man/man1/vpcverify.1`.
    Man,
    /// Print the JSON Schema of a command's `--format json` output (as published in the
    /// repository's `schemas/`); every JSON output carries `schema_version`.
    Schema(SchemaArgs),
    /// Print the version, the Z3 linked, the git commit and the build features (for bug reports).
    Version(version::VersionArgs),
}

/// `vpcverify schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Whose output.
    #[arg(value_enum)]
    pub output: explain::schema::Output,
}

/// `vpcverify completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Output format of `lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextOrJson {
    /// For people.
    Text,
    /// One JSON object.
    Json,
}

/// `vpcverify lint`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// A native spec (.toml), a directory of AWS describe-* JSON, one merged JSON file, or a
    /// Terraform show -json plan or state.
    pub network: PathBuf,
    /// An on-premises network the input cannot show (prefixes learnt by BGP over a VPN or Direct
    /// Connect): NAME=CIDR[,CIDR][@GATEWAY], GATEWAY a vgw-, tgw-, vpn- or Direct Connect gateway
    /// id (every virtual private gateway when absent); repeatable. NAME can then be --from/--to.
    #[arg(long = "onprem", value_name = "NAME=CIDR[,CIDR][@GATEWAY]", value_parser = parse_onprem)]
    pub onprem: Vec<crate::model::OnPremNetwork>,
    /// Output format (default: text).
    #[arg(long, value_enum)]
    pub format: Option<TextOrJson>,
    /// Exit 2 when there are warnings.
    #[arg(long)]
    pub deny_warnings: bool,
}

/// `vpcverify trace`.
#[derive(Debug, Args)]
pub struct TraceArgs {
    /// A native spec (.toml), a directory of AWS describe-* JSON, one merged JSON file, or a
    /// Terraform show -json plan or state.
    pub network: PathBuf,
    /// Where the packet starts: `internet`, an AWS id (`i-`, `eni-`, `subnet-`, `vgw-`, …), a Name
    /// tag, or an IP address.
    #[arg(long)]
    pub from: String,
    /// Where it goes: `internet`, `service:s3`, an AWS id, a Name tag, or an IP address.
    #[arg(long)]
    pub to: String,
    /// tcp, udp, icmp, icmpv6, all, or an IP protocol number.
    #[arg(long, default_value = "tcp")]
    pub protocol: String,
    /// Destination port (required for tcp and udp).
    #[arg(long, value_parser = values::port)]
    pub port: Option<u16>,
    /// Source port (default 49152, an unpinned client port).
    #[arg(long, value_parser = values::port)]
    pub src_port: Option<u16>,
    /// Source address, instead of the one chosen from `--from`.
    #[arg(long, value_parser = values::ip)]
    pub src_ip: Option<IpAddr>,
    /// Destination address, instead of the one chosen from `--to`.
    #[arg(long, value_parser = values::ip)]
    pub dst_ip: Option<IpAddr>,
    /// Only the request counts; the reply is not walked.
    #[arg(long)]
    pub one_way: bool,
    /// An on-premises network the input cannot show (prefixes learnt by BGP over a VPN or Direct
    /// Connect): NAME=CIDR[,CIDR][@GATEWAY], GATEWAY a vgw-, tgw-, vpn- or Direct Connect gateway
    /// id (every virtual private gateway when absent); repeatable. NAME can then be --from/--to.
    #[arg(long = "onprem", value_name = "NAME=CIDR[,CIDR][@GATEWAY]", value_parser = parse_onprem)]
    pub onprem: Vec<crate::model::OnPremNetwork>,
    /// Output format (default: text).
    #[arg(long, value_enum)]
    pub format: Option<TextOrJson>,
}

/// Output format of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// For people.
    Text,
    /// One JSON object: the suite, the network, each assertion's result and verdict, the summary.
    Json,
    /// JUnit XML (GitLab `artifacts:reports:junit`, Jenkins).
    Junit,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
}

/// `vpcverify check`.
#[derive(Debug, Args)]
#[command(
    after_help = "Paths: `check NETWORK SUITE.toml` runs the suite on NETWORK (which wins over the suite's \
`network` key); `check SUITE.toml` runs it on the network its `network` key names (relative to the suite); \
`check NETWORK --builtin` runs the built-in rule pack alone; `check NETWORK SUITE.toml --builtin` runs both, \
and so does `check SUITE.toml --builtin` on the network the suite names (a single path with `--builtin` is \
read as a suite when it has `[[assert]]` tables or a `network` key and no `vpc` table, and the tool says so).\n\n\
Budgets: each assertion gets `--timeout` (else the suite's `timeout` key, else 60s), and never more \
than what is left of the whole run's `--total-timeout` (else the suite's `total_timeout` key, else none). \
When the total runs out, the assertions not yet answered are reported unknown, naming the total budget: \
a budget never turns into a verdict that was not proved.\n\n\
Progress: each assertion is written to stderr as it finishes (`[ 3/40] ok        name (0.12s)`, in the \
order they finish, with why when it does not hold), so a slow assertion never hides the others. On a \
terminal, for more than four assertions and without `CI` set, a progress bar shows instead, with the \
assertions that do not hold written above it. `--quiet` writes neither. The report (stdout, or \
`--output`) keeps the suite's order.\n\n\
Exit codes: 0 every assertion holds, 1 some assertion is violated, 2 error (bad suite, bad network, an \
assertion that cannot be answered), 3 some assertion is unknown and none violated. Precedence: \
2 > 1 > 3 > 0."
)]
pub struct CheckArgs {
    /// The network (as for `query`); or, given alone without `--builtin`, the suite.
    #[arg(value_name = "NETWORK")]
    pub network: Option<PathBuf>,
    /// The suite file (`[[assert]]` tables, see `proofs/`).
    #[arg(value_name = "SUITE")]
    pub suite: Option<PathBuf>,
    /// An on-premises network the input cannot show (prefixes learnt by BGP over a VPN or Direct
    /// Connect): NAME=CIDR[,CIDR][@GATEWAY], GATEWAY a vgw-, tgw-, vpn- or Direct Connect gateway
    /// id (every virtual private gateway when absent); repeatable. NAME can then be --from/--to.
    #[arg(long = "onprem", value_name = "NAME=CIDR[,CIDR][@GATEWAY]", value_parser = parse_onprem)]
    pub onprem: Vec<crate::model::OnPremNetwork>,
    /// Run the built-in rule pack (after the suite's assertions when there is a suite):
    /// VPCV-001..005, no SSH, RDP or database port from the internet, nothing to the default
    /// security group, no inbound path into a private subnet.
    #[arg(long)]
    pub builtin: bool,
    /// Report format (default: text).
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
    /// Write the report to FILE instead of stdout; stderr then gets the assertions that do not
    /// hold and the summary line (after the progress lines).
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write a report in FORMAT (text, json, junit, sarif) to FILE; repeatable, e.g.
    /// `--report sarif=out.sarif --report junit=out.xml` (the `--format` report still goes to
    /// stdout or `--output`).
    #[arg(long = "report", value_name = "FORMAT=FILE", value_parser = parse_report)]
    pub reports: Vec<(ReportFormat, PathBuf)>,
    /// Write an SMT-LIB2 proof of each holding `unreachable` assertion to DIR/<assertion>.smt2.
    #[arg(long, value_name = "DIR")]
    pub emit_proofs: Option<PathBuf>,
    /// Answer at most N assertions at a time (default: one per core).
    #[arg(long, value_name = "N", value_parser = values::jobs)]
    pub jobs: Option<std::num::NonZeroUsize>,
    /// Wall-clock budget of each assertion: a duration such as `500ms`, `2s`, `1m` (a bare
    /// number is seconds), or `none`. An assertion whose budget runs out is unknown. Default:
    /// the suite's `timeout`, else 60s.
    #[arg(long, value_name = "DURATION", value_parser = parse_budget)]
    pub timeout: Option<Budget>,
    /// Wall-clock budget of the whole run, read as `--timeout` is. When it runs out, the
    /// assertions not yet answered are unknown, naming this budget. Default: the suite's
    /// `total_timeout`, else none.
    #[arg(long, value_name = "DURATION", value_parser = parse_budget)]
    pub total_timeout: Option<Budget>,
    /// Write no progress to stderr: neither a line per finished assertion nor the progress bar
    /// (errors, notes and, with `--output`, the summary are still written).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// For each violated assertion, the smallest change that makes it hold (as `vpcverify fix`),
    /// shown only when proven and when every other assertion of the suite keeps its verdict on
    /// the patched network (SEMANTICS.md FIX-6): after the text report, or under
    /// `suggested_fixes` in the JSON one. The exit code stays the suite's.
    #[arg(long)]
    pub suggest_fixes: bool,
    /// The repository root SARIF artifact URIs are relative to (`uriBaseId` `%SRCROOT%`).
    /// Default: the nearest directory above the suite (or the network) that holds `.git`, else
    /// the working directory.
    #[arg(long, value_name = "DIR")]
    pub source_root: Option<PathBuf>,
    /// The SARIF run's category (`automationDetails.id`), as `upload-sarif`'s `category` sets it.
    /// Default: `vpcverify/<suite name>`, the suite's `name` key or else its file stem.
    #[arg(long, value_name = "CATEGORY")]
    pub sarif_category: Option<String>,
    /// A previous report of vpcverify (`--format json` or `sarif`): violations already in it are
    /// reported as accepted (SARIF `baselineState` `unchanged`) and do not fail the run; new ones
    /// do.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Run only these built-in rules (comma-separated ids, e.g. `VPCV-001,VPCV-003`); implies
    /// `--builtin`.
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub builtin_rules: Option<Vec<String>>,
    /// Leave out these built-in rules (comma-separated ids, e.g. `VPCV-004`).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub skip: Vec<String>,
    /// Internet prefixes that never count as exposure (comma-separated CIDRs, e.g. an office's
    /// `81.2.69.0/24`): added to the suite's `trusted` (EXP-1).
    #[arg(long, value_name = "CIDRS", value_delimiter = ',')]
    pub trusted: Vec<String>,
    /// Only violations of rules this severe or more fail the run (exit 1); the others are
    /// reported as accepted. Default: every violation fails.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub severity: Option<SeverityLevel>,
}

/// A severity threshold (`check --severity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityLevel {
    /// Critical only.
    Critical,
    /// High and critical.
    High,
    /// Medium and above.
    Medium,
    /// Every violation.
    Low,
}

impl From<SeverityLevel> for crate::check::Severity {
    fn from(l: SeverityLevel) -> Self {
        match l {
            SeverityLevel::Critical => crate::check::Severity::Critical,
            SeverityLevel::High => crate::check::Severity::High,
            SeverityLevel::Medium => crate::check::Severity::Medium,
            SeverityLevel::Low => crate::check::Severity::Low,
        }
    }
}

/// The budget a question gets unless `--timeout` says otherwise.
pub const DEFAULT_BUDGET: &str = "60s";

/// A wall-clock budget from the command line: `None` when the user asked for none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget(pub Option<std::time::Duration>);

/// Parses `--onprem NAME=CIDR[,CIDR][@GATEWAY]`.
pub fn parse_onprem(text: &str) -> Result<crate::model::OnPremNetwork, String> {
    ingest::onprem::parse_declaration(text)
}

/// The load options with a command's `--onprem` declarations.
fn with_onprem(options: &ingest::LoadOptions, onprem: &[crate::model::OnPremNetwork]) -> ingest::LoadOptions {
    let mut o = options.clone();
    o.onprem.extend(onprem.iter().cloned());
    o
}

/// Parses `--timeout`: `none`, a bare number of seconds, or a duration (`500ms`, `2s`, `1m30s`).
/// Zero is refused: it would be a budget that nothing fits in (say `none` for no limit).
pub fn parse_budget(text: &str) -> Result<Budget, String> {
    crate::check::budget::parse(text).map(Budget)
}

/// What a command concluded; `main` maps it to the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Reachable, all assertions hold, lint clean: exit 0.
    Success,
    /// Unreachable, some assertion violated: exit 1.
    Failure,
    /// Bad input found by validation (already reported): exit 2.
    Invalid,
    /// Solver timeout or an unsupported construct on a candidate path: exit 3.
    Unknown,
}

impl Outcome {
    /// The process exit code (DESIGN.md §2).
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Failure => 1,
            Outcome::Invalid => 2,
            Outcome::Unknown => 3,
        }
    }
}

/// An error that stops a command: printed to stderr, exit 2.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The network could not be loaded.
    #[error(transparent)]
    Ingest(#[from] ingest::IngestError),
    /// The fix search could not run.
    #[error(transparent)]
    Fix(#[from] crate::fix::FixError),
    /// Writing output failed.
    #[error("cannot write output: {0}")]
    Output(String),
    /// `vpcverify.toml` (or `--config FILE`) cannot be read or is not valid.
    #[error("{0}")]
    Config(String),
    /// Bad usage the argument parser cannot catch.
    #[error("{0}")]
    Usage(String),
    /// `--from`/`--to` do not resolve, or the arguments do not make one packet.
    #[error(transparent)]
    Trace(#[from] TraceError),
    /// `--from`/`--to` do not resolve, the arguments do not make a question, or the engines
    /// disagree.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// The suite cannot be read or is not valid.
    #[error(transparent)]
    Suite(#[from] crate::check::SuiteError),
    /// The suite could not be run.
    #[error(transparent)]
    Run(#[from] crate::check::run::RunError),
    /// The network has errors (printed to stderr).
    #[error("{file}: {errors} error{} in the network: run `vpcverify lint` for details", if *.errors == 1 { "" } else { "s" })]
    InvalidNetwork {
        /// What was read.
        file: String,
        /// How many errors.
        errors: usize,
    },
}

/// Runs a parsed command line.
pub fn run(mut cli: Cli) -> Result<Outcome, CliError> {
    if !cli.no_config {
        let cwd = std::env::current_dir().map_err(|e| CliError::Output(format!("working directory: {e}")))?;
        if let Some(found) = config::find(cli.config.as_deref(), &cwd).map_err(CliError::Config)? {
            let used = found.apply(&mut cli.command).map_err(CliError::Config)?;
            if !used.is_empty() {
                eprintln!(
                    "vpcverify: note: defaults from {}: {} (flags win; `--no-config` reads none)",
                    shown(&found.path),
                    used.join(", ")
                );
            }
        }
    }
    let style = Style {
        color: use_color(cli.color),
    };
    let mut options = ingest::LoadOptions::with_ip_ranges(cli.aws_ip_ranges.as_deref())?;
    options.cache = ingest::cache::CacheOptions::from_env(cli.no_cache, cli.cache_dir.as_deref());
    options.cache.verbose = cli.verbose;
    match cli.command {
        Command::Lint(args) => point::lint(&args, &style, &with_onprem(&options, &args.onprem)),
        Command::Trace(args) => point::trace(&args, &style, &with_onprem(&options, &args.onprem)),
        Command::Query(args) => point::query(&args, &style, &with_onprem(&options, &args.question.onprem)),
        Command::Check(args) => check(&args, cli.color, &with_onprem(&options, &args.onprem)),
        Command::Diff(args) => diff::run(&args, &style, &with_onprem(&options, &args.onprem)),
        Command::Fix(args) => fix::run(&args, &style, &with_onprem(&options, &args.question.onprem)),
        Command::Completions(args) => {
            let mut out = Vec::new();
            clap_complete::generate(
                args.shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "vpcverify",
                &mut out,
            );
            emit(&String::from_utf8_lossy(&out))?;
            Ok(Outcome::Success)
        }
        Command::Schema(args) => {
            emit(&explain::schema::schema(args.output))?;
            Ok(Outcome::Success)
        }
        Command::Version(args) => version::run(&args),
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
                .render(&mut out)
                .map_err(|e| CliError::Output(e.to_string()))?;
            emit(&String::from_utf8_lossy(&out))?;
            Ok(Outcome::Success)
        }
    }
}

fn use_color(choice: ColorChoice) -> bool {
    use_color_on(choice, anstream::AutoStream::choice(&std::io::stdout()))
}

/// `--color`; `auto` follows anstream's reading of the stream and the environment (`NO_COLOR`
/// when non-empty, `CLICOLOR_FORCE`, `CLICOLOR`, `TERM=dumb`, a terminal or not).
fn use_color_on(choice: ColorChoice, stream: anstream::ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stream != anstream::ColorChoice::Never,
    }
}

/// `--report FORMAT=FILE`.
pub(crate) fn parse_report(text: &str) -> Result<(ReportFormat, PathBuf), String> {
    let (format, file) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}`: write FORMAT=FILE, e.g. sarif=out.sarif"))?;
    let format = ReportFormat::from_str(format, true)
        .map_err(|_| format!("`{format}` is not a report format: text, json, junit or sarif"))?;
    if file.is_empty() {
        return Err(format!("`{text}`: no file after `=`"));
    }
    Ok((format, PathBuf::from(file)))
}

/// True iff `path` is a TOML file that reads as a suite rather than a native spec: `[[assert]]`
/// tables, or a `network` key, and no `vpc` table.
fn looks_like_suite(path: &std::path::Path) -> bool {
    if path.is_dir() {
        return false;
    }
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    let Ok(doc) = text.parse::<toml::Table>() else {
        return false;
    };
    (doc.contains_key("assert") || doc.get("network").is_some_and(toml::Value::is_str)) && !doc.contains_key("vpc")
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
pub fn emit(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::Output(e.to_string())),
        Ok(()) => Ok(()),
    }
}

/// Loads a network for a question: its errors are printed to stderr and stop the command.
pub fn load_valid(
    path: &std::path::Path,
    style: &Style,
    options: &ingest::LoadOptions,
) -> Result<(ingest::Loaded, NetworkIndex), CliError> {
    load_valid_then(path, style, options, || {})
}

/// [`load_valid`], doing `meanwhile` on this thread while the network loads on another (a point
/// question makes its solver context then).
pub fn load_valid_then(
    path: &std::path::Path,
    style: &Style,
    options: &ingest::LoadOptions,
    meanwhile: impl FnOnce(),
) -> Result<(ingest::Loaded, NetworkIndex), CliError> {
    // Validation and the index are cached with the network (`ingest::cache`).
    let (snap, report) = std::thread::scope(|s| {
        let loading = s.spawn(|| ingest::cache::load(path, options, &options.cache));
        meanwhile();
        loading.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })?;
    print_cache_report(&report, options.cache.verbose);
    let ix = snap.index;
    let loaded = snap.loaded;
    let mut diags = loaded.diagnostics.clone();
    diags.extend(snap.validation);
    let errors: Vec<_> = diags.iter().filter(|d| d.severity == Severity::Error).collect();
    if !errors.is_empty() {
        let mut shown: Vec<_> = errors.iter().map(|d| (*d).clone()).collect();
        explain::diagnostics::sort(&mut shown);
        shown.dedup();
        eprint!("{}", explain::diagnostics::render_text(&loaded.source, &shown, style));
        return Err(CliError::InvalidNetwork {
            file: loaded.source.clone(),
            errors: shown.len(),
        });
    }
    Ok((loaded, ix))
}

/// Prints the snapshot cache's warnings, and with `--verbose` what it did and where the load's
/// time went.
fn print_cache_report(report: &ingest::cache::CacheReport, verbose: bool) {
    use ingest::cache::CacheStatus;
    for w in &report.warnings {
        eprintln!("vpcverify: warning: {w}");
    }
    if !verbose {
        return;
    }
    let status = match &report.status {
        CacheStatus::Disabled => "disabled".to_owned(),
        CacheStatus::NotCached(why) => format!("not used: {why}"),
        CacheStatus::Hit(f) => format!("hit {}", f.display()),
        CacheStatus::Written(f) => format!("miss, wrote {}", f.display()),
        CacheStatus::Miss(why) => format!("miss, not written: {why}"),
    };
    eprintln!("vpcverify: snapshot cache: {status}");
    eprintln!(
        "vpcverify: load: hash {:.0?} ({} bytes; {} files hashed, {} unchanged since hashed), load {:.0?}, validate+index {:.0?}, cache write {:.0?}",
        report.hashing,
        report.input_bytes,
        report.files_hashed,
        report.files_remembered,
        report.loading,
        report.validating,
        report.writing
    );
}

/// Keeps a loaded network (and its index) until the process exits instead of freeing it: the
/// command is over, and freeing a large network's millions of strings one by one takes tens of
/// milliseconds that the operating system does at once when the process exits.
pub(super) fn keep_until_exit<T>(value: T) {
    std::mem::forget(value);
}

/// A path as the report shows it: relative to the working directory when it lies under it.
fn shown(path: &std::path::Path) -> String {
    let rel = std::env::current_dir()
        .ok()
        .filter(|_| path.is_absolute())
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(std::path::Path::to_path_buf));
    rel.as_deref().unwrap_or(path).display().to_string()
}

/// The nearest directory at or above `path` holding `.git` (a directory, or a file in a
/// worktree or submodule).
fn repository_root(path: &std::path::Path) -> Option<PathBuf> {
    path.ancestors()
        .find(|d| d.join(".git").exists())
        .map(std::path::Path::to_path_buf)
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => crate::check::suite::normalize(a) == crate::check::suite::normalize(b),
    }
}

fn check(args: &CheckArgs, color: ColorChoice, options: &ingest::LoadOptions) -> Result<Outcome, CliError> {
    let out_style = Style {
        color: args.output.is_none() && use_color(color),
    };
    let err_style = Style {
        color: use_color_on(color, anstream::AutoStream::choice(&std::io::stderr())),
    };
    let run_builtin = args.builtin || args.builtin_rules.is_some();
    // The built-in rules to run, by id (every one unless `--builtin-rules` or `--skip` says).
    let known: Vec<String> = crate::check::builtin::rules().into_iter().map(|r| r.id).collect();
    for (flag, ids) in [
        ("--builtin-rules", args.builtin_rules.as_deref().unwrap_or(&[])),
        ("--skip", args.skip.as_slice()),
    ] {
        if let Some(bad) = ids.iter().find(|id| !known.contains(id)) {
            return Err(CliError::Usage(format!(
                "{flag}: no built-in rule `{bad}` (the rules are {})",
                known.join(", ")
            )));
        }
    }
    let selected = |id: &str| {
        args.builtin_rules
            .as_ref()
            .map_or(!crate::check::builtin::OPT_IN.contains(&id), |only| {
                only.iter().any(|x| x == id)
            })
            && !args.skip.iter().any(|x| x == id)
    };
    // The baseline, read before the run so that a bad file stops it at once.
    let baseline = match &args.baseline {
        None => None,
        Some(f) => {
            let file = f.display().to_string();
            let text = std::fs::read_to_string(f).map_err(|e| CliError::Usage(format!("--baseline {file}: {e}")))?;
            Some(
                crate::check::accept::read_baseline(&file, &text)
                    .map_err(|e| CliError::Usage(format!("--baseline {e}")))?,
            )
        }
    };
    // Which path is which (see `CheckArgs`'s help).
    let (network_arg, suite_path) = match (&args.network, &args.suite, run_builtin) {
        (Some(n), Some(s), _) => (Some(n), Some(s)),
        // One path with `--builtin`: a suite (it has `[[assert]]` tables or names its network)
        // runs with the pack on the network it names; anything else is the network.
        (Some(p), None, true) if looks_like_suite(p) => {
            eprintln!(
                "vpcverify: note: `{}` was read as a suite (it has `[[assert]]` tables or a `network` key): running it and the built-in rules on the network it names",
                p.display()
            );
            (None, Some(p))
        }
        (Some(n), None, true) => (Some(n), None),
        (Some(s), None, false) => (None, Some(s)),
        (None, _, _) => {
            return Err(CliError::Usage(
                "give a suite (`vpcverify check NETWORK SUITE.toml`, or `vpcverify check SUITE.toml` when the \
                 suite names its network) or `--builtin` (`vpcverify check NETWORK --builtin`)"
                    .into(),
            ));
        }
    };
    let suite = match suite_path {
        None => None,
        Some(p) => match crate::check::Suite::load(p) {
            Ok(s) => Some(s),
            Err(e) => {
                if network_arg.is_none() {
                    eprintln!(
                        "vpcverify: note: `{}` was read as a suite (one path without `--builtin`); to run the \
                         built-in rules on a network, use `vpcverify check NETWORK --builtin`",
                        p.display()
                    );
                }
                return Err(e.into());
            }
        },
    };
    let network_path = match (network_arg, suite.as_ref().and_then(|s| s.network.as_ref())) {
        (Some(n), Some(named)) => {
            if !same_file(n, named) {
                eprintln!(
                    "vpcverify: note: checking `{}`, not the suite's `network` `{}`: the NETWORK argument wins",
                    n.display(),
                    named.display()
                );
            }
            n.clone()
        }
        (Some(n), None) => n.clone(),
        (None, Some(named)) => named.clone(),
        (None, None) => {
            return Err(CliError::Usage(format!(
                "`{}` names no `network`: give it first, `vpcverify check NETWORK {}`",
                suite_path.map(|p| p.display().to_string()).unwrap_or_default(),
                suite_path.map(|p| p.display().to_string()).unwrap_or_default()
            )));
        }
    };
    // The suite's on-premises networks, then the command line's (which win by name).
    let options = match suite.as_ref().filter(|s| !s.onprem.is_empty()) {
        Some(s) => {
            let mut o = options.clone();
            let cli = std::mem::take(&mut o.onprem);
            o.onprem = s.onprem.iter().cloned().chain(cli).collect();
            o
        }
        None => options.clone(),
    };
    let options = &options;
    let (loaded, ix) = load_valid(&network_path, &err_style, options)?;
    let network_shown = shown(&network_path);
    // The pack's locations are the resources' provenance, which names the file as it was given.
    let builtin = || {
        let mut b = crate::check::builtin::suite(&loaded.network, &ix, &network_shown);
        let rules = b.rules.clone();
        b.assertions
            .retain(|a| rules.get(a.rule).is_some_and(|r| selected(&r.id)));
        for a in &mut b.assertions {
            if a.location.file == loaded.source {
                a.location.file = network_shown.clone();
            }
        }
        b
    };
    let with_suite = suite.is_some();
    let mut suite = match suite {
        Some(mut s) => {
            s.file = shown(std::path::Path::new(&s.file));
            for a in &mut s.assertions {
                a.location.file = s.file.clone();
            }
            s
        }
        None => builtin(),
    };
    if run_builtin && with_suite {
        suite.extend(builtin());
    }
    for t in &args.trusted {
        let c = crate::check::suite::parse_trusted(t).map_err(CliError::Usage)?;
        if !suite.trusted.contains(&c) {
            suite.trusted.push(c);
        }
    }
    let n = suite.assertions.len();
    // The command line wins over the suite's keys, which win over the defaults.
    let timeout = args
        .timeout
        .map(|b| b.0)
        .or(suite.timeout)
        .unwrap_or(Some(crate::check::budget::DEFAULT_TIMEOUT));
    let total_timeout = args.total_timeout.map(|b| b.0).or(suite.total_timeout).flatten();
    let show_bar = !args.quiet && n > 4 && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    let bar = if show_bar {
        let bar = indicatif::ProgressBar::new(u64::try_from(n).unwrap_or(u64::MAX));
        if let Ok(st) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} assertions, {elapsed}") {
            bar.set_style(st);
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let opts = crate::check::RunOptions {
        jobs: args.jobs.map(std::num::NonZeroUsize::get),
        want_proofs: args.emit_proofs.is_some(),
        budget: timeout,
        total_budget: total_timeout,
    };
    // Each assertion as it finishes: a line on stderr (on a terminal with a bar, only those that
    // do not hold, above the bar). The count and the line are written under one lock, so the
    // lines come out numbered in order.
    let finished = std::sync::Mutex::new(0usize);
    let on_done = |a: &crate::check::Assertion, r: &crate::check::AssertionResult| {
        let mut done = finished.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *done += 1;
        if args.quiet {
            return;
        }
        let line = || explain::check::progress_line(*done, n, a, r, &err_style);
        if show_bar {
            if r.status != crate::check::Status::Held {
                bar.println(line());
            }
            bar.inc(1);
        } else {
            let mut err = std::io::stderr().lock();
            // Progress is best effort: a closed stderr must not stop the run.
            let _ = writeln!(err, "{}", line()).and_then(|_| err.flush());
        }
    };
    let ignores = suite.ignores.clone();
    let mut report = crate::check::run::run(&loaded.network, &ix, suite, &network_shown, &opts, &on_done)?;
    let today = crate::check::accept::today();
    for i in crate::check::accept::apply(&mut report, baseline.as_ref(), &ignores, &today) {
        eprintln!(
            "vpcverify: note: {}: the `[[ignore]]` of `{}` expired on {} (today is {today}): its violations fail the run again",
            i.location,
            i.rule,
            i.expires.as_deref().unwrap_or("")
        );
    }
    if let Some(level) = args.severity {
        crate::check::accept::apply_threshold(&mut report, level.into());
    }
    bar.finish_and_clear();
    let suggestions = if args.suggest_fixes {
        let limits = crate::fix::Limits {
            time: timeout.map_or(std::time::Duration::from_secs(3600), |b| b * 2),
            ..crate::fix::Limits::default()
        };
        crate::fix::suite::suggest(&loaded.network, &ix, &report, &opts, &limits)
    } else {
        Vec::new()
    };
    keep_until_exit((loaded, ix));
    if let Some(dir) = &args.emit_proofs {
        let fail = |e: std::io::Error| CliError::Output(format!("{}: {e}", dir.display()));
        std::fs::create_dir_all(dir).map_err(fail)?;
        let mut written = 0;
        for (a, r) in report.pairs() {
            if let Some(proof) = &r.proof {
                let file = dir.join(format!("{}.smt2", a.slug));
                std::fs::write(&file, proof).map_err(|e| CliError::Output(format!("{}: {e}", file.display())))?;
                written += 1;
            }
        }
        eprintln!(
            "vpcverify: wrote {written} SMT-LIB2 proof{} to {}",
            if written == 1 { "" } else { "s" },
            dir.display()
        );
    }
    let render = |format: ReportFormat, style: &Style| -> Result<String, CliError> {
        Ok(match format {
            ReportFormat::Text => explain::check::render_text(&report, style),
            ReportFormat::Json => explain::check::render_json(&report),
            ReportFormat::Junit => explain::junit::render(&report).map_err(CliError::Output)?,
            ReportFormat::Sarif => {
                let cwd = std::env::current_dir().map_err(|e| CliError::Output(format!("working directory: {e}")))?;
                let source_root = match &args.source_root {
                    Some(dir) => {
                        let abs = crate::check::suite::normalize(&cwd.join(dir));
                        if !abs.is_dir() {
                            return Err(CliError::Usage(format!(
                                "--source-root {}: not a directory",
                                dir.display()
                            )));
                        }
                        Some(abs)
                    }
                    None => suite_path
                        .or(Some(&network_path))
                        .and_then(|p| repository_root(&crate::check::suite::normalize(&cwd.join(p)))),
                };
                let options = explain::sarif::SarifOptions {
                    cwd,
                    source_root,
                    category: args.sarif_category.clone(),
                };
                explain::sarif::render(&report, &options).map_err(CliError::Output)?
            }
        })
    };
    // A JSON report is written as it is serialised (`explain::check::write_json`).
    let write_json = |file: &std::path::Path| -> Result<(), CliError> {
        let fail = |e: std::io::Error| CliError::Output(format!("{}: {e}", file.display()));
        let mut w = std::io::BufWriter::new(std::fs::File::create(file).map_err(fail)?);
        explain::check::write_json(&report, &mut w).map_err(fail)?;
        std::io::Write::flush(&mut w).map_err(fail)
    };
    for (format, file) in &args.reports {
        if *format == ReportFormat::Json {
            write_json(file)?;
            continue;
        }
        let text = render(*format, &Style { color: false })?;
        std::fs::write(file, text).map_err(|e| CliError::Output(format!("{}: {e}", file.display())))?;
    }
    let format = args.format.unwrap_or(ReportFormat::Text);
    let streamed = format == ReportFormat::Json && !args.suggest_fixes;
    let mut body = if streamed {
        String::new()
    } else {
        render(format, &out_style)?
    };
    if args.suggest_fixes {
        match format {
            ReportFormat::Text => body.push_str(&explain::fix::render_suggestions(&suggestions)),
            ReportFormat::Json => body = explain::fix::with_suggestions(&body, &suggestions),
            ReportFormat::Junit | ReportFormat::Sarif => {
                eprint!("{}", explain::fix::render_suggestions(&suggestions));
            }
        }
    }
    match &args.output {
        Some(file) => {
            if streamed {
                write_json(file)?;
            } else {
                std::fs::write(file, body).map_err(|e| CliError::Output(format!("{}: {e}", file.display())))?;
            }
            eprint!("{}", explain::check::render_brief(&report, &err_style));
        }
        None => {
            if streamed {
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                match explain::check::write_json(&report, &mut out).and_then(|()| std::io::Write::flush(&mut out)) {
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                    Err(e) => return Err(CliError::Output(e.to_string())),
                    Ok(()) => {}
                }
            } else {
                emit(&body)?;
            }
            if format != ReportFormat::Text {
                for (a, r) in report.pairs() {
                    if let Some(e) = &r.error {
                        eprintln!("vpcverify: error: {}: `{}`: {e}", a.location, a.name);
                    }
                }
            }
        }
    }
    Ok(match report.summary().worst() {
        crate::check::Status::Held => Outcome::Success,
        crate::check::Status::Violated => Outcome::Failure,
        crate::check::Status::Unknown => Outcome::Unknown,
        crate::check::Status::Error => Outcome::Invalid,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn check_args(args: &[&str]) -> CheckArgs {
        let argv = ["vpcverify", "check"].into_iter().chain(args.iter().copied());
        match Cli::try_parse_from(argv) {
            Ok(Cli {
                command: Command::Check(a),
                ..
            }) => a,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_default_budget_of_query_is_the_default_of_check() {
        assert_eq!(
            parse_budget(DEFAULT_BUDGET),
            Ok(Budget(Some(crate::check::budget::DEFAULT_TIMEOUT)))
        );
    }

    #[test]
    fn check_knows_whether_a_budget_was_given() {
        let a = check_args(&["suite.toml"]);
        assert_eq!((a.timeout, a.total_timeout, a.quiet), (None, None, false));
        let a = check_args(&["suite.toml", "--timeout", "2s", "--total-timeout", "none", "-q"]);
        assert_eq!(a.timeout, Some(Budget(Some(Duration::from_secs(2)))));
        assert_eq!(a.total_timeout, Some(Budget(None)));
        assert!(a.quiet);
        assert!(Cli::try_parse_from(["vpcverify", "check", "s.toml", "--timeout", "0"]).is_err());
        assert!(Cli::try_parse_from(["vpcverify", "check", "s.toml", "--total-timeout", "0ms"]).is_err());
    }
}
