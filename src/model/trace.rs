//! What a walk reports: the components a packet crossed (hops) and the ones that stopped it
//! (blocks). Both interpreters produce these; `explain` renders them.

use super::network::Direction;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The kind of a component on a path, as the AWS console names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ComponentKind {
    /// An ENI.
    NetworkInterface,
    /// An EC2 instance.
    Instance,
    /// A security group (or the set of groups on an interface).
    SecurityGroup,
    /// A network ACL.
    NetworkAcl,
    /// A route table.
    RouteTable,
    /// A subnet.
    Subnet,
    /// A VPC.
    Vpc,
    /// An internet gateway.
    InternetGateway,
    /// An egress-only internet gateway.
    EgressOnlyInternetGateway,
    /// A NAT gateway.
    NatGateway,
    /// A VPC peering connection.
    VpcPeeringConnection,
    /// A VPC endpoint.
    VpcEndpoint,
    /// A virtual private gateway.
    VpnGateway,
    /// A Site-to-Site VPN connection.
    VpnConnection,
    /// A transit gateway.
    TransitGateway,
    /// A transit gateway attachment.
    TransitGatewayAttachment,
    /// A transit gateway route table.
    TransitGatewayRouteTable,
    /// A prefix list.
    PrefixList,
    /// A load balancer (SEMANTICS.md §5.12).
    LoadBalancer,
    /// A load balancer's target group.
    TargetGroup,
    /// A host on the internet.
    Internet,
    /// A host on premises, behind a virtual private gateway.
    OnPremises,
    /// An AWS service behind a gateway endpoint.
    AwsService,
}

impl ComponentKind {
    /// The kebab-case name used in JSON and text output.
    pub fn as_str(self) -> &'static str {
        match self {
            ComponentKind::NetworkInterface => "network-interface",
            ComponentKind::Instance => "instance",
            ComponentKind::SecurityGroup => "security-group",
            ComponentKind::NetworkAcl => "network-acl",
            ComponentKind::RouteTable => "route-table",
            ComponentKind::Subnet => "subnet",
            ComponentKind::Vpc => "vpc",
            ComponentKind::InternetGateway => "internet-gateway",
            ComponentKind::EgressOnlyInternetGateway => "egress-only-internet-gateway",
            ComponentKind::NatGateway => "nat-gateway",
            ComponentKind::VpcPeeringConnection => "vpc-peering-connection",
            ComponentKind::VpcEndpoint => "vpc-endpoint",
            ComponentKind::VpnGateway => "vpn-gateway",
            ComponentKind::VpnConnection => "vpn-connection",
            ComponentKind::TransitGateway => "transit-gateway",
            ComponentKind::TransitGatewayAttachment => "transit-gateway-attachment",
            ComponentKind::TransitGatewayRouteTable => "transit-gateway-route-table",
            ComponentKind::PrefixList => "prefix-list",
            ComponentKind::LoadBalancer => "load-balancer",
            ComponentKind::TargetGroup => "target-group",
            ComponentKind::Internet => "internet",
            ComponentKind::OnPremises => "on-premises",
            ComponentKind::AwsService => "aws-service",
        }
    }
}

impl fmt::Display for ComponentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One component a packet crossed, and what it did there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Hop {
    /// The component's AWS id (or Terraform address); for external hosts, their address.
    pub id: String,
    /// What it is.
    pub kind: ComponentKind,
    /// A sentence: what happened here (`allowed by rule 100 (TCP 80 0.0.0.0/0 ALLOW)`,
    /// `source 10.0.1.251 translated to 54.175.89.128`).
    pub detail: String,
    /// Inbound or outbound, for filters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// The rule that let the packet through: ACL rule number, route destination, group rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

/// A component that stops a packet, with the rule and the reason.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Blocked {
    /// The component's AWS id (or Terraform address).
    pub id: String,
    /// What it is.
    pub kind: ComponentKind,
    /// Inbound or outbound, for filters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// The rule: ACL rule number or `*`, route destination (`none` when no route matches), the
    /// security group ids, or the rule id of SEMANTICS.md for gateway behaviour.
    pub rule: String,
    /// A sentence a network engineer would write.
    pub reason: String,
    /// The Reachability Analyzer explanation code (`SUBNET_ACL_RESTRICTION`, …) where one exists.
    pub code: String,
}

impl Blocked {
    /// A blocking entry: the component, where it applies, the rule, a sentence and the
    /// Reachability Analyzer code.
    pub fn new(
        id: impl std::fmt::Display,
        kind: ComponentKind,
        direction: Option<Direction>,
        rule: impl Into<String>,
        reason: impl Into<String>,
        code: &str,
    ) -> Self {
        Blocked {
            id: id.to_string(),
            kind,
            direction,
            rule: rule.into(),
            reason: reason.into(),
            code: code.to_owned(),
        }
    }
}
