//! Network ACLs and security groups (`describe-network-acls`, `describe-security-groups`,
//! `describe-security-group-rules`).
//!
//! Implements: NACL-4 (rule numbers; the listed `*` entries 32767 and 32768 are kept as ordinary
//! entries, and the 1..=32766 range is checked by `model::validate`), NACL-5 (one CIDR per entry,
//! egress flag, allow/deny), NACL-6 (the layer-4 part normalised into [`L4Match`]), SG-6 (protocol
//! names and numbers, ports, ICMP type/code in `FromPort`/`ToPort`), and SG-7/SG-8 peers (CIDR,
//! prefix list, group reference across an optional peering), one rule per source.
//!
//! Both security group forms may be present. The nested form (`SecurityGroups[].IpPermissions`)
//! is lowered first and is the description of record; a flat rule
//! (`SecurityGroupRules[]`) is then added to its group only if no rule of the same direction
//! with the same protocol, layer-4 match and peer is there already, so a snapshot holding both
//! forms counts every rule once. A flat rule missing from a nested description is added with a
//! warning (the two outputs were taken at different times); a flat rule whose group has no
//! nested description is skipped with a warning, because the flat form does not name the VPC.

use super::json::{Bad, Obj, R};
use super::{Loc, Lower, Pending, insert};
use crate::model::{
    Direction, IpFamily, L4Match, NetworkAcl, NetworkAclEntry, PortRange, Protocol, RuleAction, SecurityGroup,
    SecurityGroupId, SecurityGroupPeer, SecurityGroupRule, SubnetId, proto,
};

impl Lower {
    pub(super) fn network_acl(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let vpc = o.req_id("VpcId")?;
        let mut subnets: Vec<SubnetId> = Vec::new();
        for a in o.items("Associations")? {
            let s = a.and_then(|a| a.req_id("SubnetId").map(SubnetId::from));
            if let Some(s) = self.entry(loc, s, "association skipped")
                && !subnets.contains(&s)
            {
                subnets.push(s);
            }
        }
        let mut entries = Vec::new();
        for e in o.items("Entries")? {
            let entry = e.and_then(|e| self.acl_entry(loc, &e));
            if let Some(entry) = self.entry(loc, entry, "entry skipped") {
                entries.push(entry);
            }
        }
        let acl = NetworkAcl {
            id: loc.resource.into(),
            vpc: vpc.into(),
            is_default: o.bool("IsDefault")?.unwrap_or(false),
            subnets,
            entries,
            tags: o.tags()?,
            provenance: loc.provenance(),
        };
        insert(
            &mut self.net.network_acls,
            &mut self.diags,
            "network ACL",
            acl.id.clone(),
            acl,
        );
        Ok(())
    }

    fn acl_entry(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<NetworkAclEntry> {
        let number_field = o.field("RuleNumber");
        let n = o.int("RuleNumber")?.ok_or_else(|| Bad::missing(&number_field))?;
        let rule_number = u16::try_from(n).map_err(|_| {
            Bad::invalid(format!(
                "`{number_field}` is {n}, which is not a network ACL rule number (1 to 32766, and 32767/32768 for the default entries, NACL-4)"
            ))
        })?;
        let egress = o.bool("Egress")?.ok_or_else(|| Bad::missing(&o.field("Egress")))?;
        let direction = if egress {
            Direction::Outbound
        } else {
            Direction::Inbound
        };
        let action_text = o.req_str("RuleAction")?;
        let action = match action_text.trim().to_ascii_lowercase().as_str() {
            "allow" => RuleAction::Allow,
            "deny" => RuleAction::Deny,
            _ => {
                return Err(Bad::invalid(format!(
                    "`{}` is `{action_text}`, neither allow nor deny",
                    o.field("RuleAction")
                )));
            }
        };
        let protocol = protocol(o, "Protocol")?;
        let cidr = match (
            self.cidr(loc, o, "CidrBlock", Some(IpFamily::V4))?,
            self.cidr(loc, o, "Ipv6CidrBlock", Some(IpFamily::V6))?,
        ) {
            (Some(c), None) | (None, Some(c)) => c,
            (None, None) => return Err(Bad::missing(&o.field("CidrBlock` or `Ipv6CidrBlock"))),
            (Some(a), Some(b)) => {
                return Err(Bad::invalid(format!(
                    "`{}` has both `CidrBlock` {a} and `Ipv6CidrBlock` {b}; an entry has one (NACL-5)",
                    o.path()
                )));
            }
        };
        let label = format!("{direction} entry {rule_number}");
        let l4 = self.acl_l4(loc, o, protocol, cidr.family(), &label)?;
        Ok(NetworkAclEntry {
            rule_number,
            direction,
            action,
            protocol,
            l4,
            cidr,
            provenance: loc.provenance().item(rule_number.to_string()),
        })
    }

    /// NACL-6: `-1` and every protocol but TCP, UDP, ICMP and ICMPv6 match all ports and types;
    /// TCP/UDP match `PortRange`; ICMP matches `IcmpTypeCode` (`-1` = any); ICMPv6 with an IPv4
    /// CIDR matches everything, with an IPv6 CIDR its `IcmpTypeCode`.
    fn acl_l4(&mut self, loc: Loc<'_>, o: &Obj<'_>, protocol: Protocol, family: IpFamily, label: &str) -> R<L4Match> {
        let Some(p) = protocol.number() else {
            return Ok(L4Match::Any);
        };
        if proto::has_ports(p) {
            let Some(range) = o.obj("PortRange")? else {
                self.warn(
                    loc,
                    "missing-port-range",
                    format!(
                        "{label} ({}) has no `PortRange`: read as all ports (NACL-6)",
                        proto::name(p)
                    ),
                );
                return Ok(L4Match::Any);
            };
            let from = port(&range, "From")?;
            let to = port(&range, "To")?;
            return PortRange::new(from, to)
                .map(L4Match::Ports)
                .ok_or_else(|| Bad::invalid(format!("`{}` is {from}-{to}, which is not a port range", range.path())));
        }
        if p == proto::ICMP || (p == proto::ICMPV6 && family == IpFamily::V6) {
            let Some(tc) = o.obj("IcmpTypeCode")? else {
                self.warn(
                    loc,
                    "missing-icmp-type-code",
                    format!(
                        "{label} ({}) has no `IcmpTypeCode` (moto drops it): read as all ICMP types and codes (NACL-6)",
                        proto::name(p)
                    ),
                );
                return Ok(L4Match::Icmp {
                    icmp_type: None,
                    icmp_code: None,
                });
            };
            return Ok(L4Match::Icmp {
                icmp_type: icmp_value(&tc, "Type", tc.int("Type")?)?,
                icmp_code: icmp_value(&tc, "Code", tc.int("Code")?)?,
            });
        }
        Ok(L4Match::Any)
    }

    pub(super) fn security_group(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let vpc = o.req_id("VpcId")?;
        let ingress = self.permissions(loc, o, "IpPermissions", Direction::Inbound)?;
        let egress = self.permissions(loc, o, "IpPermissionsEgress", Direction::Outbound)?;
        let sg = SecurityGroup {
            id: loc.resource.into(),
            name: o.str("GroupName")?.unwrap_or_default().to_owned(),
            vpc: vpc.into(),
            description: o.str("Description")?.unwrap_or_default().to_owned(),
            ingress,
            egress,
            tags: o.tags()?,
            provenance: loc.provenance(),
        };
        insert(
            &mut self.net.security_groups,
            &mut self.diags,
            "security group",
            sg.id.clone(),
            sg,
        );
        Ok(())
    }

    /// Expands each permission into one rule per source (SG-6); a bad permission or source is
    /// reported and skipped alone.
    fn permissions(&mut self, loc: Loc<'_>, o: &Obj<'_>, key: &str, dir: Direction) -> R<Vec<SecurityGroupRule>> {
        let word = match dir {
            Direction::Inbound => "ingress",
            Direction::Outbound => "egress",
        };
        let mut rules = Vec::new();
        for (j, p) in o.items(key)?.into_iter().enumerate() {
            let head = p.and_then(|p| sg_l4(&p).map(|(protocol, l4)| (p, protocol, l4)));
            let Some((p, protocol, l4)) = self.entry(loc, head, "permission skipped") else {
                continue;
            };
            let label = format!("{word}[{j}]");
            let mut peers: Vec<R<(SecurityGroupPeer, Option<String>)>> = Vec::new();
            for (list, field, family) in [
                ("IpRanges", "CidrIp", Some(IpFamily::V4)),
                ("Ipv6Ranges", "CidrIpv6", Some(IpFamily::V6)),
            ] {
                for r in p.items(list)? {
                    peers.push(r.and_then(|r| {
                        let cidr = self
                            .cidr(loc, &r, field, family)?
                            .ok_or_else(|| Bad::missing(&r.field(field)))?;
                        Ok((SecurityGroupPeer::Cidr { cidr }, description(&r)?))
                    }));
                }
            }
            for r in p.items("PrefixListIds")? {
                peers.push(r.and_then(|r| {
                    let id = r.req_id("PrefixListId")?;
                    Ok((SecurityGroupPeer::PrefixList { id: id.into() }, description(&r)?))
                }));
            }
            for r in p.items("UserIdGroupPairs")? {
                peers.push(r.and_then(|r| {
                    let id = r.req_id("GroupId")?;
                    let peering = r.id("VpcPeeringConnectionId")?.map(Into::into);
                    Ok((
                        SecurityGroupPeer::SecurityGroup { id: id.into(), peering },
                        description(&r)?,
                    ))
                }));
            }
            for peer in peers {
                if let Some((peer, description)) = self.entry(loc, peer, "source skipped") {
                    rules.push(SecurityGroupRule {
                        protocol,
                        l4,
                        provenance: loc.provenance().item(format!("{label} {peer}")),
                        peer,
                        description,
                    });
                }
            }
        }
        Ok(rules)
    }

    /// Merges the flat `SecurityGroupRules` form into the groups (see the module comment).
    pub(super) fn security_group_rules(&mut self, p: &Pending<'_>) {
        for (i, item) in p.items.iter().enumerate() {
            let pos = format!("{}[{i}]", p.key);
            let opened = Obj::of(item, "").and_then(|o| Ok((o.id("SecurityGroupRuleId")?, o)));
            let Some((rule_id, o)) = self.entry(
                Loc {
                    file: p.file,
                    resource: &pos,
                },
                opened,
                "security group rule skipped",
            ) else {
                continue;
            };
            let loc = Loc {
                file: p.file,
                resource: rule_id.unwrap_or(&pos),
            };
            let parsed = flat_rule(self, &o, loc);
            let Some((group, direction, rule)) = self.entry(loc, parsed, "security group rule skipped") else {
                continue;
            };
            let Some(sg) = self.net.security_groups.get_mut(&group) else {
                self.warn(
                    loc,
                    "missing-group",
                    format!(
                        "rule `{}` belongs to security group `{group}`, which `describe-security-groups` does not list (the flat form names no VPC): rule skipped",
                        loc.resource
                    ),
                );
                continue;
            };
            let rules = match direction {
                Direction::Inbound => &mut sg.ingress,
                Direction::Outbound => &mut sg.egress,
            };
            let duplicate = rules
                .iter()
                .any(|r| r.protocol == rule.protocol && r.l4 == rule.l4 && r.peer == rule.peer);
            if duplicate {
                continue;
            }
            let label = rule.label(direction);
            rules.push(rule);
            self.warn(
                loc,
                "inconsistent-snapshot",
                format!(
                    "rule `{}` ({label}) of security group `{group}` is missing from the `describe-security-groups` output: added",
                    loc.resource
                ),
            );
        }
    }
}

/// One flat rule: its group, its direction and the rule (`lw` takes the warnings).
fn flat_rule(lw: &mut Lower, o: &Obj<'_>, loc: Loc<'_>) -> R<(SecurityGroupId, Direction, SecurityGroupRule)> {
    let group = o.req_id("GroupId")?;
    let egress = o.bool("IsEgress")?.ok_or_else(|| Bad::missing(&o.field("IsEgress")))?;
    let direction = if egress {
        Direction::Outbound
    } else {
        Direction::Inbound
    };
    let (protocol, l4) = sg_l4(o)?;
    let mut peers = Vec::new();
    if let Some(cidr) = lw.cidr(loc, o, "CidrIpv4", Some(IpFamily::V4))? {
        peers.push(SecurityGroupPeer::Cidr { cidr });
    }
    if let Some(cidr) = lw.cidr(loc, o, "CidrIpv6", Some(IpFamily::V6))? {
        peers.push(SecurityGroupPeer::Cidr { cidr });
    }
    if let Some(id) = o.id("PrefixListId")? {
        peers.push(SecurityGroupPeer::PrefixList { id: id.into() });
    }
    if let Some(r) = o.obj("ReferencedGroupInfo")? {
        peers.push(SecurityGroupPeer::SecurityGroup {
            id: r.req_id("GroupId")?.into(),
            peering: r.id("VpcPeeringConnectionId")?.map(Into::into),
        });
    }
    let peer = match peers.len() {
        1 => peers.remove(0),
        0 => {
            return Err(Bad::missing(
                "CidrIpv4`, `CidrIpv6`, `PrefixListId` or `ReferencedGroupInfo",
            ));
        }
        _ => {
            return Err(Bad::invalid(
                "the rule names several peers; a rule has one of `CidrIpv4`, `CidrIpv6`, `PrefixListId`, `ReferencedGroupInfo`"
                    .to_owned(),
            ));
        }
    };
    let word = if egress { "egress" } else { "ingress" };
    let rule = SecurityGroupRule {
        protocol,
        l4,
        provenance: loc.provenance().item(format!("{word} {peer}")),
        peer,
        description: description(o)?,
    };
    Ok((group.into(), direction, rule))
}

fn description(o: &Obj<'_>) -> R<Option<String>> {
    Ok(o.str("Description")?.map(str::to_owned))
}

/// A protocol field: `-1`/`all`, a name (`tcp`, security groups) or a number 0..=255.
fn protocol(o: &Obj<'_>, key: &str) -> R<Protocol> {
    let text = o.req_str(key)?;
    Protocol::parse(text).map_err(|_| {
        Bad::invalid(format!(
            "`{}` is `{text}`, which is not a protocol (-1, tcp, udp, icmp, icmpv6 or a number 0-255)",
            o.field(key)
        ))
    })
}

/// SG-6: `-1` is every protocol and port; TCP/UDP use `FromPort..ToPort` (`-1` = all); ICMP and
/// ICMPv6 put the type in `FromPort` and the code in `ToPort` (absent or `-1` = any); any other
/// protocol number allows all ports whatever range is given.
fn sg_l4(o: &Obj<'_>) -> R<(Protocol, L4Match)> {
    let protocol = protocol(o, "IpProtocol")?;
    let from = o.int("FromPort")?;
    let to = o.int("ToPort")?;
    let l4 = match protocol.number() {
        None => L4Match::Any,
        Some(p) if proto::has_ports(p) => match (from, to) {
            (None, None) => L4Match::Ports(PortRange::ALL),
            (Some(f), Some(t)) => PortRange::from_aws(f, t).map(L4Match::Ports).ok_or_else(|| {
                Bad::invalid(format!(
                    "`{}`..`{}` is {f}..{t}, which is not a port range (0-65535, or -1 for all)",
                    o.field("FromPort"),
                    o.field("ToPort")
                ))
            })?,
            (Some(_), None) => return Err(Bad::missing(&o.field("ToPort"))),
            (None, Some(_)) => return Err(Bad::missing(&o.field("FromPort"))),
        },
        Some(p) if proto::is_icmp(p) => L4Match::Icmp {
            icmp_type: icmp_value(o, "FromPort", from)?,
            icmp_code: icmp_value(o, "ToPort", to)?,
        },
        Some(_) => L4Match::Any,
    };
    Ok((protocol, l4))
}

/// An ICMP type or code: absent or `-1` is any, 0..=255 one value.
fn icmp_value(o: &Obj<'_>, key: &str, v: Option<i64>) -> R<Option<u8>> {
    match v {
        None | Some(-1) => Ok(None),
        Some(n) => u8::try_from(n).map(Some).map_err(|_| {
            Bad::invalid(format!(
                "`{}` is {n}, which is not an ICMP type or code (0-255, or -1 for any)",
                o.field(key)
            ))
        }),
    }
}

/// A required port 0..=65535.
fn port(o: &Obj<'_>, key: &str) -> R<u16> {
    let n = o.int(key)?.ok_or_else(|| Bad::missing(&o.field(key)))?;
    u16::try_from(n).map_err(|_| Bad::invalid(format!("`{}` is {n}, which is not a port (0-65535)", o.field(key))))
}
