//! Transit gateway outputs (SEMANTICS.md §5.9): `describe-transit-gateways` (options),
//! `describe-transit-gateway-attachments`, `describe-transit-gateway-vpc-attachments`,
//! `describe-transit-gateway-route-tables`, `get-transit-gateway-route-table-associations`,
//! `get-transit-gateway-route-table-propagations` and `search-transit-gateway-routes`.
//!
//! The last three print nothing that names the route table they were asked about: like the
//! entries of a prefix list, the table id is taken from the file's path (`tgw-rtb-…` in the file
//! name or a directory name, e.g. `tgw-rtb-0abc/search-transit-gateway-routes.json`); a file
//! whose path names none is a warning and is not read.
//!
//! Shapes (EC2 API reference): `TransitGatewayAttachment` (`TransitGatewayAttachmentId`,
//! `TransitGatewayId`, `ResourceType`, `ResourceId`, `State`, `Association` {
//! `TransitGatewayRouteTableId`, `State` }), `TransitGatewayVpcAttachment` (`VpcId`, `SubnetIds`,
//! `Options.ApplianceModeSupport`), `TransitGatewayRouteTableAssociation` and
//! `TransitGatewayRouteTablePropagation` (`TransitGatewayAttachmentId`, `ResourceType`,
//! `ResourceId`, `State`), `TransitGatewayRoute` (`DestinationCidrBlock` | `PrefixListId`,
//! `TransitGatewayAttachments[].TransitGatewayAttachmentId`, `Type` static|propagated, `State`
//! pending|active|blackhole|deleting|deleted), `TransitGatewayPeeringAttachment`
//! (`RequesterTgwInfo`/`AccepterTgwInfo`.`TransitGatewayId`), `TransitGatewayPrefixListReference`
//! (`TransitGatewayRouteTableId`, `PrefixListId`, `Blackhole`, `TransitGatewayAttachment`).
//! `search-transit-gateway-routes` does not print the filter it was run with: routes it left out
//! are absent to us (README asks for `Name=state,Values=active,blackhole`).
//! Must not touch: forwarding decisions.

use super::json::{Obj, R};
use super::{Loc, Lower, Pending};
use crate::model::*;
use std::path::Path;

/// The `tgw-rtb-…` id named in a file's path (the last one, file name first).
fn table_in_path(path: &Path) -> Option<TgwRouteTableId> {
    for comp in path.iter().rev() {
        let Some(text) = comp.to_str() else { continue };
        if let Some(i) = text.find("tgw-rtb-") {
            let id: String = text[i..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            let id = id.trim_end_matches('-');
            if id.len() > "tgw-rtb-".len() {
                return Some(TgwRouteTableId::new(id));
            }
        }
    }
    None
}

fn gone(state: Option<&str>) -> bool {
    state.is_some_and(|s| {
        ["deleted", "deleting", "failed", "rejected"]
            .iter()
            .any(|g| s.trim().eq_ignore_ascii_case(g))
    })
}

impl Lower {
    /// `describe-transit-gateways` `Options`: the default association and propagation tables.
    pub(super) fn tgw_options(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let opts = o.obj("Options")?;
        let enabled =
            |o: &Obj<'_>, k: &str| -> R<bool> { Ok(o.str(k)?.is_some_and(|s| s.eq_ignore_ascii_case("enable"))) };
        let (assoc, prop) = match &opts {
            Some(x) => (
                if enabled(x, "DefaultRouteTableAssociation")? {
                    x.id("AssociationDefaultRouteTableId")?.map(TgwRouteTableId::from)
                } else {
                    None
                },
                if enabled(x, "DefaultRouteTablePropagation")? {
                    x.id("PropagationDefaultRouteTableId")?.map(TgwRouteTableId::from)
                } else {
                    None
                },
            ),
            None => (None, None),
        };
        self.net.tgw.options.insert(
            TransitGatewayId::from(loc.resource),
            TgwOptions {
                default_association: assoc,
                default_propagation: prop,
                state: super::state(o.str("State")?, "available"),
                provenance: loc.provenance(),
            },
        );
        Ok(())
    }

    /// One item of `TransitGatewayAttachments` or `TransitGatewayVpcAttachments`: merged by
    /// attachment id (the first gives the resource and the association, the second the subnets
    /// and appliance mode).
    pub(super) fn tgw_attachment(&mut self, loc: Loc<'_>, o: &Obj<'_>, vpc_view: bool) -> R<()> {
        let id = TgwAttachmentId::from(o.req_id("TransitGatewayAttachmentId")?);
        let tgw = TransitGatewayId::from(o.req_id("TransitGatewayId")?);
        let state_text = o.str("State")?;
        if gone(state_text) {
            return Ok(());
        }
        let state = super::state(state_text, "available");
        if !vpc_view
            && let Some(kind) = o.str("ResourceType")?.map(|s| s.trim().to_ascii_lowercase())
            && (kind == "peering" || kind == "tgw-peering")
        {
            // TGW-10: this side's view of a peering: its gateway, the peer, its association.
            let association = match o.obj("Association")? {
                Some(a) if !gone(a.str("State")?) => a.id("TransitGatewayRouteTableId")?.map(TgwRouteTableId::from),
                _ => None,
            };
            let peer = o.id("ResourceId")?.map(TransitGatewayId::from);
            let state = super::state(state_text, "available");
            self.peering_side(loc, id, tgw, peer, state, Some(association));
            return Ok(());
        }
        let resource = if vpc_view {
            let vpc = o.req_id("VpcId")?;
            TgwAttachmentResource::Vpc {
                vpc: vpc.into(),
                subnets: o.ids("SubnetIds")?.into_iter().map(SubnetId::from).collect(),
            }
        } else {
            let kind = o.str("ResourceType")?.map(|s| s.trim().to_ascii_lowercase());
            match kind.as_deref() {
                Some("vpc") => TgwAttachmentResource::Vpc {
                    vpc: o.req_id("ResourceId")?.into(),
                    subnets: Vec::new(),
                },
                other => TgwAttachmentResource::Other {
                    resource_type: other.unwrap_or("unknown").to_owned(),
                    resource_id: o.id("ResourceId")?.map(str::to_owned),
                },
            }
        };
        let appliance = match o.obj("Options")? {
            Some(x) => x
                .str("ApplianceModeSupport")?
                .is_some_and(|s| s.eq_ignore_ascii_case("enable")),
            None => false,
        };
        let association = if vpc_view {
            None
        } else {
            match o.obj("Association")? {
                Some(a)
                    if !gone(a.str("State")?)
                        && !a
                            .str("State")?
                            .is_some_and(|s| s.eq_ignore_ascii_case("disassociating")) =>
                {
                    Some(a.id("TransitGatewayRouteTableId")?.map(TgwRouteTableId::from))
                }
                // The generic view prints `Association` for every associated attachment.
                _ => Some(None),
            }
        };
        if let Some(vpc) = match &resource {
            TgwAttachmentResource::Vpc { vpc, .. } => Some(vpc.clone()),
            TgwAttachmentResource::Other { .. } => None,
        } {
            let entry = self
                .net
                .transit_gateways
                .entry(tgw.clone())
                .or_insert_with(|| TransitGateway {
                    id: tgw.clone(),
                    vpcs: Vec::new(),
                    tags: Default::default(),
                    provenance: loc.provenance(),
                });
            if !entry.vpcs.contains(&vpc) {
                entry.vpcs.push(vpc);
                entry.vpcs.sort();
            }
        }
        match self.net.tgw.attachments.get_mut(&id) {
            None => {
                self.net.tgw.attachments.insert(
                    id.clone(),
                    TgwAttachment {
                        id,
                        tgw,
                        resource,
                        state,
                        appliance_mode: appliance,
                        association,
                        provenance: loc.provenance(),
                    },
                );
            }
            Some(a) => {
                if let (TgwAttachmentResource::Vpc { subnets, .. }, TgwAttachmentResource::Vpc { subnets: new, .. }) =
                    (&mut a.resource, &resource)
                    && subnets.is_empty()
                {
                    subnets.clone_from(new);
                }
                a.appliance_mode |= appliance;
                if a.association.is_none() {
                    a.association = association;
                }
            }
        }
        Ok(())
    }

    /// Records one side of a peering attachment (merging with what was read before).
    fn peering_side(
        &mut self,
        loc: Loc<'_>,
        id: TgwAttachmentId,
        tgw: TransitGatewayId,
        peer: Option<TransitGatewayId>,
        state: String,
        association: Option<Option<TgwRouteTableId>>,
    ) {
        let entry = self.net.tgw.peerings.entry(id.clone()).or_insert_with(|| TgwPeering {
            id,
            tgws: [tgw.clone(), peer.clone().unwrap_or_else(|| TransitGatewayId::new(""))],
            state: state.clone(),
            associations: Default::default(),
            provenance: loc.provenance(),
        });
        if entry.tgws[1].as_str().is_empty()
            && let Some(p) = peer
            && p != entry.tgws[0]
        {
            entry.tgws[1] = p;
        }
        if !entry.is_available() {
            entry.state = state;
        }
        if let Some(a) = association {
            entry.associations.insert(tgw, a);
        }
    }

    /// `describe-transit-gateway-peering-attachments` (TGW-10).
    pub(super) fn tgw_peering(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let state_text = o.str("State")?;
        if gone(state_text) {
            return Ok(());
        }
        let side = |k: &str| -> R<Option<TransitGatewayId>> {
            Ok(match o.obj(k)? {
                Some(x) => x.id("TransitGatewayId")?.map(TransitGatewayId::from),
                None => None,
            })
        };
        let (Some(req), acc) = (side("RequesterTgwInfo")?, side("AccepterTgwInfo")?) else {
            return Err(super::json::Bad::missing("RequesterTgwInfo.TransitGatewayId"));
        };
        let state = super::state(state_text, "available");
        self.peering_side(loc, TgwAttachmentId::from(loc.resource), req, acc, state, None);
        Ok(())
    }

    /// `describe-transit-gateway-route-tables`.
    pub(super) fn tgw_route_table(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let id = TgwRouteTableId::from(loc.resource);
        if gone(o.str("State")?) {
            return Ok(());
        }
        let tgw = TransitGatewayId::from(o.req_id("TransitGatewayId")?);
        let tags = o.tags()?;
        let t = self
            .net
            .tgw
            .route_tables
            .entry(id.clone())
            .or_insert_with(|| TgwRouteTable {
                id,
                tgw: tgw.clone(),
                propagations: Vec::new(),
                routes: Vec::new(),
                routes_known: false,
                tags: Default::default(),
                provenance: loc.provenance(),
            });
        t.tgw = tgw;
        t.tags = tags;
        t.provenance = loc.provenance();
        Ok(())
    }

    /// The route table a file of associations, propagations or routes is about, or a warning.
    fn table_of_file(&mut self, p: &Pending<'_>, what: &str) -> Option<TgwRouteTableId> {
        let found = table_in_path(p.path);
        if found.is_none() {
            self.diags.push(
                Diagnostic::warning(
                    "tgw-route-table-unnamed",
                    format!(
                        "`{}` ({what}) does not say which transit gateway route table it is about, and the file's path names none: not read (name the file or its directory after the table, e.g. `tgw-rtb-0123/{what}.json`)",
                        p.key
                    ),
                )
                .in_file(p.file),
            );
        }
        found
    }

    fn table_entry(&mut self, rt: &TgwRouteTableId, p: &Pending<'_>) -> &mut TgwRouteTable {
        self.net
            .tgw
            .route_tables
            .entry(rt.clone())
            .or_insert_with(|| TgwRouteTable {
                id: rt.clone(),
                tgw: TransitGatewayId::new(""),
                propagations: Vec::new(),
                routes: Vec::new(),
                routes_known: false,
                tags: Default::default(),
                provenance: Provenance::resource(p.file, rt.as_str()),
            })
    }

    /// `get-transit-gateway-route-table-associations` (top-level key `Associations`).
    pub(super) fn tgw_associations(&mut self, p: &Pending<'_>) {
        let Some(rt) = self.table_of_file(p, "get-transit-gateway-route-table-associations") else {
            return;
        };
        self.table_entry(&rt, p);
        for (i, item) in p.items.iter().enumerate() {
            let pos = format!("{}[{i}]", p.key);
            let loc = Loc {
                file: p.file,
                resource: &pos,
            };
            let parsed = Obj::of(item, "").and_then(|o| Ok((o.req_id("TransitGatewayAttachmentId")?, o.str("State")?)));
            let Some((att, st)) = self.entry(loc, parsed, "association skipped") else {
                continue;
            };
            if gone(st) || st.is_some_and(|s| s.eq_ignore_ascii_case("disassociating")) {
                continue;
            }
            let table_tgw = self.net.tgw.route_tables.get(&rt).map(|t| t.tgw.clone());
            if let (Some(pc), Some(t)) = (self.net.tgw.peerings.get_mut(&TgwAttachmentId::from(att)), table_tgw) {
                pc.associations.insert(t, Some(rt.clone()));
                continue;
            }
            match self.net.tgw.attachments.get_mut(&TgwAttachmentId::from(att)) {
                Some(a) => a.association = Some(Some(rt.clone())),
                None => self.warn(
                    loc,
                    "tgw-attachment-missing",
                    format!("transit gateway attachment `{att}`, associated with `{rt}`, is not in the input: add `aws ec2 describe-transit-gateway-attachments`"),
                ),
            }
        }
    }

    /// `get-transit-gateway-route-table-propagations`.
    pub(super) fn tgw_propagations(&mut self, p: &Pending<'_>) {
        let Some(rt) = self.table_of_file(p, "get-transit-gateway-route-table-propagations") else {
            return;
        };
        let mut atts = Vec::new();
        for (i, item) in p.items.iter().enumerate() {
            let pos = format!("{}[{i}]", p.key);
            let loc = Loc {
                file: p.file,
                resource: &pos,
            };
            let parsed = Obj::of(item, "").and_then(|o| Ok((o.req_id("TransitGatewayAttachmentId")?, o.str("State")?)));
            let Some((att, st)) = self.entry(loc, parsed, "propagation skipped") else {
                continue;
            };
            if st.is_none_or(|s| s.eq_ignore_ascii_case("enabled")) {
                atts.push(TgwAttachmentId::from(att));
            }
        }
        let t = self.table_entry(&rt, p);
        for a in atts {
            if !t.propagations.contains(&a) {
                t.propagations.push(a);
            }
        }
        t.propagations.sort();
    }

    /// `search-transit-gateway-routes` (top-level key `Routes`): the table's routes are known
    /// once read, unless `AdditionalRoutesAvailable` says the output was cut short.
    pub(super) fn tgw_routes(&mut self, p: &Pending<'_>, truncated: bool) {
        let Some(rt) = self.table_of_file(p, "search-transit-gateway-routes") else {
            return;
        };
        let mut routes = Vec::new();
        for (i, item) in p.items.iter().enumerate() {
            let pos = format!("{}[{i}]", p.key);
            let loc = Loc {
                file: p.file,
                resource: &pos,
            };
            let parsed = Obj::of(item, "").and_then(|o| {
                let state = o.str("State")?.map(|s| s.trim().to_ascii_lowercase());
                let kind = o.str("Type")?.map(|s| s.trim().to_ascii_lowercase());
                let dest = match (o.str("DestinationCidrBlock")?, o.id("PrefixListId")?) {
                    (Some(c), _) => Some(TgwRouteDestination::Cidr(
                        super::json::parse_cidr(&o.field("DestinationCidrBlock"), c, None)?.0,
                    )),
                    (None, Some(pl)) => Some(TgwRouteDestination::PrefixList(pl.into())),
                    (None, None) => None,
                };
                let mut atts = Vec::new();
                for a in o.objs("TransitGatewayAttachments")? {
                    if let Some(id) = a.id("TransitGatewayAttachmentId")? {
                        atts.push(TgwAttachmentId::from(id));
                    }
                }
                Ok((state, kind, dest, atts))
            });
            let Some((state, kind, dest, atts)) = self.entry(loc, parsed, "route skipped") else {
                continue;
            };
            let Some(dest) = dest else {
                self.warn(
                    loc,
                    "missing-field",
                    "the route has neither `DestinationCidrBlock` nor `PrefixListId`: skipped".into(),
                );
                continue;
            };
            if matches!(state.as_deref(), Some("deleted" | "deleting")) {
                continue;
            }
            // An active route that names no attachment is not a blackhole: a lookup it wins is
            // unknown (the interpreters refuse a target list that is not exactly one).
            let target = if state.as_deref() == Some("blackhole") {
                TgwRouteTarget::Blackhole
            } else {
                TgwRouteTarget::Attachments(atts)
            };
            let route_type = if kind.as_deref() == Some("propagated") {
                TgwRouteType::Propagated
            } else {
                TgwRouteType::Static
            };
            routes.push(TgwRoute {
                destination: dest.clone(),
                target,
                route_type,
                provenance: Provenance::resource(p.file, rt.as_str()).item(dest.to_string()),
            });
        }
        if truncated {
            self.diags.push(
                Diagnostic::warning(
                    "tgw-routes-truncated",
                    format!("`AdditionalRoutesAvailable` is true: the routes of `{rt}` are incomplete, so a lookup in it answers unknown"),
                )
                .in_file(p.file),
            );
        }
        let t = self.table_entry(&rt, p);
        t.routes.extend(routes);
        t.routes_known = !truncated;
    }
}

impl Lower {
    /// `get-transit-gateway-prefix-list-references` (`TransitGatewayPrefixListReferences`, which
    /// name their table): one prefix-list route each, unless the table already lists it.
    pub(super) fn tgw_prefix_list_references(&mut self, p: &Pending<'_>) {
        for (i, item) in p.items.iter().enumerate() {
            let pos = format!("{}[{i}]", p.key);
            let loc = Loc {
                file: p.file,
                resource: &pos,
            };
            let parsed = Obj::of(item, "").and_then(|o| {
                let rt = o.req_id("TransitGatewayRouteTableId")?;
                let pl = o.req_id("PrefixListId")?;
                let blackhole = o.bool("Blackhole")?.unwrap_or(false);
                let att = match o.obj("TransitGatewayAttachment")? {
                    Some(a) => a.id("TransitGatewayAttachmentId")?,
                    None => None,
                };
                Ok((rt, pl, blackhole, att, o.str("State")?))
            });
            let Some((rt, pl, blackhole, att, st)) = self.entry(loc, parsed, "reference skipped") else {
                continue;
            };
            if gone(st) {
                continue;
            }
            let target = match (blackhole, att) {
                (false, Some(a)) => TgwRouteTarget::Attachments(vec![a.into()]),
                _ => TgwRouteTarget::Blackhole,
            };
            let route = TgwRoute {
                destination: TgwRouteDestination::PrefixList(pl.into()),
                target,
                route_type: TgwRouteType::Static,
                provenance: Provenance::resource(p.file, rt).item(pl),
            };
            let t = self.table_entry(&TgwRouteTableId::from(rt), p);
            if !t
                .routes
                .iter()
                .any(|r| r.destination == route.destination && r.target == route.target)
            {
                t.routes.push(route);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_named_by_the_file_or_its_directory() {
        assert_eq!(
            table_in_path(Path::new("a/tgw-rtb-0abc1/search-transit-gateway-routes.json"))
                .unwrap()
                .as_str(),
            "tgw-rtb-0abc1"
        );
        assert_eq!(
            table_in_path(Path::new("x/search-transit-gateway-routes.tgw-rtb-9.json"))
                .unwrap()
                .as_str(),
            "tgw-rtb-9"
        );
        assert!(table_in_path(Path::new("x/search-transit-gateway-routes.json")).is_none());
    }
}
