//! Route and association candidates (FIX-9, FIX-10): for `--want reachable`, what lets a packet
//! past a route table that drops it (no route, a blackhole, a target that leads nowhere): a route
//! to the narrowest block of the destination through each target of the table's VPC that could
//! carry it, the target of the route that wins replaced, or the subnet moved to another table of
//! its VPC; and, where a network ACL drops it, the subnet moved to another ACL of its VPC. For
//! `--want unreachable`, the route the witness took removed, or its subnet moved to another
//! table. Candidates are only proposals: the search tries each, and the proof decides.
//!
//! Owns: those candidates. Must not touch: z3, the walks (the simulator is asked through
//! `sim`), printing.

use super::edit::Edit;
use super::search::cover;
use crate::model::endpoint::{Endpoint, External};
use crate::model::*;
use std::net::IpAddr;

/// At most this many candidates of one kind per drop (targets, tables, ACLs), nearest first.
const MAX_PER_KIND: usize = 6;

/// FIX-9: the block a new route must cover to carry the packets to `ip` of endpoint `end` within
/// `range`: every address of the family for an internet destination the question does not narrow
/// (**decision**: "any public address" is what it asks, and the internet gateway is a default
/// route's target), else the smallest block holding the endpoint's addresses in the range.
pub(crate) fn route_block(net: &Network, end: &Endpoint, range: (IpAddr, IpAddr), ip: IpAddr) -> Cidr {
    let internet = matches!(end.external, Some(External::Internet { .. })) && end.address_filter.is_none();
    if internet {
        return match IpFamily::of(&ip) {
            IpFamily::V4 => Cidr::any_v4(),
            IpFamily::V6 => Cidr::any_v6(),
        };
    }
    cover(net, end, range, ip)
}

/// Targets in the table's VPC that could carry packets to `family` addresses, in the order a
/// network engineer would try them: the internet gateway (egress-only for IPv6), NAT gateways,
/// peering connections, the virtual private gateway. Never the current target of `except`.
pub(crate) fn targets(net: &Network, vpc: &VpcId, family: IpFamily, except: Option<&RouteTarget>) -> Vec<RouteTarget> {
    let mut out = Vec::new();
    for g in net.internet_gateways.values().filter(|g| g.vpcs.contains(vpc)) {
        out.push(RouteTarget::InternetGateway(g.id.clone()));
    }
    if family == IpFamily::V6 {
        for g in net
            .egress_only_internet_gateways
            .values()
            .filter(|g| g.vpcs.contains(vpc))
        {
            out.push(RouteTarget::EgressOnlyInternetGateway(g.id.clone()));
        }
    } else {
        for n in net
            .nat_gateways
            .values()
            .filter(|n| &n.vpc == vpc && n.state.eq_ignore_ascii_case("available"))
        {
            out.push(RouteTarget::NatGateway(n.id.clone()));
        }
    }
    for p in net
        .vpc_peering_connections
        .values()
        .filter(|p| p.is_active() && p.peer_of(vpc).is_some())
    {
        out.push(RouteTarget::VpcPeeringConnection(p.id.clone()));
    }
    for g in net.vpn_gateways.values().filter(|g| g.vpcs.contains(vpc)) {
        out.push(RouteTarget::VpnGateway(g.id.clone()));
    }
    out.retain(|t| Some(t) != except);
    out.truncate(MAX_PER_KIND);
    out
}

/// The subnets of `end`'s interfaces (the sender on this leg) whose traffic `pick` sends to
/// `component` (their route table, or their ACL).
fn end_subnets(
    net: &Network,
    end: &Endpoint,
    pick: impl Fn(&SubnetId) -> Option<String>,
    component: &str,
) -> Vec<SubnetId> {
    let mut out: Vec<SubnetId> = Vec::new();
    for i in &end.interfaces {
        if let Some(x) = net.network_interfaces.get(i)
            && pick(&x.subnet).as_deref() == Some(component)
            && !out.contains(&x.subnet)
        {
            out.push(x.subnet.clone());
        }
    }
    out
}

/// FIX-9 (`--want reachable`): the edits that could let packets to `ip` (of `end`, within
/// `range`) past route table `table`, which drops them (`rule`: the route that wins, or `none`).
/// `sender`: the question's end whose subnet routes on this leg.
pub(crate) fn open_route(
    net: &Network,
    ix: &NetworkIndex,
    table: &RouteTableId,
    rule: &str,
    (end, range, ip): (&Endpoint, (IpAddr, IpAddr), IpAddr),
    sender: &Endpoint,
) -> Vec<Edit> {
    let Some(t) = net.route_tables.get(table) else {
        return Vec::new();
    };
    let family = IpFamily::of(&ip);
    let mut out = Vec::new();
    // The route that wins today (a blackhole, or a target that does not lead there): its target
    // replaced.
    let winner = t
        .routes
        .iter()
        .find(|r| r.destination.to_string() == rule && r.origin != RouteOrigin::CreateRouteTable);
    if let Some(w) = winner {
        for target in targets(net, &t.vpc, family, Some(&w.target)) {
            out.push(Edit::ReplaceRoute {
                table: table.clone(),
                route: w.clone(),
                target,
            });
        }
    }
    let block = route_block(net, end, range, ip);
    let taken = t.routes.iter().any(|r| r.destination == RouteDestination::Cidr(block));
    if !taken {
        for target in targets(net, &t.vpc, family, None) {
            out.push(Edit::AddRoute {
                table: table.clone(),
                route: Route {
                    destination: RouteDestination::Cidr(block),
                    target,
                    state: RouteState::Active,
                    origin: RouteOrigin::CreateRoute,
                    provenance: Provenance::resource("vpcverify fix", table.as_str()).item(block.to_string()),
                },
            });
        }
    }
    out.extend(associate_route_table(net, ix, table, sender));
    out
}

/// The sender's subnets that use `table`, each moved to every other table of the VPC.
fn associate_route_table(net: &Network, ix: &NetworkIndex, table: &RouteTableId, sender: &Endpoint) -> Vec<Edit> {
    let Some(t) = net.route_tables.get(table) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for s in end_subnets(
        net,
        sender,
        |s| ix.route_table_of(s).map(|x| x.to_string()),
        table.as_str(),
    ) {
        for other in net
            .route_tables
            .values()
            .filter(|o| o.vpc == t.vpc && o.id != *table)
            .take(MAX_PER_KIND)
        {
            out.push(Edit::AssociateRouteTable {
                subnet: s.clone(),
                from: table.clone(),
                explicit: t.subnets.contains(&s),
                to: other.id.clone(),
            });
        }
    }
    out
}

/// FIX-10: the subnets of `ends` that use network ACL `acl`, each moved to every other ACL of its
/// VPC.
pub(crate) fn associate_acl(net: &Network, ix: &NetworkIndex, acl: &NetworkAclId, ends: &[&Endpoint]) -> Vec<Edit> {
    let Some(a) = net.network_acls.get(acl) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut seen: Vec<SubnetId> = Vec::new();
    for end in ends {
        for s in end_subnets(net, end, |s| ix.network_acl_of(s).map(|x| x.to_string()), acl.as_str()) {
            if seen.contains(&s) {
                continue;
            }
            seen.push(s.clone());
            for other in net
                .network_acls
                .values()
                .filter(|o| o.vpc == a.vpc && o.id != *acl)
                .take(MAX_PER_KIND)
            {
                out.push(Edit::AssociateNetworkAcl {
                    subnet: s.clone(),
                    from: acl.clone(),
                    to: other.id.clone(),
                });
            }
        }
    }
    out
}

/// FIX-11 (`--want unreachable`): the route the witness took out of `table` (`label`: the
/// route as the walk prints it, `dest -> target`) removed, or the sender's subnet moved to
/// another table of its VPC. The local route is never removed (AWS does not allow it).
pub(crate) fn close_route(
    net: &Network,
    ix: &NetworkIndex,
    table: &RouteTableId,
    label: &str,
    sender: &Endpoint,
) -> Vec<Edit> {
    let Some(t) = net.route_tables.get(table) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let dest = label.split(" -> ").next().unwrap_or(label);
    let dest = dest.split(" (").next().unwrap_or(dest);
    if let Some(r) = t.routes.iter().find(|r| {
        r.destination.to_string() == dest && r.target != RouteTarget::Local && r.origin == RouteOrigin::CreateRoute
    }) {
        out.push(Edit::RemoveRoute {
            table: table.clone(),
            route: r.clone(),
        });
    }
    out.extend(associate_route_table(net, ix, table, sender));
    out
}
