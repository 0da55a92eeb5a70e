//! An edit written in the language of the input (FIX-8): AWS CLI commands for a describe-*
//! snapshot, a Terraform resource block (or the address to change) for a plan or state, TOML
//! lines for a native spec.
//!
//! Owns: those texts. Must not touch: the search, the walks.

use super::edit::Edit;
use crate::model::*;

/// The edit in `lang` (`spec`, `terraform` or `aws-cli`).
pub fn in_language(net: &Network, e: &Edit, lang: &str) -> String {
    match lang {
        "spec" => spec(e),
        "terraform" => terraform(net, e),
        _ => aws_cli(e),
    }
}

fn is_v6(c: &Cidr) -> bool {
    c.family() == IpFamily::V6
}

/// `--protocol` of `create-network-acl-entry` and `IpProtocol` of a permission: a name for
/// TCP, UDP and ICMP, `-1` for all, else the number.
fn aws_protocol(p: Protocol) -> String {
    match p {
        Protocol::All => "-1".into(),
        Protocol::Number(6) => "tcp".into(),
        Protocol::Number(17) => "udp".into(),
        Protocol::Number(1) => "icmp".into(),
        Protocol::Number(n) => n.to_string(),
    }
}

fn aws_cli(e: &Edit) -> String {
    match e {
        Edit::AddAclEntry { acl, entry } => {
            let dir = match entry.direction {
                Direction::Inbound => "--ingress",
                Direction::Outbound => "--egress",
            };
            let action = action_word(entry.action);
            let cidr = if is_v6(&entry.cidr) {
                format!("--ipv6-cidr-block {}", entry.cidr)
            } else {
                format!("--cidr-block {}", entry.cidr)
            };
            let l4 = match entry.l4 {
                L4Match::Ports(r) => format!(" --port-range From={},To={}", r.from(), r.to()),
                L4Match::Icmp { icmp_type, icmp_code } => format!(
                    " --icmp-type-code Type={},Code={}",
                    icmp_type.map_or(-1, i16::from),
                    icmp_code.map_or(-1, i16::from)
                ),
                L4Match::Any => String::new(),
            };
            format!(
                "aws ec2 create-network-acl-entry --network-acl-id {acl} {dir} --rule-number {} --protocol {}{l4} {cidr} --rule-action {action}",
                entry.rule_number,
                aws_protocol(entry.protocol)
            )
        }
        Edit::AddSgRule { group, direction, rule } => sg_cli("authorize", group, *direction, rule),
        Edit::RemoveSgRule { group, direction, rule } => sg_cli("revoke", group, *direction, rule),
        Edit::NarrowSgRule {
            group,
            direction,
            rule,
            into,
        } => {
            let mut lines = vec![sg_cli("revoke", group, *direction, rule)];
            lines.extend(into.iter().map(|r| sg_cli("authorize", group, *direction, r)));
            lines.join("\n")
        }
    }
}

/// `aws ec2 authorize-security-group-ingress --group-id sg-… --ip-permissions …` (or revoke,
/// egress).
fn sg_cli(verb: &str, group: &SecurityGroupId, direction: Direction, r: &SecurityGroupRule) -> String {
    let dir = match direction {
        Direction::Inbound => "ingress",
        Direction::Outbound => "egress",
    };
    let mut perm = format!("IpProtocol={}", aws_protocol(r.protocol));
    match r.l4 {
        L4Match::Ports(p) => perm.push_str(&format!(",FromPort={},ToPort={}", p.from(), p.to())),
        L4Match::Icmp { icmp_type, icmp_code } => perm.push_str(&format!(
            ",FromPort={},ToPort={}",
            icmp_type.map_or(-1, i16::from),
            icmp_code.map_or(-1, i16::from)
        )),
        L4Match::Any => {}
    }
    match &r.peer {
        SecurityGroupPeer::Cidr { cidr } if is_v6(cidr) => perm.push_str(&format!(",Ipv6Ranges=[{{CidrIpv6={cidr}}}]")),
        SecurityGroupPeer::Cidr { cidr } => perm.push_str(&format!(",IpRanges=[{{CidrIp={cidr}}}]")),
        SecurityGroupPeer::PrefixList { id } => perm.push_str(&format!(",PrefixListIds=[{{PrefixListId={id}}}]")),
        SecurityGroupPeer::SecurityGroup { id, .. } => perm.push_str(&format!(",UserIdGroupPairs=[{{GroupId={id}}}]")),
    }
    format!("aws ec2 {verb}-security-group-{dir} --group-id {group} --ip-permissions '{perm}'")
}

/// A Terraform reference to a component: its `.id` when the model knows it by address.
fn tf_ref(id: &str) -> String {
    if id.contains('.') {
        format!("{id}.id")
    } else {
        format!("\"{id}\"")
    }
}

fn tf_name(id: &str) -> String {
    id.rsplit('.')
        .next()
        .unwrap_or(id)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn terraform(net: &Network, e: &Edit) -> String {
    match e {
        Edit::AddAclEntry { acl, entry } if inline_rules(net, acl) => {
            // The ACL's rules are blocks of its own resource: mixing them with
            // `aws_network_acl_rule` resources makes Terraform fight over them.
            let block = if entry.direction == Direction::Outbound {
                "egress"
            } else {
                "ingress"
            };
            let action = action_word(entry.action);
            let cidr = if is_v6(&entry.cidr) {
                format!("ipv6_cidr_block = \"{}\"", entry.cidr)
            } else {
                format!("cidr_block = \"{}\"", entry.cidr)
            };
            let (from, to) = match entry.l4 {
                L4Match::Ports(r) => (i32::from(r.from()), i32::from(r.to())),
                _ => (0, 0),
            };
            let icmp = match entry.l4 {
                L4Match::Icmp { icmp_type, icmp_code } => format!(
                    "\n    icmp_type  = {}\n    icmp_code  = {}",
                    icmp_type.map_or(-1, i16::from),
                    icmp_code.map_or(-1, i16::from)
                ),
                _ => String::new(),
            };
            format!(
                "# in resource {acl}, add:\n  {block} {{\n    rule_no    = {}\n    protocol   = \"{}\"\n    action     = \"{action}\"\n    {cidr}\n    from_port  = {from}\n    to_port    = {to}{icmp}\n  }}",
                entry.rule_number,
                aws_protocol(entry.protocol)
            )
        }
        Edit::AddAclEntry { acl, entry } => {
            let egress = entry.direction == Direction::Outbound;
            let action = action_word(entry.action);
            let cidr = if is_v6(&entry.cidr) {
                format!("ipv6_cidr_block = \"{}\"", entry.cidr)
            } else {
                format!("cidr_block     = \"{}\"", entry.cidr)
            };
            let l4 = match entry.l4 {
                L4Match::Ports(r) => format!("\n  from_port      = {}\n  to_port        = {}", r.from(), r.to()),
                L4Match::Icmp { icmp_type, icmp_code } => format!(
                    "\n  icmp_type      = {}\n  icmp_code      = {}",
                    icmp_type.map_or(-1, i16::from),
                    icmp_code.map_or(-1, i16::from)
                ),
                L4Match::Any => String::new(),
            };
            format!(
                "resource \"aws_network_acl_rule\" \"{}_{}_{}\" {{\n  network_acl_id = {}\n  rule_number    = {}\n  egress         = {egress}\n  protocol       = \"{}\"\n  rule_action    = \"{action}\"\n  {cidr}{l4}\n}}",
                tf_name(acl.as_str()),
                if egress { "egress" } else { "ingress" },
                entry.rule_number,
                tf_ref(acl.as_str()),
                entry.rule_number,
                aws_protocol(entry.protocol)
            )
        }
        Edit::AddSgRule { group, direction, rule } => tf_sg_rule(group, *direction, rule),
        Edit::RemoveSgRule { rule, direction, .. } => format!(
            "# remove from {}: the {direction} rule {}",
            rule.provenance.resource,
            rule.label(*direction)
        ),
        Edit::NarrowSgRule {
            group,
            direction,
            rule,
            into,
        } => {
            let mut out = vec![format!(
                "# remove from {}: the {direction} rule {}; add instead:",
                rule.provenance.resource,
                rule.label(*direction)
            )];
            out.extend(into.iter().map(|r| tf_sg_rule(group, *direction, r)));
            out.join("\n")
        }
    }
}

/// True when the ACL's entries are blocks of the `aws_network_acl` resource itself.
fn inline_rules(net: &Network, acl: &NetworkAclId) -> bool {
    net.network_acls.get(acl).is_some_and(|a| {
        a.entries
            .iter()
            .any(|e| !e.provenance.implicit && e.provenance.resource == acl.as_str())
    })
}

fn tf_sg_rule(group: &SecurityGroupId, direction: Direction, r: &SecurityGroupRule) -> String {
    let (kind, dir) = match direction {
        Direction::Inbound => ("aws_vpc_security_group_ingress_rule", "ingress"),
        Direction::Outbound => ("aws_vpc_security_group_egress_rule", "egress"),
    };
    let peer = match &r.peer {
        SecurityGroupPeer::Cidr { cidr } if is_v6(cidr) => format!("cidr_ipv6         = \"{cidr}\""),
        SecurityGroupPeer::Cidr { cidr } => format!("cidr_ipv4         = \"{cidr}\""),
        SecurityGroupPeer::PrefixList { id } => format!("prefix_list_id    = \"{id}\""),
        SecurityGroupPeer::SecurityGroup { id, .. } => {
            format!("referenced_security_group_id = {}", tf_ref(id.as_str()))
        }
    };
    let ports = match r.l4 {
        L4Match::Ports(p) => format!("\n  from_port         = {}\n  to_port           = {}", p.from(), p.to()),
        L4Match::Icmp { icmp_type, icmp_code } => format!(
            "\n  from_port         = {}\n  to_port           = {}",
            icmp_type.map_or(-1, i16::from),
            icmp_code.map_or(-1, i16::from)
        ),
        L4Match::Any => String::new(),
    };
    format!(
        "resource \"{kind}\" \"{}_fix_{dir}\" {{\n  security_group_id = {}\n  ip_protocol       = \"{}\"\n  {peer}{ports}\n}}",
        tf_name(group.as_str()),
        tf_ref(group.as_str()),
        aws_protocol(r.protocol)
    )
}

/// The name a spec gives a component (`acl-public-acl` is `[network_acl.public-acl]`).
fn spec_name<'a>(id: &'a str, prefix: &str) -> &'a str {
    id.strip_prefix(prefix).unwrap_or(id)
}

fn toml_protocol(p: Protocol) -> String {
    match p {
        Protocol::All => "all".into(),
        Protocol::Number(n) => proto::name(n),
    }
}

fn toml_l4(l4: &L4Match) -> String {
    match l4 {
        L4Match::Ports(r) => format!(", ports = \"{r}\""),
        L4Match::Icmp { icmp_type, icmp_code } => {
            let mut s = String::new();
            if let Some(t) = icmp_type {
                s.push_str(&format!(", icmp_type = {t}"));
            }
            if let Some(c) = icmp_code {
                s.push_str(&format!(", icmp_code = {c}"));
            }
            s
        }
        L4Match::Any => String::new(),
    }
}

fn toml_sg_rule(direction: Direction, r: &SecurityGroupRule) -> String {
    let key = match direction {
        Direction::Inbound => "from",
        Direction::Outbound => "to",
    };
    format!(
        "{{ protocol = \"{}\"{}, {key} = \"{}\" }}",
        toml_protocol(r.protocol),
        toml_l4(&r.l4),
        r.peer
    )
}

fn spec(e: &Edit) -> String {
    match e {
        Edit::AddAclEntry { acl, entry } => {
            let list = match entry.direction {
                Direction::Inbound => "inbound",
                Direction::Outbound => "outbound",
            };
            let action = action_word(entry.action);
            format!(
                "# [network_acl.{}] {list}, add:\n  {{ rule = {}, protocol = \"{}\"{}, cidr = \"{}\", action = \"{action}\" }},",
                spec_name(acl.as_str(), "acl-"),
                entry.rule_number,
                toml_protocol(entry.protocol),
                toml_l4(&entry.l4),
                entry.cidr
            )
        }
        Edit::AddSgRule { group, direction, rule } => format!(
            "# [security_group.{}] {}, add:\n  {},",
            spec_name(group.as_str(), "sg-"),
            sg_list(*direction),
            toml_sg_rule(*direction, rule)
        ),
        Edit::RemoveSgRule { group, direction, rule } => format!(
            "# [security_group.{}] {}, remove:\n  {},",
            spec_name(group.as_str(), "sg-"),
            sg_list(*direction),
            toml_sg_rule(*direction, rule)
        ),
        Edit::NarrowSgRule {
            group,
            direction,
            rule,
            into,
        } => {
            let mut out = vec![format!(
                "# [security_group.{}] {}, replace:\n  {},\n# by:",
                spec_name(group.as_str(), "sg-"),
                sg_list(*direction),
                toml_sg_rule(*direction, rule)
            )];
            out.extend(into.iter().map(|r| format!("  {},", toml_sg_rule(*direction, r))));
            out.join("\n")
        }
    }
}

fn sg_list(d: Direction) -> &'static str {
    match d {
        Direction::Inbound => "ingress",
        Direction::Outbound => "egress",
    }
}

/// `allow` or `deny`, as the AWS CLI, Terraform and the spec all write a rule action.
pub(super) fn action_word(a: RuleAction) -> &'static str {
    match a {
        RuleAction::Allow => "allow",
        RuleAction::Deny => "deny",
    }
}
