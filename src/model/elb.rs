//! Elastic Load Balancing as data (SEMANTICS.md §5.12, rules ELB-1..ELB-12): Application, Network
//! and Classic Load Balancers, their listeners, target groups and registered targets.
//!
//! Plain data, like the rest of `model`: ingest builds it (describe-* JSON, Terraform plans); the
//! simulator (`sim::elb`) and the SMT encoder (`smt::walk::elb`) each interpret it on their own.
//! Must not touch: z3, JSON shapes, printing, and any forwarding decision.

use super::ids::{NetworkInterfaceId, SecurityGroupId, SubnetId, VpcId};
use super::network::Network;
use super::provenance::Provenance;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Every load balancer and target group of the input.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ElbTopology {
    /// Load balancers by id (the ARN; a Classic Load Balancer's name).
    pub load_balancers: BTreeMap<String, LoadBalancer>,
    /// Target groups by id (the ARN; a Classic Load Balancer's implicit group
    /// `<name>:<instance port>`).
    pub target_groups: BTreeMap<String, TargetGroup>,
}

/// Which kind of load balancer (ELB-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LbKind {
    /// Application Load Balancer (`application`).
    Application,
    /// Network Load Balancer (`network`).
    Network,
    /// Gateway Load Balancer (`gateway`): recognised, not modelled.
    Gateway,
    /// Classic Load Balancer (`aws elb`).
    Classic,
}

impl LbKind {
    /// `application`, `network`, `gateway`, `classic`.
    pub fn name(self) -> &'static str {
        match self {
            LbKind::Application => "Application",
            LbKind::Network => "Network",
            LbKind::Gateway => "Gateway",
            LbKind::Classic => "Classic",
        }
    }
}

/// A load balancer (ELB-1, ELB-2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadBalancer {
    /// The ARN (a Classic Load Balancer's name).
    pub id: String,
    /// `LoadBalancerName`.
    pub name: String,
    /// `DNSName`, when the input gives it.
    pub dns_name: Option<String>,
    /// The kind.
    pub kind: LbKind,
    /// True for `internet-facing`, false for `internal` (ELB-2).
    pub internet_facing: bool,
    /// Its VPC.
    pub vpc: VpcId,
    /// The subnets of its nodes.
    pub subnets: Vec<SubnetId>,
    /// Its security groups (ALB and Classic always; NLB optional).
    pub security_groups: Vec<SecurityGroupId>,
    /// Its nodes: the network interfaces ELB created for it in its subnets (ELB-1), found in
    /// `describe-network-interfaces` by their description.
    pub nodes: Vec<NetworkInterfaceId>,
    /// Cross-zone load balancing (ELB-7): `None` when the input does not say.
    pub cross_zone: Option<bool>,
    /// `State.Code`, lowercased (`active`, `provisioning`, …).
    pub state: String,
    /// Its listeners.
    pub listeners: Vec<Listener>,
    /// Whether a listener file (`describe-listeners`) described it: without one its listeners
    /// are not known.
    pub listeners_known: bool,
    /// Where it was read.
    pub provenance: Provenance,
}

/// A listener: protocol and port, and where it sends connections (ELB-3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listener {
    /// The listener ARN (a Classic listener: `<lb>:<port>`).
    pub id: String,
    /// `HTTP`, `HTTPS`, `TCP`, `TLS`, `UDP`, `TCP_UDP`, `SSL`, `GENEVE`, uppercased.
    pub protocol: String,
    /// The listener port.
    pub port: u16,
    /// The target groups its actions forward to (default action and, when read, rules).
    pub forwards: Vec<String>,
    /// The type of a default action that answers the client itself (`redirect`,
    /// `fixed-response`), when it does not forward.
    pub answers: Option<String>,
    /// Where it was read.
    pub provenance: Provenance,
}

impl Listener {
    /// The IP protocol numbers the listener accepts (ELB-3): TCP for HTTP, HTTPS, TCP, TLS and
    /// SSL; UDP for UDP; both for TCP_UDP; none for anything else.
    pub fn ip_protocols(&self) -> &'static [u8] {
        match self.protocol.as_str() {
            "HTTP" | "HTTPS" | "TCP" | "TLS" | "SSL" => &[6],
            "UDP" => &[17],
            "TCP_UDP" => &[6, 17],
            _ => &[],
        }
    }
}

/// What a target group's targets are (ELB-8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetType {
    /// EC2 instances by id.
    Instance,
    /// IP addresses.
    Ip,
    /// Lambda functions.
    Lambda,
    /// An Application Load Balancer (behind a Network Load Balancer): not modelled.
    Alb,
}

/// A target group (ELB-4, ELB-8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetGroup {
    /// The ARN (or a Classic Load Balancer's implicit `<name>:<port>`).
    pub id: String,
    /// `TargetGroupName`.
    pub name: String,
    /// `Protocol`, uppercased (absent for Lambda).
    pub protocol: Option<String>,
    /// `Port`, the port targets receive on unless a target says its own.
    pub port: Option<u16>,
    /// The target type.
    pub target_type: TargetType,
    /// Its VPC (absent for Lambda).
    pub vpc: Option<VpcId>,
    /// `preserve_client_ip.enabled` (ELB-5): `None` when the input does not say.
    pub preserve_client_ip: Option<bool>,
    /// `load_balancing.cross_zone.enabled` of the group (ELB-7): `None` when it follows the load
    /// balancer (`use_load_balancer_configuration`) or the input does not say.
    #[serde(default)]
    pub cross_zone: Option<bool>,
    /// Registered targets; `None` when the input does not list them (no
    /// `describe-target-health` output for the group).
    pub targets: Option<Vec<Target>>,
    /// The load balancers it serves (`LoadBalancerArns`).
    pub load_balancers: Vec<String>,
    /// Where it was read.
    pub provenance: Provenance,
}

/// A registered target (ELB-8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// An instance id, an IP address or a Lambda ARN.
    pub id: String,
    /// Its own port, when registered with one.
    pub port: Option<u16>,
    /// `AvailabilityZone` as registered (`all` for IP targets outside the VPC).
    pub zone: Option<String>,
    /// `TargetHealth.State` (`healthy`, `unhealthy`, `unused`, …), reported only (ELB-10).
    pub health: Option<String>,
}

impl ElbTopology {
    /// The load balancer whose node `eni` is, with that load balancer.
    pub fn node_owner(&self, eni: &NetworkInterfaceId) -> Option<&LoadBalancer> {
        self.load_balancers.values().find(|lb| lb.nodes.contains(eni))
    }

    /// True iff the input describes no load balancer.
    pub fn is_empty(&self) -> bool {
        self.load_balancers.is_empty() && self.target_groups.is_empty()
    }
}

impl TargetGroup {
    /// Cross-zone load balancing as it applies to this group (ELB-7): the group's own setting,
    /// else the load balancer's.
    pub fn cross_zone(&self, lb: &LoadBalancer) -> Option<bool> {
        self.cross_zone.or(lb.cross_zone)
    }

    /// Client IP preservation as it applies (ELB-5): an Application or Classic Load Balancer
    /// never preserves; a Network Load Balancer's UDP and TCP_UDP groups always do; otherwise
    /// the attribute, `None` when the input does not say.
    pub fn preserves(&self, lb: &LoadBalancer) -> Option<bool> {
        match lb.kind {
            LbKind::Application | LbKind::Classic | LbKind::Gateway => Some(false),
            LbKind::Network => {
                if matches!(self.protocol.as_deref(), Some("UDP" | "TCP_UDP")) {
                    Some(true)
                } else {
                    self.preserve_client_ip
                }
            }
        }
    }
}

/// A resolved target: the interface that receives and the address and port it receives on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetAt {
    /// The interface holding the address.
    pub iface: NetworkInterfaceId,
    /// The IPv4 address the load balancer connects to.
    pub address: std::net::Ipv4Addr,
    /// The port.
    pub port: u16,
    /// The target's subnet.
    pub subnet: SubnetId,
}

/// Why a registered target has no [`TargetAt`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetProblem {
    /// The path ends at the load balancer (a Lambda function, ELB-8).
    Lambda,
    /// The input does not hold what the target is (an instance or address not modelled, an
    /// ALB target): the answer there is unknown.
    Unknown(String),
}

/// Resolves a registered target to the interface and address the load balancer connects to
/// (ELB-8): an instance's primary interface and primary private IPv4 address; an IP target's
/// address, held by some modelled interface. Data lookup only.
pub fn resolve_target(net: &Network, tg: &TargetGroup, t: &Target) -> Result<TargetAt, TargetProblem> {
    // A Lambda function has no port: the load balancer invokes it.
    if tg.target_type == TargetType::Lambda {
        return Err(TargetProblem::Lambda);
    }
    let port = match t.port.or(tg.port) {
        Some(p) => p,
        None => {
            return Err(TargetProblem::Unknown(format!(
                "target `{}` of `{}` has no port in the input",
                t.id, tg.name
            )));
        }
    };
    match tg.target_type {
        TargetType::Lambda => Err(TargetProblem::Lambda),
        TargetType::Alb => Err(TargetProblem::Unknown(format!(
            "target group `{}` forwards to an Application Load Balancer (`{}`), which is not modelled as a target",
            tg.name, t.id
        ))),
        TargetType::Instance => {
            let inst = net.instances.values().find(|i| i.id.as_str() == t.id).ok_or_else(|| {
                TargetProblem::Unknown(format!(
                    "instance `{}`, a target of `{}`, is not in the input",
                    t.id, tg.name
                ))
            })?;
            let eni = inst
                .network_interfaces
                .first()
                .and_then(|e| net.network_interfaces.get(e))
                .ok_or_else(|| {
                    TargetProblem::Unknown(format!("instance `{}` has no network interface in the input", t.id))
                })?;
            let address = eni
                .private_ipv4
                .iter()
                .find(|a| a.primary)
                .or(eni.private_ipv4.first())
                .map(|a| a.address);
            let address = address.ok_or_else(|| {
                TargetProblem::Unknown(format!("instance `{}` has no private IPv4 address in the input", t.id))
            })?;
            Ok(TargetAt {
                iface: eni.id.clone(),
                address,
                port,
                subnet: eni.subnet.clone(),
            })
        }
        TargetType::Ip => {
            let address: std::net::Ipv4Addr = t.id.parse().map_err(|_| {
                TargetProblem::Unknown(format!(
                    "IP target `{}` of `{}` is not an IPv4 address this tool models",
                    t.id, tg.name
                ))
            })?;
            let eni = net
                .network_interfaces
                .values()
                .find(|e| e.private_ipv4.iter().any(|a| a.address == address))
                .ok_or_else(|| {
                    TargetProblem::Unknown(format!(
                        "no modelled network interface holds {address}, an IP target of `{}` (a peered VPC, on premises, or missing from the input)",
                        tg.name
                    ))
                })?;
            Ok(TargetAt {
                iface: eni.id.clone(),
                address,
                port,
                subnet: eni.subnet.clone(),
            })
        }
    }
}
