//! An edit written in the language of the input (FIX-8): AWS CLI commands for a describe-*
//! snapshot, a Terraform resource block (or the block to change in the resource that holds the
//! rule inline) for a plan or state, TOML lines for a native spec.
//!
//! Owns: those texts. Must not touch: the search, the walks.

use super::edit::Edit;
use crate::model::*;

/// The edit in `lang` (`spec`, `terraform` or `aws-cli`).
pub fn in_language(net: &Network, e: &Edit, lang: &str) -> String {
    match lang {
        "spec" => spec(net, e),
        "terraform" => terraform(net, e),
        _ => aws_cli(e),
    }
}

fn is_v6(c: &Cidr) -> bool {
    c.family() == IpFamily::V6
}

/// ICMP type and code as the AWS CLI and Terraform write them: `-1` for any.
fn icmp_numbers(icmp_type: Option<u8>, icmp_code: Option<u8>) -> (i16, i16) {
    (icmp_type.map_or(-1, i16::from), icmp_code.map_or(-1, i16::from))
}

/// The name a block takes by its family: `v4` or `v6`.
fn cidr_name<'a>(c: &Cidr, v4: &'a str, v6: &'a str) -> &'a str {
    if is_v6(c) { v6 } else { v4 }
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

fn acl_flag(d: Direction) -> &'static str {
    match d {
        Direction::Inbound => "--ingress",
        Direction::Outbound => "--egress",
    }
}

/// `aws ec2 create-network-acl-entry …` (or `replace-`).
fn acl_entry_cli(verb: &str, acl: &NetworkAclId, entry: &NetworkAclEntry) -> String {
    let l4 = match entry.l4 {
        L4Match::Ports(r) => format!(" --port-range From={},To={}", r.from(), r.to()),
        L4Match::Icmp { icmp_type, icmp_code } => {
            let (t, c) = icmp_numbers(icmp_type, icmp_code);
            format!(" --icmp-type-code Type={t},Code={c}")
        }
        L4Match::Any => String::new(),
    };
    format!(
        "aws ec2 {verb}-network-acl-entry --network-acl-id {acl} {} --rule-number {} --protocol {}{l4} {} {} --rule-action {}",
        acl_flag(entry.direction),
        entry.rule_number,
        aws_protocol(entry.protocol),
        cidr_name(&entry.cidr, "--cidr-block", "--ipv6-cidr-block"),
        entry.cidr,
        action_word(entry.action)
    )
}

/// `--destination-cidr-block X` (or IPv6, or prefix list) of `create-route` and friends.
fn route_destination_cli(d: &RouteDestination) -> String {
    match d {
        RouteDestination::Cidr(c) => format!(
            "{} {c}",
            cidr_name(c, "--destination-cidr-block", "--destination-ipv6-cidr-block")
        ),
        RouteDestination::PrefixList(p) => format!("--destination-prefix-list-id {p}"),
    }
}

/// The option of `create-route` that names the target (internet and virtual private gateways
/// both go under `--gateway-id`).
fn route_target_cli(t: &RouteTarget) -> String {
    let flag = match t {
        RouteTarget::InternetGateway(_) | RouteTarget::VpnGateway(_) | RouteTarget::Local => "--gateway-id",
        RouteTarget::EgressOnlyInternetGateway(_) => "--egress-only-internet-gateway-id",
        RouteTarget::NatGateway(_) => "--nat-gateway-id",
        RouteTarget::Instance(_) => "--instance-id",
        RouteTarget::NetworkInterface(_) => "--network-interface-id",
        RouteTarget::VpcPeeringConnection(_) => "--vpc-peering-connection-id",
        RouteTarget::VpcEndpoint(_) => "--vpc-endpoint-id",
        RouteTarget::TransitGateway(_) => "--transit-gateway-id",
        RouteTarget::Unsupported { .. } => "--gateway-id",
    };
    format!("{flag} {}", t.id())
}

/// The association id of a subnet's association, looked up with the AWS CLI (a snapshot does
/// not keep it): a shell assignment to `$VAR`.
fn association_lookup(var: &str, describe: &str, list: &str, field: &str, subnet: &SubnetId) -> String {
    format!(
        "{var}=$(aws ec2 {describe} --filters Name=association.subnet-id,Values={subnet} --query \"{list}[].Associations[?SubnetId=='{subnet}'].{field}\" --output text)"
    )
}

fn aws_cli(e: &Edit) -> String {
    match e {
        Edit::AddAclEntry { acl, entry } => acl_entry_cli("create", acl, entry),
        Edit::RemoveAclEntry { acl, entry } => format!(
            "aws ec2 delete-network-acl-entry --network-acl-id {acl} {} --rule-number {}",
            acl_flag(entry.direction),
            entry.rule_number
        ),
        Edit::NarrowAclEntry { acl, into, .. } => {
            let mut lines = Vec::new();
            for (i, x) in into.iter().enumerate() {
                lines.push(acl_entry_cli(if i == 0 { "replace" } else { "create" }, acl, x));
            }
            lines.join("\n")
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
        Edit::AddRoute { table, route } => format!(
            "aws ec2 create-route --route-table-id {table} {} {}",
            route_destination_cli(&route.destination),
            route_target_cli(&route.target)
        ),
        Edit::ReplaceRoute { table, route, target } => format!(
            "aws ec2 replace-route --route-table-id {table} {} {}",
            route_destination_cli(&route.destination),
            route_target_cli(target)
        ),
        Edit::RemoveRoute { table, route } => format!(
            "aws ec2 delete-route --route-table-id {table} {}",
            route_destination_cli(&route.destination)
        ),
        Edit::AssociateRouteTable {
            subnet, explicit, to, ..
        } => {
            if *explicit {
                format!(
                    "{}\naws ec2 replace-route-table-association --association-id \"$ASSOC\" --route-table-id {to}",
                    association_lookup(
                        "ASSOC",
                        "describe-route-tables",
                        "RouteTables",
                        "RouteTableAssociationId",
                        subnet
                    )
                )
            } else {
                // The subnet uses the main table without an association of its own.
                format!("aws ec2 associate-route-table --route-table-id {to} --subnet-id {subnet}")
            }
        }
        Edit::AssociateNetworkAcl { subnet, to, .. } => format!(
            "{}\naws ec2 replace-network-acl-association --association-id \"$ASSOC\" --network-acl-id {to}",
            association_lookup(
                "ASSOC",
                "describe-network-acls",
                "NetworkAcls",
                "NetworkAclAssociationId",
                subnet
            )
        ),
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
        L4Match::Icmp { icmp_type, icmp_code } => {
            let (t, c) = icmp_numbers(icmp_type, icmp_code);
            perm.push_str(&format!(",FromPort={t},ToPort={c}"));
        }
        L4Match::Any => {}
    }
    match &r.peer {
        SecurityGroupPeer::Cidr { cidr } => perm.push_str(&format!(
            ",{}={cidr}}}]",
            cidr_name(cidr, "IpRanges=[{CidrIp", "Ipv6Ranges=[{CidrIpv6")
        )),
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

/// `from_port`/`to_port` (or ICMP type and code) lines of a Terraform block, each prefixed by
/// `indent`, the names padded to `width`.
fn tf_l4(l4: &L4Match, icmp_fields: bool, indent: &str, width: usize) -> String {
    let line = |k: &str, v: i32| format!("\n{indent}{k:<width$} = {v}");
    match *l4 {
        L4Match::Ports(r) => line("from_port", i32::from(r.from())) + &line("to_port", i32::from(r.to())),
        L4Match::Icmp { icmp_type, icmp_code } => {
            let (t, c) = icmp_numbers(icmp_type, icmp_code);
            let (a, b) = if icmp_fields {
                ("icmp_type", "icmp_code")
            } else {
                ("from_port", "to_port")
            };
            line(a, i32::from(t)) + &line(b, i32::from(c))
        }
        L4Match::Any => String::new(),
    }
}

/// An `ingress`/`egress` block of an `aws_network_acl` resource.
fn tf_acl_block(entry: &NetworkAclEntry) -> String {
    let block = if entry.direction == Direction::Outbound {
        "egress"
    } else {
        "ingress"
    };
    // The provider requires from_port/to_port in every block (0 when they do not apply).
    let ports = match entry.l4 {
        L4Match::Ports(_) => tf_l4(&entry.l4, true, "    ", 10),
        _ => "\n    from_port  = 0\n    to_port    = 0".to_owned(),
    };
    let icmp = match entry.l4 {
        L4Match::Icmp { .. } => tf_l4(&entry.l4, true, "    ", 10),
        _ => String::new(),
    };
    format!(
        "  {block} {{\n    rule_no    = {}\n    protocol   = \"{}\"\n    action     = \"{}\"\n    {} = \"{}\"{ports}{icmp}\n  }}",
        entry.rule_number,
        aws_protocol(entry.protocol),
        action_word(entry.action),
        cidr_name(&entry.cidr, "cidr_block", "ipv6_cidr_block"),
        entry.cidr
    )
}

/// An `aws_network_acl_rule` resource.
fn tf_acl_rule(acl: &NetworkAclId, entry: &NetworkAclEntry) -> String {
    let egress = entry.direction == Direction::Outbound;
    let cidr = format!(
        "{} = \"{}\"",
        cidr_name(&entry.cidr, "cidr_block    ", "ipv6_cidr_block"),
        entry.cidr
    );
    format!(
        "resource \"aws_network_acl_rule\" \"{}_{}_{}\" {{\n  network_acl_id = {}\n  rule_number    = {}\n  egress         = {egress}\n  protocol       = \"{}\"\n  rule_action    = \"{}\"\n  {cidr}{}\n}}",
        tf_name(acl.as_str()),
        if egress { "egress" } else { "ingress" },
        entry.rule_number,
        tf_ref(acl.as_str()),
        entry.rule_number,
        aws_protocol(entry.protocol),
        action_word(entry.action),
        tf_l4(&entry.l4, true, "  ", 14)
    )
}

/// How a rule or route is removed in Terraform: the block in the resource holding it inline,
/// or the resource of its own.
fn tf_remove(holder: &str, inline: bool, what: &str) -> String {
    if inline {
        format!("# in resource {holder}, remove the block of {what}")
    } else {
        format!("# remove resource {holder} ({what})")
    }
}

/// `route_table_id`-style target argument of an `aws_route` (or an inline `route` block).
fn tf_route_target(t: &RouteTarget) -> String {
    let key = match t {
        RouteTarget::InternetGateway(_) | RouteTarget::VpnGateway(_) | RouteTarget::Local => "gateway_id",
        RouteTarget::EgressOnlyInternetGateway(_) => "egress_only_gateway_id",
        RouteTarget::NatGateway(_) => "nat_gateway_id",
        RouteTarget::Instance(_) | RouteTarget::NetworkInterface(_) => "network_interface_id",
        RouteTarget::VpcPeeringConnection(_) => "vpc_peering_connection_id",
        RouteTarget::VpcEndpoint(_) => "vpc_endpoint_id",
        RouteTarget::TransitGateway(_) => "transit_gateway_id",
        RouteTarget::Unsupported { .. } => "gateway_id",
    };
    format!("{key} = {}", tf_ref(t.id()))
}

fn tf_route_destination(d: &RouteDestination) -> String {
    match d {
        RouteDestination::Cidr(c) if is_v6(c) => format!("destination_ipv6_cidr_block = \"{c}\""),
        RouteDestination::Cidr(c) => format!("destination_cidr_block = \"{c}\""),
        RouteDestination::PrefixList(p) => format!("destination_prefix_list_id = {}", tf_ref(p.as_str())),
    }
}

/// The table's routes are `route` blocks of the `aws_route_table` resource itself.
fn inline_routes(net: &Network, table: &RouteTableId) -> bool {
    net.route_tables.get(table).is_some_and(|t| {
        t.routes
            .iter()
            .any(|r| !r.provenance.implicit && r.provenance.resource == t.provenance.resource)
    })
}

fn terraform(net: &Network, e: &Edit) -> String {
    match e {
        // The ACL's rules are blocks of its own resource: mixing them with
        // `aws_network_acl_rule` resources makes Terraform fight over them.
        Edit::AddAclEntry { acl, entry } if inline_acl(net, acl) => {
            format!("# in resource {acl}, add:\n{}", tf_acl_block(entry))
        }
        Edit::AddAclEntry { acl, entry } => tf_acl_rule(acl, entry),
        Edit::RemoveAclEntry { acl, entry } => tf_remove(
            &entry.provenance.resource,
            inline_acl(net, acl),
            &format!("entry {} ({})", entry.label(), entry.direction),
        ),
        Edit::NarrowAclEntry { acl, entry, into } => {
            let inline = inline_acl(net, acl);
            let mut out = vec![tf_remove(
                &entry.provenance.resource,
                inline,
                &format!("entry {} ({})", entry.label(), entry.direction),
            )];
            if inline {
                out.push(format!(
                    "# and add there:\n{}",
                    into.iter().map(tf_acl_block).collect::<Vec<_>>().join("\n")
                ));
            } else {
                out.push("# and add:".into());
                out.extend(into.iter().map(|x| tf_acl_rule(acl, x)));
            }
            out.join("\n")
        }
        Edit::AddSgRule { group, direction, rule } if inline_sg(net, group) => format!(
            "# in resource {}, add:\n{}",
            sg_holder(net, group),
            tf_sg_block(*direction, rule)
        ),
        Edit::AddSgRule { group, direction, rule } => tf_sg_rule(group, *direction, rule),
        Edit::RemoveSgRule { group, rule, direction } => tf_remove(
            &rule.provenance.resource,
            inline_sg(net, group),
            &format!("the {direction} rule {}", rule.label(*direction)),
        ),
        Edit::NarrowSgRule {
            group,
            direction,
            rule,
            into,
        } => {
            let inline = inline_sg(net, group);
            let mut out = vec![tf_remove(
                &rule.provenance.resource,
                inline,
                &format!("the {direction} rule {}", rule.label(*direction)),
            )];
            if inline {
                out.push("# and add there:".into());
                out.extend(into.iter().map(|r| tf_sg_block(*direction, r)));
            } else {
                out.push("# and add instead:".into());
                out.extend(into.iter().map(|r| tf_sg_rule(group, *direction, r)));
            }
            out.join("\n")
        }
        Edit::AddRoute { table, route } if inline_routes(net, table) => format!(
            "# in resource {}, add:\n  route {{\n    {}\n    {}\n  }}",
            holder(net.route_tables.get(table).map(|t| &t.provenance), table.as_str()),
            tf_route_destination(&route.destination).replacen("destination_", "", 1),
            tf_route_target(&route.target)
        ),
        Edit::AddRoute { table, route } => format!(
            "resource \"aws_route\" \"{}_fix_{}\" {{\n  route_table_id = {}\n  {}\n  {}\n}}",
            tf_name(table.as_str()),
            tf_name(&route.destination.to_string()),
            tf_ref(table.as_str()),
            tf_route_destination(&route.destination),
            tf_route_target(&route.target)
        ),
        Edit::ReplaceRoute { route, target, .. } => format!(
            "# in {} (the route to {}), set:\n  {}",
            route.provenance.resource,
            route.destination,
            tf_route_target(target)
        ),
        Edit::RemoveRoute { table, route } => tf_remove(
            &route.provenance.resource,
            inline_routes(net, table),
            &format!("route {} -> {}", route.destination, route.target.id()),
        ),
        Edit::AssociateRouteTable {
            subnet, explicit, to, ..
        } => {
            let block = format!(
                "resource \"aws_route_table_association\" \"{}_fix\" {{\n  subnet_id      = {}\n  route_table_id = {}\n}}",
                tf_name(subnet.as_str()),
                tf_ref(subnet.as_str()),
                tf_ref(to.as_str())
            );
            if *explicit {
                format!(
                    "# in the aws_route_table_association of {subnet}, set route_table_id = {} (it replaces the association; do not keep both), i.e.:\n{block}",
                    tf_ref(to.as_str())
                )
            } else {
                block
            }
        }
        Edit::AssociateNetworkAcl { subnet, from, to } => format!(
            "# move {subnet} out of {from} (its subnet_ids, or its aws_network_acl_association), then:\nresource \"aws_network_acl_association\" \"{}_fix\" {{\n  network_acl_id = {}\n  subnet_id      = {}\n}}",
            tf_name(subnet.as_str()),
            tf_ref(to.as_str()),
            tf_ref(subnet.as_str())
        ),
    }
}

/// The resource address holding a component (its provenance), else its id.
fn holder(p: Option<&Provenance>, id: &str) -> String {
    p.filter(|p| !p.resource.is_empty())
        .map_or_else(|| id.to_owned(), |p| p.resource.clone())
}

/// True when the ACL's entries are blocks of the `aws_network_acl` resource itself.
fn inline_acl(net: &Network, acl: &NetworkAclId) -> bool {
    net.network_acls.get(acl).is_some_and(|a| {
        a.entries
            .iter()
            .any(|e| !e.provenance.implicit && e.provenance.resource == acl.as_str())
    })
}

/// True when the group's rules are `ingress`/`egress` blocks of the `aws_security_group`
/// resource itself: the provider says rule resources conflict with inline rules, so the fix
/// changes that resource's blocks.
fn inline_sg(net: &Network, group: &SecurityGroupId) -> bool {
    net.security_groups.get(group).is_some_and(|g| {
        g.ingress
            .iter()
            .chain(&g.egress)
            .any(|r| !r.provenance.implicit && r.provenance.resource == g.provenance.resource)
    })
}

fn sg_holder(net: &Network, group: &SecurityGroupId) -> String {
    holder(net.security_groups.get(group).map(|g| &g.provenance), group.as_str())
}

/// An `ingress`/`egress` block of an `aws_security_group` resource.
fn tf_sg_block(direction: Direction, r: &SecurityGroupRule) -> String {
    let block = match direction {
        Direction::Inbound => "ingress",
        Direction::Outbound => "egress",
    };
    let peer = match &r.peer {
        SecurityGroupPeer::Cidr { cidr } => format!(
            "{:<16} = [\"{cidr}\"]",
            cidr_name(cidr, "cidr_blocks", "ipv6_cidr_blocks")
        ),
        SecurityGroupPeer::PrefixList { id } => format!("prefix_list_ids  = [\"{id}\"]"),
        SecurityGroupPeer::SecurityGroup { id, .. } => format!("security_groups  = [{}]", tf_ref(id.as_str())),
    };
    // The inline block requires from_port and to_port (0 for all protocols).
    let ports = match r.l4 {
        L4Match::Any => "\n    from_port        = 0\n    to_port          = 0".to_owned(),
        _ => tf_l4(&r.l4, false, "    ", 16),
    };
    format!(
        "  {block} {{\n    protocol         = \"{}\"{ports}\n    {peer}\n  }}",
        aws_protocol(r.protocol)
    )
}

fn tf_sg_rule(group: &SecurityGroupId, direction: Direction, r: &SecurityGroupRule) -> String {
    let (kind, dir) = match direction {
        Direction::Inbound => ("aws_vpc_security_group_ingress_rule", "ingress"),
        Direction::Outbound => ("aws_vpc_security_group_egress_rule", "egress"),
    };
    let peer = match &r.peer {
        SecurityGroupPeer::Cidr { cidr } => format!("{:<17} = \"{cidr}\"", cidr_name(cidr, "cidr_ipv4", "cidr_ipv6")),
        SecurityGroupPeer::PrefixList { id } => format!("prefix_list_id    = \"{id}\""),
        SecurityGroupPeer::SecurityGroup { id, .. } => {
            format!("referenced_security_group_id = {}", tf_ref(id.as_str()))
        }
    };
    format!(
        "resource \"{kind}\" \"{}_fix_{dir}\" {{\n  security_group_id = {}\n  ip_protocol       = \"{}\"\n  {peer}{}\n}}",
        tf_name(group.as_str()),
        tf_ref(group.as_str()),
        aws_protocol(r.protocol),
        tf_l4(&r.l4, false, "  ", 17)
    )
}

/// The name a spec gives a component (`acl-public-acl` is `[network_acl.public-acl]`).
fn spec_name<'a>(id: &'a str, prefix: &str) -> &'a str {
    id.strip_prefix(prefix).unwrap_or(id)
}

/// A route target as a spec names it: the name of the gateway, NAT gateway, peering, … (its id
/// without the prefix the loader adds).
fn spec_target(t: &RouteTarget) -> String {
    let id = t.id();
    let prefix = id.find('-').map_or("", |i| &id[..=i]);
    spec_name(id, prefix).to_owned()
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

fn toml_acl_entry(entry: &NetworkAclEntry) -> String {
    format!(
        "{{ rule = {}, protocol = \"{}\"{}, cidr = \"{}\", action = \"{}\" }}",
        entry.rule_number,
        toml_protocol(entry.protocol),
        toml_l4(&entry.l4),
        entry.cidr,
        action_word(entry.action)
    )
}

fn acl_list(d: Direction) -> &'static str {
    match d {
        Direction::Inbound => "inbound",
        Direction::Outbound => "outbound",
    }
}

fn toml_route(r: &Route) -> String {
    let dest = match &r.destination {
        RouteDestination::Cidr(c) => format!("destination = \"{c}\""),
        RouteDestination::PrefixList(p) => format!("prefix_list = \"{}\"", spec_name(p.as_str(), "pl-")),
    };
    format!("{{ {dest}, target = \"{}\" }}", spec_target(&r.target))
}

fn spec(net: &Network, e: &Edit) -> String {
    let acl_name = |a: &NetworkAclId| spec_name(a.as_str(), "acl-").to_owned();
    let rt_name = |t: &RouteTableId| spec_name(t.as_str(), "rtb-").to_owned();
    let subnet_name = |s: &SubnetId| spec_name(s.as_str(), "subnet-").to_owned();
    match e {
        Edit::AddAclEntry { acl, entry } => format!(
            "# [network_acl.{}] {}, add:\n  {},",
            acl_name(acl),
            acl_list(entry.direction),
            toml_acl_entry(entry)
        ),
        Edit::RemoveAclEntry { acl, entry } => format!(
            "# [network_acl.{}] {}, remove:\n  {},",
            acl_name(acl),
            acl_list(entry.direction),
            toml_acl_entry(entry)
        ),
        Edit::NarrowAclEntry { acl, entry, into } => {
            let mut out = vec![format!(
                "# [network_acl.{}] {}, replace:\n  {},\n# by:",
                acl_name(acl),
                acl_list(entry.direction),
                toml_acl_entry(entry)
            )];
            out.extend(into.iter().map(|x| format!("  {},", toml_acl_entry(x))));
            out.join("\n")
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
        Edit::AddRoute { table, route } => {
            format!(
                "# [route_table.{}] routes, add:\n  {},",
                rt_name(table),
                toml_route(route)
            )
        }
        Edit::ReplaceRoute { table, route, target } => {
            let new = Route {
                target: target.clone(),
                ..route.clone()
            };
            format!(
                "# [route_table.{}] routes, replace:\n  {},\n# by:\n  {},",
                rt_name(table),
                toml_route(route),
                toml_route(&new)
            )
        }
        Edit::RemoveRoute { table, route } => {
            format!(
                "# [route_table.{}] routes, remove:\n  {},",
                rt_name(table),
                toml_route(route)
            )
        }
        Edit::AssociateRouteTable {
            subnet,
            from,
            explicit,
            to,
        } => {
            let mut out = Vec::new();
            if *explicit {
                out.push(format!(
                    "# [route_table.{}] subnets, remove \"{}\"",
                    rt_name(from),
                    subnet_name(subnet)
                ));
            }
            out.push(format!(
                "# [route_table.{}] subnets, add \"{}\"",
                rt_name(to),
                subnet_name(subnet)
            ));
            out.join("\n")
        }
        Edit::AssociateNetworkAcl { subnet, from, to } => {
            let mut out = Vec::new();
            if net.network_acls.get(from).is_some_and(|a| a.subnets.contains(subnet)) {
                out.push(format!(
                    "# [network_acl.{}] subnets, remove \"{}\"",
                    acl_name(from),
                    subnet_name(subnet)
                ));
            }
            out.push(format!(
                "# [network_acl.{}] subnets, add \"{}\"",
                acl_name(to),
                subnet_name(subnet)
            ));
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
