//! Metamorphic laws: how answers must (not) change when the network or the question changes.
//! Each answer is the SMT engine's; every reachable answer's witness is also replayed through
//! the simulator on the network it was found in and on the other one, where the law says it
//! must (still) get through.
//!
//! - adding a deny ACL entry (numbered before the existing ones) or removing a security group
//!   rule never turns unreachable into reachable;
//! - adding an allow ACL entry (at the lowest number) or a security group rule never turns
//!   reachable into unreachable;
//! - renaming ids, consistently and for every kind, changes nothing (order-preserving: J7
//!   breaks ties between prefix-list routes by id, so a renaming that reorders list ids may
//!   legitimately change a winner);
//! - one-way reachable is implied by round-trip reachable;
//! - peering is not transitive: with peerings A-B and B-C and routes, A never reaches C's
//!   private addresses through B (PCX-5, PCX-7).

use crate::differential::agree::question_agrees;
use crate::differential::generate::{
    Blueprint, GenSettings, PeeringPlan, QueryPlan, blueprint, cidr_pool, endpoint_text, l4_of, pick, query_plan,
    query_ports, query_protocol,
};
use crate::differential::oracle::{Kind, Space, question, reaches, show_answer, smt_kind, start_of};
use crate::differential::spec::to_toml;
use crate::differential::{Tally, check};
use proptest::prelude::*;
use std::collections::BTreeMap;
use vpcverify::model::endpoint::Endpoint;
use vpcverify::model::*;
use vpcverify::query::{Role, resolve};
use vpcverify::sim;
use vpcverify::smt::{self, Answer};

/// A question in endpoint texts, resolved against each network it is asked of.
#[derive(Debug, Clone)]
pub(crate) struct Asked {
    from: String,
    to: String,
    protocol: Option<u8>,
    dst_ports: Option<PortRange>,
    src_ports: Option<PortRange>,
    one_way: bool,
}

impl Asked {
    pub(crate) fn of(net: &Network, q: &QueryPlan) -> Asked {
        let protocol = query_protocol(q);
        Asked {
            from: endpoint_text(net, &q.from),
            to: endpoint_text(net, &q.to),
            protocol,
            dst_ports: query_ports(q.dst_ports).filter(|_| protocol.is_none_or(proto::has_ports)),
            src_ports: query_ports(q.src_ports),
            one_way: q.one_way,
        }
    }

    /// The endpoints in `net`, unless the question is one `query` refuses or cannot replay.
    fn endpoints(&self, net: &Network, ix: &NetworkIndex) -> Option<(Endpoint, Endpoint)> {
        let from = resolve(net, ix, &self.from, Role::Source).ok()?;
        let to = resolve(net, ix, &self.to, Role::Destination).ok()?;
        let same = from.external.is_none() && to.external.is_none() && from.interfaces == to.interfaces;
        (to.through.is_none() && !same).then_some((from, to))
    }

    /// The SMT engine's answer in `net`, with the endpoints.
    fn ask(&self, net: &Network, tally: &Tally) -> Option<(Answer, Endpoint, Endpoint)> {
        let ix = NetworkIndex::new(net);
        let (from, to) = self.endpoints(net, &ix)?;
        let q = question(
            &from,
            &to,
            vec![IpFamily::V4, IpFamily::V6],
            self.protocol,
            self.dst_ports,
            self.src_ports,
            self.one_way,
        );
        let a = smt::solve(net, &ix, &q);
        tally.question();
        tally.verdict(smt_kind(&a));
        Some((a, from, to))
    }
}

/// True iff the simulator delivers the witness of `a` in `net` to `to`.
fn witness_reaches(net: &Network, a: &Answer, from: &Endpoint, to: &Endpoint, one_way: bool, tally: &Tally) -> bool {
    let Answer::Reachable(w) = a else { return false };
    let ix = NetworkIndex::new(net);
    tally.traces(1);
    reaches(net, &sim::trace(net, &ix, start_of(w), w.packet, one_way), from, to)
}

/// Asserts `more ⊇ less` for one question: whatever gets through `less` (the network with fewer
/// permissions) gets through `more`.
pub(crate) fn monotone(
    more: &Network,
    less: &Network,
    asked: &Asked,
    change: &str,
    tally: &Tally,
) -> Result<(), TestCaseError> {
    let (Some((a_more, from, to)), Some((a_less, _, _))) = (asked.ask(more, tally), asked.ask(less, tally)) else {
        return Ok(());
    };
    let what = || {
        format!(
            "{change}; question {asked:?}\nmore permissive: {}less permissive: {}--- more permissive network ---\n{}",
            show_answer(&a_more),
            show_answer(&a_less),
            to_toml(more)
        )
    };
    if smt_kind(&a_less) == Kind::Reachable {
        prop_assert_eq!(smt_kind(&a_more), Kind::Reachable, "law broken: {}", what());
        prop_assert!(
            witness_reaches(more, &a_less, &from, &to, asked.one_way, tally),
            "the simulator does not deliver, in the more permissive network, a witness of the other: {}",
            what()
        );
    }
    if let Answer::Reachable(_) = &a_more {
        prop_assert!(
            witness_reaches(more, &a_more, &from, &to, asked.one_way, tally),
            "the simulator does not deliver the witness: {}",
            what()
        );
    }
    Ok(())
}

// ---------------------------------------------------------------- mutations

/// A new ACL entry, from small choices.
#[derive(Debug, Clone)]
pub(crate) struct NewEntry {
    acl: u8,
    outbound: bool,
    proto: u8,
    l4: u8,
    cidr: u8,
}

pub(crate) fn new_entry() -> impl Strategy<Value = NewEntry> {
    (any::<u8>(), any::<bool>(), 0u8..6, any::<u8>(), any::<u8>()).prop_map(|(acl, outbound, proto, l4, cidr)| {
        NewEntry {
            acl,
            outbound,
            proto,
            l4,
            cidr,
        }
    })
}

const PROTOCOLS: [Protocol; 6] = [
    Protocol::All,
    Protocol::TCP,
    Protocol::UDP,
    Protocol::ICMP,
    Protocol::ICMPV6,
    Protocol::Number(50),
];

/// `net` with the entry added before every existing entry of its direction; `None` when the
/// lowest number is 1 already.
pub(crate) fn with_entry(net: &Network, e: &NewEntry, action: RuleAction) -> Option<(Network, String)> {
    let mut out = net.clone();
    let ids: Vec<NetworkAclId> = out.network_acls.keys().cloned().collect();
    let id = pick(&ids, e.acl)?.clone();
    let pool = cidr_pool(net);
    let acl = out.network_acls.get_mut(&id)?;
    let direction = if e.outbound {
        Direction::Outbound
    } else {
        Direction::Inbound
    };
    let lowest = acl
        .entries
        .iter()
        .filter(|x| x.direction == direction)
        .map(|x| x.rule_number)
        .min()
        .unwrap_or(100);
    let rule_number = lowest.checked_sub(1).filter(|n| *n >= 1)?;
    let protocol = pick(&PROTOCOLS, e.proto).copied().unwrap_or(Protocol::All);
    let cidr = pick(&pool, e.cidr).copied().unwrap_or_else(Cidr::any_v4);
    let entry = NetworkAclEntry {
        rule_number,
        direction,
        action,
        protocol,
        l4: l4_of(protocol, e.l4, cidr.family() == IpFamily::V4),
        cidr,
        provenance: Provenance::resource("metamorphic", id.as_str()),
    };
    let label = format!("`{id}` gains {direction} entry {}", entry.label());
    acl.entries.push(entry);
    Some((out, label))
}

/// A security group rule to add or remove.
#[derive(Debug, Clone)]
struct RuleChange {
    group: u8,
    inbound: bool,
    rule: u8,
    proto: u8,
    l4: u8,
    peer: u8,
    peer_is_group: bool,
}

fn rule_change() -> impl Strategy<Value = RuleChange> {
    (
        any::<u8>(),
        any::<bool>(),
        any::<u8>(),
        0u8..6,
        any::<u8>(),
        any::<u8>(),
        prop::bool::weighted(0.3),
    )
        .prop_map(|(group, inbound, rule, proto, l4, peer, peer_is_group)| RuleChange {
            group,
            inbound,
            rule,
            proto,
            l4,
            peer,
            peer_is_group,
        })
}

fn rules_of(g: &mut SecurityGroup, inbound: bool) -> &mut Vec<SecurityGroupRule> {
    if inbound { &mut g.ingress } else { &mut g.egress }
}

/// `net` without one rule of one group.
fn without_rule(net: &Network, c: &RuleChange) -> Option<(Network, String)> {
    let mut out = net.clone();
    let ids: Vec<SecurityGroupId> = out.security_groups.keys().cloned().collect();
    let id = pick(&ids, c.group)?.clone();
    let g = out.security_groups.get_mut(&id)?;
    let rules = rules_of(g, c.inbound);
    if rules.is_empty() {
        return None;
    }
    let i = usize::from(c.rule) % rules.len();
    let gone = rules.remove(i);
    let dir = if c.inbound {
        Direction::Inbound
    } else {
        Direction::Outbound
    };
    Some((out, format!("`{id}` loses {dir} rule {}", gone.label(dir))))
}

/// `net` with one more rule in one group (a CIDR or group peer: never an unknown list).
fn with_rule(net: &Network, c: &RuleChange) -> Option<(Network, String)> {
    let mut out = net.clone();
    let ids: Vec<SecurityGroupId> = out.security_groups.keys().cloned().collect();
    let id = pick(&ids, c.group)?.clone();
    let pool = cidr_pool(net);
    let protocol = pick(&PROTOCOLS, c.proto).copied().unwrap_or(Protocol::All);
    let peer = if c.peer_is_group {
        SecurityGroupPeer::SecurityGroup {
            id: pick(&ids, c.peer)?.clone(),
            peering: None,
        }
    } else {
        SecurityGroupPeer::Cidr {
            cidr: pick(&pool, c.peer).copied().unwrap_or_else(Cidr::any_v4),
        }
    };
    let rule = SecurityGroupRule {
        protocol,
        l4: l4_of(protocol, c.l4, false),
        peer,
        description: None,
        provenance: Provenance::resource("metamorphic", id.as_str()),
    };
    let dir = if c.inbound {
        Direction::Inbound
    } else {
        Direction::Outbound
    };
    let label = format!("`{id}` gains {dir} rule {}", rule.label(dir));
    let g = out.security_groups.get_mut(&id)?;
    rules_of(g, c.inbound).push(rule);
    Some((out, label))
}

// ---------------------------------------------------------------- renaming

/// Every id of the network, old to new, keeping the order within each kind: `vpc-a` becomes
/// `vpc-r000`, and so on. Also ids that only routes name (deleted targets, local gateways).
fn renaming(net: &Network) -> BTreeMap<String, String> {
    let mut ids: Vec<String> = Vec::new();
    ids.extend(net.vpcs.keys().map(|x| x.to_string()));
    ids.extend(net.subnets.keys().map(|x| x.to_string()));
    ids.extend(net.route_tables.keys().map(|x| x.to_string()));
    ids.extend(net.network_acls.keys().map(|x| x.to_string()));
    ids.extend(net.security_groups.keys().map(|x| x.to_string()));
    ids.extend(net.network_interfaces.keys().map(|x| x.to_string()));
    ids.extend(net.instances.keys().map(|x| x.to_string()));
    ids.extend(net.internet_gateways.keys().map(|x| x.to_string()));
    ids.extend(net.egress_only_internet_gateways.keys().map(|x| x.to_string()));
    ids.extend(net.nat_gateways.keys().map(|x| x.to_string()));
    ids.extend(net.vpc_peering_connections.keys().map(|x| x.to_string()));
    ids.extend(net.vpc_endpoints.keys().map(|x| x.to_string()));
    ids.extend(net.prefix_lists.keys().map(|x| x.to_string()));
    ids.extend(net.vpn_gateways.keys().map(|x| x.to_string()));
    ids.extend(net.transit_gateways.keys().map(|x| x.to_string()));
    for rt in net.route_tables.values() {
        ids.extend(
            rt.routes
                .iter()
                .map(|r| r.target.id().to_owned())
                .filter(|t| t != "local"),
        );
    }
    ids.sort();
    ids.dedup();
    let mut by_prefix: BTreeMap<String, usize> = BTreeMap::new();
    let mut map = BTreeMap::new();
    for id in ids {
        let prefix = id.split_once('-').map_or(id.as_str(), |(p, _)| p).to_owned();
        let n = by_prefix.entry(prefix.clone()).or_default();
        map.insert(id, format!("{prefix}-r{n:03}"));
        *n += 1;
    }
    map
}

/// `net` with every id (as a map key or a string value) renamed by `map`.
fn renamed(net: &Network, map: &BTreeMap<String, String>) -> Network {
    fn walk(v: &mut serde_json::Value, map: &BTreeMap<String, String>) {
        match v {
            serde_json::Value::String(s) => {
                if let Some(n) = map.get(s.as_str()) {
                    *s = n.clone();
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| walk(x, map)),
            serde_json::Value::Object(o) => {
                let old = std::mem::take(o);
                for (k, mut x) in old {
                    walk(&mut x, map);
                    o.insert(map.get(&k).cloned().unwrap_or(k), x);
                }
            }
            _ => {}
        }
    }
    let mut v = serde_json::to_value(net).unwrap();
    walk(&mut v, map);
    serde_json::from_value(v).unwrap()
}

// ---------------------------------------------------------------- properties

/// Adding a deny ACL entry before the others never turns unreachable into reachable.
#[test]
fn a_deny_entry_never_opens_a_path() {
    check(
        "metamorphic::a_deny_entry_never_opens_a_path",
        file!(),
        300,
        (blueprint(GenSettings::CI), query_plan(), new_entry()),
        |(b, q, e), tally| {
            let net = b.build();
            tally.network();
            let Some((denied, change)) = with_entry(&net, &e, RuleAction::Deny) else {
                return Ok(());
            };
            monotone(&net, &denied, &Asked::of(&net, &q), &change, tally)
        },
    );
}

/// Removing a security group rule never turns unreachable into reachable.
#[test]
fn removing_a_group_rule_never_opens_a_path() {
    check(
        "metamorphic::removing_a_group_rule_never_opens_a_path",
        file!(),
        300,
        (blueprint(GenSettings::CI), query_plan(), rule_change()),
        |(b, q, c), tally| {
            let net = b.build();
            tally.network();
            let Some((fewer, change)) = without_rule(&net, &c) else {
                return Ok(());
            };
            monotone(&net, &fewer, &Asked::of(&net, &q), &change, tally)
        },
    );
}

/// Adding an allow ACL entry at the lowest number never turns reachable into unreachable.
#[test]
fn an_allow_entry_never_closes_a_path() {
    check(
        "metamorphic::an_allow_entry_never_closes_a_path",
        file!(),
        300,
        (blueprint(GenSettings::CI), query_plan(), new_entry()),
        |(b, q, e), tally| {
            let net = b.build();
            tally.network();
            let Some((allowed, change)) = with_entry(&net, &e, RuleAction::Allow) else {
                return Ok(());
            };
            monotone(&allowed, &net, &Asked::of(&net, &q), &change, tally)
        },
    );
}

/// Adding a security group rule never turns reachable into unreachable.
#[test]
fn a_group_rule_never_closes_a_path() {
    check(
        "metamorphic::a_group_rule_never_closes_a_path",
        file!(),
        300,
        (blueprint(GenSettings::CI), query_plan(), rule_change()),
        |(b, q, c), tally| {
            let net = b.build();
            tally.network();
            let Some((more, change)) = with_rule(&net, &c) else {
                return Ok(());
            };
            monotone(&more, &net, &Asked::of(&net, &q), &change, tally)
        },
    );
}

/// Renaming every id consistently changes no answer: the same verdict, witnesses that get
/// through both networks, and the same simulator traces (renamed) on sampled packets.
#[test]
fn renaming_ids_changes_nothing() {
    check(
        "metamorphic::renaming_ids_changes_nothing",
        file!(),
        300,
        (blueprint(GenSettings::CI), query_plan()),
        |(b, q), tally| {
            let net = b.build();
            tally.network();
            let map = renaming(&net);
            let other = renamed(&net, &map);
            let asked = Asked::of(&net, &q);
            let rename = |t: &str| map.get(t).cloned().unwrap_or_else(|| t.to_owned());
            let asked2 = Asked {
                from: rename(&asked.from),
                to: rename(&asked.to),
                ..asked.clone()
            };
            let (Some((a1, from, to)), Some((a2, from2, to2))) = (asked.ask(&net, tally), asked2.ask(&other, tally))
            else {
                return Ok(());
            };
            let what = || format!("{asked:?}\nbefore: {}after: {}", show_answer(&a1), show_answer(&a2));
            prop_assert_eq!(smt_kind(&a1), smt_kind(&a2), "renaming changed the verdict: {}", what());
            // Either witness gets through both networks (a witness is one model among many: which
            // one Z3 picks depends on the thread's solver history, not on ids).
            if let (Answer::Reachable(w1), Answer::Reachable(w2)) = (&a1, &a2) {
                let (ix, ix2) = (NetworkIndex::new(&net), NetworkIndex::new(&other));
                let start2 = |s: sim::Start| match s {
                    sim::Start::Interface(x) => sim::Start::Interface(rename(x.as_str()).into()),
                    sim::Start::OnPremises(g) => sim::Start::OnPremises(rename(g.as_str()).into()),
                    sim::Start::OnPremisesVia(a) => sim::Start::OnPremisesVia(rename(a.as_str()).into()),
                    sim::Start::Internet => sim::Start::Internet,
                };
                let start1 = |s: sim::Start| {
                    let back = |x: &str| {
                        map.iter()
                            .find(|(_, n)| n.as_str() == x)
                            .map_or_else(|| x.to_owned(), |(o, _)| o.clone())
                    };
                    match s {
                        sim::Start::Interface(x) => sim::Start::Interface(back(x.as_str()).into()),
                        sim::Start::OnPremises(g) => sim::Start::OnPremises(back(g.as_str()).into()),
                        sim::Start::OnPremisesVia(a) => sim::Start::OnPremisesVia(back(a.as_str()).into()),
                        sim::Start::Internet => sim::Start::Internet,
                    }
                };
                let runs = [
                    (&net, &ix, start_of(w1), w1.packet, &from, &to),
                    (&other, &ix2, start2(start_of(w1)), w1.packet, &from2, &to2),
                    (&other, &ix2, start_of(w2), w2.packet, &from2, &to2),
                    (&net, &ix, start1(start_of(w2)), w2.packet, &from, &to),
                ];
                for (n, x, s, p, f, t) in runs {
                    tally.traces(1);
                    let tr = sim::trace(n, x, s, p, asked.one_way);
                    prop_assert!(
                        reaches(n, &tr, f, t),
                        "a witness does not get through both networks: {}",
                        what()
                    );
                }
            }
            // The simulator, on packets of the question's space.
            let (ix, ix2) = (NetworkIndex::new(&net), NetworkIndex::new(&other));
            let q1 = question(
                &from,
                &to,
                vec![IpFamily::V4, IpFamily::V6],
                asked.protocol,
                asked.dst_ports,
                asked.src_ports,
                asked.one_way,
            );
            for (p, starts) in Space::of(&net, &ix, &q1).sample(&q1.families, 8, q.seed) {
                for s in starts {
                    let s2 = match &s {
                        sim::Start::Interface(x) => sim::Start::Interface(rename(x.as_str()).into()),
                        sim::Start::Internet => sim::Start::Internet,
                        sim::Start::OnPremises(g) => sim::Start::OnPremises(rename(g.as_str()).into()),
                        sim::Start::OnPremisesVia(a) => sim::Start::OnPremisesVia(rename(a.as_str()).into()),
                    };
                    let t1 = sim::trace(&net, &ix, s, p, asked.one_way);
                    let t2 = sim::trace(&other, &ix2, s2, p, asked.one_way);
                    tally.traces(2);
                    let hops =
                        |t: &sim::Trace| -> Vec<String> { t.request.hops.iter().map(|h| h.id.clone()).collect() };
                    let renamed_hops: Vec<String> = hops(&t1).iter().map(|h| rename(h)).collect();
                    prop_assert_eq!(
                        (reaches(&net, &t1, &from, &to), renamed_hops),
                        (reaches(&other, &t2, &from2, &to2), hops(&t2)),
                        "renaming changed the simulator's trace of {}",
                        p
                    );
                }
            }
            Ok(())
        },
    );
}

/// One-way reachable is implied by round-trip reachable (SEMANTICS.md §1).
#[test]
fn round_trip_implies_one_way() {
    check(
        "metamorphic::round_trip_implies_one_way",
        file!(),
        300,
        (blueprint(GenSettings::CI), query_plan()),
        |(b, q), tally| {
            let net = b.build();
            tally.network();
            let round = Asked {
                one_way: false,
                ..Asked::of(&net, &q)
            };
            let one = Asked {
                one_way: true,
                ..round.clone()
            };
            let (Some((a_round, from, to)), Some((a_one, _, _))) = (round.ask(&net, tally), one.ask(&net, tally))
            else {
                return Ok(());
            };
            if smt_kind(&a_round) == Kind::Reachable {
                let what = || {
                    format!(
                        "{round:?}\nround trip: {}one way: {}",
                        show_answer(&a_round),
                        show_answer(&a_one)
                    )
                };
                prop_assert_eq!(smt_kind(&a_one), Kind::Reachable, "{}", what());
                prop_assert!(witness_reaches(&net, &a_round, &from, &to, true, tally), "{}", what());
            }
            Ok(())
        },
    );
}

/// Peering is not transitive: VPC a peered with b, b with c, a not with c, routes everywhere
/// (a sends c's block over a-b, b sends c's over b-c and a's over a-b, c sends a's over b-c),
/// filters open: nothing in a reaches c's private addresses (PCX-5, PCX-7), for the SMT engine
/// and for the simulator on sampled packets. A control question, a to b's block, is asked too:
/// its verdicts show the network would carry traffic.
#[test]
fn peering_is_not_transitive() {
    let settings = GenSettings {
        max_vpcs: 3,
        enable_unknowns: false,
        enable_missing_acls: false,
        ..GenSettings::CI
    };
    check(
        "metamorphic::peering_is_not_transitive",
        file!(),
        300,
        (blueprint(settings), any::<u8>(), any::<bool>(), any::<u64>()),
        |(mut b, from, one_way, seed), tally| {
            while b.vpcs.len() < 3 {
                b.vpcs.push(b.vpcs[0].clone());
            }
            b.vpcs.truncate(3);
            b.peerings = vec![
                PeeringPlan {
                    a: 0,
                    b: 1,
                    pending: false,
                },
                PeeringPlan {
                    a: 1,
                    b: 2,
                    pending: false,
                },
            ];
            // A subnet and a host in each VPC (subnet k of VPC k, host k in subnet k).
            while b.subnets.len() < 3 {
                b.subnets.push(b.subnets[0].clone());
            }
            for k in 0..3u8 {
                b.subnets[usize::from(k)].vpc = k;
                let mut host = b.interfaces[0].clone();
                host.subnet = k;
                host.groups = vec![0];
                b.interfaces.insert(usize::from(k), host);
            }
            // Filters out of the way: routing and peering alone decide.
            for v in &mut b.vpcs {
                v.default_acl.entries.clear();
                v.default_acl.closed = false;
                v.default_group.open = true;
                v.default_group.bare = false;
            }
            for a in &mut b.acls {
                a.body.entries.clear();
                a.body.closed = false;
            }
            for g in &mut b.groups {
                g.body.open = true;
                g.body.bare = false;
            }
            let net = with_transit_attempt(&b);
            let sources: Vec<&NetworkInterface> = net
                .network_interfaces
                .values()
                .filter(|e| e.vpc.as_str() == "vpc-a" && e.interface_type == "interface")
                .collect();
            let source = pick(&sources, from).map_or_else(|| "vpc-a".to_owned(), |e| e.id.to_string());
            let asked = Asked {
                from: source,
                to: "10.2.0.0/16".into(),
                protocol: None,
                dst_ports: None,
                src_ports: None,
                one_way,
            };
            // The control: a reaches b's block over a-b (often; counted in the verdicts).
            let control = Asked {
                to: "10.1.0.0/16".into(),
                ..asked.clone()
            };
            let _ = control.ask(&net, tally);
            let Some((a, _, _)) = asked.ask(&net, tally) else {
                return Ok(());
            };
            prop_assert!(
                smt_kind(&a) != Kind::Reachable,
                "a reaches c through b: {}\n{}",
                show_answer(&a),
                to_toml(&net)
            );
            question_agrees(&net, &asked.from, &asked.to, None, None, None, one_way, seed, tally)
        },
    );
}

/// The blueprint's network, plus the routes of a transit attempt through VPC b.
fn with_transit_attempt(b: &Blueprint) -> Network {
    let mut net = b.build();
    let block = |v: &str| {
        net.vpcs
            .get(&VpcId::new(v))
            .map(|x| x.cidrs_v4.clone())
            .unwrap_or_default()
    };
    let (a, bb, c) = (block("vpc-a"), block("vpc-b"), block("vpc-c"));
    let wanted: [(&str, &Vec<Cidr>, &str); 6] = [
        ("vpc-a", &bb, "pcx-ab"),
        ("vpc-a", &c, "pcx-ab"),
        ("vpc-b", &a, "pcx-ab"),
        ("vpc-b", &c, "pcx-bc"),
        ("vpc-c", &a, "pcx-bc"),
        ("vpc-c", &bb, "pcx-bc"),
    ];
    let wanted: Vec<(String, Vec<Cidr>, String)> = wanted
        .iter()
        .map(|(v, c, p)| (v.to_string(), (*c).clone(), p.to_string()))
        .collect();
    // A route of a's more specific than c's blocks would send part of them elsewhere: to a's
    // virtual private gateway, say, where such an address is a host on premises (SEMANTICS.md §4).
    // The law is about peering alone, so a's tables keep no such route (CIDR or prefix list).
    let inside_c = |cidr: &Cidr| c.iter().any(|b| b.contains_cidr(cidr));
    let lists_inside_c: Vec<PrefixListId> = net
        .prefix_lists
        .values()
        .filter(|l| l.entries.iter().any(inside_c))
        .map(|l| l.id.clone())
        .collect();
    for rt in net.route_tables.values_mut() {
        if rt.vpc.as_str() == "vpc-a" {
            rt.routes.retain(|r| match &r.destination {
                RouteDestination::Cidr(x) => !inside_c(x),
                RouteDestination::PrefixList(l) => !lists_inside_c.contains(l),
            });
        }
        for (vpc, blocks, pcx) in &wanted {
            if rt.vpc.as_str() != vpc {
                continue;
            }
            for c in blocks {
                rt.routes.retain(|r| r.destination != RouteDestination::Cidr(*c));
                rt.routes.push(Route {
                    destination: RouteDestination::Cidr(*c),
                    target: RouteTarget::VpcPeeringConnection(pcx.as_str().into()),
                    state: RouteState::Active,
                    origin: RouteOrigin::CreateRoute,
                    provenance: Provenance::resource("metamorphic", rt.id.as_str()),
                });
            }
        }
    }
    net
}
