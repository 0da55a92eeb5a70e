//! VPC Block Public Access end to end (IGW-10, BPA-1..6, SEMANTICS.md §5.10): hand-built
//! snapshots in the AWS CLI's shape (`tests/fixtures/bpa`, see tests/fixtures/bpa/NOTES.md) with the outputs of
//! `describe-vpc-block-public-access-options` and `-exclusions`, asked through `vpcverify query`.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

const BPA: &str = "VPC_BLOCK_PUBLIC_ACCESS_ENABLED";

/// A snapshot directory: `network.json` and the named BPA files of `tests/fixtures/bpa`.
fn snapshot(files: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in std::iter::once(&"network.json").chain(files) {
        std::fs::copy(path(&format!("tests/fixtures/bpa/{f}")), dir.path().join(f)).unwrap();
    }
    dir
}

/// `vpcverify query DIR --from FROM --to TO --port 443 --format json`: (exit code, JSON).
fn query(dir: &Path, from: &str, to: &str) -> (i32, Value) {
    let out = vpcverify()
        .arg("query")
        .arg(dir)
        .args(["--from", from, "--to", to, "--port", "443", "--format", "json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let json: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), json)
}

/// (id, code) of every blocking entry.
fn codes(v: &Value) -> Vec<(String, String)> {
    v["blocked"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|b| {
                    (
                        b["id"].as_str().unwrap_or("").to_owned(),
                        b["code"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn assert_blocked_by_bpa_at(v: &Value, code: i32, gateway: &str) {
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["verdict"], "unreachable", "{v:#}");
    let c = codes(v);
    assert!(c.iter().any(|(id, k)| id == gateway && k == BPA), "{c:?}");
    assert!(c.iter().all(|(_, k)| k == BPA), "only BPA blocks here: {c:?}");
}

fn path_ids(v: &Value) -> Vec<String> {
    v["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn bpa_without_options_or_with_off_changes_nothing() {
    for files in [&[][..], &["options-off.json", "exclusions-none.json"][..]] {
        let dir = snapshot(files);
        let (code, v) = query(dir.path(), "internet", "i-0web");
        assert_eq!(
            (code, v["verdict"].as_str()),
            (0, Some("reachable")),
            "{files:?}: {v:#}"
        );
    }
}

#[test]
fn bpa_1_the_earlier_spelling_of_off_in_describe_vpcs_is_off() {
    let dir = snapshot(&[]);
    let net = dir.path().join("network.json");
    let text = std::fs::read_to_string(&net).unwrap();
    std::fs::write(
        &net,
        text.replace(
            "\"InternetGatewayBlockMode\": \"off\"",
            "\"InternetGatewayBlockMode\": \"bidirectional-access-allowed\"",
        ),
    )
    .unwrap();
    let (code, v) = query(dir.path(), "internet", "i-0web");
    assert_eq!((code, v["verdict"].as_str()), (0, Some("reachable")), "{v:#}");
}

#[test]
fn bpa_2_block_bidirectional_blocks_the_internet_from_a_public_web_server() {
    let dir = snapshot(&["options-block-bidirectional.json", "exclusions-none.json"]);
    let (code, v) = query(dir.path(), "internet", "i-0web");
    assert_blocked_by_bpa_at(&v, code, "igw-0bpa");
    assert!(v["warnings"].as_array().unwrap().is_empty(), "{v:#}");
}

#[test]
fn bpa_4_a_vpc_excluded_allow_bidirectional_is_reachable_again() {
    let dir = snapshot(&[
        "options-block-bidirectional.json",
        "exclusions-vpc-allow-bidirectional.json",
    ]);
    let (code, v) = query(dir.path(), "internet", "i-0web");
    assert_eq!((code, v["verdict"].as_str()), (0, Some("reachable")), "{v:#}");
}

#[test]
fn bpa_4_a_deleted_exclusion_exempts_nothing() {
    let dir = snapshot(&["options-block-bidirectional.json", "exclusions-deleted.json"]);
    let (code, v) = query(dir.path(), "internet", "i-0web");
    assert_blocked_by_bpa_at(&v, code, "igw-0bpa");
}

#[test]
fn bpa_4_allow_egress_lets_connections_out_and_none_in() {
    let dir = snapshot(&["options-block-bidirectional.json", "exclusions-vpc-allow-egress.json"]);
    let (code, v) = query(dir.path(), "internet", "i-0web");
    assert_blocked_by_bpa_at(&v, code, "igw-0bpa");
    let (code, v) = query(dir.path(), "i-0web", "internet");
    assert_eq!((code, v["verdict"].as_str()), (0, Some("reachable")), "{v:#}");
}

#[test]
fn bpa_2_block_bidirectional_blocks_a_private_instance_behind_a_nat_gateway() {
    let dir = snapshot(&["options-block-bidirectional.json", "exclusions-none.json"]);
    let (code, v) = query(dir.path(), "i-0app", "8.8.8.8");
    assert_blocked_by_bpa_at(&v, code, "igw-0bpa");
    // IPv6 through the egress-only gateway too.
    let (code, v) = query(dir.path(), "i-0app", "2606:4700::1111");
    assert_blocked_by_bpa_at(&v, code, "eigw-0bpa");
}

#[test]
fn bpa_4_an_allow_egress_exclusion_on_the_nat_gateways_subnet_lets_the_private_instance_out() {
    let dir = snapshot(&[
        "options-block-bidirectional.json",
        "exclusions-public-subnet-allow-egress.json",
    ]);
    let (code, v) = query(dir.path(), "i-0app", "8.8.8.8");
    assert_eq!((code, v["verdict"].as_str()), (0, Some("reachable")), "{v:#}");
    assert!(path_ids(&v).contains(&"nat-0bpa".to_owned()), "{v:#}");
    // The private subnet itself is not excluded: its IPv6 traffic through the egress-only
    // gateway stays blocked, and nothing enters the public subnet from the internet.
    let (code, v) = query(dir.path(), "i-0app", "2606:4700::1111");
    assert_blocked_by_bpa_at(&v, code, "eigw-0bpa");
    let (code, v) = query(dir.path(), "internet", "i-0web");
    assert_blocked_by_bpa_at(&v, code, "igw-0bpa");
}

#[test]
fn bpa_3_block_ingress_still_lets_a_private_instance_out_through_a_nat_gateway() {
    let dir = snapshot(&["options-block-ingress.json", "exclusions-none.json"]);
    let (code, v) = query(dir.path(), "i-0app", "8.8.8.8");
    assert_eq!((code, v["verdict"].as_str()), (0, Some("reachable")), "{v:#}");
    let ids = path_ids(&v);
    assert!(
        ids.contains(&"nat-0bpa".to_owned()) && ids.contains(&"igw-0bpa".to_owned()),
        "{ids:?}"
    );
    // And through the egress-only gateway (IPv6).
    let (code, v) = query(dir.path(), "i-0app", "2606:4700::1111");
    assert_eq!((code, v["verdict"].as_str()), (0, Some("reachable")), "{v:#}");
}

#[test]
fn bpa_3_block_ingress_blocks_the_internet_and_a_public_instances_own_connections() {
    let dir = snapshot(&["options-block-ingress.json", "exclusions-none.json"]);
    let (code, v) = query(dir.path(), "internet", "i-0web");
    assert_blocked_by_bpa_at(&v, code, "igw-0bpa");
    // Only NAT gateways and egress-only gateways keep outbound connections (decision BPA-3).
    let (code, v) = query(dir.path(), "i-0web", "8.8.8.8");
    assert_blocked_by_bpa_at(&v, code, "igw-0bpa");
    // allow-egress applies only under block-bidirectional; allow-bidirectional lifts it all.
    let dir = snapshot(&["options-block-ingress.json", "exclusions-vpc-allow-egress.json"]);
    let (code, v) = query(dir.path(), "i-0web", "8.8.8.8");
    assert_blocked_by_bpa_at(&v, code, "igw-0bpa");
    let dir = snapshot(&["options-block-ingress.json", "exclusions-vpc-allow-bidirectional.json"]);
    let (code, v) = query(dir.path(), "internet", "i-0web");
    assert_eq!((code, v["verdict"].as_str()), (0, Some("reachable")), "{v:#}");
}

#[test]
fn bpa_6_what_the_snapshot_leaves_uncertain_is_unknown() {
    for (files, says) in [
        (
            &["options-block-bidirectional.json"][..],
            "describe-vpc-block-public-access-exclusions",
        ),
        (
            &["options-changing.json", "exclusions-none.json"][..],
            "update-in-progress",
        ),
        (
            &["options-block-bidirectional.json", "exclusions-being-created.json"][..],
            "create-in-progress",
        ),
    ] {
        let dir = snapshot(files);
        let (code, v) = query(dir.path(), "internet", "i-0web");
        assert_eq!((code, v["verdict"].as_str()), (3, Some("unknown")), "{files:?}: {v:#}");
        assert!(v.to_string().contains(says), "{files:?}: {v:#}");
    }
    // A VPC whose `describe-vpcs` state says BPA is on, without the account's options.
    let dir = snapshot(&[]);
    let net = dir.path().join("network.json");
    let text = std::fs::read_to_string(&net).unwrap();
    std::fs::write(
        &net,
        text.replacen(
            "\"InternetGatewayBlockMode\": \"off\"",
            "\"InternetGatewayBlockMode\": \"block-bidirectional\"",
            1,
        ),
    )
    .unwrap();
    let (code, v) = query(dir.path(), "internet", "i-0web");
    assert_eq!((code, v["verdict"].as_str()), (3, Some("unknown")), "{v:#}");
    assert!(
        v.to_string().contains("describe-vpc-block-public-access-options"),
        "{v:#}"
    ); // The same with options that say `off`: the outputs disagree.
    std::fs::copy(
        path("tests/fixtures/bpa/options-off.json"),
        dir.path().join("options-off.json"),
    )
    .unwrap();
    let (code, v) = query(dir.path(), "internet", "i-0web");
    assert_eq!((code, v["verdict"].as_str()), (3, Some("unknown")), "{v:#}");
    assert!(v.to_string().contains("disagree"), "{v:#}");
}

#[test]
fn bpa_options_are_read_not_ignored_and_a_bad_mode_is_an_error_naming_the_file() {
    let dir = snapshot(&["options-block-bidirectional.json", "exclusions-none.json"]);
    vpcverify()
        .arg("lint")
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicates::str::contains("0 warnings"));
    let bad = dir.path().join("options-block-bidirectional.json");
    let text = std::fs::read_to_string(&bad).unwrap();
    std::fs::write(&bad, text.replace("\"block-bidirectional\"", "\"block-sideways\"")).unwrap();
    let out = vpcverify()
        .arg("query")
        .arg(dir.path())
        .args(["--from", "internet", "--to", "i-0web", "--port", "443"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        all.contains("options-block-bidirectional.json") && all.contains("block-sideways"),
        "{all}"
    );
}

/// The seed lab's Terraform state with `aws_vpc_block_public_access_options` (mode `mode`) and,
/// when `exclude`, an `aws_vpc_block_public_access_exclusion` of its VPC.
fn seed_state_with_bpa(mode: &str, exclude: Option<&str>) -> (tempfile::TempDir, std::path::PathBuf) {
    let text = std::fs::read_to_string(path("tests/fixtures/terraform/seed-lab.state.json")).unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    let resources = doc["values"]["root_module"]["resources"].as_array_mut().unwrap();
    let resource = |t: &str, name: &str, values: Value| {
        serde_json::json!({"address": format!("{t}.{name}"), "mode": "managed", "type": t, "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
            "values": values, "sensitive_values": {}})
    };
    resources.push(resource(
        "aws_vpc_block_public_access_options",
        "this",
        serde_json::json!({"id": "us-east-1", "internet_gateway_block_mode": mode}),
    ));
    if let Some(m) = exclude {
        resources.push(resource(
            "aws_vpc_block_public_access_exclusion",
            "lab",
            serde_json::json!({"id": "vpcbpa-exclude-0lab", "vpc_id": "vpc-0a1b2c3d4e5f60718",
                "subnet_id": null, "internet_gateway_exclusion_mode": m}),
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bpa.state.json");
    std::fs::write(&file, serde_json::to_string(&doc).unwrap()).unwrap();
    (dir, file)
}

#[test]
fn bpa_terraform_options_and_exclusion_resources_are_modelled() {
    let (_d, file) = seed_state_with_bpa("block-bidirectional", None);
    let (code, v) = query(&file, "internet", "web-server");
    assert_blocked_by_bpa_at(&v, code, "igw-0c3c3c3c3c3c30003");
    let (_d, file) = seed_state_with_bpa("block-bidirectional", Some("allow-bidirectional"));
    let (code, v) = query(&file, "internet", "web-server");
    assert_eq!((code, v["verdict"].as_str()), (0, Some("reachable")), "{v:#}");
    let (_d, file) = seed_state_with_bpa("block-ingress", None);
    let (code, v) = query(&file, "internet", "web-server");
    assert_blocked_by_bpa_at(&v, code, "igw-0c3c3c3c3c3c30003");
}

#[test]
fn bpa_spec_table_is_modelled() {
    let text = std::fs::read_to_string(path("specs/seed-lab.toml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("lab.toml");
    std::fs::write(
        &spec,
        format!("{text}\n[block_public_access]\nmode = \"block-bidirectional\"\n"),
    )
    .unwrap();
    let (code, v) = query(&spec, "internet", "web-server");
    assert_eq!((code, v["verdict"].as_str()), (1, Some("unreachable")), "{v:#}");
    assert!(codes(&v).iter().all(|(_, k)| k == BPA), "{v:#}");
    std::fs::write(
        &spec,
        format!(
            "{text}\n[block_public_access]\nmode = \"block-bidirectional\"\n\n[[block_public_access.exclusion]]\nsubnet = \"public\"\nmode = \"allow-bidirectional\"\n"
        ),
    )
    .unwrap();
    let (code, v) = query(&spec, "internet", "web-server");
    assert_eq!((code, v["verdict"].as_str()), (0, Some("reachable")), "{v:#}");
    // A bad mode is an error at its line (exit 2).
    std::fs::write(&spec, format!("{text}\n[block_public_access]\nmode = \"sideways\"\n")).unwrap();
    let out = vpcverify().arg("lint").arg(&spec).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("sideways"), "{out:?}");
}
