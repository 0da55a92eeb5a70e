//! (c) Each header-match encoding agrees with the simulator's concrete evaluation on random
//! packets, without a solver call: `smt::testing` builds the encoding over a symbolic packet,
//! substitutes the concrete one and simplifies to a literal; the simulator's decision comes from
//! its public API, a whole trace on a harness network whose only decision is the rule under
//! test (its filter and route code are private, and no decision code is shared).
//!
//! Harnesses:
//! - network ACLs: a one-ACL network. Outbound: a sender in subnet A (the ACL's) sends towards a
//!   default route to an internet gateway, so the ACL is the first decision after the route.
//!   Inbound: the sender in A sends to an address of subnet B (the ACL's) over the local route.
//! - security groups: the generated network itself. Egress: the interface sends (its groups
//!   decide first). Ingress: a fresh interface, with a group no rule names, in the same subnet
//!   sends to one of the interface's addresses (same subnet: no route table, no ACL, J25).
//! - route selection: the generated network plus a fresh subnet associated with the table and a
//!   fresh interface in it, which sends to the destination.

use crate::differential::generate::{GenSettings, blueprint, cidr_pool, offset, pick};
use crate::differential::{Tally, check};
use proptest::prelude::*;
use std::net::{IpAddr, Ipv4Addr};
use vpcverify::model::*;
use vpcverify::sim::{self, Start, Status, Trace};
use vpcverify::smt::testing::{self as enc, GroupsLiteral, RouteLiteral};

// ---------------------------------------------------------------- packets

/// An address: a sample of a block of the network's pool (first, last, next to them, middle),
/// or random bits.
#[derive(Debug, Clone)]
pub struct AddrChoice {
    block: u8,
    which: u8,
    random: Option<u128>,
}

fn addr_choice() -> impl Strategy<Value = AddrChoice> {
    (any::<u8>(), 0u8..5, prop::option::weighted(0.25, any::<u128>())).prop_map(|(block, which, random)| AddrChoice {
        block,
        which,
        random,
    })
}

fn address(net: &Network, a: &AddrChoice, family: Option<IpFamily>) -> IpAddr {
    let mut pool = cidr_pool(net);
    pool.extend(
        ["169.254.168.0/22", "fd00:ec2::/32"]
            .iter()
            .filter_map(|c| Cidr::parse(c).ok()),
    );
    if let Some(f) = family {
        pool.retain(|c| c.family() == f);
    }
    let c = pick(&pool, a.block).copied().unwrap_or_else(Cidr::any_v4);
    if let Some(r) = a.random {
        let fam = c.family();
        let r = if fam == IpFamily::V4 { r & 0xffff_ffff } else { r };
        return vpcverify::model::addr::ip_from_u128(fam, r);
    }
    let bits = u32::from(c.family().bits()) - u32::from(c.prefix_len());
    match a.which {
        0 => c.first(),
        1 => c.last(),
        2 => offset(&c, 1),
        3 => offset(&c, 1u128 << bits.saturating_sub(1).min(126)),
        _ => offset(&c, 10),
    }
}

/// A packet's header, from small choices.
#[derive(Debug, Clone)]
pub struct HeaderChoice {
    src: AddrChoice,
    dst: AddrChoice,
    proto: u8,
    sport: u16,
    dport: u16,
    itype: u8,
    icode: u8,
}

fn port() -> impl Strategy<Value = u16> {
    prop_oneof![
        3 => prop::sample::select(vec![0u16, 1, 22, 79, 80, 81, 442, 443, 444, 1023, 1024, 1025, 65534, 65535]),
        1 => any::<u16>(),
    ]
}

fn header() -> impl Strategy<Value = HeaderChoice> {
    (
        addr_choice(),
        addr_choice(),
        0u8..7,
        port(),
        port(),
        prop_oneof![3 => prop::sample::select(vec![0u8, 3, 8, 11, 128, 129]), 1 => any::<u8>()],
        prop_oneof![3 => prop::sample::select(vec![0u8, 1, 4]), 1 => any::<u8>()],
    )
        .prop_map(|(src, dst, proto, sport, dport, itype, icode)| HeaderChoice {
            src,
            dst,
            proto,
            sport,
            dport,
            itype,
            icode,
        })
}

impl HeaderChoice {
    /// The packet: addresses of one family, and the fields its protocol has (others 0).
    fn packet(&self, net: &Network) -> Packet {
        let src = address(net, &self.src, None);
        let dst = address(net, &self.dst, Some(IpFamily::of(&src)));
        let icmp = if src.is_ipv4() { proto::ICMP } else { proto::ICMPV6 };
        match self.proto {
            0 => Packet::with_ports(proto::TCP, src, self.sport, dst, self.dport),
            1 => Packet::with_ports(proto::UDP, src, self.sport, dst, self.dport),
            2 => Packet::icmp(icmp, src, dst, self.itype, self.icode),
            3 => Packet::other(50, src, dst),
            4 => Packet::other(0, src, dst),
            // The other family's ICMP number: no ICMP rule of a family applies to it.
            5 => Packet::icmp(
                if icmp == proto::ICMP {
                    proto::ICMPV6
                } else {
                    proto::ICMP
                },
                src,
                dst,
                self.itype,
                self.icode,
            ),
            _ => Packet::other(255, src, dst),
        }
    }
}

// ---------------------------------------------------------------- harness networks

fn prov(id: &str) -> Provenance {
    Provenance::resource("harness", id)
}

fn cidr(s: &str) -> Cidr {
    Cidr::parse(s).unwrap()
}

/// A group allowing everything out, IPv4 and IPv6.
fn open_group(id: &str, vpc: &VpcId) -> SecurityGroup {
    let all = |c: Cidr| SecurityGroupRule {
        protocol: Protocol::All,
        l4: L4Match::Any,
        peer: SecurityGroupPeer::Cidr { cidr: c },
        description: None,
        provenance: prov(id),
    };
    SecurityGroup {
        id: id.into(),
        name: id.into(),
        vpc: vpc.clone(),
        description: String::new(),
        ingress: vec![],
        egress: vec![all(Cidr::any_v4()), all(Cidr::any_v6())],
        tags: Tags::new(),
        provenance: prov(id),
    }
}

/// An interface with the check off (it sends any source address) in the harness group.
fn sender(id: &str, subnet: &SubnetId, vpc: &VpcId, address: Ipv4Addr, group: &str) -> NetworkInterface {
    NetworkInterface {
        id: id.into(),
        subnet: subnet.clone(),
        vpc: vpc.clone(),
        interface_type: "interface".into(),
        description: String::new(),
        private_ipv4: vec![PrivateIpv4 {
            address,
            primary: true,
            public_ip: None,
            assigned_at_apply: false,
        }],
        ipv6: vec![],
        groups: vec![group.into()],
        source_dest_check: false,
        attachment: None,
        requester_managed: false,
        status: "available".into(),
        tags: Tags::new(),
        provenance: prov(id),
    }
}

fn acl_of(id: &str, vpc: &VpcId, subnets: Vec<SubnetId>, entries: Vec<NetworkAclEntry>, default: bool) -> NetworkAcl {
    NetworkAcl {
        id: id.into(),
        vpc: vpc.clone(),
        is_default: default,
        subnets,
        entries,
        tags: Tags::new(),
        provenance: prov(id),
    }
}

/// The ACL under test.
const ACL: &str = "acl-under-test";

/// The one-ACL harness for `entries` in direction `dir`, and the packet it traces: `p` itself
/// outbound; `p` addressed to subnet B inbound. `None` when `p` cannot reach the ACL (an
/// outbound destination that AWS never forwards, RT-9).
fn acl_harness(entries: &[NetworkAclEntry], dir: Direction, p: &Packet) -> Option<(Network, Packet)> {
    let never = [cidr("169.254.168.0/22"), cidr("fd00:ec2::/32")];
    if dir == Direction::Outbound && never.iter().any(|c| c.contains(&p.dst_ip)) {
        return None;
    }
    // A VPC block that does not hold the outbound destination.
    let (v4, v6) = [
        ("10.200.0.0/16", "2600:1f18:ff00::/56"),
        ("172.31.0.0/16", "2a05:d000:ff00::/56"),
    ]
    .into_iter()
    .map(|(a, b)| (cidr(a), cidr(b)))
    .find(|(a, b)| !a.contains(&p.dst_ip) && !b.contains(&p.dst_ip))?;
    let sub = |c: &Cidr, k: u128, len: u8| -> Cidr {
        let (base, _) = c.to_bits();
        let step = 1u128 << (u32::from(c.family().bits()) - u32::from(len));
        Cidr::new(ipnet::IpNet::new(vpcverify::model::addr::ip_from_u128(c.family(), base + k * step), len).unwrap())
    };
    let vpc = VpcId::new("vpc-h");
    let mut net = Network::default();
    net.vpcs.insert(
        vpc.clone(),
        Vpc {
            id: vpc.clone(),
            cidrs_v4: vec![v4],
            cidrs_v6: vec![v6],
            is_default: false,
            tags: Tags::new(),
            provenance: prov("vpc-h"),
        },
    );
    let (a, b) = (SubnetId::new("subnet-a"), SubnetId::new("subnet-b"));
    for (id, k) in [(&a, 1), (&b, 2)] {
        net.subnets.insert(
            id.clone(),
            Subnet {
                id: id.clone(),
                vpc: vpc.clone(),
                availability_zone: None,
                cidr_v4: Some(sub(&v4, k, 24)),
                cidr_v6: Some(sub(&v6, k, 64)),
                map_public_ip_on_launch: false,
                tags: Tags::new(),
                provenance: prov(id.as_str()),
            },
        );
    }
    let igw = InternetGatewayId::new("igw-h");
    net.internet_gateways.insert(
        igw.clone(),
        InternetGateway {
            id: igw.clone(),
            vpcs: vec![vpc.clone()],
            tags: Tags::new(),
            provenance: prov("igw-h"),
        },
    );
    let route = |c: Cidr| Route {
        destination: RouteDestination::Cidr(c),
        target: RouteTarget::InternetGateway(igw.clone()),
        state: RouteState::Active,
        origin: RouteOrigin::CreateRoute,
        provenance: prov("rtb-h"),
    };
    net.route_tables.insert(
        "rtb-h".into(),
        RouteTable {
            id: "rtb-h".into(),
            vpc: vpc.clone(),
            main: true,
            subnets: vec![],
            gateways: vec![],
            routes: vec![route(Cidr::any_v4()), route(Cidr::any_v6())],
            propagating_vgws: vec![],
            tags: Tags::new(),
            provenance: prov("rtb-h"),
        },
    );
    let allow_all = |d: Direction, c: Cidr, n: u16| NetworkAclEntry {
        rule_number: n,
        direction: d,
        action: RuleAction::Allow,
        protocol: Protocol::All,
        l4: L4Match::Any,
        cidr: c,
        provenance: prov("acl-h"),
    };
    let open: Vec<NetworkAclEntry> = [Direction::Inbound, Direction::Outbound]
        .into_iter()
        .flat_map(|d| [allow_all(d, Cidr::any_v4(), 100), allow_all(d, Cidr::any_v6(), 101)])
        .collect();
    let (tested, other) = match dir {
        Direction::Outbound => (a.clone(), b.clone()),
        Direction::Inbound => (b.clone(), a.clone()),
    };
    net.network_acls
        .insert(ACL.into(), acl_of(ACL, &vpc, vec![tested], entries.to_vec(), false));
    net.network_acls
        .insert("acl-h".into(), acl_of("acl-h", &vpc, vec![other], open, true));
    net.security_groups.insert("sg-h".into(), open_group("sg-h", &vpc));
    let host = sub(&v4, 1, 24).first();
    let IpAddr::V4(h) = offset(&Cidr::host(host), 0) else {
        return None;
    };
    net.network_interfaces.insert(
        "eni-h".into(),
        sender("eni-h", &a, &vpc, Ipv4Addr::from(u32::from(h) + 10), "sg-h"),
    );
    vpcverify::ingest::finish(&mut net);
    let mut q = *p;
    if dir == Direction::Inbound {
        let block = if p.dst_ip.is_ipv4() {
            sub(&v4, 2, 24)
        } else {
            sub(&v6, 2, 64)
        };
        q.dst_ip = offset(&block, 10);
    }
    Some((net, q))
}

/// The simulator's decision at the ACL under test: `(allowed, deciding rule or None for *)`.
fn sim_acl_decision(t: &Trace, dir: Direction) -> Option<(bool, Option<u16>)> {
    let rule = |r: &str| r.parse::<u16>().ok();
    if let Status::Unreachable(b) = t.status()
        && b.id == ACL
        && b.direction == Some(dir)
    {
        return Some((false, rule(&b.rule)));
    }
    t.request
        .hops
        .iter()
        .find(|h| h.id == ACL && h.direction == Some(dir))
        .map(|h| (true, h.rule.as_deref().and_then(rule)))
}

/// Both interpreters on one ACL direction and packet, `Ok` when they agree.
fn acl_agrees(entries: &[NetworkAclEntry], dir: Direction, p: &Packet, tally: &Tally) -> Result<(), TestCaseError> {
    let Some((net, q)) = acl_harness(entries, dir, p) else {
        return Ok(());
    };
    let ix = NetworkIndex::new(&net);
    let t = sim::trace(&net, &ix, Start::Interface("eni-h".into()), q, true);
    tally.traces(1);
    let sim_side = sim_acl_decision(&t, dir);
    let acl = net.network_acls.get(&NetworkAclId::new(ACL)).unwrap();
    let allowed = enc::acl_allows_literal(acl, dir, &q);
    let deciding = enc::acl_deciding_rule_literal(acl, dir, &q);
    let what = || {
        format!(
            "{dir} {q}\nentries: {:#?}\nsimulator: {sim_side:?}\nencoding: allows {allowed:?}, deciding rule {deciding:?}\n{}",
            entries.iter().map(|e| e.label()).collect::<Vec<_>>(),
            crate::differential::oracle::show_trace(&t)
        )
    };
    prop_assert!(
        sim_side.is_some(),
        "the harness packet did not reach the ACL: {}",
        what()
    );
    let (sim_allowed, sim_rule) = sim_side.unwrap_or_default();
    prop_assert_eq!(allowed, Some(sim_allowed), "(c) acl_allows: {}", what());
    prop_assert_eq!(deciding, Some(sim_rule), "(c) acl_first_match: {}", what());
    Ok(())
}

// ---------------------------------------------------------------- properties

/// Network ACLs of generated networks, both directions: `acl_allows` and `acl_first_match`
/// agree with the simulator's decision and deciding rule.
#[test]
fn acl_encodings() {
    check(
        "encoding::acl_encodings",
        file!(),
        1000,
        (blueprint(GenSettings::CI), any::<u8>(), any::<bool>(), header()),
        |(b, which, outbound, h), tally| {
            let net = b.build();
            tally.network();
            let acls: Vec<&NetworkAcl> = net.network_acls.values().collect();
            let Some(acl) = pick(&acls, which) else { return Ok(()) };
            let dir = if outbound {
                Direction::Outbound
            } else {
                Direction::Inbound
            };
            acl_agrees(&acl.entries, dir, &h.packet(&net), tally)
        },
    );
}

/// ACLs longer than the encoding's blocks of 64 entries (`smt::filter` cuts a long list into
/// blocks so that asserting it takes near-linear time, #18 item 1): `skip` entries for blocks
/// the generated packets do not use (TEST-NET-1, 2001:db8::/32) with actions from `flips`, then
/// the generated network's entries of the direction over and over, actions flipped by `flips`,
/// all renumbered. `acl_allows` and `acl_first_match` agree with the simulator.
#[test]
fn long_acl_encodings() {
    check(
        "encoding::long_acl_encodings",
        file!(),
        48,
        (
            blueprint(GenSettings::CI),
            any::<u64>(),
            0usize..150,
            65usize..200,
            any::<bool>(),
            header(),
        ),
        |(b, flips, skip, len, outbound, h), tally| {
            let net = b.build();
            tally.network();
            let dir = if outbound {
                Direction::Outbound
            } else {
                Direction::Inbound
            };
            let pool: Vec<&NetworkAclEntry> = net
                .network_acls
                .values()
                .flat_map(|a| &a.entries)
                .filter(|e| e.direction == dir && e.rule_number < NACL_DEFAULT_RULE_NUMBER)
                .collect();
            if pool.is_empty() {
                return Ok(());
            }
            let flip = |i: usize, a: RuleAction| {
                if flips.rotate_left((i % 64) as u32) & 1 == 1 {
                    match a {
                        RuleAction::Allow => RuleAction::Deny,
                        RuleAction::Deny => RuleAction::Allow,
                    }
                } else {
                    a
                }
            };
            let unused = |e: &NetworkAclEntry| {
                if e.cidr.family() == IpFamily::V4 {
                    cidr("192.0.2.0/24")
                } else {
                    cidr("2001:db8::/32")
                }
            };
            let entries: Vec<NetworkAclEntry> = (0..skip + len)
                .map(|i| {
                    let e = pool[i % pool.len()];
                    NetworkAclEntry {
                        rule_number: u16::try_from(i + 1).unwrap_or(u16::MAX),
                        action: flip(i, e.action),
                        cidr: if i < skip { unused(e) } else { e.cidr },
                        ..e.clone()
                    }
                })
                .collect();
            acl_agrees(&entries, dir, &h.packet(&net), tally)
        },
    );
}

/// One entry at a time, made an allow entry: `acl_entry_matches`, `l4_matches` (protocol all,
/// the family's whole block) and `protocol_matches` (any layer 4, the whole block) agree with a
/// one-entry ACL in the simulator.
#[test]
fn rule_field_encodings() {
    check(
        "encoding::rule_field_encodings",
        file!(),
        1000,
        (blueprint(GenSettings::CI), any::<u8>(), any::<bool>(), header()),
        |(b, which, outbound, h), tally| {
            let net = b.build();
            tally.network();
            let p = h.packet(&net);
            let entries: Vec<&NetworkAclEntry> = net.network_acls.values().flat_map(|a| &a.entries).collect();
            let Some(e) = pick(&entries, which) else { return Ok(()) };
            let dir = if outbound {
                Direction::Outbound
            } else {
                Direction::Inbound
            };
            let any_block = if p.src_ip.is_ipv4() {
                Cidr::any_v4()
            } else {
                Cidr::any_v6()
            };
            let whole = NetworkAclEntry {
                action: RuleAction::Allow,
                direction: dir,
                ..(*e).clone()
            };
            let l4_only = NetworkAclEntry {
                protocol: Protocol::All,
                cidr: any_block,
                ..whole.clone()
            };
            let protocol_only = NetworkAclEntry {
                l4: L4Match::Any,
                cidr: any_block,
                ..whole.clone()
            };
            for (entry, literal) in [
                (&whole, None),
                (&l4_only, Some(enc::l4_matches_literal(&l4_only.l4, &p))),
                (
                    &protocol_only,
                    Some(enc::protocol_matches_literal(&protocol_only.protocol, &p)),
                ),
            ] {
                let Some((net, q)) = acl_harness(std::slice::from_ref(entry), dir, &p) else {
                    continue;
                };
                let ix = NetworkIndex::new(&net);
                let t = sim::trace(&net, &ix, Start::Interface("eni-h".into()), q, true);
                tally.traces(1);
                let sim_side = sim_acl_decision(&t, dir).map(|d| d.0);
                let matches = enc::acl_entry_matches_literal(entry, &q);
                prop_assert_eq!(matches, sim_side, "(c) acl_entry_matches: {} on {}", entry.label(), q);
                if let Some(l) = literal {
                    prop_assert_eq!(l, sim_side, "(c) l4/protocol_matches: {} on {}", entry.label(), q);
                }
            }
            Ok(())
        },
    );
}

/// The simulator's decision at the first security group check of direction `dir` in a trace,
/// which concerns interface `iface`: allowed if the trace crossed it, else how it ended there.
fn sim_groups_decision(t: &Trace, iface: &NetworkInterface, dir: Direction) -> Option<GroupsLiteral> {
    if t.request
        .hops
        .iter()
        .any(|h| h.kind == ComponentKind::SecurityGroup && h.direction == Some(dir))
    {
        return Some(GroupsLiteral::Decided(true));
    }
    match t.status() {
        Status::Unreachable(b)
            if b.direction == Some(dir)
                && ((b.kind == ComponentKind::SecurityGroup && iface.groups.iter().any(|g| g.as_str() == b.id))
                    || (b.kind == ComponentKind::NetworkInterface
                        && b.id == iface.id.as_str()
                        && b.rule == "SG-1")) =>
        {
            Some(GroupsLiteral::Decided(false))
        }
        Status::Unknown { component, .. } if component.starts_with("pl-") => {
            Some(GroupsLiteral::UnknownPrefixList(PrefixListId::new(component)))
        }
        _ => None,
    }
}

/// Security groups of generated networks, both directions: `groups_allow` (three-valued, with
/// prefix lists whose entries are unknown) agrees with the simulator.
#[test]
fn group_encodings() {
    check(
        "encoding::group_encodings",
        file!(),
        1000,
        (blueprint(GenSettings::CI), any::<u8>(), any::<bool>(), header()),
        |(b, which, outbound, h), tally| {
            let mut net = b.build();
            tally.network();
            let hosts: Vec<NetworkInterface> = net
                .network_interfaces
                .values()
                .filter(|e| e.interface_type == "interface")
                .cloned()
                .collect();
            let Some(x) = pick(&hosts, which).cloned() else {
                return Ok(());
            };
            let mut p = h.packet(&net);
            let (start, dir) = if outbound {
                (Start::Interface(x.id.clone()), Direction::Outbound)
            } else {
                // A fresh sender next to `x`, sending to one of its addresses.
                let Some(dst) = x.private_addresses().find(|a| a.is_ipv4() == p.src_ip.is_ipv4()) else {
                    return Ok(());
                };
                p.dst_ip = dst;
                let subnet = net.subnets.get(&x.subnet).cloned().unwrap();
                let Some(IpAddr::V4(free)) = subnet.cidr_v4.map(|c| offset(&c, 250)) else {
                    return Ok(());
                };
                net.security_groups
                    .insert("sg-harness".into(), open_group("sg-harness", &x.vpc));
                net.network_interfaces.insert(
                    "eni-harness".into(),
                    sender("eni-harness", &x.subnet, &x.vpc, free, "sg-harness"),
                );
                (Start::Interface("eni-harness".into()), Direction::Inbound)
            };
            let ix = NetworkIndex::new(&net);
            let t = sim::trace(&net, &ix, start, p, true);
            tally.traces(1);
            let sim_side = sim_groups_decision(&t, &x, dir);
            let literal = enc::groups_allow_literal(&net, &ix, &x.groups, dir, &p);
            let what = || format!("{dir} `{}` {p}\n{}", x.id, crate::differential::oracle::show_trace(&t));
            prop_assert!(
                sim_side.is_some(),
                "the harness packet did not reach the groups: {}",
                what()
            );
            prop_assert_eq!(Some(literal), sim_side, "(c) groups_allow: {}", what());
            Ok(())
        },
    );
}

/// The destination text of the route the simulator selected in `table`, or what else it
/// decided there.
fn sim_route_decision(t: &Trace, table: &RouteTable) -> Option<Result<String, RouteLiteral>> {
    let first_table = t.request.hops.iter().find(|h| h.kind == ComponentKind::RouteTable);
    if let Some(h) = first_table {
        let label = h.rule.clone().unwrap_or_default();
        return Some(Ok(label.split(' ').next().unwrap_or_default().to_owned()));
    }
    match t.status() {
        Status::Unreachable(b) if b.kind == ComponentKind::RouteTable && b.id == table.id.as_str() => {
            match (b.code.as_str(), b.rule.as_str()) {
                ("NO_ROUTE_TO_DESTINATION", "RT-9") => Some(Err(RouteLiteral::NeverForwarded)),
                // RT-21: no route into a VPC nothing joins is a missing route too.
                // RT-23: no route, one of them towards the destination's VPC.
                ("NO_ROUTE_TO_DESTINATION" | "DISCONNECTED_VPCS" | "CANNOT_ROUTE", _) => {
                    Some(Err(RouteLiteral::NoRoute))
                }
                // RT-22: a winning blackhole, whatever its code, names itself as the rule.
                ("BAD_STATE_ROUTE" | "MORE_SPECIFIC_ROUTE" | "HIGHER_PRIORITY_ROUTE", dest) => {
                    Some(Ok(dest.to_owned()))
                }
                _ => None,
            }
        }
        Status::Unknown { component, .. } if component.starts_with("pl-") => {
            Some(Err(RouteLiteral::UnknownPrefixList(PrefixListId::new(component))))
        }
        _ => None,
    }
}

/// Route tables of generated networks: `route::selection` (with RT-9 and unknown prefix lists,
/// as the walk applies them) selects exactly one route, the simulator's.
#[test]
fn route_encodings() {
    check(
        "encoding::route_encodings",
        file!(),
        1000,
        (blueprint(GenSettings::CI), any::<u8>(), header()),
        |(b, which, h), tally| {
            let mut net = b.build();
            tally.network();
            let p = h.packet(&net);
            let tables: Vec<RouteTableId> = net.route_tables.keys().cloned().collect();
            let Some(rt) = pick(&tables, which).cloned() else {
                return Ok(());
            };
            let vpc = net.route_tables.get(&rt).unwrap().vpc.clone();
            let Some(IpAddr::V4(base)) = net.vpcs.get(&vpc).and_then(|v| v.cidrs_v4.first()).map(|c| c.first()) else {
                return Ok(());
            };
            // A fresh subnet of the table, not holding the destination, and a sender in it.
            let o = base.octets();
            let block = [250u8, 251]
                .iter()
                .map(|k| cidr(&format!("{}.{}.{k}.0/24", o[0], o[1])))
                .find(|c| !c.contains(&p.dst_ip))
                .unwrap();
            let subnet = SubnetId::new("subnet-harness");
            net.subnets.insert(
                subnet.clone(),
                Subnet {
                    id: subnet.clone(),
                    vpc: vpc.clone(),
                    availability_zone: None,
                    cidr_v4: Some(block),
                    cidr_v6: None,
                    map_public_ip_on_launch: false,
                    tags: Tags::new(),
                    provenance: prov("subnet-harness"),
                },
            );
            net.route_tables.get_mut(&rt).unwrap().subnets.push(subnet.clone());
            net.security_groups
                .insert("sg-harness".into(), open_group("sg-harness", &vpc));
            let IpAddr::V4(h_addr) = offset(&block, 10) else {
                return Ok(());
            };
            net.network_interfaces.insert(
                "eni-harness".into(),
                sender("eni-harness", &subnet, &vpc, h_addr, "sg-harness"),
            );
            let ix = NetworkIndex::new(&net);
            let t = sim::trace(&net, &ix, Start::Interface("eni-harness".into()), p, true);
            tally.traces(1);
            let table = net.route_tables.get(&rt).unwrap();
            let sim_side = sim_route_decision(&t, table);
            let literal = enc::route_selected_literal(&net, table, &p.dst_ip);
            let encoded = match &literal {
                RouteLiteral::Route(i) => Ok(table.routes[*i].destination.to_string()),
                other => Err(other.clone()),
            };
            let what = || {
                let routes: Vec<String> = table
                    .routes
                    .iter()
                    .map(|r| format!("{} -> {} ({:?}, {:?})", r.destination, r.target.id(), r.state, r.origin))
                    .collect();
                format!(
                    "`{rt}` for {}\nroutes: {routes:#?}\n{}",
                    p.dst_ip,
                    crate::differential::oracle::show_trace(&t)
                )
            };
            prop_assert!(
                sim_side.is_some(),
                "the harness packet did not reach the table: {}",
                what()
            );
            prop_assert_eq!(Some(encoded), sim_side, "(c) route selection: {}", what());
            Ok(())
        },
    );
}

/// Small encodings: CIDR membership, `nat_port`, and the pinning constraint `equals_packet`.
#[test]
fn value_encodings() {
    check(
        "encoding::value_encodings",
        file!(),
        1000,
        (
            any::<u128>(),
            0u8..=128,
            any::<u128>(),
            any::<bool>(),
            any::<u16>(),
            header(),
            header(),
        ),
        |(base, len, addr, v4, port, h1, h2), _tally| {
            let (fam, len) = if v4 {
                (IpFamily::V4, len % 33)
            } else {
                (IpFamily::V6, len)
            };
            let ip = |x: u128| vpcverify::model::addr::ip_from_u128(fam, if v4 { x & 0xffff_ffff } else { x });
            let c = Cidr::new(ipnet::IpNet::new(ip(base), len).unwrap());
            // Also an address of the block, not only random ones.
            for a in [ip(addr), offset(&c, addr), c.first(), c.last()] {
                prop_assert_eq!(enc::in_cidr_literal(&c, &a), Some(c.contains(&a)), "{} in {}", a, c);
            }
            prop_assert_eq!(enc::nat_port_literal(port), Some(sim::nat_port(port)));
            let net = Network::default();
            let (p, q) = (h1.packet(&net), h2.packet(&net));
            prop_assert_eq!(enc::equals_packet_literal(&p, &p), Some(true));
            if p.src_ip.is_ipv4() == q.src_ip.is_ipv4() {
                prop_assert_eq!(enc::equals_packet_literal(&p, &q), Some(p == q));
            }
            Ok(())
        },
    );
}
