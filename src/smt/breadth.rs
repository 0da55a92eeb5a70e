//! Exposure breadth (EXP-1..3 of SEMANTICS.md): how far a source address found by the engine
//! generalises. The encoding of a question (filters, route selection, the internet's address
//! set) tests a source address only by its membership in address blocks written in the network
//! (ACL entries, group rules, prefix lists, routes, VPC and subnet blocks, addresses of
//! interfaces and gateways) and in the fixed ranges of SEMANTICS.md §4. So every internet
//! address that is in the same blocks as the engine's witness has its fate, with the witness's
//! other header fields (EXP-2): the smallest block holding the witness, minus the blocks inside
//! it.
//!
//! Owns: the blocks of a network ([`address_blocks`]) and the region of addresses that share an
//! address's fate ([`generalise`]). Must not touch: `sim` (the query replays the prefix's ends there),
//! printing. No z3 here: the question itself is the walk's, with the found prefixes excluded
//! from the source (`Endpoint::exclude`, EXP-1).

use crate::model::addr::ranges;
use crate::model::*;
use std::net::IpAddr;

/// Every address block and address written anywhere in the network (addresses as host
/// blocks), sorted, without the ones inside the non-public ranges of SEMANTICS.md §4 (no
/// internet address is in them, so they split no set of internet addresses).
pub fn address_blocks(net: &Network) -> Vec<Cidr> {
    let mut out = std::collections::BTreeSet::new();
    if let Ok(v) = serde_json::to_value(net) {
        collect(&v, &mut out);
    }
    out.into_iter().filter(|c| !never_public(c)).collect()
}

fn collect(v: &serde_json::Value, out: &mut std::collections::BTreeSet<Cidr>) {
    match v {
        serde_json::Value::String(s) => {
            if s.contains('/') {
                if let Ok(c) = Cidr::parse(s) {
                    out.insert(c);
                }
            } else if let Ok(ip) = s.parse::<IpAddr>() {
                out.insert(Cidr::host(ip));
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                // Map keys can be addresses too (indexes by address).
                collect(&serde_json::Value::String(k.clone()), out);
                collect(x, out);
            }
        }
        _ => {}
    }
}

/// A block no internet address is in.
fn never_public(c: &Cidr) -> bool {
    match c.family() {
        IpFamily::V4 => ranges::non_public_v4().iter().any(|r| r.contains_cidr(c)),
        IpFamily::V6 => !ranges::public_v6().overlaps(c) || ranges::non_public_v6().iter().any(|r| r.contains_cidr(c)),
    }
}

/// The region of addresses that share `ip`'s fate (EXP-2): the smallest block of `blocks`
/// holding `ip` (the whole address space when none does), minus the blocks inside it (its
/// holes, each of which holds addresses that may fare differently). Holes inside other holes
/// and the host blocks of `never_sources` (addresses that are never internet sources, such as
/// the network's own public addresses) are left out.
pub fn generalise(ip: IpAddr, blocks: &[Cidr], never_sources: &[IpAddr]) -> (Cidr, Vec<Cidr>) {
    let family = IpFamily::of(&ip);
    let space = match family {
        IpFamily::V4 => Cidr::any_v4(),
        IpFamily::V6 => Cidr::any_v6(),
    };
    let region = blocks
        .iter()
        .filter(|b| b.family() == family && b.contains(&ip))
        .min_by_key(|b| std::cmp::Reverse(b.prefix_len()))
        .copied()
        .unwrap_or(space);
    let mut holes: Vec<Cidr> = blocks
        .iter()
        .filter(|b| b.family() == family && region.contains_cidr(b) && **b != region)
        .filter(|b| !(b.prefix_len() == 32 || b.prefix_len() == 128) || !never_sources.contains(&b.first()))
        .copied()
        .collect();
    holes.sort_by_key(|b| b.prefix_len());
    let mut kept: Vec<Cidr> = Vec::new();
    for h in holes {
        if !kept.iter().any(|k| k.contains_cidr(&h)) {
            kept.push(h);
        }
    }
    kept.sort();
    (region, kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Cidr {
        Cidr::parse(s).unwrap()
    }

    #[test]
    fn the_region_is_the_smallest_block_holding_the_address_minus_the_blocks_inside() {
        let ip: IpAddr = "81.2.69.7".parse().unwrap();
        assert_eq!(generalise(ip, &[c("0.0.0.0/0")], &[]), (c("0.0.0.0/0"), vec![]));
        assert_eq!(
            generalise(ip, &[c("0.0.0.0/0"), c("81.2.69.0/24")], &[]),
            (c("81.2.69.0/24"), vec![])
        );
        // A block beside the address is a hole of the region.
        assert_eq!(
            generalise(ip, &[c("81.2.69.128/25"), c("81.2.69.192/26")], &[]),
            (c("0.0.0.0/0"), vec![c("81.2.69.128/25")])
        );
        assert_eq!(generalise(ip, &[c("81.2.69.7/32")], &[]), (c("81.2.69.7/32"), vec![]));
        // The network's own public addresses are never sources: no hole for them.
        let own: IpAddr = "54.1.2.3".parse().unwrap();
        assert_eq!(generalise(ip, &[c("54.1.2.3/32")], &[own]), (c("0.0.0.0/0"), vec![]));
        // An IPv6 block does not cut an IPv4 region.
        assert_eq!(generalise(ip, &[c("2001:db8::/32")], &[]), (c("0.0.0.0/0"), vec![]));
    }

    #[test]
    fn blocks_inside_the_non_public_ranges_are_left_out() {
        let mut net = Network::default();
        let json = r#"{"a": "10.0.0.0/16", "b": ["81.2.69.0/24", "54.1.2.3"], "c": "not an address"}"#;
        let mut out = std::collections::BTreeSet::new();
        collect(&serde_json::from_str(json).unwrap(), &mut out);
        assert_eq!(out.len(), 3);
        let kept: Vec<Cidr> = out.into_iter().filter(|c| !never_public(c)).collect();
        assert_eq!(kept, vec![c("54.1.2.3/32"), c("81.2.69.0/24")]);
        net.vpcs.clear();
        assert!(address_blocks(&net).is_empty());
    }
}
