//! Issue 25: one small network per explanation code vpcverify emits (SEMANTICS.md §13), each in
//! a blocked variant (the question is unreachable and a blocking entry names the code) and a fixed
//! variant (the one blocker removed, the same question reachable). Asked through
//! `query::engine::run`, which replays every witness and every blocking entry's example packet
//! through the simulator, so both interpreters stand behind each code.

use crate::common::*;
use vpcverify::model::{BlockPublicAccess, BpaMode, PortRange};
use vpcverify::query::VerdictKind;
use vpcverify::query::engine::{ProtocolChoice, QuerySpec, run};

/// A question: from, to, protocol, destination port, one way.
struct Q(&'static str, &'static str, &'static str, Option<&'static str>, bool);

fn verdict(n: &Net, q: &Q) -> vpcverify::query::Verdict {
    let built = Net { net: n.net.clone() }.build();
    let spec = QuerySpec {
        from: q.0.into(),
        to: q.1.into(),
        protocol: ProtocolChoice::parse(q.2).unwrap(),
        port: q.3.map(|p| PortRange::parse(p).unwrap()),
        src_port: None,
        one_way: q.4,
        want_proof: false,
        budget: None,
        through: Vec::new(),
        avoid: Vec::new(),
    };
    match run(&built.net, &built.ix, &spec) {
        Ok(r) => r.verdict,
        Err(e) => panic!("{}: {e}", q.0),
    }
}

/// Blocked: unreachable, some entry with `code`. Fixed: reachable.
#[track_caller]
fn blocked_and_fixed(code: &str, blocked: Net, fixed: Net, q: Q) {
    let v = verdict(&blocked, &q);
    assert_eq!(v.verdict, VerdictKind::Unreachable, "{code} blocked: {v:#?}");
    assert!(v.blocked.iter().any(|b| b.code == code), "{code}: {:#?}", v.blocked);
    let v = verdict(&fixed, &q);
    assert_eq!(v.verdict, VerdictKind::Reachable, "{code} fixed: {v:#?}");
}

/// The simulator drops `p` (sent by `eni`) with `code`, at the component, side and rule of a
/// blocking entry the SMT engine gave the question `q` with that code: both interpreters name
/// the drop alike.
#[track_caller]
fn sim_agrees(n: &Net, q: &Q, eni: &str, p: vpcverify::model::Packet, code: &str) {
    let v = verdict(n, q);
    let t = Net { net: n.net.clone() }.build().trace_eni(eni, p);
    match &t.request.outcome {
        vpcverify::sim::LegOutcome::Dropped { blocked } => {
            assert_eq!(blocked.code, code, "{blocked:#?}");
            assert!(
                v.blocked.iter().any(|b| (&b.id, &b.direction, &b.rule, &b.code)
                    == (&blocked.id, &blocked.direction, &blocked.rule, &blocked.code)),
                "simulator: {blocked:#?}\nSMT engine: {:#?}",
                v.blocked
            );
        }
        other => panic!("{other:?}"),
    }
}

/// `lab()` with return traffic admitted into the public subnet.
fn open() -> Net {
    lab().acl_entry("acl-public", 130, "in", "allow", "tcp", "1024-65535", "0.0.0.0/0")
}

/// One VPC, one public subnet with the default (open) ACL, an internet gateway, and `eni-a`
/// (10.9.1.10, group `sg-a` open both ways). `route`: the 0/0 route to the internet gateway.
fn small(route: bool, public: bool) -> Net {
    let mut n = Net::new()
        .vpc("vpc-s", "10.9.0.0/16")
        .subnet("subnet-s", "vpc-s", "10.9.1.0/24")
        .igw("igw-s", "vpc-s")
        .route_table("rtb-s", "vpc-s", &["subnet-s"])
        .sg("sg-a", "vpc-s")
        .sg_in("sg-a", "all", "", "0.0.0.0/0")
        .sg_out("sg-a", "all", "", "0.0.0.0/0")
        .eni("eni-a", "subnet-s", "10.9.1.10", &["sg-a"]);
    if route {
        n = n.route("rtb-s", "0.0.0.0/0", "igw-s");
    }
    if public {
        n = n.public_ip("eni-a", "54.9.0.10");
    }
    n
}

/// `small` plus a peer VPC with block `peer_block`, a host `eni-p` at `peer_host`, peered with
/// `pcx-s`, routed both ways when `peered`.
fn with_peer(n: Net, peer_block: &str, peer_subnet: &str, peer_host: &str, peered: bool) -> Net {
    let mut n = n
        .vpc("vpc-p", peer_block)
        .subnet("subnet-p", "vpc-p", peer_subnet)
        .route_table("rtb-p", "vpc-p", &["subnet-p"])
        .sg("sg-p", "vpc-p")
        .sg_in("sg-p", "all", "", "10.9.0.0/16")
        .eni("eni-p", "subnet-p", peer_host, &["sg-p"])
        .pcx("pcx-s", "vpc-s", "vpc-p");
    if peered {
        n = n
            .route("rtb-s", peer_block, "pcx-s")
            .route("rtb-p", "10.9.0.0/16", "pcx-s");
    }
    n
}

#[test]
fn code_subnet_acl_restriction() {
    // The tutorial's bug: the reply to the NAT gateway's ephemeral port is not admitted.
    blocked_and_fixed(
        "SUBNET_ACL_RESTRICTION",
        lab(),
        open(),
        Q("eni-db", "internet", "tcp", Some("443"), false),
    );
}

#[test]
fn code_eni_sg_rules_mismatch() {
    blocked_and_fixed(
        "ENI_SG_RULES_MISMATCH",
        open(),
        open().sg_in("sg-web", "tcp", "22", "0.0.0.0/0"),
        Q("internet", "eni-web", "tcp", Some("22"), false),
    );
}

#[test]
fn code_sg_has_no_rules() {
    let base = || {
        open()
            .sg("sg-bare", "vpc-lab")
            .sg_out("sg-bare", "all", "", "0.0.0.0/0")
            .eni("eni-bare", "subnet-public", "10.0.1.30", &["sg-bare"])
            .public_ip("eni-bare", "54.0.0.30")
    };
    blocked_and_fixed(
        "SG_HAS_NO_RULES",
        base(),
        base().sg_in("sg-bare", "tcp", "443", "0.0.0.0/0"),
        Q("internet", "eni-bare", "tcp", Some("443"), false),
    );
    // Outbound too: a group with no rule at all lets nothing out.
    let v = verdict(
        &open()
            .sg("sg-empty", "vpc-lab")
            .eni("eni-empty", "subnet-public", "10.0.1.31", &["sg-empty"])
            .public_ip("eni-empty", "54.0.0.31"),
        &Q("eni-empty", "internet", "tcp", Some("443"), false),
    );
    assert_eq!(v.verdict, VerdictKind::Unreachable, "{v:#?}");
    assert!(
        v.blocked
            .iter()
            .any(|b| b.code == "SG_HAS_NO_RULES" && b.direction == Some(vpcverify::model::Direction::Outbound)),
        "{:#?}",
        v.blocked
    );
    // A group with inbound rules that do not apply is a mismatch, not a group without rules.
    let v = verdict(
        &base().sg_in("sg-bare", "tcp", "22", "0.0.0.0/0"),
        &Q("internet", "eni-bare", "tcp", Some("443"), false),
    );
    assert!(
        v.blocked.iter().all(|b| b.code == "ENI_SG_RULES_MISMATCH"),
        "{:#?}",
        v.blocked
    );
}

#[test]
fn code_no_route_to_destination() {
    blocked_and_fixed(
        "NO_ROUTE_TO_DESTINATION",
        small(false, true),
        small(true, true),
        Q("eni-a", "internet", "tcp", Some("443"), false),
    );
}

#[test]
fn code_bad_state_route() {
    blocked_and_fixed(
        "BAD_STATE_ROUTE",
        small(false, true).blackhole("rtb-s", "0.0.0.0/0", "igw-s"),
        small(true, true),
        Q("eni-a", "internet", "tcp", Some("443"), false),
    );
}

#[test]
fn code_igw_public_ip_association_for_egress() {
    blocked_and_fixed(
        "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
        small(true, false),
        small(true, true),
        Q("eni-a", "internet", "tcp", Some("443"), false),
    );
}

#[test]
fn code_igw_private_ip_association_for_ingress() {
    blocked_and_fixed(
        "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
        small(true, false),
        small(true, true),
        Q("internet", "eni-a", "tcp", Some("443"), false),
    );
}

#[test]
fn code_igw_destination_address_not_in_rfc1918_egress() {
    // 172.16.5.5 is routed to the internet gateway by 0/0; the fix routes it over a peering.
    blocked_and_fixed(
        "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS",
        with_peer(small(true, true), "172.16.0.0/16", "172.16.5.0/24", "172.16.5.5", false),
        with_peer(small(true, true), "172.16.0.0/16", "172.16.5.0/24", "172.16.5.5", true),
        Q("eni-a", "172.16.5.5", "tcp", Some("443"), false),
    );
}

#[test]
fn code_igw_destination_address_not_in_rfc6598_egress() {
    // Issue 25: shared address space (RFC 6598) has its own code.
    blocked_and_fixed(
        "IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS",
        with_peer(small(true, true), "100.64.0.0/16", "100.64.5.0/24", "100.64.5.5", false),
        with_peer(small(true, true), "100.64.0.0/16", "100.64.5.0/24", "100.64.5.5", true),
        Q("eni-a", "100.64.5.5", "tcp", Some("443"), false),
    );
    let v = verdict(
        &with_peer(small(true, true), "100.64.0.0/16", "100.64.5.0/24", "100.64.5.5", false),
        &Q("eni-a", "100.64.5.5", "tcp", Some("443"), false),
    );
    assert!(
        v.blocked
            .iter()
            .all(|b| b.code != "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS"),
        "{:#?}",
        v.blocked
    );
}

#[test]
fn code_igw_source_address_not_in_rfc1918_and_rfc6598_ingress() {
    // The blocker is the source address itself: the fixed variant asks from a public one.
    for (src, code) in [
        ("192.168.1.1", "IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS"),
        ("100.64.1.1", "IGW_SOURCE_ADDRESS_NOT_IN_RFC6598_INGRESS"),
    ] {
        let v = verdict(&small(true, true), &Q(src, "eni-a", "tcp", Some("443"), true));
        assert_eq!(v.verdict, VerdictKind::Unreachable, "{v:#?}");
        assert!(v.blocked.iter().all(|b| b.code == code), "{:#?}", v.blocked);
        let v = verdict(&small(true, true), &Q(HOST, "eni-a", "tcp", Some("443"), true));
        assert_eq!(v.verdict, VerdictKind::Reachable, "{v:#?}");
    }
}

#[test]
fn code_vpc_block_public_access_enabled() {
    let mut blocked = small(true, true);
    blocked.net.block_public_access = Some(BlockPublicAccess {
        mode: BpaMode::BlockBidirectional,
        exclusions_allowed: true,
        exclusions: Default::default(),
        provenance: vpcverify::model::Provenance::resource("test", "bpa"),
    });
    let mut fixed = blocked.net.clone();
    if let Some(b) = fixed.block_public_access.as_mut() {
        b.mode = BpaMode::Off;
    }
    blocked_and_fixed(
        "VPC_BLOCK_PUBLIC_ACCESS_ENABLED",
        blocked,
        Net { net: fixed },
        Q("internet", "eni-a", "tcp", Some("443"), false),
    );
}

#[test]
fn code_eni_source_dest_check_restriction() {
    // A NAT instance in the public subnet forwards the private subnet's traffic.
    let base = || {
        small(true, true)
            .subnet("subnet-q", "vpc-s", "10.9.2.0/24")
            .route_table("rtb-q", "vpc-s", &["subnet-q"])
            .route("rtb-q", "0.0.0.0/0", "eni-a")
            .eni("eni-q", "subnet-q", "10.9.2.10", &["sg-a"])
    };
    blocked_and_fixed(
        "ENI_SOURCE_DEST_CHECK_RESTRICTION",
        base(),
        base().check_off("eni-a"),
        Q("eni-q", "internet", "tcp", Some("443"), false),
    );
}

#[test]
fn code_pcx_requires_address_in_vpc_cidr() {
    // 0/0 over the peering: no edge-to-edge routing through the peer (PCX-6).
    let base = |via_pcx: bool| {
        let n = with_peer(small(false, true), "10.8.0.0/16", "10.8.1.0/24", "10.8.1.10", true);
        if via_pcx {
            n.route("rtb-s", "0.0.0.0/0", "pcx-s")
        } else {
            n.route("rtb-s", "0.0.0.0/0", "igw-s")
        }
    };
    blocked_and_fixed(
        "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR",
        base(true),
        base(false),
        Q("eni-a", "internet", "tcp", Some("443"), false),
    );
}

#[test]
fn code_protocol_restriction() {
    // A NAT gateway carries TCP, UDP and ICMP only (NGW-4): GRE (47) is dropped there.
    let q = |p| Q("eni-db", "internet", p, None, true);
    let v = verdict(&open(), &q("47"));
    assert_eq!(v.verdict, VerdictKind::Unreachable, "{v:#?}");
    assert!(
        v.blocked
            .iter()
            .any(|b| b.code == "PROTOCOL_RESTRICTION" && b.id == "nat-lab"),
        "{:#?}",
        v.blocked
    );
    let v = verdict(&open(), &q("tcp"));
    assert_eq!(v.verdict, VerdictKind::Reachable, "{v:#?}");
}

#[test]
fn code_disconnected_vpcs() {
    // RT-21: no route, and nothing joins the two VPCs; once peered and routed, reachable.
    blocked_and_fixed(
        "DISCONNECTED_VPCS",
        with_peer(small(false, true), "10.8.0.0/16", "10.8.1.0/24", "10.8.1.10", false).delete_pcx("pcx-s"),
        with_peer(small(false, true), "10.8.0.0/16", "10.8.1.0/24", "10.8.1.10", true),
        Q("eni-a", "eni-p", "tcp", Some("443"), false),
    );
    // A peering without a route is a missing route, not disconnected VPCs.
    let v = verdict(
        &with_peer(small(false, true), "10.8.0.0/16", "10.8.1.0/24", "10.8.1.10", false),
        &Q("eni-a", "eni-p", "tcp", Some("443"), false),
    );
    assert_eq!(v.verdict, VerdictKind::Unreachable, "{v:#?}");
    assert!(
        v.blocked.iter().all(|b| b.code == "NO_ROUTE_TO_DESTINATION"),
        "{:#?}",
        v.blocked
    );
}

trait DeletePcx {
    fn delete_pcx(self, id: &str) -> Self;
}

impl DeletePcx for Net {
    fn delete_pcx(mut self, id: &str) -> Self {
        self.net.vpc_peering_connections.remove(&id.into());
        self
    }
}

#[test]
fn code_no_path() {
    // V6-1: behind an egress-only gateway nothing initiated from the internet gets in; with an
    // internet gateway in its place (and its route) it does.
    let base = |gateway: &str| {
        let n = Net::new()
            .vpc("vpc-6", "10.6.0.0/16")
            .vpc_v6("vpc-6", "2600:1f18:6:100::/56")
            .subnet("subnet-6", "vpc-6", "10.6.1.0/24")
            .subnet_v6("subnet-6", "2600:1f18:6:101::/64")
            .route_table("rtb-6", "vpc-6", &["subnet-6"])
            .sg("sg-6", "vpc-6")
            .sg_in("sg-6", "all", "", "::/0")
            .sg_out("sg-6", "all", "", "::/0")
            .eni("eni-6", "subnet-6", "10.6.1.10", &["sg-6"])
            .eni_v6("eni-6", "2600:1f18:6:101::10");
        if gateway == "eigw" {
            n.eigw("eigw-6", "vpc-6").route("rtb-6", "::/0", "eigw-6")
        } else {
            n.igw("igw-6", "vpc-6").route("rtb-6", "::/0", "igw-6")
        }
    };
    blocked_and_fixed(
        "NO_PATH",
        base("eigw"),
        base("igw"),
        Q("internet", "eni-6", "tcp", Some("443"), false),
    );
}

#[test]
fn code_vgw_private_ip_association_for_ingress() {
    // VGW-3: from on premises to an address no interface of the VPC holds; then an interface holds it.
    let base = || {
        small(false, false)
            .vgw("vgw-s", "vpc-s", &["192.168.0.0/16"])
            .route("rtb-s", "192.168.0.0/16", "vgw-s")
    };
    blocked_and_fixed(
        "VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
        base(),
        base().eni("eni-b", "subnet-s", "10.9.1.77", &["sg-a"]),
        Q("vgw-s", "10.9.1.77", "tcp", Some("443"), false),
    );
}

#[test]
fn code_ngw_requires_source_in_vpc() {
    // NGW-7: a route to another VPC's NAT gateway; the fix routes to the VPC's own.
    let base = |target: &str| {
        small(false, false)
            .subnet("subnet-n", "vpc-s", "10.9.3.0/24")
            .route_table("rtb-n", "vpc-s", &["subnet-n"])
            .route("rtb-n", "0.0.0.0/0", "igw-s")
            .nat("nat-s", "subnet-n", "10.9.3.100", Some("54.9.0.100"))
            .vpc("vpc-x", "10.7.0.0/16")
            .subnet("subnet-x", "vpc-x", "10.7.1.0/24")
            .igw("igw-x", "vpc-x")
            .route_table("rtb-x", "vpc-x", &["subnet-x"])
            .route("rtb-x", "0.0.0.0/0", "igw-x")
            .nat("nat-x", "subnet-x", "10.7.1.100", Some("54.7.0.100"))
            .route("rtb-s", "0.0.0.0/0", target)
    };
    blocked_and_fixed(
        "NGW_REQUIRES_SOURCE_IN_VPC",
        base("nat-x"),
        base("nat-s"),
        Q("eni-a", "internet", "tcp", Some("443"), false),
    );
}

#[test]
fn code_vpce_gateway_protocol_restriction() {
    // GWE-8: UDP to S3 routed to a gateway endpoint; without the endpoint it goes out through the
    // internet gateway to S3's public addresses.
    let base = || small(true, true).prefix_list("pl-s3", "com.amazonaws.us-east-1.s3", &["52.216.0.0/15"], true);
    blocked_and_fixed(
        "VPCE_GATEWAY_PROTOCOL_RESTRICTION",
        base().gateway_endpoint("vpce-s3", "vpc-s", "pl-s3", &["rtb-s"]),
        base(),
        Q("eni-a", "service:s3", "udp", Some("443"), false),
    );
}

#[test]
fn code_ngw_source_address_reassign() {
    // SG-13: the database reaches a peered VPC through the NAT gateway, whose address the peer's
    // group does not admit (it admits the database's subnet); routed straight over the peering
    // instead, the source is kept and admitted.
    let with = |through_nat: bool, admitted: &str| {
        let n = open()
            .vpc("vpc-p", "10.8.0.0/16")
            .subnet("subnet-p", "vpc-p", "10.8.1.0/24")
            .route_table("rtb-p", "vpc-p", &["subnet-p"])
            .route("rtb-p", "10.0.0.0/16", "pcx-lp")
            .sg("sg-p", "vpc-p")
            .sg_in("sg-p", "tcp", "443", admitted)
            .eni("eni-p", "subnet-p", "10.8.1.10", &["sg-p"])
            .pcx("pcx-lp", "vpc-lab", "vpc-p")
            .route("rtb-public", "10.8.0.0/16", "pcx-lp");
        if through_nat {
            n
        } else {
            n.route("rtb-private", "10.8.0.0/16", "pcx-lp")
        }
    };
    let base = |through_nat: bool| with(through_nat, "10.0.2.0/24");
    blocked_and_fixed(
        "NGW_SOURCE_ADDRESS_REASSIGN",
        base(true),
        base(false),
        Q("eni-db", "eni-p", "tcp", Some("443"), false),
    );
    // The simulator names the same cause for a packet of the question.
    let t = base(true)
        .build()
        .trace_eni("eni-db", tcp("10.0.2.20", 49152, "10.8.1.10", 443));
    match &t.request.outcome {
        vpcverify::sim::LegOutcome::Dropped { blocked } => assert_eq!(
            (blocked.id.as_str(), blocked.code.as_str()),
            ("sg-p", "NGW_SOURCE_ADDRESS_REASSIGN")
        ),
        other => panic!("{other:?}"),
    }
    // A group that admits neither source is a plain mismatch.
    let v = verdict(
        &with(true, "10.9.0.0/16"),
        &Q("eni-db", "eni-p", "tcp", Some("443"), false),
    );
    assert_eq!(v.verdict, VerdictKind::Unreachable, "{v:#?}");
    assert!(
        v.blocked.iter().any(|b| b.code == "ENI_SG_RULES_MISMATCH"),
        "{:#?}",
        v.blocked
    );
    assert!(
        v.blocked.iter().all(|b| b.code != "NGW_SOURCE_ADDRESS_REASSIGN"),
        "{:#?}",
        v.blocked
    );
}

#[test]
fn code_ngw_source_address_reassign_at_a_network_acl() {
    // SG-13 at a network ACL: the peer subnet's ACL admits the database's subnet, not the NAT
    // gateway's address.
    let base = |through_nat: bool| {
        let n = open()
            .vpc("vpc-p", "10.8.0.0/16")
            .subnet("subnet-p", "vpc-p", "10.8.1.0/24")
            .route_table("rtb-p", "vpc-p", &["subnet-p"])
            .route("rtb-p", "10.0.0.0/16", "pcx-lp")
            .acl("acl-p", "vpc-p", &["subnet-p"])
            .acl_entry("acl-p", 100, "in", "allow", "tcp", "443", "10.0.2.0/24")
            .acl_entry("acl-p", 100, "out", "allow", "all", "", "0.0.0.0/0")
            .sg("sg-p", "vpc-p")
            .sg_in("sg-p", "tcp", "443", "10.0.0.0/16")
            .eni("eni-p", "subnet-p", "10.8.1.10", &["sg-p"])
            .pcx("pcx-lp", "vpc-lab", "vpc-p")
            .route("rtb-public", "10.8.0.0/16", "pcx-lp");
        if through_nat {
            n
        } else {
            n.route("rtb-private", "10.8.0.0/16", "pcx-lp")
        }
    };
    blocked_and_fixed(
        "NGW_SOURCE_ADDRESS_REASSIGN",
        base(true),
        base(false),
        Q("eni-db", "eni-p", "tcp", Some("443"), false),
    );
    let t = base(true)
        .build()
        .trace_eni("eni-db", tcp("10.0.2.20", 49152, "10.8.1.10", 443));
    match &t.request.outcome {
        vpcverify::sim::LegOutcome::Dropped { blocked } => assert_eq!(
            (blocked.id.as_str(), blocked.code.as_str()),
            ("acl-p", "NGW_SOURCE_ADDRESS_REASSIGN")
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn code_remap_ephemeral_port() {
    // SG-14: a client port below 1024 is remapped by the NAT gateway (to 1024 + port, §5.3); the
    // public subnet's ACL admits replies to the client's port 500, not to the remapped 1524.
    let base = || {
        lab()
            .acl_entry("acl-public", 140, "in", "allow", "tcp", "500", "0.0.0.0/0")
            .acl_entry("acl-public", 140, "out", "allow", "tcp", "500", "0.0.0.0/0")
    };
    let ask = |n: &Net| {
        let built = Net { net: n.net.clone() }.build();
        let spec = QuerySpec {
            from: "eni-db".into(),
            to: "internet".into(),
            protocol: ProtocolChoice::parse("tcp").unwrap(),
            port: Some(PortRange::parse("443").unwrap()),
            src_port: Some(PortRange::parse("500").unwrap()),
            one_way: false,
            want_proof: false,
            budget: None,
            through: Vec::new(),
            avoid: Vec::new(),
        };
        run(&built.net, &built.ix, &spec).unwrap().verdict
    };
    let v = ask(&base());
    assert_eq!(v.verdict, VerdictKind::Unreachable, "{v:#?}");
    assert!(
        v.blocked
            .iter()
            .any(|b| b.id == "acl-public" && b.code == "REMAP_EPHEMERAL_PORT"),
        "{:#?}",
        v.blocked
    );
    let v = ask(&base().acl_entry("acl-public", 130, "in", "allow", "tcp", "1024-65535", "0.0.0.0/0"));
    assert_eq!(v.verdict, VerdictKind::Reachable, "{v:#?}");
    // The simulator names the same cause for the reply.
    let t = base().build().trace_eni("eni-db", tcp("10.0.2.20", 500, HOST, 443));
    let reply = t.reply.as_ref().expect("the request is delivered");
    match &reply.outcome {
        vpcverify::sim::LegOutcome::Dropped { blocked } => assert_eq!(
            (blocked.id.as_str(), blocked.code.as_str()),
            ("acl-public", "REMAP_EPHEMERAL_PORT")
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn code_no_possible_destination() {
    // An address of the subnet that no interface holds; then an interface holds it.
    blocked_and_fixed(
        "NO_POSSIBLE_DESTINATION",
        small(true, true),
        small(true, true).eni("eni-b", "subnet-s", "10.9.1.77", &["sg-a"]),
        Q("eni-a", "10.9.1.77", "tcp", Some("443"), false),
    );
}

/// `small` peered with `vpc-p` (10.8.0.0/16, `eni-p` at 10.8.1.10), the peer routing back; the
/// table `rtb-s` gets no route to the peer (each test adds its own).
fn peer_unrouted() -> Net {
    with_peer(small(false, true), "10.8.0.0/16", "10.8.1.0/24", "10.8.1.10", false).route(
        "rtb-p",
        "10.9.0.0/16",
        "pcx-s",
    )
}

#[test]
fn code_more_specific_route() {
    // RT-22: the route to the peering would carry the packet, but a stale, more specific
    // blackhole route (to a peering since deleted) wins and drops it.
    let base = || peer_unrouted().route("rtb-s", "10.8.0.0/16", "pcx-s");
    blocked_and_fixed(
        "MORE_SPECIFIC_ROUTE",
        base().blackhole("rtb-s", "10.8.1.0/24", "pcx-gone"),
        base(),
        Q("eni-a", "eni-p", "tcp", Some("443"), false),
    );
    sim_agrees(
        &base().blackhole("rtb-s", "10.8.1.0/24", "pcx-gone"),
        &Q("eni-a", "eni-p", "tcp", Some("443"), false),
        "eni-a",
        tcp("10.9.1.10", 49152, "10.8.1.10", 443),
        "MORE_SPECIFIC_ROUTE",
    );
    // The entry names the losing route and the winner.
    let v = verdict(
        &base().blackhole("rtb-s", "10.8.1.0/24", "pcx-gone"),
        &Q("eni-a", "eni-p", "tcp", Some("443"), false),
    );
    let b = v.blocked.iter().find(|b| b.code == "MORE_SPECIFIC_ROUTE").unwrap();
    assert_eq!((b.id.as_str(), b.rule.as_str()), ("rtb-s", "10.8.1.0/24"), "{b:#?}");
    assert!(
        b.reason.contains("10.8.0.0/16 -> pcx-s") && b.reason.contains("pcx-gone"),
        "{b:#?}"
    );
    // A runner-up that could not carry the address anyway (an internet gateway for a private
    // address) leaves the blackhole's own code.
    let v = verdict(
        &peer_unrouted()
            .route("rtb-s", "0.0.0.0/0", "igw-s")
            .blackhole("rtb-s", "10.8.0.0/16", "pcx-gone"),
        &Q("eni-a", "eni-p", "tcp", Some("443"), false),
    );
    assert_eq!(v.verdict, VerdictKind::Unreachable, "{v:#?}");
    assert!(
        v.blocked.iter().all(|b| b.code == "BAD_STATE_ROUTE"),
        "{:#?}",
        v.blocked
    );
}

#[test]
fn code_higher_priority_route() {
    // RT-12, RT-22: a prefix-list route to the peering and a static blackhole route of the same
    // prefix; the static route has priority and drops the packet.
    let base = || {
        peer_unrouted()
            .prefix_list("pl-peer", "peer", &["10.8.0.0/16"], true)
            .route("rtb-s", "pl-peer", "pcx-s")
    };
    blocked_and_fixed(
        "HIGHER_PRIORITY_ROUTE",
        base().blackhole("rtb-s", "10.8.0.0/16", "pcx-gone"),
        base(),
        Q("eni-a", "eni-p", "tcp", Some("443"), false),
    );
    sim_agrees(
        &base().blackhole("rtb-s", "10.8.0.0/16", "pcx-gone"),
        &Q("eni-a", "eni-p", "tcp", Some("443"), false),
        "eni-a",
        tcp("10.9.1.10", 49152, "10.8.1.10", 443),
        "HIGHER_PRIORITY_ROUTE",
    );
}

#[test]
fn code_cannot_route() {
    // RT-23: the route to the peering names the peer's other subnet only.
    blocked_and_fixed(
        "CANNOT_ROUTE",
        peer_unrouted().route("rtb-s", "10.8.2.0/24", "pcx-s"),
        peer_unrouted().route("rtb-s", "10.8.0.0/16", "pcx-s"),
        Q("eni-a", "eni-p", "tcp", Some("443"), false),
    );
    sim_agrees(
        &peer_unrouted().route("rtb-s", "10.8.2.0/24", "pcx-s"),
        &Q("eni-a", "eni-p", "tcp", Some("443"), false),
        "eni-a",
        tcp("10.9.1.10", 49152, "10.8.1.10", 443),
        "CANNOT_ROUTE",
    );
    // The same with a prefix-list route whose list does not hold the address.
    blocked_and_fixed(
        "CANNOT_ROUTE",
        peer_unrouted()
            .prefix_list("pl-peer", "peer", &["10.8.2.0/24"], true)
            .route("rtb-s", "pl-peer", "pcx-s"),
        peer_unrouted()
            .prefix_list("pl-peer", "peer", &["10.8.0.0/16"], true)
            .route("rtb-s", "pl-peer", "pcx-s"),
        Q("eni-a", "eni-p", "tcp", Some("443"), false),
    );
}

#[test]
fn code_vpc_local_route_cidr_restriction() {
    // RT-24: a local route for a block `vpc-s` does not hold (the peer's) wins for the peer's
    // address; routed to the peering instead, it arrives.
    let base = || {
        with_peer(small(false, true), "10.50.0.0/16", "10.50.1.0/24", "10.50.1.5", false).route(
            "rtb-p",
            "10.9.0.0/16",
            "pcx-s",
        )
    };
    blocked_and_fixed(
        "VPC_LOCAL_ROUTE_CIDR_RESTRICTION",
        base().route("rtb-s", "10.50.0.0/16", "local"),
        base().route("rtb-s", "10.50.0.0/16", "pcx-s"),
        Q("eni-a", "eni-p", "tcp", Some("443"), false),
    );
    sim_agrees(
        &base().route("rtb-s", "10.50.0.0/16", "local"),
        &Q("eni-a", "eni-p", "tcp", Some("443"), false),
        "eni-a",
        tcp("10.9.1.10", 49152, "10.50.1.5", 443),
        "VPC_LOCAL_ROUTE_CIDR_RESTRICTION",
    );
}

#[test]
fn code_ngw_dest_address_preservation() {
    // NGW-11: a request to the NAT gateway's address (from another subnet, through the local
    // route) stays addressed to it; an interface holding that address instead takes it.
    let base = || {
        small(true, true)
            .subnet("subnet-n", "vpc-s", "10.9.3.0/24")
            .route_table("rtb-n", "vpc-s", &["subnet-n"])
            .route("rtb-n", "0.0.0.0/0", "igw-s")
    };
    blocked_and_fixed(
        "NGW_DEST_ADDRESS_PRESERVATION",
        base().nat("nat-s", "subnet-n", "10.9.3.100", Some("54.9.0.100")),
        base().eni("eni-n", "subnet-n", "10.9.3.100", &["sg-a"]),
        Q("eni-a", "10.9.3.100", "tcp", Some("443"), false),
    );
    sim_agrees(
        &base().nat("nat-s", "subnet-n", "10.9.3.100", Some("54.9.0.100")),
        &Q("eni-a", "10.9.3.100", "tcp", Some("443"), false),
        "eni-a",
        tcp("10.9.1.10", 49152, "10.9.3.100", 443),
        "NGW_DEST_ADDRESS_PRESERVATION",
    );
    // From the internet to its Elastic IP: the internet gateway translates it to the NAT
    // gateway's private address, where it stops.
    let t = base()
        .nat("nat-s", "subnet-n", "10.9.3.100", Some("54.9.0.100"))
        .build()
        .trace_internet(tcp(HOST, 49152, "54.9.0.100", 443));
    match &t.request.outcome {
        vpcverify::sim::LegOutcome::Dropped { blocked } => assert_eq!(
            (blocked.id.as_str(), blocked.code.as_str()),
            ("nat-s", "NGW_DEST_ADDRESS_PRESERVATION")
        ),
        other => panic!("{other:?}"),
    }
    // In the NAT gateway's own subnet too (no route lookup, §3 step 3).
    blocked_and_fixed(
        "NGW_DEST_ADDRESS_PRESERVATION",
        small(true, true).nat("nat-s", "subnet-s", "10.9.1.100", Some("54.9.0.100")),
        small(true, true).eni("eni-n", "subnet-s", "10.9.1.100", &["sg-a"]),
        Q("eni-a", "10.9.1.100", "tcp", Some("443"), false),
    );
    sim_agrees(
        &small(true, true).nat("nat-s", "subnet-s", "10.9.1.100", Some("54.9.0.100")),
        &Q("eni-a", "10.9.1.100", "tcp", Some("443"), false),
        "eni-a",
        tcp("10.9.1.10", 49152, "10.9.1.100", 443),
        "NGW_DEST_ADDRESS_PRESERVATION",
    );
}

#[test]
fn code_sg_references_not_preserved() {
    // SG-15: `eni-d` admits members of `sg-q`; `eni-q` is one, but its route to `eni-d`'s subnet
    // goes through the NAT instance `eni-a`, which forwards the packet as its own. Without that
    // route the local route delivers it straight, and the reference matches.
    let with = |peer: &str, through_appliance: bool| {
        let n = small(true, true)
            .check_off("eni-a")
            .subnet("subnet-q", "vpc-s", "10.9.2.0/24")
            .route_table("rtb-q", "vpc-s", &["subnet-q"])
            .sg("sg-q", "vpc-s")
            .sg_out("sg-q", "all", "", "0.0.0.0/0")
            .eni("eni-q", "subnet-q", "10.9.2.10", &["sg-q"])
            .subnet("subnet-d", "vpc-s", "10.9.4.0/24")
            .route_table("rtb-d", "vpc-s", &["subnet-d"])
            .sg("sg-d", "vpc-s")
            .sg_in("sg-d", "tcp", "443", peer)
            .eni("eni-d", "subnet-d", "10.9.4.20", &["sg-d"]);
        if through_appliance {
            n.route("rtb-q", "10.9.4.0/24", "eni-a")
        } else {
            n
        }
    };
    let q = || Q("eni-q", "eni-d", "tcp", Some("443"), false);
    blocked_and_fixed(
        "SG_REFERENCES_NOT_PRESERVED",
        with("sg-q", true),
        with("sg-q", false),
        q(),
    );
    // The simulator names the same cause.
    let t = with("sg-q", true)
        .build()
        .trace_eni("eni-q", tcp("10.9.2.10", 49152, "10.9.4.20", 443));
    match &t.request.outcome {
        vpcverify::sim::LegOutcome::Dropped { blocked } => assert_eq!(
            (blocked.id.as_str(), blocked.code.as_str()),
            ("sg-d", "SG_REFERENCES_NOT_PRESERVED")
        ),
        other => panic!("{other:?}"),
    }
    // A group that admits the source by its address, not by a group, is a plain mismatch.
    let v = verdict(&with("10.9.2.0/24", true), &q());
    assert_eq!(v.verdict, VerdictKind::Unreachable, "{v:#?}");
    assert!(
        v.blocked.iter().all(|b| b.code != "SG_REFERENCES_NOT_PRESERVED"),
        "{:#?}",
        v.blocked
    );
    assert!(
        v.blocked.iter().any(|b| b.code == "ENI_SG_RULES_MISMATCH"),
        "{:#?}",
        v.blocked
    );
}

/// The coverage table of SEMANTICS.md §10 agrees with its counts line, leaves no code "not yet"
/// without counting it, and every code it marks emitted (but the defensive checks no question
/// reaches) has its network in this file.
#[test]
fn coverage_table_counts_and_tests() {
    let text = std::fs::read_to_string(path("SEMANTICS.md")).unwrap();
    let start = text.find("| code | status |").expect("the coverage table");
    let end = text[start..].find("\n## ").map_or(text.len(), |e| start + e);
    let this = std::fs::read_to_string(path("tests/codes.rs")).unwrap();
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for line in text[start..end].lines().skip(2).filter(|l| l.starts_with('|')) {
        let cols: Vec<&str> = line.split('|').map(str::trim).collect();
        let (names, status, why) = (cols[1], cols[2], cols[3]);
        let codes: Vec<&str> = names
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|c| !c.ends_with('_') || !names.contains("the same five"))
            .collect();
        // "`FILTER_AT_SOURCE_` the same five": five codes written once.
        let n = codes.len() + if names.contains("the same five") { 5 } else { 0 };
        *counts.entry(status.to_owned()).or_default() += n;
        if status == "emitted" && !why.contains("defensive") {
            // The networks are in tests/codes.rs, or in the test file the row cites (the load
            // balancer codes are tested on their moto fixture in tests/elb.rs).
            let cited: String = why
                .split('`')
                .skip(1)
                .step_by(2)
                .filter(|f| f.starts_with("tests/") && f.ends_with(".rs"))
                .filter_map(|f| std::fs::read_to_string(path(f)).ok())
                .collect();
            for c in &codes {
                assert!(
                    this.contains(&format!("\"{c}\"")) || cited.contains(&format!("\"{c}\"")),
                    "{c} is marked emitted but has no network in tests/codes.rs nor in a test file its row cites"
                );
            }
        }
    }
    let total: usize = counts.values().sum();
    let get = |s: &str| counts.get(s).copied().unwrap_or(0);
    let line = format!(
        "Counts ({total} AWS codes): **{} emitted** (3 of them defensive checks no question reaches), **{} n/a**, **{} not yet**;",
        get("emitted"),
        get("n/a"),
        get("not yet")
    );
    assert!(
        text.contains(&line),
        "SEMANTICS.md §10 should say: {line}\n(table: {counts:?})"
    );
    assert_eq!(
        total,
        get("emitted") + get("n/a") + get("not yet"),
        "unknown status in {counts:?}"
    );
}

/// The peering spec (`specs/peering.toml`) with A's route to B shadowed by a stale, more specific
/// blackhole route to a peering since deleted, asked through the command line.
#[test]
fn more_specific_route_in_text_and_json() {
    let spec = std::fs::read_to_string(path("specs/peering.toml")).unwrap().replace(
        "  { destination = \"10.2.0.0/16\", target = \"a-b\" },\n  { destination = \"10.3.0.0/16\"",
        "  { destination = \"10.2.0.0/16\", target = \"a-b\" },\n  { destination = \"10.2.1.0/24\", target = \"pcx-0gone\", state = \"blackhole\" },\n  { destination = \"10.3.0.0/16\"",
    );
    assert!(spec.contains("pcx-0gone"), "the spec changed shape");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("net.toml");
    std::fs::write(&file, spec).unwrap();
    let ask = |format: &str| {
        vpcverify()
            .arg("query")
            .arg(&file)
            .args([
                "--from", "a-host", "--to", "b-host", "--port", "443", "--format", format,
            ])
            .output()
            .unwrap()
    };
    let out = ask("json");
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let blocked = v["blocked"].as_array().unwrap();
    let b = blocked
        .iter()
        .find(|b| b["code"] == "MORE_SPECIFIC_ROUTE")
        .unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(
        (b["id"].as_str(), b["rule"].as_str()),
        (Some("rtb-a-main"), Some("10.2.1.0/24")),
        "{b:#}"
    );
    let reason = b["reason"].as_str().unwrap();
    assert!(
        reason.contains("10.2.0.0/16 -> pcx-a-b") && reason.contains("10.2.1.0/24 -> pcx-0gone"),
        "{reason}"
    );
    let out = ask("text");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("MORE_SPECIFIC_ROUTE") && text.contains("10.2.0.0/16 -> pcx-a-b"),
        "{text}"
    );
}

#[test]
fn code_bad_state_vpn() {
    // ONP-3: the only VPN connection covering the destination has every tunnel DOWN; then one is up.
    let net = |tunnels: &[&str]| {
        small(false, false)
            .vgw("vgw-s", "vpc-s", &[])
            .route("rtb-s", "192.168.0.0/16", "vgw-s")
            .vpn_connection("vpn-s", "vgw-s", &["192.168.0.0/16"], tunnels)
    };
    blocked_and_fixed(
        "BAD_STATE_VPN",
        net(&["DOWN", "DOWN"]),
        net(&["DOWN", "UP"]),
        Q("eni-a", "192.168.1.1", "tcp", Some("443"), false),
    );
}
