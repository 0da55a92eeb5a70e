//! `vpcverify diff` end to end (issue #14): the acceptance networks, exit codes, formats.

use crate::common::{path, vpcverify};
use serde_json::Value;

fn diff_json(args: &[&str]) -> (Value, i32) {
    let out = vpcverify()
        .arg("diff")
        .args(args)
        .args(["--format", "json"])
        .current_dir(crate::common::root())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let v: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    });
    (v, out.status.code().unwrap())
}

fn flows<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
    v[key].as_array().unwrap()
}

fn pairs(v: &Value, key: &str) -> std::collections::BTreeSet<(String, String)> {
    flows(v, key)
        .iter()
        .map(|f| {
            (
                f["from"].as_str().unwrap().to_owned(),
                f["to"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The seed lab against itself with the public ACL's inbound ephemeral rule (400, tcp
/// 1024-65535) added: every flow reported crosses that rule (on the request or the reply) in
/// AFTER and is dropped by that ACL's default rule in BEFORE; the NAT gateway's replies (the
/// database server's connections out) and the web server's outbound connections are among them;
/// nothing closes, nothing is unknown; exit 1.
#[test]
fn the_public_acls_ephemeral_rule_opens_exactly_its_flows() {
    let (v, code) = diff_json(&["specs/seed-lab.toml", "tests/fixtures/diff/seed-lab-ephemeral.toml"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["verdict"], "changed");
    let changes = v["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0]["id"], "acl-public-acl");
    assert_eq!(changes[0]["change"], "modified");
    assert!(flows(&v, "closed").is_empty());
    assert!(flows(&v, "unknown").is_empty());
    let opened = flows(&v, "opened");
    assert!(!opened.is_empty());
    for f in opened {
        let crosses_400 = f["path"]
            .as_array()
            .unwrap()
            .iter()
            .chain(f["return_path"].as_array().unwrap())
            .any(|h| h["id"] == "acl-public-acl" && h["rule"] == "400" && h["direction"] == "inbound");
        assert!(crosses_400, "{f}");
        assert_eq!(f["blocked"]["id"], "acl-public-acl", "{f}");
        assert_eq!(f["blocked"]["rule"], "*", "{f}");
        assert_eq!(f["changes"], serde_json::json!(["acl-public-acl"]), "{f}");
        assert_eq!(f["protocol"], "tcp", "{f}");
    }
    let p = pairs(&v, "opened");
    for (from, to) in [("db-server", "internet"), ("web-server", "internet")] {
        assert!(p.contains(&(from.to_owned(), to.to_owned())), "{p:?}");
    }
    // Nothing from the internet opens: the rule admits replies and new connections to ephemeral
    // ports, but no security group admits those connections.
    assert!(!p.iter().any(|(f, _)| f == "internet"), "{p:?}");
    // The database server's connections out through the NAT gateway: its 80 and 443, and any
    // port from 1024 (the new rule also admits those requests into the public subnet).
    let db_out: Vec<&str> = opened
        .iter()
        .filter(|f| f["from"] == "db-server" && f["to"] == "internet")
        .map(|f| f["ports"].as_str().unwrap())
        .collect();
    for ports in ["80", "443", "1024-65535"] {
        assert!(db_out.contains(&ports), "{db_out:?}");
    }
}

/// The converse change closes exactly what the rule opened (same class pairs), and a network
/// against itself, every pair asked, changes nothing (exit 0).
#[test]
fn removing_the_rule_closes_what_adding_it_opens_and_a_network_equals_itself() {
    let (fwd, _) = diff_json(&["specs/seed-lab.toml", "tests/fixtures/diff/seed-lab-ephemeral.toml"]);
    let (back, code) = diff_json(&["tests/fixtures/diff/seed-lab-ephemeral.toml", "specs/seed-lab.toml"]);
    assert_eq!(code, 1);
    assert!(flows(&back, "opened").is_empty());
    assert_eq!(pairs(&fwd, "opened"), pairs(&back, "closed"));
    let (same, code) = diff_json(&["specs/seed-lab.toml", "specs/seed-lab.toml", "--all-pairs"]);
    assert_eq!(code, 0, "{same}");
    assert_eq!(same["verdict"], "unchanged");
    assert_eq!(same["pairs"]["asked"], same["pairs"]["total"]);
    assert!(flows(&same, "opened").is_empty() && flows(&same, "closed").is_empty());
    // --fail-on closed: only opened flows, so exit 0.
    let (_, code) = diff_json(&[
        "specs/seed-lab.toml",
        "tests/fixtures/diff/seed-lab-ephemeral.toml",
        "--fail-on",
        "closed",
    ]);
    assert_eq!(code, 0);
}

/// `--from`, `--to`, `--port` narrow the pairs and the packets.
#[test]
fn narrowing_keeps_only_the_asked_flows() {
    let (v, code) = diff_json(&[
        "specs/seed-lab.toml",
        "tests/fixtures/diff/seed-lab-ephemeral.toml",
        "--from",
        "web-server",
        "--to",
        "internet",
        "--protocol",
        "tcp",
        "--port",
        "443",
    ]);
    assert_eq!(code, 1);
    let opened = flows(&v, "opened");
    assert_eq!(opened.len(), 1, "{opened:?}");
    assert_eq!(opened[0]["from"], "web-server");
    assert_eq!(opened[0]["to"], "internet");
    assert_eq!(opened[0]["ports"], "443");
    assert_eq!(opened[0]["packet"]["dst_port"], 443);
}

/// A Terraform plan adding tcp 3306 from 0.0.0.0/0 to the database group (private subnet, no
/// public address): nothing opens from the internet (nothing at all: the subnet's instances
/// already had 3306), and the change concerns only the pairs to the database's class.
#[test]
fn a_plan_opening_3306_on_the_private_database_opens_nothing_from_the_internet() {
    let (v, code) = diff_json(&["tests/fixtures/diff/db-3306.plan.json"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["verdict"], "unchanged");
    assert!(v["before"].as_str().unwrap().ends_with("(prior state)"));
    let changes = v["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["id"], "sg-0f2f2f2f2f2f20012");
    assert_eq!(changes[0]["fields"], serde_json::json!(["ingress"]));
    assert_eq!(changes[0]["scope"], "local");
    assert!(v["pairs"]["asked"].as_u64().unwrap() < v["pairs"]["total"].as_u64().unwrap());
    assert!(flows(&v, "opened").is_empty());
}

/// The same rule on the web server's group (public subnet, public address): internet -> web
/// server tcp 3306 opens, blocked in the prior state by the group, and it breaks VPCV-003; SARIF
/// reports it at the group's definition in the plan.
#[test]
fn the_same_rule_on_the_public_web_server_opens_internet_3306() {
    let (v, code) = diff_json(&["tests/fixtures/diff/web-3306.plan.json"]);
    assert_eq!(code, 1, "{v}");
    let f = flows(&v, "opened")
        .iter()
        .find(|f| f["from"] == "internet" && f["to"] == "web-server")
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(f["protocol"], "tcp");
    assert_eq!(f["ports"], "3306");
    assert_eq!(f["packet"]["dst_port"], 3306);
    assert_eq!(f["packet"]["dst_ip"], "54.175.89.128");
    assert_eq!(f["changes"], serde_json::json!(["sg-0e1e1e1e1e1e10011"]));
    assert_eq!(f["protects"], serde_json::json!(["VPCV-003 (port 3306)"]));
    assert!(f["blocked"]["id"].as_str().is_some(), "{f}");
    let out = vpcverify()
        .args(["diff", "tests/fixtures/diff/web-3306.plan.json", "--format", "sarif"])
        .current_dir(crate::common::root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().all(|r| r["ruleId"] == "VPCV-003"), "{results:?}");
    let r = results
        .iter()
        .find(|r| r["message"]["text"].as_str().unwrap().contains("`web-server`"))
        .unwrap();
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "tests/fixtures/diff/web-3306.plan.json");
    assert!(loc["region"]["startLine"].as_i64().unwrap() > 1, "{loc}");
    // Markdown: the summary table, then the flows folded.
    let out = vpcverify()
        .args(["diff", "tests/fixtures/diff/web-3306.plan.json", "--format", "markdown"])
        .current_dir(crate::common::root())
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(
        md.contains("| **opened** | internet | web-server | tcp | 3306 |"),
        "{md}"
    );
    assert!(
        md.contains("<details><summary>internet -&gt; web-server tcp 3306</summary>"),
        "{md}"
    );
}

/// A plan destroying the NAT gateway (and its route): the database server's connections to the
/// internet close, dropped in the planned network by the main route table (no route).
#[test]
fn a_plan_deleting_the_nat_gateway_reports_the_closed_flows() {
    let (v, code) = diff_json(&["tests/fixtures/diff/no-nat.plan.json"]);
    assert_eq!(code, 1, "{v}");
    assert!(flows(&v, "opened").is_empty(), "{v}");
    let closed = flows(&v, "closed");
    let to_internet: Vec<&Value> = closed
        .iter()
        .filter(|f| f["from"] == "db-server" && f["to"] == "internet")
        .collect();
    let protocols: Vec<&str> = to_internet.iter().map(|f| f["protocol"].as_str().unwrap()).collect();
    for p in ["tcp", "udp", "icmp"] {
        assert!(protocols.contains(&p), "{protocols:?}");
    }
    for f in &to_internet {
        assert!(
            f["path"].as_array().unwrap().iter().any(|h| h["kind"] == "nat-gateway"),
            "{f}"
        );
        assert_eq!(f["blocked"]["kind"], "route-table", "{f}");
    }
    // --fail-on opened: only closed flows, so exit 0.
    let (_, code) = diff_json(&["tests/fixtures/diff/no-nat.plan.json", "--fail-on", "opened"]);
    assert_eq!(code, 0);
}

/// Bad input is an error naming the file (exit 2): one argument that is not a plan, a missing
/// file.
#[test]
fn bad_input_exits_2_naming_the_file() {
    let out = vpcverify()
        .args(["diff", &path("specs/seed-lab.toml").display().to_string()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("seed-lab.toml") && err.contains("not a Terraform plan"),
        "{err}"
    );
    let out = vpcverify()
        .args(["diff", "no-such.json", "also-missing.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such.json"));
}

/// `diff --format json` validates against the published `schemas/diff.json`, which is what the
/// types generate (`vpcverify schema diff`).
#[test]
fn diff_json_validates_against_the_published_schema() {
    let published = std::fs::read_to_string(crate::common::root().join("schemas/diff.json")).unwrap();
    let out = vpcverify().args(["schema", "diff"]).output().unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        published,
        "regenerate schemas/diff.json"
    );
    let schema: Value = serde_json::from_str(&published).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for args in [
        &["specs/seed-lab.toml", "tests/fixtures/diff/seed-lab-ephemeral.toml"][..],
        &["tests/fixtures/diff/no-nat.plan.json"][..],
        &["specs/seed-lab.toml", "specs/seed-lab.toml"][..],
    ] {
        let (doc, _) = diff_json(args);
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{args:?}: {errors:?}");
    }
    // Another version does not validate.
    let (mut doc, _) = diff_json(&["specs/seed-lab.toml", "specs/seed-lab.toml"]);
    doc["schema_version"] = Value::from(99);
    assert!(!validator.is_valid(&doc));
}

/// The moto snapshot against a copy whose security group `web` gains tcp 5432 from 0.0.0.0/0
/// (`tests/fixtures/diff/moto-web-5432/NOTES.md`). The snapshot's prefix list `office` has no
/// entries in the input, and both a route of the private subnet's table (RT-13a) and a rule of
/// `web` (tcp 22 from the list) name it; the flow from the internet to the web instance on 5432
/// relies on neither, so it is opened for sure, as `query` finds (unreachable before, reachable
/// after), blocked in BEFORE by `web`: exit 1, not 3. The pairs whose answer does rest on the list
/// stay unknown, naming it.
#[test]
fn a_flow_that_relies_on_no_unknown_prefix_list_is_opened_for_sure() {
    let (v, code) = diff_json(&["tests/fixtures/moto-sample", "tests/fixtures/diff/moto-web-5432"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["verdict"], "changed");
    let changes = v["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0]["id"], "sg-b7db6b6727ad69af5");
    assert!(flows(&v, "closed").is_empty(), "{v}");
    let opened = flows(&v, "opened");
    assert_eq!(opened.len(), 1, "{opened:?}");
    let f = &opened[0];
    assert_eq!(f["from"], "internet");
    assert_eq!(f["to"], "eni-4e74616edd4b03e99");
    assert_eq!(f["protocol"], "tcp");
    assert_eq!(f["ports"], "5432");
    assert_eq!(f["packet"]["dst_port"], 5432);
    assert_eq!(f["blocked"]["id"], "sg-b7db6b6727ad69af5");
    // Whatever stays unknown rests on the list.
    for u in flows(&v, "unknown") {
        let causes = u["causes"].as_array().unwrap();
        assert!(causes.iter().all(|c| c["id"] == "pl-4153c4e2ed93e04bb"), "{u}");
    }
    // `query` agrees on the flow.
    for (net, verdict) in [
        ("tests/fixtures/moto-sample", "unreachable"),
        ("tests/fixtures/diff/moto-web-5432", "reachable"),
    ] {
        let out = vpcverify()
            .args(["query", net, "--from", "internet", "--to", "eni-4e74616edd4b03e99"])
            .args(["--protocol", "tcp", "--port", "5432", "--format", "json"])
            .current_dir(crate::common::root())
            .output()
            .unwrap();
        let q: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(q["verdict"], verdict, "{net}: {q}");
    }
}

/// The moto snapshot against a copy whose AWS-managed S3 list has one entry changed
/// (`54.231.0.0/16` → `54.232.0.0/16`, `tests/fixtures/diff/moto-s3-list/NOTES.md`): AWS moved
/// addresses in and out of the service. The service is compared at both versions' addresses
/// (DIFF-5): a packet to the new block reaches S3 through the gateway endpoint in AFTER and over
/// the NAT gateway and the internet in BEFORE, so nothing opens or closes, and the simulator
/// agrees (this used to stop with "internal inconsistency"). What stays unknown rests on the
/// customer list `office`, whose entries the snapshot lacks (exit 3, as for every diff of it).
#[test]
fn an_aws_managed_list_changing_its_entries_is_compared_at_both_versions_addresses() {
    let (v, code) = diff_json(&["tests/fixtures/moto-sample", "tests/fixtures/diff/moto-s3-list"]);
    assert_eq!(code, 3, "{v}");
    let changes = v["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0]["id"], "pl-9e44456487c1b857c");
    assert!(flows(&v, "opened").is_empty(), "{v}");
    assert!(flows(&v, "closed").is_empty(), "{v}");
    let unknown = flows(&v, "unknown");
    assert!(!unknown.is_empty(), "{v}");
    for u in unknown {
        let causes = u["causes"].as_array().unwrap();
        assert!(causes.iter().all(|c| c["id"] == "pl-4153c4e2ed93e04bb"), "{u}");
    }
    // The service pair was asked.
    assert!(unknown.iter().any(|u| u["to"] == "service:s3"), "{unknown:?}");
}
