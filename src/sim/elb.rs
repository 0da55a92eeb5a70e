//! Load balancers on the path (SEMANTICS.md §5.12, ELB-1..ELB-12), concretely.
//!
//! A request that arrives at a node of a modelled load balancer (one of its interfaces, ELB-1)
//! is not delivered there: the listener its protocol and port match (ELB-3) terminates it, and
//! the node opens a second connection to a target of the listener's target groups (ELB-4), from
//! its own private address or, when the target group preserves client addresses, from the
//! client's (ELB-5), to the target's address and port. The node's security groups filter that
//! connection outbound (ELB-6); the target's groups and subnet ACL see it as sent. Its reply goes
//! back to the node: routed like any packet, or, when the client's address was kept, straight to
//! the node across the two subnets' ACLs (ELB-5). The first target (in target-group and
//! registration order) whose connection completes carries the request; when one does, the client's
//! request counts as delivered at the node, which answers it (its reply leg is the node's). No
//! target completing: the first target's drop, or unknown when some target's fate is (ELB-9).
//!
//! Rules: ELB-1..ELB-9, ELB-11, ELB-12. Owns: the concrete walk through a load balancer. Must not
//! touch: `smt`, printing. Shares no decision code with `smt::walk::elb`.

use super::walk::{Flow, Halt, LegKind, Sender, Walker, dropped, unknown};
use super::{Arrival, Place};
use crate::model::elb::{TargetAt, TargetProblem, resolve_target};
use crate::model::*;
use std::net::IpAddr;

/// One way a listener can carry a request.
enum Candidate<'n> {
    /// A target the node connects to, keeping the client's address or not.
    /// With the target's reported health (ELB-10: shown, never decisive).
    Target(&'n TargetGroup, TargetAt, bool, Option<&'n str>),
    /// A Lambda function: the path ends at the load balancer (ELB-8).
    Lambda(&'n TargetGroup),
    /// The listener answers the client itself (`redirect`, `fixed-response`, ELB-3).
    Answers(String),
    /// The input does not settle this target (ELB-9).
    Unknown(String, String),
}

impl<'n> Walker<'n> {
    /// ELB-3: the request `p` has passed the node `y`'s inbound groups; the load balancer `lb`
    /// carries it to a target, or drops it.
    pub(super) fn lb_request(&mut self, y: &'n NetworkInterface, lb: &'n LoadBalancer, p: Packet) -> Flow {
        hop!(
            self,
            &y.id,
            ComponentKind::NetworkInterface,
            format!(
                "request reaches `{}`, a node of load balancer `{}` (ELB-1)",
                y.id, lb.name
            ),
            None,
            Some("ELB-1".into()),
        );
        if self.behind_lb {
            return Err(unknown(
                &lb.id,
                format!(
                    "`{}` is reached through another load balancer; load balancers chained that way are not modelled (ELB-12)",
                    lb.name
                ),
            ));
        }
        let IpAddr::V4(_) = p.dst_ip else {
            return Err(unknown(
                &lb.id,
                format!("IPv6 clients of load balancer `{}` are not modelled (ELB-11)", lb.name),
            ));
        };
        if !lb.listeners_known {
            return Err(unknown(
                &lb.id,
                format!(
                    "the listeners of load balancer `{}` are not in the input (`aws elbv2 describe-listeners`)",
                    lb.name
                ),
            ));
        }
        let listener = lb
            .listeners
            .iter()
            .find(|l| p.has_ports() && l.port == p.dst_port && l.ip_protocols().contains(&p.protocol));
        let Some(listener) = listener else {
            return Err(dropped(
                &lb.id,
                ComponentKind::LoadBalancer,
                Some(Direction::Inbound),
                "ELB-3",
                format!(
                    "load balancer `{}` has no listener for {} port {}",
                    lb.name,
                    proto::name(p.protocol),
                    p.dst_port
                ),
                if lb.kind == LbKind::Classic {
                    "ELB_LISTENERS_MISMATCH"
                } else {
                    "ELBV2_LISTENERS_MISMATCH"
                },
            ));
        };
        hop!(
            self,
            &lb.id,
            ComponentKind::LoadBalancer,
            format!(
                "{} Load Balancer `{}` (node `{}`): listener {} {} takes the connection (ELB-3)",
                lb.kind.name(),
                lb.name,
                y.id,
                listener.protocol,
                listener.port
            ),
            Some(Direction::Inbound),
            Some("ELB-3".into()),
        );
        let (candidates, zone_skipped) = self.lb_candidates(y, lb, listener);
        if candidates.is_empty() {
            return Err(dropped(
                &lb.id,
                ComponentKind::LoadBalancer,
                Some(Direction::Outbound),
                "ELB-4",
                format!(
                    "listener {} {} of `{}` has no registered target that node `{}` can send to (a node sends only within its own Availability Zone while cross-zone load balancing is off, ELB-7)",
                    listener.protocol, listener.port, lb.name, y.id
                ),
                if zone_skipped {
                    "ELB_NOT_CROSSZONE"
                } else {
                    "ELBV2_NO_TARGETS_IN_AZ"
                },
            ));
        }
        let mut first_drop: Option<Halt> = None;
        let mut first_unknown: Option<Halt> = None;
        for c in candidates {
            match c {
                Candidate::Answers(kind) => {
                    hop!(
                        self,
                        &lb.id,
                        ComponentKind::LoadBalancer,
                        format!("the listener's `{kind}` action answers the client itself (ELB-3)"),
                        None,
                        Some("ELB-3".into()),
                    );
                    return Ok(self.lb_delivered(y, p));
                }
                Candidate::Lambda(tg) => {
                    hop!(
                        self,
                        &tg.id,
                        ComponentKind::TargetGroup,
                        format!(
                            "target group `{}` invokes a Lambda function: the path ends at the load balancer (ELB-8)",
                            tg.name
                        ),
                        None,
                        Some("ELB-8".into()),
                    );
                    return Ok(self.lb_delivered(y, p));
                }
                // ELB-9: a target the input does not settle is decided both ways, like a filter
                // (BOUND-1): stopping, unknown unless another target carries the request;
                // admitting, as if its connection completed.
                Candidate::Unknown(id, reason) => {
                    match self.unsettled(&id, ComponentKind::LoadBalancer, Direction::Outbound, reason) {
                        Ok(()) => return Ok(self.lb_delivered(y, p)),
                        Err(h) => {
                            first_unknown.get_or_insert(h);
                        }
                    }
                }
                Candidate::Target(tg, at, preserve, health) => {
                    match self.lb_backend(y, lb, tg, (&at, health), preserve, p) {
                        Ok(hops) => {
                            self.hops.extend(hops);
                            return Ok(self.lb_delivered(y, p));
                        }
                        Err(Halt::Unknown { component, reason }) => {
                            match self.unsettled(&component, ComponentKind::LoadBalancer, Direction::Outbound, reason) {
                                Ok(()) => return Ok(self.lb_delivered(y, p)),
                                Err(h) => {
                                    first_unknown.get_or_insert(h);
                                }
                            }
                        }
                        Err(h) => {
                            first_drop.get_or_insert(h);
                        }
                    }
                }
            }
        }
        Err(first_unknown
            .or(first_drop)
            .unwrap_or_else(|| unknown(&lb.id, "no target decided".into())))
    }

    /// The client's request, delivered at the node that answers it.
    fn lb_delivered(&mut self, y: &'n NetworkInterface, p: Packet) -> Arrival {
        hop!(
            self,
            &y.id,
            ComponentKind::NetworkInterface,
            format!("request delivered to load balancer node `{}` as {p}", y.id),
            None,
            None,
        );
        Arrival {
            place: Place::Interface { id: y.id.clone() },
            packet: p,
        }
    }

    /// The targets the listener can send to from node `y`, in order (ELB-4, ELB-5, ELB-7, ELB-8).
    /// Also says whether a target was left out for being in another zone.
    fn lb_candidates(&self, y: &NetworkInterface, lb: &'n LoadBalancer, l: &'n Listener) -> (Vec<Candidate<'n>>, bool) {
        let mut out = Vec::new();
        let mut zone_skipped = false;
        if l.forwards.is_empty() && self.lb_targets.is_some() {
            return (out, false);
        }
        if l.forwards.is_empty() {
            match &l.answers {
                Some(kind) => out.push(Candidate::Answers(kind.clone())),
                None => out.push(Candidate::Unknown(
                    l.id.clone(),
                    format!(
                        "listener {} {} of `{}` neither forwards nor answers in a way this tool models",
                        l.protocol, l.port, lb.name
                    ),
                )),
            }
            return (out, false);
        }
        for tg_id in &l.forwards {
            let Some(tg) = self.net.elb.target_groups.get(tg_id) else {
                out.push(Candidate::Unknown(
                    tg_id.clone(),
                    format!("target group `{tg_id}` of `{}` is not in the input", lb.name),
                ));
                continue;
            };
            let Some(targets) = &tg.targets else {
                out.push(Candidate::Unknown(
                    tg.id.clone(),
                    format!(
                        "the registered targets of target group `{}` are not in the input (`aws elbv2 describe-target-health`)",
                        tg.name
                    ),
                ));
                continue;
            };
            let only = self.lb_targets.clone();
            for t in targets {
                let at = match resolve_target(self.net, tg, t) {
                    Ok(at) if only.as_ref().is_some_and(|o| !o.contains(&at.iface)) => continue,
                    Ok(at) => at,
                    // Asked about given targets, what is not one of them is no way there.
                    Err(_) if only.is_some() => continue,
                    Err(TargetProblem::Lambda) => {
                        out.push(Candidate::Lambda(tg));
                        continue;
                    }
                    Err(TargetProblem::Unknown(reason)) => {
                        out.push(Candidate::Unknown(t.id.clone(), reason));
                        continue;
                    }
                };
                // ELB-7: cross-zone load balancing.
                let same_zone = match (self.net.zone_key(&y.subnet), self.net.zone_key(&at.subnet)) {
                    (Some(a), Some(b)) => a.same(&b),
                    _ => None,
                };
                if same_zone != Some(true) {
                    match tg.cross_zone(lb) {
                        Some(true) => {}
                        Some(false) if same_zone == Some(false) => {
                            zone_skipped = true;
                            continue;
                        }
                        _ => {
                            out.push(Candidate::Unknown(
                                lb.id.clone(),
                                format!(
                                    "whether load balancer `{}` sends from node `{}` to target `{}` in another Availability Zone depends on its cross-zone setting, which the input does not hold (ELB-7)",
                                    lb.name, y.id, t.id
                                ),
                            ));
                            continue;
                        }
                    }
                }
                match tg.preserves(lb) {
                    Some(keep) => out.push(Candidate::Target(tg, at, keep, t.health.as_deref())),
                    None => out.push(Candidate::Unknown(
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

    /// ELB-4, ELB-5, ELB-6: the node's connection to one target and its reply, walked by a walker
    /// of its own. Returns its hops when the connection completes.
    fn lb_backend(
        &mut self,
        y: &'n NetworkInterface,
        lb: &'n LoadBalancer,
        tg: &'n TargetGroup,
        (at, health): (&TargetAt, Option<&str>),
        preserve: bool,
        p: Packet,
    ) -> Result<Vec<crate::model::Hop>, Halt> {
        let Some(node_addr) = y.primary_ipv4() else {
            return Err(unknown(
                &y.id,
                format!("load balancer node `{}` has no private IPv4 address in the input", y.id),
            ));
        };
        let back = Packet {
            protocol: p.protocol,
            src_ip: if preserve { p.src_ip } else { IpAddr::V4(node_addr) },
            dst_ip: IpAddr::V4(at.address),
            src_port: p.src_port,
            dst_port: at.port,
            icmp_type: 0,
            icmp_code: 0,
        };
        let mut w = Walker::new(self.net, self.ix, LegKind::Request);
        w.record = self.record;
        w.bound = self.bound;
        w.behind_lb = true;
        hop!(
            w,
            &tg.id,
            ComponentKind::TargetGroup,
            format!(
                "target group `{}`: node `{}` connects to target {}:{}{} as {back}{} (ELB-4, ELB-5)",
                tg.name,
                y.id,
                at.address,
                at.port,
                health
                    .map(|h| format!(" (reported {h}; health does not decide, ELB-10)"))
                    .unwrap_or_default(),
                if preserve { ", keeping the client's address" } else { "" }
            ),
            Some(Direction::Outbound),
            Some(if preserve { "ELB-5" } else { "ELB-4" }.into()),
        );
        let request = w.lb_send(y, lb, preserve, back);
        let mut hops = std::mem::take(&mut w.hops);
        let arrival = match request {
            Ok(a) if a.place == (Place::Interface { id: at.iface.clone() }) => a,
            Ok(a) => {
                return Err(unknown(
                    &lb.id,
                    format!(
                        "the load balancer's connection ended at `{}`, not at its target",
                        a.place.id()
                    ),
                ));
            }
            Err(h) => {
                self.lb_assumed(&w.assumed);
                return Err(h);
            }
        };
        let delivered = arrival.packet;
        let Some(reply) = super::flow::reply_to(&delivered) else {
            return Err(unknown(&lb.id, format!("{delivered} has no reply")));
        };
        let mut r = w.into_reply();
        let flow = match self.net.network_interfaces.get(&at.iface) {
            None => Err(unknown(
                &at.iface,
                format!("network interface `{}` is not in the input", at.iface),
            )),
            Some(t) if preserve => r.lb_direct_return(t, y, reply),
            Some(_) => r.reply_from(&Place::Interface { id: at.iface.clone() }, reply),
        };
        hops.append(&mut r.hops);
        self.lb_assumed(&r.assumed);
        match flow {
            Ok(a)
                if a.place == (Place::Interface { id: y.id.clone() })
                    && super::flow::reply_to(&back) == Some(a.packet) =>
            {
                Ok(hops)
            }
            Ok(a) => Err(dropped(
                a.place.id(),
                a.place.kind(),
                Some(Direction::Inbound),
                "J2",
                format!(
                    "the target's reply arrives at `{}` as {}, not at load balancer node `{}` as the reverse of its connection {back}",
                    a.place.id(),
                    a.packet,
                    y.id
                ),
                "NO_PATH",
            )),
            Err(h) => Err(h),
        }
    }

    fn lb_assumed(&mut self, more: &[super::Assumed]) {
        for a in more {
            if !self.assumed.contains(a) {
                self.assumed.push(a.clone());
            }
        }
    }

    /// The node sends the load balancer's connection (ELB-4): its groups outbound (ELB-6), no
    /// source/destination check (the node forwards for the load balancer), then same-subnet
    /// delivery or its subnet's route table (§3 steps 3-5).
    fn lb_send(&mut self, y: &'n NetworkInterface, lb: &'n LoadBalancer, preserve: bool, p: Packet) -> Flow {
        self.groups(y, Direction::Outbound, &p)?;
        self.lb_preserving = preserve.then(|| lb.id.clone());
        self.emit_past_checks(Sender::Interface(y), p)
    }

    /// ELB-5: with the client's address kept, the target's reply goes back to the node that
    /// sent the connection whatever the target's routes say: out of the target's subnet and into
    /// the node's through their network ACLs (none within one subnet, NACL-8).
    pub(super) fn lb_direct_return(&mut self, t: &'n NetworkInterface, y: &'n NetworkInterface, p: Packet) -> Flow {
        hop!(
            self,
            &t.id,
            ComponentKind::NetworkInterface,
            format!(
                "sends the reply {p}, which returns to load balancer node `{}` (ELB-5)",
                y.id
            ),
            None,
            Some("ELB-5".into()),
        );
        if t.subnet != y.subnet {
            self.acl(&t.subnet, Direction::Outbound, &p)?;
            self.acl(&y.subnet, Direction::Inbound, &p)?;
        }
        hop!(
            self,
            &y.id,
            ComponentKind::NetworkInterface,
            format!("reply delivered to load balancer node `{}` as {p}", y.id),
            None,
            None,
        );
        Ok(Arrival {
            place: Place::Interface { id: y.id.clone() },
            packet: p,
        })
    }

    /// ELB-6: the target's inbound groups see the load balancer's connection as sent. With the
    /// client's address kept, a target rule that references the load balancer's group admits it
    /// (AWS documents this), which is not modelled: unknown when such a rule exists.
    pub(super) fn lb_target_groups_check(&mut self, t: &'n NetworkInterface, p: &Packet) -> Result<(), Halt> {
        let net = self.net;
        if let Some(lb) = &self.lb_preserving
            && let Some(lbx) = net.elb.load_balancers.get(lb)
            && let Some(sg) = t.groups.iter().filter_map(|g| net.security_groups.get(g)).find(|g| {
                g.ingress.iter().any(|r| matches!(&r.peer, SecurityGroupPeer::SecurityGroup { id, .. } if lbx.security_groups.contains(id)))
            })
        {
            let sg = sg.id.clone();
            return Err(unknown(
                &sg,
                format!(
                    "a security group of target `{}` references a group of load balancer `{}`, which keeps client addresses: how AWS matches that rule then is not modelled (ELB-6)",
                    t.id, lbx.name
                ),
            ));
        }
        self.groups(t, Direction::Inbound, p)
    }
}
