//! The AWS loader on the moto sample, the hand-written merged snapshot and broken inputs.
//!
//! Rule ids: NACL-4/NACL-6 (entries), SG-6/SG-7/SG-8 (rules), RT-13/RT-14/RT-18 (routes), IGW-2
//! (public addresses), NGW-10 (deleted NAT gateway), PCX-3 (peering state), GWE-2 (endpoint list).

use crate::common::*;
use serde_json::{Value, json};
use std::path::PathBuf;
use vpcverify::ingest::{self, Loaded, aws};
use vpcverify::model::*;

const MOTO: &str = "tests/fixtures/moto-sample";

fn moto() -> Loaded {
    ingest::load(&path(MOTO)).unwrap()
}

fn merged() -> Loaded {
    ingest::load(&path("tests/fixtures/aws/merged.json")).unwrap()
}

/// Lowers one in-memory document as if read from `name`.
fn load_doc(name: &str, doc: Value) -> Loaded {
    aws::load_files(&[(PathBuf::from(name), name.to_owned(), doc)]).unwrap()
}

fn codes(l: &Loaded, severity: Severity) -> Vec<(String, Option<String>)> {
    l.diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .map(|d| (d.code.clone(), d.resource.clone()))
        .collect()
}

fn errors(l: &Loaded) -> Vec<&Diagnostic> {
    l.diagnostics.iter().filter(|d| d.is_error()).collect()
}

fn route<'a>(net: &'a Network, rtb: &str, dest: &str) -> &'a Route {
    net.route_tables[&RouteTableId::from(rtb)]
        .routes
        .iter()
        .find(|r| r.destination.to_string() == dest)
        .unwrap_or_else(|| panic!("no route {dest} in {rtb}"))
}

fn acl_entry<'a>(net: &'a Network, acl: &str, dir: Direction, n: u16) -> &'a NetworkAclEntry {
    net.network_acls[&NetworkAclId::from(acl)]
        .entries
        .iter()
        .find(|e| e.direction == dir && e.rule_number == n)
        .unwrap_or_else(|| panic!("no {dir} entry {n} in {acl}"))
}

fn total_sg_rules(net: &Network) -> usize {
    net.security_groups
        .values()
        .map(|g| g.ingress.len() + g.egress.len())
        .sum()
}

// ---------------------------------------------------------------- the moto sample

#[test]
fn moto_sample_loads_as_one_snapshot_with_the_expected_counts() {
    let l = moto();
    let net = &l.network;
    assert!(l.source.ends_with("moto-sample/ (24 files)"), "{}", l.source);
    assert!(errors(&l).is_empty(), "{:#?}", errors(&l));
    // 3 from describe-vpcs (default, prod, peer) + 1 from the CLI run against moto_server.
    assert_eq!(net.vpcs.len(), 4);
    assert_eq!(net.subnets.len(), 9);
    assert_eq!(net.route_tables.len(), 5);
    assert_eq!(net.route_tables.values().map(|r| r.routes.len()).sum::<usize>(), 17);
    assert_eq!(net.network_acls.len(), 4);
    assert_eq!(net.network_acls.values().map(|a| a.entries.len()).sum::<usize>(), 17);
    assert_eq!(net.security_groups.len(), 6);
    // One rule per source, nested and flat forms not double-counted.
    assert_eq!(total_sg_rules(net), 17);
    assert_eq!(net.network_interfaces.len(), 5);
    assert_eq!(net.instances.len(), 1);
    assert_eq!(net.nat_gateways.len(), 2);
    assert_eq!(net.vpc_peering_connections.len(), 1);
    assert_eq!(net.vpc_endpoints.len(), 2);
    assert_eq!(net.prefix_lists.len(), 7);
    assert_eq!(net.internet_gateways.len(), 1);
    assert_eq!(net.egress_only_internet_gateways.len(), 1);
    assert_eq!(net.transit_gateways.len(), 1);
    let tgw = &net.transit_gateways[&TransitGatewayId::from("tgw-8b0da06c1295a6660")];
    assert_eq!(tgw.vpcs, vec![VpcId::from("vpc-c09e3741728414933")]);
}

#[test]
fn moto_sample_security_group_reference_and_prefix_list_rules() {
    let net = moto().network;
    let db = &net.security_groups[&SecurityGroupId::from("sg-e8bb4cc6694682e60")];
    let from_web = &db.ingress[0];
    assert_eq!(from_web.protocol, Protocol::TCP);
    assert_eq!(from_web.l4, L4Match::Ports(PortRange::single(5432)));
    assert_eq!(
        from_web.peer,
        SecurityGroupPeer::SecurityGroup {
            id: "sg-b7db6b6727ad69af5".into(),
            peering: None
        }
    );
    assert_eq!(from_web.description.as_deref(), Some("from web"));
    assert!(from_web.provenance.file.ends_with("describe-security-groups.json"));
    assert_eq!(from_web.provenance.resource, "sg-e8bb4cc6694682e60");
    assert_eq!(
        from_web.provenance.item.as_deref(),
        Some("ingress[0] sg-b7db6b6727ad69af5")
    );
    // The self reference: all traffic from the group itself.
    assert_eq!(db.ingress[1].protocol, Protocol::All);
    assert_eq!(db.ingress[1].l4, L4Match::Any);

    let web = &net.security_groups[&SecurityGroupId::from("sg-b7db6b6727ad69af5")];
    let ssh = web
        .ingress
        .iter()
        .find(|r| matches!(r.peer, SecurityGroupPeer::PrefixList { .. }))
        .unwrap();
    assert_eq!(ssh.l4, L4Match::Ports(PortRange::single(22)));
    assert_eq!(
        ssh.peer,
        SecurityGroupPeer::PrefixList {
            id: "pl-4153c4e2ed93e04bb".into()
        }
    );
    // SG-6: icmp with FromPort 8 (echo request) and ToPort -1 (any code).
    let echo = web.ingress.iter().find(|r| r.protocol == Protocol::ICMP).unwrap();
    assert_eq!(
        echo.l4,
        L4Match::Icmp {
            icmp_type: Some(8),
            icmp_code: None
        }
    );
    // The nested form wins; the flat form adds nothing it already says.
    assert_eq!(web.ingress.len(), 4);
    assert_eq!(web.egress.len(), 2);
    assert!(
        web.ingress
            .iter()
            .all(|r| r.provenance.file.ends_with("describe-security-groups.json"))
    );
}

#[test]
fn moto_sample_peering_is_active_and_routed() {
    let net = moto().network;
    let pcx = &net.vpc_peering_connections[&VpcPeeringConnectionId::from("pcx-0590d64bbcd3bc243")];
    assert!(pcx.is_active());
    assert_eq!(pcx.requester, VpcId::from("vpc-c09e3741728414933"));
    assert_eq!(pcx.accepter, VpcId::from("vpc-9175f052abf6362d5"));
    let r = route(&net, "rtb-e15958b320764db07", "10.1.0.0/16");
    assert_eq!(r.target, RouteTarget::VpcPeeringConnection(pcx.id.clone()));
    assert_eq!(r.state, RouteState::Active);
}

#[test]
fn moto_sample_route_to_the_deleted_nat_gateway_is_a_blackhole_after_finish() {
    // moto leaves the route `active` (deviation 5); the loader keeps what the file says...
    let raw = aws::load_dir(&path(MOTO)).unwrap().network;
    let r = route(&raw, "rtb-e15958b320764db07", "192.168.0.0/16");
    assert_eq!(r.target, RouteTarget::NatGateway("nat-ddb0a382369e51d8c".into()));
    assert_eq!(r.state, RouteState::Active);
    assert_eq!(
        raw.nat_gateways[&NatGatewayId::from("nat-ddb0a382369e51d8c")].state,
        "deleted"
    );
    // ...and `ingest::load` runs `finish`, which marks it (NGW-10, J5).
    let net = moto().network;
    assert_eq!(
        route(&net, "rtb-e15958b320764db07", "192.168.0.0/16").state,
        RouteState::Blackhole
    );
    assert_eq!(
        route(&net, "rtb-c4d87210a42973efd", "0.0.0.0/0").state,
        RouteState::Active
    );
    assert_eq!(
        route(&net, "rtb-c4d87210a42973efd", "0.0.0.0/0")
            .provenance
            .item
            .as_deref(),
        Some("0.0.0.0/0")
    );
}

#[test]
fn moto_sample_public_addresses_land_on_the_right_private_address() {
    let net = moto().network;
    // The Elastic IP associated with the db interface (IGW-2).
    let db = &net.network_interfaces[&NetworkInterfaceId::from("eni-9807015e59b09c236")];
    assert_eq!(db.private_ipv4.len(), 1);
    assert_eq!(db.private_ipv4[0].address.to_string(), "10.0.2.10");
    let eip = db.private_ipv4[0].public_ip.as_ref().unwrap();
    assert_eq!(eip.address.to_string(), "127.226.80.208");
    assert_eq!(eip.allocation_id.as_deref(), Some("eipalloc-ee9dfe371d5634d6b"));
    // The instance's auto-assigned public IPv4 is not an Elastic IP.
    let web = &net.network_interfaces[&NetworkInterfaceId::from("eni-4e74616edd4b03e99")];
    let public = web.private_ipv4[0].public_ip.as_ref().unwrap();
    assert_eq!(public.address.to_string(), "54.214.44.192");
    assert_eq!(public.allocation_id, None);
}

#[test]
fn moto_sample_source_dest_check_is_off_on_the_db_interface_only() {
    let net = moto().network;
    let off: Vec<&str> = net
        .network_interfaces
        .values()
        .filter(|e| !e.source_dest_check)
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(off, vec!["eni-9807015e59b09c236"]);
}

#[test]
fn moto_sample_instance_and_its_interface_are_joined() {
    let net = moto().network;
    let i = &net.instances[&InstanceId::from("i-39f0d1445034b1351")];
    assert_eq!(i.state, "running");
    assert_eq!(
        i.network_interfaces,
        vec![NetworkInterfaceId::from("eni-4e74616edd4b03e99")]
    );
    let eni = &net.network_interfaces[&NetworkInterfaceId::from("eni-4e74616edd4b03e99")];
    let att = eni.attachment.as_ref().unwrap();
    assert_eq!(att.instance, Some(i.id.clone()));
    assert_eq!(att.device_index, Some(0));
    // The interface view is the description of record.
    assert!(eni.provenance.file.ends_with("describe-network-interfaces.json"));
}

#[test]
fn moto_sample_acl_entries_are_normalised_per_nacl_6() {
    let l = moto();
    let net = &l.network;
    let acl = "acl-91bf18344680d34c4";
    let https = acl_entry(net, acl, Direction::Inbound, 100);
    assert_eq!(https.protocol, Protocol::TCP);
    assert_eq!(https.l4, L4Match::Ports(PortRange::single(443)));
    assert_eq!(https.action, RuleAction::Allow);
    assert_eq!(https.provenance.item.as_deref(), Some("100"));
    assert_eq!(acl_entry(net, acl, Direction::Inbound, 110).action, RuleAction::Deny);
    // moto drops `IcmpTypeCode` (deviation 3): all types and codes, with a warning.
    assert_eq!(
        acl_entry(net, acl, Direction::Inbound, 120).l4,
        L4Match::Icmp {
            icmp_type: None,
            icmp_code: None
        }
    );
    assert!(codes(&l, Severity::Warning).contains(&("missing-icmp-type-code".into(), Some(acl.into()))));
    let v6 = acl_entry(net, acl, Direction::Inbound, 130);
    assert_eq!(v6.cidr, Cidr::any_v6());
    assert_eq!(v6.l4, L4Match::Any);
    // The listed default entries of the default ACLs are kept as ordinary entries.
    let default = acl_entry(net, "acl-e987b45719fc1329a", Direction::Outbound, 32767);
    assert_eq!(default.action, RuleAction::Deny);
    assert_eq!(default.rule_label(), "*");
}

#[test]
fn moto_sample_prefix_lists_and_gateway_endpoint() {
    let l = moto();
    let net = &l.network;
    let office = &net.prefix_lists[&PrefixListId::from("pl-4153c4e2ed93e04bb")];
    assert_eq!(office.name, "office");
    assert_eq!(office.owner, PrefixListOwner::CustomerManaged);
    assert_eq!(office.max_entries, Some(5));
    // The entries file carries no list id in its name, so it cannot be attributed.
    assert!(!office.entries_known);
    assert!(codes(&l, Severity::Warning).contains(&("unattributed-entries".into(), None)));
    let s3 = &net.prefix_lists[&PrefixListId::from("pl-9e44456487c1b857c")];
    assert_eq!(s3.owner, PrefixListOwner::AwsManaged);
    assert_eq!(s3.address_family, Some(IpFamily::V4));
    // moto's describe-prefix-lists has no `Cidrs` (deviation 8): the entries come from AWS's
    // ip-ranges.json shipped with vpcverify (service S3 in the list's region).
    assert!(s3.entries_known);
    assert!(!s3.entries.is_empty());
    assert!(matches!(
        s3.entries_source,
        EntriesSource::AwsIpRanges { file: None, .. }
    ));
    let gw = &net.vpc_endpoints[&VpcEndpointId::from("vpce-0225ee3aa2d67460c")];
    assert_eq!(gw.endpoint_type, VpcEndpointType::Gateway);
    assert_eq!(gw.prefix_list, Some(s3.id.clone()));
    assert_eq!(gw.route_tables, vec![RouteTableId::from("rtb-c4d87210a42973efd")]);
    let iface = &net.vpc_endpoints[&VpcEndpointId::from("vpce-c778d015a8532725e")];
    assert_eq!(iface.endpoint_type, VpcEndpointType::Interface);
    assert_eq!(iface.prefix_list, None);
    assert_eq!(
        iface.network_interfaces,
        vec![NetworkInterfaceId::from("eni-a7f2946f57712861a")]
    );
    assert_eq!(iface.groups, vec![SecurityGroupId::from("sg-b7db6b6727ad69af5")]);
}

#[test]
fn prefix_list_entries_are_attributed_by_file_name() {
    let dir = copy_fixture_dir(MOTO);
    std::fs::rename(
        dir.path().join("get-managed-prefix-list-entries.json"),
        dir.path().join("pl-4153c4e2ed93e04bb.entries.json"),
    )
    .unwrap();
    let l = ingest::load(dir.path()).unwrap();
    let office = &l.network.prefix_lists[&PrefixListId::from("pl-4153c4e2ed93e04bb")];
    assert!(office.entries_known);
    let entries: Vec<String> = office.entries.iter().map(|c| c.to_string()).collect();
    assert_eq!(entries, vec!["203.0.113.0/24", "198.51.100.0/24"]);
    assert!(!l.diagnostics.iter().any(|d| d.code == "unattributed-entries"));
    // Named and with entries now, it is no longer an unsupported construct.
    assert!(
        !l.network
            .unsupported
            .iter()
            .any(|u| u.component == "pl-4153c4e2ed93e04bb")
    );
}

// ---------------------------------------------------------------- the merged snapshot

#[test]
fn merged_snapshot_vpcs_subnets_and_route_tables() {
    let l = merged();
    assert_eq!(l.source, path("tests/fixtures/aws/merged.json").display().to_string());
    assert!(errors(&l).is_empty(), "{:#?}", errors(&l));
    let net = &l.network;
    assert_eq!(net.vpcs.len(), 2);
    let lab = &net.vpcs[&VpcId::from("vpc-0a1")];
    // Primary first; the disassociated 10.22.0.0/16 is not a block of the VPC.
    let v4: Vec<String> = lab.cidrs_v4.iter().map(|c| c.to_string()).collect();
    assert_eq!(v4, vec!["10.20.0.0/16", "10.21.0.0/16"]);
    assert_eq!(lab.cidrs_v6.len(), 1);
    assert_eq!(name_tag(&lab.tags), Some("lab"));
    // Block Public Access `off` is nothing to report.
    assert!(!net.unsupported.iter().any(|u| u.component == "vpc-0a1"));
    assert_eq!(net.subnets.len(), 3);
    let public = &net.subnets[&SubnetId::from("subnet-0pub")];
    assert_eq!(public.cidr_v6.unwrap().to_string(), "2600:1f18:abc:de00::/64");
    assert!(public.map_public_ip_on_launch);

    assert_eq!(net.route_tables.len(), 4);
    // 18 listed routes + the two local routes the gateway table's listing leaves out (RT-5).
    assert_eq!(net.route_tables.values().map(|r| r.routes.len()).sum::<usize>(), 20);
    assert!(net.route_tables[&RouteTableId::from("rtb-0main")].main);
    let pub_rt = &net.route_tables[&RouteTableId::from("rtb-0pub")];
    assert!(!pub_rt.main);
    assert_eq!(
        pub_rt.subnets,
        vec![SubnetId::from("subnet-0pub")],
        "disassociated association skipped"
    );
    assert_eq!(pub_rt.propagating_vgws, vec![VpnGatewayId::from("vgw-0a1")]);
    let edge = &net.route_tables[&RouteTableId::from("rtb-0edge")];
    assert_eq!(edge.gateways, vec![EdgeAssociation::InternetGateway("igw-0a1".into())]);
    assert!(net.unsupported.iter().any(|u| u.component == "rtb-0edge"));
}

#[test]
fn merged_snapshot_routes() {
    let net = merged().network;
    // AWS prints both `InstanceId` and `NetworkInterfaceId` for an instance route: the instance.
    let app = route(&net, "rtb-0pub", "10.50.0.0/16");
    assert_eq!(app.target, RouteTarget::Instance("i-0app".into()));
    assert_eq!(app.state, RouteState::Active);
    let propagated = route(&net, "rtb-0pub", "192.168.0.0/16");
    assert_eq!(propagated.target, RouteTarget::VpnGateway("vgw-0a1".into()));
    assert!(propagated.origin.is_propagated());
    let local = route(&net, "rtb-0pub", "10.21.0.0/16");
    assert_eq!(local.target, RouteTarget::Local);
    assert_eq!(local.origin, RouteOrigin::CreateRouteTable);
    let s3 = route(&net, "rtb-0priv", "pl-0s3");
    assert_eq!(s3.destination, RouteDestination::PrefixList("pl-0s3".into()));
    assert_eq!(s3.target, RouteTarget::VpcEndpoint("vpce-0s3".into()));
    assert_eq!(route(&net, "rtb-0priv", "10.60.0.0/16").state, RouteState::Blackhole);
    assert_eq!(
        route(&net, "rtb-0priv", "0.0.0.0/0").target,
        RouteTarget::NatGateway("nat-0a1".into())
    );
    let v6 = route(&net, "rtb-0pub", "::/0");
    assert_eq!(v6.target, RouteTarget::InternetGateway("igw-0a1".into()));
    assert_eq!(v6.provenance.resource, "rtb-0pub");
    assert!(v6.provenance.file.ends_with("merged.json"));
}

#[test]
fn merged_snapshot_acl_entries_keep_the_default_entries_and_read_icmp_type_code() {
    let net = merged().network;
    let default = &net.network_acls[&NetworkAclId::from("acl-0default")];
    assert!(default.is_default);
    assert_eq!(default.entries.len(), 8);
    let v6_deny = acl_entry(&net, "acl-0default", Direction::Inbound, 32768);
    assert_eq!(v6_deny.cidr, Cidr::any_v6());
    assert_eq!(v6_deny.action, RuleAction::Deny);
    assert_eq!(v6_deny.rule_label(), "*");

    let acl = "acl-0priv";
    assert_eq!(net.network_acls[&NetworkAclId::from(acl)].entries.len(), 10);
    // ICMP type 3 code 4 (fragmentation needed, NACL-11).
    let pmtu = acl_entry(&net, acl, Direction::Inbound, 110);
    assert_eq!(
        pmtu.l4,
        L4Match::Icmp {
            icmp_type: Some(3),
            icmp_code: Some(4)
        }
    );
    assert_eq!(pmtu.provenance.resource, acl);
    assert_eq!(pmtu.provenance.item.as_deref(), Some("110"));
    // NACL-6: ICMPv6 with an IPv4 CIDR matches everything...
    assert_eq!(acl_entry(&net, acl, Direction::Inbound, 120).l4, L4Match::Any);
    // ...with an IPv6 CIDR its type and code (`-1` = any code).
    assert_eq!(
        acl_entry(&net, acl, Direction::Inbound, 130).l4,
        L4Match::Icmp {
            icmp_type: Some(2),
            icmp_code: None
        }
    );
    // ESP (50) ignores the port range it was given.
    let esp = acl_entry(&net, acl, Direction::Inbound, 140);
    assert_eq!(esp.protocol, Protocol::Number(50));
    assert_eq!(esp.l4, L4Match::Any);
    assert_eq!(
        acl_entry(&net, acl, Direction::Outbound, 100).l4,
        L4Match::Ports(PortRange::EPHEMERAL)
    );
}

#[test]
fn merged_snapshot_security_groups() {
    let net = merged().network;
    let default = &net.security_groups[&SecurityGroupId::from("sg-0default")];
    // Real AWS: the default group admits all traffic from itself (moto deviation 4).
    assert_eq!(default.ingress.len(), 1);
    assert_eq!(
        default.ingress[0].peer,
        SecurityGroupPeer::SecurityGroup {
            id: "sg-0default".into(),
            peering: None
        }
    );
    assert_eq!(default.egress.len(), 2);

    let web = &net.security_groups[&SecurityGroupId::from("sg-0web")];
    // 443 from 0.0.0.0/0 and ::/0 (one permission, two rules), 22 from a prefix list, ICMP 3/4,
    // ICMPv6, ESP; the flat copies of two of them add nothing.
    assert_eq!(web.ingress.len(), 6);
    assert_eq!(web.ingress[0].provenance.item.as_deref(), Some("ingress[0] 0.0.0.0/0"));
    assert_eq!(web.ingress[1].provenance.item.as_deref(), Some("ingress[0] ::/0"));
    assert_eq!(web.ingress[0].description.as_deref(), Some("https"));
    assert_eq!(web.ingress[2].description.as_deref(), Some("office ssh"));
    assert_eq!(
        web.ingress[3].l4,
        L4Match::Icmp {
            icmp_type: Some(3),
            icmp_code: Some(4)
        }
    );
    assert_eq!(web.ingress[4].protocol, Protocol::ICMPV6);
    assert_eq!(
        web.ingress[4].l4,
        L4Match::Icmp {
            icmp_type: None,
            icmp_code: None
        }
    );
    assert_eq!(web.ingress[5].protocol, Protocol::Number(50));
    assert_eq!(web.ingress[5].l4, L4Match::Any);

    // SG-7/SG-9: a reference to a group in the peer VPC, across the peering.
    let app = &net.security_groups[&SecurityGroupId::from("sg-0app")];
    assert_eq!(app.ingress.len(), 1);
    assert_eq!(
        app.ingress[0].peer,
        SecurityGroupPeer::SecurityGroup {
            id: "sg-0peer".into(),
            peering: Some("pcx-0a1".into())
        }
    );
    assert_eq!(total_sg_rules(&net), 3 + 7 + 1 + 1);
}

#[test]
fn merged_snapshot_interfaces_instances_and_elastic_ips() {
    let l = merged();
    let net = &l.network;
    let web = &net.network_interfaces[&NetworkInterfaceId::from("eni-0web")];
    assert_eq!(web.private_ipv4.len(), 2);
    assert!(web.private_ipv4[0].primary);
    let auto = web.private_ipv4[0].public_ip.as_ref().unwrap();
    assert_eq!(auto.address.to_string(), "198.51.100.7");
    assert_eq!(auto.allocation_id, None);
    // The secondary private address carries its own Elastic IP.
    assert_eq!(web.private_ipv4[1].address.to_string(), "10.20.1.11");
    let eip = web.private_ipv4[1].public_ip.as_ref().unwrap();
    assert_eq!(eip.address.to_string(), "198.51.100.8");
    assert_eq!(eip.allocation_id.as_deref(), Some("eipalloc-0b"));
    assert_eq!(web.ipv6.len(), 1);
    assert_eq!(web.groups, vec![SecurityGroupId::from("sg-0web")]);
    assert_eq!(name_tag(&web.tags), Some("web-eni"));

    // describe-addresses fills in the Elastic IP the interface view left out.
    let db = &net.network_interfaces[&NetworkInterfaceId::from("eni-0db")];
    let db_eip = db.private_ipv4[0].public_ip.as_ref().unwrap();
    assert_eq!(db_eip.address.to_string(), "198.51.100.9");
    assert_eq!(db_eip.allocation_id.as_deref(), Some("eipalloc-0c"));

    // An interface only the instance view lists is created from it.
    let app = &net.network_interfaces[&NetworkInterfaceId::from("eni-0app")];
    assert!(!app.source_dest_check);
    assert_eq!(app.attachment.as_ref().unwrap().instance, Some("i-0app".into()));
    assert_eq!(app.description, "appliance");
    assert!(net.network_interfaces[&NetworkInterfaceId::from("eni-0nat")].requester_managed);
    assert_eq!(net.network_interfaces.len(), 4);

    // The terminated instance is skipped, loudly.
    assert_eq!(
        net.instances.keys().map(|i| i.as_str()).collect::<Vec<_>>(),
        vec!["i-0app", "i-0web"]
    );
    assert_eq!(
        codes(&l, Severity::Warning),
        vec![("terminated-instance".to_owned(), Some("i-0old".to_owned()))]
    );
}

#[test]
fn merged_snapshot_gateways_peering_endpoint_and_prefix_lists() {
    let net = merged().network;
    let nat = &net.nat_gateways[&NatGatewayId::from("nat-0a1")];
    assert_eq!(nat.connectivity, ConnectivityType::Public);
    let primary = nat.primary_address().unwrap();
    assert_eq!(primary.private_ip.to_string(), "10.20.1.20");
    assert_eq!(primary.public_ip.unwrap().to_string(), "203.0.113.10");
    assert_eq!(primary.network_interface, Some("eni-0nat".into()));
    assert_eq!(
        net.internet_gateways[&InternetGatewayId::from("igw-0a1")].vpcs,
        vec![VpcId::from("vpc-0a1")]
    );
    let vgw = &net.vpn_gateways[&VpnGatewayId::from("vgw-0a1")];
    assert_eq!(vgw.vpcs, vec![VpcId::from("vpc-0a1")]);
    assert!(vgw.onprem_cidrs.is_empty());
    assert!(net.vpc_peering_connections[&VpcPeeringConnectionId::from("pcx-0a1")].is_active());

    // Both prefix-list outputs: the managed view says who owns it, the legacy one has the CIDRs.
    let s3 = &net.prefix_lists[&PrefixListId::from("pl-0s3")];
    assert_eq!(s3.owner, PrefixListOwner::AwsManaged);
    assert!(s3.entries_known);
    assert_eq!(
        s3.entries.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
        vec!["52.216.0.0/15", "54.231.0.0/16"]
    );
    let office = &net.prefix_lists[&PrefixListId::from("pl-0office")];
    assert_eq!(office.owner, PrefixListOwner::CustomerManaged);
    assert_eq!(office.max_entries, Some(10));
    assert!(!office.entries_known);
    // GWE-2: the gateway endpoint's list, matched by service name.
    assert_eq!(
        net.vpc_endpoints[&VpcEndpointId::from("vpce-0s3")].prefix_list,
        Some(s3.id.clone())
    );
}

// ---------------------------------------------------------------- lenient but loud

fn vpc_doc() -> Value {
    json!({"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"})
}

#[test]
fn a_malformed_acl_entry_is_an_error_naming_the_file_and_acl_and_only_it_is_skipped() {
    let l = load_doc(
        "snap/acls.json",
        json!({
            "Vpcs": [vpc_doc()],
            "NetworkAcls": [{
                "NetworkAclId": "acl-bad", "VpcId": "vpc-1", "IsDefault": true,
                "Entries": [
                    {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "CidrBlock": "10.0.0.0/33"},
                    {"RuleNumber": 70000, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"},
                    {"RuleNumber": "110", "Protocol": "-1", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"},
                    {"RuleNumber": 120, "Protocol": "6", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"},
                    {"RuleNumber": 130, "Protocol": "-1", "RuleAction": "maybe", "Egress": true, "CidrBlock": "0.0.0.0/0"},
                    {"RuleNumber": 140, "Protocol": "-1", "RuleAction": "deny", "Egress": true, "CidrBlock": "0.0.0.0/0", "Ipv6CidrBlock": "::/0"},
                    {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": true, "CidrBlock": "0.0.0.0/0"}
                ]
            }]
        }),
    );
    let errs = errors(&l);
    assert_eq!(errs.len(), 5, "{errs:#?}");
    for e in &errs {
        assert_eq!(e.file.as_deref(), Some("snap/acls.json"));
        assert_eq!(e.resource.as_deref(), Some("acl-bad"));
        assert!(e.message.ends_with(": entry skipped"), "{}", e.message);
    }
    assert_eq!(errs[0].code, "invalid-value");
    assert!(errs[0].message.contains("`10.0.0.0/33`"), "{}", errs[0].message);
    assert!(errs[1].message.contains("70000"), "{}", errs[1].message);
    assert_eq!(errs[2].code, "wrong-type");
    let acl = &l.network.network_acls[&NetworkAclId::from("acl-bad")];
    assert_eq!(acl.entries.len(), 2);
    // TCP without `PortRange`: all ports, with a warning (NACL-6).
    assert_eq!(acl.entries[0].l4, L4Match::Any);
    assert!(codes(&l, Severity::Warning).contains(&("missing-port-range".into(), Some("acl-bad".into()))));
}

#[test]
fn malformed_resources_are_skipped_with_errors_and_the_rest_is_kept() {
    let l = load_doc(
        "m.json",
        json!({
            "Vpcs": [vpc_doc(), {"CidrBlock": "10.1.0.0/16"}, "vpc-2", {"VpcId": "vpc-3", "CidrBlock": 5}],
            "Subnets": "subnet-1",
            "RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Routes": [
                {"DestinationCidrBlock": "0.0.0.0/0"},
                {"GatewayId": "igw-1"},
                {"DestinationCidrBlock": "::/0", "GatewayId": "igw-1"},
                {"DestinationCidrBlock": "10.9.0.0/16", "GatewayId": "igw-1", "State": "filtered"}
            ]}]
        }),
    );
    let errs: Vec<(String, Option<String>)> = codes(&l, Severity::Error);
    assert_eq!(
        errs,
        vec![
            ("wrong-type".into(), None),
            ("missing-field".into(), Some("Vpcs[1]".into())),
            ("wrong-type".into(), Some("Vpcs[2]".into())),
            ("wrong-type".into(), Some("vpc-3".into())),
            ("invalid-value".into(), Some("rtb-1".into())),
            ("invalid-value".into(), Some("rtb-1".into())),
            ("invalid-value".into(), Some("rtb-1".into())),
        ]
    );
    assert_eq!(
        l.network.vpcs.keys().map(|v| v.as_str()).collect::<Vec<_>>(),
        vec!["vpc-1"]
    );
    let rt = &l.network.route_tables[&RouteTableId::from("rtb-1")];
    assert_eq!(rt.routes.len(), 1);
    // RT-14: a state other than active or blackhole is a blackhole, with a warning.
    assert_eq!(rt.routes[0].state, RouteState::Blackhole);
    assert!(codes(&l, Severity::Warning).contains(&("route-state".into(), Some("rtb-1".into()))));
}

#[test]
fn unknown_keys_and_unsupported_kinds_are_warnings() {
    let l = load_doc(
        "m.json",
        json!({
            "Vpcs": [vpc_doc()],
            "Widgets": [],
            "TransitGatewayConnects": [],
            "CarrierGateways": [],
            "NextToken": "abc"
        }),
    );
    assert!(errors(&l).is_empty());
    let warnings: Vec<String> = l.diagnostics.iter().map(|d| d.code.clone()).collect();
    assert_eq!(warnings, vec!["unsupported", "unsupported", "unknown-key"]);
    assert!(l.diagnostics[2].message.contains("`Widgets`"));
}

#[test]
fn unusual_route_targets_and_block_public_access() {
    let l = load_doc(
        "m.json",
        json!({
            "Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16",
                      "BlockPublicAccessStates": {"InternetGatewayBlockMode": "block-bidirectional"}}],
            "RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Routes": [
                {"DestinationCidrBlock": "10.1.0.0/16", "LocalGatewayId": "lgw-1"},
                {"DestinationCidrBlock": "10.2.0.0/16", "CarrierGatewayId": "cagw-1"},
                {"DestinationCidrBlock": "10.3.0.0/16", "CoreNetworkArn": "arn:aws:networkmanager::1:core-network/cn-1"},
                {"DestinationCidrBlock": "10.4.0.0/16", "GatewayId": "xgw-1"},
                {"DestinationCidrBlock": "10.5.0.0/16", "EgressOnlyInternetGatewayId": "eigw-1"},
                {"DestinationCidrBlock": "10.6.0.0/16", "NetworkInterfaceId": "eni-1"},
                {"DestinationCidrBlock": "10.7.0.0/16", "TransitGatewayId": "tgw-1"}
            ]}]
        }),
    );
    let net = &l.network;
    let unsupported = |field: &str, id: &str| RouteTarget::Unsupported {
        field: field.into(),
        id: id.into(),
    };
    assert_eq!(
        route(net, "rtb-1", "10.1.0.0/16").target,
        unsupported("LocalGatewayId", "lgw-1")
    );
    assert_eq!(
        route(net, "rtb-1", "10.2.0.0/16").target,
        unsupported("CarrierGatewayId", "cagw-1")
    );
    assert!(
        matches!(&route(net, "rtb-1", "10.3.0.0/16").target, RouteTarget::Unsupported { field, .. } if field == "CoreNetworkArn")
    );
    assert_eq!(
        route(net, "rtb-1", "10.4.0.0/16").target,
        unsupported("GatewayId", "xgw-1")
    );
    assert_eq!(
        route(net, "rtb-1", "10.5.0.0/16").target,
        RouteTarget::EgressOnlyInternetGateway("eigw-1".into())
    );
    assert_eq!(
        route(net, "rtb-1", "10.6.0.0/16").target,
        RouteTarget::NetworkInterface("eni-1".into())
    );
    assert_eq!(
        route(net, "rtb-1", "10.7.0.0/16").target,
        RouteTarget::TransitGateway("tgw-1".into())
    );
    // IGW-10: recorded for the VPC, reported by validation as unsupported.
    assert!(
        net.unsupported
            .iter()
            .any(|u| u.component == "vpc-1" && u.reason.contains("block-bidirectional"))
    );
}

#[test]
fn the_same_resource_in_two_files_is_merged_or_reported() {
    let same = json!({"Vpcs": [vpc_doc()]});
    let other = json!({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.9.0.0/16"}]});
    let l = aws::load_files(&[
        (PathBuf::from("a.json"), "a.json".into(), same.clone()),
        (PathBuf::from("b.json"), "b.json".into(), same),
        (PathBuf::from("c.json"), "c.json".into(), other),
    ])
    .unwrap();
    assert_eq!(l.source, "3 files");
    assert_eq!(l.network.vpcs.len(), 1);
    assert_eq!(
        l.network.vpcs[&VpcId::from("vpc-1")].cidrs_v4[0].to_string(),
        "10.0.0.0/16"
    );
    assert_eq!(l.diagnostics.len(), 1, "{:#?}", l.diagnostics);
    let d = &l.diagnostics[0];
    assert_eq!(d.code, "duplicate-resource");
    assert_eq!(d.file.as_deref(), Some("c.json"));
    assert!(d.message.contains("`a.json`"), "{}", d.message);
}

#[test]
fn an_instance_listed_twice_in_one_output_is_reported_and_the_first_listing_kept() {
    let instance = |name: &str| json!({"InstanceId": "i-1", "Tags": [{"Key": "Name", "Value": name}]});
    let doc = json!({"Reservations": [{"Instances": [instance("a")]}, {"Instances": [instance("b")]}]});
    let l = load_doc("instances.json", doc);
    assert_eq!(
        codes(&l, Severity::Warning),
        vec![
            ("instance-without-interface".into(), Some("i-1".into())),
            ("duplicate-resource".into(), Some("i-1".into())),
        ]
    );
    let d = &l.diagnostics[1];
    assert_eq!(d.file.as_deref(), Some("instances.json"));
    assert!(
        d.message
            .contains("at `Reservations[0].Instances[0]` and at `Reservations[1].Instances[0]`"),
        "{}",
        d.message
    );
    assert_eq!(l.network.instances[&InstanceId::from("i-1")].tags["Name"], "a");
    // Listed the same in two files (a merged file beside `describe-instances`): no warning.
    let doc = json!({"Reservations": [{"Instances": [instance("a")]}]});
    let l = aws::load_files(&[
        (PathBuf::from("a.json"), "a.json".into(), doc.clone()),
        (PathBuf::from("b.json"), "b.json".into(), doc),
    ])
    .unwrap();
    assert!(
        !codes(&l, Severity::Warning)
            .iter()
            .any(|(c, _)| c == "duplicate-resource")
    );
}

#[test]
fn a_subnet_no_acl_lists_keeps_the_default_acl_with_a_warning_naming_both() {
    let subnets = json!([
        {"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24"},
        {"SubnetId": "subnet-2", "VpcId": "vpc-1", "CidrBlock": "10.0.2.0/24"}
    ]);
    let l = load_doc(
        "snap.json",
        json!({
            "Vpcs": [vpc_doc()],
            "Subnets": subnets,
            "NetworkAcls": [
                {"NetworkAclId": "acl-d", "VpcId": "vpc-1", "IsDefault": true,
                 "Associations": [{"SubnetId": "subnet-1"}]},
                {"NetworkAclId": "acl-c", "VpcId": "vpc-1", "IsDefault": false}
            ]
        }),
    );
    assert_eq!(
        codes(&l, Severity::Warning),
        vec![("default-acl-assumed".into(), Some("subnet-2".into()))]
    );
    let d = &l.diagnostics[0];
    assert_eq!(d.file.as_deref(), Some("snap.json"));
    assert!(
        d.message.contains("`subnet-2`") && d.message.contains("default network ACL `acl-d` of vpc `vpc-1`"),
        "{}",
        d.message
    );
    // NACL-1, as before: the subnet without an association uses its VPC's default ACL.
    let ix = NetworkIndex::new(&l.network);
    assert_eq!(
        ix.network_acl_of(&SubnetId::from("subnet-2")),
        Some(&NetworkAclId::from("acl-d"))
    );
    // A snapshot without `describe-network-acls` at all lacks a whole command's output: an
    // error naming the command, not an assumed default (#12 item 4; this said nothing before).
    let l = load_doc("snap.json", json!({"Vpcs": [vpc_doc()], "Subnets": subnets}));
    assert_eq!(errors(&l).len(), 1, "{:#?}", l.diagnostics);
    let d = errors(&l)[0];
    assert_eq!(d.code, "missing-network-acls");
    assert_eq!(d.resource.as_deref(), Some("vpc-1"));
    assert!(
        d.message.contains("`aws ec2 describe-network-acls`") && d.message.contains("`subnet-1`, `subnet-2`"),
        "{}",
        d.message
    );
    let ix = NetworkIndex::new(&l.network);
    assert_eq!(ix.network_acl_of(&SubnetId::from("subnet-2")), None);
    // An empty output (the command ran, the VPC has no ACL listed) is not a missing one.
    let l = load_doc(
        "snap.json",
        json!({"Vpcs": [vpc_doc()], "Subnets": subnets, "NetworkAcls": []}),
    );
    assert!(errors(&l).is_empty(), "{:#?}", l.diagnostics);
}

#[test]
fn aws_cidr_host_bits_warn_and_spaces_are_errors_in_every_kind_of_block() {
    let l = load_doc(
        "m.json",
        json!({
            "Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.1/16"}],
            "Subnets": [
                {"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.1.9/24"},
                {"SubnetId": "subnet-2", "VpcId": "vpc-1", "CidrBlock": "10.0.2.0/24 "}
            ],
            "NetworkAcls": [],
            "RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Routes": [
                {"DestinationCidrBlock": "192.168.1.1/16", "GatewayId": "local"},
                {"DestinationCidrBlock": " 0.0.0.0/0", "GatewayId": "igw-1"}
            ]}],
            "SecurityGroups": [{"GroupId": "sg-1", "VpcId": "vpc-1", "IpPermissions": [
                {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.5/8"}, {"CidrIp": "\t10.0.0.0/8"}]}
            ]}],
            "PrefixLists": [{"PrefixListId": "pl-1", "PrefixListName": "office", "Cidrs": ["203.0.113.7/24", "198.51.100.0/24\n"]}]
        }),
    );
    let mut warned = codes(&l, Severity::Warning);
    warned.retain(|(c, _)| c == "cidr-host-bits");
    assert_eq!(
        warned,
        vec![
            ("cidr-host-bits".into(), Some("vpc-1".into())),
            ("cidr-host-bits".into(), Some("subnet-1".into())),
            ("cidr-host-bits".into(), Some("pl-1".into())),
            ("cidr-host-bits".into(), Some("rtb-1".into())),
            ("cidr-host-bits".into(), Some("sg-1".into())),
        ]
    );
    let errs: Vec<(Option<&str>, &str)> = errors(&l)
        .iter()
        .map(|d| (d.resource.as_deref(), d.message.as_str()))
        .collect();
    assert_eq!(errs.len(), 4, "{errs:#?}");
    for ((resource, message), id) in errs.iter().zip(["subnet-2", "pl-1", "rtb-1", "sg-1"]) {
        assert_eq!(*resource, Some(id));
        assert!(message.contains("it has spaces around it"), "{message}");
    }
    let net = &l.network;
    assert_eq!(net.vpcs[&VpcId::from("vpc-1")].cidrs_v4[0].to_string(), "10.0.0.0/16");
    assert_eq!(
        net.subnets[&SubnetId::from("subnet-1")].cidr_v4.unwrap().to_string(),
        "10.0.1.0/24"
    );
    assert!(!net.subnets.contains_key(&SubnetId::from("subnet-2")));
    assert_eq!(
        net.prefix_lists[&PrefixListId::from("pl-1")]
            .entries
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>(),
        vec!["203.0.113.0/24"]
    );
    assert_eq!(route(net, "rtb-1", "192.168.0.0/16").target, RouteTarget::Local);
}

#[test]
fn flat_security_group_rules_merge_into_the_nested_groups() {
    let l = load_doc(
        "m.json",
        json!({
            "Vpcs": [vpc_doc()],
            "SecurityGroups": [{"GroupId": "sg-1", "VpcId": "vpc-1", "GroupName": "web", "IpPermissions": [
                {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
            ]}],
            "SecurityGroupRules": [
                {"SecurityGroupRuleId": "sgr-1", "GroupId": "sg-1", "IsEgress": false, "IpProtocol": "6",
                 "FromPort": 443, "ToPort": 443, "CidrIpv4": "0.0.0.0/0"},
                {"SecurityGroupRuleId": "sgr-2", "GroupId": "sg-1", "IsEgress": true, "IpProtocol": "-1",
                 "FromPort": -1, "ToPort": -1, "CidrIpv4": "0.0.0.0/0"},
                {"SecurityGroupRuleId": "sgr-3", "GroupId": "sg-9", "IsEgress": true, "IpProtocol": "-1",
                 "FromPort": -1, "ToPort": -1, "CidrIpv4": "0.0.0.0/0"},
                {"SecurityGroupRuleId": "sgr-4", "GroupId": "sg-1", "IsEgress": false, "IpProtocol": "tcp",
                 "FromPort": 22, "ToPort": 22}
            ]
        }),
    );
    let sg = &l.network.security_groups[&SecurityGroupId::from("sg-1")];
    // sgr-1 says what the nested form says ("tcp" and "6" are the same protocol).
    assert_eq!(sg.ingress.len(), 1);
    // sgr-2 is missing from the nested form: added, with a warning.
    assert_eq!(sg.egress.len(), 1);
    assert_eq!(sg.egress[0].provenance.item.as_deref(), Some("egress 0.0.0.0/0"));
    assert_eq!(sg.egress[0].provenance.resource, "sgr-2");
    assert_eq!(
        codes(&l, Severity::Warning),
        vec![
            ("inconsistent-snapshot".into(), Some("sgr-2".into())),
            ("missing-group".into(), Some("sgr-3".into())),
        ]
    );
    assert_eq!(
        codes(&l, Severity::Error),
        vec![("missing-field".into(), Some("sgr-4".into()))]
    );
}

#[test]
fn security_group_ports_and_icmp_per_sg_6() {
    let l = load_doc(
        "m.json",
        json!({
            "SecurityGroups": [{"GroupId": "sg-1", "VpcId": "vpc-1", "IpPermissions": [
                {"IpProtocol": "udp", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
                {"IpProtocol": "tcp", "FromPort": 1000, "ToPort": 2000, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
                {"IpProtocol": "58", "FromPort": 128, "ToPort": 0, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
                {"IpProtocol": "icmpv6", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
                {"IpProtocol": "47", "FromPort": 5, "ToPort": 6, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
                {"IpProtocol": "tcp", "FromPort": 2000, "ToPort": 1000, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
                {"IpProtocol": "bogus", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
                {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "::/0"}, {"CidrIp": "10.0.0.0/8"}]}
            ]}]
        }),
    );
    let sg = &l.network.security_groups[&SecurityGroupId::from("sg-1")];
    let l4: Vec<L4Match> = sg.ingress.iter().map(|r| r.l4).collect();
    let icmp = |t: Option<u8>, c: Option<u8>| L4Match::Icmp {
        icmp_type: t,
        icmp_code: c,
    };
    assert_eq!(
        l4,
        vec![
            L4Match::Ports(PortRange::ALL),
            L4Match::Ports(PortRange::new(1000, 2000).unwrap()),
            icmp(Some(128), Some(0)),
            icmp(None, None),
            L4Match::Any,
            L4Match::Ports(PortRange::single(80)),
        ]
    );
    // The bad range and protocol drop their permissions, the IPv6 block under `CidrIp` its source.
    let errs = codes(&l, Severity::Error);
    assert_eq!(errs.len(), 3, "{:#?}", l.diagnostics);
    assert!(
        errs.iter()
            .all(|(c, r)| c == "invalid-value" && r.as_deref() == Some("sg-1"))
    );
}

#[test]
fn entries_in_a_merged_file_need_a_list_id_in_the_file_name() {
    let doc = json!({"Entries": [{"Cidr": "192.0.2.0/24", "Description": "lab"}, {"Cidr": "bad"}]});
    let named = load_doc("snap/pl-0abc.entries.json", doc.clone());
    let pl = &named.network.prefix_lists[&PrefixListId::from("pl-0abc")];
    assert!(pl.entries_known);
    assert_eq!(pl.entries.len(), 1);
    assert_eq!(pl.address_family, Some(IpFamily::V4));
    assert_eq!(
        codes(&named, Severity::Error),
        vec![("invalid-value".into(), Some("pl-0abc".into()))]
    );
    let anonymous = load_doc("snap/entries.json", doc);
    assert!(anonymous.network.prefix_lists.is_empty());
    assert_eq!(
        codes(&anonymous, Severity::Warning),
        vec![("unattributed-entries".into(), None)]
    );
}

#[test]
fn a_document_that_is_not_an_object_is_an_error_not_a_crash() {
    let l = load_doc("x.json", json!([1, 2, 3]));
    assert_eq!(codes(&l, Severity::Error), vec![("not-a-snapshot".into(), None)]);
    assert_eq!(l.diagnostics[0].file.as_deref(), Some("x.json"));
}

#[test]
fn a_truncated_file_is_a_json_error_with_line_and_column() {
    let dir = copy_fixture_dir(MOTO);
    let file = dir.path().join("describe-route-tables.json");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, &text[..text.len() / 2]).unwrap();
    match aws::load_dir(dir.path()) {
        Err(ingest::IngestError::Json {
            file: f, line, column, ..
        }) => {
            assert!(f.ends_with("describe-route-tables.json"), "{f}");
            assert!(line > 1 && column >= 1);
        }
        other => panic!("expected a JSON error, got {other:?}"),
    }
}

#[test]
fn a_directory_without_json_files_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "hi").unwrap();
    assert!(matches!(
        aws::load_dir(dir.path()),
        Err(ingest::IngestError::Format { .. })
    ));
}

#[test]
fn instances_join_interfaces_from_both_views_primary_first() {
    let l = load_doc(
        "m.json",
        json!({
            "Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24"}],
            "NetworkAcls": [],
            "NetworkInterfaces": [{
                "NetworkInterfaceId": "eni-2", "SubnetId": "subnet-1",
                "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.1.20", "Primary": true}],
                "Attachment": {"InstanceId": "i-1", "DeviceIndex": 1, "Status": "attached"}
            }],
            "Reservations": [{"Instances": [{
                "InstanceId": "i-1", "State": {"Name": "Running"}, "SourceDestCheck": false,
                "PrivateIpAddress": "10.0.1.10", "PublicIpAddress": "198.51.100.1",
                "NetworkInterfaces": [{
                    "NetworkInterfaceId": "eni-1", "SubnetId": "subnet-1", "PrivateIpAddress": "10.0.1.10",
                    "Attachment": {"DeviceIndex": 0, "Status": "attached"}
                }]
            }]}]
        }),
    );
    assert!(l.diagnostics.is_empty(), "{:#?}", l.diagnostics);
    let net = &l.network;
    let i = &net.instances[&InstanceId::from("i-1")];
    assert_eq!(i.state, "running");
    assert_eq!(
        i.network_interfaces,
        vec![NetworkInterfaceId::from("eni-1"), NetworkInterfaceId::from("eni-2")]
    );
    let eni1 = &net.network_interfaces[&NetworkInterfaceId::from("eni-1")];
    // Built from the instance view: VPC from its subnet, the instance's source/dest check.
    assert_eq!(eni1.vpc, VpcId::from("vpc-1"));
    assert!(!eni1.source_dest_check);
    assert_eq!(eni1.attachment.as_ref().unwrap().instance, Some(i.id.clone()));
    assert_eq!(
        eni1.private_ipv4[0].public_ip.as_ref().unwrap().address.to_string(),
        "198.51.100.1"
    );
    assert!(net.network_interfaces[&NetworkInterfaceId::from("eni-2")].source_dest_check);
}

/// Issue #26: entries in a directory named after their list are that list's, whatever the file's
/// name.
#[test]
fn prefix_list_entries_are_attributed_by_a_directory_named_after_the_list() {
    let dir = copy_fixture_dir(MOTO);
    std::fs::create_dir(dir.path().join("pl-4153c4e2ed93e04bb")).unwrap();
    std::fs::rename(
        dir.path().join("get-managed-prefix-list-entries.json"),
        dir.path()
            .join("pl-4153c4e2ed93e04bb")
            .join("get-managed-prefix-list-entries.json"),
    )
    .unwrap();
    let l = ingest::load(dir.path()).unwrap();
    let office = &l.network.prefix_lists[&PrefixListId::from("pl-4153c4e2ed93e04bb")];
    assert!(office.entries_known);
    let entries: Vec<String> = office.entries.iter().map(|c| c.to_string()).collect();
    assert_eq!(entries, vec!["203.0.113.0/24", "198.51.100.0/24"]);
    assert!(
        !l.diagnostics
            .iter()
            .any(|d| d.code == "unattributed-entries" || d.code == "entries-attributed")
    );
}

/// Issue #26: one anonymous entries output and one list whose entries are missing: that list's,
/// with a warning saying so; two anonymous outputs are ambiguous and neither is attributed.
#[test]
fn anonymous_prefix_list_entries_go_to_the_only_list_missing_them() {
    let lists = json!({"PrefixLists": [
        {"PrefixListId": "pl-0off", "PrefixListName": "office", "AddressFamily": "IPv4", "OwnerId": "111111111111"},
        {"PrefixListId": "pl-0full", "PrefixListName": "full", "AddressFamily": "IPv4", "OwnerId": "111111111111"}
    ]});
    let full = json!({"Entries": [{"Cidr": "192.0.2.0/24"}]});
    let anon = json!({"Entries": [{"Cidr": "198.51.100.0/24"}, {"Cidr": "203.0.113.0/24"}]});
    let file = |name: &str, doc: &Value| (PathBuf::from(name), name.to_owned(), doc.clone());
    let l = aws::load_files(&[
        file("snap/describe-managed-prefix-lists.json", &lists),
        file("snap/pl-0full.entries.json", &full),
        file("snap/get-managed-prefix-list-entries.json", &anon),
    ])
    .unwrap();
    let office = &l.network.prefix_lists[&PrefixListId::from("pl-0off")];
    assert!(office.entries_known);
    let entries: Vec<String> = office.entries.iter().map(|c| c.to_string()).collect();
    assert_eq!(entries, vec!["198.51.100.0/24", "203.0.113.0/24"]);
    assert_eq!(
        codes(&l, Severity::Warning),
        vec![("entries-attributed".into(), Some("pl-0off".into()))]
    );
    let other = json!({"Entries": [{"Cidr": "10.9.0.0/16"}]});
    let ambiguous = aws::load_files(&[
        file("snap/describe-managed-prefix-lists.json", &lists),
        file("snap/pl-0full.entries.json", &full),
        file("snap/a/get-managed-prefix-list-entries.json", &anon),
        file("snap/b/get-managed-prefix-list-entries.json", &other),
    ])
    .unwrap();
    assert!(!ambiguous.network.prefix_lists[&PrefixListId::from("pl-0off")].entries_known);
    assert_eq!(
        codes(&ambiguous, Severity::Warning),
        vec![
            ("unattributed-entries".into(), None),
            ("unattributed-entries".into(), None)
        ]
    );
}
