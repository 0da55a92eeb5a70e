//! `vpcverify lint` end to end.

use crate::common::*;

#[test]
fn lint_on_a_missing_path_exits_2_naming_it() {
    vpcverify()
        .args(["lint", "no/such/file.toml"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no/such/file.toml"));
}

const MOTO: &str = "tests/fixtures/moto-sample";

#[test]
fn lint_accepts_the_moto_sample_with_warnings_only() {
    vpcverify()
        .args(["lint", MOTO])
        .current_dir(root())
        .assert()
        .code(0)
        .stdout(predicates::str::contains("moto-sample/ (24 files): ok: 0 errors"));
}

#[test]
fn lint_accepts_the_merged_aws_snapshot() {
    vpcverify()
        .args(["lint", "tests/fixtures/aws/merged.json"])
        .current_dir(root())
        .assert()
        .code(0)
        .stdout(predicates::str::contains("merged.json: ok: 0 errors"));
}

#[test]
fn lint_json_on_the_moto_sample_counts_no_errors() {
    let out = vpcverify()
        .args(["lint", MOTO, "--format", "json"])
        .current_dir(root())
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(report["errors"], 0);
    assert!(report["warnings"].as_u64().unwrap() > 0);
}

#[test]
fn lint_names_a_truncated_json_file_and_exits_2() {
    let dir = copy_fixture_dir(MOTO);
    let file = dir.path().join("describe-network-acls.json");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, &text[..text.len() * 2 / 3]).unwrap();
    vpcverify()
        .arg("lint")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("describe-network-acls.json:"))
        .stderr(predicates::str::contains("invalid JSON"));
}

/// Sets one field of the first inbound entry of ACL `acl-91bf18344680d34c4` in a copy of the sample.
fn sample_with_broken_acl_entry(field: &str, value: serde_json::Value) -> tempfile::TempDir {
    let dir = copy_fixture_dir(MOTO);
    edit_json(&dir.path().join("describe-network-acls.json"), |v| {
        let acl = v["NetworkAcls"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|a| a["NetworkAclId"] == "acl-91bf18344680d34c4")
            .unwrap();
        acl["Entries"][0][field] = value;
    });
    dir
}

#[test]
fn lint_names_the_acl_of_an_entry_with_a_33_bit_prefix_and_exits_2() {
    let dir = sample_with_broken_acl_entry("CidrBlock", "10.0.0.0/33".into());
    vpcverify()
        .arg("lint")
        .arg(dir.path())
        .assert()
        .code(2)
        .stdout(predicates::str::contains(
            "describe-network-acls.json: acl-91bf18344680d34c4: `Entries[0].CidrBlock` is `10.0.0.0/33`",
        ));
}

#[test]
fn lint_names_the_acl_of_rule_number_40000_and_exits_2() {
    let dir = sample_with_broken_acl_entry("RuleNumber", 40000.into());
    vpcverify()
        .arg("lint")
        .arg(dir.path())
        .assert()
        .code(2)
        .stdout(predicates::str::contains("acl-91bf18344680d34c4"))
        .stdout(predicates::str::contains("rule number 40000"));
}

#[test]
fn lint_deny_warnings_fails_on_the_moto_sample() {
    vpcverify()
        .args(["lint", MOTO, "--deny-warnings"])
        .current_dir(root())
        .assert()
        .code(2);
}

#[test]
fn lint_accepts_the_seed_lab_as_a_terraform_plan_and_as_a_state() {
    for f in [
        "tests/fixtures/terraform/seed-lab.plan.json",
        "tests/fixtures/terraform/seed-lab.state.json",
        "tests/fixtures/terraform/seed-lab.tfstate",
    ] {
        vpcverify()
            .args(["lint", f])
            .current_dir(root())
            .assert()
            .code(0)
            .stdout(predicates::str::contains(": ok: 0 errors, 0 warnings"));
    }
}

#[test]
fn lint_warns_on_an_ambiguous_terraform_reference_and_exits_0() {
    vpcverify()
        .args(["lint", "tests/fixtures/terraform/ambiguous.plan.json"])
        .current_dir(root())
        .assert()
        .code(0)
        .stdout(predicates::str::contains("warning[ambiguous-reference]"))
        .stdout(predicates::str::contains("`aws_nat_gateway.a` and `aws_nat_gateway.b`"));
}
