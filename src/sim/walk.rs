//! The leg state machine (SEMANTICS.md §2, §3): one step function per stage of the walk, in the
//! style of smoltcp's per-hop processing. Each step either hands the packet to the next step or
//! ends the leg ([`Halt`]); the packet is a value, so each step shows what it changes.
//!
//! Rules implemented here:
//! - The filter steps themselves (security groups, network ACLs: SG-11, SG-13, J4, NACL-9) are in
//!   `filtering`.
//! - NGW-11: a request addressed to a NAT gateway is dropped (`NGW_DEST_ADDRESS_PRESERVATION`).
//! - §2 (**decision**): a leg takes at most 16 route lookups; the 17th drops (`ROUTING_LOOP`).
//! - §3 `emit`: SG egress (SG-1, SG-4), the source/destination check (NI-2), same-subnet delivery
//!   without route lookup or ACL (RT-16, NACL-8, J25), route lookup (§6), dispatch (§5).
//! - §3: every step that moves a packet out of the sender's subnet first checks that subnet's
//!   outbound ACL; a next hop inside the subnet does not (NACL-8).
//! - §3 `arrive_subnet`: the inbound ACL, then the owner of the destination address; a NAT gateway
//!   on the request leg drops (NGW-3).
//! - §3 `arrive`: SG ingress, then delivery (or, on the reply leg, a NAT instance undoing its
//!   translation, NI-4).
//! - §5.1 `local` (RT-5): delivery to the subnet holding the address, else `NO_POSSIBLE_DESTINATION`.
//! - RT-14, J5: a blackhole route drops (its code chosen in `shadow`, RT-22). RT-14a: an active route whose
//!   target is missing from the input answers unknown naming the target (DESIGN.md §3).

use super::flow::{Translation, Translator};
use super::route::{Lookup, select};
use super::shadow::route_label;
use super::{Place, Start};
use crate::model::*;
use std::fmt::Display;
use std::net::IpAddr;

/// At most this many route lookups per leg (**decision**, SEMANTICS.md §2).
const MAX_LOOKUPS: u32 = 16;

/// Which leg a walk is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LegKind {
    /// The request.
    Request,
    /// The reply.
    Reply,
}

/// A delivered packet and where.
#[derive(Debug, Clone)]
pub(super) struct Arrival {
    /// Where.
    pub place: Place,
    /// As delivered.
    pub packet: Packet,
}

impl Arrival {
    /// (place, packet).
    pub fn parts(self) -> (Place, Packet) {
        (self.place, self.packet)
    }
}

/// Why a leg stopped before delivery.
#[derive(Debug, Clone)]
pub(super) enum Halt {
    /// A component dropped the packet.
    Dropped(Blocked),
    /// A construct the model does not interpret.
    Unknown {
        /// Its id.
        component: String,
        /// Why.
        reason: String,
    },
}

/// The result of a step: delivered somewhere, or stopped.
pub(super) type Flow = Result<Arrival, Halt>;

/// A drop at `id`.
pub(super) fn dropped(
    id: impl Display,
    kind: ComponentKind,
    direction: Option<Direction>,
    rule: impl Into<String>,
    reason: String,
    code: &str,
) -> Halt {
    Halt::Dropped(Blocked::new(id, kind, direction, rule, reason, code))
}

/// An unknown answer at `component`.
pub(super) fn unknown(component: impl Display, reason: String) -> Halt {
    Halt::Unknown {
        component: component.to_string(),
        reason,
    }
}

/// How a walk treats a filter whose decision the input does not settle (SEMANTICS.md §7,
/// BOUND-1): a security group rule naming a prefix list whose entries are not in the input, an
/// interface AWS manages without security groups (SG-1b), a subnet whose network ACL is not in the
/// input (NACL-1a).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Bound {
    /// The walk stops there, answering unknown: what the packet's fate is when such a filter
    /// drops it (the lower bound).
    #[default]
    Stop,
    /// The filter is assumed to admit the packet, and the walk goes on, recording the assumption
    /// (the upper bound).
    Admit,
}

/// A filter the walk assumed to admit the packet ([`Bound::Admit`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Assumed {
    /// The construct the input does not settle (a prefix list, an interface, a subnet).
    pub component: String,
    /// Why its decision is not known.
    pub reason: String,
}

/// What sends a packet in `emit`: an interface, or a NAT gateway (no groups, no check).
#[derive(Debug, Clone, Copy)]
pub(super) enum Sender<'n> {
    /// A network interface.
    Interface(&'n NetworkInterface),
    /// A NAT gateway.
    NatGateway(&'n NatGateway),
}

impl<'n> Sender<'n> {
    /// Its id.
    pub fn id(&self) -> &'n str {
        match self {
            Sender::Interface(e) => e.id.as_str(),
            Sender::NatGateway(n) => n.id.as_str(),
        }
    }

    /// Its subnet.
    pub fn subnet(&self) -> &'n SubnetId {
        match self {
            Sender::Interface(e) => &e.subnet,
            Sender::NatGateway(n) => &n.subnet,
        }
    }

    /// Its VPC.
    pub fn vpc(&self) -> &'n VpcId {
        match self {
            Sender::Interface(e) => &e.vpc,
            Sender::NatGateway(n) => &n.vpc,
        }
    }
}

/// The state of one leg's walk.
#[derive(Debug)]
pub(super) struct Walker<'n> {
    /// The network.
    pub net: &'n Network,
    /// Its lookups.
    pub ix: &'n NetworkIndex,
    /// Request or reply.
    pub leg: LegKind,
    /// Components crossed so far (when `record`).
    pub hops: Vec<Hop>,
    /// Keep the hops: false for a verdict-only walk (`sim::status`), which then builds none of
    /// their strings. Nothing the walk decides depends on it.
    pub record: bool,
    /// Route lookups so far on this leg.
    lookups: u32,
    /// Request leg: translations made; reply leg: those not yet undone.
    pub translations: Vec<Translation>,
    /// The gateway an external request entered by (`igw-…`, `eigw-…`, `vgw-…`): its reply must
    /// leave by the same one (§4).
    pub entry: Option<String>,
    /// True until an external start's entry gateway is recorded.
    pub(super) record_entry: bool,
    /// Internet and egress-only gateways the request left through to the internet (§4, §5.7).
    pub internet_exits: Vec<String>,
    /// How filters the input does not settle are treated (BOUND-1).
    pub bound: Bound,
    /// The filters assumed to admit the packet so far, on both legs ([`Bound::Admit`]).
    pub assumed: Vec<Assumed>,
    /// A load balancer's connection to its target is walked (ELB-4): a load balancer reached
    /// from there is not modelled (ELB-12).
    pub behind_lb: bool,
    /// The load balancer whose connection keeps the client's address (ELB-5, ELB-6).
    pub lb_preserving: Option<String>,
    /// Load balancers carry requests only to these targets (a question about them through the
    /// load balancers in front of them).
    pub lb_targets: Option<Vec<NetworkInterfaceId>>,
    /// The packet as the last filter step (security groups, network ACL) saw it: where a filter
    /// drops the leg, the packet it dropped (for `fix`, which writes the rule that would admit it).
    pub filtered: Option<Packet>,
}

impl<'n> Walker<'n> {
    /// A fresh walk.
    pub fn new(net: &'n Network, ix: &'n NetworkIndex, leg: LegKind) -> Self {
        Walker {
            net,
            ix,
            leg,
            hops: Vec::new(),
            record: true,
            lookups: 0,
            translations: Vec::new(),
            entry: None,
            record_entry: false,
            internet_exits: Vec::new(),
            bound: Bound::Stop,
            assumed: Vec::new(),
            behind_lb: false,
            lb_preserving: None,
            lb_targets: None,
            filtered: None,
        }
    }

    /// A filter whose decision the input does not settle (BOUND-1): under [`Bound::Stop`] the
    /// walk answers unknown at `component`; under [`Bound::Admit`] the filter admits the packet,
    /// the assumption is recorded (and shown as a hop) and the walk goes on.
    pub(super) fn unsettled(
        &mut self,
        component: &str,
        kind: ComponentKind,
        direction: Direction,
        reason: String,
    ) -> Result<(), Halt> {
        if self.bound == Bound::Stop {
            return Err(unknown(component, reason));
        }
        hop!(
            self,
            component,
            kind,
            format!("{direction}: assumed to admit the packet, although {reason} (BOUND-1)"),
            Some(direction),
            Some("BOUND-1".into()),
        );
        let a = Assumed {
            component: component.to_owned(),
            reason,
        };
        if !self.assumed.contains(&a) {
            self.assumed.push(a);
        }
        Ok(())
    }

    /// The reply leg's walker: same network, the request's translations, entry and exits.
    pub fn into_reply(self) -> Self {
        Walker {
            leg: LegKind::Reply,
            hops: Vec::new(),
            lookups: 0,
            record_entry: false,
            filtered: None,
            ..self
        }
    }

    /// Records a hop.
    pub fn hop(
        &mut self,
        id: impl Display,
        kind: ComponentKind,
        detail: String,
        direction: Option<Direction>,
        rule: Option<String>,
    ) {
        self.hops.push(Hop {
            id: id.to_string(),
            kind,
            detail,
            direction,
            rule,
        });
    }

    /// Records the gateway an external request enters by, the first time (§4).
    pub fn note_entry(&mut self, gateway: &str) {
        if self.record_entry && self.leg == LegKind::Request {
            self.entry = Some(gateway.to_owned());
            self.record_entry = false;
        }
    }

    /// The request leg from `start`.
    pub fn start(&mut self, start: &Start, p: Packet) -> Flow {
        match start {
            Start::Interface(id) => {
                let Some(eni) = self.net.network_interfaces.get(id) else {
                    return Err(unknown(id, format!("network interface `{id}` is not in the input")));
                };
                hop!(
                    self,
                    id,
                    ComponentKind::NetworkInterface,
                    format!("sends {p}"),
                    None,
                    None
                );
                // LL-1: the host's link-local services are not modelled.
                if let Some(service) = self.link_local_service(eni, &p.dst_ip) {
                    return Err(unknown(
                        p.dst_ip,
                        format!(
                            "{} is {service}, answered for `{id}` by its host, not through the VPC's routes, and not filtered by security groups or network ACLs (NACL-13); whether it answers depends on settings the input lacks, so it is not modelled (LL-1)",
                            p.dst_ip
                        ),
                    ));
                }
                self.emit(Sender::Interface(eni), p)
            }
            Start::Internet => {
                self.record_entry = true;
                hop!(
                    self,
                    p.src_ip,
                    ComponentKind::Internet,
                    format!("internet host sends {p}"),
                    None,
                    None,
                );
                self.internet_request(p)
            }
            Start::OnPremises(vgw) => {
                self.record_entry = true;
                hop!(
                    self,
                    p.src_ip,
                    ComponentKind::OnPremises,
                    format!("on-premises host sends {p}"),
                    None,
                    None,
                );
                self.vgw_in(vgw, p)
            }
            Start::OnPremisesVia(att) => self.onprem_host_sends(att, p, true),
        }
    }

    /// LL-1 (SEMANTICS.md §3): the service a host's link-local or reserved address `dst` stands
    /// for, when an interface in `eni`'s VPC sends to it: the Amazon DNS server (the VPC's
    /// primary IPv4 block + 2, 169.254.169.253, fd00:ec2::253), the instance metadata service
    /// (169.254.169.254, fd00:ec2::254) or the Amazon Time Sync Service (169.254.169.123,
    /// fd00:ec2::123).
    fn link_local_service(&self, eni: &NetworkInterface, dst: &IpAddr) -> Option<&'static str> {
        const DNS: &str = "the Amazon DNS server (Route 53 Resolver)";
        const IMDS: &str = "the instance metadata service (IMDS)";
        const TIME: &str = "the Amazon Time Sync Service";
        let fixed: [(&str, &'static str); 6] = [
            ("169.254.169.253", DNS),
            ("fd00:ec2::253", DNS),
            ("169.254.169.254", IMDS),
            ("fd00:ec2::254", IMDS),
            ("169.254.169.123", TIME),
            ("fd00:ec2::123", TIME),
        ];
        if let Some((_, service)) = fixed.iter().find(|(a, _)| a.parse::<IpAddr>().is_ok_and(|a| a == *dst)) {
            return Some(service);
        }
        let resolver = self
            .net
            .vpcs
            .get(&eni.vpc)
            .and_then(|v| v.cidrs_v4.first())
            .and_then(|c| match c.first() {
                IpAddr::V4(base) => Some(IpAddr::V4(std::net::Ipv4Addr::from(u32::from(base).wrapping_add(2)))),
                IpAddr::V6(_) => None,
            });
        (resolver == Some(*dst)).then_some(DNS)
    }

    /// The reply leg: whoever received the request answers it (§1, §4).
    pub fn reply_from(&mut self, place: &Place, p: Packet) -> Flow {
        match place {
            Place::Interface { id } => {
                let Some(eni) = self.net.network_interfaces.get(id) else {
                    return Err(unknown(id, format!("network interface `{id}` is not in the input")));
                };
                hop!(
                    self,
                    id,
                    ComponentKind::NetworkInterface,
                    format!("sends the reply {p}"),
                    None,
                    None,
                );
                self.emit(Sender::Interface(eni), p)
            }
            Place::Internet { gateway } => {
                hop!(
                    self,
                    p.src_ip,
                    ComponentKind::Internet,
                    format!("internet host replies {p}"),
                    None,
                    None,
                );
                self.internet_reenter(gateway, p)
            }
            Place::OnPremises { gateway } => {
                hop!(
                    self,
                    p.src_ip,
                    ComponentKind::OnPremises,
                    format!("on-premises host replies {p}"),
                    None,
                    None,
                );
                self.vgw_in(gateway, p)
            }
            Place::OnPremisesVia { attachment } => self.onprem_host_sends(attachment, p, false),
            Place::AwsService { endpoint } => {
                hop!(
                    self,
                    p.src_ip,
                    ComponentKind::AwsService,
                    format!("AWS service replies {p}"),
                    None,
                    None,
                );
                self.endpoint_in(endpoint, p)
            }
        }
    }

    /// §3 `emit(X, p)`.
    pub fn emit(&mut self, x: Sender<'n>, p: Packet) -> Flow {
        if let Sender::Interface(eni) = x {
            // 1. SG egress (request leg; tracked on the reply leg).
            self.groups(eni, Direction::Outbound, &p)?;
            // 2. Source/destination check (NI-2).
            if eni.source_dest_check && !eni.has_private_address(&p.src_ip) {
                return Err(dropped(
                    &eni.id,
                    ComponentKind::NetworkInterface,
                    Some(Direction::Outbound),
                    "NI-2",
                    format!(
                        "`{}` has the source/destination check on and {} is not one of its addresses",
                        eni.id, p.src_ip
                    ),
                    "ENI_SOURCE_DEST_CHECK_RESTRICTION",
                ));
            }
        }
        self.emit_past_checks(x, p)
    }

    /// §3 steps 3-5, after the sender's groups and source/destination check.
    pub fn emit_past_checks(&mut self, x: Sender<'n>, p: Packet) -> Flow {
        // 3. Same subnet (RT-16, NACL-8, J25).
        if let Some(subnet) = self.net.subnets.get(x.subnet())
            && subnet.contains(&p.dst_ip)
        {
            return self.same_subnet(x, subnet, p);
        }
        // 4. Route lookup, 5. dispatch.
        self.route(x, p)
    }

    /// §3 step 3: the destination lies in the sender's subnet.
    fn same_subnet(&mut self, x: Sender<'n>, subnet: &'n Subnet, p: Packet) -> Flow {
        match self.ix.private_owner(&p.dst_ip) {
            Some(AddressOwner::Interface(y)) if y.as_str() != x.id() => {
                if let Some(eni) = self.net.network_interfaces.get(y)
                    && eni.subnet == subnet.id
                {
                    hop!(
                        self,
                        &subnet.id,
                        ComponentKind::Subnet,
                        format!("same subnet: straight to `{y}`, no route table and no network ACL (J25)"),
                        None,
                        Some("J25".into()),
                    );
                    return self.arrive(eni, p);
                }
            }
            Some(AddressOwner::NatGateway(n)) => {
                if let Some(nat) = self.net.nat_gateways.get(n)
                    && nat.subnet == subnet.id
                {
                    if self.leg == LegKind::Reply {
                        hop!(
                            self,
                            &subnet.id,
                            ComponentKind::Subnet,
                            format!("same subnet: straight to `{n}`, no route table and no network ACL (J25)"),
                            None,
                            Some("J25".into()),
                        );
                        return self.nat_reply(nat, p);
                    }
                    return Err(dropped(
                        &subnet.id,
                        ComponentKind::Subnet,
                        None,
                        "NGW-3",
                        format!(
                            "{} is the address of NAT gateway `{n}`, which does not change destination addresses: nothing behind it can be reached through its address (NGW-11)",
                            p.dst_ip
                        ),
                        "NGW_DEST_ADDRESS_PRESERVATION",
                    ));
                }
            }
            _ => {}
        }
        // The sender's own address is held, by the sender: say so rather than "unused".
        let own = matches!(self.ix.private_owner(&p.dst_ip), Some(AddressOwner::Interface(y)) if y.as_str() == x.id());
        let why = if own {
            format!(
                "{} is `{}`'s own address: it is not sent out to itself",
                p.dst_ip,
                x.id()
            )
        } else {
            format!(
                "no other network interface in `{}` holds {} (a reserved, broadcast or unused address)",
                subnet.id, p.dst_ip
            )
        };
        Err(dropped(
            &subnet.id,
            ComponentKind::Subnet,
            None,
            "J25",
            why,
            "NO_POSSIBLE_DESTINATION",
        ))
    }

    /// §3 steps 4-5: route lookup in the sender's subnet's table, then dispatch on the target.
    fn route(&mut self, x: Sender<'n>, p: Packet) -> Flow {
        let subnet = x.subnet();
        let Some(table) = self
            .ix
            .route_table_of(subnet)
            .and_then(|id| self.net.route_tables.get(id))
        else {
            return Err(unknown(
                subnet,
                format!("subnet `{subnet}` has no route table in the input"),
            ));
        };
        self.lookups += 1;
        if self.lookups > MAX_LOOKUPS {
            return Err(dropped(
                &table.id,
                ComponentKind::RouteTable,
                None,
                "16 lookups",
                format!("the packet has been routed {MAX_LOOKUPS} times on this leg: a routing loop"),
                "ROUTING_LOOP",
            ));
        }
        let (route, matched, over, runner_up) = match select(self.net, table, &p.dst_ip) {
            Lookup::Route {
                route,
                matched,
                over,
                runner_up,
            } => (route, matched, over, runner_up),
            Lookup::NoRoute => return Err(self.no_route_drop(table, &p.dst_ip)),
            Lookup::NeverForwarded(range) => {
                return Err(dropped(
                    &table.id,
                    ComponentKind::RouteTable,
                    None,
                    "RT-9",
                    format!("{} lies in {range}, which AWS never forwards", p.dst_ip),
                    "NO_ROUTE_TO_DESTINATION",
                ));
            }
            Lookup::Unknown(pl) => {
                return Err(unknown(
                    &pl,
                    format!(
                        "route table `{}` routes prefix list `{pl}`, whose entries are not in the input",
                        table.id
                    ),
                ));
            }
        };
        if route.state == RouteState::Blackhole {
            // RT-13a: a list without entries might rank between the winner and the runner-up.
            let runner_up = runner_up.filter(|_| over.is_empty());
            return Err(self.blackhole_drop(table, (route, &matched), runner_up, &p.dst_ip));
        }
        if self.record {
            let label = route_label(route, &matched);
            let over = if over.is_empty() {
                String::new()
            } else {
                let lists: Vec<String> = over.iter().map(|l| format!("`{l}`")).collect();
                format!(
                    " (a route to prefix list {}, whose entries are not in the input, may win instead, but leads to the same target, RT-13a)",
                    lists.join(", ")
                )
            };
            self.hop(
                &table.id,
                ComponentKind::RouteTable,
                format!("route {label} is the best match for {}{over}", p.dst_ip),
                None,
                Some(label),
            );
        }
        if let Some(halt) = self.local_outside_vpc(table, route, &p.dst_ip) {
            return Err(halt);
        }
        self.dispatch(x, table, route, p)
    }

    /// §5: the winning route's target. An active route whose target is missing from the input
    /// answers unknown naming it (RT-14a): for a gateway or peering connection, which lies outside
    /// the sender's subnet, after that subnet's outbound ACL; for a NAT gateway, instance or
    /// interface, which may lie inside it, at once.
    fn dispatch(&mut self, x: Sender<'n>, table: &RouteTable, route: &Route, p: Packet) -> Flow {
        let net = self.net;
        let absent = |what: &str, id: &str| {
            // Kept out of the model on purpose (a regional NAT gateway, …): ingest said why.
            if let Some(u) = net.unsupported.iter().find(|u| u.component == id) {
                return unknown(id, u.reason.clone());
            }
            unknown(
                id,
                format!(
                    "route {} in `{}` is active but targets {what} `{id}`, which is not in the input: the input is incomplete (AWS marks a route blackhole itself when its target is gone), so where the packet goes is not known (RT-14a)",
                    route.destination, table.id
                ),
            )
        };
        match &route.target {
            RouteTarget::Local => self.local(x, p),
            RouteTarget::InternetGateway(id) => {
                self.acl(x.subnet(), Direction::Outbound, &p)?;
                let g = net
                    .internet_gateways
                    .get(id)
                    .ok_or_else(|| absent("internet gateway", id.as_str()))?;
                self.igw_out(x, g, p)
            }
            RouteTarget::EgressOnlyInternetGateway(id) => {
                self.acl(x.subnet(), Direction::Outbound, &p)?;
                let g = net
                    .egress_only_internet_gateways
                    .get(id)
                    .ok_or_else(|| absent("egress-only internet gateway", id.as_str()))?;
                self.eigw_out(x, g, p)
            }
            RouteTarget::NatGateway(id) => {
                let n = net
                    .nat_gateways
                    .get(id)
                    .ok_or_else(|| absent("NAT gateway", id.as_str()))?;
                if !n.state.eq_ignore_ascii_case("available") {
                    return Err(dropped(
                        &table.id,
                        ComponentKind::RouteTable,
                        None,
                        route.destination.to_string(),
                        format!(
                            "NAT gateway `{id}` is {}, not available: the route is a blackhole (NGW-10)",
                            n.state
                        ),
                        "BAD_STATE_ROUTE",
                    ));
                }
                self.nat_request(x, n, p)
            }
            RouteTarget::Instance(id) => {
                // J20: an instance target means its primary interface.
                let i = net.instances.get(id).ok_or_else(|| absent("instance", id.as_str()))?;
                let Some(e) = i.primary_interface() else {
                    // `finish` makes such a route a blackhole (NI-5); kept for a network built
                    // without it.
                    return Err(unknown(
                        id,
                        format!("instance `{id}` lists no network interface in the input"),
                    ));
                };
                let eni = net.network_interfaces.get(e).ok_or_else(|| {
                    unknown(
                        e,
                        format!(
                            "the primary network interface `{e}` of instance `{id}`, the target of route {} in `{}`, is not in the input (RT-14a)",
                            route.destination, table.id
                        ),
                    )
                })?;
                self.appliance(x, eni, p)
            }
            RouteTarget::NetworkInterface(id) => {
                let eni = net
                    .network_interfaces
                    .get(id)
                    .ok_or_else(|| absent("network interface", id.as_str()))?;
                self.appliance(x, eni, p)
            }
            RouteTarget::VpcPeeringConnection(id) => {
                self.acl(x.subnet(), Direction::Outbound, &p)?;
                let pcx = net
                    .vpc_peering_connections
                    .get(id)
                    .ok_or_else(|| absent("peering connection", id.as_str()))?;
                if !pcx.is_active() {
                    return Err(dropped(
                        &table.id,
                        ComponentKind::RouteTable,
                        None,
                        route.destination.to_string(),
                        format!(
                            "peering connection `{id}` is {}, not active: the route is a blackhole (PCX-3)",
                            pcx.status
                        ),
                        "BAD_STATE_ROUTE",
                    ));
                }
                self.peering(x, pcx, p)
            }
            RouteTarget::VpcEndpoint(id) => {
                self.acl(x.subnet(), Direction::Outbound, &p)?;
                let e = net
                    .vpc_endpoints
                    .get(id)
                    .ok_or_else(|| absent("endpoint", id.as_str()))?;
                self.endpoint_out(x, e, p)
            }
            RouteTarget::VpnGateway(id) => {
                self.acl(x.subnet(), Direction::Outbound, &p)?;
                let g = net
                    .vpn_gateways
                    .get(id)
                    .ok_or_else(|| absent("virtual private gateway", id.as_str()))?;
                self.vgw_out(x, g, p)
            }
            RouteTarget::TransitGateway(id) => {
                self.acl(x.subnet(), Direction::Outbound, &p)?;
                if !net.transit_gateways.contains_key(id) {
                    return Err(absent("transit gateway", id.as_str()));
                }
                self.tgw_enter(x, table, route, id, p)
            }
            RouteTarget::Unsupported { field, id } => {
                self.acl(x.subnet(), Direction::Outbound, &p)?;
                Err(unknown(
                    id,
                    format!(
                        "route {} targets `{id}` ({field}), which is not modelled",
                        route.destination
                    ),
                ))
            }
        }
    }

    /// §5.1 `local` (RT-5): the subnet of the sender's VPC that holds the destination.
    fn local(&mut self, x: Sender<'n>, p: Packet) -> Flow {
        let vpc = x.vpc();
        let Some(subnet) = self.subnet_holding(vpc, &p.dst_ip) else {
            return Err(self.no_subnet(vpc, &p.dst_ip));
        };
        self.acl(x.subnet(), Direction::Outbound, &p)?;
        self.arrive_subnet(subnet, p)
    }

    /// The subnet of `vpc` whose blocks hold `ip`.
    pub fn subnet_holding(&self, vpc: &VpcId, ip: &IpAddr) -> Option<&'n SubnetId> {
        let net = self.net;
        self.ix
            .subnets_of(vpc)
            .iter()
            .filter_map(|s| net.subnets.get(s))
            .find(|s| s.contains(ip))
            .map(|s| &s.id)
    }

    /// The drop for an address of `vpc` that lies in none of its subnets.
    pub fn no_subnet(&self, vpc: &VpcId, ip: &IpAddr) -> Halt {
        dropped(
            vpc,
            ComponentKind::Vpc,
            None,
            "RT-5",
            format!("{ip} lies in no subnet of `{vpc}`"),
            "NO_POSSIBLE_DESTINATION",
        )
    }

    /// The VPC of an address owner.
    pub fn owner_vpc(&self, owner: &AddressOwner) -> Option<&'n VpcId> {
        let net = self.net;
        match owner {
            AddressOwner::Interface(e) => net.network_interfaces.get(e).map(|e| &e.vpc),
            AddressOwner::NatGateway(n) => net.nat_gateways.get(n).map(|n| &n.vpc),
        }
    }

    /// §3 `arrive_subnet(S, p)`: the packet enters `subnet` from outside it.
    pub fn arrive_subnet(&mut self, subnet: &SubnetId, p: Packet) -> Flow {
        self.acl(subnet, Direction::Inbound, &p)?;
        self.deliver_in_subnet(subnet, p)
    }

    /// §3: the owner of `p.dst` in `subnet` takes the packet (an interface, or a NAT gateway
    /// undoing its translation on the reply leg, NGW-3 on the request leg); nobody holding it
    /// drops (RT-5). The caller has applied whatever ACL lies before.
    pub fn deliver_in_subnet(&mut self, subnet: &SubnetId, p: Packet) -> Flow {
        let net = self.net;
        match self.ix.private_owner(&p.dst_ip) {
            Some(AddressOwner::Interface(y)) => {
                if let Some(eni) = net.network_interfaces.get(y)
                    && &eni.subnet == subnet
                {
                    return self.arrive(eni, p);
                }
            }
            Some(AddressOwner::NatGateway(n)) => {
                if let Some(nat) = net.nat_gateways.get(n)
                    && &nat.subnet == subnet
                {
                    if self.leg == LegKind::Reply {
                        return self.nat_reply(nat, p);
                    }
                    return Err(dropped(
                        n,
                        ComponentKind::NatGateway,
                        Some(Direction::Inbound),
                        "NGW-3",
                        format!(
                            "a request addressed to NAT gateway `{n}` goes no further: a NAT gateway does not change destination addresses, so nothing behind it can be reached through its address (NGW-11)"
                        ),
                        "NGW_DEST_ADDRESS_PRESERVATION",
                    ));
                }
            }
            None => {}
        }
        Err(dropped(
            subnet,
            ComponentKind::Subnet,
            None,
            "RT-5",
            format!("no network interface in `{subnet}` holds {}", p.dst_ip),
            "NO_POSSIBLE_DESTINATION",
        ))
    }

    /// §3 `arrive(Y, p)`: `p.dst` is one of Y's private addresses.
    pub fn arrive(&mut self, y: &'n NetworkInterface, p: Packet) -> Flow {
        if self.leg == LegKind::Request && self.lb_preserving.is_some() {
            self.lb_target_groups_check(y, &p)?;
        } else {
            self.groups(y, Direction::Inbound, &p)?;
        }
        // ELB-3: a load balancer's node takes the request to a target.
        if self.leg == LegKind::Request
            && let Some(lb) = self.net.elb.node_owner(&y.id)
        {
            return self.lb_request(y, lb, p);
        }
        if self.leg == LegKind::Reply {
            let mine = Translator::Interface(y.id.clone());
            if let Some(i) = self
                .translations
                .iter()
                .position(|t| t.translator == mine && t.is_reversed_by(&p))
            {
                // NI-4: a NAT instance undoes its masquerade and forwards the reply (once).
                let t = self.translations.remove(i);
                let back = t.undo(&p);
                hop!(
                    self,
                    &y.id,
                    ComponentKind::NetworkInterface,
                    format!(
                        "NAT instance: destination {} translated back to {} (NI-4)",
                        endpoint(&p, false),
                        endpoint(&back, false)
                    ),
                    None,
                    Some("NI-4".into()),
                );
                return self.emit(Sender::Interface(y), back);
            }
        }
        let what = if self.leg == LegKind::Reply { "reply" } else { "request" };
        hop!(
            self,
            &y.id,
            ComponentKind::NetworkInterface,
            format!("{what} delivered to `{}` as {p}", y.id),
            None,
            None,
        );
        Ok(Arrival {
            place: Place::Interface { id: y.id.clone() },
            packet: p,
        })
    }

    /// Delivery to a host outside the modelled network, through `place`'s gateway (§4): on the
    /// reply leg, only through the gateway the request entered by.
    pub fn deliver_external(&mut self, place: Place, host_kind: ComponentKind, p: Packet) -> Flow {
        if self.leg == LegKind::Reply && self.entry.as_deref() != Some(place.id()) {
            return Err(dropped(
                place.id(),
                place.kind(),
                Some(Direction::Outbound),
                "J2",
                format!(
                    "the reply leaves through `{}`, not through the gateway the request came in by: it never returns to the source",
                    place.id()
                ),
                "NO_PATH",
            ));
        }
        let what = if self.leg == LegKind::Reply { "reply" } else { "request" };
        hop!(
            self,
            p.dst_ip,
            host_kind,
            format!("{what} delivered to {} as {p}", p.dst_ip),
            None,
            None,
        );
        Ok(Arrival { place, packet: p })
    }
}

/// `10.0.0.1:80`, or the bare address without ports; `source` picks which end.
pub(super) fn endpoint(p: &Packet, source: bool) -> String {
    let (ip, port) = if source {
        (p.src_ip, p.src_port)
    } else {
        (p.dst_ip, p.dst_port)
    };
    if !p.has_ports() {
        return ip.to_string();
    }
    match ip {
        IpAddr::V4(a) => format!("{a}:{port}"),
        IpAddr::V6(a) => format!("[{a}]:{port}"),
    }
}
