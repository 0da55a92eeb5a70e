//! The port lists of the built-in pack and the rules that quantify over them: VPCV-007 (the
//! high-risk ports of AWS FSBP EC2.19 that VPCV-001..003 do not cover) and VPCV-008 (every port
//! but the authorised ones, EC2.18).
//!
//! Must not touch: z3, printing. [`protected_ports`] is public for `vpcverify diff`.

use super::super::suite::{Assertion, Location, Screen};
use super::{DATABASE_PORTS, unreachable};
use crate::model::*;
use crate::query::engine::ProtocolChoice;

/// The high-risk ports of AWS FSBP EC2.19 ("Security groups should not allow unrestricted
/// access to ports with high risk"), with the service usually behind each.
pub const HIGH_RISK_PORTS: [(u16, &str); 24] = [
    (20, "ftp data"),
    (21, "ftp"),
    (22, "ssh"),
    (23, "telnet"),
    (25, "smtp"),
    (110, "pop3"),
    (135, "msrpc"),
    (143, "imap"),
    (445, "smb"),
    (1433, "sql server"),
    (1434, "sql server browser"),
    (3000, "web development servers"),
    (3306, "mysql"),
    (3389, "rdp"),
    (4333, "msql"),
    (5000, "web development servers"),
    (5432, "postgresql"),
    (5500, "vnc"),
    (5601, "kibana"),
    (8080, "http proxy"),
    (8088, "http alternate"),
    (8888, "http alternate"),
    (9200, "elasticsearch"),
    (9300, "elasticsearch transport"),
];

/// The ports EC2.18 authorises by default (its `authorizedTcpPorts` parameter): any other port
/// open to the internet is a VPCV-008 finding.
pub const AUTHORISED_PORTS: [u16; 2] = [80, 443];

/// EC2.19's ports that VPCV-001 (22), VPCV-002 (3389) and VPCV-003 (the database ports) do not
/// already ask about: VPCV-007's.
pub fn other_high_risk() -> Vec<(u16, &'static str)> {
    HIGH_RISK_PORTS
        .iter()
        .filter(|(p, _)| *p != 22 && *p != 3389 && !DATABASE_PORTS.iter().any(|(d, _)| d == p))
        .copied()
        .collect()
}

/// Every destination port the pack protects from the internet, with its service, sorted and
/// without repeats (for `vpcverify diff`, which flags a change that opens one).
pub fn protected_ports() -> Vec<(u16, &'static str)> {
    let mut v: Vec<(u16, &'static str)> = HIGH_RISK_PORTS.iter().chain(DATABASE_PORTS.iter()).copied().collect();
    v.sort_by_key(|(p, _)| *p);
    v.dedup_by_key(|(p, _)| *p);
    v
}

/// The port ranges VPCV-008 asks about: every port but the authorised ones.
pub fn unauthorised_ranges() -> Vec<PortRange> {
    let mut out = Vec::new();
    let mut lo: u32 = 0;
    let mut authorised = AUTHORISED_PORTS.to_vec();
    authorised.sort_unstable();
    for p in authorised {
        if u32::from(p) > lo {
            out.extend(range(lo, u32::from(p) - 1));
        }
        lo = u32::from(p) + 1;
    }
    if lo <= 65535 {
        out.extend(range(lo, 65535));
    }
    out
}

fn range(lo: u32, hi: u32) -> Option<PortRange> {
    PortRange::new(u16::try_from(lo).ok()?, u16::try_from(hi).ok()?)
}

/// The wider questions of an assertion from the internet to `e` on protocol `p`, ports `port`:
/// any packet at all into its subnet, then VPCV-008's range of the same protocol that holds the
/// ports into the subnet (when one does), then the question's own packets into the subnet, then
/// any packet into `e`, then VPCV-008's range into `e`. On a large estate most interfaces are unreachable from the internet, and one question
/// settles their 36 assertions; a web server open on 80 and 443 only is settled by VPCV-008's six.
pub(super) fn inbound_screens(
    net: &Network,
    ix: &NetworkIndex,
    e: &NetworkInterface,
    p: u8,
    port: PortRange,
) -> Vec<Screen> {
    let range = unauthorised_ranges()
        .into_iter()
        .find(|r| r.from() <= port.from() && port.to() <= r.to());
    let mut v: Vec<Screen> = super::subnet_screen(net, ix, e, true, Some("internet"))
        .into_iter()
        .chain(range.and_then(|r| super::subnet_question(net, ix, e, true, Some("internet"), p, r)))
        .chain(super::subnet_question(net, ix, e, true, Some("internet"), p, port))
        .chain([Screen::ANY])
        .collect();
    if let Some(r) = range {
        v.push(Screen {
            from: None,
            to: None,
            protocol: ProtocolChoice::One(p),
            port: Some(r),
        });
    }
    v
}

/// VPCV-007 and VPCV-008's assertions, for each interface (with its label).
pub(super) fn assertions(
    net: &Network,
    ix: &NetworkIndex,
    labels: &[(&NetworkInterface, String)],
    out: &mut Vec<Assertion>,
    at: &dyn Fn(&Provenance) -> Location,
    classes: &mut super::alike::Classes<'_>,
) {
    let tcp = ProtocolChoice::One(proto::TCP);
    let others = other_high_risk();
    let inbound = super::alike::Side::FromInternet;
    for (e, label) in labels {
        for (port, service) in &others {
            let one = PortRange::single(*port);
            out.push(Assertion {
                port: Some(one),
                alike: Some(classes.of(&format!("in 6 {port}"), e, inbound, proto::TCP, &[one])),
                screens: inbound_screens(net, ix, e, proto::TCP, PortRange::single(*port)),
                ..unreachable(
                    6,
                    format!("VPCV-007 no {service} (tcp {port}) from the internet to {label}"),
                    "internet",
                    e.id.as_str(),
                    tcp,
                    at(&e.provenance),
                )
            });
        }
    }
    let ranges = unauthorised_ranges();
    for (e, label) in labels {
        for p in [proto::TCP, proto::UDP] {
            for r in &ranges {
                out.push(Assertion {
                    port: Some(*r),
                    alike: Some(classes.of(&format!("in {p} {r}"), e, inbound, p, &[*r])),
                    screens: super::subnet_screen(net, ix, e, true, Some("internet"))
                        .into_iter()
                        .chain(super::subnet_question(net, ix, e, true, Some("internet"), p, *r))
                        .chain([Screen::ANY])
                        .collect(),
                    ..unreachable(
                        7,
                        format!(
                            "VPCV-008 no unauthorised port ({} {r}) from the internet to {label}",
                            proto::name(p)
                        ),
                        "internet",
                        e.id.as_str(),
                        ProtocolChoice::One(p),
                        at(&e.provenance),
                    )
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_hold_what_ec2_19_and_ec2_18_name() {
        let others: Vec<u16> = other_high_risk().iter().map(|(p, _)| *p).collect();
        assert_eq!(
            others,
            vec![
                20, 21, 23, 25, 110, 135, 143, 445, 1434, 3000, 4333, 5000, 5500, 5601, 8080, 8088, 8888, 9300
            ]
        );
        let shown: Vec<String> = unauthorised_ranges().iter().map(ToString::to_string).collect();
        assert_eq!(shown, vec!["0-79", "81-442", "444-65535"]);
        let protected = protected_ports();
        assert!(protected.iter().any(|(p, _)| *p == 27017));
        assert!(protected.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
