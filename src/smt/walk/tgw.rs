//! Transit gateways in the symbolic walk (SEMANTICS.md §5.9, TGW-1..TGW-10), written apart from
//! `sim::tgw`: the same documented rules over a symbolic packet.
//!
//! Decisions that do not depend on the packet (which attachment, which Availability Zone, which
//! route table) are plain code; those that do (which transit gateway route wins for the
//! destination, whether the destination lies in the exit subnet, which VPC route wins there,
//! whether a security group reference is in play) are branches.

use super::*;

/// The zone of a subnet, or why it is not known.
fn zone_of(net: &Network, s: &SubnetId) -> Result<ZoneKey, (String, String)> {
    net.zone_key(s).ok_or_else(|| {
        (
            s.to_string(),
            format!("the Availability Zone of subnet `{s}` is not in the input, and which transit gateway attachment subnet carries the packet depends on it (TGW-2)"),
        )
    })
}

/// The first of `subnets` in the zone of `of`, after checking every zone is known and comparable
/// (zone names of different accounts without zone ids are not).
fn subnet_in_zone<'n>(
    net: &Network,
    of: &SubnetId,
    subnets: &'n [SubnetId],
) -> Result<Option<&'n SubnetId>, (String, String)> {
    let key = zone_of(net, of)?;
    let mut found = None;
    for s in subnets {
        match key.same(&zone_of(net, s)?) {
            None => {
                return Err((
                    s.to_string(),
                    format!(
                        "whether subnet `{s}` is in the Availability Zone of `{of}` is not known: zone names differ between accounts and the input gives no zone ids (TGW-2)"
                    ),
                ));
            }
            Some(true) if found.is_none() => found = Some(s),
            Some(_) => {}
        }
    }
    Ok(found)
}

impl Walk<'_> {
    /// TGW-1..TGW-3: the route `route` of `rt` in subnet `from` (of `vpc`) sends the packet to
    /// `tgw`; `from`'s outbound ACL is already on the path.
    pub(super) fn tgw_enter(
        &mut self,
        mut st: State,
        from: &SubnetId,
        vpc: &VpcId,
        rt: &RouteTableId,
        route: &Route,
        tgw: &TransitGatewayId,
    ) {
        let net = self.net;
        if self.family == IpFamily::V6 {
            let r = format!("IPv6 through transit gateway `{tgw}` (the attachments' `Ipv6Support`) is not modelled");
            return self.unknown(st, tgw.as_str(), &r);
        }
        let Some(a) = net.tgw.vpc_attachment(tgw, vpc) else {
            let reason = format!(
                "route {} in `{rt}` targets transit gateway `{tgw}`, and the input has no attachment of it for `{vpc}` (add `aws ec2 describe-transit-gateway-vpc-attachments`), so where it sends the packet is not known (TGW-1)",
                route.destination
            );
            return self.unknown(st, tgw.as_str(), &reason);
        };
        if !a.is_available() {
            let b = Blocked::new(
                &a.id,
                ComponentKind::TransitGatewayAttachment,
                None,
                "TGW-1",
                format!(
                    "attachment `{}` of `{vpc}` to `{tgw}` is {}, not available",
                    a.id, a.state
                ),
                "BAD_STATE_ATTACHMENT",
            );
            return self.dropped(st, b);
        }
        let az = net
            .subnets
            .get(from)
            .and_then(|s| s.availability_zone.clone())
            .unwrap_or_else(|| "its zone".to_owned());
        let e = match subnet_in_zone(net, from, a.subnets()) {
            Err((id, r)) => return self.unknown(st, &id, &r),
            Ok(None) => {
                let b = Blocked::new(
                    &a.id,
                    ComponentKind::TransitGatewayAttachment,
                    None,
                    "TGW-2",
                    format!(
                        "attachment `{}` has no subnet in {az}, the Availability Zone of `{from}`: resources there cannot reach `{tgw}`",
                        a.id
                    ),
                    "TGW_ROUTE_AZ_RESTRICTION",
                );
                return self.dropped(st, b);
            }
            Ok(Some(e)) => e,
        };
        let Some(next) = self.acl(st, e, Direction::Inbound) else {
            return;
        };
        st = next;
        st.hops.push(a.id.to_string());
        st.hops.push(tgw.to_string());
        // `--to tgw-…`: the question is whether requests reach the transit gateway.
        if self.q.to.through.as_ref().is_some_and(|t| t.0 == tgw.as_str()) {
            return self.delivered_request(st, Arrival::Through);
        }
        let association = a.association.as_ref().map(|x| x.as_ref());
        self.tgw_lookup(st, &a.tgw, &a.id, association, Some(e));
    }

    /// TGW-4..TGW-7: the route table associated with attachment `a`.
    /// `came_by` is the attachment (or peering) the packet entered `tgw` by, `association` its
    /// association on this side (`None`: not in the input), `entered` the attachment subnet it
    /// entered by (`None` over a peering, TGW-10).
    pub(super) fn tgw_lookup(
        &mut self,
        mut st: State,
        tgw: &TransitGatewayId,
        came_by: &TgwAttachmentId,
        association: Option<Option<&TgwRouteTableId>>,
        entered: Option<&SubnetId>,
    ) {
        let net = self.net;
        let rt_id = match association {
            None => {
                let r = format!(
                    "the input does not say which route table of `{}` attachment `{}` is associated with (add `aws ec2 describe-transit-gateway-attachments`)",
                    tgw, came_by
                );
                return self.unknown(st, came_by.as_str(), &r);
            }
            Some(None) => {
                let b = Blocked::new(
                    came_by,
                    ComponentKind::TransitGatewayAttachment,
                    None,
                    "TGW-4",
                    format!(
                        "attachment `{}` is associated with no route table of `{}`",
                        came_by, tgw
                    ),
                    "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION",
                );
                return self.dropped(st, b);
            }
            Some(Some(rt)) => rt,
        };
        let Some(table) = net.tgw.route_tables.get(rt_id) else {
            let r = format!(
                "transit gateway route table `{rt_id}` (associated with `{}`) is not in the input",
                came_by
            );
            return self.unknown(st, rt_id.as_str(), &r);
        };
        if !table.routes_known {
            let r = format!(
                "the routes of transit gateway route table `{rt_id}` are not in the input (TGW_RTB_ROUTES_ARE_UNKNOWN)"
            );
            return self.unknown(st, rt_id.as_str(), &r);
        }
        // A prefix-list route is one route per entry; a list the input lacks, or whose entries it
        // lacks, makes every lookup in the table unknown.
        let unknown_list = table.routes.iter().find_map(|r| match &r.destination {
            TgwRouteDestination::PrefixList(pl) if !net.prefix_lists.get(pl).is_some_and(|l| l.entries_known) => {
                Some(pl.clone())
            }
            _ => None,
        });
        if let Some(pl) = unknown_list {
            let r = format!(
                "transit gateway route table `{rt_id}` has a prefix-list route to `{pl}`, whose entries are not in the input"
            );
            return self.unknown(st, rt_id.as_str(), &r);
        }
        st.hops.push(rt_id.to_string());
        // Candidate groups: one per (block, class) of this family, best first; class 0 static
        // CIDR, 1 prefix-list entry, 2 propagated (TGW-6).
        let mut groups: Vec<(Cidr, u8, Vec<&TgwRoute>)> = Vec::new();
        for r in &table.routes {
            let (blocks, class): (Vec<Cidr>, u8) = match (&r.destination, r.route_type) {
                (TgwRouteDestination::Cidr(c), TgwRouteType::Static) => (vec![*c], 0),
                (TgwRouteDestination::Cidr(c), TgwRouteType::Propagated) => (vec![*c], 2),
                (TgwRouteDestination::PrefixList(pl), _) => (
                    net.prefix_lists.get(pl).map(|l| l.entries.clone()).unwrap_or_default(),
                    1,
                ),
            };
            for c in blocks.into_iter().filter(|c| c.family() == self.family) {
                match groups.iter_mut().find(|g| g.0 == c && g.1 == class) {
                    Some(g) => g.2.push(r),
                    None => groups.push((c, class, vec![r])),
                }
            }
        }
        groups.sort_by_key(|g| (std::cmp::Reverse(g.0.prefix_len()), g.1));
        let dst = st.pkt.dst.clone();
        let mut better: Vec<Bool> = Vec::new();
        for (cidr, _, routes) in &groups {
            let here = in_cidr(&dst, cidr);
            let cond = all(&[here.clone(), any(&better).not()]);
            better.push(here);
            let first = routes[0];
            let label = first.label();
            if routes.iter().any(|r| r.target != first.target) {
                let reason = format!(
                    "transit gateway route table `{rt_id}` has several equally good routes with different targets for {cidr}"
                );
                let id = rt_id.to_string();
                self.branch(&st, cond, |w, st| w.unknown(st, &id, &reason));
                continue;
            }
            match &first.target {
                TgwRouteTarget::Blackhole => {
                    let b = Blocked::new(
                        rt_id,
                        ComponentKind::TransitGatewayRouteTable,
                        None,
                        first.destination.to_string(),
                        format!(
                            "route {label} in transit gateway route table `{rt_id}` of `{}` (associated with `{}`) is a blackhole: it wins and drops the packet (TGW-7)",
                            tgw, came_by
                        ),
                        "TGW_RTB_BAD_STATE_ROUTE",
                    );
                    self.branch(&st, cond, |w, st| w.dropped(st, b));
                }
                TgwRouteTarget::Attachments(v) if v.len() != 1 => {
                    let reason = format!(
                        "route {label} in `{rt_id}` has {} attachments: which one AWS picks (equal-cost multipath) is not modelled",
                        v.len()
                    );
                    let id = rt_id.to_string();
                    self.branch(&st, cond, |w, st| w.unknown(st, &id, &reason));
                }
                TgwRouteTarget::Attachments(v) => {
                    let target = v[0].clone();
                    let (rt2, a_id, t2) = (rt_id.clone(), came_by.clone(), tgw.clone());
                    let e2 = entered.cloned();
                    self.branch(&st, cond, move |w, st| {
                        w.tgw_target(st, &t2, &rt2, &label, &a_id, &target, e2.as_ref())
                    });
                }
            }
        }
        let b = Blocked::new(
            rt_id,
            ComponentKind::TransitGatewayRouteTable,
            None,
            "none",
            format!(
                "no route in transit gateway route table `{rt_id}` of `{}` (associated with `{}`, the attachment the packet entered by) matches the destination",
                tgw, came_by
            ),
            "TGW_RTB_CANNOT_ROUTE",
        );
        self.branch(&st, any(&better).not(), |w, st| w.dropped(st, b));
    }

    /// The winning route's attachment.
    #[allow(clippy::too_many_arguments, reason = "the walk's state plus what the route said")]
    fn tgw_target(
        &mut self,
        st: State,
        tgw: &TransitGatewayId,
        rt: &TgwRouteTableId,
        label: &str,
        came_by: &TgwAttachmentId,
        target: &TgwAttachmentId,
        entered: Option<&SubnetId>,
    ) {
        let net = self.net;
        if let Some(pc) = net.tgw.peerings.get(target) {
            return self.tgw_peer(st, tgw, pc, label, rt, entered.is_none());
        }
        let Some(b) = net.tgw.attachments.get(target) else {
            let r = format!("attachment `{target}`, the target of route {label} in `{rt}`, is not in the input");
            return self.unknown(st, target.as_str(), &r);
        };
        if !b.is_available() {
            let blk = Blocked::new(
                &b.id,
                ComponentKind::TransitGatewayAttachment,
                None,
                "TGW-1",
                format!("attachment `{}` is {}, not available", b.id, b.state),
                "BAD_STATE_ATTACHMENT",
            );
            return self.dropped(st, blk);
        }
        if &b.tgw != tgw {
            let r = format!(
                "route {label} in `{rt}` of `{tgw}` names attachment `{}` of another transit gateway, `{}`",
                b.id, b.tgw
            );
            return self.unknown(st, b.id.as_str(), &r);
        }
        if &b.id == came_by {
            let r = format!(
                "route {label} in `{rt}` sends the packet back through the attachment it came in by, which is not modelled"
            );
            return self.unknown(st, b.id.as_str(), &r);
        }
        self.tgw_exit(st, b, entered);
    }

    /// TGW-8: out through `b`'s subnet in the entry zone, routed by that subnet's route table.
    /// TGW-10: over peering `pc` to the gateway on the other side, which routes by the table it
    /// associates the peering with; a packet that already came over a peering: unknown.
    fn tgw_peer(
        &mut self,
        mut st: State,
        tgw: &TransitGatewayId,
        pc: &TgwPeering,
        label: &str,
        rt: &TgwRouteTableId,
        peered: bool,
    ) {
        if peered {
            let r = format!(
                "route {label} in `{rt}` sends a packet that came over a peering on over peering `{}`: routing between peerings is not modelled (TGW-10)",
                pc.id
            );
            return self.unknown(st, pc.id.as_str(), &r);
        }
        if !pc.is_available() {
            let b = Blocked::new(
                &pc.id,
                ComponentKind::TransitGatewayAttachment,
                None,
                "TGW-10",
                format!("peering attachment `{}` is {}, not available", pc.id, pc.state),
                "BAD_STATE_ATTACHMENT",
            );
            return self.dropped(st, b);
        }
        let Some(other) = pc.other(tgw).filter(|o| !o.as_str().is_empty()) else {
            let r = format!(
                "the input does not say which transit gateway peering attachment `{}` leads to",
                pc.id
            );
            return self.unknown(st, pc.id.as_str(), &r);
        };
        st.hops.push(pc.id.to_string());
        st.hops.push(other.to_string());
        let association = pc.associations.get(other).map(|x| x.as_ref());
        self.tgw_lookup(st, other, &pc.id, association, None);
    }

    fn tgw_exit(&mut self, st: State, b: &TgwAttachment, entered: Option<&SubnetId>) {
        let net = self.net;
        // ONP-5 (`onprem`): a VPN or Direct Connect gateway attachment carries it on premises.
        if b.onprem_kind().is_some() {
            return self.tgw_onprem_out(st, b);
        }
        let TgwAttachmentResource::Vpc { vpc, subnets } = &b.resource else {
            let r = format!(
                "attachment `{}` is not a VPC attachment: transit gateway attachments other than VPCs are not modelled",
                b.id
            );
            return self.unknown(st, b.id.as_str(), &r);
        };
        // One subnet and no appliance mode: it, whatever the zones (TGW-8).
        let exit = match entered
            .filter(|_| subnets.len() > 1 || b.appliance_mode)
            .map(|e| subnet_in_zone(net, e, subnets))
        {
            None => None,
            Some(Err((id, r))) => return self.unknown(st, &id, &r),
            Some(Ok(x)) => x,
        };
        let f = match (exit, subnets.as_slice()) {
            (Some(f), _) if !(b.appliance_mode && subnets.len() > 1) => f.clone(),
            (None, [only]) if !b.appliance_mode => only.clone(),
            _ => {
                let r = format!(
                    "attachment `{}` has {} subnets and the packet entered {}: which one carries it is not modelled (TGW-8)",
                    b.id,
                    subnets.len(),
                    entered.map_or_else(|| "over a peering".to_owned(), |z| format!("through `{z}`"))
                );
                // TGW-8a: subnets that share one ACL and one route table are interchangeable for
                // a packet whose destination is in none of them.
                let Some(first) = self.interchangeable(subnets) else {
                    return self.unknown(st, b.id.as_str(), &r);
                };
                let inside: Vec<Bool> = subnets
                    .iter()
                    .map(|s| {
                        self.subnet_block(s)
                            .map(|c| in_cidr(&st.pkt.dst, &c))
                            .unwrap_or_else(|| Bool::from_bool(true))
                    })
                    .collect();
                let inside = any(&inside);
                let id = b.id.to_string();
                self.branch(&st, inside.clone(), move |w, st| w.unknown(st, &id, &r));
                let vpc = vpc.clone();
                return self.branch(&st, inside.not(), move |w, st| w.tgw_leave(st, b, &vpc, first));
            }
        };
        self.tgw_leave(st, b, vpc, f);
    }

    /// TGW-8a: the first of `subnets` when all of them have one network ACL and one route table.
    fn interchangeable(&self, subnets: &[SubnetId]) -> Option<SubnetId> {
        let (first, rest) = subnets.split_first()?;
        let acl = self.ix.network_acl_of(first)?;
        let table = self.ix.route_table_of(first)?;
        rest.iter()
            .all(|s| self.ix.network_acl_of(s) == Some(acl) && self.ix.route_table_of(s) == Some(table))
            .then(|| first.clone())
    }

    /// TGW-8, TGW-9: out of the transit gateway through attachment `b`'s subnet `f` into `vpc`.
    fn tgw_leave(&mut self, mut st: State, b: &TgwAttachment, vpc: &VpcId, f: SubnetId) {
        let net = self.net;
        if !net.vpcs.contains_key(vpc) {
            let r = format!("`{vpc}`, attached by `{}`, is not in the input", b.id);
            return self.unknown(st, vpc.as_str(), &r);
        }
        st.hops.push(b.id.to_string());
        if st.leg == Leg::Request {
            // TGW-9: a security group rule referencing a group across the transit gateway.
            let refs = self.tgw_group_references(&st);
            let mut any_ref = Vec::new();
            for (g, cond) in refs {
                let reason = format!(
                    "a rule of `{g}` references a security group across a transit gateway: whether it matches depends on security group referencing support, which is not modelled (TGW-9)"
                );
                let gid = g.to_string();
                let c = all(&[cond.clone(), any(&any_ref).not()]);
                any_ref.push(cond);
                self.branch(&st, c, |w, st| w.unknown(st, &gid, &reason));
            }
            let vpc2 = vpc.clone();
            return self.branch(&st, any(&any_ref).not(), move |w, st| w.tgw_into_subnet(st, &vpc2, &f));
        }
        self.tgw_into_subnet(st, vpc, &f);
    }

    /// TGW-3 and TGW-8 inside the attached VPC: an address of the exit subnet is delivered without
    /// ACL; anything else is routed by the exit subnet's route table (`local` only).
    fn tgw_into_subnet(&mut self, mut st: State, vpc: &VpcId, f: &SubnetId) {
        let in_f = self
            .subnet_block(f)
            .map(|c| in_cidr(&st.pkt.dst, &c))
            .unwrap_or_else(|| Bool::from_bool(false));
        let holders: Vec<Holder> = self
            .receiving_subnets(&st, vpc)
            .into_iter()
            .filter(|(s, _)| s == f)
            .flat_map(|(_, h)| h)
            .collect();
        if !self.net.subnets.contains_key(f) {
            return self.unknown(
                st,
                f.as_str(),
                &format!("subnet `{f}` of a transit gateway attachment is not in the input"),
            );
        }
        let f2 = f.clone();
        self.branch(&st, in_f.clone(), |w, st| w.deliver_in_subnet(st, &f2, &holders));
        let Some(rt_id) = self.ix.route_table_of(f).cloned() else {
            return self.branch(&st, in_f.not(), |w, st| {
                w.unknown(st, f.as_str(), &format!("subnet `{f}` has no route table in the input"))
            });
        };
        let Some(table) = self.net.route_tables.get(&rt_id) else {
            return;
        };
        st.hops.push(rt_id.to_string());
        let rt9 = in_cidr(&st.pkt.dst, &never_forwarded(self.family));
        let b9 = Blocked::new(
            &rt_id,
            ComponentKind::RouteTable,
            None,
            "RT-9",
            format!("AWS never forwards packets to {} (RT-9)", never_forwarded(self.family)),
            "NO_ROUTE_TO_DESTINATION",
        );
        let out = in_f.not();
        self.branch(&st, all(&[out.clone(), rt9.clone()]), |w, st| w.dropped(st, b9));
        let routed = all(&[out, rt9.not()]);
        let (cands, unknown) = candidates(self.net, table, self.family);
        let dst = st.pkt.dst.clone();
        let (winners, none) = selection(&cands, &dst);
        if !unknown.is_empty() {
            self.branch(&st, all(&[routed.clone(), none.clone()]), |w, st| {
                w.unsettled_route(st, &unknown)
            });
        }
        for (c, cond) in winners {
            let route = c.route;
            let cond = all(&[routed.clone(), cond]);
            if !settled_over(route, &unknown) {
                self.branch(&st, cond, |w, st| w.unsettled_route(st, &unknown));
                continue;
            }
            if route.state == RouteState::Blackhole {
                let b = Blocked::new(
                    &rt_id,
                    ComponentKind::RouteTable,
                    None,
                    route.destination.to_string(),
                    format!(
                        "the matching route {} -> {} in `{rt_id}` is a blackhole: its target is gone or not available",
                        route.destination,
                        route.target.id()
                    ),
                    "BAD_STATE_ROUTE",
                );
                self.branch(&st, cond, |w, st| w.dropped(st, b));
            } else if route.target == RouteTarget::Local {
                let (vpc2, f2) = (vpc.clone(), f.clone());
                self.branch(&st, cond, move |w, st| w.enter_vpc(st, &vpc2, Some(&f2)));
            } else {
                let id = route.target.id().to_owned();
                let reason = format!(
                    "traffic from a transit gateway attachment in `{f}` is routed by `{rt_id}` to `{id}`: forwarding it on to anything but the local route is not modelled (TGW-8)"
                );
                self.branch(&st, cond, |w, st| w.unknown(st, &id, &reason));
            }
        }
        let b = Blocked::new(
            &rt_id,
            ComponentKind::RouteTable,
            None,
            "none",
            format!("route table `{rt_id}` has no route for the destination"),
            "NO_ROUTE_TO_DESTINATION",
        );
        if unknown.is_empty() {
            self.branch(&st, all(&[routed, none]), |w, st| w.dropped(st, b));
        }
    }

    /// TGW-9: for each group whose rule references a group across the transit gateway, the
    /// packets for which it does: the destination (inbound) or source (outbound) is an interface
    /// carrying the group, and the other end an interface carrying the referenced group.
    fn tgw_group_references(&self, st: &State) -> Vec<(SecurityGroupId, Bool)> {
        let net = self.net;
        // The addresses of each group's members, in one pass over the interfaces.
        let mut members: BTreeMap<&SecurityGroupId, Vec<IpAddr>> = BTreeMap::new();
        for e in net.network_interfaces.values() {
            let addrs = self.fam_addrs(e);
            if addrs.is_empty() {
                continue;
            }
            for g in &e.groups {
                members.entry(g).or_default().extend(addrs.iter().copied());
            }
        }
        let mut out = Vec::new();
        for g in net.security_groups.values() {
            let Some(mine) = members.get(&g.id) else { continue };
            for (rules, inbound) in [(&g.ingress, true), (&g.egress, false)] {
                let mut seen = BTreeSet::new();
                for r in rules {
                    let SecurityGroupPeer::SecurityGroup { id, .. } = &r.peer else {
                        continue;
                    };
                    let Some(others) = members.get(id) else { continue };
                    if !seen.insert(id) {
                        continue;
                    }
                    let (here, there) = if inbound {
                        (&st.pkt.dst, &st.pkt.src)
                    } else {
                        (&st.pkt.src, &st.pkt.dst)
                    };
                    out.push((
                        g.id.clone(),
                        all(&[in_addrs(here, mine.iter()), in_addrs(there, others.iter())]),
                    ));
                }
            }
        }
        out
    }
}
