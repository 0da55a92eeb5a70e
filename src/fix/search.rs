//! The search for a fix (FIX-4, FIX-5): for `--want reachable`, driven by the drop map (each
//! cell's first drop, replayed in the simulator, gives the filter and the packet as that filter
//! sees it, from which the narrowest admitting rule is written); for `--want unreachable`,
//! driven by the witness path (each filter that admits the witness is a place to block the whole
//! question). Every round asks the SMT engine again on the patched network, bounded by edits,
//! rounds and time. Candidates are only proposals: `verify` decides what is shown.
//!
//! Owns: candidate edits and the rounds. Must not touch: z3 (the engine is asked through
//! `query`), printing.

use super::edit::{Edit, apply_all, free_rule_number};
use super::{FixError, Limits};
use crate::model::addr::{ip_from_u128, ip_to_u128};
use crate::model::endpoint::{Endpoint, External};
use crate::model::*;
use crate::query::dropmap::{compute, sim_start};
use crate::query::engine::{ProtocolChoice, QuerySpec};
use crate::query::verdict::VerdictKind;
use crate::sim;
use crate::smt::DropCell;
use std::net::IpAddr;
use std::time::Instant;

/// What a search ended with.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// The edits, in the order made.
    pub edits: Vec<Edit>,
    /// True when the patched network gives the wanted verdict over the whole question.
    pub complete: bool,
    /// True when the search stopped at a bound (edits, rounds or time) with the question not
    /// yet settled.
    pub bound_hit: bool,
    /// The solver gave up or a construct not modelled decides (the answer is unknown).
    pub unknown: Option<String>,
    /// What stays blocked (reachable) or still gets through (unreachable), and why no edit fits.
    pub remaining: Vec<(Blocked, String)>,
    /// Packets to replay in the simulator on the patched network (the original cells' examples,
    /// or the witnesses the search blocked), with who sends them.
    pub replays: Vec<(sim::Start, Packet)>,
    /// Rounds of the search.
    pub rounds: usize,
}

/// Marks a reason that makes the answer unknown rather than a part that stays blocked.
const UNKNOWN_MARK: &str = "unknown: ";

/// The endpoints of the question, resolved once.
pub(crate) struct Ctx<'a> {
    pub spec: &'a QuerySpec,
    pub from: Endpoint,
    pub to: Endpoint,
    pub one_way: bool,
}

/// `--want reachable`: let every packet of the question through.
pub(crate) fn reachable(net: &Network, ctx: &Ctx<'_>, limits: &Limits, t0: Instant) -> Result<Found, FixError> {
    let mut found = Found::default();
    let mut patched = net.clone();
    loop {
        let ix = NetworkIndex::new(&patched);
        let Some((map, ..)) = compute(&patched, &ix, ctx.spec, limits.max_cells)? else {
            found.remaining.push((
                Blocked::new(&ctx.spec.to, ComponentKind::NetworkInterface, None, "family", "", ""),
                "the endpoints share no address family: no packet of the question exists".into(),
            ));
            return Ok(found);
        };
        if found.rounds == 0 {
            found.replays = map.cells.iter().map(|c| (sim_start(&c.start), c.example)).collect();
        }
        if map.undecided {
            found.unknown = Some("the solver gave up (or the budget ran out) before the drop map was complete".into());
            return Ok(found);
        }
        if map.cells.is_empty() {
            // Nothing is dropped: either everything gets through, or the question has no packet
            // that reaches a filter at all (SOLVE-7), which no edit of FIX-1 changes.
            let v = crate::query::engine::run(&patched, &ix, ctx.spec)?.verdict;
            if v.verdict == VerdictKind::Reachable {
                found.complete = true;
                break;
            }
            if v.verdict == VerdictKind::Unknown {
                found.unknown = Some(v.unknown.first().map_or_else(
                    || "the answer is unknown".to_owned(),
                    |u| format!("`{}`: {}", u.id, u.reason),
                ));
                return Ok(found);
            }
            found.remaining = v
                .blocked
                .into_iter()
                .map(|b| {
                    (
                        b,
                        "no packet of the question reaches a filter: a fix does not add addresses or gateways (FIX-1)"
                            .into(),
                    )
                })
                .collect();
            return Ok(found);
        }
        found.remaining.clear();
        if found.rounds >= limits.max_edits || t0.elapsed() > limits.time {
            found.bound_hit = true;
            found.remaining = map
                .cells
                .iter()
                .map(|c| (c.blocked.clone(), "not reached within the bound".into()))
                .collect();
            return Ok(found);
        }
        found.rounds += 1;
        let mut work = patched.clone();
        let mut round: Vec<Edit> = Vec::new();
        for c in &map.cells {
            match cell_edits(&patched, &ix, &work, c, ctx) {
                Ok(alternatives) => {
                    let Some(e) = choose(&work, c, ctx, alternatives) else {
                        found.remaining.push((
                            c.blocked.clone(),
                            "no edit of the kinds a fix makes moves it past where it is dropped (FIX-1)".into(),
                        ));
                        continue;
                    };
                    if !found.edits.iter().chain(&round).any(|x| same_effect(x, &e)) {
                        e.apply_in_place(&mut work);
                        round.push(e);
                    }
                }
                Err(why) => match why.strip_prefix(UNKNOWN_MARK) {
                    Some(u) => {
                        found.unknown = Some(u.to_owned());
                        return Ok(found);
                    }
                    None => found.remaining.push((c.blocked.clone(), why)),
                },
            }
        }
        // FIX-2: fewest edits first: the edits of one filter, direction, protocol and ports are
        // one edit whose block is the smallest holding all of theirs.
        let round = merge(round);
        let added = !round.is_empty();
        for e in &round {
            e.apply_in_place(&mut patched);
        }
        found.edits.extend(round);
        if !added {
            return Ok(found);
        }
        if found.edits.len() > limits.max_edits * 4 {
            found.bound_hit = true;
            return Ok(found);
        }
    }
    // Fewest edits (FIX-2): drop each edit the others do without.
    let mut i = found.edits.len();
    while i > 0 && found.edits.len() > 1 {
        i -= 1;
        let mut fewer = found.edits.clone();
        fewer.remove(i);
        let p = apply_all(net, &fewer);
        let ix = NetworkIndex::new(&p);
        if let Some((map, ..)) = compute(&p, &ix, ctx.spec, limits.max_cells)?
            && map.cells.is_empty()
            && !map.undecided
        {
            found.edits = fewer;
        }
    }
    if found.edits.len() > limits.max_edits {
        found.complete = false;
        found.bound_hit = true;
    }
    Ok(found)
}

/// `--want unreachable`: block every packet of the question.
pub(crate) fn unreachable(net: &Network, ctx: &Ctx<'_>, limits: &Limits, t0: Instant) -> Result<Found, FixError> {
    let mut found = Found::default();
    let mut patched = net.clone();
    loop {
        let ix = NetworkIndex::new(&patched);
        let r = crate::query::engine::run(&patched, &ix, ctx.spec)?;
        let v = r.verdict;
        match v.verdict {
            VerdictKind::Unreachable => {
                found.complete = true;
                return Ok(found);
            }
            VerdictKind::Unknown => {
                let why = v.unknown.first().map_or_else(
                    || "the answer is unknown".to_owned(),
                    |u| format!("`{}`: {}", u.id, u.reason),
                );
                found.unknown = Some(why);
                return Ok(found);
            }
            VerdictKind::Reachable => {}
        }
        let (Some(packet), Some(path)) = (v.packet, v.path) else {
            found.unknown = Some("the engine gave no witness to block".into());
            return Ok(found);
        };
        let start = path.first().map_or(sim::Start::Internet, |h| match h.kind {
            ComponentKind::NetworkInterface => sim::Start::Interface(NetworkInterfaceId::new(&h.id)),
            _ => sim::Start::Internet,
        });
        found.replays.push((start, packet));
        let gets = Blocked::new(
            path.last().map_or("", |h| h.id.as_str()),
            path.last().map_or(ComponentKind::Internet, |h| h.kind),
            None,
            "",
            format!("{packet} still gets through"),
            "",
        );
        if found.edits.len() >= limits.max_edits || t0.elapsed() > limits.time {
            found.bound_hit = true;
            found.remaining = vec![(gets, "not blocked within the bound".into())];
            return Ok(found);
        }
        found.rounds += 1;
        let mut cands = block_candidates(&patched, &path, &packet, ctx);
        if cands.is_empty() {
            found.remaining = vec![(
                gets,
                "no security group or network ACL on its path admits it by a rule an edit could change".into(),
            )];
            return Ok(found);
        }
        cands.sort_by(|a, b| a.breadth().total_cmp(&b.breadth()));
        // Look one edit ahead: the narrowest candidate that settles the question wins.
        let mut chosen = None;
        for c in cands.iter().take(8) {
            if t0.elapsed() > limits.time {
                break;
            }
            let p = c.apply(&patched);
            let ix = NetworkIndex::new(&p);
            if crate::query::engine::run(&p, &ix, ctx.spec)?.verdict.verdict == VerdictKind::Unreachable {
                chosen = Some(c.clone());
                break;
            }
        }
        let e = chosen.unwrap_or_else(|| cands[0].clone());
        e.apply_in_place(&mut patched);
        found.edits.push(e);
    }
}

/// How far an edit gets the cell's example (FIX-9): 0 delivered (and back), 1 dropped at a
/// filter (which a later edit can open), 2 dropped elsewhere than before (or its fate no longer
/// settled by the input), `None` dropped where it was: no progress.
pub(crate) fn progress(work: &Network, c: &DropCell, ctx: &Ctx<'_>, e: &Edit) -> Option<u8> {
    let p = e.apply(work);
    let ix = NetworkIndex::new(&p);
    let t = sim::trace_to_targets(
        &p,
        &ix,
        sim_start(&c.start),
        c.example,
        ctx.one_way,
        ctx.to.lb_targets.as_deref(),
    );
    match t.status() {
        sim::Status::Reachable => Some(0),
        // Its fate now depends on a construct the input does not settle: the next round says so.
        sim::Status::Unknown { .. } => Some(2),
        sim::Status::Unreachable(b)
            if b.id == c.blocked.id && b.rule == c.blocked.rule && b.direction == c.blocked.direction =>
        {
            None
        }
        sim::Status::Unreachable(b) if matches!(b.kind, ComponentKind::NetworkAcl | ComponentKind::SecurityGroup) => {
            Some(1)
        }
        sim::Status::Unreachable(_) => Some(2),
    }
}

/// The alternative the greedy search takes for a cell: at a filter, the first (narrowest) one
/// that makes progress; elsewhere (routes), the one that gets furthest, then the first.
fn choose(work: &Network, c: &DropCell, ctx: &Ctx<'_>, alternatives: Vec<Edit>) -> Option<Edit> {
    let at_filter = matches!(c.blocked.kind, ComponentKind::NetworkAcl | ComponentKind::SecurityGroup);
    if alternatives.len() == 1 && at_filter {
        return alternatives.into_iter().next();
    }
    let first = alternatives.first().cloned();
    let mut best: Option<(u8, Edit)> = None;
    for e in alternatives {
        let Some(score) = progress(work, c, ctx, &e) else {
            continue;
        };
        if at_filter {
            return Some(e);
        }
        if best.as_ref().is_none_or(|(b, _)| score < *b) {
            best = Some((score, e));
        }
    }
    // At a filter, the narrowest edit even when the simulator sees no progress for this example
    // (another drop of the same filter may hide it): the next round asks again.
    best.map(|(_, e)| e).or(if at_filter { first } else { None })
}

/// Edits that add to the same filter, direction, protocol and ports, merged into one (the
/// lowest rule number, the smallest block holding all their blocks of one family).
pub(crate) fn merge(edits: Vec<Edit>) -> Vec<Edit> {
    let mut out: Vec<Edit> = Vec::new();
    for e in edits {
        let mut merged = false;
        for x in &mut out {
            match (&mut *x, &e) {
                (Edit::AddAclEntry { acl: a, entry: x }, Edit::AddAclEntry { acl: b, entry: y })
                    if a == b
                        && x.direction == y.direction
                        && x.action == y.action
                        && x.protocol == y.protocol
                        && x.l4 == y.l4
                        && x.cidr.family() == y.cidr.family() =>
                {
                    x.cidr = union_block(&x.cidr, &y.cidr);
                    if y.rule_number < x.rule_number {
                        x.rule_number = y.rule_number;
                        x.provenance = y.provenance.clone();
                    }
                    merged = true;
                }
                (
                    Edit::AddSgRule {
                        group: a,
                        direction: d,
                        rule: x,
                    },
                    Edit::AddSgRule {
                        group: b,
                        direction: f,
                        rule: y,
                    },
                ) if a == b && d == f && x.protocol == y.protocol && x.l4 == y.l4 => {
                    if let (SecurityGroupPeer::Cidr { cidr: p }, SecurityGroupPeer::Cidr { cidr: q }) =
                        (&mut x.peer, &y.peer)
                        && p.family() == q.family()
                    {
                        *p = union_block(p, q);
                        merged = true;
                    }
                }
                _ => {}
            }
            if merged {
                break;
            }
        }
        if !merged {
            out.push(e);
        }
    }
    out
}

/// The smallest block holding two blocks of one family.
fn union_block(a: &Cidr, b: &Cidr) -> Cidr {
    let lo = ip_to_u128(&a.first()).min(ip_to_u128(&b.first()));
    let hi = ip_to_u128(&a.last()).max(ip_to_u128(&b.last()));
    covering(a.family(), lo, hi)
}

/// Two edits that change the same rule the same way (an ACL entry differing only in its number).
fn same_effect(a: &Edit, b: &Edit) -> bool {
    match (a, b) {
        (Edit::AddAclEntry { acl: x, entry: e }, Edit::AddAclEntry { acl: y, entry: f }) => {
            x == y
                && e.direction == f.direction
                && e.action == f.action
                && e.protocol == f.protocol
                && e.l4 == f.l4
                && e.cidr.contains_cidr(&f.cidr)
        }
        _ => a == b,
    }
}

/// The edits that could let the cell's packets past their first drop, preferred first (FIX-4,
/// FIX-9, FIX-10, FIX-12): at a filter, an ACL entry or a security group rule admitting exactly
/// the cell's protocol, ports and remote addresses as the filter sees them, then the deny entry
/// removed or narrowed, then the subnet moved to another ACL; at a route table (or an internet
/// gateway the winning route leads to in vain), the route alternatives of [`super::route`].
/// `work` is the network with this round's edits so far (rule numbers).
pub(crate) fn cell_edits(
    net: &Network,
    ix: &NetworkIndex,
    work: &Network,
    c: &DropCell,
    ctx: &Ctx<'_>,
) -> Result<Vec<Edit>, String> {
    let t = sim::trace_to_targets(
        net,
        ix,
        sim_start(&c.start),
        c.example,
        ctx.one_way,
        ctx.to.lb_targets.as_deref(),
    );
    let (leg, reply) = match (&t.request.outcome, &t.reply) {
        (sim::LegOutcome::Dropped { .. }, _) => (&t.request, false),
        (_, Some(r)) if matches!(r.outcome, sim::LegOutcome::Dropped { .. }) => (r, true),
        _ => {
            return Err(match t.status() {
                sim::Status::Unknown { component, reason } => {
                    format!(
                        "{UNKNOWN_MARK}the fate of {} depends on `{component}`: {reason}",
                        c.example
                    )
                }
                sim::Status::Unreachable(b) => format!(
                    "the simulator drops {} at `{}` (rule {}), not where the drop map says",
                    c.example, b.id, b.rule
                ),
                sim::Status::Reachable => format!(
                    "the simulator delivers {}, which the drop map says is dropped (an inconsistency between the two interpreters; please report it)",
                    c.example
                ),
            });
        }
    };
    let sim::LegOutcome::Dropped { blocked } = &leg.outcome else {
        return Err("no drop".into());
    };
    let (Some(pd), Some(direction)) = (leg.at_drop, blocked.direction) else {
        let alternatives = routing_edits(net, ix, blocked, reply, c, ctx);
        if alternatives.is_empty() {
            return Err(format!(
                "`{}` drops it ({}, rule {}): no route, association, ACL or security group edit of the VPC lets it past (FIX-1)",
                blocked.id, blocked.reason, blocked.rule
            ));
        }
        return Ok(alternatives);
    };
    // FIX-4: the remote address as the filter sees it, and the question's range of it when no
    // translation changed it on the way.
    let (remote, original, range, end) = match (reply, direction) {
        (false, Direction::Inbound) => (pd.src_ip, c.example.src_ip, c.class.src, &ctx.from),
        (false, Direction::Outbound) => (pd.dst_ip, c.example.dst_ip, c.class.dst, &ctx.to),
        (true, Direction::Inbound) => (pd.src_ip, c.example.dst_ip, c.class.dst, &ctx.to),
        (true, Direction::Outbound) => (pd.dst_ip, c.example.src_ip, c.class.src, &ctx.from),
    };
    let cidr = if remote == original {
        cover(net, end, range, remote)
    } else {
        Cidr::host(remote)
    };
    let single = c.class.protocols.0 == c.class.protocols.1;
    let protocol = if single {
        Protocol::Number(pd.protocol)
    } else {
        Protocol::All
    };
    let cut = |(lo, hi): (u16, u16), q: PortRange| PortRange::new(lo.max(q.from()), hi.min(q.to()));
    let l4 = if !single {
        L4Match::Any
    } else if pd.has_ports() {
        let r = if !reply && pd.dst_port == c.example.dst_port {
            cut(c.class.dst_ports, ctx.spec.port.unwrap_or(PortRange::ALL))
        } else if reply && pd.dst_port == c.example.src_port {
            cut(c.class.src_ports, ctx.spec.src_port.unwrap_or(PortRange::EPHEMERAL))
        } else if reply {
            // A NAT gateway remapped the client's port: any ephemeral port may come back.
            Some(PortRange::EPHEMERAL)
        } else {
            Some(PortRange::single(pd.dst_port))
        };
        L4Match::Ports(r.unwrap_or(PortRange::single(pd.dst_port)))
    } else if pd.is_icmp() {
        let one = reply || c.class.icmp_types.0 == c.class.icmp_types.1;
        L4Match::Icmp {
            icmp_type: one.then_some(pd.icmp_type),
            icmp_code: None,
        }
    } else {
        L4Match::Any
    };
    let note = Provenance::resource("vpcverify fix", &blocked.id);
    match blocked.kind {
        ComponentKind::NetworkAcl => {
            let id = NetworkAclId::new(&blocked.id);
            let Some(acl) = work.network_acls.get(&id) else {
                return Err(format!("network ACL `{id}` is not in the input"));
            };
            let before = blocked.rule.parse::<u16>().unwrap_or(NACL_DEFAULT_RULE_NUMBER);
            let mut out = Vec::new();
            if let Some(n) = free_rule_number(acl, direction, before) {
                out.push(Edit::AddAclEntry {
                    acl: id.clone(),
                    entry: NetworkAclEntry {
                        rule_number: n,
                        direction,
                        action: RuleAction::Allow,
                        protocol,
                        l4,
                        cidr,
                        provenance: note.item(n.to_string()),
                    },
                });
            }
            let ports = match l4 {
                L4Match::Ports(r) => Some(r),
                _ => None,
            };
            out.extend(super::acl::entry_edits(
                net,
                &id,
                direction,
                &blocked.rule,
                RuleAction::Deny,
                ports,
            ));
            out.extend(super::route::associate_acl(net, ix, &id, &[&ctx.from, &ctx.to]));
            if out.is_empty() {
                return Err(format!(
                    "every rule number of `{id}` {direction} below {before} is taken and no entry or association can change instead: no entry can go before the one that drops it"
                ));
            }
            Ok(out)
        }
        ComponentKind::SecurityGroup => Ok(vec![Edit::AddSgRule {
            group: SecurityGroupId::new(&blocked.id),
            direction,
            rule: SecurityGroupRule {
                protocol,
                l4,
                peer: SecurityGroupPeer::Cidr { cidr },
                description: Some("vpcverify fix".into()),
                provenance: note,
            },
        }]),
        _ => Err(format!(
            "`{}` drops it ({}): not a filter a fix changes",
            blocked.id, blocked.reason
        )),
    }
}

/// FIX-9: the route alternatives for a drop that is not at a filter: at a route table (no route,
/// a blackhole, a target not available), or at an internet gateway the request reached by the
/// route that wins in the sender's table (e.g. a private address without a public one: the route
/// should lead to a NAT gateway).
fn routing_edits(
    net: &Network,
    ix: &NetworkIndex,
    blocked: &Blocked,
    reply: bool,
    c: &DropCell,
    ctx: &Ctx<'_>,
) -> Vec<Edit> {
    let (end, range, ip, sender) = if reply {
        (&ctx.from, c.class.src, c.example.src_ip, &ctx.to)
    } else {
        (&ctx.to, c.class.dst, c.example.dst_ip, &ctx.from)
    };
    match blocked.kind {
        ComponentKind::RouteTable => super::route::open_route(
            net,
            ix,
            &RouteTableId::new(&blocked.id),
            &blocked.rule,
            (end, range, ip),
            sender,
        ),
        ComponentKind::InternetGateway | ComponentKind::EgressOnlyInternetGateway if !reply => {
            let mut out = Vec::new();
            let mut tables: Vec<RouteTableId> = Vec::new();
            for i in &sender.interfaces {
                if let Some(t) = net.network_interfaces.get(i).and_then(|x| ix.route_table_of(&x.subnet))
                    && !tables.contains(t)
                {
                    tables.push(t.clone());
                }
            }
            for t in tables {
                let Some(table) = net.route_tables.get(&t) else {
                    continue;
                };
                let winner = table
                    .routes
                    .iter()
                    .filter_map(|r| match &r.destination {
                        RouteDestination::Cidr(d) if d.contains(&ip) => Some((d.prefix_len(), r)),
                        _ => None,
                    })
                    .max_by_key(|(len, _)| *len)
                    .map(|(_, r)| r.destination.to_string())
                    .unwrap_or_else(|| "none".into());
                out.extend(super::route::open_route(net, ix, &t, &winner, (end, range, ip), sender));
            }
            out
        }
        _ => Vec::new(),
    }
}

/// The smallest block holding the endpoint's addresses within `range` that are of the kind of
/// `example` (private addresses, or public ones), or the range itself for external endpoints.
pub(crate) fn cover(net: &Network, e: &Endpoint, (lo, hi): (IpAddr, IpAddr), example: IpAddr) -> Cidr {
    let family = IpFamily::of(&example);
    let (mut a, mut b) = (ip_to_u128(&lo), ip_to_u128(&hi));
    let within = |ip: &IpAddr| IpFamily::of(ip) == family && (a..=b).contains(&ip_to_u128(ip));
    let ifaces: Vec<&NetworkInterface> = e
        .interfaces
        .iter()
        .filter_map(|i| net.network_interfaces.get(i))
        .collect();
    let private: Vec<IpAddr> = ifaces
        .iter()
        .flat_map(|x| x.private_addresses())
        .filter(within)
        .collect();
    let public: Vec<IpAddr> = ifaces
        .iter()
        .flat_map(|x| x.public_addresses().map(IpAddr::V4))
        .filter(within)
        .collect();
    let own = if private.contains(&example) { private } else { public };
    if e.external.is_none() && own.contains(&example) {
        a = own.iter().map(ip_to_u128).min().unwrap_or(a);
        b = own.iter().map(ip_to_u128).max().unwrap_or(b);
    }
    if let Some(External::Block(c)) = &e.external {
        a = a.max(ip_to_u128(&c.first()));
        b = b.min(ip_to_u128(&c.last()));
    }
    if let Some(f) = &e.address_filter {
        a = a.max(ip_to_u128(&f.first()));
        b = b.min(ip_to_u128(&f.last()));
    }
    if a > b {
        return Cidr::host(example);
    }
    covering(family, a, b)
}

/// The smallest CIDR block holding `a..=b`.
pub(crate) fn covering(family: IpFamily, a: u128, b: u128) -> Cidr {
    let bits = u32::from(family.bits());
    let host_bits = (128 - (a ^ b).leading_zeros()).min(bits);
    let mask = if host_bits >= 128 {
        u128::MAX
    } else {
        (1u128 << host_bits) - 1
    };
    let base = a & !mask;
    let prefix = (bits - host_bits) as u8;
    let net = ipnet::IpNet::new(ip_from_u128(family, base), prefix).unwrap_or_else(|_| match family {
        IpFamily::V4 => ipnet::IpNet::V4(ipnet::Ipv4Net::default()),
        IpFamily::V6 => ipnet::IpNet::V6(ipnet::Ipv6Net::default()),
    });
    Cidr::new(net)
}

/// Edits that would stop the witness at a filter on its request path (FIX-5): a deny entry of
/// the whole question before the ACL entry that admits it, or the security group rule that
/// admits it removed or narrowed to the ports outside the question.
pub(crate) fn block_candidates(net: &Network, path: &[Hop], packet: &Packet, ctx: &Ctx<'_>) -> Vec<Edit> {
    let mut out = Vec::new();
    let ix = NetworkIndex::new(net);
    let protocol = match ctx.spec.protocol {
        ProtocolChoice::All => Protocol::All,
        ProtocolChoice::One(n) => Protocol::Number(n),
    };
    let q_ports = ctx.spec.port.unwrap_or(PortRange::ALL);
    let l4 = match protocol {
        Protocol::Number(n) if proto::has_ports(n) => L4Match::Ports(q_ports),
        Protocol::Number(n) if proto::is_icmp(n) => L4Match::Icmp {
            icmp_type: None,
            icmp_code: None,
        },
        _ => L4Match::Any,
    };
    let full = |f: IpFamily| match f {
        IpFamily::V4 => (ip_from_u128(f, 0), ip_from_u128(f, u128::from(u32::MAX))),
        IpFamily::V6 => (ip_from_u128(f, 0), ip_from_u128(f, u128::MAX)),
    };
    let family = IpFamily::of(&packet.src_ip);
    let mut translated = false;
    for h in path {
        if matches!(h.kind, ComponentKind::NatGateway) || h.rule.as_deref().is_some_and(|r| r.starts_with("NI-")) {
            translated = true;
        }
        match (h.kind, h.direction, h.rule.as_deref()) {
            (ComponentKind::NetworkAcl, Some(d), Some(rule)) if !translated => {
                let Ok(n) = rule.parse::<u16>() else { continue };
                let id = NetworkAclId::new(&h.id);
                let Some(acl) = net.network_acls.get(&id) else { continue };
                if let Some(k) = free_rule_number(acl, d, n) {
                    let cidr = match d {
                        Direction::Inbound => cover(net, &ctx.from, full(family), packet.src_ip),
                        Direction::Outbound => cover(net, &ctx.to, full(family), packet.dst_ip),
                    };
                    out.push(Edit::AddAclEntry {
                        acl: id.clone(),
                        entry: NetworkAclEntry {
                            rule_number: k,
                            direction: d,
                            action: RuleAction::Deny,
                            protocol,
                            l4,
                            cidr,
                            provenance: Provenance::resource("vpcverify fix", &h.id).item(k.to_string()),
                        },
                    });
                }
                // After the deny (first on a tie of breadth; the sort is stable), FIX-12 and
                // FIX-10: the allow that admits it removed or narrowed; the subnet moved to
                // another ACL of its VPC.
                let ports = match l4 {
                    L4Match::Ports(r) if ctx.spec.port.is_some() => Some(r),
                    _ => None,
                };
                out.extend(super::acl::entry_edits(net, &id, d, rule, RuleAction::Allow, ports));
                out.extend(super::route::associate_acl(net, &ix, &id, &[&ctx.from, &ctx.to]));
            }
            (ComponentKind::RouteTable, _, Some(label)) if !translated => {
                // FIX-11: the route it took removed, or the subnet moved to another table.
                out.extend(super::route::close_route(
                    net,
                    &ix,
                    &RouteTableId::new(&h.id),
                    label,
                    &ctx.from,
                ));
            }
            (ComponentKind::SecurityGroup, Some(d), Some(label)) => {
                let group = SecurityGroupId::new(&h.id);
                let Some(g) = net.security_groups.get(&group) else {
                    continue;
                };
                let rules = match d {
                    Direction::Inbound => &g.ingress,
                    Direction::Outbound => &g.egress,
                };
                let Some(rule) = rules.iter().find(|r| r.label(d) == label) else {
                    continue;
                };
                out.push(Edit::RemoveSgRule {
                    group: group.clone(),
                    direction: d,
                    rule: rule.clone(),
                });
                if let (L4Match::Ports(r), Some(q)) = (rule.l4, ctx.spec.port)
                    && q.from() >= r.from()
                    && q.to() <= r.to()
                    && (q.from(), q.to()) != (r.from(), r.to())
                    && rule.protocol == protocol
                {
                    let mut into = Vec::new();
                    if q.from() > r.from()
                        && let Some(lo) = PortRange::new(r.from(), q.from() - 1)
                    {
                        into.push(SecurityGroupRule {
                            l4: L4Match::Ports(lo),
                            ..rule.clone()
                        });
                    }
                    if q.to() < r.to()
                        && let Some(hi) = PortRange::new(q.to() + 1, r.to())
                    {
                        into.push(SecurityGroupRule {
                            l4: L4Match::Ports(hi),
                            ..rule.clone()
                        });
                    }
                    out.push(Edit::NarrowSgRule {
                        group,
                        direction: d,
                        rule: rule.clone(),
                        into,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_covering_block_is_the_smallest_holding_the_range() {
        let v4 = |a: &str| ip_to_u128(&a.parse::<IpAddr>().unwrap());
        let c = |a: &str, b: &str| covering(IpFamily::V4, v4(a), v4(b)).to_string();
        assert_eq!(c("10.20.1.10", "10.20.1.11"), "10.20.1.10/31");
        assert_eq!(c("10.0.2.140", "10.0.2.140"), "10.0.2.140/32");
        assert_eq!(c("10.0.1.0", "10.0.2.255"), "10.0.0.0/22");
        assert_eq!(c("0.0.0.0", "255.255.255.255"), "0.0.0.0/0");
        let v6 = |a: &str| ip_to_u128(&a.parse::<IpAddr>().unwrap());
        assert_eq!(
            covering(IpFamily::V6, v6("2600:1f18::"), v6("2600:1f18::ff")).to_string(),
            "2600:1f18::/120"
        );
    }
}
