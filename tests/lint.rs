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

/// Writes `text` as `spec.toml` in a fresh directory (kept alive by the returned guard).
fn spec_file(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("spec.toml");
    std::fs::write(&file, text).unwrap();
    (dir, file)
}

/// Runs `lint` on an inline spec; returns (exit code, stdout, stderr).
fn lint_inline(text: &str) -> (i32, String, String) {
    let (_dir, file) = spec_file(text);
    let out = vpcverify().arg("lint").arg(&file).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The one stdout line holding `code`.
fn finding<'a>(stdout: &'a str, code: &str) -> &'a str {
    let tag = format!("[{code}]");
    let lines: Vec<&str> = stdout.lines().filter(|l| l.contains(&tag)).collect();
    assert_eq!(lines.len(), 1, "expected one `{code}` finding in:\n{stdout}");
    lines[0]
}

const VPC: &str = "[vpc.lab]\ncidr = \"10.0.0.0/16\"\n";

#[test]
fn lint_exits_0_on_every_bundled_spec() {
    let mut specs: Vec<_> = std::fs::read_dir(path("specs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    specs.sort();
    assert!(specs.len() >= 4, "{specs:?}");
    for spec in specs {
        vpcverify()
            .arg("lint")
            .arg(&spec)
            .assert()
            .code(0)
            .stdout(predicates::str::contains(": ok: 0 errors, 0 warnings"));
    }
}

#[test]
fn lint_exits_2_on_a_subnet_outside_its_vpc_naming_it_and_its_line() {
    // line 3 is the subnet's header
    let (code, stdout, _) = lint_inline(&format!("{VPC}[subnet.stray]\nvpc = \"lab\"\ncidr = \"10.1.0.0/24\"\n"));
    assert_eq!(code, 2, "{stdout}");
    let line = finding(&stdout, "subnet-outside-vpc");
    assert!(line.contains("spec.toml:3:1: subnet-stray:"), "{line}");
    assert!(
        line.contains("`subnet-stray` (10.1.0.0/24)") && line.contains("`vpc-lab`"),
        "{line}"
    );
}

#[test]
fn lint_exits_2_on_overlapping_subnets_naming_both_and_the_line() {
    let text = format!(
        "{VPC}[subnet.a]\nvpc = \"lab\"\ncidr = \"10.0.1.0/24\"\n\n[subnet.b]\nvpc = \"lab\"\ncidr = \"10.0.1.128/25\"\n"
    );
    let (code, stdout, _) = lint_inline(&text);
    assert_eq!(code, 2, "{stdout}");
    let line = finding(&stdout, "subnet-overlap");
    assert!(line.contains("spec.toml:7:1: subnet-b:"), "{line}");
    assert!(
        line.contains("`subnet-b` (10.0.1.128/25) overlaps subnet `subnet-a` (10.0.1.0/24)"),
        "{line}"
    );
}

#[test]
fn lint_exits_2_on_an_instance_address_outside_its_subnet_naming_its_interface_and_line() {
    let text = format!(
        "{VPC}[subnet.web]\nvpc = \"lab\"\ncidr = \"10.0.1.0/24\"\n\n[instance.web]\nsubnet = \"web\"\nprivate_ip = \"10.0.2.10\"\n"
    );
    let (code, stdout, _) = lint_inline(&text);
    assert_eq!(code, 2, "{stdout}");
    let line = finding(&stdout, "address-outside-subnet");
    assert!(line.contains("spec.toml:7:1: eni-web:"), "{line}");
    assert!(
        line.contains("10.0.2.10 outside its subnet `subnet-web` (10.0.1.0/24)"),
        "{line}"
    );
}

#[test]
fn lint_reports_an_unknown_key_at_its_line_and_column() {
    let (code, stdout, _) = lint_inline("[vpc.lab]\ncidr = \"10.0.0.0/16\"\n  cidr_blok = \"10.1.0.0/16\"\n");
    assert_eq!(code, 2, "{stdout}");
    let line = finding(&stdout, "unknown-key");
    assert!(line.contains("spec.toml:3:3: vpc-lab:"), "{line}");
    assert!(
        line.contains("unknown key `cidr_blok` in vpc `lab`; did you mean `cidr`?"),
        "{line}"
    );
}

#[test]
fn lint_reports_an_unknown_reference_at_its_line_and_column() {
    let (code, stdout, _) = lint_inline(&format!("{VPC}[subnet.web]\nvpc = \"labb\"\ncidr = \"10.0.1.0/24\"\n"));
    assert_eq!(code, 2, "{stdout}");
    let line = finding(&stdout, "unknown-reference");
    assert!(line.contains("spec.toml:4:7: subnet-web:"), "{line}");
    assert!(
        line.contains("unknown vpc `labb`") && line.contains("did you mean `lab`?"),
        "{line}"
    );
}

#[test]
fn lint_reports_a_slash_33_cidr_at_its_line_and_column_in_text_and_json() {
    let text = "# a comment\n[vpc.lab]\ncidr = \"10.0.0.0/33\"\n";
    let (code, stdout, _) = lint_inline(text);
    assert_eq!(code, 2, "{stdout}");
    let line = finding(&stdout, "invalid-value");
    assert!(line.contains("spec.toml:3:8: vpc-lab:"), "{line}");
    assert!(line.contains("invalid CIDR block `10.0.0.0/33`"), "{line}");

    let (_dir, file) = spec_file(text);
    let out = vpcverify()
        .args(["lint", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &report["diagnostics"][0];
    assert_eq!(d["code"], "invalid-value");
    assert_eq!(d["severity"], "error");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(3), Some(8)));
    assert_eq!(d["resource"], "vpc-lab");
    assert_eq!(report["errors"], 1);
}

#[test]
fn lint_exits_2_on_malformed_toml_with_line_and_column_on_stderr() {
    let (code, stdout, stderr) = lint_inline("[vpc.lab]\ncidr = \"10.0.0.0/16\n");
    assert_eq!(code, 2);
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("spec.toml:2:") && stderr.contains("invalid TOML"),
        "{stderr}"
    );
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

#[test]
fn lint_warns_once_about_an_active_route_to_a_missing_transit_gateway_saying_what_query_does() {
    let lint = |file: &std::path::Path| -> serde_json::Value {
        let out = vpcverify()
            .arg("lint")
            .arg(file)
            .args(["--format", "json"])
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&out).unwrap()
    };
    let report = lint(&path("tests/fixtures/aws/missing-transit-gateway.json"));
    assert_eq!(report["warnings"], 1, "{report:#}");
    let d = &report["diagnostics"][0];
    assert_eq!(d["code"], "missing-route-target");
    let msg = d["message"].as_str().unwrap();
    assert!(
        msg.contains("`tgw-0missing`") && msg.contains("answers unknown"),
        "{msg}"
    );
    assert!(!msg.contains("blackhole (RT-14)"), "{msg}");
    // Marked blackhole by the snapshot: one warning, which says so.
    let text = std::fs::read_to_string(path("tests/fixtures/aws/missing-transit-gateway.json")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("snapshot.json");
    std::fs::write(
        &file,
        text.replace(
            r#""TransitGatewayId": "tgw-0missing", "Origin": "CreateRoute", "State": "active""#,
            r#""TransitGatewayId": "tgw-0missing", "Origin": "CreateRoute", "State": "blackhole""#,
        ),
    )
    .unwrap();
    let report = lint(&file);
    assert_eq!(report["warnings"], 1, "{report:#}");
    let msg = report["diagnostics"][0]["message"].as_str().unwrap();
    assert!(msg.contains("is a blackhole") && !msg.contains("unknown"), "{msg}");
}
