//! `vpcverify trace`: one representative concrete packet from `--from` to `--to`, walked through
//! the simulator, answered as a [`Verdict`].
//!
//! The packet is built by fixed, documented choices (each one made is named in the verdict's
//! `warnings`, so a reader knows which packet was traced):
//!
//! - **Protocol**: `tcp` (default) and `udp` need `--port` (a usage error otherwise); `icmp` and
//!   `icmpv6` send an echo request (type 8 or 128, code 0), the only ICMP with a reply
//!   (SEMANTICS.md §1); `all` sends TCP to `--port` when one is given, else an ICMP echo request;
//!   any other number sends a packet of that protocol without ports. `--port` is ignored (with a
//!   warning) for protocols without ports.
//! - **Source port**: `--src-port`, else 49152, the first port of the IANA dynamic range (any
//!   port ≥ 1024 would do: it stands for a client's ephemeral port, NACL-10, J3).
//! - **Interface endpoints** covering several interfaces (a subnet, a group, a Name shared by an
//!   instance's interfaces): the first instance primary interface by id, else the first interface
//!   by id. An IP or CIDR endpoint picks the interface holding the first address in the block.
//! - **Source address**: an interface's primary private IPv4, or its first IPv6 address when the
//!   packet is IPv6. The packet is IPv6 when `--src-ip`/`--dst-ip` say so, for `icmpv6`, or when
//!   the destination address chosen below is IPv6.
//! - **Destination address** of an interface: its primary private IPv4 when the source is in the
//!   same VPC, in a VPC joined to it by an active peering connection, or on premises behind a
//!   virtual private gateway of its VPC; otherwise its first public IPv4 (or Elastic IP), else its
//!   first IPv6 address (when the source can send IPv6), else its primary private IPv4. An IP
//!   endpoint is used as given.
//! - **`internet`**: 93.184.216.34 (IPv6: 2606:2800:220:1:248:1893:25c8:1946); if that address
//!   lies in a modelled block (VPC, prefix list, on-premises block) or is a modelled public
//!   address, the next address of a short fixed list of well-known public addresses.
//! - **`service:…` / `pl-…`**: the first entry's network address + 1.
//! - **On-premises hosts** (`vgw-…`): its first declared on-premises block's network address + 1,
//!   else the first destination of a route to it, + 1. An external IP or CIDR source that is not a
//!   public address and lies in such a block starts on premises; any other starts on the internet.
//! - `--src-ip` / `--dst-ip` override the addresses chosen.
//!
//! The verdict is the simulator's, judged against `--to` as `query` judges a delivery (DESIGN.md
//! §2): a request delivered somewhere else (on premises when the internet was asked, through the
//! internet gateway when a gateway endpoint was named, to another interface) is **unreachable**,
//! and the blocking entry names where it ended (rule `destination`); the reply of that place is
//! not shown. A reply must come back to the source as the reverse of the request (§1, J2).

use super::endpoint::{EndpointError, Role, resolve};
use super::verdict::{QueryEcho, UnknownCause, Verdict, VerdictKind};
use crate::model::addr::{ip_from_u128, ip_to_u128, ranges};
use crate::model::endpoint::{Endpoint, External};
use crate::model::*;
use crate::sim::{self, Place, Start, Status};
use std::net::IpAddr;

/// The unpinned source port: the first port of the IANA dynamic range.
pub const DEFAULT_SRC_PORT: u16 = 49152;

/// Internet hosts used for `internet`, in order of preference.
const INTERNET_V4: [&str; 4] = ["93.184.216.34", "151.101.1.69", "104.16.132.229", "185.199.108.153"];
/// IPv6 internet hosts, in order of preference.
const INTERNET_V6: [&str; 3] = [
    "2606:2800:220:1:248:1893:25c8:1946",
    "2a04:4e42::81",
    "2606:4700::6810:84e5",
];

/// The arguments of `trace`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceRequest {
    /// `--from`.
    pub from: String,
    /// `--to`.
    pub to: String,
    /// `--protocol` (`tcp`, `udp`, `icmp`, `icmpv6`, `all`, or a number).
    pub protocol: String,
    /// `--port`.
    pub port: Option<u16>,
    /// `--src-port`.
    pub src_port: Option<u16>,
    /// `--src-ip`.
    pub src_ip: Option<IpAddr>,
    /// `--dst-ip`.
    pub dst_ip: Option<IpAddr>,
    /// `--one-way`.
    pub one_way: bool,
}

/// Why a trace cannot run: a bad endpoint or bad usage (exit 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TraceError {
    /// `--from` or `--to` does not resolve.
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    /// The arguments do not make one packet.
    #[error("{0}")]
    Usage(String),
}

fn usage(msg: impl Into<String>) -> TraceError {
    TraceError::Usage(msg.into())
}

/// What the packet carries, before addresses are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// TCP or UDP to this port.
    Ports(u8, u16),
    /// ICMP echo request; the number (1 or 58) follows the family.
    Echo,
    /// Another protocol, no ports.
    Bare(u8),
}

/// The sending side, as far as address choice is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Side {
    /// A modelled interface.
    Interface(NetworkInterfaceId),
    /// An internet host (address chosen later, or given).
    Internet(Option<IpAddr>),
    /// An on-premises host behind a virtual private gateway.
    OnPremises(VpnGatewayId, Option<IpAddr>),
    /// An on-premises host behind a transit gateway's VPN or Direct Connect gateway attachment.
    OnPremisesVia(TgwAttachmentId, IpAddr),
}

/// The packet to trace, where it starts, and the choices made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// Where the packet starts.
    pub start: Start,
    /// The packet as the source sends it.
    pub packet: Packet,
    /// The choices made, for the reader.
    pub warnings: Vec<String>,
}

/// Runs `trace`: builds the packet, walks it and its reply, and answers.
pub fn run(net: &Network, ix: &NetworkIndex, req: &TraceRequest) -> Result<Verdict, TraceError> {
    let echo = echo_of(req)?;
    let prepared = match prepare(net, ix, req)? {
        Ok(p) => p,
        Err(cause) => {
            let mut v = Verdict::new(VerdictKind::Unknown, echo);
            v.unknown.push(cause);
            return Ok(v);
        }
    };
    let from = resolve(net, ix, &req.from, Role::Source)?;
    let to = resolve(net, ix, &req.to, Role::Destination)?;
    let mut t = sim::trace(net, ix, prepared.start.clone(), prepared.packet, req.one_way);
    // BOUND-2: a filter the input does not settle stopped the walk; with every such filter
    // admitting the packet, the packet either still does not get through (the answer, whatever
    // they do) or does (unknown: its fate depends on them).
    let mut relied: Vec<sim::Assumed> = Vec::new();
    let mut bounded: Vec<sim::Assumed> = Vec::new();
    if matches!(t.status(), Status::Unknown { .. }) {
        let admitting = sim::trace_admitting(net, ix, prepared.start.clone(), prepared.packet, req.one_way);
        if !admitting.assumed.is_empty() {
            match admitting.status() {
                Status::Unreachable(_) => bounded = admitting.assumed.clone(),
                _ => relied = admitting.assumed.clone(),
            }
            t = admitting;
        }
    }
    // The simulator says where the request ended; whether that is `--to` is the question's
    // business (DESIGN.md §2), judged as `query` judges it: delivered elsewhere is unreachable.
    let misdelivered = elsewhere(&t, &from, &to);
    let status = match (t.status(), &misdelivered) {
        (Status::Unreachable(_) | Status::Reachable, Some(b)) => {
            // Admitted or not, the packet does not reach `--to`.
            bounded.append(&mut relied);
            Status::Unreachable(b.clone())
        }
        (Status::Reachable, None) if !relied.is_empty() => Status::Unknown {
            component: relied[0].component.clone(),
            reason: relied[0].reason.clone(),
        },
        (s, _) => s,
    };
    let kind = match &status {
        Status::Reachable => VerdictKind::Reachable,
        Status::Unreachable(_) => VerdictKind::Unreachable,
        Status::Unknown { .. } => VerdictKind::Unknown,
    };
    let mut v = Verdict::new(kind, echo);
    match status {
        Status::Reachable => {}
        Status::Unreachable(b) => v.blocked.push(b),
        Status::Unknown { component, reason } => {
            for a in &relied {
                let mut u = UnknownCause::new(a.component.clone(), a.reason.clone());
                u.example = Some(prepared.packet);
                v.unknown.push(u);
            }
            if !relied.iter().any(|a| a.component == component) {
                v.unknown.push(UnknownCause::new(component, reason));
            }
        }
    }
    v.bounded = bounded
        .into_iter()
        .map(|a| {
            UnknownCause::new(
                a.component,
                format!("{}; even admitting the packet there, it does not get through", a.reason),
            )
        })
        .collect();
    v.packet = Some(prepared.packet);
    v.path = Some(t.request.hops);
    // A reply from a place that is not `--to` answers no question: it is not shown.
    v.return_path = t.reply.filter(|_| misdelivered.is_none()).map(|r| r.hops);
    v.warnings = prepared.warnings;
    super::names::annotate(&mut v, net);
    Ok(v)
}

/// Where a delivered request ended, when that is not the question's destination (or, from an
/// internet source named by its gateway, when it entered through another gateway): the entry
/// naming the place. `None` when the request was not delivered, or reached `--to`.
///
/// The request reaches `--to` (DESIGN.md §2) at one of its interfaces; as an internet host, out
/// of an internet or egress-only internet gateway (the one it names, if any); as an on-premises
/// host, out of the virtual private gateway it names; as an AWS service, through its gateway
/// endpoint (the one it names, if any) or, unnamed, out of an internet gateway like any public
/// address; as an address or block outside every interface, wherever the routes take it. A
/// forwarding component (`--to nat-…`) is asked about by `query` one way and is not judged here.
fn elsewhere(t: &sim::Trace, from: &Endpoint, to: &Endpoint) -> Option<Blocked> {
    let sim::LegOutcome::Delivered { at, .. } = &t.request.outcome else {
        return None;
    };
    if let (Start::Internet, Some(External::Internet { via: Some(g) })) = (&t.start, &from.external)
        && !t.request.hops.iter().any(|h| &h.id == g)
    {
        let entered = t
            .request
            .hops
            .iter()
            .find(|h| {
                matches!(
                    h.kind,
                    ComponentKind::InternetGateway | ComponentKind::EgressOnlyInternetGateway
                )
            })
            .map_or_else(|| "another way".to_owned(), |h| format!("through `{}`", h.id));
        return Some(Blocked::new(
            g,
            ComponentKind::InternetGateway,
            Some(Direction::Inbound),
            "entry",
            format!(
                "the request enters {entered}, not through `{g}` (`--from {}`)",
                from.label
            ),
            "NO_PATH",
        ));
    }
    if to.through.is_some() {
        return None;
    }
    let is_internet_gateway = |g: &str| {
        // An AWS id, or a Terraform plan's address.
        !(g.starts_with("eigw-") || g.contains("aws_egress_only_internet_gateway."))
    };
    let ours = match at {
        Place::Interface { id } => to.interfaces.contains(id),
        Place::Internet { gateway } => match &to.external {
            Some(External::Internet { via }) => via.as_ref().is_none_or(|v| v == gateway),
            Some(External::Block(_)) => true,
            Some(External::Service { via: None, .. }) => is_internet_gateway(gateway),
            _ => false,
        },
        Place::OnPremises { gateway } => match &to.external {
            Some(External::OnPremises(g)) => g == gateway,
            Some(External::Block(_)) => true,
            Some(External::OnPremNetwork { .. }) => true,
            _ => false,
        },
        Place::OnPremisesVia { .. } => matches!(
            &to.external,
            Some(External::Block(_)) | Some(External::OnPremNetwork { .. })
        ),
        Place::AwsService { endpoint } => match &to.external {
            Some(External::Service { via, .. }) => via.as_ref().is_none_or(|v| v == endpoint),
            Some(External::Block(_)) => true,
            _ => false,
        },
    };
    if ours {
        return None;
    }
    let place = match at {
        Place::Interface { id } => format!("delivered to `{id}`"),
        Place::Internet { gateway } => format!("delivered to the internet through `{gateway}`"),
        Place::OnPremises { gateway } => format!("delivered on premises through `{gateway}`"),
        Place::OnPremisesVia { attachment } => format!("delivered on premises through `{attachment}`"),
        Place::AwsService { endpoint } => format!("delivered to the AWS service through `{endpoint}`"),
    };
    let wanted = match to.interfaces.as_slice() {
        [one] if one.as_str() != to.label => format!("`{}` (`{one}`)", to.label),
        _ => format!("`{}`", to.label),
    };
    Some(Blocked::new(
        at.id(),
        at.kind(),
        None,
        "destination",
        format!("the request is {place}, not to {wanted}"),
        "NO_PATH",
    ))
}

/// The question, echoed.
fn echo_of(req: &TraceRequest) -> Result<QueryEcho, TraceError> {
    let protocol = Protocol::parse(&req.protocol).map_err(|e| usage(format!("--protocol: {e}")))?;
    let with_ports =
        protocol.number().is_some_and(proto::has_ports) || (protocol == Protocol::All && req.port.is_some());
    Ok(QueryEcho {
        from: req.from.clone(),
        to: req.to.clone(),
        protocol: protocol.to_string(),
        port: req.port.filter(|_| with_ports).map(|p| p.to_string()),
        src_port: req.src_port.filter(|_| with_ports).map(|p| p.to_string()),
        one_way: req.one_way,
    })
}

/// The packet shape from `--protocol` and `--port`.
fn shape_of(req: &TraceRequest, warnings: &mut Vec<String>) -> Result<Shape, TraceError> {
    let protocol = Protocol::parse(&req.protocol).map_err(|e| usage(format!("--protocol: {e}")))?;
    let shape = match protocol {
        Protocol::All => match req.port {
            Some(port) => {
                warnings.push(format!(
                    "--protocol all: one packet has one protocol; traced with tcp to port {port} (`query --protocol all` asks about every protocol at once)"
                ));
                Shape::Ports(proto::TCP, port)
            }
            None => {
                warnings.push(
                    "--protocol all: one packet has one protocol; traced with an ICMP echo request (type 8, or 128 over IPv6), whose reply is the only ICMP one; `query --protocol all` asks about every protocol at once, and its witness is tcp when tcp gets through; give --port to trace tcp to that port, or --protocol to trace another"
                        .into(),
                );
                Shape::Echo
            }
        },
        Protocol::Number(n) if proto::has_ports(n) => match req.port {
            Some(port) => Shape::Ports(n, port),
            None => {
                return Err(usage(format!(
                    "trace needs --port for {}: one packet has one destination port",
                    proto::name(n)
                )));
            }
        },
        Protocol::Number(n) if proto::is_icmp(n) => Shape::Echo,
        Protocol::Number(n) => Shape::Bare(n),
    };
    if req.port.is_some() && !matches!(shape, Shape::Ports(..)) && protocol != Protocol::All {
        warnings.push(format!("--port is ignored: {protocol} has no ports"));
    }
    Ok(shape)
}

/// Builds the representative packet. `Ok(Err(cause))` when the answer is unknown before any walk
/// (a prefix list whose entries are not in the input).
pub fn prepare(
    net: &Network,
    ix: &NetworkIndex,
    req: &TraceRequest,
) -> Result<Result<Prepared, UnknownCause>, TraceError> {
    let mut warnings = Vec::new();
    let shape = shape_of(req, &mut warnings)?;
    let wanted = wanted_family(req)?;
    let from = resolve(net, ix, &req.from, Role::Source)?;
    let to = resolve(net, ix, &req.to, Role::Destination)?;

    let side = source_side(net, ix, &from, req, &mut warnings)?;
    let dst = match req.dst_ip {
        Some(ip) => {
            warnings.push(format!("destination address {ip} set by --dst-ip"));
            ip
        }
        None => match destination_address(net, ix, &side, &to, wanted, &mut warnings)? {
            Ok(ip) => ip,
            Err(cause) => return Ok(Err(cause)),
        },
    };
    let family = IpFamily::of(&dst);
    let src = match req.src_ip {
        Some(ip) => {
            warnings.push(format!("source address {ip} set by --src-ip"));
            ip
        }
        None => source_address(net, ix, &side, family, &dst, &mut warnings)?,
    };
    if IpFamily::of(&src) != family {
        return Err(usage(format!(
            "source {src} and destination {dst} are of different address families"
        )));
    }
    let packet = match shape {
        Shape::Ports(n, dst_port) => {
            let src_port = req.src_port.unwrap_or_else(|| {
                warnings.push(format!(
                    "source port {DEFAULT_SRC_PORT}: an unpinned client port (pin it with --src-port)"
                ));
                DEFAULT_SRC_PORT
            });
            Packet::with_ports(n, src, src_port, dst, dst_port)
        }
        Shape::Echo => {
            let n = Protocol::parse(&req.protocol).ok().and_then(|p| p.number());
            match (n, family) {
                (Some(proto::ICMP), IpFamily::V6) => {
                    return Err(usage("icmp is IPv4: use --protocol icmpv6 for IPv6 addresses"));
                }
                (Some(proto::ICMPV6), IpFamily::V4) => {
                    return Err(usage("icmpv6 is IPv6: use --protocol icmp for IPv4 addresses"));
                }
                _ => {}
            }
            match family {
                IpFamily::V4 => Packet::icmp(proto::ICMP, src, dst, 8, 0),
                IpFamily::V6 => Packet::icmp(proto::ICMPV6, src, dst, 128, 0),
            }
        }
        Shape::Bare(n) => Packet::other(n, src, dst),
    };
    let start = match side {
        Side::Interface(id) => Start::Interface(id),
        Side::Internet(_) => Start::Internet,
        Side::OnPremises(g, _) => Start::OnPremises(g),
        Side::OnPremisesVia(a, _) => Start::OnPremisesVia(a),
    };
    Ok(Ok(Prepared {
        start,
        packet,
        warnings,
    }))
}

/// The family the arguments ask for, if any.
fn wanted_family(req: &TraceRequest) -> Result<Option<IpFamily>, TraceError> {
    let by_ip = match (req.src_ip, req.dst_ip) {
        (Some(a), Some(b)) if IpFamily::of(&a) != IpFamily::of(&b) => {
            return Err(usage(format!(
                "--src-ip {a} and --dst-ip {b} are of different address families"
            )));
        }
        (Some(a), _) | (None, Some(a)) => Some(IpFamily::of(&a)),
        (None, None) => None,
    };
    let by_protocol = match Protocol::parse(&req.protocol).ok().and_then(|p| p.number()) {
        Some(proto::ICMP) => Some(IpFamily::V4),
        Some(proto::ICMPV6) => Some(IpFamily::V6),
        _ => None,
    };
    Ok(by_ip.or(by_protocol))
}

/// The interface an endpoint stands for: within an address filter, the holder of the first
/// address; else the first instance primary interface by id; else the first interface by id.
fn pick_interface<'n>(
    net: &'n Network,
    ix: &NetworkIndex,
    ep: &Endpoint,
    warnings: &mut Vec<String>,
) -> Option<&'n NetworkInterface> {
    let candidates: Vec<&NetworkInterface> = ep
        .interfaces
        .iter()
        .filter_map(|id| net.network_interfaces.get(id))
        .collect();
    let is_primary = |e: &NetworkInterface| {
        ix.instance_of(&e.id)
            .and_then(|i| net.instances.get(i))
            .and_then(|i| i.primary_interface())
            == Some(&e.id)
    };
    let chosen = candidates
        .iter()
        .find(|e| is_primary(e))
        .or_else(|| candidates.first())
        .copied()?;
    if candidates.len() > 1 && ep.address_filter.is_none() {
        warnings.push(format!(
            "`{}` covers {} network interfaces: traced with `{}`",
            ep.label,
            candidates.len(),
            chosen.id
        ));
    }
    Some(chosen)
}

/// The first address of `eni` inside `block` (private or public), if any.
fn address_in(eni: &NetworkInterface, block: &Cidr) -> Option<IpAddr> {
    eni.private_addresses()
        .chain(eni.public_addresses().map(IpAddr::V4))
        .find(|a| block.contains(a))
}

/// A host address of a block: the network address + 1 for blocks of four addresses or more, else
/// the network address.
fn host_of(block: &Cidr) -> IpAddr {
    let (bits, len) = block.to_bits();
    if block.family().bits().saturating_sub(len) >= 2 {
        ip_from_u128(block.family(), bits + 1)
    } else {
        ip_from_u128(block.family(), ip_to_u128(&block.first()))
    }
}

/// True iff `ip` is a public internet address (DESIGN.md §2).
fn is_public(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(_) => !ranges::non_public_v4().iter().any(|c| c.contains(ip)),
        IpAddr::V6(_) => ranges::public_v6().contains(ip) && !ranges::non_public_v6().iter().any(|c| c.contains(ip)),
    }
}

/// The on-premises blocks behind `vgw`: the prefixes it knows (ONP-1), else the destinations of
/// routes to it (a host there is traced to the gateway, which says what to declare).
fn onprem_blocks(net: &Network, vgw: &VpnGatewayId) -> Vec<Cidr> {
    let declared: Vec<Cidr> = net
        .vpn_gateways
        .get(vgw)
        .map(|g| {
            net.onprem
                .known_prefixes(g.id.as_str(), &g.onprem_cidrs)
                .into_iter()
                .map(|k| k.cidr)
                .collect()
        })
        .unwrap_or_default();
    if !declared.is_empty() {
        return declared;
    }
    net.route_tables
        .values()
        .flat_map(|rt| rt.routes.iter())
        .filter(|r| r.target == RouteTarget::VpnGateway(vgw.clone()))
        .filter_map(|r| match &r.destination {
            RouteDestination::Cidr(c) => Some(*c),
            RouteDestination::PrefixList(_) => None,
        })
        .collect()
}

/// The virtual private gateway an external address sits behind, if any.
fn vgw_behind(net: &Network, ip: &IpAddr) -> Option<VpnGatewayId> {
    net.vpn_gateways
        .keys()
        .find(|g| onprem_blocks(net, g).iter().any(|c| c.contains(ip)))
        .cloned()
}

/// The transit gateway VPN or Direct Connect gateway attachment an address sits behind (ONP-5):
/// its VPN connection's static routes, or a network declared behind it, its connection, its
/// Direct Connect gateway or its transit gateway.
fn tgw_attachment_behind(net: &Network, ip: &IpAddr) -> Option<TgwAttachmentId> {
    net.tgw.attachments.values().find_map(|a| {
        let (_, rid) = a.onprem_kind()?;
        let static_route = rid
            .and_then(|r| net.onprem.vpn_connections.get(r))
            .is_some_and(|c| c.routes.iter().any(|r| r.cidr.contains(ip)));
        let declared = net.onprem.networks.iter().any(|n| {
            n.cidrs.iter().any(|c| c.contains(ip))
                && n.via
                    .as_deref()
                    .is_none_or(|v| v == a.tgw.as_str() || Some(v) == rid || v == a.id.as_str())
        });
        (static_route || declared).then(|| a.id.clone())
    })
}

/// The sending side of `--from`.
fn source_side(
    net: &Network,
    ix: &NetworkIndex,
    from: &Endpoint,
    req: &TraceRequest,
    warnings: &mut Vec<String>,
) -> Result<Side, TraceError> {
    if let Some(eni) = pick_interface(net, ix, from, warnings) {
        return Ok(Side::Interface(eni.id.clone()));
    }
    match &from.external {
        Some(External::Internet { via }) => {
            if let Some(g) = via {
                warnings.push(format!(
                    "the request enters through the gateway that maps its destination (SEMANTICS.md §4), not necessarily `{g}`"
                ));
            }
            Ok(Side::Internet(None))
        }
        Some(External::Block(block)) => {
            let ip = req.src_ip.unwrap_or_else(|| host_of(block));
            if !is_public(&ip)
                && let Some(g) = vgw_behind(net, &ip)
            {
                warnings.push(format!("{ip} is on premises behind `{g}`"));
                return Ok(Side::OnPremises(g, Some(ip)));
            }
            if let Some(a) = tgw_attachment_behind(net, &ip) {
                warnings.push(format!("{ip} is on premises behind `{a}`"));
                return Ok(Side::OnPremisesVia(a, ip));
            }
            if !is_public(&ip) {
                warnings.push(format!(
                    "{ip} is not a public address and no virtual private gateway leads to it: traced as an internet host"
                ));
            }
            Ok(Side::Internet(Some(ip)))
        }
        Some(External::OnPremises(g)) => Ok(Side::OnPremises(g.clone(), None)),
        Some(External::OnPremNetwork { name, blocks }) => {
            let ip = match req.src_ip {
                Some(ip) => ip,
                None => host_of(
                    blocks
                        .first()
                        .ok_or_else(|| usage(format!("`{name}` has no on-premises block")))?,
                ),
            };
            if vgw_behind(net, &ip).is_none()
                && let Some(a) = tgw_attachment_behind(net, &ip)
            {
                warnings.push(format!("{ip} is on premises (`{name}`) behind `{a}`"));
                return Ok(Side::OnPremisesVia(a, ip));
            }
            let g = vgw_behind(net, &ip)
                .or_else(|| net.vpn_gateways.keys().next().cloned())
                .ok_or_else(|| usage(format!("no virtual private or transit gateway leads to `{name}`")))?;
            warnings.push(format!("{ip} is on premises (`{name}`) behind `{g}`"));
            Ok(Side::OnPremises(g, Some(ip)))
        }
        Some(External::Service { .. }) | None => Err(usage(format!(
            "`{}` cannot be the source of a trace: name a host",
            from.label
        ))),
    }
}

/// The VPC of the sending side (on premises: the VPCs of its gateway).
fn source_vpcs(net: &Network, side: &Side) -> Vec<VpcId> {
    match side {
        Side::Interface(id) => net
            .network_interfaces
            .get(id)
            .map(|e| vec![e.vpc.clone()])
            .unwrap_or_default(),
        Side::OnPremises(g, _) => net.vpn_gateways.get(g).map(|g| g.vpcs.clone()).unwrap_or_default(),
        Side::OnPremisesVia(a, _) => {
            let tgw = net.tgw.attachments.get(a).map(|a| a.tgw.clone());
            net.tgw
                .attachments
                .values()
                .filter(|x| Some(&x.tgw) == tgw.as_ref())
                .filter_map(|x| x.vpc().cloned())
                .collect()
        }
        Side::Internet(_) => Vec::new(),
    }
}

/// True iff a host in one of `from` reaches `vpc` by private address: the same VPC, or an active
/// peering between them.
fn is_near(net: &Network, from: &[VpcId], vpc: &VpcId) -> bool {
    from.iter().any(|v| {
        v == vpc
            || net
                .vpc_peering_connections
                .values()
                .any(|p| p.is_active() && p.peer_of(v) == Some(vpc))
    })
}

/// True iff the sending side can send IPv6.
fn side_has_v6(net: &Network, side: &Side) -> bool {
    match side {
        Side::Interface(id) => net.network_interfaces.get(id).is_some_and(|e| !e.ipv6.is_empty()),
        Side::Internet(Some(ip)) | Side::OnPremises(_, Some(ip)) | Side::OnPremisesVia(_, ip) => ip.is_ipv6(),
        Side::Internet(None) => true,
        Side::OnPremises(g, None) => onprem_blocks(net, g).iter().any(|c| c.family() == IpFamily::V6),
    }
}

/// The fixed internet host of `family`, skipping addresses the network models.
fn internet_address(net: &Network, ix: &NetworkIndex, family: IpFamily) -> IpAddr {
    let list: &[&str] = match family {
        IpFamily::V4 => &INTERNET_V4,
        IpFamily::V6 => &INTERNET_V6,
    };
    let modelled = |ip: &IpAddr| {
        net.vpcs.values().any(|v| v.contains(ip))
            || net
                .prefix_lists
                .values()
                .any(|p| p.entries.iter().any(|c| c.contains(ip)))
            || net
                .vpn_gateways
                .values()
                .any(|g| g.onprem_cidrs.iter().any(|c| c.contains(ip)))
            || matches!(ip, IpAddr::V4(a) if ix.public_owner(a).is_some())
    };
    let candidates: Vec<IpAddr> = list.iter().filter_map(|s| s.parse().ok()).collect();
    candidates
        .iter()
        .find(|ip| !modelled(ip))
        .or_else(|| candidates.first())
        .copied()
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::new(93, 184, 216, 34)))
}

/// The destination address for `--to`.
fn destination_address(
    net: &Network,
    ix: &NetworkIndex,
    side: &Side,
    to: &Endpoint,
    wanted: Option<IpFamily>,
    warnings: &mut Vec<String>,
) -> Result<Result<IpAddr, UnknownCause>, TraceError> {
    if let Some(eni) = pick_interface(net, ix, to, warnings) {
        if let Some(block) = &to.address_filter
            && let Some(a) = address_in(eni, block)
        {
            return Ok(Ok(a));
        }
        return interface_destination(net, side, eni, wanted, warnings).map(Ok);
    }
    match &to.external {
        Some(External::Internet { via }) => {
            // An egress-only internet gateway carries IPv6 only (V6-1).
            let eigw = via.as_ref().is_some_and(|g| {
                net.egress_only_internet_gateways
                    .contains_key(&EgressOnlyInternetGatewayId::new(g.as_str()))
            });
            let family = wanted.unwrap_or(match side {
                _ if eigw && side_has_v6(net, side) => IpFamily::V6,
                Side::Interface(_) if !side_has_v4(net, side) => IpFamily::V6,
                _ => IpFamily::V4,
            });
            let ip = internet_address(net, ix, family);
            warnings.push(format!("internet host {ip} stands for any internet address"));
            if let Some(g) = via {
                warnings.push(format!(
                    "the request leaves by whatever gateway the route tables choose, not necessarily `{g}`"
                ));
            }
            Ok(Ok(ip))
        }
        Some(External::Block(block)) => Ok(Ok(host_of(block))),
        Some(External::OnPremNetwork { name, blocks }) => {
            let block = blocks
                .iter()
                .find(|c| wanted.is_none_or(|f| c.family() == f))
                .ok_or_else(|| {
                    usage(format!(
                        "`{name}` has no on-premises block of that family: give --dst-ip"
                    ))
                })?;
            let ip = host_of(block);
            warnings.push(format!("on-premises host {ip} stands for the hosts of `{name}`"));
            Ok(Ok(ip))
        }
        Some(External::Service { prefix_list, .. }) => {
            let Some(list) = net.prefix_lists.get(prefix_list) else {
                return Err(usage(format!("prefix list `{prefix_list}` is not in the input")));
            };
            let first = list
                .entries
                .iter()
                .find(|c| wanted.is_none_or(|f| c.family() == f))
                .filter(|_| list.entries_known);
            match first {
                Some(c) => {
                    let ip = host_of(c);
                    warnings.push(format!(
                        "{ip} stands for the addresses of `{prefix_list}` ({})",
                        list.name
                    ));
                    Ok(Ok(ip))
                }
                None => Ok(Err(UnknownCause::new(
                    prefix_list.to_string(),
                    format!("the entries of prefix list `{prefix_list}` are not in the input: give --dst-ip"),
                ))),
            }
        }
        Some(External::OnPremises(g)) => {
            let blocks = onprem_blocks(net, g);
            let block = blocks
                .iter()
                .find(|c| wanted.is_none_or(|f| c.family() == f))
                .ok_or_else(|| usage(format!("`{g}` has no on-premises block: give --dst-ip")))?;
            let ip = host_of(block);
            warnings.push(format!("on-premises host {ip} stands for the hosts behind `{g}`"));
            Ok(Ok(ip))
        }
        None => match (&to.through, &to.address_filter) {
            (Some(_), Some(block)) => Ok(Ok(host_of_or_self(block))),
            (Some((id, kind)), None) => Err(usage(format!(
                "`{id}` ({kind}) forwards traffic: trace needs a host behind it, or --dst-ip"
            ))),
            (None, _) => Err(usage(format!("`{}` covers no host", to.label))),
        },
    }
}

/// A single-address block's address, else `host_of`.
fn host_of_or_self(block: &Cidr) -> IpAddr {
    if block.prefix_len() == block.family().bits() {
        block.first()
    } else {
        host_of(block)
    }
}

/// True iff the sending side can send IPv4.
fn side_has_v4(net: &Network, side: &Side) -> bool {
    match side {
        Side::Interface(id) => net
            .network_interfaces
            .get(id)
            .is_some_and(|e| e.primary_ipv4().is_some()),
        Side::Internet(Some(ip)) | Side::OnPremises(_, Some(ip)) | Side::OnPremisesVia(_, ip) => ip.is_ipv4(),
        Side::Internet(None) => true,
        Side::OnPremises(g, None) => onprem_blocks(net, g).iter().any(|c| c.family() == IpFamily::V4),
    }
}

/// The destination address of an interface (module doc).
fn interface_destination(
    net: &Network,
    side: &Side,
    eni: &NetworkInterface,
    wanted: Option<IpFamily>,
    warnings: &mut Vec<String>,
) -> Result<IpAddr, TraceError> {
    let private_v4 = eni.primary_ipv4().map(IpAddr::V4);
    let first_v6 = eni.ipv6.first().map(|a| IpAddr::V6(*a));
    let public_v4 = eni.public_addresses().next().map(IpAddr::V4);
    let near = is_near(net, &source_vpcs(net, side), &eni.vpc);
    let source_v4 = side_has_v4(net, side);
    let source_v6 = side_has_v6(net, side);
    let choice = match wanted {
        Some(IpFamily::V6) => first_v6,
        Some(IpFamily::V4) if near => private_v4,
        Some(IpFamily::V4) => public_v4.or(private_v4),
        None if near => private_v4.filter(|_| source_v4).or(first_v6).or(private_v4),
        None => public_v4
            .filter(|_| source_v4)
            .or(first_v6.filter(|_| source_v6))
            .or(private_v4),
    };
    let Some(ip) = choice else {
        let family = wanted.map_or_else(|| "usable".to_owned(), |f| f.to_string());
        return Err(usage(format!("`{}` has no {family} address", eni.id)));
    };
    if Some(ip) == public_v4 {
        warnings.push(format!(
            "destination {ip}: the public IPv4 of `{}` (the source is outside its VPC and peered VPCs)",
            eni.id
        ));
    }
    Ok(ip)
}

/// The source address of the sending side in `family`.
fn source_address(
    net: &Network,
    ix: &NetworkIndex,
    side: &Side,
    family: IpFamily,
    dst: &IpAddr,
    warnings: &mut Vec<String>,
) -> Result<IpAddr, TraceError> {
    match side {
        Side::Interface(id) => {
            let eni = net
                .network_interfaces
                .get(id)
                .ok_or_else(|| usage(format!("`{id}` is not in the input")))?;
            let ip = match family {
                IpFamily::V4 => eni.primary_ipv4().map(IpAddr::V4),
                IpFamily::V6 => eni.ipv6.first().map(|a| IpAddr::V6(*a)),
            };
            ip.ok_or_else(|| usage(format!("`{id}` has no {family} address to send to {dst} from")))
        }
        Side::Internet(Some(ip)) | Side::OnPremises(_, Some(ip)) | Side::OnPremisesVia(_, ip) => Ok(*ip),
        Side::Internet(None) => {
            let ip = internet_address(net, ix, family);
            warnings.push(format!("internet host {ip} stands for any internet address"));
            Ok(ip)
        }
        Side::OnPremises(g, None) => {
            let blocks = onprem_blocks(net, g);
            let block = blocks
                .iter()
                .find(|c| c.family() == family)
                .ok_or_else(|| usage(format!("`{g}` has no {family} on-premises block: give --src-ip")))?;
            let ip = host_of(block);
            warnings.push(format!("on-premises host {ip} stands for the hosts behind `{g}`"));
            Ok(ip)
        }
    }
}
