//! Network ACLs and security groups (SEMANTICS.md §7).
//!
//! ACLs: `aws_network_acl` (inline `ingress`/`egress`, `subnet_ids`), `aws_network_acl_rule`,
//! `aws_network_acl_association`, `aws_default_network_acl` (adopts the VPC's default ACL and
//! keeps only the declared entries). Protocol spellings (`tcp`, `6`, `-1`, `all`) and NACL-6
//! wildcards are normalised into [`L4Match`]; the `*` default deny is implicit (NACL-4).
//!
//! Security groups: `aws_security_group` (inline rules; Terraform removes the default allow-all
//! egress of the groups it creates, so a group without `egress` has none), the rule resources
//! `aws_security_group_rule` and `aws_vpc_security_group_{ingress,egress}_rule`, and
//! `aws_default_security_group` (adopts the default group and removes every undeclared rule,
//! SG-3). Rules are expanded to one peer each (SG-6) and normalised per SG-6.

use super::vpc::{cidr, need, tags, vpc_of};
use super::{Kind, Lx, Obj, Pick, Val};
use crate::ingest::terraform::document::Inst;
use crate::model::*;

fn icmp_field(v: Val<i64>) -> Option<u8> {
    v.known().filter(|x| *x >= 0).and_then(|x| u8::try_from(x).ok())
}

fn ports(from: Val<i64>, to: Val<i64>) -> Result<PortRange, String> {
    match (from.known(), to.known()) {
        (None, None) => Ok(PortRange::ALL),
        (f, t) => {
            let f = f.unwrap_or(0);
            let t = t.unwrap_or(65535);
            PortRange::from_aws(f, t).ok_or_else(|| format!("port range {f}-{t} is not valid"))
        }
    }
}

/// NACL-6: ports only for TCP and UDP, type/code only for ICMP (and ICMPv6 with an IPv6 block).
fn acl_l4(p: Protocol, c: &Cidr, o: Obj<'_>) -> Result<L4Match, String> {
    Ok(match p.number() {
        Some(n) if proto::has_ports(n) => L4Match::Ports(ports(o.i("from_port"), o.i("to_port"))?),
        Some(proto::ICMP) => L4Match::Icmp {
            icmp_type: icmp_field(o.i("icmp_type")),
            icmp_code: icmp_field(o.i("icmp_code")),
        },
        Some(proto::ICMPV6) if c.family() == IpFamily::V6 => L4Match::Icmp {
            icmp_type: icmp_field(o.i("icmp_type")),
            icmp_code: icmp_field(o.i("icmp_code")),
        },
        _ => L4Match::Any,
    })
}

/// SG-6: ports for TCP/UDP, type (`from_port`) and code (`to_port`) for ICMP/ICMPv6, `-1` = any;
/// all ports for every other protocol, whatever the ports say.
fn sg_l4(p: Protocol, from: Val<i64>, to: Val<i64>) -> Result<L4Match, String> {
    Ok(match p.number() {
        Some(n) if proto::has_ports(n) => L4Match::Ports(ports(from, to)?),
        Some(n) if proto::is_icmp(n) => L4Match::Icmp {
            icmp_type: icmp_field(from),
            icmp_code: icmp_field(to),
        },
        _ => L4Match::Any,
    })
}

fn protocol(o: Obj<'_>, field: &str) -> Result<Protocol, String> {
    match o.s(field) {
        Val::Known(t) => Protocol::parse(&t).map_err(|e| e.to_string()),
        Val::Unknown => Err(format!("`{field}` is unknown until apply")),
        Val::Absent => Err(format!("`{field}` is missing")),
    }
}

fn unsupported(lx: &mut Lx<'_>, inst: &Inst, component: &str, reason: String) {
    let u = Unsupported {
        component: component.to_owned(),
        reason,
        provenance: lx.prov(inst),
    };
    if !lx.net.unsupported.contains(&u) {
        lx.net.unsupported.push(u);
    }
}

// ---------------------------------------------------------------------------------------------
// Network ACLs

fn acl_entry(
    lx: &mut Lx<'_>,
    inst: &Inst,
    o: Obj<'_>,
    egress: bool,
    number: &str,
    action: &str,
    item: String,
) -> Option<NetworkAclEntry> {
    let c = cidr(lx, inst, "cidr_block", o.s("cidr_block"))
        .or_else(|| cidr(lx, inst, "ipv6_cidr_block", o.s("ipv6_cidr_block")));
    let built = (|| -> Result<NetworkAclEntry, String> {
        let c = c.ok_or("no `cidr_block` or `ipv6_cidr_block`")?;
        let n = o.i(number).known().ok_or(format!("`{number}` is missing or unknown"))?;
        let rule_number = u16::try_from(n).map_err(|_| format!("rule number {n} is out of range"))?;
        let act = match o.s(action).known().map(|a| a.to_ascii_lowercase()).as_deref() {
            Some("allow") => RuleAction::Allow,
            Some("deny") => RuleAction::Deny,
            other => return Err(format!("`{action}` is {}", other.unwrap_or("missing"))),
        };
        let p = protocol(o, "protocol")?;
        Ok(NetworkAclEntry {
            rule_number,
            direction: if egress {
                Direction::Outbound
            } else {
                Direction::Inbound
            },
            action: act,
            protocol: p,
            l4: acl_l4(p, &c, o)?,
            cidr: c,
            provenance: lx.prov(inst).item(n.to_string()),
        })
    })();
    match built {
        Ok(e) => Some(e),
        Err(why) => {
            lx.error(
                "bad-value",
                &inst.address,
                format!("entry {item} of `{}` cannot be modelled: {why}", inst.address),
            );
            None
        }
    }
}

fn inline_entries(lx: &mut Lx<'_>, inst: &Inst, id: &NetworkAclId) -> Vec<NetworkAclEntry> {
    let o = Obj::of(inst);
    let mut out = Vec::new();
    for (dir, egress) in [("ingress", false), ("egress", true)] {
        let (blocks, unknown) = o.blocks(dir);
        if unknown && !lx.computed_only(inst, &[dir]) {
            let reason = format!("the {dir} entries of `{}` are unknown until apply", inst.address);
            lx.warn("unknown-value", &inst.address, reason.clone());
            unsupported(lx, inst, id.as_str(), reason);
        }
        for (i, b) in blocks.into_iter().enumerate() {
            out.extend(acl_entry(
                lx,
                inst,
                b,
                egress,
                "rule_no",
                "action",
                format!("{dir}[{i}]"),
            ));
        }
    }
    out
}

/// Every network ACL, entry and association.
pub fn network_acls(lx: &mut Lx<'_>) {
    for a in lx.of_type("aws_network_acl").collect::<Vec<_>>() {
        let o = Obj::of(a);
        let Some(vpc) = vpc_of(lx, a) else { continue };
        let id = NetworkAclId::new(lx.id(&a.address));
        let (subnets, _) = lx.pick_many(a, o, &["subnet_ids"], &[Kind::Subnet]);
        let entries = inline_entries(lx, a, &id);
        let acl = NetworkAcl {
            id: id.clone(),
            vpc,
            is_default: false,
            subnets: subnets.into_iter().map(SubnetId::new).collect(),
            entries,
            tags: tags(o),
            provenance: lx.prov(a),
        };
        lx.net.network_acls.insert(id, acl);
    }
    let adopted: Vec<(String, String)> = lx
        .defaults
        .values()
        .filter_map(|d| d.network_acl_adopter.clone().map(|a| (a, d.vpc.clone())))
        .collect();
    for (address, vpc) in adopted {
        let Some(a) = lx.doc.instances.get(&address) else {
            continue;
        };
        let o = Obj::of(a);
        let id = NetworkAclId::new(lx.id(&address));
        let (subnets, _) = lx.pick_many(a, o, &["subnet_ids"], &[Kind::Subnet]);
        let entries = inline_entries(lx, a, &id);
        let acl = NetworkAcl {
            id: id.clone(),
            vpc: VpcId::new(vpc),
            is_default: true,
            subnets: subnets.into_iter().map(SubnetId::new).collect(),
            entries,
            tags: tags(o),
            provenance: lx.prov(a),
        };
        lx.net.network_acls.insert(id, acl);
    }
    for r in lx.of_type("aws_network_acl_rule").collect::<Vec<_>>() {
        let o = Obj::of(r);
        let Some(acl) = need(lx, r, o, &["network_acl_id"], &[Kind::NetworkAcl]) else {
            continue;
        };
        let egress = o.b("egress").known().unwrap_or(false);
        let Some(e) = acl_entry(lx, r, o, egress, "rule_number", "rule_action", r.address.clone()) else {
            continue;
        };
        match lx.net.network_acls.get_mut(&NetworkAclId::new(acl.clone())) {
            Some(x) => x.entries.push(e),
            None => lx.warn(
                "dangling-reference",
                &r.address,
                format!(
                    "`{}` adds an entry to network acl `{acl}`, which is not in the input",
                    r.address
                ),
            ),
        }
    }
    for a in lx.of_type("aws_network_acl_association").collect::<Vec<_>>() {
        let o = Obj::of(a);
        let (Some(acl), Some(subnet)) = (
            need(lx, a, o, &["network_acl_id"], &[Kind::NetworkAcl]),
            need(lx, a, o, &["subnet_id"], &[Kind::Subnet]),
        ) else {
            continue;
        };
        let (acl, subnet) = (NetworkAclId::new(acl), SubnetId::new(subnet));
        if !lx.net.network_acls.contains_key(&acl) {
            lx.warn(
                "dangling-reference",
                &a.address,
                format!(
                    "`{}` associates network acl `{acl}`, which is not in the input",
                    a.address
                ),
            );
            continue;
        }
        // NACL-1: a subnet has exactly one ACL; a new association replaces the old one.
        for x in lx.net.network_acls.values_mut() {
            x.subnets.retain(|s| s != &subnet);
        }
        if let Some(x) = lx.net.network_acls.get_mut(&acl) {
            x.subnets.push(subnet);
        }
    }
    // A subnet associated with a custom ACL is no longer on the default one.
    let custom: Vec<SubnetId> = lx
        .net
        .network_acls
        .values()
        .filter(|a| !a.is_default)
        .flat_map(|a| a.subnets.iter().cloned())
        .collect();
    for x in lx.net.network_acls.values_mut().filter(|a| a.is_default) {
        x.subnets.retain(|s| !custom.contains(s));
    }
}

// ---------------------------------------------------------------------------------------------
// Security groups

fn add_rule(group: &mut SecurityGroup, dir: Direction, rule: SecurityGroupRule) {
    let list = match dir {
        Direction::Inbound => &mut group.ingress,
        Direction::Outbound => &mut group.egress,
    };
    if !list
        .iter()
        .any(|r| r.protocol == rule.protocol && r.l4 == rule.l4 && r.peer == rule.peer)
    {
        list.push(rule);
    }
}

fn cidr_peers(lx: &mut Lx<'_>, inst: &Inst, group: &str, o: Obj<'_>, path: &[&str], out: &mut Vec<SecurityGroupPeer>) {
    let Some(field) = path.last().copied() else { return };
    let (texts, unknown) = o.strs(field);
    if unknown && !lx.computed_only(inst, path) {
        let reason = format!("`{field}` of a rule of `{}` is unknown until apply", inst.address);
        lx.warn("unknown-value", &inst.address, reason.clone());
        unsupported(lx, inst, group, reason);
    }
    for t in texts {
        if let Some(c) = cidr(lx, inst, field, Val::Known(t)) {
            out.push(SecurityGroupPeer::Cidr { cidr: c });
        }
    }
}

/// A list of references inside an attributes-as-blocks set (`ingress[].security_groups`): the
/// configuration lists one set of references for the whole set, so when several rules have
/// unknown values and several candidates remain, which rule names which is ambiguous.
fn nested_refs(
    lx: &mut Lx<'_>,
    inst: &Inst,
    group: &str,
    o: Obj<'_>,
    path: &[&str],
    kind: Kind,
    unknown_rules: usize,
) -> Vec<String> {
    let Some(field) = path.last() else { return Vec::new() };
    let (known, unknown) = o.strs(field);
    if !unknown {
        return known;
    }
    let what = path.join(".");
    let (all, unresolved) = lx.pick_many(inst, o, path, &[kind]);
    if let Some(refs) = unresolved {
        lx.report(inst, &what, &[kind], &Pick::Unresolved(refs));
        unsupported(lx, inst, group, format!("`{what}` of `{}` is unresolved", inst.address));
        return known;
    }
    let from_refs: Vec<String> = all.iter().filter(|x| !known.contains(x)).cloned().collect();
    if path.len() > 1 && unknown_rules > 1 && from_refs.len() > 1 {
        lx.report(inst, &what, &[kind], &Pick::Ambiguous(from_refs));
        unsupported(
            lx,
            inst,
            group,
            format!(
                "which rule of `{}` names which {} is ambiguous",
                inst.address,
                kind.noun()
            ),
        );
        return known;
    }
    all
}

struct RuleParts {
    protocol: Protocol,
    l4: L4Match,
    peers: Vec<SecurityGroupPeer>,
    description: Option<String>,
}

fn push_rules(lx: &mut Lx<'_>, inst: &Inst, group: &SecurityGroupId, dir: Direction, parts: RuleParts, item: &str) {
    let Some(g) = lx.net.security_groups.get_mut(group) else {
        lx.warn(
            "dangling-reference",
            &inst.address,
            format!(
                "`{}` adds a rule to security group `{group}`, which is not in the input",
                inst.address
            ),
        );
        return;
    };
    for peer in parts.peers {
        let rule = SecurityGroupRule {
            protocol: parts.protocol,
            l4: parts.l4,
            peer,
            description: parts.description.clone(),
            provenance: Provenance::resource(lx.file, inst.address.clone()).item(item.to_owned()),
        };
        add_rule(g, dir, rule);
    }
}

fn inline_rules(lx: &mut Lx<'_>, inst: &Inst, group: &SecurityGroupId) {
    let o = Obj::of(inst);
    for (dir_attr, dir) in [("ingress", Direction::Inbound), ("egress", Direction::Outbound)] {
        let (blocks, unknown) = o.blocks(dir_attr);
        if unknown && !lx.computed_only(inst, &[dir_attr]) {
            let reason = format!("the {dir_attr} rules of `{}` are unknown until apply", inst.address);
            lx.warn("unknown-value", &inst.address, reason.clone());
            unsupported(lx, inst, group.as_str(), reason);
        }
        let count = |f: &str| blocks.iter().filter(|b| b.strs(f).1).count();
        let (unknown_groups, unknown_lists) = (count("security_groups"), count("prefix_list_ids"));
        for (i, b) in blocks.iter().enumerate() {
            let item = format!("{dir_attr}[{i}]");
            let parts = (|| -> Result<(Protocol, L4Match), String> {
                let p = protocol(*b, "protocol")?;
                Ok((p, sg_l4(p, b.i("from_port"), b.i("to_port"))?))
            })();
            let (p, l4) = match parts {
                Ok(x) => x,
                Err(why) => {
                    lx.error(
                        "bad-value",
                        &inst.address,
                        format!("rule {item} of `{}` cannot be modelled: {why}", inst.address),
                    );
                    continue;
                }
            };
            let mut peers = Vec::new();
            cidr_peers(lx, inst, group.as_str(), *b, &[dir_attr, "cidr_blocks"], &mut peers);
            cidr_peers(
                lx,
                inst,
                group.as_str(),
                *b,
                &[dir_attr, "ipv6_cidr_blocks"],
                &mut peers,
            );
            for pl in nested_refs(
                lx,
                inst,
                group.as_str(),
                *b,
                &[dir_attr, "prefix_list_ids"],
                Kind::PrefixList,
                unknown_lists,
            ) {
                peers.push(SecurityGroupPeer::PrefixList { id: pl.into() });
            }
            for sg in nested_refs(
                lx,
                inst,
                group.as_str(),
                *b,
                &[dir_attr, "security_groups"],
                Kind::SecurityGroup,
                unknown_groups,
            ) {
                peers.push(SecurityGroupPeer::SecurityGroup {
                    id: sg.into(),
                    peering: None,
                });
            }
            if b.b("self").known() == Some(true) {
                peers.push(SecurityGroupPeer::SecurityGroup {
                    id: group.clone(),
                    peering: None,
                });
            }
            let parts = RuleParts {
                protocol: p,
                l4,
                peers,
                description: b.s("description").known(),
            };
            push_rules(lx, inst, group, dir, parts, &item);
        }
    }
}

/// Every security group and rule.
pub fn security_groups(lx: &mut Lx<'_>) {
    for g in lx.of_type("aws_security_group").collect::<Vec<_>>() {
        let o = Obj::of(g);
        let Some(vpc) = vpc_of(lx, g) else { continue };
        let id = SecurityGroupId::new(lx.id(&g.address));
        let name = o
            .s("name")
            .known()
            .or_else(|| o.s("name_prefix").known())
            .unwrap_or_else(|| g.address.clone());
        // Terraform revokes the default allow-all egress rule of the groups it creates (SG-2 does
        // not apply): only declared rules exist.
        let sg = SecurityGroup {
            id: id.clone(),
            name,
            vpc,
            description: o.s("description").known().unwrap_or_default(),
            ingress: Vec::new(),
            egress: Vec::new(),
            tags: tags(o),
            provenance: lx.prov(g),
        };
        lx.net.security_groups.insert(id.clone(), sg);
        inline_rules(lx, g, &id);
    }
    let adopted: Vec<(String, String)> = lx
        .defaults
        .values()
        .filter_map(|d| d.security_group_adopter.clone().map(|a| (a, d.vpc.clone())))
        .collect();
    for (address, vpc) in adopted {
        let Some(g) = lx.doc.instances.get(&address) else {
            continue;
        };
        let o = Obj::of(g);
        let id = SecurityGroupId::new(lx.id(&address));
        // SG-3 adopted: every rule not declared is removed.
        let sg = SecurityGroup {
            id: id.clone(),
            name: "default".into(),
            vpc: VpcId::new(vpc),
            description: o
                .s("description")
                .known()
                .unwrap_or_else(|| "default VPC security group".into()),
            ingress: Vec::new(),
            egress: Vec::new(),
            tags: tags(o),
            provenance: lx.prov(g),
        };
        lx.net.security_groups.insert(id.clone(), sg);
        inline_rules(lx, g, &id);
    }
    for r in lx.of_type("aws_security_group_rule").collect::<Vec<_>>() {
        legacy_rule(lx, r);
    }
    for (t, dir) in [
        ("aws_vpc_security_group_ingress_rule", Direction::Inbound),
        ("aws_vpc_security_group_egress_rule", Direction::Outbound),
    ] {
        for r in lx.of_type(t).collect::<Vec<_>>() {
            vpc_rule(lx, r, dir);
        }
    }
}

fn rule_error(lx: &mut Lx<'_>, inst: &Inst, why: String) {
    lx.error(
        "bad-value",
        &inst.address,
        format!("`{}` cannot be modelled: {why}", inst.address),
    );
}

fn group_peer(lx: &mut Lx<'_>, inst: &Inst, o: Obj<'_>, field: &str, group: &str, peers: &mut Vec<SecurityGroupPeer>) {
    let p = lx.pick(inst, o, &[field], &[Kind::SecurityGroup]);
    if lx.report(inst, field, &[Kind::SecurityGroup], &p) {
        unsupported(
            lx,
            inst,
            group,
            format!("`{field}` of `{}` is not resolved", inst.address),
        );
    }
    if let Some(id) = p.id() {
        peers.push(SecurityGroupPeer::SecurityGroup {
            id: id.into(),
            peering: None,
        });
    }
}

/// `aws_security_group_rule`: one resource, possibly many AWS rules.
fn legacy_rule(lx: &mut Lx<'_>, r: &Inst) {
    let o = Obj::of(r);
    let Some(group) = need(lx, r, o, &["security_group_id"], &[Kind::SecurityGroup]) else {
        return;
    };
    let dir = match o.s("type").known().as_deref() {
        Some("ingress") => Direction::Inbound,
        Some("egress") => Direction::Outbound,
        other => return rule_error(lx, r, format!("`type` is {}", other.unwrap_or("missing"))),
    };
    let (p, l4) = match protocol(o, "protocol").and_then(|p| Ok((p, sg_l4(p, o.i("from_port"), o.i("to_port"))?))) {
        Ok(x) => x,
        Err(why) => return rule_error(lx, r, why),
    };
    let mut peers = Vec::new();
    cidr_peers(lx, r, &group, o, &["cidr_blocks"], &mut peers);
    cidr_peers(lx, r, &group, o, &["ipv6_cidr_blocks"], &mut peers);
    let (lists, unresolved) = lx.pick_many(r, o, &["prefix_list_ids"], &[Kind::PrefixList]);
    if let Some(refs) = unresolved {
        lx.report(r, "prefix_list_ids", &[Kind::PrefixList], &Pick::Unresolved(refs));
        unsupported(
            lx,
            r,
            &group,
            format!("`prefix_list_ids` of `{}` is not resolved", r.address),
        );
    }
    peers.extend(
        lists
            .into_iter()
            .map(|id| SecurityGroupPeer::PrefixList { id: id.into() }),
    );
    group_peer(lx, r, o, "source_security_group_id", &group, &mut peers);
    if o.b("self").known() == Some(true) {
        peers.push(SecurityGroupPeer::SecurityGroup {
            id: group.clone().into(),
            peering: None,
        });
    }
    let parts = RuleParts {
        protocol: p,
        l4,
        peers,
        description: o.s("description").known(),
    };
    push_rules(lx, r, &SecurityGroupId::new(group), dir, parts, &r.address);
}

/// `aws_vpc_security_group_ingress_rule` / `_egress_rule`: exactly one peer.
fn vpc_rule(lx: &mut Lx<'_>, r: &Inst, dir: Direction) {
    let o = Obj::of(r);
    let Some(group) = need(lx, r, o, &["security_group_id"], &[Kind::SecurityGroup]) else {
        return;
    };
    let (p, l4) = match protocol(o, "ip_protocol").and_then(|p| Ok((p, sg_l4(p, o.i("from_port"), o.i("to_port"))?))) {
        Ok(x) => x,
        Err(why) => return rule_error(lx, r, why),
    };
    let mut peers = Vec::new();
    for f in ["cidr_ipv4", "cidr_ipv6"] {
        if let Some(c) = cidr(lx, r, f, o.s(f)) {
            peers.push(SecurityGroupPeer::Cidr { cidr: c });
        }
    }
    let pl = lx.pick(r, o, &["prefix_list_id"], &[Kind::PrefixList]);
    if lx.report(r, "prefix_list_id", &[Kind::PrefixList], &pl) {
        unsupported(
            lx,
            r,
            &group,
            format!("`prefix_list_id` of `{}` is not resolved", r.address),
        );
    }
    if let Some(id) = pl.id() {
        peers.push(SecurityGroupPeer::PrefixList { id: id.into() });
    }
    group_peer(lx, r, o, "referenced_security_group_id", &group, &mut peers);
    let parts = RuleParts {
        protocol: p,
        l4,
        peers,
        description: o.s("description").known(),
    };
    push_rules(lx, r, &SecurityGroupId::new(group), dir, parts, &r.address);
}
