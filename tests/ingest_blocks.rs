//! Issue #17: a snapshot directory read in blocks (the big lists' items parsed on every core and
//! kept compact until lowered, `ingest::aws::stream`) gives exactly what reading each file whole
//! gives: the same network, diagnostics and source, and the same error (file, line, column) for a
//! broken file.

use crate::common::*;
use crate::synth_estate::estate;
use serde_json::{Value, json};
use std::path::Path;
use vpcverify::ingest::{IngestError, aws};

/// Everything a load says, as comparable text: the network and the diagnostics serialized, the
/// source, or the error.
fn outcome(dir: &Path, block: Option<usize>) -> Result<(String, String, String), IngestError> {
    let l = aws::load_dir_blocks(dir, block)?;
    Ok((
        serde_json::to_string(&l.network).unwrap(),
        serde_json::to_string(&l.diagnostics).unwrap(),
        l.source,
    ))
}

/// The outcome of reading whole, after checking that reads in blocks of several sizes (down to a
/// few bytes, so that values and items straddle blocks) give the same.
fn same_every_way(dir: &Path) -> Result<(String, String, String), IngestError> {
    let whole = outcome(dir, None);
    for block in [1 << 23, 4096, 61, 7] {
        assert_eq!(
            outcome(dir, Some(block)),
            whole,
            "{} in blocks of {block}",
            dir.display()
        );
    }
    whole
}

#[test]
fn the_bundled_snapshots_load_the_same_in_blocks_as_whole() {
    for rel in [
        "tests/fixtures/moto-sample",
        "tests/fixtures/moto-elb",
        "tests/fixtures/moto-tgw",
        "tests/fixtures/moto-tgw-peering",
        "tests/fixtures/moto-vpn",
        "tests/fixtures/nested",
        "tests/fixtures/bpa",
    ] {
        let dir = path(rel);
        let (network, _, _) = same_every_way(&dir).unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert!(network.len() > 100, "{rel} loaded nothing");
    }
    // The AWS CLI's documented examples, some of them not valid JSON as the documentation prints
    // them: the whole corpus is the same error either way, and so is each command's directory,
    // read or refused.
    let corpus = path("tests/fixtures/aws-cli-examples");
    assert!(matches!(same_every_way(&corpus), Err(IngestError::Json { .. })));
    let (mut read, mut refused) = (0, 0);
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let dir = entry.unwrap().path();
        if dir.is_dir() {
            match same_every_way(&dir) {
                Ok(_) => read += 1,
                Err(_) => refused += 1,
            }
        }
    }
    assert!(read > 10 && refused > 0, "{read} read, {refused} refused");
}

#[test]
fn a_synthetic_estate_loads_the_same_in_blocks_as_whole() {
    let snapshot = estate::generate(&estate::Spec::new(300, 3)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    snapshot.write(dir.path()).unwrap();
    let (network, diags, _) = same_every_way(dir.path()).unwrap();
    let net: Value = serde_json::from_str(&network).unwrap();
    assert_eq!(net["network_interfaces"].as_object().unwrap().len(), 300);
    assert!(!net["instances"].as_object().unwrap().is_empty());
    assert_eq!(diags, "[]");
}

/// A copy of the 60-interface synthetic estate with `describe-instances.json` replaced by `text`.
fn estate_with_instances(text: &[u8]) -> tempfile::TempDir {
    let snapshot = estate::generate(&estate::Spec::new(60, 5)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    snapshot.write(dir.path()).unwrap();
    std::fs::write(dir.path().join("describe-instances.json"), text).unwrap();
    dir
}

#[test]
fn a_broken_big_file_is_the_same_error_at_the_same_line_either_way() {
    let snapshot = estate::generate(&estate::Spec::new(60, 5)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    snapshot.write(dir.path()).unwrap();
    let good = std::fs::read_to_string(dir.path().join("describe-instances.json")).unwrap();
    let lines: Vec<&str> = good.lines().collect();
    let mid = lines.len() / 2;
    // A missing comma, a repeated key in an unread field, a bad byte in an unread string, an
    // item cut short at the end: each a JSON error naming the file and the line.
    let missing_comma = {
        let mut l: Vec<String> = lines.iter().map(|s| (*s).to_owned()).collect();
        let at = (mid..l.len()).find(|&i| l[i].trim_end().ends_with("\",")).unwrap();
        l[at] = l[at].trim_end().trim_end_matches(',').to_owned();
        (l.join("\n").into_bytes(), at + 2)
    };
    let repeated_key = (
        good.replacen(
            "\"AmiLaunchIndex\": 0,",
            "\"Unread\": 1, \"Unread\": 2, \"AmiLaunchIndex\": 0,",
            1,
        )
        .into_bytes(),
        0,
    );
    let bad_byte = {
        let mut b = good.clone().into_bytes();
        let at = good.find("\"ImageId\": \"").unwrap() + "\"ImageId\": \"".len();
        b[at] = 0xff;
        (b, 0)
    };
    let cut_short = (good.as_bytes()[..good.len() * 2 / 3].to_vec(), 0);
    for (i, (text, line)) in [missing_comma, repeated_key, bad_byte, cut_short]
        .into_iter()
        .enumerate()
    {
        assert!(!text.is_empty());
        let d = estate_with_instances(&text);
        let err = same_every_way(d.path()).unwrap_err();
        let IngestError::Json { file, line: at, .. } = &err else {
            panic!("case {i}: {err:?}")
        };
        assert!(file.ends_with("describe-instances.json"), "case {i}: {file}");
        if line > 0 {
            assert_eq!(*at, line, "case {i}: {err}");
        }
    }
}

#[test]
fn items_past_the_first_block_are_named_by_their_place_in_the_whole_list() {
    // 5,000 interfaces and 4,200 one-instance reservations (more than one block of items each):
    // a malformed interface at 4,500 and an instance listed again at 4,150 are named by their
    // place in the list, and the repeat is found across the blocks.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("vpcs.json"),
        json!({"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}).to_string(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("subnets.json"),
        json!({"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}).to_string(),
    )
    .unwrap();
    let enis: Vec<Value> = (0..5000)
        .map(|i| {
            if i == 4500 {
                json!({"NetworkInterfaceId": 7})
            } else {
                json!({"NetworkInterfaceId": format!("eni-{i}"), "SubnetId": "subnet-1", "VpcId": "vpc-1",
                       "PrivateIpAddress": format!("10.0.{}.{}", i / 200, i % 200 + 4)})
            }
        })
        .collect();
    std::fs::write(
        dir.path().join("enis.json"),
        serde_json::to_string_pretty(&json!({"NetworkInterfaces": enis})).unwrap(),
    )
    .unwrap();
    let reservations: Vec<Value> = (0..4200)
        .map(|i| {
            let id = if i == 4150 { 10 } else { i };
            json!({"Instances": [{"InstanceId": format!("i-{id}"), "NetworkInterfaces": [
                {"NetworkInterfaceId": format!("eni-{id}"), "Attachment": {"DeviceIndex": 0}}]}]})
        })
        .collect();
    std::fs::write(
        dir.path().join("instances.json"),
        json!({"Reservations": reservations}).to_string(),
    )
    .unwrap();
    let (_, diags, _) = same_every_way(dir.path()).unwrap();
    let diags: Vec<Value> = serde_json::from_str(&diags).unwrap();
    let on = |needle: &str| {
        diags
            .iter()
            .filter(|d| d.to_string().contains(needle))
            .map(|d| d["message"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let bad = on("NetworkInterfaces[4500]");
    assert_eq!(bad.len(), 1, "{diags:?}");
    assert!(bad[0].contains("`NetworkInterfaceId` should be a string"), "{bad:?}");
    let again = on("listed twice");
    assert_eq!(again.len(), 1, "{diags:?}");
    assert!(
        again[0].contains("`Reservations[10].Instances[0]`") && again[0].contains("`Reservations[4150].Instances[0]`"),
        "{again:?}"
    );
}
