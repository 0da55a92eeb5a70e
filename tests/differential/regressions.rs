//! Disagreements the differential tests found, one named test each (`r_<slug>`), on the minimal
//! network saved as a spec under `tests/fixtures/regressions/<slug>.toml`. Each comment says
//! what disagreed and which interpreter SEMANTICS.md proved wrong; the fix is in the commit that
//! added the test.

#![allow(dead_code, reason = "helpers for the regression tests below")]

use crate::common::{path, tcp_question};
use crate::differential::agree::{pinned_packet_agrees, pinned_verdicts};
use crate::differential::oracle::Kind;
use crate::differential::spec::load;
use crate::differential::{Tally, agree};
use std::net::IpAddr;
use vpcverify::model::*;

/// A fixture network, loaded through the spec loader and `ingest::finish`.
fn fixture(slug: &str) -> Network {
    let file = path(&format!("tests/fixtures/regressions/{slug}.toml"));
    load(&std::fs::read_to_string(&file).unwrap())
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn tcp(src: &str, sport: u16, dst: &str, dport: u16) -> Packet {
    Packet::with_ports(proto::TCP, ip(src), sport, ip(dst), dport)
}

/// Asserts both interpreters' verdicts on a pinned packet, then the whole property (a) on it.
#[track_caller]
fn assert_pinned(net: &Network, p: Packet, one_way: bool, expected: Kind) {
    assert_eq!(
        pinned_verdicts(net, p, one_way),
        (expected, expected),
        "SMT engine, simulator"
    );
    pinned_packet_agrees(net, p, one_way, &Tally::default()).unwrap();
}

/// Runs property (b) on one question.
fn assert_question(net: &Network, from: &str, to: &str, protocol: Option<u8>, one_way: bool) {
    agree::question_agrees(net, from, to, protocol, None, None, one_way, 0, &Tally::default()).unwrap();
}
/// A packet from an interface to the Elastic IP of a NAT gateway, over the internet gateway.
/// The simulator takes it back into the VPC (SEMANTICS.md §5.2 step 5, J13), where the NAT
/// gateway refuses it (NGW-3): unreachable. The SMT engine re-entered the network only for the
/// public addresses of the question's receivers and took every other one (here the Elastic IP)
/// for an external host: reachable. Fixed in the encoder (`onto_internet`).
#[test]
fn r_hairpin_to_a_nat_gateway_elastic_ip() {
    let net = fixture("hairpin-to-a-nat-gateway-elastic-ip");
    assert_pinned(
        &net,
        tcp("10.0.1.11", 49152, "54.0.1.11", 443),
        false,
        Kind::Unreachable,
    );
    assert_pinned(&net, tcp("10.0.1.11", 49152, "54.0.1.11", 443), true, Kind::Unreachable);
}

/// A propagated route inside a static route inside the local route. The simulator takes the
/// propagated route out of the race because a local route matches (RT-8) and the static /24 wins:
/// reachable on premises. The SMT engine's pairwise preference was not transitive (static /24 <
/// propagated /25 by length, propagated < local by RT-8, local < static /24 by length), so no
/// route was selected and the path vanished: unreachable with 0 paths. Fixed in the encoder
/// (`route::selection`: RT-8 decides who is in the race, then a strict total order).
#[test]
fn r_propagated_route_inside_local_and_static() {
    let net = fixture("propagated-route-inside-local-and-static");
    let p = tcp("10.0.2.11", 49152, "10.0.1.10", 443);
    assert_pinned(&net, p, false, Kind::Reachable);
    assert_pinned(&net, p, true, Kind::Reachable);
    assert_question(&net, "eni-1", "10.0.1.0/24", Some(proto::TCP), false);
}

/// A source block that covers an interface by its public address and external hosts too. The
/// simulator delivers the interface's packets (from its private address) to the instance next
/// to it. The SMT engine's packet space required every source to lie in the external block, so
/// the interface start was impossible: unreachable with 0 paths. Fixed in the encoder (the
/// external hosts' set constrains the external starts only).
#[test]
fn r_block_source_covering_a_public_address() {
    let net = fixture("block-source-covering-a-public-address");
    let ix = NetworkIndex::new(&net);
    let from = vpcverify::query::resolve(&net, &ix, "54.0.0.0/8", vpcverify::query::Role::Source).unwrap();
    let to = vpcverify::query::resolve(&net, &ix, "i-2", vpcverify::query::Role::Destination).unwrap();
    let q = crate::differential::oracle::question(&from, &to, vec![IpFamily::V4], None, None, None, false);
    let answer = vpcverify::smt::solve(&net, &ix, &q);
    assert_eq!(
        crate::differential::oracle::smt_kind(&answer),
        Kind::Reachable,
        "{answer:?}"
    );
    assert_question(&net, "54.0.0.0/8", "i-2", None, false);
    let p = Packet::other(50, ip("10.0.1.11"), ip("10.0.1.12"));
    assert_pinned(&net, p, false, Kind::Reachable);
}

/// A request from the internet to an address no internet gateway maps. The simulator drops it
/// on the internet: it enters only the VPC whose gateway maps its destination (SEMANTICS.md §4).
/// The SMT engine entered every VPC's internet gateway, one of which has a gateway route table,
/// and answered unknown. Fixed in the encoder (`start_external` enters a VPC only for the
/// destinations its gateway maps, or its private addresses, which the simulator takes there).
#[test]
fn r_internet_enters_only_where_its_destination_is_mapped() {
    let net = fixture("internet-enters-only-where-its-destination-is-mapped");
    assert_pinned(
        &net,
        tcp("93.184.216.34", 49152, "192.168.0.10", 443),
        false,
        Kind::Unreachable,
    );
    assert_question(&net, "internet", "192.168.0.0/24", Some(proto::TCP), false);
    // Still unknown where the gateway route table is on the path: into the VPC by its public IP.
    assert_pinned(
        &net,
        tcp("93.184.216.34", 49152, "54.0.0.11", 443),
        false,
        Kind::Unknown,
    );
}

/// A group rule naming a prefix list whose entries are not in the input. The simulator allows a
/// packet some other rule allows, answers unknown only when no other rule does and the rule's
/// protocol and ports match, and denies otherwise (SEMANTICS.md §7: allowed iff some rule
/// matches). The SMT engine made every path through the group unknown. Fixed in the encoder
/// (`filter::groups_allow` returns what the known rules allow and when the unknown ones might).
#[test]
fn r_group_rule_with_unknown_prefix_list() {
    let net = fixture("group-rule-with-unknown-prefix-list");
    assert_pinned(&net, tcp("10.0.1.11", 49152, "10.0.1.12", 443), false, Kind::Reachable);
    assert_pinned(
        &net,
        tcp("93.184.216.34", 49152, "54.0.0.12", 443),
        false,
        Kind::Unknown,
    );
    assert_pinned(
        &net,
        tcp("93.184.216.34", 49152, "54.0.0.12", 22),
        false,
        Kind::Unreachable,
    );
    assert_question(&net, "i-1", "i-2", None, false);
    assert_question(&net, "internet", "i-2", Some(proto::TCP), false);
}

/// An internet gateway with a gateway route table, on the way out. The simulator answers
/// unknown (SEMANTICS.md §5.2, outbound step 2, before the public-address check). The SMT
/// engine checked gateway route tables only on the way in: reachable from an interface with a
/// public IPv4, unreachable (IGW-5) from one without. Fixed in the encoder (`igw_out`).
#[test]
fn r_gateway_route_table_on_the_way_out() {
    let net = fixture("gateway-route-table-on-the-way-out");
    assert_pinned(&net, tcp("10.0.1.11", 49152, "93.184.216.34", 443), true, Kind::Unknown);
    assert_pinned(&net, tcp("10.0.1.12", 49152, "93.184.216.34", 443), true, Kind::Unknown);
    assert_question(&net, "eni-1", "internet", None, true);
}

/// A destination AWS never forwards (RT-9), through a table with a route to a prefix list whose
/// entries are unknown. The simulator drops it (SEMANTICS.md §6 step 1 comes first); the SMT
/// engine asked for the candidates first and answered unknown. Fixed in the encoder (`route`
/// checks RT-9 before the candidates).
#[test]
fn r_never_forwarded_before_unknown_prefix_list() {
    let net = fixture("never-forwarded-before-unknown-prefix-list");
    // 169.254.168.10: the range, but no link-local service (those are LL-1, before routing).
    let p = Packet::with_ports(proto::UDP, ip("10.0.1.11"), 49152, ip("169.254.168.10"), 53);
    assert_pinned(&net, p, true, Kind::Unreachable);
    let table = net.route_tables.get(&RouteTableId::new("rtb-a-main")).unwrap();
    assert_eq!(
        vpcverify::smt::testing::route_selected_literal(&net, table, &p.dst_ip),
        vpcverify::smt::testing::RouteLiteral::NeverForwarded
    );
}

/// A propagated route to a prefix list whose entry is more specific than the local route. The
/// simulator takes it out of the race (RT-8: a propagated route never wins over a matching local
/// route); the encoder ranked every prefix-list route as such, never as propagated, so the entry
/// won. SEMANTICS.md §6 does not name the case (propagation yields CIDR routes); origin decides,
/// as for CIDR routes. Fixed in the encoder (`route::candidates`).
#[test]
fn r_propagated_prefix_list_route() {
    let net = fixture("propagated-prefix-list-route");
    assert_pinned(&net, tcp("10.0.2.11", 49152, "10.0.1.12", 443), false, Kind::Reachable);
    let table = net.route_tables.get(&RouteTableId::new("rtb-a-main")).unwrap();
    let local = table
        .routes
        .iter()
        .position(|r| r.target == RouteTarget::Local)
        .unwrap();
    assert_eq!(
        vpcverify::smt::testing::route_selected_literal(&net, table, &ip("10.0.1.12")),
        vpcverify::smt::testing::RouteLiteral::Route(local)
    );
}

/// An address inside a VPC block that no interface holds, which a route sends on premises. The
/// simulator delivers a packet to it; `query` resolved the endpoint to nothing (addresses inside
/// a VPC were never external hosts) and answered unreachable for want of an address family, and
/// `trace` refused it. DESIGN.md §2: an address no interface holds is an external host reached
/// through whatever gateway routes it. Fixed in `query::endpoint` (`by_block`), not in either
/// interpreter: the disagreement was between `query` and `trace`.
#[test]
fn r_unheld_address_in_a_vpc_is_an_external_host() {
    use vpcverify::query::engine::run;
    use vpcverify::query::{External, VerdictKind};
    let net = fixture("unheld-address-in-a-vpc");
    let ix = NetworkIndex::new(&net);
    let to = vpcverify::query::resolve(&net, &ix, "10.0.1.7", vpcverify::query::Role::Destination).unwrap();
    assert!(matches!(to.external, Some(External::Block(_))), "{to:?}");
    let ask = |to: &str| run(&net, &ix, &tcp_question("eni-1", to, 443)).unwrap().verdict;
    assert_eq!(ask("10.0.1.7").verdict, VerdictKind::Reachable);
    let own_subnet = ask("10.0.3.7");
    assert_eq!(own_subnet.verdict, VerdictKind::Unreachable);
    assert_eq!(own_subnet.blocked[0].code, "NO_POSSIBLE_DESTINATION");
    assert_pinned(&net, tcp("10.0.3.11", 49152, "10.0.1.7", 443), false, Kind::Reachable);
    assert_question(&net, "eni-1", "10.0.1.7", Some(proto::TCP), false);
}

/// A private NAT gateway routed to a public NAT gateway (chained). The SMT engine lets the first
/// one's translated packets through the second (their source is an address of the VPC); the
/// simulator dropped them (NGW-7), accepting only sources held by a network interface of the VPC,
/// though a NAT gateway has its own (NGW-6) and the simulator counts it for GWE-7 and VGW-3.
/// `query` then reported an internal inconsistency. Fixed in the simulator (`nat_request`);
/// SEMANTICS.md §5.3 step 2 says so now.
#[test]
fn r_chained_nat_gateways() {
    use vpcverify::query::VerdictKind;
    use vpcverify::query::engine::run;
    let net = fixture("chained-nat-gateways");
    let p = tcp("10.0.1.11", 49152, "93.184.216.34", 443);
    assert_pinned(&net, p, false, Kind::Reachable);
    assert_pinned(&net, p, true, Kind::Reachable);
    assert_question(&net, "eni-1", "internet", None, false);
    let ix = NetworkIndex::new(&net);
    let spec = tcp_question("eni-1", "internet", 443);
    assert_eq!(run(&net, &ix, &spec).unwrap().verdict.verdict, VerdictKind::Reachable);
}

/// An interface's packet to its own public IPv4, routed to a NAT gateway whose subnet routes it
/// to a virtual private gateway (60,000-case soak of property (a)). The simulator delivered it to
/// an "on-premises host" at that address and answered unknown on the reply's way back (a transit
/// gateway route); the SMT engine ended the path there, since a delivery on premises is not one
/// to the interface: unreachable with 0 paths. Neither was documented: the virtual private
/// gateway routes only prefixes its VPN knows (not in the input), and only on-premises routing
/// could bring the packet back. SEMANTICS.md §5.8 VGW-5: a destination of the modelled network
/// sent on premises answers unknown at the gateway. Fixed in both interpreters (`vgw_out`).
#[test]
fn r_own_public_address_through_a_nat_gateway_and_a_vpn_gateway() {
    let net = fixture("own-public-address-through-a-nat-gateway-and-a-vpn-gateway");
    let ix = NetworkIndex::new(&net);
    let packets = [
        tcp("10.0.1.13", 49152, "54.0.0.13", 0),
        Packet::with_ports(proto::UDP, ip("10.0.1.13"), 49152, ip("54.0.0.13"), 53),
        Packet::icmp(proto::ICMP, ip("10.0.1.13"), ip("54.0.0.13"), 8, 0),
    ];
    for p in packets {
        for one_way in [false, true] {
            assert_pinned(&net, p, one_way, Kind::Unknown);
        }
        // The simulator stops at the gateway, naming it.
        let t = vpcverify::sim::trace(&net, &ix, vpcverify::sim::Start::Interface("eni-3".into()), p, false);
        match t.status() {
            vpcverify::sim::Status::Unknown { component, reason } => {
                assert_eq!(component, "vgw-a", "{t:#?}");
                assert!(reason.contains("VGW-5"), "{reason}");
            }
            s => panic!("{s:?}"),
        }
        // The SMT engine's cause names it too.
        let (from, to) = crate::differential::agree::pinned_endpoints(&net, &ix, &p).unwrap();
        let (dst_ports, src_ports) = crate::differential::oracle::pinned_ports(&p);
        let q = crate::differential::oracle::question(
            &from,
            &to,
            vec![IpFamily::V4],
            Some(p.protocol),
            dst_ports,
            src_ports,
            false,
        );
        match vpcverify::smt::solve(&net, &ix, &q) {
            vpcverify::smt::Answer::Unknown { causes, .. } => {
                assert!(
                    causes.iter().any(|(id, why)| id == "vgw-a" && why.contains("VGW-5")),
                    "{causes:?}"
                )
            }
            a => panic!("{a:?}"),
        }
    }
    // A NAT gateway carries TCP, UDP and ICMP only (NGW-4): GRE never gets as far as vgw-a.
    let gre = Packet::other(47, ip("10.0.1.13"), ip("54.0.0.13"));
    assert_pinned(&net, gre, true, Kind::Unreachable);
    // A host on premises is still reached, and answers (its reply is routed to tgw-a: unknown).
    assert_pinned(
        &net,
        tcp("10.0.1.13", 49152, "192.168.0.10", 443),
        true,
        Kind::Reachable,
    );
    assert_pinned(&net, tcp("10.0.1.13", 49152, "192.168.0.10", 443), false, Kind::Unknown);
    assert_question(&net, "eni-3", "54.0.0.13", None, false);
}

/// A reply that crosses the internet into a VPC whose only gateway is egress-only, while its
/// request went over a peering connection. The simulator drops it at the egress-only gateway
/// (V6-1: only replies to connections initiated from inside, through it); the SMT engine let
/// any reply in there: reachable. Fixed in the encoder (`onto_internet`).
#[test]
fn r_reply_over_the_internet_into_an_egress_only_gateway() {
    let net = fixture("reply-over-the-internet-into-an-egress-only-gateway");
    let p = tcp("2600:1f18:0:1::10", 49152, "2600:1f18:1:2::e", 443);
    assert_pinned(&net, p, false, Kind::Unreachable);
    // The request alone gets there, over the peering connection.
    assert_pinned(&net, p, true, Kind::Reachable);
    assert_question(&net, "eni-1", "eni-2", None, false);
}

/// Runs `query` on a fixture; an internal inconsistency (the simulator not confirming an
/// example) fails the test. Returns the verdict.
fn query_fixture(net: &Network, from: &str, to: &str) -> vpcverify::query::Verdict {
    use vpcverify::query::engine::{ProtocolChoice, QuerySpec, run};
    let ix = NetworkIndex::new(net);
    let spec = QuerySpec {
        from: from.into(),
        to: to.into(),
        protocol: ProtocolChoice::All,
        port: None,
        src_port: None,
        one_way: false,
        want_proof: false,
        budget: None,
        through: Vec::new(),
        avoid: Vec::new(),
    };
    run(net, &ix, &spec).unwrap_or_else(|e| panic!("{e}")).verdict
}

/// Found by property (e): `eni-2` sends to `eni-1`'s public address, which the route table sends
/// to `eni-1` itself (a next hop without groups, so it admits nothing, SG-1). The SMT engine's
/// path goes round the loop and names the 17th lookup (`ROUTING_LOOP` at `rtb-1`) with an
/// example packet chosen without the path's checks; the simulator drops that packet at `eni-1`
/// after crossing `rtb-1` once, which the replay (SOLVE-6) took for a drop after the entry: an
/// internal inconsistency. The example of a drop now must get past every check on the way; when
/// none does, the drop is named without one.
#[test]
fn r_routing_loop_behind_a_group_that_admits_nothing() {
    let net = fixture("routing-loop-behind-a-group-that-admits-nothing");
    let v = query_fixture(&net, "eni-2", "eni-1");
    assert_eq!(v.verdict, vpcverify::query::VerdictKind::Unreachable, "{v:#?}");
    assert!(
        v.blocked
            .iter()
            .any(|b| b.id == "eni-1" && b.rule == "no security groups"),
        "{v:#?}"
    );
}

/// Found by property (e): `eni-2` sends to its own public address; the request leaves through
/// its group `sg-a-default` (egress allows all) and the subnet's ACL drops it. The SMT engine
/// names `sg-a-default` inbound (the hairpin's way back in) with an example the simulator drops
/// at the ACL after the group's *egress* hop, which the replay (SOLVE-6) took for the entry:
/// an internal inconsistency. The replay now matches the entry's direction too.
#[test]
fn r_hairpin_to_own_public_address_egress_then_ingress() {
    let net = fixture("hairpin-to-own-public-address-egress-then-ingress");
    let v = query_fixture(&net, "subnet-1", "subnet-1");
    assert_eq!(v.verdict, vpcverify::query::VerdictKind::Unreachable, "{v:#?}");
    assert!(
        v.blocked
            .iter()
            .any(|b| b.id == "sg-a-default" && b.direction == Some(Direction::Inbound)),
        "{v:#?}"
    );
}
