//! Waypoint questions (`--through`, `--avoid`; suite keys `through`, `avoid`; SEMANTICS.md §9.3,
//! WAY-1..WAY-4): "every packet that gets through crosses the NAT gateway", "no packet that gets
//! through crosses the peering connection".
//!
//! Owns: resolving a waypoint's text to a component, the waypoint verdict (held, violated,
//! unknown) and its cross-check. The SMT engine decides it (a delivered packet on a candidate
//! path that violates the waypoints, WAY-1); the simulator replays a violating witness and must
//! find, on its own path, that it violates them too; a holding verdict's example packet (the
//! plain question's witness) must keep to them on the simulator's path. Must not touch: z3,
//! printing, the crossing checks themselves (`sim::waypoint`, `smt::walk::waypoint`).

use super::endpoint::{Role, resolve as resolve_endpoint};
use super::engine::{self, QueryError, QueryResult, QuerySpec};
use super::verdict::{PacketJson, UnknownCause, VerdictKind, ser_packet};
use crate::model::*;
use crate::sim;
use serde::Serialize;

/// Held, violated or unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum WaypointKind {
    /// Every packet that gets through keeps to the waypoints (exit 0).
    Held,
    /// Some packet gets through on a path that does not (exit 1).
    Violated,
    /// Not decided (exit 3).
    Unknown,
}

/// The waypoint part of an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct WaypointVerdict {
    /// Held, violated or unknown.
    pub result: WaypointKind,
    /// The components every packet that gets through must cross.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub through: Vec<Waypoint>,
    /// The components no packet that gets through may cross.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub avoid: Vec<Waypoint>,
    /// One sentence: why.
    pub reason: String,
    /// Violated: the packet, as its source sends it, that gets through on a violating path.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ser_packet")]
    #[schemars(with = "Option<PacketJson>")]
    pub packet: Option<Packet>,
    /// Violated: its request's path (the simulator's replay).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<Vec<Hop>>,
    /// Violated: its reply's path (round trips).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_path: Option<Vec<Hop>>,
    /// Held: what stops every packet on the paths that would violate the waypoints.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blocked: Vec<Blocked>,
    /// Unknown: what the answer depends on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<UnknownCause>,
}

/// Answers a question with its waypoints, if it has any (otherwise as [`engine::run`]); the
/// verdict's ids are annotated with their names.
pub fn run(net: &Network, ix: &NetworkIndex, spec: &QuerySpec) -> Result<QueryResult, QueryError> {
    if spec.through.is_empty() && spec.avoid.is_empty() {
        let mut r = engine::run(net, ix, spec)?;
        super::names::annotate(&mut r.verdict, net);
        return Ok(r);
    }
    let goal = resolve_all(net, ix.names(net), spec)?;
    let mut result = engine::run(net, ix, spec)?;
    let plain = &result.verdict;
    let what = describe(&goal);
    let mut w = WaypointVerdict {
        result: WaypointKind::Unknown,
        through: goal.through.clone(),
        avoid: goal.avoid.clone(),
        reason: String::new(),
        packet: None,
        path: None,
        return_path: None,
        blocked: Vec::new(),
        unknown: Vec::new(),
    };
    if plain.verdict == VerdictKind::Unreachable {
        // WAY-4: no packet gets through at all.
        w.result = WaypointKind::Held;
        w.reason =
            "no packet of the question gets through at all, so none breaks the waypoints (WAY-4: they hold vacuously)"
                .to_owned();
    } else {
        let asked = QuerySpec {
            want_proof: false,
            ..spec.clone()
        };
        let v = engine::run_goal(net, ix, &asked, Some(&goal))?.verdict;
        match v.verdict {
            VerdictKind::Reachable => {
                let p = v.packet.map(|p| p.to_string()).unwrap_or_default();
                w.result = WaypointKind::Violated;
                w.reason = format!(
                    "{p} gets through, and its path {}",
                    broken(net, v.path.as_deref().unwrap_or_default(), &goal)
                );
                w.packet = v.packet;
                w.path = v.path;
                w.return_path = v.return_path;
            }
            VerdictKind::Unreachable => {
                // The plain witness keeps to the waypoints on the simulator's path too.
                if plain.verdict == VerdictKind::Reachable
                    && let Some(path) = &plain.path
                {
                    let (missed, crossed) = sim::waypoint::violations(net, path, &goal);
                    if !missed.is_empty() || !crossed.is_empty() {
                        return Err(QueryError::Inconsistent(format!(
                            "the SMT engine found that every packet that gets through {what}, but the simulator's path of {} {}",
                            plain.packet.map(|p| p.to_string()).unwrap_or_default(),
                            broken(net, path, &goal)
                        )));
                    }
                }
                w.result = WaypointKind::Held;
                w.reason = if plain.verdict == VerdictKind::Reachable {
                    format!("every packet of the question that gets through {what} (the packet shown is one)")
                } else {
                    format!(
                        "every packet of the question that gets through {what} (whether any gets through is unknown)"
                    )
                };
                w.blocked = v.blocked;
            }
            VerdictKind::Unknown => {
                w.result = WaypointKind::Unknown;
                w.reason = format!("whether every packet that gets through {what} is unknown");
                w.unknown = v.unknown;
                w.blocked = v.blocked;
            }
        }
    }
    result.verdict.waypoint = Some(w);
    super::names::annotate(&mut result.verdict, net);
    Ok(result)
}

/// `query`'s endpoints, each resolved once before the question is asked, so that one that names
/// nothing is reported with its flag (`--from: … did you mean …`).
pub fn check_endpoints(net: &Network, ix: &NetworkIndex, spec: &QuerySpec) -> Result<(), QueryError> {
    for (flag, text, role) in [
        ("--from", &spec.from, Role::Source),
        ("--to", &spec.to, Role::Destination),
    ] {
        if let Err(e) = resolve_endpoint(net, ix, text, role) {
            return Err(QueryError::Usage(format!("{flag}: {e}")));
        }
    }
    Ok(())
}

/// The replay of a violating witness must violate the waypoints on the simulator's path too.
pub(crate) fn confirm_violation(net: &Network, packet: &Packet, path: &[Hop], g: &Waypoints) -> Result<(), QueryError> {
    let (missed, crossed) = sim::waypoint::violations(net, path, g);
    if missed.is_empty() && crossed.is_empty() {
        return Err(QueryError::Inconsistent(format!(
            "the SMT engine found that {packet} gets through on a path that {}, but the simulator's path [{}] keeps to the waypoints",
            describe_violation(g),
            path.iter().map(|h| h.id.as_str()).collect::<Vec<_>>().join(", ")
        )));
    }
    Ok(())
}

/// `crosses `nat-natgw`` / `crosses `a` and `b` and avoids `pcx-1``.
fn describe(g: &Waypoints) -> String {
    let list = |ws: &[Waypoint]| {
        ws.iter()
            .map(|w| format!("`{}`", w.id))
            .collect::<Vec<_>>()
            .join(" and ")
    };
    let mut parts = Vec::new();
    if !g.through.is_empty() {
        parts.push(format!("crosses {}", list(&g.through)));
    }
    if !g.avoid.is_empty() {
        let any = g
            .avoid
            .iter()
            .map(|w| format!("`{}`", w.id))
            .collect::<Vec<_>>()
            .join(" or ");
        parts.push(format!("avoids {any}"));
    }
    parts.join(" and ")
}

fn describe_violation(g: &Waypoints) -> String {
    let mut parts = Vec::new();
    if !g.through.is_empty() {
        parts.push("misses a --through component".to_owned());
    }
    if !g.avoid.is_empty() {
        parts.push("crosses an --avoid component".to_owned());
    }
    parts.join(" or ")
}

/// How a path breaks the waypoints, as the simulator sees it.
fn broken(net: &Network, path: &[Hop], g: &Waypoints) -> String {
    let (missed, crossed) = sim::waypoint::violations(net, path, g);
    let mut parts = Vec::new();
    if !missed.is_empty() {
        parts.push(format!("does not cross `{}`", missed.join("`, `")));
    }
    if !crossed.is_empty() {
        parts.push(format!("crosses `{}`", crossed.join("`, `")));
    }
    if parts.is_empty() {
        "keeps to them".to_owned()
    } else {
        parts.join(" and ")
    }
}

/// Resolves the question's `--through` and `--avoid` texts.
fn resolve_all(net: &Network, names: &Names, spec: &QuerySpec) -> Result<Waypoints, QueryError> {
    let mut g = Waypoints::default();
    for t in &spec.through {
        g.through.push(resolve(net, names, t, "--through")?);
    }
    for t in &spec.avoid {
        g.avoid.push(resolve(net, names, t, "--avoid")?);
    }
    Ok(g)
}

/// The kind of a component a path can cross, by its id; `None` for anything else.
fn kind_of(net: &Network, id: &str) -> Option<ComponentKind> {
    let k = if net.instances.contains_key(&InstanceId::new(id)) {
        ComponentKind::Instance
    } else if net.network_interfaces.contains_key(&NetworkInterfaceId::new(id)) {
        ComponentKind::NetworkInterface
    } else if net.subnets.contains_key(&SubnetId::new(id)) {
        ComponentKind::Subnet
    } else if net.nat_gateways.contains_key(&NatGatewayId::new(id)) {
        ComponentKind::NatGateway
    } else if net
        .vpc_peering_connections
        .contains_key(&VpcPeeringConnectionId::new(id))
    {
        ComponentKind::VpcPeeringConnection
    } else if net.transit_gateways.contains_key(&TransitGatewayId::new(id)) {
        ComponentKind::TransitGateway
    } else if net.tgw.attachments.contains_key(&TgwAttachmentId::new(id))
        || net.tgw.peerings.contains_key(&TgwAttachmentId::new(id))
    {
        ComponentKind::TransitGatewayAttachment
    } else if net.internet_gateways.contains_key(&InternetGatewayId::new(id)) {
        ComponentKind::InternetGateway
    } else if net
        .egress_only_internet_gateways
        .contains_key(&EgressOnlyInternetGatewayId::new(id))
    {
        ComponentKind::EgressOnlyInternetGateway
    } else if net.vpc_endpoints.contains_key(&VpcEndpointId::new(id)) {
        ComponentKind::VpcEndpoint
    } else if net.vpn_gateways.contains_key(&VpnGatewayId::new(id)) {
        ComponentKind::VpnGateway
    } else if net.onprem.vpn_connections.contains_key(id) {
        ComponentKind::VpnConnection
    } else if net.elb.load_balancers.contains_key(id) {
        ComponentKind::LoadBalancer
    } else {
        return None;
    };
    Some(k)
}

/// What a waypoint may name, for messages.
const WAYPOINT_KINDS: &str = "an instance, network interface, subnet, NAT gateway, peering connection, transit gateway or attachment, internet gateway, VPC endpoint, virtual private gateway, VPN connection or load balancer";

/// Resolves one waypoint: an id, a name, or a load balancer's name, ARN or DNS name.
fn resolve(net: &Network, names: &Names, text: &str, flag: &str) -> Result<Waypoint, QueryError> {
    let t = text.trim();
    let make = |id: &str, kind| Waypoint {
        id: id.to_owned(),
        kind,
        given: t.to_owned(),
        name: names.display_name(id).map(str::to_owned),
    };
    if let Some(k) = kind_of(net, t) {
        return Ok(make(t, k));
    }
    let lbs: Vec<&LoadBalancer> = net
        .elb
        .load_balancers
        .values()
        .filter(|lb| lb.name == t || lb.dns_name.as_deref().is_some_and(|d| d.eq_ignore_ascii_case(t)))
        .collect();
    if let [lb] = lbs.as_slice() {
        return Ok(make(&lb.id, ComponentKind::LoadBalancer));
    }
    let filter_or_table = net.security_groups.contains_key(&SecurityGroupId::new(t))
        || net.network_acls.contains_key(&NetworkAclId::new(t))
        || net.route_tables.contains_key(&RouteTableId::new(t))
        || net.vpcs.contains_key(&VpcId::new(t))
        || net.prefix_lists.contains_key(&PrefixListId::new(t));
    let named: Vec<&str> = if filter_or_table { vec![t] } else { names.ids_named(t) };
    let mut crossable: Vec<(&str, ComponentKind)> = named
        .iter()
        .filter_map(|id| kind_of(net, id).map(|k| (*id, k)))
        .collect();
    // An instance and its own interfaces, named alike, are the instance.
    if crossable.iter().any(|(_, k)| *k == ComponentKind::Instance) {
        crossable.retain(|(_, k)| *k != ComponentKind::NetworkInterface);
    }
    match crossable.as_slice() {
        [(id, k)] => Ok(make(id, *k)),
        [] if !named.is_empty() => Err(QueryError::Usage(format!(
            "{flag} `{t}`: it names {}, which no packet crosses as a hop of its path; a waypoint is {WAYPOINT_KINDS}",
            named.join(", ")
        ))),
        [] => {
            let ids: Vec<String> = all_crossable(net);
            let hint = names.closest(t, ids.iter().map(String::as_str));
            let hint = if hint.is_empty() {
                String::new()
            } else {
                format!(
                    "; did you mean {}?",
                    hint.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(" or ")
                )
            };
            Err(QueryError::Usage(format!(
                "{flag} `{t}`: no component of the network has this id or name{hint} (a waypoint is {WAYPOINT_KINDS})"
            )))
        }
        many => Err(QueryError::Usage(format!(
            "{flag} `{t}` is ambiguous: it names {}; give the id",
            many.iter()
                .map(|(id, _)| format!("`{id}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

fn all_crossable(net: &Network) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    v.extend(net.instances.keys().map(|k| k.to_string()));
    v.extend(net.network_interfaces.keys().map(|k| k.to_string()));
    v.extend(net.subnets.keys().map(|k| k.to_string()));
    v.extend(net.nat_gateways.keys().map(|k| k.to_string()));
    v.extend(net.vpc_peering_connections.keys().map(|k| k.to_string()));
    v.extend(net.transit_gateways.keys().map(|k| k.to_string()));
    v.extend(net.tgw.attachments.keys().map(|k| k.to_string()));
    v.extend(net.internet_gateways.keys().map(|k| k.to_string()));
    v.extend(net.egress_only_internet_gateways.keys().map(|k| k.to_string()));
    v.extend(net.vpc_endpoints.keys().map(|k| k.to_string()));
    v.extend(net.vpn_gateways.keys().map(|k| k.to_string()));
    v.extend(net.onprem.vpn_connections.keys().cloned());
    v.extend(net.elb.load_balancers.values().map(|lb| lb.name.clone()));
    v
}
