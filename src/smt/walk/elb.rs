//! Load balancers on the symbolic walk (SEMANTICS.md §5.12, ELB-1..ELB-12).
//!
//! A request that reaches a node of a modelled load balancer (ELB-1) past the node's inbound
//! groups branches on the listener its protocol and destination port match (ELB-3; none: a drop
//! at the load balancer). Each target the listener can send to (ELB-4, ELB-7, ELB-8) is a branch
//! of its own, in target-group and registration order: the path goes on with a second packet,
//! built as terms of the first (the node's private address or, preserving, the client's as its
//! source, ELB-5; the target's address and port as its destination; the client's source port),
//! sent by the node past its outbound groups without the source/destination check. The saved
//! client request waits in [`LbStage`] while that connection is walked: delivered at the target
//! (its groups and ACL see it as sent, ELB-6), its reply walked back to the node (routed, or
//! straight across the two subnets' ACLs when the client's address was kept, ELB-5), where it
//! must arrive as the exact reverse of what the node sent. Then the client request counts as
//! delivered at the node, whose reply leg is the client's.
//!
//! Rules: ELB-1..ELB-9, ELB-11, ELB-12. Must not touch: the simulator (`sim::elb` implements the
//! same section on its own).

use super::*;
use crate::model::elb::{TargetAt, TargetProblem, resolve_target};

/// The client's request, waiting at a load balancer node while the node's own connection to a
/// target is walked.
#[derive(Clone)]
pub(super) struct LbStage {
    /// The node.
    pub node: NetworkInterfaceId,
    /// The target's interface.
    pub target: NetworkInterfaceId,
    /// The load balancer.
    pub lb: String,
    /// The client's address is kept (ELB-5).
    pub preserve: bool,
    /// The client's request as it arrived at the node.
    pub front: SymPacket,
    /// The client request's translations and entry gateway.
    pub records: Vec<Record>,
    pub entry: Option<Gate>,
    /// The node's connection as it sent it.
    pub back: SymPacket,
}

/// One way a listener can carry a request.
enum Way<'n> {
    Target(&'n TargetGroup, TargetAt, bool),
    EndsHere,
    Unknown(String, String),
}

impl<'a> Walk<'a> {
    /// ELB-4: while a load balancer's connection is walked, it goes to its target and its reply
    /// to the node (`receiving`), sent by the node and the target (else): `None` otherwise.
    pub(super) fn lb_holders(&self, st: &State, receiving: bool) -> Option<Vec<Holder>> {
        let stage = st.lb.as_ref()?;
        let id = match (st.leg, receiving) {
            (Leg::Request, true) | (Leg::Reply, false) => &stage.target,
            (Leg::Reply, true) | (Leg::Request, false) => &stage.node,
        };
        let e = self.net.network_interfaces.get(id);
        Some(
            e.map(|e| Holder::Iface(id.clone(), self.fam_addrs(e)))
                .into_iter()
                .collect(),
        )
    }

    /// ELB-2: the blocking entry of a destination interface without public address that is a
    /// node of an internal load balancer, asked from the internet: at the VPC's internet gateway.
    pub(super) fn internal_lb(&self, eni: &NetworkInterface) -> Option<Blocked> {
        let lb = self.net.elb.node_owner(&eni.id).filter(|lb| !lb.internet_facing)?;
        let g = self.ix.internet_gateway_of(&eni.vpc)?;
        Some(Blocked::new(
            g,
            ComponentKind::InternetGateway,
            Some(Direction::Inbound),
            "ELB-2",
            format!(
                "load balancer `{}` is internal: its nodes have only private addresses, which internet gateway `{g}` maps to no public address, so no internet host can address it",
                lb.name
            ),
            "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
        ))
    }

    /// ELB-3: the request has passed node `y`'s inbound groups.
    pub(super) fn lb_request(&mut self, st: State, y: &NetworkInterfaceId, lb_id: &str) {
        let net = self.net;
        let Some(lb) = net.elb.load_balancers.get(lb_id) else {
            return;
        };
        if st.lb.is_some() {
            let reason = format!(
                "`{}` is reached through another load balancer; load balancers chained that way are not modelled (ELB-12)",
                lb.name
            );
            return self.unknown(st, &lb.id, &reason);
        }
        if self.family == IpFamily::V6 {
            let reason = format!("IPv6 clients of load balancer `{}` are not modelled (ELB-11)", lb.name);
            return self.unknown(st, &lb.id, &reason);
        }
        if !lb.listeners_known {
            let reason = format!(
                "the listeners of load balancer `{}` are not in the input (`aws elbv2 describe-listeners`)",
                lb.name
            );
            return self.unknown(st, &lb.id, &reason);
        }
        let p = st.pkt.clone();
        let mut matched = Vec::new();
        for l in &lb.listeners {
            let protos: Vec<Bool> = l.ip_protocols().iter().map(|n| p.proto.eq(u8c(*n))).collect();
            let cond = all(&[p.has_ports(), p.dport.eq(u16c(l.port)), any(&protos)]);
            matched.push(cond.clone());
            let y2 = y.clone();
            self.branch(&st, cond, move |w, mut st| {
                st.hops.push(lb.id.clone());
                w.lb_listener(st, &y2, lb, l)
            });
        }
        let b = Blocked::new(
            &lb.id,
            ComponentKind::LoadBalancer,
            Some(Direction::Inbound),
            "ELB-3",
            format!(
                "load balancer `{}` has no listener for the packet's protocol and port",
                lb.name
            ),
            if lb.kind == LbKind::Classic {
                "ELB_LISTENERS_MISMATCH"
            } else {
                "ELBV2_LISTENERS_MISMATCH"
            },
        );
        self.branch(&st, any(&matched).not(), |w, st| w.dropped(st, b));
    }

    fn lb_listener(&mut self, st: State, y: &NetworkInterfaceId, lb: &'a LoadBalancer, l: &'a Listener) {
        let (ways, zone_skipped) = self.lb_ways(y, lb, l);
        if ways.is_empty() {
            let b = Blocked::new(
                &lb.id,
                ComponentKind::LoadBalancer,
                Some(Direction::Outbound),
                "ELB-4",
                format!(
                    "listener {} {} of `{}` has no registered target that node `{}` can send to (a node sends only within its own Availability Zone while cross-zone load balancing is off, ELB-7)",
                    l.protocol, l.port, lb.name, y
                ),
                if zone_skipped {
                    "ELB_NOT_CROSSZONE"
                } else {
                    "ELBV2_NO_TARGETS_IN_AZ"
                },
            );
            return self.dropped(st, b);
        }
        for way in ways {
            if self.stopped() {
                return;
            }
            match way {
                Way::EndsHere => self.lb_delivered(st.clone(), y),
                // ELB-9: a target the input does not settle is decided both ways, like a filter
                // (BOUND-1): the path goes on as if its connection completed, relying on it.
                Way::Unknown(id, reason) => {
                    let mut s = st.clone();
                    s.assume(&id, reason, Bool::from_bool(true));
                    self.lb_delivered(s, y)
                }
                Way::Target(tg, at, preserve) => self.lb_backend(st.clone(), y, lb, tg, &at, preserve),
            }
        }
    }

    /// The client's request counts as delivered at the node (ELB-3, ELB-8).
    fn lb_delivered(&mut self, mut st: State, y: &NetworkInterfaceId) {
        st.hops.push(y.to_string());
        st.dest_iface = Some(y.clone());
        self.delivered_request(st, Arrival::Iface(y.clone()));
    }

    /// What the listener can send to from node `y`, in order (ELB-4, ELB-5, ELB-7, ELB-8).
    /// Also says whether a target was left out for being in another zone.
    fn lb_ways(&self, y: &NetworkInterfaceId, lb: &'a LoadBalancer, l: &'a Listener) -> (Vec<Way<'a>>, bool) {
        let net: &'a Network = self.net;
        let mut out = Vec::new();
        let mut zone_skipped = false;
        if l.forwards.is_empty() && self.q.to.lb_targets.is_some() {
            return (out, false);
        }
        if l.forwards.is_empty() {
            match &l.answers {
                Some(_) => out.push(Way::EndsHere),
                None => out.push(Way::Unknown(
                    l.id.clone(),
                    format!(
                        "listener {} {} of `{}` neither forwards nor answers in a way this tool models",
                        l.protocol, l.port, lb.name
                    ),
                )),
            }
            return (out, false);
        }
        let node_subnet = net.network_interfaces.get(y).map(|e| e.subnet.clone());
        for tg_id in &l.forwards {
            let Some(tg) = net.elb.target_groups.get(tg_id) else {
                out.push(Way::Unknown(
                    tg_id.clone(),
                    format!("target group `{tg_id}` of `{}` is not in the input", lb.name),
                ));
                continue;
            };
            let Some(targets) = &tg.targets else {
                out.push(Way::Unknown(
                    tg.id.clone(),
                    format!(
                        "the registered targets of target group `{}` are not in the input (`aws elbv2 describe-target-health`)",
                        tg.name
                    ),
                ));
                continue;
            };
            let only = self.q.to.lb_targets.as_ref();
            for t in targets {
                let at = match resolve_target(net, tg, t) {
                    Ok(at) if only.is_some_and(|o| !o.contains(&at.iface)) => continue,
                    Ok(at) => at,
                    // Asked about given targets, what is not one of them is no way there.
                    Err(_) if only.is_some() => continue,
                    Err(TargetProblem::Lambda) => {
                        out.push(Way::EndsHere);
                        continue;
                    }
                    Err(TargetProblem::Unknown(reason)) => {
                        out.push(Way::Unknown(t.id.clone(), reason));
                        continue;
                    }
                };
                // ELB-7: a node sends to another zone only with cross-zone load balancing on.
                let zones = node_subnet
                    .as_ref()
                    .and_then(|s| net.zone_key(s))
                    .zip(net.zone_key(&at.subnet))
                    .and_then(|(a, b)| a.same(&b));
                let crosses = zones != Some(true);
                let cross_zone = tg.cross_zone(lb);
                if crosses && cross_zone != Some(true) {
                    if cross_zone == Some(false) && zones == Some(false) {
                        zone_skipped = true;
                        continue;
                    }
                    out.push(Way::Unknown(
                        lb.id.clone(),
                        format!(
                            "whether load balancer `{}` sends from node `{y}` to target `{}` in another Availability Zone depends on its cross-zone setting, which the input does not hold (ELB-7)",
                            lb.name, t.id
                        ),
                    ));
                    continue;
                }
                match tg.preserves(lb) {
                    Some(keep) => out.push(Way::Target(tg, at, keep)),
                    None => out.push(Way::Unknown(
                        tg.id.clone(),
                        format!(
                            "whether target group `{}` preserves client addresses is not in the input (`describe-target-group-attributes`, `preserve_client_ip.enabled`) (ELB-5)",
                            tg.name
                        ),
                    )),
                }
            }
        }
        (out, zone_skipped)
    }

    /// ELB-4, ELB-5, ELB-6: the node's connection to one target.
    fn lb_backend(
        &mut self,
        mut st: State,
        y: &NetworkInterfaceId,
        lb: &'a LoadBalancer,
        tg: &'a TargetGroup,
        at: &TargetAt,
        preserve: bool,
    ) {
        let Some(node) = self.net.network_interfaces.get(y) else {
            return;
        };
        let Some(node_addr) = node.primary_ipv4() else {
            let reason = format!("load balancer node `{y}` has no private IPv4 address in the input");
            return self.unknown(st, y.as_str(), &reason);
        };
        let p = st.pkt.clone();
        let back = SymPacket {
            proto: p.proto.clone(),
            src: if preserve {
                p.src.clone()
            } else {
                ip_const(&IpAddr::V4(node_addr))
            },
            dst: ip_const(&IpAddr::V4(at.address)),
            sport: p.sport.clone(),
            dport: u16c(at.port),
            itype: u8c(0),
            icode: u8c(0),
        };
        let stage = LbStage {
            node: y.clone(),
            target: at.iface.clone(),
            lb: lb.id.clone(),
            preserve,
            front: p,
            records: std::mem::take(&mut st.records),
            entry: st.entry.take(),
            back: back.clone(),
        };
        st.lb = Some(Box::new(stage));
        st.pkt = back;
        st.lookups = 0;
        st.hops.push(tg.id.clone());
        st.hops.push(y.to_string());
        let Some(st) = self.groups_check(st, node, Direction::Outbound) else {
            return;
        };
        let subnet = node.subnet.clone();
        self.emit_from_subnet(st, &Sender::Iface(y.clone()), &subnet);
    }

    /// The load balancer's connection reaches its target (request leg of that connection): the
    /// target's groups (ELB-6), then the target's reply, routed back to the node or, keeping the
    /// client's address, straight to it (ELB-5).
    pub(super) fn lb_at_target(&mut self, st: State, y: &NetworkInterfaceId) {
        let Some(stage) = st.lb.clone() else { return };
        if stage.target != *y {
            return;
        }
        let net = self.net;
        let Some(eni) = net.network_interfaces.get(y) else {
            return;
        };
        if let Some((sg, reason)) = self.lb_reference_unsettled(&st, y) {
            return self.unknown(st, &sg, &reason);
        }
        let Some(st) = self.groups_check(st, eni, Direction::Inbound) else {
            return;
        };
        self.lb_target_reached(st, y);
    }

    /// ELB-6: keeping the client's address, a rule of target `y`'s groups that references the
    /// load balancer's group is not modelled: its group and why, when there is one.
    pub(super) fn lb_reference_unsettled(&self, st: &State, y: &NetworkInterfaceId) -> Option<(String, String)> {
        let stage = st.lb.as_ref().filter(|s| s.preserve && s.target == *y)?;
        let net = self.net;
        let eni = net.network_interfaces.get(y)?;
        let lb = net.elb.load_balancers.get(&stage.lb)?;
        let sg = eni.groups.iter().filter_map(|g| net.security_groups.get(g)).find(|g| {
            g.ingress.iter().any(
                |r| matches!(&r.peer, SecurityGroupPeer::SecurityGroup { id, .. } if lb.security_groups.contains(id)),
            )
        })?;
        Some((
            sg.id.to_string(),
            format!(
                "a security group of target `{y}` references a group of load balancer `{}`, which keeps client addresses: how AWS matches that rule then is not modelled (ELB-6)",
                lb.name
            ),
        ))
    }

    /// The load balancer's connection is delivered at its target `y`, past the target's groups:
    /// the target answers it (ELB-4, ELB-5).
    pub(super) fn lb_target_reached(&mut self, st: State, y: &NetworkInterfaceId) {
        let Some(stage) = st.lb.clone() else { return };
        if stage.target != *y {
            return;
        }
        let net = self.net;
        let Some(eni) = net.network_interfaces.get(y) else {
            return;
        };
        let mut st = st;
        if let Some(other) = net.elb.node_owner(y) {
            let reason = format!(
                "`{}` is reached through another load balancer; load balancers chained that way are not modelled (ELB-12)",
                other.name
            );
            return self.unknown(st, &other.id, &reason);
        }
        // The target answers the connection as it arrived.
        let p = st.pkt.clone();
        st.pkt = SymPacket {
            proto: p.proto.clone(),
            src: p.dst.clone(),
            dst: p.src.clone(),
            sport: p.dport.clone(),
            dport: p.sport.clone(),
            itype: p.itype.clone(),
            icode: p.icode.clone(),
        };
        st.leg = Leg::Reply;
        st.lookups = 0;
        st.dest_iface = Some(y.clone());
        if !stage.preserve {
            return self.emit(st, Sender::Iface(y.clone()));
        }
        st.hops.push(y.to_string());
        let Some(node) = net.network_interfaces.get(&stage.node) else {
            return;
        };
        if node.subnet != eni.subnet {
            let Some(s2) = self.acl(st, &eni.subnet, Direction::Outbound) else {
                return;
            };
            let Some(s3) = self.acl(s2, &node.subnet, Direction::Inbound) else {
                return;
            };
            st = s3;
        }
        st.hops.push(stage.node.to_string());
        self.lb_back_at_node(st);
    }

    /// The target's reply reaches the node: it must be the exact reverse of the node's
    /// connection; then the client's request counts as delivered at the node.
    pub(super) fn lb_back_at_node(&mut self, st: State) {
        let Some(stage) = st.lb.clone() else { return };
        let p = &st.pkt;
        let b = &stage.back;
        let exact = all(&[
            p.src.eq(&b.dst),
            p.dst.eq(&b.src),
            p.sport.eq(&b.dport),
            p.dport.eq(&b.sport),
        ]);
        let node = stage.node.clone();
        let blocked = Blocked::new(
            &node,
            ComponentKind::NetworkInterface,
            Some(Direction::Inbound),
            "J2",
            format!(
                "the target's reply reaches load balancer node `{node}` with other addresses or ports than its connection"
            ),
            "NO_PATH",
        );
        self.branch(&st, exact.not(), |w, st| w.dropped(st, blocked));
        self.branch(&st, exact, move |w, st| w.lb_resume(st, &stage));
    }

    /// The load balancer's connection is done (or assumed done): the client's request, as it
    /// arrived at the node, counts as delivered there.
    pub(super) fn lb_resume(&mut self, mut st: State, stage: &LbStage) {
        st.pkt = stage.front.clone();
        st.records = stage.records.clone();
        st.entry = stage.entry.clone();
        st.leg = Leg::Request;
        st.lookups = 0;
        st.lb = None;
        st.dest_iface = Some(stage.node.clone());
        st.hops.push(stage.node.to_string());
        self.delivered_request(st, Arrival::Iface(stage.node.clone()));
    }
}
