//! AWS's published IP ranges as the entries of the AWS-managed S3 and DynamoDB prefix lists the
//! input names without entries (SEMANTICS.md §6): the shipped copy, `--aws-ip-ranges FILE`, the
//! input winning over both, the `lint` line naming the source and its date, bad files.

use crate::common::*;
use vpcverify::ingest::{self, LoadOptions, ip_ranges::IpRanges};
use vpcverify::model::{Cidr, EntriesSource, IpFamily, PrefixListId};

const PLAN: &str = "tests/fixtures/terraform/seed-lab.plan.json";
const MERGED: &str = "tests/fixtures/aws/merged.json";
/// The Terraform plan's synthesised list: the endpoint's `prefix_list_id`, unknown until apply.
const PLAN_LIST: &str = "aws_vpc_endpoint.s3.prefix_list_id";

/// The seed-lab plan without `prior_state` (where the `aws_prefix_list` data source's CIDRs are):
/// the S3 endpoint's list is named, its entries are not in the input.
fn plan_without_entries(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let file = dir.path().join("plan.json");
    std::fs::copy(path(PLAN), &file).unwrap();
    edit_json(&file, |v| {
        v.as_object_mut().unwrap().remove("prior_state");
    });
    file
}

fn shipped_us_east_1_s3() -> Vec<Cidr> {
    IpRanges::shipped()
        .unwrap()
        .prefixes("us-east-1", "S3", IpFamily::V4)
        .unwrap()
        .to_vec()
}

/// A small `ip-ranges.json` with one S3 prefix in `region`.
fn ranges_file(dir: &tempfile::TempDir, region: &str) -> std::path::PathBuf {
    let file = dir.path().join("ip-ranges.json");
    std::fs::write(
        &file,
        format!(
            r#"{{"syncToken": "1900000000", "createDate": "2030-03-17-12-00-00",
                "prefixes": [
                  {{"ip_prefix": "52.216.0.0/15", "region": "{region}", "service": "S3", "network_border_group": "{region}"}},
                  {{"ip_prefix": "3.5.0.0/19", "region": "{region}", "service": "EC2", "network_border_group": "{region}"}}
                ],
                "ipv6_prefixes": []}}"#
        ),
    )
    .unwrap();
    file
}

#[test]
fn a_plan_without_the_data_source_takes_the_s3_list_from_the_shipped_ranges() {
    let dir = tempfile::tempdir().unwrap();
    let l = ingest::load(&plan_without_entries(&dir)).unwrap();
    let pl = &l.network.prefix_lists[&PrefixListId::new(PLAN_LIST)];
    assert!(pl.entries_known);
    assert_eq!(pl.entries, shipped_us_east_1_s3());
    match &pl.entries_source {
        EntriesSource::AwsIpRanges { file, create_date, .. } => {
            assert_eq!(file, &None);
            assert_eq!(create_date, &IpRanges::shipped().unwrap().create_date);
        }
        other => panic!("{other:?}"),
    }
    // No longer a construct a query must answer unknown about.
    assert!(!l.network.unsupported.iter().any(|u| u.component == PLAN_LIST));
    let d = l
        .diagnostics
        .iter()
        .find(|d| d.code == "prefix-list-from-ip-ranges")
        .unwrap();
    assert_eq!(d.resource.as_deref(), Some(PLAN_LIST));
    assert!(d.message.contains("(com.amazonaws.us-east-1.s3)"), "{}", d.message);
    assert!(d.message.contains("(shipped with vpcverify)"), "{}", d.message);
}

#[test]
fn entries_in_the_input_win_over_the_ip_ranges() {
    // The full plan holds the `aws_prefix_list` data source's CIDRs in its prior state.
    let l = ingest::load(&path(PLAN)).unwrap();
    for pl in l.network.prefix_lists.values() {
        assert_eq!(pl.entries_source, EntriesSource::Input, "{}", pl.id);
    }
    assert!(!l.diagnostics.iter().any(|d| d.code.starts_with("prefix-list-")));
    // So does the merged snapshot (`describe-prefix-lists` prints `Cidrs`), even with a file given.
    let dir = tempfile::tempdir().unwrap();
    let opts = LoadOptions::with_ip_ranges(Some(&ranges_file(&dir, "us-east-1"))).unwrap();
    let l = ingest::load_with(&path(MERGED), &opts).unwrap();
    let pl = &l.network.prefix_lists[&PrefixListId::new("pl-0s3")];
    assert_eq!(pl.entries_source, EntriesSource::Input);
    assert_eq!(pl.entries.len(), 2);
}

#[test]
fn a_snapshot_without_prefix_lists_gets_the_endpoints_list_from_the_ranges() {
    // No `describe-prefix-lists` / `describe-managed-prefix-lists`: the gateway endpoint's route
    // names `pl-0s3`, and its service name says which list it is.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("snap.json");
    std::fs::copy(path(MERGED), &file).unwrap();
    edit_json(&file, |v| {
        let o = v.as_object_mut().unwrap();
        o.remove("PrefixLists");
        o.remove("ManagedPrefixLists");
    });
    let l = ingest::load(&file).unwrap();
    let pl = &l.network.prefix_lists[&PrefixListId::new("pl-0s3")];
    assert_eq!(pl.name, "com.amazonaws.us-east-1.s3");
    assert!(pl.entries_known);
    assert!(pl.provenance.implicit);
    assert_eq!(pl.entries, shipped_us_east_1_s3());
    let warnings = vpcverify::model::validate::validate(&l.network);
    assert!(
        !warnings
            .iter()
            .any(|d| d.code == "missing-prefix-list" && d.message.contains("pl-0s3")),
        "{warnings:?}"
    );
}

#[test]
fn lint_names_the_source_and_date_of_each_resolved_list() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_without_entries(&dir);
    let shipped = IpRanges::shipped().unwrap();
    let n = shipped_us_east_1_s3().len();
    vpcverify()
        .arg("lint")
        .arg(&plan)
        .assert()
        .code(0)
        .stdout(predicates::str::contains(format!(
            "warning[prefix-list-from-ip-ranges]: {}: {PLAN_LIST}: prefix list `{PLAN_LIST}` (com.amazonaws.us-east-1.s3): entries from AWS ip-ranges.json of {} (shipped with vpcverify), {n} prefixes",
            plan.display(),
            &shipped.create_date[..10],
        )));
    let ranges = ranges_file(&dir, "us-east-1");
    vpcverify()
        .arg("lint")
        .arg(&plan)
        .arg("--aws-ip-ranges")
        .arg(&ranges)
        .assert()
        .code(0)
        .stdout(predicates::str::contains(format!(
            "entries from AWS ip-ranges.json of 2030-03-17 (from `{}`), 1 prefixes",
            ranges.display()
        )));
}

#[test]
fn a_given_ranges_file_replaces_the_shipped_copy() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_without_entries(&dir);
    let ranges = ranges_file(&dir, "us-east-1");
    // The one prefix of the file is the list: the witness goes to it, through the endpoint.
    let out = vpcverify()
        .arg("query")
        .arg(&plan)
        .args([
            "--from",
            "aws_instance.db",
            "--to",
            "service:s3",
            "--port",
            "443",
            "--format",
            "json",
        ])
        .arg("--aws-ip-ranges")
        .arg(&ranges)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{json:#}");
    let dst: std::net::IpAddr = json["packet"]["dst_ip"].as_str().unwrap().parse().unwrap();
    assert!(Cidr::parse("52.216.0.0/15").unwrap().contains(&dst), "{dst}");
    // A file without the list's region leaves its entries unknown (no fallback to the shipped
    // copy): the questions whose paths cross the list answer unknown, as before, and lint says why.
    let other = dir.path().join("eu.json");
    std::fs::write(
        &other,
        r#"{"syncToken": "1", "createDate": "2030-03-17-12-00-00",
            "prefixes": [{"ip_prefix": "52.218.0.0/17", "region": "eu-west-1", "service": "S3"}]}"#,
    )
    .unwrap();
    vpcverify()
        .arg("query")
        .arg(&plan)
        .args(["--from", "aws_instance.db", "--to", "service:s3", "--port", "443"])
        .arg("--aws-ip-ranges")
        .arg(&other)
        .assert()
        .code(3);
    vpcverify()
        .arg("lint")
        .arg(&plan)
        .arg("--aws-ip-ranges")
        .arg(&other)
        .assert()
        .code(0)
        .stdout(predicates::str::contains(
            "lists no S3 V4 prefixes in region `us-east-1`: its entries stay unknown",
        ));
}

#[test]
fn a_bad_ranges_file_is_an_error_naming_it_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("not-ranges.json");
    std::fs::write(&bad, r#"{"Vpcs": []}"#).unwrap();
    let missing = dir.path().join("missing.json");
    let spec = path("specs/seed-lab.toml");
    let spec = spec.to_str().unwrap();
    let commands: [&[&str]; 4] = [
        &["lint", spec],
        &[
            "trace",
            spec,
            "--from",
            "web-server",
            "--to",
            "internet",
            "--port",
            "443",
        ],
        &[
            "query",
            spec,
            "--from",
            "web-server",
            "--to",
            "internet",
            "--port",
            "443",
        ],
        &["check", spec],
    ];
    for args in commands {
        for (file, says) in [
            (&bad, "not an AWS ip-ranges.json: missing `createDate`"),
            (&missing, "cannot read"),
        ] {
            vpcverify()
                .args(args)
                .arg("--aws-ip-ranges")
                .arg(file)
                .assert()
                .code(2)
                .stderr(predicates::str::contains(format!("{}: {says}", file.display())));
        }
    }
}
