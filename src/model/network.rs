//! The network: every resource kind SEMANTICS.md walks, named with EC2 API nouns and
//! keyed by id, each carrying its provenance.
//!
//! This is plain data. Loaders (`ingest`) build it; `model::validate` checks its invariants;
//! `model::index` answers lookups (which route table a subnet uses, which interface owns an
//! address); the simulator and the SMT encoder each interpret it independently.

use super::addr::{Cidr, IpFamily};
pub use super::filtering::*;
use super::ids::*;
use super::provenance::Provenance;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Resource tags (`Name` among them).
pub type Tags = BTreeMap<String, String>;

/// The `Name` tag of a tag map.
pub fn name_tag(tags: &Tags) -> Option<&str> {
    tags.get("Name").map(String::as_str)
}

/// A whole modelled network: one or more VPCs and everything around them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Network {
    /// VPCs.
    pub vpcs: BTreeMap<VpcId, Vpc>,
    /// Subnets.
    pub subnets: BTreeMap<SubnetId, Subnet>,
    /// Route tables (subnet and gateway route tables).
    pub route_tables: BTreeMap<RouteTableId, RouteTable>,
    /// Network ACLs.
    pub network_acls: BTreeMap<NetworkAclId, NetworkAcl>,
    /// Security groups.
    pub security_groups: BTreeMap<SecurityGroupId, SecurityGroup>,
    /// Network interfaces (ENIs), including those of NAT gateways and interface endpoints.
    pub network_interfaces: BTreeMap<NetworkInterfaceId, NetworkInterface>,
    /// EC2 instances.
    pub instances: BTreeMap<InstanceId, Instance>,
    /// Internet gateways.
    pub internet_gateways: BTreeMap<InternetGatewayId, InternetGateway>,
    /// Egress-only internet gateways.
    pub egress_only_internet_gateways: BTreeMap<EgressOnlyInternetGatewayId, EgressOnlyInternetGateway>,
    /// NAT gateways.
    pub nat_gateways: BTreeMap<NatGatewayId, NatGateway>,
    /// VPC peering connections.
    pub vpc_peering_connections: BTreeMap<VpcPeeringConnectionId, VpcPeeringConnection>,
    /// VPC endpoints.
    pub vpc_endpoints: BTreeMap<VpcEndpointId, VpcEndpoint>,
    /// AWS-managed and customer-managed prefix lists.
    pub prefix_lists: BTreeMap<PrefixListId, PrefixList>,
    /// Virtual private gateways.
    pub vpn_gateways: BTreeMap<VpnGatewayId, VpnGateway>,
    /// Transit gateways (kept so references resolve; their routing is not modelled).
    pub transit_gateways: BTreeMap<TransitGatewayId, TransitGateway>,
    /// VPC Block Public Access of the account and Region, when the input says (IGW-10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_public_access: Option<BlockPublicAccess>,
    /// Constructs present in the input that the model does not interpret. A query whose candidate
    /// path crosses one answers `unknown`.
    pub unsupported: Vec<Unsupported>,
    /// Transit gateway attachments, route tables and their routes (SEMANTICS.md §5.9).
    #[serde(default)]
    pub tgw: super::tgw::TgwTopology,
    /// VPN connections, Direct Connect gateways, declared on-premises networks (§5.11).
    #[serde(default)]
    pub onprem: super::onprem::OnPremTopology,
    /// The account and region of each input file whose path names them (nested snapshot
    /// layouts), by the file as provenance names it: a resource's scope is its file's.
    #[serde(default)]
    pub scopes: BTreeMap<String, Scope>,
    /// The Availability Zone id (`use1-az1`) of each subnet whose input gives it: zone names map
    /// to different zones in different accounts, ids do not.
    #[serde(default)]
    pub zone_ids: BTreeMap<SubnetId, String>,
    /// Load balancers, listeners and target groups (SEMANTICS.md §5.12).
    #[serde(default, skip_serializing_if = "super::elb::ElbTopology::is_empty")]
    pub elb: super::elb::ElbTopology,
    /// VPC flow logs, and whether the input lists them (read by VPCV-013 only).
    #[serde(default, skip_serializing_if = "super::flowlog::FlowLogs::is_empty")]
    pub flow_logs: super::flowlog::FlowLogs,
    /// Whether the input lists VPC endpoints (read by VPCV-014 and VPCV-015 only).
    #[serde(default, skip_serializing_if = "super::listing::Listed::is_empty")]
    pub endpoints_listed: super::listing::Listed,
}

/// A subnet's Availability Zone, comparable across accounts as far as the input allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZoneKey {
    /// The zone id.
    Id(String),
    /// The zone name and the account that names it, when known.
    Name {
        /// `us-east-1a`.
        name: String,
        /// The account of the subnet's file, when its path names one.
        account: Option<String>,
    },
}

impl ZoneKey {
    /// Whether two subnets are in the same zone: `None` when the input cannot tell (an id
    /// against a name, or names of two different accounts).
    pub fn same(&self, other: &ZoneKey) -> Option<bool> {
        match (self, other) {
            (ZoneKey::Id(a), ZoneKey::Id(b)) => Some(a == b),
            (ZoneKey::Name { name: a, account: x }, ZoneKey::Name { name: b, account: y }) => {
                if x.is_some() && y.is_some() && x != y {
                    None
                } else {
                    Some(a == b)
                }
            }
            _ => None,
        }
    }
}

/// The AWS account and region an input file belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
pub struct Scope {
    /// 12-digit account id.
    pub account: Option<String>,
    /// Region name.
    pub region: Option<String>,
}

impl Network {
    /// The account and region of a resource read from the file `provenance` names, when known.
    pub fn scope_of(&self, provenance: &Provenance) -> Option<&Scope> {
        self.scopes.get(&provenance.file)
    }

    /// The zone of a subnet as a [`ZoneKey`]: its id when known, else its name and account;
    /// `None` when the input gives neither (or the subnet is not in it).
    pub fn zone_key(&self, subnet: &SubnetId) -> Option<ZoneKey> {
        if let Some(id) = self.zone_ids.get(subnet) {
            return Some(ZoneKey::Id(id.clone()));
        }
        let s = self.subnets.get(subnet)?;
        Some(ZoneKey::Name {
            name: s.availability_zone.clone()?,
            account: self.scope_of(&s.provenance).and_then(|sc| sc.account.clone()),
        })
    }
}

/// A construct the model keeps but does not interpret.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Unsupported {
    /// The id of the component a path would cross (`tgw-…`, `rtb-…` of a gateway route table,
    /// `vpce-…` of a Gateway Load Balancer endpoint, a `vpc-…` with Block Public Access, …).
    pub component: String,
    /// What it is and why it is not modelled.
    pub reason: String,
    /// Where it was read.
    pub provenance: Provenance,
}

/// A VPC (§1.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vpc {
    /// `vpc-…`.
    pub id: VpcId,
    /// IPv4 CIDR blocks, primary first (RT-5, SUB-5).
    pub cidrs_v4: Vec<Cidr>,
    /// Associated IPv6 CIDR blocks (/56).
    pub cidrs_v6: Vec<Cidr>,
    /// True for the account's default VPC.
    pub is_default: bool,
    /// Tags.
    pub tags: Tags,
    /// Where it was read.
    pub provenance: Provenance,
}

impl Vpc {
    /// All CIDR blocks, IPv4 then IPv6.
    pub fn cidrs(&self) -> impl Iterator<Item = &Cidr> {
        self.cidrs_v4.iter().chain(self.cidrs_v6.iter())
    }

    /// True iff `ip` lies in one of the VPC's CIDR blocks.
    pub fn contains(&self, ip: &IpAddr) -> bool {
        self.cidrs().any(|c| c.contains(ip))
    }
}

/// A subnet (§1.1, §10).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subnet {
    /// `subnet-…`.
    pub id: SubnetId,
    /// Owning VPC.
    pub vpc: VpcId,
    /// Availability Zone name.
    pub availability_zone: Option<String>,
    /// IPv4 block (absent for IPv6-only subnets).
    pub cidr_v4: Option<Cidr>,
    /// IPv6 block (/64), if any.
    pub cidr_v6: Option<Cidr>,
    /// Auto-assign public IPv4 on launch (IGW-7). Informational: addresses are per interface.
    pub map_public_ip_on_launch: bool,
    /// Tags.
    pub tags: Tags,
    /// Where it was read.
    pub provenance: Provenance,
}

impl Subnet {
    /// The subnet's blocks, IPv4 then IPv6.
    pub fn cidrs(&self) -> impl Iterator<Item = &Cidr> {
        self.cidr_v4.iter().chain(self.cidr_v6.iter())
    }

    /// True iff `ip` lies in one of the subnet's blocks.
    pub fn contains(&self, ip: &IpAddr) -> bool {
        self.cidrs().any(|c| c.contains(ip))
    }
}

/// A route table with its associations and routes (§2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteTable {
    /// `rtb-…`.
    pub id: RouteTableId,
    /// Owning VPC.
    pub vpc: VpcId,
    /// True for the VPC's main route table (RT-2): subnets without an explicit association use it.
    pub main: bool,
    /// Explicitly associated subnets (RT-1).
    pub subnets: Vec<SubnetId>,
    /// Edge associations: gateways whose inbound traffic this table routes (RT-18).
    pub gateways: Vec<EdgeAssociation>,
    /// Routes, in input order. Local routes are present (ingest adds missing ones, RT-5).
    pub routes: Vec<Route>,
    /// VPN gateways propagating routes into this table.
    pub propagating_vgws: Vec<VpnGatewayId>,
    /// Tags.
    pub tags: Tags,
    /// Where it was read.
    pub provenance: Provenance,
}

/// A gateway edge-associated with a route table (RT-18).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum EdgeAssociation {
    /// An internet gateway.
    InternetGateway(InternetGatewayId),
    /// A virtual private gateway.
    VpnGateway(VpnGatewayId),
    /// Anything else AWS may print.
    Other(String),
}

/// One route (§2.3, §2.4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Route {
    /// Destination block or prefix list.
    pub destination: RouteDestination,
    /// Where matching traffic goes.
    pub target: RouteTarget,
    /// `active`, or `blackhole` (RT-14). Ingest also marks routes whose target is in the input but
    /// cannot carry traffic as blackhole (a NAT gateway not available, a peering not active, …).
    /// An `active` route whose target is missing from the input stays active: the input is
    /// incomplete, and a walk that takes it answers unknown (RT-14a, DESIGN.md §3).
    pub state: RouteState,
    /// How the route was created (RT-15); propagated routes rank lowest (RT-8, RT-12).
    pub origin: RouteOrigin,
    /// Where it was read; `item` is the destination.
    pub provenance: Provenance,
}

/// A route's destination.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum RouteDestination {
    /// `DestinationCidrBlock` or `DestinationIpv6CidrBlock`.
    Cidr(Cidr),
    /// `DestinationPrefixListId`: one route per entry of the list (RT-13).
    PrefixList(PrefixListId),
}

impl std::fmt::Display for RouteDestination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RouteDestination::Cidr(c) => write!(f, "{c}"),
            RouteDestination::PrefixList(p) => write!(f, "{p}"),
        }
    }
}

/// A route's target (§2.4). Every kind AWS prints is representable; kinds the walk does not
/// interpret are [`RouteTarget::Unsupported`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum RouteTarget {
    /// `local`: delivery inside the VPC (RT-5).
    Local,
    /// `igw-…`.
    InternetGateway(InternetGatewayId),
    /// `eigw-…`.
    EgressOnlyInternetGateway(EgressOnlyInternetGatewayId),
    /// `nat-…`.
    NatGateway(NatGatewayId),
    /// `i-…`: the instance's primary network interface (J20).
    Instance(InstanceId),
    /// `eni-…`.
    NetworkInterface(NetworkInterfaceId),
    /// `pcx-…`.
    VpcPeeringConnection(VpcPeeringConnectionId),
    /// `vpce-…` (gateway endpoint; a Gateway Load Balancer endpoint is unsupported).
    VpcEndpoint(VpcEndpointId),
    /// `vgw-…`.
    VpnGateway(VpnGatewayId),
    /// `tgw-…` (kept; transit gateway routing is not modelled).
    TransitGateway(TransitGatewayId),
    /// Local gateway, carrier gateway, core network, or anything else.
    Unsupported {
        /// The AWS field that named it (`LocalGatewayId`, `CarrierGatewayId`, …).
        field: String,
        /// The id or ARN.
        id: String,
    },
}

impl RouteTarget {
    /// The target's id as AWS prints it (`local` for the local route).
    pub fn id(&self) -> &str {
        match self {
            RouteTarget::Local => "local",
            RouteTarget::InternetGateway(i) => i.as_str(),
            RouteTarget::EgressOnlyInternetGateway(i) => i.as_str(),
            RouteTarget::NatGateway(i) => i.as_str(),
            RouteTarget::Instance(i) => i.as_str(),
            RouteTarget::NetworkInterface(i) => i.as_str(),
            RouteTarget::VpcPeeringConnection(i) => i.as_str(),
            RouteTarget::VpcEndpoint(i) => i.as_str(),
            RouteTarget::VpnGateway(i) => i.as_str(),
            RouteTarget::TransitGateway(i) => i.as_str(),
            RouteTarget::Unsupported { id, .. } => id,
        }
    }
}

/// Route state (RT-14).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RouteState {
    /// Usable.
    Active,
    /// Target unavailable: the route still wins longest-prefix match and drops (J5).
    Blackhole,
}

/// Route origin (RT-15).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum RouteOrigin {
    /// Created with the table (local routes).
    CreateRouteTable,
    /// Created by a user (static).
    CreateRoute,
    /// Propagated from a virtual private gateway.
    EnableVgwRoutePropagation,
    /// Any other value AWS prints.
    Other(String),
}

impl RouteOrigin {
    /// True for propagated routes, which rank below static and prefix-list routes of the same
    /// prefix and never beat a local route (RT-8, RT-12).
    pub fn is_propagated(&self) -> bool {
        matches!(self, RouteOrigin::EnableVgwRoutePropagation)
    }
}

/// One private IPv4 address of an interface, with its public mapping (IGW-2, IGW-5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrivateIpv4 {
    /// The private address.
    pub address: Ipv4Addr,
    /// True for the interface's primary private address.
    pub primary: bool,
    /// The public IPv4 or Elastic IP the internet gateway maps to this address.
    pub public_ip: Option<PublicIpv4>,
    /// True when the address is not known before apply (Terraform plan): the value in `address`
    /// is an example chosen at ingest and the SMT engine treats it as free within the subnet.
    #[serde(default, skip_serializing_if = "super::wire::skip_false")]
    pub assigned_at_apply: bool,
}

/// A public IPv4 mapped 1:1 to a private address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicIpv4 {
    /// The public address.
    pub address: Ipv4Addr,
    /// `eipalloc-…` for an Elastic IP; `None` for an auto-assigned public IPv4.
    pub allocation_id: Option<String>,
    /// True when the address is not known before apply (see [`PrivateIpv4::assigned_at_apply`]).
    #[serde(default, skip_serializing_if = "super::wire::skip_false")]
    pub assigned_at_apply: bool,
}

/// A network interface (ENI) (§1.1, §7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkInterface {
    /// `eni-…`.
    pub id: NetworkInterfaceId,
    /// Subnet it lives in.
    pub subnet: SubnetId,
    /// VPC it lives in.
    pub vpc: VpcId,
    /// `InterfaceType`, as an open string (`interface`, `nat_gateway`, `vpc_endpoint`, …).
    pub interface_type: String,
    /// Description.
    pub description: String,
    /// Private IPv4 addresses, primary first.
    pub private_ipv4: Vec<PrivateIpv4>,
    /// IPv6 addresses (global; not translated, V6-2).
    pub ipv6: Vec<Ipv6Addr>,
    /// Security groups (SG-5).
    pub groups: Vec<SecurityGroupId>,
    /// Source/destination check (NI-2). False on NAT instances and appliances.
    pub source_dest_check: bool,
    /// The instance it is attached to.
    pub attachment: Option<InterfaceAttachment>,
    /// True for interfaces AWS manages for a service (NAT gateway, endpoint).
    pub requester_managed: bool,
    /// `Status` (`in-use`, `available`, …).
    pub status: String,
    /// Tags (`TagSet` in the AWS output).
    pub tags: Tags,
    /// Where it was read.
    pub provenance: Provenance,
}

impl NetworkInterface {
    /// The primary private IPv4, if any.
    pub fn primary_ipv4(&self) -> Option<Ipv4Addr> {
        self.private_ipv4
            .iter()
            .find(|p| p.primary)
            .or_else(|| self.private_ipv4.first())
            .map(|p| p.address)
    }

    /// Every private address of the interface (IPv4 and IPv6).
    pub fn private_addresses(&self) -> impl Iterator<Item = IpAddr> + '_ {
        self.private_ipv4
            .iter()
            .map(|p| IpAddr::V4(p.address))
            .chain(self.ipv6.iter().map(|a| IpAddr::V6(*a)))
    }

    /// Every public IPv4 mapped to one of its private addresses.
    pub fn public_addresses(&self) -> impl Iterator<Item = Ipv4Addr> + '_ {
        self.private_ipv4
            .iter()
            .filter_map(|p| p.public_ip.as_ref().map(|x| x.address))
    }

    /// True iff `ip` is one of its private addresses.
    pub fn has_private_address(&self, ip: &IpAddr) -> bool {
        self.private_addresses().any(|a| a == *ip)
    }
}

/// The attachment of an interface to an instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterfaceAttachment {
    /// The instance, if AWS printed it.
    pub instance: Option<InstanceId>,
    /// Device index (0 = primary).
    pub device_index: Option<u32>,
    /// `attached`, `attaching`, …
    pub status: String,
}

/// An EC2 instance. Filtering lives on its interfaces (SG-5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    /// `i-…`.
    pub id: InstanceId,
    /// `State.Name` (`running`, `stopped`, …).
    pub state: String,
    /// Its interfaces, primary (device index 0) first.
    pub network_interfaces: Vec<NetworkInterfaceId>,
    /// Tags.
    pub tags: Tags,
    /// Where it was read.
    pub provenance: Provenance,
}

impl Instance {
    /// The primary interface (J20).
    pub fn primary_interface(&self) -> Option<&NetworkInterfaceId> {
        self.network_interfaces.first()
    }
}

/// An internet gateway (§5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InternetGateway {
    /// `igw-…`.
    pub id: InternetGatewayId,
    /// VPCs it is attached to (state `attached` or `available`).
    pub vpcs: Vec<VpcId>,
    /// Tags.
    pub tags: Tags,
    /// Where it was read.
    pub provenance: Provenance,
}

/// An egress-only internet gateway (§11).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EgressOnlyInternetGateway {
    /// `eigw-…`.
    pub id: EgressOnlyInternetGatewayId,
    /// VPCs it is attached to.
    pub vpcs: Vec<VpcId>,
    /// Tags.
    pub tags: Tags,
    /// Where it was read.
    pub provenance: Provenance,
}

/// Public or private NAT gateway (NGW-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnectivityType {
    /// Has an Elastic IP; reaches the internet through the internet gateway.
    Public,
    /// No Elastic IP; the internet gateway drops its traffic.
    Private,
}

/// A NAT gateway (§6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NatGateway {
    /// `nat-…`.
    pub id: NatGatewayId,
    /// VPC.
    pub vpc: VpcId,
    /// Subnet it lives in (its subnet's ACL and route table apply, NGW-5).
    pub subnet: SubnetId,
    /// Public or private.
    pub connectivity: ConnectivityType,
    /// `State` (`available`, `pending`, `deleted`, …); only `available` forwards (NGW-10).
    pub state: String,
    /// Its addresses, primary first.
    pub addresses: Vec<NatGatewayAddress>,
    /// Tags.
    pub tags: Tags,
    /// Where it was read.
    pub provenance: Provenance,
}

impl NatGateway {
    /// The primary address (the one used for translation).
    pub fn primary_address(&self) -> Option<&NatGatewayAddress> {
        self.addresses
            .iter()
            .find(|a| a.primary)
            .or_else(|| self.addresses.first())
    }
}

/// One address of a NAT gateway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NatGatewayAddress {
    /// Private IPv4 in its subnet.
    pub private_ip: Ipv4Addr,
    /// Elastic IP (public NAT gateways).
    pub public_ip: Option<Ipv4Addr>,
    /// Its network interface.
    pub network_interface: Option<NetworkInterfaceId>,
    /// True for the primary address.
    pub primary: bool,
    /// True when the addresses are not known before apply (Terraform plan).
    #[serde(default, skip_serializing_if = "super::wire::skip_false")]
    pub assigned_at_apply: bool,
}

/// A VPC peering connection (§8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VpcPeeringConnection {
    /// `pcx-…`.
    pub id: VpcPeeringConnectionId,
    /// Requester VPC.
    pub requester: VpcId,
    /// Accepter VPC.
    pub accepter: VpcId,
    /// `Status.Code`; only `active` carries traffic (PCX-3).
    pub status: String,
    /// Tags.
    pub tags: Tags,
    /// Where it was read.
    pub provenance: Provenance,
}

impl VpcPeeringConnection {
    /// True iff the connection carries traffic.
    pub fn is_active(&self) -> bool {
        self.status.eq_ignore_ascii_case("active")
    }

    /// The VPC at the other end from `vpc`, if `vpc` is one of its ends.
    pub fn peer_of(&self, vpc: &VpcId) -> Option<&VpcId> {
        if &self.requester == vpc {
            Some(&self.accepter)
        } else if &self.accepter == vpc {
            Some(&self.requester)
        } else {
            None
        }
    }
}

/// The type of a VPC endpoint.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum VpcEndpointType {
    /// S3 or DynamoDB gateway endpoint (§9.1).
    Gateway,
    /// PrivateLink interface endpoint (§9.2): interfaces with groups.
    Interface,
    /// Gateway Load Balancer, Resource, ServiceNetwork, …: not modelled.
    Other(String),
}

/// A VPC endpoint (§9).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VpcEndpoint {
    /// `vpce-…`.
    pub id: VpcEndpointId,
    /// VPC.
    pub vpc: VpcId,
    /// `com.amazonaws.<region>.s3`, …
    pub service_name: String,
    /// Gateway, interface, or other.
    pub endpoint_type: VpcEndpointType,
    /// `State` (lowercase in real output).
    pub state: String,
    /// Gateway endpoints: associated route tables (GWE-2).
    pub route_tables: Vec<RouteTableId>,
    /// Gateway endpoints: the service's AWS-managed prefix list, when known.
    pub prefix_list: Option<PrefixListId>,
    /// Interface endpoints: subnets.
    pub subnets: Vec<SubnetId>,
    /// Interface endpoints: their network interfaces (IFE-1).
    pub network_interfaces: Vec<NetworkInterfaceId>,
    /// Interface endpoints: security groups.
    pub groups: Vec<SecurityGroupId>,
    /// Tags.
    pub tags: Tags,
    /// Where it was read.
    pub provenance: Provenance,
}

/// Who manages a prefix list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PrefixListOwner {
    /// An AWS service's list (S3, DynamoDB, …).
    AwsManaged,
    /// A customer-managed list.
    CustomerManaged,
}

/// Where a prefix list's entries came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum EntriesSource {
    /// The input itself (or no entries are known: see `entries_known`).
    #[default]
    Input,
    /// AWS's `ip-ranges.json`: the prefixes of the list's service in the list's region.
    AwsIpRanges {
        /// The file given with `--aws-ip-ranges`; `None` for the copy shipped with vpcverify.
        file: Option<String>,
        /// The file's `createDate` (`2026-10-26-01-11-04`).
        create_date: String,
        /// The file's `syncToken`.
        sync_token: String,
    },
}

/// A prefix list and its entries (RT-13, SG-8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrefixList {
    /// `pl-…`.
    pub id: PrefixListId,
    /// `PrefixListName` (`com.amazonaws.us-east-1.s3`, …).
    pub name: String,
    /// Who manages it.
    pub owner: PrefixListOwner,
    /// Address family, when AWS printed it.
    pub address_family: Option<IpFamily>,
    /// Its CIDR blocks.
    pub entries: Vec<Cidr>,
    /// False when the input named the list but not its entries: a path through it is `unknown`.
    pub entries_known: bool,
    /// Where `entries` came from: the input, or (AWS-managed S3 and DynamoDB lists whose entries
    /// the input lacks) AWS's published IP address ranges (SEMANTICS.md §6).
    #[serde(default)]
    pub entries_source: EntriesSource,
    /// `MaxEntries`.
    pub max_entries: Option<u32>,
    /// Tags.
    pub tags: Tags,
    /// Where it was read.
    pub provenance: Provenance,
}

/// A virtual private gateway (§12.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VpnGateway {
    /// `vgw-…`.
    pub id: VpnGatewayId,
    /// Attached VPCs.
    pub vpcs: Vec<VpcId>,
    /// `State`.
    pub state: String,
    /// On-premises blocks behind the gateway declared in a spec (ONP-1).
    pub onprem_cidrs: Vec<Cidr>,
    /// Tags.
    pub tags: Tags,
    /// Where it was read.
    pub provenance: Provenance,
}

/// A transit gateway: referenced by routes; its routing is not modelled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransitGateway {
    /// `tgw-…`.
    pub id: TransitGatewayId,
    /// VPCs with an attachment.
    pub vpcs: Vec<VpcId>,
    /// Tags.
    pub tags: Tags,
    /// Where it was read.
    pub provenance: Provenance,
}

/// VPC Block Public Access (BPA): the account's mode in the Region and its exclusions (IGW-10,
/// BPA-1..6 in SEMANTICS.md §5.10). Absent from a [`Network`] when the input does not say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockPublicAccess {
    /// `InternetGatewayBlockMode` of `describe-vpc-block-public-access-options`.
    pub mode: BpaMode,
    /// False when the options say `ExclusionsAllowed: not-allowed` (BPA enforced by an
    /// Organization's declarative policy): exclusions then take no effect.
    pub exclusions_allowed: bool,
    /// Active exclusions (state `create-complete` or `update-complete`), by exclusion id.
    pub exclusions: BTreeMap<String, BpaExclusion>,
    /// Where the mode was read.
    pub provenance: Provenance,
}

/// The account-level BPA mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BpaMode {
    /// `off`: no effect.
    Off,
    /// `block-bidirectional`: all traffic through internet and egress-only internet gateways.
    BlockBidirectional,
    /// `block-ingress`: internet traffic into VPCs; connections of NAT gateways and egress-only
    /// internet gateways, initiated from inside, still pass.
    BlockIngress,
}

impl BpaMode {
    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            BpaMode::Off => "off",
            BpaMode::BlockBidirectional => "block-bidirectional",
            BpaMode::BlockIngress => "block-ingress",
        }
    }
}

/// What an exclusion exempts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BpaResource {
    /// A whole VPC.
    Vpc(VpcId),
    /// One subnet.
    Subnet(SubnetId),
}

/// `InternetGatewayExclusionMode` of an exclusion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BpaExclusionMode {
    /// `allow-bidirectional`: all internet traffic to and from the resource.
    AllowBidirectional,
    /// `allow-egress`: outbound traffic (connections initiated from inside); applies only under
    /// `block-bidirectional`.
    AllowEgress,
}

impl BpaExclusionMode {
    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            BpaExclusionMode::AllowBidirectional => "allow-bidirectional",
            BpaExclusionMode::AllowEgress => "allow-egress",
        }
    }
}

/// One active BPA exclusion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BpaExclusion {
    /// `vpcbpa-exclude-…`.
    pub id: String,
    /// The VPC or subnet it exempts.
    pub resource: BpaResource,
    /// Its mode.
    pub mode: BpaExclusionMode,
    /// Where it was read.
    pub provenance: Provenance,
}
