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
