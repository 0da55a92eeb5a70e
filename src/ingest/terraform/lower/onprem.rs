//! On-premises connectivity in a Terraform plan or state (SEMANTICS.md §5.11): `aws_vpn_connection`
//! (its `routes` and `vgw_telemetry` once applied), `aws_vpn_connection_route`,
//! `aws_customer_gateway`, `aws_dx_gateway` and `aws_dx_gateway_association`
//! (`allowed_prefixes`), lowered into `model::OnPremTopology`; `aws_vpn_gateway_route_propagation`.
//!
//! A plan holds no propagated routes (AWS adds them once applied): a route table into which a
//! virtual private gateway propagates gets one propagated route per available static route of the
//! gateway's available VPN connections ("routes for your Site-to-Site VPN connection
//! automatically appear as propagated routes in your route table"), unless the table already has
//! a route for that block. BGP-learned routes are not in a plan either: they are not added.
//!
//! A static route whose block is unknown until apply leaves the prefixes its gateway knows
//! unknown: the gateway is recorded as unsupported, so that a question crossing it answers
//! unknown rather than a drop or a delivery another route would decide. Must not touch
//! forwarding decisions.

use super::vpc::{cidr, need, tags};
use super::{Kind, Lx, Obj, Val};
use crate::model::*;

/// Lowers every on-premises resource.
pub fn onprem(lx: &mut Lx<'_>) {
    for c in lx.of_type("aws_customer_gateway").collect::<Vec<_>>() {
        let o = Obj::of(c);
        let g = CustomerGateway {
            id: lx.id(&c.address),
            ip_address: o.s("ip_address").known(),
            bgp_asn: o.s("bgp_asn").known(),
            state: "available".into(),
            provenance: lx.prov(c),
        };
        lx.net.onprem.customer_gateways.insert(g.id.clone(), g);
    }
    let mut uncertain: Vec<(String, String)> = Vec::new();
    for v in lx.of_type("aws_vpn_connection").collect::<Vec<_>>() {
        let o = Obj::of(v);
        let gateway = if o.raw("vpn_gateway_id") != Val::Absent {
            need(lx, v, o, &["vpn_gateway_id"], &[Kind::VpnGateway]).map(OnPremGateway::Vgw)
        } else if o.raw("transit_gateway_id") != Val::Absent {
            need(lx, v, o, &["transit_gateway_id"], &[Kind::TransitGateway]).map(OnPremGateway::Tgw)
        } else {
            None
        };
        let mut routes = Vec::new();
        let (blocks, unknown) = o.blocks("routes");
        for b in blocks {
            if let Some(c) = cidr(lx, v, "routes.destination_cidr_block", b.s("destination_cidr_block")) {
                let state = b.s("state").known().unwrap_or_else(|| "available".into());
                routes.push(VpnStaticRoute { cidr: c, state });
            }
        }
        let _ = unknown; // computed by AWS from the routes below: read from them.
        let (tele, _) = o.blocks("vgw_telemetry");
        let tunnels = tele
            .iter()
            .filter_map(|t| t.s("status").known())
            .map(|s| s.to_ascii_uppercase())
            .collect();
        let local = cidr(lx, v, "local_ipv4_network_cidr", o.s("local_ipv4_network_cidr"));
        let remote = cidr(lx, v, "remote_ipv4_network_cidr", o.s("remote_ipv4_network_cidr"));
        let c = VpnConnection {
            id: lx.id(&v.address),
            gateway,
            customer_gateway: o.s("customer_gateway_id").known(),
            state: "available".into(),
            static_routes_only: o.b("static_routes_only").known(),
            local_cidr: local.filter(|c| c.prefix_len() > 0),
            remote_cidr: remote.filter(|c| c.prefix_len() > 0),
            routes,
            tunnels,
            tags: tags(o),
            provenance: lx.prov(v),
        };
        lx.net.onprem.vpn_connections.insert(c.id.clone(), c);
    }
    for r in lx.of_type("aws_vpn_connection_route").collect::<Vec<_>>() {
        let o = Obj::of(r);
        let Some(vpn) = need(lx, r, o, &["vpn_connection_id"], &[Kind::VpnConnection]) else {
            continue;
        };
        let block = o.s("destination_cidr_block");
        if block.is_unknown() {
            uncertain.push((vpn.clone(), r.address.clone()));
            continue;
        }
        let Some(c) = cidr(lx, r, "destination_cidr_block", block) else {
            continue;
        };
        if let Some(conn) = lx.net.onprem.vpn_connections.get_mut(&vpn)
            && !conn.routes.iter().any(|x| x.cidr == c)
        {
            conn.routes.push(VpnStaticRoute {
                cidr: c,
                state: "available".into(),
            });
        }
    }
    for (vpn, address) in uncertain {
        let Some(g) = lx.net.onprem.vpn_connections.get(&vpn).and_then(|c| c.gateway.clone()) else {
            continue;
        };
        lx.net.unsupported.push(Unsupported {
            component: g.id().to_owned(),
            reason: format!(
                "the block of VPN route `{address}` is unknown until apply: which on-premises prefixes `{}` knows is unknown (ONP-1)",
                g.id()
            ),
            provenance: crate::model::Provenance::resource(lx.file, address),
        });
    }
    for p in lx.of_type("aws_vpn_gateway_route_propagation").collect::<Vec<_>>() {
        let o = Obj::of(p);
        let Some(g) = need(lx, p, o, &["vpn_gateway_id"], &[Kind::VpnGateway]) else {
            continue;
        };
        let Some(rt) = need(lx, p, o, &["route_table_id"], &[Kind::RouteTable]) else {
            continue;
        };
        if let Some(t) = lx.net.route_tables.get_mut(&RouteTableId::new(rt.clone())) {
            let g = VpnGatewayId::new(g);
            if !t.propagating_vgws.contains(&g) {
                t.propagating_vgws.push(g);
            }
        }
    }
    propagate_vpn_routes(&mut lx.net);
    for g in lx.of_type("aws_dx_gateway").collect::<Vec<_>>() {
        let o = Obj::of(g);
        let d = DxGateway {
            id: lx.id(&g.address),
            name: o.s("name").known(),
            state: "available".into(),
            provenance: lx.prov(g),
        };
        lx.net.onprem.dx_gateways.insert(d.id.clone(), d);
    }
    for a in lx.of_type("aws_dx_gateway_association").collect::<Vec<_>>() {
        let o = Obj::of(a);
        let Some(dx) = need(lx, a, o, &["dx_gateway_id"], &[Kind::DxGateway]) else {
            continue;
        };
        let Some(gw) = need(
            lx,
            a,
            o,
            &["associated_gateway_id"],
            &[Kind::VpnGateway, Kind::TransitGateway],
        ) else {
            continue;
        };
        let gateway = if lx.net.transit_gateways.keys().any(|t| t.as_str() == gw) || gw.starts_with("tgw-") {
            OnPremGateway::Tgw(gw)
        } else {
            OnPremGateway::Vgw(gw)
        };
        let (prefixes, _) = o.strs("allowed_prefixes");
        let allowed = prefixes
            .into_iter()
            .filter_map(|p| cidr(lx, a, "allowed_prefixes", Val::Known(p)))
            .collect();
        lx.net.onprem.dx_associations.push(DxAssociation {
            dx_gateway: dx,
            gateway,
            state: "associated".into(),
            allowed_prefixes: allowed,
            provenance: lx.prov(a),
        });
    }
}

/// Adds, to each route table a virtual private gateway propagates into, a propagated route per
/// available static route of its available VPN connections the table lacks.
fn propagate_vpn_routes(net: &mut Network) {
    let conns: Vec<(String, Vec<Cidr>)> = net
        .onprem
        .vpn_connections
        .values()
        .filter(|c| c.is_available())
        .filter_map(|c| match &c.gateway {
            Some(OnPremGateway::Vgw(g)) => Some((
                g.clone(),
                c.routes
                    .iter()
                    .filter(|r| r.state.eq_ignore_ascii_case("available"))
                    .map(|r| r.cidr)
                    .collect(),
            )),
            _ => None,
        })
        .collect();
    for t in net.route_tables.values_mut() {
        for g in t.propagating_vgws.clone() {
            for (_, blocks) in conns.iter().filter(|(c, _)| c == g.as_str()) {
                for b in blocks {
                    if t.routes.iter().any(|r| r.destination == RouteDestination::Cidr(*b)) {
                        continue;
                    }
                    t.routes.push(Route {
                        destination: RouteDestination::Cidr(*b),
                        target: RouteTarget::VpnGateway(g.clone()),
                        state: RouteState::Active,
                        origin: RouteOrigin::EnableVgwRoutePropagation,
                        provenance: t.provenance.item(b.to_string()).implicit(),
                    });
                }
            }
        }
    }
}
