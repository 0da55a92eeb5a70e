//! `trace` and `query` on the tutorial lab as a Terraform plan (ids unknown until apply), a state and a raw
//! tfstate gives the same verdicts as `specs/seed-lab.toml`, with components named by Terraform
//! address in the plan (DESIGN.md §2; the facts listed at the top of the spec).
//!
//! Rule ids: NACL-9 (stateless reply blocked by `aws_network_acl.web`), NGW-2 / IGW-2 (the NAT
//! gateway and internet gateway on the one-way path), GWE-2 (S3 through `aws_vpc_endpoint.s3`).

use crate::common::*;
use serde_json::Value;

const SPEC: &str = "specs/seed-lab.toml";
const PLAN: &str = "tests/fixtures/terraform/seed-lab.plan.json";
const STATE: &str = "tests/fixtures/terraform/seed-lab.state.json";
const TFSTATE: &str = "tests/fixtures/terraform/seed-lab.tfstate";

fn ids(path: &Value) -> Vec<String> {
    path.as_array()
        .map(|a| {
            a.iter()
                .map(|h| h["id"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// `(from, to, protocol, port, extra arguments, verdict)`.
type Question = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
);

/// The questions of the spec's header, by Name tag (the same on every input), with the verdict
/// each must get.
const QUESTIONS: &[Question] = &[
    ("internet", "web-server", "tcp", "80", &[], "reachable"),
    ("internet", "web-server", "tcp", "443", &[], "reachable"),
    ("internet", "web-server", "tcp", "22", &[], "reachable"),
    ("internet", "db-server", "tcp", "3306", &[], "unreachable"),
    ("db-server", "service:s3", "tcp", "443", &[], "reachable"),
    ("db-server", "internet", "tcp", "443", &[], "unreachable"),
    ("db-server", "internet", "tcp", "443", &["--one-way"], "reachable"),
    ("web-server", "internet", "tcp", "443", &[], "unreachable"),
    ("web-server", "db-server", "tcp", "3306", &[], "unreachable"),
    ("web-server", "db-server", "tcp", "22", &[], "unreachable"),
];

fn exit_of(verdict: &str) -> i32 {
    match verdict {
        "reachable" => 0,
        "unreachable" => 1,
        _ => 3,
    }
}

#[test]
fn trace_on_the_seed_lab_plan_state_and_tfstate_agrees_with_the_spec() {
    for (from, to, proto, port, extra, want) in QUESTIONS {
        for network in [SPEC, PLAN, STATE, TFSTATE] {
            let mut args = vec!["--from", from, "--to", to, "--protocol", proto, "--port", port];
            args.extend(extra.iter());
            let (code, json) = command_json("trace", network, &args);
            assert_eq!(
                (code, json["verdict"].as_str().unwrap_or_default()),
                (exit_of(want), *want),
                "{network}: {from} -> {to} {proto}/{port} {extra:?}: {json:#}"
            );
        }
    }
}

#[test]
fn trace_on_the_plan_names_components_by_terraform_address() {
    // db -> internet:443 leaves through the NAT gateway and the internet gateway; the reply is
    // blocked entering the public subnet by the custom ACL (NACL-9).
    let (code, json) = command_json(
        "trace",
        PLAN,
        &["--from", "aws_instance.db", "--to", "internet", "--port", "443"],
    );
    assert_eq!(code, 1, "{json:#}");
    let path = ids(&json["path"]);
    for hop in [
        "aws_instance.db.primary_network_interface_id",
        "aws_security_group.db",
        "aws_default_route_table.main",
        "aws_vpc.main.default_network_acl_id",
        "aws_nat_gateway.nat",
        "aws_route_table.public",
        "aws_internet_gateway.igw",
    ] {
        assert!(path.iter().any(|h| h == hop), "{hop} not on {path:?}");
    }
    let blocked = json["blocked"].as_array().unwrap();
    assert_eq!(blocked.len(), 1, "{json:#}");
    assert_eq!(blocked[0]["id"], "aws_network_acl.web");
    assert_eq!(blocked[0]["direction"], "inbound");
    assert_eq!(blocked[0]["rule"], "*");

    let (code, json) = command_json(
        "trace",
        PLAN,
        &["--from", "aws_instance.db", "--to", "service:s3", "--port", "443"],
    );
    assert_eq!(code, 0, "{json:#}");
    assert!(
        ids(&json["path"]).iter().any(|h| h == "aws_vpc_endpoint.s3"),
        "{json:#}"
    );
}

#[test]
fn trace_to_the_plans_example_public_address_names_the_instance() {
    // The web server's public IPv4 is assigned at apply; the plan gives it an example value that
    // the internet gateway maps like a real one (IGW-2).
    let (code, json) = command_json(
        "trace",
        PLAN,
        &["--from", "internet", "--to", "aws_instance.web", "--port", "80"],
    );
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["packet"]["dst_ip"], "3.0.0.2");
    assert!(
        ids(&json["path"])
            .iter()
            .any(|h| h == "aws_instance.web.primary_network_interface_id")
    );
}

/// The seed-lab plan without `prior_state`, where the `aws_prefix_list` data source's CIDRs are:
/// the S3 endpoint's list is named, its entries are not in the input.
fn plan_without_the_data_source(dir: &tempfile::TempDir) -> String {
    let file = dir.path().join("plan.json");
    std::fs::copy(path(PLAN), &file).unwrap();
    edit_json(&file, |v| {
        v.as_object_mut().unwrap().remove("prior_state");
    });
    file.to_str().unwrap().to_owned()
}

#[test]
fn trace_to_s3_without_the_prefix_list_data_source_uses_the_shipped_ip_ranges() {
    // The plan names the S3 endpoint but not the CIDRs of its AWS-managed list: they come from
    // AWS's ip-ranges.json shipped with vpcverify (us-east-1, service S3), so the packet reaches
    // S3 through the endpoint (GWE-2) instead of answering unknown.
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_without_the_data_source(&dir);
    let (code, json) = command_json(
        "trace",
        &plan,
        &["--from", "aws_instance.db", "--to", "service:s3", "--port", "443"],
    );
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["verdict"], "reachable");
    assert!(
        ids(&json["path"]).iter().any(|h| h == "aws_vpc_endpoint.s3"),
        "{json:#}"
    );
}

#[test]
fn trace_and_query_on_the_plan_without_the_data_source_agree_with_the_spec() {
    // Before the shipped ip-ranges, every question whose path met the private route table (its
    // route to the unknown list) answered unknown: db -> web, web -> db, db -> internet, db -> s3.
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_without_the_data_source(&dir);
    let extra_questions: &[Question] = &[
        ("db-server", "web-server", "tcp", "80", &[], "reachable"),
        ("aws_instance.db", "aws_instance.web", "tcp", "80", &[], "reachable"),
    ];
    for (from, to, proto, port, extra, want) in QUESTIONS.iter().chain(extra_questions) {
        for command in ["trace", "query"] {
            let mut args = vec!["--from", from, "--to", to, "--protocol", proto, "--port", port];
            args.extend(extra.iter());
            let (code, json) = command_json(command, &plan, &args);
            assert_eq!(
                (code, json["verdict"].as_str().unwrap_or_default()),
                (exit_of(want), *want),
                "{command}: {from} -> {to} {proto}/{port} {extra:?}: {json:#}"
            );
        }
    }
}

/// The spec's questions asked of `query` (all packets of the class, not one): port ranges too.
const QUERY_QUESTIONS: &[Question] = &[
    ("internet", "web-server", "tcp", "80", &[], "reachable"),
    ("internet", "web-server", "tcp", "22", &[], "reachable"),
    ("internet", "db-server", "tcp", "0-65535", &[], "unreachable"),
    ("db-server", "service:s3", "tcp", "443", &[], "reachable"),
    ("db-server", "internet", "tcp", "443", &[], "unreachable"),
    ("db-server", "internet", "tcp", "443", &["--one-way"], "reachable"),
    ("web-server", "internet", "tcp", "443", &[], "unreachable"),
    ("web-server", "db-server", "tcp", "3306", &[], "unreachable"),
];

#[test]
fn query_on_the_seed_lab_plan_state_and_tfstate_agrees_with_the_spec() {
    for (from, to, proto, port, extra, want) in QUERY_QUESTIONS {
        for network in [SPEC, PLAN, STATE, TFSTATE] {
            let mut args = vec!["--from", from, "--to", to, "--protocol", proto, "--port", port];
            args.extend(extra.iter());
            let (code, json) = command_json("query", network, &args);
            assert_eq!(
                (code, json["verdict"].as_str().unwrap_or_default()),
                (exit_of(want), *want),
                "{network}: {from} -> {to} {proto}/{port} {extra:?}: {json:#}"
            );
        }
    }
}

#[test]
fn query_on_the_plan_names_the_blocking_acl_and_the_one_way_path_by_address() {
    // NACL-9: the reply of db -> internet:443 is blocked entering the public subnet.
    let (code, json) = command_json(
        "query",
        PLAN,
        &["--from", "aws_instance.db", "--to", "internet", "--port", "443"],
    );
    assert_eq!(code, 1, "{json:#}");
    let blocked: Vec<String> = ids(&json["blocked"]);
    assert!(blocked.iter().any(|b| b == "aws_network_acl.web"), "{json:#}");
    // NGW-2, IGW-2: with --one-way the request gets out through both gateways.
    let (code, json) = command_json(
        "query",
        PLAN,
        &[
            "--from",
            "aws_instance.db",
            "--to",
            "internet",
            "--port",
            "443",
            "--one-way",
        ],
    );
    assert_eq!(code, 0, "{json:#}");
    let path = ids(&json["path"]);
    for hop in ["aws_nat_gateway.nat", "aws_internet_gateway.igw"] {
        assert!(path.iter().any(|h| h == hop), "{hop} not on {path:?}");
    }
    // GWE-2: S3 through the gateway endpoint.
    let (code, json) = command_json(
        "query",
        PLAN,
        &["--from", "aws_instance.db", "--to", "service:s3", "--port", "443"],
    );
    assert_eq!(code, 0, "{json:#}");
    assert!(
        ids(&json["path"]).iter().any(|h| h == "aws_vpc_endpoint.s3"),
        "{json:#}"
    );
}

#[test]
fn query_to_s3_without_the_prefix_list_data_source_uses_the_shipped_ip_ranges() {
    // The S3 list's CIDRs are not in the plan: the shipped ip-ranges.json gives them, so the
    // question is answered (it was unknown, exit 3, before) and the witness is an S3 address.
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_without_the_data_source(&dir);
    let (code, json) = command_json(
        "query",
        &plan,
        &["--from", "aws_instance.db", "--to", "service:s3", "--port", "443"],
    );
    assert_eq!(code, 0, "{json:#}");
    assert!(
        ids(&json["path"]).iter().any(|h| h == "aws_vpc_endpoint.s3"),
        "{json:#}"
    );
}

#[test]
fn query_notes_that_the_plans_public_address_is_an_example() {
    let (code, json) = command_json(
        "query",
        PLAN,
        &["--from", "internet", "--to", "aws_instance.web", "--port", "80"],
    );
    assert_eq!(code, 0, "{json:#}");
    let dst = json["packet"]["dst_ip"].as_str().unwrap().to_owned();
    let notes: Vec<&str> = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains(&dst) && n.contains("assigned at apply")),
        "{notes:?}"
    );
}

/// Issue 12's acceptance: the tutorial lab as a Terraform plan without the prefix-list data
/// source (no ids, no prefix-list entries) with the tutorial's fix applied — the public ACL
/// admits replies on 1024-65535 — answers every one of its questions reachable, both commands,
/// and the blocking ACL named before the fix is on the path.
#[test]
fn the_plan_with_the_acl_fixed_answers_every_question_reachable() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_without_the_data_source(&dir);
    let entry = serde_json::json!({
        "action": "allow", "cidr_block": "0.0.0.0/0", "from_port": 1024, "icmp_code": 0,
        "icmp_type": 0, "ipv6_cidr_block": "", "protocol": "tcp", "rule_no": 400, "to_port": 65535
    });
    edit_json(std::path::Path::new(&plan), |v| {
        fn fix(resources: &mut Value, entry: &Value) {
            for r in resources.as_array_mut().into_iter().flatten() {
                if r["address"] == "aws_network_acl.web" {
                    for pointer in ["/values/ingress", "/change/after/ingress"] {
                        if let Some(ingress) = r.pointer_mut(pointer).and_then(Value::as_array_mut) {
                            ingress.push(entry.clone());
                        }
                    }
                }
            }
        }
        fix(&mut v["planned_values"]["root_module"]["resources"], &entry);
        fix(&mut v["resource_changes"], &entry);
    });
    for (from, to, port, one_way) in [
        ("aws_instance.db", "internet", "443", false),
        ("aws_instance.db", "internet", "443", true),
        ("aws_instance.web", "internet", "443", false),
        ("aws_instance.web", "aws_instance.db", "3306", false),
        ("aws_instance.db", "aws_instance.web", "80", false),
        ("aws_instance.db", "service:s3", "443", false),
        ("internet", "aws_instance.web", "80", false),
    ] {
        for command in ["trace", "query"] {
            let mut args = vec!["--from", from, "--to", to, "--protocol", "tcp", "--port", port];
            if one_way {
                args.push("--one-way");
            }
            let (code, json) = command_json(command, &plan, &args);
            assert_eq!(
                (code, json["verdict"].as_str()),
                (0, Some("reachable")),
                "{command}: {from} -> {to} {port}: {json:#}"
            );
            let hops: Vec<String> = ids(&json["path"])
                .into_iter()
                .chain(ids(&json["return_path"]))
                .collect();
            if from == "aws_instance.db" && to == "internet" {
                assert!(hops.iter().any(|h| h == "aws_network_acl.web"), "{json:#}");
            }
        }
    }
}
