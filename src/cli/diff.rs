//! `vpcverify diff`: its arguments, reading the two networks (or a Terraform plan's prior state
//! and planned values), and writing the report in the chosen format.
//!
//! Owns: argument handling of `diff`. Must not touch: semantics (`crate::diff`), formatting
//! (`explain::diff`).

use super::{Budget, CliError, Outcome, Style, emit, load_valid, parse_budget, parse_onprem};
use crate::diff::{DiffOptions, DiffVerdict, Input};
use crate::explain;
use crate::ingest;
use crate::model::{NetworkIndex, PortRange, Severity};
use crate::query::engine::ProtocolChoice;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// Output format of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// For people.
    Text,
    /// One JSON object (`vpcverify schema diff`).
    Json,
    /// A pull-request comment: a summary table, then each flow folded.
    Markdown,
    /// SARIF 2.1.0: opened flows from the internet onto ports a built-in rule protects.
    Sarif,
}

/// Which changes make `diff` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// A flow that opens.
    Opened,
    /// A flow that closes.
    Closed,
    /// Either.
    Any,
}

/// `vpcverify diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// BEFORE: any NETWORK (spec, snapshot directory or file, Terraform plan or state). Alone, a
    /// Terraform plan (`terraform show -json PLAN`): its prior state against its planned values.
    pub before: PathBuf,
    /// AFTER: any NETWORK.
    pub after: Option<PathBuf>,
    /// Only flows from these endpoints (as `query --from`: `internet`, an id, a Name tag, an
    /// address or CIDR).
    #[arg(long)]
    pub from: Option<String>,
    /// Only flows to these endpoints (as `query --to`).
    #[arg(long)]
    pub to: Option<String>,
    /// tcp, udp, icmp, icmpv6, all, or an IP protocol number.
    #[arg(long, default_value = "all")]
    pub protocol: String,
    /// Destination port or range (N or N-M); any when absent.
    #[arg(long)]
    pub port: Option<String>,
    /// Only the request counts; the reply is not required.
    #[arg(long)]
    pub one_way: bool,
    /// An on-premises network the input cannot show: NAME=CIDR[,CIDR][@GATEWAY], as for `query`;
    /// repeatable. Declared in both networks.
    #[arg(long = "onprem", value_name = "NAME=CIDR[,CIDR][@GATEWAY]", value_parser = parse_onprem)]
    pub onprem: Vec<crate::model::OnPremNetwork>,
    /// Output format (default: text).
    #[arg(long, value_enum)]
    pub format: Option<DiffFormat>,
    /// Exit 1 when a flow opens, closes, or either (default: any).
    #[arg(long, value_enum, default_value_t = FailOn::Any)]
    pub fail_on: FailOn,
    /// Budget of each pair of classes' question: `none`, seconds, or a duration (`500ms`, `2m`);
    /// default 60s. A pair whose budget runs out is unknown.
    #[arg(long, value_parser = parse_budget)]
    pub timeout: Option<Budget>,
    /// At most this many flow classes per pair and direction (default 16); when more differ the
    /// flow says the bound cut the search short.
    #[arg(long, default_value_t = 16)]
    pub max_flows: usize,
    /// Ask every pair of classes, not only those a changed resource concerns (slower; checks
    /// the pruning).
    #[arg(long)]
    pub all_pairs: bool,
    /// First ask the pairs that share a class in one grouped question, then on its own only
    /// each pair that question leaves open (DIFF-7). Not faster on the synthetic estates: walking
    /// the candidate paths, not the solver, costs most (README, "Which pairs are asked"). Hidden
    /// from `--help`: a measurement switch, not an option to reach for.
    #[arg(long, hide = true)]
    pub group: bool,
}

fn validated(loaded: ingest::Loaded, style: &Style) -> Result<(ingest::Loaded, NetworkIndex), CliError> {
    let mut diags = loaded.diagnostics.clone();
    diags.extend(crate::model::validate::validate(&loaded.network));
    let errors: Vec<_> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .cloned()
        .collect();
    if !errors.is_empty() {
        let mut shown = errors;
        explain::diagnostics::sort(&mut shown);
        shown.dedup();
        eprint!("{}", explain::diagnostics::render_text(&loaded.source, &shown, style));
        return Err(CliError::InvalidNetwork {
            file: loaded.source.clone(),
            errors: shown.len(),
        });
    }
    let ix = NetworkIndex::new(&loaded.network);
    Ok((loaded, ix))
}

/// Runs `vpcverify diff`.
pub fn run(args: &DiffArgs, style: &Style, options: &ingest::LoadOptions) -> Result<Outcome, CliError> {
    let ((b, bix), (a, aix), labels) = match &args.after {
        Some(after) => {
            let b = load_valid(&args.before, style, options)?;
            let a = load_valid(after, style, options)?;
            let labels = (b.0.source.clone(), a.0.source.clone());
            (b, a, labels)
        }
        None => {
            let prior = validated(ingest::load_plan_prior(&args.before, options)?, style)?;
            let planned = load_valid(&args.before, style, options)?;
            let shown = planned.0.source.clone();
            (
                prior,
                planned,
                (format!("{shown} (prior state)"), format!("{shown} (planned values)")),
            )
        }
    };
    let port = args
        .port
        .as_deref()
        .map(|t| PortRange::parse(t).map_err(|e| CliError::Usage(format!("--port: {e}"))))
        .transpose()?;
    let opts = DiffOptions {
        from: args.from.clone(),
        to: args.to.clone(),
        protocol: ProtocolChoice::parse(&args.protocol).map_err(|e| CliError::Usage(format!("--protocol: {e}")))?,
        port,
        one_way: args.one_way,
        max_flows: args.max_flows.max(1),
        budget: args
            .timeout
            .map_or(Some(crate::check::budget::DEFAULT_TIMEOUT), |t| t.0),
        jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
        all_pairs: args.all_pairs,
        group: args.group,
    };
    let report = crate::diff::run(
        Input {
            label: &labels.0,
            net: &b.network,
            ix: &bix,
        },
        Input {
            label: &labels.1,
            net: &a.network,
            ix: &aix,
        },
        &opts,
    )
    .map_err(|e| CliError::Usage(e.to_string()))?;
    let text = match args.format.unwrap_or(DiffFormat::Text) {
        DiffFormat::Text => explain::diff::render_text(&report, style),
        DiffFormat::Json => explain::diff::render_json(&report),
        DiffFormat::Markdown => explain::diff::render_markdown(&report),
        DiffFormat::Sarif => {
            let cwd = std::env::current_dir().map_err(|e| CliError::Output(format!("working directory: {e}")))?;
            explain::diff::render_sarif(&report, &cwd).map_err(CliError::Output)?
        }
    };
    emit(&text)?;
    let fails = match args.fail_on {
        FailOn::Opened => !report.opened.is_empty(),
        FailOn::Closed => !report.closed.is_empty(),
        FailOn::Any => !report.opened.is_empty() || !report.closed.is_empty(),
    };
    Ok(if fails {
        Outcome::Failure
    } else if report.verdict == DiffVerdict::Unknown || !report.unknown.is_empty() {
        Outcome::Unknown
    } else {
        Outcome::Success
    })
}
