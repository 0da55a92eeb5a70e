//! `lint` past AWS's quotas (QUOTA-1..4): a warning naming the resource, the count and the
//! quota's page, one past the highest value an account can have and none at it.

use crate::big_rules::snapshot;
use crate::common::*;
use serde_json::{Value, json};
use vpcverify::model::Diagnostic;

const PAGE: &str = "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html";

/// The `quota-exceeded` findings of the snapshot `doc`, loaded as a file.
fn quota_findings(doc: &Value) -> Vec<Diagnostic> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("snapshot.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    let loaded = vpcverify::ingest::load(&file).unwrap();
    assert!(
        !loaded.diagnostics.iter().any(Diagnostic::is_error),
        "{:?}",
        loaded.diagnostics
    );
    let found = vpcverify::model::validate::validate(&loaded.network);
    assert!(!found.iter().any(Diagnostic::is_error), "{found:?}");
    found.into_iter().filter(|d| d.code == "quota-exceeded").collect()
}

fn messages(found: &[Diagnostic]) -> Vec<&str> {
    found.iter().map(|d| d.message.as_str()).collect()
}

#[test]
fn quota_1_an_acl_direction_past_40_entries_of_a_family_is_warned_of() {
    // 39 entries of the generator's plus the default entry: 40 each way, the maximum.
    assert_eq!(messages(&quota_findings(&snapshot(78, 1))), Vec::<&str>::new());
    // One more each way: 41.
    let found = quota_findings(&snapshot(80, 1));
    let m = messages(&found);
    assert_eq!(m.len(), 2, "{m:#?}");
    assert!(
        m[0].starts_with("network ACL `acl-0big` has 41 inbound IPv4 entries"),
        "{}",
        m[0]
    );
    assert!(
        m[1].starts_with("network ACL `acl-0big` has 41 outbound IPv4 entries"),
        "{}",
        m[1]
    );
    for d in &found {
        assert!(
            d.message.contains("adjustable up to 40") && d.message.contains("QUOTA-1"),
            "{}",
            d.message
        );
        assert!(d.message.contains(PAGE), "{}", d.message);
        assert_eq!(d.resource.as_deref(), Some("acl-0big"));
    }
}

#[test]
fn quota_1_counts_ipv6_entries_apart_from_ipv4_ones() {
    // 40 inbound IPv4 entries, and 40 inbound IPv6 ones beside them: each family within.
    let mut doc = snapshot(78, 1);
    let entries = doc["NetworkAcls"][0]["Entries"].as_array_mut().unwrap();
    for k in 0..40u32 {
        entries.push(
            json!({"Ipv6CidrBlock": format!("2001:db8::{k:x}/128"), "Egress": false, "Protocol": "-1",
                            "RuleAction": "deny", "RuleNumber": 1000 + k}),
        );
    }
    assert_eq!(messages(&quota_findings(&doc)), Vec::<&str>::new());
    doc["NetworkAcls"][0]["Entries"].as_array_mut().unwrap().push(
        json!({"Ipv6CidrBlock": "2001:db8::ff/128", "Egress": false, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 2000}),
    );
    let found = quota_findings(&doc);
    assert_eq!(messages(&found).len(), 1, "{:#?}", messages(&found));
    assert!(
        found[0]
            .message
            .starts_with("network ACL `acl-0big` has 41 inbound IPv6 entries"),
        "{}",
        found[0].message
    );
}

#[test]
fn quota_2_a_group_past_1000_rules_a_direction_is_warned_of() {
    assert_eq!(messages(&quota_findings(&snapshot(2, 1000))), Vec::<&str>::new());
    let found = quota_findings(&snapshot(2, 1001));
    let m = messages(&found);
    assert_eq!(m.len(), 1, "{m:#?}");
    assert!(
        m[0].starts_with("security group `sg-0big` has 1001 inbound IPv4 rules"),
        "{}",
        m[0]
    );
    assert!(m[0].contains("QUOTA-2") && m[0].contains(PAGE), "{}", m[0]);
    assert_eq!(found[0].resource.as_deref(), Some("sg-0big"));
}

/// The snapshot with `extra` more groups of `rules` inbound rules each, all on the interface.
fn with_groups(extra: usize, rules: usize) -> Value {
    let mut doc = snapshot(2, rules);
    let template = doc["SecurityGroups"][0].clone();
    for k in 0..extra {
        let id = format!("sg-0extra{k}");
        let mut g = template.clone();
        g["GroupId"] = json!(id);
        g["GroupName"] = json!(format!("extra{k}"));
        doc["SecurityGroups"].as_array_mut().unwrap().push(g);
        doc["NetworkInterfaces"][0]["Groups"]
            .as_array_mut()
            .unwrap()
            .push(json!({"GroupId": id, "GroupName": format!("extra{k}")}));
    }
    doc
}

#[test]
fn quota_3_an_interface_in_more_than_16_groups_is_warned_of() {
    assert_eq!(messages(&quota_findings(&with_groups(15, 1))), Vec::<&str>::new());
    let found = quota_findings(&with_groups(16, 1));
    let m = messages(&found);
    assert_eq!(m.len(), 1, "{m:#?}");
    assert!(
        m[0].starts_with("network interface `eni-0web` is in 17 security groups"),
        "{}",
        m[0]
    );
    assert!(
        m[0].contains("adjustable up to 16") && m[0].contains("QUOTA-3") && m[0].contains(PAGE),
        "{}",
        m[0]
    );
    assert_eq!(found[0].resource.as_deref(), Some("eni-0web"));
}

#[test]
fn quota_3_groups_times_rules_past_1000_on_an_interface_is_warned_of() {
    // 4 groups of 250 rules: 1,000, the most; 5 groups of 201: 1,005.
    assert_eq!(messages(&quota_findings(&with_groups(3, 250))), Vec::<&str>::new());
    let found = quota_findings(&with_groups(4, 201));
    let m = messages(&found);
    assert_eq!(m.len(), 1, "{m:#?}");
    assert!(
        m[0].starts_with("network interface `eni-0web` is in 5 security groups, one of which has 201 rules"),
        "{}",
        m[0]
    );
}

/// The snapshot's route table with `n` more static IPv4 routes to the internet gateway, and
/// `propagated` routes propagated from a virtual private gateway.
fn with_routes(n: u32, propagated: u32) -> Value {
    let mut doc = snapshot(2, 1);
    let routes = doc["RouteTables"][0]["Routes"].as_array_mut().unwrap();
    for k in 0..n {
        routes.push(
            json!({"DestinationCidrBlock": format!("198.18.{}.{}/32", k / 256, k % 256),
                           "GatewayId": "igw-0big", "Origin": "CreateRoute", "State": "active"}),
        );
    }
    for k in 0..propagated {
        routes.push(json!({"DestinationCidrBlock": format!("172.16.{}.0/24", k % 256),
                           "GatewayId": "vgw-0big", "Origin": "EnableVgwRoutePropagation", "State": "active"}));
    }
    doc
}

#[test]
fn quota_4_a_route_table_past_1000_routes_of_a_family_is_warned_of() {
    // The generator's default route plus 999: 1,000 static IPv4 routes besides the local one.
    assert_eq!(messages(&quota_findings(&with_routes(999, 0))), Vec::<&str>::new());
    let found = quota_findings(&with_routes(1000, 0));
    let m = messages(&found);
    assert_eq!(m.len(), 1, "{m:#?}");
    assert!(
        m[0].starts_with("route table `rtb-0big` has 1001 IPv4 routes that are not propagated"),
        "{}",
        m[0]
    );
    assert!(
        m[0].contains("adjustable up to 1000") && m[0].contains("QUOTA-4") && m[0].contains(PAGE),
        "{}",
        m[0]
    );
}

#[test]
fn quota_4_more_than_100_propagated_routes_are_warned_of() {
    let within: Vec<Diagnostic> = quota_findings(&with_routes(0, 100));
    assert_eq!(messages(&within), Vec::<&str>::new());
    let found = quota_findings(&with_routes(0, 101));
    let m = messages(&found);
    assert_eq!(m.len(), 1, "{m:#?}");
    assert!(
        m[0].starts_with("route table `rtb-0big` has 101 propagated routes"),
        "{}",
        m[0]
    );
}

#[test]
fn lint_prints_the_quota_warning_and_still_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.json");
    std::fs::write(&file, snapshot(80, 1).to_string()).unwrap();
    let out = vpcverify().arg("lint").arg(&file).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("warning[quota-exceeded]"), "{stdout}");
    assert!(
        stdout.contains("acl-0big: network ACL `acl-0big` has 41 inbound IPv4 entries"),
        "{stdout}"
    );
    assert!(stdout.contains("0 errors, 2 warnings"), "{stdout}");
}
