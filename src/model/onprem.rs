//! On-premises networks as data (SEMANTICS.md §5.11, rules ONP-1..ONP-4): Site-to-Site VPN
//! connections and their static routes and tunnels, customer gateways, Direct Connect gateways
//! and their associations, and the on-premises networks a user declares (`--onprem`,
//! `[[onprem]]`).
//!
//! Plain data, like the rest of `model`: ingest builds it; the simulator (`sim::onprem`) and the
//! SMT encoder (`smt::walk::onprem`) each decide on their own which prefixes a gateway knows
//! (ONP-1) and what happens to a packet for them. [`OnPremTopology::known_prefixes`] lists them
//! for the query layer (endpoints, trace, evidence), which decides nothing about forwarding.
//! Must not touch: z3, JSON shapes, printing.

use super::addr::Cidr;
use super::provenance::Provenance;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Everything about on-premises connectivity beyond the gateways themselves.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OnPremTopology {
    /// Site-to-Site VPN connections (`describe-vpn-connections`), by `vpn-…` id.
    #[serde(default)]
    pub vpn_connections: BTreeMap<String, VpnConnection>,
    /// Customer gateways (`describe-customer-gateways`), by `cgw-…` id.
    #[serde(default)]
    pub customer_gateways: BTreeMap<String, CustomerGateway>,
    /// Direct Connect gateways (`describe-direct-connect-gateways`), by id.
    #[serde(default)]
    pub dx_gateways: BTreeMap<String, DxGateway>,
    /// Direct Connect gateway associations with a virtual private or transit gateway.
    #[serde(default)]
    pub dx_associations: Vec<DxAssociation>,
    /// On-premises networks the user declared (BGP-learned prefixes no snapshot lists).
    #[serde(default)]
    pub networks: Vec<OnPremNetwork>,
}

/// The AWS side a VPN connection or Direct Connect gateway ends on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum OnPremGateway {
    /// A virtual private gateway (`vgw-…`).
    Vgw(String),
    /// A transit gateway (`tgw-…`).
    Tgw(String),
}

impl OnPremGateway {
    /// The gateway's id.
    pub fn id(&self) -> &str {
        match self {
            OnPremGateway::Vgw(i) | OnPremGateway::Tgw(i) => i,
        }
    }
}

/// One static route of a VPN connection (`Routes[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpnStaticRoute {
    /// `DestinationCidrBlock`: an on-premises block.
    pub cidr: Cidr,
    /// `State`, lowercased (`available`, `pending`, `deleting`, `deleted`).
    pub state: String,
}

/// A Site-to-Site VPN connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VpnConnection {
    /// `vpn-…`.
    pub id: String,
    /// The gateway it ends on (`VpnGatewayId` or `TransitGatewayId`); `None` when neither is set.
    pub gateway: Option<OnPremGateway>,
    /// `CustomerGatewayId`.
    pub customer_gateway: Option<String>,
    /// `State`, lowercased.
    pub state: String,
    /// `Options.StaticRoutesOnly`, when given.
    pub static_routes_only: Option<bool>,
    /// `Options.LocalIpv4NetworkCidr`: the customer side's traffic selector, when given.
    pub local_cidr: Option<Cidr>,
    /// `Options.RemoteIpv4NetworkCidr`: the AWS side's traffic selector, when given.
    pub remote_cidr: Option<Cidr>,
    /// Static routes.
    pub routes: Vec<VpnStaticRoute>,
    /// The `Status` of each tunnel in `VgwTelemetry[]`, uppercased; empty when not given.
    pub tunnels: Vec<String>,
    /// Tags.
    pub tags: BTreeMap<String, String>,
    /// Where it was read.
    pub provenance: Provenance,
}

impl VpnConnection {
    /// True iff it carries traffic (`available`).
    pub fn is_available(&self) -> bool {
        self.state.eq_ignore_ascii_case("available")
    }

    /// True iff the input lists its tunnels and every one is `DOWN` (ONP-3).
    pub fn all_tunnels_down(&self) -> bool {
        !self.tunnels.is_empty() && self.tunnels.iter().all(|t| t.eq_ignore_ascii_case("DOWN"))
    }
}

/// A customer gateway (the on-premises device of a VPN connection).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerGateway {
    /// `cgw-…`.
    pub id: String,
    /// `IpAddress`.
    pub ip_address: Option<String>,
    /// `BgpAsn`.
    pub bgp_asn: Option<String>,
    /// `State`, lowercased.
    pub state: String,
    /// Where it was read.
    pub provenance: Provenance,
}

/// A Direct Connect gateway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DxGateway {
    /// `directConnectGatewayId`.
    pub id: String,
    /// `directConnectGatewayName`.
    pub name: Option<String>,
    /// `directConnectGatewayState`, lowercased.
    pub state: String,
    /// Where it was read.
    pub provenance: Provenance,
}

/// A Direct Connect gateway's association with a virtual private or transit gateway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DxAssociation {
    /// `directConnectGatewayId`.
    pub dx_gateway: String,
    /// `associatedGateway.id` (or `virtualGatewayId`).
    pub gateway: OnPremGateway,
    /// `associationState`, lowercased (`associated`, …).
    pub state: String,
    /// `allowedPrefixesToDirectConnectGateway[].cidr`: the AWS-side prefixes advertised to the
    /// Direct Connect gateway (not on-premises prefixes, ONP-1).
    pub allowed_prefixes: Vec<Cidr>,
    /// Where it was read.
    pub provenance: Provenance,
}

impl DxAssociation {
    /// True iff it carries traffic (`associated`).
    pub fn is_associated(&self) -> bool {
        self.state.eq_ignore_ascii_case("associated")
    }
}

/// An on-premises network the user declared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnPremNetwork {
    /// Its name (`corp`, `dc1`).
    pub name: String,
    /// Its blocks.
    pub cidrs: Vec<Cidr>,
    /// What it is behind: a `vgw-…`, `tgw-…`, `vpn-…` or Direct Connect gateway id; `None`:
    /// behind every virtual private and transit gateway that routes to it.
    pub via: Option<String>,
    /// Where it was declared.
    pub provenance: Provenance,
}

/// Where a known on-premises prefix comes from (ONP-1).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum PrefixSource {
    /// A static route of a VPN connection.
    VpnStatic {
        /// `vpn-…`.
        vpn: String,
        /// Every tunnel of the connection is `DOWN` in the snapshot (ONP-3).
        down: bool,
    },
    /// A declared on-premises network.
    Declared {
        /// Its name.
        name: String,
    },
    /// A virtual private gateway's own declared blocks (spec `onprem_cidrs`).
    GatewayBlocks,
}

/// A prefix a gateway knows on premises, and where from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct KnownPrefix {
    /// The block.
    pub cidr: Cidr,
    /// Its source.
    pub source: PrefixSource,
}

impl OnPremTopology {
    /// True iff the declared network `n` is behind `gateway` (ONP-1): named by the gateway
    /// itself, by a VPN connection or Direct Connect gateway ending on it, or by nothing.
    pub fn declared_behind(&self, n: &OnPremNetwork, gateway: &str) -> bool {
        match &n.via {
            None => true,
            Some(v) if v == gateway => true,
            Some(v) => {
                self.vpn_connections
                    .get(v)
                    .is_some_and(|c| c.gateway.as_ref().is_some_and(|g| g.id() == gateway))
                    || self
                        .dx_associations
                        .iter()
                        .any(|a| &a.dx_gateway == v && a.gateway.id() == gateway)
            }
        }
    }

    /// Every prefix `gateway` (a `vgw-…` or `tgw-…` id) knows on premises, per ONP-1, for the query
    /// layer; `gateway_blocks` are a virtual private gateway's own declared blocks. The
    /// interpreters derive the same list on their own.
    pub fn known_prefixes(&self, gateway: &str, gateway_blocks: &[Cidr]) -> Vec<KnownPrefix> {
        let mut out: Vec<KnownPrefix> = Vec::new();
        for c in self
            .vpn_connections
            .values()
            .filter(|c| c.is_available() && c.gateway.as_ref().is_some_and(|g| g.id() == gateway))
        {
            for r in c.routes.iter().filter(|r| r.state.eq_ignore_ascii_case("available")) {
                out.push(KnownPrefix {
                    cidr: r.cidr,
                    source: PrefixSource::VpnStatic {
                        vpn: c.id.clone(),
                        down: c.all_tunnels_down(),
                    },
                });
            }
        }
        for n in self.networks.iter().filter(|n| self.declared_behind(n, gateway)) {
            for c in &n.cidrs {
                out.push(KnownPrefix {
                    cidr: *c,
                    source: PrefixSource::Declared { name: n.name.clone() },
                });
            }
        }
        out.extend(gateway_blocks.iter().map(|c| KnownPrefix {
            cidr: *c,
            source: PrefixSource::GatewayBlocks,
        }));
        out.sort();
        out.dedup();
        out
    }

    /// The declared network named `name`.
    pub fn network(&self, name: &str) -> Option<&OnPremNetwork> {
        self.networks.iter().find(|n| n.name == name)
    }
}
