//! `vpcverify fix` end to end (issue #23): the tutorial's fix on the seed lab, both directions,
//! the input's languages (spec TOML, AWS CLI, Terraform), exit codes; each fix applied (as the
//! lines it prints, or as the edits it returns) and the question asked again.

use crate::common::{command_json, path, query_code, root, vpcverify};
use serde_json::Value;
use vpcverify::fix::{self, Limits, Want};
use vpcverify::model::NetworkIndex;
use vpcverify::query::engine::{ProtocolChoice, QuerySpec};
use vpcverify::query::verdict::VerdictKind;

const SEED: &str = "specs/seed-lab.toml";

fn fix_json(network: &str, args: &[&str]) -> (Value, i32) {
    let (code, v) = command_json("fix", network, args);
    (v, code)
}

/// The seed lab with the TOML lines of a fix's ACL edit added to `[network_acl.public-acl]`'s
/// list (`inbound` or `outbound`), written to a temporary file.
fn seed_with(edit: &Value) -> (tempfile::TempDir, std::path::PathBuf) {
    seed_with_all(std::slice::from_ref(edit))
}

/// [`seed_with`] for several ACL edits, each added in turn.
fn seed_with_all(edits: &[Value]) -> (tempfile::TempDir, std::path::PathBuf) {
    let mut patched = std::fs::read_to_string(path(SEED)).unwrap();
    for edit in edits {
        let lines = edit["in_input_language"].as_str().unwrap();
        let (head, entry) = lines.split_once('\n').unwrap();
        assert!(head.starts_with("# [network_acl.public-acl] "), "{lines}");
        let list = if head.contains(" inbound,") {
            "inbound"
        } else {
            "outbound"
        };
        let anchor = "[network_acl.public-acl]";
        let at = patched.find(anchor).unwrap();
        let open = format!("{list} = [\n");
        let i = at + patched[at..].find(&open).unwrap() + open.len();
        patched = format!("{}{}\n{}", &patched[..i], entry, &patched[i..]);
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("seed-lab-fixed.toml");
    std::fs::write(&file, patched).unwrap();
    (dir, file)
}

/// Acceptance: the tutorial's bug (the reply to the NAT gateway finds no inbound ACL rule) gets
/// the tutorial's fix, exactly one edit: an inbound allow of tcp 1024-65535 from 0.0.0.0/0 on the
/// public subnet's ACL, at a free rule number after the others; its side effects name flows
/// beyond the question (the web server's own connections out); the TOML lines it prints, added
/// to the spec, make `query` answer reachable where it answered unreachable.
#[test]
fn the_seed_lab_gets_the_tutorials_fix() {
    let q = ["--from", "db-server", "--to", "internet", "--port", "443"];
    let (v, code) = fix_json(SEED, &[&q[..], &["--want", "reachable"]].concat());
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["verdict"], "fixed");
    assert_eq!(v["language"], "spec");
    let edits = v["edits"].as_array().unwrap();
    assert_eq!(edits.len(), 1, "{edits:?}");
    let e = &edits[0];
    assert_eq!(e["kind"], "add-acl-entry");
    assert_eq!(e["component"], "acl-public-acl");
    assert_eq!(e["direction"], "inbound");
    assert_eq!(e["action"], "allow");
    assert_eq!(e["protocol"], "tcp");
    assert_eq!(e["ports"], "1024-65535");
    assert_eq!(e["cidr"], "0.0.0.0/0");
    assert_eq!(e["rule_number"], 400);
    assert_eq!(v["proof"]["query_verdict"], "reachable");
    assert_eq!(v["proof"]["whole_space"], true);
    assert!(v["proof"]["simulator_replays"].as_u64().unwrap() >= 1);
    let effects = v["side_effects"].as_array().unwrap();
    assert!(
        effects
            .iter()
            .any(|s| s["change"] == "opened" && s["from"] == "web-server" && s["to"] == "internet"),
        "{effects:?}"
    );
    // Nothing of the question itself is listed as a side effect.
    assert!(
        !effects
            .iter()
            .any(|s| s["from"] == "db-server" && s["to"] == "internet" && s["ports"] == "443"),
        "{effects:?}"
    );
    assert_eq!(query_code(&path(SEED), &q), 1);
    let (_dir, fixed) = seed_with(e);
    assert_eq!(query_code(&fixed, &q), 0);
    // And the fixed network needs no fix.
    let (v, code) = fix_json(fixed.to_str().unwrap(), &[&q[..], &["--want", "reachable"]].concat());
    assert_eq!((code, v["verdict"].as_str()), (0, Some("already_holds")), "{v}");
}

/// FIX-13/FIX-14: ssh from the web server to the database server. The primary fix is the fewest
/// edits: the public subnet moved to the VPC's default ACL, which opens many other flows. The
/// greedy search's two narrow entries (outbound tcp 22 and inbound replies, both to/from the
/// database server's address only) are shown as an alternative, proven, with fewer side effects:
/// only replies from the database server to the public subnet's other connections to it (an ACL
/// entry cannot match the source port). Its printed TOML, added to the spec, makes `query` answer
/// reachable.
#[test]
fn a_one_edit_fix_with_side_effects_comes_with_the_narrow_alternative() {
    let q = ["--from", "web-server", "--to", "db-server", "--port", "22"];
    let (v, code) = fix_json(SEED, &[&q[..], &["--want", "reachable"]].concat());
    assert_eq!((code, v["verdict"].as_str()), (0, Some("fixed")), "{v}");
    let edits = v["edits"].as_array().unwrap();
    assert_eq!(edits.len(), 1, "{edits:?}");
    assert_eq!(edits[0]["kind"], "associate-network-acl");
    assert_eq!(edits[0]["component"], "subnet-public");
    assert_eq!(edits[0]["associated_from"], "acl-public-acl");
    assert_eq!(edits[0]["associated_to"], "acl-lab-default");
    assert_eq!(v["proof"]["fewest_proven"], true);
    let primary_effects = v["side_effects"].as_array().unwrap();
    assert!(primary_effects.len() >= 20, "{primary_effects:?}");

    let alts = v["alternatives"].as_array().unwrap();
    assert_eq!(alts.len(), 1, "{alts:?}");
    let alt = &alts[0];
    assert_eq!(alt["proof"]["query_verdict"], "reachable");
    assert_eq!(alt["proof"]["whole_space"], true);
    assert!(alt["proof"]["simulator_replays"].as_u64().unwrap() >= 1);
    let aedits = alt["edits"].as_array().unwrap();
    let entry = |e: &Value| {
        (
            e["kind"].as_str().unwrap().to_owned(),
            e["component"].as_str().unwrap().to_owned(),
            e["direction"].as_str().unwrap().to_owned(),
            e["action"].as_str().unwrap().to_owned(),
            e["protocol"].as_str().unwrap().to_owned(),
            e["ports"].as_str().unwrap().to_owned(),
            e["cidr"].as_str().unwrap().to_owned(),
            e["rule_number"].as_u64().unwrap(),
        )
    };
    let mut got: Vec<_> = aedits.iter().map(entry).collect();
    got.sort();
    let want = |dir: &str, ports: &str| {
        (
            "add-acl-entry".to_owned(),
            "acl-public-acl".to_owned(),
            dir.to_owned(),
            "allow".to_owned(),
            "tcp".to_owned(),
            ports.to_owned(),
            "10.0.2.140/32".to_owned(),
            400,
        )
    };
    assert_eq!(got, vec![want("inbound", "1024-65535"), want("outbound", "22")]);
    // Fewer side effects than the primary, each a reply from the database server let back in.
    let effects = alt["side_effects"].as_array().unwrap();
    assert!(effects.len() < primary_effects.len(), "{effects:?}");
    assert!(
        effects
            .iter()
            .all(|s| s["change"] == "opened" && s["to"] == "db-server" && s["protocol"] == "tcp"),
        "{effects:?}"
    );
    assert_eq!(query_code(&path(SEED), &q), 1);
    let (_dir, fixed) = seed_with_all(aedits);
    assert_eq!(query_code(&fixed, &q), 0);

    // The text report labels it after the primary.
    let out = vpcverify()
        .arg("fix")
        .arg(SEED)
        .args(q)
        .args(["--want", "reachable"])
        .current_dir(root())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let at_primary = text.find("associate subnet `subnet-public`").unwrap();
    let at_alt = text
        .find("alternative (FIX-14): also possible with 2 edits and fewer side effects (")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(at_primary < at_alt, "{text}");
    assert!(
        text[at_alt..].contains("{ rule = 400, protocol = \"tcp\", ports = \"22\", cidr = \"10.0.2.140/32\""),
        "{text}"
    );
}

/// `--want unreachable`: the whole question is blocked (not only the witness), by one deny entry
/// evaluated before the allow that admitted it; applied as printed, `query` answers unreachable.
/// The fix closes the same port to the other hosts behind that ACL, and says so.
#[test]
fn ssh_from_the_internet_is_closed_by_one_edit() {
    let q = ["--from", "internet", "--to", "web-server", "--port", "22"];
    let (v, code) = fix_json(SEED, &[&q[..], &["--want", "unreachable"]].concat());
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["verdict"], "fixed");
    let edits = v["edits"].as_array().unwrap();
    assert_eq!(edits.len(), 1, "{edits:?}");
    let e = &edits[0];
    assert_eq!(e["action"], "deny");
    assert_eq!(e["ports"], "22");
    assert!(e["rule_number"].as_u64().unwrap() < 300, "{e}");
    assert_eq!(v["proof"]["query_verdict"], "unreachable");
    assert!(
        v["side_effects"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["change"] == "closed" && s["ports"] == "22"),
        "{v}"
    );
    assert_eq!(query_code(&path(SEED), &q), 0);
    let (_dir, fixed) = seed_with(e);
    assert_eq!(query_code(&fixed, &q), 1);
    // Port 80 is another question: still reachable.
    assert_eq!(
        query_code(&fixed, &["--from", "internet", "--to", "web-server", "--port", "80"]),
        0
    );
}

/// What already holds needs nothing (exit 0); what no ACL or security group edit can fix (the
/// database server has no public address) is no fix, exit 1, naming what stays blocked and why.
#[test]
fn nothing_to_fix_and_nothing_that_fits() {
    let (v, code) = fix_json(
        SEED,
        &[
            "--from",
            "db-server",
            "--to",
            "service:s3",
            "--port",
            "443",
            "--want",
            "reachable",
        ],
    );
    assert_eq!((code, v["verdict"].as_str()), (0, Some("already_holds")), "{v}");
    assert!(v["edits"].as_array().unwrap().is_empty());
    let (v, code) = fix_json(
        SEED,
        &[
            "--from",
            "internet",
            "--to",
            "db-server",
            "--port",
            "22",
            "--want",
            "reachable",
        ],
    );
    assert_eq!((code, v["verdict"].as_str()), (1, Some("not_found")), "{v}");
    let remaining = v["remaining"].as_array().unwrap();
    assert!(!remaining.is_empty(), "{v}");
    assert!(
        remaining.iter().all(|m| m["why"].as_str().unwrap().contains("FIX-1")),
        "{remaining:?}"
    );
    let out = vpcverify()
        .args([
            "fix",
            SEED,
            "--from",
            "nowhere",
            "--to",
            "internet",
            "--want",
            "reachable",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// A describe-* snapshot gets AWS CLI commands (the `create-network-acl-entry` and
/// `authorize-security-group-ingress` synopses of the AWS CLI reference); the edits, applied to
/// the loaded network, make `query` answer reachable where it answered unknown; the packets
/// whose fate a construct not modelled decides are named as left unsettled.
#[test]
fn a_snapshot_gets_aws_cli_commands() {
    let merged = "tests/fixtures/aws/merged.json";
    let args = ["--from", "eni-0db", "--to", "web-eni", "--port", "5432"];
    let (v, code) = fix_json(
        merged,
        &[&args[..], &["--want", "reachable", "--no-side-effects"]].concat(),
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["language"], "aws-cli");
    let cmds: Vec<&str> = v["edits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["in_input_language"].as_str().unwrap())
        .collect();
    assert!(
        cmds.contains(
            &"aws ec2 authorize-security-group-ingress --group-id sg-0web --ip-permissions 'IpProtocol=tcp,FromPort=5432,ToPort=5432,IpRanges=[{CidrIp=10.20.2.10/32}]'"
        ),
        "{cmds:?}"
    );
    assert!(
        cmds.contains(&"aws ec2 create-network-acl-entry --network-acl-id acl-0priv --ingress --rule-number 200 --protocol tcp --port-range From=1024,To=65535 --cidr-block 10.20.1.10/31 --rule-action allow"),
        "{cmds:?}"
    );
    // The same fix through the library, applied and asked again.
    let loaded = vpcverify::ingest::load_with(&path(merged), &Default::default()).unwrap();
    let ix = NetworkIndex::new(&loaded.network);
    let spec = QuerySpec {
        from: "eni-0db".into(),
        to: "web-eni".into(),
        protocol: ProtocolChoice::One(6),
        port: Some(vpcverify::model::PortRange::single(5432)),
        src_port: None,
        one_way: false,
        want_proof: false,
        budget: None,
        through: vec![],
        avoid: vec![],
    };
    let before = vpcverify::query::engine::run(&loaded.network, &ix, &spec).unwrap();
    // Unknown before: the path through the web server's public address crosses a gateway route
    // table (RT-18, not modelled).
    assert_eq!(before.verdict.verdict, VerdictKind::Unknown);
    let limits = Limits {
        side_effects: false,
        ..Limits::default()
    };
    let r = fix::run(&loaded.network, &ix, &spec, Want::Reachable, &limits).unwrap();
    assert_eq!(r.applied.len(), 2);
    // The fix says nothing of the packets whose fate that table decides.
    let proof = r.proof.as_ref().unwrap();
    assert!(!proof.whole_space);
    assert!(proof.unsettled.iter().any(|u| u.contains("rtb-0edge")), "{proof:?}");
    let patched = fix::edit::apply_all(&loaded.network, &r.applied);
    let pix = NetworkIndex::new(&patched);
    let after = vpcverify::query::engine::run(&patched, &pix, &spec).unwrap();
    assert_eq!(after.verdict.verdict, VerdictKind::Reachable);
}

/// A Terraform plan whose ACL has inline rules gets an `ingress` block for that resource (an
/// `aws_network_acl_rule` beside inline rules would fight them).
#[test]
fn a_terraform_plan_gets_the_block_to_add() {
    let (v, code) = fix_json(
        "tests/fixtures/terraform/seed-lab.plan.json",
        &[
            "--from",
            "db-server",
            "--to",
            "internet",
            "--port",
            "443",
            "--want",
            "reachable",
            "--no-side-effects",
        ],
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["language"], "terraform");
    let t = v["edits"][0]["in_input_language"].as_str().unwrap();
    assert!(
        t.starts_with("# in resource aws_network_acl.web, add:\n  ingress {"),
        "{t}"
    );
    for line in [
        "rule_no    = 400",
        "protocol   = \"tcp\"",
        "action     = \"allow\"",
        "cidr_block = \"0.0.0.0/0\"",
        "from_port  = 1024",
        "to_port    = 65535",
    ] {
        assert!(t.contains(line), "{line} not in {t}");
    }
}

/// A part of the question whose fate depends on a construct the input does not settle makes the
/// answer unknown (exit 3), naming it; never a fix from a guess.
#[test]
fn an_unsettled_prefix_list_makes_the_fix_unknown() {
    let (v, code) = fix_json(
        "tests/fixtures/aws/merged.json",
        &[
            "--from",
            "eni-0db",
            "--to",
            "web-eni",
            "--port",
            "22",
            "--want",
            "reachable",
        ],
    );
    assert_eq!((code, v["verdict"].as_str()), (3, Some("unknown")), "{v}");
    assert!(v["unknown"].as_str().unwrap().contains("pl-0office"), "{v}");
    assert!(v["edits"].as_array().unwrap().is_empty());
}

fn check_json(args: &[&str]) -> (Value, i32) {
    let out = vpcverify()
        .arg("check")
        .args(args)
        .args(["--format", "json", "-q"])
        .current_dir(root())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let v: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    (v, out.status.code().unwrap())
}

/// Acceptance: a suite of 22 assertions with one violated; `check --suggest-fixes` proposes the
/// tutorial's fix, having asked the 21 others again on the patched network. Applied as printed,
/// the whole suite holds on the patched network: the violated assertion now, and every other
/// one as before.
#[test]
fn suggest_fixes_keeps_every_other_assertion_of_a_22_assertion_suite() {
    let suite = "tests/fixtures/fix/seed-lab-suite.toml";
    let (v, code) = check_json(&[suite, "--suggest-fixes"]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["summary"]["total"], 22);
    assert_eq!(v["summary"]["failed"], 1);
    let list = v["suggested_fixes"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    let s = &list[0];
    assert_eq!(s["assertion"], "database reaches the internet on https");
    assert_eq!(s["rechecked"], 21);
    let fix = &s["fix"];
    assert_eq!(fix["verdict"], "fixed");
    let edits = fix["edits"].as_array().unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0]["ports"], "1024-65535");
    let (_dir, fixed) = seed_with(&edits[0]);
    let (after, code) = check_json(&[fixed.to_str().unwrap(), suite]);
    assert_eq!(code, 0, "{after}");
    assert_eq!(after["summary"]["total"], 22);
    assert_eq!(after["summary"]["passed"], 22);
}

/// A fix that would break a holding assertion is not shown; the suggestion says which
/// assertion, and the exit code stays the suite's.
#[test]
fn a_fix_that_breaks_another_assertion_is_not_shown() {
    let (v, code) = check_json(&["tests/fixtures/fix/seed-lab-conflict.toml", "--suggest-fixes"]);
    assert_eq!(code, 1, "{v}");
    let s = &v["suggested_fixes"][0];
    assert!(s.get("fix").is_none(), "{s}");
    let note = s["note"].as_str().unwrap();
    assert!(
        note.contains("database never browses the web over http") && note.contains("holds -> violated"),
        "{note}"
    );
}
