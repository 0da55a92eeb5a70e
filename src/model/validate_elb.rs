//! Validation of the load balancer part of a network (SEMANTICS.md §5.12), run by
//! `model::validate`: what a load balancer's configuration leaves unserved, unhealthy or unused.
//! All are warnings (ELB-10: health never changes a verdict; a query whose path depends on a
//! missing piece answers unknown on its own): lint says so ahead of time, naming the resource.
//!
//! Must not touch: forwarding decisions.

use super::diag::Diagnostic;
use super::elb::*;
use super::network::{Network, RouteDestination, RouteTarget};
use std::collections::BTreeSet;
use std::net::IpAddr;

fn warn(out: &mut Vec<Diagnostic>, code: &str, prov: &super::Provenance, message: String) {
    out.push(Diagnostic::warning(code, message).from_provenance(prov));
}

/// The checks; findings go to `out`.
pub(super) fn check(net: &Network, out: &mut Vec<Diagnostic>) {
    let elb = &net.elb;
    let mut served: BTreeSet<&str> = BTreeSet::new();
    for lb in elb.load_balancers.values() {
        let p = &lb.provenance;
        if lb.kind == LbKind::Gateway {
            warn(
                out,
                "unsupported",
                p,
                format!(
                    "Gateway Load Balancer `{}` is not modelled: traffic through it answers unknown (ELB-12)",
                    lb.name
                ),
            );
            continue;
        }
        if lb.nodes.is_empty() {
            warn(
                out,
                "elb-no-nodes",
                p,
                format!(
                    "load balancer `{}` has no network interface in the input (`describe-network-interfaces` lists its nodes with the description `ELB …`): it cannot be asked about (ELB-1)",
                    lb.name
                ),
            );
        }
        if !lb.listeners_known {
            warn(
                out,
                "elb-no-listeners",
                p,
                format!(
                    "the listeners of load balancer `{}` are not in the input (`aws elbv2 describe-listeners`): requests to it answer unknown (ELB-3)",
                    lb.name
                ),
            );
        }
        for l in &lb.listeners {
            served.extend(l.forwards.iter().map(String::as_str));
            if l.answers.is_some() && l.forwards.is_empty() {
                continue;
            }
            let has_target = l.forwards.iter().any(|t| {
                elb.target_groups
                    .get(t)
                    .is_none_or(|g| g.targets.as_ref().is_none_or(|ts| !ts.is_empty()))
            });
            if !has_target {
                warn(
                    out,
                    "elb-listener-unserved",
                    &l.provenance,
                    format!(
                        "listener {} {} of `{}` forwards to no target group with a registered target: nothing serves port {}",
                        l.protocol, l.port, lb.name, l.port
                    ),
                );
            }
            for t in &l.forwards {
                if let Some(g) = elb.target_groups.get(t) {
                    unrouted_targets(net, lb, g, out);
                }
            }
        }
    }
    for g in elb.target_groups.values() {
        if !served.contains(g.id.as_str()) && g.load_balancers.is_empty() {
            warn(
                out,
                "elb-target-group-unused",
                &g.provenance,
                format!("target group `{}` is used by no load balancer", g.name),
            );
        }
        for t in g.targets.iter().flatten() {
            let state = t.health.as_deref().unwrap_or("");
            if matches!(state, "unhealthy" | "unused" | "draining" | "unavailable") {
                warn(
                    out,
                    "elb-target-unhealthy",
                    &g.provenance,
                    format!(
                        "target `{}` of target group `{}` is {state}; reachability does not depend on health, so answers still count it (ELB-10)",
                        t.id, g.name
                    ),
                );
            }
        }
    }
}

/// IP targets outside the load balancer's VPC that no route of the VPC's route tables covers.
/// (A route that covers it may still lead nowhere: the walk says where, ELB-8.)
fn unrouted_targets(net: &Network, lb: &LoadBalancer, g: &TargetGroup, out: &mut Vec<Diagnostic>) {
    if g.target_type != TargetType::Ip {
        return;
    }
    let vpc = net.vpcs.get(&lb.vpc);
    for t in g.targets.iter().flatten() {
        let Ok(addr) = t.id.parse::<IpAddr>() else { continue };
        if vpc.is_some_and(|v| v.cidrs().any(|c| c.contains(&addr))) {
            continue;
        }
        let routed = net
            .route_tables
            .values()
            .filter(|rt| rt.vpc == lb.vpc)
            .flat_map(|rt| rt.routes.iter())
            .filter(|r| {
                !matches!(
                    r.target,
                    RouteTarget::InternetGateway(_) | RouteTarget::EgressOnlyInternetGateway(_)
                )
            })
            .any(|r| matches!(&r.destination, RouteDestination::Cidr(c) if c.contains(&addr)));
        if !routed {
            warn(
                out,
                "elb-target-unrouted",
                &g.provenance,
                format!(
                    "IP target {addr} of target group `{}` lies outside the VPC of `{}`, and no route of that VPC covers it (a route to an internet gateway does not carry an IP target's traffic)",
                    g.name, lb.name
                ),
            );
        }
    }
}
