//! Classes of interfaces that behave alike for one question of the pack (PACK-1 in
//! SEMANTICS.md): the built-in pack asks each of its per-interface questions once per class and
//! gives every member the class's verdict, so that an estate of 20,000 interfaces is asked a few
//! thousand questions, not a million.
//!
//! Two interfaces share a class for a question only when nothing the engine reads tells them
//! apart for the packets of that question:
//! - the same subnet (so the same route table, network ACL, Availability Zone and VPC), the same
//!   interface type, description, status, managed flag, source/destination check, attachment and
//!   instance state, the same number of private addresses with the same kind of public mapping
//!   (none, auto-assigned, Elastic IP, known only after apply) and the same number of IPv6
//!   addresses;
//! - the same security group rules *that can match a packet of the question*: rules of the
//!   question's protocol (or all protocols) whose ports meet the question's, clipped to them.
//!   A rule naming a security group never matches an internet address (SG-7), so for questions
//!   from or to the internet such rules are left out; for questions from another VPC they are
//!   kept;
//! - membership in the groups that something else could test the interface against: groups
//!   named by an outbound rule anywhere (a source's egress rule toward the interface), and for
//!   questions out of the interface, groups named by a rule of a group on a forwarding
//!   interface (source/destination check off, or an AWS-managed interface).
//!
//! An interface is a class of its own when its addresses could matter: when any block written
//! anywhere in the input (a route, an ACL entry, a group rule, a prefix list, another subnet)
//! splits its subnet's blocks, when a block other than `/0` holds one of its public addresses,
//! or when its id, its instance's id or one of its addresses is written anywhere outside the
//! interfaces and instances (a route to it, a load balancer target, an endpoint's interface).
//!
//! VPCV-004's questions (every protocol) keep every rule of the interface's groups; its
//! question from the other interfaces of the member's own subnet is classed by the member both
//! as a destination and as a source ([`Classes::of_own_subnet`]).
//!
//! Must not touch: z3, printing; the verdicts are the engine's. Implements PACK-1.

use crate::model::*;
use std::collections::{BTreeSet, HashMap, HashSet};

/// What a question asks of an interface, for its class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// Packets from the internet into the interface.
    FromInternet,
    /// Packets from the interface to the internet.
    ToInternet,
    /// Packets from the interfaces of another VPC into the interface.
    FromVpc,
}

/// The classes of a network, numbered as they are met.
#[derive(Debug)]
pub struct Classes<'n> {
    net: &'n Network,
    base: HashMap<NetworkInterfaceId, String>,
    egress_named: BTreeSet<SecurityGroupId>,
    forwarder_named: BTreeSet<SecurityGroupId>,
    ids: HashMap<String, u32>,
    /// What tells an interface apart for a kind of question (side, protocol, ports), numbered:
    /// computed once per interface and kind, however many questions of that kind it is asked.
    facts: HashMap<(NetworkInterfaceId, Side, Option<u8>, Vec<PortRange>), u32>,
    texts: HashMap<String, u32>,
}

impl<'n> Classes<'n> {
    /// Reads what tells interfaces apart in `net`.
    pub fn new(net: &'n Network, ix: &NetworkIndex) -> Self {
        // Every string and block written outside the interfaces and instances.
        let mut rest = net.clone();
        rest.network_interfaces.clear();
        rest.instances.clear();
        let mut written: HashSet<String> = HashSet::new();
        if let Ok(v) = serde_json::to_value(&rest) {
            collect(&v, &mut written);
        }
        drop(rest);
        let blocks: Vec<Cidr> = written
            .iter()
            .filter(|s| s.contains('/'))
            .filter_map(|s| Cidr::parse(s).ok())
            .collect();
        let split = |c: &Cidr| blocks.iter().any(|b| b.overlaps(c) && !b.contains_cidr(c));
        let uniform: HashSet<&SubnetId> = net
            .subnets
            .values()
            .filter(|s| s.cidrs().all(|c| !split(c)))
            .map(|s| &s.id)
            .collect();
        let egress_named = net
            .security_groups
            .values()
            .flat_map(|g| g.egress.iter())
            .filter_map(named_group)
            .collect();
        let forwarder_named = net
            .network_interfaces
            .values()
            .filter(|e| !e.source_dest_check || e.requester_managed || e.interface_type != "interface")
            .flat_map(|e| e.groups.iter())
            .filter_map(|g| net.security_groups.get(g))
            .flat_map(|g| g.ingress.iter().chain(g.egress.iter()))
            .filter_map(named_group)
            .collect();
        let mut base = HashMap::new();
        for e in net.network_interfaces.values() {
            let instance = ix.instance_of(&e.id).and_then(|i| net.instances.get(i));
            let named = written.contains(e.id.as_str())
                || instance.is_some_and(|i| written.contains(i.id.as_str()))
                || e.private_addresses().any(|a| written.contains(&a.to_string()))
                || e.public_addresses().any(|a| {
                    written.contains(&a.to_string())
                        || blocks
                            .iter()
                            .any(|b| b.prefix_len() > 0 && b.contains(&std::net::IpAddr::V4(a)))
                });
            let own = if named || !uniform.contains(&e.subnet) {
                format!("only {}", e.id)
            } else {
                String::new()
            };
            let addresses: Vec<String> = e
                .private_ipv4
                .iter()
                .map(|p| {
                    let public = match &p.public_ip {
                        None => "-",
                        Some(x) if x.assigned_at_apply => "apply",
                        Some(x) if x.allocation_id.is_some() => "eip",
                        Some(_) => "auto",
                    };
                    format!("{}{}{public}", u8::from(p.primary), u8::from(p.assigned_at_apply))
                })
                .collect();
            base.insert(
                e.id.clone(),
                format!(
                    "{own}|{}|{}|{:?}|{}|{}|{}|{:?}|{}|{}|{}|{}",
                    e.subnet,
                    e.interface_type,
                    e.description,
                    e.status,
                    e.requester_managed,
                    e.source_dest_check,
                    e.attachment.as_ref().map(|a| (a.device_index, &a.status)),
                    instance.map_or("", |i| i.state.as_str()),
                    instance.map_or(0, |i| i.network_interfaces.len()),
                    addresses.join(","),
                    e.ipv6.len(),
                ),
            );
        }
        Classes {
            net,
            base,
            egress_named,
            forwarder_named,
            ids: HashMap::new(),
            facts: HashMap::new(),
            texts: HashMap::new(),
        }
    }

    /// The class of `e` for the question `side`, protocol `protocol`, ports `ports` (any
    /// port when empty), tagged with `question` (the rule and the packet set asked, so that
    /// different questions never share a class).
    pub fn of(&mut self, question: &str, e: &NetworkInterface, side: Side, protocol: u8, ports: &[PortRange]) -> u32 {
        let key = self.key(question, e, side, Some(protocol), ports);
        self.id(key)
    }

    /// The class of `e` for a question of every protocol and port from `side` (VPCV-004's, from
    /// the internet, a VPC or a subnet other than `e`'s).
    pub fn of_all(&mut self, question: &str, e: &NetworkInterface, side: Side) -> u32 {
        let key = self.key(question, e, side, None, &[]);
        self.id(key)
    }

    /// The class of `e` for a question of every protocol and port from the other interfaces of
    /// its own subnet (VPCV-004's): `e`'s class as [`Classes::of_all`] gives it from another VPC
    /// (its rules naming groups kept), and its own facts as a source (what tells it apart, its
    /// outbound rules, and every group it is in, which rules naming groups test): alike members
    /// are each one of the other's sources.
    pub fn of_own_subnet(&mut self, question: &str, e: &NetworkInterface) -> u32 {
        let to = self.key(question, e, Side::FromVpc, None, &[]);
        let base = self.base.get(&e.id).map_or("", String::as_str);
        let mut groups: Vec<&str> = e.groups.iter().map(SecurityGroupId::as_str).collect();
        groups.sort_unstable();
        groups.dedup();
        let mut egress: Vec<String> = e
            .groups
            .iter()
            .filter_map(|g| self.net.security_groups.get(g))
            .flat_map(|g| g.egress.iter())
            .map(|r| format!("{:?} {:?} {:?}", r.protocol, r.l4, r.peer))
            .collect();
        egress.sort();
        egress.dedup();
        self.id(format!("{to}#from {base}#{}#{}", groups.join(","), egress.join(";")))
    }

    fn id(&mut self, key: String) -> u32 {
        intern(&mut self.ids, key)
    }

    /// What tells `e` apart for the question (`protocol` `None`: every protocol): the question,
    /// and the number of what tells `e` apart for questions of its kind.
    fn key(
        &mut self,
        question: &str,
        e: &NetworkInterface,
        side: Side,
        protocol: Option<u8>,
        ports: &[PortRange],
    ) -> String {
        let kind = (e.id.clone(), side, protocol, ports.to_vec());
        let n = match self.facts.get(&kind) {
            Some(n) => *n,
            None => {
                let text = self.facts_of(e, side, protocol, ports);
                let n = intern(&mut self.texts, text);
                self.facts.insert(kind, n);
                n
            }
        };
        format!("{question}#{n}")
    }

    /// What tells `e` apart for questions from `side`, of `protocol`, to `ports`.
    fn facts_of(&self, e: &NetworkInterface, side: Side, protocol: Option<u8>, ports: &[PortRange]) -> String {
        let base = self.base.get(&e.id).map_or("", String::as_str);
        let groups: Vec<&SecurityGroup> = e
            .groups
            .iter()
            .filter_map(|g| self.net.security_groups.get(g))
            .collect();
        let (rules, keep_groups): (Vec<&SecurityGroupRule>, bool) = match side {
            Side::FromInternet => (groups.iter().flat_map(|g| g.ingress.iter()).collect(), false),
            Side::ToInternet => (groups.iter().flat_map(|g| g.egress.iter()).collect(), false),
            Side::FromVpc => (groups.iter().flat_map(|g| g.ingress.iter()).collect(), true),
        };
        let mut seen: Vec<String> = Vec::new();
        for r in rules {
            if !keep_groups && matches!(r.peer, SecurityGroupPeer::SecurityGroup { .. }) {
                continue;
            }
            if let Some(protocol) = protocol
                && !matches!(r.protocol, Protocol::All)
                && r.protocol != Protocol::Number(protocol)
            {
                continue;
            }
            match (&r.l4, ports) {
                (L4Match::Ports(range), [_, ..]) => {
                    for q in ports {
                        if let Some(clip) = PortRange::new(range.from().max(q.from()), range.to().min(q.to())) {
                            seen.push(format!("{:?} {clip} {:?}", r.protocol, r.peer));
                        }
                    }
                }
                (l4, _) => seen.push(format!("{:?} {l4:?} {:?}", r.protocol, r.peer)),
            }
        }
        seen.sort();
        seen.dedup();
        let mut tested: Vec<&str> = e
            .groups
            .iter()
            .filter(|g| {
                self.egress_named.contains(*g) || (side == Side::ToInternet && self.forwarder_named.contains(*g))
            })
            .map(SecurityGroupId::as_str)
            .collect();
        tested.sort_unstable();
        tested.dedup();
        format!("{base}#{}#{}", seen.join(";"), tested.join(","))
    }
}

/// The number of `text` in `texts`, numbered as met.
fn intern(texts: &mut HashMap<String, u32>, text: String) -> u32 {
    let next = u32::try_from(texts.len()).unwrap_or(u32::MAX);
    *texts.entry(text).or_insert(next)
}

/// The group a rule names, if it names one.
fn named_group(r: &SecurityGroupRule) -> Option<SecurityGroupId> {
    match &r.peer {
        SecurityGroupPeer::SecurityGroup { id, .. } => Some(id.clone()),
        _ => None,
    }
}

/// Every string of a JSON value (keys and values).
fn collect(v: &serde_json::Value, out: &mut HashSet<String>) {
    match v {
        serde_json::Value::String(s) if !out.contains(s) => {
            out.insert(s.clone());
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                if !out.contains(k) {
                    out.insert(k.clone());
                }
                collect(x, out);
            }
        }
        _ => {}
    }
}
