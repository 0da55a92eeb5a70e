//! The endpoints `vpcverify diff` compares, grouped into classes that behave alike.
//!
//! Every customer network interface (type `interface`: instances, NAT instances) of either
//! network belongs to one class: same subnet, same security groups, same addressing (a public
//! IPv4 address or not, IPv6 or not) and the same source/destination check, taken from AFTER
//! (from BEFORE for an interface AFTER removes). Managed interfaces (NAT gateways, load balancer
//! nodes, endpoints, transit gateway attachments) are crossed by paths, not endpoints of their
//! own. The external endpoints are classes of their own: the internet, each declared on-premises
//! network (or each virtual private gateway's on-premises side when none is declared), and the
//! AWS services reached through gateway endpoints (`service:s3`, `service:dynamodb`).
//!
//! Owns: classes and their endpoints in each network. Must not touch: semantics, printing.

use crate::model::endpoint::Endpoint;
use crate::model::*;
use crate::query::endpoint::{Role, resolve};
use std::collections::{BTreeMap, BTreeSet};

/// What a class stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClassKind {
    /// Modelled interfaces.
    Interfaces,
    /// An external endpoint, by the text `query` resolves (`internet`, `service:s3`, an
    /// on-premises network's name, a `vgw-` id).
    External(String),
}

/// A class of endpoints.
#[derive(Debug, Clone)]
pub struct Class {
    /// Its name in the output.
    pub name: String,
    /// Interfaces or external.
    pub kind: ClassKind,
    /// The interfaces (empty for an external class), sorted.
    pub members: Vec<NetworkInterfaceId>,
    /// The members as people know them (Name tag of the instance, or the interface id).
    pub member_names: Vec<String>,
    /// The subnet (interfaces).
    pub subnet: Option<SubnetId>,
    /// The security groups (interfaces).
    pub groups: Vec<SecurityGroupId>,
    /// An interface class whose members forward others' traffic (source/destination check off).
    pub forwarder: bool,
    /// Can start connections (an AWS service cannot).
    pub can_send: bool,
}

impl Class {
    /// True for the internet, on-premises networks and services.
    pub fn is_external(&self) -> bool {
        matches!(self.kind, ClassKind::External(_))
    }

    /// This class's endpoint in `net`: its members present there, or the external endpoint as
    /// `net` resolves it (covering nothing when `net` lacks it: a service without its prefix
    /// list, a gateway AFTER adds).
    pub fn endpoint(&self, net: &Network, ix: &NetworkIndex, role: Role) -> Endpoint {
        match &self.kind {
            ClassKind::Interfaces => {
                let mut e = Endpoint::named(&self.name);
                e.interfaces = self
                    .members
                    .iter()
                    .filter(|m| net.network_interfaces.contains_key(*m))
                    .cloned()
                    .collect();
                e
            }
            ClassKind::External(text) => resolve(net, ix, text, role).unwrap_or_else(|_| Endpoint::named(&self.name)),
        }
    }
}

pub use crate::query::reach::is_endpoint;

type Key = (SubnetId, Vec<SecurityGroupId>, bool, bool, bool);

fn key(e: &NetworkInterface) -> Key {
    let mut groups = e.groups.clone();
    groups.sort();
    groups.dedup();
    (
        e.subnet.clone(),
        groups,
        e.public_addresses().next().is_some(),
        !e.ipv6.is_empty(),
        !e.source_dest_check,
    )
}

fn display_name(net: &Network, e: &NetworkInterface) -> String {
    let tagged = |tags: &Tags| name_tag(tags).map(str::to_owned);
    e.attachment
        .as_ref()
        .and_then(|a| a.instance.as_ref())
        .and_then(|i| net.instances.get(i))
        .and_then(|i| tagged(&i.tags))
        .or_else(|| tagged(&e.tags))
        .unwrap_or_else(|| e.id.to_string())
}

fn subnet_name(net: &Network, s: &SubnetId) -> String {
    net.subnets
        .get(s)
        .and_then(|x| name_tag(&x.tags).map(str::to_owned))
        .unwrap_or_else(|| s.to_string())
}

fn group_name(net: &Network, g: &SecurityGroupId) -> String {
    net.security_groups
        .get(g)
        .map(|x| name_tag(&x.tags).map(str::to_owned).unwrap_or_else(|| x.name.clone()))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| g.to_string())
}

/// Every class of the two networks: interface classes (by subnet, then groups), then the
/// external ones.
pub fn classes(before: &Network, bix: &NetworkIndex, after: &Network, aix: &NetworkIndex) -> Vec<Class> {
    let mut groups: BTreeMap<Key, Vec<(NetworkInterfaceId, String)>> = BTreeMap::new();
    let mut names: BTreeMap<Key, &Network> = BTreeMap::new();
    for (net, other) in [(after, None), (before, Some(after))] {
        for e in net.network_interfaces.values().filter(|e| is_endpoint(e)) {
            if other.is_some_and(|o: &Network| o.network_interfaces.contains_key(&e.id)) {
                continue;
            }
            let k = key(e);
            names.entry(k.clone()).or_insert(net);
            groups.entry(k).or_default().push((e.id.clone(), display_name(net, e)));
        }
    }
    let mut out = Vec::new();
    for (k, mut members) in groups {
        members.sort();
        let net = names.get(&k).copied().unwrap_or(after);
        let (subnet, sgs, public, v6, fwd) = k;
        let member_names: Vec<String> = members.iter().map(|(_, n)| n.clone()).collect();
        let name = if member_names.len() == 1 {
            member_names[0].clone()
        } else {
            let g: Vec<String> = sgs.iter().map(|g| group_name(net, g)).collect();
            format!(
                "{} interfaces in {} [{}]{}{}",
                member_names.len(),
                subnet_name(net, &subnet),
                g.join(", "),
                if public { " public" } else { "" },
                if v6 { " ipv6" } else { "" }
            )
        };
        out.push(Class {
            name,
            kind: ClassKind::Interfaces,
            members: members.into_iter().map(|(i, _)| i).collect(),
            member_names,
            subnet: Some(subnet),
            groups: sgs,
            forwarder: fwd,
            can_send: true,
        });
    }
    // Two classes with one member each may carry the same name (an instance's two interfaces).
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for c in &out {
        *seen.entry(c.name.clone()).or_default() += 1;
    }
    for c in out.iter_mut().filter(|c| seen.get(&c.name).is_some_and(|n| *n > 1)) {
        if let Some(m) = c.members.first() {
            c.name = format!("{} ({m})", c.name);
        }
    }
    let mut ext: BTreeSet<(String, bool)> = BTreeSet::new();
    ext.insert(("internet".into(), true));
    for (net, ix) in [(before, bix), (after, aix)] {
        for svc in ["s3", "dynamodb"] {
            let t = format!("service:{svc}");
            if resolve(net, ix, &t, Role::Destination).is_ok() {
                ext.insert((t, false));
            }
        }
        if net.onprem.networks.is_empty() {
            for g in net.vpn_gateways.keys() {
                ext.insert((g.to_string(), true));
            }
        } else {
            for n in &net.onprem.networks {
                ext.insert((n.name.clone(), true));
            }
        }
    }
    for (text, can_send) in ext {
        out.push(Class {
            name: text.clone(),
            kind: ClassKind::External(text),
            members: Vec::new(),
            member_names: Vec::new(),
            subnet: None,
            groups: Vec::new(),
            forwarder: false,
            can_send,
        });
    }
    out
}

/// Keeps the classes `text` (`--from`/`--to`) covers: the interface classes narrowed to the
/// interfaces it resolves to (in either network), or the external endpoint it names as a class
/// of its own. An error when neither network resolves it.
pub fn narrow(
    classes: &[Class],
    text: &str,
    role: Role,
    sides: [(&Network, &NetworkIndex); 2],
) -> Result<Vec<Class>, crate::query::endpoint::EndpointError> {
    let mut ifaces: BTreeSet<NetworkInterfaceId> = BTreeSet::new();
    let mut external = false;
    let mut first_err = None;
    let mut resolved = false;
    for (net, ix) in sides {
        match resolve(net, ix, text, role) {
            Ok(e) => {
                resolved = true;
                ifaces.extend(e.interfaces.iter().cloned());
                external |= e.external.is_some();
            }
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    if !resolved && let Some(e) = first_err {
        return Err(e);
    }
    let mut out: Vec<Class> = classes
        .iter()
        .filter(|c| c.kind == ClassKind::Interfaces)
        .filter_map(|c| {
            let members: Vec<(NetworkInterfaceId, String)> = c
                .members
                .iter()
                .zip(&c.member_names)
                .filter(|(m, _)| ifaces.contains(*m))
                .map(|(m, n)| (m.clone(), n.clone()))
                .collect();
            if members.is_empty() {
                return None;
            }
            let mut c = c.clone();
            if members.len() < c.members.len() {
                c.name = if members.len() == 1 {
                    members[0].1.clone()
                } else {
                    format!("{} ({} of {})", c.name, members.len(), c.members.len())
                };
            }
            c.members = members.iter().map(|(m, _)| m.clone()).collect();
            c.member_names = members.into_iter().map(|(_, n)| n).collect();
            Some(c)
        })
        .collect();
    if external {
        let existing = classes.iter().find(|c| c.kind == ClassKind::External(text.to_owned()));
        out.push(existing.cloned().unwrap_or(Class {
            name: text.to_owned(),
            kind: ClassKind::External(text.to_owned()),
            members: Vec::new(),
            member_names: Vec::new(),
            subnet: None,
            groups: Vec::new(),
            forwarder: false,
            can_send: role == Role::Source || !text.starts_with("service:"),
        }));
    }
    Ok(out)
}
