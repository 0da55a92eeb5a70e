//! The checks a definite verdict's evidence must pass before it is printed (SOLVE-5, SOLVE-6 of
//! SEMANTICS.md): a `reachable` witness lies in the question's packet space; each example packet
//! of an `unreachable` answer's blocking entries is dropped by the simulator, by that entry or
//! before it.
//!
//! Owns: the question's packet space as concrete membership tests, written from SEMANTICS.md §4
//! independently of the SMT engine's encoding of it. Must not touch: the solver, printing.

use crate::model::addr::ranges;
use crate::model::endpoint::{Endpoint, External};
use crate::model::*;
use crate::sim;
use crate::smt::{Budget, Evidence, Question, StartPoint};
use std::net::IpAddr;

/// Why a witness is not a packet of the question, if it is not.
pub(crate) fn outside_question(
    net: &Network,
    ix: &NetworkIndex,
    q: &Question<'_>,
    start: &StartPoint,
    p: &Packet,
) -> Option<String> {
    let fam = IpFamily::of(&p.src_ip);
    if IpFamily::of(&p.dst_ip) != fam || !q.families.contains(&fam) {
        return Some(format!("its address family {fam} is not one the question is about"));
    }
    if q.protocol.is_some_and(|n| n != p.protocol)
        || (fam == IpFamily::V4 && p.protocol == proto::ICMPV6)
        || (fam == IpFamily::V6 && p.protocol == proto::ICMP)
    {
        return Some(format!("protocol {} is not the question's", proto::name(p.protocol)));
    }
    if proto::has_ports(p.protocol) {
        let dports = q.dst_ports.unwrap_or(PortRange::ALL);
        let sports = q.src_ports.unwrap_or(PortRange::EPHEMERAL);
        if !dports.contains(p.dst_port) {
            return Some(format!("destination port {} is outside {dports}", p.dst_port));
        }
        if !sports.contains(p.src_port) {
            return Some(format!("source port {} is outside {sports}", p.src_port));
        }
    } else if p.src_port != 0 || p.dst_port != 0 {
        return Some("it has ports, but its protocol has none".into());
    }
    if proto::is_icmp(p.protocol) && !q.one_way {
        let echo = if fam == IpFamily::V4 { 8 } else { 128 };
        if p.icmp_type != echo || p.icmp_code != 0 {
            return Some("a round trip over ICMP is an echo request, and it is not one".into());
        }
    }
    if !source_ok(net, ix, q.from, start, &p.src_ip) {
        return Some(format!(
            "its source {} is not an address of `{}`",
            p.src_ip, q.from.label
        ));
    }
    if !destination_ok(net, ix, q, &p.dst_ip) {
        return Some(format!(
            "its destination {} is not an address of `{}`",
            p.dst_ip, q.to.label
        ));
    }
    None
}

fn source_ok(net: &Network, ix: &NetworkIndex, from: &Endpoint, start: &StartPoint, src: &IpAddr) -> bool {
    match start {
        StartPoint::Interface(x) => {
            let Some(eni) = net.network_interfaces.get(x) else {
                return false;
            };
            if !from.interfaces.contains(x) || !eni.private_addresses().any(|a| a == *src) {
                return false;
            }
            from.address_filter.is_none_or(|f| {
                f.contains(src)
                    || eni.private_ipv4.iter().any(|p| {
                        IpAddr::V4(p.address) == *src
                            && p.public_ip
                                .as_ref()
                                .is_some_and(|pb| f.contains(&IpAddr::V4(pb.address)))
                    })
            })
        }
        StartPoint::Internet(_) => match &from.external {
            Some(External::Internet { .. }) => internet_host(net, ix, src),
            Some(External::Block(c)) => c.contains(src),
            _ => false,
        },
        StartPoint::OnPremises(g) => match &from.external {
            Some(External::OnPremises(h)) => g == h && onprem_host(net, g, src),
            Some(External::Block(c)) => c.contains(src),
            Some(External::OnPremNetwork { blocks, .. }) => blocks.iter().any(|c| c.contains(src)),
            _ => false,
        },
        StartPoint::OnPremisesVia(_) => match &from.external {
            Some(External::Block(c)) => c.contains(src),
            Some(External::OnPremNetwork { blocks, .. }) => blocks.iter().any(|c| c.contains(src)),
            _ => false,
        },
    }
}

fn destination_ok(net: &Network, ix: &NetworkIndex, q: &Question<'_>, dst: &IpAddr) -> bool {
    let to = q.to;
    if to.through.is_some() {
        return to.address_filter.is_none_or(|f| f.contains(dst));
    }
    let from_internet = matches!(q.from.external, Some(External::Internet { .. }));
    let iface = to
        .interfaces
        .iter()
        .filter_map(|i| net.network_interfaces.get(i))
        .any(|e| {
            let private = !(from_internet && dst.is_ipv4()) && e.private_addresses().any(|a| a == *dst);
            let public = e.public_addresses().any(|a| IpAddr::V4(a) == *dst);
            (private || public) && to.address_filter.is_none_or(|f| f.contains(dst))
        });
    let ext = match &to.external {
        None => false,
        Some(External::Internet { .. }) => internet_host(net, ix, dst),
        Some(External::Block(c)) => c.contains(dst),
        Some(External::Service { prefix_list, .. }) => net
            .prefix_lists
            .get(prefix_list)
            .is_some_and(|pl| pl.entries.iter().any(|c| c.contains(dst))),
        Some(External::OnPremises(g)) => onprem_host(net, g, dst),
        Some(External::OnPremNetwork { blocks, .. }) => blocks.iter().any(|c| c.contains(dst)),
    };
    iface || ext
}

/// An internet host's address (SEMANTICS.md §4): public, outside every VPC block, and not a
/// public address the network maps to an interface or NAT gateway.
fn internet_host(net: &Network, ix: &NetworkIndex, a: &IpAddr) -> bool {
    let in_vpc = net.vpcs.values().flat_map(|v| v.cidrs()).any(|c| c.contains(a));
    match a {
        IpAddr::V4(v4) => {
            !ranges::non_public_v4().iter().any(|c| c.contains(a)) && !in_vpc && !ix.public_addresses().any(|p| p == v4)
        }
        IpAddr::V6(_) => {
            ranges::public_v6().contains(a) && !ranges::non_public_v6().iter().any(|c| c.contains(a)) && !in_vpc
        }
    }
}

/// An on-premises host's address behind `g`: in its declared blocks of the family, else
/// anything outside the VPCs' blocks.
fn onprem_host(net: &Network, g: &VpnGatewayId, a: &IpAddr) -> bool {
    let fam = IpFamily::of(a);
    let declared: Vec<Cidr> = net
        .vpn_gateways
        .get(g)
        .map(|x| {
            net.onprem
                .known_prefixes(x.id.as_str(), &x.onprem_cidrs)
                .into_iter()
                .map(|k| k.cidr)
                .filter(|c| c.family() == fam)
                .collect()
        })
        .unwrap_or_default();
    if declared.is_empty() {
        !net.vpcs.values().flat_map(|v| v.cidrs()).any(|c| c.contains(a))
    } else {
        declared.iter().any(|c| c.contains(a))
    }
}

/// What the replay of an unreachable answer's examples found.
#[derive(Debug)]
pub(crate) enum EvidenceError {
    /// The budget ran out before every example was replayed.
    Spent,
    /// The simulator does not drop an example the way the answer says.
    Inconsistent(String),
}

/// Replays each example packet through the simulator (SOLVE-6): it must be dropped, by the
/// component the entry names or by one before it on its path, with every filter the input does
/// not settle admitting it (BOUND-2).
pub(crate) fn check_examples(
    net: &Network,
    ix: &NetworkIndex,
    evidence: &[Evidence],
    one_way: bool,
    budget: Option<&Budget>,
    targets: Option<&[NetworkInterfaceId]>,
) -> Result<(), EvidenceError> {
    for e in evidence {
        if budget.is_some_and(|b| b.remaining().is_none()) {
            return Err(EvidenceError::Spent);
        }
        let start = match &e.start {
            StartPoint::Interface(x) => sim::Start::Interface(x.clone()),
            StartPoint::Internet(_) => sim::Start::Internet,
            StartPoint::OnPremises(g) => sim::Start::OnPremises(g.clone()),
            StartPoint::OnPremisesVia(a) => sim::Start::OnPremisesVia(a.clone()),
        };
        let mut t = sim::trace_to_targets(net, ix, start.clone(), e.packet, one_way, targets);
        // BOUND-2: the blocking entries of an unreachable answer drop their packets whatever
        // the filters the input does not settle do; the simulator stops at the first such
        // filter, so the example is replayed with each of them admitting it.
        if matches!(t.status(), sim::Status::Unknown { .. }) {
            let admitting = sim::trace_admitting_to_targets(net, ix, start, e.packet, one_way, targets);
            if !admitting.assumed.is_empty() {
                t = admitting;
            }
        }
        let named = &e.blocked.id;
        // Another entry of the same answer, which the SMT engine also found to drop every packet
        // of its paths, may come first: a component shared by both legs (a default ACL on the
        // request's and the reply's subnet) is passed on the request before the reply meets it.
        let another_entry = |b: &crate::model::trace::Blocked| {
            evidence
                .iter()
                .any(|o| o.blocked.id != *named && o.blocked.id == b.id && o.blocked.direction == b.direction)
        };
        match t.status() {
            sim::Status::Unreachable(b) => {
                // Dropped by the entry, or before the packet got to it.
                let hops = t.request.hops.iter().chain(t.reply.iter().flat_map(|r| r.hops.iter()));
                // The same component in the other direction (a group's egress before its
                // ingress, on a hairpin) is not the entry.
                let passed_it = hops
                    .filter(|h| e.blocked.direction.is_none() || h.direction == e.blocked.direction)
                    .any(|h| h.id == *named);
                if b.id != *named && passed_it && !same_place(net, named, &b.id) && !another_entry(&b) {
                    return Err(EvidenceError::Inconsistent(format!(
                        "the SMT engine says `{named}` drops {} ({}), but the simulator lets it past `{named}` and drops it later at `{}` ({})",
                        e.packet, e.blocked.rule, b.id, b.reason
                    )));
                }
            }
            other => {
                let says = match other {
                    sim::Status::Reachable => "delivers it".to_owned(),
                    sim::Status::Unknown { component, reason } => {
                        format!("answers unknown at `{component}` ({reason})")
                    }
                    sim::Status::Unreachable(_) => String::new(),
                };
                return Err(EvidenceError::Inconsistent(format!(
                    "the SMT engine says `{named}` drops {} ({}), but the simulator {says}",
                    e.packet, e.blocked.rule
                )));
            }
        }
    }
    Ok(())
}

/// Two ids for one place: a security group and an interface it is on, an ACL and its subnet.
fn same_place(net: &Network, a: &str, b: &str) -> bool {
    let on_iface = |g: &str, i: &str| {
        net.network_interfaces
            .get(&NetworkInterfaceId::new(i))
            .is_some_and(|e| e.groups.iter().any(|x| x.as_str() == g))
    };
    on_iface(a, b) || on_iface(b, a)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "test code")]
    use super::*;
    use crate::query::endpoint::{Role, resolve};

    fn seed_lab() -> Network {
        let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/seed-lab.toml");
        crate::ingest::load(&file).unwrap().network
    }

    fn tcp(src: &str, sport: u16, dst: &str, dport: u16) -> Packet {
        Packet::with_ports(proto::TCP, src.parse().unwrap(), sport, dst.parse().unwrap(), dport)
    }

    #[test]
    fn a_witness_from_outside_the_internet_or_off_the_ports_is_not_a_packet_of_the_question() {
        let net = seed_lab();
        let ix = NetworkIndex::new(&net);
        let from = resolve(&net, &ix, "internet", Role::Source).unwrap();
        let to = resolve(&net, &ix, "web-server", Role::Destination).unwrap();
        let public = net.network_interfaces[&to.interfaces[0]]
            .public_addresses()
            .next()
            .unwrap()
            .to_string();
        let q = Question {
            from: &from,
            to: &to,
            protocol: Some(proto::TCP),
            dst_ports: Some(PortRange::single(22)),
            src_ports: None,
            one_way: false,
            families: vec![IpFamily::V4],
            want_proof: false,
            budget: None,
            faults: None,
            waypoints: None,
        };
        let start = StartPoint::Internet("igw-lab-igw".into());
        let check = |p: Packet| outside_question(&net, &ix, &q, &start, &p);
        assert_eq!(check(tcp("93.184.216.34", 49152, &public, 22)), None);
        // 198.51.100.0/24 is documentation space (RFC 5737), not an internet host: the wrong
        // witness of issue 20.
        let why = check(tcp("198.51.100.8", 49152, &public, 22)).unwrap();
        assert!(why.contains("source 198.51.100.8"), "{why}");
        assert!(
            check(tcp("93.184.216.34", 49152, &public, 23))
                .unwrap()
                .contains("destination port 23")
        );
        assert!(
            check(tcp("93.184.216.34", 80, &public, 22))
                .unwrap()
                .contains("source port 80")
        );
        // From the internet, a private address is not an address of the destination.
        let private = net.network_interfaces[&to.interfaces[0]]
            .primary_ipv4()
            .unwrap()
            .to_string();
        assert!(check(tcp("93.184.216.34", 49152, &private, 22)).is_some());
        let udp = Packet::with_ports(
            proto::UDP,
            "93.184.216.34".parse().unwrap(),
            49152,
            public.parse().unwrap(),
            22,
        );
        assert!(check(udp).unwrap().contains("protocol udp"));
    }

    #[test]
    fn an_example_the_simulator_delivers_or_lets_past_the_named_rule_is_an_inconsistency() {
        let net = seed_lab();
        let ix = NetworkIndex::new(&net);
        let web = resolve(&net, &ix, "web-server", Role::Source).unwrap().interfaces[0].clone();
        let db = resolve(&net, &ix, "db-server", Role::Destination).unwrap().interfaces[0].clone();
        let web_ip = net.network_interfaces[&web].primary_ipv4().unwrap().to_string();
        let db_ip = net.network_interfaces[&db].primary_ipv4().unwrap().to_string();
        let group = net.network_interfaces[&db].groups[0].to_string();
        let entry = Blocked::new(
            &group,
            ComponentKind::SecurityGroup,
            Some(Direction::Inbound),
            &group,
            "no inbound rule allows it",
            "ENI_SG_RULES_MISMATCH",
        );
        let evidence = |dport: u16| Evidence {
            blocked: entry.clone(),
            start: StartPoint::Interface(web.clone()),
            packet: tcp(&web_ip, 49152, &db_ip, dport),
        };
        // The database's group admits nothing on port 1048 from the web server: dropped there.
        assert!(check_examples(&net, &ix, &[evidence(1048)], true, None, None).is_ok());
        // It admits MySQL: an answer that says it drops 3306 is wrong.
        match check_examples(&net, &ix, &[evidence(3306)], true, None, None) {
            Err(EvidenceError::Inconsistent(why)) => assert!(why.contains("delivers it"), "{why}"),
            other => panic!("{other:?}"),
        }
        // A spent budget stops the replay: unknown, not a verdict.
        let spent = Budget {
            limit: std::time::Duration::from_millis(1),
            deadline: std::time::Instant::now(),
        };
        assert!(matches!(
            check_examples(&net, &ix, &[evidence(1048)], true, Some(&spent), None),
            Err(EvidenceError::Spent)
        ));
    }
}
