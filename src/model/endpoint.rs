//! Resolved query endpoints: which interfaces and external hosts `--from`/`--to` cover.
//! Plain data; `query::endpoint` resolves user text into it, `sim` and `smt` read it.

use super::addr::Cidr;
use super::ids::{NetworkInterfaceId, PrefixListId, VpcEndpointId, VpnGatewayId};
use super::trace::ComponentKind;

/// Hosts outside the modelled interfaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum External {
    /// Public internet addresses (SEMANTICS.md §4), optionally only through one gateway
    /// (`igw-…` or `eigw-…`).
    Internet {
        /// The gateway the traffic must cross, if the endpoint named one.
        via: Option<String>,
    },
    /// Any external address in a block, reached through whatever gateway routes it.
    Block(Cidr),
    /// The addresses of a prefix list (an AWS service), optionally only through one endpoint.
    Service {
        /// The list.
        prefix_list: PrefixListId,
        /// The gateway endpoint the traffic must cross, if the endpoint named one.
        via: Option<VpcEndpointId>,
    },
    /// Hosts on premises behind a virtual private gateway.
    OnPremises(VpnGatewayId),
    /// A declared on-premises network, or all of them (`onprem`): any address in `blocks`,
    /// reached through a virtual private gateway it is behind (SEMANTICS.md §5.11, ONP-4).
    OnPremNetwork {
        /// The network's name (`onprem` for all of them).
        name: String,
        /// Its blocks.
        blocks: Vec<Cidr>,
    },
}

/// A resolved endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The text the user gave.
    pub label: String,
    /// Modelled interfaces the endpoint covers, sorted by id.
    pub interfaces: Vec<NetworkInterfaceId>,
    /// When set, only the interface addresses (private or public) inside this block count
    /// (an IP or CIDR endpoint).
    pub address_filter: Option<Cidr>,
    /// External hosts the endpoint covers.
    pub external: Option<External>,
    /// Destination only: the request counts as delivered when its path reaches this component
    /// (a NAT gateway, peering connection, transit gateway).
    pub through: Option<(String, ComponentKind)>,
    /// Destination only: a listener's port (`lb:NAME:443`), which the question's destination
    /// port must be.
    pub port: Option<u16>,
    /// Destination only: the interfaces are load balancer nodes, and a request counts only when
    /// a load balancer carries it to one of these targets (an instance asked about through the
    /// load balancers in front of it, SEMANTICS.md §5.12).
    pub lb_targets: Option<Vec<NetworkInterfaceId>>,
    /// Source only: external hosts in these regions (a block, minus the holes listed with it)
    /// are not part of the endpoint (trusted prefixes, or the regions an exposure search has
    /// already found; EXP-1).
    pub exclude: Vec<(Cidr, Vec<Cidr>)>,
    /// Destination only, for a service: more blocks that count as the service's (`diff`: the
    /// service's addresses in the other network, so that both networks are asked about the same
    /// packets when an AWS-managed list's entries differ between them).
    pub also: Vec<Cidr>,
}

impl Endpoint {
    /// An endpoint covering nothing yet.
    pub fn named(label: &str) -> Self {
        Endpoint {
            label: label.to_owned(),
            interfaces: Vec::new(),
            address_filter: None,
            external: None,
            through: None,
            port: None,
            lb_targets: None,
            exclude: Vec::new(),
            also: Vec::new(),
        }
    }
}
