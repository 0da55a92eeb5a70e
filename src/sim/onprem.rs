//! On-premises networks in the simulator (SEMANTICS.md §5.11, ONP-1..ONP-5): which on-premises
//! prefixes a virtual private gateway or a transit gateway's VPN or Direct Connect gateway
//! attachment knows, and what happens to a concrete packet it is to carry on premises.
//!
//! Rules implemented here (each independently of `smt::walk::onprem`):
//! - ONP-1 the prefixes a gateway knows: static routes in state `available` of its `available`
//!   VPN connections (inside the connection's `LocalIpv4NetworkCidr` when given), declared
//!   on-premises networks behind it, and its own declared blocks;
//! - ONP-2 a destination in none of them is unknown, naming what to declare;
//! - ONP-3 a destination only VPN connections whose tunnels are all `DOWN` cover is dropped at the
//!   connection (`BAD_STATE_VPN`); otherwise the longest usable prefix carries it;
//! - ONP-5 the same at a transit gateway's VPN or Direct Connect gateway attachment; packets from
//!   on premises enter by it and are routed by the table associated with it (TGW-4..TGW-8).
//!
//! Must not touch: `smt`, printing; decisions are not shared with the SMT encoder.

use super::Place;
use super::walk::{Flow, Halt, LegKind, Walker, dropped, unknown};
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

    /// ONP-2/ONP-3: which of the `known` prefixes holding `p.dst` carries it, for `at` (a gateway
    /// or attachment id) to whose hint `declare_at` is added.
    fn onprem_pick(
        &self,
        mut known: Vec<Known<'n>>,
        at: &str,
        declare_at: &str,
        p: &Packet,
    ) -> Result<Known<'n>, Halt> {
        if known.is_empty() {
            return Err(unknown(
                at,
                format!(
                    "{} is not in a prefix `{at}` knows on premises (no static route of its VPN connections covers it; BGP-learned prefixes are not in the input): declare it with --onprem NAME=CIDR@{declare_at} (ONP-2)",
                    p.dst_ip
                ),
            ));
        }
        known.sort_by(|a, b| {
            b.cidr
                .prefix_len()
                .cmp(&a.cidr.prefix_len())
                .then_with(|| a.rank().cmp(&b.rank()))
        });
        if let Some(i) = known.iter().position(Known::usable) {
            return Ok(known.swap_remove(i));
        }
        let Some(c) = known.first().and_then(|k| k.vpn) else {
            return Err(unknown(at, "no usable on-premises prefix (ONP-3)".into()));
        };
        Err(dropped(
            &c.id,
            ComponentKind::VpnConnection,
            Some(Direction::Outbound),
            "ONP-3",
            format!(
                "every tunnel of VPN connection `{}` is DOWN in the snapshot, and no other VPN connection or declared on-premises network behind `{at}` covers {}",
                c.id, p.dst_ip
            ),
            "BAD_STATE_VPN",
        ))
    }

    /// ONP-2/ONP-3: virtual private gateway `g` carries `p` on premises, after VGW-3 and VGW-5.
    pub(super) fn onprem_out(&mut self, g: &'n VpnGateway, p: Packet) -> Flow {
        let out = Some(Direction::Outbound);
        // A reply leaving by a gateway its request did not enter by never returns (J2), whether or
        // not the gateway carries it: that comes first.
        let place = Place::OnPremises { gateway: g.id.clone() };
        if self.leg == LegKind::Reply && self.entry.as_deref() != Some(g.id.as_str()) {
            return self.deliver_external(place, ComponentKind::OnPremises, p);
        }
        let known = self.onprem_covering(g, &p.dst_ip);
        let best = self.onprem_pick(known, g.id.as_str(), g.id.as_str(), &p)?;
        hop!(
            self,
            &g.id,
            ComponentKind::VpnGateway,
            format!("to on-premises by {}", best.label()),
            out,
            Some("ONP-2".into()),
        );
        self.onprem_vpn_hop(&best);
        self.deliver_external(place, ComponentKind::OnPremises, p)
    }

    fn onprem_vpn_hop(&mut self, best: &Known<'n>) {
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
                Some(Direction::Outbound),
                Some("ONP-2".into()),
            );
        }
    }

    /// ONP-1 at a transit gateway's VPN or Direct Connect gateway attachment `b`: the prefixes
    /// it knows that hold `dst`.
    fn tgw_onprem_covering(&self, b: &'n TgwAttachment, dst: &IpAddr) -> Vec<Known<'n>> {
        let top = &self.net.onprem;
        let tgw = b.tgw.as_str();
        let Some((kind, rid)) = b.onprem_kind() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if kind == "vpn"
            && let Some(c) = rid.and_then(|r| top.vpn_connections.get(r))
            && matches!(&c.gateway, Some(OnPremGateway::Tgw(t)) if t == tgw)
            && c.state.eq_ignore_ascii_case("available")
            && c.local_cidr.is_none_or(|l| l.contains(dst))
        {
            for r in c.routes.iter().filter(|r| r.state.eq_ignore_ascii_case("available")) {
                if r.cidr.contains(dst) {
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
            let behind = match n.via.as_deref() {
                None => true,
                Some(v) => v == tgw || Some(v) == rid || v == b.id.as_str(),
            };
            if behind {
                let over = (kind == "direct-connect-gateway").then_some(rid).flatten();
                out.extend(n.cidrs.iter().filter(|c| c.contains(dst)).map(|c| Known {
                    cidr: *c,
                    vpn: None,
                    declared: Some(n.name.as_str()),
                    over,
                }));
            }
        }
        out
    }

    /// ONP-5: the winning transit gateway route sends `p` to VPN or Direct Connect gateway
    /// attachment `b`, which carries it on premises when it knows the destination.
    pub(super) fn tgw_onprem_out(&mut self, b: &'n TgwAttachment, p: Packet) -> Flow {
        let place = Place::OnPremisesVia {
            attachment: b.id.clone(),
        };
        if self.leg == LegKind::Reply && self.entry.as_deref() != Some(b.id.as_str()) {
            return self.deliver_external(place, ComponentKind::OnPremises, p);
        }
        let known = self.tgw_onprem_covering(b, &p.dst_ip);
        let declare_at = b
            .onprem_kind()
            .and_then(|(_, r)| r)
            .unwrap_or(b.tgw.as_str())
            .to_owned();
        let best = self.onprem_pick(known, b.id.as_str(), &declare_at, &p)?;
        hop!(
            self,
            &b.id,
            ComponentKind::TransitGatewayAttachment,
            format!("to on-premises by {}", best.label()),
            Some(Direction::Outbound),
            Some("ONP-5".into()),
        );
        self.onprem_vpn_hop(&best);
        self.deliver_external(place, ComponentKind::OnPremises, p)
    }

    /// ONP-5: an on-premises host behind attachment `id` sends `p` (the request when `request`,
    /// else the reply).
    pub(super) fn onprem_host_sends(&mut self, id: &TgwAttachmentId, p: Packet, request: bool) -> Flow {
        if request {
            self.record_entry = true;
        }
        let what = if request { "sends" } else { "replies" };
        hop!(
            self,
            p.src_ip,
            ComponentKind::OnPremises,
            format!("on-premises host {what} {p}"),
            None,
            None,
        );
        self.tgw_onprem_in(id, p)
    }

    /// ONP-5: from on premises into a transit gateway through attachment `id`, routed by the
    /// table associated with it.
    pub(super) fn tgw_onprem_in(&mut self, id: &TgwAttachmentId, p: Packet) -> Flow {
        let net = self.net;
        let Some(b) = net.tgw.attachments.get(id) else {
            return Err(unknown(id, format!("attachment `{id}` is not in the input")));
        };
        if p.dst_ip.is_ipv6() {
            return Err(unknown(
                &b.tgw,
                format!("IPv6 through transit gateway `{}` is not modelled", b.tgw),
            ));
        }
        if !b.is_available() {
            return Err(dropped(
                &b.id,
                ComponentKind::TransitGatewayAttachment,
                Some(Direction::Inbound),
                "TGW-1",
                format!("attachment `{}` is {}, not available", b.id, b.state),
                "BAD_STATE_ATTACHMENT",
            ));
        }
        self.note_entry(b.id.as_str());
        hop!(
            self,
            &b.id,
            ComponentKind::TransitGatewayAttachment,
            format!("from on-premises into `{}`", b.tgw),
            Some(Direction::Inbound),
            Some("ONP-5".into()),
        );
        hop!(
            self,
            &b.tgw,
            ComponentKind::TransitGateway,
            format!("transit gateway `{}` routes {p}", b.tgw),
            None,
            None,
        );
        let association = b.association.as_ref().map(|x| x.as_ref());
        self.tgw_route(&b.tgw, &b.id, association, None, p)
    }
}
