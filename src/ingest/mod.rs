//! Loaders: bytes on disk to a [`Network`] plus diagnostics.
//!
//! Owns: reading user files, recognising their format, lowering each format into `model`, and
//! the normalisation every format shares ([`finish`]).
//! Must not touch: `sim`, `smt`, `query`. Must never panic on any input: malformed files are
//! [`IngestError`]s naming the file; malformed resources are error diagnostics naming the file and
//! resource id; unknown keys and unsupported resources are warnings.
//!
//! Formats (DESIGN.md §2): a native spec (`.toml`), a directory of AWS `describe-*` JSON files,
//! one JSON file holding several `describe-*` keys, or a Terraform `show -json` plan or state.

pub mod aws;
pub mod cache;
pub mod file;
pub mod ip_ranges;
pub mod memo;
pub mod onprem;
pub mod spec;
pub mod terraform;

use crate::model::{
    Diagnostic, Network, Route, RouteDestination, RouteOrigin, RouteState, RouteTableId, RouteTarget, Unsupported,
    VpcEndpointType,
};
use std::path::{Path, PathBuf};

/// A loaded network and what ingest had to say about it.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The network.
    pub network: Network,
    /// Errors and warnings from ingest (validation adds more, see `model::validate`).
    pub diagnostics: Vec<Diagnostic>,
    /// What was read, for messages (`specs/seed-lab.toml`, `snap/ (14 files)`).
    pub source: String,
}

/// A file that cannot be read or parsed at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    /// The path cannot be read.
    #[error("{file}: cannot read: {message}")]
    Io {
        /// The path.
        file: String,
        /// The OS error.
        message: String,
    },
    /// Not valid JSON.
    #[error("{file}:{line}:{column}: invalid JSON: {message}")]
    Json {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde_json said.
        message: String,
    },
    /// Not valid TOML, or not a valid spec.
    #[error("{file}:{line}:{column}: {message}")]
    Toml {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A readable file that is none of the supported formats, or a format version we reject.
    #[error("{file}: {message}")]
    Format {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
}

impl IngestError {
    /// The JSON error for `file`, with serde_json's line and column.
    pub fn json(file: &str, e: &serde_json::Error) -> Self {
        IngestError::Json {
            file: file.to_owned(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        }
    }
}

/// How to load: what the command line adds to the input.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// AWS's `ip-ranges.json` for the AWS-managed S3 and DynamoDB lists whose entries the input
    /// lacks (`--aws-ip-ranges`); the copy shipped with vpcverify by default.
    pub aws_ip_ranges: ip_ranges::RangesChoice,
    /// On-premises networks declared on the command line (`--onprem`, ONP-1).
    pub onprem: Vec<crate::model::OnPremNetwork>,
    /// The snapshot cache (disabled by default; the command line enables it).
    pub cache: cache::CacheOptions,
}

impl LoadOptions {
    /// Options with `--aws-ip-ranges FILE` read (when given): a file that cannot be read or is
    /// not an `ip-ranges.json` is an error naming it.
    pub fn with_ip_ranges(file: Option<&Path>) -> Result<Self, IngestError> {
        Ok(LoadOptions {
            aws_ip_ranges: match file {
                None => ip_ranges::RangesChoice::Shipped,
                Some(f) => ip_ranges::RangesChoice::Given(ip_ranges::IpRanges::read(f)?),
            },
            onprem: Vec::new(),
            cache: cache::CacheOptions::default(),
        })
    }
}

/// Loads whatever `path` is: a directory of AWS JSON, a `.toml` spec, or a JSON file (AWS
/// snapshot, Terraform plan or state, recognised by content), with the default options (the
/// shipped copy of AWS's IP ranges).
pub fn load(path: &Path) -> Result<Loaded, IngestError> {
    load_with(path, &LoadOptions::default())
}

/// What an input holding no VPC is told (#12 item 4): nothing to answer questions about.
pub const NO_VPC: &str = "no VPC in the input: expected `aws ec2 describe-*` outputs with `describe-vpcs` (a `Vpcs` key) among them, a native spec with a `[vpc.NAME]` table, or a Terraform plan or state with an `aws_vpc` resource";

/// [`load`] with options. An input that holds no VPC (an empty spec, JSON of another kind, a
/// snapshot without `describe-vpcs`, a Terraform document with no `aws_vpc`) is an error.
pub fn load_with(path: &Path, options: &LoadOptions) -> Result<Loaded, IngestError> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| IngestError::Io {
        file: shown.clone(),
        message: e.to_string(),
    })?;
    let mut loaded = if meta.is_dir() {
        aws::load_dir(path)?
    } else {
        let bytes = file::read(path, &shown)?;
        let is_toml = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml"));
        if is_toml {
            spec::load_str(&shown, file::utf8(&shown, &bytes)?)?
        } else {
            load_json_bytes(&shown, path, &bytes)?
        }
    };
    // An input whose VPCs were all rejected says why in its error diagnostics instead.
    if loaded.network.vpcs.is_empty() && !loaded.diagnostics.iter().any(Diagnostic::is_error) {
        return Err(IngestError::Format {
            file: shown,
            message: NO_VPC.to_owned(),
        });
    }
    ip_ranges::resolve(&mut loaded.network, &options.aws_ip_ranges, &mut loaded.diagnostics)?;
    onprem::declare(&mut loaded.network, &options.onprem)?;
    finish(&mut loaded.network);
    Ok(loaded)
}

/// The prior state of the Terraform plan at `path` (`prior_state.values`: what exists before the
/// plan is applied), for `vpcverify diff PLAN.json`; [`load_with`] reads the planned network.
/// An error when `path` is not a Terraform plan. A plan that creates everything has an empty
/// prior state: a network without VPCs, which is no error here.
pub fn load_plan_prior(path: &Path, options: &LoadOptions) -> Result<Loaded, IngestError> {
    let shown = path.display().to_string();
    let bytes = file::read(path, &shown)?;
    let not_plan = "not a Terraform plan (`terraform show -json PLAN` output with `planned_values`): \
                    `vpcverify diff` with one argument compares a plan's prior state with its planned values; \
                    give two networks otherwise";
    let value = aws::parse_whole(&bytes).map_err(|e| IngestError::Format {
        file: shown.clone(),
        message: format!("{not_plan} ({e})"),
    })?;
    let doc = terraform::looks_like_terraform(&value)
        .then(|| terraform::document::prior(&value))
        .flatten()
        .ok_or_else(|| IngestError::Format {
            file: shown.clone(),
            message: not_plan.into(),
        })?;
    let (network, diagnostics) = terraform::lower::lower(&shown, &doc);
    let mut loaded = Loaded {
        network,
        diagnostics,
        source: shown,
    };
    ip_ranges::resolve(&mut loaded.network, &options.aws_ip_ranges, &mut loaded.diagnostics)?;
    onprem::declare(&mut loaded.network, &options.onprem)?;
    finish(&mut loaded.network);
    Ok(loaded)
}

fn load_json_bytes(shown: &str, path: &Path, bytes: &[u8]) -> Result<Loaded, IngestError> {
    // A key repeated in one object is an error in both formats (serde_json would keep the last).
    let value = aws::parse_whole(bytes).map_err(|e| IngestError::json(shown, &e))?;
    if terraform::looks_like_terraform(&value) {
        terraform::load_value(shown, &value)
    } else {
        aws::load_files(&[(PathBuf::from(path), shown.to_owned(), value)])
    }
}

/// Normalisation shared by every format, applied once after lowering:
/// - every route table holds the local route of each VPC CIDR block (RT-5; added as implicit);
/// - a route whose target is in the input but cannot carry traffic (a NAT gateway not
///   `available`, NGW-10; a peering not `active`, PCX-3; an internet, egress-only or virtual
///   private gateway not attached to the table's VPC; a terminated instance or one without an
///   interface, NI-5) is a blackhole (RT-14, J5): AWS marks such routes `blackhole` itself;
/// - a route whose target is missing from the input keeps the state the input gives it: a
///   `blackhole` stays one, an `active` one means the input is incomplete, and the walk answers
///   unknown naming the target (RT-14a, DESIGN.md §3);
/// - route targets, endpoints and gateway route tables the walk does not interpret are recorded
///   in `Network::unsupported` so that a query crossing them answers unknown (a transit gateway
///   only when the input has no attachment of it for the table's VPC, TGW-2);
/// - transit gateway route tables hold a propagated route per block of each VPC attachment that
///   propagates into them (TGW-5).
pub fn finish(net: &mut Network) {
    crate::model::TgwTopology::materialise_propagations(net);
    add_local_routes(net);
    mark_blackholes(net);
    record_unsupported(net);
}

fn add_local_routes(net: &mut Network) {
    for rt in net.route_tables.values_mut() {
        let Some(vpc) = net.vpcs.get(&rt.vpc) else { continue };
        for cidr in vpc.cidrs() {
            // A route for the whole block is the local route, even when its target was replaced
            // by a middlebox (RT-6).
            let present = rt.routes.iter().any(|r| r.destination == RouteDestination::Cidr(*cidr));
            if !present {
                rt.routes.push(Route {
                    destination: RouteDestination::Cidr(*cidr),
                    target: RouteTarget::Local,
                    state: RouteState::Active,
                    origin: RouteOrigin::CreateRouteTable,
                    provenance: rt.provenance.item(cidr.to_string()).implicit(),
                });
            }
        }
    }
}

fn mark_blackholes(net: &mut Network) {
    // Decide every route first (reading the whole network), then mark: no copy of the network.
    // A target missing from the input is not decided here (RT-14a): `None` is usable.
    let mut unusable: Vec<(RouteTableId, usize)> = Vec::new();
    for rt in net.route_tables.values() {
        for (i, r) in rt.routes.iter().enumerate() {
            let usable = match &r.target {
                RouteTarget::Local
                | RouteTarget::Unsupported { .. }
                | RouteTarget::NetworkInterface(_)
                | RouteTarget::VpcEndpoint(_)
                | RouteTarget::TransitGateway(_) => true,
                RouteTarget::InternetGateway(i) => {
                    net.internet_gateways.get(i).is_none_or(|g| g.vpcs.contains(&rt.vpc))
                }
                RouteTarget::EgressOnlyInternetGateway(i) => net
                    .egress_only_internet_gateways
                    .get(i)
                    .is_none_or(|g| g.vpcs.contains(&rt.vpc)),
                RouteTarget::NatGateway(i) => net
                    .nat_gateways
                    .get(i)
                    .is_none_or(|n| n.state.eq_ignore_ascii_case("available")),
                RouteTarget::Instance(i) => net.instances.get(i).is_none_or(|n| {
                    !matches!(n.state.as_str(), "terminated" | "shutting-down") && !n.network_interfaces.is_empty()
                }),
                RouteTarget::VpcPeeringConnection(i) => {
                    net.vpc_peering_connections.get(i).is_none_or(|p| p.is_active())
                }
                RouteTarget::VpnGateway(i) => net.vpn_gateways.get(i).is_none_or(|g| g.vpcs.contains(&rt.vpc)),
            };
            if !usable {
                unusable.push((rt.id.clone(), i));
            }
        }
    }
    for (rt, i) in unusable {
        if let Some(r) = net.route_tables.get_mut(&rt).and_then(|t| t.routes.get_mut(i)) {
            r.state = RouteState::Blackhole;
        }
    }
}

fn record_unsupported(net: &mut Network) {
    let mut found: Vec<Unsupported> = Vec::new();
    for rt in net.route_tables.values() {
        for r in &rt.routes {
            let reason = match &r.target {
                // A transit gateway missing from the input is lint's `missing-route-target` (RT-14a):
                // one warning, not this one too.
                RouteTarget::TransitGateway(t)
                    if net.transit_gateways.contains_key(t) && net.tgw.vpc_attachment(t, &rt.vpc).is_none() =>
                {
                    Some(format!(
                        "route {} in `{}` targets transit gateway `{t}`, and the input has no attachment of it for `{}` (add `aws ec2 describe-transit-gateway-vpc-attachments`), so where it sends the packet is not known",
                        r.destination, rt.id, rt.vpc
                    ))
                }
                RouteTarget::Unsupported { field, id } => Some(format!(
                    "route {} in `{}` targets `{id}` ({field}), which is not modelled",
                    r.destination, rt.id
                )),
                RouteTarget::VpcEndpoint(e) => match net.vpc_endpoints.get(e).map(|x| &x.endpoint_type) {
                    Some(VpcEndpointType::Gateway) | None => None,
                    Some(other) => Some(format!(
                        "route {} in `{}` targets endpoint `{e}` of type {other:?}, which is not modelled",
                        r.destination, rt.id
                    )),
                },
                _ => None,
            };
            if let Some(reason) = reason {
                found.push(Unsupported {
                    component: r.target.id().to_owned(),
                    reason,
                    provenance: r.provenance.clone(),
                });
            }
        }
        if !rt.gateways.is_empty() {
            found.push(Unsupported {
                component: rt.id.to_string(),
                reason: format!("route table `{}` is a gateway route table (edge association, RT-18): ingress routing is not modelled", rt.id),
                provenance: rt.provenance.clone(),
            });
        }
    }
    for pl in net.prefix_lists.values() {
        if !pl.entries_known {
            found.push(Unsupported {
                component: pl.id.to_string(),
                reason: format!(
                    "prefix list `{}` ({}) is named but its entries are not in the input",
                    pl.id, pl.name
                ),
                provenance: pl.provenance.clone(),
            });
        }
    }
    for u in found {
        if !net
            .unsupported
            .iter()
            .any(|x| x.component == u.component && x.reason == u.reason)
        {
            net.unsupported.push(u);
        }
    }
    net.unsupported.sort();
}
