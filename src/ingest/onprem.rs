//! Declared on-premises networks given on the command line (`--onprem NAME=CIDR[,CIDR][@GATEWAY]`,
//! SEMANTICS.md §5.11 ONP-1/ONP-4): parsing the option and adding the networks to a loaded
//! network. Must not touch forwarding decisions.

use super::IngestError;
use crate::model::{Cidr, Network, OnPremNetwork, Provenance};

/// Parses `NAME=CIDR[,CIDR…][@GATEWAY]`: `corp=192.168.0.0/16,172.20.0.0/14@vgw-0abc`. GATEWAY is
/// the `vgw-…`, `tgw-…`, `vpn-…` or Direct Connect gateway id the network is behind; without it,
/// behind every virtual private gateway that routes to it.
pub fn parse_declaration(text: &str) -> Result<OnPremNetwork, String> {
    let (name, rest) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not NAME=CIDR[,CIDR][@GATEWAY] (e.g. corp=192.168.0.0/16@vgw-0abc)"))?;
    let name = name.trim();
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !name.eq_ignore_ascii_case("onprem")
        && !name.eq_ignore_ascii_case("internet");
    if !valid {
        return Err(format!(
            "`{name}` is not a usable network name: letters, digits, `-`, `_` and `.`, and not `onprem` or `internet`"
        ));
    }
    let (blocks, via) = match rest.split_once('@') {
        Some((b, v)) if !v.trim().is_empty() => (b, Some(v.trim().to_owned())),
        Some(_) => {
            return Err(format!(
                "`{text}`: nothing after `@` (give the gateway id, e.g. @vgw-0abc)"
            ));
        }
        None => (rest, None),
    };
    let mut cidrs = Vec::new();
    for b in blocks.split(',').map(str::trim).filter(|b| !b.is_empty()) {
        cidrs.push(Cidr::parse(b).map_err(|e| format!("`{b}` in --onprem {name}: {e}"))?);
    }
    if cidrs.is_empty() {
        return Err(format!("--onprem {name}: no block given (NAME=CIDR[,CIDR])"));
    }
    Ok(OnPremNetwork {
        name: name.to_owned(),
        cidrs,
        via,
        provenance: Provenance::resource("--onprem", name),
    })
}

/// Adds the declared networks to `net`; one of the same name as a spec's replaces it. A gateway
/// the input does not hold is an error naming it.
pub fn declare(net: &mut Network, declared: &[OnPremNetwork]) -> Result<(), IngestError> {
    for d in declared {
        if let Some(v) = &d.via {
            let known = net.vpn_gateways.keys().any(|g| g.as_str() == v)
                || net.transit_gateways.keys().any(|g| g.as_str() == v)
                || net.onprem.vpn_connections.contains_key(v)
                || net.onprem.dx_gateways.contains_key(v)
                || net.onprem.dx_associations.iter().any(|a| &a.dx_gateway == v);
            if !known {
                return Err(IngestError::Format {
                    file: "--onprem".into(),
                    message: format!(
                        "`{}` is behind `{v}`, which is not a virtual private gateway, transit gateway, VPN connection or Direct Connect gateway of the input",
                        d.name
                    ),
                });
            }
        }
        net.onprem.networks.retain(|n| n.name != d.name);
        net.onprem.networks.push(d.clone());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_parse_and_bad_ones_say_why() {
        let d = parse_declaration("corp=192.168.0.0/16, 172.20.0.0/14@vgw-1").unwrap();
        assert_eq!(d.name, "corp");
        assert_eq!(d.cidrs.len(), 2);
        assert_eq!(d.via.as_deref(), Some("vgw-1"));
        assert_eq!(parse_declaration("dc=10.9.0.0/16").unwrap().via, None);
        assert!(parse_declaration("corp").unwrap_err().contains("NAME=CIDR"));
        assert!(parse_declaration("corp=").unwrap_err().contains("no block"));
        assert!(parse_declaration("corp=10.0.0.0/33").is_err());
        assert!(
            parse_declaration("onprem=10.0.0.0/8")
                .unwrap_err()
                .contains("not a usable")
        );
        assert!(parse_declaration("corp=10.0.0.0/8@").unwrap_err().contains("after `@`"));
    }
}
