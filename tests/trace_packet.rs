//! `query::trace`: the representative packet's documented choices (addresses, ports, protocol,
//! overrides) and the verdict it builds.

use crate::common::*;
use vpcverify::model::{ComponentKind, Packet, proto};
use vpcverify::query::trace::{TraceError, TraceRequest, prepare, run};
use vpcverify::query::{EndpointError, VerdictKind};
use vpcverify::sim::Start;

fn req(from: &str, to: &str, protocol: &str, port: Option<u16>) -> TraceRequest {
    TraceRequest {
        from: from.into(),
        to: to.into(),
        protocol: protocol.into(),
        port,
        src_port: None,
        src_ip: None,
        dst_ip: None,
        one_way: false,
    }
}

fn packet(n: &Built, r: &TraceRequest) -> (Start, Packet, Vec<String>) {
    let p = prepare(&n.net, &n.ix, r).unwrap().unwrap();
    (p.start, p.packet, p.warnings)
}

#[test]
fn internet_to_a_public_host_uses_its_public_address_and_port_49152() {
    let n = lab().build();
    let (start, p, warnings) = packet(&n, &req("internet", "eni-web", "tcp", Some(80)));
    assert_eq!(start, Start::Internet);
    assert_eq!(p, tcp("93.184.216.34", 49152, "54.0.0.10", 80));
    assert!(warnings.iter().any(|w| w.contains("49152")), "{warnings:?}");
    assert!(warnings.iter().any(|w| w.contains("public IPv4")), "{warnings:?}");
}

#[test]
fn same_vpc_and_peered_destinations_use_private_addresses() {
    let n = lab().build();
    let (_, p, _) = packet(&n, &req("eni-db", "eni-web", "tcp", Some(443)));
    assert_eq!(p, tcp("10.0.2.20", 49152, "10.0.1.10", 443));
    let n = Net::new()
        .vpc("vpc-a", "10.1.0.0/16")
        .vpc("vpc-b", "10.2.0.0/16")
        .subnet("subnet-a", "vpc-a", "10.1.1.0/24")
        .subnet("subnet-b", "vpc-b", "10.2.1.0/24")
        .pcx("pcx-ab", "vpc-a", "vpc-b")
        .eni("eni-a", "subnet-a", "10.1.1.10", &["sg-a-default"])
        .public_ip("eni-a", "54.0.1.10")
        .eni("eni-b", "subnet-b", "10.2.1.10", &["sg-b-default"])
        .build();
    let (_, p, _) = packet(&n, &req("eni-b", "eni-a", "tcp", Some(22)));
    assert_eq!(p.dst_ip.to_string(), "10.1.1.10");
    // Not active: the public address.
    let n = Net { net: n.net.clone() }
        .pcx_status("pcx-ab", "pending-acceptance")
        .build();
    let (_, p, _) = packet(&n, &req("eni-b", "eni-a", "tcp", Some(22)));
    assert_eq!(p.dst_ip.to_string(), "54.0.1.10");
}

#[test]
fn internet_address_skips_modelled_blocks() {
    let n = lab().vpc("vpc-odd", "93.184.216.0/24").build();
    let (_, p, _) = packet(&n, &req("eni-web", "internet", "tcp", Some(443)));
    assert_eq!(p.dst_ip.to_string(), "151.101.1.69");
}

#[test]
fn service_destination_is_the_first_entry_plus_one() {
    let n = lab()
        .prefix_list(
            "pl-s3",
            "com.amazonaws.us-east-1.s3",
            &["52.216.0.0/15", "3.5.0.0/19"],
            true,
        )
        .build();
    let (_, p, _) = packet(&n, &req("eni-db", "service:s3", "tcp", Some(443)));
    assert_eq!(p.dst_ip.to_string(), "52.216.0.1");
    let (_, p, _) = packet(&n, &req("eni-db", "pl-s3", "tcp", Some(443)));
    assert_eq!(p.dst_ip.to_string(), "52.216.0.1");
    // Entries not in the input: unknown, before any walk.
    let n = lab()
        .prefix_list("pl-s3", "com.amazonaws.us-east-1.s3", &[], false)
        .build();
    let v = run(&n.net, &n.ix, &req("eni-db", "service:s3", "tcp", Some(443))).unwrap();
    assert_eq!(v.verdict, VerdictKind::Unknown);
    assert_eq!(v.unknown[0].id, "pl-s3");
}

#[test]
fn tcp_and_udp_need_a_port() {
    let n = lab().build();
    let e = prepare(&n.net, &n.ix, &req("eni-web", "internet", "udp", None)).unwrap_err();
    assert!(matches!(&e, TraceError::Usage(m) if m.contains("--port")), "{e}");
    let e = prepare(&n.net, &n.ix, &req("eni-web", "internet", "bogus", Some(1))).unwrap_err();
    assert!(e.to_string().contains("invalid protocol"), "{e}");
}

#[test]
fn icmp_is_an_echo_request_and_all_without_port_too() {
    let n = lab().build();
    let (_, p, _) = packet(&n, &req("eni-web", "eni-db", "icmp", None));
    assert_eq!(p, Packet::icmp(proto::ICMP, p.src_ip, p.dst_ip, 8, 0));
    let (_, p, w) = packet(&n, &req("eni-web", "eni-db", "all", None));
    assert_eq!((p.protocol, p.icmp_type), (proto::ICMP, 8));
    assert!(w.iter().any(|w| w.contains("protocol all")), "{w:?}");
    let (_, p, _) = packet(&n, &req("eni-web", "eni-db", "all", Some(3306)));
    assert_eq!((p.protocol, p.dst_port), (proto::TCP, 3306));
    let (_, p, _) = packet(&n, &req("eni-web", "eni-db", "50", None));
    assert_eq!(p, other(50, "10.0.1.10", "10.0.2.20"));
}

#[test]
fn overrides_and_pinned_ports_win() {
    let n = lab().build();
    let mut r = req("eni-web", "internet", "tcp", Some(443));
    r.src_port = Some(40000);
    r.dst_ip = Some("8.8.8.8".parse().unwrap());
    let (_, p, _) = packet(&n, &r);
    assert_eq!(p, tcp("10.0.1.10", 40000, "8.8.8.8", 443));
    r.src_ip = Some("::1".parse().unwrap());
    assert!(matches!(prepare(&n.net, &n.ix, &r), Err(TraceError::Usage(_))));
}

#[test]
fn ipv6_only_destination_makes_an_ipv6_packet() {
    let n = Net::new()
        .vpc("vpc-6", "10.6.0.0/16")
        .vpc_v6("vpc-6", "2600:1f18:6:100::/56")
        .subnet("subnet-6", "vpc-6", "10.6.1.0/24")
        .subnet_v6("subnet-6", "2600:1f18:6:101::/64")
        .eni("eni-v6", "subnet-6", "", &["sg-6-default"])
        .eni_v6("eni-v6", "2600:1f18:6:101::10")
        .eni("eni-dual", "subnet-6", "10.6.1.11", &["sg-6-default"])
        .eni_v6("eni-dual", "2600:1f18:6:101::11")
        .build();
    let (_, p, _) = packet(&n, &req("eni-dual", "eni-v6", "tcp", Some(22)));
    assert_eq!(p, tcp("2600:1f18:6:101::11", 49152, "2600:1f18:6:101::10", 22));
    let (_, p, _) = packet(&n, &req("eni-dual", "eni-v6", "icmpv6", None));
    assert_eq!((p.protocol, p.icmp_type), (proto::ICMPV6, 128));
    let (_, p, _) = packet(&n, &req("eni-dual", "internet", "icmpv6", None));
    assert_eq!(p.dst_ip.to_string(), "2606:2800:220:1:248:1893:25c8:1946");
    let e = prepare(&n.net, &n.ix, &req("eni-dual", "eni-v6", "icmp", None)).unwrap_err();
    assert!(matches!(e, TraceError::Usage(_)), "{e}");
}

#[test]
fn on_premises_hosts_come_from_the_gateway_blocks() {
    let n = lab()
        .vgw("vgw-lab", "vpc-lab", &["192.168.0.0/16"])
        .route("rtb-private", "192.168.0.0/16", "vgw-lab")
        .build();
    let (start, p, _) = packet(&n, &req("vgw-lab", "eni-db", "tcp", Some(3306)));
    assert_eq!(start, Start::OnPremises("vgw-lab".into()));
    assert_eq!(p, tcp("192.168.0.1", 49152, "10.0.2.20", 3306));
    let (start, p, _) = packet(&n, &req("192.168.7.7", "eni-db", "tcp", Some(3306)));
    assert_eq!(start, Start::OnPremises("vgw-lab".into()));
    assert_eq!(p.src_ip.to_string(), "192.168.7.7");
    let (_, p, _) = packet(&n, &req("eni-db", "vgw-lab", "tcp", Some(22)));
    assert_eq!(p.dst_ip.to_string(), "192.168.0.1");
}

#[test]
fn endpoint_errors_are_errors() {
    let n = lab().build();
    let e = prepare(&n.net, &n.ix, &req("nope", "eni-web", "tcp", Some(80))).unwrap_err();
    assert!(matches!(e, TraceError::Endpoint(EndpointError::NotFound(_))), "{e}");
    let e = prepare(&n.net, &n.ix, &req("nat-lab", "eni-web", "tcp", Some(80))).unwrap_err();
    assert!(
        matches!(e, TraceError::Endpoint(EndpointError::WrongRole { .. })),
        "{e}"
    );
    // A NAT gateway as destination needs an address: its Elastic IP works.
    let e = prepare(&n.net, &n.ix, &req("internet", "nat-lab", "tcp", Some(80))).unwrap_err();
    assert!(matches!(e, TraceError::Usage(_)), "{e}");
    let v = run(&n.net, &n.ix, &req("internet", "54.0.0.100", "tcp", Some(443))).unwrap();
    assert_eq!(v.verdict, VerdictKind::Unreachable);
    assert_eq!(v.blocked[0].kind, ComponentKind::NatGateway);
}

#[test]
fn verdict_carries_packet_paths_and_the_blocking_component() {
    let n = lab().build();
    let v = run(&n.net, &n.ix, &req("eni-db", "internet", "tcp", Some(443))).unwrap();
    assert_eq!(v.verdict, VerdictKind::Unreachable);
    assert_eq!(v.packet.unwrap(), tcp("10.0.2.20", 49152, "93.184.216.34", 443));
    assert!(hop_ids(v.path.as_ref().unwrap()).contains(&"nat-lab"));
    assert_eq!(hop_ids(v.return_path.as_ref().unwrap()), ["93.184.216.34", "igw-lab"]);
    assert_eq!(
        (v.blocked[0].id.as_str(), v.blocked[0].rule.as_str()),
        ("acl-public", "*")
    );
    let mut r = req("eni-db", "internet", "tcp", Some(443));
    r.one_way = true;
    let v = run(&n.net, &n.ix, &r).unwrap();
    assert_eq!(v.verdict, VerdictKind::Reachable);
    assert!(v.return_path.is_none() && v.blocked.is_empty());
}
