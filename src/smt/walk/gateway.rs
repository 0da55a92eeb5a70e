//! The walk through gateways and translators (SEMANTICS.md §5.2–§5.8): internet gateway 1:1
//! translation and its address filters (IGW-2..6, J13), egress-only gateway (V6-1), NAT gateway
//! (NGW-2..8) and NAT instance (NI-2, NI-4) translations, peering without transit or
//! edge-to-edge (PCX-5..7), gateway endpoints (GWE-7/8, J18), virtual private gateways (VGW-3,
//! VGW-5). VPC Block Public Access (BPA-1..5) is split on by `bpa` once a gateway's own address
//! rules pass. Onto the internet, the VPCs' public addresses are first refuted together (SOLVE-10).

use super::*;

impl Walk<'_> {
    /// §5.2 internet gateway, outbound.
    pub(super) fn igw_out(&mut self, mut st: State, vpc: &VpcId, g: &InternetGatewayId) {
        // Step 2: Block Public Access the input leaves uncertain (BPA-6), or a gateway route table.
        if let Some(reason) = self.unsupported(vpc.as_str()) {
            return self.unknown(st, vpc.as_str(), &reason);
        }
        // §5.2 outbound step 2: a gateway route table on G is not modelled either way.
        if let Some(rt) = self.gateway_route_table(g.as_str()) {
            return self.unknown(
                st,
                rt.as_str(),
                &format!("gateway route table `{rt}` on `{g}` (ingress routing, RT-18) is not modelled"),
            );
        }
        st.hops.push(g.to_string());
        let gate = Gate::Igw(g.clone(), vpc.clone());
        match self.family {
            IpFamily::V4 => {
                let private = in_any_cidr(&st.pkt.dst, ranges::igw_private_v4().iter());
                let shared = in_any_cidr(&st.pkt.dst, ranges::rfc6598_v4().iter());
                let b = Blocked::new(
                    g,
                    ComponentKind::InternetGateway,
                    Some(Direction::Outbound),
                    "IGW-6",
                    format!("internet gateway `{g}` does not forward to private (RFC 1918) destinations"),
                    "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS",
                );
                self.branch(&st, all(&[private.clone(), shared.not()]), |w, st| w.dropped(st, b));
                let b = Blocked::new(
                    g,
                    ComponentKind::InternetGateway,
                    Some(Direction::Outbound),
                    "IGW-6",
                    format!("internet gateway `{g}` does not forward to shared (RFC 6598) destinations"),
                    "IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS",
                );
                self.branch(&st, shared, |w, st| w.dropped(st, b));
                let senders = self.senders(&st);
                let pairs = self.public_pairs(&senders, vpc);
                let privates: Vec<IpAddr> = pairs.iter().map(|p| p.0).collect();
                let mapped = in_addrs(&st.pkt.src, privates.iter());
                let b = Blocked::new(
                    g,
                    ComponentKind::InternetGateway,
                    Some(Direction::Outbound),
                    "IGW-5",
                    format!("internet gateway `{g}` drops the packet: its source has no public IPv4 or Elastic IP"),
                    "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
                );
                self.branch(&st, all(&[private.not(), mapped.not()]), |w, st| w.dropped(st, b));
                let (gid, v) = (g.to_string(), vpc.clone());
                self.branch(&st, all(&[private.not(), mapped]), move |w, st| {
                    let addr = st.pkt.src.clone();
                    w.bpa_gate(
                        st,
                        addr,
                        &gid,
                        ComponentKind::InternetGateway,
                        &v,
                        true,
                        move |w, mut st| {
                            st.pkt.src = map_addrs(&st.pkt.src, &pairs);
                            w.onto_internet(st, gate)
                        },
                    )
                });
            }
            IpFamily::V6 => {
                let own = self.sender_v6_addrs(&st, vpc);
                let ok = in_addrs(&st.pkt.src, own.iter());
                let b = Blocked::new(
                    g,
                    ComponentKind::InternetGateway,
                    Some(Direction::Outbound),
                    "IGW-6",
                    format!("internet gateway `{g}` rejects a source that is not an IPv6 address of the VPC"),
                    "GATEWAY_REJECTS_SPOOFED_TRAFFIC",
                );
                self.branch(&st, ok.not(), |w, st| w.dropped(st, b));
                let (gid, v) = (g.to_string(), vpc.clone());
                self.branch(&st, ok, move |w, st| {
                    let addr = st.pkt.src.clone();
                    w.bpa_gate(
                        st,
                        addr,
                        &gid,
                        ComponentKind::InternetGateway,
                        &v,
                        true,
                        move |w, st| w.onto_internet(st, gate),
                    )
                });
            }
        }
    }

    pub(super) fn sender_v6_addrs(&self, st: &State, vpc: &VpcId) -> Vec<IpAddr> {
        self.senders(st)
            .iter()
            .filter(|h| self.holder_vpc(h).as_ref() == Some(vpc))
            .flat_map(|h| h.addrs())
            .filter(|a| a.is_ipv6())
            .collect()
    }

    /// §5.2 step 5: on the internet, into a modelled VPC or out to an external host.
    ///
    /// Every public IPv4 mapped in a modelled VPC, and every address of a modelled IPv6 block,
    /// enters that VPC, whoever holds it (not only the question's receivers): only the rest of
    /// the internet is external.
    pub(super) fn onto_internet(&mut self, st: State, gate: Gate) {
        // SOLVE-10: one check for every VPC at once first: a packet no modelled public address or
        // IPv6 block can be the destination of (the reply to an internet host, whose address is
        // none of them, §4) takes none of the branches per VPC, and asking each VPC would cost a
        // check per VPC of the estate.
        if self.solver.defers(&st.pkt.dst) {
            // The destination is the question's internet host, which is none of them (§4): the
            // solver holds that exclusion back (SOLVE-11), so it is not asked.
            return self.delivered_external(st, gate);
        }
        let mapped_anywhere = match self.family {
            IpFamily::V4 => in_addrs(&st.pkt.dst, self.publics().iter()),
            IpFamily::V6 => {
                let blocks: Vec<Cidr> = self
                    .net
                    .vpcs
                    .values()
                    .flat_map(|x| x.cidrs_v6.iter().copied())
                    .collect();
                in_any_cidr(&st.pkt.dst, blocks.iter())
            }
        };
        if self.refuted(&st, &mapped_anywhere) {
            // Every packet here is for the rest of the internet: no condition to add.
            return self.delivered_external(st, gate);
        }
        let mut conds = Vec::new();
        let vpcs: Vec<VpcId> = self.net.vpcs.keys().cloned().collect();
        for v in vpcs {
            let cond = match self.family {
                IpFamily::V4 => {
                    let publics = self.public_addresses_in(&v);
                    if publics.is_empty() {
                        continue;
                    }
                    in_addrs(&st.pkt.dst, publics.iter())
                }
                IpFamily::V6 => {
                    let blocks: Vec<Cidr> = self.net.vpcs.get(&v).map(|x| x.cidrs_v6.clone()).unwrap_or_default();
                    if blocks.is_empty() {
                        continue;
                    }
                    in_any_cidr(&st.pkt.dst, blocks.iter())
                }
            };
            conds.push(cond.clone());
            let entry = self.ix.internet_gateway_of(&v).cloned();
            let eigw = self.ix.egress_only_gateway_of(&v).cloned();
            let leg = st.leg;
            // A reply enters through the egress-only gateway its request left by (V6-1), before
            // the VPC's internet gateway; one whose request did not leave by it is refused.
            let request_hops = st.hops.get(..st.reply_from.unwrap_or(0)).unwrap_or_default();
            let left_by_eigw = leg == Leg::Reply
                && eigw
                    .as_ref()
                    .is_some_and(|e| request_hops.iter().any(|h| h == e.as_str()));
            self.branch(&st, cond, |w, st| match (entry, eigw) {
                (_, Some(e)) if w.family == IpFamily::V6 && left_by_eigw => w.eigw_in(st, &v, &e),
                (Some(g), _) => w.internet_in(st, &v, &g),
                (None, Some(e)) if w.family == IpFamily::V6 && leg == Leg::Reply => {
                    let b = Blocked::new(&e, ComponentKind::EgressOnlyInternetGateway, Some(Direction::Inbound), "V6-1", format!("egress-only internet gateway `{e}` admits only replies to connections initiated from inside, and the request did not leave through it"), "NO_PATH");
                    w.dropped(st, b)
                }
                (None, Some(e)) if w.family == IpFamily::V6 => {
                    let b = Blocked::new(&e, ComponentKind::EgressOnlyInternetGateway, Some(Direction::Inbound), "V6-1", format!("egress-only internet gateway `{e}` admits no connection initiated from the internet, and `{v}` has no internet gateway"), "NO_PATH");
                    w.dropped(st, b)
                }
                (None, _) => {
                    let b = Blocked::new(&v, ComponentKind::Vpc, Some(Direction::Inbound), "IGW-3", format!("`{v}` has no internet gateway, so nothing from the internet enters it"), "NO_PATH");
                    w.dropped(st, b)
                }
            });
        }
        // Every modelled public address and IPv6 block was a branch above: what is left is the
        // rest of the internet.
        self.branch(&st, any(&conds).not(), |w, st| w.delivered_external(st, gate));
    }

    /// The Elastic IPs of the NAT gateways of a VPC, with the private addresses they map to.
    pub(super) fn nat_eips(&self, vpc: &VpcId) -> Vec<(IpAddr, IpAddr, NatGatewayId)> {
        let mut out = Vec::new();
        for n in self.net.nat_gateways.values().filter(|n| &n.vpc == vpc) {
            for a in &n.addresses {
                if let Some(pb) = a.public_ip {
                    out.push((IpAddr::V4(pb), IpAddr::V4(a.private_ip), n.id.clone()));
                }
            }
        }
        out
    }

    /// §4: a request from the internet enters the VPC whose internet gateway maps its
    /// destination: a public IPv4 mapped in `vpc`, or an address of its IPv6 blocks. A private
    /// IPv4 of `vpc` is taken to its gateway too, which refuses it (the simulator's decision in
    /// `internet_request`). Anything else never reaches `vpc`'s gateway.
    pub(super) fn addressed_to(&self, dst: &BV, vpc: &VpcId) -> Bool {
        let blocks: Vec<Cidr> = self
            .net
            .vpcs
            .get(vpc)
            .map(|v| v.cidrs().filter(|c| c.family() == self.family).copied().collect())
            .unwrap_or_default();
        let publics = match self.family {
            IpFamily::V4 => self.public_addresses_in(vpc),
            IpFamily::V6 => Vec::new(),
        };
        any(&[in_addrs(dst, publics.iter()), in_any_cidr(dst, blocks.iter())])
    }

    /// Every public IPv4 or Elastic IP mapped to a private address of an interface or NAT gateway
    /// in `vpc` (IGW-2).
    pub(super) fn public_addresses_in(&self, vpc: &VpcId) -> Vec<IpAddr> {
        self.ix
            .public_addresses_in(vpc)
            .iter()
            .map(|a| IpAddr::V4(*a))
            .collect()
    }

    /// §5.2 internet gateway, inbound.
    pub(super) fn internet_in(&mut self, mut st: State, vpc: &VpcId, g: &InternetGatewayId) {
        if let Some(reason) = self.unsupported(vpc.as_str()) {
            return self.unknown(st, vpc.as_str(), &reason);
        }
        if let Some(rt) = self.gateway_route_table(g.as_str()) {
            return self.unknown(
                st,
                rt.as_str(),
                &format!("gateway route table `{rt}` on `{g}` (ingress routing, RT-18) is not modelled"),
            );
        }
        st.hops.push(g.to_string());
        match self.family {
            IpFamily::V4 => {
                let private_src = in_any_cidr(&st.pkt.src, ranges::igw_private_v4().iter());
                let shared_src = in_any_cidr(&st.pkt.src, ranges::rfc6598_v4().iter());
                let b = Blocked::new(
                    g,
                    ComponentKind::InternetGateway,
                    Some(Direction::Inbound),
                    "IGW-6",
                    format!("internet gateway `{g}` drops inbound packets from private (RFC 1918) sources"),
                    "IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS",
                );
                self.branch(&st, all(&[private_src.clone(), shared_src.not()]), |w, st| {
                    w.dropped(st, b)
                });
                let b = Blocked::new(
                    g,
                    ComponentKind::InternetGateway,
                    Some(Direction::Inbound),
                    "IGW-6",
                    format!("internet gateway `{g}` drops inbound packets from shared (RFC 6598) sources"),
                    "IGW_SOURCE_ADDRESS_NOT_IN_RFC6598_INGRESS",
                );
                self.branch(&st, shared_src, |w, st| w.dropped(st, b));
                let receivers = self.receivers(&st);
                let pairs: Vec<(IpAddr, IpAddr)> = self
                    .public_pairs(&receivers, vpc)
                    .into_iter()
                    .map(|(a, b)| (b, a))
                    .collect();
                let publics: Vec<IpAddr> = pairs.iter().map(|p| p.0).collect();
                let mapped = in_addrs(&st.pkt.dst, publics.iter());
                // Public addresses of the VPC that no receiver holds: the packet ends at another
                // host (no candidate path), or at a NAT gateway, which refuses requests (NGW-3).
                let known = in_addrs(&st.pkt.dst, self.public_addresses_in(vpc).iter());
                let b = Blocked::new(
                    g,
                    ComponentKind::InternetGateway,
                    Some(Direction::Inbound),
                    "IGW-2",
                    format!(
                        "internet gateway `{g}` maps no public address of the VPC to the destination (it has no public IPv4 or Elastic IP)"
                    ),
                    "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
                );
                // A private destination is not routed on the internet at all: no candidate path.
                let private_dst = in_any_cidr(&st.pkt.dst, ranges::igw_private_v4().iter());
                self.branch(
                    &st,
                    all(&[private_src.not(), known.not(), private_dst.not()]),
                    |w, st| w.dropped(st, b),
                );
                let v2 = vpc.clone();
                let gid = g.to_string();
                self.branch(&st, all(&[private_src.not(), mapped]), move |w, mut st| {
                    st.pkt.dst = map_addrs(&st.pkt.dst, &pairs);
                    let addr = st.pkt.dst.clone();
                    w.bpa_gate(st, addr, &gid, ComponentKind::InternetGateway, &v2, false, |w, st| {
                        w.enter_vpc(st, &v2, None)
                    })
                });
                if st.leg == Leg::Request {
                    for (eip, private, n) in self.nat_eips(vpc) {
                        let Some(subnet) = self.net.nat_gateways.get(&n).map(|x| x.subnet.clone()) else {
                            continue;
                        };
                        let to_nat = all(&[private_src.not(), st.pkt.dst.eq(ip_const(&eip))]);
                        let (gid, v) = (g.to_string(), vpc.clone());
                        self.branch(&st, to_nat, move |w, mut st| {
                            st.pkt.dst = ip_const(&private);
                            let addr = st.pkt.dst.clone();
                            w.bpa_gate(
                                st,
                                addr,
                                &gid,
                                ComponentKind::InternetGateway,
                                &v,
                                false,
                                move |w, st| {
                                    let Some(st) = w.acl(st, &subnet, Direction::Inbound) else {
                                        return;
                                    };
                                    w.nat_reply(st, &n)
                                },
                            )
                        });
                    }
                }
            }
            IpFamily::V6 => {
                let blocks: Vec<Cidr> = self.net.vpcs.get(vpc).map(|x| x.cidrs_v6.clone()).unwrap_or_default();
                let inside = in_any_cidr(&st.pkt.dst, blocks.iter());
                let b = Blocked::new(
                    g,
                    ComponentKind::InternetGateway,
                    Some(Direction::Inbound),
                    "IGW-2",
                    format!("the destination is not in an IPv6 block of `{vpc}`"),
                    "IGW_DESTINATION_ADDRESS_IN_VPC_CIDRS",
                );
                self.branch(&st, inside.not(), |w, st| w.dropped(st, b));
                let v2 = vpc.clone();
                let gid = g.to_string();
                self.branch(&st, inside, move |w, st| {
                    let addr = st.pkt.dst.clone();
                    w.bpa_gate(st, addr, &gid, ComponentKind::InternetGateway, &v2, false, |w, st| {
                        w.enter_vpc(st, &v2, None)
                    })
                });
            }
        }
    }

    /// §5.7 egress-only internet gateway, outbound.
    pub(super) fn eigw_out(&mut self, mut st: State, vpc: &VpcId, g: &EgressOnlyInternetGatewayId) {
        // BPA-6: Block Public Access the input leaves uncertain.
        if let Some(reason) = self.unsupported(vpc.as_str()) {
            return self.unknown(st, vpc.as_str(), &reason);
        }
        st.hops.push(g.to_string());
        let drop = |w: &mut Self, st: State, rule: &str, reason: String, code: &str| {
            let b = Blocked::new(
                g,
                ComponentKind::EgressOnlyInternetGateway,
                Some(Direction::Outbound),
                rule,
                reason,
                code,
            );
            w.dropped(st, b)
        };
        if self.family == IpFamily::V4 {
            return drop(
                self,
                st,
                "V6-1",
                format!("egress-only internet gateway `{g}` carries IPv6 only"),
                "PROTOCOL_RESTRICTION",
            );
        }
        if st.leg == Leg::Reply {
            return drop(
                self,
                st,
                "V6-1",
                format!(
                    "egress-only internet gateway `{g}` carries only connections initiated from inside the VPC, and this is the reply to one initiated from outside"
                ),
                "NO_PATH",
            );
        }
        let own = self.sender_v6_addrs(&st, vpc);
        let ok = in_addrs(&st.pkt.src, own.iter());
        let reason =
            format!("egress-only internet gateway `{g}` rejects a source that is not an IPv6 address of the VPC");
        self.branch(&st, ok.not(), |w, st| {
            drop(w, st, "V6-1", reason, "GATEWAY_REJECTS_SPOOFED_TRAFFIC")
        });
        let gate = Gate::Eigw(g.clone(), vpc.clone());
        let (gid, v) = (g.to_string(), vpc.clone());
        self.branch(&st, ok, move |w, st| {
            let addr = st.pkt.src.clone();
            w.bpa_gate(
                st,
                addr,
                &gid,
                ComponentKind::EgressOnlyInternetGateway,
                &v,
                true,
                move |w, st| w.onto_internet(st, gate),
            )
        });
    }

    /// §5.7 egress-only internet gateway, inbound (replies only).
    pub(super) fn eigw_in(&mut self, mut st: State, vpc: &VpcId, g: &EgressOnlyInternetGatewayId) {
        if let Some(reason) = self.unsupported(vpc.as_str()) {
            return self.unknown(st, vpc.as_str(), &reason);
        }
        st.hops.push(g.to_string());
        let addr = st.pkt.dst.clone();
        self.bpa_gate(
            st,
            addr,
            g.as_str(),
            ComponentKind::EgressOnlyInternetGateway,
            vpc,
            false,
            |w, st| w.enter_vpc(st, vpc, None),
        );
    }

    /// §5.3 NAT gateway, request leg.
    pub(super) fn nat_request(&mut self, mut st: State, from: &SubnetId, n: &NatGatewayId) {
        let Some(nat) = self.net.nat_gateways.get(n) else {
            return;
        };
        if st.lb.is_some() && st.leg == Leg::Request {
            // ELB-12: a load balancer's own connection to its target, translated on the way.
            let reason = format!(
                "a load balancer's connection to its target is routed to NAT gateway `{n}`: a load balancer's connection through a NAT gateway is not modelled (ELB-12)"
            );
            return self.unknown(st, n.as_str(), &reason);
        }
        let drop = |w: &mut Self, st: State, rule: &str, reason: String, code: &str| {
            let b = Blocked::new(
                n,
                ComponentKind::NatGateway,
                Some(Direction::Inbound),
                rule,
                reason,
                code,
            );
            w.dropped(st, b)
        };
        // NGW-5: the ACLs of both subnets first, when the NAT gateway is in another subnet; a
        // reply reaches the gateway through them before the gateway refuses it.
        if nat.subnet != *from {
            let Some(next) = self.acl(st, from, Direction::Outbound) else {
                return;
            };
            let Some(next) = self.acl(next, &nat.subnet, Direction::Inbound) else {
                return;
            };
            st = next;
        }
        if st.leg == Leg::Reply {
            return drop(
                self,
                st,
                "NGW-3",
                format!("the reply is routed to NAT gateway `{n}`, which did not carry the request (asymmetric path)"),
                "NO_PATH",
            );
        }
        st.hops.push(n.to_string());
        if self.q.to.through.as_ref().is_some_and(|t| t.0 == n.as_str()) {
            return self.delivered_request(st, Arrival::Through);
        }
        if self.family == IpFamily::V6 {
            return drop(
                self,
                st,
                "NGW-8",
                format!("NAT gateway `{n}` translates IPv4 only"),
                "PROTOCOL_RESTRICTION",
            );
        }
        // As the simulator: a NAT gateway the input gives no address is not modelled (unknown).
        let Some(primary) = nat.primary_address().map(|a| a.private_ip) else {
            return self.unknown(
                st,
                n.as_str(),
                &format!("NAT gateway `{n}` has no address in the input"),
            );
        };
        let vpc_blocks: Vec<Cidr> = self
            .net
            .vpcs
            .get(&nat.vpc)
            .map(|v| v.cidrs_v4.clone())
            .unwrap_or_default();
        let in_vpc = in_any_cidr(&st.pkt.src, vpc_blocks.iter());
        let reason = format!("NAT gateway `{n}` only translates traffic from its own VPC (no edge-to-edge routing)");
        self.branch(&st, in_vpc.not(), |w, st| {
            drop(w, st, "NGW-7", reason, "NGW_REQUIRES_SOURCE_IN_VPC")
        });
        let p = &st.pkt;
        let proto_ok = any(&[
            p.proto.eq(u8c(proto::TCP)),
            p.proto.eq(u8c(proto::UDP)),
            p.proto.eq(u8c(proto::ICMP)),
        ]);
        let reason = format!("NAT gateway `{n}` forwards TCP, UDP and ICMP only");
        self.branch(&st, all(&[in_vpc.clone(), proto_ok.not()]), |w, st| {
            drop(w, st, "NGW-4", reason, "PROTOCOL_RESTRICTION")
        });
        let n2 = n.clone();
        self.branch(&st, all(&[in_vpc, proto_ok]), move |w, mut st| {
            let before = st.pkt.clone();
            let mut after = before.clone();
            after.src = ip_const(&IpAddr::V4(primary));
            after.sport = before.has_ports().ite(&nat_port(&before.sport), &before.sport);
            st.records.push(Record {
                by: Translator::Nat(n2.clone()),
                before,
                after: after.clone(),
            });
            st.pkt = after;
            w.emit(st, Sender::Nat(n2))
        });
    }

    /// §5.3 NAT gateway, reply leg: the packet is addressed to the NAT gateway.
    pub(super) fn nat_reply(&mut self, mut st: State, n: &NatGatewayId) {
        st.hops.push(n.to_string());
        let blocked = |reason: String| {
            Blocked::new(
                n,
                ComponentKind::NatGateway,
                Some(Direction::Inbound),
                "NGW-3",
                reason,
                "NO_PATH",
            )
        };
        let rec = st
            .records
            .iter()
            .rev()
            .find(|r| r.by == Translator::Nat(n.clone()))
            .cloned();
        let Some(rec) = rec.filter(|_| st.leg == Leg::Reply) else {
            // NGW-11: a request addressed to the NAT gateway stays addressed to it.
            let mut b = blocked(format!(
                "a request addressed to NAT gateway `{n}` goes no further: a NAT gateway does not change destination addresses, so nothing behind it can be reached through its address (NGW-11)"
            ));
            b.code = "NGW_DEST_ADDRESS_PRESERVATION".into();
            return self.dropped(st, b);
        };
        let matches = reverse_matches(&st.pkt, &rec.after);
        let b = blocked(format!(
            "the packet reaching NAT gateway `{n}` is not a reply to a connection it translated"
        ));
        self.branch(&st, matches.not(), |w, st| w.dropped(st, b));
        let untranslated = untranslate(&st.pkt, &rec.before);
        let n2 = n.clone();
        self.branch(&st, matches, move |w, mut st| {
            st.pkt = untranslated;
            w.emit(st, Sender::Nat(n2))
        });
    }

    /// §5.4 an instance or interface as route target: NAT instance or appliance.
    pub(super) fn appliance(&mut self, mut st: State, from: &SubnetId, y: &NetworkInterfaceId) {
        let Some(eni) = self.net.network_interfaces.get(y) else {
            return;
        };
        let drop = |w: &mut Self, st: State, rule: &str, reason: String, code: &str| {
            let b = Blocked::new(
                y,
                ComponentKind::NetworkInterface,
                Some(Direction::Inbound),
                rule,
                reason,
                code,
            );
            w.dropped(st, b)
        };
        let own = self.fam_addrs(eni);
        let is_own = in_addrs(&st.pkt.dst, own.iter());
        // 1. The ACLs of both subnets, when they differ: on either leg the packet crosses them
        // before the interface sees it.
        if eni.subnet != *from {
            let Some(next) = self.acl(st, from, Direction::Outbound) else {
                return;
            };
            let Some(next) = self.acl(next, &eni.subnet, Direction::Inbound) else {
                return;
            };
            st = next;
        }
        if st.leg == Leg::Reply {
            let reason =
                format!("the reply is routed through `{y}`, which did not translate the request (asymmetric path)");
            self.branch(&st, is_own.not(), |w, st| drop(w, st, "NI-4", reason, "NO_PATH"));
            let y2 = y.clone();
            self.branch(&st, is_own, move |w, st| w.arrive(st, &y2));
            return;
        }
        st.hops.push(y.to_string());
        // ELB-6: as at `arrive`, before the groups.
        if let Some((sg, reason)) = self.lb_reference_unsettled(&st, y) {
            return self.unknown(st, &sg, &reason);
        }
        let Some(st) = self.groups_check(st, eni, Direction::Inbound) else {
            return;
        };
        let y2 = y.clone();
        self.branch(&st, is_own.clone(), move |w, mut st| {
            // A load balancer's connection reaching its target, or a request reaching a node
            // (ELB-3), as at `arrive`.
            if st.lb.is_some() {
                return w.lb_target_reached(st, &y2);
            }
            if w.dest_ifaces.contains(&y2) {
                if let Some(lb) = w.net.elb.node_owner(&y2) {
                    return w.lb_request(st, &y2, &lb.id);
                }
                st.dest_iface = Some(y2.clone());
                w.delivered_request(st, Arrival::Iface(y2))
            }
        });
        if eni.source_dest_check {
            let reason = format!("`{y}` has source/destination check enabled, so it drops traffic not addressed to it");
            self.branch(&st, is_own.not(), |w, st| {
                drop(w, st, "NI-2", reason, "ENI_SOURCE_DEST_CHECK_RESTRICTION")
            });
            return;
        }
        let masq = match self.family {
            IpFamily::V4 => eni.primary_ipv4().map(IpAddr::V4),
            IpFamily::V6 => eni.ipv6.first().map(|a| IpAddr::V6(*a)),
        };
        let Some(masq) = masq else {
            let reason = format!(
                "`{y}` has no {} address to translate the forwarded packet to",
                self.family
            );
            // The translation is made as the packet leaves the interface: an outbound drop.
            let b = Blocked::new(
                y,
                ComponentKind::NetworkInterface,
                Some(Direction::Outbound),
                "NI-4",
                reason,
                "NO_PATH",
            );
            self.branch(&st, is_own.not(), |w, st| w.dropped(st, b));
            return;
        };
        let y3 = y.clone();
        self.branch(&st, is_own.not(), move |w, mut st| {
            if st.lb.is_some() && st.leg == Leg::Request {
                // ELB-12: a load balancer's own connection to its target, translated on the way.
                let reason = format!(
                    "a load balancer's connection to its target is routed through NAT instance `{y3}`: a load balancer's connection through a translating appliance is not modelled (ELB-12)"
                );
                return w.unknown(st, y3.as_str(), &reason);
            }
            let before = st.pkt.clone();
            let mut after = before.clone();
            after.src = ip_const(&masq);
            after.sport = before.has_ports().ite(&nat_port(&before.sport), &before.sport);
            st.records.push(Record {
                by: Translator::Iface(y3.clone()),
                before,
                after: after.clone(),
            });
            st.pkt = after;
            w.emit(st, Sender::Iface(y3))
        });
    }

    /// §5.5 peering.
    pub(super) fn peering(&mut self, mut st: State, vpc: &VpcId, p: &VpcPeeringConnectionId) {
        let Some(pcx) = self.net.vpc_peering_connections.get(p) else {
            return;
        };
        st.hops.push(p.to_string());
        if self.q.to.through.as_ref().is_some_and(|t| t.0 == p.as_str()) {
            return self.delivered_request(st, Arrival::Through);
        }
        let Some(peer) = pcx.peer_of(vpc).cloned() else {
            let b = Blocked::new(
                p,
                ComponentKind::VpcPeeringConnection,
                None,
                "PCX-1",
                format!("peering connection `{p}` does not join `{vpc}`"),
                "NO_PATH",
            );
            return self.dropped(st, b);
        };
        let Some(w_vpc) = self.net.vpcs.get(&peer) else {
            return self.unknown(
                st,
                peer.as_str(),
                &format!("peer vpc `{peer}` of `{p}` is not in the input"),
            );
        };
        let blocks: Vec<Cidr> = w_vpc.cidrs().filter(|c| c.family() == self.family).copied().collect();
        let inside = in_any_cidr(&st.pkt.dst, blocks.iter());
        // Outside the peer's blocks: into a third modelled VPC is transit (PCX-5), anywhere else
        // would use the peer's gateways (PCX-6); the peering refuses both (PCX-7).
        let others: Vec<Cidr> = self
            .net
            .vpcs
            .values()
            .filter(|v| v.id != peer)
            .flat_map(|v| v.cidrs().copied())
            .filter(|c| c.family() == self.family)
            .collect();
        let elsewhere = in_any_cidr(&st.pkt.dst, others.iter());
        let refuse = |rule: &str, reason: String| {
            Blocked::new(
                p,
                ComponentKind::VpcPeeringConnection,
                Some(Direction::Outbound),
                rule,
                reason,
                "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR",
            )
        };
        let transit = refuse(
            "PCX-5",
            format!(
                "peering connection `{p}` only carries traffic to addresses of `{peer}`: peering is not transitive"
            ),
        );
        let edge = refuse(
            "PCX-6",
            format!(
                "peering connection `{p}` only carries traffic to addresses of `{peer}`: no edge-to-edge routing through the peer's gateways"
            ),
        );
        self.branch(&st, all(&[inside.not(), elsewhere.clone()]), |w, st| {
            w.dropped(st, transit)
        });
        self.branch(&st, all(&[inside.not(), elsewhere.not()]), |w, st| w.dropped(st, edge));
        self.branch(&st, inside, move |w, st| w.enter_vpc(st, &peer, None));
    }

    /// §5.6 gateway endpoint.
    pub(super) fn endpoint_out(&mut self, mut st: State, vpc: &VpcId, e: &VpcEndpointId) {
        let Some(ep) = self.net.vpc_endpoints.get(e) else {
            return;
        };
        st.hops.push(e.to_string());
        if ep.endpoint_type != VpcEndpointType::Gateway {
            return self.unknown(
                st,
                e.as_str(),
                &format!(
                    "endpoint `{e}` of type {:?} as a route target is not modelled",
                    ep.endpoint_type
                ),
            );
        }
        if self.q.to.through.as_ref().is_some_and(|t| t.0 == e.as_str()) {
            return self.delivered_request(st, Arrival::Through);
        }
        let drop = |w: &mut Self, st: State, rule: &str, reason: String, code: &str| {
            let b = Blocked::new(
                e,
                ComponentKind::VpcEndpoint,
                Some(Direction::Outbound),
                rule,
                reason,
                code,
            );
            w.dropped(st, b)
        };
        if self.family == IpFamily::V6 {
            return drop(
                self,
                st,
                "J18",
                format!("gateway endpoint `{e}` is modelled for IPv4 only"),
                "VPCE_GATEWAY_PROTOCOL_RESTRICTION",
            );
        }
        let p = &st.pkt;
        let proto_ok = any(&[
            p.proto.eq(u8c(proto::TCP)),
            all(&[p.proto.eq(u8c(proto::ICMP)), p.itype.eq(u8c(8))]),
        ]);
        let reason = format!("gateway endpoint `{e}` accepts only TCP and ICMP echo requests");
        self.branch(&st, proto_ok.not(), |w, st| {
            drop(w, st, "GWE-8", reason, "VPCE_GATEWAY_PROTOCOL_RESTRICTION")
        });
        // GWE-7: only from the endpoint's own VPC; a route to it from another VPC carries nothing.
        let from_vpc = if ep.vpc == *vpc {
            let blocks: Vec<Cidr> = self.net.vpcs.get(vpc).map(|v| v.cidrs_v4.clone()).unwrap_or_default();
            in_any_cidr(&st.pkt.src, blocks.iter())
        } else {
            Bool::from_bool(false)
        };
        let reason = format!(
            "gateway endpoint `{e}` only carries traffic from its own VPC `{}` (GWE-7)",
            ep.vpc
        );
        self.branch(&st, all(&[proto_ok.clone(), from_vpc.not()]), |w, st| {
            drop(w, st, "GWE-7", reason, "NO_PATH")
        });
        let gate = Gate::Vpce(e.clone(), vpc.clone());
        self.branch(&st, all(&[proto_ok, from_vpc]), move |w, st| {
            w.delivered_external(st, gate)
        });
    }

    /// §5.8 virtual private gateway, outbound.
    pub(super) fn vgw_out(&mut self, mut st: State, vpc: &VpcId, g: &VpnGatewayId) {
        st.hops.push(g.to_string());
        let blocks: Vec<Cidr> = self
            .net
            .vpcs
            .get(vpc)
            .map(|v| v.cidrs().copied().collect())
            .unwrap_or_default();
        let from_vpc = in_any_cidr(&st.pkt.src, blocks.iter());
        let b = Blocked::new(
            g,
            ComponentKind::VpnGateway,
            Some(Direction::Outbound),
            "VGW-3",
            format!("virtual private gateway `{g}` only carries traffic from addresses of its VPC"),
            "VGW_PRIVATE_IP_ASSOCIATION_FOR_EGRESS",
        );
        self.branch(&st, from_vpc.not(), |w, st| w.dropped(st, b));
        // VGW-5: an address the modelled network holds (a private address of an interface or NAT
        // gateway, a public IPv4 or Elastic IP) is no host on premises; whether the packet comes
        // back depends on the VPN's routes and on-premises routing, neither modelled.
        let mut held: Vec<IpAddr> = self
            .net
            .network_interfaces
            .values()
            .flat_map(|e| self.fam_addrs(e))
            .collect();
        if self.family == IpFamily::V4 {
            held.extend(
                self.net
                    .nat_gateways
                    .values()
                    .flat_map(|n| n.addresses.iter().map(|a| IpAddr::V4(a.private_ip))),
            );
            held.extend(self.ix.public_addresses().map(|a| IpAddr::V4(*a)));
        }
        let modelled = in_addrs(&st.pkt.dst, held.iter());
        let reason = format!(
            "a packet for an address of the modelled network is sent to on-premises over `{g}`: the gateway carries it only if its VPN's routes (not in the input) cover it, and only on-premises routing, which is not modelled, could bring it back (VGW-5)"
        );
        let g2 = g.clone();
        self.branch(&st, all(&[from_vpc.clone(), modelled.clone()]), move |w, st| {
            w.unknown(st, g2.as_str(), &reason)
        });
        // ONP-1..ONP-3 (`onprem`): only the prefixes the gateway knows go on premises.
        self.onprem_out(&st, all(&[from_vpc, modelled.not()]), vpc, g);
    }

    /// §5.8 virtual private gateway, inbound.
    pub(super) fn vgw_in(&mut self, mut st: State, vpc: &VpcId, g: &VpnGatewayId) {
        if let Some(rt) = self.gateway_route_table(g.as_str()) {
            return self.unknown(
                st,
                rt.as_str(),
                &format!("gateway route table `{rt}` on `{g}` (RT-18) is not modelled"),
            );
        }
        // VGW-3: only to a private address of an interface of the VPC (or of a NAT gateway there,
        // J12, whose requests `nat_reply` refuses); this is what keeps on premises from reaching
        // past the VPC (PCX-6).
        let held: Vec<IpAddr> = self
            .net
            .network_interfaces
            .values()
            .filter(|e| &e.vpc == vpc)
            .flat_map(|e| self.fam_addrs(e))
            .chain(
                self.net
                    .nat_gateways
                    .values()
                    .filter(|n| &n.vpc == vpc)
                    .flat_map(|n| n.addresses.iter().map(|a| IpAddr::V4(a.private_ip))),
            )
            .collect();
        let ok = in_addrs(&st.pkt.dst, held.iter());
        let b = Blocked::new(
            g,
            ComponentKind::VpnGateway,
            Some(Direction::Inbound),
            "VGW-3",
            format!(
                "virtual private gateway `{g}` only carries traffic to private addresses of network interfaces in `{vpc}`"
            ),
            "VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
        );
        self.branch(&st, ok.not(), |w, st| w.dropped(st, b));
        st.hops.push(g.to_string());
        self.branch(&st, ok, |w, st| w.enter_vpc(st, vpc, None));
    }
}
