//! Encoding of the filters: network ACL first match (NACL-4..7) and security group union
//! (SG-1..8), over a symbolic packet. Written independently of `sim` from SEMANTICS.md §7.

use super::sym::{SymPacket, all, any, in_addrs, in_any_cidr, in_cidr, u8c, u16c};
use crate::model::*;
use std::net::IpAddr;
use z3::ast::Bool;

/// The protocol field of a rule matches.
pub(crate) fn protocol_matches(p: &Protocol, pkt: &SymPacket) -> Bool {
    match p {
        Protocol::All => Bool::from_bool(true),
        Protocol::Number(n) => pkt.proto.eq(u8c(*n)),
    }
}

/// The layer-4 part of a rule matches (destination port, or ICMP type and code).
pub(crate) fn l4_matches(l4: &L4Match, pkt: &SymPacket) -> Bool {
    match l4 {
        L4Match::Any => Bool::from_bool(true),
        L4Match::Ports(r) => all(&[
            pkt.has_ports(),
            pkt.dport.bvuge(u16c(r.from())),
            pkt.dport.bvule(u16c(r.to())),
        ]),
        L4Match::Icmp { icmp_type, icmp_code } => {
            let mut parts = vec![pkt.is_icmp()];
            if let Some(t) = icmp_type {
                parts.push(pkt.itype.eq(u8c(*t)));
            }
            if let Some(c) = icmp_code {
                parts.push(pkt.icode.eq(u8c(*c)));
            }
            all(&parts)
        }
    }
}

/// The entries of one ACL direction that apply to the packet's family, in evaluation order
/// (ascending rule number, NACL-4, NACL-7).
pub(crate) fn acl_entries(acl: &NetworkAcl, dir: Direction, family: IpFamily) -> Vec<&NetworkAclEntry> {
    let mut v: Vec<&NetworkAclEntry> = acl
        .entries
        .iter()
        .filter(|e| e.direction == dir && e.cidr.family() == family)
        .collect();
    v.sort_by_key(|e| e.rule_number);
    v
}

/// One entry matches the packet (inbound: source address; outbound: destination, NACL-5).
pub(crate) fn acl_entry_matches(e: &NetworkAclEntry, pkt: &SymPacket) -> Bool {
    let addr = match e.direction {
        Direction::Inbound => &pkt.src,
        Direction::Outbound => &pkt.dst,
    };
    all(&[
        protocol_matches(&e.protocol, pkt),
        l4_matches(&e.l4, pkt),
        in_cidr(addr, &e.cidr),
    ])
}

/// The ACL allows the packet: the first matching entry allows; none matching means `*` denies.
pub(crate) fn acl_allows(entries: &[&NetworkAclEntry], pkt: &SymPacket) -> Bool {
    let matches: Vec<(Bool, bool)> = entries
        .iter()
        .map(|e| (acl_entry_matches(e, pkt), e.action == RuleAction::Allow))
        .collect();
    first_match(&matches)
}

/// Entries per block of [`first_match`].
const ACL_BLOCK: usize = 64;

/// The decision of the first matching entry (`false` when none matches). A plain chain
/// `ite(m0, a0, ite(m1, a1, …))` is the meaning; Z3 rewrites each `ite` with a constant branch
/// into a conjunction or disjunction and flattens the nest when it is asserted, which takes time
/// quadratic in the entries (an ACL of 65,000 entries: seconds past any budget, #18 item 1). So
/// long lists are cut into at most [`ACL_BLOCK`] blocks, chained as `ite(some entry of the block
/// matches, the block's first match, the rest)`, each block the same way: the same decision,
/// asserted in time near-linear in the entries.
fn first_match(entries: &[(Bool, bool)]) -> Bool {
    if entries.len() <= ACL_BLOCK {
        return entries.iter().rev().fold(Bool::from_bool(false), |rest, (m, allow)| {
            m.ite(&Bool::from_bool(*allow), &rest)
        });
    }
    let per = entries.len().div_ceil(ACL_BLOCK);
    entries.chunks(per).rev().fold(Bool::from_bool(false), |rest, block| {
        let any: Vec<Bool> = block.iter().map(|(m, _)| m.clone()).collect();
        Bool::or(&any).ite(&first_match(block), &rest)
    })
}

/// Entry `i` is the first match (`i == entries.len()` means none matches: the `*` rule).
pub(crate) fn acl_first_match(entries: &[&NetworkAclEntry], i: usize, pkt: &SymPacket) -> Bool {
    let mut parts: Vec<Bool> = entries
        .iter()
        .take(i)
        .map(|e| acl_entry_matches(e, pkt).not())
        .collect();
    if let Some(e) = entries.get(i) {
        parts.push(acl_entry_matches(e, pkt));
    }
    all(&parts)
}

/// What the security groups of an interface allow in one direction (SG-4, SG-8).
pub(crate) struct GroupsAllow {
    /// Some rule whose peer is known allows the packet.
    pub allows: Bool,
    /// For each prefix list whose entries are not in the input: the condition under which a rule
    /// naming it matches the packet's protocol and ports. Its peer may or may not match, so a
    /// packet no other rule allows is unknown there (SEMANTICS.md §7).
    pub unknown: Vec<(PrefixListId, Bool)>,
}

/// The peer of a rule matches `addr` (SG-6, SG-7, SG-8); `None` when it names a prefix list whose
/// entries are not in the input.
fn peer_matches(net: &Network, ix: &NetworkIndex, peer: &SecurityGroupPeer, addr: &z3::ast::BV) -> Option<Bool> {
    Some(match peer {
        SecurityGroupPeer::Cidr { cidr } => in_cidr(addr, cidr),
        SecurityGroupPeer::PrefixList { id } => match net.prefix_lists.get(id) {
            None => Bool::from_bool(false),
            Some(pl) if !pl.entries_known => return None,
            Some(pl) => in_any_cidr(addr, pl.entries.iter()),
        },
        SecurityGroupPeer::SecurityGroup { id, .. } => {
            if !net.security_groups.contains_key(id) {
                return Some(Bool::from_bool(false));
            }
            let members: Vec<IpAddr> = ix
                .members_of(id)
                .iter()
                .filter_map(|e| net.network_interfaces.get(e))
                .flat_map(|e| e.private_addresses().collect::<Vec<_>>())
                .collect();
            in_addrs(addr, members.iter())
        }
    })
}

/// SG-15: some rule of some group naming a security group as its peer allows the packet in
/// direction `dir` (SG-7).
pub(crate) fn references_allow(
    net: &Network,
    ix: &NetworkIndex,
    groups: &[SecurityGroupId],
    dir: Direction,
    pkt: &SymPacket,
) -> Bool {
    let addr = match dir {
        Direction::Inbound => &pkt.src,
        Direction::Outbound => &pkt.dst,
    };
    let mut parts = Vec::new();
    for g in groups {
        let Some(sg) = net.security_groups.get(g) else { continue };
        let rules = match dir {
            Direction::Inbound => &sg.ingress,
            Direction::Outbound => &sg.egress,
        };
        for r in rules {
            if !matches!(r.peer, SecurityGroupPeer::SecurityGroup { .. }) {
                continue;
            }
            let l4 = all(&[protocol_matches(&r.protocol, pkt), l4_matches(&r.l4, pkt)]);
            if let Some(peer) = peer_matches(net, ix, &r.peer, addr) {
                parts.push(all(&[l4, peer]));
            }
        }
    }
    any(&parts)
}

/// Some rule of some group allows the packet in direction `dir` (SG-4), and where prefix lists
/// with unknown entries leave that open.
pub(crate) fn groups_allow(
    net: &Network,
    ix: &NetworkIndex,
    groups: &[SecurityGroupId],
    dir: Direction,
    pkt: &SymPacket,
) -> GroupsAllow {
    let addr = match dir {
        Direction::Inbound => &pkt.src,
        Direction::Outbound => &pkt.dst,
    };
    let mut parts = Vec::new();
    let mut unknown: Vec<(PrefixListId, Vec<Bool>)> = Vec::new();
    for g in groups {
        let Some(sg) = net.security_groups.get(g) else { continue };
        let rules = match dir {
            Direction::Inbound => &sg.ingress,
            Direction::Outbound => &sg.egress,
        };
        for r in rules {
            let l4 = all(&[protocol_matches(&r.protocol, pkt), l4_matches(&r.l4, pkt)]);
            match peer_matches(net, ix, &r.peer, addr) {
                Some(peer) => parts.push(all(&[l4, peer])),
                None => {
                    let SecurityGroupPeer::PrefixList { id } = &r.peer else {
                        continue;
                    };
                    match unknown.iter_mut().find(|(p, _)| p == id) {
                        Some((_, conds)) => conds.push(l4),
                        None => unknown.push((id.clone(), vec![l4])),
                    }
                }
            }
        }
    }
    GroupsAllow {
        allows: any(&parts),
        unknown: unknown.into_iter().map(|(id, conds)| (id, any(&conds))).collect(),
    }
}
