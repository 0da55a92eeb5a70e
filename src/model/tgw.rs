//! Transit gateways as data (SEMANTICS.md §5.9, rules TGW-1..TGW-9): attachments, transit
//! gateway route tables, their associations, propagations and routes.
//!
//! Plain data, like the rest of `model`: ingest builds it (every format lowers into these types)
//! and normalises it ([`TgwTopology::materialise_propagations`]); the simulator (`sim::tgw`) and
//! the SMT encoder (`smt::walk::tgw`) each interpret it on their own. Must not touch: z3, JSON
//! shapes, printing, and any forwarding decision.

use super::addr::Cidr;
use super::ids::*;
use super::network::Network;
use super::provenance::Provenance;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Everything about transit gateways beyond the gateways themselves ([`super::TransitGateway`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TgwTopology {
    /// The options of each transit gateway the input described (TGW-2).
    pub options: BTreeMap<TransitGatewayId, TgwOptions>,
    /// Attachments.
    pub attachments: BTreeMap<TgwAttachmentId, TgwAttachment>,
    /// Transit gateway route tables.
    pub route_tables: BTreeMap<TgwRouteTableId, TgwRouteTable>,
    /// Peering attachments between two transit gateways (TGW-10): one id, seen from both sides.
    #[serde(default)]
    pub peerings: BTreeMap<TgwAttachmentId, TgwPeering>,
}

/// A peering attachment between two transit gateways, in other Regions or accounts (TGW-10).
/// AWS prints it once per side, with the same id: each side associates it with a route table of
/// its own gateway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TgwPeering {
    /// `tgw-attach-…`.
    pub id: TgwAttachmentId,
    /// The two transit gateways it joins.
    pub tgws: [TransitGatewayId; 2],
    /// `State`, lowercased (`available`, `pendingacceptance`, …).
    pub state: String,
    /// The route table each side associates it with: `Some(None)` none, absent when the input
    /// does not say.
    pub associations: BTreeMap<TransitGatewayId, Option<TgwRouteTableId>>,
    /// Where it was read.
    pub provenance: Provenance,
}

impl TgwPeering {
    /// True iff it carries traffic (`available`).
    pub fn is_available(&self) -> bool {
        self.state.eq_ignore_ascii_case("available")
    }

    /// The transit gateway on the other side from `tgw`.
    pub fn other(&self, tgw: &TransitGatewayId) -> Option<&TransitGatewayId> {
        match &self.tgws {
            [a, b] if a == tgw => Some(b),
            [a, b] if b == tgw => Some(a),
            _ => None,
        }
    }
}

/// A transit gateway's options (`describe-transit-gateways` `Options`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TgwOptions {
    /// `AssociationDefaultRouteTableId` when `DefaultRouteTableAssociation` is enabled.
    pub default_association: Option<TgwRouteTableId>,
    /// `PropagationDefaultRouteTableId` when `DefaultRouteTablePropagation` is enabled.
    pub default_propagation: Option<TgwRouteTableId>,
    /// `State` (`available`, …).
    pub state: String,
    /// Where it was read.
    pub provenance: Provenance,
}

/// What an attachment attaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum TgwAttachmentResource {
    /// A VPC, through one subnet per Availability Zone (TGW-3).
    Vpc {
        /// The VPC.
        vpc: VpcId,
        /// The attachment subnets (one per Availability Zone).
        subnets: Vec<SubnetId>,
    },
    /// A VPN or Direct Connect gateway attachment (§5.11, ONP-5), or a Connect or other
    /// attachment (not modelled).
    Other {
        /// `ResourceType` as AWS prints it (`vpn`, `peering`, `direct-connect-gateway`, …).
        resource_type: String,
        /// `ResourceId`, when printed.
        resource_id: Option<String>,
    },
}

/// A transit gateway attachment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TgwAttachment {
    /// `tgw-attach-…`.
    pub id: TgwAttachmentId,
    /// The transit gateway.
    pub tgw: TransitGatewayId,
    /// What it attaches.
    pub resource: TgwAttachmentResource,
    /// `State` (`available`, `pendingAcceptance`, …), lowercased.
    pub state: String,
    /// Appliance mode (`ApplianceModeSupport` enabled).
    pub appliance_mode: bool,
    /// The route table it is associated with (TGW-5): `Some(None)` when the input says it has
    /// none, `None` when the input does not say.
    pub association: Option<Option<TgwRouteTableId>>,
    /// Where it was read.
    pub provenance: Provenance,
}

impl TgwAttachment {
    /// True iff it carries traffic (`available`).
    pub fn is_available(&self) -> bool {
        self.state.eq_ignore_ascii_case("available")
    }

    /// The attached VPC, for a VPC attachment.
    pub fn vpc(&self) -> Option<&VpcId> {
        match &self.resource {
            TgwAttachmentResource::Vpc { vpc, .. } => Some(vpc),
            TgwAttachmentResource::Other { .. } => None,
        }
    }

    /// For a VPN or Direct Connect gateway attachment (§5.11): its `ResourceType` (`vpn`,
    /// `direct-connect-gateway`) and `ResourceId` (`vpn-…`, the Direct Connect gateway's id).
    pub fn onprem_kind(&self) -> Option<(&str, Option<&str>)> {
        match &self.resource {
            TgwAttachmentResource::Other {
                resource_type,
                resource_id,
            } if resource_type == "vpn" || resource_type == "direct-connect-gateway" => {
                Some((resource_type.as_str(), resource_id.as_deref()))
            }
            _ => None,
        }
    }

    /// The attachment subnets, for a VPC attachment.
    pub fn subnets(&self) -> &[SubnetId] {
        match &self.resource {
            TgwAttachmentResource::Vpc { subnets, .. } => subnets,
            TgwAttachmentResource::Other { .. } => &[],
        }
    }
}

/// Where a transit gateway route sends matching traffic.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "ids")]
pub enum TgwRouteTarget {
    /// To these attachments (more than one is equal-cost multipath).
    Attachments(Vec<TgwAttachmentId>),
    /// Dropped (a blackhole route, TGW-7).
    Blackhole,
}

/// Static or propagated (TGW-6 tie order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TgwRouteType {
    /// Created by a user (or a blackhole).
    Static,
    /// Propagated from an attachment.
    Propagated,
}

/// What a transit gateway route matches.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum TgwRouteDestination {
    /// A CIDR block.
    Cidr(Cidr),
    /// A prefix-list reference (not modelled yet: a lookup it could decide is unknown).
    PrefixList(PrefixListId),
}

impl std::fmt::Display for TgwRouteDestination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TgwRouteDestination::Cidr(c) => write!(f, "{c}"),
            TgwRouteDestination::PrefixList(p) => write!(f, "{p}"),
        }
    }
}

/// A route of a transit gateway route table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TgwRoute {
    /// What it matches.
    pub destination: TgwRouteDestination,
    /// Where it sends.
    pub target: TgwRouteTarget,
    /// Static or propagated.
    pub route_type: TgwRouteType,
    /// Where it was read (for a propagated route derived from a propagation, the propagation).
    pub provenance: Provenance,
}

impl TgwRoute {
    /// `10.1.0.0/16 -> tgw-attach-1`, `10.9.0.0/16 -> blackhole`.
    pub fn label(&self) -> String {
        let to = match &self.target {
            TgwRouteTarget::Attachments(a) => a.iter().map(|a| a.as_str()).collect::<Vec<_>>().join(", "),
            TgwRouteTarget::Blackhole => "blackhole".into(),
        };
        format!("{} -> {to}", self.destination)
    }
}

/// A transit gateway route table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TgwRouteTable {
    /// `tgw-rtb-…`.
    pub id: TgwRouteTableId,
    /// Its transit gateway.
    pub tgw: TransitGatewayId,
    /// Attachments that propagate their routes into it (TGW-5).
    pub propagations: Vec<TgwAttachmentId>,
    /// Its routes: static ones, and propagated ones (listed by the input, or derived from
    /// `propagations` by [`TgwTopology::materialise_propagations`]).
    pub routes: Vec<TgwRoute>,
    /// False when the input gives neither its routes nor its propagations: a lookup in it is
    /// unknown (`TGW_RTB_ROUTES_ARE_UNKNOWN`).
    pub routes_known: bool,
    /// Tags.
    pub tags: super::network::Tags,
    /// Where it was read.
    pub provenance: Provenance,
}

impl TgwTopology {
    /// The VPC attachment of transit gateway `tgw` for `vpc` (AWS allows one per pair).
    pub fn vpc_attachment(&self, tgw: &TransitGatewayId, vpc: &VpcId) -> Option<&TgwAttachment> {
        self.attachments
            .values()
            .find(|a| &a.tgw == tgw && a.vpc() == Some(vpc))
    }

    /// TGW-5: adds to each route table, for every available VPC attachment propagating into it,
    /// one propagated route per IPv4 and IPv6 block of the attached VPC, unless the table already
    /// lists that route (`search-transit-gateway-routes` prints propagated routes too).
    pub fn materialise_propagations(net: &mut Network) {
        let vpcs = &net.vpcs;
        let atts = &net.tgw.attachments;
        let mut add: Vec<(TgwRouteTableId, TgwRoute)> = Vec::new();
        for rt in net.tgw.route_tables.values() {
            for a in &rt.propagations {
                let Some(att) = atts.get(a) else { continue };
                let Some(vpc) = att.vpc().and_then(|v| vpcs.get(v)) else {
                    continue;
                };
                for c in vpc.cidrs() {
                    let dest = TgwRouteDestination::Cidr(*c);
                    let target = TgwRouteTarget::Attachments(vec![a.clone()]);
                    let listed = rt.routes.iter().any(|r| {
                        r.destination == dest && r.route_type == TgwRouteType::Propagated && r.target == target
                    });
                    if !listed {
                        add.push((
                            rt.id.clone(),
                            TgwRoute {
                                destination: dest,
                                target,
                                route_type: TgwRouteType::Propagated,
                                provenance: att.provenance.item(format!("propagation into {}", rt.id)).implicit(),
                            },
                        ));
                    }
                }
            }
        }
        for (rt, route) in add {
            if let Some(t) = net.tgw.route_tables.get_mut(&rt) {
                t.routes.push(route);
            }
        }
    }
}
