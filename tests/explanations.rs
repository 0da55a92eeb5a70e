//! Issue #13: explanations an engineer can act on. The drop map of the seed lab's range query
//! (both cells, their rules and example packets, the partial path); and no unreachable verdict
//! explains nothing, on every bundled spec and real-shaped fixture, with every "no interface
//! holds the address" message checked against the model.

use crate::common::{path, vpcverify};
use serde_json::Value;
use std::net::IpAddr;
use vpcverify::ingest;
use vpcverify::model::*;
use vpcverify::query::VerdictKind;
use vpcverify::query::dropmap::attach;
use vpcverify::query::engine::{self, ProtocolChoice, QueryError, QuerySpec};

#[test]
fn the_seed_lab_range_query_lists_both_cells_with_rules_examples_and_the_path() {
    let out = vpcverify()
        .args([
            "query",
            "specs/seed-lab.toml",
            "--from",
            "web-server",
            "--to",
            "db-server",
        ])
        .args(["--one-way", "--port", "1000-1100", "--format", "json"])
        .current_dir(path(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let cells = v["drop_map"].as_array().unwrap();
    assert_eq!(cells.len(), 2, "{cells:#?}");
    let acl = &cells[0];
    assert_eq!(acl["class"]["dst_ports"], "1000-1023");
    assert_eq!(acl["class"]["protocol"], "tcp");
    assert_eq!(acl["blocked"]["id"], "acl-public-acl");
    assert_eq!(acl["blocked"]["direction"], "outbound");
    assert_eq!(acl["blocked"]["rule"], "*");
    assert_eq!(acl["blocked"]["code"], "SUBNET_ACL_RESTRICTION");
    let port = acl["example"]["dst_port"].as_u64().unwrap();
    assert!((1000..=1023).contains(&port));
    // The path up to the drop: the packet leaves the host and its group, and is routed; the
    // ACL drops it.
    let hops: Vec<&str> = acl["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect();
    assert_eq!(hops, ["eni-web-server", "sg-WebDMZ", "rtb-public-rt"]);
    let sg = &cells[1];
    assert_eq!(sg["class"]["dst_ports"], "1024-1100");
    assert_eq!(sg["blocked"]["id"], "sg-DBSG");
    assert_eq!(sg["blocked"]["direction"], "inbound");
    assert_eq!(sg["blocked"]["code"], "ENI_SG_RULES_MISMATCH");
    let port = sg["example"]["dst_port"].as_u64().unwrap();
    assert!((1024..=1100).contains(&port));
    let hops = sg["path"].as_array().unwrap();
    assert_eq!(hops.last().unwrap()["id"], "acl-lab-default");
    // Both blockers are in the `blocked` list; the verdict shows the main cell's partial path
    // (the packet that got farthest: the one the security group drops).
    let blocked: Vec<&str> = v["blocked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert!(
        blocked.contains(&"acl-public-acl") && blocked.contains(&"sg-DBSG"),
        "{blocked:?}"
    );
    assert_eq!(v["packet"], sg["example"]);
    assert_eq!(v["path"], sg["path"]);
    assert!(v.get("drop_map_incomplete").is_none());
    // The text groups it readably.
    let out = vpcverify()
        .args([
            "query",
            "specs/seed-lab.toml",
            "--from",
            "web-server",
            "--to",
            "db-server",
        ])
        .args(["--one-way", "--port", "1000-1100"])
        .current_dir(path(""))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("\n  tcp 1000-1023: acl-public-acl network-acl outbound, rule *:"),
        "{text}"
    );
    assert!(
        text.contains("\n  tcp 1024-1100: sg-DBSG security-group inbound, rule sg-DBSG:"),
        "{text}"
    );
}

#[test]
fn the_bound_on_cells_is_said() {
    let out = vpcverify()
        .args([
            "query",
            "specs/seed-lab.toml",
            "--from",
            "web-server",
            "--to",
            "db-server",
        ])
        .args([
            "--one-way",
            "--port",
            "1000-1100",
            "--max-cells",
            "1",
            "--format",
            "json",
        ])
        .current_dir(path(""))
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["drop_map"].as_array().unwrap().len(), 1);
    assert!(v["drop_map_incomplete"].as_str().unwrap().contains("1 cells"));
}

#[test]
fn explain_shows_what_a_reachable_question_drops() {
    // Ports 20-25 from the internet to the web server: 22 gets through, the rest do not.
    let out = vpcverify()
        .args([
            "query",
            "specs/seed-lab.toml",
            "--from",
            "internet",
            "--to",
            "web-server",
        ])
        .args(["--port", "20-25", "--explain", "--format", "json"])
        .current_dir(path(""))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["packet"]["dst_port"], 22);
    let cells = v["drop_map"].as_array().unwrap();
    let ports: Vec<&str> = cells
        .iter()
        .map(|c| c["class"]["dst_ports"].as_str().unwrap())
        .collect();
    assert!(ports.contains(&"20-21") && ports.contains(&"23-25"), "{ports:?}");
    assert!(cells.iter().all(|c| c["example"]["dst_port"] != 22));
}

/// The bundled networks: specs and real-shaped fixtures (moto, AWS, Terraform, on-premises).
fn bundled() -> Vec<std::path::PathBuf> {
    let mut out: Vec<std::path::PathBuf> = std::fs::read_dir(path("specs"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    for rel in [
        "tests/fixtures/aws/merged.json",
        "tests/fixtures/moto-sample",
        "tests/fixtures/moto-elb",
        "tests/fixtures/moto-tgw",
        "tests/fixtures/moto-vpn",
        "tests/fixtures/onprem/snapshot.json",
        "tests/fixtures/terraform/seed-lab.plan.json",
        "tests/fixtures/terraform/tgw.plan.json",
        "tests/fixtures/terraform/vpn.state.json",
        "tests/fixtures/terraform/elb.plan.json",
    ] {
        out.push(path(rel));
    }
    out.sort();
    out
}

/// Endpoints worth asking about: the internet, instances' interfaces, their private and public
/// addresses.
fn endpoints(net: &Network) -> Vec<String> {
    let mut out = vec!["internet".to_owned()];
    let hosts: Vec<&NetworkInterface> = net
        .network_interfaces
        .values()
        .filter(|e| e.interface_type == "interface" && !e.requester_managed)
        .take(3)
        .collect();
    for e in &hosts {
        out.push(e.id.to_string());
    }
    if let Some(e) = hosts.first() {
        out.extend(e.private_addresses().take(1).map(|a| a.to_string()));
        out.extend(e.public_addresses().take(1).map(|a| a.to_string()));
    }
    out
}

#[test]
fn no_unreachable_verdict_on_a_bundled_network_explains_nothing() {
    let mut asked = 0;
    let mut unreachable = 0;
    let mut left_out = 0;
    for file in bundled() {
        let loaded = ingest::load(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let net = loaded.network;
        let ix = NetworkIndex::new(&net);
        let ends = endpoints(&net);
        for from in &ends {
            for to in &ends {
                if from == to {
                    continue;
                }
                for one_way in [false, true] {
                    let spec = QuerySpec {
                        from: from.clone(),
                        to: to.clone(),
                        protocol: ProtocolChoice::One(proto::TCP),
                        port: None,
                        src_port: None,
                        one_way,
                        want_proof: false,
                        budget: None,
                        through: Vec::new(),
                        avoid: Vec::new(),
                    };
                    let mut r = match engine::run(&net, &ix, &spec) {
                        Ok(r) => r,
                        Err(QueryError::Inconsistent(why)) => panic!("{}: {spec:?}: {why}", file.display()),
                        Err(_) => continue,
                    };
                    asked += 1;
                    attach(&net, &ix, &spec, &mut r.verdict, 3, false)
                        .unwrap_or_else(|e| panic!("{}: {spec:?}: {e}", file.display()));
                    let v = &r.verdict;
                    for w in v.warnings.iter().filter(|w| w.contains("drop map left out")) {
                        left_out += 1;
                        assert!(
                            w.contains("`nat-4eab9d483b5a9bfd0` (inbound, rule NGW-3)") && w.contains("rule RT-5"),
                            "{}: {from} -> {to}: {w}",
                            file.display()
                        );
                    }
                    if v.verdict != VerdictKind::Unreachable {
                        continue;
                    }
                    unreachable += 1;
                    assert!(
                        !v.blocked.is_empty()
                            && v.blocked
                                .iter()
                                .all(|b| !b.id.is_empty() && !b.rule.is_empty() && !b.reason.is_empty()),
                        "{}: {from} -> {to} (one-way {one_way}) is unreachable and explains nothing: {v:#?}",
                        file.display()
                    );
                    // "No interface holds the address" is checked against the model.
                    for c in v
                        .drop_map
                        .iter()
                        .filter(|c| c.blocked.code == "NO_POSSIBLE_DESTINATION")
                    {
                        let dst: IpAddr = c.example.dst_ip;
                        let holder = net
                            .network_interfaces
                            .values()
                            .find(|e| e.subnet.as_str() == c.blocked.id && e.private_addresses().any(|a| a == dst));
                        assert!(
                            holder.is_none(),
                            "{}: {from} -> {to}: `{}` says no interface holds {dst}, but `{}` does",
                            file.display(),
                            c.blocked.id,
                            holder.map(|h| h.id.to_string()).unwrap_or_default()
                        );
                    }
                }
            }
        }
    }
    // The sweep asks real questions, many of them unreachable. Cells are left out (with a note)
    // only for one known disagreement on where a packet dies first, asserted above for each:
    // moto's NAT gateway whose private address lies in no subnet (a request to its Elastic IP:
    // NGW-3 in the SMT engine, RT-5 in the simulator).
    assert!(
        asked > 200 && unreachable > 50,
        "asked {asked}, unreachable {unreachable}, {left_out} with cells left out"
    );
}
