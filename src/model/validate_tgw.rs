//! Validation of the transit gateway part of a network (SEMANTICS.md §5.9), run by
//! `model::validate`: references that do not resolve and configurations AWS refuses. All are
//! warnings: a query whose path depends on one answers unknown (or drops, as AWS would) on its
//! own; lint says so ahead of time, naming the resource.
//!
//! Must not touch: forwarding decisions (which subnet carries a packet is the interpreters').

use super::diag::Diagnostic;
use super::network::Network;
use super::tgw::*;
use std::collections::BTreeMap;

fn warn(out: &mut Vec<Diagnostic>, prov: &super::Provenance, message: String) {
    out.push(Diagnostic::warning("tgw-reference", message).from_provenance(prov));
}

/// The checks; findings go to `out`.
pub(super) fn check(net: &Network, out: &mut Vec<Diagnostic>) {
    let t = &net.tgw;
    for a in t.attachments.values() {
        let p = &a.provenance;
        if !net.transit_gateways.contains_key(&a.tgw) && !t.options.contains_key(&a.tgw) {
            warn(
                out,
                p,
                format!(
                    "attachment `{}` is of transit gateway `{}`, which is not in the input",
                    a.id, a.tgw
                ),
            );
        }
        if let TgwAttachmentResource::Vpc { vpc, subnets } = &a.resource {
            if !net.vpcs.contains_key(vpc) {
                warn(
                    out,
                    p,
                    format!("attachment `{}` attaches `{vpc}`, which is not in the input", a.id),
                );
            }
            let mut zones: BTreeMap<&str, &super::SubnetId> = BTreeMap::new();
            for s in subnets {
                match net.subnets.get(s) {
                    None => warn(
                        out,
                        p,
                        format!("attachment `{}` names subnet `{s}`, which is not in the input", a.id),
                    ),
                    Some(x) if &x.vpc != vpc => warn(
                        out,
                        p,
                        format!(
                            "attachment `{}` names subnet `{s}` of `{}`, not of its VPC `{vpc}`",
                            a.id, x.vpc
                        ),
                    ),
                    Some(x) => match x.availability_zone.as_deref() {
                        None => warn(
                            out,
                            p,
                            format!(
                                "the Availability Zone of subnet `{s}` of attachment `{}` is not in the input: a query through the attachment answers unknown (TGW-2)",
                                a.id
                            ),
                        ),
                        Some(z) => {
                            if let Some(first) = zones.insert(z, s) {
                                warn(
                                    out,
                                    p,
                                    format!(
                                        "attachment `{}` has two subnets in {z}, `{first}` and `{s}`; AWS allows one per Availability Zone (TGW-2)",
                                        a.id
                                    ),
                                );
                            }
                        }
                    },
                }
            }
        }
        match &a.resource {
            // VPN and Direct Connect gateway attachments are modelled (ONP-5, §5.11).
            TgwAttachmentResource::Other { .. } if a.onprem_kind().is_some() => {}
            TgwAttachmentResource::Other { resource_type, .. } => out.push(
                Diagnostic::warning(
                    "unsupported",
                    format!(
                        "transit gateway attachment `{}` ({resource_type}) is not modelled; a query whose path crosses it answers unknown",
                        a.id
                    ),
                )
                .from_provenance(p),
            ),
            TgwAttachmentResource::Vpc { subnets, .. } if a.appliance_mode && subnets.len() > 1 => out.push(
                Diagnostic::warning(
                    "unsupported",
                    format!(
                        "attachment `{}` has appliance mode and {} subnets: which one carries a flow is not modelled; a query whose path leaves through it answers unknown",
                        a.id,
                        subnets.len()
                    ),
                )
                .from_provenance(p),
            ),
            TgwAttachmentResource::Vpc { .. } => {}
        }
        if let Some(Some(rt)) = &a.association {
            match t.route_tables.get(rt) {
                None => warn(
                    out,
                    p,
                    format!(
                        "attachment `{}` is associated with `{rt}`, which is not in the input",
                        a.id
                    ),
                ),
                Some(x) if !x.tgw.as_str().is_empty() && x.tgw != a.tgw => warn(
                    out,
                    p,
                    format!(
                        "attachment `{}` of `{}` is associated with `{rt}` of another transit gateway, `{}`",
                        a.id, a.tgw, x.tgw
                    ),
                ),
                Some(_) => {}
            }
        }
    }
    for pc in t.peerings.values() {
        for (side, rt) in &pc.associations {
            if let Some(rt) = rt
                && let Some(x) = t.route_tables.get(rt)
                && !x.tgw.as_str().is_empty()
                && &x.tgw != side
            {
                warn(
                    out,
                    &pc.provenance,
                    format!(
                        "peering `{}` is associated on `{side}`'s side with `{rt}` of `{}`",
                        pc.id, x.tgw
                    ),
                );
            }
        }
    }
    for rt in t.route_tables.values() {
        for r in &rt.routes {
            let TgwRouteTarget::Attachments(v) = &r.target else {
                continue;
            };
            if v.len() != 1 {
                out.push(
                    Diagnostic::warning(
                        "unsupported",
                        format!(
                            "route {} in `{}` names {} attachments (equal-cost multipath, or none): not modelled; a query whose path it decides answers unknown",
                            r.destination,
                            rt.id,
                            v.len()
                        ),
                    )
                    .from_provenance(&r.provenance),
                );
            }
            for x in v {
                let of = t.attachments.get(x).map(|a| &a.tgw);
                let peered = t.peerings.get(x).is_some_and(|pc| pc.other(&rt.tgw).is_some());
                match of {
                    _ if peered => {}
                    None if t.peerings.contains_key(x) => warn(
                        out,
                        &r.provenance,
                        format!(
                            "route {} in `{}` names peering `{x}`, which does not join `{}`",
                            r.destination, rt.id, rt.tgw
                        ),
                    ),
                    None => warn(
                        out,
                        &r.provenance,
                        format!(
                            "route {} in `{}` names attachment `{x}`, which is not in the input",
                            r.destination, rt.id
                        ),
                    ),
                    Some(g) if !rt.tgw.as_str().is_empty() && g != &rt.tgw => warn(
                        out,
                        &r.provenance,
                        format!(
                            "route {} in `{}` of `{}` names attachment `{x}` of `{g}`",
                            r.destination, rt.id, rt.tgw
                        ),
                    ),
                    Some(_) => {}
                }
            }
        }
    }
}
