//! Evidence from solver answers: a witness that reads like real traffic, and, for blocked paths,
//! the filters that block them with the exact rule and an example packet.
//!
//! Witness preferences (tried in this order, each kept only if the path stays satisfiable): TCP;
//! an ICMP echo request; a well-known destination port of the query's range (443, 80, 22, 3306,
//! 5432, 3389, 53, 123); source port 49152, else from 32768, else from 1024; the source
//! interface's primary address; for external sources 93.184.216.34 (IPv6
//! 2606:2800:220:1:248:1893:25c8:1946), else 1.1.1.1, 8.8.8.8, else the first host of the
//! source's first block (a CIDR, on-premises blocks); a destination interface's primary address,
//! else those internet hosts, else the first host of a block, prefix list entry or on-premises
//! block of the destination.
//!
//! Blocking filters: every check that alone admits no packet of the path; when none does, the
//! checks of a minimal unsat core (deletion-minimised). For an ACL, each deny entry (or `*`)
//! that is the first match for some packet the other checks admit is named; for security
//! groups, the groups of the interface. Codes by situation (SEMANTICS.md §10): SG-12, SG-13, SG-14,
//! SG-15, each preferring an example packet for which it holds.

use super::StartPoint;
use super::filter::{acl_entries, acl_entry_matches};
use super::sym::*;
use super::walk::{Check, CheckInfo, Leg, Walk};
use crate::model::endpoint::External;
use crate::model::*;
use std::net::IpAddr;
use z3::SatResult;
use z3::ast::Bool;

/// Checks under `labels` plus extra constraints; decodes `pkt` from a model shaped by the
/// witness preferences, so that examples read like real traffic too, together with the packet
/// its source sent (the same model at the question's variables), for the replay check.
fn model_packet(w: &mut Walk<'_>, labels: &[Bool], extra: &[Bool], pkt: &SymPacket) -> Option<(Packet, Packet)> {
    w.solver.push();
    for e in extra {
        w.solver.assert(e);
    }
    let out = preferred(w, labels, &StartPoint::Internet(String::new())).and_then(|m| {
        let at = decode(&m, pkt, w.family)?;
        let sent = decode(&m, &w.pkt0, w.family)?;
        Some((at, sent))
    });
    w.solver.pop(1);
    out
}

/// An example packet of the current branch, as the source sends it.
pub(crate) fn example(w: &mut Walk<'_>, labels: &[Bool], extra: Option<&Bool>) -> Option<Packet> {
    let pkt = w.pkt0.clone();
    let extra: Vec<Bool> = extra.into_iter().cloned().collect();
    model_packet(w, labels, &extra, &pkt).map(|(p, _)| p)
}

pub(crate) fn preferences(w: &Walk<'_>, start: &StartPoint) -> Vec<Vec<Bool>> {
    let p = &w.pkt0;
    let mut prefs: Vec<Vec<Bool>> = Vec::new();
    prefs.push(vec![p.proto.eq(u8c(proto::TCP))]);
    let echo = if w.family == IpFamily::V4 { 8 } else { 128 };
    prefs.push(vec![all(&[p.itype.eq(u8c(echo)), p.icode.eq(u8c(0))])]);
    prefs.push(
        [443u16, 80, 22, 3306, 5432, 3389, 53, 123]
            .iter()
            .map(|port| p.dport.eq(u16c(*port)))
            .collect(),
    );
    prefs.push(vec![
        p.sport.eq(u16c(49152)),
        p.sport.bvuge(u16c(32768)),
        p.sport.bvuge(u16c(1024)),
    ]);
    if let StartPoint::Interface(x) = start
        && let Some(e) = w.net.network_interfaces.get(x)
    {
        let primary: Vec<IpAddr> = match w.family {
            IpFamily::V4 => e.primary_ipv4().map(IpAddr::V4).into_iter().collect(),
            IpFamily::V6 => e.ipv6.first().map(|a| IpAddr::V6(*a)).into_iter().collect(),
        };
        prefs.push(primary.iter().map(|a| p.src.eq(ip_const(a))).collect());
    }
    let internet: Vec<IpAddr> = match w.family {
        IpFamily::V4 => ["93.184.216.34", "1.1.1.1", "8.8.8.8"]
            .iter()
            .filter_map(|s| s.parse().ok())
            .collect(),
        IpFamily::V6 => ["2606:2800:220:1:248:1893:25c8:1946"]
            .iter()
            .filter_map(|s| s.parse().ok())
            .collect(),
    };
    if !matches!(start, StartPoint::Interface(_)) {
        let mut srcs: Vec<Bool> = internet.iter().map(|a| p.src.eq(ip_const(a))).collect();
        if let Some(e) = &w.q.from.external {
            srcs.extend(first_hosts(w, e).iter().map(|a| p.src.eq(ip_const(a))));
        }
        prefs.push(srcs);
    }
    let mut dsts: Vec<Bool> = Vec::new();
    for id in &w.q.to.interfaces {
        if let Some(e) = w.net.network_interfaces.get(id) {
            match w.family {
                IpFamily::V4 => {
                    dsts.extend(e.primary_ipv4().map(|a| p.dst.eq(ip_const(&IpAddr::V4(a)))));
                    dsts.extend(e.public_addresses().map(|a| p.dst.eq(ip_const(&IpAddr::V4(a)))));
                }
                IpFamily::V6 => dsts.extend(e.ipv6.first().map(|a| p.dst.eq(ip_const(&IpAddr::V6(*a))))),
            }
        }
    }
    dsts.extend(internet.iter().map(|a| p.dst.eq(ip_const(a))));
    if let Some(e) = &w.q.to.external {
        dsts.extend(first_hosts(w, e).iter().map(|a| p.dst.eq(ip_const(a))));
    }
    prefs.push(dsts);
    prefs
}

/// The first host address of each block of an external endpoint (a prefix list's entries, a
/// block, the on-premises blocks of a virtual private gateway), of the walk's family.
fn first_hosts(w: &Walk<'_>, e: &External) -> Vec<IpAddr> {
    let blocks: Vec<Cidr> = match e {
        External::Service { prefix_list, .. } => w
            .net
            .prefix_lists
            .get(prefix_list)
            .map(|pl| pl.entries.clone())
            .unwrap_or_default(),
        External::Block(c) => vec![*c],
        External::OnPremises(g) => w
            .net
            .vpn_gateways
            .get(g)
            .map(|g| {
                w.net
                    .onprem
                    .known_prefixes(g.id.as_str(), &g.onprem_cidrs)
                    .into_iter()
                    .map(|k| k.cidr)
                    .collect()
            })
            .unwrap_or_default(),
        External::OnPremNetwork { blocks, .. } => blocks.clone(),
        External::Internet { .. } => Vec::new(),
    };
    blocks
        .iter()
        .filter(|c| c.family() == w.family)
        .map(|c| {
            let (base, len) = c.to_bits();
            let host = if u32::from(len) + 1 < u32::from(w.family.bits()) {
                base + 1
            } else {
                base
            };
            crate::model::addr::ip_from_u128(w.family, host)
        })
        .collect()
}

/// The witness packet of a satisfiable path, shaped by the preferences.
pub(crate) fn witness(w: &mut Walk<'_>, labels: &[Bool], start: &StartPoint) -> Option<Packet> {
    let m = preferred(w, labels, start)?;
    decode(&m, &w.pkt0, w.family)
}

/// A model under `labels` with as many preferences kept as possible; `None` when `labels` are
/// not found satisfiable (unsatisfiable, or the solver gave up: SOLVE-4). A preference whose
/// check gives up is dropped like one that does not fit.
fn preferred(w: &mut Walk<'_>, labels: &[Bool], start: &StartPoint) -> Option<z3::Model> {
    if w.solver.check_assumptions(labels) != SatResult::Sat {
        return None;
    }
    let mut pushed = 0;
    for group in preferences(w, start) {
        for pref in group {
            w.solver.push();
            w.solver.assert(&pref);
            if w.solver.check_assumptions(labels) == SatResult::Sat {
                pushed += 1;
                break;
            }
            w.solver.pop(1);
        }
    }
    let out = if w.solver.check_assumptions(labels) == SatResult::Sat {
        w.solver.get_model()
    } else {
        None
    };
    if pushed > 0 {
        w.solver.pop(pushed);
    }
    out
}

/// Records a blocking entry for every check that blocks a path whose checks are jointly
/// unsatisfiable.
pub(crate) fn blocking_checks(w: &mut Walk<'_>, checks: &[Check], start: &StartPoint) {
    let mut blockers: Vec<usize> = Vec::new();
    for (i, c) in checks.iter().enumerate() {
        if w.solver.check_assumptions(std::slice::from_ref(&c.label)) == SatResult::Unsat {
            blockers.push(i);
        }
    }
    if blockers.is_empty() {
        let labels: Vec<Bool> = checks.iter().map(|c| c.label.clone()).collect();
        if w.solver.check_assumptions(&labels) != SatResult::Unsat {
            return;
        }
        let core: Vec<Bool> = w.solver.get_unsat_core();
        let mut keep: Vec<usize> = (0..checks.len())
            .filter(|i| core.iter().any(|l| checks.get(*i).is_some_and(|c| c.label.ast_eq(l))))
            .collect();
        let mut k = 0;
        while k < keep.len() {
            let trial: Vec<Bool> = keep
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != k)
                .filter_map(|(_, i)| checks.get(*i).map(|c| c.label.clone()))
                .collect();
            if w.solver.check_assumptions(&trial) == SatResult::Unsat {
                keep.remove(k);
            } else {
                k += 1;
            }
        }
        blockers = keep;
    }
    for i in blockers {
        let others: Vec<Bool> = checks
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, c)| c.label.clone())
            .collect();
        let base = if w.solver.check_assumptions(&others) == SatResult::Sat {
            others
        } else {
            Vec::new()
        };
        if let Some(c) = checks.get(i) {
            attribute(w, c, &base, start);
        }
    }
}

fn leg_word(leg: Leg) -> &'static str {
    match leg {
        Leg::Request => "",
        Leg::Reply => "the reply ",
    }
}

/// Names the rule(s) by which a blocking check drops packets the rest of the path admits.
fn attribute(w: &mut Walk<'_>, c: &Check, base: &[Bool], start: &StartPoint) {
    match &c.info {
        CheckInfo::Acl {
            acl,
            subnet,
            dir,
            reassigned,
            remapped,
        } => {
            let net = w.net;
            let Some(table) = net.network_acls.get(acl) else {
                w.results.blocked.insert(Blocked::new(
                    subnet,
                    ComponentKind::Subnet,
                    Some(*dir),
                    "none",
                    format!("subnet `{subnet}` has no network ACL, so nothing crosses its boundary"),
                    "SUBNET_ACL_RESTRICTION",
                ));
                return;
            };
            let entries = acl_entries(table, *dir, w.family);
            // "No earlier entry matches", built once for all the entries (an ACL of tens of
            // thousands of entries would otherwise take quadratic time outside the solver), and
            // no entry examined once the budget is spent (SOLVE-3, #18 item 1).
            let mut none_before = Bool::from_bool(true);
            for i in 0..=entries.len() {
                if w.solver.spent {
                    break;
                }
                let first = match entries.get(i) {
                    Some(e) => {
                        let matches = acl_entry_matches(e, &c.pkt);
                        let first = Bool::and(&[none_before.clone(), matches.clone()]);
                        none_before = Bool::and(&[none_before, matches.not()]);
                        first
                    }
                    None => none_before.clone(),
                };
                if entries.get(i).is_some_and(|e| e.action == RuleAction::Allow) {
                    continue;
                }
                // SG-13: prefer a packet the ACL would admit with its source before the NAT
                // gateway; then the translation is the cause.
                let by_nat = reassigned
                    .as_ref()
                    .and_then(|before| model_packet(w, base, &[first.clone(), before.clone()], &c.pkt));
                // SG-14: likewise a reply the ACL would admit on the port the client used.
                let by_port = match (&by_nat, remapped) {
                    (None, Some(r)) => model_packet(w, base, &[first.clone(), r.clone()], &c.pkt),
                    _ => None,
                };
                let code = if by_nat.is_some() {
                    "NGW_SOURCE_ADDRESS_REASSIGN"
                } else if by_port.is_some() {
                    "REMAP_EPHEMERAL_PORT"
                } else {
                    "SUBNET_ACL_RESTRICTION"
                };
                let Some((example, sent)) = by_nat.or(by_port).or_else(|| model_packet(w, base, &[first], &c.pkt))
                else {
                    continue;
                };
                let (rule, reason) = match entries.get(i) {
                    Some(e) => (
                        e.rule_label(),
                        format!(
                            "{dir} rule {} ({}) of network ACL `{acl}` on `{subnet}` denies {}e.g. {example}",
                            e.rule_label(),
                            e.label(),
                            leg_word(c.leg)
                        ),
                    ),
                    None => (
                        "*".to_owned(),
                        format!(
                            "no {dir} rule of network ACL `{acl}` on `{subnet}` allows {}e.g. {example}, so the default rule * denies it",
                            leg_word(c.leg)
                        ),
                    ),
                };
                let reason = match code {
                    "NGW_SOURCE_ADDRESS_REASSIGN" => {
                        format!("{reason}; it would admit the source a NAT gateway replaced by its own address")
                    }
                    "REMAP_EPHEMERAL_PORT" => {
                        format!("{reason}; it would admit the port the client used, which the NAT gateway remapped")
                    }
                    _ => reason,
                };
                let b = Blocked::new(acl, ComponentKind::NetworkAcl, Some(*dir), rule, reason, code);
                w.block(b, Some((start.clone(), sent)));
            }
        }
        CheckInfo::Groups {
            iface,
            groups,
            dir,
            reassigned,
            unpreserved,
        } => {
            let denied = c.allows.not();
            // SG-13: a packet the groups refuse with the NAT gateway's address as its source but
            // admit with the source it had before: the translation is the cause.
            let by_nat = reassigned.as_ref().and_then(|(n, before)| {
                model_packet(w, base, &[denied.clone(), before.clone()], &c.pkt).map(|e| (n, e))
            });
            // SG-15: likewise a packet a rule naming a group would admit with the source it had
            // before a NAT instance: the group reference was not preserved.
            let by_ref = match (&by_nat, unpreserved) {
                (None, Some((y, before))) => {
                    model_packet(w, base, &[denied.clone(), before.clone()], &c.pkt).map(|e| (y, e))
                }
                _ => None,
            };
            let example = match (&by_nat, &by_ref) {
                (Some((_, e)), _) | (None, Some((_, e))) => Some(*e),
                (None, None) => model_packet(w, base, &[denied], &c.pkt),
            };
            let shown = example.map(|(e, _)| format!(" e.g. {e}")).unwrap_or_default();
            let (id, kind, rule) = match groups.first() {
                Some(g) => (
                    g.to_string(),
                    ComponentKind::SecurityGroup,
                    groups.iter().map(|g| g.to_string()).collect::<Vec<_>>().join(", "),
                ),
                None => (
                    iface.to_string(),
                    ComponentKind::NetworkInterface,
                    "no security groups".to_owned(),
                ),
            };
            // SG-12: groups that have no rule at all in this direction.
            let ruleless = !groups.is_empty()
                && groups.iter().all(|g| {
                    w.net.security_groups.get(g).is_some_and(|sg| {
                        if *dir == Direction::Inbound {
                            sg.ingress.is_empty()
                        } else {
                            sg.egress.is_empty()
                        }
                    })
                });
            let names = groups.iter().map(|g| format!("`{g}`")).collect::<Vec<_>>().join(" or ");
            let reason = if groups.is_empty() {
                format!("`{iface}` has no security group, so it allows no {dir} traffic:{shown}")
            } else {
                let word = if *dir == Direction::Inbound {
                    "inbound"
                } else {
                    "outbound"
                };
                format!("no {word} rule of {names} on `{iface}` allows{shown}")
            };
            let reason = if ruleless {
                format!(
                    "{names} on `{iface}` have no {} rule at all:{shown}",
                    if *dir == Direction::Inbound {
                        "inbound"
                    } else {
                        "outbound"
                    }
                )
            } else {
                reason
            };
            let reason = match (&by_nat, &by_ref) {
                (Some((n, _)), _) => format!(
                    "{names} on `{iface}` refuse the packet with NAT gateway `{n}`'s address as its source, but would admit the source it had before:{shown}"
                ),
                (None, Some((y, _))) => format!(
                    "{names} on `{iface}` admit the original source by a rule naming a security group, but the packet was forwarded by `{y}` (a NAT instance), which does not carry the source's security group membership (SG-15):{shown}"
                ),
                (None, None) => reason,
            };
            let code = if ruleless {
                "SG_HAS_NO_RULES"
            } else if by_nat.is_some() {
                "NGW_SOURCE_ADDRESS_REASSIGN"
            } else if by_ref.is_some() {
                "SG_REFERENCES_NOT_PRESERVED"
            } else {
                "ENI_SG_RULES_MISMATCH"
            };
            let b = Blocked::new(id, kind, Some(*dir), rule, reason, code);
            w.block(b, example.map(|(_, sent)| (start.clone(), sent)));
        }
    }
}
