//! Resources past AWS's documented quotas (QUOTA-1..4, SEMANTICS.md §9.2), run by
//! `model::validate`: a network ACL, a security group, an interface or a route table holding more
//! than AWS lets any account configure, even with every adjustable quota raised to its maximum.
//! Such an input did not come from AWS as it is (a generated or hand-merged file); vpcverify
//! still answers about it, within each question's budget, but lint says so, naming the resource
//! and the quota. Exceeding a default quota only is not reported: an account may have raised it.
//!
//! Must not touch: what the rules mean (the interpreters'); only how many there are.

use super::addr::IpFamily;
use super::diag::Diagnostic;
use super::ids::SecurityGroupId;
use super::network::*;

/// AWS's page of Amazon VPC quotas, cited by every finding.
pub const QUOTAS_PAGE: &str = "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html";

/// QUOTA-1: entries of one network ACL in one direction for one address family, default entries
/// included (default 20, adjustable up to 40).
pub const ACL_ENTRIES_MAX: usize = 40;
/// QUOTA-2: rules of one security group in one direction for one address family. Rules per group
/// (default 60) times groups per interface (at least 1) may not exceed 1,000.
pub const SG_RULES_MAX: usize = 1_000;
/// QUOTA-3: security groups on one network interface (default 5, adjustable up to 16).
pub const GROUPS_PER_INTERFACE_MAX: usize = 16;
/// QUOTA-4: routes of one route table for one address family that are not propagated (default
/// 50, adjustable up to 1,000), and propagated routes (100, not adjustable).
pub const ROUTES_MAX: usize = 1_000;
/// QUOTA-4: propagated routes of one route table.
pub const PROPAGATED_ROUTES_MAX: usize = 100;

fn warn(out: &mut Vec<Diagnostic>, prov: &super::Provenance, message: String) {
    out.push(Diagnostic::warning("quota-exceeded", message).from_provenance(prov));
}

fn family_name(f: IpFamily) -> &'static str {
    match f {
        IpFamily::V4 => "IPv4",
        IpFamily::V6 => "IPv6",
    }
}

const NOT_FROM_AWS: &str = "no AWS account can be configured so, so the input did not come from AWS as it is; a question about it may end as `unknown` when its budget (--timeout) runs out";

/// The checks; findings go to `out`.
pub(super) fn check(net: &Network, out: &mut Vec<Diagnostic>) {
    for acl in net.network_acls.values() {
        for dir in [Direction::Inbound, Direction::Outbound] {
            for fam in [IpFamily::V4, IpFamily::V6] {
                let n = acl
                    .entries
                    .iter()
                    .filter(|e| e.direction == dir && e.cidr.family() == fam)
                    .count();
                if n > ACL_ENTRIES_MAX {
                    warn(
                        out,
                        &acl.provenance,
                        format!(
                            "network ACL `{}` has {n} {dir} {} entries, past AWS's quota of rules per network ACL (default 20, adjustable up to {ACL_ENTRIES_MAX} a direction and family, the default entry included; QUOTA-1, {QUOTAS_PAGE}); {NOT_FROM_AWS}",
                            acl.id,
                            family_name(fam)
                        ),
                    );
                }
            }
        }
    }
    let mut largest: std::collections::BTreeMap<&SecurityGroupId, usize> = std::collections::BTreeMap::new();
    for sg in net.security_groups.values() {
        for (dir, rules) in [(Direction::Inbound, &sg.ingress), (Direction::Outbound, &sg.egress)] {
            for fam in [IpFamily::V4, IpFamily::V6] {
                // A rule naming a group or a prefix list counts in each family (AWS counts a prefix
                // list as its maximum number of entries, so the real count is higher still).
                let n = rules
                    .iter()
                    .filter(|r| match &r.peer {
                        SecurityGroupPeer::Cidr { cidr } => cidr.family() == fam,
                        _ => true,
                    })
                    .count();
                let most = largest.entry(&sg.id).or_default();
                *most = (*most).max(n);
                if n > SG_RULES_MAX {
                    warn(
                        out,
                        &sg.provenance,
                        format!(
                            "security group `{}` has {n} {dir} {} rules, past AWS's quota of inbound or outbound rules per security group (default 60; rules per group times groups per interface may not exceed {SG_RULES_MAX}; QUOTA-2, {QUOTAS_PAGE}); {NOT_FROM_AWS}",
                            sg.id,
                            family_name(fam)
                        ),
                    );
                }
            }
        }
    }
    for ni in net.network_interfaces.values() {
        let groups = ni.groups.len();
        if groups > GROUPS_PER_INTERFACE_MAX {
            warn(
                out,
                &ni.provenance,
                format!(
                    "network interface `{}` is in {groups} security groups, past AWS's quota of security groups per network interface (default 5, adjustable up to {GROUPS_PER_INTERFACE_MAX}; QUOTA-3, {QUOTAS_PAGE}); {NOT_FROM_AWS}",
                    ni.id
                ),
            );
            continue;
        }
        // The rules quota must be at least the largest group's count, and the groups quota at
        // least the interface's count of groups: their product may not pass 1,000.
        let most = ni
            .groups
            .iter()
            .filter_map(|g| largest.get(g))
            .copied()
            .max()
            .unwrap_or(0);
        if groups > 1 && most <= SG_RULES_MAX && most * groups > SG_RULES_MAX {
            warn(
                out,
                &ni.provenance,
                format!(
                    "network interface `{}` is in {groups} security groups, one of which has {most} rules in one direction and family: AWS's quotas of rules per security group times security groups per network interface may not exceed {SG_RULES_MAX} (QUOTA-3, {QUOTAS_PAGE}); {NOT_FROM_AWS}",
                    ni.id
                ),
            );
        }
    }
    for rt in net.route_tables.values() {
        let propagated = rt.routes.iter().filter(|r| r.origin.is_propagated()).count();
        if propagated > PROPAGATED_ROUTES_MAX {
            warn(
                out,
                &rt.provenance,
                format!(
                    "route table `{}` has {propagated} propagated routes, past AWS's quota of BGP advertised routes per route table ({PROPAGATED_ROUTES_MAX}, not adjustable; QUOTA-4, {QUOTAS_PAGE}); {NOT_FROM_AWS}",
                    rt.id
                ),
            );
        }
        for fam in [IpFamily::V4, IpFamily::V6] {
            // Prefix-list destinations count in each family (AWS counts their maximum entries).
            let n = rt
                .routes
                .iter()
                .filter(|r| !r.origin.is_propagated() && !matches!(r.target, RouteTarget::Local))
                .filter(|r| match &r.destination {
                    RouteDestination::Cidr(c) => c.family() == fam,
                    RouteDestination::PrefixList(_) => true,
                })
                .count();
            if n > ROUTES_MAX {
                warn(
                    out,
                    &rt.provenance,
                    format!(
                        "route table `{}` has {n} {} routes that are not propagated, past AWS's quota of routes per route table (default 50, adjustable up to {ROUTES_MAX} a family; QUOTA-4, {QUOTAS_PAGE}); {NOT_FROM_AWS}",
                        rt.id,
                        family_name(fam)
                    ),
                );
            }
        }
    }
}
