//! Transit gateways in the simulator (SEMANTICS.md §5.9): what happens to a concrete packet that a
//! subnet's route table sends to a transit gateway, until it is delivered in the VPC on the other
//! side.
//!
//! Rules implemented here (each independently of `smt::walk::tgw`), TGW-1..TGW-10:
//! - TGW-1 the sender's VPC must have an available VPC attachment to the transit gateway;
//! - TGW-2 the packet enters through the attachment subnet in the sender's Availability Zone
//!   (`TGW_ROUTE_AZ_RESTRICTION` when there is none);
//! - TGW-3 network ACLs: the sender subnet's outbound ACL (checked by the caller), then the
//!   attachment subnet's inbound ACL; on the way out, the exit attachment subnet's outbound ACL
//!   and the destination subnet's inbound ACL, none when the destination lies in the exit subnet;
//! - TGW-4 the attachment's associated route table decides
//!   (`TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION`, `TGW_RTB_ROUTES_ARE_UNKNOWN`);
//! - TGW-5/TGW-6 longest prefix match, then static before prefix-list before propagated (a
//!   prefix-list route is one route per entry); several targets (ECMP), or a list whose entries
//!   are not in the input, are unknown (`TGW_RTB_CANNOT_ROUTE` when nothing matches);
//! - TGW-7 a blackhole route drops (`TGW_RTB_BAD_STATE_ROUTE`);
//! - TGW-8 the packet leaves through the target attachment's subnet in the Availability Zone it
//!   entered by (the only subnet when there is one; otherwise unknown), and that subnet's route
//!   table routes it: `local` delivers, anything else is unknown;
//! - TGW-10 a peering attachment carries the packet to the peer gateway, which routes it by its
//!   own association of the peering, out through the VPC attachment's only subnet;
//! - TGW-9 a security group rule that references a group across a transit gateway is unknown;
//!   IPv6 through a transit gateway is unknown.
//!
//! Must not touch: `smt`, printing; decisions are not shared with the SMT encoder.

use super::route::{Lookup, select};
use super::walk::{Flow, Halt, LegKind, Sender, Walker, dropped, unknown};
use crate::model::*;
use std::net::IpAddr;

/// The winner of a transit gateway route table lookup.
enum TgwLookup<'n> {
    Route(&'n TgwRoute),
    NoRoute,
    Unknown(String),
}

/// TGW-5/TGW-6: longest prefix, then static CIDR routes before prefix-list routes before
/// propagated ones; a prefix-list route stands for one route per entry of its list (unknown when
/// the list or its entries are not in the input); equal best routes with different targets, or
/// several targets, are unknown.
fn tgw_select<'n>(net: &'n Network, table: &'n TgwRouteTable, dst: &IpAddr) -> TgwLookup<'n> {
    let fam = IpFamily::of(dst);
    let mut best: Option<(u8, u8, &TgwRoute)> = None;
    let mut tie = false;
    for r in &table.routes {
        let blocks: Vec<Cidr> = match &r.destination {
            TgwRouteDestination::Cidr(c) => vec![*c],
            TgwRouteDestination::PrefixList(pl) => match net.prefix_lists.get(pl) {
                Some(list) if list.entries_known => list.entries.clone(),
                _ => {
                    return TgwLookup::Unknown(format!(
                        "transit gateway route table `{}` has the prefix-list route {}, and the entries of `{pl}` are not in the input",
                        table.id,
                        r.label()
                    ));
                }
            },
        };
        let rank = match (&r.destination, r.route_type) {
            (TgwRouteDestination::PrefixList(_), _) => 1,
            (_, TgwRouteType::Static) => 0,
            (_, TgwRouteType::Propagated) => 2,
        };
        for c in blocks {
            if c.family() != fam || !c.contains(dst) {
                continue;
            }
            match best {
                Some((len, rk, b)) if len == c.prefix_len() && rk == rank => {
                    if b.target != r.target {
                        tie = true;
                    }
                }
                Some((len, rk, _)) if (len, std::cmp::Reverse(rk)) > (c.prefix_len(), std::cmp::Reverse(rank)) => {}
                _ => {
                    best = Some((c.prefix_len(), rank, r));
                    tie = false;
                }
            }
        }
    }
    match best {
        None => TgwLookup::NoRoute,
        Some(_) if tie => TgwLookup::Unknown(format!(
            "transit gateway route table `{}` has several equally good routes with different targets for {dst}",
            table.id
        )),
        Some((_, _, r)) => match &r.target {
            TgwRouteTarget::Attachments(a) if a.len() > 1 => TgwLookup::Unknown(format!(
                "route {} in `{}` has several attachments (equal-cost multipath): which one AWS picks is not modelled",
                r.label(),
                table.id
            )),
            _ => TgwLookup::Route(r),
        },
    }
}

impl<'n> Walker<'n> {
    /// The Availability Zone of a subnet, or unknown naming what lacks it.
    fn tgw_zone(&self, subnet: &SubnetId, about: &str) -> Result<ZoneKey, Halt> {
        match self.net.zone_key(subnet) {
            Some(z) => Ok(z),
            None => Err(unknown(
                subnet,
                format!(
                    "the Availability Zone of subnet `{subnet}` ({about}) is not in the input, and which transit gateway attachment subnet carries the packet depends on it (TGW-2)"
                ),
            )),
        }
    }

    /// The first of `subnets` in the zone of `of` (TGW-2, TGW-8); unknown when the input cannot
    /// tell whether two of them share a zone (zone names of different accounts, no zone ids).
    fn tgw_same_zone(&self, of: &SubnetId, subnets: &'n [SubnetId], about: &str) -> Result<Option<&'n SubnetId>, Halt> {
        let key = self.tgw_zone(of, "the subnet the packet comes from")?;
        let mut found = None;
        for s in subnets {
            match key.same(&self.tgw_zone(s, about)?) {
                None => {
                    return Err(unknown(
                        s,
                        format!(
                            "whether subnet `{s}` ({about}) is in the Availability Zone of `{of}` is not known: zone names differ between accounts and the input gives no zone ids (TGW-2)"
                        ),
                    ));
                }
                Some(true) if found.is_none() => found = Some(s),
                Some(_) => {}
            }
        }
        Ok(found)
    }

    /// §5.9: the route `route` of `table` sends the packet to transit gateway `tgw`; the sender
    /// subnet's outbound ACL was checked by the caller.
    pub(super) fn tgw_enter(
        &mut self,
        x: Sender<'n>,
        table: &RouteTable,
        route: &Route,
        tgw: &TransitGatewayId,
        p: Packet,
    ) -> Flow {
        let net = self.net;
        let vpc = x.vpc();
        if p.dst_ip.is_ipv6() {
            return Err(unknown(
                tgw,
                format!("IPv6 through transit gateway `{tgw}` (the attachments' `Ipv6Support`) is not modelled"),
            ));
        }
        // TGW-1: the VPC's attachment.
        let Some(a) = net.tgw.vpc_attachment(tgw, vpc) else {
            let reason = format!(
                "route {} in `{}` targets transit gateway `{tgw}`, and the input has no attachment of it for `{vpc}` (add `aws ec2 describe-transit-gateway-vpc-attachments`), so where it sends the packet is not known (TGW-1)",
                route.destination, table.id
            );
            return Err(unknown(tgw, reason));
        };
        if !a.is_available() {
            return Err(dropped(
                &a.id,
                ComponentKind::TransitGatewayAttachment,
                None,
                "TGW-1",
                format!(
                    "attachment `{}` of `{vpc}` to `{tgw}` is {}, not available",
                    a.id, a.state
                ),
                "BAD_STATE_ATTACHMENT",
            ));
        }
        // TGW-2: the attachment subnet in the sender's Availability Zone.
        let entry = self.tgw_same_zone(x.subnet(), a.subnets(), &format!("a subnet of attachment `{}`", a.id))?;
        let az = net
            .subnets
            .get(x.subnet())
            .and_then(|s| s.availability_zone.clone())
            .unwrap_or_else(|| "its zone".to_owned());
        let Some(e) = entry else {
            return Err(dropped(
                &a.id,
                ComponentKind::TransitGatewayAttachment,
                None,
                "TGW-2",
                format!(
                    "attachment `{}` has no subnet in {az}, the Availability Zone of `{}`: resources there cannot reach `{tgw}`",
                    a.id,
                    x.subnet()
                ),
                "TGW_ROUTE_AZ_RESTRICTION",
            ));
        };
        // TGW-3: into the attachment subnet.
        self.acl(e, Direction::Inbound, &p)?;
        hop!(
            self,
            &a.id,
            ComponentKind::TransitGatewayAttachment,
            format!("enters `{tgw}` through attachment `{}` in `{e}` ({az})", a.id),
            None,
            Some("TGW-2".into()),
        );
        hop!(
            self,
            tgw,
            ComponentKind::TransitGateway,
            format!("transit gateway `{tgw}` routes {p}"),
            None,
            None,
        );
        let association = a.association.as_ref().map(|x| x.as_ref());
        self.tgw_route(&a.tgw, &a.id, association, Some(e), p)
    }

    /// TGW-4..TGW-7: the route table associated with the attachment the packet entered by.
    /// `came_by` is the attachment (or peering) it entered by, `association` that attachment's
    /// association on this gateway's side (`None`: not in the input), `entered` the attachment
    /// subnet it entered by (`None` over a peering, TGW-10).
    pub(super) fn tgw_route(
        &mut self,
        tgw: &'n TransitGatewayId,
        came_by: &'n TgwAttachmentId,
        association: Option<Option<&'n TgwRouteTableId>>,
        entered: Option<&'n SubnetId>,
        p: Packet,
    ) -> Flow {
        let net = self.net;
        let rt_id = match association {
            None => {
                return Err(unknown(
                    came_by,
                    format!(
                        "the input does not say which route table of `{tgw}` attachment `{}` is associated with (add `aws ec2 describe-transit-gateway-attachments`)",
                        came_by
                    ),
                ));
            }
            Some(None) => {
                return Err(dropped(
                    came_by,
                    ComponentKind::TransitGatewayAttachment,
                    None,
                    "TGW-4",
                    format!("attachment `{}` is associated with no route table of `{tgw}`", came_by),
                    "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION",
                ));
            }
            Some(Some(rt)) => rt,
        };
        let Some(table) = net.tgw.route_tables.get(rt_id) else {
            return Err(unknown(
                rt_id,
                format!(
                    "transit gateway route table `{rt_id}` (associated with `{}`) is not in the input",
                    came_by
                ),
            ));
        };
        if !table.routes_known {
            return Err(unknown(
                rt_id,
                format!(
                    "the routes of transit gateway route table `{rt_id}` are not in the input (add `aws ec2 search-transit-gateway-routes` for it, TGW_RTB_ROUTES_ARE_UNKNOWN)"
                ),
            ));
        }
        let route = match tgw_select(net, table, &p.dst_ip) {
            TgwLookup::Unknown(reason) => return Err(unknown(rt_id, reason)),
            TgwLookup::NoRoute => {
                return Err(dropped(
                    rt_id,
                    ComponentKind::TransitGatewayRouteTable,
                    None,
                    "none",
                    format!(
                        "no route in transit gateway route table `{rt_id}` of `{tgw}` (associated with `{}`, the attachment the packet entered by) matches {}",
                        came_by, p.dst_ip
                    ),
                    "TGW_RTB_CANNOT_ROUTE",
                ));
            }
            TgwLookup::Route(r) => r,
        };
        let label = route.label();
        let target = match &route.target {
            TgwRouteTarget::Blackhole => {
                return Err(dropped(
                    rt_id,
                    ComponentKind::TransitGatewayRouteTable,
                    None,
                    route.destination.to_string(),
                    format!(
                        "route {label} in transit gateway route table `{rt_id}` of `{tgw}` (associated with `{}`) is a blackhole: it wins for {} and drops it (TGW-7)",
                        came_by, p.dst_ip
                    ),
                    "TGW_RTB_BAD_STATE_ROUTE",
                ));
            }
            TgwRouteTarget::Attachments(v) => match v.first() {
                Some(t) => t,
                None => {
                    return Err(unknown(
                        rt_id,
                        format!("route {label} in `{rt_id}` names no attachment"),
                    ));
                }
            },
        };
        hop!(
            self,
            rt_id,
            ComponentKind::TransitGatewayRouteTable,
            format!("route {label} is the best match for {} in `{tgw}`", p.dst_ip),
            None,
            Some(label.clone()),
        );
        if let Some(pc) = net.tgw.peerings.get(target) {
            return self.tgw_peer(tgw, pc, &label, rt_id, entered.is_none(), p);
        }
        let Some(b) = net.tgw.attachments.get(target) else {
            return Err(unknown(
                target,
                format!("attachment `{target}`, the target of route {label} in `{rt_id}`, is not in the input"),
            ));
        };
        if !b.is_available() {
            return Err(dropped(
                &b.id,
                ComponentKind::TransitGatewayAttachment,
                None,
                "TGW-1",
                format!("attachment `{}` is {}, not available", b.id, b.state),
                "BAD_STATE_ATTACHMENT",
            ));
        }
        if &b.tgw != tgw {
            return Err(unknown(
                &b.id,
                format!(
                    "route {label} in `{rt_id}` of `{tgw}` names attachment `{}` of another transit gateway, `{}`",
                    b.id, b.tgw
                ),
            ));
        }
        if &b.id == came_by {
            return Err(unknown(
                &b.id,
                format!(
                    "route {label} in `{rt_id}` sends the packet back through the attachment it came in by, which is not modelled"
                ),
            ));
        }
        self.tgw_exit(b, entered, p)
    }

    /// TGW-10: the winning route of `rt` (on `tgw`) sends the packet over peering `pc` to the
    /// gateway on the other side, which routes it by the table it associates the peering with.
    /// A packet that already came over a peering (`peered`) going on to another: unknown.
    fn tgw_peer(
        &mut self,
        tgw: &'n TransitGatewayId,
        pc: &'n TgwPeering,
        label: &str,
        rt: &TgwRouteTableId,
        peered: bool,
        p: Packet,
    ) -> Flow {
        if peered {
            return Err(unknown(
                &pc.id,
                format!(
                    "route {label} in `{rt}` sends a packet that came over a peering on over peering `{}`: routing between peerings is not modelled (TGW-10)",
                    pc.id
                ),
            ));
        }
        if !pc.is_available() {
            return Err(dropped(
                &pc.id,
                ComponentKind::TransitGatewayAttachment,
                None,
                "TGW-10",
                format!("peering attachment `{}` is {}, not available", pc.id, pc.state),
                "BAD_STATE_ATTACHMENT",
            ));
        }
        let Some(other) = pc.other(tgw).filter(|o| !o.as_str().is_empty()) else {
            return Err(unknown(
                &pc.id,
                format!(
                    "the input does not say which transit gateway peering attachment `{}` leads to",
                    pc.id
                ),
            ));
        };
        hop!(
            self,
            &pc.id,
            ComponentKind::TransitGatewayAttachment,
            format!("crosses peering attachment `{}` from `{tgw}` to `{other}`", pc.id),
            None,
            Some("TGW-10".into()),
        );
        hop!(
            self,
            other,
            ComponentKind::TransitGateway,
            format!("transit gateway `{other}` routes {p}"),
            None,
            None,
        );
        let association = pc.associations.get(other).map(|x| x.as_ref());
        self.tgw_route(other, &pc.id, association, None, p)
    }

    /// TGW-8a: when the input leaves open which of `subnets` carries the packet out, but they
    /// share one network ACL and one route table and `p.dst` is in none of them, every choice
    /// does the same to the packet: the first of them stands for all.
    fn tgw_interchangeable(&self, subnets: &'n [SubnetId], p: &Packet) -> Option<&'n SubnetId> {
        let (first, rest) = subnets.split_first()?;
        let acl = self.ix.network_acl_of(first)?;
        let table = self.ix.route_table_of(first)?;
        let same = rest
            .iter()
            .all(|s| self.ix.network_acl_of(s) == Some(acl) && self.ix.route_table_of(s) == Some(table));
        let holds_dst = subnets
            .iter()
            .any(|s| self.net.subnets.get(s).is_none_or(|x| x.contains(&p.dst_ip)));
        (same && !holds_dst).then_some(first)
    }

    /// TGW-8: out through attachment `b`'s subnet, routed by that subnet's route table.
    fn tgw_exit(&mut self, b: &'n TgwAttachment, entered: Option<&'n SubnetId>, p: Packet) -> Flow {
        let net = self.net;
        // ONP-5 (`onprem`): a VPN or Direct Connect gateway attachment carries it on premises.
        if b.onprem_kind().is_some() {
            return self.tgw_onprem_out(b, p);
        }
        let TgwAttachmentResource::Vpc { vpc, subnets } = &b.resource else {
            return Err(unknown(
                &b.id,
                format!(
                    "attachment `{}` is not a VPC attachment: transit gateway attachments other than VPCs are not modelled",
                    b.id
                ),
            ));
        };
        // One subnet and no appliance mode: it, whatever the zones (TGW-8).
        let exit = match entered {
            Some(e) if subnets.len() > 1 || b.appliance_mode => {
                self.tgw_same_zone(e, subnets, &format!("a subnet of attachment `{}`", b.id))?
            }
            _ => None,
        };
        let mut any_of = false;
        let f = match (exit, subnets.as_slice()) {
            (Some(f), _) if !(b.appliance_mode && subnets.len() > 1) => f,
            (None, [only]) if !b.appliance_mode => only,
            // TGW-8a: any of them would do the same to this packet.
            _ if let Some(first) = self.tgw_interchangeable(subnets, &p) => {
                any_of = true;
                first
            }
            _ => {
                return Err(unknown(
                    &b.id,
                    format!(
                        "attachment `{}` has {} subnets{} and none or several could carry the packet that entered {}: which one AWS picks is not modelled (TGW-8)",
                        b.id,
                        subnets.len(),
                        if b.appliance_mode { " and appliance mode" } else { "" },
                        entered.map_or_else(|| "over a peering".to_owned(), |z| format!("through `{z}`"))
                    ),
                ));
            }
        };
        if !net.vpcs.contains_key(vpc) {
            return Err(unknown(
                vpc,
                format!("`{vpc}`, attached by `{}`, is not in the input", b.id),
            ));
        }
        hop!(
            self,
            &b.id,
            ComponentKind::TransitGatewayAttachment,
            if any_of {
                format!(
                    "leaves the transit gateway through attachment `{}` in `{f}`, or in any of its {} subnets: they share one network ACL and one route table, so which one AWS picks changes nothing (TGW-8a)",
                    b.id,
                    subnets.len()
                )
            } else {
                format!("leaves the transit gateway through attachment `{}` in `{f}`", b.id)
            },
            None,
            Some(if any_of { "TGW-8a" } else { "TGW-8" }.into()),
        );
        if self.leg == LegKind::Request {
            self.tgw_group_references(&p)?;
        }
        let Some(subnet) = net.subnets.get(f) else {
            return Err(unknown(
                f,
                format!("subnet `{f}` of attachment `{}` is not in the input", b.id),
            ));
        };
        if subnet.contains(&p.dst_ip) {
            // TGW-3: no ACL between the attachment and an address of its own subnet.
            return self.deliver_in_subnet(f, p);
        }
        let Some(table) = self.ix.route_table_of(f).and_then(|id| net.route_tables.get(id)) else {
            return Err(unknown(f, format!("subnet `{f}` has no route table in the input")));
        };
        match select(net, table, &p.dst_ip) {
            Lookup::Route { route, .. } => {
                if route.state == RouteState::Blackhole {
                    return Err(dropped(
                        &table.id,
                        ComponentKind::RouteTable,
                        None,
                        route.destination.to_string(),
                        format!(
                            "route {} -> {} in `{}` is a blackhole: it wins for {} and drops it (J5)",
                            route.destination,
                            route.target.id(),
                            table.id,
                            p.dst_ip
                        ),
                        "BAD_STATE_ROUTE",
                    ));
                }
                if route.target != RouteTarget::Local {
                    return Err(unknown(
                        route.target.id(),
                        format!(
                            "traffic from attachment `{}` is routed by `{}` to `{}` (route {}): forwarding traffic from a transit gateway on to anything but the local route is not modelled (TGW-8)",
                            b.id,
                            table.id,
                            route.target.id(),
                            route.destination
                        ),
                    ));
                }
                hop!(
                    self,
                    &table.id,
                    ComponentKind::RouteTable,
                    format!(
                        "route {} -> local is the best match for {}",
                        route.destination, p.dst_ip
                    ),
                    None,
                    Some(format!("{} -> local", route.destination)),
                );
                let Some(d) = self.subnet_holding(vpc, &p.dst_ip) else {
                    return Err(self.no_subnet(vpc, &p.dst_ip));
                };
                self.acl(f, Direction::Outbound, &p)?;
                self.arrive_subnet(d, p)
            }
            Lookup::NoRoute => Err(dropped(
                &table.id,
                ComponentKind::RouteTable,
                None,
                "none",
                format!("no route in `{}` matches {}", table.id, p.dst_ip),
                "NO_ROUTE_TO_DESTINATION",
            )),
            Lookup::NeverForwarded(range) => Err(dropped(
                &table.id,
                ComponentKind::RouteTable,
                None,
                "RT-9",
                format!("{} lies in {range}, which AWS never forwards", p.dst_ip),
                "NO_ROUTE_TO_DESTINATION",
            )),
            Lookup::Unknown(pl) => Err(unknown(
                &pl,
                format!(
                    "route table `{}` routes prefix list `{pl}`, whose entries are not in the input",
                    table.id
                ),
            )),
        }
    }

    /// TGW-9: on the request leg, a security group rule of the destination (inbound) naming a
    /// group of the source, or of the source (outbound) naming a group of the destination,
    /// references a group across the transit gateway: unknown.
    fn tgw_group_references(&self, p: &Packet) -> Result<(), Halt> {
        let net = self.net;
        let iface = |ip: &IpAddr| match self.ix.private_owner(ip) {
            Some(AddressOwner::Interface(e)) => net.network_interfaces.get(e),
            _ => None,
        };
        let (src, dst) = (iface(&p.src_ip), iface(&p.dst_ip));
        let check = |holder: Option<&'n NetworkInterface>, other: Option<&'n NetworkInterface>, inbound: bool| {
            let (Some(h), Some(o)) = (holder, other) else {
                return None;
            };
            for g in h.groups.iter().filter_map(|g| net.security_groups.get(g)) {
                let rules = if inbound { &g.ingress } else { &g.egress };
                for r in rules {
                    if let SecurityGroupPeer::SecurityGroup { id, .. } = &r.peer
                        && o.groups.contains(id)
                    {
                        return Some((g.id.clone(), id.clone(), o.id.clone()));
                    }
                }
            }
            None
        };
        let found = check(dst, src, true).or_else(|| check(src, dst, false));
        match found {
            Some((g, referenced, other)) => Err(unknown(
                &g,
                format!(
                    "a rule of `{g}` references security group `{referenced}` of `{other}` across a transit gateway: whether it matches depends on security group referencing support, which is not modelled (TGW-9)"
                ),
            )),
            None => Ok(()),
        }
    }
}
