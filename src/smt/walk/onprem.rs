//! On-premises networks in the symbolic walk (SEMANTICS.md §5.12, ONP-1..ONP-3), written apart
//! from `sim::onprem`: the same documented rules over a symbolic destination.
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
            if !vgw(&c.gateway) || c.state.to_ascii_lowercase() != "available" {
                continue;
            }
            let down = !c.tunnels.is_empty() && c.tunnels.iter().all(|t| t.to_ascii_uppercase() == "DOWN");
            for r in c.routes.iter().filter(|r| r.state.to_ascii_lowercase() == "available") {
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
        // Longest prefix first; among equals, declared networks (by name), declared blocks, then
        // VPN connections by id.
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
        out
    }

    /// ONP-2/ONP-3: `g` carries the packet on premises (after VGW-3 and VGW-5, under `cond`).
    pub(super) fn onprem_out(&mut self, st: &State, cond: Bool, vpc: &VpcId, g: &VpnGatewayId) {
        // A reply leaving by a gateway its request did not enter by never returns (J2), whether or
        // not the gateway carries it: that comes first.
        if st.leg == Leg::Reply && st.entry.as_ref().map(Gate::id) != Some(g.as_str()) {
            let gate = Gate::Vgw(g.clone(), vpc.clone());
            return self.branch(st, cond, move |w, st| w.delivered_external(st, gate));
        }
        let entries = self.onprem_entries(g);
        let dst = st.pkt.dst.clone();
        let covered = any(&entries.iter().map(|e| e.holds(&dst)).collect::<Vec<_>>());
        let usable: Vec<&Entry> = entries.iter().filter(|e| !e.down()).collect();
        let any_usable = any(&usable.iter().map(|e| e.holds(&dst)).collect::<Vec<_>>());
        let reason = format!(
            "the destination is not in a prefix `{g}` knows on premises (no static route of its VPN connections covers it; BGP-learned prefixes are not in the input): declare it with --onprem NAME=CIDR@{g} (ONP-2)"
        );
        let g2 = g.clone();
        self.branch(st, all(&[cond.clone(), covered.not()]), move |w, st| {
            w.unknown(st, g2.as_str(), &reason)
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
                    "every tunnel of VPN connection `{id}` is DOWN in the snapshot, and nothing else behind `{g}` covers the destination"
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
            let gate = Gate::Vgw(g.clone(), vpc.clone());
            self.branch(st, c, move |w, mut st| {
                if let Some(id) = vpn {
                    st.hops.push(id);
                }
                w.delivered_external(st, gate)
            });
        }
    }
}
