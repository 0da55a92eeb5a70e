//! Plain-data entry points into the header-match encodings, for the differential tests.
//!
//! Each function builds an encoding exactly as the walk builds it, over a symbolic packet, then
//! substitutes a concrete packet for the packet's variables and simplifies: a correct encoding
//! folds to a literal (Cedar's "a literal environment folds to `true`/`false`" check). No solver
//! is called. `None` means the term did not fold to a literal, which is itself a defect worth
//! reporting. The tests compare these literals with the simulator's concrete decisions, which
//! they obtain through the simulator's public API (whole traces), never through code shared
//! with the encoder.
//!
//! Not part of the supported API: no z3 type appears here, and the functions may change with
//! the encoder.

use super::filter::{
    acl_allows, acl_entries, acl_entry_matches, acl_first_match, groups_allow, l4_matches, protocol_matches,
};
use super::route::{candidates, never_forwarded, selection, settled_over};
use super::sym::{SymPacket, equals_packet, in_cidr, ip_const, u8c, u16c};
use crate::model::*;
use std::collections::BTreeSet;
use std::net::IpAddr;
use z3::ast::{Ast, BV, Bool};

/// The symbolic packet of `k`'s family, and the substitution of `k`'s values for its variables.
fn folding(k: &Packet) -> (SymPacket, Vec<(BV, BV)>) {
    let sym = SymPacket::variables(IpFamily::of(&k.dst_ip));
    let pairs = vec![
        (sym.proto.clone(), u8c(k.protocol)),
        (sym.src.clone(), ip_const(&k.src_ip)),
        (sym.dst.clone(), ip_const(&k.dst_ip)),
        (sym.sport.clone(), u16c(k.src_port)),
        (sym.dport.clone(), u16c(k.dst_port)),
        (sym.itype.clone(), u8c(k.icmp_type)),
        (sym.icode.clone(), u8c(k.icmp_code)),
    ];
    (sym, pairs)
}

/// Substitutes and simplifies; the literal, if the term folds to one.
fn fold(b: &Bool, pairs: &[(BV, BV)]) -> Option<bool> {
    let subs: Vec<(&BV, &BV)> = pairs.iter().map(|(a, b)| (a, b)).collect();
    b.substitute(&subs).simplify().as_bool()
}

/// `ip` lies in `cidr`, as the encoder's CIDR membership (`sym::in_cidr`) computes it on the
/// address constant.
pub fn in_cidr_literal(cidr: &Cidr, ip: &IpAddr) -> Option<bool> {
    in_cidr(&ip_const(ip), cidr).simplify().as_bool()
}

/// The packet equals itself under `sym::equals_packet` (the constraint used to pin a packet):
/// must be `Some(true)` for `k` and `Some(false)` for any other packet of the same family.
pub fn equals_packet_literal(pinned: &Packet, k: &Packet) -> Option<bool> {
    let (sym, pairs) = folding(k);
    fold(&equals_packet(&sym, pinned), &pairs)
}

/// The protocol field of a rule covers `k` (`filter::protocol_matches`).
pub fn protocol_matches_literal(p: &Protocol, k: &Packet) -> Option<bool> {
    let (sym, pairs) = folding(k);
    fold(&protocol_matches(p, &sym), &pairs)
}

/// The layer-4 part of a rule covers `k` (`filter::l4_matches`).
pub fn l4_matches_literal(l4: &L4Match, k: &Packet) -> Option<bool> {
    let (sym, pairs) = folding(k);
    fold(&l4_matches(l4, &sym), &pairs)
}

/// One network ACL entry matches `k` (`filter::acl_entry_matches`), whatever its action.
pub fn acl_entry_matches_literal(e: &NetworkAclEntry, k: &Packet) -> Option<bool> {
    let (sym, pairs) = folding(k);
    fold(&acl_entry_matches(e, &sym), &pairs)
}

/// The network ACL allows `k` in direction `dir`, with the entries the walk uses
/// (`filter::acl_entries`, then `filter::acl_allows`).
pub fn acl_allows_literal(acl: &NetworkAcl, dir: Direction, k: &Packet) -> Option<bool> {
    let (sym, pairs) = folding(k);
    let entries = acl_entries(acl, dir, IpFamily::of(&k.dst_ip));
    fold(&acl_allows(&entries, &sym), &pairs)
}

/// The entry that decides for `k` (`filter::acl_first_match`): `Some(Some(rule number))`, or
/// `Some(None)` when no entry matches and `*` denies. `None` when the first-match terms do not
/// fold, or when not exactly one of them is true.
pub fn acl_deciding_rule_literal(acl: &NetworkAcl, dir: Direction, k: &Packet) -> Option<Option<u16>> {
    let (sym, pairs) = folding(k);
    let entries = acl_entries(acl, dir, IpFamily::of(&k.dst_ip));
    let mut deciding = Vec::new();
    for i in 0..=entries.len() {
        if fold(&acl_first_match(&entries, i, &sym), &pairs)? {
            deciding.push(entries.get(i).map(|e| e.rule_number));
        }
    }
    match deciding.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// What the security groups of an interface decide for a packet, per the encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupsLiteral {
    /// Allowed (`true`) or not.
    Decided(bool),
    /// No rule with a known peer allows the packet, and a rule naming a prefix list whose entries
    /// are not in the input might: unknown.
    UnknownPrefixList(PrefixListId),
    /// The term did not fold to a literal.
    NotFolded,
}

/// The groups `groups` allow `k` in direction `dir` (`filter::groups_allow`).
pub fn groups_allow_literal(
    net: &Network,
    ix: &NetworkIndex,
    groups: &[SecurityGroupId],
    dir: Direction,
    k: &Packet,
) -> GroupsLiteral {
    let (sym, pairs) = folding(k);
    let enc = groups_allow(net, ix, groups, dir, &sym);
    match fold(&enc.allows, &pairs) {
        None => GroupsLiteral::NotFolded,
        Some(true) => GroupsLiteral::Decided(true),
        Some(false) => {
            for (pl, maybe) in enc.unknown {
                match fold(&maybe, &pairs) {
                    None => return GroupsLiteral::NotFolded,
                    Some(true) => return GroupsLiteral::UnknownPrefixList(pl),
                    Some(false) => {}
                }
            }
            GroupsLiteral::Decided(false)
        }
    }
}

/// What route selection decides for a destination, per the encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteLiteral {
    /// RT-9: the destination lies in a range AWS never forwards.
    NeverForwarded,
    /// The route at this position of `RouteTable::routes` is selected (possibly a blackhole).
    Route(usize),
    /// No route matches.
    NoRoute,
    /// A candidate prefix list's entries are not in the input.
    UnknownPrefixList(PrefixListId),
    /// The selection terms did not fold to literals.
    NotFolded,
    /// Several routes (or a route and "no route") are selected at once: the encoding is not a
    /// function of the destination.
    Ambiguous(Vec<usize>),
}

/// The route the table selects for `dst`, per `route::candidates`, `route::selection` and the
/// RT-9 check, in the order the walk applies them.
pub fn route_selected_literal(net: &Network, table: &RouteTable, dst: &IpAddr) -> RouteLiteral {
    let family = IpFamily::of(dst);
    let d = ip_const(dst);
    match in_cidr(&d, &never_forwarded(family)).simplify().as_bool() {
        Some(true) => return RouteLiteral::NeverForwarded,
        Some(false) => {}
        None => return RouteLiteral::NotFolded,
    }
    let (cands, unknown) = candidates(net, table, family);
    let (winners, none) = selection(&cands, &d);
    // RT-13a: unknown unless the known winner leads where every unknown route leads.
    if let Some((_, pl)) = unknown.first() {
        let winner = winners
            .iter()
            .find(|(_, cond)| cond.simplify().as_bool() == Some(true))
            .map(|(c, _)| c.route);
        if !winner.is_some_and(|w| settled_over(w, &unknown)) {
            return RouteLiteral::UnknownPrefixList((*pl).clone());
        }
    }
    let mut chosen: BTreeSet<usize> = BTreeSet::new();
    for (c, cond) in &winners {
        match cond.simplify().as_bool() {
            Some(true) => {
                chosen.insert(c.index);
            }
            Some(false) => {}
            None => return RouteLiteral::NotFolded,
        }
    }
    let nothing = match none.simplify().as_bool() {
        Some(b) => b,
        None => return RouteLiteral::NotFolded,
    };
    match (chosen.len(), nothing) {
        (0, true) => RouteLiteral::NoRoute,
        (1, false) => chosen
            .first()
            .map_or(RouteLiteral::NotFolded, |i| RouteLiteral::Route(*i)),
        _ => RouteLiteral::Ambiguous(chosen.into_iter().collect()),
    }
}

/// The source port a NAT device gives a translated TCP/UDP packet, per the encoder's `nat_port`.
pub fn nat_port_literal(port: u16) -> Option<u16> {
    let v = super::walk::nat_port(&u16c(port)).simplify().as_u64()?;
    u16::try_from(v).ok()
}
