//! `vpcverify query` end to end: the tutorial lab's facts, what a query finds that one traced
//! packet misses, exit codes, the JSON contract, proofs, and snapshots of what a person reads.

use crate::common::*;
use serde_json::Value;
use std::path::PathBuf;

const SEED: &str = "specs/seed-lab.toml";

fn seed(args: &[&str]) -> (i32, Value) {
    query_json(&path(SEED), args)
}

/// The ids along a JSON path.
fn ids(path: &Value) -> Vec<String> {
    path.as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_owned())
        .collect()
}

/// `(id, direction, rule)` of every blocking entry.
fn blocked(v: &Value) -> Vec<(String, String, String)> {
    v["blocked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["id"].as_str().unwrap().to_owned(),
                b["direction"].as_str().unwrap_or("").to_owned(),
                b["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn has_block(v: &Value, id: &str, dir: &str, rule: &str) -> bool {
    blocked(v).iter().any(|(i, d, r)| i == id && d == dir && r == rule)
}

/// The seed lab with the tutorial's bug fixed: inbound tcp 1024-65535 on the public ACL.
fn fixed_seed_lab() -> (tempfile::TempDir, PathBuf) {
    spec_with(SEED, |t| {
        t.replace(
            r#"  { rule = 300, protocol = "tcp", ports = "22", cidr = "0.0.0.0/0", action = "allow" },
]"#,
            r#"  { rule = 300, protocol = "tcp", ports = "22", cidr = "0.0.0.0/0", action = "allow" },
  { rule = 400, protocol = "tcp", ports = "1024-65535", cidr = "0.0.0.0/0", action = "allow" },
]"#,
        )
    })
}

#[test]
fn seed_lab_internet_to_web_80_is_reachable_with_a_witness_and_both_paths() {
    let (code, v) = seed(&["--from", "internet", "--to", "web-server", "--port", "80"]);
    assert_eq!(code, 0);
    assert_eq!(v["verdict"], "reachable");
    assert_eq!(v["query"]["from"], "internet");
    assert_eq!(v["query"]["port"], "80");
    assert_eq!(v["query"]["one_way"], false);
    let p = &v["packet"];
    assert_eq!(p["protocol"], "tcp");
    assert_eq!(p["dst_ip"], "54.175.89.128");
    assert_eq!(p["dst_port"], 80);
    assert!(p["src_port"].as_u64().unwrap() >= 1024);
    let fwd = ids(&v["path"]);
    assert!(fwd.contains(&"igw-lab-igw".to_owned()), "{fwd:?}");
    assert_eq!(fwd.last().unwrap(), "eni-web-server");
    let back = ids(&v["return_path"]);
    assert!(
        back.contains(&"acl-public-acl".to_owned()) && back.contains(&"igw-lab-igw".to_owned()),
        "{back:?}"
    );
    // The reply leaves by outbound rule 300 (1024-65535).
    let rule300 = v["return_path"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["rule"].as_str() == Some("300"));
    assert!(rule300, "{}", v["return_path"]);
}

#[test]
fn seed_lab_internet_to_web_8080_is_blocked_by_the_custom_acl_default_rule() {
    let (code, v) = seed(&["--from", "internet", "--to", "web-server", "--port", "8080"]);
    assert_eq!(code, 1);
    assert_eq!(v["verdict"], "unreachable");
    assert!(has_block(&v, "acl-public-acl", "inbound", "*"), "{:?}", blocked(&v));
    // Every blocker is named, not only the first: WebDMZ admits 8080 from nowhere either.
    assert!(has_block(&v, "sg-WebDMZ", "inbound", "sg-WebDMZ"), "{:?}", blocked(&v));
    // Issue #13: the packet shown is the drop map's (one cell: the ACL drops every packet first),
    // with its path up to the drop; no reply was sent.
    assert_eq!(v["packet"]["dst_port"], 8080);
    assert_eq!(ids(&v["path"]), ["93.184.216.34", "igw-lab-igw"]);
    assert!(v.get("return_path").is_none());
    let cells = v["drop_map"].as_array().unwrap();
    assert_eq!(cells.len(), 1);
    assert_eq!(cells[0]["blocked"]["id"], "acl-public-acl");
    assert_eq!(cells[0]["blocked"]["rule"], "*");
}

#[test]
fn seed_lab_db_to_internet_443_reply_dropped_by_public_acl_and_one_way_through_nat() {
    let (code, v) = seed(&["--from", "db-server", "--to", "internet", "--port", "443"]);
    assert_eq!(code, 1);
    assert_eq!(
        blocked(&v),
        vec![("acl-public-acl".into(), "inbound".into(), "*".into())]
    );
    let reason = v["blocked"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("reply"), "{reason}");

    let (code, v) = seed(&["--from", "db-server", "--to", "internet", "--port", "443", "--one-way"]);
    assert_eq!(code, 0);
    assert_eq!(v["query"]["one_way"], true);
    let fwd = ids(&v["path"]);
    let nat = fwd
        .iter()
        .position(|i| i == "nat-natgw")
        .expect("through the NAT gateway");
    let igw = fwd
        .iter()
        .position(|i| i == "igw-lab-igw")
        .expect("through the internet gateway");
    assert!(nat < igw, "{fwd:?}");
    assert_eq!(v["packet"]["src_ip"], "10.0.2.140");
    assert_eq!(v["return_path"], Value::Array(vec![]));
}

#[test]
fn seed_lab_web_to_internet_443_reply_dropped_by_public_acl() {
    let (code, v) = seed(&["--from", "web-server", "--to", "internet", "--port", "443"]);
    assert_eq!(code, 1);
    assert_eq!(
        blocked(&v),
        vec![("acl-public-acl".into(), "inbound".into(), "*".into())]
    );
}

#[test]
fn seed_lab_db_to_s3_443_reachable_through_the_gateway_endpoint() {
    let (code, v) = seed(&["--from", "db-server", "--to", "service:s3", "--port", "443"]);
    assert_eq!(code, 0);
    let fwd = ids(&v["path"]);
    assert!(fwd.contains(&"vpce-s3".to_owned()), "{fwd:?}");
    assert!(!fwd.contains(&"nat-natgw".to_owned()), "{fwd:?}");
    // The destination is an address of the S3 prefix list (pl-63a5400a in the spec).
    let dst: std::net::IpAddr = v["packet"]["dst_ip"].as_str().unwrap().parse().unwrap();
    let s3 = [
        "3.5.0.0/19",
        "16.15.176.0/20",
        "16.15.192.0/18",
        "16.182.0.0/16",
        "18.34.0.0/19",
        "18.34.232.0/21",
        "52.216.0.0/15",
        "54.231.0.0/16",
    ];
    assert!(
        s3.iter()
            .any(|c| vpcverify::model::Cidr::parse(c).unwrap().contains(&dst)),
        "{dst}"
    );
}

#[test]
fn seed_lab_web_to_db_icmp_dropped_by_public_acl_outbound() {
    let (code, v) = seed(&["--from", "web-server", "--to", "db-server", "--protocol", "icmp"]);
    assert_eq!(code, 1);
    assert!(has_block(&v, "acl-public-acl", "outbound", "*"), "{:?}", blocked(&v));
}

#[test]
fn seed_lab_with_inbound_ephemeral_rule_lets_nat_and_web_replies_pass() {
    let (_dir, file) = fixed_seed_lab();
    let (code, v) = query_json(&file, &["--from", "db-server", "--to", "internet", "--port", "443"]);
    assert_eq!(code, 0, "{v}");
    assert!(ids(&v["return_path"]).contains(&"nat-natgw".to_owned()));
    let back_rule_400 = v["return_path"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["rule"].as_str() == Some("400"));
    assert!(back_rule_400, "{}", v["return_path"]);
    let (code, _) = query_json(&file, &["--from", "web-server", "--to", "internet", "--port", "443"]);
    assert_eq!(code, 0);
}

#[test]
fn peering_has_no_transit_but_direct_peers_talk() {
    let net = path("specs/peering.toml");
    let (code, v) = query_json(&net, &["--from", "b-host", "--to", "c-host", "--port", "22"]);
    assert_eq!(code, 1);
    assert!(
        blocked(&v).iter().any(|(id, _, _)| id.starts_with("pcx-")),
        "{:?}",
        blocked(&v)
    );
    assert_eq!(
        query_json(&net, &["--from", "b-host", "--to", "a-host", "--port", "22"]).0,
        0
    );
    assert_eq!(
        query_json(&net, &["--from", "a-host", "--to", "c-host", "--port", "22"]).0,
        0
    );
}

#[test]
fn nat_instance_forwards_with_check_off_and_drops_with_check_on() {
    let net = path("specs/nat-instance.toml");
    let (code, v) = query_json(&net, &["--from", "db-server", "--to", "internet", "--port", "443"]);
    assert_eq!(code, 0, "{v}");
    assert!(ids(&v["path"]).contains(&"eni-nat-instance".to_owned()));
    let (code, v) = query_json(&net, &["--from", "app-server", "--to", "internet", "--port", "443"]);
    assert_eq!(code, 1);
    assert!(has_block(&v, "eni-nat-checked", "inbound", "NI-2"), "{:?}", blocked(&v));
}

#[test]
fn ipv6_egress_only_gateway_outbound_yes_inbound_no() {
    let net = path("specs/ipv6-egress-only.toml");
    let (code, v) = query_json(&net, &["--from", "app", "--to", "internet", "--port", "443"]);
    assert_eq!(code, 0);
    assert!(
        v["packet"]["src_ip"].as_str().unwrap().contains(':'),
        "IPv6: {}",
        v["packet"]
    );
    let (code, v) = query_json(&net, &["--from", "internet", "--to", "app", "--port", "443"]);
    assert_eq!(code, 1);
    assert!(
        blocked(&v).iter().any(|(id, _, _)| id.starts_with("eigw-")),
        "{:?}",
        blocked(&v)
    );
}

/// A public subnet whose ACL denies one internet /24 (rule 50) before allowing everything.
const DENY_ONE_SLASH_24: &str = r#"
[vpc.v]
cidr = "10.0.0.0/16"
[internet_gateway.igw]
vpc = "v"
[subnet.pub]
vpc = "v"
cidr = "10.0.1.0/24"
[route_table.rt]
vpc = "v"
subnets = ["pub"]
routes = [{ destination = "0.0.0.0/0", target = "igw" }]
[network_acl.edge]
vpc = "v"
subnets = ["pub"]
inbound = [
  { rule = 50, protocol = "all", cidr = "93.184.216.0/24", action = "deny" },
  { rule = 100, protocol = "tcp", ports = "443", cidr = "0.0.0.0/0", action = "allow" },
  { rule = 110, protocol = "tcp", ports = "32768-61000", cidr = "0.0.0.0/0", action = "allow" },
]
outbound = [{ rule = 100, protocol = "all", cidr = "0.0.0.0/0", action = "allow" }]
[security_group.web]
vpc = "v"
ingress = [{ protocol = "tcp", ports = "443", from = "0.0.0.0/0" }]
[instance.web]
subnet = "pub"
private_ip = "10.0.1.10"
public_ip = "54.1.2.3"
groups = ["web"]
"#;

fn inline(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("net.toml");
    std::fs::write(&file, text).unwrap();
    (dir, file)
}

#[test]
fn query_finds_the_internet_sources_one_traced_packet_misses() {
    let (_dir, file) = inline(DENY_ONE_SLASH_24);
    // trace's representative internet host, 93.184.216.34, is in the denied /24 ...
    let out = vpcverify()
        .args(["trace"])
        .arg(&file)
        .args(["--from", "internet", "--to", "web", "--port", "443", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let t: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(t["blocked"][0]["rule"], "50");
    // ... but query searches every source and finds one outside it.
    let (code, v) = query_json(&file, &["--from", "internet", "--to", "web", "--port", "443"]);
    assert_eq!(code, 0);
    let src: std::net::IpAddr = v["packet"]["src_ip"].as_str().unwrap().parse().unwrap();
    assert!(
        !vpcverify::model::Cidr::parse("93.184.216.0/24").unwrap().contains(&src),
        "{src}"
    );
    // Narrowed into the denied /24, it proves that nothing gets through, naming rule 50.
    let (code, v) = query_json(&file, &["--from", "93.184.216.0/24", "--to", "web", "--port", "443"]);
    assert_eq!(code, 1, "{v}");
    assert!(has_block(&v, "acl-edge", "inbound", "50"), "{:?}", blocked(&v));
}

#[test]
fn query_src_port_filter_narrowed_outside_the_allowed_reply_range_is_unreachable() {
    let (_dir, file) = inline(DENY_ONE_SLASH_24);
    // Replies come back only to 32768-61000 (rule 110): a client port there works ...
    let (code, v) = query_json(&file, &["--from", "web", "--to", "internet", "--port", "443"]);
    assert_eq!(code, 0, "{v}");
    let sport = v["packet"]["src_port"].as_u64().unwrap();
    assert!((32768..=61000).contains(&sport), "{sport}");
    // ... a client pinned to 1024-2000 never hears back, and the default rule is named.
    let (code, v) = query_json(
        &file,
        &[
            "--from",
            "web",
            "--to",
            "internet",
            "--port",
            "443",
            "--src-port",
            "1024-2000",
        ],
    );
    assert_eq!(code, 1);
    assert!(has_block(&v, "acl-edge", "inbound", "*"), "{:?}", blocked(&v));
}

#[test]
fn emitted_smt2_proof_is_unsatisfiable_when_rechecked() {
    let dir = tempfile::tempdir().unwrap();
    let proof = dir.path().join("proof.smt2");
    vpcverify()
        .args([
            "query",
            SEED,
            "--from",
            "db-server",
            "--to",
            "internet",
            "--port",
            "443",
            "--emit-smt2",
        ])
        .arg(&proof)
        .current_dir(root())
        .assert()
        .code(1);
    let text = std::fs::read_to_string(&proof).unwrap();
    assert!(text.contains("(declare-fun dst_ip4"), "{text}");
    assert_eq!(text.matches("(check-sat)").count(), 1, "one check, at the end: {text}");
    assert_eq!(vpcverify::smt::recheck_proof(&text), Ok(true));
    // The recheck is a real check: the same declarations with the assertion dropped, or a
    // satisfiable one, are not a proof.
    let start = text.find("(assert").expect("an assertion");
    let tampered = format!("{}(assert true)\n(check-sat)\n", &text[..start]);
    assert_eq!(vpcverify::smt::recheck_proof(&tampered), Ok(false), "{tampered}");
    assert_eq!(
        vpcverify::smt::recheck_proof("(declare-const x Int)\n(assert (> x 0))\n(check-sat)\n"),
        Ok(false)
    );
    assert_eq!(vpcverify::smt::recheck_proof("(assert false)\n(check-sat)\n"), Ok(true));
}

#[test]
fn query_exit_codes_for_usage_errors_and_unknown() {
    vpcverify()
        .args(["query", SEED, "--from", "nobody", "--to", "internet"])
        .current_dir(root())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("nobody"));
    vpcverify()
        .args([
            "query",
            SEED,
            "--from",
            "web-server",
            "--to",
            "db-server",
            "--protocol",
            "icmp",
            "--port",
            "22",
        ])
        .current_dir(root())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--port"));
    vpcverify()
        .args([
            "query",
            SEED,
            "--from",
            "web-server",
            "--to",
            "internet",
            "--port",
            "70000",
        ])
        .current_dir(root())
        .assert()
        .code(2);
    // A gateway route table (ingress routing, not modelled) lies on the only candidate path:
    // unknown, exit 3, naming it.
    let (code, v) = query_json(
        &path("tests/fixtures/aws/merged.json"),
        &["--from", "internet", "--to", "web-eni", "--port", "443"],
    );
    assert_eq!(code, 3, "{v}");
    assert_eq!(v["verdict"], "unknown");
    assert_eq!(v["unknown"][0]["id"], "rtb-0edge");
}

fn text(args: &[&str]) -> String {
    let out = vpcverify()
        .arg("query")
        .arg(SEED)
        .args(args)
        .current_dir(root())
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn snapshot_seed_lab_text_reachable() {
    insta::assert_snapshot!(text(&["--from", "internet", "--to", "web-server", "--port", "80"]));
}

#[test]
fn snapshot_seed_lab_text_unreachable() {
    insta::assert_snapshot!(text(&["--from", "db-server", "--to", "internet", "--port", "443"]));
}

#[test]
fn snapshot_seed_lab_json_one_way() {
    insta::assert_snapshot!(text(&[
        "--from",
        "db-server",
        "--to",
        "internet",
        "--port",
        "443",
        "--one-way",
        "--format",
        "json"
    ]));
}

#[test]
fn snapshot_seed_lab_json_unreachable() {
    insta::assert_snapshot!(text(&[
        "--from",
        "web-server",
        "--to",
        "db-server",
        "--protocol",
        "icmp",
        "--format",
        "json"
    ]));
}

#[test]
fn query_to_a_nat_gateway_asks_whether_requests_reach_it() {
    let (code, v) = seed(&["--from", "db-server", "--to", "natgw", "--port", "443"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(ids(&v["path"]).last().unwrap(), "nat-natgw");
    assert!(v["warnings"][0].as_str().unwrap().contains("one way"), "{v}");
    // The web server's subnet does not route through it.
    let (code, _) = seed(&["--from", "web-server", "--to", "natgw", "--port", "443"]);
    assert_eq!(code, 1);
}

// ---------------------------------------------------------------- RT-14a: incomplete input

const MISSING_TGW: &str = "tests/fixtures/aws/missing-transit-gateway.json";

/// The snapshot with its route to `tgw-0missing` in state `state`.
fn missing_tgw_with_state(state: &str) -> (tempfile::TempDir, PathBuf) {
    let text = std::fs::read_to_string(path(MISSING_TGW)).unwrap();
    let active = r#""TransitGatewayId": "tgw-0missing", "Origin": "CreateRoute", "State": "active""#;
    assert!(text.contains(active));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("snapshot.json");
    let replaced = format!(r#""TransitGatewayId": "tgw-0missing", "Origin": "CreateRoute", "State": "{state}""#);
    std::fs::write(&file, text.replace(active, &replaced)).unwrap();
    (dir, file)
}

#[test]
fn an_active_route_to_a_transit_gateway_the_snapshot_lacks_is_unknown_naming_it() {
    // RT-14a: AWS marks a route blackhole itself when its target is gone; `active` to a target the
    // snapshot does not list means the snapshot is incomplete.
    let (code, v) = query_json(
        &path(MISSING_TGW),
        &["--from", "eni-0app", "--to", "internet", "--port", "443"],
    );
    assert_eq!(code, 3, "{v:#}");
    assert_eq!(v["verdict"], "unknown");
    let unknown = v["unknown"].as_array().unwrap();
    assert_eq!(unknown.len(), 1, "{v:#}");
    assert_eq!(unknown[0]["id"], "tgw-0missing");
    assert!(
        unknown[0]["reason"].as_str().unwrap().contains("not in the input"),
        "{v:#}"
    );
    // Text: the same, for a person.
    vpcverify()
        .args([
            "query",
            MISSING_TGW,
            "--from",
            "eni-0app",
            "--to",
            "internet",
            "--port",
            "443",
        ])
        .current_dir(root())
        .assert()
        .code(3)
        .stdout(predicates::str::contains("tgw-0missing"));
}

#[test]
fn the_same_route_marked_blackhole_is_unreachable_with_bad_state_route() {
    let (_dir, file) = missing_tgw_with_state("blackhole");
    let (code, v) = query_json(&file, &["--from", "eni-0app", "--to", "internet", "--port", "443"]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["verdict"], "unreachable");
    assert_eq!(
        blocked(&v),
        vec![("rtb-0app".to_owned(), String::new(), "0.0.0.0/0".to_owned())]
    );
    assert_eq!(v["blocked"][0]["code"], "BAD_STATE_ROUTE");
}

/// Issue 20's soak network: an interface's packet to its own public address leaves it (through
/// its NAT gateway, then the VPN gateway's default route): `query` asks it like any other
/// question and agrees with `trace` (unknown at the VPN gateway, VGW-5); its own private
/// address or its id still names the same host, which query refuses.
#[test]
fn a_packet_to_the_senders_own_public_address_is_a_question_and_query_agrees_with_trace() {
    let file = "tests/fixtures/regressions/own-public-address-through-a-nat-gateway-and-a-vpn-gateway.toml";
    for cmd in ["query", "trace"] {
        vpcverify()
            .args([cmd, file, "--from", "eni-3", "--to", "54.0.0.13", "--protocol", "all"])
            .current_dir(root())
            .assert()
            .code(3)
            .stdout(predicates::str::contains("vgw-a"))
            .stdout(predicates::str::contains("VGW-5"));
    }
    for to in ["eni-3", "10.0.1.13"] {
        vpcverify()
            .args(["query", file, "--from", "eni-3", "--to", to])
            .current_dir(root())
            .assert()
            .code(2)
            .stderr(predicates::str::contains("same network interface"));
    }
}

// ---------------------------------------------------------------- SG-1a, SG-1b: managed interfaces

/// `merged.json` with one more interface in `subnet-0pub`, shaped as `describe-network-interfaces`
/// prints a Network Load Balancer's: requester-managed, `InterfaceType` `interface_type`, no
/// groups, an `ELB net/…` description and a public address.
fn merged_with_service_interface(interface_type: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("merged.json");
    std::fs::copy(path("tests/fixtures/aws/merged.json"), &file).unwrap();
    let eni = serde_json::json!({
        "Association": { "IpOwnerId": "amazon", "PublicIp": "198.51.100.60" },
        "AvailabilityZone": "us-east-1a",
        "Description": "ELB net/front/0123456789abcdef",
        "Groups": [],
        "InterfaceType": interface_type,
        "Ipv6Addresses": [],
        "NetworkInterfaceId": "eni-0nlb",
        "OwnerId": "111122223333",
        "PrivateIpAddress": "10.20.1.60",
        "PrivateIpAddresses": [{
            "Association": { "IpOwnerId": "amazon", "PublicIp": "198.51.100.60" },
            "Primary": true,
            "PrivateIpAddress": "10.20.1.60"
        }],
        "RequesterId": "amazon-elb",
        "RequesterManaged": true,
        "SourceDestCheck": true,
        "Status": "in-use",
        "SubnetId": "subnet-0pub",
        "TagSet": [],
        "VpcId": "vpc-0a1"
    });
    edit_json(&file, |v| v["NetworkInterfaces"].as_array_mut().unwrap().push(eni));
    (dir, file)
}

#[test]
fn a_network_load_balancer_without_groups_filters_nothing() {
    // SG-1a: before, the interface without groups allowed nothing (exit 1), a wrong proof.
    let (_dir, file) = merged_with_service_interface("network_load_balancer");
    let (code, v) = query_json(&file, &["--from", "eni-0web", "--to", "eni-0nlb", "--port", "443"]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["verdict"], "reachable");
    assert_eq!(v["packet"]["dst_ip"], "10.20.1.60", "{v:#}");
}

#[test]
fn a_requester_managed_interface_of_another_type_without_groups_is_unknown() {
    // SG-1b: how AWS filters there is not settled by the input.
    let (_dir, file) = merged_with_service_interface("lambda");
    let (code, v) = query_json(&file, &["--from", "eni-0web", "--to", "eni-0nlb", "--port", "443"]);
    assert_eq!(code, 3, "{v:#}");
    assert_eq!(v["verdict"], "unknown");
    assert_eq!(v["unknown"][0]["id"], "eni-0nlb", "{v:#}");
}

/// BOUND-2 on a real-shaped snapshot: the moto sample's web group admits ssh from the `office`
/// prefix list, whose entries the snapshot lacks. Only the question whose answer depends on the
/// list is unknown, and it names the list and a packet whose fate depends on it; the others are
/// definite, listing the list as not deciding them where it lay on the way.
#[test]
fn bounded_unknowns_on_the_moto_sample() {
    let moto = path("tests/fixtures/moto-sample");
    let web = "i-39f0d1445034b1351";
    let office = "pl-4153c4e2ed93e04bb";
    let (code, v) = query_json(&moto, &["--from", "internet", "--to", web, "--port", "22"]);
    assert_eq!((code, v["verdict"].as_str()), (3, Some("unknown")), "{v:#}");
    let causes = v["unknown"].as_array().unwrap();
    assert_eq!(causes.len(), 1, "{v:#}");
    assert_eq!(causes[0]["id"], office);
    assert_eq!(causes[0]["example"]["dst_port"], 22, "{v:#}");
    assert_eq!(causes[0]["example"]["dst_ip"], "54.214.44.192", "{v:#}");
    // The same packet traced: unknown at the list, the path shown with the list admitting it.
    let out = vpcverify()
        .args(["trace"])
        .arg(&moto)
        .args(["--from", "internet", "--to", web, "--port", "22", "--format", "json"])
        .output()
        .unwrap();
    let t: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (out.status.code(), t["verdict"].as_str()),
        (Some(3), Some("unknown")),
        "{t:#}"
    );
    assert_eq!(t["unknown"][0]["id"], office, "{t:#}");
    assert!(ids(&t["path"]).contains(&office.to_owned()), "{t:#}");
    // Any port: reachable on 443 without the list, which is named as not deciding it.
    let (code, v) = query_json(&moto, &["--from", "internet", "--to", web]);
    assert_eq!((code, v["verdict"].as_str()), (0, Some("reachable")), "{v:#}");
    assert_eq!(v["bounded"][0]["id"], office, "{v:#}");
    // Port 80: no rule concerns it, list or not.
    let (code, v) = query_json(&moto, &["--from", "internet", "--to", web, "--port", "80"]);
    assert_eq!((code, v["verdict"].as_str()), (1, Some("unreachable")), "{v:#}");
    assert!(v.get("bounded").is_none(), "{v:#}");
}

/// `--color auto` follows the usual conventions (anstream): a pipe is not coloured, unless
/// `CLICOLOR_FORCE` is set; `NO_COLOR` set to anything but the empty string wins over it; an
/// empty `NO_COLOR` is as if unset; `--color always` and `never` override the environment.
#[test]
fn colour_follows_no_color_clicolor_force_and_the_flag() {
    let run = |env: &[(&str, &str)], flag: &str| {
        let mut c = assert_cmd::Command::cargo_bin("vpcverify").unwrap();
        c.env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("CLICOLOR");
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c
            .current_dir(root())
            .args([
                "--color",
                flag,
                "query",
                SEED,
                "--from",
                "internet",
                "--to",
                "web-server",
                "--port",
                "80",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stdout).unwrap().contains('\u{1b}')
    };
    assert!(!run(&[], "auto"), "a pipe is not coloured");
    assert!(run(&[("CLICOLOR_FORCE", "1")], "auto"));
    assert!(!run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], "auto"));
    assert!(
        run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "")], "auto"),
        "an empty NO_COLOR is unset"
    );
    assert!(run(&[("NO_COLOR", "1")], "always"));
    assert!(!run(&[("CLICOLOR_FORCE", "1")], "never"));
}

/// `vpcverify completions SHELL` prints a completion script for that shell (clap_complete) that
/// knows the subcommands and their options; `vpcverify man` prints a roff manual page.
#[test]
fn completions_and_the_manual_page() {
    let out = |args: &[&str]| {
        let o = vpcverify().args(args).output().unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    };
    let bash = out(&["completions", "bash"]);
    assert!(bash.contains("complete -F _vpcverify"), "{bash}");
    assert!(bash.contains("--one-way") && bash.contains("--total-timeout"), "{bash}");
    assert!(out(&["completions", "zsh"]).starts_with("#compdef vpcverify"));
    assert!(out(&["completions", "fish"]).contains("complete -c vpcverify"));
    let man = out(&["man"]);
    assert!(man.contains(".TH vpcverify 1"), "{man}");
    assert!(man.contains("query") && man.contains("check"), "{man}");
    let bad = vpcverify().args(["completions", "cmd.exe"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
