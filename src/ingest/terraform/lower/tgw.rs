//! Transit gateways in a Terraform plan or state (SEMANTICS.md §5.9): `aws_ec2_transit_gateway`
//! (its default association and propagation route table, which AWS creates and Terraform does
//! not list as a resource), `aws_ec2_transit_gateway_vpc_attachment` (subnets, appliance mode,
//! default association and propagation), `aws_ec2_transit_gateway_route_table`,
//! `aws_ec2_transit_gateway_route` (static and blackhole), `…_route_table_association` and
//! `…_route_table_propagation`, and peerings (TGW-10: `aws_ec2_transit_gateway_peering_attachment`
//! with its `…_accepter`; a peering no accepter in the input accepts is left out, so a route to it
//! answers unknown). Lowered into `model::TgwTopology`; the gateways themselves and their
//! attached VPCs are `vpc::gateways`'s.
//!
//! A plan is the whole configuration: a transit gateway route table's routes are known (what a
//! VPN or Direct Connect attachment would propagate is not modelled anyway). Must not touch:
//! forwarding decisions.

use super::vpc::{cidr, need, vpc_of};
use super::{Kind, Lx, Obj, Val};
use crate::ingest::terraform::document::Inst;
use crate::model::*;

/// The id of the default route table of the transit gateway `g`: the state's
/// `association_default_route_table_id`, else (a plan) one derived from its address.
pub fn default_table_id(lx: &Lx<'_>, g: &Inst) -> String {
    match Obj::of(g).s("association_default_route_table_id") {
        Val::Known(id) => id,
        _ => format!("{}.default_route_table", lx.id(&g.address)),
    }
}

/// What a `transit_gateway_attachment_id` may name.
const ATT_KINDS: &[Kind] = &[Kind::TgwAttachment, Kind::TgwPeering];

/// An `enable`/`disable` option that defaults to `enable`; `None` when unknown until apply.
fn enabled(o: Obj<'_>, key: &str) -> Option<bool> {
    match o.s(key) {
        Val::Known(s) => Some(!s.eq_ignore_ascii_case("disable")),
        Val::Absent => Some(true),
        Val::Unknown => None,
    }
}

fn table(id: &TgwRouteTableId, tgw: &TransitGatewayId, provenance: Provenance) -> TgwRouteTable {
    TgwRouteTable {
        id: id.clone(),
        tgw: tgw.clone(),
        propagations: Vec::new(),
        routes: Vec::new(),
        routes_known: true,
        tags: Tags::new(),
        provenance,
    }
}

/// Everything above, in dependency order.
pub fn transit_gateways(lx: &mut Lx<'_>) {
    for g in lx.of_type("aws_ec2_transit_gateway").collect::<Vec<_>>() {
        let o = Obj::of(g);
        let tgw = TransitGatewayId::new(lx.id(&g.address));
        let (assoc, prop) = (
            enabled(o, "default_route_table_association"),
            enabled(o, "default_route_table_propagation"),
        );
        let default = TgwRouteTableId::new(default_table_id(lx, g));
        if assoc != Some(false) || prop != Some(false) {
            let prov = lx.prov(g).item("default route table").implicit();
            lx.net
                .tgw
                .route_tables
                .insert(default.clone(), table(&default, &tgw, prov));
        }
        lx.net.tgw.options.insert(
            tgw,
            TgwOptions {
                default_association: (assoc == Some(true)).then(|| default.clone()),
                default_propagation: (prop == Some(true)).then(|| default.clone()),
                state: "available".into(),
                provenance: lx.prov(g),
            },
        );
    }
    for t in lx.of_type("aws_ec2_transit_gateway_route_table").collect::<Vec<_>>() {
        let Some(g) = need(lx, t, Obj::of(t), &["transit_gateway_id"], &[Kind::TransitGateway]) else {
            continue;
        };
        let id = TgwRouteTableId::new(lx.id(&t.address));
        let mut rt = table(&id, &TransitGatewayId::new(g), lx.prov(t));
        rt.tags = super::vpc::tags(Obj::of(t));
        lx.net.tgw.route_tables.insert(id, rt);
    }
    for a in lx.of_type("aws_ec2_transit_gateway_vpc_attachment").collect::<Vec<_>>() {
        let o = Obj::of(a);
        let Some(g) = need(lx, a, o, &["transit_gateway_id"], &[Kind::TransitGateway]) else {
            continue;
        };
        let Some(vpc) = vpc_of(lx, a) else { continue };
        let (subnets, _) = lx.pick_many(a, o, &["subnet_ids"], &[Kind::Subnet]);
        let tgw = TransitGatewayId::new(g);
        let opts = lx.net.tgw.options.get(&tgw).cloned().unwrap_or_default();
        let flag = |k: &str| match o.b(k) {
            Val::Known(b) => Some(b),
            Val::Absent => Some(true),
            Val::Unknown => None,
        };
        // The default association applies when both the gateway and the attachment ask for it;
        // unknown until apply on either side means the input does not say (`None`).
        let association = match flag("transit_gateway_default_route_table_association") {
            Some(true) => Some(opts.default_association.clone()),
            Some(false) => Some(None),
            None => None,
        };
        let id = TgwAttachmentId::new(lx.id(&a.address));
        if flag("transit_gateway_default_route_table_propagation") == Some(true)
            && let Some(rt) = opts
                .default_propagation
                .as_ref()
                .and_then(|d| lx.net.tgw.route_tables.get_mut(d))
        {
            rt.propagations.push(id.clone());
        }
        let appliance_mode = matches!(o.s("appliance_mode_support"), Val::Known(s) if s.eq_ignore_ascii_case("enable"));
        let att = TgwAttachment {
            id: id.clone(),
            tgw,
            resource: TgwAttachmentResource::Vpc {
                vpc,
                subnets: subnets.into_iter().map(SubnetId::new).collect(),
            },
            state: "available".into(),
            appliance_mode,
            association,
            provenance: lx.prov(a),
        };
        lx.net.tgw.attachments.insert(id, att);
    }
    let accepters: Vec<&Inst> = lx
        .of_type("aws_ec2_transit_gateway_peering_attachment_accepter")
        .collect();
    let mut accepted: Vec<String> = Vec::new();
    for a in accepters {
        if let Some(id) = need(
            lx,
            a,
            Obj::of(a),
            &["transit_gateway_attachment_id"],
            &[Kind::TgwPeering],
        ) {
            accepted.push(id);
        }
    }
    for g in lx
        .of_type("aws_ec2_transit_gateway_peering_attachment")
        .collect::<Vec<_>>()
    {
        let o = Obj::of(g);
        let id = lx.id(&g.address);
        if !accepted.contains(&id) {
            lx.warn(
                "unaccepted-peering",
                &g.address,
                format!(
                    "`{}` is accepted by no `aws_ec2_transit_gateway_peering_attachment_accepter` in the input: a route to it answers unknown",
                    g.address
                ),
            );
            continue;
        }
        let mine = need(lx, g, o, &["transit_gateway_id"], &[Kind::TransitGateway]);
        let peer = need(lx, g, o, &["peer_transit_gateway_id"], &[Kind::TransitGateway]);
        let (Some(mine), Some(peer)) = (mine, peer) else {
            continue;
        };
        let id = TgwAttachmentId::new(id);
        let pc = TgwPeering {
            id: id.clone(),
            tgws: [TransitGatewayId::new(mine), TransitGatewayId::new(peer)],
            state: "available".into(),
            associations: Default::default(),
            provenance: lx.prov(g),
        };
        lx.net.tgw.peerings.insert(id, pc);
    }
    for r in lx
        .of_type("aws_ec2_transit_gateway_route_table_association")
        .collect::<Vec<_>>()
    {
        let o = Obj::of(r);
        let att = need(lx, r, o, &["transit_gateway_attachment_id"], ATT_KINDS);
        let rt = need(lx, r, o, &["transit_gateway_route_table_id"], &[Kind::TgwRouteTable]);
        let (Some(att), Some(rt)) = (att, rt) else { continue };
        let side = lx
            .net
            .tgw
            .route_tables
            .get(&TgwRouteTableId::new(rt.clone()))
            .map(|t| t.tgw.clone());
        if let (Some(pc), Some(side)) = (lx.net.tgw.peerings.get_mut(&TgwAttachmentId::new(att.clone())), side) {
            pc.associations.insert(side, Some(TgwRouteTableId::new(rt)));
            continue;
        }
        match lx.net.tgw.attachments.get_mut(&TgwAttachmentId::new(att.clone())) {
            Some(a) => a.association = Some(Some(TgwRouteTableId::new(rt))),
            None => lx.warn(
                "dangling-reference",
                &r.address,
                format!(
                    "`{}` associates attachment `{att}`, which is not in the input",
                    r.address
                ),
            ),
        }
    }
    for r in lx
        .of_type("aws_ec2_transit_gateway_route_table_propagation")
        .collect::<Vec<_>>()
    {
        let o = Obj::of(r);
        let att = need(lx, r, o, &["transit_gateway_attachment_id"], ATT_KINDS);
        let rt = need(lx, r, o, &["transit_gateway_route_table_id"], &[Kind::TgwRouteTable]);
        let (Some(att), Some(rt)) = (att, rt) else { continue };
        match lx.net.tgw.route_tables.get_mut(&TgwRouteTableId::new(rt.clone())) {
            Some(t) => {
                let a = TgwAttachmentId::new(att);
                if !t.propagations.contains(&a) {
                    t.propagations.push(a);
                }
            }
            None => lx.warn(
                "dangling-reference",
                &r.address,
                format!(
                    "`{}` propagates into route table `{rt}`, which is not in the input",
                    r.address
                ),
            ),
        }
    }
    for r in lx.of_type("aws_ec2_transit_gateway_route").collect::<Vec<_>>() {
        let o = Obj::of(r);
        let Some(rt) = need(lx, r, o, &["transit_gateway_route_table_id"], &[Kind::TgwRouteTable]) else {
            continue;
        };
        let Some(dest) = cidr(lx, r, "destination_cidr_block", o.s("destination_cidr_block")) else {
            continue;
        };
        let target = if o.b("blackhole") == Val::Known(true) {
            TgwRouteTarget::Blackhole
        } else {
            match need(lx, r, o, &["transit_gateway_attachment_id"], ATT_KINDS) {
                Some(a) => TgwRouteTarget::Attachments(vec![TgwAttachmentId::new(a)]),
                None => continue,
            }
        };
        let prov = lx.prov(r);
        match lx.net.tgw.route_tables.get_mut(&TgwRouteTableId::new(rt.clone())) {
            Some(t) => t.routes.push(TgwRoute {
                destination: TgwRouteDestination::Cidr(dest),
                target,
                route_type: TgwRouteType::Static,
                provenance: prov,
            }),
            None => lx.warn(
                "dangling-reference",
                &r.address,
                format!(
                    "`{}` is a route of route table `{rt}`, which is not in the input",
                    r.address
                ),
            ),
        }
    }
    for t in lx.net.tgw.route_tables.values_mut() {
        t.propagations.sort();
    }
}
