//! Lookups over a [`Network`]: resolved associations and address ownership.
//!
//! These answer configuration questions (which route table does this subnet use, RT-1; which ACL,
//! NACL-1; who owns this address), never packet questions. Both interpreters use them; neither
//! may put forwarding or filtering decisions here.

use super::ids::*;
use super::network::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr};

/// The values of each key of `pairs`, in their order in `pairs`, by key.
fn grouped<K: Ord + Clone, V: Clone>(mut pairs: Vec<(&K, &V)>) -> BTreeMap<K, Vec<V>> {
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    pairs
        .chunk_by(|a, b| a.0 == b.0)
        .map(|same| (same[0].0.clone(), same.iter().map(|(_, v)| (*v).clone()).collect()))
        .collect()
}

/// The first value of each key of `pairs` (in their order in `pairs`), in key order.
fn first_of_each<K: Ord, V>(mut pairs: Vec<(K, V)>) -> impl Iterator<Item = (K, V)> {
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    pairs.dedup_by(|later, first| later.0 == first.0);
    pairs.into_iter()
}

/// Who holds a private address.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AddressOwner {
    /// A network interface (instance, interface endpoint, …).
    Interface(NetworkInterfaceId),
    /// A NAT gateway (its own interface may or may not be in the snapshot).
    NatGateway(NatGatewayId),
}

/// Precomputed lookups over one network. Build once per network with [`NetworkIndex::new`] (or
/// read it back from the snapshot cache, which is why it is serializable).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NetworkIndex {
    subnet_route_table: BTreeMap<SubnetId, RouteTableId>,
    subnet_network_acl: BTreeMap<SubnetId, NetworkAclId>,
    subnet_interfaces: BTreeMap<SubnetId, Vec<NetworkInterfaceId>>,
    group_members: BTreeMap<SecurityGroupId, Vec<NetworkInterfaceId>>,
    private_owner: BTreeMap<IpAddr, AddressOwner>,
    public_owner: BTreeMap<Ipv4Addr, (AddressOwner, Ipv4Addr)>,
    vpc_subnets: BTreeMap<VpcId, Vec<SubnetId>>,
    vpc_igw: BTreeMap<VpcId, InternetGatewayId>,
    vpc_eigw: BTreeMap<VpcId, EgressOnlyInternetGatewayId>,
    vpc_vgw: BTreeMap<VpcId, VpnGatewayId>,
    instance_of_interface: BTreeMap<NetworkInterfaceId, InstanceId>,
    edge_tables: BTreeMap<String, Vec<(EdgeAssociation, RouteTableId)>>,
    /// The public IPv4 addresses and Elastic IPs mapped in each VPC (IGW-2), in address order.
    vpc_publics: BTreeMap<VpcId, Vec<Ipv4Addr>>,
    /// The network's names ([`super::Names`]), built on first use: a question's answer is
    /// annotated with names, and a suite asks thousands of questions of one network.
    #[serde(skip)]
    names: NamesOnce,
}

/// The names of an index's network, built on first use. Derived from the network, like the rest
/// of the index, but lazily: two indexes of one network are equal whether or not either has
/// built its names yet.
#[derive(Debug, Clone, Default)]
struct NamesOnce(std::sync::OnceLock<super::Names>);

impl PartialEq for NamesOnce {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl NetworkIndex {
    /// Builds every lookup. Where the input is ambiguous (two main route tables, an address
    /// held twice) the first by id wins; `model::validate` reports the ambiguity.
    pub fn new(net: &Network) -> Self {
        let mut ix = NetworkIndex::default();

        // RT-1, RT-2: explicit association, else the VPC's main table.
        let mut main_table: BTreeMap<&VpcId, &RouteTableId> = BTreeMap::new();
        for rt in net.route_tables.values() {
            if rt.main {
                main_table.entry(&rt.vpc).or_insert(&rt.id);
            }
            for s in &rt.subnets {
                ix.subnet_route_table.entry(s.clone()).or_insert_with(|| rt.id.clone());
            }
        }
        // NACL-1: explicit association, else the VPC's default ACL.
        let mut default_acl: BTreeMap<&VpcId, &NetworkAclId> = BTreeMap::new();
        for acl in net.network_acls.values() {
            if acl.is_default {
                default_acl.entry(&acl.vpc).or_insert(&acl.id);
            }
            for s in &acl.subnets {
                ix.subnet_network_acl.entry(s.clone()).or_insert_with(|| acl.id.clone());
            }
        }
        // RT-18: the route tables edge-associated with each gateway, in table id order.
        for rt in net.route_tables.values() {
            for g in &rt.gateways {
                let id = match g {
                    EdgeAssociation::InternetGateway(i) => i.to_string(),
                    EdgeAssociation::VpnGateway(v) => v.to_string(),
                    EdgeAssociation::Other(o) => o.clone(),
                };
                ix.edge_tables.entry(id).or_default().push((g.clone(), rt.id.clone()));
            }
        }
        for s in net.subnets.values() {
            if !ix.subnet_route_table.contains_key(&s.id)
                && let Some(rt) = main_table.get(&s.vpc)
            {
                ix.subnet_route_table.insert(s.id.clone(), (*rt).clone());
            }
            if !ix.subnet_network_acl.contains_key(&s.id)
                && let Some(acl) = default_acl.get(&s.vpc)
            {
                ix.subnet_network_acl.insert(s.id.clone(), (*acl).clone());
            }
            ix.vpc_subnets.entry(s.vpc.clone()).or_default().push(s.id.clone());
        }

        // The lookups over interfaces are built from sorted lists rather than entry by entry:
        // an estate has a hundred thousand interfaces. Stable sorts keep each key's values in
        // interface id order, and the first value where the first wins.
        let mut in_subnet: Vec<(&SubnetId, &NetworkInterfaceId)> = Vec::new();
        let mut in_group: Vec<(&SecurityGroupId, &NetworkInterfaceId)> = Vec::new();
        let mut owners: Vec<(IpAddr, &NetworkInterfaceId)> = Vec::new();
        let mut attached: Vec<(&NetworkInterfaceId, &InstanceId)> = Vec::new();
        for eni in net.network_interfaces.values() {
            in_subnet.push((&eni.subnet, &eni.id));
            in_group.extend(eni.groups.iter().map(|g| (g, &eni.id)));
            owners.extend(eni.private_addresses().map(|a| (a, &eni.id)));
            for p in &eni.private_ipv4 {
                if let Some(pub_ip) = &p.public_ip {
                    ix.public_owner
                        .entry(pub_ip.address)
                        .or_insert_with(|| (AddressOwner::Interface(eni.id.clone()), p.address));
                }
            }
            if let Some(inst) = eni.attachment.as_ref().and_then(|a| a.instance.as_ref()) {
                attached.push((&eni.id, inst));
            }
        }
        for inst in net.instances.values() {
            attached.extend(inst.network_interfaces.iter().map(|e| (e, &inst.id)));
        }
        ix.subnet_interfaces = grouped(in_subnet);
        ix.group_members = grouped(in_group);
        ix.private_owner = first_of_each(owners)
            .map(|(a, e)| (a, AddressOwner::Interface(e.clone())))
            .collect();
        ix.instance_of_interface = first_of_each(attached).map(|(e, i)| (e.clone(), i.clone())).collect();
        // A NAT gateway's addresses belong to the gateway, even when its interface is listed too.
        for nat in net.nat_gateways.values() {
            for a in &nat.addresses {
                let owner = AddressOwner::NatGateway(nat.id.clone());
                ix.private_owner.insert(IpAddr::V4(a.private_ip), owner.clone());
                if let Some(p) = a.public_ip {
                    ix.public_owner.insert(p, (owner, a.private_ip));
                }
            }
        }
        for (a, (owner, _)) in &ix.public_owner {
            let vpc = match owner {
                AddressOwner::Interface(e) => net.network_interfaces.get(e).map(|e| &e.vpc),
                AddressOwner::NatGateway(n) => net.nat_gateways.get(n).map(|n| &n.vpc),
            };
            if let Some(vpc) = vpc {
                ix.vpc_publics.entry(vpc.clone()).or_default().push(*a);
            }
        }
        for igw in net.internet_gateways.values() {
            for v in &igw.vpcs {
                ix.vpc_igw.entry(v.clone()).or_insert_with(|| igw.id.clone());
            }
        }
        for eigw in net.egress_only_internet_gateways.values() {
            for v in &eigw.vpcs {
                ix.vpc_eigw.entry(v.clone()).or_insert_with(|| eigw.id.clone());
            }
        }
        for vgw in net.vpn_gateways.values() {
            for v in &vgw.vpcs {
                ix.vpc_vgw.entry(v.clone()).or_insert_with(|| vgw.id.clone());
            }
        }
        ix
    }

    /// The route table a subnet uses (RT-1).
    pub fn route_table_of(&self, subnet: &SubnetId) -> Option<&RouteTableId> {
        self.subnet_route_table.get(subnet)
    }

    /// The network ACL a subnet uses (NACL-1).
    pub fn network_acl_of(&self, subnet: &SubnetId) -> Option<&NetworkAclId> {
        self.subnet_network_acl.get(subnet)
    }

    /// Interfaces in a subnet, sorted by id.
    pub fn interfaces_in(&self, subnet: &SubnetId) -> &[NetworkInterfaceId] {
        self.subnet_interfaces.get(subnet).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Interfaces carrying a security group, sorted by id (SG-7 reference targets).
    pub fn members_of(&self, group: &SecurityGroupId) -> &[NetworkInterfaceId] {
        self.group_members.get(group).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Subnets of a VPC, sorted by id.
    pub fn subnets_of(&self, vpc: &VpcId) -> &[SubnetId] {
        self.vpc_subnets.get(vpc).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Who holds a private address (interface or NAT gateway).
    pub fn private_owner(&self, ip: &IpAddr) -> Option<&AddressOwner> {
        self.private_owner.get(ip)
    }

    /// Who holds a public IPv4 or Elastic IP, and the private address it maps to (IGW-2).
    pub fn public_owner(&self, ip: &Ipv4Addr) -> Option<&(AddressOwner, Ipv4Addr)> {
        self.public_owner.get(ip)
    }

    /// The public IPv4 addresses and Elastic IPs mapped in `vpc` (IGW-2), sorted.
    pub fn public_addresses_in(&self, vpc: &VpcId) -> &[Ipv4Addr] {
        self.vpc_publics.get(vpc).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The names of `net`, the network this index was built from (built once, on first use).
    pub fn names(&self, net: &Network) -> &super::Names {
        self.names.0.get_or_init(|| super::Names::new(net))
    }

    /// Every public IPv4 mapped in the network, sorted.
    pub fn public_addresses(&self) -> impl Iterator<Item = &Ipv4Addr> {
        self.public_owner.keys()
    }

    /// The internet gateway attached to a VPC (IGW-1: at most one).
    pub fn internet_gateway_of(&self, vpc: &VpcId) -> Option<&InternetGatewayId> {
        self.vpc_igw.get(vpc)
    }

    /// The egress-only internet gateway attached to a VPC.
    pub fn egress_only_gateway_of(&self, vpc: &VpcId) -> Option<&EgressOnlyInternetGatewayId> {
        self.vpc_eigw.get(vpc)
    }

    /// The virtual private gateway attached to a VPC.
    pub fn vpn_gateway_of(&self, vpc: &VpcId) -> Option<&VpnGatewayId> {
        self.vpc_vgw.get(vpc)
    }

    /// The route tables edge-associated with the gateway of this id (RT-18), each with the
    /// association naming it, in table id order (a table listing it twice appears twice).
    pub fn edge_route_tables(&self, gateway: &str) -> &[(EdgeAssociation, RouteTableId)] {
        self.edge_tables.get(gateway).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The instance an interface is attached to.
    pub fn instance_of(&self, eni: &NetworkInterfaceId) -> Option<&InstanceId> {
        self.instance_of_interface.get(eni)
    }

    /// Security groups referenced by any rule, for lint.
    pub fn referenced_groups(net: &Network) -> BTreeSet<SecurityGroupId> {
        net.security_groups
            .values()
            .flat_map(|g| g.ingress.iter().chain(g.egress.iter()))
            .filter_map(|r| match &r.peer {
                SecurityGroupPeer::SecurityGroup { id, .. } => Some(id.clone()),
                _ => None,
            })
            .collect()
    }
}
