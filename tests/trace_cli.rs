//! `vpcverify trace` end to end: exit codes (0 reachable, 1 unreachable, 2 error, 3 unknown), the
//! JSON contract, and the text a person reads.

use crate::common::*;
use serde_json::Value;

/// Runs `vpcverify trace NETWORK ARGS… --format json`; returns (exit code, JSON).
fn trace_json(network: &std::path::Path, args: &[&str]) -> (i32, Value) {
    let out = vpcverify()
        .arg("trace")
        .arg(network)
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let json: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), json)
}

/// The ids along a JSON path.
fn ids(path: &Value) -> Vec<String> {
    path.as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_owned())
        .collect()
}

const MERGED: &str = "tests/fixtures/aws/merged.json";

#[test]
fn trace_without_port_for_tcp_is_a_usage_error() {
    vpcverify()
        .args(["trace", MERGED, "--from", "eni-0db", "--to", "internet"])
        .current_dir(root())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--port"));
}

#[test]
fn trace_with_an_unknown_endpoint_exits_2_naming_it() {
    vpcverify()
        .args([
            "trace",
            MERGED,
            "--from",
            "no-such-host",
            "--to",
            "internet",
            "--port",
            "443",
        ])
        .current_dir(root())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("`no-such-host`"));
}

#[test]
fn trace_across_an_unmodelled_gateway_route_table_is_unknown() {
    let (code, json) = trace_json(
        &path(MERGED),
        &["--from", "internet", "--to", "web-eni", "--port", "443"],
    );
    assert_eq!(code, 3, "{json:#}");
    assert_eq!(json["verdict"], "unknown");
    assert_eq!(json["unknown"][0]["id"], "rtb-0edge");
}

#[test]
fn trace_blocked_by_an_acl_exits_1_with_the_rule() {
    let (code, json) = trace_json(
        &path(MERGED),
        &["--from", "eni-0web", "--to", "eni-0db", "--port", "5432"],
    );
    assert_eq!(code, 1, "{json:#}");
    assert_eq!(json["verdict"], "unreachable");
    assert_eq!(json["packet"]["src_ip"], "10.20.1.10");
    assert_eq!(json["packet"]["dst_ip"], "10.20.2.10");
    assert_eq!(json["packet"]["src_port"], 49152);
    assert_eq!(json["blocked"][0]["id"], "acl-0priv");
    assert_eq!(json["blocked"][0]["kind"], "network-acl");
    assert_eq!(json["blocked"][0]["direction"], "inbound");
    assert_eq!(json["blocked"][0]["rule"], "*");
    assert_eq!(json["blocked"][0]["code"], "SUBNET_ACL_RESTRICTION");
    assert_eq!(ids(&json["path"]), ["eni-0web", "sg-0web", "rtb-0pub", "acl-0default"]);
    assert!(json.get("return_path").is_none());
    assert!(
        json["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("49152"))
    );
}

#[test]
fn trace_text_shows_verdict_packet_path_and_block() {
    vpcverify()
        .args([
            "trace", MERGED, "--from", "eni-0web", "--to", "eni-0db", "--port", "5432",
        ])
        .current_dir(root())
        .assert()
        .code(1)
        .stdout(predicates::str::contains(
            "unreachable: tcp from `eni-0web` to `eni-0db` port 5432",
        ))
        .stdout(predicates::str::contains(
            "packet: tcp 10.20.1.10:49152 -> 10.20.2.10:5432",
        ))
        .stdout(predicates::str::contains("  1. eni-0web"))
        .stdout(predicates::str::contains("blocked by:"))
        .stdout(predicates::str::contains("acl-0priv network-acl inbound, rule *"));
}
