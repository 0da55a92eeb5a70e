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

// ------------------------------------------- input defects found by the audit (#20, item 7)

/// Runs `lint` on `path`; returns (exit code, stdout, stderr).
fn lint_path(path: &std::path::Path) -> (i32, String, String) {
    let out = vpcverify().arg("lint").arg(path).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Writes the key of `first` (a `"Key": value,` found in `file`) again on the next line with
/// `again` as its value; returns the 1-based line of the repeated key.
fn repeat_key(file: &std::path::Path, first: &str, again: &str) -> usize {
    let text = std::fs::read_to_string(file).unwrap();
    let at = text
        .find(first)
        .unwrap_or_else(|| panic!("no {first} in {}", file.display()));
    let line = text[..at].matches('\n').count() + 1;
    let key = first.split(':').next().unwrap();
    std::fs::write(file, text.replacen(first, &format!("{first}\n{key}: {again},"), 1)).unwrap();
    line + 1
}

#[test]
fn lint_names_the_file_line_and_key_of_a_repeated_json_key_in_a_snapshot_and_exits_2() {
    // `"RuleAction": "allow", "RuleAction": "deny"`: serde_json would keep the deny silently.
    let dir = copy_fixture_dir(MOTO);
    let file = dir.path().join("describe-network-acls.json");
    let line = repeat_key(&file, r#""RuleAction": "allow","#, r#""deny""#);
    let (code, stdout, stderr) = lint_path(dir.path());
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stderr.contains(&format!("describe-network-acls.json:{line}:"))
            && stderr.contains("invalid JSON: duplicate key `RuleAction`"),
        "{stderr}"
    );
    // An unread field repeated is the same error: the file is not what AWS prints.
    let dir = copy_fixture_dir(MOTO);
    let file = dir.path().join("describe-instances.json");
    let line = repeat_key(&file, r#""Architecture": "x86_64","#, r#""arm64""#);
    let (code, _, stderr) = lint_path(dir.path());
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!("describe-instances.json:{line}:")) && stderr.contains("duplicate key `Architecture`"),
        "{stderr}"
    );
}

#[test]
fn lint_names_the_line_and_key_of_a_repeated_json_key_in_a_merged_file_and_a_terraform_plan() {
    // Both single-file formats go through the same parser.
    for (rel, first, again) in [
        (
            "tests/fixtures/aws/merged.json",
            r#""RuleAction": "allow","#,
            r#""deny""#,
        ),
        (
            "tests/fixtures/terraform/seed-lab.plan.json",
            r#""cidr_block": "10.0.1.0/24","#,
            r#""10.0.9.0/24""#,
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let name = std::path::Path::new(rel).file_name().unwrap();
        let file = dir.path().join(name);
        std::fs::copy(path(rel), &file).unwrap();
        let line = repeat_key(&file, first, again);
        let key = first.split(':').next().unwrap().trim_matches('"');
        let (code, _, stderr) = lint_path(&file);
        assert_eq!(code, 2, "{rel}: {stderr}");
        assert!(
            stderr.contains(&format!("{}:{line}:", name.to_string_lossy()))
                && stderr.contains(&format!("duplicate key `{key}`")),
            "{rel}: {stderr}"
        );
    }
}

#[test]
fn lint_warns_cidr_host_bits_on_an_aws_block_naming_the_file_and_acl_and_exits_0() {
    let dir = sample_with_broken_acl_entry("CidrBlock", "10.0.1.5/24".into());
    let (code, stdout, stderr) = lint_path(dir.path());
    assert_eq!(code, 0, "{stdout}{stderr}");
    let line = finding(&stdout, "cidr-host-bits");
    assert!(
        line.starts_with("warning[cidr-host-bits]:")
            && line.contains("describe-network-acls.json: acl-91bf18344680d34c4: CIDR block `10.0.1.5/24` (`Entries[0].CidrBlock`) has host bits set: read as `10.0.1.0/24`"),
        "{line}"
    );
}

#[test]
fn lint_rejects_an_aws_cidr_with_spaces_around_it_naming_the_file_and_acl() {
    let dir = sample_with_broken_acl_entry("CidrBlock", " 10.0.1.0/24".into());
    let (code, stdout, _) = lint_path(dir.path());
    assert_eq!(code, 2, "{stdout}");
    let line = finding(&stdout, "invalid-value");
    assert!(
        line.contains("describe-network-acls.json: acl-91bf18344680d34c4: `Entries[0].CidrBlock` is ` 10.0.1.0/24`, which is not an IPv4 CIDR block: it has spaces around it"),
        "{line}"
    );
}

#[test]
fn lint_rejects_a_spec_cidr_with_spaces_around_it_at_its_line() {
    let (code, stdout, _) = lint_inline("[vpc.lab]\ncidr = \"10.0.0.0/16 \"\n");
    assert_eq!(code, 2, "{stdout}");
    let line = finding(&stdout, "invalid-value");
    assert!(line.contains("spec.toml:2:8: vpc-lab:"), "{line}");
    assert!(
        line.contains("`cidr` must be a CIDR block without spaces around it, not `10.0.0.0/16 `"),
        "{line}"
    );
}

#[test]
fn lint_rejects_a_terraform_cidr_with_spaces_around_it_naming_the_resource() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.json");
    let text = std::fs::read_to_string(path("tests/fixtures/terraform/seed-lab.plan.json")).unwrap();
    let edited = text.replace(r#""cidr_block": "10.0.1.0/24""#, r#""cidr_block": " 10.0.1.0/24""#);
    assert_ne!(edited, text);
    std::fs::write(&file, edited).unwrap();
    let (code, stdout, _) = lint_path(&file);
    assert_eq!(code, 2, "{stdout}");
    let line = finding(&stdout, "bad-value");
    assert!(
        line.contains("plan.json: aws_subnet.public: `cidr_block` of `aws_subnet.public` is not a CIDR block: ` 10.0.1.0/24` has spaces around it"),
        "{line}"
    );
}

#[test]
fn lint_warns_duplicate_resource_on_an_instance_listed_in_two_reservations() {
    let dir = copy_fixture_dir(MOTO);
    edit_json(&dir.path().join("describe-instances.json"), |v| {
        let reservations = v["Reservations"].as_array_mut().unwrap();
        let copy = reservations[0].clone();
        reservations.push(copy);
    });
    let (code, stdout, stderr) = lint_path(dir.path());
    assert_eq!(code, 0, "{stdout}{stderr}");
    let line = finding(&stdout, "duplicate-resource");
    assert!(
        line.starts_with("warning[duplicate-resource]:")
            && line.contains("describe-instances.json: i-39f0d1445034b1351: instance `i-39f0d1445034b1351` is listed twice in `Reservations`, at `Reservations[0].Instances[0]` and at `Reservations[1].Instances[0]`: the first listing is kept"),
        "{line}"
    );
}

#[test]
fn lint_warns_default_acl_assumed_for_a_subnet_no_acl_lists() {
    let dir = copy_fixture_dir(MOTO);
    edit_json(&dir.path().join("describe-network-acls.json"), |v| {
        let acl = v["NetworkAcls"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|a| a["NetworkAclId"] == "acl-91bf18344680d34c4")
            .unwrap();
        acl["Associations"] = serde_json::json!([]);
    });
    let (code, stdout, stderr) = lint_path(dir.path());
    assert_eq!(code, 0, "{stdout}{stderr}");
    let line = finding(&stdout, "default-acl-assumed");
    assert!(
        line.starts_with("warning[default-acl-assumed]:")
            && line.contains("describe-subnets.json: subnet-1aaab60a9713a596f: subnet `subnet-1aaab60a9713a596f` is associated with no network ACL in the snapshot: the default network ACL `acl-e987b45719fc1329a` of vpc `vpc-c09e3741728414933` is assumed (NACL-1)"),
        "{line}"
    );
}

#[test]
fn lint_says_out_of_range_with_the_range_for_spec_integers_too_large_or_outside_it() {
    let acl = |entry: &str| format!("{VPC}\n[network_acl.web]\nvpc = \"lab\"\ninbound = [{{ {entry} }}]\n");
    for (entry, expected) in [
        (
            "rule = 99999999999999999999, protocol = \"tcp\", ports = \"443\", cidr = \"0.0.0.0/0\", action = \"allow\"",
            "`rule` is 99999999999999999999, which is out of range: rule numbers run from 1 to 32766",
        ),
        (
            "rule = 100, protocol = \"tcp\", ports = 70000, cidr = \"0.0.0.0/0\", action = \"allow\"",
            "`ports` is 70000, which is out of range: ports run from 0 to 65535",
        ),
        (
            "rule = 100, protocol = \"tcp\", ports = \"1024-70000\", cidr = \"0.0.0.0/0\", action = \"allow\"",
            "`ports` is \"1024-70000\", which is out of range: ports run from 0 to 65535",
        ),
        (
            "rule = 100, protocol = \"tcp\", ports = 99999999999999999999, cidr = \"0.0.0.0/0\", action = \"allow\"",
            "`ports` is 99999999999999999999, which is out of range: ports run from 0 to 65535",
        ),
        (
            "rule = 100, protocol = 99999999999999999999, cidr = \"0.0.0.0/0\", action = \"allow\"",
            "`protocol` is 99999999999999999999, which is out of range: a protocol number is 0 to 255, or -1 for all",
        ),
        (
            "rule = 100, protocol = \"icmp\", icmp_type = 99999999999999999999, cidr = \"0.0.0.0/0\", action = \"allow\"",
            "`icmp_type` is 99999999999999999999, which is out of range: it must be -1 (all) or 0 to 255",
        ),
    ] {
        let (code, stdout, _) = lint_inline(&acl(entry));
        assert_eq!(code, 2, "{entry}: {stdout}");
        let line = finding(&stdout, "invalid-value");
        assert!(line.contains("spec.toml:6:") && line.contains(": acl-web: "), "{line}");
        assert!(line.contains(expected), "{entry}: {line}");
        assert!(!line.contains("must be an integer"), "{line}");
    }
    let (code, stdout, _) = lint_inline(
        "[vpc.lab]\ncidr = \"10.0.0.0/16\"\n\n[prefix_list.office]\nowner = \"customer\"\naddress_family = \"IPv4\"\nmax_entries = 99999999999999999999\n",
    );
    assert_eq!(code, 2, "{stdout}");
    assert!(
        finding(&stdout, "invalid-value")
            .contains("`max_entries` is 99999999999999999999, which is out of range: it must be 0 to 4294967295"),
        "{stdout}"
    );
}

#[cfg(unix)]
#[test]
fn lint_names_a_describe_file_that_is_a_symlink_loop_and_exits_2() {
    let dir = copy_fixture_dir(MOTO);
    // `a.json -> b.json -> a.json`, beside the sample's real files.
    std::os::unix::fs::symlink("b.json", dir.path().join("a.json")).unwrap();
    std::os::unix::fs::symlink("a.json", dir.path().join("b.json")).unwrap();
    let (code, stdout, stderr) = lint_path(dir.path());
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    let shown = dir.path().join("a.json").display().to_string();
    assert!(
        stderr.contains(&format!(
            "{shown}: cannot read: it is a symbolic link that does not lead to a file"
        )),
        "{stderr}"
    );
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

#[test]
fn an_input_without_a_vpc_is_an_error_saying_what_was_expected() {
    // #12 item 4: an empty spec, unrelated JSON (a file or a directory of it), a Terraform
    // document with no `aws_vpc`, an empty directory.
    let dir = tempfile::tempdir().unwrap();
    let empty_spec = dir.path().join("empty.toml");
    std::fs::write(&empty_spec, "").unwrap();
    let unrelated_dir = dir.path().join("unrelated");
    std::fs::create_dir(&unrelated_dir).unwrap();
    let unrelated = unrelated_dir.join("x.json");
    std::fs::write(&unrelated, r#"{"foo": 1}"#).unwrap();
    let tf = dir.path().join("tf.json");
    std::fs::write(
        &tf,
        r#"{"format_version": "1.0", "terraform_version": "1.5.0", "values": {"root_module": {}}}"#,
    )
    .unwrap();
    for input in [&empty_spec, &unrelated, &unrelated_dir, &tf] {
        vpcverify()
            .arg("lint")
            .arg(input)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(format!(
                "{}: no VPC in the input: expected `aws ec2 describe-*` outputs",
                input.display()
            )));
    }
    let empty_dir = dir.path().join("empty");
    std::fs::create_dir(&empty_dir).unwrap();
    vpcverify()
        .arg("lint")
        .arg(&empty_dir)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "holds no `*.json` file (expected `aws ec2 describe-*` output)",
        ));
    // An unsupported Terraform format version is an error too (it was before).
    let v9 = dir.path().join("v9.json");
    std::fs::copy(path("tests/fixtures/terraform/seed-lab.state.json"), &v9).unwrap();
    edit_json(&v9, |v| v["format_version"] = "9.0".into());
    vpcverify()
        .arg("lint")
        .arg(&v9)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "unsupported Terraform JSON `format_version` 9.0",
        ));
}

#[test]
fn a_snapshot_without_describe_network_acls_is_a_lint_error_naming_the_command_and_stops_queries() {
    let dir = copy_fixture_dir(MOTO);
    std::fs::remove_file(dir.path().join("describe-network-acls.json")).unwrap();
    vpcverify()
        .arg("lint")
        .arg(dir.path())
        .assert()
        .code(2)
        .stdout(predicates::str::contains("error[missing-network-acls]"))
        .stdout(predicates::str::contains(
            "add the output of `aws ec2 describe-network-acls`",
        ));
    // A question over it is not answered (exit 2), never a proof.
    let subnet = {
        let l = vpcverify::ingest::load(dir.path()).unwrap();
        l.network.subnets.keys().next().unwrap().to_string()
    };
    vpcverify()
        .arg("query")
        .arg(dir.path())
        .args(["--from", "internet", "--to", &subnet, "--port", "22"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("missing-network-acls"));
}
