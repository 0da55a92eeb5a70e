//! `vpcverify check` end to end: the bundled suites (the seed lab's fails by design on the
//! tutorial's bug), exit codes and their precedence, JUnit and SARIF counts and shape, bad suites,
//! the built-in rule pack (and what it does not flag that checkov does), proofs re-checked,
//! determinism under parallelism, and snapshots of what a person and a CI server read.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const SEED: &str = "specs/seed-lab.toml";

/// Runs `vpcverify check ARGS…` in the repository root; returns (exit code, stdout, stderr).
fn check(args: &[&str]) -> (i32, String, String) {
    let out = vpcverify()
        .arg("check")
        .args(args)
        .env_remove("CI")
        .current_dir(root())
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// `check ARGS… --format json`: (exit code, report).
fn check_json(args: &[&str]) -> (i32, Value) {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let (code, stdout, stderr) = check(&all);
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"));
    (code, json)
}

/// A suite file with `text` in a temp dir.
fn suite_file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("suite.toml");
    std::fs::write(&file, text).unwrap();
    (dir, file)
}

/// A copy of a bundled spec, edited, in a temp dir.
fn spec_with(base: &str, edit: impl Fn(String) -> String) -> (tempfile::TempDir, PathBuf) {
    let text = std::fs::read_to_string(path(base)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("spec.toml");
    let edited = edit(text.clone());
    assert_ne!(edited, text, "the edit changed nothing");
    std::fs::write(&file, edited).unwrap();
    (dir, file)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `(name, status)` of every result.
fn statuses(report: &Value) -> Vec<(String, String)> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_owned(),
                r["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn with_status(report: &Value, status: &str) -> Vec<String> {
    statuses(report)
        .into_iter()
        .filter(|(_, s)| s == status)
        .map(|(n, _)| n)
        .collect()
}

/// The value of attribute `attr` in the first `<tag …>` of `xml`.
fn xml_attr(xml: &str, tag: &str, attr: &str) -> String {
    let start = xml.find(&format!("<{tag} ")).unwrap();
    let open = &xml[start..start + xml[start..].find('>').unwrap()];
    let key = format!(" {attr}=\"");
    let at = open.find(&key).unwrap() + key.len();
    open[at..at + open[at..].find('"').unwrap()].to_owned()
}

/// JUnit XML with every `time="…"` replaced, for snapshots.
fn without_times(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(i) = rest.find(" time=\"") {
        out.push_str(&rest[..i]);
        out.push_str(" time=\"[time]\"");
        let after = &rest[i + 7..];
        rest = &after[after.find('"').unwrap() + 1..];
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------------------------
// The bundled suites.

#[test]
fn seed_lab_suite_fails_by_design_with_exactly_the_tutorials_bug() {
    let (code, v) = check_json(&[SEED, "proofs/seed-lab.toml"]);
    assert_eq!(code, 1);
    assert_eq!(
        with_status(&v, "violated"),
        vec!["database reaches the internet on https".to_owned()]
    );
    assert_eq!(v["summary"]["total"], 10);
    assert_eq!(v["summary"]["passed"], 9);
    assert_eq!(v["summary"]["failed"], 1);
    assert_eq!(v["summary"]["unknown"], 0);
    // The violated result embeds the query verdict, naming the public ACL's default rule.
    let bad = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "violated")
        .unwrap();
    assert_eq!(bad["expect"], "reachable");
    assert_eq!(bad["verdict"]["verdict"], "unreachable");
    assert_eq!(bad["verdict"]["query"]["from"], "db-server");
    assert_eq!(bad["verdict"]["blocked"][0]["id"], "acl-public-acl");
    assert_eq!(bad["verdict"]["blocked"][0]["rule"], "*");
    assert_eq!(bad["location"]["file"], "proofs/seed-lab.toml");
    assert_eq!(v["suite"]["name"], "seed-lab");
    assert_eq!(v["network"], SEED);
}

#[test]
fn a_suite_alone_runs_on_the_network_it_names() {
    let (code, v) = check_json(&["proofs/seed-lab.toml"]);
    assert_eq!(code, 1);
    assert_eq!(v["network"], SEED);
    assert_eq!(with_status(&v, "violated").len(), 1);
}

#[test]
fn the_fixed_seed_lab_passes_its_suite_and_the_network_argument_wins() {
    let (_dir, fixed) = spec_with(SEED, |t| {
        t.replace(
            r#"  { rule = 300, protocol = "tcp", ports = "22", cidr = "0.0.0.0/0", action = "allow" },
]"#,
            r#"  { rule = 300, protocol = "tcp", ports = "22", cidr = "0.0.0.0/0", action = "allow" },
  { rule = 400, protocol = "tcp", ports = "1024-65535", cidr = "0.0.0.0/0", action = "allow" },
]"#,
        )
    });
    let (code, stdout, stderr) = check(&[s(&fixed), "proofs/seed-lab.toml"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.ends_with("10 passed, 0 failed, 0 unknown\n"), "{stdout}");
    assert!(stderr.contains("the NETWORK argument wins"), "{stderr}");
    // The suite's own network gives no note.
    let (_, _, stderr) = check(&[SEED, "proofs/seed-lab.toml"]);
    assert!(!stderr.contains("wins"), "{stderr}");
}

#[test]
fn the_other_bundled_suites_hold() {
    for (suite, n) in [
        ("proofs/peering.toml", 7),
        ("proofs/nat-instance.toml", 6),
        ("proofs/ipv6-egress-only.toml", 6),
    ] {
        let (code, v) = check_json(&[suite]);
        assert_eq!(code, 0, "{suite}: {:?}", statuses(&v));
        assert_eq!(v["summary"]["passed"], n, "{suite}");
        assert_eq!(v["summary"]["total"], n, "{suite}");
    }
}

// ---------------------------------------------------------------------------------------------
// Counts in every format; exit codes and their precedence.

/// Five assertions on the seed lab, three of them violated.
const THREE_VIOLATED: &str = r#"
[[assert]]
name = "http open"
from = "internet"
to = "web-server"
port = 80
expect = "reachable"

[[assert]]
name = "ssh closed"
from = "internet"
to = "web-server"
port = 22
expect = "unreachable"

[[assert]]
name = "database isolated"
from = "internet"
to = "db-server"
protocol = "all"
expect = "unreachable"

[[assert]]
name = "database updates"
from = "db-server"
to = "internet"
port = 443
expect = "reachable"

[[assert]]
name = "https closed"
from = "internet"
to = "web-server"
port = 443
expect = "unreachable"
"#;

#[test]
fn known_violations_give_exit_1_and_as_many_junit_failures_and_sarif_results() {
    let (_dir, suite) = suite_file(THREE_VIOLATED);
    let (code, v) = check_json(&[SEED, s(&suite)]);
    assert_eq!(code, 1);
    assert_eq!(
        with_status(&v, "violated"),
        vec!["ssh closed", "database updates", "https closed"]
    );

    let (code, xml, _) = check(&[SEED, s(&suite), "--format", "junit"]);
    assert_eq!(code, 1);
    assert_eq!(xml_attr(&xml, "testsuites", "tests"), "5");
    assert_eq!(xml_attr(&xml, "testsuites", "failures"), "3");
    assert_eq!(xml_attr(&xml, "testsuites", "errors"), "0");
    assert_eq!(xml.matches("<failure ").count(), 3);
    assert_eq!(xml.matches("<testcase ").count(), 5);
    assert_eq!(xml_attr(&xml, "testcase", "classname"), "vpcverify.suite");

    let (code, sarif, _) = check(&[SEED, s(&suite), "--format", "sarif"]);
    assert_eq!(code, 1);
    let log: Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["runs"].as_array().unwrap().len(), 1);
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "vpcverify");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 5);
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    // Each result: a rule that exists, level error, a location at the assertion's line.
    let lines = [9, 23, 30];
    for (r, line) in results.iter().zip(lines) {
        let rule_id = r["ruleId"].as_str().unwrap();
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], rule_id);
        assert_eq!(r["level"], "error");
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(loc["artifactLocation"]["uri"].as_str().unwrap().ends_with("suite.toml"));
        assert_eq!(loc["region"]["startLine"], line, "{rule_id}");
        assert_eq!(
            r["partialFingerprints"]["vpcverifyFinding/v1"].as_str().unwrap().len(),
            32
        );
    }
    assert_eq!(results[0]["ruleId"], "suite/ssh-closed");
    assert!(
        results[0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("reachable: tcp "),
        "{}",
        results[0]["message"]
    );
    for rule in rules {
        let props = &rule["properties"];
        let sev: f64 = props["security-severity"].as_str().unwrap().parse().unwrap();
        assert!((0.0..=10.0).contains(&sev));
        assert!(props["tags"].as_array().unwrap().contains(&Value::from("security")));
        assert!(rule["shortDescription"]["text"].is_string());
    }
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn sarif_fingerprints_are_stable_across_runs_and_distinct_per_finding() {
    let (_dir, suite) = suite_file(THREE_VIOLATED);
    let fingerprints = || {
        let (_, sarif, _) = check(&[SEED, s(&suite), "--format", "sarif", "--jobs", "2"]);
        let log: Value = serde_json::from_str(&sarif).unwrap();
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["vpcverifyFinding/v1"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect::<Vec<_>>()
    };
    let first = fingerprints();
    assert_eq!(first, fingerprints());
    let mut unique = first.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 3);
}

#[test]
fn an_all_holding_suite_exits_0_with_no_failures_and_no_sarif_results() {
    let (_dir, suite) = suite_file(
        r#"
[[assert]]
name = "http open"
from = "internet"
to = "web-server"
port = 80
expect = "reachable"

[[assert]]
name = "database isolated"
from = "internet"
to = "db-server"
protocol = "all"
expect = "unreachable"
"#,
    );
    let (code, text, _) = check(&[SEED, s(&suite)]);
    assert_eq!(code, 0, "{text}");
    assert!(text.ends_with("2 passed, 0 failed, 0 unknown\n"), "{text}");
    let (code, xml, _) = check(&[SEED, s(&suite), "--format", "junit"]);
    assert_eq!(code, 0);
    assert_eq!(xml_attr(&xml, "testsuites", "failures"), "0");
    let (code, sarif, _) = check(&[SEED, s(&suite), "--format", "sarif"]);
    assert_eq!(code, 0);
    let log: Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 0);
    assert_eq!(log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap().len(), 2);
}

const TGW: &str = "tests/fixtures/check/tgw.toml";

const UNKNOWN: &str = r#"
[[assert]]
name = "app reaches the internet"
from = "app"
to = "internet"
port = 443
expect = "reachable"
"#;

const VIOLATED: &str = r#"
[[assert]]
name = "app and peer are isolated"
from = "app"
to = "peer"
protocol = "all"
expect = "unreachable"
"#;

const ERROR: &str = r#"
[[assert]]
name = "a typo"
from = "ap"
to = "peer"
expect = "unreachable"
"#;

#[test]
fn an_unknown_assertion_exits_3_and_is_a_junit_error_and_a_sarif_notification() {
    let (_dir, suite) = suite_file(UNKNOWN);
    let (code, v) = check_json(&[TGW, s(&suite)]);
    assert_eq!(code, 3);
    assert_eq!(with_status(&v, "unknown"), vec!["app reaches the internet"]);
    assert_eq!(v["results"][0]["verdict"]["unknown"][0]["id"], "tgw-tgw");
    let (_, xml, _) = check(&[TGW, s(&suite), "--format", "junit"]);
    assert_eq!(xml_attr(&xml, "testsuites", "errors"), "1");
    assert_eq!(xml_attr(&xml, "error", "type"), "unknown");
    let (_, sarif, _) = check(&[TGW, s(&suite), "--format", "sarif"]);
    let log: Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 0);
    let notes = &log["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(notes[0]["level"], "warning");
    assert!(notes[0]["message"]["text"].as_str().unwrap().contains("tgw-tgw"));
}

#[test]
fn exit_precedence_is_error_then_violated_then_unknown() {
    let (_d1, violated_and_unknown) = suite_file(&format!("{UNKNOWN}{VIOLATED}"));
    let (code, text, _) = check(&[TGW, s(&violated_and_unknown)]);
    assert_eq!(code, 1, "{text}");
    assert!(text.ends_with("0 passed, 1 failed, 1 unknown\n"), "{text}");

    let (_d2, all_three) = suite_file(&format!("{UNKNOWN}{VIOLATED}{ERROR}"));
    let (code, text, _) = check(&[TGW, s(&all_three)]);
    assert_eq!(code, 2, "{text}");
    assert!(text.ends_with("0 passed, 1 failed, 1 unknown, 1 error\n"), "{text}");
}

#[test]
fn an_endpoint_that_names_nothing_is_an_assertion_error_exit_2() {
    let (_dir, suite) = suite_file(&format!("{VIOLATED}{ERROR}"));
    let (code, text, _) = check(&[TGW, s(&suite)]);
    assert_eq!(code, 2);
    assert!(text.contains("ERROR     a typo\n"), "{text}");
    assert!(
        text.contains("suite.toml:9:1: no resource has the id or Name tag `ap`"),
        "{text}"
    );
    // Machine formats on stdout; the error also goes to stderr.
    let (code, xml, stderr) = check(&[TGW, s(&suite), "--format", "junit"]);
    assert_eq!(code, 2);
    assert_eq!(xml_attr(&xml, "testsuites", "errors"), "1");
    assert_eq!(xml_attr(&xml, "testsuites", "failures"), "1");
    assert!(
        stderr.contains("`a typo`: no resource has the id or Name tag `ap`"),
        "{stderr}"
    );
    let (_, sarif, _) = check(&[TGW, s(&suite), "--format", "sarif"]);
    let log: Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(log["runs"][0]["invocations"][0]["executionSuccessful"], false);
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Bad suites and bad usage: exit 2 with the file, line and column; never a panic.

#[test]
fn bad_suites_exit_2_naming_the_file_line_and_column() {
    let base =
        "[[assert]]\nname = \"a\"\nfrom = \"internet\"\nto = \"web-server\"\nport = 80\nexpect = \"reachable\"\n";
    let cases: Vec<(String, &str)> = vec![
        (base.replace("port = 80", "prot = 80"), ":5:1: unknown field `prot`"),
        (
            base.replace("\"reachable\"", "\"open\""),
            ":6:10: unknown variant `open`, expected `reachable` or `unreachable`",
        ),
        (base.replace("to = \"web-server\"\n", ""), ":1:1: missing field `to`"),
        (
            base.replace("port = 80", "port = 70000"),
            ":5:8: `port`: port 70000 is outside 0-65535",
        ),
        (
            base.replace("port = 80", "protocol = \"tcpp\""),
            ":5:12: `protocol`: invalid protocol `tcpp`",
        ),
        (
            format!("{base}{base}"),
            ":8:8: duplicate assertion name `a` (first at line 2)",
        ),
        (
            "network = \"x\"\n".to_owned(),
            ":1:1: the suite has no `[[assert]]` table",
        ),
        (base.replace("[[assert]]", "[[assert]"), ":1:"),
        (base.replace("\"a\"", "\"\""), ":2:8: `name` is empty"),
    ];
    for (text, want) in cases {
        let (_dir, suite) = suite_file(&text);
        let (code, stdout, stderr) = check(&[SEED, s(&suite)]);
        assert_eq!(code, 2, "{text}\n{stderr}");
        assert!(stdout.is_empty(), "{stdout}");
        let want = format!("{}{want}", suite.display());
        assert!(stderr.contains(&want), "want {want}\ngot {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn usage_errors_exit_2_with_a_way_out() {
    let (code, _, stderr) = check(&[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("`vpcverify check NETWORK --builtin`"), "{stderr}");
    // A suite without `network` needs NETWORK.
    let (_dir, suite) = suite_file(THREE_VIOLATED);
    let (code, _, stderr) = check(&[s(&suite)]);
    assert_eq!(code, 2);
    assert!(stderr.contains("names no `network`"), "{stderr}");
    // A network alone is read as a suite: say how to run the built-in rules instead.
    let (code, _, stderr) = check(&[SEED]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("specs/seed-lab.toml:") && stderr.contains("unknown field `"),
        "{stderr}"
    );
    assert!(stderr.contains("was read as a suite"), "{stderr}");
    let (code, _, _) = check(&[SEED, "proofs/missing.toml"]);
    assert_eq!(code, 2);
    let (code, _, _) = check(&[SEED, "proofs/seed-lab.toml", "--jobs", "0"]);
    assert_eq!(code, 2);
}

// ---------------------------------------------------------------------------------------------
// The built-in rule pack.

/// `(rule id, assertion name)` of the violated results.
fn violated_rules(v: &Value) -> Vec<(String, String)> {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "violated")
        .map(|r| {
            (
                r["rule"]["id"].as_str().unwrap().to_owned(),
                r["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn builtin_finds_ssh_from_the_internet_on_the_seed_lab_with_witnesses() {
    let (code, v) = check_json(&[SEED, "--builtin"]);
    assert_eq!(code, 1);
    assert_eq!(
        violated_rules(&v),
        vec![
            (
                "VPCV-001".to_owned(),
                "VPCV-001 no ssh (tcp 22) from the internet to eni-nat-instance".to_owned()
            ),
            (
                "VPCV-001".to_owned(),
                "VPCV-001 no ssh (tcp 22) from the internet to eni-web-server".to_owned()
            ),
            // Issue 24: port 22 is not an authorised port (EC2.18).
            (
                "VPCV-008".to_owned(),
                "VPCV-008 no unauthorised port (tcp 0-79) from the internet to eni-nat-instance".to_owned()
            ),
            (
                "VPCV-008".to_owned(),
                "VPCV-008 no unauthorised port (tcp 0-79) from the internet to eni-web-server".to_owned()
            ),
            // Issue 24: configuration facts.
            (
                "VPCV-009".to_owned(),
                "VPCV-009 default group sg-lab-default of vpc-lab has no rules".to_owned()
            ),
            (
                "VPCV-010".to_owned(),
                "VPCV-010 subnet subnet-public assigns no public address on launch".to_owned()
            ),
        ]
    );
    for r in v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "violated" && r["rule"]["id"] == "VPCV-001")
    {
        let packet = &r["verdict"]["packet"];
        assert_eq!(packet["dst_port"], 22);
        assert_eq!(r["verdict"]["path"][1]["id"], "igw-lab-igw");
        assert!(r["verdict"]["return_path"].as_array().unwrap().len() > 1);
        assert_eq!(
            r["rule"]["refines"],
            serde_json::json!(["CKV_AWS_24", "AVD-AWS-0107", "CKV_AWS_232"])
        );
        // Located at the instance in the spec.
        assert_eq!(r["location"]["file"], SEED);
    }
    // Three interfaces (the NAT gateway's does not count): 1 + 2 + 9 + 18 (VPCV-007) + 6
    // (VPCV-008) per interface, one private subnet, and the configuration facts: one default
    // group, two subnets; VPCV-011: 6 for the one interface of the private subnet (held: the
    // public subnet's ACL stops every port but 80 and 443); VPCV-012: one VPC, none asked;
    // VPCV-013: one VPC (unknown: a spec lists no flow logs).
    assert_eq!(v["summary"]["total"], 3 * 36 + 1 + 1 + 2 + 6 + 1);
    let rules: Vec<String> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"]["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(rules.windows(2).all(|w| w[0] <= w[1]), "grouped by rule: {rules:?}");
    assert!(rules.contains(&"VPCV-005".to_owned()));
}

#[test]
fn builtin_a_group_open_to_the_internet_on_22_without_a_path_is_not_a_finding() {
    // checkov's CKV_AWS_24 fires on sg-WebDMZ (tcp 22 from 0.0.0.0/0) in each of these; the
    // built-in VPCV-001 does not, because no packet from the internet gets there.
    //
    // 1. The public ACL no longer admits 22: the group is still open, the path is not.
    let (_d1, no_acl_22) = spec_with(SEED, |t| {
        t.replace(
            "  { rule = 300, protocol = \"tcp\", ports = \"22\", cidr = \"0.0.0.0/0\", action = \"allow\" },\n]",
            "]",
        )
    });
    let spec = std::fs::read_to_string(&no_acl_22).unwrap();
    assert!(spec.contains("{ protocol = \"tcp\", ports = \"22\", from = \"0.0.0.0/0\" }"));
    // (The configuration facts VPCV-009, VPCV-010 and VPCV-013 hold or not whatever the paths:
    // left out.)
    let (code, v) = check_json(&[s(&no_acl_22), "--builtin", "--skip", "VPCV-009,VPCV-010,VPCV-013"]);
    assert_eq!(code, 0, "{:?}", violated_rules(&v));
    assert!(
        statuses(&v).contains(&(
            "VPCV-001 no ssh (tcp 22) from the internet to eni-web-server".to_owned(),
            "held".to_owned()
        )),
        "{:?}",
        statuses(&v)
    );
    // 2. The database server moves into WebDMZ (open to 22 from anywhere) but stays in the
    //    private subnet, which has no route from the internet.
    let (_d2, db_in_webdmz) = spec_with(SEED, |t| {
        t.replace(
            "private_ip = \"10.0.2.140\"\ngroups = [\"DBSG\"]",
            "private_ip = \"10.0.2.140\"\ngroups = [\"WebDMZ\"]",
        )
    });
    let (_, v) = check_json(&[s(&db_in_webdmz), "--builtin", "--skip", "VPCV-009,VPCV-010"]);
    assert!(
        statuses(&v).contains(&(
            "VPCV-001 no ssh (tcp 22) from the internet to eni-db-server".to_owned(),
            "held".to_owned()
        )),
        "{:?}",
        statuses(&v)
    );
    // Only the public instances' SSH is found (VPCV-001, and VPCV-008 for the same port), as on
    // the unedited lab.
    assert_eq!(violated_rules(&v).len(), 4, "{:?}", violated_rules(&v));
}

#[test]
fn builtin_default_group_members_reachable_from_each_other_are_found() {
    // On the NAT-instance stage, put the database and the app server in the VPC's default group
    // (no `groups`): it admits all traffic from its own members (SG-3), and the default ACLs
    // allow everything, so each reaches the other.
    let (_dir, spec) = spec_with("specs/nat-instance.toml", |t| t.replace("groups = [\"DBSG\"]\n", ""));
    let (code, v) = check_json(&[s(&spec), "--builtin"]);
    assert_eq!(code, 1);
    let found: Vec<String> = violated_rules(&v)
        .into_iter()
        .filter(|(id, _)| id == "VPCV-004")
        .map(|(_, n)| n)
        .collect();
    assert_eq!(
        found,
        // The two are in different subnets: each is reached from the other's subnet (the
        // witness comes from the other server).
        vec![
            "VPCV-004 nothing from subnet subnet-private to eni-app-server in default group sg-lab-default",
            "VPCV-004 nothing from subnet subnet-private-b to eni-db-server in default group sg-lab-default",
        ]
    );
    let witness = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["name"] == "VPCV-004 nothing from subnet subnet-private to eni-app-server in default group sg-lab-default"
        })
        .unwrap();
    assert_eq!(witness["verdict"]["packet"]["src_ip"], "10.0.2.140");
    // The public subnet's instances are not in the group: nothing from there.
    assert!(
        statuses(&v).contains(&(
            "VPCV-004 nothing from subnet subnet-public to eni-app-server in default group sg-lab-default".to_owned(),
            "held".to_owned()
        )),
        "{:?}",
        statuses(&v)
    );
    // Nothing from the internet reaches them.
    let from_internet: Vec<(String, String)> = statuses(&v)
        .into_iter()
        .filter(|(n, _)| n.starts_with("VPCV-004 nothing from the internet"))
        .collect();
    assert_eq!(from_internet.len(), 2);
    assert!(from_internet.iter().all(|(_, s)| s == "held"), "{from_internet:?}");
}

#[test]
fn builtin_default_group_member_its_neighbours_cannot_reach_holds() {
    // On the NAT-instance stage, the web server alone joins the VPC's default group (no
    // `groups`): the group admits only its own members (SG-3), and its neighbours in the public
    // subnet (the two NAT instances) are not members. Asked from the other interfaces of its
    // subnet, nothing reaches it: its packets to its own address never leave it (J25).
    let (_dir, spec) = spec_with("specs/nat-instance.toml", |t| {
        t.replacen("groups = [\"WebDMZ\"]\n", "", 1)
    });
    let (_, v) = check_json(&[s(&spec), "--builtin", "--builtin-rules", "VPCV-004"]);
    assert_eq!(
        statuses(&v),
        vec![
            (
                "VPCV-004 nothing from the internet to eni-web-server in default group sg-lab-default".to_owned(),
                "held".to_owned()
            ),
            (
                "VPCV-004 nothing from subnet subnet-private to eni-web-server in default group sg-lab-default".to_owned(),
                "held".to_owned()
            ),
            (
                "VPCV-004 nothing from subnet subnet-private-b to eni-web-server in default group sg-lab-default".to_owned(),
                "held".to_owned()
            ),
            (
                "VPCV-004 nothing from the other interfaces of subnet subnet-public to eni-web-server in default group sg-lab-default"
                    .to_owned(),
                "held".to_owned()
            ),
        ]
    );
}

#[test]
fn builtin_default_group_finding_from_the_internet_is_its_witness_unless_prefixes_are_trusted() {
    // The web server is in the VPC's default group, which admits SSH from one office /24.
    let (_dir, spec) = spec_with("specs/nat-instance.toml", |t| {
        t.replacen("groups = [\"WebDMZ\"]\n", "groups = [\"lab-default\"]\n", 1)
            + "\n[security_group.lab-default]\nvpc = \"lab\"\ndefault = true\n\
               ingress = [{ protocol = \"tcp\", ports = \"22\", from = \"81.2.69.0/24\" }]\n"
    });
    let name = "VPCV-004 nothing from the internet to eni-web-server in default group sg-lab-default";
    let (code, v) = check_json(&[s(&spec), "--builtin", "--builtin-rules", "VPCV-004"]);
    assert_eq!(code, 1);
    let r = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap();
    assert_eq!(r["status"], "violated");
    assert_eq!(r["verdict"]["packet"]["dst_port"], 22);
    assert!(
        r["verdict"]["packet"]["src_ip"]
            .as_str()
            .unwrap()
            .starts_with("81.2.69."),
        "{r}"
    );
    // Not an exposure rule: no search for the prefixes that reach, no severity from them.
    assert!(r.get("exposure").is_none(), "{r}");
    assert!(r.get("severity").is_none(), "{r}");
    // Trusting the office's prefix leaves no other source: the finding holds (EXP-2).
    let (_, v) = check_json(&[
        s(&spec),
        "--builtin",
        "--builtin-rules",
        "VPCV-004",
        "--trusted",
        "81.2.69.0/24",
    ]);
    assert!(
        statuses(&v).contains(&(name.to_owned(), "held".to_owned())),
        "{:?}",
        statuses(&v)
    );
}

#[test]
fn builtin_finds_the_one_way_ipv6_path_into_the_private_subnet() {
    let (code, v) = check_json(&["specs/ipv6-egress-only.toml", "--builtin"]);
    assert_eq!(code, 1);
    assert_eq!(
        violated_rules(&v),
        vec![
            (
                "VPCV-005".to_owned(),
                "VPCV-005 no packet from the internet into private subnet subnet-private".to_owned()
            ),
            (
                "VPCV-009".to_owned(),
                "VPCV-009 default group sg-dual-default of vpc-dual has no rules".to_owned()
            ),
            (
                "VPCV-010".to_owned(),
                "VPCV-010 subnet subnet-public assigns no public address on launch".to_owned()
            ),
            // Issue 24: the private subnet's app server gets out over IPv6 through the
            // egress-only gateway on the ports above 443.
            (
                "VPCV-011".to_owned(),
                "VPCV-011 no egress on an unauthorised port (tcp 444-65535) from eni-app to the internet".to_owned()
            ),
        ]
    );
}

#[test]
fn builtin_and_a_suite_together_make_one_report() {
    let (code, v) = check_json(&[SEED, "proofs/seed-lab.toml", "--builtin"]);
    assert_eq!(code, 1);
    // The pack: 112 before issue 24's deliverable 3, VPCV-011's six on the database server, and
    // VPCV-013 on the one VPC (unknown: the spec lists no flow logs).
    assert_eq!(v["summary"]["total"], 10 + 112 + 6 + 1);
    assert_eq!(v["summary"]["failed"], 1 + 6);
    let (_, sarif, _) = check(&[SEED, "proofs/seed-lab.toml", "--builtin", "--format", "sarif"]);
    let log: Value = serde_json::from_str(&sarif).unwrap();
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["rules"].as_array().unwrap().len(), 10 + 15);
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 7);
    // A built-in finding points at the instance's line in the spec.
    let builtin = results.iter().find(|r| r["ruleId"] == "VPCV-001").unwrap();
    let loc = &builtin["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], SEED);
    let line = loc["region"]["startLine"].as_u64().unwrap() as usize;
    let spec = std::fs::read_to_string(path(SEED)).unwrap();
    assert!(
        spec.lines().nth(line - 1).unwrap().starts_with("[instance."),
        "line {line}"
    );
    let tags = &run["tool"]["driver"]["rules"][10]["properties"]["tags"];
    assert!(tags.as_array().unwrap().contains(&Value::from("CKV_AWS_24")), "{tags}");
}

// ---------------------------------------------------------------------------------------------
// Proofs, parallelism, --output.

#[test]
fn emit_proofs_writes_a_proof_per_holding_unreachable_assertion_and_each_rechecks() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("proofs");
    let (code, _, stderr) = check(&[SEED, "proofs/seed-lab.toml", "--emit-proofs", s(&out)]);
    assert_eq!(code, 1);
    assert!(stderr.contains("wrote 3 SMT-LIB2 proofs"), "{stderr}");
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            "database-never-reachable-from-the-internet.smt2",
            "no-packet-from-the-internet-enters-the-private-subnet.smt2",
            "web-server-is-closed-on-other-ports.smt2",
        ]
    );
    for name in names {
        let text = std::fs::read_to_string(out.join(&name)).unwrap();
        assert!(text.contains("(check-sat)"), "{name}");
        assert_eq!(vpcverify::smt::recheck_proof(&text), Ok(true), "{name}");
    }
}

#[test]
fn reports_are_the_same_whatever_the_number_of_jobs() {
    let (c1, one, _) = check(&[SEED, "proofs/seed-lab.toml", "--builtin", "--jobs", "1"]);
    let (c2, two, _) = check(&[SEED, "proofs/seed-lab.toml", "--builtin", "--jobs", "2"]);
    let (c3, many, _) = check(&[SEED, "proofs/seed-lab.toml", "--builtin", "--jobs", "8"]);
    assert_eq!((c1, c2, c3), (1, 1, 1));
    assert_eq!(one, two);
    assert_eq!(one, many);
}

#[test]
fn output_writes_the_report_to_a_file_and_the_summary_to_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.xml");
    // `--quiet`: no progress lines (see `with_output_the_progress_lines_come_before_the_summary`).
    let (code, stdout, stderr) = check(&[
        "proofs/seed-lab.toml",
        "--format",
        "junit",
        "--output",
        s(&file),
        "--quiet",
    ]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty(), "{stdout}");
    let xml = std::fs::read_to_string(&file).unwrap();
    assert_eq!(xml_attr(&xml, "testsuites", "failures"), "1");
    assert_eq!(
        stderr,
        "VIOLATED  database reaches the internet on https (proofs/seed-lab.toml:73:1: expected reachable, got \
         unreachable)\n9 passed, 1 failed, 0 unknown\n"
    );
}

// ---------------------------------------------------------------------------------------------
// Snapshots of what a person and a CI server read.

const SMALL: &str = "tests/fixtures/check/small.toml";

#[test]
fn snapshot_small_suite_text() {
    let (code, text, _) = check(&[SMALL]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(text);
}

#[test]
fn snapshot_small_suite_junit() {
    let (code, xml, _) = check(&[SMALL, "--format", "junit"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(without_times(&xml));
}

#[test]
fn absolute_paths_under_the_working_directory_are_reported_relative() {
    let network = path(SEED);
    let suite = path("proofs/seed-lab.toml");
    let (code, sarif, _) = check(&[s(&network), s(&suite), "--builtin", "--format", "sarif"]);
    assert_eq!(code, 1);
    let log: Value = serde_json::from_str(&sarif).unwrap();
    let uris: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(uris, vec!["proofs/seed-lab.toml", SEED, SEED, SEED, SEED, SEED, SEED]);
}

// ---------------------------------------------------------------------------------------------
// Budgets: per assertion (`--timeout`, the suite's `timeout`) and for the whole run
// (`--total-timeout`, the suite's `total_timeout`). A budget that runs out makes an assertion
// unknown, never a verdict that was not proved; no test here asserts a duration.

/// Four assertions on the seed lab that hold, `copies` times over (names suffixed `#1`, `#2`, …),
/// after the suite-level `keys`.
fn holding_suite(keys: &str, copies: usize) -> String {
    let mut text = format!("{keys}\n");
    for i in 1..=copies {
        text.push_str(&format!(
            r#"
[[assert]]
name = "http open #{i}"
from = "internet"
to = "web-server"
port = 80
expect = "reachable"

[[assert]]
name = "database isolated #{i}"
from = "internet"
to = "db-server"
protocol = "all"
expect = "unreachable"

[[assert]]
name = "database updates blocked #{i}"
from = "db-server"
to = "internet"
port = 443
expect = "unreachable"

[[assert]]
name = "private subnet closed #{i}"
from = "internet"
to = "subnet-private"
protocol = "all"
one_way = true
expect = "unreachable"
"#
        ));
    }
    text
}

/// The names of a suite's assertions, in file order.
fn names_in(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .map(|l| l.trim_end_matches('"').to_owned())
        .collect()
}

/// Checks a run under a budget against the same suite's run without one: the same assertions in
/// the same (suite) order, each with the untimed status or unknown; every unknown says which
/// budget ran out (its cause `budget` reason contains `why`). Returns how many are unknown.
fn only_unknowns_added(untimed: &Value, timed: &Value, why: &str) -> usize {
    let before = statuses(untimed);
    let after = statuses(timed);
    assert_eq!(
        before.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        after.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        "the report keeps the suite's order"
    );
    let mut unknown = 0;
    for ((name, was), (r, (_, now))) in before
        .iter()
        .zip(timed["results"].as_array().unwrap().iter().zip(&after))
    {
        if now == "unknown" {
            unknown += 1;
            let causes = r["verdict"]["unknown"].as_array().unwrap();
            assert!(
                causes
                    .iter()
                    .any(|c| c["id"] == "budget" && c["reason"].as_str().unwrap().contains(why)),
                "{name}: {causes:?}"
            );
            assert!(
                r["verdict"].get("packet").is_none(),
                "{name}: an unknown has no witness"
            );
        } else {
            assert_eq!(
                now, was,
                "{name}: a budget may make an assertion unknown, never change its verdict"
            );
        }
    }
    unknown
}

#[test]
fn a_spent_total_budget_leaves_the_rest_unknown_naming_it_and_exits_3() {
    let text = holding_suite("", 8);
    let (_dir, suite) = suite_file(&text);
    let (code, untimed) = check_json(&[SEED, s(&suite)]);
    assert_eq!(code, 0, "{:?}", statuses(&untimed));
    assert_eq!(untimed["summary"]["passed"], 32);
    assert_eq!(
        statuses(&untimed).into_iter().map(|(n, _)| n).collect::<Vec<_>>(),
        names_in(&text)
    );

    // 1 ms for 32 questions: most are never asked.
    for jobs in ["1", "2"] {
        let (code, timed) = check_json(&[SEED, s(&suite), "--total-timeout", "1ms", "--jobs", jobs]);
        assert_eq!(code, 3, "{:?}", statuses(&timed));
        let unknown = only_unknowns_added(&untimed, &timed, "the suite's total budget of 1ms ran out");
        assert!(unknown > 0);
        assert_eq!(timed["summary"]["unknown"], unknown);
        assert_eq!(timed["summary"]["failed"], 0);
        // The last assertion was not answered, and says so.
        let last = timed["results"].as_array().unwrap().last().unwrap();
        assert_eq!(last["status"], "unknown");
        assert_eq!(
            last["verdict"]["unknown"][0]["reason"],
            "the suite's total budget of 1ms ran out before this assertion was answered"
        );
        assert_eq!(last["verdict"]["query"]["from"], "internet");
        assert_eq!(last["verdict"]["query"]["to"], "subnet-private");
    }

    // JUnit and text say the same: unknown assertions are errors naming the budget.
    let (code, xml, _) = check(&[SEED, s(&suite), "--total-timeout", "1ms", "--format", "junit"]);
    assert_eq!(code, 3);
    assert!(xml.contains("total budget of 1ms"), "{xml}");
    let (code, text_report, _) = check(&[SEED, s(&suite), "--total-timeout", "1ms"]);
    assert_eq!(code, 3);
    assert!(
        text_report.contains("UNKNOWN   private subnet closed #8\n"),
        "{text_report}"
    );
    assert!(text_report.contains("total budget of 1ms ran out"), "{text_report}");

    // A generous total changes nothing.
    let (code, roomy) = check_json(&[SEED, s(&suite), "--total-timeout", "1h"]);
    assert_eq!(code, 0);
    assert_eq!(statuses(&roomy), statuses(&untimed));
}

#[test]
fn a_spent_total_budget_never_hides_a_violation_it_did_find() {
    // Violations first: whatever gets answered before the total runs out keeps its verdict.
    let (_dir, suite) = suite_file(&format!("{THREE_VIOLATED}{}", holding_suite("", 4)));
    let (code, untimed) = check_json(&[SEED, s(&suite)]);
    assert_eq!(code, 1);
    let (code, timed) = check_json(&[SEED, s(&suite), "--total-timeout", "1ms"]);
    let unknown = only_unknowns_added(&untimed, &timed, "the suite's total budget of 1ms ran out");
    assert!(unknown > 0);
    let violated = with_status(&timed, "violated").len();
    assert_eq!(code, if violated > 0 { 1 } else { 3 });
}

#[test]
fn the_suites_total_timeout_is_honoured_and_the_command_line_wins() {
    let text = holding_suite("total_timeout = \"1ms\"", 8);
    let (_dir, suite) = suite_file(&text);
    let (code, untimed) = check_json(&[SEED, s(&suite), "--total-timeout", "none"]);
    assert_eq!(
        code,
        0,
        "--total-timeout none wins over the suite's key: {:?}",
        statuses(&untimed)
    );
    let (code, timed) = check_json(&[SEED, s(&suite)]);
    assert_eq!(code, 3);
    assert!(only_unknowns_added(&untimed, &timed, "the suite's total budget of 1ms ran out") > 0);
    let (code, _) = check_json(&[SEED, s(&suite), "--total-timeout", "10m"]);
    assert_eq!(code, 0);
}

#[test]
fn the_suites_timeout_is_each_assertions_budget_and_the_command_line_wins() {
    // 1 ms per assertion: too little for a question from the internet.
    let text = holding_suite("timeout = \"1ms\"", 2);
    let (_dir, suite) = suite_file(&text);
    let (code, untimed) = check_json(&[SEED, s(&suite), "--timeout", "none"]);
    assert_eq!(
        code,
        0,
        "--timeout none wins over the suite's key: {:?}",
        statuses(&untimed)
    );
    let (code, timed) = check_json(&[SEED, s(&suite)]);
    assert_eq!(code, 3, "{:?}", statuses(&timed));
    assert!(only_unknowns_added(&untimed, &timed, "the budget of 1ms ran out") > 0);
    let (code, _) = check_json(&[SEED, s(&suite), "--timeout", "1m"]);
    assert_eq!(code, 0);
    // The same budget from the command line.
    let (_dir2, plain) = suite_file(&holding_suite("", 2));
    let (code, timed) = check_json(&[SEED, s(&plain), "--timeout", "1ms"]);
    assert_eq!(code, 3, "{:?}", statuses(&timed));
    assert!(only_unknowns_added(&untimed, &timed, "the budget of 1ms ran out") > 0);
}

#[test]
fn bad_budgets_are_usage_or_suite_errors_exit_2() {
    for args in [
        ["--timeout", "0"],
        ["--timeout", "0s"],
        ["--total-timeout", "0"],
        ["--timeout", "soon"],
        ["--total-timeout", "forever"],
    ] {
        let (code, stdout, stderr) = check(&[SEED, "proofs/seed-lab.toml", args[0], args[1]]);
        assert_eq!(code, 2, "{args:?}");
        assert!(stdout.is_empty(), "{stdout}");
        assert!(stderr.contains(args[0]) && stderr.contains(args[1]), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let (_, _, stderr) = check(&[SEED, "proofs/seed-lab.toml", "--timeout", "0"]);
    assert!(stderr.contains("zero budget") && stderr.contains("`none`"), "{stderr}");

    let base = holding_suite("", 1);
    for (keys, want) in [
        ("timeout = \"soon\"", ":1:11: `timeout`: `soon` is not a duration"),
        ("timeout = 0", ":1:11: `timeout`: `0` is a zero budget"),
        (
            "name = \"x\"\ntotal_timeout = \"0ms\"",
            ":2:17: `total_timeout`: `0ms` is a zero budget",
        ),
        (
            "total_timeout = true",
            ":1:17: `total_timeout`: expected a duration such as \"2s\"",
        ),
    ] {
        let (_dir, suite) = suite_file(&format!("{keys}{base}"));
        let (code, stdout, stderr) = check(&[SEED, s(&suite)]);
        assert_eq!(code, 2, "{keys}\n{stderr}");
        assert!(stdout.is_empty(), "{stdout}");
        let want = format!("{}{want}", suite.display());
        assert!(stderr.contains(&want), "want {want}\ngot {stderr}");
    }
}

// ---------------------------------------------------------------------------------------------
// Progress: one line per assertion on stderr as it finishes (stderr is not a terminal here).

/// `(done, total, status word, name)` of each progress line of `stderr`, in order.
fn progress(stderr: &str) -> Vec<(usize, usize, String, String)> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix('['))
        .map(|l| {
            let (count, rest) = l.split_once("] ").unwrap();
            let (done, total) = count.trim().split_once('/').unwrap();
            let (word, rest) = rest.split_once(' ').unwrap();
            let rest = rest.trim_start();
            let name = &rest[..rest.find(" (").unwrap()];
            assert!(rest[rest.find(" (").unwrap()..].starts_with(" ("), "{l}");
            (
                done.parse().unwrap(),
                total.parse().unwrap(),
                word.to_owned(),
                name.to_owned(),
            )
        })
        .collect()
}

/// The word the text report and the progress lines use for a JSON status.
fn word_of(status: &str) -> &'static str {
    match status {
        "held" => "ok",
        "violated" => "VIOLATED",
        "unknown" => "UNKNOWN",
        "error" => "ERROR",
        other => panic!("status {other}"),
    }
}

#[test]
fn each_assertion_is_written_to_stderr_as_it_finishes_and_the_report_keeps_suite_order() {
    let (_dir, suite) = suite_file(&format!("{THREE_VIOLATED}{}", holding_suite("", 2)));
    for jobs in ["1", "2", "4"] {
        let (code, stdout, stderr) = check(&[SEED, s(&suite), "--format", "json", "--jobs", jobs]);
        assert_eq!(code, 1);
        let report: Value = serde_json::from_str(&stdout).unwrap();
        let in_order = statuses(&report);
        // The report keeps the suite's order.
        let mut want = vec![
            "http open",
            "ssh closed",
            "database isolated",
            "database updates",
            "https closed",
        ];
        let more = names_in(&holding_suite("", 2));
        want.extend(more.iter().map(String::as_str));
        assert_eq!(in_order.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), want);
        // One line per assertion, numbered 1..=13 in the order written, each with its status.
        let lines = progress(&stderr);
        assert_eq!(lines.len(), 13, "{stderr}");
        for (i, (done, total, _, _)) in lines.iter().enumerate() {
            assert_eq!((*done, *total), (i + 1, 13), "{stderr}");
        }
        let mut seen: Vec<(String, String)> = lines.iter().map(|(_, _, w, n)| (n.clone(), w.clone())).collect();
        seen.sort();
        let mut expected: Vec<(String, String)> = in_order
            .iter()
            .map(|(n, st)| (n.clone(), word_of(st).to_owned()))
            .collect();
        expected.sort();
        assert_eq!(seen, expected, "{stderr}");
        // One worker answers in the suite's order.
        if jobs == "1" {
            let written: Vec<&str> = lines.iter().map(|(_, _, _, n)| n.as_str()).collect();
            assert_eq!(written, want);
        }
    }
    // What a violation's line says.
    let (_, _, stderr) = check(&[SEED, s(&suite), "--jobs", "1"]);
    let line = stderr.lines().find(|l| l.contains("ssh closed")).unwrap();
    assert!(line.starts_with("[ 2/13] VIOLATED  ssh closed ("), "{line}");
    // Issue 24: a violation from the internet says from where (EXP-1..3).
    assert!(
        line.ends_with("s): expected unreachable, got reachable, reachable from the whole internet (0.0.0.0/0)"),
        "{line}"
    );
    let line = stderr.lines().find(|l| l.contains("http open #1")).unwrap();
    assert!(line.starts_with("[ 6/13] ok        http open #1 ("), "{line}");
    assert!(line.ends_with("s)"), "{line}");
}

#[test]
fn progress_lines_of_unknown_and_error_assertions_say_why() {
    let (_dir, suite) = suite_file(&format!("{UNKNOWN}{VIOLATED}{ERROR}"));
    let (code, _, stderr) = check(&[TGW, s(&suite), "--jobs", "1"]);
    assert_eq!(code, 2);
    let words: Vec<String> = progress(&stderr).into_iter().map(|(_, _, w, _)| w).collect();
    assert_eq!(words, vec!["UNKNOWN", "VIOLATED", "ERROR"], "{stderr}");
    assert!(
        stderr.contains("app reaches the internet (") && stderr.contains("got unknown: tgw-tgw ("),
        "{stderr}"
    );
    assert!(stderr.contains("no resource has the id or Name tag `ap`"), "{stderr}");
}

#[test]
fn quiet_writes_no_progress() {
    let (_dir, suite) = suite_file(THREE_VIOLATED);
    let (code, stdout, stderr) = check(&[SEED, s(&suite), "--quiet"]);
    assert_eq!(code, 1);
    assert!(stderr.is_empty(), "{stderr}");
    assert!(stdout.ends_with("2 passed, 3 failed, 0 unknown\n"), "{stdout}");
    let (code, _, stderr) = check(&[SEED, s(&suite), "-q", "--format", "json"]);
    assert_eq!(code, 1);
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn with_output_the_progress_lines_come_before_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let (code, stdout, stderr) = check(&["proofs/seed-lab.toml", "--format", "json", "--output", s(&file)]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty(), "{stdout}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 12, "{stderr}");
    assert_eq!(progress(&stderr).len(), 10, "{stderr}");
    assert!(lines[..10].iter().all(|l| l.starts_with('[')), "{stderr}");
    assert_eq!(
        lines[10..],
        [
            "VIOLATED  database reaches the internet on https (proofs/seed-lab.toml:73:1: expected reachable, got \
             unreachable)",
            "9 passed, 1 failed, 0 unknown"
        ]
    );
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(report["summary"]["failed"], 1);
}

/// Issue 15 item 4: `check SUITE.toml --builtin` runs the suite and the built-in pack on the
/// network the suite names, saying how it read the path; a spec with `--builtin` is still the
/// network.
#[test]
fn one_suite_path_with_builtin_runs_both() {
    let (code, stdout, stderr) = check(&["proofs/seed-lab.toml", "--builtin", "--quiet"]);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(stderr.contains("was read as a suite"), "{stderr}");
    assert!(stdout.contains("database reaches the internet on https"), "{stdout}");
    assert!(stdout.contains("VPCV-001"), "{stdout}");
    let (_, alone) = check_json(&["specs/seed-lab.toml", "--builtin"]);
    let (_, both) = check_json(&["proofs/seed-lab.toml", "--builtin"]);
    let count = |r: &Value| r["results"].as_array().map_or(0, Vec::len);
    assert_eq!(count(&both), count(&alone) + 10, "{both:#}");
}

/// Issue 15 item 3: several reports in one run. `--report FORMAT=FILE` (repeatable) writes each
/// format to its file, while the `--format` report still goes to stdout; the exit code is the
/// run's. A malformed `--report` is a usage error (exit 2).
#[test]
fn several_reports_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let (sarif, junit, json) = (
        dir.path().join("out.sarif"),
        dir.path().join("out.xml"),
        dir.path().join("out.json"),
    );
    let (code, stdout, stderr) = check(&[
        "proofs/seed-lab.toml",
        "--quiet",
        "--report",
        &format!("sarif={}", sarif.display()),
        "--report",
        &format!("junit={}", junit.display()),
        "--report",
        &format!("json={}", json.display()),
    ]);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(stdout.contains("9 passed, 1 failed"), "{stdout}");
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(1),
        "{sarif:#}"
    );
    let junit = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml_attr(&junit, "testsuites", "failures"), "1", "{junit}");
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(
        (json["summary"]["total"].as_u64(), json["summary"]["failed"].as_u64()),
        (Some(10), Some(1)),
        "{json:#}"
    );
    for bad in ["sarif", "pdf=out.pdf", "json="] {
        let (code, _, stderr) = check(&["proofs/seed-lab.toml", "--report", bad]);
        assert_eq!(code, 2, "{bad}: {stderr}");
    }
}

/// A user's suite keeps every verdict: a holding assertion the screens decided on the model
/// would settle (SCREEN-1: B and C are not peered, and C's host has no public address) is still
/// asked, and its JSON result carries the engine's verdict with what blocks it.
#[test]
fn a_users_holding_assertion_keeps_its_verdict() {
    let (_dir, suite) = suite_file(
        r#"
[[assert]]
name = "b never reaches c"
from = "vpc-b"
to = "eni-c-host"
expect = "unreachable"
"#,
    );
    let (code, v) = check_json(&["specs/peering.toml", s(&suite)]);
    assert_eq!(code, 0, "{v:#}");
    let r = &v["results"][0];
    assert_eq!(r["status"], "held");
    assert_eq!(r["verdict"]["verdict"], "unreachable", "{r:#}");
    assert!(!r["verdict"]["blocked"].as_array().unwrap().is_empty(), "{r:#}");
}
