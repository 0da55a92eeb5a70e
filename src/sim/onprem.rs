//! On-premises networks in the simulator (SEMANTICS.md §5.12, ONP-1..ONP-3): which on-premises
//! prefixes a virtual private gateway knows, and what happens to a concrete packet it is to carry
//! on premises.
//!
//! Rules implemented here (each independently of `smt::walk::onprem`):
//! - ONP-1 the prefixes a gateway knows: static routes in state `available` of its `available`
//!   VPN connections (inside the connection's `LocalIpv4NetworkCidr` when given), declared
//!   on-premises networks behind it, and its own declared blocks;
//! - ONP-2 a destination in none of them is unknown, naming what to declare;
//! - ONP-3 a destination only VPN connections whose tunnels are all `DOWN` cover is dropped at the
//!   connection (`BAD_STATE_VPN`); otherwise the longest usable prefix carries it.
//!
//! Must not touch: `smt`, printing; decisions are not shared with the SMT encoder.

use super::Place;
use super::walk::{Flow, LegKind, Walker, dropped, unknown};
use crate::model::*;
use std::net::IpAddr;

/// A prefix the gateway knows, as the simulator sees it.
struct Known<'n> {
    cidr: Cidr,
    /// The VPN connection whose static route it is.
    vpn: Option<&'n VpnConnection>,
    /// The declared network it belongs to.
    declared: Option<&'n str>,
    /// The Direct Connect gateway the declared network is behind, when it names one.
    over: Option<&'n str>,
}

impl Known<'_> {
    fn usable(&self) -> bool {
        self.vpn.is_none_or(|c| !c.all_tunnels_down())
    }

    /// Order among equally long prefixes: declared networks and blocks, then VPN connections by id.
    fn rank(&self) -> (u8, String) {
        match (self.vpn, self.declared) {
            (Some(c), _) => (2, c.id.clone()),
            (None, Some(n)) => (0, n.to_owned()),
            (None, None) => (1, String::new()),
        }
    }

    fn label(&self) -> String {
        match (self.vpn, self.declared) {
            (Some(c), _) => format!("static route {} of VPN connection `{}`", self.cidr, c.id),
            (None, Some(n)) => match self.over {
                Some(dx) => format!(
                    "{} of declared on-premises network `{n}` over Direct Connect gateway `{dx}`",
                    self.cidr
                ),
                None => format!("{} of declared on-premises network `{n}`", self.cidr),
            },
            (None, None) => format!("declared on-premises block {}", self.cidr),
        }
    }
}

impl<'n> Walker<'n> {
    /// ONP-1: the prefixes virtual private gateway `g` knows that hold `dst`.
    fn onprem_covering(&self, g: &'n VpnGateway, dst: &IpAddr) -> Vec<Known<'n>> {
        let top = &self.net.onprem;
        let mut out = Vec::new();
        for c in top.vpn_connections.values() {
            let ours = matches!(&c.gateway, Some(OnPremGateway::Vgw(x)) if x == g.id.as_str());
            if !ours || !c.state.eq_ignore_ascii_case("available") {
                continue;
            }
            if c.local_cidr.is_some_and(|l| !l.contains(dst)) {
                continue;
            }
            for r in &c.routes {
                if r.state.eq_ignore_ascii_case("available") && r.cidr.contains(dst) {
                    out.push(Known {
                        cidr: r.cidr,
                        vpn: Some(c),
                        declared: None,
                        over: None,
                    });
                }
            }
        }
        for n in &top.networks {
            let behind = match &n.via {
                None => true,
                Some(v) if v == g.id.as_str() => true,
                Some(v) => {
                    top.vpn_connections
                        .get(v)
                        .is_some_and(|c| matches!(&c.gateway, Some(OnPremGateway::Vgw(x)) if x == g.id.as_str()))
                        || top
                            .dx_associations
                            .iter()
                            .any(|a| &a.dx_gateway == v && a.gateway == OnPremGateway::Vgw(g.id.to_string()))
                }
            };
            if behind {
                let over = n
                    .via
                    .as_deref()
                    .filter(|v| top.dx_associations.iter().any(|a| a.dx_gateway == *v));
                out.extend(n.cidrs.iter().filter(|c| c.contains(dst)).map(|c| Known {
                    cidr: *c,
                    vpn: None,
                    declared: Some(n.name.as_str()),
                    over,
                }));
            }
        }
        out.extend(g.onprem_cidrs.iter().filter(|c| c.contains(dst)).map(|c| Known {
            cidr: *c,
            vpn: None,
            declared: None,
            over: None,
        }));
        out
    }

    /// ONP-2/ONP-3: virtual private gateway `g` carries `p` on premises, after VGW-3 and VGW-5.
    pub(super) fn onprem_out(&mut self, g: &'n VpnGateway, p: Packet) -> Flow {
        let kind = ComponentKind::VpnGateway;
        let out = Some(Direction::Outbound);
        // A reply leaving by a gateway its request did not enter by never returns (J2), whether or
        // not the gateway carries it: that comes first.
        if self.leg == LegKind::Reply && self.entry.as_deref() != Some(g.id.as_str()) {
            return self.deliver_external(
                Place::OnPremises { gateway: g.id.clone() },
                ComponentKind::OnPremises,
                p,
            );
        }
        let mut known = self.onprem_covering(g, &p.dst_ip);
        if known.is_empty() {
            return Err(unknown(
                &g.id,
                format!(
                    "{} is not in a prefix `{}` knows on premises (no static route of its VPN connections covers it; BGP-learned prefixes are not in the input): declare it with --onprem NAME=CIDR@{} (ONP-2)",
                    p.dst_ip, g.id, g.id
                ),
            ));
        }
        known.sort_by(|a, b| {
            b.cidr
                .prefix_len()
                .cmp(&a.cidr.prefix_len())
                .then_with(|| a.rank().cmp(&b.rank()))
        });
        let Some(best) = known.iter().find(|k| k.usable()) else {
            let Some(c) = known.first().and_then(|k| k.vpn) else {
                return Err(unknown(&g.id, "no usable on-premises prefix (ONP-3)".into()));
            };
            return Err(dropped(
                &c.id,
                ComponentKind::VpnConnection,
                out,
                "ONP-3",
                format!(
                    "every tunnel of VPN connection `{}` is DOWN in the snapshot, and no other VPN connection or declared on-premises network behind `{}` covers {}",
                    c.id, g.id, p.dst_ip
                ),
                "BAD_STATE_VPN",
            ));
        };
        hop!(
            self,
            &g.id,
            kind,
            format!("to on-premises by {}", best.label()),
            out,
            Some("ONP-2".into()),
        );
        if let Some(c) = best.vpn {
            hop!(
                self,
                &c.id,
                ComponentKind::VpnConnection,
                format!(
                    "VPN connection over {} tunnel(s) to {}",
                    c.tunnels.len().max(1),
                    c.customer_gateway.as_deref().unwrap_or("the customer gateway")
                ),
                out,
                Some("ONP-2".into()),
            );
        }
        self.deliver_external(
            Place::OnPremises { gateway: g.id.clone() },
            ComponentKind::OnPremises,
            p,
        )
    }
}
