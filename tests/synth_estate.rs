//! The synthetic estate generator of `examples/synth.rs` (shared with the benches): a small
//! estate lints clean, has exactly the interfaces asked for, is the same for the same seed, and
//! its named hosts answer as the benchmarks expect.

#[path = "../examples/synth/estate.rs"]
pub mod estate;
#[path = "../examples/synth/tgw.rs"]
pub mod tgw;

use crate::common::*;

/// A generated estate of `enis` interfaces, written to a temporary directory.
pub fn generate(enis: usize, seed: u64) -> (tempfile::TempDir, estate::Snapshot) {
    let snapshot = estate::generate(&estate::Spec::new(enis, seed)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    snapshot.write(dir.path()).unwrap();
    (dir, snapshot)
}

#[test]
fn a_200_interface_estate_lints_with_no_errors_or_warnings() {
    let (dir, _) = generate(200, 7);
    vpcverify()
        .arg("lint")
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicates::str::contains("ok: 0 errors, 0 warnings"));
}

#[test]
fn the_estate_has_exactly_the_interfaces_asked_for() {
    for enis in [200, 457] {
        let (dir, _) = generate(enis, 3);
        let loaded = vpcverify::ingest::load(dir.path()).unwrap();
        assert_eq!(loaded.network.network_interfaces.len(), enis);
        assert!(loaded.network.instances.len() < enis);
        assert_eq!(loaded.network.vpcs.len(), estate::default_vpcs(enis));
    }
}

#[test]
fn the_same_seed_gives_the_same_snapshot_and_another_seed_another() {
    let a = estate::generate(&estate::Spec::new(300, 11)).unwrap();
    let b = estate::generate(&estate::Spec::new(300, 11)).unwrap();
    let c = estate::generate(&estate::Spec::new(300, 12)).unwrap();
    assert_eq!(a.files, b.files);
    assert_ne!(a.files, c.files);
}

#[test]
fn impossible_estates_are_errors_not_panics() {
    assert!(
        estate::generate(&estate::Spec {
            enis: 5,
            vpcs: 2,
            seed: 1
        })
        .is_err()
    );
    assert!(
        estate::generate(&estate::Spec {
            enis: 500,
            vpcs: 1,
            seed: 1
        })
        .is_err()
    );
    assert!(
        estate::generate(&estate::Spec {
            enis: 100_000,
            vpcs: 2,
            seed: 1
        })
        .is_err()
    );
}

#[test]
fn the_named_hosts_answer_as_the_benchmarks_expect() {
    let (dir, snapshot) = generate(400, 5);
    let expected = [0, 1, 0, 1, 0, 0, 0, 0];
    for (question, code) in snapshot.questions(expected.len(), 1).iter().zip(expected) {
        let mut cmd = vpcverify();
        cmd.arg("query").arg(dir.path());
        cmd.args([
            "--from",
            &question.from,
            "--to",
            &question.to,
            "--protocol",
            question.protocol,
        ]);
        if let Some(p) = question.port {
            cmd.args(["--port", &p.to_string()]);
        }
        cmd.assert().code(code);
    }
}

/// A directory is parsed keeping only the fields the loader reads, in parallel: it must lower to
/// exactly what the plain parse of every file gives.
#[test]
fn the_pruned_directory_load_equals_the_plain_parse() {
    let (estate_dir, _) = generate(300, 9);
    for dir in [path("tests/fixtures/moto-sample"), estate_dir.path().to_owned()] {
        let fast = vpcverify::ingest::aws::load_dir(&dir).unwrap();
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        let docs: Vec<_> = files
            .into_iter()
            .map(|p| {
                let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
                (p.clone(), p.display().to_string(), v)
            })
            .collect();
        let plain = vpcverify::ingest::aws::load_files(&docs).unwrap();
        assert_eq!(fast.network, plain.network, "{}", dir.display());
        assert_eq!(fast.diagnostics, plain.diagnostics, "{}", dir.display());
    }
}

fn tgw_estate(spokes: usize, hosts: usize, seed: u64) -> (tempfile::TempDir, tgw::Spec, estate::Snapshot) {
    let spec = tgw::Spec {
        spokes,
        hosts_per_vpc: hosts,
        seed,
    };
    let snapshot = tgw::generate(&spec).unwrap();
    let dir = tempfile::tempdir().unwrap();
    snapshot.write(dir.path()).unwrap();
    (dir, spec, snapshot)
}

#[test]
fn the_transit_gateway_estate_lints_clean_in_the_nested_layout() {
    let (dir, spec, _) = tgw_estate(8, 6, 2);
    vpcverify()
        .arg("lint")
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicates::str::contains(
            "3 accounts: 111111111111, 222222222222, 333333333333; 2 regions: eu-west-1, us-east-1",
        ))
        .stdout(predicates::str::contains("ok: 0 errors, 0 warnings"));
    let loaded = vpcverify::ingest::load(dir.path()).unwrap();
    assert_eq!(loaded.network.network_interfaces.len(), spec.enis());
    assert_eq!(loaded.network.vpcs.len(), 10);
    assert_eq!(loaded.network.transit_gateways.len(), 2);
}

/// The design's answers (isolated spokes, shared services in both Regions over the peering,
/// cross-account attachments) hold with no `unknown`: `check` passes the generated suite.
#[test]
fn the_transit_gateway_estate_answers_its_suite_as_designed() {
    let (dir, spec, _) = tgw_estate(6, 5, 3);
    let suite = dir.path().join("suite.toml");
    std::fs::write(&suite, estate::suite_toml(&tgw::questions(&spec, 60, 3))).unwrap();
    vpcverify()
        .arg("check")
        .arg(&suite)
        .assert()
        .code(0)
        .stdout(predicates::str::contains("60 passed, 0 failed, 0 unknown"));
}

/// Sets `subnet` (by Name tag) apart from its sibling attachment subnet: its own route table.
fn give_own_route_table(snapshot: &mut estate::Snapshot, subnet_name: &str) {
    let mut subnet_id = None;
    for (_, doc) in &snapshot.files {
        for s in doc["Subnets"].as_array().into_iter().flatten() {
            if s["Tags"][0]["Value"] == subnet_name {
                subnet_id = Some((s["SubnetId"].clone(), s["VpcId"].clone()));
            }
        }
    }
    let (subnet, vpc) = subnet_id.expect("the subnet is generated");
    for (_, doc) in &mut snapshot.files {
        if let Some(tables) = doc["RouteTables"].as_array_mut()
            && let Some(main) = tables
                .iter()
                .find(|t| t["VpcId"] == vpc && t["Associations"][0]["Main"] == true)
                .cloned()
        {
            let mut own = main;
            own["RouteTableId"] = serde_json::json!("rtb-0ownownownownown1");
            own["Associations"] = serde_json::json!([{
                "Main": false, "RouteTableAssociationId": "rtbassoc-0ownownownownown1",
                "RouteTableId": "rtb-0ownownownownown1", "SubnetId": subnet,
                "AssociationState": {"State": "associated"}
            }]);
            tables.push(own);
        }
    }
}

/// TGW-8a: a packet that came over the peering leaves through "some" subnet of a two-subnet
/// attachment; they share an ACL and a route table, so the answer is definite and the path says
/// why. Give one of them its own route table and the choice matters: `unknown`, naming the
/// attachment.
#[test]
fn tgw_8a_interchangeable_attachment_subnets_settle_the_exit_after_a_peering() {
    let from = tgw::spoke_host("us-east-1", 1, 0);
    let to = tgw::shared_host("eu-west-1");
    let (dir, _, mut snapshot) = tgw_estate(4, 2, 4);
    for format in ["text", "json"] {
        let out = vpcverify()
            .args(["query", &dir.path().display().to_string(), "--from", &from, "--to", &to])
            .args(["--port", "443", "--format", format])
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("TGW-8a"), "{out}");
    }
    // The reply leaves through an attachment subnet of the spoke, the request through one of
    // the shared-services VPC: set one of the latter apart.
    give_own_route_table(&mut snapshot, "shared-eu-west-1-tgw-attachment-eu-west-1b");
    let dir2 = tempfile::tempdir().unwrap();
    snapshot.write(dir2.path()).unwrap();
    let out = vpcverify()
        .args([
            "query",
            &dir2.path().display().to_string(),
            "--from",
            &from,
            "--to",
            &to,
        ])
        .args(["--port", "443"])
        .assert()
        .code(3)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("has 2 subnets and the packet entered over a peering"),
        "{out}"
    );
}
