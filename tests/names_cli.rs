//! Issue #13 points 4 and 6: names beside ids in text output (and the `names` map in JSON), and
//! endpoints and flag values as people type them: the closest names for a typo, flag errors that
//! say what is expected, never a Rust parse error.

use crate::common::{path, vpcverify};
use serde_json::Value;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = vpcverify().args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn p(rel: &str) -> String {
    path(rel).display().to_string()
}

#[test]
fn a_snapshot_shows_group_names_beside_ids_and_keeps_ids_in_json() {
    let net = p("tests/fixtures/moto-sample");
    let q = [
        "query",
        &net,
        "--from",
        "internet",
        "--to",
        "i-39f0d1445034b1351",
        "--port",
        "443",
    ];
    let (code, text, _) = run(&q);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("  4. sg-b7db6b6727ad69af5 (web)  security-group"),
        "{text}"
    );
    let (_, json, _) = run(&[&q[..], &["--format", "json"]].concat());
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["path"][3]["id"], "sg-b7db6b6727ad69af5");
    assert_eq!(v["names"]["sg-b7db6b6727ad69af5"], "web");
}

#[test]
fn a_load_balancer_row_shows_its_name_and_json_its_arn() {
    let net = p("tests/fixtures/moto-elb");
    let q = ["query", &net, "--from", "internet", "--to", "web-alb", "--port", "443"];
    let (code, text, _) = run(&q);
    assert_eq!(code, 0, "{text}");
    let row = text.lines().find(|l| l.contains("load-balancer")).unwrap();
    assert!(row.trim_start().starts_with("6. web-alb "), "{row}");
    assert!(
        !text
            .lines()
            .any(|l| l.trim_start().starts_with(|c: char| c.is_ascii_digit()) && l.contains("arn:aws"))
    );
    let (_, json, _) = run(&[&q[..], &["--format", "json"]].concat());
    let v: Value = serde_json::from_str(&json).unwrap();
    let lb = v["path"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["kind"] == "load-balancer")
        .unwrap();
    let arn = lb["id"].as_str().unwrap();
    assert!(arn.starts_with("arn:aws:elasticloadbalancing:"), "{arn}");
    assert_eq!(v["names"][arn], "web-alb");
}

#[test]
fn a_spec_name_the_id_already_spells_is_not_repeated() {
    let (code, text, _) = run(&[
        "query",
        &p("specs/seed-lab.toml"),
        "--from",
        "db-server",
        "--to",
        "internet",
        "--port",
        "443",
        "--one-way",
    ]);
    assert_eq!(code, 0);
    assert!(text.contains("  2. sg-DBSG          security-group"), "{text}");
    assert!(!text.contains("(DBSG)") && !text.contains("(db-server)"), "{text}");
}

#[test]
fn terraform_addresses_name_a_states_resources() {
    let (code, text, err) = run(&[
        "query",
        &p("tests/fixtures/terraform/seed-lab.state.json"),
        "--from",
        "aws_instance.db",
        "--to",
        "internet",
        "--port",
        "443",
        "--one-way",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("(aws_security_group.db)"), "{text}");
    assert!(text.contains("eni-0e7e7e7e7e7e70017 (aws_instance.db)"), "{text}");
}

#[test]
fn a_typo_gets_the_closest_names() {
    let lab = p("specs/seed-lab.toml");
    let (code, _, err) = run(&["query", &lab, "--from", "db-srver", "--to", "internet"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--from: no resource has the id or Name tag `db-srver`; did you mean `db-server`?"),
        "{err}"
    );
    let (code, _, err) = run(&["query", &lab, "--from", "web-server", "--to", "internt"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--to: ") && err.contains("did you mean `internet`?"),
        "{err}"
    );
    let (code, _, err) = run(&["trace", &lab, "--from", "dbserver", "--to", "internet", "--port", "443"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `db-server`?"), "{err}");
    // Nothing close: no guess.
    let (code, _, err) = run(&["query", &lab, "--from", "xyzzy", "--to", "internet"]);
    assert_eq!(code, 2);
    assert!(err.contains("`xyzzy`") && !err.contains("did you mean"), "{err}");
}

/// Each bad value: exit 2, the flag, the value and what is expected; no Rust parse error text.
#[test]
fn bad_flag_values_read_like_messages_for_people() {
    let lab = p("specs/seed-lab.toml");
    let base = ["--from", "web-server", "--to", "db-server"];
    let cases: Vec<(Vec<&str>, &[&str])> = vec![
        (
            [&["trace", &lab][..], &base, &["--port", "443-444"]].concat(),
            &[
                "'443-444'",
                "--port",
                "one port number 0-65535",
                "`query` takes a range",
            ],
        ),
        (
            [&["trace", &lab][..], &base, &["--port", "80", "--src-port", "x"]].concat(),
            &["'x'", "--src-port", "expected a port number 0-65535"],
        ),
        (
            [&["trace", &lab][..], &base, &["--port", "80", "--src-ip", "10.0.1.300"]].concat(),
            &["'10.0.1.300'", "--src-ip", "expected an IPv4 or IPv6 address"],
        ),
        (
            [&["trace", &lab][..], &base, &["--port", "80", "--protocol", "tcpp"]].concat(),
            &["--protocol", "`tcpp`", "expected tcp, udp, icmp, icmpv6, all"],
        ),
        (
            [&["query", &lab][..], &base, &["--protocol", "tcpp"]].concat(),
            &["--protocol", "`tcpp`", "expected tcp, udp, icmp, icmpv6, all"],
        ),
        (
            [&["query", &lab][..], &base, &["--port", "443-70000"]].concat(),
            &["--port", "`443-70000`", "expected N or N-M"],
        ),
        (
            [&["query", &lab][..], &base, &["--timeout", "5x"]].concat(),
            &["'5x'", "--timeout", "write a number with a unit"],
        ),
        (
            vec!["query", &lab, "--from", "web-server", "--to", "10.0.0.0/33"],
            &["`10.0.0.0/33` is not a valid IP address or CIDR block", "--to"],
        ),
        (
            vec!["query", &lab, "--from", "10.0.1.300", "--to", "db-server"],
            &["`10.0.1.300` is not a valid IP address or CIDR block", "--from"],
        ),
        (
            vec!["check", &lab, "--builtin", "--jobs", "x"],
            &["'x'", "--jobs", "a number of worker threads"],
        ),
    ];
    for (args, wanted) in cases {
        let (code, _, err) = run(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        for w in wanted {
            assert!(err.contains(w), "{args:?}: `{w}` not in {err}");
        }
        for rust in [
            "invalid digit",
            "syntax",
            "time unit needed",
            "ParseIntError",
            "unknown time unit",
        ] {
            assert!(!err.contains(rust), "{args:?}: Rust parse text in {err}");
        }
    }
    // A decimal number of seconds is a budget.
    let (code, text, err) = run(&[&["query", &lab][..], &base, &["--timeout", "0.5"]].concat());
    assert_eq!(code, 1, "{err}");
    assert!(
        text.starts_with("unreachable: tcp from `web-server` to `db-server`"),
        "{text}"
    );
}

#[test]
fn trace_protocol_all_says_which_protocol_its_packet_uses() {
    let lab = p("specs/seed-lab.toml");
    let (code, text, _) = run(&[
        "trace",
        &lab,
        "--from",
        "web-server",
        "--to",
        "db-server",
        "--protocol",
        "all",
    ]);
    assert_eq!(code, 1);
    assert!(
        text.contains("packet: icmp 10.0.1.251 -> 10.0.2.140 type 8 code 0"),
        "{text}"
    );
    assert!(
        text.contains("--protocol all: one packet has one protocol; traced with an ICMP echo request")
            && text.contains("`query --protocol all` asks about every protocol at once"),
        "{text}"
    );
    let (_, text, _) = run(&[
        "trace",
        &lab,
        "--from",
        "web-server",
        "--to",
        "db-server",
        "--protocol",
        "all",
        "--port",
        "3306",
    ]);
    assert!(text.contains("traced with tcp to port 3306"), "{text}");
}

/// `Names::of`, which a point question's answer is annotated with, names each id exactly as the
/// whole network's index does: a snapshot's `Name` tags and group names, a spec's names, a
/// Terraform plan's addresses and load balancer names, and no name where the index has none.
#[test]
fn names_looked_up_id_by_id_are_the_indexs_names() {
    use vpcverify::model::Names;
    let mut checked = 0;
    for input in [
        "tests/fixtures/moto-sample",
        "specs/seed-lab.toml",
        "tests/fixtures/terraform/elb.plan.json",
        "tests/fixtures/terraform/changes.plan.json",
        "tests/fixtures/terraform/tgw.plan.json",
    ] {
        let net = vpcverify::ingest::load(&path(input)).unwrap().network;
        let all = Names::new(&net);
        let mut ids: Vec<String> = all.words().map(str::to_owned).collect();
        ids.extend(net.network_interfaces.keys().map(|i| i.to_string()));
        ids.extend(net.subnets.keys().map(|i| i.to_string()));
        ids.push("nothing-by-this-id".into());
        let named = ids.iter().filter(|id| all.display_name(id).is_some()).count();
        assert!(named > 0, "{input}: no names");
        let some = Names::of(&net, ids.iter().map(String::as_str));
        for id in &ids {
            assert_eq!(some.display_name(id), all.display_name(id), "{input}: {id}");
            assert_eq!(Names::of(&net, [id.as_str()]).label(id), all.label(id), "{input}: {id}");
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked}");
}
