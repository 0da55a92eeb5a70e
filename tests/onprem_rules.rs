//! One test per on-premises rule (SEMANTICS.md §5.11, ONP-1..ONP-5), on small networks built in
//! code: the simulator's trace of a pinned packet, and `query::engine::run` (the SMT engine, every
//! witness and blocking example replayed through the simulator) on the same question.

use crate::common::*;
use vpcverify::model::ComponentKind as K;
use vpcverify::query::VerdictKind;
use vpcverify::query::engine::run;
use vpcverify::sim::{LegOutcome, Place};

/// `vpc-o` 10.7.0.0/16 with `eni-o` 10.7.1.10 (group open both ways), virtual private gateway
/// `vgw-o` (no declared blocks), routes 192.168.0.0/16 and 172.16.0.0/12 to it.
fn onprem_net() -> Net {
    Net::new()
        .vpc("vpc-o", "10.7.0.0/16")
        .subnet("subnet-o", "vpc-o", "10.7.1.0/24")
        .route_table("rtb-o", "vpc-o", &["subnet-o"])
        .sg("sg-o", "vpc-o")
        .sg_in("sg-o", "all", "", "0.0.0.0/0")
        .sg_out("sg-o", "all", "", "0.0.0.0/0")
        .eni("eni-o", "subnet-o", "10.7.1.10", &["sg-o"])
        .vgw("vgw-o", "vpc-o", &[])
        .route("rtb-o", "192.168.0.0/16", "vgw-o")
        .route("rtb-o", "172.16.0.0/12", "vgw-o")
}

fn ask(b: &Built, from: &str, to: &str) -> vpcverify::query::Verdict {
    run(&b.net, &b.ix, &tcp_question(from, to, 443)).unwrap().verdict
}

#[test]
fn onp_1_only_available_static_routes_of_available_connections_are_known() {
    let mut n = onprem_net().vpn_connection("vpn-1", "vgw-o", &["192.168.1.0/24"], &["UP", "UP"]);
    // A second connection that is being deleted: its route does not count.
    n = n.vpn_connection("vpn-2", "vgw-o", &["192.168.2.0/24"], &["UP"]);
    n.net.onprem.vpn_connections.get_mut("vpn-2").unwrap().state = "deleting".into();
    let b = n.build();
    let t = b.trace_eni("eni-o", tcp("10.7.1.10", 49152, "192.168.1.5", 443));
    assert_reachable(&t);
    assert!(hop_ids(&t.request.hops).contains(&"vpn-1"));
    assert_eq!(ask(&b, "eni-o", "192.168.1.5").verdict, VerdictKind::Reachable);
    let t = b.trace_eni("eni-o", tcp("10.7.1.10", 49152, "192.168.2.5", 443));
    assert_unknown(&t, "vgw-o");
    assert_eq!(ask(&b, "eni-o", "192.168.2.5").verdict, VerdictKind::Unknown);
}

#[test]
fn onp_2_a_destination_no_prefix_covers_is_unknown_and_a_declared_one_is_carried() {
    let b = onprem_net().build();
    let t = b.trace_eni("eni-o", tcp("10.7.1.10", 49152, "192.168.9.9", 443));
    assert_unknown(&t, "vgw-o");
    let v = ask(&b, "eni-o", "192.168.9.9");
    assert_eq!(v.verdict, VerdictKind::Unknown, "{v:#?}");
    let b = onprem_net().onprem("corp", &["192.168.0.0/16"], Some("vgw-o")).build();
    let t = b.trace_eni("eni-o", tcp("10.7.1.10", 49152, "192.168.9.9", 443));
    assert_reachable(&t);
    assert!(matches!(
        &t.request.outcome,
        LegOutcome::Delivered { at: Place::OnPremises { gateway }, .. } if gateway.as_str() == "vgw-o"
    ));
    assert_eq!(ask(&b, "eni-o", "corp").verdict, VerdictKind::Reachable);
    // Behind another gateway: not this one's.
    let b = onprem_net()
        .vgw("vgw-x", "vpc-o", &[])
        .onprem("corp", &["192.168.0.0/16"], Some("vgw-x"))
        .build();
    assert_eq!(ask(&b, "eni-o", "192.168.9.9").verdict, VerdictKind::Unknown);
}

#[test]
fn onp_3_every_tunnel_down_drops_unless_something_else_covers() {
    let n = onprem_net().vpn_connection("vpn-1", "vgw-o", &["192.168.0.0/16"], &["DOWN", "DOWN"]);
    let b = Net { net: n.net.clone() }.build();
    let t = b.trace_eni("eni-o", tcp("10.7.1.10", 49152, "192.168.1.5", 443));
    let blk = assert_blocked(&t, "vpn-1", K::VpnConnection, "ONP-3");
    assert_eq!(blk.code, "BAD_STATE_VPN");
    let v = ask(&b, "eni-o", "192.168.1.5");
    assert_eq!(v.verdict, VerdictKind::Unreachable);
    assert_eq!(v.blocked[0].code, "BAD_STATE_VPN");
    // A longer prefix of a working connection wins; a declared network covers the rest.
    let b = Net { net: n.net.clone() }
        .vpn_connection("vpn-2", "vgw-o", &["192.168.1.0/24"], &["UP", "DOWN"])
        .onprem("dc", &["192.168.7.0/24"], None)
        .build();
    assert_eq!(ask(&b, "eni-o", "192.168.1.5").verdict, VerdictKind::Reachable);
    assert_eq!(ask(&b, "eni-o", "192.168.7.5").verdict, VerdictKind::Reachable);
    assert_eq!(ask(&b, "eni-o", "192.168.3.5").verdict, VerdictKind::Unreachable);
    // Tunnels the input does not list count as up.
    let b = onprem_net()
        .vpn_connection("vpn-3", "vgw-o", &["192.168.0.0/16"], &[])
        .build();
    assert_eq!(ask(&b, "eni-o", "192.168.1.5").verdict, VerdictKind::Reachable);
}

#[test]
fn onp_4_declared_networks_and_onprem_are_sources_and_destinations() {
    let b = onprem_net()
        .vpn_connection("vpn-1", "vgw-o", &["172.16.0.0/16"], &["UP"])
        .onprem("corp", &["192.168.0.0/16"], None)
        .build();
    for (from, to) in [
        ("corp", "eni-o"),
        ("eni-o", "corp"),
        ("onprem", "eni-o"),
        ("eni-o", "onprem"),
    ] {
        let v = ask(&b, from, to);
        assert_eq!(v.verdict, VerdictKind::Reachable, "{from} -> {to}: {v:#?}");
    }
    // The reply to an on-premises host comes back in through the gateway it entered by.
    let t = b.trace_onprem("vgw-o", tcp("192.168.3.3", 49152, "10.7.1.10", 443));
    assert_reachable(&t);
    assert!(hop_ids(&t.reply.as_ref().unwrap().hops).contains(&"vgw-o"));
    // The reply to a host the route table sends to the gateway (172.16.0.0/12) but no prefix of
    // it covers (the connection's route is 172.16.0.0/16) is unknown there (ONP-2 on the reply).
    let t = b.trace_onprem("vgw-o", tcp("172.20.3.3", 49152, "10.7.1.10", 443));
    assert_unknown(&t, "vgw-o");
}

#[test]
fn onp_4_a_declared_network_enters_only_through_the_gateways_that_know_it() {
    // A second VPC with its own gateway, which routes the corporate block to it too.
    let n = |via: Option<&str>| {
        onprem_net()
            .vpc("vpc-p", "10.8.0.0/16")
            .subnet("subnet-p", "vpc-p", "10.8.1.0/24")
            .route_table("rtb-p", "vpc-p", &["subnet-p"])
            .sg("sg-p", "vpc-p")
            .sg_in("sg-p", "all", "", "0.0.0.0/0")
            .sg_out("sg-p", "all", "", "0.0.0.0/0")
            .eni("eni-p", "subnet-p", "10.8.1.10", &["sg-p"])
            .vgw("vgw-p", "vpc-p", &[])
            .route("rtb-p", "192.168.0.0/16", "vgw-p")
            .onprem("corp", &["192.168.0.0/16"], via)
            .build()
    };
    // Behind vgw-o only: it enters there, and vgw-o leads to vpc-o only (VGW-3).
    let v = ask(&n(Some("vgw-o")), "corp", "eni-p");
    assert_eq!(v.verdict, VerdictKind::Unreachable, "{v:#?}");
    assert!(v.blocked.iter().any(|b| b.id == "vgw-o" && b.rule == "VGW-3"), "{v:#?}");
    assert_eq!(ask(&n(Some("vgw-o")), "corp", "eni-o").verdict, VerdictKind::Reachable);
    // Behind every gateway: it reaches both.
    assert_eq!(ask(&n(None), "corp", "eni-p").verdict, VerdictKind::Reachable);
}
