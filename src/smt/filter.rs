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
    entries.iter().rev().fold(Bool::from_bool(false), |rest, e| {
        let decision = Bool::from_bool(e.action == RuleAction::Allow);
        acl_entry_matches(e, pkt).ite(&decision, &rest)
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

/// A prefix list whose entries are not in the input.
#[derive(Debug, Clone)]
pub(crate) struct UnknownPrefixList(pub PrefixListId);

/// The peer of a rule matches `addr` (SG-6, SG-7, SG-8).
fn peer_matches(
    net: &Network,
    ix: &NetworkIndex,
    peer: &SecurityGroupPeer,
    addr: &z3::ast::BV,
) -> Result<Bool, UnknownPrefixList> {
    Ok(match peer {
        SecurityGroupPeer::Cidr { cidr } => in_cidr(addr, cidr),
        SecurityGroupPeer::PrefixList { id } => match net.prefix_lists.get(id) {
            None => Bool::from_bool(false),
            Some(pl) if !pl.entries_known => return Err(UnknownPrefixList(id.clone())),
            Some(pl) => in_any_cidr(addr, pl.entries.iter()),
        },
        SecurityGroupPeer::SecurityGroup { id, .. } => {
            if !net.security_groups.contains_key(id) {
                return Ok(Bool::from_bool(false));
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

/// What the security groups of an interface decide, over a symbolic packet (SG-4, SG-8).
pub(crate) struct GroupsEncoding {
    /// Some rule whose peer is known allows the packet.
    pub allows: Bool,
    /// Some rule naming a prefix list whose entries are not known has a protocol and layer 4
    /// that match: for a packet no other rule allows, the decision is unknown. With the first
    /// such list, to name it.
    pub unknown: Option<(Bool, PrefixListId)>,
}

/// The rules of the groups in direction `dir`: allowed iff some rule of some group matches
/// (SG-4); a rule naming a prefix list whose entries are unknown matches unknowably, which
/// decides only for packets no other rule allows (SEMANTICS.md §7).
pub(crate) fn groups_allow(
    net: &Network,
    ix: &NetworkIndex,
    groups: &[SecurityGroupId],
    dir: Direction,
    pkt: &SymPacket,
) -> GroupsEncoding {
    let addr = match dir {
        Direction::Inbound => &pkt.src,
        Direction::Outbound => &pkt.dst,
    };
    let mut parts = Vec::new();
    let mut maybe = Vec::new();
    let mut first_unknown: Option<PrefixListId> = None;
    for g in groups {
        let Some(sg) = net.security_groups.get(g) else { continue };
        let rules = match dir {
            Direction::Inbound => &sg.ingress,
            Direction::Outbound => &sg.egress,
        };
        for r in rules {
            let header = [protocol_matches(&r.protocol, pkt), l4_matches(&r.l4, pkt)];
            match peer_matches(net, ix, &r.peer, addr) {
                Ok(peer) => parts.push(all(&[header[0].clone(), header[1].clone(), peer])),
                Err(UnknownPrefixList(pl)) => {
                    first_unknown.get_or_insert(pl);
                    maybe.push(all(&header));
                }
            }
        }
    }
    GroupsEncoding {
        allows: any(&parts),
        unknown: first_unknown.map(|pl| (any(&maybe), pl)),
    }
}
