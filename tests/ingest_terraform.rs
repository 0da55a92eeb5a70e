//! The Terraform loader on the hand-written fixtures of `tests/fixtures/terraform/`: the tutorial
//! lab as a plan (ids unknown, resolved through `configuration`), as a state and as a raw
//! tfstate; a child module with `count` and `for_each`; deletes and replaces; an ambiguous and an
//! unresolved reference; a `format_version` 2.0 file.
//!
//! Rule ids: RT-2 (main table), RT-5 (local routes), NACL-2 / SG-3 (implicit defaults), NACL-6 /
//! SG-6 (normalisation), GWE-2 (endpoint routes), IGW-2 / IGW-7 (public addresses), RT-14a
//! (unresolved target: missing from the input, unknown), SUB-3 (reserved addresses).

use crate::common::*;
use serde_json::Value;
use std::net::Ipv4Addr;
use vpcverify::ingest::{self, IngestError, Loaded};
use vpcverify::model::validate::validate;
use vpcverify::model::*;

const DIR: &str = "tests/fixtures/terraform";

fn load(name: &str) -> Loaded {
    ingest::load(&path(&format!("{DIR}/{name}"))).unwrap()
}

fn warnings<'a>(l: &'a Loaded, code: &str) -> Vec<&'a Diagnostic> {
    l.diagnostics
        .iter()
        .filter(|d| d.code == code && d.severity == Severity::Warning)
        .collect()
}

fn no_errors(l: &Loaded) {
    let mut all = l.diagnostics.clone();
    all.extend(validate(&l.network));
    let errors: Vec<String> = all.iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

fn route<'a>(net: &'a Network, rtb: &str, dest: &str) -> &'a Route {
    net.route_tables[&RouteTableId::from(rtb)]
        .routes
        .iter()
        .find(|r| r.destination.to_string() == dest)
        .unwrap_or_else(|| panic!("no route {dest} in {rtb}"))
}

fn eni<'a>(net: &'a Network, instance: &str) -> &'a NetworkInterface {
    let i = &net.instances[&InstanceId::from(instance)];
    &net.network_interfaces[i.primary_interface().unwrap()]
}

fn peers(rules: &[SecurityGroupRule]) -> Vec<String> {
    let mut v: Vec<String> = rules.iter().map(|r| r.label(Direction::Inbound)).collect();
    v.sort();
    v
}

// ---------------------------------------------------------------------------------------------
// The tutorial lab as a plan

#[test]
fn seed_lab_plan_uses_terraform_addresses_as_ids() {
    let l = load("seed-lab.plan.json");
    no_errors(&l);
    let net = &l.network;
    let ids = |m: Vec<String>| m;
    assert_eq!(
        ids(net.vpcs.keys().map(|k| k.to_string()).collect()),
        vec!["aws_vpc.main"]
    );
    assert_eq!(
        ids(net.subnets.keys().map(|k| k.to_string()).collect()),
        vec!["aws_subnet.private", "aws_subnet.public"]
    );
    assert_eq!(
        ids(net.instances.keys().map(|k| k.to_string()).collect()),
        vec!["aws_instance.db", "aws_instance.nat", "aws_instance.web"]
    );
    for s in net.subnets.values() {
        assert_eq!(s.vpc.as_str(), "aws_vpc.main");
    }
    assert!(
        net.internet_gateways[&InternetGatewayId::from("aws_internet_gateway.igw")]
            .vpcs
            .contains(&VpcId::from("aws_vpc.main"))
    );
    assert_eq!(eni(net, "aws_instance.db").subnet.as_str(), "aws_subnet.private");
    assert_eq!(
        eni(net, "aws_instance.web").groups,
        vec![SecurityGroupId::from("aws_security_group.web")]
    );
    assert_eq!(
        eni(net, "aws_instance.db").groups,
        vec![SecurityGroupId::from("aws_security_group.db")]
    );
}

#[test]
fn seed_lab_plan_resolves_route_targets_through_configuration() {
    let l = load("seed-lab.plan.json");
    let net = &l.network;
    // The inline `route` set has one reference list for the whole set (attributes-as-blocks).
    for dest in ["0.0.0.0/0", "::/0"] {
        let r = route(net, "aws_route_table.public", dest);
        assert_eq!(
            r.target,
            RouteTarget::InternetGateway("aws_internet_gateway.igw".into())
        );
        assert_eq!(r.state, RouteState::Active);
    }
    let main = &net.route_tables[&RouteTableId::from("aws_default_route_table.main")];
    assert!(main.main, "aws_default_route_table adopts the main table (RT-2)");
    assert!(!main.provenance.implicit);
    let nat = route(net, "aws_default_route_table.main", "0.0.0.0/0");
    assert_eq!(nat.target, RouteTarget::NatGateway("aws_nat_gateway.nat".into()));
    assert_eq!(nat.state, RouteState::Active);
    // GWE-2: the gateway endpoint's route, its prefix list from the data source.
    let s3 = route(net, "aws_default_route_table.main", "pl-63a5400a");
    assert_eq!(s3.target, RouteTarget::VpcEndpoint("aws_vpc_endpoint.s3".into()));
    let pl = &net.prefix_lists[&PrefixListId::from("pl-63a5400a")];
    assert!(pl.entries_known);
    assert_eq!(pl.owner, PrefixListOwner::AwsManaged);
    assert_eq!(pl.name, "com.amazonaws.us-east-1.s3");
    let public = &net.route_tables[&RouteTableId::from("aws_route_table.public")];
    assert_eq!(public.subnets, vec![SubnetId::from("aws_subnet.public")]);
    // RT-5: finish added the local route.
    assert_eq!(
        route(net, "aws_route_table.public", "10.0.0.0/16").target,
        RouteTarget::Local
    );
    let nat_gw = &net.nat_gateways[&NatGatewayId::from("aws_nat_gateway.nat")];
    assert_eq!(nat_gw.subnet.as_str(), "aws_subnet.public");
}

#[test]
fn seed_lab_plan_acl_has_its_six_entries_normalised() {
    let l = load("seed-lab.plan.json");
    let acl = &l.network.network_acls[&NetworkAclId::from("aws_network_acl.web")];
    assert_eq!(acl.entries.len(), 6);
    assert_eq!(acl.subnets, vec![SubnetId::from("aws_subnet.public")]);
    let mut labels: Vec<String> = acl
        .entries
        .iter()
        .map(|e| format!("{} {}", e.direction, e.label()))
        .collect();
    labels.sort();
    assert_eq!(
        labels,
        vec![
            "inbound 100 TCP 80 0.0.0.0/0 ALLOW",
            "inbound 200 TCP 443 0.0.0.0/0 ALLOW",
            "inbound 300 TCP 22 0.0.0.0/0 ALLOW",
            "outbound 100 TCP 80 0.0.0.0/0 ALLOW",
            "outbound 200 TCP 443 0.0.0.0/0 ALLOW",
            "outbound 300 TCP 1024-65535 0.0.0.0/0 ALLOW",
        ]
    );
    // `"6"` and `"tcp"` are the same protocol (NACL-6).
    assert!(acl.entries.iter().all(|e| e.protocol == Protocol::TCP));
}

#[test]
fn seed_lab_plan_security_groups_keep_declared_egress_only() {
    let l = load("seed-lab.plan.json");
    let net = &l.network;
    let web = &net.security_groups[&SecurityGroupId::from("aws_security_group.web")];
    assert_eq!(web.name, "WebDMZ");
    assert_eq!(
        peers(&web.ingress),
        vec![
            "tcp 22 from 0.0.0.0/0",
            "tcp 443 from 0.0.0.0/0",
            "tcp 80 from 0.0.0.0/0"
        ]
    );
    // Declared `egress` all: protocol -1 with Terraform's 0/0 ports means every port (SG-6).
    assert_eq!(web.egress.len(), 1);
    assert_eq!(web.egress[0].protocol, Protocol::All);
    assert_eq!(web.egress[0].l4, L4Match::Any);
    let db = &net.security_groups[&SecurityGroupId::from("aws_security_group.db")];
    assert_eq!(db.name, "DBSG");
    assert_eq!(
        peers(&db.ingress),
        vec![
            "icmp ALL from 10.0.1.0/24",
            "tcp 22 from 10.0.1.0/24",
            "tcp 3306 from 10.0.1.0/24",
            "tcp 443 from 10.0.1.0/24",
            "tcp 80 from 10.0.1.0/24",
        ]
    );
}

#[test]
fn seed_lab_plan_synthesises_the_implicit_default_acl_and_group() {
    let l = load("seed-lab.plan.json");
    let net = &l.network;
    // NACL-2: the default ACL allows everything, and carries the public subnet no more.
    let acl = &net.network_acls[&NetworkAclId::from("aws_vpc.main.default_network_acl_id")];
    assert!(acl.is_default);
    assert!(acl.provenance.implicit);
    assert!(acl.subnets.is_empty());
    assert_eq!(acl.entries.len(), 2);
    assert!(
        acl.entries
            .iter()
            .all(|e| e.action == RuleAction::Allow && e.rule_number == 100)
    );
    // SG-3: all from itself in, all out.
    let sg = &net.security_groups[&SecurityGroupId::from("aws_vpc.main.default_security_group_id")];
    assert!(sg.provenance.implicit);
    assert_eq!(sg.name, "default");
    assert_eq!(
        sg.ingress[0].peer,
        SecurityGroupPeer::SecurityGroup {
            id: sg.id.clone(),
            peering: None
        }
    );
    assert_eq!(sg.egress.len(), 1);
    // The main table is adopted by aws_default_route_table: no implicit one besides it.
    assert!(
        !net.route_tables
            .contains_key(&RouteTableId::from("aws_vpc.main.default_route_table_id"))
    );
}

#[test]
fn seed_lab_plan_gives_unknown_addresses_example_values_marked_assigned_at_apply() {
    let l = load("seed-lab.plan.json");
    let net = &l.network;
    let web = eni(net, "aws_instance.web");
    assert_eq!(web.id.as_str(), "aws_instance.web.primary_network_interface_id");
    let p = &web.private_ipv4[0];
    assert_eq!(p.address, Ipv4Addr::new(10, 0, 1, 251));
    assert!(!p.assigned_at_apply, "private_ip is set in the configuration");
    // IGW-7: associate_public_ip_address gives an auto-assigned public IPv4, unknown until apply.
    let public = p.public_ip.as_ref().unwrap();
    assert!(public.assigned_at_apply);
    assert_eq!(
        public.address,
        Ipv4Addr::new(3, 0, 0, 2),
        "after `aws_instance.nat`, in id order"
    );
    assert!(eni(net, "aws_instance.db").private_ipv4[0].public_ip.is_none());
    // The NAT gateway: first free address after the 4 reserved ones (SUB-3), Elastic IP example.
    let nat = &net.nat_gateways[&NatGatewayId::from("aws_nat_gateway.nat")];
    let a = nat.primary_address().unwrap();
    assert!(a.assigned_at_apply);
    assert_eq!(a.private_ip, Ipv4Addr::new(10, 0, 1, 4));
    assert_eq!(a.public_ip, Some(Ipv4Addr::new(3, 0, 0, 3)));
    assert_eq!(nat.state, "available");
}

#[test]
fn example_addresses_avoid_known_ones_and_mentioned_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.json");
    std::fs::copy(path(&format!("{DIR}/seed-lab.plan.json")), &file).unwrap();
    edit_json(&file, |v| {
        // The NAT gateway's example may not take 10.0.1.4 when an instance holds it, nor 3.0.0.x
        // when a rule names 3.0.0.0/16.
        for rc in v["resource_changes"].as_array_mut().unwrap() {
            if rc["address"] == "aws_instance.web" {
                rc["change"]["after"]["private_ip"] = "10.0.1.4".into();
            }
            if rc["address"] == "aws_security_group.web" {
                rc["change"]["after"]["ingress"][0]["cidr_blocks"] = serde_json::json!(["3.0.0.0/16"]);
            }
        }
    });
    let l = ingest::load(&file).unwrap();
    let a = l.network.nat_gateways[&NatGatewayId::from("aws_nat_gateway.nat")]
        .primary_address()
        .unwrap()
        .clone();
    assert_eq!(a.private_ip, Ipv4Addr::new(10, 0, 1, 5));
    assert_eq!(a.public_ip, Some(Ipv4Addr::new(3, 1, 0, 3)));
}

// ---------------------------------------------------------------------------------------------
// The lab after apply: ids known

#[test]
fn seed_lab_state_keeps_known_aws_ids() {
    for name in ["seed-lab.state.json", "seed-lab.tfstate"] {
        let l = load(name);
        no_errors(&l);
        assert!(l.diagnostics.is_empty(), "{name}: {:#?}", l.diagnostics);
        let net = &l.network;
        assert!(net.vpcs.contains_key(&VpcId::from("vpc-0a1b2c3d4e5f60718")));
        let main = &net.route_tables[&RouteTableId::from("rtb-0e1f2a3b4c5d60001")];
        assert!(main.main);
        assert_eq!(
            route(net, "rtb-0e1f2a3b4c5d60001", "0.0.0.0/0").target,
            RouteTarget::NatGateway("nat-0c9c9c9c9c9c90009".into())
        );
        assert_eq!(
            route(net, "rtb-0e1f2a3b4c5d60001", "pl-63a5400a").target,
            RouteTarget::VpcEndpoint("vpce-0d0d0d0d0d0d00010".into())
        );
        let web = eni(net, "i-0b4b4b4b4b4b40014");
        assert_eq!(web.id.as_str(), "eni-0d6d6d6d6d6d60016");
        let public = web.private_ipv4[0].public_ip.as_ref().unwrap();
        assert_eq!(public.address, Ipv4Addr::new(54, 175, 89, 128));
        assert!(!public.assigned_at_apply);
        let nat = net.nat_gateways[&NatGatewayId::from("nat-0c9c9c9c9c9c90009")]
            .primary_address()
            .unwrap()
            .clone();
        assert_eq!(nat.public_ip, Some(Ipv4Addr::new(52, 70, 151, 36)));
        assert!(!nat.assigned_at_apply);
        let acl = &net.network_acls[&NetworkAclId::from("acl-0a3a3a3a3a3a30013")];
        assert_eq!(acl.entries.len(), 6);
        // Implicit objects take the VPC's known default ids.
        assert!(
            net.network_acls[&NetworkAclId::from("acl-0d1e2f3a4b5c60001")]
                .provenance
                .implicit
        );
        assert!(
            net.security_groups[&SecurityGroupId::from("sg-0f1a2b3c4d5e60001")]
                .provenance
                .implicit
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Modules, count and for_each

#[test]
fn module_count_and_for_each_addresses_are_ids_and_align_by_instance_key() {
    let l = load("modules.plan.json");
    no_errors(&l);
    assert!(l.diagnostics.is_empty(), "{:#?}", l.diagnostics);
    let net = &l.network;
    let m = "module.network";
    for i in 0..2 {
        let rt = format!("{m}.aws_route_table.private[{i}]");
        // `nat_gateway_id = aws_nat_gateway.this[count.index].id`: the same index as the table.
        assert_eq!(
            route(net, &rt, "0.0.0.0/0").target,
            RouteTarget::NatGateway(format!("{m}.aws_nat_gateway.this[{i}]").into())
        );
        assert_eq!(
            net.route_tables[&RouteTableId::from(rt.as_str())].subnets,
            vec![SubnetId::from(format!("{m}.aws_subnet.private[{i}]"))]
        );
        let nat = &net.nat_gateways[&NatGatewayId::from(format!("{m}.aws_nat_gateway.this[{i}]"))];
        assert_eq!(nat.subnet.to_string(), format!("{m}.aws_subnet.public[{i}]"));
    }
    // for_each: `aws_security_group.app[each.key]`.
    for app in ["api", "web"] {
        let inst = format!("{m}.aws_instance.app[\"{app}\"]");
        let e = eni(net, &inst);
        assert_eq!(
            e.groups,
            vec![SecurityGroupId::from(format!("{m}.aws_security_group.app[\"{app}\"]"))]
        );
        assert_eq!(e.subnet.to_string(), format!("{m}.aws_subnet.private[0]"));
        assert!(e.private_ipv4[0].assigned_at_apply);
        // `var.bastion_sg_id` inside the module resolves through the parent's module call.
        let sg = &net.security_groups[&SecurityGroupId::from(format!("{m}.aws_security_group.app[\"{app}\"]"))];
        assert!(sg.ingress.iter().any(|r| r.peer
            == SecurityGroupPeer::SecurityGroup {
                id: "aws_security_group.bastion".into(),
                peering: None
            }));
    }
    // Distinct example addresses in one subnet: .4 and .5, in id order.
    let api = eni(net, &format!("{m}.aws_instance.app[\"api\"]")).private_ipv4[0].address;
    let web = eni(net, &format!("{m}.aws_instance.app[\"web\"]")).private_ipv4[0].address;
    assert_eq!((api, web), (Ipv4Addr::new(10, 20, 10, 4), Ipv4Addr::new(10, 20, 10, 5)));
    // Root resources read the module's outputs: `module.network.public_subnet_ids[0]`, `.vpc_id`.
    let bastion = eni(net, "aws_instance.bastion");
    assert_eq!(bastion.subnet.to_string(), format!("{m}.aws_subnet.public[0]"));
    let sg = &net.security_groups[&SecurityGroupId::from("aws_security_group.bastion")];
    assert_eq!(sg.vpc.to_string(), format!("{m}.aws_vpc.this"));
    // Terraform revokes the default egress rule of the groups it creates.
    assert!(sg.egress.is_empty());
    // The module's VPC has no aws_default_route_table: its main table is implicit (RT-2).
    let main = &net.route_tables[&RouteTableId::from(format!("{m}.aws_vpc.this.default_route_table_id"))];
    assert!(main.main && main.provenance.implicit);
}

// ---------------------------------------------------------------------------------------------
// Deletes and replaces

#[test]
fn deletes_remove_resources_and_replaces_keep_the_new_object() {
    let l = load("changes.plan.json");
    no_errors(&l);
    let net = &l.network;
    // ["delete"]: the legacy group and the default route are gone.
    assert!(
        !net.security_groups
            .contains_key(&SecurityGroupId::from("sg-0c0ffee00000035"))
    );
    let rt = &net.route_tables[&RouteTableId::from("rtb-0c0ffee00000033")];
    assert!(
        rt.routes.iter().all(|r| r.target == RouteTarget::Local),
        "{:?}",
        rt.routes
    );
    assert_eq!(rt.tags.get("Name").map(String::as_str), Some("app-renamed"));
    // ["delete","create"]: the new instance, under its address; the deposed object's delete
    // does not remove it.
    assert!(!net.instances.contains_key(&InstanceId::from("i-0c0ffee00000037")));
    let e = eni(net, "aws_instance.app");
    assert_eq!(e.groups, vec![SecurityGroupId::from("sg-0c0ffee00000036")]);
    assert_eq!(e.subnet.as_str(), "subnet-0c0ffee00000031");
    assert!(e.private_ipv4[0].assigned_at_apply);
    assert_eq!(e.private_ipv4[0].address, Ipv4Addr::new(10, 30, 1, 4));
    assert_eq!(net.subnets.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Ambiguous and unresolved references

#[test]
fn an_ambiguous_reference_is_reported_naming_both_candidates_and_not_guessed() {
    let l = load("ambiguous.plan.json");
    let amb = warnings(&l, "ambiguous-reference");
    assert_eq!(amb.len(), 2, "{amb:#?}");
    assert!(amb[0].message.contains("`aws_nat_gateway.a`") && amb[0].message.contains("`aws_nat_gateway.b`"));
    assert_eq!(amb[0].resource.as_deref(), Some("aws_route_table.private"));
    let r = route(&l.network, "aws_route_table.private", "10.50.0.0/16");
    assert!(matches!(&r.target, RouteTarget::Unsupported { field, .. } if field == "nat_gateway_id"));
    assert!(
        l.network
            .unsupported
            .iter()
            .any(|u| u.component.contains("aws_nat_gateway.a"))
    );
}

#[test]
fn an_unresolved_route_target_is_missing_from_the_input_with_a_warning() {
    // The plan does not say where the route goes: a target missing from the input, so a query
    // through it answers unknown (RT-14a), not a blackhole (the route is not one in AWS).
    let l = load("ambiguous.plan.json");
    let r = route(&l.network, "aws_route_table.private", "172.16.0.0/16");
    assert_eq!(r.state, RouteState::Active);
    assert!(matches!(r.target, RouteTarget::VpcPeeringConnection(_)));
    let w = warnings(&l, "unresolved-reference");
    assert!(
        w.iter()
            .any(|d| d.resource.as_deref() == Some("aws_route.peer")
                && d.message.contains("`var.peering_connection_id`")),
        "{w:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Versions and unsupported resources

#[test]
fn format_version_2_is_rejected_with_exit_2() {
    let e = ingest::load(&path(&format!("{DIR}/format-2.plan.json"))).unwrap_err();
    assert!(matches!(&e, IngestError::Format { message, .. } if message.contains("`format_version` 2.0")));
    vpcverify()
        .args(["lint", &format!("{DIR}/format-2.plan.json")])
        .current_dir(root())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("format_version"));
}

#[test]
fn raw_state_of_another_version_is_rejected() {
    let doc = serde_json::json!({"version": 3, "terraform_version": "0.11.14", "resources": []});
    let e = ingest::terraform::load_value("old.tfstate", &doc).unwrap_err();
    assert!(e.to_string().contains("state `version` 3"), "{e}");
}

#[test]
fn unsupported_resource_types_are_a_warning_each() {
    let doc = serde_json::json!({
        "format_version": "1.0",
        "values": {"root_module": {"resources": [
            {"address": "aws_networkfirewall_firewall.front", "mode": "managed", "type": "aws_networkfirewall_firewall", "name": "front",
             "values": {"id": "arn:aws:network-firewall:us-east-1:1:firewall/front"}},
            {"address": "aws_networkfirewall_rule_group.all", "mode": "managed", "type": "aws_networkfirewall_rule_group", "name": "all",
             "values": {"id": "arn:aws:network-firewall:us-east-1:1:stateful-rulegroup/all"}},
            {"address": "aws_flow_log.all", "mode": "managed", "type": "aws_flow_log", "name": "all",
             "values": {"id": "fl-1"}}
        ]}}
    });
    let l = ingest::terraform::load_value("state.json", &doc).unwrap();
    let w = warnings(&l, "unsupported");
    assert_eq!(w.len(), 2);
    assert!(w.iter().any(|d| d.message.contains("`aws_networkfirewall_firewall`")));
    // `aws_flow_log` is read (VPCV-013): one that names nothing to log is said so, and left out.
    let w = warnings(&l, "missing-field");
    assert_eq!(w.len(), 1, "{w:#?}");
    assert!(
        w[0].message.contains("`aws_flow_log.all` names no resource to log"),
        "{}",
        w[0].message
    );
    assert!(l.network.flow_logs.logs.is_empty());
    assert!(l.network.flow_logs.listed);
}

// ---------------------------------------------------------------------------------------------
// Rules, associations and attachments as their own resources

#[test]
fn split_out_resources_attach_to_what_they_reference() {
    let l = load("split.plan.json");
    no_errors(&l);
    assert!(l.diagnostics.is_empty(), "{:#?}", l.diagnostics);
    let net = &l.network;
    // `route_table_id = aws_vpc.main.main_route_table_id`: the implicit main table (RT-2).
    let main = "aws_vpc.main.default_route_table_id";
    assert!(net.route_tables[&RouteTableId::from(main)].provenance.implicit);
    let igw = route(net, main, "0.0.0.0/0");
    assert_eq!(
        igw.target,
        RouteTarget::InternetGateway("aws_internet_gateway.igw".into())
    );
    assert_eq!(
        igw.state,
        RouteState::Active,
        "attached by aws_internet_gateway_attachment"
    );
    let pcx = route(net, main, "10.61.0.0/16");
    assert_eq!(
        pcx.target,
        RouteTarget::VpcPeeringConnection("aws_vpc_peering_connection.peer".into())
    );
    assert_eq!(pcx.state, RouteState::Active, "auto_accept makes it active (PCX-3)");
    // aws_network_acl_rule and aws_network_acl_association (NACL-1: off the default ACL).
    let acl = &net.network_acls[&NetworkAclId::from("aws_network_acl.a")];
    assert_eq!(acl.subnets, vec![SubnetId::from("aws_subnet.a")]);
    let mut labels: Vec<String> = acl
        .entries
        .iter()
        .map(|e| format!("{} {}", e.direction, e.label()))
        .collect();
    labels.sort();
    assert_eq!(
        labels,
        vec![
            "inbound 100 TCP 443 0.0.0.0/0 ALLOW",
            "outbound 100 ALL ALL 0.0.0.0/0 ALLOW"
        ]
    );
    // Separate rule resources; `-1` with null ports is every port (SG-6).
    let app = &net.security_groups[&SecurityGroupId::from("aws_security_group.app")];
    assert_eq!(
        peers(&app.ingress),
        vec!["tcp 22 from aws_security_group.bastion", "tcp 443 from 0.0.0.0/0"]
    );
    assert_eq!(app.egress.len(), 1);
    assert_eq!(
        (app.egress[0].protocol, app.egress[0].l4),
        (Protocol::All, L4Match::Any)
    );
    let bastion = &net.security_groups[&SecurityGroupId::from("aws_security_group.bastion")];
    assert_eq!(
        peers(&bastion.ingress),
        vec!["tcp 22 from aws_ec2_managed_prefix_list.office"]
    );
    let pl = &net.prefix_lists[&PrefixListId::from("aws_ec2_managed_prefix_list.office")];
    assert_eq!(pl.owner, PrefixListOwner::CustomerManaged);
    let entries: Vec<String> = pl.entries.iter().map(|c| c.to_string()).collect();
    assert_eq!(entries, vec!["198.51.100.0/24", "203.0.113.0/24"]);
    // aws_default_security_group adopts the default group and removes its rules (SG-3).
    let d = &net.security_groups[&SecurityGroupId::from("aws_default_security_group.default")];
    assert!(d.ingress.is_empty() && d.egress.is_empty() && !d.provenance.implicit);
    assert_eq!(d.vpc.as_str(), "aws_vpc.main");
    assert!(
        !net.security_groups
            .contains_key(&SecurityGroupId::from("aws_vpc.main.default_security_group_id"))
    );
    assert!(
        net.security_groups[&SecurityGroupId::from("aws_vpc.other.default_security_group_id")]
            .provenance
            .implicit
    );
    // aws_eip on an aws_network_interface: an example Elastic IP on its example primary address.
    let eni = &net.network_interfaces[&NetworkInterfaceId::from("aws_network_interface.app")];
    assert_eq!(eni.groups, vec![SecurityGroupId::from("aws_security_group.app")]);
    let p = &eni.private_ipv4[0];
    assert_eq!((p.address, p.assigned_at_apply), (Ipv4Addr::new(10, 60, 1, 4), true));
    let public = p.public_ip.as_ref().unwrap();
    assert_eq!(public.allocation_id.as_deref(), Some("aws_eip.app"));
    assert!(public.assigned_at_apply);
    assert_eq!(public.address, Ipv4Addr::new(3, 0, 0, 1));
}

#[test]
fn computed_sets_the_configuration_does_not_set_are_empty_not_unknown() {
    // `aws_security_group.app` sets no inline rules: `ingress`/`egress` are unknown in the plan
    // only because they are computed. A table whose `route` set is unknown although configured
    // is a different matter: it is reported and its table unsupported.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.json");
    std::fs::copy(path(&format!("{DIR}/seed-lab.plan.json")), &file).unwrap();
    edit_json(&file, |v| {
        for rc in v["resource_changes"].as_array_mut().unwrap() {
            if rc["address"] == "aws_route_table.public" {
                rc["change"]["after"].as_object_mut().unwrap().remove("route");
                rc["change"]["after_unknown"]["route"] = true.into();
            }
        }
    });
    let l = ingest::load(&file).unwrap();
    assert!(warnings(&l, "unknown-value").iter().any(|d| {
        d.message
            .contains("the routes of `aws_route_table.public` are unknown until apply")
    }));
    assert!(
        l.network
            .unsupported
            .iter()
            .any(|u| u.component == "aws_route_table.public")
    );
    let split = load("split.plan.json");
    assert!(split.network.unsupported.is_empty(), "{:#?}", split.network.unsupported);
}

#[test]
fn resources_of_the_default_vpc_are_reported_and_left_out() {
    // No `subnet_id` / `vpc_id` in the configuration: AWS puts them in the default VPC.
    let doc = serde_json::json!({
        "format_version": "1.2",
        "resource_changes": [
            {"address": "aws_instance.legacy", "mode": "managed", "type": "aws_instance", "name": "legacy",
             "change": {"actions": ["create"], "before": null, "after": {"ami": "ami-1"},
                        "after_unknown": {"id": true, "subnet_id": true, "private_ip": true}}},
            {"address": "aws_security_group.legacy", "mode": "managed", "type": "aws_security_group",
             "name": "legacy",
             "change": {"actions": ["create"], "before": null, "after": {"name": "legacy"},
                        "after_unknown": {"id": true, "vpc_id": true, "ingress": true, "egress": true}}}
        ],
        "configuration": {"root_module": {"resources": [
            {"address": "aws_instance.legacy", "mode": "managed", "type": "aws_instance", "name": "legacy",
             "expressions": {"ami": {"constant_value": "ami-1"}}},
            {"address": "aws_security_group.legacy", "mode": "managed", "type": "aws_security_group",
             "name": "legacy", "expressions": {"name": {"constant_value": "legacy"}}}
        ]}}
    });
    let l = ingest::terraform::load_value("plan.json", &doc).unwrap();
    let w = warnings(&l, "unsupported");
    assert!(
        w.iter()
            .any(|d| d.message.contains("`aws_instance.legacy` sets no `subnet_id`")),
        "{w:#?}"
    );
    assert!(
        w.iter()
            .any(|d| d.message.contains("`aws_security_group.legacy` sets no `vpc_id`")),
        "{w:#?}"
    );
    assert!(l.network.security_groups.is_empty());
    assert!(l.network.network_interfaces.is_empty());
}

#[test]
fn without_a_data_source_the_endpoint_prefix_list_is_implicit_with_entries_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.json");
    std::fs::copy(path(&format!("{DIR}/seed-lab.plan.json")), &file).unwrap();
    edit_json(&file, |v| {
        v.as_object_mut().unwrap().remove("prior_state");
    });
    // AWS's ranges would fill the list (tests/ingest_ip_ranges.rs): given a copy that lists no
    // S3 prefix in the plan's region, its entries stay unknown.
    let ranges = dir.path().join("ip-ranges.json");
    std::fs::write(
        &ranges,
        r#"{"syncToken": "1", "createDate": "2030-01-01-00-00-00",
            "prefixes": [{"ip_prefix": "52.218.0.0/17", "region": "eu-west-1", "service": "S3"}]}"#,
    )
    .unwrap();
    let opts = ingest::LoadOptions::with_ip_ranges(Some(&ranges)).unwrap();
    let l = ingest::load_with(&file, &opts).unwrap();
    let id = PrefixListId::from("aws_vpc_endpoint.s3.prefix_list_id");
    let pl = &l.network.prefix_lists[&id];
    assert!(!pl.entries_known && pl.entries.is_empty());
    assert!(pl.provenance.implicit);
    assert_eq!(pl.owner, PrefixListOwner::AwsManaged);
    assert_eq!(pl.name, "com.amazonaws.us-east-1.s3");
    assert_eq!(
        route(&l.network, "aws_default_route_table.main", id.as_str()).target,
        RouteTarget::VpcEndpoint("aws_vpc_endpoint.s3".into())
    );
    // `finish` records it: a query through it answers unknown.
    assert!(l.network.unsupported.iter().any(|u| u.component == id.as_str()));
}

#[test]
fn a_module_called_with_for_each_resolves_per_module_instance() {
    // module "app" { for_each = {eu, us} }: `module.app["eu"].subnet_id` names one instance's
    // subnet; `module.app` without a key names both, which is ambiguous for a single subnet.
    let change = |addr: &str, t: &str, name: &str, after: Value, unknown: Value| {
        serde_json::json!({"address": addr, "mode": "managed", "type": t, "name": name,
            "change": {"actions": ["create"], "before": null, "after": after, "after_unknown": unknown}})
    };
    let mut changes = vec![change(
        "aws_vpc.main",
        "aws_vpc",
        "main",
        serde_json::json!({"cidr_block": "10.70.0.0/16"}),
        serde_json::json!({"id": true}),
    )];
    for (k, c) in [("eu", "10.70.1.0/24"), ("us", "10.70.2.0/24")] {
        changes.push(change(
            &format!("module.app[\"{k}\"].aws_subnet.this"),
            "aws_subnet",
            "this",
            serde_json::json!({"cidr_block": c}),
            serde_json::json!({"id": true, "vpc_id": true}),
        ));
    }
    for n in ["eu", "any"] {
        changes.push(change(
            &format!("aws_instance.{n}"),
            "aws_instance",
            n,
            serde_json::json!({"private_ip": "10.70.1.10"}),
            serde_json::json!({"id": true, "subnet_id": true}),
        ));
    }
    let cfg_instance = |n: &str, r: &str| {
        serde_json::json!({"address": format!("aws_instance.{n}"), "mode": "managed", "type": "aws_instance",
            "name": n, "expressions": {"subnet_id": {"references": [r, "module.app"]}}})
    };
    let doc = serde_json::json!({
        "format_version": "1.2",
        "resource_changes": changes,
        "configuration": {"root_module": {
            "resources": [
                {"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main",
                 "expressions": {"cidr_block": {"constant_value": "10.70.0.0/16"}}},
                cfg_instance("eu", "module.app[\"eu\"].subnet_id"),
                cfg_instance("any", "module.app.subnet_id")
            ],
            "module_calls": {"app": {
                "for_each_expression": {"constant_value": {"eu": 1, "us": 2}},
                "expressions": {"vpc_id": {"references": ["aws_vpc.main.id", "aws_vpc.main"]}},
                "module": {
                    "resources": [{"address": "aws_subnet.this", "mode": "managed", "type": "aws_subnet",
                                   "name": "this", "expressions": {"vpc_id": {"references": ["var.vpc_id"]}}}],
                    "outputs": {"subnet_id": {"expression": {"references": ["aws_subnet.this.id", "aws_subnet.this"]}}}
                }
            }}
        }}
    });
    let l = ingest::terraform::load_value("plan.json", &doc).unwrap();
    let net = &l.network;
    // `var.vpc_id` inside each module instance resolves through the module call.
    for k in ["eu", "us"] {
        let s = &net.subnets[&SubnetId::from(format!("module.app[\"{k}\"].aws_subnet.this"))];
        assert_eq!(s.vpc.as_str(), "aws_vpc.main");
    }
    assert_eq!(
        eni(net, "aws_instance.eu").subnet.as_str(),
        "module.app[\"eu\"].aws_subnet.this"
    );
    let amb = warnings(&l, "ambiguous-reference");
    assert_eq!(amb.len(), 1, "{amb:#?}");
    assert!(
        amb[0]
            .message
            .contains("`module.app[\"eu\"].aws_subnet.this` and `module.app[\"us\"].aws_subnet.this`")
    );
    assert!(
        net.instances[&InstanceId::from("aws_instance.any")]
            .network_interfaces
            .is_empty()
    );
}
