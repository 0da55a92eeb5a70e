//! An internet host is never one of the estate's own public addresses (SEMANTICS.md §4): a
//! group open only to an estate address is closed to the internet, and one open to a pair that
//! holds one is open from the other address only. One way, no reply can go astray (a reply to
//! an estate address turns back into the estate, IGW-2), so only the engine's exclusion of the
//! estate's addresses from the internet decides.

use crate::common::*;

const SEED: &str = "specs/seed-lab.toml";
/// The NAT instance's public address in the seed lab.
const NAT_INSTANCE_PUBLIC: &str = "54.211.73.40";
/// The NAT gateway's Elastic IP in the seed lab.
const NAT_GATEWAY_EIP: &str = "52.70.151.36";

/// The seed lab with the web servers' ssh rule opened to `from` only.
fn ssh_from(from: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    spec_with(SEED, |t| {
        let old = r#"  { protocol = "tcp", ports = "22", from = "0.0.0.0/0" },"#;
        assert!(t.contains(old));
        t.replace(
            old,
            &format!(r#"  {{ protocol = "tcp", ports = "22", from = "{from}" }},"#),
        )
    })
}

/// One way, no reply can go astray: only the exclusion of the estate's addresses decides.
const ONE_WAY: &[&str] = &["--one-way"];

#[test]
fn ssh_open_only_to_an_estate_address_is_closed_to_the_internet() {
    let (_d, spec) = ssh_from(&format!("{NAT_INSTANCE_PUBLIC}/32"));
    let (code, v) = query_json(
        &spec,
        &["--from", "internet", "--to", "web-server", "--port", "22", ONE_WAY[0]],
    );
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["verdict"], "unreachable");
    let blocked: Vec<&str> = v["blocked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert!(
        blocked.iter().any(|b| b.starts_with("sg-") || *b == "WebDMZ"),
        "{blocked:?}"
    );
    // Every example packet of the drop map comes from an internet host.
    for cell in v["drop_map"].as_array().into_iter().flatten() {
        assert_ne!(cell["example"]["src_ip"], NAT_INSTANCE_PUBLIC, "{cell:#}");
    }
}

#[test]
fn ssh_open_to_a_pair_with_an_estate_address_is_open_from_the_other() {
    let (_d, spec) = ssh_from(&format!("{NAT_INSTANCE_PUBLIC}/31"));
    for way in [&[][..], ONE_WAY] {
        let mut args = vec!["--from", "internet", "--to", "web-server", "--port", "22"];
        args.extend(way);
        let (code, v) = query_json(&spec, &args);
        assert_eq!(code, 0, "{way:?}: {v:#}");
        assert_eq!(v["packet"]["src_ip"], "54.211.73.41", "{way:?}: {v:#}");
    }
}

/// The seed lab with the tutorial's ACL bug fixed (inbound tcp 1024-65535 on the public ACL) and
/// the web servers' group sending tcp 443 to `to` only.
fn https_to(to: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    spec_with(SEED, |t| {
        let acl = r#"  { rule = 300, protocol = "tcp", ports = "22", cidr = "0.0.0.0/0", action = "allow" },
]"#;
        let group = "[security_group.WebDMZ]\nvpc = \"lab\"\n";
        assert!(t.contains(acl) && t.contains(group));
        t.replacen(
            acl,
            r#"  { rule = 300, protocol = "tcp", ports = "22", cidr = "0.0.0.0/0", action = "allow" },
  { rule = 400, protocol = "tcp", ports = "1024-65535", cidr = "0.0.0.0/0", action = "allow" },
]"#,
            1,
        )
        .replace(
            group,
            &format!("{group}egress = [{{ protocol = \"tcp\", ports = \"443\", to = \"{to}\" }}]\n"),
        )
    })
}

#[test]
fn egress_only_to_an_estate_address_reaches_no_internet_host() {
    let (_d, spec) = https_to(&format!("{NAT_GATEWAY_EIP}/32"));
    // Opened to the Elastic IP and its neighbour, it reaches the neighbour only.
    let (_d2, spec2) = https_to(&format!("{NAT_GATEWAY_EIP}/31"));
    for way in [&[][..], ONE_WAY] {
        let mut args = vec!["--from", "web-server", "--to", "internet", "--port", "443"];
        args.extend(way);
        let (code, v) = query_json(&spec, &args);
        assert_eq!(code, 1, "{way:?}: {v:#}");
        let (code, v) = query_json(&spec2, &args);
        assert_eq!(code, 0, "{way:?}: {v:#}");
        assert_eq!(v["packet"]["dst_ip"], "52.70.151.37", "{way:?}: {v:#}");
    }
}

/// SCREEN-2 from the internet (`query::apart`): a rule naming a block of private addresses, or
/// one inside a VPC's block, admits no internet host, so the pack's question is settled on the
/// model; a rule naming a public block is not (the engine is asked), nor is a port the group
/// opens to the world. A private interface is settled by SCREEN-1. The engine agrees with each
/// settled question.
#[test]
fn the_screens_know_which_blocks_hold_internet_hosts() {
    use vpcverify::model::PortRange;
    use vpcverify::query::apart::{Apart, Settled};
    let b = lab()
        .sg_in("sg-web", "tcp", "8080", "10.0.0.0/8")
        .sg_in("sg-web", "tcp", "9000", "172.16.0.0/12")
        .sg_in("sg-web", "tcp", "8443", "81.2.69.0/24")
        .build();
    let apart = Apart::new(&b.net);
    let settle = |to: &str, port: u16| apart.settle(&b.net, &b.ix, "internet", to, Some(6), &[PortRange::single(port)]);
    assert_eq!(settle("eni-web", 8080), Some(Settled::NotAdmitted));
    assert_eq!(settle("eni-web", 9000), Some(Settled::NotAdmitted));
    assert_eq!(settle("eni-web", 8443), None);
    assert_eq!(settle("eni-web", 443), None);
    assert_eq!(settle("eni-db", 3306), Some(Settled::NoDelivery));
    for (to, port) in [("eni-web", 8080), ("eni-web", 9000), ("eni-db", 3306)] {
        let r = vpcverify::query::engine::run(&b.net, &b.ix, &tcp_question("internet", to, port)).unwrap();
        assert_eq!(
            r.verdict.verdict,
            vpcverify::query::VerdictKind::Unreachable,
            "{to} {port}"
        );
    }
}
