//! Issue #13 point 5: waypoints (`query --through/--avoid`, suite keys `through`/`avoid`,
//! SEMANTICS.md §9.3 WAY-1..WAY-4) on the seed lab and the peering spec: verdicts, exit codes,
//! the violating witness and its path.

use crate::common::{path, root, vpcverify};
use serde_json::Value;

fn query(spec: &str, args: &[&str]) -> (i32, Value) {
    let out = vpcverify()
        .arg("query")
        .arg(path(spec))
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    let json =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (code, json)
}

fn ids(hops: &Value) -> Vec<String> {
    hops.as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_owned())
        .collect()
}

const DB_OUT: [&str; 7] = ["--from", "db-server", "--to", "internet", "--port", "443", "--one-way"];

#[test]
fn the_database_reaches_the_internet_through_the_nat_gateway() {
    let args = [&DB_OUT[..], &["--through", "natgw"]].concat();
    let (code, v) = query("specs/seed-lab.toml", &args);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["verdict"], "reachable");
    assert_eq!(v["waypoint"]["result"], "held");
    assert_eq!(v["waypoint"]["through"][0]["id"], "nat-natgw");
    assert_eq!(v["waypoint"]["through"][0]["kind"], "nat-gateway");
    assert!(ids(&v["path"]).contains(&"nat-natgw".to_owned()));
    assert!(v["waypoint"].get("packet").is_none());
    // The same by its subnet: the NAT gateway is in the public subnet.
    let args = [&DB_OUT[..], &["--through", "public"]].concat();
    let (code, v) = query("specs/seed-lab.toml", &args);
    assert_eq!((code, &v["waypoint"]["result"]), (0, &Value::from("held")), "{v}");
}

#[test]
fn a_path_that_misses_the_nat_instance_violates_through_nat_instance() {
    let args = [&DB_OUT[..], &["--through", "nat-instance"]].concat();
    let (code, v) = query("specs/seed-lab.toml", &args);
    assert_eq!(code, 1, "{v}");
    let w = &v["waypoint"];
    assert_eq!(w["result"], "violated");
    assert_eq!(w["through"][0]["id"], "i-nat-instance");
    assert_eq!(w["packet"]["dst_port"], 443);
    assert_eq!(w["packet"]["src_ip"], "10.0.2.140");
    let path = ids(&w["path"]);
    assert_eq!(path.first().map(String::as_str), Some("eni-db-server"));
    assert!(path.contains(&"nat-natgw".to_owned()), "{path:?}");
    assert!(!path.iter().any(|h| h.contains("nat-instance")), "{path:?}");
    assert!(
        w["reason"]
            .as_str()
            .unwrap()
            .contains("does not cross `i-nat-instance`"),
        "{w}"
    );
}

#[test]
fn avoiding_the_nat_gateway_is_violated_with_the_witness_crossing_it() {
    let args = [&DB_OUT[..], &["--avoid", "nat-natgw"]].concat();
    let (code, v) = query("specs/seed-lab.toml", &args);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["waypoint"]["result"], "violated");
    assert!(ids(&v["waypoint"]["path"]).contains(&"nat-natgw".to_owned()));
    // The text names the verdict first, then the witness.
    let out = vpcverify()
        .arg("query")
        .arg(path("specs/seed-lab.toml"))
        .args(DB_OUT)
        .args(["--avoid", "natgw"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text.starts_with("waypoint violated: tcp 10.0.2.140:49152 -> 93.184.216.34:443 gets through, and its path crosses `nat-natgw`\n"),
        "{text}"
    );
    assert!(
        text.contains("violating packet: tcp 10.0.2.140:49152 -> 93.184.216.34:443"),
        "{text}"
    );
}

#[test]
fn peering_waypoints_hold_and_fail() {
    // b-host reaches a-host only over the a-b peering connection.
    let (code, v) = query(
        "specs/peering.toml",
        &["--from", "b-host", "--to", "a-host", "--avoid", "a-b"],
    );
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["waypoint"]["result"], "violated");
    let path = ids(&v["waypoint"]["path"]);
    assert!(path.contains(&"pcx-a-b".to_owned()), "{path:?}");
    assert!(!ids(&v["waypoint"]["return_path"]).is_empty());
    let (code, v) = query(
        "specs/peering.toml",
        &[
            "--from",
            "b-host",
            "--to",
            "a-host",
            "--through",
            "a-b",
            "--avoid",
            "a-c",
        ],
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["waypoint"]["result"], "held");
    assert_eq!(v["waypoint"]["avoid"][0]["id"], "pcx-a-c");
    // No transitive peering: nothing gets from b to c, so no path crosses a-b (WAY-4, vacuously).
    let (code, v) = query(
        "specs/peering.toml",
        &["--from", "b-host", "--to", "c-host", "--avoid", "a-b"],
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["verdict"], "unreachable");
    assert_eq!(v["waypoint"]["result"], "held");
    assert!(v["waypoint"]["reason"].as_str().unwrap().contains("vacuously"), "{v}");
}

#[test]
fn a_waypoint_that_names_nothing_or_a_filter_is_a_usage_error() {
    let out = vpcverify()
        .arg("query")
        .arg(path("specs/seed-lab.toml"))
        .args(DB_OUT)
        .args(["--through", "natgwx"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("--through `natgwx`") && err.contains("did you mean `natgw`?"),
        "{err}"
    );
    let out = vpcverify()
        .arg("query")
        .arg(path("specs/seed-lab.toml"))
        .args(DB_OUT)
        .args(["--avoid", "sg-DBSG"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("--avoid `sg-DBSG`") && err.contains("no packet crosses"),
        "{err}"
    );
}

#[test]
fn suite_assertions_with_through_and_avoid() {
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("waypoints.toml");
    let network = root().join("specs/seed-lab.toml");
    std::fs::write(
        &suite,
        format!(
            r#"network = "{}"

[[assert]]
name = "the database leaves through the NAT gateway"
from = "db-server"
to = "internet"
port = 443
one_way = true
through = ["natgw"]

[[assert]]
name = "the database leaves through the NAT instance"
from = "db-server"
to = "internet"
port = 443
one_way = true
expect = "reachable"
through = ["nat-instance"]

[[assert]]
name = "nothing from the internet to the database crosses the NAT gateway"
from = "internet"
to = "db-server"
protocol = "all"
avoid = ["natgw"]
"#,
            network.display()
        ),
    )
    .unwrap();
    let out = vpcverify()
        .arg("check")
        .arg(&suite)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let statuses: Vec<&str> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["held", "violated", "held"], "{report}");
    // `expect` may be left out only with waypoints.
    std::fs::write(&suite, "[[assert]]\nname = \"x\"\nfrom = \"a\"\nto = \"b\"\n").unwrap();
    let out = vpcverify()
        .arg("check")
        .arg(path("specs/seed-lab.toml"))
        .arg(&suite)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing `expect`"));
}
