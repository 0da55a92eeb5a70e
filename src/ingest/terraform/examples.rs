//! Example values for addresses that are unknown until apply (an instance without `private_ip`,
//! an Elastic IP's `public_ip`, a NAT gateway's addresses, an auto-assigned public IPv4).
//!
//! Each stays marked `assigned_at_apply`; the value is only an example, chosen deterministically
//! (requests in id order) so that outputs are stable:
//! - private IPv4: the first free host address of the subnet after the four AWS reserves at the
//!   bottom (network, router, DNS, future use) and before the broadcast address (SUB-3), distinct
//!   from every known or already chosen address;
//! - public IPv4: addresses from 3.0.0.0/8 upward. That block is Amazon's and real Elastic IPs
//!   and auto-assigned public IPv4s come from it, so the example looks like what apply gives; it
//!   is public unicast, so the `internet` endpoint and the internet gateway's address rules
//!   (IGW-6) treat it as a real public address (the documentation nets 192.0.2.0/24,
//!   198.51.100.0/24 and 203.0.113.0/24 would not: the model counts them as non-public). Any
//!   address inside a block the network mentions with a prefix of /8 or longer (VPC and subnet
//!   blocks, routes, ACL entries, rule peers, prefix-list entries) or already used is skipped, and
//!   so is the whole /8 when such a block covers it.

use super::lower::Lx;
use crate::model::*;
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr};

/// Owner of a placeholder address: an interface slot or a NAT gateway.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
    Interface(NetworkInterfaceId, usize),
    Nat(NatGatewayId, usize),
}

/// Fills every placeholder address of the network.
pub fn assign(lx: &mut Lx<'_>) {
    private(lx);
    public(lx);
}

fn private(lx: &mut Lx<'_>) {
    let net = &lx.net;
    let mut used: BTreeSet<Ipv4Addr> = BTreeSet::new();
    let mut wanted: BTreeMap<SubnetId, Vec<Slot>> = BTreeMap::new();
    for e in net.network_interfaces.values() {
        for (i, p) in e.private_ipv4.iter().enumerate() {
            if p.address.is_unspecified() {
                wanted
                    .entry(e.subnet.clone())
                    .or_default()
                    .push(Slot::Interface(e.id.clone(), i));
            } else {
                used.insert(p.address);
            }
        }
    }
    for n in net.nat_gateways.values() {
        for (i, a) in n.addresses.iter().enumerate() {
            if a.private_ip.is_unspecified() {
                wanted
                    .entry(n.subnet.clone())
                    .or_default()
                    .push(Slot::Nat(n.id.clone(), i));
            } else {
                used.insert(a.private_ip);
            }
        }
    }
    let mut chosen: Vec<(Slot, Option<Ipv4Addr>)> = Vec::new();
    for (subnet, slots) in wanted {
        let block = net.subnets.get(&subnet).and_then(|s| s.cidr_v4);
        let (first, last) = match block.map(|c| (c.first(), c.last())) {
            Some((IpAddr::V4(f), IpAddr::V4(l))) => (u32::from(f), u32::from(l)),
            _ => (1, 0),
        };
        // SUB-3: network, router, DNS and future-use addresses at the bottom; broadcast at the top.
        let mut next = first.saturating_add(4);
        for slot in slots {
            let mut pick = None;
            while next < last {
                let a = Ipv4Addr::from(next);
                next += 1;
                if used.insert(a) {
                    pick = Some(a);
                    break;
                }
            }
            chosen.push((slot, pick));
        }
    }
    for (slot, pick) in chosen {
        match (slot, pick) {
            (Slot::Interface(e, i), Some(a)) => {
                if let Some(p) = lx
                    .net
                    .network_interfaces
                    .get_mut(&e)
                    .and_then(|x| x.private_ipv4.get_mut(i))
                {
                    p.address = a;
                }
            }
            (Slot::Nat(n, i), Some(a)) => {
                if let Some(x) = lx.net.nat_gateways.get_mut(&n).and_then(|x| x.addresses.get_mut(i)) {
                    x.private_ip = a;
                }
            }
            (Slot::Interface(e, i), None) => {
                if let Some(x) = lx.net.network_interfaces.get_mut(&e) {
                    if i < x.private_ipv4.len() {
                        x.private_ipv4.remove(i);
                    }
                    let (id, subnet) = (x.id.to_string(), x.subnet.to_string());
                    lx.warn(
                        "unknown-value",
                        &id,
                        format!("no example private address is free in subnet `{subnet}` for `{id}`; it has none"),
                    );
                }
            }
            (Slot::Nat(n, _), None) => lx.warn(
                "unknown-value",
                n.as_str(),
                format!("no example private address is free in the subnet of `{n}`"),
            ),
        }
    }
}

/// Blocks of /8 or longer that the network mentions anywhere.
fn mentioned_blocks(net: &Network) -> Vec<Cidr> {
    let mut out: Vec<Cidr> = Vec::new();
    out.extend(net.vpcs.values().flat_map(|v| v.cidrs().copied()));
    out.extend(net.subnets.values().flat_map(|s| s.cidrs().copied()));
    for rt in net.route_tables.values() {
        for r in &rt.routes {
            if let RouteDestination::Cidr(c) = r.destination {
                out.push(c);
            }
        }
    }
    out.extend(net.network_acls.values().flat_map(|a| a.entries.iter().map(|e| e.cidr)));
    for g in net.security_groups.values() {
        for r in g.ingress.iter().chain(g.egress.iter()) {
            if let SecurityGroupPeer::Cidr { cidr } = r.peer {
                out.push(cidr);
            }
        }
    }
    out.extend(net.prefix_lists.values().flat_map(|p| p.entries.iter().copied()));
    out.extend(net.vpn_gateways.values().flat_map(|v| v.onprem_cidrs.iter().copied()));
    out.retain(|c| c.family() == IpFamily::V4 && c.prefix_len() >= 8);
    out
}

fn public(lx: &mut Lx<'_>) {
    let net = &lx.net;
    let avoid = mentioned_blocks(net);
    let mut used: BTreeSet<Ipv4Addr> = BTreeSet::new();
    let mut slots: Vec<Slot> = Vec::new();
    for e in net.network_interfaces.values() {
        for (i, p) in e.private_ipv4.iter().enumerate() {
            match &p.public_ip {
                Some(x) if x.address.is_unspecified() => slots.push(Slot::Interface(e.id.clone(), i)),
                Some(x) => {
                    used.insert(x.address);
                }
                None => {}
            }
        }
    }
    for n in net.nat_gateways.values() {
        for (i, a) in n.addresses.iter().enumerate() {
            match a.public_ip {
                Some(x) if x.is_unspecified() => slots.push(Slot::Nat(n.id.clone(), i)),
                Some(x) => {
                    used.insert(x);
                }
                None => {}
            }
        }
    }
    let mut examples = PublicExamples::new(avoid);
    for slot in slots {
        let Some(a) = examples.next(&mut used) else { continue };
        match slot {
            Slot::Interface(e, i) => {
                if let Some(p) = lx
                    .net
                    .network_interfaces
                    .get_mut(&e)
                    .and_then(|x| x.private_ipv4.get_mut(i))
                    .and_then(|p| p.public_ip.as_mut())
                {
                    p.address = a;
                }
            }
            Slot::Nat(n, i) => {
                if let Some(x) = lx.net.nat_gateways.get_mut(&n).and_then(|x| x.addresses.get_mut(i)) {
                    x.public_ip = Some(a);
                }
            }
        }
    }
}

/// Example public addresses: 3.0.0.1, 3.0.0.2, … skipping `.0`, `.255`, used addresses and
/// mentioned blocks; further /8s of Amazon's when 3.0.0.0/8 itself is mentioned.
struct PublicExamples {
    avoid: Vec<Cidr>,
    blocks: Vec<u32>,
    block: usize,
    next: u32,
}

impl PublicExamples {
    fn new(avoid: Vec<Cidr>) -> Self {
        PublicExamples {
            avoid,
            blocks: vec![3, 13, 18, 35, 44, 52, 54],
            block: 0,
            next: 1,
        }
    }

    /// The last address of a mentioned block holding `a`, if any.
    fn covering_end(&self, a: Ipv4Addr) -> Option<u32> {
        self.avoid
            .iter()
            .filter(|c| c.contains(&IpAddr::V4(a)))
            .filter_map(|c| match c.last() {
                IpAddr::V4(l) => Some(u32::from(l)),
                IpAddr::V6(_) => None,
            })
            .max()
    }

    fn next(&mut self, used: &mut BTreeSet<Ipv4Addr>) -> Option<Ipv4Addr> {
        while let Some(top) = self.blocks.get(self.block).copied() {
            let whole = Cidr::new(ipnet::IpNet::V4(
                ipnet::Ipv4Net::new(Ipv4Addr::from(top << 24), 8).ok()?,
            ));
            let whole_avoided = self.avoid.iter().any(|c| c.contains_cidr(&whole));
            while !whole_avoided && self.next < (1 << 24) - 1 {
                let a = Ipv4Addr::from((top << 24) | self.next);
                self.next += 1;
                let last = a.octets()[3];
                if let Some(end) = self.covering_end(a) {
                    self.next = end.saturating_sub(top << 24).saturating_add(1);
                    continue;
                }
                if last == 0 || last == 255 {
                    continue;
                }
                if used.insert(a) {
                    return Some(a);
                }
            }
            self.block += 1;
            self.next = 1;
        }
        None
    }
}
