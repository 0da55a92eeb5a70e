//! The native spec loader: the structure of the bundled specs (the tutorial's lab above all), the
//! implicit objects AWS creates with a VPC, and the rules of the format on small inline specs.

use crate::common::*;
use vpcverify::ingest::{self, IngestError, Loaded, spec};
use vpcverify::model::validate::validate;
use vpcverify::model::*;

/// Loads a bundled spec the way every command does, and insists it is clean.
fn bundled(rel: &str) -> Loaded {
    let loaded = ingest::load(&path(rel)).unwrap();
    assert!(loaded.diagnostics.is_empty(), "{rel}: {:#?}", loaded.diagnostics);
    let findings = validate(&loaded.network);
    assert!(findings.is_empty(), "{rel}: {findings:#?}");
    loaded
}

/// Loads an inline spec and applies the normalisation every format shares.
fn inline(text: &str) -> Loaded {
    let mut loaded = spec::load_str("t.toml", text).unwrap();
    ingest::finish(&mut loaded.network);
    loaded
}

/// The 1-based line of the first line of a bundled file containing `needle`.
fn line_of(rel: &str, needle: &str) -> u32 {
    let text = std::fs::read_to_string(path(rel)).unwrap();
    let i = text.lines().position(|l| l.contains(needle)).unwrap();
    u32::try_from(i + 1).unwrap()
}

fn cidr(s: &str) -> Cidr {
    Cidr::parse(s).unwrap()
}

/// A route table's routes as (destination, target id, implicit).
fn routes(net: &Network, rt: &str) -> Vec<(String, String, bool)> {
    net.route_tables[&RouteTableId::from(rt)]
        .routes
        .iter()
        .map(|r| {
            (
                r.destination.to_string(),
                r.target.id().to_owned(),
                r.provenance.implicit,
            )
        })
        .collect()
}

/// A group's rules of one direction as (protocol, l4, peer).
fn rules(rules: &[SecurityGroupRule]) -> Vec<(String, String, String)> {
    rules
        .iter()
        .map(|r| (r.protocol.to_string(), r.l4.to_string(), r.peer.to_string()))
        .collect()
}

fn strings(items: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    items
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

fn errors(loaded: &Loaded) -> Vec<&Diagnostic> {
    loaded.diagnostics.iter().filter(|d| d.is_error()).collect()
}

const LAB: &str = "specs/seed-lab.toml";

#[test]
fn seed_lab_vpc_subnets_and_their_associations() {
    let net = bundled(LAB).network;
    let vpc = &net.vpcs[&VpcId::from("vpc-lab")];
    assert_eq!(vpc.cidrs_v4, vec![cidr("10.0.0.0/16")]);
    assert!(vpc.cidrs_v6.is_empty());
    assert_eq!(name_tag(&vpc.tags), Some("lab"));
    assert_eq!(vpc.provenance.line, Some(line_of(LAB, "[vpc.lab]")));
    assert_eq!(vpc.provenance.column, Some(1));
    assert_eq!(vpc.provenance.file, path(LAB).display().to_string());

    let public = &net.subnets[&SubnetId::from("subnet-public")];
    assert_eq!(public.cidr_v4, Some(cidr("10.0.1.0/24")));
    assert!(public.map_public_ip_on_launch);
    assert_eq!(public.availability_zone.as_deref(), Some("us-east-1a"));
    let private = &net.subnets[&SubnetId::from("subnet-private")];
    assert_eq!(private.cidr_v4, Some(cidr("10.0.2.0/24")));
    assert!(!private.map_public_ip_on_launch);

    let ix = NetworkIndex::new(&net);
    let public_id = SubnetId::from("subnet-public");
    let private_id = SubnetId::from("subnet-private");
    assert_eq!(ix.route_table_of(&public_id).unwrap().as_str(), "rtb-public-rt");
    assert_eq!(ix.route_table_of(&private_id).unwrap().as_str(), "rtb-main");
    assert_eq!(ix.network_acl_of(&public_id).unwrap().as_str(), "acl-public-acl");
    assert_eq!(ix.network_acl_of(&private_id).unwrap().as_str(), "acl-lab-default");
    assert_eq!(
        ix.internet_gateway_of(&VpcId::from("vpc-lab")).unwrap().as_str(),
        "igw-lab-igw"
    );
    assert!(net.unsupported.is_empty());
}

#[test]
fn seed_lab_route_tables() {
    let net = bundled(LAB).network;
    assert_eq!(
        routes(&net, "rtb-public-rt"),
        vec![
            ("0.0.0.0/0".into(), "igw-lab-igw".into(), false),
            ("::/0".into(), "igw-lab-igw".into(), false),
            ("10.0.0.0/16".into(), "local".into(), true),
        ]
    );
    assert_eq!(
        routes(&net, "rtb-main"),
        vec![
            ("0.0.0.0/0".into(), "nat-natgw".into(), false),
            ("pl-63a5400a".into(), "vpce-s3".into(), false),
            ("10.0.0.0/16".into(), "local".into(), true),
        ]
    );
    let main = &net.route_tables[&RouteTableId::from("rtb-main")];
    assert!(main.main);
    assert!(
        main.subnets.is_empty(),
        "the private subnet uses the main table implicitly"
    );
    assert!(!main.provenance.implicit, "the spec declares the main table");
    assert!(!net.route_tables.contains_key(&RouteTableId::from("rtb-lab-main")));
    let public = &net.route_tables[&RouteTableId::from("rtb-public-rt")];
    assert_eq!(public.subnets, vec![SubnetId::from("subnet-public")]);
    assert!(!public.main);
    // each declared route carries the line of its own inline table
    assert_eq!(
        main.routes[1].provenance.line,
        Some(line_of(LAB, r#"{ prefix_list = "s3", target = "s3" }"#))
    );
    assert!(
        main.routes
            .iter()
            .all(|r| r.state == RouteState::Active && !r.origin.is_propagated())
    );
}

#[test]
fn seed_lab_public_acl_has_the_six_tutorial_entries_and_nothing_else() {
    let net = bundled(LAB).network;
    let acl = &net.network_acls[&NetworkAclId::from("acl-public-acl")];
    assert!(!acl.is_default);
    assert_eq!(acl.subnets, vec![SubnetId::from("subnet-public")]);
    let entries: Vec<(Direction, u16, String, String, RuleAction)> = acl
        .entries
        .iter()
        .map(|e| {
            (
                e.direction,
                e.rule_number,
                e.protocol.to_string(),
                e.l4.to_string(),
                e.action,
            )
        })
        .collect();
    let allow = |d, n, ports: &str| (d, n, "tcp".to_string(), ports.to_string(), RuleAction::Allow);
    assert_eq!(
        entries,
        vec![
            allow(Direction::Inbound, 100, "80"),
            allow(Direction::Inbound, 200, "443"),
            allow(Direction::Inbound, 300, "22"),
            allow(Direction::Outbound, 100, "80"),
            allow(Direction::Outbound, 200, "443"),
            allow(Direction::Outbound, 300, "1024-65535"),
        ]
    );
    assert!(acl.entries.iter().all(|e| e.cidr == Cidr::any_v4()));
    // no inbound entry admits replies on ephemeral ports: the tutorial's bug
    assert!(
        !acl.entries
            .iter()
            .any(|e| e.direction == Direction::Inbound && matches!(e.l4, L4Match::Ports(r) if r.contains(40000)))
    );
    let outbound_300 = acl
        .entries
        .iter()
        .find(|e| e.direction == Direction::Outbound && e.rule_number == 300)
        .unwrap();
    assert_eq!(outbound_300.provenance.item.as_deref(), Some("300"));
    assert_eq!(
        outbound_300.provenance.line,
        Some(line_of(LAB, r#"ports = "1024-65535""#))
    );
    assert_eq!(outbound_300.provenance.column, Some(3));
}

#[test]
fn seed_lab_security_groups() {
    let net = bundled(LAB).network;
    let web = &net.security_groups[&SecurityGroupId::from("sg-WebDMZ")];
    assert_eq!(web.name, "WebDMZ");
    assert_eq!(
        rules(&web.ingress),
        strings(&[
            ("tcp", "80", "0.0.0.0/0"),
            ("tcp", "443", "0.0.0.0/0"),
            ("tcp", "22", "0.0.0.0/0")
        ])
    );
    // no `egress` key: AWS's default all-traffic egress to 0.0.0.0/0 (SG-2), marked implicit
    assert_eq!(rules(&web.egress), strings(&[("all", "ALL", "0.0.0.0/0")]));
    assert!(web.egress[0].provenance.implicit);
    assert!(!web.ingress[0].provenance.implicit);

    let db = &net.security_groups[&SecurityGroupId::from("sg-DBSG")];
    assert_eq!(
        rules(&db.ingress),
        strings(&[
            ("icmp", "ALL", "10.0.1.0/24"),
            ("tcp", "22", "10.0.1.0/24"),
            ("tcp", "80", "10.0.1.0/24"),
            ("tcp", "443", "10.0.1.0/24"),
            ("tcp", "3306", "10.0.1.0/24"),
        ])
    );
    assert_eq!(
        db.ingress[0].l4,
        L4Match::Icmp {
            icmp_type: None,
            icmp_code: None
        }
    );
    assert_eq!(rules(&db.egress), strings(&[("all", "ALL", "0.0.0.0/0")]));
}

#[test]
fn seed_lab_instances_and_their_interfaces() {
    let net = bundled(LAB).network;
    let eni = |instance: &str| {
        let inst = &net.instances[&InstanceId::from(instance)];
        assert_eq!(inst.state, "running");
        assert_eq!(inst.network_interfaces.len(), 1);
        &net.network_interfaces[inst.primary_interface().unwrap()]
    };

    let web = eni("i-web-server");
    assert_eq!(web.id.as_str(), "eni-web-server");
    assert_eq!(web.subnet.as_str(), "subnet-public");
    assert_eq!(web.primary_ipv4(), Some("10.0.1.251".parse().unwrap()));
    let public = web.private_ipv4[0].public_ip.as_ref().unwrap();
    assert_eq!(public.address.to_string(), "54.175.89.128");
    assert_eq!(public.allocation_id, None, "auto-assigned, not an Elastic IP");
    assert_eq!(web.groups, vec![SecurityGroupId::from("sg-WebDMZ")]);
    assert!(web.source_dest_check);
    assert_eq!(name_tag(&web.tags), None, "the instance's name stays unambiguous");

    let db = eni("i-db-server");
    assert_eq!(db.subnet.as_str(), "subnet-private");
    assert_eq!(db.primary_ipv4(), Some("10.0.2.140".parse().unwrap()));
    assert_eq!(db.public_addresses().count(), 0);
    assert_eq!(db.groups, vec![SecurityGroupId::from("sg-DBSG")]);

    let nat = eni("i-nat-instance");
    assert_eq!(nat.subnet.as_str(), "subnet-public");
    assert!(!nat.source_dest_check);
    assert_eq!(nat.public_addresses().count(), 1);
    assert_eq!(nat.groups, vec![SecurityGroupId::from("sg-WebDMZ")]);
    // the NAT instance is no longer a route target
    assert!(
        net.route_tables
            .values()
            .flat_map(|t| &t.routes)
            .all(|r| r.target != RouteTarget::Instance(InstanceId::from("i-nat-instance")))
    );
}

#[test]
fn seed_lab_nat_gateway_endpoint_and_prefix_list() {
    let net = bundled(LAB).network;
    let nat = &net.nat_gateways[&NatGatewayId::from("nat-natgw")];
    assert_eq!(nat.subnet.as_str(), "subnet-public");
    assert_eq!(nat.vpc.as_str(), "vpc-lab");
    assert_eq!(nat.connectivity, ConnectivityType::Public);
    assert_eq!(nat.state, "available");
    let addr = nat.primary_address().unwrap();
    assert_eq!(addr.private_ip.to_string(), "10.0.1.24");
    assert_eq!(addr.public_ip.unwrap().to_string(), "52.70.151.36");
    let eni = &net.network_interfaces[addr.network_interface.as_ref().unwrap()];
    assert_eq!(eni.id.as_str(), "eni-nat-natgw");
    assert_eq!(eni.interface_type, "nat_gateway");
    assert!(eni.requester_managed);
    assert_eq!(
        eni.private_ipv4[0].public_ip.as_ref().unwrap().allocation_id.as_deref(),
        Some("eipalloc-natgw")
    );
    let ix = NetworkIndex::new(&net);
    assert_eq!(
        ix.public_owner(&"52.70.151.36".parse().unwrap())
            .map(|(o, _)| o.clone()),
        Some(AddressOwner::NatGateway(nat.id.clone()))
    );

    let vpce = &net.vpc_endpoints[&VpcEndpointId::from("vpce-s3")];
    assert_eq!(vpce.endpoint_type, VpcEndpointType::Gateway);
    assert_eq!(vpce.service_name, "com.amazonaws.us-east-1.s3");
    assert_eq!(vpce.route_tables, vec![RouteTableId::from("rtb-main")]);
    assert_eq!(vpce.prefix_list, Some(PrefixListId::from("pl-63a5400a")));
    assert!(vpce.network_interfaces.is_empty());

    let pl = &net.prefix_lists[&PrefixListId::from("pl-63a5400a")];
    assert_eq!(pl.name, "com.amazonaws.us-east-1.s3");
    assert_eq!(pl.owner, PrefixListOwner::AwsManaged);
    assert_eq!(pl.address_family, Some(IpFamily::V4));
    assert!(pl.entries_known);
    assert_eq!(pl.entries.len(), 8);
    assert!(pl.entries.contains(&cidr("52.216.0.0/15")));
    assert!(pl.entries.contains(&cidr("54.231.0.0/16")));
}

#[test]
fn seed_lab_implicit_default_acl_and_default_group() {
    let net = bundled(LAB).network;
    let vpc_line = line_of(LAB, "[vpc.lab]");

    let acl = &net.network_acls[&NetworkAclId::from("acl-lab-default")];
    assert!(acl.is_default && acl.provenance.implicit);
    assert_eq!(acl.provenance.line, Some(vpc_line));
    // NACL-2 without IPv6: rule 100 allows all IPv4 each way; no 101; the `*` deny needs no entry
    let entries: Vec<(Direction, u16, Protocol, Cidr, RuleAction)> = acl
        .entries
        .iter()
        .map(|e| (e.direction, e.rule_number, e.protocol, e.cidr, e.action))
        .collect();
    assert_eq!(
        entries,
        vec![
            (
                Direction::Inbound,
                100,
                Protocol::All,
                Cidr::any_v4(),
                RuleAction::Allow
            ),
            (
                Direction::Outbound,
                100,
                Protocol::All,
                Cidr::any_v4(),
                RuleAction::Allow
            ),
        ]
    );
    assert!(acl.entries.iter().all(|e| e.provenance.implicit));

    let sg = &net.security_groups[&SecurityGroupId::from("sg-lab-default")];
    assert_eq!(sg.name, "default");
    assert!(sg.provenance.implicit);
    assert_eq!(rules(&sg.ingress), strings(&[("all", "ALL", "sg-lab-default")]));
    assert_eq!(rules(&sg.egress), strings(&[("all", "ALL", "0.0.0.0/0")]));
    assert!(sg.ingress.iter().chain(&sg.egress).all(|r| r.provenance.implicit));
    // only the implicit objects are implicit
    assert!(!net.vpcs.values().any(|v| v.provenance.implicit));
    assert!(!net.subnets.values().any(|s| s.provenance.implicit));
}

#[test]
fn implicit_main_route_table_serves_subnets_without_an_explicit_table() {
    let loaded = inline(
        r#"
[vpc.v]
cidr = "10.0.0.0/16"
secondary_cidrs = ["10.1.0.0/16"]

[subnet.s]
vpc = "v"
cidr = "10.0.1.0/24"
"#,
    );
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let net = loaded.network;
    let main = &net.route_tables[&RouteTableId::from("rtb-v-main")];
    assert!(main.main && main.provenance.implicit);
    assert_eq!(main.provenance.line, Some(2));
    // RT-5: one local route per block, from the shared normalisation
    assert_eq!(
        routes(&net, "rtb-v-main"),
        vec![
            ("10.0.0.0/16".into(), "local".into(), true),
            ("10.1.0.0/16".into(), "local".into(), true)
        ]
    );
    let ix = NetworkIndex::new(&net);
    assert_eq!(ix.route_table_of(&SubnetId::from("subnet-s")), Some(&main.id));
    assert!(validate(&net).is_empty());
}

#[test]
fn peering_spec_routes_c_through_the_a_b_peering() {
    let net = bundled("specs/peering.toml").network;
    assert_eq!(net.vpcs.len(), 3);
    for (id, requester, accepter) in [("pcx-a-b", "vpc-a", "vpc-b"), ("pcx-a-c", "vpc-a", "vpc-c")] {
        let pcx = &net.vpc_peering_connections[&VpcPeeringConnectionId::from(id)];
        assert!(pcx.is_active());
        assert_eq!((pcx.requester.as_str(), pcx.accepter.as_str()), (requester, accepter));
    }
    assert_eq!(
        routes(&net, "rtb-b-main"),
        vec![
            ("10.1.0.0/16".into(), "pcx-a-b".into(), false),
            ("10.3.0.0/16".into(), "pcx-a-b".into(), false),
            ("10.2.0.0/16".into(), "local".into(), true),
        ]
    );
    assert!(!net.vpc_peering_connections.values().any(|p| {
        let ends = [p.requester.as_str(), p.accepter.as_str()];
        ends.contains(&"vpc-b") && ends.contains(&"vpc-c")
    }));
    assert_eq!(net.instances.len(), 3);
}

#[test]
fn nat_instance_spec_has_one_checked_and_one_unchecked_nat_instance() {
    let net = bundled("specs/nat-instance.toml").network;
    assert_eq!(
        routes(&net, "rtb-main"),
        vec![
            ("0.0.0.0/0".into(), "i-nat-instance".into(), false),
            ("10.0.0.0/16".into(), "local".into(), true)
        ]
    );
    assert_eq!(
        routes(&net, "rtb-private-b-rt"),
        vec![
            ("0.0.0.0/0".into(), "i-nat-checked".into(), false),
            ("10.0.0.0/16".into(), "local".into(), true)
        ]
    );
    let check = |eni: &str| net.network_interfaces[&NetworkInterfaceId::from(eni)].source_dest_check;
    assert!(!check("eni-nat-instance"));
    assert!(check("eni-nat-checked"));
    assert!(net.nat_gateways.is_empty());
    // before §4.1: every subnet uses the default ACL
    let ix = NetworkIndex::new(&net);
    for s in net.subnets.keys() {
        assert_eq!(ix.network_acl_of(s).unwrap().as_str(), "acl-lab-default");
    }
}

#[test]
fn ipv6_spec_defaults_follow_the_vpc_ipv6_block() {
    let net = bundled("specs/ipv6-egress-only.toml").network;
    assert_eq!(
        net.vpcs[&VpcId::from("vpc-dual")].cidrs_v6,
        vec![cidr("2600:1f18:6f1:ad00::/56")]
    );
    assert_eq!(
        routes(&net, "rtb-private-rt"),
        vec![
            ("::/0".into(), "eigw-dual-eigw".into(), false),
            ("10.0.0.0/16".into(), "local".into(), true),
            ("2600:1f18:6f1:ad00::/56".into(), "local".into(), true),
        ]
    );
    // NACL-2 with IPv6: rule 101 allows all IPv6 in each direction
    let default_acl = &net.network_acls[&NetworkAclId::from("acl-dual-default")];
    let v6: Vec<(Direction, u16)> = default_acl
        .entries
        .iter()
        .filter(|e| e.cidr == Cidr::any_v6())
        .map(|e| (e.direction, e.rule_number))
        .collect();
    assert_eq!(v6, vec![(Direction::Inbound, 101), (Direction::Outbound, 101)]);
    // SG-3 with IPv6: the default group's egress covers ::/0 too; a new group's does not (J23)
    let default_sg = &net.security_groups[&SecurityGroupId::from("sg-dual-default")];
    assert_eq!(
        rules(&default_sg.egress),
        strings(&[("all", "ALL", "0.0.0.0/0"), ("all", "ALL", "::/0")])
    );
    let web_sg = &net.security_groups[&SecurityGroupId::from("sg-web-sg")];
    assert_eq!(rules(&web_sg.egress), strings(&[("all", "ALL", "0.0.0.0/0")]));
    let app_sg = &net.security_groups[&SecurityGroupId::from("sg-app-sg")];
    assert!(app_sg.egress.iter().all(|r| !r.provenance.implicit));
    // ICMPv6 "packet too big" with an IPv6 block keeps its type (NACL-6, NACL-11)
    let acl = &net.network_acls[&NetworkAclId::from("acl-private-acl")];
    let icmp: Vec<L4Match> = acl
        .entries
        .iter()
        .filter(|e| e.protocol == Protocol::ICMPV6)
        .map(|e| e.l4)
        .collect();
    assert_eq!(
        icmp,
        vec![
            L4Match::Icmp {
                icmp_type: Some(2),
                icmp_code: None
            };
            2
        ]
    );
    // both subnets have explicit tables; the implicit main table serves none
    let main = &net.route_tables[&RouteTableId::from("rtb-dual-main")];
    assert!(main.provenance.implicit && main.subnets.is_empty());
    let app = &net.network_interfaces[&NetworkInterfaceId::from("eni-app")];
    assert_eq!(
        app.ipv6,
        vec!["2600:1f18:6f1:ad02::10".parse::<std::net::Ipv6Addr>().unwrap()]
    );
    assert_eq!(
        NetworkIndex::new(&net)
            .egress_only_gateway_of(&VpcId::from("vpc-dual"))
            .unwrap()
            .as_str(),
        "eigw-dual-eigw"
    );
}

#[test]
fn egress_omitted_means_the_aws_default_and_an_empty_list_means_none() {
    let net = inline(
        r#"
[vpc.v]
cidr = "10.0.0.0/16"
ipv6_cidrs = ["2600:1f18:1::/56"]

[security_group.omitted]
vpc = "v"

[security_group.empty]
vpc = "v"
egress = []

[security_group.def]
vpc = "v"
default = true
"#,
    )
    .network;
    let sg = |id: &str| &net.security_groups[&SecurityGroupId::from(id)];
    assert_eq!(rules(&sg("sg-omitted").egress), strings(&[("all", "ALL", "0.0.0.0/0")]));
    assert!(sg("sg-omitted").ingress.is_empty());
    assert!(sg("sg-empty").egress.is_empty());
    // a declared default group replaces the implicit one and gets SG-3's rules
    assert_eq!(sg("sg-def").name, "default");
    assert_eq!(rules(&sg("sg-def").ingress), strings(&[("all", "ALL", "sg-def")]));
    assert_eq!(
        rules(&sg("sg-def").egress),
        strings(&[("all", "ALL", "0.0.0.0/0"), ("all", "ALL", "::/0")])
    );
    assert!(!net.security_groups.contains_key(&SecurityGroupId::from("sg-v-default")));
}

#[test]
fn references_resolve_by_name_or_id_and_ids_can_be_explicit() {
    let loaded = inline(
        r#"
[vpc.lab]
id = "vpc-0abc"
cidr = "10.0.0.0/16"

[subnet."web tier"]
vpc = "vpc-0abc"
cidr = "10.0.1.0/24"

[security_group.peer-ref]
vpc = "lab"
ingress = [
  { protocol = "tcp", ports = 443, from = ["self", "corp", "sg-peer-ref", "192.0.2.0/24"] },
  { protocol = "icmp", icmp_type = 3, icmp_code = 4, from = "0.0.0.0/0" },
  { protocol = 50, from = "10.0.0.0/8" },
]

[prefix_list.corp]
entries = ["198.51.100.0/24"]

[instance.app]
subnet = "web tier"
private_ip = "10.0.1.10"
secondary_private_ips = ["10.0.1.11", { ip = "10.0.1.12", elastic_ip = "52.0.0.12" }]
elastic_ip = { address = "52.0.0.10", allocation_id = "eipalloc-0feed" }

[network_interface.second]
subnet = "web tier"
private_ip = "10.0.1.20"
instance = "app"
device_index = 1

[vpc_endpoint.ssm]
vpc = "lab"
type = "interface"
service = "com.amazonaws.us-east-1.ssm"
subnets = { "web tier" = "10.0.1.30" }
"#,
    );
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let net = loaded.network;
    let subnet = &net.subnets[&SubnetId::from("subnet-web-tier")];
    assert_eq!(subnet.vpc.as_str(), "vpc-0abc");
    assert_eq!(name_tag(&subnet.tags), Some("web tier"));

    let sg = &net.security_groups[&SecurityGroupId::from("sg-peer-ref")];
    assert_eq!(
        rules(&sg.ingress),
        strings(&[
            ("tcp", "443", "sg-peer-ref"),
            ("tcp", "443", "pl-corp"),
            ("tcp", "443", "sg-peer-ref"),
            ("tcp", "443", "192.0.2.0/24"),
            ("icmp", "type 3 code 4", "0.0.0.0/0"),
            ("50", "ALL", "10.0.0.0/8"),
        ])
    );
    // one entry with four peers becomes four rules that share the entry's provenance (SG-6)
    assert_eq!(sg.ingress[0].provenance, sg.ingress[3].provenance);
    assert_eq!(sg.ingress[0].provenance.item.as_deref(), Some("ingress 1"));

    let inst = &net.instances[&InstanceId::from("i-app")];
    assert_eq!(
        inst.network_interfaces,
        vec![
            NetworkInterfaceId::from("eni-app"),
            NetworkInterfaceId::from("eni-second")
        ]
    );
    let primary = &net.network_interfaces[&NetworkInterfaceId::from("eni-app")];
    let addrs: Vec<(String, bool, Option<String>)> = primary
        .private_ipv4
        .iter()
        .map(|p| {
            (
                p.address.to_string(),
                p.primary,
                p.public_ip.as_ref().and_then(|x| x.allocation_id.clone()),
            )
        })
        .collect();
    assert_eq!(
        addrs,
        vec![
            ("10.0.1.10".into(), true, Some("eipalloc-0feed".into())),
            ("10.0.1.11".into(), false, None),
            ("10.0.1.12".into(), false, Some("eipalloc-app-2".into())),
        ]
    );
    // an instance launched without groups gets the VPC's default group (SG-5)
    assert_eq!(primary.groups, vec![SecurityGroupId::from("sg-lab-default")]);
    let second = &net.network_interfaces[&NetworkInterfaceId::from("eni-second")];
    assert_eq!(second.attachment.as_ref().unwrap().device_index, Some(1));

    // IFE-1: one interface per subnet, in the VPC's default group when none is given
    let vpce = &net.vpc_endpoints[&VpcEndpointId::from("vpce-ssm")];
    assert_eq!(vpce.endpoint_type, VpcEndpointType::Interface);
    assert_eq!(
        vpce.network_interfaces,
        vec![NetworkInterfaceId::from("eni-ssm-web-tier")]
    );
    let eni = &net.network_interfaces[&vpce.network_interfaces[0]];
    assert_eq!(eni.interface_type, "vpc_endpoint");
    assert_eq!(eni.groups, vec![SecurityGroupId::from("sg-lab-default")]);
    assert!(validate(&net).iter().all(|d| !d.is_error()), "{:?}", validate(&net));
}

#[test]
fn gateway_endpoint_adds_its_prefix_list_route_to_each_associated_table() {
    let net = inline(
        r#"
[vpc.v]
cidr = "10.0.0.0/16"

[route_table.rt]
vpc = "v"

[vpc_endpoint.ddb]
vpc = "v"
service = "com.amazonaws.us-east-1.dynamodb"
route_tables = ["rt"]

[prefix_list.ddb]
id = "pl-02cd2c6b"
prefix_list_name = "com.amazonaws.us-east-1.dynamodb"
owner = "aws"
entries = ["52.119.224.0/20"]
"#,
    )
    .network;
    // the prefix list is found by the service name; the route is AWS's, so implicit (GWE-2)
    assert_eq!(
        routes(&net, "rtb-rt"),
        vec![
            ("pl-02cd2c6b".into(), "vpce-ddb".into(), true),
            ("10.0.0.0/16".into(), "local".into(), true)
        ]
    );
    let vpce = &net.vpc_endpoints[&VpcEndpointId::from("vpce-ddb")];
    assert_eq!(vpce.endpoint_type, VpcEndpointType::Gateway);
    assert_eq!(vpce.prefix_list, Some(PrefixListId::from("pl-02cd2c6b")));
}

#[test]
fn route_targets_cover_every_kind_and_blackholes() {
    let loaded = inline(
        r#"
[vpc.v]
cidr = "10.0.0.0/16"
[vpc.w]
cidr = "10.9.0.0/16"
[subnet.s]
vpc = "v"
cidr = "10.0.1.0/24"
[internet_gateway.igw]
vpc = "v"
[egress_only_internet_gateway.eigw]
vpc = "v"
[nat_gateway.ngw]
subnet = "s"
connectivity = "private"
private_ip = "10.0.1.5"
state = "deleted"
[instance.appliance]
subnet = "s"
private_ip = "10.0.1.6"
source_dest_check = false
[peering.vw]
requester = "v"
accepter = "w"
status = "pending-acceptance"
[vpn_gateway.vgw]
vpc = "v"
onprem_cidrs = ["192.168.0.0/16"]
[transit_gateway.tgw]
vpcs = ["v"]

[route_table.rt]
vpc = "v"
propagating_vgws = ["vgw"]
routes = [
  { destination = "0.0.0.0/0", target = "igw" },
  { destination = "::/0", target = "eigw" },
  { destination = "10.1.0.0/16", target = "ngw" },
  { destination = "10.2.0.0/16", target = "appliance" },
  { destination = "10.3.0.0/16", target = "eni-appliance" },
  { destination = "10.9.0.0/16", target = "vw" },
  { destination = "192.168.0.0/16", target = "vgw", origin = "propagated" },
  { destination = "172.16.0.0/12", target = "tgw" },
  { destination = "10.5.0.0/16", target = "i-0terminated", state = "blackhole" },
  { destination = "10.6.0.0/16", target = "cagw-0abc" },
  { destination = "10.0.0.0/16", target = "local" },
]
"#,
    );
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let rt = &loaded.network.route_tables[&RouteTableId::from("rtb-rt")];
    let targets: Vec<(&str, RouteState)> = rt.routes.iter().map(|r| (r.target.id(), r.state)).collect();
    use RouteState::{Active, Blackhole};
    assert_eq!(
        targets,
        vec![
            ("igw-igw", Active),
            ("eigw-eigw", Active),
            ("nat-ngw", Blackhole),    // not available (NGW-10)
            ("i-appliance", Active),   // J20
            ("eni-appliance", Active), // RT-20
            ("pcx-vw", Blackhole),     // not active (PCX-3)
            ("vgw-vgw", Active),
            ("tgw-tgw", Active),
            ("i-0terminated", Blackhole),
            ("cagw-0abc", Active),
            ("local", Active),
        ]
    );
    assert!(rt.routes[6].origin.is_propagated());
    assert_eq!(rt.routes[10].origin, RouteOrigin::CreateRouteTable);
    assert_eq!(rt.routes.len(), 11, "a declared local route is not added twice");
    assert_eq!(rt.propagating_vgws, vec![VpnGatewayId::from("vgw-vgw")]);
    assert!(matches!(rt.routes[9].target, RouteTarget::Unsupported { .. }));
    let unsupported: Vec<&str> = loaded
        .network
        .unsupported
        .iter()
        .map(|u| u.component.as_str())
        .collect();
    assert_eq!(unsupported, vec!["cagw-0abc", "tgw-tgw"]);
}

#[test]
fn malformed_toml_is_an_ingest_error_with_line_and_column() {
    let err = spec::load_str("t.toml", "[vpc.lab]\ncidr = \"10.0.0.0/16\"\n[vpc.lab]\n").unwrap_err();
    match err {
        IngestError::Toml {
            file,
            line,
            column,
            message,
        } => {
            assert_eq!((file.as_str(), line, column), ("t.toml", 3, 6));
            assert!(message.contains("duplicate key"), "{message}");
        }
        other => panic!("expected a TOML error, got {other:?}"),
    }
}

#[test]
fn bad_values_are_errors_at_their_line_and_column_naming_the_resource() {
    let loaded = inline(
        r#"[vpc.lab]
cidr = "10.0.0.0/16"
[subnet.web]
vpc = "lab"
cidr = "10.0.1.0/24"
route_tabel = "x"
[subnet.db]
vpc = "lba"
cidr = "10.0.2.0/24"
[route_table.rt]
vpc = "lab"
routes = [{ destination = "0.0.0.0/0", target = "nothing" }]
[security_group.sg]
vpc = "lab"
ingress = [{ protocol = "tcp", ports = "80", from = "10.0.0.0/33" }]
[instance.nat]
subnet = "web"
private_ip = "10.0.1.9"
[nat_gateway.nat]
subnet = "web"
private_ip = "10.0.1.8"
[route_table.rt2]
vpc = "lab"
routes = [{ destination = "0.0.0.0/0", target = "nat" }]
[vpc.dup]
id = "vpc-lab"
cidr = "10.1.0.0/16"
"#,
    );
    let mut errs = errors(&loaded);
    errs.sort_by_key(|d| (d.line, d.column));
    let found: Vec<(&str, u32, u32, &str)> = errs
        .iter()
        .map(|d| {
            (
                d.code.as_str(),
                d.line.unwrap(),
                d.column.unwrap(),
                d.resource.as_deref().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("unknown-key", 6, 1, "subnet-web"),
            ("unknown-reference", 8, 7, "subnet-db"),
            ("unknown-reference", 12, 49, "rtb-rt"),
            ("invalid-value", 15, 53, "sg-sg"),
            ("ambiguous-reference", 24, 49, "rtb-rt2"),
            ("duplicate-id", 25, 1, "vpc-lab"),
        ]
    );
    let messages: Vec<&str> = errs.iter().map(|d| d.message.as_str()).collect();
    assert!(messages[0].contains("did you mean `route_table`?"), "{}", messages[0]);
    assert!(messages[1].contains("did you mean `lab`?"), "{}", messages[1]);
    assert!(messages[3].contains("10.0.0.0/33"), "{}", messages[3]);
    assert!(
        messages[4].contains("instance `i-nat`") && messages[4].contains("NAT gateway `nat-nat`"),
        "{}",
        messages[4]
    );
    assert!(errors(&loaded).iter().all(|d| d.file.as_deref() == Some("t.toml")));
    // the spoilt subnet is left out; the rest loads
    assert!(!loaded.network.subnets.contains_key(&SubnetId::from("subnet-db")));
    assert!(loaded.network.subnets.contains_key(&SubnetId::from("subnet-web")));
}

#[test]
fn rule_fields_follow_the_protocol() {
    let loaded = inline(
        r#"[vpc.v]
cidr = "10.0.0.0/16"
[network_acl.a]
vpc = "v"
inbound = [
  { rule = 100, protocol = "tcp", cidr = "0.0.0.0/0", action = "allow" },
  { rule = 110, protocol = "all", ports = "80", cidr = "0.0.0.0/0", action = "allow" },
  { rule = 120, protocol = "udp", ports = "53", icmp_type = 3, cidr = "0.0.0.0/0", action = "allow" },
  { rule = 32767, protocol = "all", cidr = "0.0.0.0/0", action = "deny" },
  { rule = 130, protocol = "icmpv6", icmp_type = 128, cidr = "0.0.0.0/0", action = "allow" },
  { rule = 140, protocol = "tcp", ports = "1024-65535", cidr = "::/0", action = "permit" },
]
"#,
    );
    let mut errs = errors(&loaded);
    errs.sort_by_key(|d| (d.line, d.column));
    let found: Vec<(u32, &str)> = errs.iter().map(|d| (d.line.unwrap(), d.message.as_str())).collect();
    assert_eq!(found.len(), 5, "{found:#?}");
    assert!(found[0].0 == 6 && found[0].1.contains("needs `ports`"));
    assert!(found[1].0 == 7 && found[1].1.contains("`ports` applies to tcp and udp only"));
    assert!(found[2].0 == 8 && found[2].1.contains("`icmp_type` applies to icmp and icmpv6 only"));
    assert!(found[3].0 == 9 && found[3].1.contains("1 to 32766"));
    assert!(found[4].0 == 11 && found[4].1.contains("`allow`, `deny`"));
    // ICMPv6 with an IPv4 block matches every type (NACL-6)
    let acl = &loaded.network.network_acls[&NetworkAclId::from("acl-a")];
    assert_eq!(acl.entries.len(), 1);
    assert_eq!(acl.entries[0].l4, L4Match::Any);
}

#[test]
fn a_wrong_enumerated_value_leaves_its_item_out() {
    let loaded = inline(
        r#"[vpc.v]
cidr = "10.0.0.0/16"
[subnet.s]
vpc = "v"
cidr = "10.0.1.0/24"
[internet_gateway.igw]
vpc = "v"
[route_table.rt]
vpc = "v"
routes = [
  { destination = "0.0.0.0/0", target = "igw", state = "blackhol" },
  { destination = "::/0", target = "igw", origin = "manual" },
  { destination = "10.9.0.0/16", target = "igw" },
]
[nat_gateway.n]
subnet = "s"
private_ip = "10.0.1.5"
connectivity = "both"
"#,
    );
    let mut errs = errors(&loaded);
    errs.sort_by_key(|d| (d.line, d.column));
    let lines: Vec<u32> = errs.iter().map(|d| d.line.unwrap()).collect();
    assert_eq!(lines, vec![11, 12, 18], "{errs:#?}");
    assert!(
        errs[0]
            .message
            .contains("`state` must be one of `active`, `blackhole`, not `blackhol`")
    );
    let rt = &loaded.network.route_tables[&RouteTableId::from("rtb-rt")];
    let kept: Vec<String> = rt.routes.iter().map(|r| r.destination.to_string()).collect();
    assert_eq!(kept, vec!["10.9.0.0/16", "10.0.0.0/16"]);
    assert!(loaded.network.nat_gateways.is_empty());
}

#[test]
fn an_index_that_has_built_its_names_equals_one_that_has_not() {
    // The names are built on first use (`NetworkIndex::names`): derived state, which the
    // snapshot cache's hit-versus-miss comparison must not see.
    let net = ingest::load(&path("specs/seed-lab.toml")).unwrap().network;
    let (fresh, used) = (NetworkIndex::new(&net), NetworkIndex::new(&net));
    assert!(!used.names(&net).ids_named("web-server").is_empty());
    assert_eq!(fresh, used);
}
