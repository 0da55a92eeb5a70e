//! `vpcverify diff`'s pair pruning never hides a change (issue #14): on random networks of the
//! differential generator and a random mutation of each, of every kind pruning reasons about (a
//! route removed or copied to another table of the VPC, main tables included; a subnet moved to
//! another route table; a NAT gateway, an internet gateway or a peering connection removed; a
//! security group rule added or removed; a narrow rule (one port, from or to a block around an
//! interface's address or a group) added, DIFF-3; a route's target changed or a more specific
//! route added, DIFF-4; an interface's source/destination check flipped or its groups changed; a
//! prefix list's entries changed, AWS-managed lists included, DIFF-5; a network ACL entry
//! added), the diff that
//! asks only the pairs a change concerns reports flows opened and closed between exactly the
//! pairs of classes of the diff that asks every pair (`--all-pairs`), and no unknown pair the full diff does not have. (The
//! full diff may have more unknown pairs: a pair whose candidate paths consult nothing that
//! changed has the same fate in both networks, which the pruned diff knows without asking.)

use crate::differential::Tally;
use crate::differential::generate::{Blueprint, GenSettings, blueprint, pick};
use crate::differential::metamorphic::{NewEntry, new_entry, with_entry};
use proptest::prelude::*;
use std::collections::BTreeSet;
use vpcverify::diff::{DiffOptions, DiffReport, Input, run};
use vpcverify::model::*;

fn diff(a: &Network, b: &Network, all_pairs: bool) -> Result<DiffReport, TestCaseError> {
    diff_with(
        a,
        b,
        DiffOptions {
            all_pairs,
            // The pruned run groups (DIFF-7): the law then covers the grouping too.
            group: !all_pairs,
            max_flows: 4,
            ..DiffOptions::default()
        },
    )
}

fn diff_with(a: &Network, b: &Network, opts: DiffOptions) -> Result<DiffReport, TestCaseError> {
    let (ai, bi) = (NetworkIndex::new(a), NetworkIndex::new(b));
    run(
        Input {
            label: "A",
            net: a,
            ix: &ai,
        },
        Input {
            label: "B",
            net: b,
            ix: &bi,
        },
        &opts,
    )
    .map_err(|e| TestCaseError::fail(e.to_string()))
}

/// The pairs of classes with a flow opened (`true`) or closed (`false`). (Witness packets and
/// the port ranges around them may differ between two runs of the solver.)
fn flows(r: &DiffReport) -> BTreeSet<(bool, String, String)> {
    r.opened
        .iter()
        .map(|f| (true, f.from.clone(), f.to.clone()))
        .chain(r.closed.iter().map(|f| (false, f.from.clone(), f.to.clone())))
        .collect()
}

fn unknowns(r: &DiffReport) -> BTreeSet<(String, String, String)> {
    r.unknown
        .iter()
        .map(|u| (u.from.clone(), u.to.clone(), format!("{:?}", u.direction)))
        .collect()
}

/// A mutation: its kind and two choices.
#[derive(Debug, Clone, Copy)]
struct Mutation {
    kind: u8,
    a: u8,
    b: u8,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    (0u8..14, any::<u8>(), any::<u8>()).prop_map(|(kind, a, b)| Mutation { kind, a, b })
}

fn nth<K: Clone + Ord, V>(m: &std::collections::BTreeMap<K, V>, i: u8) -> Option<K> {
    let keys: Vec<K> = m.keys().cloned().collect();
    pick(&keys, i).cloned()
}

/// `net` with mutation `m` applied (`None` when the network has nothing of that kind), and what
/// it did.
fn mutate(net: &Network, m: Mutation, entry: &NewEntry) -> Option<(Network, String)> {
    let mut out = net.clone();
    let prov = |id: &str| Provenance::resource("prune-law", id);
    let label = match m.kind {
        0 => {
            let id = nth(&out.route_tables, m.a)?;
            let t = out.route_tables.get_mut(&id)?;
            let idx: Vec<usize> = (0..t.routes.len())
                .filter(|i| t.routes[*i].target != RouteTarget::Local)
                .collect();
            let i = *pick(&idx, m.b)?;
            let r = t.routes.remove(i);
            format!("route {} -> {} removed from `{id}`", r.destination, r.target.id())
        }
        1 => {
            // A route of one table copied into another table of the same VPC.
            let from = nth(&out.route_tables, m.a)?;
            let src = out.route_tables.get(&from)?.clone();
            let r = pick(&src.routes, m.b)?.clone();
            let others: Vec<RouteTableId> = out
                .route_tables
                .values()
                .filter(|t| {
                    t.vpc == src.vpc && t.id != from && !t.routes.iter().any(|x| x.destination == r.destination)
                })
                .map(|t| t.id.clone())
                .collect();
            let to = pick(&others, m.b)?.clone();
            let label = format!("route {} -> {} copied to `{to}`", r.destination, r.target.id());
            out.route_tables.get_mut(&to)?.routes.push(r);
            label
        }
        2 => {
            // A subnet moved to another route table of its VPC.
            let s = nth(&out.subnets, m.a)?;
            let vpc = out.subnets.get(&s)?.vpc.clone();
            let tables: Vec<RouteTableId> = out
                .route_tables
                .values()
                .filter(|t| t.vpc == vpc && !t.subnets.contains(&s))
                .map(|t| t.id.clone())
                .collect();
            let to = pick(&tables, m.b)?.clone();
            for t in out.route_tables.values_mut() {
                t.subnets.retain(|x| x != &s);
            }
            out.route_tables.get_mut(&to)?.subnets.push(s.clone());
            format!("`{s}` moved to `{to}`")
        }
        3 => {
            let id = nth(&out.nat_gateways, m.a)?;
            out.nat_gateways.remove(&id);
            format!("`{id}` removed")
        }
        4 => {
            let id = nth(&out.internet_gateways, m.a)?;
            out.internet_gateways.remove(&id);
            format!("`{id}` removed")
        }
        5 => {
            let id = nth(&out.vpc_peering_connections, m.a)?;
            out.vpc_peering_connections.remove(&id);
            format!("`{id}` removed")
        }
        6 => {
            // A rule for everything from (or to) anywhere.
            let id = nth(&out.security_groups, m.a)?;
            let g = out.security_groups.get_mut(&id)?;
            let rule = SecurityGroupRule {
                protocol: Protocol::All,
                l4: L4Match::Any,
                peer: SecurityGroupPeer::Cidr { cidr: Cidr::any_v4() },
                description: None,
                provenance: prov(id.as_str()),
            };
            if m.b.is_multiple_of(2) {
                g.ingress.push(rule);
                format!("`{id}` allows everything in")
            } else {
                g.egress.push(rule);
                format!("`{id}` allows everything out")
            }
        }
        7 => {
            let id = nth(&out.security_groups, m.a)?;
            let g = out.security_groups.get_mut(&id)?;
            let n = g.ingress.len() + g.egress.len();
            if n == 0 {
                return None;
            }
            let i = usize::from(m.b) % n;
            if i < g.ingress.len() {
                g.ingress.remove(i);
            } else {
                g.egress.remove(i - g.ingress.len());
            }
            format!("a rule of `{id}` removed")
        }
        8 => {
            let id = nth(&out.network_interfaces, m.a)?;
            let groups: Vec<SecurityGroupId> = {
                let vpc = out.network_interfaces.get(&id)?.vpc.clone();
                out.security_groups
                    .values()
                    .filter(|g| g.vpc == vpc)
                    .map(|g| g.id.clone())
                    .collect()
            };
            let e = out.network_interfaces.get_mut(&id)?;
            if m.b.is_multiple_of(2) {
                e.source_dest_check = !e.source_dest_check;
                format!("`{id}` source/destination check {}", e.source_dest_check)
            } else {
                let g = pick(&groups, m.b / 2)?.clone();
                e.groups = vec![g.clone()];
                format!("`{id}` now in `{g}` only")
            }
        }
        9 => {
            // Any list: an AWS-managed one's entries move addresses in or out of the service
            // (DIFF-5).
            let ids: Vec<PrefixListId> = out.prefix_lists.keys().cloned().collect();
            let id = pick(&ids, m.a)?.clone();
            let p = out.prefix_lists.get_mut(&id)?;
            if m.b.is_multiple_of(2) && !p.entries.is_empty() {
                p.entries.remove(usize::from(m.b / 2) % p.entries.len());
                format!("an entry of `{id}` removed")
            } else {
                let c: Cidr = "10.0.0.0/8".parse().ok()?;
                if p.entries.contains(&c) {
                    return None;
                }
                p.entries.push(c);
                format!("`{id}` gains 10.0.0.0/8")
            }
        }
        11 | 12 => {
            // A narrow rule (DIFF-3): tcp on one port from (or to) a block around an interface's
            // address, a /32, /24 or /16, or a group's members.
            let id = nth(&out.security_groups, m.a)?;
            let addrs: Vec<std::net::IpAddr> = out
                .network_interfaces
                .values()
                .flat_map(|e| e.private_addresses().collect::<Vec<_>>())
                .chain(
                    out.network_interfaces
                        .values()
                        .flat_map(|e| e.public_addresses().map(std::net::IpAddr::V4).collect::<Vec<_>>()),
                )
                .collect();
            let a = *pick(&addrs, m.b)?;
            let len = match (a, m.b % 3) {
                (std::net::IpAddr::V6(_), _) => 64,
                (_, 0) => 32,
                (_, 1) => 24,
                _ => 16,
            };
            let peer = if m.b % 5 == 4 {
                let groups: Vec<SecurityGroupId> = out.security_groups.keys().cloned().collect();
                SecurityGroupPeer::SecurityGroup {
                    id: pick(&groups, m.b / 5)?.clone(),
                    peering: None,
                }
            } else {
                SecurityGroupPeer::Cidr {
                    cidr: Cidr::parse(&format!("{a}/{len}")).ok()?,
                }
            };
            let port = [22u16, 80, 443, 5432][usize::from(m.b / 3) % 4];
            let rule = SecurityGroupRule {
                protocol: Protocol::TCP,
                l4: L4Match::Ports(PortRange::single(port)),
                peer: peer.clone(),
                description: None,
                provenance: prov(id.as_str()),
            };
            let g = out.security_groups.get_mut(&id)?;
            if m.kind == 11 {
                g.ingress.push(rule);
                format!("`{id}` allows tcp {port} in from {peer}")
            } else {
                g.egress.push(rule);
                format!("`{id}` allows tcp {port} out to {peer}")
            }
        }
        13 => {
            // A route's target changed to another target of the table, or a more specific route
            // to an interface's address added (DIFF-4).
            let id = nth(&out.route_tables, m.a)?;
            let t = out.route_tables.get_mut(&id)?;
            let targets: Vec<RouteTarget> = t
                .routes
                .iter()
                .map(|r| r.target.clone())
                .filter(|x| *x != RouteTarget::Local)
                .collect();
            let target = pick(&targets, m.b)?.clone();
            if m.b.is_multiple_of(2) {
                let idx: Vec<usize> = (0..t.routes.len())
                    .filter(|i| t.routes[*i].target != RouteTarget::Local && t.routes[*i].target != target)
                    .collect();
                let i = *pick(&idx, m.b / 2)?;
                let r = &mut t.routes[i];
                let label = format!("route {} of `{id}` now -> {}", r.destination, target.id());
                r.target = target;
                label
            } else {
                let addrs: Vec<std::net::IpAddr> = net
                    .network_interfaces
                    .values()
                    .filter_map(|e| e.private_addresses().next())
                    .chain(
                        net.network_interfaces
                            .values()
                            .flat_map(|e| e.public_addresses().map(std::net::IpAddr::V4).collect::<Vec<_>>()),
                    )
                    .collect();
                let a = *pick(&addrs, m.b / 2)?;
                let len = if a.is_ipv4() { 28 } else { 120 };
                let c = Cidr::parse(&format!("{a}/{len}")).ok()?;
                if t.routes.iter().any(|r| r.destination == RouteDestination::Cidr(c)) {
                    return None;
                }
                let mut r = t.routes.iter().find(|r| r.target == target)?.clone();
                r.destination = RouteDestination::Cidr(c);
                t.routes.push(r);
                format!("route {c} -> {} added to `{id}`", target.id())
            }
        }
        _ => {
            let action = if m.b.is_multiple_of(2) {
                RuleAction::Allow
            } else {
                RuleAction::Deny
            };
            return with_entry(net, entry, action);
        }
    };
    Some((out, label))
}

/// Cases where pruning skipped a pair, across the run: the law is not checked on runs that ask
/// every pair anyway.
static SKIPPED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
/// Flows found across the run.
static FOUND: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

#[test]
fn pruned_diff_equals_unpruned_diff() {
    let mut cfg = crate::differential::config(48);
    cfg.source_file = Some(file!());
    if std::env::var("PROPTEST_RNG_SEED").is_err() {
        cfg.rng_seed = proptest::test_runner::RngSeed::Fixed(1414);
    }
    let tally = Tally::default();
    let strategy = (blueprint(GenSettings::CI), mutation(), new_entry());
    let test = |(b, m, e): (Blueprint, Mutation, NewEntry), tally: &Tally| -> Result<(), TestCaseError> {
        let a = b.build();
        tally.network();
        let Some((after, change)) = mutate(&a, m, &e) else {
            return Ok(());
        };
        let pruned = diff(&a, &after, false)?;
        let full = diff(&a, &after, true)?;
        tally.question();
        if pruned.pairs.asked < full.pairs.asked {
            SKIPPED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        FOUND.fetch_add(
            full.opened.len() + full.closed.len(),
            std::sync::atomic::Ordering::Relaxed,
        );
        prop_assert_eq!(flows(&pruned), flows(&full), "{}", change);
        let (pu, fu) = (unknowns(&pruned), unknowns(&full));
        prop_assert!(
            pu.is_subset(&fu),
            "{}: unknown only when pruned: {:?}",
            change,
            pu.difference(&fu).collect::<Vec<_>>()
        );
        Ok(())
    };
    let result = proptest::test_runner::TestRunner::new(cfg).run(&strategy, |v| test(v, &tally));
    if let Err(e) = result {
        panic!("pruned diff: {e}");
    }
    let (skipped, found) = (
        SKIPPED.load(std::sync::atomic::Ordering::Relaxed),
        FOUND.load(std::sync::atomic::Ordering::Relaxed),
    );
    eprintln!("pruned diff: {skipped} case(s) pruned some pair, {found} flow(s) found");
    assert!(skipped > 0, "pruning never skipped a pair: the law was not exercised");
    assert!(
        found > 0,
        "no case changed anything: the law was checked on empty diffs only"
    );
}

/// Cases where a grouped question settled some pair, and flows found, across the run.
static GROUPED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static GROUPED_FOUND: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// DIFF-7: asking the pairs that share a class in one grouped question first, then only the
/// pairs it leaves open, finds flows and unknown answers between exactly the pairs that asking
/// every (pruned) pair on its own does, with the same flow classes.
#[test]
fn grouped_diff_equals_per_pair_diff() {
    let mut cfg = crate::differential::config(48);
    cfg.source_file = Some(file!());
    if std::env::var("PROPTEST_RNG_SEED").is_err() {
        cfg.rng_seed = proptest::test_runner::RngSeed::Fixed(1515);
    }
    let tally = Tally::default();
    let strategy = (blueprint(GenSettings::CI), mutation(), new_entry());
    let test = |(b, m, e): (Blueprint, Mutation, NewEntry), tally: &Tally| -> Result<(), TestCaseError> {
        let a = b.build();
        tally.network();
        let Some((after, change)) = mutate(&a, m, &e) else {
            return Ok(());
        };
        let opts = |group| DiffOptions {
            group,
            max_flows: 4,
            ..DiffOptions::default()
        };
        let grouped = diff_with(&a, &after, opts(true))?;
        let alone = diff_with(&a, &after, opts(false))?;
        tally.question();
        prop_assert_eq!(grouped.pairs.asked, alone.pairs.asked, "{}", change);
        if grouped.pairs.asked_alone < grouped.pairs.asked {
            GROUPED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        GROUPED_FOUND.fetch_add(
            alone.opened.len() + alone.closed.len(),
            std::sync::atomic::Ordering::Relaxed,
        );
        prop_assert_eq!(flows(&grouped), flows(&alone), "{}", change);
        // The pairs left open are asked exactly as alone: the same flow classes, in the same order.
        let classes = |r: &DiffReport| -> Vec<(String, String, String, Option<String>)> {
            r.opened
                .iter()
                .chain(&r.closed)
                .map(|f| (f.from.clone(), f.to.clone(), f.protocol.clone(), f.ports.clone()))
                .collect()
        };
        prop_assert_eq!(classes(&grouped), classes(&alone), "{}", change);
        prop_assert_eq!(unknowns(&grouped), unknowns(&alone), "{}", change);
        Ok(())
    };
    let result = proptest::test_runner::TestRunner::new(cfg).run(&strategy, |v| test(v, &tally));
    if let Err(e) = result {
        panic!("grouped diff: {e}");
    }
    let (grouped, found) = (
        GROUPED.load(std::sync::atomic::Ordering::Relaxed),
        GROUPED_FOUND.load(std::sync::atomic::Ordering::Relaxed),
    );
    eprintln!("grouped diff: {grouped} case(s) settled some pair in a group, {found} flow(s) found");
    assert!(
        grouped > 0,
        "no grouped question settled a pair: the law was not exercised"
    );
    assert!(
        found > 0,
        "no case changed anything: the law was checked on empty diffs only"
    );
}
