//! Arguments shared by the commands that ask one question (`query`, `fix`): the network and the
//! question's endpoints, protocol, ports and direction, flattened into each command so that
//! both spell them the same way; and `query`'s own arguments.
//!
//! Owns: those argument structs and turning them into a [`QuerySpec`]. Must not touch: loading,
//! the engines, printing.

use super::{Budget, CliError, TextOrJson, parse_budget, parse_onprem, waypoint};
use crate::model::PortRange;
use crate::query::engine::{ProtocolChoice, QuerySpec};
use clap::Args;
use std::path::PathBuf;

/// The network and one question about it.
#[derive(Debug, Args)]
pub struct QuestionArgs {
    /// A native spec (.toml), a directory of AWS describe-* JSON, one merged JSON file, or a
    /// Terraform show -json plan or state.
    pub network: PathBuf,
    /// Where packets come from: `internet`, an AWS id (`i-`, `eni-`, `subnet-`, `vpc-`, `sg-`,
    /// `igw-`, `vgw-`, …), a Name tag, an IP address or CIDR.
    #[arg(long)]
    pub from: String,
    /// Where they go: `internet`, `service:s3`, `service:dynamodb`, an AWS id, a Name tag, an IP
    /// address or CIDR.
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
    /// An on-premises network the input cannot show (prefixes learnt by BGP over a VPN or Direct
    /// Connect): NAME=CIDR[,CIDR][@GATEWAY], GATEWAY a vgw-, tgw-, vpn- or Direct Connect gateway
    /// id (every virtual private gateway when absent); repeatable. NAME can then be --from/--to.
    #[arg(long = "onprem", value_name = "NAME=CIDR[,CIDR][@GATEWAY]", value_parser = parse_onprem)]
    pub onprem: Vec<crate::model::OnPremNetwork>,
}

impl QuestionArgs {
    /// The question, with `budget`; no proof, no waypoints (the caller adds its own).
    pub fn spec(&self, budget: Option<std::time::Duration>) -> Result<QuerySpec, CliError> {
        let ports = |flag: &str, v: &Option<String>| -> Result<Option<PortRange>, CliError> {
            v.as_deref()
                .map(|t| PortRange::parse(t).map_err(|e| CliError::Usage(format!("{flag}: {e}"))))
                .transpose()
        };
        Ok(QuerySpec {
            from: self.from.clone(),
            to: self.to.clone(),
            protocol: ProtocolChoice::parse(&self.protocol).map_err(|e| CliError::Usage(format!("--protocol: {e}")))?,
            port: ports("--port", &self.port)?,
            src_port: ports("--src-port", &self.src_port)?,
            one_way: self.one_way,
            want_proof: false,
            budget,
            through: Vec::new(),
            avoid: Vec::new(),
        })
    }
}

/// `vpcverify query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    #[command(flatten)]
    pub question: QuestionArgs,
    /// Output format (default: text).
    #[arg(long, value_enum)]
    pub format: Option<TextOrJson>,
    /// When unreachable, write the SMT-LIB2 problem whose unsatisfiability is the proof to FILE.
    #[arg(long, value_name = "FILE")]
    pub emit_smt2: Option<PathBuf>,
    #[command(flatten)]
    pub waypoints: waypoint::WaypointArgs,
    /// Wall-clock budget of the whole question (walk, witness, replay, explanations): a
    /// duration such as `500ms`, `2s`, `1m` (a bare number is seconds), or `none`. When it runs
    /// out the verdict is unknown (exit 3), naming the budget. Default: 60s.
    #[arg(long, value_name = "DURATION", value_parser = parse_budget)]
    pub timeout: Option<Budget>,
    /// Also show the drop map of a reachable answer: the packets of the question that do not get
    /// through, by where each class is dropped first (an unreachable answer always shows it).
    #[arg(long)]
    pub explain: bool,
    /// The most cells the drop map lists (the map says when it stops short).
    #[arg(long, value_name = "N", default_value_t = crate::smt::DEFAULT_MAX_CELLS)]
    pub max_cells: usize,
}
