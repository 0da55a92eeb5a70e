//! Transit gateway topologies for the differential properties (issue #11 item 5): a random
//! network of `generate` (without IPv6 and peering, to keep the cases about the gateway) plus one
//! transit gateway `tgw-hub` with one to three route tables, random associations (or none),
//! propagations, static, prefix-list and blackhole routes, VPC attachments with one subnet per Availability
//! Zone (sometimes missing a zone), and routes to the gateway in the VPCs' tables. The SMT engine
//! and the simulator must agree on pinned packets and random questions over them.
//!
//! The layout: subnets alternate between `us-east-1a` and `us-east-1b` in id order; attachment
//! `tgw-attach-<vpc letter>`; route tables `tgw-rtb-0`, `tgw-rtb-1`, …

use crate::differential::agree::{pinned_packet_agrees, question_agrees};
use crate::differential::check;
use crate::differential::generate::{
    GenSettings, blueprint, cidr_pool, endpoint_text, packet_plan, pick, query_plan, query_ports, query_protocol,
};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use vpcverify::model::*;

/// Base networks with at least two VPCs.
fn two_vpcs() -> impl Strategy<Value = crate::differential::generate::Blueprint> {
    blueprint(BASE).prop_filter("two VPCs", |b| b.vpcs.len() >= 2)
}

/// The base networks: small, IPv4, no peering (gateway endpoints stay on: the generator draws
/// their option with a weight that must not be zero).
const BASE: GenSettings = GenSettings {
    max_vpcs: 3,
    max_subnets: 6,
    max_interfaces: 6,
    max_rules: 3,
    max_custom: 1,
    enable_peering: false,
    enable_nat: true,
    enable_ipv6: false,
    enable_endpoints: true,
    enable_vpn: false,
    enable_unknowns: false,
    enable_bpa: false,
    enable_missing_acls: false,
};

/// The transit gateway's choices. Indices pick modulo their pool.
#[derive(Debug, Clone)]
pub struct TgwPlan {
    /// Route tables, 1 to 3.
    pub tables: u8,
    /// Per VPC (by index): attached, skip one zone's subnet, association (0 = none, else
    /// table index + 1), propagation mask over tables, a route to the gateway for the other VPCs
    /// (0 = none, 1 = one summary `10.0.0.0/8`, 2 = each other VPC's block), attachment state.
    pub vpcs: Vec<(bool, bool, u8, u8, u8, bool)>,
    /// Static routes: (table, destination in the CIDR pool, target VPC attachment or blackhole).
    pub statics: Vec<(u8, u8, Option<u8>)>,
    /// A table whose routes are unknown.
    pub unknown_routes: Option<u8>,
    /// A second gateway `tgw-west` peered with the hub (TGW-10): the last attached VPC moves to
    /// it; (hub table the peering is associated with, 0 = none; peering pending; mask of hub
    /// tables that route the moved VPC to the peering).
    pub peer: Option<(u8, bool, u8)>,
    /// With a peering: (attachments keep all their subnets, so the exit subnet of a packet that
    /// came over the peering is open; those subnets are made to share their first subnet's ACL
    /// and route table, TGW-8a).
    pub peer_subnets: (bool, bool),
    /// Prefix-list references: (table, list of the network, target VPC attachment or blackhole).
    pub pl_refs: Vec<(u8, u8, Option<u8>)>,
    /// Every security group also allows everything both ways (so that most packets get as far as
    /// the gateway).
    pub open_groups: bool,
    /// A VPN attachment `tgw-attach-vpn` of connection `vpn-tgw` (ONP-5): (its association, 0 =
    /// none, else table index + 1; mask of tables routing 192.168.40.0/22 to it; every tunnel
    /// DOWN; a network `dc-tgw` 192.168.42.0/24 declared behind the connection). The connection's
    /// static route 192.168.40.0/24 is available, 192.168.41.0/24 deleted (so unknown).
    pub vpn: Option<(u8, u8, bool, bool)>,
}

pub fn tgw_plan() -> impl Strategy<Value = TgwPlan> {
    (
        1u8..=3,
        prop::collection::vec(
            (
                prop::bool::weighted(0.85),
                prop::bool::weighted(0.2),
                0u8..4,
                any::<u8>(),
                prop_oneof![1 => Just(0u8), 3 => Just(1u8), 3 => Just(2u8)],
                prop::bool::weighted(0.05),
            ),
            3,
        ),
        prop::collection::vec(
            (any::<u8>(), any::<u8>(), prop::option::weighted(0.7, any::<u8>())),
            0..=3,
        ),
        prop::option::weighted(0.05, any::<u8>()),
        prop::collection::vec(
            (any::<u8>(), any::<u8>(), prop::option::weighted(0.8, any::<u8>())),
            0..=2,
        ),
        prop::bool::weighted(0.7),
        prop::option::weighted(0.35, (0u8..4, prop::bool::weighted(0.1), any::<u8>())),
        (prop::bool::weighted(0.5), prop::bool::weighted(0.7)),
        prop::option::weighted(
            0.4,
            (
                0u8..4,
                any::<u8>(),
                prop::bool::weighted(0.3),
                prop::bool::weighted(0.5),
            ),
        ),
    )
        .prop_map(
            |(tables, vpcs, statics, unknown_routes, pl_refs, open_groups, peer, peer_subnets, vpn)| TgwPlan {
                tables,
                vpcs,
                statics,
                unknown_routes,
                pl_refs,
                open_groups,
                peer,
                peer_subnets,
                vpn,
            },
        )
}

/// Adds the transit gateway of `plan` to `net` (then normalises again, as ingest does).
pub fn add_tgw(net: &mut Network, plan: &TgwPlan) {
    let zones = ["us-east-1a", "us-east-1b"];
    for (i, s) in net.subnets.values_mut().enumerate() {
        s.availability_zone = Some(zones[i % 2].to_owned());
    }
    if plan.open_groups {
        let any_v4 = Cidr::parse("0.0.0.0/0").unwrap();
        for g in net.security_groups.values_mut() {
            let rule = SecurityGroupRule {
                protocol: Protocol::All,
                l4: L4Match::Any,
                peer: SecurityGroupPeer::Cidr { cidr: any_v4 },
                description: None,
                provenance: Provenance::resource("generated", g.id.as_str()),
            };
            g.ingress.push(rule.clone());
            g.egress.push(rule);
        }
    }
    let tgw = TransitGatewayId::new("tgw-hub");
    let prov = |id: &str| Provenance::resource("generated", id);
    let tables: Vec<TgwRouteTableId> = (0..plan.tables)
        .map(|i| TgwRouteTableId::new(format!("tgw-rtb-{i}")))
        .collect();
    let vpcs: Vec<VpcId> = net.vpcs.keys().cloned().collect();
    let mut attachments: Vec<(usize, TgwAttachmentId)> = Vec::new();
    let mut tgw_vpcs = Vec::new();
    for (v, vpc) in vpcs.iter().enumerate() {
        let Some(&(attached, skip_zone, assoc, props, _, pending)) = plan.vpcs.get(v) else {
            continue;
        };
        if !attached {
            continue;
        }
        let mut subnets: Vec<SubnetId> = Vec::new();
        for (z, zone) in zones.iter().enumerate() {
            if skip_zone && z == 1 {
                continue;
            }
            if let Some(s) = net
                .subnets
                .values()
                .find(|s| &s.vpc == vpc && s.availability_zone.as_deref() == Some(zone))
            {
                subnets.push(s.id.clone());
            }
        }
        let id = TgwAttachmentId::new(format!("tgw-attach-{}", (b'a' + v as u8) as char));
        let association = match assoc {
            0 => Some(None),
            n => Some(pick(&tables, n - 1).cloned()),
        };
        net.tgw.attachments.insert(
            id.clone(),
            TgwAttachment {
                id: id.clone(),
                tgw: tgw.clone(),
                resource: TgwAttachmentResource::Vpc {
                    vpc: vpc.clone(),
                    subnets,
                },
                state: if pending {
                    "pendingacceptance".into()
                } else {
                    "available".into()
                },
                appliance_mode: false,
                association,
                provenance: prov(id.as_str()),
            },
        );
        for (t, table) in tables.iter().enumerate() {
            if props & (1 << t) != 0 {
                let rt = net
                    .tgw
                    .route_tables
                    .entry(table.clone())
                    .or_insert_with(|| empty_table(table, &tgw));
                rt.propagations.push(id.clone());
            }
        }
        attachments.push((v, id));
        tgw_vpcs.push(vpc.clone());
    }
    for (i, table) in tables.iter().enumerate() {
        let rt = net
            .tgw
            .route_tables
            .entry(table.clone())
            .or_insert_with(|| empty_table(table, &tgw));
        rt.routes_known = plan.unknown_routes.is_none_or(|u| usize::from(u) % tables.len() != i);
    }
    let pool: Vec<Cidr> = cidr_pool(net)
        .into_iter()
        .filter(|c| c.family() == IpFamily::V4)
        .collect();
    for (t, d, target) in &plan.statics {
        let (Some(table), Some(dest)) = (pick(&tables, *t), pick(&pool, *d)) else {
            continue;
        };
        let target = match target {
            None => TgwRouteTarget::Blackhole,
            Some(a) => match pick(&attachments, *a) {
                Some((_, id)) => TgwRouteTarget::Attachments(vec![id.clone()]),
                None => TgwRouteTarget::Blackhole,
            },
        };
        let Some(rt) = net.tgw.route_tables.get_mut(table) else {
            continue;
        };
        if rt
            .routes
            .iter()
            .any(|r| r.destination == TgwRouteDestination::Cidr(*dest))
        {
            continue;
        }
        rt.routes.push(TgwRoute {
            destination: TgwRouteDestination::Cidr(*dest),
            target,
            route_type: TgwRouteType::Static,
            provenance: prov(table.as_str()),
        });
    }
    let lists: Vec<PrefixListId> = net.prefix_lists.keys().cloned().collect();
    for (t, l, target) in &plan.pl_refs {
        let (Some(table), Some(pl)) = (pick(&tables, *t), pick(&lists, *l)) else {
            continue;
        };
        let target = match target.and_then(|a| pick(&attachments, a)) {
            Some((_, id)) => TgwRouteTarget::Attachments(vec![id.clone()]),
            None => TgwRouteTarget::Blackhole,
        };
        let dest = TgwRouteDestination::PrefixList(pl.clone());
        let Some(rt) = net.tgw.route_tables.get_mut(table) else {
            continue;
        };
        if rt.routes.iter().any(|r| r.destination == dest) {
            continue;
        }
        rt.routes.push(TgwRoute {
            destination: dest,
            target,
            route_type: TgwRouteType::Static,
            provenance: prov(table.as_str()),
        });
    }
    // Routes to the gateway in every route table of each VPC that asks for them.
    let blocks: Vec<(VpcId, Vec<Cidr>)> = net.vpcs.values().map(|v| (v.id.clone(), v.cidrs_v4.clone())).collect();
    for (v, vpc) in vpcs.iter().enumerate() {
        let Some(&(_, _, _, _, routes, _)) = plan.vpcs.get(v) else {
            continue;
        };
        let dests: Vec<Cidr> = match routes {
            0 => continue,
            1 => vec![Cidr::parse("10.0.0.0/8").unwrap()],
            _ => blocks
                .iter()
                .filter(|(o, _)| o != vpc)
                .flat_map(|(_, c)| c.iter().copied())
                .collect(),
        };
        for rt in net.route_tables.values_mut().filter(|t| &t.vpc == vpc) {
            for d in &dests {
                if rt.routes.iter().any(|r| r.destination == RouteDestination::Cidr(*d)) {
                    continue;
                }
                rt.routes.push(Route {
                    destination: RouteDestination::Cidr(*d),
                    target: RouteTarget::TransitGateway(tgw.clone()),
                    state: RouteState::Active,
                    origin: RouteOrigin::CreateRoute,
                    provenance: prov(rt.id.as_str()),
                });
            }
        }
    }
    net.transit_gateways.insert(
        tgw.clone(),
        TransitGateway {
            id: tgw.clone(),
            vpcs: tgw_vpcs,
            tags: Tags::new(),
            provenance: prov(tgw.as_str()),
        },
    );
    if let Some(peer) = plan.peer {
        add_peering(net, &tgw, &tables, peer, plan.peer_subnets);
    }
    if let Some(vpn) = plan.vpn {
        add_vpn(net, &tgw, &tables, vpn);
    }
    vpcverify::ingest::finish(net);
}

/// ONP-5: a VPN attachment of `hub` (see [`TgwPlan::vpn`]), and routes to it: 192.168.40.0/22 in
/// the tables of `mask` and, in every VPC route table that routes to the gateway, to `hub`.
fn add_vpn(
    net: &mut Network,
    hub: &TransitGatewayId,
    tables: &[TgwRouteTableId],
    (assoc, mask, down, declared): (u8, u8, bool, bool),
) {
    let prov = |id: &str| Provenance::resource("generated", id);
    let att = TgwAttachmentId::new("tgw-attach-vpn");
    net.tgw.attachments.insert(
        att.clone(),
        TgwAttachment {
            id: att.clone(),
            tgw: hub.clone(),
            resource: TgwAttachmentResource::Other {
                resource_type: "vpn".into(),
                resource_id: Some("vpn-tgw".into()),
            },
            state: "available".into(),
            appliance_mode: false,
            association: match assoc {
                0 => Some(None),
                n => Some(pick(tables, n - 1).cloned()),
            },
            provenance: prov(att.as_str()),
        },
    );
    let tunnel = if down { "DOWN" } else { "UP" };
    net.onprem.vpn_connections.insert(
        "vpn-tgw".into(),
        VpnConnection {
            id: "vpn-tgw".into(),
            gateway: Some(OnPremGateway::Tgw(hub.to_string())),
            customer_gateway: None,
            state: "available".into(),
            static_routes_only: Some(true),
            local_cidr: None,
            remote_cidr: None,
            routes: vec![
                VpnStaticRoute {
                    cidr: Cidr::parse("192.168.40.0/24").unwrap(),
                    state: "available".into(),
                },
                VpnStaticRoute {
                    cidr: Cidr::parse("192.168.41.0/24").unwrap(),
                    state: "deleted".into(),
                },
            ],
            tunnels: vec![tunnel.into(), tunnel.into()],
            tags: Default::default(),
            provenance: prov("vpn-tgw"),
        },
    );
    if declared {
        net.onprem.networks.push(OnPremNetwork {
            name: "dc-tgw".into(),
            cidrs: vec![Cidr::parse("192.168.42.0/24").unwrap()],
            via: Some("vpn-tgw".into()),
            provenance: prov("--onprem"),
        });
    }
    let block = Cidr::parse("192.168.40.0/22").unwrap();
    for (t, table) in tables.iter().enumerate() {
        if mask & (1 << t) == 0 {
            continue;
        }
        if let Some(rt) = net.tgw.route_tables.get_mut(table)
            && !rt
                .routes
                .iter()
                .any(|r| r.destination == TgwRouteDestination::Cidr(block))
        {
            rt.routes.push(TgwRoute {
                destination: TgwRouteDestination::Cidr(block),
                target: TgwRouteTarget::Attachments(vec![att.clone()]),
                route_type: TgwRouteType::Static,
                provenance: prov(table.as_str()),
            });
        }
    }
    for rt in net.route_tables.values_mut() {
        let to_hub = rt
            .routes
            .iter()
            .any(|r| r.target == RouteTarget::TransitGateway(hub.clone()));
        if to_hub && !rt.routes.iter().any(|r| r.destination == RouteDestination::Cidr(block)) {
            rt.routes.push(Route {
                destination: RouteDestination::Cidr(block),
                target: RouteTarget::TransitGateway(hub.clone()),
                state: RouteState::Active,
                origin: RouteOrigin::CreateRoute,
                provenance: prov(rt.id.as_str()),
            });
        }
    }
}

/// TGW-10: moves the last attached VPC to a second gateway `tgw-west` peered with `hub`; every
/// attachment keeps one subnet (over a peering, the exit subnet is then the only one), or all of
/// them (TGW-8a: the exit subnet is open), made interchangeable or not.
fn add_peering(
    net: &mut Network,
    hub: &TransitGatewayId,
    tables: &[TgwRouteTableId],
    (side, pending, mask): (u8, bool, u8),
    (keep, uniform): (bool, bool),
) {
    let prov = |id: &str| Provenance::resource("generated", id);
    let mut families: Vec<Vec<SubnetId>> = Vec::new();
    for a in net.tgw.attachments.values_mut() {
        if let TgwAttachmentResource::Vpc { subnets, .. } = &mut a.resource {
            if !keep {
                subnets.truncate(1);
            }
            families.push(subnets.clone());
        }
    }
    if keep && uniform {
        for family in &families {
            let Some((first, rest)) = family.split_first() else {
                continue;
            };
            let table = net
                .route_tables
                .values()
                .find(|t| t.subnets.contains(first))
                .map(|t| t.id.clone());
            let acl = net
                .network_acls
                .values()
                .find(|a| a.subnets.contains(first))
                .map(|a| a.id.clone());
            for s in rest {
                for t in net.route_tables.values_mut() {
                    t.subnets.retain(|x| x != s);
                    if Some(&t.id) == table.as_ref() {
                        t.subnets.push(s.clone());
                    }
                }
                for a in net.network_acls.values_mut() {
                    a.subnets.retain(|x| x != s);
                    if Some(&a.id) == acl.as_ref() {
                        a.subnets.push(s.clone());
                    }
                }
            }
        }
    }
    let Some(last) = net.tgw.attachments.keys().last().cloned() else {
        return;
    };
    if net.tgw.attachments.len() < 2 {
        return;
    }
    let west = TransitGatewayId::new("tgw-west");
    let west_rt = TgwRouteTableId::new("tgw-rtb-west");
    let peer_id = TgwAttachmentId::new("tgw-attach-peer");
    let Some(moved) = net.tgw.attachments.get_mut(&last) else {
        return;
    };
    moved.tgw = west.clone();
    moved.association = Some(Some(west_rt.clone()));
    let Some(w) = moved.vpc().cloned() else { return };
    for t in net.tgw.route_tables.values_mut() {
        t.propagations.retain(|a| a != &last);
        t.routes
            .retain(|r| r.target != TgwRouteTarget::Attachments(vec![last.clone()]));
    }
    let peer_route = |dest: Cidr, table: &TgwRouteTableId| TgwRoute {
        destination: TgwRouteDestination::Cidr(dest),
        target: TgwRouteTarget::Attachments(vec![peer_id.clone()]),
        route_type: TgwRouteType::Static,
        provenance: prov(table.as_str()),
    };
    let mut wt = empty_table(&west_rt, &west);
    wt.propagations.push(last.clone());
    for v in net.vpcs.values().filter(|v| v.id != w) {
        for c in &v.cidrs_v4 {
            wt.routes.push(peer_route(*c, &west_rt));
        }
    }
    let w_blocks: Vec<Cidr> = net.vpcs.get(&w).map(|v| v.cidrs_v4.clone()).unwrap_or_default();
    for (i, t) in tables.iter().enumerate() {
        if mask & (1 << i) == 0 {
            continue;
        }
        if let Some(rt) = net.tgw.route_tables.get_mut(t) {
            for c in &w_blocks {
                if !rt.routes.iter().any(|r| r.destination == TgwRouteDestination::Cidr(*c)) {
                    rt.routes.push(peer_route(*c, t));
                }
            }
        }
    }
    net.tgw.route_tables.insert(west_rt.clone(), wt);
    let mut associations = std::collections::BTreeMap::new();
    associations.insert(west.clone(), Some(west_rt));
    associations.insert(hub.clone(), side.checked_sub(1).and_then(|i| pick(tables, i).cloned()));
    net.tgw.peerings.insert(
        peer_id.clone(),
        TgwPeering {
            id: peer_id,
            tgws: [hub.clone(), west.clone()],
            state: if pending {
                "pendingacceptance".into()
            } else {
                "available".into()
            },
            associations,
            provenance: prov("tgw-attach-peer"),
        },
    );
    for rt in net.route_tables.values_mut().filter(|t| t.vpc == w) {
        for r in rt.routes.iter_mut() {
            if r.target == RouteTarget::TransitGateway(hub.clone()) {
                r.target = RouteTarget::TransitGateway(west.clone());
            }
        }
    }
    if let Some(h) = net.transit_gateways.get_mut(hub) {
        h.vpcs.retain(|v| v != &w);
    }
    net.transit_gateways.insert(
        west.clone(),
        TransitGateway {
            id: west.clone(),
            vpcs: vec![w],
            tags: Tags::new(),
            provenance: prov(west.as_str()),
        },
    );
}

fn empty_table(id: &TgwRouteTableId, tgw: &TransitGatewayId) -> TgwRouteTable {
    TgwRouteTable {
        id: id.clone(),
        tgw: tgw.clone(),
        propagations: Vec::new(),
        routes: Vec::new(),
        routes_known: true,
        tags: Tags::new(),
        provenance: Provenance::resource("generated", id.as_str()),
    }
}

/// A packet between interfaces of two different VPCs (when there are two), so that most cases
/// ask the transit gateway: (source, destination, protocol, destination port, one way).
#[derive(Debug, Clone)]
pub struct CrossPlan {
    src: u8,
    dst: u8,
    proto: u8,
    port: u8,
    one_way: bool,
}

fn cross_plan() -> impl Strategy<Value = CrossPlan> {
    (any::<u8>(), any::<u8>(), 0u8..4, any::<u8>(), prop::bool::weighted(0.3)).prop_map(
        |(src, dst, proto, port, one_way)| CrossPlan {
            src,
            dst,
            proto,
            port,
            one_way,
        },
    )
}

impl CrossPlan {
    fn packet(&self, net: &Network) -> Option<Packet> {
        let addr = |e: &NetworkInterface| e.private_ipv4.first().map(|a| std::net::IpAddr::V4(a.address));
        let ifaces: Vec<&NetworkInterface> = net
            .network_interfaces
            .values()
            .filter(|e| e.interface_type == "interface" && addr(e).is_some())
            .collect();
        let x = *pick(&ifaces, self.src)?;
        let others: Vec<&NetworkInterface> = ifaces.iter().copied().filter(|e| e.vpc != x.vpc).collect();
        let y = *pick(&others, self.dst).or_else(|| pick(&ifaces, self.dst))?;
        let (s, d) = (addr(x)?, addr(y)?);
        let port = [443u16, 22, 80, 3306, 53, 8080][usize::from(self.port) % 6];
        Some(match self.proto {
            0 | 1 => Packet::with_ports(proto::TCP, s, 49152, d, port),
            2 => Packet::with_ports(proto::UDP, s, 40000, d, port),
            _ => Packet::icmp(proto::ICMP, s, d, 8, 0),
        })
    }
}

/// (a) over transit gateway topologies: pinned packets, between VPCs (mostly) and random.
#[test]
fn tgw_pinned_packets() {
    check(
        "tgw::pinned_packets",
        file!(),
        500,
        (two_vpcs(), tgw_plan(), cross_plan(), packet_plan()),
        |(b, t, cp, pp), tally| {
            let mut net = b.build();
            add_tgw(&mut net, &t);
            if let Some(p) = cp.packet(&net) {
                pinned_packet_agrees(&net, p, cp.one_way, tally)?;
            }
            let p = pp.packet(&net);
            pinned_packet_agrees(&net, p, pp.one_way, tally)
        },
    );
}

/// (b) over transit gateway topologies: random questions (witnesses replay, unreachable and
/// unknown answers survive sampling).
#[test]
fn tgw_random_questions() {
    check(
        "tgw::random_questions",
        file!(),
        300,
        (two_vpcs(), tgw_plan(), query_plan()),
        |(b, t, qp), tally| {
            let mut net = b.build();
            add_tgw(&mut net, &t);
            let from = endpoint_text(&net, &qp.from);
            let to = endpoint_text(&net, &qp.to);
            question_agrees(
                &net,
                &from,
                &to,
                query_protocol(&qp),
                query_ports(qp.dst_ports),
                query_ports(qp.src_ports),
                qp.one_way,
                qp.seed,
                tally,
            )
        },
    );
}

/// The generator makes what it says: a hub with attachments, tables and gateway routes, and the
/// network stays valid.
#[test]
fn tgw_networks_are_valid_and_use_the_gateway() {
    let mut runner = proptest::test_runner::TestRunner::default();
    let mut with_routes = 0;
    for _ in 0..50 {
        let b = blueprint(BASE).new_tree(&mut runner).unwrap().current();
        let t = tgw_plan().new_tree(&mut runner).unwrap().current();
        let mut net = b.build();
        add_tgw(&mut net, &t);
        let errors: Vec<_> = vpcverify::model::validate::validate(&net)
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        if net.route_tables.values().any(|rt| {
            rt.routes
                .iter()
                .any(|r| matches!(r.target, RouteTarget::TransitGateway(_)))
        }) {
            with_routes += 1;
        }
    }
    assert!(with_routes > 10, "{with_routes}");
}

/// Metamorphic law over transit gateway topologies: a deny entry added to a network ACL (the
/// attachment subnets' among them) never opens a path.
#[test]
fn tgw_a_deny_entry_never_opens_a_path() {
    use crate::differential::metamorphic::{Asked, monotone, new_entry, with_entry};
    check(
        "tgw::a_deny_entry_never_opens_a_path",
        file!(),
        200,
        (two_vpcs(), tgw_plan(), query_plan(), new_entry()),
        |(b, t, q, e), tally| {
            let mut net = b.build();
            add_tgw(&mut net, &t);
            tally.network();
            let Some((denied, change)) = with_entry(&net, &e, RuleAction::Deny) else {
                return Ok(());
            };
            monotone(&net, &denied, &Asked::of(&net, &q), &change, tally)
        },
    );
}

/// ... and an allow entry never closes one.
#[test]
fn tgw_an_allow_entry_never_closes_a_path() {
    use crate::differential::metamorphic::{Asked, monotone, new_entry, with_entry};
    check(
        "tgw::an_allow_entry_never_closes_a_path",
        file!(),
        200,
        (two_vpcs(), tgw_plan(), query_plan(), new_entry()),
        |(b, t, q, e), tally| {
            let mut net = b.build();
            add_tgw(&mut net, &t);
            tally.network();
            let Some((allowed, change)) = with_entry(&net, &e, RuleAction::Allow) else {
                return Ok(());
            };
            monotone(&allowed, &net, &Asked::of(&net, &q), &change, tally)
        },
    );
}
