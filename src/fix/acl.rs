//! Network ACL entry removal and narrowing (FIX-12): for `--want reachable`, the user deny entry
//! that drops the packets removed, or narrowed to its ports outside the question's; for `--want
//! unreachable`, the user allow entry that admits them removed or narrowed the same way. The
//! default `*` entries are never touched (AWS does not let them be changed). Candidates are only
//! proposals: the search tries each, and the proof decides.
//!
//! Owns: those candidates. Must not touch: z3, the walks, printing.

use super::edit::Edit;
use crate::model::*;

/// The user entry of `acl` numbered `rule` in `direction` with `action`, if any.
fn user_entry<'a>(
    net: &'a Network,
    acl: &NetworkAclId,
    direction: Direction,
    rule: &str,
    action: RuleAction,
) -> Option<&'a NetworkAclEntry> {
    let n = rule.parse::<u16>().ok().filter(|n| *n < NACL_DEFAULT_RULE_NUMBER)?;
    net.network_acls
        .get(acl)?
        .entries
        .iter()
        .find(|e| e.rule_number == n && e.direction == direction && e.action == action && !e.provenance.implicit)
}

/// The entry `rule` of `acl` (deny for `--want reachable`, allow for `--want unreachable`)
/// removed, and narrowed to its ports outside `ports` when they strictly contain them.
pub(crate) fn entry_edits(
    net: &Network,
    acl: &NetworkAclId,
    direction: Direction,
    rule: &str,
    action: RuleAction,
    ports: Option<PortRange>,
) -> Vec<Edit> {
    let Some(entry) = user_entry(net, acl, direction, rule, action) else {
        return Vec::new();
    };
    // Narrowed first: it removes less (FIX-2).
    let mut out = Vec::new();
    if let Some(into) = ports.and_then(|q| narrowed(entry, q, net.network_acls.get(acl)))
        && !into.is_empty()
    {
        out.push(Edit::NarrowAclEntry {
            acl: acl.clone(),
            entry: entry.clone(),
            into,
        });
    }
    out.push(Edit::RemoveAclEntry {
        acl: acl.clone(),
        entry: entry.clone(),
    });
    out
}

/// The entry's ports minus `q` (which they must strictly contain): the lower part keeps the
/// entry's number, the upper part takes a free number next to it (no entry of the direction can
/// lie between them, so the order of evaluation is kept); `None` when no such number is free.
fn narrowed(entry: &NetworkAclEntry, q: PortRange, acl: Option<&NetworkAcl>) -> Option<Vec<NetworkAclEntry>> {
    let L4Match::Ports(r) = entry.l4 else { return None };
    if q.from() < r.from() || q.to() > r.to() || (q.from(), q.to()) == (r.from(), r.to()) {
        return None;
    }
    let parts: Vec<PortRange> = [
        (q.from() > r.from())
            .then(|| PortRange::new(r.from(), q.from() - 1))
            .flatten(),
        (q.to() < r.to()).then(|| PortRange::new(q.to() + 1, r.to())).flatten(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let used = |n: u16| {
        acl.is_some_and(|a| {
            a.entries
                .iter()
                .any(|e| e.direction == entry.direction && e.rule_number == n)
        })
    };
    let mut out = Vec::new();
    for (i, p) in parts.into_iter().enumerate() {
        let number = if i == 0 {
            entry.rule_number
        } else {
            let n = entry.rule_number;
            [n.checked_add(1), n.checked_sub(1)]
                .into_iter()
                .flatten()
                .find(|k| *k >= 1 && *k < NACL_DEFAULT_RULE_NUMBER && !used(*k))?
        };
        out.push(NetworkAclEntry {
            rule_number: number,
            l4: L4Match::Ports(p),
            provenance: entry.provenance.clone().item(number.to_string()),
            ..entry.clone()
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: u16, action: RuleAction, ports: PortRange) -> NetworkAclEntry {
        NetworkAclEntry {
            rule_number: n,
            direction: Direction::Inbound,
            action,
            protocol: Protocol::TCP,
            l4: L4Match::Ports(ports),
            cidr: Cidr::any_v4(),
            provenance: Provenance::resource("x.toml", "acl-x").item(n.to_string()),
        }
    }

    fn net(entries: Vec<NetworkAclEntry>) -> Network {
        let mut net = Network::default();
        net.network_acls.insert(
            NetworkAclId::new("acl-x"),
            NetworkAcl {
                id: NetworkAclId::new("acl-x"),
                vpc: VpcId::new("vpc-x"),
                is_default: false,
                subnets: vec![],
                entries,
                tags: Tags::new(),
                provenance: Provenance::default(),
            },
        );
        net
    }

    #[test]
    fn a_deny_is_removed_or_narrowed_around_the_question() {
        let all = PortRange::new(1, 65535).unwrap();
        let n = net(vec![
            entry(100, RuleAction::Deny, all),
            entry(200, RuleAction::Allow, all),
        ]);
        let id = NetworkAclId::new("acl-x");
        let e = entry_edits(
            &n,
            &id,
            Direction::Inbound,
            "100",
            RuleAction::Deny,
            Some(PortRange::single(443)),
        );
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(matches!(&e[1], Edit::RemoveAclEntry { entry, .. } if entry.rule_number == 100));
        let Edit::NarrowAclEntry { into, .. } = &e[0] else {
            panic!("{e:?}")
        };
        let got: Vec<(u16, L4Match)> = into.iter().map(|x| (x.rule_number, x.l4)).collect();
        assert_eq!(
            got,
            vec![
                (100, L4Match::Ports(PortRange::new(1, 442).unwrap())),
                (101, L4Match::Ports(PortRange::new(444, 65535).unwrap()))
            ]
        );
        // Narrowed, the patched ACL admits 443 at 200 and still denies 22 at 100.
        let p = e[0].apply(&n);
        let a = &p.network_acls[&id];
        assert_eq!(a.entries.len(), 3);
        // The default entry and an allow are not removed as a deny.
        assert!(entry_edits(&n, &id, Direction::Inbound, "200", RuleAction::Deny, None).is_empty());
        assert!(entry_edits(&n, &id, Direction::Inbound, "*", RuleAction::Deny, None).is_empty());
    }
}
