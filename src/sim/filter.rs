//! Filters: network ACL and security group evaluation for one concrete packet
//! (SEMANTICS.md §7).
//!
//! Rules implemented here:
//! - NACL-4: entries of one direction, ascending rule number, the first match decides; no match is
//!   the `*` default deny (also when the input lists no `*` entry).
//! - NACL-5: inbound entries match the source address, outbound entries the destination address;
//!   ports are always the destination port.
//! - NACL-6 / SG-6: protocol `all` or equal; `Ports` needs a TCP/UDP packet whose destination port
//!   is in range; `Icmp` needs an ICMP/ICMPv6 packet with equal type and code where given.
//! - NACL-7 / V6-3: entries of the other address family never match.
//! - SG-1, SG-4: allow-only rules, the union of every rule of every group; no group allows nothing.
//! - SG-7: a group reference matches the private addresses of interfaces carrying that group, never
//!   public addresses or NAT gateway addresses; J14: a missing group matches nothing.
//! - SG-15: whether a rule naming a group admits a packet (the caller decides the code).
//! - SG-8: a prefix-list peer matches its entries; a missing list matches nothing; a list whose
//!   entries are not in the input makes the answer unknown (unless another rule allows).
//!
//! Plain loops over the model; nothing here is shared with `smt`.

use crate::model::{
    AddressOwner, Direction, IpFamily, L4Match, Network, NetworkAcl, NetworkAclEntry, NetworkIndex, Packet,
    PrefixListId, Protocol, RuleAction, SecurityGroup, SecurityGroupId, SecurityGroupPeer, SecurityGroupRule,
};
use std::net::IpAddr;

/// True iff the protocol field of a rule covers the packet's protocol.
fn protocol_matches(protocol: &Protocol, p: &Packet) -> bool {
    match protocol {
        Protocol::All => true,
        Protocol::Number(n) => *n == p.protocol,
    }
}

/// True iff the layer-4 part of a rule covers the packet (NACL-5, NACL-6, SG-6).
fn l4_matches(l4: &L4Match, p: &Packet) -> bool {
    match l4 {
        L4Match::Any => true,
        L4Match::Ports(range) => p.has_ports() && range.contains(p.dst_port),
        L4Match::Icmp { icmp_type, icmp_code } => {
            p.is_icmp() && icmp_type.is_none_or(|t| t == p.icmp_type) && icmp_code.is_none_or(|c| c == p.icmp_code)
        }
    }
}

/// The address a rule of this direction compares: the source inbound, the destination outbound.
fn peer_address(direction: Direction, p: &Packet) -> IpAddr {
    match direction {
        Direction::Inbound => p.src_ip,
        Direction::Outbound => p.dst_ip,
    }
}

/// What a network ACL decides.
#[derive(Debug, Clone, Copy)]
pub(super) enum AclDecision<'n> {
    /// An allow entry matched first.
    Allow(&'n NetworkAclEntry),
    /// A deny entry matched first (`Some`), or nothing matched and the default `*` denies (`None`).
    Deny(Option<&'n NetworkAclEntry>),
}

/// NACL-4: the first entry of `direction` (by ascending rule number) that matches `p` decides:
/// of the matching entries, the one with the lowest rule number (the first listed among equal
/// numbers, which validation reports as an error).
pub(super) fn evaluate_acl<'n>(acl: &'n NetworkAcl, direction: Direction, p: &Packet) -> AclDecision<'n> {
    let family = IpFamily::of(&p.dst_ip);
    let address = peer_address(direction, p);
    let first = acl
        .entries
        .iter()
        .filter(|e| e.direction == direction && e.cidr.family() == family)
        .filter(|e| protocol_matches(&e.protocol, p) && l4_matches(&e.l4, p) && e.cidr.contains(&address))
        .min_by_key(|e| e.rule_number);
    match first {
        Some(entry) => match entry.action {
            RuleAction::Allow => AclDecision::Allow(entry),
            RuleAction::Deny => AclDecision::Deny(Some(entry)),
        },
        None => AclDecision::Deny(None),
    }
}

/// What the security groups of an interface decide.
#[derive(Debug, Clone)]
pub(super) enum GroupDecision<'n> {
    /// This rule of this group allows the packet (the first found, in group then rule order).
    Allow(&'n SecurityGroup, &'n SecurityGroupRule),
    /// No rule of any group allows it.
    Deny,
    /// No rule allows it for sure, and a rule names a prefix list whose entries are not known.
    Unknown(PrefixListId),
}

/// Whether one rule's peer covers an address: yes, no, or unknown (prefix list without entries).
enum PeerMatch {
    Yes,
    No,
    Unknown(PrefixListId),
}

fn peer_matches(net: &Network, ix: &NetworkIndex, peer: &SecurityGroupPeer, address: &IpAddr) -> PeerMatch {
    let yes = |b: bool| if b { PeerMatch::Yes } else { PeerMatch::No };
    match peer {
        SecurityGroupPeer::Cidr { cidr } => yes(cidr.contains(address)),
        SecurityGroupPeer::PrefixList { id } => match net.prefix_lists.get(id) {
            // SG-8 / SEMANTICS §7: a list missing from the input matches nothing.
            None => PeerMatch::No,
            Some(list) if !list.entries_known => PeerMatch::Unknown(id.clone()),
            Some(list) => yes(list.entries.iter().any(|c| c.contains(address))),
        },
        SecurityGroupPeer::SecurityGroup { id, .. } => {
            // J14: a rule naming a group missing from the input matches nothing.
            if !net.security_groups.contains_key(id) {
                return PeerMatch::No;
            }
            // SG-7: only private addresses of interfaces carrying the group. `private_owner` maps NAT
            // gateway addresses to the gateway and knows no public address, so those never match.
            match ix.private_owner(address) {
                Some(AddressOwner::Interface(eni)) => {
                    yes(net.network_interfaces.get(eni).is_some_and(|e| e.groups.contains(id)))
                }
                _ => PeerMatch::No,
            }
        }
    }
}

/// SG-15: some rule of some group in `groups` (in `direction`) naming a security group as its
/// peer allows `p` (SG-7).
pub(super) fn reference_admits(
    net: &Network,
    ix: &NetworkIndex,
    groups: &[SecurityGroupId],
    direction: Direction,
    p: &Packet,
) -> bool {
    let address = peer_address(direction, p);
    groups
        .iter()
        .filter_map(|g| net.security_groups.get(g))
        .flat_map(|g| match direction {
            Direction::Inbound => g.ingress.iter(),
            Direction::Outbound => g.egress.iter(),
        })
        .filter(|r| matches!(r.peer, SecurityGroupPeer::SecurityGroup { .. }))
        .any(|r| {
            protocol_matches(&r.protocol, p)
                && l4_matches(&r.l4, p)
                && matches!(peer_matches(net, ix, &r.peer, &address), PeerMatch::Yes)
        })
}

/// SG-4: some rule of some group in `groups` (in `direction`) allows `p`.
pub(super) fn evaluate_groups<'n>(
    net: &'n Network,
    ix: &NetworkIndex,
    groups: &[SecurityGroupId],
    direction: Direction,
    p: &Packet,
) -> GroupDecision<'n> {
    let address = peer_address(direction, p);
    let mut unknown: Option<PrefixListId> = None;
    for group_id in groups {
        // A group the interface lists but the input lacks contributes no rules.
        let Some(group) = net.security_groups.get(group_id) else {
            continue;
        };
        let rules = match direction {
            Direction::Inbound => &group.ingress,
            Direction::Outbound => &group.egress,
        };
        for rule in rules {
            if !(protocol_matches(&rule.protocol, p) && l4_matches(&rule.l4, p)) {
                continue;
            }
            match peer_matches(net, ix, &rule.peer, &address) {
                PeerMatch::Yes => return GroupDecision::Allow(group, rule),
                PeerMatch::No => {}
                PeerMatch::Unknown(pl) => {
                    unknown.get_or_insert(pl);
                }
            }
        }
    }
    match unknown {
        Some(pl) => GroupDecision::Unknown(pl),
        None => GroupDecision::Deny,
    }
}
