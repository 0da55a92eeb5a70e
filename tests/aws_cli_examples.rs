//! Issue #26: the AWS CLI's own documented example outputs as a corpus. Every `Output::` block of
//! `awscli/examples/ec2/<command>.rst` for each command the loader reads or recognises, extracted
//! by `tests/fixtures/aws-cli-examples/_extract.py` (see its NOTES.md), is loaded: no panic, no
//! error but for the examples listed in [`INVALID`] (invalid in the documentation itself), and
//! the model's key fields equal the example's (ids, CIDR blocks, route destinations and targets,
//! ACL entries, security group rules, interface and NAT gateway addresses, prefix-list entries,
//! endpoints, peerings, transit gateway attachments and route tables). A command that is
//! recognised but not modelled is a warning naming it, and lowers nothing.

use crate::common::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::PathBuf;
use vpcverify::ingest::{self, IngestError, Loaded, aws};
use vpcverify::model::*;

const DIR: &str = "tests/fixtures/aws-cli-examples";

/// Examples that are wrong in the documentation, with what the loader must say of them (a
/// fragment of the error message).
const INVALID: &[(&str, &str)] = &[
    // `"CustomerOwnedIpv4Pool:": 'pool-2EXAMPLE'`: a single-quoted string.
    ("describe-subnets/1.json", "invalid JSON"),
    // `"GroupId": "sg-903004f8",` before `}`: a trailing comma.
    ("describe-security-groups/1.json", "trailing comma"),
    // `"PrivateIpAddress": "10-0-0-157"`: a host name where an address belongs.
    (
        "describe-instances/1.json",
        "`10-0-0-157`, which is not an IPv4 address",
    ),
];

/// Examples that document another command's output: an `unknown-file` warning naming the file.
const OTHER_COMMAND: &[(&str, &str)] = &[
    // A single `Route` object, as `create-local-gateway-route` and `delete-local-gateway-route`
    // print, not the `Routes` list `search-local-gateway-routes` prints.
    ("search-local-gateway-routes/1.json", "`Route`"),
];

/// Commands recognised but not modelled: their output is a warning naming the command (or the
/// key, for a key only that command prints) and lowers nothing.
const NOT_MODELLED: &[(&str, &str)] = &[
    ("describe-vpc-classic-link", "describe-vpc-classic-link"),
    (
        "describe-vpc-classic-link-dns-support",
        "describe-vpc-classic-link-dns-support",
    ),
    ("describe-client-vpn-routes", "describe-client-vpn-routes"),
    ("search-local-gateway-routes", "search-local-gateway-routes"),
    ("describe-client-vpn-endpoints", "ClientVpnEndpoints"),
    ("describe-carrier-gateways", "CarrierGateways"),
    ("describe-local-gateways", "LocalGateways"),
    ("describe-local-gateway-route-tables", "LocalGatewayRouteTables"),
    ("describe-transit-gateway-connects", "TransitGatewayConnects"),
    ("describe-transit-gateway-connect-peers", "TransitGatewayConnectPeers"),
    (
        "describe-transit-gateway-multicast-domains",
        "TransitGatewayMulticastDomains",
    ),
    ("describe-transit-gateway-policy-tables", "TransitGatewayPolicyTables"),
];

/// Every extracted example, `(command, "<command>/<n>.json", path)`, sorted.
fn examples() -> Vec<(String, String, PathBuf)> {
    let mut out = Vec::new();
    for dir in std::fs::read_dir(path(DIR)).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let command = dir.file_name().unwrap().to_string_lossy().into_owned();
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            out.push((command.clone(), format!("{command}/{name}"), f));
        }
    }
    out.sort();
    out
}

/// Loads one example as a snapshot directory is read (`aws::load_dir`, which keeps only the
/// fields the loader reads), beside the minimal stub it needs: an empty `describe-network-acls`
/// output, so that subnets are not a `missing-network-acls` error (NACL-1) in an example without
/// ACLs; for `describe-security-group-rules`, the groups its rules belong to (without rules); for
/// `get-managed-prefix-list-entries`, the one prefix list (without entries) they are then
/// attributed to.
/// The example is `example.json` in the directory.
fn load(doc: &Value) -> Loaded {
    let groups: Vec<Value> = ids(doc, "SecurityGroupRules", "GroupId")
        .into_iter()
        .map(|g| json!({ "GroupId": g, "VpcId": "vpc-stub", "IpPermissions": [], "IpPermissionsEgress": [] }))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("example.json"), doc.to_string()).unwrap();
    let lists: Vec<Value> = if doc.get("Entries").is_some() {
        vec![json!({ "PrefixListId": "pl-stub", "PrefixListName": "stub", "OwnerId": "111122223333" })]
    } else {
        Vec::new()
    };
    let stub = json!({ "NetworkAcls": [], "SecurityGroups": groups, "PrefixLists": lists });
    std::fs::write(dir.path().join("stub.json"), stub.to_string()).unwrap();
    aws::load_dir(dir.path()).unwrap()
}

fn items<'a>(doc: &'a Value, key: &str) -> Vec<&'a Value> {
    doc.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

fn ids(doc: &Value, key: &str, id: &str) -> BTreeSet<String> {
    items(doc, key)
        .iter()
        .filter_map(|i| i.get(id).and_then(Value::as_str).map(str::to_owned))
        .collect()
}

fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn keys<K: ToString, V>(m: &std::collections::BTreeMap<K, V>) -> BTreeSet<String> {
    m.keys().map(ToString::to_string).collect()
}

/// The target id a documented route names (`local` for the local route).
fn route_target(r: &Value) -> Option<&str> {
    [
        "GatewayId",
        "NatGatewayId",
        "InstanceId",
        "NetworkInterfaceId",
        "VpcPeeringConnectionId",
        "TransitGatewayId",
        "EgressOnlyInternetGatewayId",
        "CarrierGatewayId",
        "LocalGatewayId",
        "CoreNetworkArn",
    ]
    .iter()
    .find_map(|k| s(r, k))
}

/// Asserts the model's key fields equal the example's; returns how many fields were compared.
fn compare(rel: &str, doc: &Value, net: &Network) -> usize {
    let n = std::cell::Cell::new(0usize);
    let same = |what: &str, model: BTreeSet<String>, example: BTreeSet<String>| {
        assert_eq!(model, example, "{rel}: {what}");
        n.set(n.get() + example.len());
    };
    if doc.get("Vpcs").is_some() {
        same("vpc ids", keys(&net.vpcs), ids(doc, "Vpcs", "VpcId"));
        for v in items(doc, "Vpcs") {
            let vpc = &net.vpcs[&VpcId::from(s(v, "VpcId").unwrap())];
            let mut cidrs: BTreeSet<String> = s(v, "CidrBlock").map(str::to_owned).into_iter().collect();
            for a in items(v, "CidrBlockAssociationSet") {
                cidrs.extend(s(a, "CidrBlock").map(str::to_owned));
            }
            same(
                "vpc CIDR blocks",
                vpc.cidrs_v4.iter().map(ToString::to_string).collect(),
                cidrs,
            );
        }
    }
    if doc.get("VpnConnections").is_some() {
        let conns = &net.onprem.vpn_connections;
        same(
            "vpn connection ids",
            conns.keys().cloned().collect(),
            ids(doc, "VpnConnections", "VpnConnectionId"),
        );
        for v in items(doc, "VpnConnections") {
            let c = &conns[s(v, "VpnConnectionId").unwrap()];
            let gw = s(v, "VpnGatewayId").or(s(v, "TransitGatewayId"));
            assert_eq!(c.gateway.as_ref().map(|g| g.id()), gw, "{rel}");
            assert_eq!(c.customer_gateway.as_deref(), s(v, "CustomerGatewayId"), "{rel}");
            same(
                "vpn static routes",
                c.routes.iter().map(|r| r.cidr.to_string()).collect(),
                items(v, "Routes")
                    .iter()
                    .filter_map(|r| s(r, "DestinationCidrBlock").map(str::to_owned))
                    .collect(),
            );
            let tunnels: Vec<String> = items(v, "VgwTelemetry")
                .iter()
                .filter_map(|t| s(t, "Status").map(str::to_owned))
                .collect();
            assert_eq!(c.tunnels, tunnels, "{rel}");
            assert_eq!(
                c.static_routes_only,
                v.get("Options")
                    .and_then(|o| o.get("StaticRoutesOnly"))
                    .and_then(Value::as_bool),
                "{rel}"
            );
        }
    }
    if doc.get("CustomerGateways").is_some() {
        same(
            "customer gateway ids",
            net.onprem.customer_gateways.keys().cloned().collect(),
            ids(doc, "CustomerGateways", "CustomerGatewayId"),
        );
        for v in items(doc, "CustomerGateways") {
            let g = &net.onprem.customer_gateways[s(v, "CustomerGatewayId").unwrap()];
            assert_eq!(g.ip_address.as_deref(), s(v, "IpAddress"), "{rel}");
            assert_eq!(g.bgp_asn.as_deref(), s(v, "BgpAsn"), "{rel}");
        }
    }
    if doc.get("Subnets").is_some() {
        same("subnet ids", keys(&net.subnets), ids(doc, "Subnets", "SubnetId"));
        for v in items(doc, "Subnets") {
            let sn = &net.subnets[&SubnetId::from(s(v, "SubnetId").unwrap())];
            assert_eq!(sn.cidr_v4.map(|c| c.to_string()).as_deref(), s(v, "CidrBlock"), "{rel}");
            assert_eq!(sn.vpc.as_str(), s(v, "VpcId").unwrap(), "{rel}");
        }
    }
    if doc.get("RouteTables").is_some() {
        same(
            "route table ids",
            keys(&net.route_tables),
            ids(doc, "RouteTables", "RouteTableId"),
        );
        for t in items(doc, "RouteTables") {
            let rt = &net.route_tables[&RouteTableId::from(s(t, "RouteTableId").unwrap())];
            for r in items(t, "Routes") {
                let dest = [
                    "DestinationCidrBlock",
                    "DestinationIpv6CidrBlock",
                    "DestinationPrefixListId",
                ]
                .iter()
                .find_map(|k| s(r, k))
                .unwrap();
                let route = rt
                    .routes
                    .iter()
                    .find(|m| m.destination.to_string() == dest)
                    .unwrap_or_else(|| panic!("{rel}: no route to {dest} in {}", rt.id));
                let target = route_target(r).unwrap();
                let model = serde_json::to_string(&route.target).unwrap();
                if target == "local" {
                    assert_eq!(route.target, RouteTarget::Local, "{rel}: {dest}");
                } else {
                    assert!(
                        model.contains(target),
                        "{rel}: route to {dest}: {model} is not {target}"
                    );
                }
                n.set(n.get() + 2);
            }
            same(
                "explicit associations",
                rt.subnets.iter().map(ToString::to_string).collect(),
                items(t, "Associations")
                    .iter()
                    .filter_map(|a| s(a, "SubnetId"))
                    .map(str::to_owned)
                    .collect(),
            );
        }
    }
    if doc.get("NetworkAcls").is_some() {
        same(
            "network ACL ids",
            keys(&net.network_acls),
            ids(doc, "NetworkAcls", "NetworkAclId"),
        );
        for a in items(doc, "NetworkAcls") {
            let acl = &net.network_acls[&NetworkAclId::from(s(a, "NetworkAclId").unwrap())];
            let model: BTreeSet<String> = acl
                .entries
                .iter()
                .map(|e| format!("{:?} {} {:?} {}", e.direction, e.rule_number, e.action, e.cidr))
                .collect();
            let example: BTreeSet<String> = items(a, "Entries")
                .iter()
                .map(|e| {
                    let dir = if e["Egress"] == json!(true) {
                        Direction::Outbound
                    } else {
                        Direction::Inbound
                    };
                    let action = if s(e, "RuleAction") == Some("allow") {
                        RuleAction::Allow
                    } else {
                        RuleAction::Deny
                    };
                    let cidr = s(e, "CidrBlock").or_else(|| s(e, "Ipv6CidrBlock")).unwrap();
                    format!("{dir:?} {} {action:?} {cidr}", e["RuleNumber"])
                })
                .collect();
            same("ACL entries", model, example);
        }
    }
    if doc.get("SecurityGroups").is_some() {
        same(
            "security group ids",
            keys(&net.security_groups),
            ids(doc, "SecurityGroups", "GroupId"),
        );
        for g in items(doc, "SecurityGroups") {
            let sg = &net.security_groups[&SecurityGroupId::from(s(g, "GroupId").unwrap())];
            for (key, rules) in [("IpPermissions", &sg.ingress), ("IpPermissionsEgress", &sg.egress)] {
                // SG-8: one rule per source.
                let sources: usize = items(g, key)
                    .iter()
                    .map(|p| {
                        ["IpRanges", "Ipv6Ranges", "UserIdGroupPairs", "PrefixListIds"]
                            .iter()
                            .map(|k| items(p, k).len())
                            .sum::<usize>()
                    })
                    .sum();
                assert_eq!(rules.len(), sources, "{rel}: {} {key}", sg.id);
                n.set(n.get() + sources);
            }
        }
    }
    if doc.get("SecurityGroupRules").is_some() {
        let total: usize = net
            .security_groups
            .values()
            .map(|g| g.ingress.len() + g.egress.len())
            .sum();
        assert_eq!(total, items(doc, "SecurityGroupRules").len(), "{rel}: rules");
        same(
            "groups of the rules",
            keys(&net.security_groups),
            ids(doc, "SecurityGroupRules", "GroupId"),
        );
    }
    if doc.get("NetworkInterfaces").is_some() {
        same(
            "interface ids",
            keys(&net.network_interfaces),
            ids(doc, "NetworkInterfaces", "NetworkInterfaceId"),
        );
        for i in items(doc, "NetworkInterfaces") {
            let eni = &net.network_interfaces[&NetworkInterfaceId::from(s(i, "NetworkInterfaceId").unwrap())];
            assert_eq!(eni.subnet.as_str(), s(i, "SubnetId").unwrap(), "{rel}");
            let example: BTreeSet<String> = items(i, "PrivateIpAddresses")
                .iter()
                .filter_map(|a| s(a, "PrivateIpAddress"))
                .chain(s(i, "PrivateIpAddress"))
                .map(str::to_owned)
                .collect();
            let model = serde_json::to_value(&eni.private_ipv4).unwrap().to_string();
            for ip in &example {
                assert!(
                    model.contains(&format!("\"{ip}\"")),
                    "{rel}: {} lacks {ip}: {model}",
                    eni.id
                );
            }
            n.set(n.get() + example.len());
        }
    }
    if doc.get("Reservations").is_some() {
        let example: BTreeSet<String> = items(doc, "Reservations")
            .iter()
            .flat_map(|r| items(r, "Instances"))
            .filter_map(|i| s(i, "InstanceId").map(str::to_owned))
            .collect();
        same("instance ids", keys(&net.instances), example);
    }
    for (key, id, model) in [
        ("InternetGateways", "InternetGatewayId", keys(&net.internet_gateways)),
        (
            "EgressOnlyInternetGateways",
            "EgressOnlyInternetGatewayId",
            keys(&net.egress_only_internet_gateways),
        ),
        ("NatGateways", "NatGatewayId", keys(&net.nat_gateways)),
        (
            "VpcPeeringConnections",
            "VpcPeeringConnectionId",
            keys(&net.vpc_peering_connections),
        ),
        ("VpcEndpoints", "VpcEndpointId", keys(&net.vpc_endpoints)),
        ("VpnGateways", "VpnGatewayId", keys(&net.vpn_gateways)),
        ("TransitGateways", "TransitGatewayId", keys(&net.transit_gateways)),
        ("PrefixLists", "PrefixListId", keys(&net.prefix_lists)),
        ("ManagedPrefixLists", "PrefixListId", keys(&net.prefix_lists)),
    ] {
        if doc.get(key).is_some() {
            same(key, model, ids(doc, key, id));
        }
    }
    for (key, id, model) in [
        (
            "TransitGatewayAttachments",
            "TransitGatewayAttachmentId",
            keys(&net.tgw.attachments),
        ),
        (
            "TransitGatewayVpcAttachments",
            "TransitGatewayAttachmentId",
            keys(&net.tgw.attachments),
        ),
        (
            "TransitGatewayPeeringAttachments",
            "TransitGatewayAttachmentId",
            keys(&net.tgw.peerings),
        ),
        (
            "TransitGatewayRouteTables",
            "TransitGatewayRouteTableId",
            keys(&net.tgw.route_tables),
        ),
    ] {
        if doc.get(key).is_some() {
            same(key, model, ids(doc, key, id));
        }
    }
    for e in items(doc, "VpcEndpoints") {
        let ep = &net.vpc_endpoints[&VpcEndpointId::from(s(e, "VpcEndpointId").unwrap())];
        assert_eq!(ep.vpc.as_str(), s(e, "VpcId").unwrap(), "{rel}");
        assert_eq!(ep.service_name, s(e, "ServiceName").unwrap_or_default(), "{rel}");
        same(
            "endpoint route tables",
            ep.route_tables.iter().map(ToString::to_string).collect(),
            e.get("RouteTableIds")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        );
    }
    for c in items(doc, "VpcPeeringConnections") {
        let pcx = &net.vpc_peering_connections[&VpcPeeringConnectionId::from(s(c, "VpcPeeringConnectionId").unwrap())];
        assert_eq!(
            pcx.requester.as_str(),
            s(&c["RequesterVpcInfo"], "VpcId").unwrap(),
            "{rel}"
        );
        assert_eq!(
            pcx.accepter.as_str(),
            s(&c["AccepterVpcInfo"], "VpcId").unwrap(),
            "{rel}"
        );
        n.set(n.get() + 2);
    }
    if doc.get("Entries").is_some() {
        let pl = &net.prefix_lists[&PrefixListId::from("pl-stub")];
        assert!(pl.entries_known, "{rel}");
        same(
            "prefix list entries",
            pl.entries.iter().map(ToString::to_string).collect(),
            items(doc, "Entries")
                .iter()
                .filter_map(|e| s(e, "Cidr"))
                .map(str::to_owned)
                .collect(),
        );
    }
    if doc.get("NatGateways").is_some() {
        for g in items(doc, "NatGateways") {
            let nat = &net.nat_gateways[&NatGatewayId::from(s(g, "NatGatewayId").unwrap())];
            assert_eq!(nat.subnet.as_str(), s(g, "SubnetId").unwrap(), "{rel}");
            let model = serde_json::to_string(&nat.addresses).unwrap();
            for a in items(g, "NatGatewayAddresses") {
                for k in ["PrivateIp", "PublicIp"] {
                    if let Some(ip) = s(a, k) {
                        assert!(model.contains(ip), "{rel}: {} lacks {ip}", nat.id);
                        n.set(n.get() + 1);
                    }
                }
            }
        }
    }
    n.get()
}

#[test]
fn every_documented_example_output_is_read_right() {
    let all = examples();
    assert!(all.len() >= 45, "{} examples: run _extract.py", all.len());
    let (mut accepted, mut invalid, mut other, mut compared) = (0, 0, 0, 0);
    for (command, rel, file) in &all {
        let bytes = std::fs::read(file).unwrap();
        if let Some((_, why)) = INVALID.iter().find(|(name, _)| name == rel) {
            invalid += 1;
            // Through the loader as a user runs it: an error naming the file.
            let message = match ingest::load(file) {
                Err(e @ IngestError::Json { .. }) => e.to_string(),
                Err(e) => panic!("{rel}: unexpected error {e}"),
                Ok(l) => l
                    .diagnostics
                    .iter()
                    .filter(|d| d.is_error())
                    .map(|d| format!("{}: {}", d.file.as_deref().unwrap_or_default(), d.message))
                    .collect::<Vec<_>>()
                    .join("\n"),
            };
            assert!(message.contains(why), "{rel}: {message}");
            assert!(message.contains(command.as_str()), "{rel}: names the file: {message}");
            continue;
        }
        let doc: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let l = load(&doc);
        let errors: Vec<_> = l.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{rel}: {errors:#?}");
        if let Some((_, key)) = OTHER_COMMAND.iter().find(|(name, _)| name == rel) {
            other += 1;
            let w = l.diagnostics.iter().find(|d| d.code == "unknown-file").unwrap();
            assert!(
                w.message.contains("example.json`") && w.message.contains(key),
                "{}",
                w.message
            );
            assert!(l.network.vpcs.is_empty() && l.network.route_tables.is_empty(), "{rel}");
        } else if let Some((_, named)) = NOT_MODELLED.iter().find(|(c, _)| c == command) {
            let w = l
                .diagnostics
                .iter()
                .find(|d| d.code == "unsupported" && d.message.contains(named))
                .unwrap_or_else(|| panic!("{rel}: no warning naming {named}: {:#?}", l.diagnostics));
            assert!(w.file.as_deref().unwrap().ends_with("example.json"), "{w:?}");
            assert!(l.network.vpcs.is_empty() && l.network.route_tables.is_empty(), "{rel}");
        } else {
            assert!(
                !l.diagnostics
                    .iter()
                    .any(|d| d.code == "unknown-key" || d.code == "unknown-file"),
                "{rel}: {:#?}",
                l.diagnostics
            );
            compared += compare(rel, &doc, &l.network);
        }
        accepted += 1;
    }
    assert_eq!(invalid, INVALID.len(), "every listed invalid example exists");
    assert_eq!(
        other,
        OTHER_COMMAND.len(),
        "every listed example of another command exists"
    );
    assert_eq!(accepted + invalid, all.len());
    assert!(compared >= 60, "{compared} fields compared");
}

/// The seed lab's AWS snapshot plus both ClassicLink outputs and a Client VPN routes output lints
/// with the same model as without them, with one warning naming each of the three commands; the
/// ClassicLink file no longer wins the duplicate of a VPC over `describe-vpcs` by sorting first.
#[test]
fn classic_link_and_client_vpn_outputs_beside_the_moto_sample_change_nothing() {
    let dir = copy_fixture_dir("tests/fixtures/moto-sample");
    let before = ingest::load(dir.path()).unwrap();
    let vpc = before.network.vpcs.keys().next().unwrap().to_string();
    // The documented examples, with their VPC id made one of the snapshot's (and sorting before
    // `describe-vpcs.json`, as the issue found).
    for (name, example) in [
        ("describe-vpc-classic-link.json", "describe-vpc-classic-link/1.json"),
        (
            "a-classic-link-dns.json",
            "describe-vpc-classic-link-dns-support/1.json",
        ),
        ("describe-client-vpn-routes.json", "describe-client-vpn-routes/1.json"),
    ] {
        let text = std::fs::read_to_string(path(&format!("{DIR}/{example}"))).unwrap();
        let text = text.replace("vpc-88888888", &vpc).replace("vpc-1a2b3c4d", &vpc);
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let after = ingest::load(dir.path()).unwrap();
    let mut model = serde_json::to_value(&after.network).unwrap();
    let mut expected = serde_json::to_value(&before.network).unwrap();
    // The scopes name the files read; nothing else may differ.
    model.as_object_mut().unwrap().remove("scopes");
    expected.as_object_mut().unwrap().remove("scopes");
    for (k, v) in expected.as_object().unwrap() {
        assert!(model[k] == *v, "the model changed in `{k}`: {}", model[k]);
    }
    assert!(model == expected, "the model changed");
    let new: Vec<&Diagnostic> = after
        .diagnostics
        .iter()
        .filter(|d| !before.diagnostics.contains(d))
        .collect();
    assert_eq!(new.len(), 3, "{new:#?}");
    for command in [
        "describe-vpc-classic-link",
        "describe-vpc-classic-link-dns-support",
        "describe-client-vpn-routes",
    ] {
        assert!(
            new.iter()
                .any(|d| d.code == "unsupported" && d.message.contains(&format!("`aws ec2 {command}`"))),
            "{command}: {new:#?}"
        );
    }
    // And `lint` says so, with the same exit code as without them.
    let lint = |p: &std::path::Path| vpcverify().arg("lint").arg(p).output().unwrap();
    let with = lint(dir.path());
    let stdout = String::from_utf8_lossy(&with.stdout);
    for f in [
        "describe-vpc-classic-link.json",
        "a-classic-link-dns.json",
        "describe-client-vpn-routes.json",
    ] {
        std::fs::remove_file(dir.path().join(f)).unwrap();
    }
    let without = lint(dir.path());
    assert_eq!(with.status.code(), without.status.code(), "{stdout}");
    assert!(
        stdout.contains("`aws ec2 describe-vpc-classic-link-dns-support` output"),
        "{stdout}"
    );
    assert!(
        stdout.contains("`aws ec2 describe-client-vpn-routes` output"),
        "{stdout}"
    );
}

/// A `Vpcs` or `Routes` list is decided by its items: a real `describe-vpcs` item is read, and a
/// JSON file none of whose keys is known is one warning naming it.
#[test]
fn shared_keys_are_decided_by_their_items_and_unknown_files_are_named() {
    let vpcs =
        load(&json!({ "Vpcs": [{ "VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "ClassicLinkEnabled": false }] }));
    assert_eq!(keys(&vpcs.network.vpcs), BTreeSet::from(["vpc-1".to_owned()]));
    let unknown = load(&json!({ "Widgets": [], "Gadgets": {} }));
    let w: Vec<&Diagnostic> = unknown
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .collect();
    assert_eq!(w.len(), 1, "{w:#?}");
    assert_eq!(w[0].code, "unknown-file");
    assert!(
        w[0].message.contains("example.json`") && w[0].message.contains("`Gadgets`, `Widgets`"),
        "{}",
        w[0].message
    );
}

/// Item 3: a Gateway Load Balancer endpoint is reported by `lint` though no route targets it.
#[test]
fn a_gateway_load_balancer_endpoint_is_reported_without_a_route_to_it() {
    let dir = copy_fixture_dir("tests/fixtures/moto-sample");
    let vpc = ingest::load(dir.path())
        .unwrap()
        .network
        .vpcs
        .keys()
        .next()
        .unwrap()
        .to_string();
    std::fs::write(
        dir.path().join("gwlbe.json"),
        json!({ "VpcEndpoints": [{
            "VpcEndpointId": "vpce-gwlb1", "VpcId": vpc, "VpcEndpointType": "GatewayLoadBalancer",
            "ServiceName": "com.amazonaws.vpce.us-east-1.vpce-svc-1", "State": "available"
        }] })
        .to_string(),
    )
    .unwrap();
    let out = vpcverify().arg("lint").arg(dir.path()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.contains("vpce-gwlb1"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        line.contains("unsupported") && line.contains("`GatewayLoadBalancer` endpoint"),
        "{line}"
    );
}
