//! The objects AWS creates with a VPC unless the spec declares them: the default network ACL
//! (NACL-2), the main route table (RT-2) and the default security group (SG-2, SG-3), and the
//! subnets' implicit associations (NACL-1, RT-1). Split from the parent module by concern. Must not
//! touch: declared resources.

use super::*;

impl<'t> Lower<'_, 't> {
    /// Per VPC, the objects AWS creates with it unless the spec declares them: the default
    /// network ACL (NACL-2), the main route table (RT-2) and the default security group (SG-3).
    pub(super) fn implicit_objects(&mut self) {
        let vpcs: Vec<(VpcId, bool, &'t str, usize)> = self
            .net
            .vpcs
            .values()
            .filter_map(|v| {
                let (name, at) = self.vpc_decls.get(&v.id)?;
                Some((v.id.clone(), !v.cidrs_v6.is_empty(), *name, *at))
            })
            .collect();
        for (vpc, has_v6, name, at) in vpcs {
            let base = id_part(name);

            if !self.net.network_acls.values().any(|a| a.vpc == vpc && a.is_default) {
                let id = NetworkAclId::new(format!("{}{base}-default", NetworkAclId::PREFIX));
                let prov = self.cx.provenance(id.as_str(), at).implicit();
                let acl = default_network_acl(&id, &vpc, has_v6, &prov);
                insert_new(self.cx, &mut self.net.network_acls, id, acl, "network ACL", at);
            }

            if !self.net.route_tables.values().any(|r| r.vpc == vpc && r.main) {
                let id = RouteTableId::new(format!("{}{base}-main", RouteTableId::PREFIX));
                let rt = RouteTable {
                    id: id.clone(),
                    vpc: vpc.clone(),
                    main: true,
                    subnets: Vec::new(),
                    gateways: Vec::new(),
                    routes: Vec::new(),
                    propagating_vgws: Vec::new(),
                    tags: Tags::new(),
                    provenance: self.cx.provenance(id.as_str(), at).implicit(),
                };
                insert_new(self.cx, &mut self.net.route_tables, id, rt, "route table", at);
            }

            let declared = self
                .net
                .security_groups
                .values()
                .find(|g| g.vpc == vpc && g.name == "default")
                .map(|g| g.id.clone());
            let sg = match declared {
                Some(id) => id,
                None => {
                    let id = SecurityGroupId::new(format!("{}{base}-default", SecurityGroupId::PREFIX));
                    let prov = self.cx.provenance(id.as_str(), at).implicit();
                    let sg = SecurityGroup {
                        id: id.clone(),
                        name: "default".into(),
                        vpc: vpc.clone(),
                        description: "default VPC security group".into(),
                        ingress: vec![self_rule(&id, &prov)],
                        egress: default_egress(&prov, has_v6),
                        tags: Tags::new(),
                        provenance: prov,
                    };
                    insert_new(
                        self.cx,
                        &mut self.net.security_groups,
                        id.clone(),
                        sg,
                        "security group",
                        at,
                    );
                    id
                }
            };
            self.default_sg.insert(vpc, sg);
        }
    }

    /// Subnet-side associations join the table's own list (RT-1, NACL-1); a subnet named by two
    /// tables is left for `model::validate` to report.
    pub(super) fn subnet_associations(&mut self) {
        for (subnet, rt) in std::mem::take(&mut self.subnet_route_tables) {
            if let Some(t) = self.net.route_tables.get_mut(&rt)
                && !t.subnets.contains(&subnet)
            {
                t.subnets.push(subnet);
            }
        }
        for (subnet, acl) in std::mem::take(&mut self.subnet_acls) {
            if let Some(a) = self.net.network_acls.get_mut(&acl)
                && !a.subnets.contains(&subnet)
            {
                a.subnets.push(subnet);
            }
        }
    }
}

/// The default network ACL (NACL-2): rule 100 allows all IPv4 in each direction, and rule 101 all
/// IPv6 when the VPC has an IPv6 block; the `*` deny needs no entry.
pub(super) fn default_network_acl(id: &NetworkAclId, vpc: &VpcId, has_v6: bool, prov: &Provenance) -> NetworkAcl {
    let mut blocks = vec![(100, Cidr::any_v4())];
    if has_v6 {
        blocks.push((101, Cidr::any_v6()));
    }
    let entries = [Direction::Inbound, Direction::Outbound]
        .into_iter()
        .flat_map(|direction| {
            blocks.iter().map(move |(rule, cidr)| NetworkAclEntry {
                rule_number: *rule,
                direction,
                action: RuleAction::Allow,
                protocol: Protocol::All,
                l4: L4Match::Any,
                cidr: *cidr,
                provenance: prov.item(rule.to_string()),
            })
        })
        .collect();
    NetworkAcl {
        id: id.clone(),
        vpc: vpc.clone(),
        is_default: true,
        subnets: Vec::new(),
        entries,
        tags: Tags::new(),
        provenance: prov.clone(),
    }
}

/// SG-3: all traffic from the group's own members.
pub(super) fn self_rule(group: &SecurityGroupId, prov: &Provenance) -> SecurityGroupRule {
    SecurityGroupRule {
        protocol: Protocol::All,
        l4: L4Match::Any,
        peer: SecurityGroupPeer::SecurityGroup {
            id: group.clone(),
            peering: None,
        },
        description: None,
        provenance: prov.item("ingress default").implicit(),
    }
}

/// SG-2 (J23) and SG-3: all traffic to 0.0.0.0/0, and to ::/0 when `with_v6`.
pub(super) fn default_egress(prov: &Provenance, with_v6: bool) -> Vec<SecurityGroupRule> {
    let mut blocks = vec![Cidr::any_v4()];
    if with_v6 {
        blocks.push(Cidr::any_v6());
    }
    blocks
        .into_iter()
        .map(|cidr| SecurityGroupRule {
            protocol: Protocol::All,
            l4: L4Match::Any,
            peer: SecurityGroupPeer::Cidr { cidr },
            description: None,
            provenance: prov.item("egress default").implicit(),
        })
        .collect()
}
