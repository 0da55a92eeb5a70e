//! Issue 24: the built-in pack on Terraform plans, every rule both ways: the network where it
//! fires (with its witness, its breadth and its severity) and the nearest one where it must not
//! (the group open but the interface private; the prefix trusted; the default group without
//! members). Fixtures: `tests/fixtures/terraform/_generate_pack.py`.

use crate::common::*;
use serde_json::Value;

const BASTION: &str = "tests/fixtures/terraform/pack-bastion.plan.json";
const PRIVATE: &str = "tests/fixtures/terraform/pack-private.plan.json";
const DEFAULT: &str = "tests/fixtures/terraform/pack-default.plan.json";
const SEED_PLAN: &str = "tests/fixtures/terraform/seed-lab.plan.json";

fn check_json(args: &[&str]) -> (i32, Value) {
    let out = vpcverify()
        .arg("check")
        .args(args)
        .args(["--format", "json", "--quiet"])
        .env_remove("CI")
        .current_dir(root())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let v = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), v)
}

/// The violated results, by name.
fn violated(v: &Value) -> Vec<&Value> {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "violated")
        .collect()
}

fn names(v: &Value) -> Vec<String> {
    let mut n: Vec<String> = violated(v)
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_owned())
        .collect();
    n.sort();
    n
}

fn find<'a>(v: &'a Value, name: &str) -> &'a Value {
    violated(v)
        .into_iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no violation `{name}` in {:#?}", names(v)))
}

const BASTION_SSH: &str =
    "VPCV-001 no ssh (tcp 22) from the internet to aws_instance.bastion.primary_network_interface_id";
const BASTION_PG: &str =
    "VPCV-003 no postgresql (tcp 5432) from the internet to aws_instance.bastion.primary_network_interface_id";
const BASTION_8080: &str =
    "VPCV-007 no http proxy (tcp 8080) from the internet to aws_instance.bastion.primary_network_interface_id";

#[test]
fn the_bastions_postgres_is_critical_and_its_ssh_is_low_naming_the_office_prefix() {
    let (code, v) = check_json(&[BASTION, "--builtin"]);
    assert_eq!(code, 1);
    let pg = find(&v, BASTION_PG);
    assert_eq!(pg["rule"]["severity"], "critical");
    assert_eq!(pg["exposure"]["world"], true);
    assert_eq!(pg["exposure"]["complete"], true);
    assert_eq!(pg["exposure"]["prefixes"][0], "0.0.0.0/0");
    assert_eq!(pg["verdict"]["packet"]["dst_port"], 5432);
    let ssh = find(&v, BASTION_SSH);
    assert_eq!(ssh["rule"]["severity"], "high");
    assert_eq!(ssh["severity"], "low");
    assert_eq!(ssh["exposure"]["prefixes"], serde_json::json!(["81.2.69.0/24"]));
    assert_eq!(ssh["exposure"]["complete"], true);
    assert_eq!(ssh["exposure"]["summary"], "reachable from 81.2.69.0/24 only");
    // The witness comes from the office and is replayed (a path with the internet gateway).
    let src = ssh["verdict"]["packet"]["src_ip"].as_str().unwrap();
    assert!(src.starts_with("81.2.69."), "{src}");
    assert!(ssh["verdict"]["path"].as_array().unwrap().len() > 2);
    // VPCV-007: the web console on 8080, open to the world: critical.
    let web = find(&v, BASTION_8080);
    assert_eq!(web["severity"], "critical");
    assert_eq!(web["exposure"]["world"], true);
    // VPCV-008: the ports above 443 (5432, 8080) from everywhere; the ports below 80 (22) from
    // the office only.
    let high = find(
        &v,
        "VPCV-008 no unauthorised port (tcp 444-65535) from the internet to aws_instance.bastion.primary_network_interface_id",
    );
    assert_eq!(high["exposure"]["world"], true);
    let low = find(
        &v,
        "VPCV-008 no unauthorised port (tcp 0-79) from the internet to aws_instance.bastion.primary_network_interface_id",
    );
    assert_eq!(low["severity"], "low");
    assert_eq!(low["exposure"]["prefixes"], serde_json::json!(["81.2.69.0/24"]));
}

#[test]
fn the_text_report_says_from_where() {
    let out = vpcverify()
        .args(["check", BASTION, "--builtin", "--builtin-rules", "VPCV-001"])
        .env_remove("CI")
        .current_dir(root())
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("reachable from 81.2.69.0/24 only (severity low)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("reachable from the whole internet (0.0.0.0/0) (severity critical)"),
        "{stderr}"
    );
}

#[test]
fn a_trusted_prefix_never_counts() {
    let (code, v) = check_json(&[BASTION, "--builtin", "--trusted", "81.2.69.0/24"]);
    assert_eq!(code, 1);
    let n = names(&v);
    assert!(!n.iter().any(|x| x == BASTION_SSH), "{n:#?}");
    assert!(n.iter().any(|x| x == BASTION_PG), "{n:#?}");
    let held = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == BASTION_SSH)
        .unwrap();
    assert_eq!(held["status"], "held");
    assert_eq!(held["verdict"]["verdict"], "unreachable");
    let warnings = held["verdict"]["warnings"].to_string();
    assert!(
        warnings.contains("only from trusted prefixes (81.2.69.0/24)"),
        "{warnings}"
    );
    // A trusted /25 covers half the office: the other half still reaches, and is listed.
    let (_, v) = check_json(&[
        BASTION,
        "--builtin",
        "--builtin-rules",
        "VPCV-001",
        "--trusted",
        "81.2.69.0/25",
    ]);
    let ssh = find(&v, BASTION_SSH);
    assert_eq!(ssh["exposure"]["prefixes"], serde_json::json!(["81.2.69.0/24"]));
    let src = ssh["verdict"]["packet"]["src_ip"].as_str().unwrap();
    let last: u8 = src.rsplit('.').next().unwrap().parse().unwrap();
    assert!(last >= 128, "{src} is trusted");
}

#[test]
fn a_suite_and_the_config_file_name_trusted_prefixes() {
    let dir = tempfile::tempdir().unwrap();
    let plan = root().join(BASTION);
    let suite = dir.path().join("office.toml");
    std::fs::write(
        &suite,
        format!(
            "network = {:?}\ntrusted = [\"81.2.69.0/24\"]\n\n[[assert]]\nname = \"no ssh to the bastion\"\nfrom = \"internet\"\nto = \"aws_instance.bastion.primary_network_interface_id\"\nport = 22\nexpect = \"unreachable\"\n",
            plan.display().to_string()
        ),
    )
    .unwrap();
    let out = vpcverify()
        .args(["check", suite.to_str().unwrap(), "--quiet"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    // The same without `trusted` fails, naming the office.
    let text = std::fs::read_to_string(&suite)
        .unwrap()
        .replace("trusted = [\"81.2.69.0/24\"]\n", "");
    std::fs::write(&suite, text).unwrap();
    let out = vpcverify()
        .args(["check", suite.to_str().unwrap()])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("reachable from 81.2.69.0/24 only"));
    // vpcverify.toml's [check] trusted.
    std::fs::write(
        dir.path().join("vpcverify.toml"),
        "[check]\ntrusted = [\"81.2.69.0/24\"]\n",
    )
    .unwrap();
    let out = vpcverify()
        .args(["check", suite.to_str().unwrap(), "--quiet"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    // A bad prefix is an error naming the file and the key.
    std::fs::write(dir.path().join("vpcverify.toml"), "[check]\ntrusted = [\"office\"]\n").unwrap();
    let out = vpcverify()
        .args(["check", suite.to_str().unwrap(), "--quiet"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`office` is not an address block"));
}

#[test]
fn world_open_groups_on_private_interfaces_are_no_internet_finding() {
    let (code, v) = check_json(&[PRIVATE, "--builtin"]);
    // Only the configuration facts, which do not depend on paths: the default group keeps the
    // rules AWS creates it with, the public subnet assigns public addresses, and the plan has no
    // flow log.
    assert_eq!(
        names(&v),
        vec![
            "VPCV-009 default group aws_vpc.main.default_security_group_id of aws_vpc.main has no rules",
            "VPCV-010 subnet aws_subnet.public assigns no public address on launch",
            "VPCV-013 vpc aws_vpc.main has flow logs",
        ]
    );
    assert_eq!(code, 1);
    // The exposure rules were asked of the database server, whose group is open to the world.
    let asked = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["name"]
                .as_str()
                .unwrap()
                .ends_with("to aws_instance.db.primary_network_interface_id (db-server)")
        })
        .count();
    assert!(asked > 20, "{asked}");
}

#[test]
fn the_default_group_rule_fires_between_its_members_and_not_without_members() {
    let (code, v) = check_json(&[DEFAULT, "--builtin", "--builtin-rules", "VPCV-004"]);
    assert_eq!(code, 1);
    let n = names(&v);
    assert_eq!(
        n,
        vec![
            "VPCV-004 nothing from the other interfaces of subnet aws_subnet.private to aws_instance.app1.primary_network_interface_id (app-1) in default group aws_vpc.main.default_security_group_id",
            "VPCV-004 nothing from the other interfaces of subnet aws_subnet.private to aws_instance.app2.primary_network_interface_id (app-2) in default group aws_vpc.main.default_security_group_id",
        ]
    );
    // Each member's witness comes from the other member, through the default group's rule.
    for (r, from) in violated(&v).into_iter().zip(["app2", "app1"]) {
        let path = &r["verdict"]["path"];
        assert_eq!(
            path[0]["id"],
            format!("aws_instance.{from}.primary_network_interface_id"),
            "{path}"
        );
        assert!(
            path.to_string().contains("aws_vpc.main.default_security_group_id"),
            "{path}"
        );
    }
    // The lab's plan: every instance has its own groups; the default group has no member, so
    // there is nothing to ask.
    let (code, v) = check_json(&[SEED_PLAN, "--builtin", "--builtin-rules", "VPCV-004"]);
    assert_eq!(code, 0);
    assert_eq!(v["summary"]["total"], 0);
}

#[test]
fn sarif_results_carry_the_severity_of_their_breadth() {
    let out = vpcverify()
        .args([
            "check",
            BASTION,
            "--builtin",
            "--builtin-rules",
            "VPCV-001",
            "--format",
            "sarif",
        ])
        .env_remove("CI")
        .current_dir(root())
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let office = results
        .iter()
        .find(|r| r["message"]["text"].as_str().unwrap().contains("81.2.69.0/24 only"))
        .unwrap();
    assert_eq!(office["properties"]["security-severity"], "3.9");
    assert_eq!(office["properties"]["exposure"], serde_json::json!(["81.2.69.0/24"]));
    let world = results
        .iter()
        .find(|r| r["message"]["text"].as_str().unwrap().contains("whole internet"))
        .unwrap();
    assert_eq!(world["properties"]["security-severity"], "10.0");
}

#[test]
fn configuration_facts_are_located_at_their_resource_and_hold_where_the_input_complies() {
    let (_, v) = check_json(&[BASTION, "--builtin", "--builtin-rules", "VPCV-009,VPCV-010"]);
    let dg = find(
        &v,
        "VPCV-009 default group aws_vpc.main.default_security_group_id of aws_vpc.main has no rules",
    );
    let fact = dg["fact"].as_str().unwrap();
    assert!(fact.contains("has 1 inbound and 1 outbound rule(s)"), "{fact}");
    assert!(fact.contains("the rules AWS creates it with"), "{fact}");
    // Not written in the plan: located at its VPC.
    let plan = std::fs::read_to_string(root().join(BASTION)).unwrap();
    let line = dg["location"]["line"].as_u64().unwrap() as usize;
    assert!(
        plan.lines().nth(line - 1).unwrap().contains("\"aws_vpc.main\""),
        "line {line}"
    );
    let sub = find(
        &v,
        "VPCV-010 subnet aws_subnet.public assigns no public address on launch",
    );
    assert!(sub["fact"].as_str().unwrap().contains("MapPublicIpOnLaunch"));
    assert!(sub["fingerprint"].as_str().is_some());
    let held: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "held")
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        held,
        vec!["VPCV-010 subnet aws_subnet.private assigns no public address on launch"]
    );
    // A default group adopted with no rules (aws_default_security_group without blocks) holds.
    let dir = tempfile::tempdir().unwrap();
    let mut doc: Value = serde_json::from_str(&plan).unwrap();
    let adopt = serde_json::json!({
        "address": "aws_default_security_group.main", "mode": "managed",
        "type": "aws_default_security_group", "name": "main",
        "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 1,
        "values": {"ingress": [], "egress": [], "revoke_rules_on_delete": false, "tags": null},
        "sensitive_values": {}
    });
    doc["planned_values"]["root_module"]["resources"]
        .as_array_mut()
        .unwrap()
        .push(adopt.clone());
    let change = serde_json::json!({
        "address": "aws_default_security_group.main", "mode": "managed",
        "type": "aws_default_security_group", "name": "main",
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {"actions": ["create"], "before": null, "after": adopt["values"],
                   "after_unknown": {"id": true, "vpc_id": true, "arn": true, "owner_id": true, "name": true,
                                     "description": true},
                   "before_sensitive": false, "after_sensitive": {}}
    });
    doc["resource_changes"].as_array_mut().unwrap().push(change);
    let config = serde_json::json!({
        "address": "aws_default_security_group.main", "mode": "managed",
        "type": "aws_default_security_group", "name": "main", "provider_config_key": "aws",
        "expressions": {"vpc_id": {"references": ["aws_vpc.main.id", "aws_vpc.main"]}}, "schema_version": 1
    });
    doc["configuration"]["root_module"]["resources"]
        .as_array_mut()
        .unwrap()
        .push(config);
    let file = dir.path().join("adopted.plan.json");
    std::fs::write(&file, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let (_, v) = check_json(&[file.to_str().unwrap(), "--builtin", "--builtin-rules", "VPCV-009"]);
    let statuses: Vec<(&str, &str)> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["name"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(statuses.len(), 1, "{statuses:?}");
    assert_eq!(statuses[0].1, "held", "{statuses:?}");
}

/// A copy of a bundled spec, edited, in a temp dir.
fn spec_with(base: &str, edit: impl Fn(String) -> String) -> (tempfile::TempDir, std::path::PathBuf) {
    let text = std::fs::read_to_string(path(base)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("spec.toml");
    let edited = edit(text.clone());
    assert_ne!(edited, text, "the edit changed nothing");
    std::fs::write(&file, edited).unwrap();
    (dir, file)
}

fn status_of<'a>(v: &'a Value, name: &str) -> &'a Value {
    &v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no result `{name}`"))["status"]
}

const NAT_DB_22: &str = "VPCV-011 no egress on an unauthorised port (tcp 0-79) from eni-db-server to the internet";

#[test]
fn egress_from_a_private_subnet_fires_through_a_nat_and_not_when_the_group_allows_443_only() {
    // The NAT-instance stage: DBSG keeps AWS's default egress, the NAT instance's WebDMZ admits
    // tcp 22 from anywhere, so the database server opens ssh to the internet.
    let (code, v) = check_json(&["specs/nat-instance.toml", "--builtin", "--builtin-rules", "VPCV-011"]);
    assert_eq!(code, 1);
    assert_eq!(names(&v), vec![NAT_DB_22]);
    let r = find(&v, NAT_DB_22);
    assert_eq!(r["rule"]["refines"], serde_json::json!(["CKV_AWS_382", "AVD-AWS-0104"]));
    let packet = &r["verdict"]["packet"];
    assert_eq!(packet["src_ip"], "10.0.2.140");
    assert_eq!(packet["dst_port"], 22);
    let path = r["verdict"]["path"].to_string();
    assert!(path.contains("eni-nat-instance"), "{path}");
    assert!(r["verdict"]["return_path"].as_array().unwrap().len() > 1);
    // One private subnet each for the database and the app server: tcp and udp, three ranges.
    assert_eq!(v["summary"]["total"], 12);
    // The nearest network where it must not fire: DBSG's egress limited to tcp 443.
    let (_d, only_443) = spec_with("specs/nat-instance.toml", |t| {
        t.replace(
            "  { protocol = \"tcp\", ports = \"3306\", from = \"10.0.1.0/24\" },\n]",
            "  { protocol = \"tcp\", ports = \"3306\", from = \"10.0.1.0/24\" },\n]\negress = [{ protocol = \"tcp\", ports = \"443\", to = \"0.0.0.0/0\" }]",
        )
    });
    let (code, v) = check_json(&[only_443.to_str().unwrap(), "--builtin", "--builtin-rules", "VPCV-011"]);
    assert_eq!(code, 0, "{:#?}", names(&v));
    assert_eq!(status_of(&v, NAT_DB_22), "held");
    assert_eq!(v["summary"]["total"], 12);
}

#[test]
fn egress_from_the_seed_labs_database_is_stopped_by_the_public_acl() {
    // The lab's database server keeps the default egress and its route goes to the NAT gateway,
    // but the public subnet's ACL (§4.1) admits only tcp 80, 443 and 22 inbound and lets only
    // 80, 443 and 1024-65535 out: no other port leaves. Held, each of its six assertions.
    let (code, v) = check_json(&["specs/seed-lab.toml", "--builtin", "--builtin-rules", "VPCV-011"]);
    assert_eq!(code, 0, "{:#?}", names(&v));
    assert_eq!(v["summary"]["total"], 6);
    assert_eq!(
        status_of(
            &v,
            "VPCV-011 no egress on an unauthorised port (tcp 0-79) from eni-db-server to the internet"
        ),
        "held"
    );
    // On a plan: the bastion network's database server reaches the internet above 443.
    let (code, v) = check_json(&[BASTION, "--builtin", "--builtin-rules", "VPCV-011"]);
    assert_eq!(code, 1);
    let r = find(
        &v,
        "VPCV-011 no egress on an unauthorised port (tcp 444-65535) from aws_instance.db.primary_network_interface_id (db-server) to the internet",
    );
    assert!(r["verdict"]["packet"]["dst_port"].as_u64().unwrap() > 443);
}

const B_TO_A: &str = "VPCV-012 no high-risk port (tcp, EC2.19) from vpc vpc-b to eni-a-host";
const B_TO_C: &str = "VPCV-012 no high-risk port (tcp, EC2.19) from vpc vpc-b to eni-c-host";

/// VPCV-012 over EC2.19's 20 ranges when the peer admits two of them: the ranges its group
/// admits from nothing the host can see are settled on the model (SCREEN-2), the others asked,
/// and the finding lists exactly the two (a screen settling an admitted range would drop one; a
/// wrong bisection would list others).
#[test]
fn lateral_finding_lists_exactly_the_ranges_the_group_admits() {
    let (_d, two) = spec_with("specs/peering.toml", |t| {
        t.replace(
            "[security_group.a-open]\nvpc = \"a\"\ningress = [{ protocol = \"all\", from = \"10.0.0.0/8\" }]",
            "[security_group.a-open]\nvpc = \"a\"\ningress = [\n  { protocol = \"tcp\", ports = \"3306\", from = \"10.0.0.0/8\" },\n  \
             { protocol = \"tcp\", ports = \"8080-8081\", from = \"10.2.0.0/16\" },\n  \
             { protocol = \"udp\", ports = \"20-9300\", from = \"10.0.0.0/8\" },\n]",
        )
    });
    let (code, v) = check_json(&[two.to_str().unwrap(), "--builtin", "--builtin-rules", "VPCV-012"]);
    assert_eq!(code, 1);
    let r = find(&v, B_TO_A);
    assert_eq!(r["note"], "reachable on tcp 3306, 8080", "{r:#}");
    let port = r["verdict"]["packet"]["dst_port"].as_u64().unwrap();
    assert_eq!(port, 3306);
    assert_eq!(status_of(&v, B_TO_C), "held");
}

#[test]
fn lateral_high_risk_ports_from_a_peered_vpc_fire_and_not_without_the_route_or_through_the_hub() {
    let (code, v) = check_json(&["specs/peering.toml", "--builtin", "--builtin-rules", "VPCV-012"]);
    assert_eq!(code, 1);
    let r = find(&v, B_TO_A);
    let packet = &r["verdict"]["packet"];
    assert_eq!(packet["src_ip"], "10.2.1.10");
    assert_eq!(packet["dst_ip"], "10.1.1.10");
    let port = packet["dst_port"].as_u64().unwrap();
    assert!((20..=23).contains(&port), "{port}");
    // One finding for the pair, listing every range of EC2.19's ports that gets through (A's
    // group admits everything from 10.0.0.0/8: all 20).
    let note = r["note"].as_str().unwrap();
    assert!(note.starts_with("reachable on tcp 20-23, 25, 110, "), "{note}");
    assert!(note.ends_with(", 9200, 9300"), "{note}");
    assert_eq!(note.matches(", ").count(), 19, "{note}");
    assert!(
        r["verdict"]["path"].to_string().contains("pcx-a-b"),
        "{}",
        r["verdict"]["path"]
    );
    // B routes C's block over the A <-> B peering, so C is asked about, but peering is not
    // transitive: held.
    assert_eq!(status_of(&v, B_TO_C), "held");
    // Each host has two neighbouring VPCs: one assertion each, over EC2.19's 20 port ranges.
    assert_eq!(v["summary"]["total"], 3 * 2);
    assert_eq!(violated(&v).len(), 4);
    // The peer's routes toward A removed: B is no neighbour of A, nothing asked from it.
    let (_d, no_route) = spec_with("specs/peering.toml", |t| {
        t.replace("  { destination = \"10.1.0.0/16\", target = \"a-b\" },\n", "")
    });
    let (_, v) = check_json(&[no_route.to_str().unwrap(), "--builtin", "--builtin-rules", "VPCV-012"]);
    assert!(
        !v["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["name"].as_str().unwrap().contains("from vpc vpc-b to eni-a-host")),
        "{:#?}",
        names(&v)
    );
    // A's group closed to other VPCs: asked, and held.
    let (_d, closed) = spec_with("specs/peering.toml", |t| {
        t.replace(
            "[security_group.a-open]\nvpc = \"a\"\ningress = [{ protocol = \"all\", from = \"10.0.0.0/8\" }]",
            "[security_group.a-open]\nvpc = \"a\"\ningress = [{ protocol = \"all\", from = \"10.1.0.0/16\" }]",
        )
    });
    let (_, v) = check_json(&[closed.to_str().unwrap(), "--builtin", "--builtin-rules", "VPCV-012"]);
    assert_eq!(status_of(&v, B_TO_A), "held");
    assert!(
        !names(&v).iter().any(|n| n.ends_with("to eni-a-host")),
        "{:#?}",
        names(&v)
    );
}

#[test]
fn lateral_through_a_transit_gateway_fires_from_the_shared_vpc_and_not_between_isolated_spokes() {
    let (code, v) = check_json(&["specs/transit-gateway.toml", "--builtin", "--builtin-rules", "VPCV-012"]);
    assert_eq!(code, 1);
    let r = find(
        &v,
        "VPCV-012 no high-risk port (tcp, EC2.19) from vpc vpc-spoke-a to eni-shared-host",
    );
    // The witness is on the first range that gets through; the finding lists all 20.
    let port = r["verdict"]["packet"]["dst_port"].as_u64().unwrap();
    assert!((20..=23).contains(&port), "{port}");
    let note = r["note"].as_str().unwrap();
    assert!(note.contains(", 3389, "), "{note}");
    assert_eq!(note.matches(", ").count(), 19, "{note}");
    assert!(
        r["verdict"]["path"].to_string().contains("tgw-hub"),
        "{}",
        r["verdict"]["path"]
    );
    // Every main route table sends 10.0.0.0/8 to the hub, so the spokes are asked about each
    // other: held, the spokes' transit gateway route table has no route between them.
    assert_eq!(
        status_of(
            &v,
            "VPCV-012 no high-risk port (tcp, EC2.19) from vpc vpc-spoke-a to eni-spoke-b-host"
        ),
        "held"
    );
    // spoke-a's far zone has no attachment subnet: held from the shared VPC too.
    assert_eq!(
        status_of(
            &v,
            "VPCV-012 no high-risk port (tcp, EC2.19) from vpc vpc-shared to eni-spoke-a-far"
        ),
        "held"
    );
    // Four hosts, two neighbouring VPCs each: one assertion per pair.
    assert_eq!(v["summary"]["total"], 4 * 2);
    assert_eq!(violated(&v).len(), 4);
}

const FLOWLOGS: &str = "tests/fixtures/terraform/pack-flowlogs.plan.json";
const MAIN_FLOW: &str = "VPCV-013 vpc aws_vpc.main has flow logs";
const AUDIT_FLOW: &str = "VPCV-013 vpc aws_vpc.audit has flow logs";

#[test]
fn flow_logs_hold_where_rejects_are_logged_and_fire_where_only_accepts_or_a_subnet_are() {
    let (code, v) = check_json(&[FLOWLOGS, "--builtin", "--builtin-rules", "VPCV-013"]);
    assert_eq!(code, 1);
    assert_eq!(v["summary"]["total"], 2);
    assert_eq!(status_of(&v, MAIN_FLOW), "held");
    let audit = find(&v, AUDIT_FLOW);
    let fact = audit["fact"].as_str().unwrap();
    assert!(
        fact.starts_with("aws_vpc.audit has no active flow log capturing rejected traffic (ALL or REJECT)"),
        "{fact}"
    );
    assert!(
        fact.contains("aws_flow_log.audit_accept captures ACCEPT only"),
        "{fact}"
    );
    assert!(fact.contains("1 flow log(s) on its subnets or interfaces"), "{fact}");
    assert_eq!(audit["rule"]["severity"], "medium");
    // Located at the VPC's address in the plan.
    let line = audit["location"]["line"].as_u64().unwrap() as usize;
    let plan = std::fs::read_to_string(path(FLOWLOGS)).unwrap();
    assert!(
        plan.lines().nth(line - 1).unwrap().contains("\"aws_vpc.audit\""),
        "line {line}"
    );
    // The nearest plan where it must not fire: the audit VPC's log captures ALL.
    let dir = tempfile::tempdir().unwrap();
    let all = dir.path().join("all.plan.json");
    std::fs::write(&all, plan.replace("\"ACCEPT\"", "\"ALL\"")).unwrap();
    let (code, v) = check_json(&[all.to_str().unwrap(), "--builtin", "--builtin-rules", "VPCV-013"]);
    assert_eq!(code, 0, "{:#?}", names(&v));
    assert_eq!(status_of(&v, AUDIT_FLOW), "held");
    // A plan without any flow log: every VPC fires (the plan lists its flow logs whole).
    let (code, v) = check_json(&[SEED_PLAN, "--builtin", "--builtin-rules", "VPCV-013"]);
    assert_eq!(code, 1);
    assert_eq!(names(&v), vec![MAIN_FLOW.to_owned()]);
}

const MOTO: &str = "tests/fixtures/moto-sample";

#[test]
fn flow_logs_of_a_snapshot_are_read_and_a_snapshot_without_them_leaves_the_rule_unknown() {
    // moto-sample has no `describe-flow-logs` output: not a finding, unknown with the reason.
    let (code, v) = check_json(&[MOTO, "--builtin", "--builtin-rules", "VPCV-013"]);
    assert_eq!(code, 3);
    let results = v["results"].as_array().unwrap();
    // Three VPCs in describe-vpcs.json, one more in the AWS CLI's cli-describe-vpcs.json.
    assert_eq!(results.len(), 4);
    for r in results {
        assert_eq!(r["status"], "unknown", "{r:#}");
        assert!(
            r["fact"]
                .as_str()
                .unwrap()
                .contains("the input does not list flow logs"),
            "{r:#}"
        );
    }
    // moto's output beside it (tests/fixtures/flow-logs): prod logs REJECT, held; the other VPC
    // logs ACCEPT only, the default VPC and the CLI's VPC nothing: those fire.
    let dir = copy_fixture_dir(MOTO);
    std::fs::copy(
        path("tests/fixtures/flow-logs/describe-flow-logs.json"),
        dir.path().join("describe-flow-logs.json"),
    )
    .unwrap();
    let (code, v) = check_json(&[dir.path().to_str().unwrap(), "--builtin", "--builtin-rules", "VPCV-013"]);
    assert_eq!(code, 1);
    assert_eq!(
        status_of(&v, "VPCV-013 vpc vpc-c09e3741728414933 has flow logs"),
        "held"
    );
    assert_eq!(
        names(&v),
        vec![
            "VPCV-013 vpc vpc-00c9cabab3901c50f has flow logs".to_owned(),
            "VPCV-013 vpc vpc-9175f052abf6362d5 has flow logs".to_owned(),
            "VPCV-013 vpc vpc-e84fc6abb0e64af91 has flow logs".to_owned(),
        ]
    );
    let other = find(&v, "VPCV-013 vpc vpc-9175f052abf6362d5 has flow logs");
    assert!(
        other["fact"]
            .as_str()
            .unwrap()
            .contains("fl-8702e929c94d8150e captures ACCEPT only"),
        "{other:#}"
    );
    // A traffic type AWS does not have: a clear error naming the flow log, exit 2.
    let file = dir.path().join("describe-flow-logs.json");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("\"REJECT\"", "\"REJECTED\"")).unwrap();
    let out = vpcverify()
        .args(["lint", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(all.contains("fl-e54b66d89f715bdbe"), "{all}");
    assert!(all.contains("`TrafficType` is `REJECTED`"), "{all}");
}

/// PACK-1: the pack asks each question once per class of alike interfaces. On generated estates
/// (public, private and data tiers, groups of about 20 rules in random combinations, peering) the
/// grouped plan gives every assertion the status, severity and exposure the per-interface plan
/// gives it; a grouping that ignores the security groups (every interface of a subnet alike) is
/// caught by the same comparison, once a group of some public interfaces is opened to the world.
/// VPCV-004's questions are grouped too (by member; from the member's own subnet, by member alike
/// as a destination and as a source) and compared the same way.
#[test]
fn the_grouped_plan_gives_the_findings_of_the_per_interface_plan() {
    use crate::synth_estate::estate;
    use vpcverify::check::{Report, RunOptions, Status, Suite};
    use vpcverify::model::NetworkIndex;
    for (enis, seed) in [(40, 5)] {
        let snapshot = estate::generate(&estate::Spec::new(enis, seed)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        snapshot.write(dir.path()).unwrap();
        // Open mysql (tcp 3306, which the public ACL admits) to the world on a group that some
        // but not all of the public interfaces of one subnet carry: their findings differ.
        let read =
            |f: &str| -> Value { serde_json::from_str(&std::fs::read_to_string(dir.path().join(f)).unwrap()).unwrap() };
        let listed = read("describe-network-interfaces.json");
        let public: Vec<&Value> = listed["NetworkInterfaces"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e.get("Association").is_some())
            .collect();
        let groups_of = |e: &Value| -> Vec<String> {
            e["Groups"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| g["GroupId"].as_str().unwrap().to_owned())
                .collect()
        };
        let opened = public
            .iter()
            .flat_map(|e| groups_of(e).into_iter().map(move |g| (e["SubnetId"].clone(), g)))
            .find(|(subnet, g)| {
                public
                    .iter()
                    .any(|o| o["SubnetId"] == *subnet && !groups_of(o).contains(g))
            })
            .map(|(_, g)| g)
            .expect("a public subnet whose interfaces carry different groups");
        let mut sgs = read("describe-security-groups.json");
        let group = sgs["SecurityGroups"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|g| g["GroupId"] == opened.as_str())
            .unwrap();
        group["IpPermissions"].as_array_mut().unwrap().push(serde_json::json!({
            "IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306,
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []
        }));
        std::fs::write(
            dir.path().join("describe-security-groups.json"),
            serde_json::to_string(&sgs).unwrap(),
        )
        .unwrap();
        // Two interfaces of the busiest private subnet join their VPC's default group: VPCV-004
        // then asks of each from each of its neighbours.
        let mut listed_enis = read("describe-network-interfaces.json");
        let list = listed_enis["NetworkInterfaces"].as_array_mut().unwrap();
        let mut per_subnet: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
        for e in list
            .iter()
            .filter(|e| e.get("Association").is_none() && e["InterfaceType"] == "interface")
        {
            *per_subnet
                .entry(e["SubnetId"].as_str().unwrap().to_owned())
                .or_insert(0) += 1;
        }
        let (busiest, n) = per_subnet.iter().max_by_key(|(_, n)| **n).unwrap();
        assert!(*n >= 3, "{per_subnet:?}");
        for e in list
            .iter_mut()
            .filter(|e| e["SubnetId"] == busiest.as_str() && e["InterfaceType"] == "interface")
            .take(2)
        {
            let default = sgs["SecurityGroups"]
                .as_array()
                .unwrap()
                .iter()
                .find(|g| g["GroupName"] == "default" && g["VpcId"] == e["VpcId"])
                .unwrap()["GroupId"]
                .clone();
            e["Groups"]
                .as_array_mut()
                .unwrap()
                .push(serde_json::json!({"GroupId": default, "GroupName": "default"}));
        }
        std::fs::write(
            dir.path().join("describe-network-interfaces.json"),
            serde_json::to_string(&listed_enis).unwrap(),
        )
        .unwrap();
        let net = vpcverify::ingest::load(dir.path()).unwrap().network;
        let ix = NetworkIndex::new(&net);
        let run = |suite: Suite| -> Report {
            vpcverify::check::run::run(&net, &ix, suite, "estate", &RunOptions::default(), &|_, _| ()).unwrap()
        };
        let outcome = |r: &Report| -> Vec<(String, Status, Option<String>, Option<String>)> {
            r.pairs()
                .map(|(a, x)| {
                    (
                        a.name.clone(),
                        x.status,
                        x.severity.map(|s| s.as_str().to_owned()),
                        x.exposure.as_ref().map(|e| {
                            // From where, in any order (the witness is the asked interface's);
                            // a search the bound cut short finds the solver's choice of regions
                            // (run to run), so then only whether the whole internet reaches.
                            let mut p: Vec<String> = e.prefixes.iter().map(ToString::to_string).collect();
                            let mut h: Vec<String> = e.holes.iter().map(ToString::to_string).collect();
                            p.sort();
                            h.sort();
                            if e.complete {
                                format!("{p:?} minus {h:?}")
                            } else {
                                format!("incomplete, world {}", e.prefixes.iter().any(|c| c.prefix_len() == 0))
                            }
                        }),
                    )
                })
                .collect()
        };
        let mut grouped = vpcverify::check::builtin::suite(&net, &ix, "estate");
        // The rules asked per interface (the others are the same in both plans), but VPCV-012,
        // whose questions from a whole VPC take minutes in a debug build.
        grouped
            .assertions
            .retain(|a| a.alike.is_some() && !a.name.starts_with("VPCV-012"));
        let classes: std::collections::BTreeSet<u32> = grouped.assertions.iter().filter_map(|a| a.alike).collect();
        let classed = grouped.assertions.iter().filter(|a| a.alike.is_some()).count();
        eprintln!(
            "estate {enis}/{seed}: {} classes for {classed} assertions",
            classes.len()
        );
        assert!(
            classes.len() * 3 < classed * 2,
            "{} classes for {classed} assertions",
            classes.len()
        );
        let mut per_interface = grouped.clone();
        for a in &mut per_interface.assertions {
            a.alike = None;
        }
        let mut wrong = grouped.clone();
        let mut keys = std::collections::HashMap::new();
        for a in &mut wrong.assertions {
            // Wrong on purpose: the rule, the packets asked and the subnet, not the groups.
            let e = if a.to == "internet" { &a.from } else { &a.to };
            let subnet = net
                .network_interfaces
                .get(&vpcverify::model::NetworkInterfaceId::new(e.as_str()))
                .map(|e| e.subnet.clone());
            let key = format!("{} {:?} {:?} {subnet:?}", a.rule, a.protocol, a.port);
            let next = u32::try_from(keys.len()).unwrap();
            a.alike = Some(*keys.entry(key).or_insert(next));
        }
        // VPCV-004's questions are in the comparison, those from the member's own subnet too.
        let own = grouped
            .assertions
            .iter()
            .filter(|a| a.name.starts_with("VPCV-004 nothing from the other interfaces"))
            .count();
        assert!(own > 0, "the estate has no default group member with neighbours");
        let expected = outcome(&run(per_interface));
        let got = outcome(&run(grouped));
        let violated = expected.iter().filter(|o| o.1 == Status::Violated).count();
        assert!(violated > 0, "the estate has no finding to compare");
        assert!(expected.iter().any(|o| o.1 == Status::Held));
        for (e, g) in expected.iter().zip(got.iter()) {
            assert_eq!(e, g, "estate {enis}/{seed}: the grouped plan differs");
        }
        assert_eq!(expected.len(), got.len());
        let wrongly = outcome(&run(wrong));
        assert_ne!(
            expected, wrongly,
            "estate {enis}/{seed}: a grouping by subnet alone went unnoticed"
        );
    }
}

/// A copy of the moto sample with `describe-vpc-endpoints.json` rewritten by `edit`.
fn moto_copy(edit: impl FnOnce(&mut Value)) -> tempfile::TempDir {
    let dir = copy_fixture_dir("tests/fixtures/moto-sample");
    edit_json(&dir.path().join("describe-vpc-endpoints.json"), edit);
    dir
}

const MOTO_VPC: &str = "vpc-c09e3741728414933";

#[test]
fn vpc_endpoint_rules_hold_where_the_endpoint_is_available_and_fire_where_it_is_not() {
    let ssm = format!("VPCV-015 vpc {MOTO_VPC} has an endpoint for AWS Systems Manager (ssm)");
    let ecr = format!("VPCV-015 vpc {MOTO_VPC} has an endpoint for the Amazon ECR API (ecr.api)");
    let ec2 = format!("VPCV-014 vpc {MOTO_VPC} has an endpoint for the Amazon EC2 API (ec2)");
    // As moto wrote it: an available ssm interface endpoint (and an S3 gateway endpoint).
    let dir = moto_copy(|_| {});
    let net = dir.path().to_str().unwrap();
    let (code, v) = check_json(&[net, "--builtin", "--builtin-rules", "VPCV-014,VPCV-015"]);
    assert_eq!(code, 1);
    assert_eq!(status_of(&v, &ssm), "held");
    assert_eq!(status_of(&v, &ecr), "violated");
    assert_eq!(status_of(&v, &ec2), "violated");
    let at = find(&v, &ecr)["location"].to_string();
    assert!(at.contains("describe-vpcs.json"), "{at}");
    // The same endpoint deleted: the ssm control fires too.
    let dir = moto_copy(|v| {
        for e in v["VpcEndpoints"].as_array_mut().unwrap() {
            if e["ServiceName"] == "com.amazonaws.us-east-1.ssm" {
                e["State"] = "deleted".into();
            }
        }
    });
    let (_, v) = check_json(&[dir.path().to_str().unwrap(), "--builtin", "--builtin-rules", "VPCV-015"]);
    assert_eq!(status_of(&v, &ssm), "violated");
    // Opt-in: the default pack does not ask them.
    let (_, v) = check_json(&[net, "--builtin"]);
    let asked = v["results"].as_array().unwrap();
    assert!(!asked.is_empty());
    assert!(
        asked
            .iter()
            .all(|r| !r["name"].as_str().unwrap().starts_with("VPCV-014")
                && !r["name"].as_str().unwrap().starts_with("VPCV-015"))
    );
    // A spec never lists endpoints: not decided, exit 3.
    let (code, v) = check_json(&[
        "specs/seed-lab.toml",
        "--builtin",
        "--builtin-rules",
        "VPCV-014,VPCV-015",
    ]);
    assert_eq!(code, 3);
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    assert!(results.iter().all(|r| r["status"] == "unknown"), "{results:#?}");
}

/// SOLVE-9: a question asked for its verdict alone (the pack's wider questions, and its
/// assertions until one does not hold) gets the verdict it gets explained, without blocking
/// entries when unreachable; a reachable one keeps its witness. Asked of a sample of the pack's
/// questions on a generated estate (every rule, interfaces of every tier).
#[test]
fn a_verdict_asked_alone_is_the_explained_verdict() {
    use crate::synth_estate::estate;
    use vpcverify::model::NetworkIndex;
    use vpcverify::query::VerdictKind;
    let snapshot = estate::generate(&estate::Spec::new(40, 5)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    snapshot.write(dir.path()).unwrap();
    let net = vpcverify::ingest::load(dir.path()).unwrap().network;
    let ix = NetworkIndex::new(&net);
    let suite = vpcverify::check::builtin::suite(&net, &ix, "estate");
    let asked: Vec<_> = suite
        .assertions
        .iter()
        .filter(|a| a.fact.is_none() && a.more_ports.is_empty())
        .step_by(23)
        .collect();
    assert!(asked.len() > 30, "{}", asked.len());
    let mut kinds = std::collections::BTreeMap::new();
    for a in asked {
        let spec = a.query_spec(false, None);
        let explained = vpcverify::query::waypoint::run(&net, &ix, &spec).unwrap().verdict;
        let alone = vpcverify::query::engine::verdict_only(|| vpcverify::query::waypoint::run(&net, &ix, &spec))
            .unwrap()
            .verdict;
        assert_eq!(alone.verdict, explained.verdict, "{}", a.name);
        *kinds.entry(format!("{:?}", explained.verdict)).or_insert(0) += 1;
        match explained.verdict {
            VerdictKind::Unreachable => {
                assert!(!explained.blocked.is_empty(), "{}", a.name);
                // Only the drops that end a path, without example packets.
                assert!(
                    alone.blocked.len() <= explained.blocked.len(),
                    "{}: {:?}",
                    a.name,
                    alone.blocked
                );
            }
            VerdictKind::Reachable => assert!(alone.packet.is_some() && alone.path.is_some(), "{}", a.name),
            VerdictKind::Unknown => assert_eq!(alone.unknown, explained.unknown, "{}", a.name),
        }
    }
    // Both verdicts are in the sample.
    assert!(kinds.len() >= 2, "{kinds:?}");
}
