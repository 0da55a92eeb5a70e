//! The walk inside a VPC (SEMANTICS.md §3, §5.1, §6): a sender emits (security groups, the
//! source/destination check, same-subnet delivery), the route table decides (longest prefix,
//! RT-8..14, J5..J7), the packet crosses subnet boundaries through their network ACLs (NACL-4..9)
//! and arrives at the interface holding its destination.

use super::*;

impl Walk<'_> {
    // ---------------------------------------------------------------- §3 emit, arrive

    pub(super) fn emit(&mut self, mut st: State, sender: Sender) {
        let (subnet_id, id) = match &sender {
            Sender::Iface(x) => match self.net.network_interfaces.get(x) {
                Some(e) => (e.subnet.clone(), x.to_string()),
                None => return,
            },
            Sender::Nat(n) => match self.net.nat_gateways.get(n) {
                Some(g) => (g.subnet.clone(), n.to_string()),
                None => return,
            },
        };
        st.hops.push(id);
        if let Sender::Iface(x) = &sender
            && let Some(eni) = self.net.network_interfaces.get(x)
        {
            if st.leg == Leg::Request {
                let Some(next) = self.groups_check(st, eni, Direction::Outbound) else {
                    return;
                };
                st = next;
            }
            if eni.source_dest_check {
                let own = self.fam_addrs(eni);
                let is_own = in_addrs(&st.pkt.src, own.iter());
                let blocked = Blocked::new(
                    x,
                    ComponentKind::NetworkInterface,
                    Some(Direction::Outbound),
                    "NI-2",
                    format!(
                        "`{x}` has source/destination check enabled and the packet's source is not one of its addresses"
                    ),
                    "ENI_SOURCE_DEST_CHECK_RESTRICTION",
                );
                self.branch(&st, is_own.not(), |w, st| w.dropped(st, blocked));
                let sender2 = sender.clone();
                self.branch(&st, is_own, move |w, st| w.emit_from_subnet(st, &sender2, &subnet_id));
                return;
            }
        }
        self.emit_from_subnet(st, &sender, &subnet_id);
    }

    /// §3 steps 3-5: same-subnet delivery, else the route table.
    pub(super) fn emit_from_subnet(&mut self, st: State, sender: &Sender, subnet_id: &SubnetId) {
        let Some(subnet) = self.net.subnets.get(subnet_id) else {
            return;
        };
        let block = match self.family {
            IpFamily::V4 => subnet.cidr_v4,
            IpFamily::V6 => subnet.cidr_v6,
        };
        let in_subnet = block
            .map(|c| in_cidr(&st.pkt.dst, &c))
            .unwrap_or_else(|| Bool::from_bool(false));
        let sender_id = match sender {
            Sender::Iface(x) => x.to_string(),
            Sender::Nat(n) => n.to_string(),
        };
        let holders: Vec<Holder> = self
            .receivers(&st)
            .into_iter()
            .filter(|h| self.holder_subnet(h).as_ref() == Some(subnet_id))
            .filter(|h| match h {
                Holder::Iface(y, _) => y.as_str() != sender_id,
                Holder::Nat(n, _) => n.as_str() != sender_id,
            })
            .collect();
        let mut held = Vec::new();
        for h in holders {
            let c = in_addrs(&st.pkt.dst, h.addrs().iter());
            held.push(c.clone());
            self.branch(&st, all(&[in_subnet.clone(), c]), |w, st| w.take(st, &h));
        }
        // Addresses other hosts of the subnet hold end there (no candidate path); a NAT gateway's
        // address refuses requests at the subnet (§3 step 3, NGW-3).
        let (ifaces, nats) = self.occupants(subnet_id, &sender_id);
        if st.leg == Leg::Request {
            for (n, a) in &nats {
                let b = Blocked::new(
                    subnet_id,
                    ComponentKind::Subnet,
                    None,
                    "NGW-3",
                    format!(
                        "the destination is the address of NAT gateway `{n}`, which does not change destination addresses: nothing behind it can be reached through its address (NGW-11)"
                    ),
                    "NGW_DEST_ADDRESS_PRESERVATION",
                );
                let c = all(&[in_subnet.clone(), st.pkt.dst.eq(ip_const(a))]);
                self.branch(&st, c, |w, st| w.dropped(st, b));
            }
        }
        let occupied: Vec<IpAddr> = ifaces.into_iter().chain(nats.into_iter().map(|n| n.1)).collect();
        // The sender's own addresses are held (by the sender), and not sent out to itself.
        let own: Vec<IpAddr> = match sender {
            Sender::Iface(x) => self
                .net
                .network_interfaces
                .get(x)
                .map(|e| self.fam_addrs(e))
                .unwrap_or_default(),
            Sender::Nat(_) => Vec::new(),
        };
        let to_self = in_addrs(&st.pkt.dst, own.iter());
        let none = all(&[
            in_subnet.clone(),
            any(&held).not(),
            in_addrs(&st.pkt.dst, occupied.iter()).not(),
        ]);
        let itself = Blocked::new(
            subnet_id,
            ComponentKind::Subnet,
            None,
            "J25",
            format!("the destination is `{sender_id}`'s own address: it is not sent out to itself"),
            "NO_POSSIBLE_DESTINATION",
        );
        self.branch(&st, all(&[none.clone(), to_self.clone()]), |w, st| {
            w.dropped(st, itself)
        });
        let nobody = Blocked::new(
            subnet_id,
            ComponentKind::Subnet,
            None,
            "J25",
            format!(
                "no other network interface in subnet `{subnet_id}` holds the destination address (a reserved, broadcast or unused address)"
            ),
            "NO_POSSIBLE_DESTINATION",
        );
        self.branch(&st, all(&[none, to_self.not()]), |w, st| w.dropped(st, nobody));
        let sid = subnet_id.clone();
        self.branch(&st, in_subnet.not(), |w, st| w.route(st, &sid));
    }

    /// The private addresses (of this family) held in a subnet by interfaces other than `except`,
    /// and by NAT gateways other than `except`.
    pub(super) fn occupants(&self, s: &SubnetId, except: &str) -> (Vec<IpAddr>, Vec<(NatGatewayId, IpAddr)>) {
        let ifaces = self
            .ix
            .interfaces_in(s)
            .iter()
            .filter(|x| x.as_str() != except)
            .filter_map(|x| self.net.network_interfaces.get(x))
            .flat_map(|e| self.fam_addrs(e))
            .collect();
        let nats = self
            .net
            .nat_gateways
            .values()
            .filter(|n| &n.subnet == s && n.id.as_str() != except)
            .flat_map(|n| n.addresses.iter().map(|a| (n.id.clone(), IpAddr::V4(a.private_ip))))
            .filter(|(_, a)| IpFamily::of(a) == self.family)
            .collect();
        (ifaces, nats)
    }

    /// A holder takes the packet addressed to it.
    pub(super) fn take(&mut self, st: State, h: &Holder) {
        match h {
            Holder::Iface(y, _) => self.arrive(st, y),
            Holder::Nat(n, _) => self.nat_reply(st, n),
        }
    }

    /// §3 `arrive`: the packet's destination is one of Y's addresses.
    pub(super) fn arrive(&mut self, mut st: State, y: &NetworkInterfaceId) {
        let Some(eni) = self.net.network_interfaces.get(y) else {
            return;
        };
        st.hops.push(y.to_string());
        match st.leg {
            Leg::Request => {
                if st.lb.is_some() {
                    return self.lb_at_target(st, y);
                }
                if !self.dest_ifaces.contains(y) {
                    return;
                }
                let Some(mut st) = self.groups_check(st, eni, Direction::Inbound) else {
                    return;
                };
                // ELB-3: a load balancer's node takes the request to a target.
                if let Some(lb) = self.net.elb.node_owner(y) {
                    return self.lb_request(st, y, &lb.id);
                }
                st.dest_iface = Some(y.clone());
                self.delivered_request(st, Arrival::Iface(y.clone()));
            }
            Leg::Reply => {
                if st.lb.as_ref().is_some_and(|s| s.node == *y) {
                    return self.lb_back_at_node(st);
                }
                if let Some(rec) = st
                    .records
                    .iter()
                    .rev()
                    .find(|r| r.by == Translator::Iface(y.clone()))
                    .cloned()
                {
                    // A NAT instance undoes its masquerade (NI-4) and forwards.
                    let matches = reverse_matches(&st.pkt, &rec.after);
                    let blocked = Blocked::new(
                        y,
                        ComponentKind::NetworkInterface,
                        Some(Direction::Inbound),
                        "NI-4",
                        format!("the reply reaching `{y}` does not match the connection it translated"),
                        "NO_PATH",
                    );
                    self.branch(&st, matches.not(), |w, st| w.dropped(st, blocked));
                    let untranslated = untranslate(&st.pkt, &rec.before);
                    let y2 = y.clone();
                    self.branch(&st, matches, move |w, mut st| {
                        st.pkt = untranslated;
                        w.emit(st, Sender::Iface(y2))
                    });
                } else if st.start == StartPoint::Interface(y.clone()) {
                    self.delivered_reply(st);
                }
            }
        }
    }

    // ---------------------------------------------------------------- §6 route lookup

    pub(super) fn route(&mut self, mut st: State, from: &SubnetId) {
        let Some(rt_id) = self.ix.route_table_of(from).cloned() else {
            // Every VPC has a main route table: one missing from the input is not modelled.
            return self.unknown(
                st,
                from.as_str(),
                &format!("subnet `{from}` has no route table in the input (its VPC's main route table is missing)"),
            );
        };
        st.lookups += 1;
        if st.lookups > MAX_LOOKUPS {
            let b = Blocked::new(
                &rt_id,
                ComponentKind::RouteTable,
                None,
                "16 lookups",
                format!("the packet was routed more than {MAX_LOOKUPS} times: a routing loop"),
                "ROUTING_LOOP",
            );
            return self.dropped(st, b);
        }
        st.hops.push(rt_id.to_string());
        let Some(table) = self.net.route_tables.get(&rt_id) else {
            return;
        };
        // §6 step 1 (RT-9) comes before the candidates (step 2), whose prefix lists may be unknown.
        let rt9 = in_cidr(&st.pkt.dst, &never_forwarded(self.family));
        let b9 = Blocked::new(
            &rt_id,
            ComponentKind::RouteTable,
            None,
            "RT-9",
            format!("AWS never forwards packets to {} (RT-9)", never_forwarded(self.family)),
            "NO_ROUTE_TO_DESTINATION",
        );
        self.branch(&st, rt9.clone(), |w, st| w.dropped(st, b9));
        let (cands, unknown) = candidates(self.net, table, self.family);
        let dst = st.pkt.dst.clone();
        let (winners, none) = selection(&cands, &dst);
        for (c, cond) in winners {
            let cond = all(&[rt9.not(), cond]);
            if c.route.state == RouteState::Blackhole && settled_over(c.route, &unknown) {
                let ranked = unknown.is_empty();
                self.branch(&st, cond, |w, st| w.blackhole_drop(st, table, &cands, c, ranked));
            } else if settled_over(c.route, &unknown) {
                self.branch(&st, cond, |w, st| w.take_route(st, from, &rt_id, c));
            } else {
                self.branch(&st, cond, |w, st| w.unsettled_route(st, &unknown));
            }
        }
        if !unknown.is_empty() {
            return self.branch(&st, all(&[rt9.not(), none]), |w, st| w.unsettled_route(st, &unknown));
        }
        // RT-21: a destination in a VPC that no peering connection or transit gateway joins to
        // this table's VPC.
        let mut apart: Vec<Cidr> = Vec::new();
        for w in self.net.vpcs.values().filter(|w| w.id != table.vpc) {
            let peered = self.net.vpc_peering_connections.values().any(|c| {
                [&c.requester, &c.accepter].contains(&&table.vpc) && [&c.requester, &c.accepter].contains(&&w.id)
            });
            let transit = self
                .net
                .transit_gateways
                .values()
                .any(|t| t.vpcs.contains(&table.vpc) && t.vpcs.contains(&w.id));
            if !peered && !transit {
                apart.extend(w.cidrs().filter(|c| c.family() == self.family).copied());
            }
        }
        let disconnected = in_any_cidr(&st.pkt.dst, apart.iter());
        let b = Blocked::new(
            &rt_id,
            ComponentKind::RouteTable,
            None,
            "none",
            format!(
                "route table `{rt_id}` has no route for the destination, an address of a VPC that no peering connection or transit gateway joins to `{}`",
                table.vpc
            ),
            "DISCONNECTED_VPCS",
        );
        self.branch(&st, all(&[rt9.not(), none.clone(), disconnected.clone()]), |w, st| {
            w.dropped(st, b)
        });
        // RT-23, else no route.
        self.no_route_drop(&st, table, all(&[rt9.not(), none, disconnected.not()]));
    }

    /// RT-13a: a route naming a prefix list whose entries are not known may win instead of the
    /// known winner (or of no route), and leads elsewhere: unknown there, naming the list.
    pub(super) fn unsettled_route(&mut self, st: State, unknown: &UnknownRoutes<'_>) {
        if let Some((_, pl)) = unknown.first() {
            self.unknown(
                st,
                pl.as_str(),
                "a route's destination prefix list has entries not in the input, and its route leads elsewhere than the other routes for the destination (RT-13a)",
            );
        }
    }

    pub(super) fn take_route(&mut self, st: State, from: &SubnetId, rt: &RouteTableId, c: &Candidate<'_>) {
        let route = c.route;
        if route.state == RouteState::Blackhole {
            let b = Blocked::new(
                rt,
                ComponentKind::RouteTable,
                None,
                route.destination.to_string(),
                format!(
                    "the matching route {} -> {} in `{rt}` is a blackhole: its target is gone or not available",
                    route.destination,
                    route.target.id()
                ),
                "BAD_STATE_ROUTE",
            );
            return self.dropped(st, b);
        }
        let vpc = match self.net.subnets.get(from) {
            Some(s) => s.vpc.clone(),
            None => return,
        };
        // RT-14a: an active route to a target the input lacks answers unknown naming it; a gateway
        // or peering connection lies outside the sender's subnet (its outbound ACL first), a NAT
        // gateway, instance or interface may lie inside it (no ACL).
        let net = self.net;
        let absent = |w: &mut Self, st: State, what: &str, id: &str| {
            let reason = w.unsupported(id).unwrap_or_else(|| {
                format!(
                    "the active route {} -> {id} in `{rt}` targets {what} `{id}`, which is not in the input: the input is incomplete (AWS marks a route blackhole itself when its target is gone, RT-14a)",
                    route.destination
                )
            });
            w.unknown(st, id, &reason)
        };
        match &route.target {
            RouteTarget::Local => match net.route_tables.get(rt) {
                Some(table) => self.local_route(st, table, route, from, &vpc),
                None => self.local(st, from, &vpc),
            },
            RouteTarget::InternetGateway(g) => {
                let Some(st) = self.acl(st, from, Direction::Outbound) else {
                    return;
                };
                if !net.internet_gateways.contains_key(g) {
                    return absent(self, st, "internet gateway", g.as_str());
                }
                self.igw_out(st, &vpc, g);
            }
            RouteTarget::EgressOnlyInternetGateway(g) => {
                let Some(st) = self.acl(st, from, Direction::Outbound) else {
                    return;
                };
                if !net.egress_only_internet_gateways.contains_key(g) {
                    return absent(self, st, "egress-only internet gateway", g.as_str());
                }
                self.eigw_out(st, &vpc, g);
            }
            RouteTarget::NatGateway(n) => {
                if !net.nat_gateways.contains_key(n) {
                    return absent(self, st, "NAT gateway", n.as_str());
                }
                self.nat_request(st, from, n)
            }
            RouteTarget::Instance(i) => {
                let Some(inst) = net.instances.get(i) else {
                    return absent(self, st, "instance", i.as_str());
                };
                let Some(y) = inst.primary_interface().cloned() else {
                    // `finish` makes this route a blackhole (NI-5).
                    return self.unknown(
                        st,
                        i.as_str(),
                        &format!("instance `{i}` has no network interface in the input"),
                    );
                };
                if !net.network_interfaces.contains_key(&y) {
                    return self.unknown(
                        st,
                        y.as_str(),
                        &format!("the primary network interface `{y}` of instance `{i}`, the target of a route in `{rt}`, is not in the input"),
                    );
                }
                self.appliance(st, from, &y)
            }
            RouteTarget::NetworkInterface(y) => {
                if !net.network_interfaces.contains_key(y) {
                    return absent(self, st, "network interface", y.as_str());
                }
                let y = y.clone();
                self.appliance(st, from, &y)
            }
            RouteTarget::VpcPeeringConnection(p) => {
                let Some(st) = self.acl(st, from, Direction::Outbound) else {
                    return;
                };
                if !net.vpc_peering_connections.contains_key(p) {
                    return absent(self, st, "peering connection", p.as_str());
                }
                self.peering(st, &vpc, p);
            }
            RouteTarget::VpcEndpoint(e) => {
                let Some(st) = self.acl(st, from, Direction::Outbound) else {
                    return;
                };
                if !net.vpc_endpoints.contains_key(e) {
                    return absent(self, st, "endpoint", e.as_str());
                }
                self.endpoint_out(st, &vpc, e);
            }
            RouteTarget::VpnGateway(g) => {
                let Some(st) = self.acl(st, from, Direction::Outbound) else {
                    return;
                };
                if !net.vpn_gateways.contains_key(g) {
                    return absent(self, st, "virtual private gateway", g.as_str());
                }
                self.vgw_out(st, &vpc, g);
            }
            RouteTarget::TransitGateway(t) => {
                let Some(st) = self.acl(st, from, Direction::Outbound) else {
                    return;
                };
                if !net.transit_gateways.contains_key(t) {
                    return absent(self, st, "transit gateway", t.as_str());
                }
                self.tgw_enter(st, from, &vpc, rt, route, t);
            }
            RouteTarget::Unsupported { field, id } => {
                let Some(st) = self.acl(st, from, Direction::Outbound) else {
                    return;
                };
                self.unknown(st, id, &format!("route target `{id}` ({field}) is not modelled"));
            }
        }
    }

    /// The ACL of a subnet in one direction, as a tracked check. A subnet without a network ACL
    /// in the input is assumed to admit every packet (§7, NACL-1a, BOUND-1).
    pub(super) fn acl(&mut self, mut st: State, subnet: &SubnetId, dir: Direction) -> Option<State> {
        let acl = self
            .ix
            .network_acl_of(subnet)
            .and_then(|id| self.net.network_acls.get(id));
        let Some(acl) = acl else {
            st.assume(
                subnet.as_str(),
                format!("subnet `{subnet}` has no network ACL in the input (AWS gives every subnet one, NACL-1): the input is incomplete (NACL-1a)"),
                Bool::from_bool(true),
            );
            return Some(st);
        };
        let acl_id = acl.id.clone();
        st.hops.push(acl_id.to_string());
        let entries = acl_entries(acl, dir, self.family);
        let allows = acl_allows(&entries, &st.pkt);
        // SG-13: the first NAT gateway translation of the request leg, if any.
        let reassigned = if dir == Direction::Inbound && st.leg == Leg::Request {
            st.records.iter().find(|r| matches!(r.by, Translator::Nat(_))).map(|r| {
                let mut before = st.pkt.clone();
                before.src = r.before.src.clone();
                acl_allows(&entries, &before)
            })
        } else {
            None
        };
        // SG-14: a reply addressed to a NAT gateway's remapped source port.
        let remapped = if dir == Direction::Inbound && st.leg == Leg::Reply {
            let cases: Vec<Bool> = st
                .records
                .iter()
                .filter(|r| matches!(r.by, Translator::Nat(_)))
                .map(|r| {
                    let mut before = st.pkt.clone();
                    before.dport = r.before.sport.clone();
                    all(&[
                        st.pkt.has_ports(),
                        st.pkt.dst.eq(&r.after.src),
                        st.pkt.dport.eq(&r.after.sport),
                        r.after.sport.eq(&r.before.sport).not(),
                        acl_allows(&entries, &before),
                    ])
                })
                .collect();
            (!cases.is_empty()).then(|| any(&cases))
        } else {
            None
        };
        self.add_check(
            &mut st,
            allows,
            CheckInfo::Acl {
                acl: acl_id,
                subnet: subnet.clone(),
                dir,
                reassigned,
                remapped,
            },
        );
        Some(st)
    }

    /// Subnets of a VPC that hold some receiver of this leg.
    pub(super) fn receiving_subnets(&self, st: &State, vpc: &VpcId) -> Vec<(SubnetId, Vec<Holder>)> {
        let mut by_subnet: BTreeMap<SubnetId, Vec<Holder>> = BTreeMap::new();
        for h in self.receivers(st) {
            if self.holder_vpc(&h).as_ref() == Some(vpc)
                && let Some(s) = self.holder_subnet(&h)
            {
                by_subnet.entry(s).or_default().push(h);
            }
        }
        by_subnet.into_iter().collect()
    }

    pub(super) fn subnet_block(&self, s: &SubnetId) -> Option<Cidr> {
        self.net.subnets.get(s).and_then(|x| match self.family {
            IpFamily::V4 => x.cidr_v4,
            IpFamily::V6 => x.cidr_v6,
        })
    }

    /// The packet enters a VPC (from a subnet, a gateway or a peering) and goes to the subnet
    /// holding its destination; `acl_out` is the sender's subnet when it crosses out of one.
    pub(super) fn enter_vpc(&mut self, st: State, vpc: &VpcId, acl_out: Option<&SubnetId>) {
        let mut targets = self.receiving_subnets(&st, vpc);
        if st.leg == Leg::Request && self.wide_destination() {
            // The destination may be an address nobody (or a NAT gateway) holds: every subnet is a
            // candidate, where it is dropped (§5.1, `arrive_subnet`).
            for s in self.ix.subnets_of(vpc) {
                if !targets.iter().any(|(t, _)| t == s) {
                    targets.push((s.clone(), Vec::new()));
                }
            }
        }
        let blocks: Vec<Cidr> = self
            .ix
            .subnets_of(vpc)
            .iter()
            .filter_map(|s| self.subnet_block(s))
            .collect();
        let in_some_subnet = in_any_cidr(&st.pkt.dst, blocks.iter());
        for (s, holders) in targets {
            if Some(&s) == acl_out {
                continue;
            }
            let Some(block) = self.subnet_block(&s) else { continue };
            let cond = in_cidr(&st.pkt.dst, &block);
            let from = acl_out.cloned();
            self.branch(&st, cond, |w, mut st| {
                if let Some(f) = &from {
                    let Some(next) = w.acl(st, f, Direction::Outbound) else {
                        return;
                    };
                    st = next;
                }
                let Some(st) = w.acl(st, &s, Direction::Inbound) else {
                    return;
                };
                w.deliver_in_subnet(st, &s, &holders)
            });
        }
        let b = Blocked::new(
            vpc,
            ComponentKind::Vpc,
            None,
            "RT-5",
            format!("the destination lies in no subnet of `{vpc}`"),
            "NO_POSSIBLE_DESTINATION",
        );
        self.branch(&st, in_some_subnet.not(), |w, st| w.dropped(st, b));
    }

    /// The question's destinations are not only addresses of its destination interfaces: a block
    /// (which may hold addresses nobody holds), or anything behind a forwarding component.
    pub(super) fn wide_destination(&self) -> bool {
        self.q.to.through.is_some() || matches!(self.q.to.external, Some(External::Block(_)))
    }

    pub(super) fn deliver_in_subnet(&mut self, st: State, s: &SubnetId, holders: &[Holder]) {
        let mut held = Vec::new();
        for h in holders {
            let c = in_addrs(&st.pkt.dst, h.addrs().iter());
            held.push(c.clone());
            self.branch(&st, c, |w, st| w.take(st, h));
        }
        // Other hosts' addresses end there (no candidate path); a NAT gateway refuses requests.
        let (ifaces, nats) = self.occupants(s, "");
        if st.leg == Leg::Request {
            for (n, a) in &nats {
                let c = st.pkt.dst.eq(ip_const(a));
                self.branch(&st, c, |w, st| w.nat_reply(st, n));
            }
        }
        let occupied: Vec<IpAddr> = ifaces.into_iter().chain(nats.into_iter().map(|n| n.1)).collect();
        held.push(in_addrs(&st.pkt.dst, occupied.iter()));
        let b = Blocked::new(
            s,
            ComponentKind::Subnet,
            None,
            "RT-5",
            format!("no network interface in subnet `{s}` holds the destination address"),
            "NO_POSSIBLE_DESTINATION",
        );
        self.branch(&st, any(&held).not(), |w, st| w.dropped(st, b));
    }

    // ---------------------------------------------------------------- §5 targets

    /// §5.1 the local route.
    pub(super) fn local(&mut self, st: State, from: &SubnetId, vpc: &VpcId) {
        self.enter_vpc(st, vpc, Some(from));
    }
}
