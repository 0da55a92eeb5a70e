//! The pack's rules about where packets go from inside: VPCV-011 (egress: an interface of a
//! private subnet opens no connection to the internet on a port but the authorised ones, CKV_AWS_382,
//! AVD-AWS-0104) and VPCV-012 (lateral: no interface accepts the high-risk ports of AWS FSBP EC2.19
//! from another VPC that routes toward its VPC over a peering connection or a transit gateway).
//!
//! Must not touch: z3, printing. Decided by the engine as every assertion of the suite is.

use super::super::suite::{Assertion, Location, Screen};
use super::ports::{HIGH_RISK_PORTS, unauthorised_ranges};
use super::{is_private, unreachable};
use crate::model::*;
use crate::query::engine::ProtocolChoice;

/// EC2.19's high-risk ports as the fewest port ranges (adjacent ports merged): VPCV-012 asks one
/// assertion per range, an assertion holding one range.
pub fn high_risk_ranges() -> Vec<PortRange> {
    let mut ports: Vec<u16> = HIGH_RISK_PORTS.iter().map(|(p, _)| *p).collect();
    ports.sort_unstable();
    ports.dedup();
    let mut out: Vec<(u16, u16)> = Vec::new();
    for p in ports {
        match out.last_mut() {
            Some((_, hi)) if u32::from(*hi) + 1 == u32::from(p) => *hi = p,
            _ => out.push((p, p)),
        }
    }
    out.into_iter().filter_map(|(lo, hi)| PortRange::new(lo, hi)).collect()
}

/// The VPCs other than `vpc` with an active route, over a peering connection or a transit
/// gateway, whose destination overlaps one of `vpc`'s blocks: the neighbours VPCV-012 asks about.
pub fn neighbours(net: &Network, vpc: &VpcId) -> Vec<VpcId> {
    let Some(own) = net.vpcs.get(vpc) else {
        return Vec::new();
    };
    let blocks: Vec<&Cidr> = own.cidrs().collect();
    let mut out: Vec<VpcId> = net
        .route_tables
        .values()
        .filter(|rt| rt.vpc != *vpc)
        .filter(|rt| {
            rt.routes.iter().any(|r| {
                r.state == RouteState::Active
                    && matches!(
                        r.target,
                        RouteTarget::VpcPeeringConnection(_) | RouteTarget::TransitGateway(_)
                    )
                    && matches!(&r.destination, RouteDestination::Cidr(c) if blocks.iter().any(|b| b.overlaps(c)))
            })
        })
        .map(|rt| rt.vpc.clone())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// VPCV-011 and VPCV-012's assertions, for each interface (with its label).
pub(super) fn assertions(
    net: &Network,
    ix: &NetworkIndex,
    labels: &[(&NetworkInterface, String)],
    out: &mut Vec<Assertion>,
    at: &dyn Fn(&Provenance) -> Location,
    classes: &mut super::alike::Classes<'_>,
) {
    use super::alike::Side;
    let ranges = unauthorised_ranges();
    for (e, label) in labels.iter().filter(|(e, _)| is_private(net, ix, &e.subnet)) {
        for p in [proto::TCP, proto::UDP] {
            for r in &ranges {
                out.push(Assertion {
                    port: Some(*r),
                    alike: Some(classes.of(&format!("out {p} {r}"), e, Side::ToInternet, p, &[*r])),
                    screens: super::subnet_screen(net, ix, e, false, Some("internet"))
                        .into_iter()
                        .chain(super::subnet_question(net, ix, e, false, Some("internet"), p, *r))
                        .chain([Screen::ANY])
                        .collect(),
                    ..unreachable(
                        10,
                        format!(
                            "VPCV-011 no egress on an unauthorised port ({} {r}) from {label} to the internet",
                            proto::name(p)
                        ),
                        e.id.as_str(),
                        "internet",
                        ProtocolChoice::One(p),
                        at(&e.provenance),
                    )
                });
            }
        }
    }
    let risky = high_risk_ranges();
    let Some((first, rest)) = risky.split_first() else {
        return;
    };
    let tcp = ProtocolChoice::One(proto::TCP);
    for (e, label) in labels {
        let Some(vpc) = net.subnets.get(&e.subnet).map(|s| s.vpc.clone()) else {
            continue;
        };
        for other in neighbours(net, &vpc) {
            // One assertion per interface and neighbour over EC2.19's ranges: its finding lists
            // every range a packet gets through on.
            out.push(Assertion {
                port: Some(*first),
                more_ports: rest.to_vec(),
                alike: Some(classes.of(&format!("from {other}"), e, Side::FromVpc, proto::TCP, &risky)),
                screens: super::subnet_screen(net, ix, e, true, Some(other.as_str()))
                    .into_iter()
                    .chain([Screen::ANY])
                    .collect(),
                ..unreachable(
                    11,
                    format!("VPCV-012 no high-risk port (tcp, EC2.19) from vpc {other} to {label}"),
                    other.as_str(),
                    e.id.as_str(),
                    tcp,
                    at(&e.provenance),
                )
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_high_risk_ports_merge_into_ranges() {
        let shown: Vec<String> = high_risk_ranges().iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 20, "{shown:?}");
        assert_eq!(shown[0], "20-23");
        assert!(shown.contains(&"1433-1434".to_owned()));
    }
}
