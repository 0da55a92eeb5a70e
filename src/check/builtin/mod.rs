//! The built-in rule pack (`vpcverify check NETWORK --builtin`): reachability-aware versions of the
//! network checks of the scanners (checkov, Prowler, AWS Security Hub), generated from the network because they
//! quantify over its resources ("no SSH from the internet to ANY interface" is one assertion per
//! interface, each with its own witness when violated).
//!
//! | id | asserts unreachable | refines |
//! |---|---|---|
//! | VPCV-001 | tcp 22 from the internet to each interface | CKV_AWS_24, AVD-AWS-0107, CKV_AWS_232 |
//! | VPCV-002 | tcp and udp 3389 from the internet to each interface | CKV_AWS_25, AVD-AWS-0107, CKV_AWS_231 |
//! | VPCV-003 | database ports from the internet to each interface | CKV_AWS_277, AVD-AWS-0107 |
//! | VPCV-004 | anything, from the internet and from every other interface (grouped by VPC, by subnet in the member's VPC, and the rest of its own subnet), to each member of a VPC's `default` group | CKV2_AWS_12, AVD-AWS-0173 |
//! | VPCV-005 | any packet from the internet into a private subnet (one way) | CKV_AWS_130, AVD-AWS-0164, CKV_AWS_88 |
//! | VPCV-006 | a load balancer's target port from the internet straight to each target (the load balancer is not bypassable) | - |
//! | VPCV-007 | the other high-risk ports of AWS FSBP EC2.19 (tcp) from the internet to each interface | EC2.19 |
//! | VPCV-008 | any port but the authorised ones (80, 443) from the internet to each interface | EC2.18 |
//! | VPCV-009 | (configuration) each VPC's default security group has no rules | CIS 5.4, EC2.2, CKV2_AWS_12, AVD-AWS-0173 |
//! | VPCV-010 | (configuration) no subnet assigns public IPv4 addresses on launch | EC2.15, CKV_AWS_130, AVD-AWS-0164 |
//! | VPCV-011 | any port but the authorised ones (80, 443) from each interface of a private subnet to the internet (egress) | CKV_AWS_382, AVD-AWS-0104 |
//! | VPCV-012 | the high-risk ports of EC2.19 (tcp) from each other VPC that routes toward the interface's VPC over a peering connection or a transit gateway (lateral) | - |
//! | VPCV-013 | (configuration) each VPC has an active flow log capturing rejected traffic | CIS 3.7, EC2.6, CKV2_AWS_11, AVD-AWS-0178 |
//! | VPCV-014 | (configuration, opt-in) each VPC has an endpoint for the EC2 API | EC2.10 |
//! | VPCV-015 | (configuration, opt-in) each VPC has endpoints for ecr.api, ecr.dkr, ssm, ssm-contacts, ssm-incidents | EC2.55-58, EC2.60 |
//!
//! Findings of the exposure rules (001-003, 005-008) say from which internet prefixes they are
//! reached, and take their severity from that (EXP-1..4, `check::exposure`).
//! The files of this folder: `ports` (the port lists and the rules that use them), `config`
//! (the configuration facts, decided on the model with the resource located), `reach` (egress
//! and lateral movement: VPCV-011, VPCV-012), `coverage`
//! (the scanners' network controls, each mapped to a rule or to why none applies).
//!
//! The scanners read one resource's rules; these ask the engine whether a packet really gets
//! through (routes, public addresses, every ACL and group, and for 001-004 the reply too). A
//! security group open to 0.0.0.0/0 on port 22 on an interface that no packet from the internet
//! reaches is a checkov finding and not one here.
//!
//! Interfaces are every network interface except NAT gateways' (which accept no connection from
//! outside, NGW-3); interface endpoints' count.
//!
//! Each assertion that asks the engine names its wider questions (`Assertion::screens`, asked
//! once per run by `check::screen`): on an estate of 20,000 interfaces most of the 36 questions
//! per interface are settled by one "anything at all" question that is unreachable.

pub mod alike;
pub mod config;
pub mod coverage;
pub mod ports;
pub mod reach;

use super::suite::{Assertion, Expect, Location, Rule, Screen, Severity, Suite, slug};
pub use ports::{AUTHORISED_PORTS, HIGH_RISK_PORTS, protected_ports};

/// The rules `--builtin` leaves out unless `--builtin-rules` names them: VPC endpoints for AWS
/// APIs (FSBP EC2.10, EC2.55-58, EC2.60) are about where API calls travel, not about what reaches
/// the network, and many VPCs use none of these services.
pub const OPT_IN: &[&str] = &["VPCV-014", "VPCV-015"];

/// The rules whose findings are exposures to the internet: their severity follows breadth.
pub const EXPOSURE_RULES: &[&str] = &[
    "VPCV-001", "VPCV-002", "VPCV-003", "VPCV-005", "VPCV-006", "VPCV-007", "VPCV-008",
];
/// The exposure rules about high-risk ports: open to every internet address, critical.
pub const HIGH_RISK_RULES: &[&str] = &["VPCV-001", "VPCV-002", "VPCV-003", "VPCV-007"];
use crate::model::*;
use crate::query::engine::ProtocolChoice;

/// Database ports checked by VPCV-003, with the service's name.
pub const DATABASE_PORTS: [(u16, &str); 9] = [
    (1433, "sql server"),
    (1521, "oracle"),
    (3306, "mysql"),
    (5432, "postgresql"),
    (6379, "redis"),
    (9042, "cassandra"),
    (9200, "elasticsearch"),
    (11211, "memcached"),
    (27017, "mongodb"),
];

/// The rules of the pack, in id order.
pub fn rules() -> Vec<Rule> {
    let rule = |id: &str, title: &str, help: &str, refines: &[&str], severity| Rule {
        id: id.to_owned(),
        title: title.to_owned(),
        help: help.to_owned(),
        refines: refines.iter().map(|s| (*s).to_owned()).collect(),
        severity,
    };
    const WHY: &str = "The scanners flag a rule open to 0.0.0.0/0 on one resource; this rule fires only when \
                       a connection actually gets through: a route to an internet gateway, a public address, \
                       every network ACL and security group on the way in and on the way back. Each finding \
                       carries the witness packet and its path.";
    let db_ports = DATABASE_PORTS
        .iter()
        .map(|(p, n)| format!("{p} ({n})"))
        .collect::<Vec<_>>()
        .join(", ");
    vec![
        rule(
            "VPCV-001",
            "no ssh from the internet",
            &format!("No interface accepts SSH (tcp 22) connections from the internet. {WHY}"),
            &["CKV_AWS_24", "AVD-AWS-0107", "CKV_AWS_232"],
            Severity::High,
        ),
        rule(
            "VPCV-002",
            "no rdp from the internet",
            &format!("No interface accepts RDP (tcp or udp 3389) from the internet. {WHY}"),
            &["CKV_AWS_25", "AVD-AWS-0107", "CKV_AWS_231"],
            Severity::High,
        ),
        rule(
            "VPCV-003",
            "no database ports from the internet",
            &format!("No interface accepts connections from the internet on a database port: {db_ports}. {WHY}"),
            &["CKV_AWS_277", "AVD-AWS-0107"],
            Severity::Critical,
        ),
        rule(
            "VPCV-004",
            "the default security group admits nothing",
            "Nothing reaches a member of a VPC's `default` security group, neither from the internet nor \
             from any other interface (protocol all). CKV2_AWS_12 and AVD-AWS-0173 ask that the default group \
             have no rules at all; this rule asks whether traffic actually reaches what is attached to it \
             (instances launched without a group, interface endpoints), and is silent when nothing is.",
            &["CKV2_AWS_12", "AVD-AWS-0173"],
            Severity::Medium,
        ),
        rule(
            "VPCV-005",
            "no inbound path from the internet into a private subnet",
            "No packet from the internet is delivered to any interface of a private subnet (one whose route \
             table has no route to an internet gateway), even one way: a reply path is not required. \
             CKV_AWS_130, AVD-AWS-0164 and CKV_AWS_88 flag public addresses; a public address in a subnet \
             without an internet route is harmless, and an IPv6 address in one is not.",
            &["CKV_AWS_130", "AVD-AWS-0164", "CKV_AWS_88"],
            Severity::High,
        ),
        rule(
            "VPCV-006",
            "no load balancer target reachable around its load balancer",
            "No target of a load balancer (an instance or IP target) accepts, straight from the internet,              connections on the port its load balancer sends to: otherwise clients can bypass the load              balancer and whatever it enforces (TLS termination, its security group, a web application              firewall). Asked directly of the target's own addresses (SEMANTICS.md §5.12); a path through              the load balancer is not a finding.",
            &[],
            Severity::Medium,
        ),
        rule(
            "VPCV-007",
            "no other high-risk port from the internet",
            &format!(
                "No interface accepts tcp connections from the internet on the high-risk ports of AWS FSBP EC2.19 that \
                 VPCV-001..003 do not cover: {}. {WHY}",
                ports::other_high_risk()
                    .iter()
                    .map(|(p, n)| format!("{p} ({n})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            &["EC2.19", "CKV_AWS_260"],
            Severity::High,
        ),
        rule(
            "VPCV-008",
            "only authorised ports open to the internet",
            &format!(
                "No interface accepts tcp or udp from the internet on a port other than the authorised ones ({}), \
                 as AWS FSBP EC2.18 asks. {WHY}",
                AUTHORISED_PORTS
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            &["EC2.18"],
            Severity::High,
        ),
        rule(
            "VPCV-009",
            "the default security group has no rules",
            "Each VPC's `default` security group has no inbound and no outbound rule (CIS 5.4, AWS FSBP EC2.2): \
             AWS creates it admitting everything from its own members and sending anywhere, and anything \
             launched without a group lands in it. A configuration fact, checked on the group itself \
             whether or not anything is in it today; VPCV-004 asks what actually reaches its members.",
            &["CKV2_AWS_12", "AVD-AWS-0173", "EC2.2"],
            Severity::Medium,
        ),
        rule(
            "VPCV-010",
            "no subnet assigns public addresses on launch",
            "No subnet gives the instances launched in it a public IPv4 address by default \
             (`MapPublicIpOnLaunch`, AWS FSBP EC2.15). A configuration fact about future launches; what \
             the internet reaches today is VPCV-001..008's question.",
            &["CKV_AWS_130", "AVD-AWS-0164", "EC2.15"],
            Severity::Medium,
        ),
        rule(
            "VPCV-011",
            "no unrestricted egress from a private subnet to the internet",
            &format!(
                "No interface of a private subnet (one whose route table has no route to an internet gateway, \
                 as VPCV-005 decides) opens tcp or udp connections to the internet on a port other than the \
                 authorised ones ({}). CKV_AWS_382 and AVD-AWS-0104 flag a security group's egress rule to \
                 0.0.0.0/0; this rule fires only when the packet actually leaves (a NAT gateway or instance on the \
                 way, every network ACL and group, and the reply back), with the witness packet and its path.",
                AUTHORISED_PORTS
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            &["CKV_AWS_382", "AVD-AWS-0104"],
            Severity::Medium,
        ),
        rule(
            "VPCV-012",
            "no high-risk port reachable from another vpc",
            "No interface accepts tcp connections on the high-risk ports of AWS FSBP EC2.19 from the interfaces \
             of another VPC that routes toward the interface's VPC over a peering connection or a transit \
             gateway (lateral movement between VPCs). One assertion per interface and neighbouring VPC over \
             EC2.19's ports; its finding lists every port range a packet gets through on. VPCs with no such \
             route are not asked.",
            &["EC2.19"],
            Severity::High,
        ),
        rule(
            "VPCV-013",
            "every vpc has flow logs",
            "Each VPC has an active flow log on the VPC itself that captures rejected traffic (traffic type \
             ALL or REJECT), as CIS AWS Foundations 3.7 (3.9 in v1.4.0, 2.9 in v1.2.0) and AWS FSBP EC2.6 \
             ask: without it, probes and blocked connections leave no trace. A configuration fact. Flow logs \
             on some subnets or interfaces only do not count. Unknown, with the reason, when the input does \
             not list flow logs (a snapshot without `describe-flow-logs` output): a VPC is never reported \
             without flow logs on an input that does not say.",
            &["CKV2_AWS_11", "AVD-AWS-0178", "EC2.6"],
            Severity::Medium,
        ),
        rule(
            "VPCV-014",
            "every vpc has an endpoint for the ec2 api",
            "(Opt-in: run with `--builtin-rules`.) Each VPC has an available VPC endpoint for the Amazon EC2              API (service name `com.amazonaws.<region>.ec2`, or its FIPS variant), as AWS FSBP EC2.10 asks:              without it, calls to the EC2 API from the VPC leave through an internet gateway or a NAT device.              A configuration fact, located at the VPC. Unknown, with the reason, when the input does not list              VPC endpoints (a snapshot without `describe-vpc-endpoints` output).",
            &["EC2.10"],
            Severity::Low,
        ),
        rule(
            "VPCV-015",
            "every vpc has interface endpoints for ecr, systems manager and incident manager",
            "(Opt-in: run with `--builtin-rules`.) Each VPC has an available VPC endpoint for each of              `ecr.api` (EC2.55), `ecr.dkr` (EC2.56), `ssm` (EC2.57), `ssm-contacts` (EC2.58) and              `ssm-incidents` (EC2.60): service names `com.amazonaws.<region>.<service>`, as the Security Hub              controls of those ids ask. One finding per VPC and missing service, located at the VPC; unknown              when the input does not list VPC endpoints.",
            &["EC2.55", "EC2.56", "EC2.57", "EC2.58", "EC2.60"],
            Severity::Low,
        ),
    ]
}

/// The pack expanded over a network: one assertion per rule and resource (and port), each
/// expecting `unreachable`, located at the resource's line in `network_file`.
pub fn suite(net: &Network, ix: &NetworkIndex, network_file: &str) -> Suite {
    let mut s = Suite {
        file: network_file.to_owned(),
        name: "builtin".to_owned(),
        builtin: true,
        network: None,
        timeout: None,
        total_timeout: None,
        rules: rules(),
        assertions: Vec::new(),
        ignores: Vec::new(),
        onprem: Vec::new(),
        trusted: Vec::new(),
    };
    let targets: Vec<&NetworkInterface> = net
        .network_interfaces
        .values()
        .filter(|e| e.interface_type != "nat_gateway")
        .collect();
    let tcp = ProtocolChoice::One(proto::TCP);
    let texts = std::sync::Mutex::new(std::collections::BTreeMap::<String, Option<ResourceIndex>>::new());
    // One search of the file per resource, however many assertions it has.
    let found = std::sync::Mutex::new(std::collections::HashMap::<Provenance, Location>::new());
    let at = |p: &Provenance| {
        let mut found = found.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        found
            .entry(p.clone())
            .or_insert_with(|| location(p, network_file, &texts))
            .clone()
    };
    let mut out = Vec::new();
    let labels: Vec<(&NetworkInterface, String)> = targets.iter().map(|e| (*e, label(net, ix, e))).collect();
    let mut classes = alike::Classes::new(net, ix);
    let mut inbound = |e: &NetworkInterface, p: u8, port: u16| {
        Some(classes.of(
            &format!("in {p} {port}"),
            e,
            alike::Side::FromInternet,
            p,
            &[PortRange::single(port)],
        ))
    };
    for (e, label) in &labels {
        out.push(Assertion {
            port: Some(PortRange::single(22)),
            alike: inbound(e, proto::TCP, 22),
            screens: ports::inbound_screens(net, ix, e, proto::TCP, PortRange::single(22)),
            ..unreachable(
                0,
                format!("VPCV-001 no ssh (tcp 22) from the internet to {label}"),
                "internet",
                e.id.as_str(),
                tcp,
                at(&e.provenance),
            )
        });
    }
    for (e, label) in &labels {
        for p in [proto::TCP, proto::UDP] {
            out.push(Assertion {
                port: Some(PortRange::single(3389)),
                alike: inbound(e, p, 3389),
                screens: ports::inbound_screens(net, ix, e, p, PortRange::single(3389)),
                ..unreachable(
                    1,
                    format!("VPCV-002 no rdp ({} 3389) from the internet to {label}", proto::name(p)),
                    "internet",
                    e.id.as_str(),
                    ProtocolChoice::One(p),
                    at(&e.provenance),
                )
            });
        }
    }
    for (e, label) in &labels {
        for (port, service) in DATABASE_PORTS {
            out.push(Assertion {
                port: Some(PortRange::single(port)),
                alike: inbound(e, proto::TCP, port),
                screens: ports::inbound_screens(net, ix, e, proto::TCP, PortRange::single(port)),
                ..unreachable(
                    2,
                    format!("VPCV-003 no {service} (tcp {port}) from the internet to {label}"),
                    "internet",
                    e.id.as_str(),
                    tcp,
                    at(&e.provenance),
                )
            });
        }
    }
    default_group(net, ix, &targets, &mut out, &at, &mut classes);
    for sub in net.subnets.values() {
        let has_interface = targets.iter().any(|e| e.subnet == sub.id);
        if has_interface && is_private(net, ix, &sub.id) {
            out.push(Assertion {
                one_way: true,
                ..unreachable(
                    4,
                    format!("VPCV-005 no packet from the internet into private subnet {}", sub.id),
                    "internet",
                    sub.id.as_str(),
                    ProtocolChoice::All,
                    at(&sub.provenance),
                )
            });
        }
    }
    // VPCV-006: each load balancer target's port, straight from the internet.
    let mut seen = std::collections::BTreeSet::new();
    for lb in net.elb.load_balancers.values() {
        for l in &lb.listeners {
            for tg in l.forwards.iter().filter_map(|t| net.elb.target_groups.get(t)) {
                for t in tg.targets.iter().flatten() {
                    let Ok(target) = crate::model::elb::resolve_target(net, tg, t) else {
                        continue;
                    };
                    for p in l.ip_protocols() {
                        if !seen.insert((target.iface.clone(), target.port, *p)) {
                            continue;
                        }
                        let Some(e) = net.network_interfaces.get(&target.iface) else {
                            continue;
                        };
                        let label = label(net, ix, e);
                        out.push(Assertion {
                            port: Some(PortRange::single(target.port)),
                            screens: subnet_screen(net, ix, e, true, Some("internet"))
                                .into_iter()
                                .chain([Screen::ANY])
                                .collect(),
                            ..unreachable(
                                5,
                                format!(
                                    "VPCV-006 no {} {} from the internet straight to {label}, a target of load balancer {}",
                                    proto::name(*p),
                                    target.port,
                                    lb.name
                                ),
                                "internet",
                                e.id.as_str(),
                                ProtocolChoice::One(*p),
                                at(&tg.provenance),
                            )
                        });
                    }
                }
            }
        }
    }
    ports::assertions(net, ix, &labels, &mut out, &at, &mut classes);
    config::assertions(net, &mut out, &at);
    reach::assertions(net, ix, &labels, &mut out, &at, &mut classes);
    config::flow_log_assertions(net, &mut out, &at);
    config::endpoint_assertions(net, &mut out, &at);
    s.assertions = out;
    s
}

/// VPCV-004's assertions: for each member of a VPC's `default` group, nothing from the internet,
/// from each other VPC, from each other subnet of its VPC, and from the other interfaces of its
/// own subnet (sources grouped so that an estate of thousands of members stays linear in size: a
/// VPC or subnet source is any of its interfaces, and a finding's witness names the one that gets
/// through). Each is screened by the same question asked of the whole group at once (any member),
/// which settles every member when no packet reaches any of them (the same question to the
/// member's subnet is no screen: measured on the 1,000-interface estate, from a peered VPC it costs
/// as much as the member's own and settles nothing). Each is asked once per class of alike
/// members (PACK-1); the question from the member's own subnet once per class of members alike
/// both as destinations and as sources (each such member is one of the others' sources).
fn default_group(
    net: &Network,
    ix: &NetworkIndex,
    targets: &[&NetworkInterface],
    out: &mut Vec<Assertion>,
    at: &dyn Fn(&Provenance) -> Location,
    classes: &mut alike::Classes<'_>,
) {
    let to_group = |from: Option<&str>, g: &SecurityGroup| Screen {
        from: from.map(str::to_owned),
        to: Some(g.id.to_string()),
        ..Screen::ANY
    };
    let mut hosts_in_vpc: std::collections::BTreeSet<&VpcId> = std::collections::BTreeSet::new();
    let mut hosts_in_subnet: std::collections::BTreeSet<&SubnetId> = std::collections::BTreeSet::new();
    for t in targets {
        hosts_in_subnet.insert(&t.subnet);
        if let Some(s) = net.subnets.get(&t.subnet) {
            hosts_in_vpc.insert(&s.vpc);
        }
    }
    for g in net.security_groups.values().filter(|g| g.name == "default") {
        for member in ix.members_of(&g.id) {
            let Some(m) = net.network_interfaces.get(member) else {
                continue;
            };
            let Some(own_vpc) = net.subnets.get(&m.subnet).map(|s| &s.vpc) else {
                continue;
            };
            let label = label(net, ix, m);
            let to = m.id.as_str();
            let mut ask = |from: &str, what: String, screens: Vec<Screen>, class: u32| {
                out.push(Assertion {
                    screens,
                    alike: Some(class),
                    ..unreachable(
                        3,
                        format!("VPCV-004 nothing from {what} to {label} in default group {}", g.id),
                        from,
                        to,
                        ProtocolChoice::All,
                        at(&g.provenance),
                    )
                });
            };
            let question = format!("3 {}", g.id);
            let class = classes.of_all(&format!("{question} internet"), m, alike::Side::FromInternet);
            ask(
                "internet",
                "the internet".to_owned(),
                vec![to_group(Some("internet"), g)],
                class,
            );
            for v in hosts_in_vpc.iter().filter(|v| **v != own_vpc) {
                let class = classes.of_all(&format!("{question} {v}"), m, alike::Side::FromVpc);
                ask(
                    v.as_str(),
                    format!("vpc {v}"),
                    vec![to_group(Some(v.as_str()), g)],
                    class,
                );
            }
            for s in net
                .subnets
                .values()
                .filter(|s| &s.vpc == own_vpc && s.id != m.subnet && hosts_in_subnet.contains(&s.id))
            {
                let class = classes.of_all(&format!("{question} {}", s.id), m, alike::Side::FromVpc);
                ask(
                    s.id.as_str(),
                    format!("subnet {}", s.id),
                    vec![to_group(Some(s.id.as_str()), g)],
                    class,
                );
            }
            if targets.iter().any(|p| p.subnet == m.subnet && p.id != m.id) {
                // The member's own subnet: a packet from the member to itself is never sent
                // (J25), so the subnet as a source is its other interfaces. Alike members share
                // a class only when alike as sources too (each is one of the other's sources).
                let class = classes.of_own_subnet(&format!("{question} own"), m);
                ask(
                    m.subnet.as_str(),
                    format!("the other interfaces of subnet {}", m.subnet),
                    vec![to_group(Some(m.subnet.as_str()), g)],
                    class,
                );
            }
        }
    }
}

/// The subnet of `e` as a wider endpoint than `e` (the side named by `side`: `to` for questions
/// into it, `from` for questions out of it), with `from`/`to` of the other side as given: any
/// packet of any protocol. Only when the subnet, named as an endpoint, covers `e`: every
/// interface of the subnet but NAT gateways' (as `query::endpoint` resolves a subnet). One
/// question per subnet then settles every interface of a subnet nothing reaches (a private
/// subnet, from the internet).
pub(super) fn subnet_screen(
    net: &Network,
    ix: &NetworkIndex,
    e: &NetworkInterface,
    into: bool,
    other: Option<&str>,
) -> Option<Screen> {
    let nat_owned = matches!(e.interface_type.as_str(), "nat_gateway" | "natGateway")
        || net
            .nat_gateways
            .values()
            .any(|n| n.addresses.iter().any(|a| a.network_interface.as_ref() == Some(&e.id)));
    if nat_owned || !ix.interfaces_in(&e.subnet).contains(&e.id) {
        return None;
    }
    let subnet = Some(e.subnet.to_string());
    let other = other.map(str::to_owned);
    Some(if into {
        Screen {
            from: other,
            to: subnet,
            ..Screen::ANY
        }
    } else {
        Screen {
            from: subnet,
            to: other,
            ..Screen::ANY
        }
    })
}

/// [`subnet_screen`] narrowed to the assertion's own packets (`protocol`, `port`): asked once
/// per subnet, it settles every interface of a subnet that no such packet reaches, even when
/// other packets reach it (a public subnet open on 443 only, for a question about port 22).
pub(super) fn subnet_question(
    net: &Network,
    ix: &NetworkIndex,
    e: &NetworkInterface,
    into: bool,
    other: Option<&str>,
    protocol: u8,
    port: PortRange,
) -> Option<Screen> {
    subnet_screen(net, ix, e, into, other).map(|s| Screen {
        protocol: ProtocolChoice::One(protocol),
        port: Some(port),
        ..s
    })
}

/// A subnet whose route table has no active route to an internet gateway.
pub fn is_private(net: &Network, ix: &NetworkIndex, subnet: &SubnetId) -> bool {
    let Some(rt) = ix.route_table_of(subnet).and_then(|id| net.route_tables.get(id)) else {
        return true;
    };
    !rt.routes
        .iter()
        .any(|r| r.state == RouteState::Active && matches!(r.target, RouteTarget::InternetGateway(_)))
}

/// `eni-web-server`, or `eni-0abc (web-server)` when the instance's (or the interface's) Name tag
/// says more than the id.
fn label(net: &Network, ix: &NetworkIndex, e: &NetworkInterface) -> String {
    let name = ix
        .instance_of(&e.id)
        .and_then(|i| net.instances.get(i))
        .and_then(|i| name_tag(&i.tags))
        .or_else(|| name_tag(&e.tags));
    match name {
        Some(n) if !e.id.as_str().contains(n) => format!("{} ({n})", e.id),
        _ => e.id.to_string(),
    }
}

/// An assertion of the pack: `unreachable`, any port, round trip.
pub(super) fn unreachable(
    rule: usize,
    name: String,
    from: &str,
    to: &str,
    protocol: ProtocolChoice,
    location: Location,
) -> Assertion {
    Assertion {
        slug: slug(&name),
        name,
        rule,
        from: from.to_owned(),
        to: to.to_owned(),
        protocol,
        port: None,
        src_port: None,
        one_way: false,
        expect: Expect::Unreachable,
        through: Vec::new(),
        avoid: Vec::new(),
        location,
        fact: None,
        screens: Vec::new(),
        more_ports: Vec::new(),
        alike: None,
    }
}

/// Where a resource is: its provenance's line and column, or, for a JSON input (`describe-*`
/// output, a Terraform plan or state) whose provenance has no line, the place its id is written in
/// the file (see [`ResourceIndex`]); line 1 when neither is known. Each file is read and indexed
/// once, in `texts` (a file that cannot be read is `None`): the pack locates tens of thousands of
/// resources on a large estate, and searching the file for each would read it as many times.
fn location(
    p: &Provenance,
    network_file: &str,
    texts: &std::sync::Mutex<std::collections::BTreeMap<String, Option<ResourceIndex>>>,
) -> Location {
    let file = if p.file.is_empty() {
        network_file.to_owned()
    } else {
        p.file.clone()
    };
    let found = match p.line {
        Some(_) => None,
        None if !p.resource.is_empty() && file.ends_with(".json") => {
            let mut texts = texts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let index = texts
                .entry(file.clone())
                .or_insert_with(|| std::fs::read_to_string(&file).ok().map(|t| ResourceIndex::new(&t)));
            index.as_ref().and_then(|ix| ix.find(&p.resource))
        }
        None => None,
    };
    match found {
        Some((line, column)) => Location { file, line, column },
        None => Location {
            file,
            line: p.line.unwrap_or(1),
            column: p.column.unwrap_or(1),
        },
    }
}

/// Where each JSON string of a file is written (1-based line and column), read in one pass: for
/// each string, the first place it is the value of a key ending in `Id` or of `address` (the
/// resource's own id, `"NetworkInterfaceId": "eni-…"`, or a Terraform address), and the first
/// place it is written at all.
#[derive(Debug, Default)]
pub struct ResourceIndex {
    named: std::collections::HashMap<String, (u32, u32)>,
    first: std::collections::HashMap<String, (u32, u32)>,
}

impl ResourceIndex {
    /// Indexes `text` (JSON; anything else indexes whatever double-quoted strings it has).
    pub fn new(text: &str) -> Self {
        let mut ix = ResourceIndex::default();
        let (mut line, mut column) = (1u32, 1u32);
        // The last string, when a `:` followed it (a key), and whether the string being read
        // follows a `:` (a value).
        let mut key: Option<(usize, usize)> = None;
        let mut after_colon = false;
        let mut last: Option<(usize, usize)> = None;
        let mut chars = text.char_indices();
        while let Some((at, c)) = chars.next() {
            match c {
                '"' => {
                    let (l, col) = (line, column);
                    column = column.saturating_add(1);
                    let start = at + 1;
                    let mut end = text.len();
                    let mut escaped = false;
                    for (i, c) in chars.by_ref() {
                        column = column.saturating_add(1);
                        if c == '\n' {
                            line = line.saturating_add(1);
                            column = 1;
                        }
                        if escaped {
                            escaped = false;
                        } else if c == '\\' {
                            escaped = true;
                        } else if c == '"' {
                            end = i;
                            break;
                        }
                    }
                    let s = &text[start..end];
                    if after_colon && let Some((ks, ke)) = key {
                        let k = &text[ks..ke];
                        if (k.ends_with("Id") || k == "address") && !ix.named.contains_key(s) {
                            ix.named.insert(s.to_owned(), (l, col));
                        }
                    }
                    if !ix.first.contains_key(s) {
                        ix.first.insert(s.to_owned(), (l, col));
                    }
                    after_colon = false;
                    last = Some((start, end));
                    continue;
                }
                ':' => {
                    key = last.take();
                    after_colon = true;
                }
                '\n' => {
                    line = line.saturating_add(1);
                    column = 0;
                }
                c if c.is_whitespace() => {}
                _ => {
                    after_colon = false;
                    last = None;
                }
            }
            column = column.saturating_add(1);
        }
        ix
    }

    /// Where `resource` is named (see the type), if it is written at all.
    pub fn find(&self, resource: &str) -> Option<(u32, u32)> {
        self.named.get(resource).or_else(|| self.first.get(resource)).copied()
    }
}

/// The 1-based line and column of the JSON string `"<resource>"` that names a resource in `text`
/// ([`ResourceIndex`] of the text, for one look-up).
pub fn find_resource(text: &str, resource: &str) -> Option<(u32, u32)> {
    ResourceIndex::new(text).find(resource)
}

#[cfg(test)]
mod locate_tests {
    use super::find_resource;

    #[test]
    fn the_resource_is_found_where_its_id_is_the_value_of_an_id_key() {
        let text = "{\n  \"Attachment\": \"eni-1\",\n  \"NetworkInterfaces\": [\n    {\"NetworkInterfaceId\": \"eni-1\"}\n  ]\n}";
        assert_eq!(find_resource(text, "eni-1"), Some((4, 28)));
        assert_eq!(find_resource("[\"x\",\n\"eni-2\"]", "eni-2"), Some((2, 1)));
        assert_eq!(find_resource("{}", "eni-3"), None);
        // A longer id that starts with this one is not it.
        assert_eq!(find_resource("{\"Id\": \"eni-10\"}", "eni-1"), None);
    }
}
