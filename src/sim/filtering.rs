//! The walker's filter steps (SEMANTICS.md §7): a packet past an interface's security groups
//! and a subnet's network ACL, with the code of each drop. Split from `walk` by concern; the
//! decisions themselves are in `filter` (shared by nothing outside the simulator).
//!
//! Rules implemented here:
//! - §2, SG-11, SG-13, J4: security groups are consulted on the request leg only; on the reply leg
//!   every group on the path admits the packet (tracked connection). NACL-9: ACLs on both legs.
//!   The code of a group drop: SG-12, then SG-13, then SG-15 (`SG_REFERENCES_NOT_PRESERVED`).
//! - BOUND-1: a filter the input does not settle stops the walk or is assumed to admit.
//!
//! Must not touch: `smt`, printing.

use super::filter::{AclDecision, GroupDecision, evaluate_acl, evaluate_groups, reference_admits};
use super::flow::Translator;
use super::walk::*;
use crate::model::*;

impl<'n> Walker<'n> {
    /// Security groups of `eni` in `direction` (§2, §7): evaluated on the request leg; on the reply
    /// leg the connection is tracked and the groups admit it without rules (SG-11).
    pub fn groups(&mut self, eni: &NetworkInterface, direction: Direction, p: &Packet) -> Result<(), Halt> {
        self.filtered = Some(*p);
        let Some(first) = eni.groups.first() else {
            if self.leg == LegKind::Reply {
                return Ok(());
            }
            // SG-1a: a Network Load Balancer created without security groups filters nothing.
            if eni.interface_type == "network_load_balancer" {
                hop!(
                    self,
                    &eni.id,
                    ComponentKind::NetworkInterface,
                    format!(
                        "{direction}: `{}` is the interface of a Network Load Balancer without security groups, which lets all traffic through (SG-1a)",
                        eni.id
                    ),
                    Some(direction),
                    Some("SG-1a".into()),
                );
                return Ok(());
            }
            // SG-1b: an interface AWS manages for a service, or of another type, without groups:
            // how it filters is not settled by the input.
            if eni.requester_managed || eni.interface_type != "interface" {
                let reason = format!(
                    "`{}` (type `{}`{}) has no security group, and how AWS filters traffic at such an interface is not known (SG-1b)",
                    eni.id,
                    eni.interface_type,
                    if eni.requester_managed {
                        ", requester-managed"
                    } else {
                        ""
                    }
                );
                return self.unsettled(eni.id.as_str(), ComponentKind::NetworkInterface, direction, reason);
            }
            return Err(dropped(
                &eni.id,
                ComponentKind::NetworkInterface,
                Some(direction),
                "SG-1",
                format!(
                    "`{}` has no security group, so it allows no {direction} traffic",
                    eni.id
                ),
                "ENI_SG_RULES_MISMATCH",
            ));
        };
        if self.leg == LegKind::Reply {
            hop!(
                self,
                first,
                ComponentKind::SecurityGroup,
                format!("{direction}: reply of a tracked connection, allowed without rules (SG-11)"),
                Some(direction),
                Some("SG-11".into()),
            );
            return Ok(());
        }
        let all = || eni.groups.iter().map(|g| g.as_str()).collect::<Vec<_>>().join(", ");
        match evaluate_groups(self.net, self.ix, &eni.groups, direction, p) {
            GroupDecision::Allow(group, rule) => {
                if self.record {
                    let label = rule.label(direction);
                    self.hop(
                        &group.id,
                        ComponentKind::SecurityGroup,
                        format!("{direction}: allowed by `{}` rule {label}", group.id),
                        Some(direction),
                        Some(label),
                    );
                }
                Ok(())
            }
            GroupDecision::Deny => {
                let all = all();
                // SG-12: every group has no rule at all in this direction.
                let bare = eni.groups.iter().all(|g| {
                    self.net.security_groups.get(g).is_some_and(|sg| match direction {
                        Direction::Inbound => sg.ingress.is_empty(),
                        Direction::Outbound => sg.egress.is_empty(),
                    })
                });
                // SG-13: inbound, after a NAT gateway rewrote the source, a rule admits the source
                // as it was before.
                let reassigned = if bare || direction != Direction::Inbound {
                    None
                } else {
                    self.translations
                        .iter()
                        .find(|t| matches!(t.translator, Translator::NatGateway(_)))
                        .filter(|t| {
                            let mut before = *p;
                            before.src_ip = t.before.src_ip;
                            matches!(
                                evaluate_groups(self.net, self.ix, &eni.groups, direction, &before),
                                GroupDecision::Allow(..)
                            )
                        })
                };
                // SG-15: inbound, after a NAT instance forwarded it, a rule naming a security group
                // admits the source as it was before.
                let unpreserved = if bare || reassigned.is_some() || direction != Direction::Inbound {
                    None
                } else {
                    self.translations
                        .iter()
                        .find(|t| matches!(t.translator, Translator::Interface(_)))
                        .filter(|t| {
                            let mut before = *p;
                            before.src_ip = t.before.src_ip;
                            reference_admits(self.net, self.ix, &eni.groups, direction, &before)
                        })
                };
                let (reason, code) = if let Some(t) = reassigned {
                    let nat = match &t.translator {
                        Translator::NatGateway(n) => n.as_str(),
                        Translator::Interface(i) => i.as_str(),
                    };
                    (
                        format!(
                            "no inbound rule of the security groups of `{}` ({all}) allows {p}: NAT gateway `{nat}` replaced its source {} by its own address, which they do not admit",
                            eni.id, t.before.src_ip
                        ),
                        "NGW_SOURCE_ADDRESS_REASSIGN",
                    )
                } else if let Some(t) = unpreserved {
                    let by = match &t.translator {
                        Translator::NatGateway(n) => n.as_str(),
                        Translator::Interface(i) => i.as_str(),
                    };
                    (
                        format!(
                            "no inbound rule of the security groups of `{}` ({all}) allows {p}: a rule naming a security group admits its original source {}, but `{by}` (a NAT instance) forwarded it, and a forwarded packet does not carry its source's security group membership (SG-15)",
                            eni.id, t.before.src_ip
                        ),
                        "SG_REFERENCES_NOT_PRESERVED",
                    )
                } else if bare {
                    (
                        format!(
                            "the security groups of `{}` ({all}) have no {direction} rule at all",
                            eni.id
                        ),
                        "SG_HAS_NO_RULES",
                    )
                } else {
                    (
                        format!(
                            "no {direction} rule of the security groups of `{}` ({all}) allows {p}",
                            eni.id
                        ),
                        "ENI_SG_RULES_MISMATCH",
                    )
                };
                Err(dropped(
                    first,
                    ComponentKind::SecurityGroup,
                    Some(direction),
                    all.clone(),
                    reason,
                    code,
                ))
            }
            GroupDecision::Unknown(pl) => {
                let reason = format!(
                    "a security group rule of `{}` names prefix list `{pl}`, whose entries are not in the input",
                    eni.id
                );
                self.unsettled(pl.as_str(), ComponentKind::SecurityGroup, direction, reason)
            }
        }
    }

    /// The network ACL of `subnet` in `direction` (§7, NACL-4).
    pub fn acl(&mut self, subnet: &SubnetId, direction: Direction, p: &Packet) -> Result<(), Halt> {
        self.filtered = Some(*p);
        let Some(acl) = self
            .ix
            .network_acl_of(subnet)
            .and_then(|id| self.net.network_acls.get(id))
        else {
            let reason = format!("subnet `{subnet}` has no network ACL in the input (NACL-1a)");
            return self.unsettled(subnet.as_str(), ComponentKind::NetworkAcl, direction, reason);
        };
        match evaluate_acl(acl, direction, p) {
            AclDecision::Allow(entry) => {
                if self.record {
                    let rule = entry.rule_label();
                    self.hop(
                        &acl.id,
                        ComponentKind::NetworkAcl,
                        format!("{direction} at `{subnet}`: allowed by rule {}", entry.label()),
                        Some(direction),
                        Some(rule),
                    );
                }
                Ok(())
            }
            AclDecision::Deny(entry) => {
                let (rule, why) = match entry {
                    Some(e) if e.rule_number < NACL_DEFAULT_RULE_NUMBER => {
                        (e.rule_label(), format!("rule {} denies it", e.label()))
                    }
                    _ => (
                        "*".to_owned(),
                        "no rule allows it, so the default rule * denies it".to_owned(),
                    ),
                };
                let word = match direction {
                    Direction::Inbound => "into",
                    Direction::Outbound => "out of",
                };
                // SG-13: inbound on the request leg, after a NAT gateway rewrote the source, the
                // ACL admits the source as it was before.
                let reassigned = (direction == Direction::Inbound && self.leg == LegKind::Request)
                    .then(|| {
                        self.translations
                            .iter()
                            .find(|t| matches!(t.translator, Translator::NatGateway(_)))
                    })
                    .flatten()
                    .filter(|t| {
                        let mut before = *p;
                        before.src_ip = t.before.src_ip;
                        matches!(evaluate_acl(acl, direction, &before), AclDecision::Allow(_))
                    });
                // SG-14: inbound on the reply leg, to a NAT gateway that remapped the request's
                // source port, the ACL admits the port the client used.
                let remapped = (direction == Direction::Inbound && self.leg == LegKind::Reply && p.has_ports())
                    .then(|| {
                        self.translations.iter().find(|t| {
                            matches!(t.translator, Translator::NatGateway(_))
                                && t.after.src_ip == p.dst_ip
                                && t.after.src_port == p.dst_port
                                && t.after.src_port != t.before.src_port
                                && {
                                    let mut before = *p;
                                    before.dst_port = t.before.src_port;
                                    matches!(evaluate_acl(acl, direction, &before), AclDecision::Allow(_))
                                }
                        })
                    })
                    .flatten();
                let (why, code) = match (reassigned, remapped) {
                    (Some(t), _) => (
                        format!(
                            "{why}; it would admit the source {} that a NAT gateway replaced by its own address",
                            t.before.src_ip
                        ),
                        "NGW_SOURCE_ADDRESS_REASSIGN",
                    ),
                    (None, Some(t)) => (
                        format!(
                            "{why}; it would admit port {}, which the NAT gateway remapped to {}",
                            t.before.src_port, t.after.src_port
                        ),
                        "REMAP_EPHEMERAL_PORT",
                    ),
                    (None, None) => (why, "SUBNET_ACL_RESTRICTION"),
                };
                Err(dropped(
                    &acl.id,
                    ComponentKind::NetworkAcl,
                    Some(direction),
                    rule,
                    format!("network ACL `{}` does not let {p} {word} `{subnet}`: {why}", acl.id),
                    code,
                ))
            }
        }
    }
}
