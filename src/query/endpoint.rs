//! Endpoints: what `--from` and `--to` name (DESIGN.md §2), resolved against a network.
//!
//! Resolution is configuration lookup only (which interfaces an id or Name tag covers); how
//! packets from or to those interfaces fare is decided by `sim` and `smt`.

use crate::model::endpoint::{Endpoint, External};
use crate::model::*;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

/// Whether an endpoint is the source or the destination of a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `--from`.
    Source,
    /// `--to`.
    Destination,
}

/// Why an endpoint does not resolve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    /// Nothing has that id, Name tag or address.
    #[error("no resource has the id or Name tag `{0}`")]
    NotFound(String),
    /// An address or CIDR block that is not one (`10.0.0.0/33`, `10.0.1.300`).
    #[error(
        "`{0}` is not a valid IP address or CIDR block: expected an address such as 10.0.1.5 or a block such as 10.0.1.0/24 (prefix length up to 32 for IPv4, 128 for IPv6)"
    )]
    BadAddress(String),
    /// Nothing has that id or name, but some are close to it (a typo).
    #[error("no resource has the id or Name tag `{text}`; did you mean {}?", .closest.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(" or "))]
    DidYouMean {
        /// The text given.
        text: String,
        /// The closest ids and names, best first.
        closest: Vec<String>,
    },
    /// Several resources have that Name tag.
    #[error("`{name}` is ambiguous: it names {}", .candidates.join(", "))]
    Ambiguous {
        /// The name.
        name: String,
        /// The ids it names.
        candidates: Vec<String>,
    },
    /// The endpoint cannot play that role.
    #[error("`{label}` cannot be a {role}: {why}")]
    WrongRole {
        /// The text given.
        label: String,
        /// `source` or `destination`.
        role: &'static str,
        /// Why.
        why: String,
    },
    /// The endpoint covers no interface or address.
    #[error("`{0}` covers no network interface")]
    Empty(String),
    /// `onprem` with no on-premises prefix known.
    #[error(
        "no on-premises network is known: no VPN connection has a static route and none is declared (declare one with --onprem NAME=CIDR)"
    )]
    NoOnPrem,
    /// A load balancer whose nodes (network interfaces) are not in the input.
    #[error(
        "load balancer `{0}` has no network interface in the input (its nodes: `aws ec2 describe-network-interfaces` lists them with the description `ELB …`)"
    )]
    NoNodes(String),
    /// `lb:NAME:PORT` names no listener.
    #[error("load balancer `{0}` has no listener on port {1}")]
    NoListener(String, u16),
    /// `service:` names a service without a prefix list in the input.
    #[error("no prefix list for `{0}` in the input (gateway endpoint services are s3 and dynamodb)")]
    NoService(String),
}

/// `onprem` (every declared on-premises network and every prefix a gateway knows on premises)
/// or the name of a declared on-premises network (ONP-4).
fn onprem_network(net: &Network, t: &str) -> Option<Result<Endpoint, EndpointError>> {
    let blocks: Vec<Cidr> = if t.eq_ignore_ascii_case("onprem") {
        let mut all: Vec<Cidr> = net
            .vpn_gateways
            .values()
            .flat_map(|g| net.onprem.known_prefixes(g.id.as_str(), &g.onprem_cidrs))
            .chain(
                net.transit_gateways
                    .keys()
                    .flat_map(|t| net.onprem.known_prefixes(t.as_str(), &[])),
            )
            .map(|k| k.cidr)
            .collect();
        all.extend(net.onprem.networks.iter().flat_map(|n| n.cidrs.iter().copied()));
        all.sort();
        all.dedup();
        if all.is_empty() {
            return Some(Err(EndpointError::NoOnPrem));
        }
        all
    } else {
        net.onprem.network(t)?.cidrs.clone()
    };
    let mut e = Endpoint::named(t);
    e.external = Some(External::OnPremNetwork {
        name: t.to_owned(),
        blocks,
    });
    Some(Ok(e))
}

/// Resolves an endpoint string for a role.
pub fn resolve(net: &Network, ix: &NetworkIndex, text: &str, role: Role) -> Result<Endpoint, EndpointError> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("internet") {
        let mut e = Endpoint::named(t);
        e.external = Some(External::Internet { via: None });
        return Ok(e);
    }
    if let Some(e) = onprem_network(net, t) {
        return e;
    }
    if let Some(svc) = t.strip_prefix("service:") {
        let pl = service_prefix_list(net, svc).ok_or_else(|| EndpointError::NoService(svc.to_owned()))?;
        let mut e = Endpoint::named(t);
        e.external = Some(External::Service {
            prefix_list: pl,
            via: None,
        });
        return no_service_source(e, role);
    }
    if let Some(rest) = t.strip_prefix("lb:") {
        return by_listener(net, t, rest);
    }
    if let Some(rest) = t.strip_prefix("tg:") {
        return by_target_group(net, t, rest);
    }
    if let Ok(ip) = t.parse::<IpAddr>() {
        return Ok(by_block(net, ix, t, Cidr::host(ip), role));
    }
    if t.contains('/')
        && let Ok(c) = Cidr::parse(t)
    {
        return Ok(by_block(net, ix, t, c, role));
    }
    if looks_like_address(t) {
        return Err(EndpointError::BadAddress(t.to_owned()));
    }
    if let Some(e) = by_id(net, ix, t, t, role)? {
        return Ok(e);
    }
    let mut ids = by_name(net, t);
    if ids.is_empty() {
        // A Terraform state's resource by its address (its ids are AWS ids).
        let names = ix.names(net);
        ids = names.ids_named(t).into_iter().map(str::to_owned).collect();
        // An instance and its own interfaces, named alike, are the instance.
        if ids
            .iter()
            .any(|i| net.instances.contains_key(&InstanceId::new(i.as_str())))
        {
            ids.retain(|i| {
                !net.network_interfaces
                    .contains_key(&NetworkInterfaceId::new(i.as_str()))
            });
        }
    }
    match ids.as_slice() {
        [] => Err(not_found(net, t)),
        [one] => by_id(net, ix, one, t, role)?.ok_or_else(|| not_found(net, t)),
        _ => {
            // Names that cover exactly the same interfaces (an instance and the group only it
            // carries, say) mean the same thing: no ambiguity in effect.
            let resolved: Vec<Endpoint> = ids
                .iter()
                .filter_map(|id| by_id(net, ix, id, t, role).ok().flatten())
                .collect();
            let same = |e: &Endpoint, f: &Endpoint| {
                e.interfaces == f.interfaces && e.external.is_none() && e.through.is_none()
            };
            match resolved.split_first() {
                Some((first, rest))
                    if resolved.len() == ids.len() && rest.iter().all(|e| same(e, first) && same(first, e)) =>
                {
                    Ok(first.clone())
                }
                _ => Err(EndpointError::Ambiguous {
                    name: t.to_owned(),
                    candidates: ids,
                }),
            }
        }
    }
}

/// Text written like an address or block that did not parse as one: digits and dots (with an
/// optional `/N`), or hex digits and colons with a `/N` or at least two colons.
fn looks_like_address(t: &str) -> bool {
    let (addr, len) = match t.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (t, None),
    };
    let v4 = addr.contains('.') && addr.chars().all(|c| c.is_ascii_digit() || c == '.');
    let v6 = addr.matches(':').count() >= 2 && addr.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
    (v4 || v6) && len.is_none_or(|l| !l.is_empty())
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Source => "source",
        Role::Destination => "destination",
    }
}

fn no_service_source(e: Endpoint, role: Role) -> Result<Endpoint, EndpointError> {
    if role == Role::Source {
        return Err(EndpointError::WrongRole {
            label: e.label,
            role: "source",
            why: "an AWS service behind a gateway endpoint only answers connections".into(),
        });
    }
    Ok(e)
}

/// The AWS-managed prefix list of a gateway-endpoint service (`s3`, `dynamodb`).
pub fn service_prefix_list(net: &Network, service: &str) -> Option<PrefixListId> {
    let suffix = format!(".{}", service.to_ascii_lowercase());
    net.prefix_lists
        .values()
        .filter(|p| p.owner == PrefixListOwner::AwsManaged && p.name.to_ascii_lowercase().ends_with(&suffix))
        .map(|p| p.id.clone())
        .next()
}

/// The error for a text that names nothing: with the closest ids and names when some are close
/// (strsim, [`Names::closest`]).
fn not_found(net: &Network, t: &str) -> EndpointError {
    let names = Names::new(net);
    let mut ids: Vec<String> = vec!["internet".to_owned()];
    ids.extend(net.vpcs.keys().map(|k| k.to_string()));
    ids.extend(net.subnets.keys().map(|k| k.to_string()));
    ids.extend(net.security_groups.keys().map(|k| k.to_string()));
    ids.extend(net.network_interfaces.keys().map(|k| k.to_string()));
    ids.extend(net.instances.keys().map(|k| k.to_string()));
    ids.extend(net.internet_gateways.keys().map(|k| k.to_string()));
    ids.extend(net.egress_only_internet_gateways.keys().map(|k| k.to_string()));
    ids.extend(net.vpc_endpoints.keys().map(|k| k.to_string()));
    ids.extend(net.prefix_lists.keys().map(|k| k.to_string()));
    ids.extend(net.vpn_gateways.keys().map(|k| k.to_string()));
    ids.extend(net.onprem.networks.iter().map(|n| n.name.clone()));
    ids.extend(net.elb.target_groups.values().map(|g| format!("tg:{}", g.name)));
    let closest = names.closest(t, ids.iter().map(String::as_str));
    if closest.is_empty() {
        EndpointError::NotFound(t.to_owned())
    } else {
        EndpointError::DidYouMean {
            text: t.to_owned(),
            closest,
        }
    }
}

/// Interfaces that are hosts (not the interface of a NAT gateway).
fn is_host(net: &Network, eni: &NetworkInterface) -> bool {
    let nat_owned = net.nat_gateways.values().any(|n| {
        n.addresses
            .iter()
            .any(|a| a.network_interface.as_ref() == Some(&eni.id))
    });
    !nat_owned && !matches!(eni.interface_type.as_str(), "nat_gateway" | "natGateway")
}

fn hosts<'a>(net: &Network, ids: impl Iterator<Item = &'a NetworkInterfaceId>) -> Vec<NetworkInterfaceId> {
    let set: BTreeSet<NetworkInterfaceId> = ids
        .filter(|id| net.network_interfaces.get(*id).is_some_and(|e| is_host(net, e)))
        .cloned()
        .collect();
    set.into_iter().collect()
}

fn nonempty(e: Endpoint) -> Result<Endpoint, EndpointError> {
    if e.interfaces.is_empty() && e.external.is_none() && e.through.is_none() {
        Err(EndpointError::Empty(e.label))
    } else {
        Ok(e)
    }
}

/// An IP or CIDR: the modelled interfaces holding an address in it (private or public), and, for
/// the part of the block outside every modelled VPC (or a single address no interface holds),
/// external hosts.
fn by_block(net: &Network, ix: &NetworkIndex, label: &str, block: Cidr, role: Role) -> Endpoint {
    let mut e = Endpoint::named(label);
    e.address_filter = Some(block);
    let holders = net.network_interfaces.values().filter(|eni| {
        eni.private_addresses().any(|a| block.contains(&a))
            || eni.public_addresses().any(|a| block.contains(&IpAddr::V4(a)))
    });
    e.interfaces = hosts(net, holders.map(|x| &x.id));
    let inside_vpcs = net
        .vpcs
        .values()
        .flat_map(|v| v.cidrs())
        .any(|c| c.contains_cidr(&block));
    let is_modelled_public = block.prefix_len() == block.family().bits()
        && matches!(block.first(), IpAddr::V4(a) if ix.public_owner(&a).is_some());
    let single = block.prefix_len() == block.family().bits();
    // A single address no interface holds is an external host reached through whatever gateway
    // routes it (DESIGN.md §2), inside a VPC block too: a more specific route may send it to a
    // gateway, and the local route to a subnet where nobody holds it (NO_POSSIBLE_DESTINATION).
    if (!inside_vpcs || single) && !is_modelled_public && (e.interfaces.is_empty() || !single) {
        e.external = Some(External::Block(block));
    }
    // Addresses inside a VPC that no interface holds (unused, reserved, a NAT gateway's): the
    // question is still about them, and the walk says where they are dropped (SEMANTICS.md §3,
    // §5.1), as `trace` does.
    if role == Role::Destination && inside_vpcs && e.interfaces.is_empty() {
        e.external = Some(External::Block(block));
    }
    if role == Role::Destination
        && e.interfaces.is_empty()
        && e.external.is_none()
        && let IpAddr::V4(a) = block.first()
        && let Some((AddressOwner::NatGateway(n), _)) = ix.public_owner(&a)
    {
        e.through = Some((n.to_string(), ComponentKind::NatGateway));
    }
    e
}

fn by_id(
    net: &Network,
    ix: &NetworkIndex,
    id: &str,
    label: &str,
    role: Role,
) -> Result<Option<Endpoint>, EndpointError> {
    let mut e = Endpoint::named(label);
    let wrong = |why: &str| EndpointError::WrongRole {
        label: label.to_owned(),
        role: role_name(role),
        why: why.to_owned(),
    };
    if let Some(inst) = net.instances.get(&InstanceId::new(id)) {
        e.interfaces = hosts(net, inst.network_interfaces.iter());
    } else if net.network_interfaces.contains_key(&NetworkInterfaceId::new(id)) {
        e.interfaces = vec![NetworkInterfaceId::new(id)];
    } else if net.subnets.contains_key(&SubnetId::new(id)) {
        e.interfaces = hosts(net, ix.interfaces_in(&SubnetId::new(id)).iter());
    } else if net.vpcs.contains_key(&VpcId::new(id)) {
        let vpc = VpcId::new(id);
        e.interfaces = hosts(
            net,
            net.network_interfaces.values().filter(|x| x.vpc == vpc).map(|x| &x.id),
        );
    } else if net.security_groups.contains_key(&SecurityGroupId::new(id)) {
        e.interfaces = hosts(net, ix.members_of(&SecurityGroupId::new(id)).iter());
    } else if net.internet_gateways.contains_key(&InternetGatewayId::new(id))
        || net
            .egress_only_internet_gateways
            .contains_key(&EgressOnlyInternetGatewayId::new(id))
    {
        // By membership, not prefix: a Terraform plan's ids are addresses (`aws_egress_only_internet_gateway.x`).
        if role == Role::Source
            && net
                .egress_only_internet_gateways
                .contains_key(&EgressOnlyInternetGatewayId::new(id))
        {
            return Err(wrong(
                "an egress-only internet gateway admits no connection from the internet",
            ));
        }
        e.external = Some(External::Internet {
            via: Some(id.to_owned()),
        });
    } else if let Some(vpce) = net.vpc_endpoints.get(&VpcEndpointId::new(id)) {
        match &vpce.endpoint_type {
            VpcEndpointType::Interface => e.interfaces = hosts(net, vpce.network_interfaces.iter()),
            VpcEndpointType::Gateway => {
                let pl = vpce
                    .prefix_list
                    .clone()
                    .or_else(|| service_prefix_list(net, vpce.service_name.rsplit('.').next().unwrap_or("")))
                    .ok_or_else(|| EndpointError::NoService(vpce.service_name.clone()))?;
                e.external = Some(External::Service {
                    prefix_list: pl,
                    via: Some(vpce.id.clone()),
                });
                return no_service_source(e, role).map(Some);
            }
            VpcEndpointType::Other(_) => {
                if role == Role::Source {
                    return Err(wrong("this endpoint type does not originate traffic"));
                }
                e.through = Some((id.to_owned(), ComponentKind::VpcEndpoint));
            }
        }
    } else if net.prefix_lists.contains_key(&PrefixListId::new(id)) {
        e.external = Some(External::Service {
            prefix_list: PrefixListId::new(id),
            via: None,
        });
        return no_service_source(e, role).map(Some);
    } else if let Some(lb) = net.elb.load_balancers.get(id) {
        // ELB-1: a load balancer is its nodes; a request to one is carried to a target (§5.12).
        if role == Role::Source {
            return Err(wrong(
                "a load balancer forwards traffic but does not originate it; name the hosts behind it",
            ));
        }
        e.interfaces = lb.nodes.clone();
        if e.interfaces.is_empty() {
            return Err(EndpointError::NoNodes(lb.name.clone()));
        }
    } else if let Some(tg) = net.elb.target_groups.get(id) {
        e.interfaces = target_interfaces(net, tg);
    } else if net.vpn_gateways.contains_key(&VpnGatewayId::new(id)) {
        e.external = Some(External::OnPremises(VpnGatewayId::new(id)));
    } else if net.nat_gateways.contains_key(&NatGatewayId::new(id))
        || net
            .vpc_peering_connections
            .contains_key(&VpcPeeringConnectionId::new(id))
        || net.transit_gateways.contains_key(&TransitGatewayId::new(id))
    {
        if role == Role::Source {
            return Err(wrong(
                "it forwards traffic but does not originate it; name the hosts behind it",
            ));
        }
        let kind = if net.nat_gateways.contains_key(&NatGatewayId::new(id)) {
            ComponentKind::NatGateway
        } else if net
            .vpc_peering_connections
            .contains_key(&VpcPeeringConnectionId::new(id))
        {
            ComponentKind::VpcPeeringConnection
        } else {
            ComponentKind::TransitGateway
        };
        e.through = Some((id.to_owned(), kind));
    } else {
        return Ok(None);
    }
    nonempty(e).map(Some)
}

/// Ids whose `Name` tag (or, for security groups, group name) is `name`. An instance and its
/// own interfaces count once, as the instance.
fn by_name(net: &Network, name: &str) -> Vec<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    let named = |t: &Tags| name_tag(t) == Some(name);
    let instances = || values_where(&net.instances, |i| named(&i.tags));
    let interfaces = || values_where(&net.network_interfaces, |e| named(&e.tags));
    let (instances, interfaces) = if net.network_interfaces.len() < PARALLEL_FROM {
        (instances(), interfaces())
    } else {
        rayon::join(instances, interfaces)
    };
    let mut instance_enis: BTreeSet<&NetworkInterfaceId> = BTreeSet::new();
    for i in instances {
        out.insert(i.id.to_string());
        instance_enis.extend(i.network_interfaces.iter());
    }
    for e in interfaces.into_iter().filter(|e| !instance_enis.contains(&e.id)) {
        out.insert(e.id.to_string());
    }
    macro_rules! scan {
        ($map:expr) => {
            for r in $map.values().filter(|r| named(&r.tags)) {
                out.insert(r.id.to_string());
            }
        };
    }
    scan!(net.vpcs);
    scan!(net.subnets);
    scan!(net.security_groups);
    scan!(net.internet_gateways);
    scan!(net.egress_only_internet_gateways);
    scan!(net.nat_gateways);
    scan!(net.vpc_peering_connections);
    scan!(net.vpc_endpoints);
    scan!(net.prefix_lists);
    scan!(net.vpn_gateways);
    scan!(net.transit_gateways);
    for lb in net.elb.load_balancers.values() {
        if lb.name == name || lb.dns_name.as_deref().is_some_and(|d| d.eq_ignore_ascii_case(name)) {
            out.insert(lb.id.clone());
        }
    }
    if out.is_empty() {
        for tg in net.elb.target_groups.values().filter(|g| g.name == name) {
            out.insert(tg.id.clone());
        }
    }
    if out.is_empty() {
        for g in net.security_groups.values().filter(|g| g.name == name) {
            out.insert(g.id.to_string());
        }
    }
    out.into_iter().collect()
}

/// How many entries a map has before a search through it is worth every core.
const PARALLEL_FROM: usize = 4096;

/// The values of `map` that `keep` keeps, in key order: on every core for a map as large as an
/// estate's instances or interfaces (a name is looked for in each of them).
fn values_where<K: Ord + Sync, V: Sync>(map: &BTreeMap<K, V>, keep: impl Fn(&V) -> bool + Sync) -> Vec<&V> {
    if map.len() < PARALLEL_FROM {
        map.values().filter(|v| keep(v)).collect()
    } else {
        map.par_iter().map(|(_, v)| v).filter(|v| keep(v)).collect()
    }
}

/// The load balancer a name, ARN or DNS name names.
fn load_balancer<'a>(net: &'a Network, text: &str) -> Result<&'a LoadBalancer, EndpointError> {
    let found: Vec<&LoadBalancer> = net
        .elb
        .load_balancers
        .values()
        .filter(|lb| {
            lb.id == text || lb.name == text || lb.dns_name.as_deref().is_some_and(|d| d.eq_ignore_ascii_case(text))
        })
        .collect();
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(EndpointError::NotFound(text.to_owned())),
        many => Err(EndpointError::Ambiguous {
            name: text.to_owned(),
            candidates: many.iter().map(|lb| lb.id.clone()).collect(),
        }),
    }
}

/// `lb:NAME` or `lb:NAME:PORT` (a listener): the load balancer's nodes, and the listener's port.
fn by_listener(net: &Network, label: &str, rest: &str) -> Result<Endpoint, EndpointError> {
    let (name, port) = match rest.rsplit_once(':') {
        Some((n, p)) if p.parse::<u16>().is_ok() => (n, p.parse::<u16>().ok()),
        _ => (rest, None),
    };
    let lb = load_balancer(net, name)?;
    if let Some(p) = port
        && lb.listeners_known
        && !lb.listeners.iter().any(|l| l.port == p)
    {
        return Err(EndpointError::NoListener(lb.name.clone(), p));
    }
    let mut e = Endpoint::named(label);
    e.interfaces = lb.nodes.clone();
    e.port = port;
    if e.interfaces.is_empty() {
        return Err(EndpointError::NoNodes(lb.name.clone()));
    }
    Ok(e)
}

/// `tg:NAME`: the interfaces of a target group's registered targets.
fn by_target_group(net: &Network, label: &str, name: &str) -> Result<Endpoint, EndpointError> {
    let tg = net
        .elb
        .target_groups
        .values()
        .find(|g| g.name == name || g.id == name)
        .ok_or_else(|| EndpointError::NotFound(name.to_owned()))?;
    let mut e = Endpoint::named(label);
    e.interfaces = target_interfaces(net, tg);
    nonempty(e)
}

/// The interfaces of a target group's registered targets that resolve (ELB-8).
fn target_interfaces(net: &Network, tg: &TargetGroup) -> Vec<NetworkInterfaceId> {
    let mut out: Vec<NetworkInterfaceId> = tg
        .targets
        .iter()
        .flatten()
        .filter_map(|t| crate::model::elb::resolve_target(net, tg, t).ok())
        .map(|at| at.iface)
        .collect();
    out.sort();
    out.dedup();
    out
}
