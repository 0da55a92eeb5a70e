//! Issue #11: nested multi-account, multi-region snapshot directories, and transit gateways
//! (SEMANTICS.md §5.9, TGW-1..TGW-9) end to end on a moto-generated hub and spoke estate
//! (`tests/fixtures/moto-tgw`, corrected where moto deviates from AWS: NOTES.md there). Each rule
//! is asked of both interpreters: `query` (the SMT engine, its witness replayed in the simulator)
//! and `trace` (the simulator alone).

use crate::common::*;
use serde_json::{Value, json};
use std::path::Path;
use vpcverify::model::{TgwAttachmentId, VpcId};

const NESTED: &str = "tests/fixtures/nested";
const TGW: &str = "tests/fixtures/moto-tgw";
const SPOKES_RT: &str = "tgw-rtb-5cb4700c4e784c50d";
const SHARED_RT: &str = "tgw-rtb-bbfb5e6593af37600";
const ATT_A: &str = "tgw-attach-d1d73d8e9c6cf9a37";
const ATT_SHARED: &str = "tgw-attach-8d28714e67b5e0f77";
const SUBNET_A_TGW: &str = "subnet-e86d536a00d7fd633";
const ACL_A: &str = "acl-11afdf616d77118d3";

/// Runs the binary; (exit code, stdout as JSON).
fn run_json(args: &[&str]) -> (i32, Value) {
    let out = vpcverify().args(args).args(["--format", "json"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let v =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text} {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), v)
}

/// `query` and `trace` of one question on `net`: both verdicts and exit codes.
fn both(net: &Path, from: &str, to: &str, extra: &[&str]) -> ((i32, Value), (i32, Value)) {
    let n = net.to_str().unwrap();
    let mut q = vec!["query", n, "--from", from, "--to", to, "--port", "443"];
    q.extend_from_slice(extra);
    let mut t = vec!["trace", n, "--from", from, "--to", to, "--port", "443"];
    t.extend_from_slice(extra);
    (run_json(&q), run_json(&t))
}

fn blocked_codes(v: &Value) -> Vec<(String, String)> {
    v["blocked"]
        .as_array()
        .map(|b| {
            b.iter()
                .map(|x| {
                    (
                        x["id"].as_str().unwrap_or("").to_owned(),
                        x["code"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn unknown_ids(v: &Value) -> Vec<String> {
    v["unknown"]
        .as_array()
        .map(|b| b.iter().map(|x| x["id"].as_str().unwrap_or("").to_owned()).collect())
        .unwrap_or_default()
}

/// Both interpreters answer unreachable, and both name `id` with `code` among the blockers.
fn assert_blocked_both(net: &Path, from: &str, to: &str, extra: &[&str], id: &str, code: &str) {
    let ((qc, q), (tc, t)) = both(net, from, to, extra);
    assert_eq!((qc, tc), (1, 1), "query {q:#} trace {t:#}");
    assert_eq!(q["verdict"], "unreachable");
    let want = (id.to_owned(), code.to_owned());
    assert!(blocked_codes(&q).contains(&want), "{:?}", blocked_codes(&q));
    assert!(blocked_codes(&t).contains(&want), "{t:#}");
}

/// Both interpreters answer unknown naming `id`.
fn assert_unknown_both(net: &Path, from: &str, to: &str, extra: &[&str], id: &str) {
    let ((qc, q), (tc, t)) = both(net, from, to, extra);
    assert_eq!((qc, tc), (3, 3), "query {q:#} trace {t:#}");
    assert!(unknown_ids(&q).contains(&id.to_owned()), "{q:#}");
    assert!(
        unknown_ids(&t).contains(&id.to_owned()) || t.to_string().contains(id),
        "{t:#}"
    );
}

fn ids(hops: &Value) -> Vec<String> {
    hops.as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_owned())
        .collect()
}

fn file(dir: &tempfile::TempDir, name: &str) -> std::path::PathBuf {
    dir.path().join(name)
}

// ---------------------------------------------------------------- item 1: nested layouts

#[test]
fn a_nested_two_account_two_region_snapshot_loads_and_lint_lists_accounts_and_regions() {
    let out = vpcverify().arg("lint").arg(path(NESTED)).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("(24 files; 2 accounts: 111111111111, 222222222222; 2 regions: eu-west-1, us-east-1): ok: 0 errors, 0 warnings"),
        "{text}"
    );
    let loaded = vpcverify::ingest::load(&path(NESTED)).unwrap();
    let net = &loaded.network;
    assert_eq!(net.vpcs.len(), 4);
    // Every resource knows its account and region, from its file's path.
    let mut seen: Vec<(String, String, String)> = net
        .vpcs
        .values()
        .map(|v| {
            let sc = net.scope_of(&v.provenance).expect("a scope");
            let name = v.tags["Name"].clone();
            (sc.account.clone().unwrap(), sc.region.clone().unwrap(), name)
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        vec![
            ("111111111111".into(), "eu-west-1".into(), "vpc-1-eu-west-1".into()),
            ("111111111111".into(), "us-east-1".into(), "vpc-1-us-east-1".into()),
            ("222222222222".into(), "eu-west-1".into(), "vpc-2-eu-west-1".into()),
            ("222222222222".into(), "us-east-1".into(), "vpc-2-us-east-1".into()),
        ]
    );
    // Files named by the key they hold (`Vpcs.json`) are read like those named by the command.
    assert!(net.network_interfaces.len() >= 4);
    // Two hosts in unconnected VPCs of different accounts: unreachable, named by address.
    let (code, v) = run_json(&[
        "query",
        path(NESTED).to_str().unwrap(),
        "--from",
        "10.10.1.10",
        "--to",
        "10.12.1.10",
    ]);
    assert_eq!(code, 1, "{v:#}");
}

#[test]
fn an_id_described_differently_in_two_accounts_keeps_the_first_with_a_warning_naming_both_files() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["111111111111/us-east-1", "222222222222/eu-west-1"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
    }
    let vpc = |cidr: &str| json!({"Vpcs": [{"VpcId": "vpc-same", "CidrBlock": cidr, "OwnerId": "1"}]});
    std::fs::write(
        dir.path().join("111111111111/us-east-1/describe-vpcs.json"),
        vpc("10.0.0.0/16").to_string(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("222222222222/eu-west-1/Vpcs.json"),
        vpc("10.1.0.0/16").to_string(),
    )
    .unwrap();
    let (code, v) = run_json(&["lint", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{v:#}");
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "duplicate-resource")
        .expect("a duplicate-resource warning");
    let msg = d["message"].as_str().unwrap();
    assert!(msg.contains("111111111111/us-east-1/describe-vpcs.json"), "{msg}");
    assert!(
        d["file"].as_str().unwrap().contains("222222222222/eu-west-1/Vpcs.json"),
        "{d:#}"
    );
    let loaded = vpcverify::ingest::load(dir.path()).unwrap();
    assert_eq!(
        loaded.network.vpcs[&VpcId::from("vpc-same")].cidrs_v4[0].to_string(),
        "10.0.0.0/16"
    );
}

#[test]
fn a_nested_directory_without_json_says_where_it_looked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("accounts/111111111111/us-east-1")).unwrap();
    vpcverify()
        .arg("lint")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "holds no `*.json` file (looked in it and in its 3 sub-directories up to 6 levels deep, hidden ones excepted)",
        ));
}

// ---------------------------------------------------------------- item 2: transit gateways

#[test]
fn tgw_spoke_to_shared_is_reachable_with_both_legs_hops() {
    let ((qc, q), (tc, t)) = both(&path(TGW), "spoke-a-host", "shared-host", &[]);
    assert_eq!((qc, tc), (0, 0), "{q:#} {t:#}");
    for v in [&q, &t] {
        let fwd = ids(&v["path"]);
        let back = ids(&v["return_path"]);
        // Forward: the attachment subnet's inbound ACL, the spokes' table and its propagated
        // route, the shared attachment, the shared exit subnet's route table.
        for want in [ATT_A, SPOKES_RT, ATT_SHARED, "rtb-9368dc502ff343f71", ACL_A] {
            assert!(fwd.contains(&want.to_owned()), "{want} not in {fwd:?}");
        }
        for want in [ATT_SHARED, SHARED_RT, ATT_A, ACL_A] {
            assert!(back.contains(&want.to_owned()), "{want} not in {back:?}");
        }
    }
    let route = q["path"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == SPOKES_RT)
        .unwrap();
    assert_eq!(route["rule"], format!("10.9.0.0/16 -> {ATT_SHARED}"));
}

#[test]
fn tgw_6_isolated_spokes_have_no_route_to_each_other() {
    assert_blocked_both(
        &path(TGW),
        "spoke-a-host",
        "spoke-b-host",
        &[],
        SPOKES_RT,
        "TGW_RTB_CANNOT_ROUTE",
    );
    // The blocking entry names the transit gateway, its table and the attachment entered by.
    let ((_, q), (_, t)) = both(&path(TGW), "spoke-a-host", "spoke-b-host", &[]);
    for v in [&q, &t] {
        let reason = v["blocked"][0]["reason"].as_str().unwrap();
        for want in [SPOKES_RT, "tgw-9157a88534780fac2", ATT_A] {
            assert!(reason.contains(want), "{want} not in {reason}");
        }
    }
}

#[test]
fn tgw_7_a_blackhole_route_drops_at_the_transit_gateway_route_table() {
    assert_blocked_both(
        &path(TGW),
        "spoke-a-host",
        "10.2.99.5",
        &["--one-way"],
        SPOKES_RT,
        "TGW_RTB_BAD_STATE_ROUTE",
    );
}

#[test]
fn tgw_6_a_static_route_beats_a_propagated_one_of_the_same_prefix() {
    let dir = copy_fixture_dir(TGW);
    edit_json(
        &file(&dir, &format!("search-transit-gateway-routes.{SPOKES_RT}.json")),
        |v| {
            v["Routes"]
                .as_array_mut()
                .unwrap()
                .push(json!({"DestinationCidrBlock": "10.9.0.0/16", "Type": "static", "State": "blackhole"}));
        },
    );
    assert_blocked_both(
        dir.path(),
        "spoke-a-host",
        "shared-host",
        &[],
        SPOKES_RT,
        "TGW_RTB_BAD_STATE_ROUTE",
    );
}

#[test]
fn tgw_5_a_propagation_alone_gives_the_attached_vpcs_route() {
    // The route search printed without propagated routes (as moto does): the propagation into
    // the table still gives shared's block.
    let dir = copy_fixture_dir(TGW);
    edit_json(
        &file(&dir, &format!("search-transit-gateway-routes.{SPOKES_RT}.json")),
        |v| {
            v["Routes"]
                .as_array_mut()
                .unwrap()
                .retain(|r| r["Type"] != "propagated");
        },
    );
    let ((qc, _), (tc, _)) = both(dir.path(), "spoke-a-host", "shared-host", &[]);
    assert_eq!((qc, tc), (0, 0));
    // Without the propagation either, there is no route.
    std::fs::remove_file(file(
        &dir,
        &format!("get-transit-gateway-route-table-propagations.{SPOKES_RT}.json"),
    ))
    .unwrap();
    assert_blocked_both(
        dir.path(),
        "spoke-a-host",
        "shared-host",
        &[],
        SPOKES_RT,
        "TGW_RTB_CANNOT_ROUTE",
    );
}

#[test]
fn tgw_1_an_attachment_that_is_not_available_drops_and_a_missing_one_is_unknown() {
    let dir = copy_fixture_dir(TGW);
    for f in [
        "describe-transit-gateway-attachments.json",
        "describe-transit-gateway-vpc-attachments.json",
    ] {
        edit_json(&file(&dir, f), |v| {
            for a in v
                .as_object_mut()
                .unwrap()
                .values_mut()
                .next()
                .unwrap()
                .as_array_mut()
                .unwrap()
            {
                if a["TransitGatewayAttachmentId"] == ATT_SHARED {
                    a["State"] = "pendingAcceptance".into();
                }
            }
        });
    }
    assert_blocked_both(
        dir.path(),
        "spoke-a-host",
        "shared-host",
        &[],
        ATT_SHARED,
        "BAD_STATE_ATTACHMENT",
    );
    let dir = copy_fixture_dir(TGW);
    for f in [
        "describe-transit-gateway-attachments.json",
        "describe-transit-gateway-vpc-attachments.json",
    ] {
        std::fs::remove_file(file(&dir, f)).unwrap();
    }
    assert_unknown_both(dir.path(), "spoke-a-host", "shared-host", &[], "tgw-9157a88534780fac2");
}

#[test]
fn tgw_2_a_sender_in_a_zone_without_an_attachment_subnet_cannot_reach_the_transit_gateway() {
    let dir = copy_fixture_dir(TGW);
    edit_json(&file(&dir, "describe-subnets.json"), |v| {
        for s in v["Subnets"].as_array_mut().unwrap() {
            if s["SubnetId"] == SUBNET_A_TGW {
                // Another zone: its name and its id (moto's us-east-1a is use1-az6).
                s["AvailabilityZone"] = "us-east-1b".into();
                s["AvailabilityZoneId"] = "use1-az1".into();
            }
        }
    });
    assert_blocked_both(
        dir.path(),
        "spoke-a-host",
        "shared-host",
        &[],
        ATT_A,
        "TGW_ROUTE_AZ_RESTRICTION",
    );
    // A zone the input does not give: unknown.
    edit_json(&file(&dir, "describe-subnets.json"), |v| {
        for s in v["Subnets"].as_array_mut().unwrap() {
            if s["SubnetId"] == SUBNET_A_TGW {
                s.as_object_mut().unwrap().remove("AvailabilityZone");
                s.as_object_mut().unwrap().remove("AvailabilityZoneId");
            }
        }
    });
    assert_unknown_both(dir.path(), "spoke-a-host", "shared-host", &[], SUBNET_A_TGW);
}

#[test]
fn tgw_3_the_reply_leaves_the_transit_gateway_through_the_attachment_subnets_outbound_acl() {
    // A custom ACL for spoke-a's attachment subnet: everything in, out only to shared. The request
    // enters the gateway through its inbound rules; the reply towards spoke-a's host must pass its
    // outbound rules, which refuse it.
    let dir = copy_fixture_dir(TGW);
    edit_json(&file(&dir, "describe-network-acls.json"), |v| {
        let acls = v["NetworkAcls"].as_array_mut().unwrap();
        for a in acls.iter_mut() {
            if a["NetworkAclId"] == ACL_A {
                a["Associations"]
                    .as_array_mut()
                    .unwrap()
                    .retain(|x| x["SubnetId"] != SUBNET_A_TGW);
            }
        }
        let entry = |n: u32, egress: bool, cidr: &str, action: &str| json!({"CidrBlock": cidr, "Egress": egress, "Protocol": "-1", "RuleAction": action, "RuleNumber": n});
        acls.push(json!({
            "NetworkAclId": "acl-tgwsubnet", "VpcId": "vpc-6ab3b15a7f4fbfe6b", "IsDefault": false,
            "Associations": [{"NetworkAclAssociationId": "aclassoc-1", "NetworkAclId": "acl-tgwsubnet", "SubnetId": SUBNET_A_TGW}],
            "Entries": [entry(100, false, "0.0.0.0/0", "allow"), entry(100, true, "10.9.0.0/16", "allow"),
                        entry(32767, false, "0.0.0.0/0", "deny"), entry(32767, true, "0.0.0.0/0", "deny")]
        }));
    });
    assert_blocked_both(
        dir.path(),
        "spoke-a-host",
        "shared-host",
        &[],
        "acl-tgwsubnet",
        "SUBNET_ACL_RESTRICTION",
    );
    let ((qc, q), (tc, _)) = both(dir.path(), "spoke-a-host", "shared-host", &["--one-way"]);
    assert_eq!((qc, tc), (0, 0), "{q:#}");
    assert!(ids(&q["path"]).contains(&"acl-tgwsubnet".to_owned()));
}

#[test]
fn tgw_4_an_attachment_without_association_drops_and_unknown_routes_are_unknown() {
    let dir = copy_fixture_dir(TGW);
    std::fs::remove_file(file(
        &dir,
        &format!("get-transit-gateway-route-table-associations.{SPOKES_RT}.json"),
    ))
    .unwrap();
    edit_json(&file(&dir, "describe-transit-gateway-attachments.json"), |v| {
        for a in v["TransitGatewayAttachments"].as_array_mut().unwrap() {
            if a["TransitGatewayAttachmentId"] == ATT_A {
                a.as_object_mut().unwrap().remove("Association");
            }
        }
    });
    assert_blocked_both(
        dir.path(),
        "spoke-a-host",
        "shared-host",
        &[],
        ATT_A,
        "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION",
    );
    let dir = copy_fixture_dir(TGW);
    std::fs::remove_file(file(&dir, &format!("search-transit-gateway-routes.{SPOKES_RT}.json"))).unwrap();
    assert_unknown_both(dir.path(), "spoke-a-host", "shared-host", &[], SPOKES_RT);
}

#[test]
fn tgw_8_traffic_the_exit_subnet_routes_on_to_anything_but_local_is_unknown() {
    let dir = copy_fixture_dir(TGW);
    edit_json(&file(&dir, "describe-route-tables.json"), |v| {
        for t in v["RouteTables"].as_array_mut().unwrap() {
            if t["RouteTableId"] == "rtb-9368dc502ff343f71" {
                t["Routes"].as_array_mut().unwrap().push(json!({
                    "DestinationCidrBlock": "10.9.1.0/25", "NetworkInterfaceId": "eni-firewall",
                    "Origin": "CreateRoute", "State": "active"}));
            }
        }
    });
    assert_unknown_both(dir.path(), "spoke-a-host", "shared-host", &[], "eni-firewall");
}

#[test]
fn tgw_9_a_security_group_reference_across_the_transit_gateway_is_unknown() {
    let dir = copy_fixture_dir(TGW);
    edit_json(&file(&dir, "describe-security-groups.json"), |v| {
        for g in v["SecurityGroups"].as_array_mut().unwrap() {
            if g["GroupName"] == "shared-sg" {
                g["IpPermissions"] = json!([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                    "UserIdGroupPairs": [{"GroupId": "sg-598bf1fb95b4594a4", "UserId": "123456789012"}]}]);
            }
        }
    });
    assert_unknown_both(dir.path(), "spoke-a-host", "shared-host", &[], "sg-5fbbc556a2cf50dd8");
}

#[test]
fn tgw_lint_reads_every_transit_gateway_output_of_the_fixture_without_a_warning() {
    let (code, v) = run_json(&["lint", path(TGW).to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(v["warnings"], 0, "{v:#}");
    let net = vpcverify::ingest::load(&path(TGW)).unwrap().network;
    assert_eq!(net.tgw.attachments.len(), 3);
    assert_eq!(net.tgw.route_tables.len(), 2);
    let a = &net.tgw.attachments[&TgwAttachmentId::from(ATT_A)];
    assert_eq!(a.association, Some(Some(SPOKES_RT.into())));
    assert_eq!(a.subnets(), &[SUBNET_A_TGW.into()]);
}

// ---------------------------------------------------------------- the native spec form

const SPEC: &str = "specs/transit-gateway.toml";

#[test]
fn tgw_spec_tables_lower_into_attachments_tables_and_propagated_routes() {
    let net = vpcverify::ingest::load(&path(SPEC)).unwrap().network;
    let a = &net.tgw.attachments[&TgwAttachmentId::from("tgw-attach-spoke-a")];
    assert_eq!(a.association, Some(Some("tgw-rtb-spokes".into())));
    assert_eq!(a.subnets(), &["subnet-spoke-a-tgw".into()]);
    let spokes = &net.tgw.route_tables[&"tgw-rtb-spokes".into()];
    let labels: Vec<String> = spokes.routes.iter().map(|r| r.label()).collect();
    assert_eq!(
        labels,
        vec!["10.2.99.0/24 -> blackhole", "10.9.0.0/16 -> tgw-attach-shared"]
    );
    assert_eq!(net.transit_gateways[&"tgw-hub".into()].vpcs.len(), 3);
}

#[test]
fn tgw_spec_facts_hold_in_both_interpreters() {
    let spec = path(SPEC);
    let ((qc, _), (tc, _)) = both(&spec, "spoke-a-host", "shared-host", &[]);
    assert_eq!((qc, tc), (0, 0));
    assert_blocked_both(
        &spec,
        "spoke-a-host",
        "spoke-b-host",
        &[],
        "tgw-rtb-spokes",
        "TGW_RTB_CANNOT_ROUTE",
    );
    assert_blocked_both(
        &spec,
        "spoke-a-far",
        "shared-host",
        &[],
        "tgw-attach-spoke-a",
        "TGW_ROUTE_AZ_RESTRICTION",
    );
    vpcverify()
        .args(["check", "proofs/transit-gateway.toml"])
        .current_dir(root())
        .assert()
        .code(0);
}

#[test]
fn tgw_spec_mistakes_are_errors_at_their_line() {
    let text = std::fs::read_to_string(path(SPEC)).unwrap();
    let bad = text.replace(
        r#"routes = [{ destination = "10.2.99.0/24", blackhole = true }]"#,
        r#"routes = [{ destination = "10.2.99.0/24" }]"#,
    );
    assert_ne!(bad, text);
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("t.toml");
    std::fs::write(&f, &bad).unwrap();
    let line = bad
        .lines()
        .position(|l| l.contains(r#"{ destination = "10.2.99.0/24" }"#))
        .unwrap()
        + 1;
    vpcverify()
        .arg("lint")
        .arg(&f)
        .assert()
        .code(2)
        .stdout(predicates::str::contains(format!("t.toml:{line}:")))
        .stdout(predicates::str::contains("needs `attachment` or `blackhole = true`"));
    let bad = text.replace(r#"subnets = ["spoke-b-tgw"]"#, r#"subnets = ["shared-tgw"]"#);
    std::fs::write(&f, &bad).unwrap();
    vpcverify()
        .arg("lint")
        .arg(&f)
        .assert()
        .code(2)
        .stdout(predicates::str::contains("is not in `vpc-spoke-b`"));
}

// ---------------------------------------------------------------- Terraform

const TF_PLAN: &str = "tests/fixtures/terraform/tgw.plan.json";

#[test]
fn tgw_terraform_plan_lowers_attachments_associations_propagations_and_routes() {
    let net = vpcverify::ingest::load(&path(TF_PLAN)).unwrap().network;
    assert_eq!(net.tgw.attachments.len(), 3);
    let a = &net.tgw.attachments[&TgwAttachmentId::from("aws_ec2_transit_gateway_vpc_attachment.spoke_a")];
    assert_eq!(
        a.association,
        Some(Some("aws_ec2_transit_gateway_route_table.spokes".into()))
    );
    assert_eq!(a.subnets(), &["aws_subnet.spoke_a_tgw".into()]);
    let spokes = &net.tgw.route_tables[&"aws_ec2_transit_gateway_route_table.spokes".into()];
    let labels: Vec<String> = spokes.routes.iter().map(|r| r.label()).collect();
    assert_eq!(
        labels,
        vec![
            "10.2.99.0/24 -> blackhole",
            "10.9.0.0/16 -> aws_ec2_transit_gateway_vpc_attachment.shared"
        ]
    );
    // Default association and propagation are disabled on the hub: no default table.
    assert_eq!(net.tgw.route_tables.len(), 2);
    let plan = path(TF_PLAN);
    let ((qc, _), (tc, _)) = both(&plan, "spoke-a-host", "shared-host", &[]);
    assert_eq!((qc, tc), (0, 0));
    assert_blocked_both(
        &plan,
        "spoke-a-host",
        "spoke-b-host",
        &[],
        "aws_ec2_transit_gateway_route_table.spokes",
        "TGW_RTB_CANNOT_ROUTE",
    );
}

#[test]
fn tgw_terraform_default_association_uses_the_gateways_default_route_table() {
    // The hub with default association on, spoke_a's attachment taking it, and spoke_a's
    // explicit association removed: spoke_a is associated with the default table, which nothing
    // propagates into (default propagation stays off), so it has no route to shared.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("plan.json");
    std::fs::copy(path(TF_PLAN), &f).unwrap();
    edit_json(&f, |v| {
        let rc = v["resource_changes"].as_array_mut().unwrap();
        rc.retain(|c| c["address"] != "aws_ec2_transit_gateway_route_table_association.spoke_a");
        for c in rc.iter_mut() {
            if c["address"] == "aws_ec2_transit_gateway.hub" {
                c["change"]["after"]["default_route_table_association"] = "enable".into();
            }
            if c["address"] == "aws_ec2_transit_gateway_vpc_attachment.spoke_a" {
                c["change"]["after"]["transit_gateway_default_route_table_association"] = true.into();
            }
        }
        let pv = v["planned_values"]["root_module"]["resources"].as_array_mut().unwrap();
        pv.retain(|r| r["address"] != "aws_ec2_transit_gateway_route_table_association.spoke_a");
        for r in pv.iter_mut() {
            if r["address"] == "aws_ec2_transit_gateway.hub" {
                r["values"]["default_route_table_association"] = "enable".into();
            }
            if r["address"] == "aws_ec2_transit_gateway_vpc_attachment.spoke_a" {
                r["values"]["transit_gateway_default_route_table_association"] = true.into();
            }
        }
    });
    let net = vpcverify::ingest::load(&f).unwrap().network;
    let default = "aws_ec2_transit_gateway.hub.default_route_table";
    let a = &net.tgw.attachments[&TgwAttachmentId::from("aws_ec2_transit_gateway_vpc_attachment.spoke_a")];
    assert_eq!(a.association, Some(Some(default.into())));
    assert_blocked_both(&f, "spoke-a-host", "shared-host", &[], default, "TGW_RTB_CANNOT_ROUTE");
}

#[test]
fn tgw_a_question_to_the_transit_gateway_asks_whether_requests_reach_it() {
    let spec = path(SPEC).to_str().unwrap().to_owned();
    let (code, v) = run_json(&[
        "query",
        &spec,
        "--from",
        "spoke-a-host",
        "--to",
        "tgw-hub",
        "--port",
        "443",
    ]);
    assert_eq!(code, 0, "{v:#}");
    let fwd = ids(&v["path"]);
    assert_eq!(fwd.last().map(String::as_str), Some("tgw-hub"), "{fwd:?}");
    assert!(fwd.contains(&"tgw-attach-spoke-a".to_owned()));
    // From the zone without an attachment subnet, nothing reaches it.
    let (code, v) = run_json(&[
        "query",
        &spec,
        "--from",
        "spoke-a-far",
        "--to",
        "tgw-hub",
        "--port",
        "443",
    ]);
    assert_eq!(code, 1, "{v:#}");
    assert!(blocked_codes(&v).contains(&("tgw-attach-spoke-a".into(), "TGW_ROUTE_AZ_RESTRICTION".into())));
}

#[test]
fn tgw_6_a_prefix_list_reference_routes_its_entries_and_ranks_between_static_and_propagated() {
    // spokes-rt gets a prefix-list reference (get-transit-gateway-prefix-list-references) for a
    // list holding spoke-b's app subnet, towards spoke-b's attachment: spoke-a's requests reach
    // spoke-b (one way: spoke-b's replies meet spokes-rt, which has no route back).
    let dir = copy_fixture_dir(TGW);
    std::fs::write(
        file(&dir, "describe-managed-prefix-lists.json"),
        json!({"PrefixLists": [{"PrefixListId": "pl-0spokeb", "AddressFamily": "IPv4", "State": "create-complete",
                                "PrefixListName": "spoke-b-app", "MaxEntries": 5, "OwnerId": "123456789012"}]})
        .to_string(),
    )
    .unwrap();
    std::fs::write(
        file(&dir, "pl-0spokeb.entries.json"),
        json!({"Entries": [{"Cidr": "10.2.1.0/24"}]}).to_string(),
    )
    .unwrap();
    std::fs::write(
        file(&dir, "get-transit-gateway-prefix-list-references.json"),
        json!({"TransitGatewayPrefixListReferences": [{
            "TransitGatewayRouteTableId": SPOKES_RT, "PrefixListId": "pl-0spokeb", "PrefixListOwnerId": "123456789012",
            "State": "available", "Blackhole": false,
            "TransitGatewayAttachment": {"TransitGatewayAttachmentId": "tgw-attach-293e2b44bafe52ab0",
                                         "ResourceType": "vpc", "ResourceId": "vpc-d557d04b51a866575"}}]})
        .to_string(),
    )
    .unwrap();
    let ((qc, q), (tc, _)) = both(dir.path(), "spoke-a-host", "spoke-b-host", &["--one-way"]);
    assert_eq!((qc, tc), (0, 0), "{q:#}");
    let hop = q["path"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == SPOKES_RT)
        .unwrap();
    assert_eq!(hop["rule"], "pl-0spokeb -> tgw-attach-293e2b44bafe52ab0");
    assert_blocked_both(
        dir.path(),
        "spoke-a-host",
        "spoke-b-host",
        &[],
        SPOKES_RT,
        "TGW_RTB_CANNOT_ROUTE",
    );
    // A static route for the same block beats the reference (here a blackhole).
    edit_json(
        &file(&dir, &format!("search-transit-gateway-routes.{SPOKES_RT}.json")),
        |v| {
            v["Routes"]
                .as_array_mut()
                .unwrap()
                .push(json!({"DestinationCidrBlock": "10.2.1.0/24", "Type": "static", "State": "blackhole"}));
        },
    );
    assert_blocked_both(
        dir.path(),
        "spoke-a-host",
        "spoke-b-host",
        &["--one-way"],
        SPOKES_RT,
        "TGW_RTB_BAD_STATE_ROUTE",
    );
    // Without the list's entries, a lookup in the table is unknown.
    std::fs::remove_file(file(&dir, "pl-0spokeb.entries.json")).unwrap();
    assert_unknown_both(dir.path(), "spoke-a-host", "shared-host", &[], SPOKES_RT);
}

// ---------------------------------------------------------------- TGW-10: peering, two Regions

const PEERED: &str = "tests/fixtures/moto-tgw-peering";

/// (east transit gateway route table, west table, peering attachment) of the fixture.
fn peered_ids() -> (String, String, String) {
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(path(&format!("{PEERED}/_ids.txt"))).unwrap()).unwrap();
    let s = |x: &Value| x.as_str().unwrap().to_owned();
    (
        s(&v["made"]["us-east-1"]["rt"]),
        s(&v["made"]["eu-west-1"]["rt"]),
        s(&v["peer"]),
    )
}

fn copy_tree(rel: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for region in ["us-east-1", "eu-west-1"] {
        let to = dir.path().join(region);
        std::fs::create_dir_all(&to).unwrap();
        for e in std::fs::read_dir(path(&format!("{rel}/{region}"))).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
    dir
}

#[test]
fn tgw_10_two_peered_transit_gateways_in_two_regions_carry_traffic_both_ways() {
    let (east_rt, west_rt, peer) = peered_ids();
    let ((qc, q), (tc, t)) = both(&path(PEERED), "host-us-east-1", "host-eu-west-1", &[]);
    assert_eq!((qc, tc), (0, 0), "{q:#} {t:#}");
    for v in [&q, &t] {
        let fwd = ids(&v["path"]);
        let back = ids(&v["return_path"]);
        for want in [&east_rt, &peer, &west_rt] {
            assert!(fwd.contains(want), "{want} not in {fwd:?}");
            assert!(back.contains(want), "{want} not in {back:?}");
        }
        // The west table decides on the way there, the east one on the way back.
        let at = |hops: &[String], id: &str| hops.iter().position(|h| h == id).unwrap();
        assert!(at(&fwd, &east_rt) < at(&fwd, &peer) && at(&fwd, &peer) < at(&fwd, &west_rt));
        assert!(at(&back, &west_rt) < at(&back, &peer) && at(&back, &peer) < at(&back, &east_rt));
    }
    let (code, v) = run_json(&["lint", path(PEERED).to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(
        v["source"]
            .as_str()
            .unwrap()
            .contains("2 regions: eu-west-1, us-east-1"),
        "{v:#}"
    );
}

#[test]
fn tgw_10_the_reply_needs_the_peer_sides_static_route_and_association() {
    let (_, west_rt, peer) = peered_ids();
    // Without west's static route back, the request gets there but the reply does not.
    let dir = copy_tree(PEERED);
    let routes = dir
        .path()
        .join(format!("eu-west-1/search-transit-gateway-routes.{west_rt}.json"));
    edit_json(&routes, |v| {
        v["Routes"].as_array_mut().unwrap().retain(|r| r["Type"] != "static");
    });
    assert_blocked_both(
        dir.path(),
        "host-us-east-1",
        "host-eu-west-1",
        &[],
        &west_rt,
        "TGW_RTB_CANNOT_ROUTE",
    );
    let ((qc, _), (tc, _)) = both(dir.path(), "host-us-east-1", "host-eu-west-1", &["--one-way"]);
    assert_eq!((qc, tc), (0, 0));
    // West's side of the peering associated with no table: dropped at the peering on arrival.
    let dir = copy_tree(PEERED);
    let assoc = dir.path().join(format!(
        "eu-west-1/get-transit-gateway-route-table-associations.{west_rt}.json"
    ));
    edit_json(&assoc, |v| {
        v["Associations"]
            .as_array_mut()
            .unwrap()
            .retain(|a| a["TransitGatewayAttachmentId"] != peer.as_str());
    });
    edit_json(
        &dir.path().join("eu-west-1/describe-transit-gateway-attachments.json"),
        |v| {
            for a in v["TransitGatewayAttachments"].as_array_mut().unwrap() {
                if a["TransitGatewayAttachmentId"] == peer.as_str() {
                    a.as_object_mut().unwrap().remove("Association");
                }
            }
        },
    );
    assert_blocked_both(
        dir.path(),
        "host-us-east-1",
        "host-eu-west-1",
        &["--one-way"],
        &peer,
        "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION",
    );
    // The peering not accepted: the east table's route to it drops.
    let dir = copy_tree(PEERED);
    for region in ["us-east-1", "eu-west-1"] {
        edit_json(
            &dir.path()
                .join(format!("{region}/describe-transit-gateway-peering-attachments.json")),
            |v| {
                for a in v["TransitGatewayPeeringAttachments"].as_array_mut().unwrap() {
                    a["State"] = "pendingAcceptance".into();
                }
            },
        );
        edit_json(
            &dir.path()
                .join(format!("{region}/describe-transit-gateway-attachments.json")),
            |v| {
                for a in v["TransitGatewayAttachments"].as_array_mut().unwrap() {
                    if a["TransitGatewayAttachmentId"] == peer.as_str() {
                        a["State"] = "pendingAcceptance".into();
                    }
                }
            },
        );
    }
    assert_blocked_both(
        dir.path(),
        "host-us-east-1",
        "host-eu-west-1",
        &["--one-way"],
        &peer,
        "BAD_STATE_ATTACHMENT",
    );
}

#[test]
fn tgw_10_a_spec_peering_carries_traffic_between_two_gateways() {
    let spec = r#"
[vpc.a]
cidr = "10.1.0.0/16"
[vpc.b]
cidr = "10.2.0.0/16"
[transit_gateway.east]
[transit_gateway.west]
[subnet.a-app]
vpc = "a"
az = "us-east-1a"
cidr = "10.1.1.0/24"
[subnet.a-tgw]
vpc = "a"
az = "us-east-1a"
cidr = "10.1.0.0/28"
[subnet.b-app]
vpc = "b"
az = "eu-west-1a"
cidr = "10.2.1.0/24"
[subnet.b-tgw]
vpc = "b"
az = "eu-west-1a"
cidr = "10.2.0.0/28"
[transit_gateway_attachment.a]
transit_gateway = "east"
vpc = "a"
subnets = ["a-tgw"]
route_table = "east-rt"
[transit_gateway_attachment.b]
transit_gateway = "west"
vpc = "b"
subnets = ["b-tgw"]
route_table = "west-rt"
[transit_gateway_peering.east-west]
transit_gateways = ["east", "west"]
associations = [{ transit_gateway = "east", route_table = "east-rt" }, { transit_gateway = "west", route_table = "west-rt" }]
[transit_gateway_route_table.east-rt]
transit_gateway = "east"
propagations = ["a"]
routes = [{ destination = "10.2.0.0/16", attachment = "east-west" }]
[transit_gateway_route_table.west-rt]
transit_gateway = "west"
propagations = ["b"]
routes = [{ destination = "10.1.0.0/16", attachment = "east-west" }]
[route_table.a-main]
vpc = "a"
main = true
routes = [{ destination = "10.0.0.0/8", target = "east" }]
[route_table.b-main]
vpc = "b"
main = true
routes = [{ destination = "10.0.0.0/8", target = "west" }]
[security_group.a-open]
vpc = "a"
ingress = [{ protocol = "all", from = "10.0.0.0/8" }]
[security_group.b-open]
vpc = "b"
ingress = [{ protocol = "all", from = "10.0.0.0/8" }]
[instance.a-host]
subnet = "a-app"
private_ip = "10.1.1.10"
groups = ["a-open"]
[instance.b-host]
subnet = "b-app"
private_ip = "10.2.1.10"
groups = ["b-open"]
"#;
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("peered.toml");
    std::fs::write(&f, spec).unwrap();
    let ((qc, q), (tc, _)) = both(&f, "a-host", "b-host", &[]);
    assert_eq!((qc, tc), (0, 0), "{q:#}");
    for want in ["tgw-attach-east-west", "tgw-rtb-east-rt", "tgw-rtb-west-rt", "tgw-west"] {
        assert!(ids(&q["path"]).contains(&want.to_owned()), "{want}");
    }
    // Without west's association of the peering, what arrives over it is dropped there.
    let unassociated = spec.replace(r#", { transit_gateway = "west", route_table = "west-rt" }"#, "");
    assert_ne!(unassociated, spec);
    std::fs::write(&f, unassociated).unwrap();
    assert_blocked_both(
        &f,
        "a-host",
        "b-host",
        &["--one-way"],
        "tgw-attach-east-west",
        "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION",
    );
}

#[test]
fn tgw_lint_warns_about_transit_gateway_references_that_do_not_resolve() {
    let dir = copy_fixture_dir(TGW);
    // spoke-a's attachment names shared's attachment subnet; shared's is associated with a table
    // the input lacks; the spokes' table routes to an attachment the input lacks.
    edit_json(&file(&dir, "describe-transit-gateway-vpc-attachments.json"), |v| {
        for a in v["TransitGatewayVpcAttachments"].as_array_mut().unwrap() {
            if a["TransitGatewayAttachmentId"] == ATT_A {
                a["SubnetIds"] = json!(["subnet-f705b6ece964d5932"]);
            }
        }
    });
    edit_json(&file(&dir, "describe-transit-gateway-attachments.json"), |v| {
        for a in v["TransitGatewayAttachments"].as_array_mut().unwrap() {
            if a["TransitGatewayAttachmentId"] == ATT_SHARED {
                a["Association"]["TransitGatewayRouteTableId"] = "tgw-rtb-gone".into();
            }
        }
    });
    std::fs::remove_file(file(
        &dir,
        &format!("get-transit-gateway-route-table-associations.{SHARED_RT}.json"),
    ))
    .unwrap();
    edit_json(
        &file(&dir, &format!("search-transit-gateway-routes.{SPOKES_RT}.json")),
        |v| {
            v["Routes"].as_array_mut().unwrap().push(json!({
            "DestinationCidrBlock": "10.7.0.0/16", "Type": "static", "State": "active",
            "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-gone", "ResourceType": "vpc"}]}));
        },
    );
    let (code, v) = run_json(&["lint", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{v:#}");
    let messages: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "tgw-reference")
        .map(|d| d["message"].as_str().unwrap().to_owned())
        .collect();
    for want in [
        format!(
            "attachment `{ATT_A}` names subnet `subnet-f705b6ece964d5932` of `vpc-485477e409a590b0b`, not of its VPC"
        ),
        format!("attachment `{ATT_SHARED}` is associated with `tgw-rtb-gone`"),
        "names attachment `tgw-attach-gone`, which is not in the input".to_owned(),
    ] {
        assert!(
            messages.iter().any(|m| m.contains(&want)),
            "{want} not in {messages:#?}"
        );
    }
    // And a query that depends on them says unknown rather than guessing.
    assert_unknown_both(dir.path(), "shared-host", "spoke-a-host", &[], "tgw-rtb-gone");
}

#[test]
fn tgw_10_a_terraform_peering_and_its_accepter_carry_traffic_and_without_the_accepter_it_is_unknown() {
    let plan = path("tests/fixtures/terraform/tgw-peering.plan.json");
    let peer = "aws_ec2_transit_gateway_peering_attachment.east_west";
    let ((qc, q), (tc, _)) = both(&plan, "east-host", "west-host", &[]);
    assert_eq!((qc, tc), (0, 0), "{q:#}");
    assert!(ids(&q["path"]).contains(&peer.to_owned()));
    assert!(ids(&q["return_path"]).contains(&peer.to_owned()));
    // The west side's association goes through the accepter: it resolves to the same peering.
    let net = vpcverify::ingest::load(&plan).unwrap().network;
    let pc = &net.tgw.peerings[&TgwAttachmentId::from(peer)];
    assert_eq!(
        pc.associations.get(&"aws_ec2_transit_gateway.west".into()),
        Some(&Some("aws_ec2_transit_gateway_route_table.west".into()))
    );
    // No accepter in the input: the peering is left out, with a warning, and a route to it is
    // unknown.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("plan.json");
    std::fs::copy(&plan, &f).unwrap();
    let accepter = "aws_ec2_transit_gateway_peering_attachment_accepter.east_west";
    edit_json(&f, |v| {
        v["resource_changes"]
            .as_array_mut()
            .unwrap()
            .retain(|c| c["address"] != accepter);
        v["planned_values"]["root_module"]["resources"]
            .as_array_mut()
            .unwrap()
            .retain(|r| r["address"] != accepter);
    });
    let (code, v) = run_json(&["lint", f.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "unaccepted-peering"),
        "{v:#}"
    );
    assert_unknown_both(&f, "east-host", "west-host", &[], peer);
}

#[test]
fn tgw_2_zone_names_of_two_accounts_are_compared_only_through_zone_ids() {
    // The hub estate split over two accounts: shared's subnets are described by account 2, and
    // shared's attachment gains a second subnet (us-east-1b), so which one carries spoke-a's
    // packet depends on the zone it entered in (account 1's us-east-1a).
    let dir = tempfile::tempdir().unwrap();
    let a1 = dir.path().join("accounts/111111111111/us-east-1");
    let a2 = dir.path().join("accounts/222222222222/us-east-1");
    std::fs::create_dir_all(&a1).unwrap();
    std::fs::create_dir_all(&a2).unwrap();
    for e in std::fs::read_dir(path(TGW)).unwrap() {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "json") {
            std::fs::copy(e.path(), a1.join(e.file_name())).unwrap();
        }
    }
    let shared_vpc = "vpc-485477e409a590b0b";
    let mut moved: Vec<Value> = Vec::new();
    edit_json(&a1.join("describe-subnets.json"), |v| {
        let all = v["Subnets"].as_array_mut().unwrap();
        for s in all.iter_mut() {
            s.as_object_mut().unwrap().remove("AvailabilityZoneId");
        }
        moved = all.iter().filter(|s| s["VpcId"] == shared_vpc).cloned().collect();
        all.retain(|s| s["VpcId"] != shared_vpc);
    });
    let mut second = moved[0].clone();
    second["SubnetId"] = "subnet-shared-b".into();
    second["CidrBlock"] = "10.9.0.16/28".into();
    second["AvailabilityZone"] = "us-east-1b".into();
    moved.push(second);
    std::fs::write(
        a2.join("describe-subnets.json"),
        json!({ "Subnets": moved }).to_string(),
    )
    .unwrap();
    edit_json(&a1.join("describe-transit-gateway-vpc-attachments.json"), |v| {
        for a in v["TransitGatewayVpcAttachments"].as_array_mut().unwrap() {
            if a["TransitGatewayAttachmentId"] == ATT_SHARED {
                a["SubnetIds"].as_array_mut().unwrap().push("subnet-shared-b".into());
            }
        }
    });
    // Without zone ids, us-east-1a of account 1 and of account 2 may be different zones.
    assert_unknown_both(
        dir.path(),
        "spoke-a-host",
        "shared-host",
        &[],
        "subnet-f705b6ece964d5932",
    );
    // With them (describe-subnets prints `AvailabilityZoneId`), the zones compare.
    let id = |z: &str| if z == "us-east-1a" { "use1-az1" } else { "use1-az2" };
    for f in [a1.join("describe-subnets.json"), a2.join("describe-subnets.json")] {
        edit_json(&f, |v| {
            for s in v["Subnets"].as_array_mut().unwrap() {
                let z = s["AvailabilityZone"].as_str().unwrap().to_owned();
                s["AvailabilityZoneId"] = id(&z).into();
            }
        });
    }
    let ((qc, q), (tc, _)) = both(dir.path(), "spoke-a-host", "shared-host", &[]);
    assert_eq!((qc, tc), (0, 0), "{q:#}");
    let exit = q["path"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == ATT_SHARED)
        .unwrap();
    assert!(
        exit["detail"].as_str().unwrap().contains("subnet-f705b6ece964d5932"),
        "{exit:#}"
    );
}

#[test]
fn tgw_lint_reports_the_transit_gateway_constructs_it_does_not_model() {
    let dir = copy_fixture_dir(TGW);
    // A Connect attachment (VPN and Direct Connect gateway attachments are modelled, §5.11), and a
    // route with two attachments (equal-cost multipath) to it and spoke-b.
    edit_json(&file(&dir, "describe-transit-gateway-attachments.json"), |v| {
        v["TransitGatewayAttachments"].as_array_mut().unwrap().push(json!({
            "TransitGatewayAttachmentId": "tgw-attach-connect", "TransitGatewayId": "tgw-9157a88534780fac2",
            "ResourceType": "connect", "ResourceId": "tgw-attach-293e2b44bafe52ab0", "State": "available",
            "Association": {"TransitGatewayRouteTableId": SPOKES_RT, "State": "associated"}}));
    });
    edit_json(
        &file(&dir, &format!("search-transit-gateway-routes.{SPOKES_RT}.json")),
        |v| {
            v["Routes"].as_array_mut().unwrap().push(json!({
            "DestinationCidrBlock": "10.3.0.0/16", "Type": "static", "State": "active",
            "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-connect"},
                                          {"TransitGatewayAttachmentId": "tgw-attach-293e2b44bafe52ab0"}]}));
        },
    );
    let (code, v) = run_json(&["lint", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0);
    let unsupported: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "unsupported")
        .map(|d| d["message"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        unsupported
            .iter()
            .any(|m| m.contains("`tgw-attach-connect` (connect) is not modelled")),
        "{unsupported:#?}"
    );
    assert!(
        unsupported
            .iter()
            .any(|m| m.contains("names 2 attachments (equal-cost multipath")),
        "{unsupported:#?}"
    );
    // A packet that route decides is unknown in both interpreters.
    assert_unknown_both(dir.path(), "spoke-a-host", "10.3.1.1", &["--one-way"], SPOKES_RT);
}
