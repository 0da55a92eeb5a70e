//! The native spec's security groups and network ACLs (`[security_group.NAME]`, `[network_acl.NAME]`): their lowering into the model, split from the parent module by
//! concern. Must not touch: other resources' tables.

use super::*;

impl<'t> Lower<'_, 't> {
    pub(super) fn security_group(&mut self, d: &Decl<'t>) {
        let f = self.fields(d);
        let vpc: Option<VpcId> = self.req_ref(&f, "vpc", Kind::Vpc);
        let is_default = f.bool("default", false);
        let group_name = match f.str("group_name") {
            Some((n, at)) if is_default && n != "default" => {
                f.error(at, "the default security group is always named `default`");
                "default".to_owned()
            }
            Some((n, at)) if !is_default && n == "default" => {
                f.error(
                    at,
                    "the group name `default` belongs to the VPC's default security group: set `default = true` to declare it",
                );
                n.to_owned()
            }
            Some((n, _)) => n.to_owned(),
            None if is_default => "default".to_owned(),
            None => d.name.to_owned(),
        };
        let description = f.str("description").map(|(s, _)| s.to_owned()).unwrap_or_else(|| {
            if is_default {
                "default VPC security group".into()
            } else {
                String::new()
            }
        });
        let id = SecurityGroupId::new(d.id.clone());
        let has_v6 = vpc
            .as_ref()
            .and_then(|v| self.net.vpcs.get(v))
            .is_some_and(|v| !v.cidrs_v6.is_empty());
        let prov = self.cx.provenance(&d.id, d.at);
        let ingress = match f.tables("ingress") {
            Some(items) => self.sg_rules(d, Direction::Inbound, &items),
            // SG-3: the default group admits all traffic from its own members.
            None if is_default => vec![self_rule(&id, &prov)],
            // SG-1: a new group admits nothing.
            None => Vec::new(),
        };
        let egress = match f.tables("egress") {
            Some(items) => self.sg_rules(d, Direction::Outbound, &items),
            // SG-3 for the default group (IPv6 too when the VPC has it); SG-2 and J23 for a new
            // group: all traffic to 0.0.0.0/0 only.
            None => default_egress(&prov, is_default && has_v6),
        };
        let tags = f.tags(d.name);
        let Some(vpc) = vpc else { return };
        if let Some(other) = self
            .net
            .security_groups
            .values()
            .find(|g| g.vpc == vpc && g.name == group_name)
        {
            f.cx.error(
                "duplicate-group-name",
                &d.id,
                d.at,
                format!(
                    "vpc `{vpc}` already has a security group named `{group_name}` (`{}`); group names are unique in a VPC",
                    other.id
                ),
            );
            return;
        }
        let sg = SecurityGroup {
            id: id.clone(),
            name: group_name,
            vpc,
            description,
            ingress,
            egress,
            tags,
            provenance: prov,
        };
        insert_new(self.cx, &mut self.net.security_groups, id, sg, "security group", d.at);
    }

    /// The rules of one direction of a group (SG-6): one rule per peer of each entry.
    pub(super) fn sg_rules(
        &self,
        d: &Decl<'t>,
        direction: Direction,
        items: &[(&'t DeTable<'t>, usize)],
    ) -> Vec<SecurityGroupRule> {
        let (word, peer_key, keys) = match direction {
            Direction::Inbound => ("ingress", "from", INGRESS_KEYS),
            Direction::Outbound => ("egress", "to", EGRESS_KEYS),
        };
        let own = SecurityGroupId::new(d.id.clone());
        let mut out = Vec::new();
        for (i, (table, at)) in items.iter().enumerate() {
            let what = format!("{word} rule {} of security group `{}`", i + 1, d.name);
            let f = Fields::new(self.cx, &d.id, &what, table, *at, keys);
            let protocol = f.protocol();
            let l4 = protocol.and_then(|p| f.l4(p, false));
            let peering = f
                .opt("peering", |s| self.resolve_one(&f, Kind::Peering, s))
                .flatten()
                .map(VpcPeeringConnectionId::new);
            let description = f.str("description").map(|(s, _)| s.to_owned());
            if !f.has(peer_key) {
                f.cx.error(
                    "missing-key",
                    f.resource,
                    f.at,
                    format!(
                        "missing required key `{peer_key}` (a CIDR block, a security group, a prefix list, or \"self\")"
                    ),
                );
                continue;
            }
            let named = f.strs(peer_key);
            if named.is_empty()
                && f.get(peer_key)
                    .is_some_and(|v| matches!(v.get_ref(), DeValue::Array(_)))
            {
                f.error(f.offset_of(peer_key), format!("`{peer_key}` lists no peer"));
            }
            let peers: Vec<SecurityGroupPeer> = named
                .into_iter()
                .filter_map(|s| self.sg_peer(&f, peer_key, s, &own, peering.as_ref()))
                .collect();
            let (Some(protocol), Some(l4)) = (protocol, l4) else {
                continue;
            };
            let prov = self.cx.provenance(&d.id, *at).item(format!("{word} {}", i + 1));
            out.extend(peers.into_iter().map(|peer| SecurityGroupRule {
                protocol,
                l4,
                peer,
                description: description.clone(),
                provenance: prov.clone(),
            }));
        }
        out
    }

    /// A rule's peer: `self`, a CIDR block, or a security group or prefix list by name or id.
    pub(super) fn sg_peer(
        &self,
        f: &Fields<'_, 't>,
        key: &str,
        s: Str<'t>,
        own: &SecurityGroupId,
        peering: Option<&VpcPeeringConnectionId>,
    ) -> Option<SecurityGroupPeer> {
        let (text, at) = s;
        if text == "self" {
            return Some(SecurityGroupPeer::SecurityGroup {
                id: own.clone(),
                peering: None,
            });
        }
        let peer = if text.contains('/') || text.trim().parse::<std::net::IpAddr>().is_ok() {
            SecurityGroupPeer::Cidr {
                cidr: f.cidr(key, s, None)?,
            }
        } else {
            match self.reg.resolve(
                f,
                &[Kind::SecurityGroup, Kind::PrefixList],
                "security group or prefix list",
                "",
                s,
            )? {
                (Kind::PrefixList, id) => SecurityGroupPeer::PrefixList {
                    id: PrefixListId::new(id),
                },
                (_, id) => SecurityGroupPeer::SecurityGroup {
                    id: SecurityGroupId::new(id),
                    peering: peering.cloned(),
                },
            }
        };
        if peering.is_some() && !matches!(peer, SecurityGroupPeer::SecurityGroup { .. }) {
            f.error(
                at,
                format!("`peering` applies to rules that name a security group, not to `{text}`"),
            );
        }
        Some(peer)
    }

    // ----- network ACLs ----------------------------------------------------------------------

    pub(super) fn network_acl(&mut self, d: &Decl<'t>) {
        let f = self.fields(d);
        let vpc: Option<VpcId> = self.req_ref(&f, "vpc", Kind::Vpc);
        let is_default = f.bool("default", false);
        let subnets: Vec<SubnetId> = self.refs(&f, "subnets", Kind::Subnet);
        let mut entries = Vec::new();
        for (direction, key) in [(Direction::Inbound, "inbound"), (Direction::Outbound, "outbound")] {
            for (i, (table, at)) in f.tables(key).unwrap_or_default().into_iter().enumerate() {
                let what = format!("{key} entry {} of network ACL `{}`", i + 1, d.name);
                let e = Fields::new(self.cx, &d.id, &what, table, at, ACL_ENTRY_KEYS);
                entries.extend(acl_entry(&e, direction, &d.id, at));
            }
        }
        let tags = f.tags(d.name);
        let Some(vpc) = vpc else { return };
        let id = NetworkAclId::new(d.id.clone());
        if is_default && let Some(other) = self.net.network_acls.values().find(|a| a.vpc == vpc && a.is_default) {
            f.error(
                f.offset_of("default"),
                format!("vpc `{vpc}` already has a default network ACL, `{}` (NACL-1)", other.id),
            );
            return;
        }
        let acl = NetworkAcl {
            id: id.clone(),
            vpc,
            is_default,
            subnets,
            entries,
            tags,
            provenance: self.cx.provenance(&d.id, d.at),
        };
        insert_new(self.cx, &mut self.net.network_acls, id, acl, "network ACL", d.at);
    }

    // ----- route tables ----------------------------------------------------------------------
}

/// One network ACL entry (NACL-4, NACL-5, NACL-6).
pub(super) fn acl_entry(f: &Fields<'_, '_>, direction: Direction, acl: &str, at: usize) -> Option<NetworkAclEntry> {
    let rule = match f.get("rule") {
        None => {
            f.cx.error("missing-key", acl, at, "missing required key `rule` (1 to 32766)");
            None
        }
        Some(_) => f
            .int(
                "rule",
                "rule numbers run from 1 to 32766; the default deny (`*`) needs no entry (NACL-4)",
                |n| {
                    u16::try_from(n)
                        .ok()
                        .filter(|r| (1..NACL_DEFAULT_RULE_NUMBER).contains(r))
                },
            )
            .map(|(r, _)| r),
    };
    let protocol = f.protocol();
    let cidr = f.req_str("cidr").and_then(|s| f.cidr("cidr", s, None));
    let action = if f.has("action") {
        f.choice("action", &["allow", "deny"]).flatten()
    } else {
        f.cx.error("missing-key", acl, at, "missing required key `action` (allow or deny)");
        None
    };
    let l4 = protocol.and_then(|p| f.l4(p, cidr.is_some_and(|c| c.family() == IpFamily::V4)));
    let (rule_number, protocol, cidr, action, l4) = (rule?, protocol?, cidr?, action?, l4?);
    Some(NetworkAclEntry {
        rule_number,
        direction,
        action: if action == "allow" {
            RuleAction::Allow
        } else {
            RuleAction::Deny
        },
        protocol,
        l4,
        cidr,
        provenance: f.cx.provenance(acl, at).item(rule_number.to_string()),
    })
}
