//! `vpcverify fix`: its arguments, and writing the report in the chosen format.
//!
//! Owns: argument handling of `fix`. Must not touch: the search (`crate::fix`), formatting
//! (`explain::fix`).

use super::{Budget, CliError, Outcome, Style, TextOrJson, emit, load_valid, parse_budget, parse_onprem};
use crate::explain;
use crate::fix::{FixVerdict, Limits, Want};
use crate::ingest;
use crate::model::PortRange;
use crate::query::engine::{ProtocolChoice, QuerySpec};
use clap::Args;
use std::path::PathBuf;

/// `vpcverify fix`.
#[derive(Debug, Args)]
pub struct FixArgs {
    /// A native spec (.toml), a directory of AWS describe-* JSON, one merged JSON file, or a
    /// Terraform show -json plan or state.
    pub network: PathBuf,
    /// Where packets come from (as `query --from`).
    #[arg(long)]
    pub from: String,
    /// Where they go (as `query --to`).
    #[arg(long)]
    pub to: String,
    /// tcp, udp, icmp, icmpv6, all, or an IP protocol number.
    #[arg(long, default_value = "tcp")]
    pub protocol: String,
    /// Destination port or range (N or N-M); any when absent.
    #[arg(long)]
    pub port: Option<String>,
    /// Source port or range (N or N-M); a client's ephemeral port, 1024-65535, when absent.
    #[arg(long)]
    pub src_port: Option<String>,
    /// Only the request counts; the reply is not required.
    #[arg(long)]
    pub one_way: bool,
    /// The verdict wanted: every packet of the question gets through (reachable), or none does
    /// (unreachable).
    #[arg(long, value_enum)]
    pub want: Want,
    /// At most this many edits.
    #[arg(long, default_value_t = 3)]
    pub max_edits: usize,
    /// Do not compute the flows the fix also opens or closes.
    #[arg(long)]
    pub no_side_effects: bool,
    /// An on-premises network the input cannot show, as for `query`; repeatable.
    #[arg(long = "onprem", value_name = "NAME=CIDR[,CIDR][@GATEWAY]", value_parser = parse_onprem)]
    pub onprem: Vec<crate::model::OnPremNetwork>,
    /// Output format (default: text).
    #[arg(long, value_enum)]
    pub format: Option<TextOrJson>,
    /// Wall-clock bound of each question the search asks (default 60s), and of the whole
    /// search (twice that).
    #[arg(long, value_name = "DURATION", value_parser = parse_budget)]
    pub timeout: Option<Budget>,
}

/// Runs `vpcverify fix`.
pub fn run(args: &FixArgs, style: &Style, options: &ingest::LoadOptions) -> Result<Outcome, CliError> {
    let (loaded, ix) = load_valid(&args.network, style, options)?;
    let parse_ports = |flag: &str, v: &Option<String>| -> Result<Option<PortRange>, CliError> {
        v.as_deref()
            .map(|t| PortRange::parse(t).map_err(|e| CliError::Usage(format!("{flag}: {e}"))))
            .transpose()
    };
    let budget = args
        .timeout
        .map_or(Some(crate::check::budget::DEFAULT_TIMEOUT), |b| b.0);
    let spec = QuerySpec {
        from: args.from.clone(),
        to: args.to.clone(),
        protocol: ProtocolChoice::parse(&args.protocol).map_err(|e| CliError::Usage(format!("--protocol: {e}")))?,
        port: parse_ports("--port", &args.port)?,
        src_port: parse_ports("--src-port", &args.src_port)?,
        one_way: args.one_way,
        want_proof: false,
        budget,
        through: Vec::new(),
        avoid: Vec::new(),
    };
    if args.max_edits == 0 {
        return Err(CliError::Usage("--max-edits: give at least 1".into()));
    }
    let limits = Limits {
        max_edits: args.max_edits,
        time: budget.map_or(std::time::Duration::from_secs(3600), |b| b * 2),
        side_effects: !args.no_side_effects,
        ..Limits::default()
    };
    let report = crate::fix::run(&loaded.network, &ix, &spec, args.want, &limits)?;
    let text = match args.format.unwrap_or(TextOrJson::Text) {
        TextOrJson::Text => explain::fix::render_text(&report),
        TextOrJson::Json => explain::fix::render_json(&report),
    };
    emit(&text)?;
    Ok(match report.verdict {
        FixVerdict::AlreadyHolds | FixVerdict::Fixed => Outcome::Success,
        FixVerdict::NotFound => Outcome::Failure,
        FixVerdict::Unknown => Outcome::Unknown,
    })
}
