//! The simulator, one named test per rule id of SEMANTICS.md it implements.
//! Each builds a small network and asserts the verdict and, for drops, the component and rule.

use crate::common::*;
use vpcverify::model::{ComponentKind as K, Direction, proto};
use vpcverify::sim::{LegOutcome, Place, Status, nat_port};

/// The lab with the public subnet's ACL also allowing inbound replies (tcp 1024-65535).
fn open_lab() -> Net {
    lab().acl_entry("acl-public", 130, "in", "allow", "tcp", "1024-65535", "0.0.0.0/0")
}

// ---------------------------------------------------------------- §1 connections

#[test]
fn s1_reply_swaps_addresses_and_ports() {
    let n = open_lab().build();
    let t = n.trace_internet(tcp(HOST, 49152, "54.0.0.10", 80));
    assert_reachable(&t);
    let reply = t.reply.as_ref().unwrap();
    assert_eq!(reply.packet, tcp("10.0.1.10", 80, HOST, 49152));
    match &reply.outcome {
        LegOutcome::Delivered { at, packet } => {
            assert_eq!(
                at,
                &Place::Internet {
                    gateway: "igw-lab".into()
                }
            );
            assert_eq!(packet, &tcp("54.0.0.10", 80, HOST, 49152));
        }
        o => panic!("{o:?}"),
    }
}

#[test]
fn s1_icmp_echo_is_answered_other_icmp_needs_one_way() {
    let n = lab().sg_in("sg-web", "icmp", "", "10.0.0.0/16").build();
    // Same subnet, so no ACL is involved.
    let n2 = Net { net: n.net.clone() }
        .eni("eni-peer", "subnet-public", "10.0.1.11", &["sg-web"])
        .build();
    let t = n2.trace_eni("eni-peer", ping("10.0.1.11", "10.0.1.10"));
    assert_reachable(&t);
    assert_eq!(t.reply.as_ref().unwrap().packet.icmp_type, 0);
    let unreachable_msg = vpcverify::model::Packet::icmp(
        proto::ICMP,
        "10.0.1.11".parse().unwrap(),
        "10.0.1.10".parse().unwrap(),
        3,
        4,
    );
    let t = n2.trace_eni("eni-peer", unreachable_msg);
    assert!(matches!(t.status(), Status::Unknown { .. }), "{t:#?}");
    assert_reachable(&n2.trace_eni_one_way("eni-peer", unreachable_msg));
}

// ---------------------------------------------------------------- §7 network ACLs

#[test]
fn nacl_4_first_match_by_rule_number() {
    // Rule 90 denies what rule 100 allows; entries listed out of order.
    let n = open_lab()
        .acl_entry("acl-public", 90, "in", "deny", "tcp", "80", "203.0.113.0/24")
        .build();
    let t = n.trace_internet(tcp("203.0.113.7", 49152, "54.0.0.10", 80));
    let b = assert_blocked(&t, "acl-public", K::NetworkAcl, "90");
    assert_eq!(b.direction, Some(Direction::Inbound));
    assert_eq!(b.code, "SUBNET_ACL_RESTRICTION");
    // Another source is not denied by 90 and reaches rule 100.
    assert_reachable(&n.trace_internet(tcp(HOST, 49152, "54.0.0.10", 80)));
}

#[test]
fn nacl_4_default_deny_without_star_entry() {
    let n = lab().build();
    let t = n.trace_internet(tcp(HOST, 49152, "54.0.0.10", 8080));
    let b = assert_blocked(&t, "acl-public", K::NetworkAcl, "*");
    assert_eq!(b.direction, Some(Direction::Inbound));
    assert!(t.request.hops.iter().all(|h| h.id != "eni-web"));
}

#[test]
fn nacl_5_ports_are_destination_ports() {
    // Inbound rule 100 allows tcp 80: the request's destination port. The reply's destination port
    // is the client's ephemeral port: the outbound rule 120 (1024-65535) must allow it.
    let n = lab().build();
    let t = n.trace_internet(tcp(HOST, 80, "54.0.0.10", 80));
    // Reply to port 80 is allowed outbound by rule 100 (tcp 80), not by the ephemeral rule.
    assert_reachable(&t);
    let out = t
        .reply
        .as_ref()
        .unwrap()
        .hops
        .iter()
        .find(|h| h.id == "acl-public")
        .unwrap();
    assert_eq!(out.rule.as_deref(), Some("100"));
    let t = n.trace_internet(tcp(HOST, 1000, "54.0.0.10", 80));
    let b = assert_blocked(&t, "acl-public", K::NetworkAcl, "*");
    assert_eq!(b.direction, Some(Direction::Outbound));
}

#[test]
fn nacl_7_ipv4_entries_never_match_ipv6() {
    let n = Net::new()
        .vpc("vpc-a", "10.0.0.0/16")
        .vpc_v6("vpc-a", "2600:1f18:1:100::/56")
        .subnet("subnet-a", "vpc-a", "10.0.1.0/24")
        .subnet_v6("subnet-a", "2600:1f18:1:101::/64")
        .subnet("subnet-b", "vpc-a", "10.0.2.0/24")
        .subnet_v6("subnet-b", "2600:1f18:1:102::/64")
        .acl("acl-b", "vpc-a", &["subnet-b"])
        .acl_entry("acl-b", 100, "in", "allow", "all", "", "0.0.0.0/0")
        .acl_entry("acl-b", 100, "out", "allow", "all", "", "0.0.0.0/0")
        .eni("eni-a", "subnet-a", "10.0.1.10", &["sg-a-default"])
        .eni_v6("eni-a", "2600:1f18:1:101::10")
        .eni("eni-b", "subnet-b", "10.0.2.10", &["sg-a-default"])
        .eni_v6("eni-b", "2600:1f18:1:102::10")
        .build();
    assert_reachable(&n.trace_eni("eni-a", tcp("10.0.1.10", 49152, "10.0.2.10", 22)));
    let t = n.trace_eni("eni-a", tcp("2600:1f18:1:101::10", 49152, "2600:1f18:1:102::10", 22));
    assert_blocked(&t, "acl-b", K::NetworkAcl, "*");
}

#[test]
fn nacl_8_same_subnet_bypasses_acl() {
    // A deny-all ACL and a route table without a useful route: same-subnet traffic passes (J25).
    let n = Net::new()
        .vpc("vpc-a", "10.0.0.0/16")
        .subnet("subnet-a", "vpc-a", "10.0.1.0/24")
        .acl("acl-deny", "vpc-a", &["subnet-a"])
        .eni("eni-1", "subnet-a", "10.0.1.10", &["sg-a-default"])
        .eni("eni-2", "subnet-a", "10.0.1.11", &["sg-a-default"])
        .build();
    let t = n.trace_eni("eni-1", tcp("10.0.1.10", 49152, "10.0.1.11", 5432));
    assert_reachable(&t);
    assert!(
        t.request
            .hops
            .iter()
            .all(|h| h.kind != K::NetworkAcl && h.kind != K::RouteTable)
    );
    assert_eq!(
        hop_ids(&t.request.hops),
        ["eni-1", "sg-a-default", "subnet-a", "sg-a-default", "eni-2"]
    );
}

#[test]
fn nacl_9_reply_needs_its_own_acl_rule() {
    // The request passes; the web server's reply to the NAT gateway's ephemeral port is denied by
    // the public subnet's inbound ACL (the tutorial's finding).
    let n = lab().build();
    let t = n.trace_eni("eni-web", tcp("10.0.1.10", 49152, HOST, 443));
    assert!(matches!(t.request.outcome, LegOutcome::Delivered { .. }));
    let b = assert_blocked(&t, "acl-public", K::NetworkAcl, "*");
    assert_eq!(b.direction, Some(Direction::Inbound));
    assert_reachable(&n.trace_eni_one_way("eni-web", tcp("10.0.1.10", 49152, HOST, 443)));
}

// ---------------------------------------------------------------- §7 security groups

#[test]
fn sg_1_interface_without_groups_allows_nothing() {
    let n = open_lab().eni("eni-bare", "subnet-public", "10.0.1.30", &[]).build();
    let t = n.trace_eni("eni-bare", tcp("10.0.1.30", 49152, "10.0.1.10", 80));
    let b = assert_blocked(&t, "eni-bare", K::NetworkInterface, "SG-1");
    assert_eq!(b.direction, Some(Direction::Outbound));
}

#[test]
fn sg_1a_network_load_balancer_without_groups_filters_nothing() {
    // An internet-facing NLB created without security groups (describe-network-interfaces:
    // `InterfaceType` `network_load_balancer`, `Groups` [], `RequesterManaged` true).
    let n = open_lab()
        .eni("eni-nlb", "subnet-public", "10.0.1.50", &[])
        .managed("eni-nlb", "network_load_balancer", true)
        .public_ip("eni-nlb", "54.0.0.50")
        .build();
    // Inbound from the internet, both ways, on any port the ACL lets through.
    let t = n.trace_internet(tcp(HOST, 49152, "54.0.0.50", 443));
    assert_reachable(&t);
    assert!(
        t.request
            .hops
            .iter()
            .any(|h| h.id == "eni-nlb" && h.rule.as_deref() == Some("SG-1a")),
        "{t:#?}"
    );
    // Outbound from the load balancer to a target.
    assert_reachable(&n.trace_eni("eni-nlb", tcp("10.0.1.50", 49152, "10.0.1.10", 80)));
    // The network ACL still applies: acl-public admits no tcp 25.
    let t = n.trace_internet(tcp(HOST, 49152, "54.0.0.50", 25));
    assert_blocked(&t, "acl-public", K::NetworkAcl, "*");
}

#[test]
fn sg_1a_network_load_balancer_with_groups_is_filtered_by_them() {
    let n = open_lab()
        .eni("eni-nlb", "subnet-public", "10.0.1.50", &["sg-web"])
        .managed("eni-nlb", "network_load_balancer", true)
        .public_ip("eni-nlb", "54.0.0.50")
        .build();
    assert_reachable(&n.trace_internet(tcp(HOST, 49152, "54.0.0.50", 443)));
    // acl-public admits tcp 22; sg-web does not.
    let t = n.trace_internet(tcp(HOST, 49152, "54.0.0.50", 22));
    assert_blocked(&t, "sg-web", K::SecurityGroup, "sg-web");
}

#[test]
fn sg_1b_managed_interface_without_groups_is_unknown() {
    // A Lambda interface and a requester-managed `interface` without groups: not settled.
    for (kind, managed) in [("lambda", true), ("interface", true), ("gateway_load_balancer", false)] {
        let n = open_lab()
            .eni("eni-fn", "subnet-private", "10.0.2.30", &[])
            .managed("eni-fn", kind, managed)
            .build();
        assert_unknown(
            &n.trace_eni("eni-web", tcp("10.0.1.10", 49152, "10.0.2.30", 443)),
            "eni-fn",
        );
        assert_unknown(
            &n.trace_eni("eni-fn", tcp("10.0.2.30", 49152, "10.0.1.10", 443)),
            "eni-fn",
        );
    }
}

#[test]
fn sg_4_union_of_groups() {
    // sg-db allows 3306 from sg-web only; a second group on the database allows 5432 from the VPC.
    let n = open_lab()
        .sg("sg-extra", "vpc-lab")
        .sg_in("sg-extra", "tcp", "5432", "10.0.0.0/16")
        .eni("eni-db2", "subnet-private", "10.0.2.21", &["sg-db", "sg-extra"])
        .build();
    let t = n.trace_eni("eni-web", tcp("10.0.1.10", 49152, "10.0.2.21", 5432));
    assert_reachable(&t);
    assert!(
        t.request
            .hops
            .iter()
            .any(|h| h.id == "sg-extra" && h.direction == Some(Direction::Inbound))
    );
    let t = n.trace_eni("eni-web", tcp("10.0.1.10", 49152, "10.0.2.21", 6379));
    let b = assert_blocked(&t, "sg-db", K::SecurityGroup, "sg-db, sg-extra");
    assert_eq!(b.code, "ENI_SG_RULES_MISMATCH");
}

#[test]
fn sg_7_group_reference_matches_private_ips_only() {
    // sg-db allows 3306 from sg-web: the web server's private address matches...
    let n = open_lab().build();
    assert_reachable(&n.trace_eni("eni-web", tcp("10.0.1.10", 49152, "10.0.2.20", 3306)));
    // ...but a host in the VPC without sg-web does not, and neither does the web server's public
    // address arriving through the internet gateway (hairpin to a public database address).
    let n = open_lab()
        .eni("eni-other", "subnet-public", "10.0.1.40", &["sg-a"])
        .sg("sg-a", "vpc-lab")
        .sg_out("sg-a", "all", "", "0.0.0.0/0")
        .public_ip("eni-db", "54.0.0.20")
        .build();
    let t = n.trace_eni("eni-other", tcp("10.0.1.40", 49152, "10.0.2.20", 3306));
    assert_blocked(&t, "sg-db", K::SecurityGroup, "sg-db");
    let t = n.trace_eni("eni-web", tcp("10.0.1.10", 49152, "54.0.0.20", 3306));
    let b = assert_blocked(&t, "sg-db", K::SecurityGroup, "sg-db");
    assert_eq!(b.direction, Some(Direction::Inbound));
}

#[test]
fn sg_8_prefix_list_peer() {
    let n = open_lab()
        .prefix_list("pl-corp", "corp", &["198.18.0.0/15"], true)
        .sg_in("sg-web", "tcp", "22", "pl-corp")
        .acl_entry("acl-public", 140, "in", "allow", "tcp", "22", "0.0.0.0/0")
        .build();
    // 198.18.0.0/15 is benchmarking space: fine as a source for this test.
    assert_reachable(&n.trace_internet(tcp("198.18.1.1", 49152, "54.0.0.10", 22)));
    assert_blocked(
        &n.trace_internet(tcp(HOST, 49152, "54.0.0.10", 22)),
        "sg-web",
        K::SecurityGroup,
        "sg-web",
    );
    // Entries not in the input: unknown, unless another rule allows.
    let n = open_lab()
        .prefix_list("pl-corp", "corp", &[], false)
        .sg_in("sg-web", "tcp", "22", "pl-corp")
        .build();
    assert_unknown(&n.trace_internet(tcp(HOST, 49152, "54.0.0.10", 22)), "pl-corp");
    assert_reachable(&n.trace_internet(tcp(HOST, 49152, "54.0.0.10", 80)));
}

#[test]
fn sg_11_reply_tracked() {
    // sg-web allows nothing outbound: the request from the internet is admitted inbound and the
    // reply leaves without any outbound rule (tracked connection).
    let mut lab = open_lab();
    lab.net
        .security_groups
        .get_mut(&"sg-web".into())
        .unwrap()
        .egress
        .clear();
    let n = lab.build();
    let t = n.trace_internet(tcp(HOST, 49152, "54.0.0.10", 443));
    assert_reachable(&t);
    let sg = t
        .reply
        .as_ref()
        .unwrap()
        .hops
        .iter()
        .find(|h| h.id == "sg-web")
        .unwrap();
    assert_eq!(sg.rule.as_deref(), Some("SG-11"));
    // The same server cannot start a connection.
    let t = n.trace_eni("eni-web", tcp("10.0.1.10", 49152, HOST, 443));
    let b = assert_blocked(&t, "sg-web", K::SecurityGroup, "sg-web");
    assert_eq!(b.direction, Some(Direction::Outbound));
}

#[test]
fn j14_reference_to_missing_group_matches_nothing() {
    let n = open_lab().sg_in("sg-db", "tcp", "6379", "sg-gone").build();
    let t = n.trace_eni("eni-web", tcp("10.0.1.10", 49152, "10.0.2.20", 6379));
    assert_blocked(&t, "sg-db", K::SecurityGroup, "sg-db");
}

// ---------------------------------------------------------------- §6 routes

/// Two VPC subnets and a third "far" subnet used as appliance / gateway space.
fn routing_net() -> Net {
    Net::new()
        .vpc("vpc-a", "10.0.0.0/16")
        .subnet("subnet-a", "vpc-a", "10.0.1.0/24")
        .igw("igw-a", "vpc-a")
        .route_table("rtb-a", "vpc-a", &["subnet-a"])
        .eni("eni-a", "subnet-a", "10.0.1.10", &["sg-a-default"])
        .public_ip("eni-a", "54.0.1.10")
        // On premises: the corporate block, and 93.184.216.0/24 learnt over BGP (ONP-1), so that a
        // route sending it to the gateway is carried.
        .vgw("vgw-a", "vpc-a", &["192.168.0.0/16", "93.184.216.0/24"])
}

#[test]
fn rt_11_longest_prefix_wins() {
    let n = routing_net()
        .route("rtb-a", "0.0.0.0/0", "igw-a")
        .route("rtb-a", "93.184.216.0/24", "vgw-a")
        .build();
    let t = n.trace_eni_one_way("eni-a", tcp("10.0.1.10", 49152, HOST, 443));
    assert_reachable(&t);
    let rt = t.request.hops.iter().find(|h| h.id == "rtb-a").unwrap();
    assert_eq!(rt.rule.as_deref(), Some("93.184.216.0/24 -> vgw-a"));
    let t = n.trace_eni_one_way("eni-a", tcp("10.0.1.10", 49152, "93.184.217.1", 443));
    assert!(matches!(
        &t.request.outcome,
        LegOutcome::Delivered { at: Place::Internet { gateway }, .. } if gateway == "igw-a"
    ));
}

#[test]
fn rt_8_local_beats_propagated() {
    // A propagated route more specific than the local route never wins.
    let n = routing_net()
        .subnet("subnet-b", "vpc-a", "10.0.2.0/24")
        .eni("eni-b", "subnet-b", "10.0.2.10", &["sg-a-default"])
        .propagated_route("rtb-a", "10.0.2.0/24", "vgw-a")
        .build();
    let t = n.trace_eni("eni-a", tcp("10.0.1.10", 49152, "10.0.2.10", 22));
    assert_reachable(&t);
    let rt = t.request.hops.iter().find(|h| h.id == "rtb-a").unwrap();
    assert_eq!(rt.rule.as_deref(), Some("10.0.0.0/16 -> local"));
}

#[test]
fn rt_12_static_beats_propagated_on_equal_prefix() {
    let n = routing_net()
        .propagated_route("rtb-a", "93.184.216.0/24", "vgw-a")
        .route("rtb-a", "93.184.216.0/24", "igw-a")
        .build();
    let t = n.trace_eni_one_way("eni-a", tcp("10.0.1.10", 49152, HOST, 443));
    let rt = t.request.hops.iter().find(|h| h.id == "rtb-a").unwrap();
    assert_eq!(rt.rule.as_deref(), Some("93.184.216.0/24 -> igw-a"));
}

#[test]
fn rt_13_prefix_list_route() {
    // A prefix-list route acts as one route per entry: its /24 beats 0.0.0.0/0 (RT-11), and a
    // static route of the same prefix beats it (RT-12, J6).
    let n = routing_net()
        .prefix_list("pl-x", "corp", &["93.184.216.0/24"], true)
        .route("rtb-a", "0.0.0.0/0", "igw-a")
        .route("rtb-a", "pl-x", "vgw-a")
        .build();
    let t = n.trace_eni_one_way("eni-a", tcp("10.0.1.10", 49152, HOST, 443));
    let rt = t.request.hops.iter().find(|h| h.id == "rtb-a").unwrap();
    assert_eq!(rt.rule.as_deref(), Some("pl-x (93.184.216.0/24) -> vgw-a"));
    let n = Net { net: n.net.clone() }
        .route("rtb-a", "93.184.216.0/24", "igw-a")
        .build();
    let t = n.trace_eni_one_way("eni-a", tcp("10.0.1.10", 49152, HOST, 443));
    let rt = t.request.hops.iter().find(|h| h.id == "rtb-a").unwrap();
    assert_eq!(rt.rule.as_deref(), Some("93.184.216.0/24 -> igw-a"));
}

#[test]
fn rt_13_prefix_list_without_entries_is_unknown() {
    let n = routing_net()
        .prefix_list("pl-x", "corp", &[], false)
        .route("rtb-a", "0.0.0.0/0", "igw-a")
        .route("rtb-a", "pl-x", "vgw-a")
        .build();
    assert_unknown(&n.trace_eni("eni-a", tcp("10.0.1.10", 49152, HOST, 443)), "pl-x");
}

#[test]
fn j7_prefix_list_tie_smaller_id_wins() {
    let n = routing_net()
        .prefix_list("pl-b", "b", &["93.184.216.0/24"], true)
        .prefix_list("pl-a", "a", &["93.184.216.0/24"], true)
        .route("rtb-a", "pl-b", "igw-a")
        .route("rtb-a", "pl-a", "vgw-a")
        .build();
    let t = n.trace_eni_one_way("eni-a", tcp("10.0.1.10", 49152, HOST, 443));
    let rt = t.request.hops.iter().find(|h| h.id == "rtb-a").unwrap();
    assert_eq!(rt.rule.as_deref(), Some("pl-a (93.184.216.0/24) -> vgw-a"));
}

#[test]
fn j5_blackhole_drops_no_fallthrough() {
    let n = routing_net()
        .route("rtb-a", "0.0.0.0/0", "igw-a")
        .blackhole("rtb-a", "93.184.216.0/24", "nat-gone")
        .build();
    let t = n.trace_eni("eni-a", tcp("10.0.1.10", 49152, HOST, 443));
    let b = assert_blocked(&t, "rtb-a", K::RouteTable, "93.184.216.0/24");
    // RT-22: the 0/0 route to the internet gateway would carry it; the blackhole is more specific.
    assert_eq!(b.code, "MORE_SPECIFIC_ROUTE");
}

#[test]
fn rt_14a_active_route_to_missing_target_is_unknown() {
    // Incomplete input, not a blackhole: AWS marks a route whose target is gone `blackhole`.
    for target in [
        "nat-gone",
        "tgw-gone",
        "igw-gone",
        "eigw-gone",
        "vgw-gone",
        "pcx-gone",
        "vpce-gone",
        "eni-gone",
        "i-gone",
    ] {
        let n = routing_net().route("rtb-a", "0.0.0.0/0", target).build();
        let t = n.trace_eni("eni-a", tcp("10.0.1.10", 49152, HOST, 443));
        assert_unknown(&t, target);
        let Status::Unknown { reason, .. } = t.status() else {
            unreachable!()
        };
        assert!(
            reason.contains("RT-14a") || reason.contains("not in the input"),
            "{reason}"
        );
    }
    // What the input marks `blackhole` drops.
    let n = routing_net().blackhole("rtb-a", "0.0.0.0/0", "tgw-gone").build();
    let t = n.trace_eni("eni-a", tcp("10.0.1.10", 49152, HOST, 443));
    let b = assert_blocked(&t, "rtb-a", K::RouteTable, "0.0.0.0/0");
    assert_eq!(b.code, "BAD_STATE_ROUTE");
}

#[test]
fn rt_14a_missing_gateway_behind_a_denying_acl_is_dropped_by_the_acl() {
    let n = routing_net()
        .acl("acl-a", "vpc-a", &["subnet-a"])
        .route("rtb-a", "0.0.0.0/0", "tgw-gone")
        .build();
    let t = n.trace_eni("eni-a", tcp("10.0.1.10", 49152, HOST, 443));
    let b = assert_blocked(&t, "acl-a", K::NetworkAcl, "*");
    assert_eq!(b.code, "SUBNET_ACL_RESTRICTION");
    // A NAT gateway target comes before any ACL: unknown.
    let n = routing_net()
        .acl("acl-a", "vpc-a", &["subnet-a"])
        .route("rtb-a", "0.0.0.0/0", "nat-gone")
        .build();
    assert_unknown(&n.trace_eni("eni-a", tcp("10.0.1.10", 49152, HOST, 443)), "nat-gone");
}

#[test]
fn rt_10_no_route_of_the_family() {
    // 0.0.0.0/0 never matches IPv6; IPv6 needs ::/0.
    let n = routing_net()
        .vpc_v6("vpc-a", "2600:1f18:1:100::/56")
        .subnet_v6("subnet-a", "2600:1f18:1:101::/64")
        .eni_v6("eni-a", "2600:1f18:1:101::10")
        .route("rtb-a", "0.0.0.0/0", "igw-a")
        .build();
    let t = n.trace_eni("eni-a", tcp("2600:1f18:1:101::10", 49152, "2606:4700::1", 443));
    let b = assert_blocked(&t, "rtb-a", K::RouteTable, "none");
    assert_eq!(b.code, "NO_ROUTE_TO_DESTINATION");
}

#[test]
fn rt_9_link_local_service_range_never_forwarded() {
    // An address of the range at which no documented service answers (those are LL-1).
    let n = routing_net().route("rtb-a", "0.0.0.0/0", "igw-a").build();
    let t = n.trace_eni("eni-a", udp("10.0.1.10", 49152, "169.254.168.10", 53));
    assert_blocked(&t, "rtb-a", K::RouteTable, "RT-9");
}

/// LL-1: the host's link-local services (Amazon DNS at 169.254.169.253 and at the VPC's primary
/// block + 2, instance metadata, Time Sync) are unknown, before any route or filter (NACL-13).
#[test]
fn ll_1_link_local_services_are_unknown() {
    let n = routing_net().route("rtb-a", "0.0.0.0/0", "igw-a").build();
    for (dst, port) in [
        ("169.254.169.253", 53),
        ("169.254.169.254", 80),
        ("169.254.169.123", 123),
        ("10.0.0.2", 53),
    ] {
        let t = n.trace_eni("eni-a", udp("10.0.1.10", 49152, dst, port));
        assert_unknown(&t, dst);
    }
    // Another address of the VPC that nobody holds is routed as before.
    let t = n.trace_eni("eni-a", udp("10.0.1.10", 49152, "10.0.0.3", 53));
    assert!(matches!(t.status(), Status::Unreachable(_)), "{t:#?}");
}

#[test]
fn rt_5_local_address_in_no_subnet() {
    let n = routing_net().build();
    let t = n.trace_eni("eni-a", tcp("10.0.1.10", 49152, "10.0.200.5", 22));
    let b = assert_blocked(&t, "vpc-a", K::Vpc, "RT-5");
    assert_eq!(b.code, "NO_POSSIBLE_DESTINATION");
}

#[test]
fn j25_same_subnet_unused_address_has_no_destination() {
    let n = routing_net().build();
    let t = n.trace_eni("eni-a", tcp("10.0.1.10", 49152, "10.0.1.255", 22));
    assert_blocked(&t, "subnet-a", K::Subnet, "J25");
}

#[test]
fn s2_routing_loop_drops_after_16_lookups() {
    // Two appliances, check off, each routing the destination to the other... but they masquerade,
    // so build a loop with a single appliance routing to itself.
    let n = routing_net()
        .subnet("subnet-fw", "vpc-a", "10.0.9.0/24")
        .route_table("rtb-fw", "vpc-a", &["subnet-fw"])
        .eni("eni-fw", "subnet-fw", "10.0.9.10", &["sg-a-default"])
        .check_off("eni-fw")
        .sg_in("sg-a-default", "all", "", "0.0.0.0/0")
        .route("rtb-a", "0.0.0.0/0", "eni-fw")
        .route("rtb-fw", "0.0.0.0/0", "eni-fw")
        .build();
    let t = n.trace_eni("eni-a", tcp("10.0.1.10", 49152, HOST, 443));
    let b = assert_blocked(&t, "rtb-fw", K::RouteTable, "16 lookups");
    assert_eq!(b.code, "ROUTING_LOOP");
}

// ---------------------------------------------------------------- §5.2 internet gateway

#[test]
fn igw_2_one_to_one_translation_both_ways() {
    let n = open_lab().build();
    let t = n.trace_eni("eni-web", tcp("10.0.1.10", 49152, HOST, 443));
    assert_reachable(&t);
    match &t.request.outcome {
        LegOutcome::Delivered { packet, .. } => assert_eq!(packet, &tcp("54.0.0.10", 49152, HOST, 443)),
        o => panic!("{o:?}"),
    }
    let igw_in = t
        .reply
        .as_ref()
        .unwrap()
        .hops
        .iter()
        .find(|h| h.id == "igw-lab")
        .unwrap();
    assert_eq!(igw_in.detail, "destination 54.0.0.10 translated to 10.0.1.10 (IGW-2)");
}

#[test]
fn igw_5_no_public_ip_dropped() {
    let n = open_lab()
        .eni("eni-nopub", "subnet-public", "10.0.1.50", &["sg-web"])
        .build();
    let t = n.trace_eni("eni-nopub", tcp("10.0.1.50", 49152, HOST, 443));
    let b = assert_blocked(&t, "igw-lab", K::InternetGateway, "IGW-5");
    assert_eq!(b.code, "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS");
}

#[test]
fn igw_6_private_destination_dropped() {
    let n = open_lab().build();
    let t = n.trace_eni("eni-web", tcp("10.0.1.10", 49152, "172.16.5.5", 443));
    let b = assert_blocked(&t, "igw-lab", K::InternetGateway, "IGW-6");
    assert_eq!(b.code, "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS");
    assert_eq!(b.direction, Some(Direction::Outbound));
}

#[test]
fn igw_6_private_source_refused_inbound() {
    let n = open_lab().build();
    let t = n.trace_internet(tcp("192.168.1.1", 49152, "54.0.0.10", 80));
    let b = assert_blocked(&t, "igw-lab", K::InternetGateway, "IGW-6");
    assert_eq!(b.code, "IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS");
    // A private destination from the internet has no public mapping.
    let t = n.trace_internet(tcp(HOST, 49152, "10.0.2.20", 3306));
    let b = assert_blocked(&t, "igw-lab", K::InternetGateway, "IGW-6");
    assert_eq!(b.code, "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS");
}

#[test]
fn igw_3_vpc_without_internet_gateway_is_not_entered() {
    let n = open_lab().build();
    let mut net = n.net.clone();
    net.internet_gateways.clear();
    let ix = vpcverify::model::NetworkIndex::new(&net);
    let t = vpcverify::sim::trace(
        &net,
        &ix,
        vpcverify::sim::Start::Internet,
        tcp(HOST, 49152, "54.0.0.10", 80),
        false,
    );
    assert_blocked(&t, "vpc-lab", K::Vpc, "IGW-3");
}

#[test]
fn igw_10_block_public_access_is_unknown() {
    let n = open_lab()
        .unsupported("vpc-lab", "VPC Block Public Access is on, which is not modelled")
        .build();
    assert_unknown(&n.trace_internet(tcp(HOST, 49152, "54.0.0.10", 80)), "vpc-lab");
}

#[test]
fn rt_18_gateway_route_table_is_unknown() {
    let n = open_lab()
        .route_table("rtb-edge", "vpc-lab", &[])
        .edge_associate("rtb-edge", "igw-lab")
        .build();
    assert_unknown(&n.trace_internet(tcp(HOST, 49152, "54.0.0.10", 80)), "rtb-edge");
}

#[test]
fn j13_hairpin_through_internet_gateway() {
    // The web server reaches a second server's public address: out through the internet gateway
    // and back in; the second server sees the web server's public address.
    let n = open_lab()
        .eni("eni-api", "subnet-public", "10.0.1.20", &["sg-web"])
        .public_ip("eni-api", "54.0.0.20")
        .build();
    let t = n.trace_eni("eni-web", tcp("10.0.1.10", 49152, "54.0.0.20", 443));
    assert_reachable(&t);
    match &t.request.outcome {
        LegOutcome::Delivered { at, packet } => {
            assert_eq!(at, &Place::Interface { id: "eni-api".into() });
            assert_eq!(packet, &tcp("54.0.0.10", 49152, "10.0.1.20", 443));
        }
        o => panic!("{o:?}"),
    }
    assert!(
        t.request
            .hops
            .iter()
            .any(|h| h.kind == K::Internet && h.rule.as_deref() == Some("J13"))
    );
}

// ---------------------------------------------------------------- §5.7 egress-only gateway

fn v6_net() -> Net {
    Net::new()
        .vpc("vpc-6", "10.6.0.0/16")
        .vpc_v6("vpc-6", "2600:1f18:6:100::/56")
        .subnet("subnet-6", "vpc-6", "10.6.1.0/24")
        .subnet_v6("subnet-6", "2600:1f18:6:101::/64")
        .eigw("eigw-6", "vpc-6")
        .route("rtb-6-main", "::/0", "eigw-6")
        .sg("sg-6", "vpc-6")
        .sg_out("sg-6", "all", "", "::/0")
        .sg_in("sg-6", "tcp", "22", "::/0")
        .eni("eni-6", "subnet-6", "10.6.1.10", &["sg-6"])
        .eni_v6("eni-6", "2600:1f18:6:101::10")
}

#[test]
fn v6_1_egress_only_gateway_carries_outbound_initiated_only() {
    let n = v6_net().build();
    let t = n.trace_eni("eni-6", tcp("2600:1f18:6:101::10", 49152, "2606:4700::1", 443));
    assert_reachable(&t);
    let hops = hop_ids(&t.reply.as_ref().unwrap().hops);
    assert!(hops.contains(&"eigw-6"), "{hops:?}");
    // From the internet: refused, although the group allows tcp 22 from ::/0.
    let t = n.trace_internet(tcp("2606:4700::1", 49152, "2600:1f18:6:101::10", 22));
    let b = assert_blocked(&t, "eigw-6", K::EgressOnlyInternetGateway, "V6-1");
    assert_eq!(b.direction, Some(Direction::Inbound));
}

#[test]
fn v6_1_a_reply_returns_through_the_gateway_its_request_left_by() {
    // The VPC has both an internet gateway and an egress-only one (§4, §5.7): a reply from the
    // internet comes back in through the one its request went out of.
    let out_by_eigw = v6_net().igw("igw-6", "vpc-6").build();
    let p = tcp("2600:1f18:6:101::10", 49152, "2606:4700::1", 443);
    let t = out_by_eigw.trace_eni("eni-6", p);
    assert_reachable(&t);
    let reply = hop_ids(&t.reply.as_ref().unwrap().hops);
    assert!(reply.contains(&"eigw-6") && !reply.contains(&"igw-6"), "{reply:?}");
    let out_by_igw = v6_net()
        .igw("igw-6", "vpc-6")
        .route_table("rtb-6", "vpc-6", &["subnet-6"])
        .route("rtb-6", "::/0", "igw-6")
        .build();
    let t = out_by_igw.trace_eni("eni-6", p);
    assert_reachable(&t);
    let reply = hop_ids(&t.reply.as_ref().unwrap().hops);
    assert!(reply.contains(&"igw-6") && !reply.contains(&"eigw-6"), "{reply:?}");
}

#[test]
fn v6_2_ipv6_through_internet_gateway_is_not_translated() {
    let n = v6_net()
        .igw("igw-6", "vpc-6")
        .route_table("rtb-6", "vpc-6", &["subnet-6"])
        .route("rtb-6", "::/0", "igw-6")
        .build();
    let t = n.trace_internet(tcp("2606:4700::1", 49152, "2600:1f18:6:101::10", 22));
    assert_reachable(&t);
    match &t.request.outcome {
        LegOutcome::Delivered { packet, .. } => {
            assert_eq!(packet, &tcp("2606:4700::1", 49152, "2600:1f18:6:101::10", 22))
        }
        o => panic!("{o:?}"),
    }
}

#[test]
fn j2_reply_leaving_by_another_gateway_does_not_return() {
    // Requests from the internet enter through the internet gateway; the subnet sends IPv6 replies
    // to the egress-only gateway, which carries only connections initiated from inside.
    let n = v6_net().igw("igw-6", "vpc-6").build();
    let t = n.trace_internet(tcp("2606:4700::1", 49152, "2600:1f18:6:101::10", 22));
    assert!(matches!(t.request.outcome, LegOutcome::Delivered { .. }));
    let b = assert_blocked(&t, "eigw-6", K::EgressOnlyInternetGateway, "V6-1");
    assert_eq!(b.direction, Some(Direction::Outbound));
    // IPv4 over a virtual private gateway for replies to the internet: J2.
    let n = open_lab()
        .vgw("vgw-lab", "vpc-lab", &["192.168.0.0/16"])
        .route("rtb-public", "93.184.216.0/24", "vgw-lab")
        .build();
    let t = n.trace_internet(tcp(HOST, 49152, "54.0.0.10", 80));
    assert_blocked(&t, "vgw-lab", K::VpnGateway, "J2");
}

// ---------------------------------------------------------------- §5.3 NAT gateway

#[test]
fn ngw_2_translation_and_nat_port() {
    let n = open_lab().build();
    let t = n.trace_eni("eni-db", tcp("10.0.2.20", 40000, HOST, 443));
    assert_reachable(&t);
    match &t.request.outcome {
        LegOutcome::Delivered { packet, .. } => assert_eq!(packet, &tcp("54.0.0.100", 40000, HOST, 443)),
        o => panic!("{o:?}"),
    }
    // A low source port is lifted into 1024-65535 (decision, J3), and restored on the way back,
    // where the public subnet's outbound ACL (ephemeral ports only) sees the restored port 100.
    let t = n.trace_eni("eni-db", tcp("10.0.2.20", 100, HOST, 443));
    let b = assert_blocked(&t, "acl-public", K::NetworkAcl, "*");
    assert_eq!(b.direction, Some(Direction::Outbound));
    let n = open_lab()
        .acl_entry("acl-public", 140, "out", "allow", "all", "", "10.0.0.0/16")
        .build();
    let t = n.trace_eni("eni-db", tcp("10.0.2.20", 100, HOST, 443));
    assert_reachable(&t);
    assert_eq!(t.translations[0].after.src_port, nat_port(100));
    assert_eq!(nat_port(100), 1124);
    match &t.reply.as_ref().unwrap().outcome {
        LegOutcome::Delivered { packet, .. } => assert_eq!(packet.dst_port, 100),
        o => panic!("{o:?}"),
    }
}

#[test]
fn ngw_3_no_inbound_initiated() {
    let n = open_lab().build();
    let t = n.trace_internet(tcp(HOST, 49152, "54.0.0.100", 443));
    let b = assert_blocked(&t, "nat-lab", K::NatGateway, "NGW-3");
    assert_eq!(b.direction, Some(Direction::Inbound));
}

#[test]
fn ngw_4_protocols() {
    let n = open_lab()
        .acl_entry("acl-public", 200, "in", "allow", "all", "", "10.0.0.0/16")
        .build();
    // ESP (50) is not carried.
    let t = n.trace_eni("eni-db", other(50, "10.0.2.20", HOST));
    let b = assert_blocked(&t, "nat-lab", K::NatGateway, "NGW-4");
    assert_eq!(b.code, "PROTOCOL_RESTRICTION");
    // UDP and ICMP are.
    let t = n.trace_eni_one_way("eni-db", udp("10.0.2.20", 49152, HOST, 53));
    assert_blocked(&t, "acl-public", K::NetworkAcl, "*"); // the lab's ACL allows tcp only outbound
    let n = Net { net: n.net.clone() }
        .acl_entry("acl-public", 200, "out", "allow", "all", "", "0.0.0.0/0")
        .build();
    assert_reachable(&n.trace_eni_one_way("eni-db", udp("10.0.2.20", 49152, HOST, 53)));
    assert_reachable(&n.trace_eni_one_way("eni-db", ping("10.0.2.20", HOST)));
}

#[test]
fn ngw_5_nat_subnet_acl_applies_to_replies() {
    // The tutorial: the reply to the NAT gateway is dropped by the public subnet's ACL inbound.
    let n = lab().build();
    let t = n.trace_eni("eni-db", tcp("10.0.2.20", 49152, HOST, 443));
    let b = assert_blocked(&t, "acl-public", K::NetworkAcl, "*");
    assert_eq!(b.direction, Some(Direction::Inbound));
    let reply = t.reply.as_ref().unwrap();
    assert_eq!(hop_ids(&reply.hops), [HOST, "igw-lab"]);
    let one_way = n.trace_eni_one_way("eni-db", tcp("10.0.2.20", 49152, HOST, 443));
    assert_reachable(&one_way);
    let ids = hop_ids(&one_way.request.hops);
    assert!(ids.contains(&"nat-lab") && ids.contains(&"igw-lab"), "{ids:?}");
}

#[test]
fn ngw_7_source_outside_the_vpc_dropped() {
    // An interface with the check off sends with a foreign source address.
    let n = open_lab()
        .eni("eni-spoof", "subnet-private", "10.0.2.30", &["sg-db"])
        .check_off("eni-spoof")
        .build();
    let t = n.trace_eni("eni-spoof", tcp("172.31.0.9", 49152, HOST, 443));
    let b = assert_blocked(&t, "nat-lab", K::NatGateway, "NGW-7");
    assert_eq!(b.code, "NGW_REQUIRES_SOURCE_IN_VPC");
}

#[test]
fn ngw_8_ipv6_not_translated() {
    let n = open_lab()
        .vpc_v6("vpc-lab", "2600:1f18:7:100::/56")
        .subnet_v6("subnet-private", "2600:1f18:7:102::/64")
        .eni_v6("eni-db", "2600:1f18:7:102::20")
        .route("rtb-private", "::/0", "nat-lab")
        .sg_out("sg-db", "all", "", "::/0")
        .acl_entry("acl-public", 150, "in", "allow", "all", "", "::/0")
        .build();
    let t = n.trace_eni("eni-db", tcp("2600:1f18:7:102::20", 49152, "2606:4700::1", 443));
    let b = assert_blocked(&t, "nat-lab", K::NatGateway, "NGW-8");
    assert_eq!(b.code, "PROTOCOL_RESTRICTION");
}

#[test]
fn ngw_1_private_nat_gateway_has_no_way_out() {
    let mut lab = open_lab();
    let nat = lab.net.nat_gateways.get_mut(&"nat-lab".into()).unwrap();
    nat.addresses[0].public_ip = None;
    let n = lab.build();
    let t = n.trace_eni("eni-db", tcp("10.0.2.20", 49152, HOST, 443));
    assert_blocked(&t, "igw-lab", K::InternetGateway, "IGW-5");
}

// ---------------------------------------------------------------- §5.4 NAT instances

fn nat_instance_lab(check: bool) -> Net {
    let mut n = lab()
        .acl_entry("acl-public", 130, "in", "allow", "tcp", "1024-65535", "0.0.0.0/0")
        .sg("sg-nat", "vpc-lab")
        .sg_in("sg-nat", "tcp", "443", "10.0.2.0/24")
        .sg_out("sg-nat", "tcp", "443", "0.0.0.0/0")
        .eni("eni-nat", "subnet-public", "10.0.1.5", &["sg-nat"])
        .public_ip("eni-nat", "54.0.0.5")
        .instance("i-nat", &["eni-nat"]);
    n.net
        .route_tables
        .get_mut(&"rtb-private".into())
        .unwrap()
        .routes
        .clear();
    n = n.route("rtb-private", "0.0.0.0/0", "i-nat");
    if !check {
        n = n.check_off("eni-nat");
    }
    n
}

#[test]
fn ni_4_nat_instance_masquerades() {
    let n = nat_instance_lab(false).build();
    let t = n.trace_eni("eni-db", tcp("10.0.2.20", 49152, HOST, 443));
    assert_reachable(&t);
    match &t.request.outcome {
        LegOutcome::Delivered { packet, .. } => assert_eq!(packet, &tcp("54.0.0.5", 49152, HOST, 443)),
        o => panic!("{o:?}"),
    }
    // J20: the instance target means its primary interface; NI-3: its groups apply.
    let ids = hop_ids(&t.request.hops);
    assert!(ids.contains(&"eni-nat") && ids.contains(&"sg-nat"), "{ids:?}");
    let t = n.trace_eni("eni-db", tcp("10.0.2.20", 49152, HOST, 80));
    let b = assert_blocked(&t, "sg-nat", K::SecurityGroup, "sg-nat");
    assert_eq!(b.direction, Some(Direction::Inbound));
}

#[test]
fn ni_2_source_dest_check_drops_forwarded() {
    let n = nat_instance_lab(true).build();
    let t = n.trace_eni("eni-db", tcp("10.0.2.20", 49152, HOST, 443));
    let b = assert_blocked(&t, "eni-nat", K::NetworkInterface, "NI-2");
    assert_eq!(b.code, "ENI_SOURCE_DEST_CHECK_RESTRICTION");
}

#[test]
fn ni_2_source_dest_check_drops_spoofed_source() {
    let n = open_lab().build();
    let t = n.trace_eni("eni-web", tcp("10.0.1.99", 49152, HOST, 443));
    let b = assert_blocked(&t, "eni-web", K::NetworkInterface, "NI-2");
    assert_eq!(b.direction, Some(Direction::Outbound));
}

// ---------------------------------------------------------------- §5.5 peering

/// A <-> B and A <-> C; B routes C's block (and everything else) to the A-B peering.
fn peering_net() -> Net {
    Net::new()
        .vpc("vpc-a", "10.1.0.0/16")
        .vpc("vpc-b", "10.2.0.0/16")
        .vpc("vpc-c", "10.3.0.0/16")
        .subnet("subnet-a", "vpc-a", "10.1.1.0/24")
        .subnet("subnet-b", "vpc-b", "10.2.1.0/24")
        .subnet("subnet-c", "vpc-c", "10.3.1.0/24")
        .pcx("pcx-ab", "vpc-a", "vpc-b")
        .pcx("pcx-ac", "vpc-a", "vpc-c")
        .igw("igw-a", "vpc-a")
        .route("rtb-a-main", "10.2.0.0/16", "pcx-ab")
        .route("rtb-a-main", "10.3.0.0/16", "pcx-ac")
        .route("rtb-a-main", "0.0.0.0/0", "igw-a")
        .route("rtb-b-main", "10.1.0.0/16", "pcx-ab")
        .route("rtb-b-main", "10.3.0.0/16", "pcx-ab")
        .route("rtb-b-main", "0.0.0.0/0", "pcx-ab")
        .route("rtb-c-main", "10.1.0.0/16", "pcx-ac")
        .sg_in("sg-a-default", "all", "", "10.0.0.0/8")
        .sg_in("sg-c-default", "all", "", "10.0.0.0/8")
        .eni("eni-a", "subnet-a", "10.1.1.10", &["sg-a-default"])
        .public_ip("eni-a", "54.0.1.10")
        .eni("eni-b", "subnet-b", "10.2.1.10", &["sg-b-default"])
        .eni("eni-c", "subnet-c", "10.3.1.10", &["sg-c-default"])
}

#[test]
fn pcx_7_peering_delivers_into_the_peer_vpc() {
    let n = peering_net().build();
    let t = n.trace_eni("eni-b", tcp("10.2.1.10", 49152, "10.1.1.10", 22));
    assert_reachable(&t);
    assert!(hop_ids(&t.request.hops).contains(&"pcx-ab"));
    assert!(hop_ids(&t.reply.as_ref().unwrap().hops).contains(&"pcx-ab"));
}

#[test]
fn pcx_5_no_transit() {
    let n = peering_net().build();
    let t = n.trace_eni("eni-b", tcp("10.2.1.10", 49152, "10.3.1.10", 22));
    let b = assert_blocked(&t, "pcx-ab", K::VpcPeeringConnection, "PCX-5");
    assert_eq!(b.code, "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR");
}

#[test]
fn pcx_6_no_edge_to_edge() {
    // B cannot use A's internet gateway.
    let n = peering_net().build();
    let t = n.trace_eni("eni-b", tcp("10.2.1.10", 49152, HOST, 443));
    assert_blocked(&t, "pcx-ab", K::VpcPeeringConnection, "PCX-6");
}

#[test]
fn pcx_3_inactive_peering_is_a_blackhole() {
    let n = peering_net().pcx_status("pcx-ab", "pending-acceptance").build();
    let t = n.trace_eni("eni-b", tcp("10.2.1.10", 49152, "10.1.1.10", 22));
    let b = assert_blocked(&t, "rtb-b-main", K::RouteTable, "10.1.0.0/16");
    assert_eq!(b.code, "BAD_STATE_ROUTE");
}

#[test]
fn pcx_8_reply_routed_by_destination() {
    // A has no route back to B: the reply finds no route.
    let mut p = peering_net();
    p.net
        .route_tables
        .get_mut(&"rtb-a-main".into())
        .unwrap()
        .routes
        .retain(|r| r.target != vpcverify::model::RouteTarget::VpcPeeringConnection("pcx-ab".into()));
    let n = p.build();
    let t = n.trace_eni("eni-b", tcp("10.2.1.10", 49152, "10.1.1.10", 22));
    assert!(matches!(t.request.outcome, LegOutcome::Delivered { .. }));
    // 10.2.1.10 now follows 0.0.0.0/0 to A's internet gateway, which refuses a private address.
    assert_blocked(&t, "igw-a", K::InternetGateway, "IGW-6");
}

// ---------------------------------------------------------------- §5.6 gateway endpoints

fn endpoint_lab() -> Net {
    open_lab()
        .prefix_list("pl-s3", "com.amazonaws.us-east-1.s3", &["52.216.0.0/15"], true)
        .gateway_endpoint("vpce-s3", "vpc-lab", "pl-s3", &["rtb-private"])
}

#[test]
fn gwe_2_gateway_endpoint_route_reachable() {
    let n = endpoint_lab().build();
    let t = n.trace_eni("eni-db", tcp("10.0.2.20", 49152, "52.216.0.1", 443));
    assert_reachable(&t);
    let ids = hop_ids(&t.request.hops);
    assert!(ids.contains(&"vpce-s3") && !ids.contains(&"nat-lab"), "{ids:?}");
    assert!(matches!(
        &t.request.outcome,
        LegOutcome::Delivered { at: Place::AwsService { endpoint }, .. } if endpoint.as_str() == "vpce-s3"
    ));
}

#[test]
fn gwe_8_tcp_and_echo_only() {
    let n = endpoint_lab().build();
    let t = n.trace_eni("eni-db", udp("10.0.2.20", 49152, "52.216.0.1", 443));
    let b = assert_blocked(&t, "vpce-s3", K::VpcEndpoint, "GWE-8");
    assert_eq!(b.code, "VPCE_GATEWAY_PROTOCOL_RESTRICTION");
    assert_reachable(&n.trace_eni("eni-db", ping("10.0.2.20", "52.216.0.1")));
}

#[test]
fn gwe_7_source_outside_the_vpc_dropped() {
    let n = endpoint_lab()
        .eni("eni-spoof", "subnet-private", "10.0.2.30", &["sg-db"])
        .check_off("eni-spoof")
        .build();
    let t = n.trace_eni("eni-spoof", tcp("172.31.0.9", 49152, "52.216.0.1", 443));
    assert_blocked(&t, "vpce-s3", K::VpcEndpoint, "GWE-7");
}

// ---------------------------------------------------------------- §5.8 virtual private gateway

fn vpn_net() -> Net {
    peering_net()
        .vgw("vgw-a", "vpc-a", &["192.168.0.0/16"])
        .route("rtb-a-main", "192.168.0.0/16", "vgw-a")
        .sg_in("sg-a-default", "tcp", "22", "192.168.0.0/16")
}

#[test]
fn vgw_3_on_premises_reaches_its_vpc_only() {
    let n = vpn_net().build();
    let t = n.trace_onprem("vgw-a", tcp("192.168.1.5", 49152, "10.1.1.10", 22));
    assert_reachable(&t);
    assert!(matches!(
        &t.reply.as_ref().unwrap().outcome,
        LegOutcome::Delivered { at: Place::OnPremises { gateway }, .. } if gateway.as_str() == "vgw-a"
    ));
    // No edge-to-edge: on premises cannot reach B through A's gateway.
    let t = n.trace_onprem("vgw-a", tcp("192.168.1.5", 49152, "10.2.1.10", 22));
    let b = assert_blocked(&t, "vgw-a", K::VpnGateway, "VGW-3");
    assert_eq!(b.code, "VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS");
    // And B cannot reach on premises through A (the peering refuses first, PCX-6).
    let n = Net { net: n.net.clone() }
        .route("rtb-b-main", "192.168.0.0/16", "pcx-ab")
        .build();
    let t = n.trace_eni("eni-b", tcp("10.2.1.10", 49152, "192.168.1.5", 22));
    assert_blocked(&t, "pcx-ab", K::VpcPeeringConnection, "PCX-6");
}

// ---------------------------------------------------------------- unknowns

#[test]
fn s5_9_transit_gateway_target_is_unknown() {
    let mut n = routing_net().route("rtb-a", "0.0.0.0/0", "tgw-1");
    n.net.transit_gateways.insert(
        "tgw-1".into(),
        vpcverify::model::TransitGateway {
            id: "tgw-1".into(),
            vpcs: vec!["vpc-a".into()],
            tags: Default::default(),
            provenance: Default::default(),
        },
    );
    let n = n.build();
    assert_unknown(&n.trace_eni("eni-a", tcp("10.0.1.10", 49152, HOST, 443)), "tgw-1");
}

#[test]
fn ni_4_ngw_2_a_translation_is_undone_only_by_the_exact_reverse() {
    // `Translation::is_reversed_by` (§1, NGW-2, NI-4): the reply must swap the translated packet's
    // addresses and (TCP/UDP) ports, with the same protocol; anything else is not this flow's.
    use vpcverify::sim::{Translation, Translator};
    let before = tcp("10.0.2.20", 40000, HOST, 443);
    let after = tcp("10.0.1.100", 40000, HOST, 443);
    let t = Translation {
        translator: Translator::NatGateway("nat-lab".into()),
        before,
        after,
    };
    assert!(t.is_reversed_by(&tcp(HOST, 443, "10.0.1.100", 40000)));
    for other in [
        tcp(HOST, 443, "10.0.1.100", 40001),      // another client port
        tcp(HOST, 80, "10.0.1.100", 40000),       // another server port
        tcp(HOST, 443, "10.0.1.101", 40000),      // another translated address
        tcp("1.1.1.1", 443, "10.0.1.100", 40000), // another server
        udp(HOST, 443, "10.0.1.100", 40000),      // another protocol
    ] {
        assert!(!t.is_reversed_by(&other), "{other}");
    }
    // Without ports (ICMP), addresses and protocol decide.
    let t = Translation {
        translator: Translator::NatGateway("nat-lab".into()),
        before: ping("10.0.2.20", HOST),
        after: ping("10.0.1.100", HOST),
    };
    let mut echo_reply = ping(HOST, "10.0.1.100");
    echo_reply.icmp_type = 0;
    assert!(t.is_reversed_by(&echo_reply));
    assert!(!t.is_reversed_by(&ping(HOST, "10.0.1.101")));
}
