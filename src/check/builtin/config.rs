//! The configuration facts of the built-in pack, decided on the model when the pack is made
//! (no question to the engine), each located at its resource: VPCV-009 (a VPC's default
//! security group has rules, CIS 5.4 / FSBP EC2.2) and VPCV-010 (a subnet assigns public IPv4
//! addresses on launch, FSBP EC2.15).
//!
//! Must not touch: z3, printing.

use super::super::suite::{Assertion, Fact, Location};
use super::unreachable;
use crate::model::*;
use crate::query::engine::ProtocolChoice;

/// A fact assertion of rule `rule` (its index) about `resource`.
fn fact(rule: usize, name: String, resource: &str, location: Location, fact: Fact) -> Assertion {
    Assertion {
        fact: Some(fact),
        ..unreachable(rule, name, resource, resource, ProtocolChoice::All, location)
    }
}

/// VPCV-009 and VPCV-010's assertions.
pub(super) fn assertions(net: &Network, out: &mut Vec<Assertion>, at: &dyn Fn(&Provenance) -> Location) {
    for g in net.security_groups.values().filter(|g| g.name == "default") {
        // A group the input does not write (a Terraform VPC's default group that no
        // `aws_default_security_group` adopts) is located at its VPC.
        let place = match net.vpcs.get(&g.vpc) {
            Some(v) if g.provenance.implicit => at(&v.provenance),
            _ => at(&g.provenance),
        };
        let (i, o) = (g.ingress.len(), g.egress.len());
        let verdict = if i + o == 0 {
            Fact::Holds(format!("default group {} of {} has no rules", g.id, g.vpc))
        } else {
            let implicit = if g.provenance.implicit {
                " (the rules AWS creates it with: the input does not remove them)"
            } else {
                ""
            };
            Fact::Violated(format!(
                "default group {} of {} has {i} inbound and {o} outbound rule(s){implicit}; remove them all \
                 (CIS 5.4, FSBP EC2.2)",
                g.id, g.vpc
            ))
        };
        out.push(fact(
            8,
            format!("VPCV-009 default group {} of {} has no rules", g.id, g.vpc),
            g.id.as_str(),
            place,
            verdict,
        ));
    }
    for sub in net.subnets.values() {
        let verdict = if sub.map_public_ip_on_launch {
            Fact::Violated(format!(
                "subnet {} assigns a public IPv4 address to every instance launched in it (MapPublicIpOnLaunch, \
                 FSBP EC2.15)",
                sub.id
            ))
        } else {
            Fact::Holds(format!("subnet {} assigns no public address on launch", sub.id))
        };
        out.push(fact(
            9,
            format!("VPCV-010 subnet {} assigns no public address on launch", sub.id),
            sub.id.as_str(),
            at(&sub.provenance),
            verdict,
        ));
    }
}
