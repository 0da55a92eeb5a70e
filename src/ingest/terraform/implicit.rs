//! Objects AWS creates with every VPC that a Terraform plan or state does not list: the main
//! route table (RT-2), the default network ACL (NACL-2) and the default security group (SG-3).
//! Each is synthesised with its AWS contents and marked `implicit` in provenance, unless an
//! `aws_default_route_table`, `aws_default_network_acl` or `aws_default_security_group` adopts
//! it (those are lowered as declared: adoption removes every undeclared rule). An
//! `aws_main_route_table_association` later moves the main flag (RT-2). Local routes (RT-5)
//! are added by the shared `ingest::finish`.

use super::lower::Lx;
use crate::model::*;

/// Synthesises the implicit objects of every VPC.
pub fn synthesise(lx: &mut Lx<'_>) {
    let defaults: Vec<_> = lx.defaults.values().cloned().collect();
    for d in defaults {
        let vpc = VpcId::new(d.vpc.clone());
        let Some(v) = lx.net.vpcs.get(&vpc) else { continue };
        let has_v6 = !v.cidrs_v6.is_empty();
        let prov = |id: &str| Provenance::resource(lx.file, id).implicit();
        if d.route_table_adopter.is_none() {
            let id = RouteTableId::new(d.route_table.clone());
            let rt = RouteTable {
                id: id.clone(),
                vpc: vpc.clone(),
                main: true,
                subnets: Vec::new(),
                gateways: Vec::new(),
                routes: Vec::new(),
                propagating_vgws: Vec::new(),
                tags: Tags::new(),
                provenance: prov(id.as_str()),
            };
            lx.net.route_tables.entry(id).or_insert(rt);
        }
        if d.network_acl_adopter.is_none() {
            let id = NetworkAclId::new(d.network_acl.clone());
            let p = prov(id.as_str());
            let mut entries = Vec::new();
            // NACL-2: rule 100 allows all IPv4 both ways; 101 allows all IPv6 when the VPC has IPv6.
            for direction in [Direction::Inbound, Direction::Outbound] {
                let mut blocks = vec![(100, Cidr::any_v4())];
                if has_v6 {
                    blocks.push((101, Cidr::any_v6()));
                }
                for (n, cidr) in blocks {
                    entries.push(NetworkAclEntry {
                        rule_number: n,
                        direction,
                        action: RuleAction::Allow,
                        protocol: Protocol::All,
                        l4: L4Match::Any,
                        cidr,
                        provenance: p.item(n.to_string()),
                    });
                }
            }
            let acl = NetworkAcl {
                id: id.clone(),
                vpc: vpc.clone(),
                is_default: true,
                subnets: Vec::new(),
                entries,
                tags: Tags::new(),
                provenance: p,
            };
            lx.net.network_acls.entry(id).or_insert(acl);
        }
        if d.security_group_adopter.is_none() {
            let id = SecurityGroupId::new(d.security_group.clone());
            let p = prov(id.as_str());
            let all = |peer: SecurityGroupPeer, item: &str| SecurityGroupRule {
                protocol: Protocol::All,
                l4: L4Match::Any,
                peer,
                description: None,
                provenance: p.item(item.to_owned()),
            };
            // SG-3: all inbound from the group itself; all outbound to 0.0.0.0/0 (and ::/0 with IPv6).
            let ingress = vec![all(
                SecurityGroupPeer::SecurityGroup {
                    id: id.clone(),
                    peering: None,
                },
                "ingress[0]",
            )];
            let mut egress = vec![all(SecurityGroupPeer::Cidr { cidr: Cidr::any_v4() }, "egress[0]")];
            if has_v6 {
                egress.push(all(SecurityGroupPeer::Cidr { cidr: Cidr::any_v6() }, "egress[1]"));
            }
            let sg = SecurityGroup {
                id: id.clone(),
                name: "default".into(),
                vpc: vpc.clone(),
                description: "default VPC security group".into(),
                ingress,
                egress,
                tags: Tags::new(),
                provenance: p,
            };
            lx.net.security_groups.entry(id).or_insert(sg);
        }
    }
}
