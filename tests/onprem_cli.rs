//! On-premises networks over VPN end to end (SEMANTICS.md §5.11, ONP-1..ONP-4), on the hand-written
//! snapshot `tests/fixtures/onprem/snapshot.json` (its README says what it holds): a VPN's static
//! routes are reached and nothing else is claimed, an undeclared destination is unknown naming what
//! to declare, declared networks are endpoints both ways, tunnels all DOWN drop with
//! `BAD_STATE_VPN` and a lint warning. Every `query` here is cross-checked by the simulator.

use crate::common::*;
use serde_json::Value;

const SNAPSHOT: &str = "tests/fixtures/onprem/snapshot.json";

/// Runs `vpcverify CMD SNAPSHOT ARGS… --format json`; returns (exit code, JSON).
fn run_json(cmd: &str, args: &[&str]) -> (i32, Value) {
    let out = vpcverify()
        .arg(cmd)
        .arg(path(SNAPSHOT))
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let json: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), json)
}

fn path_ids(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().filter_map(|h| h["id"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

#[test]
fn onp_1_a_vpn_static_route_is_reached_naming_the_gateway_and_the_connection() {
    for cmd in ["query", "trace"] {
        let (code, v) = run_json(cmd, &["--from", "app-server", "--to", "192.168.7.9", "--port", "22"]);
        assert_eq!(code, 0, "{cmd}: {v:#}");
        assert_eq!(v["verdict"], "reachable");
        let ids = path_ids(&v["path"]);
        assert!(
            ids.contains(&"vgw-0a1".to_owned()) && ids.contains(&"vpn-0a1".to_owned()),
            "{ids:?}"
        );
        let hop = v["path"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["id"] == "vgw-0a1")
            .unwrap();
        assert!(
            hop["detail"]
                .as_str()
                .unwrap()
                .contains("static route 192.168.0.0/16 of VPN connection `vpn-0a1`"),
            "{hop:#}"
        );
        assert_eq!(hop["rule"], "ONP-2");
        // The reply comes back in through the same gateway.
        assert!(path_ids(&v["return_path"]).contains(&"vgw-0a1".to_owned()), "{v:#}");
    }
}

#[test]
fn onp_2_outside_every_prefix_is_unknown_naming_what_to_declare() {
    // 10.50.0.0/16 is routed to the gateway, but no VPN route covers it and nothing is declared.
    for cmd in ["query", "trace"] {
        let (code, v) = run_json(cmd, &["--from", "app-server", "--to", "10.50.1.1", "--port", "22"]);
        assert_eq!(code, 3, "{cmd}: {v:#}");
        assert_eq!(v["verdict"], "unknown");
        assert!(
            v.to_string().contains("declare it with --onprem NAME=CIDR@vgw-0a1"),
            "{cmd}: {v:#}"
        );
    }
    // Declared (learnt over BGP): now reachable, through the declared network.
    let (code, v) = run_json(
        "query",
        &[
            "--from",
            "app-server",
            "--to",
            "10.50.1.1",
            "--port",
            "22",
            "--onprem",
            "dc2=10.50.0.0/16@vgw-0a1",
        ],
    );
    assert_eq!(code, 0, "{v:#}");
    let hop = v["path"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == "vgw-0a1")
        .unwrap();
    assert!(
        hop["detail"]
            .as_str()
            .unwrap()
            .contains("declared on-premises network `dc2`"),
        "{hop:#}"
    );
    // A network declared behind another gateway does not make this one know it.
    let out = vpcverify()
        .args([
            "query",
            SNAPSHOT,
            "--from",
            "app-server",
            "--to",
            "10.50.1.1",
            "--port",
            "22",
        ])
        .args(["--onprem", "dc2=10.50.0.0/16@vgw-nope"])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("vgw-nope"));
}

#[test]
fn onp_3_every_tunnel_down_is_unreachable_with_the_reason_and_a_lint_warning() {
    let (code, v) = run_json("query", &["--from", "app-server", "--to", "172.16.1.1", "--port", "22"]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["verdict"], "unreachable");
    let b = &v["blocked"][0];
    assert_eq!(b["id"], "vpn-0b2");
    assert_eq!(b["kind"], "vpn-connection");
    assert_eq!(b["rule"], "ONP-3");
    assert_eq!(b["code"], "BAD_STATE_VPN");
    let (code, v) = run_json("trace", &["--from", "app-server", "--to", "172.16.1.1", "--port", "22"]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["blocked"][0]["code"], "BAD_STATE_VPN");
    // A declared network covering the block is another way there (BGP over a working link).
    let (code, _) = run_json(
        "query",
        &[
            "--from",
            "app-server",
            "--to",
            "172.16.1.1",
            "--port",
            "22",
            "--onprem",
            "branch=172.16.0.0/12",
        ],
    );
    assert_eq!(code, 0);
    // lint says so.
    vpcverify()
        .args(["lint", SNAPSHOT])
        .current_dir(root())
        .assert()
        .code(0)
        .stdout(predicates::str::contains("warning[vpn-tunnels-down]"))
        .stdout(predicates::str::contains("vpn-0b2"));
}

#[test]
fn onp_4_declared_networks_and_onprem_are_endpoints_both_ways() {
    let declare = ["--onprem", "dc2=10.50.0.0/16@vgw-0a1"];
    let mut args = vec!["--from", "dc2", "--to", "app-server", "--port", "22"];
    args.extend(declare);
    let (code, v) = run_json("query", &args);
    assert_eq!(code, 0, "{v:#}");
    let src: std::net::IpAddr = v["packet"]["src_ip"].as_str().unwrap().parse().unwrap();
    assert!(
        vpcverify::model::Cidr::parse("10.50.0.0/16").unwrap().contains(&src),
        "{v:#}"
    );
    assert!(path_ids(&v["path"]).contains(&"vgw-0a1".to_owned()));
    let mut args = vec!["--from", "app-server", "--to", "dc2", "--port", "22"];
    args.extend(declare);
    let (code, v) = run_json("query", &args);
    assert_eq!(code, 0, "{v:#}");
    // The port the group does not open is unreachable from there.
    let mut args = vec!["--from", "dc2", "--to", "app-server", "--port", "80"];
    args.extend(declare);
    assert_eq!(run_json("query", &args).0, 1);
    // `onprem`: every known prefix; the static route's block gets through.
    let (code, v) = run_json("query", &["--from", "onprem", "--to", "app-server", "--port", "22"]);
    assert_eq!(code, 0, "{v:#}");
    // An unknown name is an error naming it, exit 2.
    let out = vpcverify()
        .args(["query", SNAPSHOT, "--from", "app-server", "--to", "dc9", "--port", "22"])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // A bad declaration is an error, exit 2.
    let out = vpcverify()
        .args([
            "query",
            SNAPSHOT,
            "--from",
            "app-server",
            "--to",
            "dc2",
            "--onprem",
            "dc2",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn onp_spec_onprem_tables_declare_networks() {
    let dir = std::env::temp_dir().join(format!("vpcverify-onprem-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let base = std::fs::read_to_string(path("tests/fixtures/trace/vgw-default-route.toml")).unwrap();
    let spec = dir.join("net.toml");
    std::fs::write(
        &spec,
        format!("{base}\n[[onprem]]\nname = \"everything\"\ncidrs = [\"0.0.0.0/0\"]\n"),
    )
    .unwrap();
    let out = vpcverify()
        .args(["query"])
        .arg(&spec)
        .args([
            "--from",
            "i-web",
            "--to",
            "everything",
            "--port",
            "443",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{v:#}");
    assert!(path_ids(&v["path"]).contains(&"vgw-a".to_owned()), "{v:#}");
    // A table without blocks is an error naming it.
    std::fs::write(&spec, format!("{base}\n[[onprem]]\nname = \"corp\"\n")).unwrap();
    let out = vpcverify().args(["lint"]).arg(&spec).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("corp"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn onp_terraform_vpn_connection_and_its_route() {
    let state = path("tests/fixtures/terraform/vpn.state.json");
    let run = |to: &str| {
        let out = vpcverify()
            .arg("query")
            .arg(&state)
            .args([
                "--from",
                "web-server",
                "--to",
                to,
                "--port",
                "443",
                "--one-way",
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code().unwrap(), v)
    };
    let (code, v) = run("192.168.3.4");
    assert_eq!(code, 0, "{v:#}");
    let ids = path_ids(&v["path"]);
    assert!(
        ids.contains(&"vgw-0a0b0c0d0e0f00101".to_owned()) && ids.contains(&"vpn-0a0b0c0d0e0f00102".to_owned()),
        "{ids:?}"
    );
    let (code, v) = run("10.50.3.4");
    assert_eq!(code, 3, "{v:#}");
    assert!(
        v.to_string().contains("--onprem NAME=CIDR@vgw-0a0b0c0d0e0f00101"),
        "{v:#}"
    );
    // aws_vpn_gateway_route_propagation: the main table gets the VPN's static route as a
    // propagated route (a plan or state holds none), so the private subnet reaches it too.
    let out = vpcverify()
        .arg("query")
        .arg(&state)
        .args([
            "--from",
            "db-server",
            "--to",
            "192.168.3.4",
            "--port",
            "443",
            "--one-way",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{v:#}");
    let rtb = v["path"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == "rtb-0e1f2a3b4c5d60001")
        .unwrap();
    assert_eq!(rtb["rule"], "192.168.0.0/16 -> vgw-0a0b0c0d0e0f00101", "{rtb:#}");
}

#[test]
fn onp_1_direct_connect_adds_no_prefix_but_carries_a_network_declared_behind_it() {
    // The association's allowed prefix 10.0.0.0/16 is the VPC's own: nothing on premises is
    // known from it (10.50.0.0/16 is unknown without a declaration, onp_2); a network declared
    // behind the Direct Connect gateway is behind the virtual private gateway it is associated
    // with, and the path says over which Direct Connect gateway.
    let dx = "5f294f92-bafb-4011-916d-9b0bexample";
    let declared = format!("dc=10.50.0.0/16@{dx}");
    let (code, v) = run_json(
        "query",
        &[
            "--from",
            "app-server",
            "--to",
            "dc",
            "--port",
            "22",
            "--onprem",
            &declared,
        ],
    );
    assert_eq!(code, 0, "{v:#}");
    let hop = v["path"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == "vgw-0a1")
        .unwrap();
    assert!(
        hop["detail"]
            .as_str()
            .unwrap()
            .contains(&format!("over Direct Connect gateway `{dx}`")),
        "{hop:#}"
    );
    // Replies from there come back in through the same gateway.
    assert!(path_ids(&v["return_path"]).contains(&"vgw-0a1".to_owned()), "{v:#}");
}

/// The moto hub-and-spoke fixture with a VPN attachment `tgw-attach-0vpn1` (of VPN connection
/// `vpn-0tgw1`, static route 10.50.0.0/16, tunnels `tunnels`) associated with the shared table
/// (which routes to the spokes), and routes 10.50.0.0/16 and 10.60.0.0/16 to it in the spokes'
/// table.
fn tgw_with_vpn(tunnels: &str) -> tempfile::TempDir {
    use serde_json::json;
    let dir = copy_fixture_dir("tests/fixtures/moto-tgw");
    let f = |n: &str| dir.path().join(n);
    edit_json(&f("describe-transit-gateway-attachments.json"), |v| {
        v["TransitGatewayAttachments"].as_array_mut().unwrap().push(json!({
            "TransitGatewayAttachmentId": "tgw-attach-0vpn1", "TransitGatewayId": "tgw-9157a88534780fac2",
            "ResourceType": "vpn", "ResourceId": "vpn-0tgw1", "State": "available",
            "Association": {"TransitGatewayRouteTableId": "tgw-rtb-bbfb5e6593af37600", "State": "associated"}}));
    });
    edit_json(
        &f("search-transit-gateway-routes.tgw-rtb-5cb4700c4e784c50d.json"),
        |v| {
            for c in ["10.50.0.0/16", "10.60.0.0/16"] {
                v["Routes"].as_array_mut().unwrap().push(json!({
                "DestinationCidrBlock": c, "Type": "static", "State": "active",
                "TransitGatewayAttachments": [{"ResourceId": "vpn-0tgw1",
                    "TransitGatewayAttachmentId": "tgw-attach-0vpn1", "ResourceType": "vpn"}]}));
            }
        },
    );
    let conn = json!({"VpnConnections": [{
        "VpnConnectionId": "vpn-0tgw1", "CustomerGatewayId": "cgw-0tgw1", "Category": "VPN",
        "State": "available", "Type": "ipsec.1", "TransitGatewayId": "tgw-9157a88534780fac2",
        "Options": {"StaticRoutesOnly": true},
        "Routes": [{"DestinationCidrBlock": "10.50.0.0/16", "Source": "Static", "State": "available"}],
        "VgwTelemetry": [{"OutsideIpAddress": "203.0.113.31", "Status": tunnels},
                         {"OutsideIpAddress": "203.0.113.32", "Status": tunnels}]}]});
    std::fs::write(f("describe-vpn-connections.json"), conn.to_string()).unwrap();
    dir
}

fn query_dir(dir: &std::path::Path, args: &[&str]) -> (i32, Value) {
    let out = vpcverify()
        .arg("query")
        .arg(dir)
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let v: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), v)
}

#[test]
fn onp_5_a_transit_gateway_vpn_attachment_carries_its_static_routes_and_brings_replies_back() {
    let dir = tgw_with_vpn("UP");
    let (code, v) = query_dir(
        dir.path(),
        &["--from", "spoke-a-host", "--to", "10.50.1.1", "--port", "443"],
    );
    assert_eq!(code, 0, "{v:#}");
    let ids = path_ids(&v["path"]);
    assert!(
        ids.contains(&"tgw-attach-0vpn1".to_owned()) && ids.contains(&"vpn-0tgw1".to_owned()),
        "{ids:?}"
    );
    let back = path_ids(&v["return_path"]);
    // The reply enters by the VPN attachment and is routed by the table associated with it.
    assert!(
        back.contains(&"tgw-attach-0vpn1".to_owned()) && back.contains(&"tgw-rtb-bbfb5e6593af37600".to_owned()),
        "{back:?}"
    );
    // Routed to the attachment but in no prefix it knows: unknown, naming what to declare.
    let (code, v) = query_dir(
        dir.path(),
        &["--from", "spoke-a-host", "--to", "10.60.1.1", "--port", "443"],
    );
    assert_eq!(code, 3, "{v:#}");
    assert!(
        v.to_string().contains("declare it with --onprem NAME=CIDR@vpn-0tgw1"),
        "{v:#}"
    );
    // Declared behind the connection, on-premises hosts there are sources and destinations.
    let declare = ["--onprem", "dc=10.60.0.0/16@vpn-0tgw1"];
    let mut args = vec!["--from", "dc", "--to", "spoke-a-host", "--port", "443"];
    args.extend(declare);
    let (code, v) = query_dir(dir.path(), &args);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(
        path_ids(&v["path"]).get(1).map(String::as_str),
        Some("tgw-attach-0vpn1"),
        "{v:#}"
    );
    let mut args = vec!["--from", "spoke-a-host", "--to", "dc", "--port", "443"];
    args.extend(declare);
    assert_eq!(query_dir(dir.path(), &args).0, 0);
    // trace: an address of the connection's static route starts behind the attachment.
    let out = vpcverify()
        .arg("trace")
        .arg(dir.path())
        .args([
            "--from",
            "10.50.1.1",
            "--to",
            "spoke-a-host",
            "--port",
            "443",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let t: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{t:#}");
    assert_eq!(
        path_ids(&t["path"]).get(1).map(String::as_str),
        Some("tgw-attach-0vpn1"),
        "{t:#}"
    );
    // The table associated with the VPN attachment has no route to the shared VPC.
    let mut args = vec!["--from", "dc", "--to", "shared-host", "--port", "443"];
    args.extend(declare);
    let (code, v) = query_dir(dir.path(), &args);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["blocked"][0]["code"], "TGW_RTB_CANNOT_ROUTE", "{v:#}");
}

#[test]
fn onp_5_tunnels_down_at_a_transit_gateway_vpn_attachment_drop_with_bad_state_vpn() {
    let dir = tgw_with_vpn("DOWN");
    let (code, v) = query_dir(
        dir.path(),
        &["--from", "spoke-a-host", "--to", "10.50.1.1", "--port", "443"],
    );
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["blocked"][0]["id"], "vpn-0tgw1");
    assert_eq!(v["blocked"][0]["code"], "BAD_STATE_VPN");
    vpcverify()
        .arg("lint")
        .arg(dir.path())
        .assert()
        .stdout(predicates::str::contains("warning[vpn-tunnels-down]"));
}

#[test]
fn onp_4_a_suite_declares_on_premises_networks() {
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("onprem.toml");
    std::fs::write(
        &suite,
        format!(
            "network = {:?}\nonprem = [\"dc2=10.50.0.0/16@vgw-0a1\"]\n\n\
             [[assert]]\nname = \"app reaches dc2\"\nfrom = \"app-server\"\nto = \"dc2\"\nport = 22\nexpect = \"reachable\"\n\n\
             [[assert]]\nname = \"dc2 reaches app\"\nfrom = \"dc2\"\nto = \"app-server\"\nport = 22\nexpect = \"reachable\"\n\n\
             [[assert]]\nname = \"the branch is down\"\nfrom = \"app-server\"\nto = \"172.16.1.1\"\nport = 22\nexpect = \"unreachable\"\n",
            path(SNAPSHOT).display().to_string()
        ),
    )
    .unwrap();
    vpcverify().arg("check").arg(&suite).assert().code(0);
    // A bad declaration is a suite error naming the line, exit 2.
    std::fs::write(
        &suite,
        "onprem = [\"dc2\"]\n[[assert]]\nname = \"x\"\nfrom = \"a\"\nto = \"b\"\nexpect = \"reachable\"\n",
    )
    .unwrap();
    vpcverify()
        .arg("check")
        .arg(path(SNAPSHOT))
        .arg(&suite)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("NAME=CIDR"));
}

#[test]
fn onp_moto_vpn_fixture_reads_and_answers() {
    // moto's create_vpn_connection output, corrected to AWS's shape (tests/fixtures/moto-vpn/NOTES.md).
    let dir = path("tests/fixtures/moto-vpn");
    let (code, v) = query_dir(&dir, &["--from", "192.168.1.5", "--to", "app-host", "--port", "22"]);
    assert_eq!(code, 0, "{v:#}");
    let ids = path_ids(&v["return_path"]);
    assert!(
        ids.contains(&"vgw-645daabc0caa50077".to_owned()) && ids.contains(&"vpn-807a354f62dd23c9d".to_owned()),
        "{ids:?}"
    );
    let (code, v) = query_dir(&dir, &["--from", "app-host", "--to", "10.99.1.1", "--port", "22"]);
    assert_eq!(code, 3, "{v:#}");
    assert!(
        v.to_string().contains("--onprem NAME=CIDR@vgw-645daabc0caa50077"),
        "{v:#}"
    );
}
