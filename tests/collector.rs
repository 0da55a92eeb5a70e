//! `scripts/collect-aws-snapshot` against moto's server on 127.0.0.1, driven by the real AWS CLI
//! (both from PyPI: `.ci/run` installs them in a venv and names it in `VPCVERIFY_AWS_VENV`):
//! a two-Region network with a peering (tests/fixtures/collector/populate.py) is collected in the
//! nested layout, `lint` accepts it, and a query answers as the populated network should.

use crate::common::{path, vpcverify};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// moto's default account.
const ACCOUNT: &str = "123456789012";

/// The directory holding `aws`, `moto_server` and a `python3` that imports boto3: the venv of
/// `VPCVERIFY_AWS_VENV`, else the one of `moto_server` on PATH.
fn tools() -> Option<PathBuf> {
    let has = |dir: &Path| ["aws", "moto_server", "python3"].iter().all(|t| dir.join(t).is_file());
    if let Some(venv) = std::env::var_os("VPCVERIFY_AWS_VENV") {
        let bin = PathBuf::from(venv).join("bin");
        return has(&bin).then_some(bin);
    }
    std::env::split_paths(&std::env::var_os("PATH")?).find(|d| has(d))
}

/// moto's server, stopped when dropped.
struct Moto(Child);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// An AWS CLI or boto3 environment that can only reach the local server: fake credentials, no
/// configuration files, one attempt per call (moto answers some commands with a 500).
fn aws_env(c: &mut Command, bin: &Path) {
    let path = std::env::join_paths(
        std::iter::once(bin.to_path_buf()).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    c.env("PATH", path)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_MAX_ATTEMPTS", "1")
        .env_remove("AWS_PROFILE");
}

#[test]
fn collects_a_two_region_peering_that_lint_accepts_and_query_answers() {
    let Some(bin) = tools() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the collector's test: set VPCVERIFY_AWS_VENV to a venv with awscli and moto[server] (.ci/run does)"
        );
        eprintln!("collector test skipped: no venv with awscli and moto[server] (set VPCVERIFY_AWS_VENV)");
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let log = std::fs::File::create(work.path().join("moto.log")).unwrap();
    let _moto = Moto(
        Command::new(bin.join("moto_server"))
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap(),
    );
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "moto's server did not start: {}",
            std::fs::read_to_string(work.path().join("moto.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    let mut populate = Command::new(bin.join("python3"));
    populate.arg(path("tests/fixtures/collector/populate.py")).arg(&url);
    aws_env(&mut populate, &bin);
    let out = populate.output().unwrap();
    assert!(
        out.status.success(),
        "populate.py: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ids: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let (client, server) = (ids["client"].as_str().unwrap(), ids["server"].as_str().unwrap());

    let snap = work.path().join("snap");
    let mut collect = Command::new(path("scripts/collect-aws-snapshot"));
    collect
        .args([
            "--region",
            "us-east-1",
            "--region",
            "eu-west-1",
            "--endpoint-url",
            &url,
            "--out",
        ])
        .arg(&snap)
        .stdin(Stdio::null());
    aws_env(&mut collect, &bin);
    let out = collect.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    // moto does not implement VPC Block Public Access: those calls fail, are reported, and the
    // others go on; the script exits 1 at the end.
    assert_eq!(out.status.code(), Some(1), "{err}");
    let failures: Vec<&str> = err.lines().filter(|l| l.contains(": failed:")).collect();
    assert_eq!(failures.len(), 4, "{err}");
    assert!(
        failures.iter().all(|l| l.contains("describe-vpc-block-public-access-")),
        "{err}"
    );
    assert!(err.contains("4 command(s) failed"), "{err}");
    for region in ["us-east-1", "eu-west-1"] {
        let dir = snap.join("accounts").join(ACCOUNT).join(region);
        for c in [
            "describe-vpcs",
            "describe-subnets",
            "describe-route-tables",
            "describe-network-acls",
            "describe-security-groups",
            "describe-instances",
            "describe-vpc-peering-connections",
            "describe-transit-gateway-route-tables",
            "describe-managed-prefix-lists",
        ] {
            assert!(
                dir.join(format!("{c}.json")).is_file(),
                "{}/{c}.json: {err}",
                dir.display()
            );
        }
        assert!(!dir.join("describe-vpc-block-public-access-options.json").exists());
        assert!(!dir.join("describe-vpc-block-public-access-options.json.part").exists());
    }
    // The customer-managed list `office` has its entries, in a file named after it.
    let east = snap.join("accounts").join(ACCOUNT).join("us-east-1");
    let office = std::fs::read_to_string(east.join("describe-managed-prefix-lists.json")).unwrap();
    let lists: serde_json::Value = serde_json::from_str(&office).unwrap();
    let office_id = lists["PrefixLists"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["PrefixListName"] == "office")
        .and_then(|l| l["PrefixListId"].as_str())
        .unwrap();
    let entries =
        std::fs::read_to_string(east.join(format!("get-managed-prefix-list-entries.{office_id}.json"))).unwrap();
    assert!(entries.contains("192.0.2.0/24"), "{entries}");

    let snap_arg = snap.to_str().unwrap();
    let out = vpcverify().args(["lint", snap_arg]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("1 account: 123456789012; 2 regions: eu-west-1, us-east-1): ok: 0 errors"),
        "{text}"
    );

    let query = |port: &str| {
        vpcverify()
            .args(["query", snap_arg, "--from", client, "--to", server, "--port", port])
            .output()
            .unwrap()
    };
    let out = query("22");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.starts_with("reachable:"), "{text}");
    assert!(
        text.contains(ids["peering"].as_str().unwrap()),
        "through the peering: {text}"
    );
    let out = query("3306");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("no inbound rule of `sg-"),
        "the server's group blocks it: {text}"
    );
}
