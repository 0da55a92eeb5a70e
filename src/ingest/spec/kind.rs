//! The native spec's resource kinds: the top-level table of each, its noun, id prefix and
//! allowed keys, and which kinds a route target may name (§2.4). Split from the parent module by
//! concern. Must not touch: lowering.

use super::*;

/// The resource kinds of a spec, one top-level table each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Kind {
    Vpc,
    Subnet,
    RouteTable,
    NetworkAcl,
    SecurityGroup,
    Instance,
    NetworkInterface,
    InternetGateway,
    EgressOnlyInternetGateway,
    NatGateway,
    Peering,
    VpcEndpoint,
    PrefixList,
    VpnGateway,
    TransitGateway,
    TgwAttachment,
    TgwRouteTable,
    TgwPeering,
}

impl Kind {
    pub(super) const ALL: [Kind; 18] = [
        Kind::Vpc,
        Kind::Subnet,
        Kind::RouteTable,
        Kind::NetworkAcl,
        Kind::SecurityGroup,
        Kind::Instance,
        Kind::NetworkInterface,
        Kind::InternetGateway,
        Kind::EgressOnlyInternetGateway,
        Kind::NatGateway,
        Kind::Peering,
        Kind::VpcEndpoint,
        Kind::PrefixList,
        Kind::VpnGateway,
        Kind::TransitGateway,
        Kind::TgwAttachment,
        Kind::TgwRouteTable,
        Kind::TgwPeering,
    ];

    /// The top-level table name.
    pub(super) fn table(self) -> &'static str {
        match self {
            Kind::Vpc => "vpc",
            Kind::Subnet => "subnet",
            Kind::RouteTable => "route_table",
            Kind::NetworkAcl => "network_acl",
            Kind::SecurityGroup => "security_group",
            Kind::Instance => "instance",
            Kind::NetworkInterface => "network_interface",
            Kind::InternetGateway => "internet_gateway",
            Kind::EgressOnlyInternetGateway => "egress_only_internet_gateway",
            Kind::NatGateway => "nat_gateway",
            Kind::Peering => "peering",
            Kind::VpcEndpoint => "vpc_endpoint",
            Kind::PrefixList => "prefix_list",
            Kind::VpnGateway => "vpn_gateway",
            Kind::TransitGateway => "transit_gateway",
            Kind::TgwAttachment => "transit_gateway_attachment",
            Kind::TgwRouteTable => "transit_gateway_route_table",
            Kind::TgwPeering => "transit_gateway_peering",
        }
    }

    /// What a network engineer calls it.
    pub(super) fn noun(self) -> &'static str {
        match self {
            Kind::Vpc => "vpc",
            Kind::Subnet => "subnet",
            Kind::RouteTable => "route table",
            Kind::NetworkAcl => "network ACL",
            Kind::SecurityGroup => "security group",
            Kind::Instance => "instance",
            Kind::NetworkInterface => "network interface",
            Kind::InternetGateway => "internet gateway",
            Kind::EgressOnlyInternetGateway => "egress-only internet gateway",
            Kind::NatGateway => "NAT gateway",
            Kind::Peering => "peering connection",
            Kind::VpcEndpoint => "VPC endpoint",
            Kind::PrefixList => "prefix list",
            Kind::VpnGateway => "VPN gateway",
            Kind::TransitGateway => "transit gateway",
            Kind::TgwAttachment => "transit gateway attachment",
            Kind::TgwRouteTable => "transit gateway route table",
            Kind::TgwPeering => "transit gateway peering attachment",
        }
    }

    /// The prefix AWS gives its ids.
    pub(super) fn prefix(self) -> &'static str {
        match self {
            Kind::Vpc => VpcId::PREFIX,
            Kind::Subnet => SubnetId::PREFIX,
            Kind::RouteTable => RouteTableId::PREFIX,
            Kind::NetworkAcl => NetworkAclId::PREFIX,
            Kind::SecurityGroup => SecurityGroupId::PREFIX,
            Kind::Instance => InstanceId::PREFIX,
            Kind::NetworkInterface => NetworkInterfaceId::PREFIX,
            Kind::InternetGateway => InternetGatewayId::PREFIX,
            Kind::EgressOnlyInternetGateway => EgressOnlyInternetGatewayId::PREFIX,
            Kind::NatGateway => NatGatewayId::PREFIX,
            Kind::Peering => VpcPeeringConnectionId::PREFIX,
            Kind::VpcEndpoint => VpcEndpointId::PREFIX,
            Kind::PrefixList => PrefixListId::PREFIX,
            Kind::VpnGateway => VpnGatewayId::PREFIX,
            Kind::TransitGateway => TransitGatewayId::PREFIX,
            Kind::TgwAttachment => TgwAttachmentId::PREFIX,
            Kind::TgwRouteTable => TgwRouteTableId::PREFIX,
            Kind::TgwPeering => TgwAttachmentId::PREFIX,
        }
    }

    /// The keys its table takes.
    pub(super) fn keys(self) -> &'static [&'static str] {
        match self {
            Kind::Vpc => &["id", "cidr", "secondary_cidrs", "ipv6_cidrs", "default", "tags"],
            Kind::Subnet => &[
                "id",
                "vpc",
                "az",
                "cidr",
                "ipv6_cidr",
                "map_public_ip",
                "route_table",
                "network_acl",
                "tags",
            ],
            Kind::RouteTable => &[
                "id",
                "vpc",
                "main",
                "subnets",
                "routes",
                "propagating_vgws",
                "edge_associations",
                "tags",
            ],
            Kind::NetworkAcl => &["id", "vpc", "default", "subnets", "inbound", "outbound", "tags"],
            Kind::SecurityGroup => &[
                "id",
                "vpc",
                "group_name",
                "description",
                "default",
                "ingress",
                "egress",
                "tags",
            ],
            Kind::Instance => &[
                "id",
                "subnet",
                "private_ip",
                "secondary_private_ips",
                "public_ip",
                "elastic_ip",
                "ipv6_addresses",
                "groups",
                "source_dest_check",
                "state",
                "interface_id",
                "tags",
            ],
            Kind::NetworkInterface => &[
                "id",
                "subnet",
                "private_ip",
                "secondary_private_ips",
                "public_ip",
                "elastic_ip",
                "ipv6_addresses",
                "groups",
                "source_dest_check",
                "instance",
                "device_index",
                "description",
                "type",
                "requester_managed",
                "tags",
            ],
            Kind::InternetGateway | Kind::EgressOnlyInternetGateway => &["id", "vpc", "tags"],
            Kind::NatGateway => &[
                "id",
                "subnet",
                "connectivity",
                "private_ip",
                "elastic_ip",
                "secondary_private_ips",
                "state",
                "interface_id",
                "tags",
            ],
            Kind::Peering => &["id", "requester", "accepter", "status", "tags"],
            Kind::VpcEndpoint => &[
                "id",
                "vpc",
                "type",
                "service",
                "state",
                "route_tables",
                "prefix_list",
                "subnets",
                "groups",
                "tags",
            ],
            Kind::PrefixList => &[
                "id",
                "prefix_list_name",
                "owner",
                "address_family",
                "entries",
                "max_entries",
                "tags",
            ],
            Kind::VpnGateway => &["id", "vpc", "state", "onprem_cidrs", "tags"],
            Kind::TransitGateway => &["id", "vpcs", "tags"],
            Kind::TgwAttachment => tgw::ATTACHMENT_KEYS,
            Kind::TgwRouteTable => tgw::ROUTE_TABLE_KEYS,
            Kind::TgwPeering => tgw::PEERING_KEYS,
        }
    }

    pub(super) fn from_table(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.table() == name)
    }
}

pub(super) const ROUTE_KEYS: &[&str] = &["destination", "prefix_list", "target", "state", "origin"];
pub(super) const ACL_ENTRY_KEYS: &[&str] = &["rule", "protocol", "ports", "icmp_type", "icmp_code", "cidr", "action"];
pub(super) const INGRESS_KEYS: &[&str] = &[
    "protocol",
    "ports",
    "icmp_type",
    "icmp_code",
    "from",
    "peering",
    "description",
];
pub(super) const EGRESS_KEYS: &[&str] = &[
    "protocol",
    "ports",
    "icmp_type",
    "icmp_code",
    "to",
    "peering",
    "description",
];
pub(super) const SECONDARY_IP_KEYS: &[&str] = &["ip", "elastic_ip"];
pub(super) const ELASTIC_IP_KEYS: &[&str] = &["address", "allocation_id"];

/// What a route `target` may name (§2.4).
pub(super) const TARGET_KINDS: &[Kind] = &[
    Kind::InternetGateway,
    Kind::EgressOnlyInternetGateway,
    Kind::NatGateway,
    Kind::Instance,
    Kind::NetworkInterface,
    Kind::Peering,
    Kind::VpcEndpoint,
    Kind::VpnGateway,
    Kind::TransitGateway,
];
