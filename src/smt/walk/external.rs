//! External endpoints in the symbolic walk (SEMANTICS.md §4): where the internet, an on-premises
//! network or an address outside every VPC enters the modelled network as a source, and what
//! delivery to one of them requires. Split from `walk` by concern.
//!
//! Rules implemented here: §4 (the entry gateway of an external request; its reply leaves by the
//! same one), IGW-2 (an internet host addresses an interface by its public address), ONP-4 (an
//! on-premises source enters through the gateways whose prefixes hold it).
//!
//! Must not touch: `sim` (decisions are not shared with the simulator), printing.

use super::*;

impl Walk<'_> {
    /// The external starts of the source: each is about the external hosts' addresses only (an
    /// endpoint that also covers interfaces starts from them too, with their own addresses).
    pub(super) fn start_external(&mut self, blank: &State, ext: &External) {
        let mut hosts = self.external_set(&self.pkt0.src, ext);
        if !self.q.from.exclude.is_empty() {
            // EXP-1: the excluded blocks' hosts are not sources of this question.
            let x = &self.pkt0.src;
            let regions: Vec<Bool> = self
                .q
                .from
                .exclude
                .iter()
                .map(|(block, holes)| all(&[in_cidr(x, block), in_any_cidr(x, holes.iter()).not()]))
                .collect();
            hosts = all(&[hosts, any(&regions).not()]);
        }
        let vpcs: Vec<VpcId> = self.net.vpcs.keys().cloned().collect();
        let via_internet = match ext {
            External::Internet { via } => Some(via.clone()),
            External::Block(_) => Some(None),
            _ => None,
        };
        if let Some(via) = via_internet {
            // When the question's destinations are interfaces, the packet space allows only their
            // addresses: a VPC that maps none of them has an unsatisfiable entry condition, and
            // is skipped without asking the solver.
            let to = &self.q.to;
            let candidates: Option<Vec<IpAddr>> = (to.through.is_none() && to.external.is_none()).then(|| {
                to.interfaces
                    .iter()
                    .filter_map(|i| self.net.network_interfaces.get(i))
                    .flat_map(|e| self.dest_addrs(e))
                    .filter(|a| to.address_filter.is_none_or(|f| f.contains(a)))
                    .collect()
            });
            for v in &vpcs {
                if let Some(g) = self.ix.internet_gateway_of(v).cloned() {
                    if via.as_ref().is_some_and(|x| x != g.as_str()) {
                        continue;
                    }
                    // `addressed_to` of a destination among the candidates.
                    let reachable = match &candidates {
                        None => true,
                        Some(c) => {
                            let in_blocks = self.net.vpcs.get(v).is_some_and(|x| {
                                c.iter()
                                    .any(|a| x.cidrs().any(|b| b.family() == self.family && b.contains(a)))
                            });
                            let mapped = self.family == IpFamily::V4
                                && self.public_addresses_in(v).iter().any(|p| c.contains(p));
                            in_blocks || mapped
                        }
                    };
                    if !reachable {
                        continue;
                    }
                    let mut st = blank.clone();
                    st.start = StartPoint::Internet(g.to_string());
                    st.entry = Some(Gate::Igw(g.clone(), v.clone()));
                    st.hops.push("internet".into());
                    let v2 = v.clone();
                    let cond = all(&[hosts.clone(), self.addressed_to(&self.pkt0.dst, v)]);
                    self.branch(&st, cond, |w, st| w.internet_in(st, &v2, &g));
                } else if self.family == IpFamily::V6
                    && let Some(g) = self.ix.egress_only_gateway_of(v).cloned()
                {
                    if via.as_ref().is_some_and(|x| x != g.as_str()) {
                        continue;
                    }
                    let vpc = self.net.vpcs.get(v);
                    let cidrs: Vec<Cidr> = vpc.map(|x| x.cidrs_v6.clone()).unwrap_or_default();
                    let mut st = blank.clone();
                    st.start = StartPoint::Internet(g.to_string());
                    let cond = all(&[hosts.clone(), in_any_cidr(&self.pkt0.dst, cidrs.iter())]);
                    self.branch(&st, cond, |w, st| {
                        w.dropped(
                            st,
                            Blocked::new(&g, ComponentKind::EgressOnlyInternetGateway, Some(Direction::Inbound), "V6-1", format!("egress-only internet gateway `{g}` admits no connection initiated from the internet, and the VPC has no internet gateway"), "NO_PATH"),
                        )
                    });
                }
            }
        }
        let vgws: Vec<(VpnGatewayId, VpcId)> = match ext {
            External::OnPremises(g) => self
                .net
                .vpn_gateways
                .get(g)
                .map(|x| x.vpcs.iter().map(|v| (g.clone(), v.clone())).collect())
                .unwrap_or_default(),
            External::Block(_) | External::OnPremNetwork { .. } => self
                .net
                .vpn_gateways
                .values()
                .flat_map(|g| g.vpcs.iter().map(|v| (g.id.clone(), v.clone())).collect::<Vec<_>>())
                .collect(),
            _ => Vec::new(),
        };
        for (g, v) in vgws {
            let mut st = blank.clone();
            st.start = StartPoint::OnPremises(g.clone());
            st.entry = Some(Gate::Vgw(g.clone(), v.clone()));
            st.hops.push("on-premises".into());
            // ONP-4: a declared network enters through the gateways that know it.
            let cond = match ext {
                External::OnPremNetwork { .. } => all(&[hosts.clone(), self.onprem_known_set(&self.pkt0.src, &g)]),
                _ => hosts.clone(),
            };
            self.branch(&st, cond, |w, st| w.vgw_in(st, &v, &g));
        }
        if matches!(ext, External::Block(_) | External::OnPremNetwork { .. }) {
            let declared = matches!(ext, External::OnPremNetwork { .. });
            self.start_onprem_tgw(blank, &hosts, declared);
        }
    }

    // ---------------------------------------------------------------- deliveries

    pub(super) fn delivered_external(&mut self, st: State, gate: Gate) {
        match st.leg {
            Leg::Request => {
                let Some(ext) = &self.q.to.external else { return };
                let ours = match (ext, &gate) {
                    (External::Internet { via }, Gate::Igw(..) | Gate::Eigw(..)) => {
                        via.as_deref().is_none_or(|v| v == gate.id())
                    }
                    (External::Block(_), _) => true,
                    (External::Service { via, .. }, Gate::Vpce(e, _)) => via.as_ref().is_none_or(|v| v == e),
                    (External::Service { via: None, .. }, Gate::Igw(..)) => true,
                    (External::OnPremises(g), Gate::Vgw(x, _)) => g == x,
                    (External::OnPremNetwork { .. }, Gate::Vgw(..) | Gate::TgwOnprem(..)) => true,
                    _ => false,
                };
                if ours {
                    self.delivered_request(st, Arrival::External(gate));
                }
            }
            Leg::Reply => {
                if st.entry.as_ref().map(Gate::id) == Some(gate.id()) {
                    self.delivered_reply(st);
                } else {
                    let b = Blocked::new(
                        gate.id().to_owned(),
                        gate_kind(&gate),
                        Some(Direction::Outbound),
                        "asymmetric",
                        format!(
                            "the reply leaves through `{}`, not through `{}` where the request came in",
                            gate.id(),
                            st.entry.as_ref().map(Gate::id).unwrap_or("-")
                        ),
                        "NO_PATH",
                    );
                    self.dropped(st, b);
                }
            }
        }
    }
}
