//! LL-1 (SEMANTICS.md §3): the link-local services a host answers itself (the Amazon DNS
//! server, instance metadata, time sync), outside every route and filter. The walk starts no
//! candidate path to them; it records them as not modelled.
//!
//! Must not touch: the solver, other starts (`mod.rs`).

use super::Walk;
use crate::model::*;
use std::net::IpAddr;

impl Walk<'_> {
    /// LL-1 (SEMANTICS.md §3): the addresses of this family at which the host of an interface in
    /// `vpc` answers for a link-local service, each with the service's name.
    pub(super) fn host_services(&self, vpc: &VpcId) -> Vec<(IpAddr, &'static str)> {
        let dns = "the Amazon DNS server (Route 53 Resolver)";
        let mut out: Vec<(IpAddr, &'static str)> = match self.family {
            IpFamily::V4 => vec![
                (IpAddr::V4(std::net::Ipv4Addr::new(169, 254, 169, 253)), dns),
                (
                    IpAddr::V4(std::net::Ipv4Addr::new(169, 254, 169, 254)),
                    "the instance metadata service (IMDS)",
                ),
                (
                    IpAddr::V4(std::net::Ipv4Addr::new(169, 254, 169, 123)),
                    "the Amazon Time Sync Service",
                ),
            ],
            IpFamily::V6 => {
                let ec2 = |last: u16| IpAddr::V6(std::net::Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, last));
                vec![
                    (ec2(0x253), dns),
                    (ec2(0x254), "the instance metadata service (IMDS)"),
                    (ec2(0x123), "the Amazon Time Sync Service"),
                ]
            }
        };
        // The VPC's primary IPv4 block + 2 (SUB-3).
        if self.family == IpFamily::V4
            && let Some(IpAddr::V4(base)) = self
                .net
                .vpcs
                .get(vpc)
                .and_then(|v| v.cidrs_v4.first())
                .map(|c| c.first())
        {
            out.push((
                IpAddr::V4(std::net::Ipv4Addr::from(u32::from(base).wrapping_add(2))),
                dns,
            ));
        }
        out
    }
}
