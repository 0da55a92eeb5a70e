//! On-premises networks in the symbolic walk (SEMANTICS.md §5.11, ONP-1..ONP-5), written apart
//! from `sim::onprem`: the same documented rules over a symbolic destination, at a virtual
//! private gateway and at a transit gateway's VPN or Direct Connect gateway attachment.
//!
//! Which prefixes a virtual private gateway knows (ONP-1) does not depend on the packet and is
//! plain code; which of them holds the destination, and so whether the packet is carried, dropped
//! because every tunnel is down (`BAD_STATE_VPN`, ONP-3) or unknown for want of a declared prefix
//! (ONP-2), are branches.

use super::*;

/// One known prefix: its block, the VPN connection whose static route it is (and whether all its
/// tunnels are down), or the declared network's name.
struct Entry {
    cidr: Cidr,
    /// The connection's customer-side traffic selector, when given.
    selector: Option<Cidr>,
    vpn: Option<(String, bool)>,
    name: Option<String>,
}

impl Entry {
    fn holds(&self, x: &BV) -> Bool {
        match &self.selector {
            Some(s) => all(&[in_cidr(x, &self.cidr), in_cidr(x, s)]),
            None => in_cidr(x, &self.cidr),
        }
    }

    fn down(&self) -> bool {
        self.vpn.as_ref().is_some_and(|(_, d)| *d)
    }
}

impl Walk<'_> {
    /// ONP-1: every prefix `g` knows on premises.
    fn onprem_entries(&self, g: &VpnGatewayId) -> Vec<Entry> {
        let top = &self.net.onprem;
        let mut out = Vec::new();
        let vgw = |gw: &Option<OnPremGateway>| matches!(gw, Some(OnPremGateway::Vgw(x)) if x == g.as_str());
        for c in top.vpn_connections.values() {
            if !vgw(&c.gateway) || !c.state.eq_ignore_ascii_case("available") {
                continue;
            }
            let down = !c.tunnels.is_empty() && c.tunnels.iter().all(|t| t.eq_ignore_ascii_case("DOWN"));
            for r in c.routes.iter().filter(|r| r.state.eq_ignore_ascii_case("available")) {
                out.push(Entry {
                    cidr: r.cidr,
                    selector: c.local_cidr,
                    vpn: Some((c.id.clone(), down)),
                    name: None,
                });
            }
        }
        for n in &top.networks {
            let behind = n.via.as_ref().is_none_or(|v| {
                v == g.as_str()
                    || top.vpn_connections.get(v).is_some_and(|c| vgw(&c.gateway))
                    || top
                        .dx_associations
                        .iter()
                        .any(|a| &a.dx_gateway == v && matches!(&a.gateway, OnPremGateway::Vgw(x) if x == g.as_str()))
            });
            if behind {
                for c in &n.cidrs {
                    out.push(Entry {
                        cidr: *c,
                        selector: None,
                        vpn: None,
                        name: Some(n.name.clone()),
                    });
                }
            }
        }
        if let Some(x) = self.net.vpn_gateways.get(g) {
            for c in &x.onprem_cidrs {
                out.push(Entry {
                    cidr: *c,
                    selector: None,
                    vpn: None,
                    name: None,
                });
            }
        }
        out.retain(|e| e.cidr.family() == self.family);
        Self::onprem_sort(&mut out);
        out
    }

    /// Longest prefix first; among equals, declared networks (by name), declared blocks, then
    /// VPN connections by id.
    fn onprem_sort(out: &mut [Entry]) {
        let rank = |e: &Entry| match (&e.vpn, &e.name) {
            (Some((id, _)), _) => (2u8, id.clone()),
            (None, Some(n)) => (0, n.clone()),
            (None, None) => (1, String::new()),
        };
        out.sort_by(|a, b| {
            b.cidr
                .prefix_len()
                .cmp(&a.cidr.prefix_len())
                .then_with(|| rank(a).cmp(&rank(b)))
        });
    }

    /// ONP-2/ONP-3 under `cond`: the packet is unknown at `at` (hint `declare_at`) when no entry
    /// holds its destination, dropped at a VPN connection when only connections with every tunnel
    /// down do, else carried on premises through `gate`.
    fn onprem_carry(&mut self, st: &State, cond: Bool, entries: Vec<Entry>, at: &str, declare_at: &str, gate: Gate) {
        let dst = st.pkt.dst.clone();
        let covered = any(&entries.iter().map(|e| e.holds(&dst)).collect::<Vec<_>>());
        let usable: Vec<&Entry> = entries.iter().filter(|e| !e.down()).collect();
        let any_usable = any(&usable.iter().map(|e| e.holds(&dst)).collect::<Vec<_>>());
        let reason = format!(
            "the destination is not in a prefix `{at}` knows on premises (no static route of its VPN connections covers it; BGP-learned prefixes are not in the input): declare it with --onprem NAME=CIDR@{declare_at} (ONP-2)"
        );
        let at2 = at.to_owned();
        self.branch(st, all(&[cond.clone(), covered.not()]), move |w, st| {
            w.unknown(st, &at2, &reason)
        });
        // ONP-3: only connections whose tunnels are all down cover it: dropped at the first of them.
        let mut earlier: Vec<Bool> = Vec::new();
        for e in entries.iter().filter(|e| e.down()) {
            let Some((id, _)) = &e.vpn else { continue };
            let here = e.holds(&dst);
            let c = all(&[cond.clone(), any_usable.not(), here.clone(), any(&earlier).not()]);
            earlier.push(here);
            let b = Blocked::new(
                id.as_str(),
                ComponentKind::VpnConnection,
                Some(Direction::Outbound),
                "ONP-3",
                format!(
                    "every tunnel of VPN connection `{id}` is DOWN in the snapshot, and nothing else behind `{at}` covers the destination"
                ),
                "BAD_STATE_VPN",
            );
            self.branch(st, c, |w, st| w.dropped(st, b));
        }
        // ONP-2: the longest usable prefix carries it.
        let mut earlier: Vec<Bool> = Vec::new();
        for e in usable {
            let here = e.holds(&dst);
            let c = all(&[cond.clone(), here.clone(), any(&earlier).not()]);
            earlier.push(here);
            let vpn = e.vpn.as_ref().map(|(id, _)| id.clone());
            let gate = gate.clone();
            self.branch(st, c, move |w, mut st| {
                if let Some(id) = vpn {
                    st.hops.push(id);
                }
                w.delivered_external(st, gate)
            });
        }
    }

    /// ONP-2/ONP-3: `g` carries the packet on premises (after VGW-3 and VGW-5, under `cond`).
    pub(super) fn onprem_out(&mut self, st: &State, cond: Bool, vpc: &VpcId, g: &VpnGatewayId) {
        let gate = Gate::Vgw(g.clone(), vpc.clone());
        // A reply leaving by a gateway its request did not enter by never returns (J2), whether or
        // not the gateway carries it: that comes first.
        if st.leg == Leg::Reply && st.entry.as_ref().map(Gate::id) != Some(g.as_str()) {
            return self.branch(st, cond, move |w, st| w.delivered_external(st, gate));
        }
        let entries = self.onprem_entries(g);
        self.onprem_carry(st, cond, entries, g.as_str(), g.as_str(), gate);
    }

    /// ONP-1 at a transit gateway's VPN or Direct Connect gateway attachment `b`.
    fn tgw_onprem_entries(&self, b: &TgwAttachment) -> Vec<Entry> {
        let top = &self.net.onprem;
        let tgw = b.tgw.as_str();
        let Some((kind, rid)) = b.onprem_kind() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if kind == "vpn"
            && let Some(c) = rid.and_then(|r| top.vpn_connections.get(r))
            && c.gateway == Some(OnPremGateway::Tgw(tgw.to_owned()))
            && c.state.eq_ignore_ascii_case("available")
        {
            let down = !c.tunnels.is_empty() && c.tunnels.iter().all(|t| t.eq_ignore_ascii_case("DOWN"));
            for r in c.routes.iter().filter(|r| r.state.eq_ignore_ascii_case("available")) {
                out.push(Entry {
                    cidr: r.cidr,
                    selector: c.local_cidr,
                    vpn: Some((c.id.clone(), down)),
                    name: None,
                });
            }
        }
        for n in &top.networks {
            let behind = n
                .via
                .as_deref()
                .is_none_or(|v| v == tgw || Some(v) == rid || v == b.id.as_str());
            if behind {
                for c in &n.cidrs {
                    out.push(Entry {
                        cidr: *c,
                        selector: None,
                        vpn: None,
                        name: Some(n.name.clone()),
                    });
                }
            }
        }
        out.retain(|e| e.cidr.family() == self.family);
        Self::onprem_sort(&mut out);
        out
    }

    /// ONP-5: the winning transit gateway route sends the packet to attachment `b`.
    pub(super) fn tgw_onprem_out(&mut self, st: State, b: &TgwAttachment) {
        let gate = Gate::TgwOnprem(b.id.clone(), b.tgw.clone());
        if st.leg == Leg::Reply && st.entry.as_ref().map(Gate::id) != Some(b.id.as_str()) {
            return self.delivered_external(st, gate);
        }
        let mut st = st;
        st.hops.push(b.id.to_string());
        let entries = self.tgw_onprem_entries(b);
        let declare_at = b
            .onprem_kind()
            .and_then(|(_, r)| r)
            .unwrap_or(b.tgw.as_str())
            .to_owned();
        self.onprem_carry(&st, Bool::from_bool(true), entries, b.id.as_str(), &declare_at, gate);
    }

    /// ONP-5: the external starts through each available VPN or Direct Connect gateway attachment
    /// of a transit gateway (for a block or an on-premises network), sources in `hosts`.
    pub(super) fn start_onprem_tgw(&mut self, blank: &State, hosts: &Bool, declared: bool) {
        let atts: Vec<(TgwAttachmentId, TransitGatewayId)> = self
            .net
            .tgw
            .attachments
            .values()
            .filter(|a| a.onprem_kind().is_some() && a.is_available())
            .map(|a| (a.id.clone(), a.tgw.clone()))
            .collect();
        for (a, t) in atts {
            let mut st = blank.clone();
            st.start = StartPoint::OnPremisesVia(a.clone());
            st.entry = Some(Gate::TgwOnprem(a.clone(), t));
            st.hops.push("on-premises".into());
            // ONP-4: a declared network enters through the attachments that know it.
            let cond = match self.net.tgw.attachments.get(&a).filter(|_| declared) {
                Some(b) => {
                    let src = &self.pkt0.src;
                    let known: Vec<Bool> = self.tgw_onprem_entries(b).iter().map(|e| e.holds(src)).collect();
                    all(&[hosts.clone(), any(&known)])
                }
                None => hosts.clone(),
            };
            self.branch(&st, cond, |w, st| w.tgw_onprem_in(st, &a));
        }
    }

    /// The addresses `x` in a prefix virtual private gateway `g` knows (ONP-1).
    pub(super) fn onprem_known_set(&self, x: &BV, g: &VpnGatewayId) -> Bool {
        any(&self.onprem_entries(g).iter().map(|e| e.holds(x)).collect::<Vec<_>>())
    }

    /// ONP-5: from on premises into a transit gateway through attachment `id`.
    pub(super) fn tgw_onprem_in(&mut self, mut st: State, id: &TgwAttachmentId) {
        let net = self.net;
        let Some(b) = net.tgw.attachments.get(id) else {
            return self.unknown(st, id.as_str(), &format!("attachment `{id}` is not in the input"));
        };
        if self.family == IpFamily::V6 {
            let r = format!("IPv6 through transit gateway `{}` is not modelled", b.tgw);
            return self.unknown(st, b.tgw.as_str(), &r);
        }
        if !b.is_available() {
            let blk = Blocked::new(
                &b.id,
                ComponentKind::TransitGatewayAttachment,
                Some(Direction::Inbound),
                "TGW-1",
                format!("attachment `{}` is {}, not available", b.id, b.state),
                "BAD_STATE_ATTACHMENT",
            );
            return self.dropped(st, blk);
        }
        st.hops.push(b.id.to_string());
        st.hops.push(b.tgw.to_string());
        let association = b.association.as_ref().map(|x| x.as_ref());
        self.tgw_lookup(st, &b.tgw, &b.id, association, None);
    }
}
