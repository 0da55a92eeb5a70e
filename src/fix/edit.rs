//! Edits as data (FIX-1): the changes a fix may make to the configuration the input already
//! has, each applied to a copy of the network ([`Edit::apply`]), with its breadth (FIX-2) and a
//! sentence for people.
//!
//! Owns: the edit kinds and their effect on the model. Must not touch: z3, the walks, printing
//! in a language of the input (`explain::fix` writes AWS CLI commands, Terraform and TOML).

use crate::model::*;

/// One change to the network's configuration.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// A new network ACL entry (allow or deny) at a rule number no entry of its direction uses.
    AddAclEntry {
        /// The ACL.
        acl: NetworkAclId,
        /// The entry.
        entry: NetworkAclEntry,
    },
    /// A security group rule added to a group.
    AddSgRule {
        /// The group.
        group: SecurityGroupId,
        /// Inbound or outbound.
        direction: Direction,
        /// The rule.
        rule: SecurityGroupRule,
    },
    /// A security group rule removed.
    RemoveSgRule {
        /// The group.
        group: SecurityGroupId,
        /// Inbound or outbound.
        direction: Direction,
        /// The rule as it is.
        rule: SecurityGroupRule,
    },
    /// A security group rule replaced by narrower ones (its ports minus those of the question).
    NarrowSgRule {
        /// The group.
        group: SecurityGroupId,
        /// Inbound or outbound.
        direction: Direction,
        /// The rule as it is.
        rule: SecurityGroupRule,
        /// What replaces it (possibly nothing but one or two port ranges).
        into: Vec<SecurityGroupRule>,
    },
    /// A network ACL entry removed (FIX-1).
    RemoveAclEntry {
        /// The ACL.
        acl: NetworkAclId,
        /// The entry as it is.
        entry: NetworkAclEntry,
    },
    /// A network ACL entry narrowed: its ports minus the question's. The first replacement keeps
    /// the entry's number (`replace-network-acl-entry`); a second one takes a free number with
    /// no entry of its direction between it and the first, so the order of evaluation is kept.
    NarrowAclEntry {
        /// The ACL.
        acl: NetworkAclId,
        /// The entry as it is.
        entry: NetworkAclEntry,
        /// What replaces it (one or two port ranges).
        into: Vec<NetworkAclEntry>,
    },
    /// A route added to a table (its destination has no route of its own there).
    AddRoute {
        /// The table.
        table: RouteTableId,
        /// The route.
        route: Route,
    },
    /// The target of an existing route replaced (`replace-route`): a route whose target cannot
    /// carry the packets (a blackhole, or a gateway that does not lead there).
    ReplaceRoute {
        /// The table.
        table: RouteTableId,
        /// The route as it is.
        route: Route,
        /// Its new target.
        target: RouteTarget,
    },
    /// A route removed from a table.
    RemoveRoute {
        /// The table.
        table: RouteTableId,
        /// The route as it is.
        route: Route,
    },
    /// A subnet associated with another route table of its VPC.
    AssociateRouteTable {
        /// The subnet.
        subnet: SubnetId,
        /// The table it uses today.
        from: RouteTableId,
        /// True when `from` is the subnet's explicit association (not the main table by default).
        explicit: bool,
        /// The table it will use.
        to: RouteTableId,
    },
    /// A subnet associated with another network ACL of its VPC.
    AssociateNetworkAcl {
        /// The subnet.
        subnet: SubnetId,
        /// The ACL it uses today.
        from: NetworkAclId,
        /// The ACL it will use.
        to: NetworkAclId,
    },
}

impl Edit {
    /// The component the edit changes.
    pub fn component(&self) -> &str {
        match self {
            Edit::AddAclEntry { acl, .. } => acl.as_str(),
            Edit::AddSgRule { group, .. } | Edit::RemoveSgRule { group, .. } | Edit::NarrowSgRule { group, .. } => {
                group.as_str()
            }
            Edit::RemoveAclEntry { acl, .. } | Edit::NarrowAclEntry { acl, .. } => acl.as_str(),
            Edit::AddRoute { table, .. } | Edit::ReplaceRoute { table, .. } | Edit::RemoveRoute { table, .. } => {
                table.as_str()
            }
            Edit::AssociateRouteTable { subnet, .. } | Edit::AssociateNetworkAcl { subnet, .. } => subnet.as_str(),
        }
    }

    /// The network with this edit made. An edit whose component is not in the network changes
    /// nothing (the search only proposes edits to components it found there).
    pub fn apply(&self, net: &Network) -> Network {
        let mut out = net.clone();
        self.apply_in_place(&mut out);
        out
    }

    /// Makes the edit in `net`.
    pub fn apply_in_place(&self, net: &mut Network) {
        match self {
            Edit::AddAclEntry { acl, entry } => {
                if let Some(a) = net.network_acls.get_mut(acl) {
                    a.entries.push(entry.clone());
                }
            }
            Edit::AddSgRule { group, direction, rule } => {
                if let Some(g) = net.security_groups.get_mut(group) {
                    rules_mut(g, *direction).push(rule.clone());
                }
            }
            Edit::RemoveSgRule { group, direction, rule } => {
                if let Some(g) = net.security_groups.get_mut(group) {
                    rules_mut(g, *direction).retain(|r| r != rule);
                }
            }
            Edit::NarrowSgRule {
                group,
                direction,
                rule,
                into,
            } => {
                if let Some(g) = net.security_groups.get_mut(group) {
                    let rules = rules_mut(g, *direction);
                    if let Some(i) = rules.iter().position(|r| r == rule) {
                        rules.remove(i);
                        for (k, r) in into.iter().enumerate() {
                            rules.insert(i + k, r.clone());
                        }
                    }
                }
            }
            Edit::RemoveAclEntry { acl, entry } => {
                if let Some(a) = net.network_acls.get_mut(acl) {
                    a.entries.retain(|e| !same_entry(e, entry));
                }
            }
            Edit::NarrowAclEntry { acl, entry, into } => {
                if let Some(a) = net.network_acls.get_mut(acl)
                    && let Some(i) = a.entries.iter().position(|e| same_entry(e, entry))
                {
                    a.entries.remove(i);
                    for (k, e) in into.iter().enumerate() {
                        a.entries.insert(i + k, e.clone());
                    }
                }
            }
            Edit::AddRoute { table, route } => {
                if let Some(t) = net.route_tables.get_mut(table) {
                    t.routes.push(route.clone());
                }
            }
            Edit::ReplaceRoute { table, route, target } => {
                if let Some(t) = net.route_tables.get_mut(table)
                    && let Some(r) = t.routes.iter_mut().find(|r| *r == route)
                {
                    r.target = target.clone();
                    r.state = RouteState::Active;
                    r.origin = RouteOrigin::CreateRoute;
                }
            }
            Edit::RemoveRoute { table, route } => {
                if let Some(t) = net.route_tables.get_mut(table) {
                    t.routes.retain(|r| r != route);
                }
            }
            Edit::AssociateRouteTable { subnet, to, .. } => {
                if net.route_tables.contains_key(to) {
                    for t in net.route_tables.values_mut() {
                        t.subnets.retain(|s| s != subnet);
                    }
                    if let Some(t) = net.route_tables.get_mut(to) {
                        t.subnets.push(subnet.clone());
                    }
                }
            }
            Edit::AssociateNetworkAcl { subnet, to, .. } => {
                if net.network_acls.contains_key(to) {
                    for a in net.network_acls.values_mut() {
                        a.subnets.retain(|s| s != subnet);
                    }
                    if let Some(a) = net.network_acls.get_mut(to) {
                        a.subnets.push(subnet.clone());
                    }
                }
            }
        }
    }

    /// FIX-2: the breadth of the edit, log2 of the size of the header box whose fate it can
    /// change at its filter (addresses × ports × protocols). Smaller is narrower.
    pub fn breadth(&self) -> f64 {
        match self {
            Edit::AddAclEntry { entry, .. } => box_bits(entry.protocol, &entry.l4, &entry.cidr),
            Edit::AddSgRule { rule, .. } | Edit::RemoveSgRule { rule, .. } => rule_bits(rule),
            Edit::NarrowSgRule { rule, into, .. } => {
                let before = 2f64.powf(rule_bits(rule));
                let after: f64 = into.iter().map(|r| 2f64.powf(rule_bits(r))).sum();
                (before - after).max(1.0).log2()
            }
            Edit::RemoveAclEntry { entry, .. } => box_bits(entry.protocol, &entry.l4, &entry.cidr),
            Edit::NarrowAclEntry { entry, into, .. } => {
                let before = 2f64.powf(box_bits(entry.protocol, &entry.l4, &entry.cidr));
                let after: f64 = into
                    .iter()
                    .map(|e| 2f64.powf(box_bits(e.protocol, &e.l4, &e.cidr)))
                    .sum();
                (before - after).max(1.0).log2()
            }
            // A route or an association changes the fate of every protocol and port: 8 + 16 bits
            // over its addresses (the route's destination, the subnet's block).
            Edit::AddRoute { route, .. } | Edit::ReplaceRoute { route, .. } | Edit::RemoveRoute { route, .. } => {
                match &route.destination {
                    RouteDestination::Cidr(c) => box_bits(Protocol::All, &L4Match::Any, c),
                    RouteDestination::PrefixList(_) => 24.0 + 8.0,
                }
            }
            Edit::AssociateRouteTable { .. } | Edit::AssociateNetworkAcl { .. } => {
                // Wider than any route or entry of a /0: the whole subnet's traffic, both ways.
                32.0 + 24.0 + 1.0
            }
        }
    }

    /// The kind as reported (`add-acl-entry`, `add-route`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            Edit::AddAclEntry { .. } => "add-acl-entry",
            Edit::AddSgRule { .. } => "add-sg-rule",
            Edit::RemoveSgRule { .. } => "remove-sg-rule",
            Edit::NarrowSgRule { .. } => "narrow-sg-rule",
            Edit::RemoveAclEntry { .. } => "remove-acl-entry",
            Edit::NarrowAclEntry { .. } => "narrow-acl-entry",
            Edit::AddRoute { .. } => "add-route",
            Edit::ReplaceRoute { .. } => "replace-route",
            Edit::RemoveRoute { .. } => "remove-route",
            Edit::AssociateRouteTable { .. } => "associate-route-table",
            Edit::AssociateNetworkAcl { .. } => "associate-network-acl",
        }
    }

    /// A sentence for a network engineer.
    pub fn text(&self, net: &Network) -> String {
        match self {
            Edit::AddAclEntry { acl, entry } => {
                let word = super::language::action_word(entry.action);
                let on = acl_subnets(net, acl);
                format!(
                    "add {} {word} entry {} to network ACL `{acl}`{on}: {}",
                    entry.direction,
                    entry.rule_number,
                    entry.label()
                )
            }
            Edit::AddSgRule { group, direction, rule } => {
                format!(
                    "add {direction} rule to security group `{group}`: {}",
                    rule.label(*direction)
                )
            }
            Edit::RemoveSgRule { group, direction, rule } => {
                format!(
                    "remove {direction} rule of security group `{group}`: {}",
                    rule.label(*direction)
                )
            }
            Edit::NarrowSgRule {
                group,
                direction,
                rule,
                into,
            } => {
                let now = into.iter().map(|r| r.label(*direction)).collect::<Vec<_>>().join("; ");
                format!(
                    "narrow {direction} rule of security group `{group}` {} to {}",
                    rule.label(*direction),
                    if now.is_empty() { "nothing".to_owned() } else { now }
                )
            }
            Edit::RemoveAclEntry { acl, entry } => format!(
                "remove {} entry {} of network ACL `{acl}`{}",
                entry.direction,
                entry.label(),
                acl_subnets(net, acl)
            ),
            Edit::NarrowAclEntry { acl, entry, into } => {
                let now = into.iter().map(NetworkAclEntry::label).collect::<Vec<_>>().join("; ");
                format!(
                    "narrow {} entry {} of network ACL `{acl}`{} to {now}",
                    entry.direction,
                    entry.label(),
                    acl_subnets(net, acl)
                )
            }
            Edit::AddRoute { table, route } => format!(
                "add route {} -> {} to route table `{table}`{}",
                route.destination,
                route.target.id(),
                table_subnets(net, table)
            ),
            Edit::ReplaceRoute { table, route, target } => format!(
                "replace the target of route {} -> {} in route table `{table}`{} by {}",
                route.destination,
                route.target.id(),
                table_subnets(net, table),
                target.id()
            ),
            Edit::RemoveRoute { table, route } => format!(
                "remove route {} -> {} from route table `{table}`{}",
                route.destination,
                route.target.id(),
                table_subnets(net, table)
            ),
            Edit::AssociateRouteTable { subnet, from, to, .. } => {
                format!("associate subnet `{subnet}` with route table `{to}` (instead of `{from}`)")
            }
            Edit::AssociateNetworkAcl { subnet, from, to } => {
                format!("associate subnet `{subnet}` with network ACL `{to}` (instead of `{from}`)")
            }
        }
    }
}

/// The same ACL entry: its number and direction (unique in an ACL).
fn same_entry(a: &NetworkAclEntry, b: &NetworkAclEntry) -> bool {
    a.rule_number == b.rule_number && a.direction == b.direction
}

/// ` (used by `subnet-a`, …)`: the subnets a route table routes, explicit associations only
/// (the main table also routes every subnet without one).
fn table_subnets(net: &Network, table: &RouteTableId) -> String {
    let Some(t) = net.route_tables.get(table) else {
        return String::new();
    };
    let mut subnets: Vec<String> = t.subnets.iter().map(|s| format!("`{s}`")).collect();
    if t.main {
        subnets.push("every subnet without an association".into());
    }
    if subnets.is_empty() {
        String::new()
    } else {
        format!(" (used by {})", subnets.join(", "))
    }
}

/// Every edit of a fix made, in order.
pub fn apply_all(net: &Network, edits: &[Edit]) -> Network {
    let mut out = net.clone();
    for e in edits {
        e.apply_in_place(&mut out);
    }
    out
}

/// ` (on `subnet-a`, `subnet-b`)`, or nothing for an ACL without subnets.
fn acl_subnets(net: &Network, acl: &NetworkAclId) -> String {
    let subnets: Vec<String> = net
        .network_acls
        .get(acl)
        .map(|a| a.subnets.iter().map(|s| format!("`{s}`")).collect())
        .unwrap_or_default();
    if subnets.is_empty() {
        String::new()
    } else {
        format!(" (on {})", subnets.join(", "))
    }
}

fn rules_mut(g: &mut SecurityGroup, direction: Direction) -> &mut Vec<SecurityGroupRule> {
    match direction {
        Direction::Inbound => &mut g.ingress,
        Direction::Outbound => &mut g.egress,
    }
}

fn rule_bits(r: &SecurityGroupRule) -> f64 {
    match &r.peer {
        SecurityGroupPeer::Cidr { cidr } => box_bits(r.protocol, &r.l4, cidr),
        // A prefix list or a group: counted as a /24 (their sizes are not known here).
        _ => box_bits(
            r.protocol,
            &r.l4,
            &Cidr::parse("0.0.0.0/24").unwrap_or_else(|_| Cidr::any_v4()),
        ),
    }
}

fn box_bits(protocol: Protocol, l4: &L4Match, cidr: &Cidr) -> f64 {
    let addr = f64::from(cidr.family().bits() - cidr.prefix_len());
    let proto = match protocol {
        Protocol::All => 8.0,
        Protocol::Number(_) => 0.0,
    };
    let l4 = match l4 {
        L4Match::Any => 16.0,
        L4Match::Ports(r) => f64::from(u32::from(r.to()) - u32::from(r.from()) + 1).log2(),
        L4Match::Icmp { icmp_type, icmp_code } => {
            (if icmp_type.is_some() { 0.0 } else { 8.0 }) + (if icmp_code.is_some() { 0.0 } else { 8.0 })
        }
    };
    addr + proto + l4
}

/// The rule number for a new entry of `acl` in `direction` that is evaluated before rule
/// `before` (FIX-3): the next multiple of 100 after the highest user entry below `before`
/// when that is free and below it, else the highest free multiple of 10 below `before`, else
/// the highest free number below it; `None` when every number below `before` is taken.
pub fn free_rule_number(acl: &NetworkAcl, direction: Direction, before: u16) -> Option<u16> {
    let used: std::collections::BTreeSet<u16> = acl
        .entries
        .iter()
        .filter(|e| e.direction == direction)
        .map(|e| e.rule_number)
        .collect();
    let below = |n: u16| n >= 1 && n < before && n < NACL_DEFAULT_RULE_NUMBER && !used.contains(&n);
    let top = used.iter().copied().filter(|n| *n < before).max().unwrap_or(0);
    let next = (top / 100 + 1).saturating_mul(100);
    if below(next) {
        return Some(next);
    }
    let start = before.saturating_sub(1).min(NACL_DEFAULT_RULE_NUMBER - 1);
    (1..=start)
        .rev()
        .find(|n| n % 10 == 0 && below(*n))
        .or_else(|| (1..=start).rev().find(|n| below(*n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acl(numbers: &[u16]) -> NetworkAcl {
        NetworkAcl {
            id: NetworkAclId::new("acl-x"),
            vpc: VpcId::new("vpc-x"),
            is_default: false,
            subnets: vec![],
            entries: numbers
                .iter()
                .map(|n| NetworkAclEntry {
                    rule_number: *n,
                    direction: Direction::Inbound,
                    action: RuleAction::Allow,
                    protocol: Protocol::TCP,
                    l4: L4Match::Ports(PortRange::single(80)),
                    cidr: Cidr::any_v4(),
                    provenance: Provenance::default(),
                })
                .collect(),
            tags: Tags::new(),
            provenance: Provenance::default(),
        }
    }

    #[test]
    fn rule_numbers_go_after_the_last_entry_and_before_the_blocking_one() {
        let a = acl(&[100, 200, 300]);
        assert_eq!(
            free_rule_number(&a, Direction::Inbound, NACL_DEFAULT_RULE_NUMBER),
            Some(400)
        );
        // Before a deny at 150: not 200 (taken, and after it); the highest free multiple of 10.
        assert_eq!(free_rule_number(&a, Direction::Inbound, 150), Some(140));
        assert_eq!(free_rule_number(&a, Direction::Inbound, 101), Some(90));
        assert_eq!(free_rule_number(&acl(&[1]), Direction::Inbound, 2), None);
        assert_eq!(free_rule_number(&acl(&[1]), Direction::Inbound, 3), Some(2));
        // The other direction's numbers do not collide.
        assert_eq!(
            free_rule_number(&a, Direction::Outbound, NACL_DEFAULT_RULE_NUMBER),
            Some(100)
        );
    }

    #[test]
    fn an_added_entry_is_in_the_patched_network_only() {
        let mut net = Network::default();
        net.network_acls.insert(NetworkAclId::new("acl-x"), acl(&[100]));
        let entry = NetworkAclEntry {
            rule_number: 400,
            direction: Direction::Inbound,
            action: RuleAction::Allow,
            protocol: Protocol::TCP,
            l4: L4Match::Ports(PortRange::EPHEMERAL),
            cidr: Cidr::any_v4(),
            provenance: Provenance::default(),
        };
        let e = Edit::AddAclEntry {
            acl: NetworkAclId::new("acl-x"),
            entry,
        };
        let patched = e.apply(&net);
        assert_eq!(patched.network_acls[&NetworkAclId::new("acl-x")].entries.len(), 2);
        assert_eq!(net.network_acls[&NetworkAclId::new("acl-x")].entries.len(), 1);
        assert!(
            e.text(&net).contains("400 TCP 1024-65535 0.0.0.0/0 ALLOW"),
            "{}",
            e.text(&net)
        );
    }
}
