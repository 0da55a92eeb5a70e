//! Load balancers for the differential properties (issue #16 item 5): a random network of
//! `generate` (IPv4, no peering) plus one load balancer `lb-0` of a random kind (Application,
//! Network, Classic), scheme (internet-facing, internal), security groups (an NLB's optional),
//! cross-zone setting (on, off, not in the input), one or two listeners, and a target group of a
//! random target type (instance, IP, Lambda) with zero to three targets, a random target port and
//! a client IP preservation setting (on, off, not in the input) and its own cross-zone setting
//! (on, off, the load balancer's). Its nodes are new interfaces in
//! one or two subnets of a VPC, public when internet-facing. The SMT engine and the simulator must
//! agree on pinned packets (from the internet and from the VPC's hosts to a node) and on random
//! questions whose destination is the load balancer.
//!
//! The layout: subnets alternate between `us-east-1a` and `us-east-1b` in id order; nodes
//! `eni-lbnode-<i>`; public addresses 54.240.0.<i + 1>; the load balancer's group `sg-lb`.

use crate::differential::agree::{pinned_packet_agrees, question_agrees};
use crate::differential::check;
use crate::differential::generate::{GenSettings, blueprint, pick, query_ports};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use std::net::{IpAddr, Ipv4Addr};
use vpcverify::model::*;

/// The base networks: small, IPv4, no peering, no unknowns.
const BASE: GenSettings = GenSettings {
    max_vpcs: 2,
    max_subnets: 5,
    max_interfaces: 6,
    max_rules: 3,
    max_custom: 1,
    enable_peering: false,
    enable_nat: true,
    enable_ipv6: false,
    enable_endpoints: true,
    enable_vpn: false,
    enable_unknowns: false,
    enable_bpa: false,
    enable_missing_acls: false,
};

/// The load balancer's choices. Indices pick modulo their pool.
#[derive(Debug, Clone)]
pub struct LbPlan {
    /// 0 Application, 1 Network, 2 Classic.
    pub kind: u8,
    /// Internet-facing (else internal).
    pub public: bool,
    /// The VPC (index) and its subnets for nodes (one or two, by index).
    pub vpc: u8,
    pub node_subnets: (u8, Option<u8>),
    /// A Network Load Balancer's groups (the others always have them).
    pub nlb_groups: bool,
    /// The load balancer's group admits the listener ports from anywhere (else from 10.0.0.0/8
    /// only); its egress is open (else only to 10.0.0.0/8).
    pub open_in: bool,
    pub open_out: bool,
    /// Cross-zone: None not in the input.
    pub cross_zone: Option<bool>,
    /// Listeners: (port choice, UDP for an NLB).
    pub listeners: Vec<(u8, bool)>,
    /// 0 instance, 1 ip, 2 lambda.
    pub target_type: u8,
    /// Targets: interface indices (instances' or any host's).
    pub targets: Vec<u8>,
    /// Target port choice.
    pub target_port: u8,
    /// `preserve_client_ip.enabled`: None not in the input.
    pub preserve: Option<bool>,
    /// The targets' groups also admit everything (so that most paths get through).
    pub open_targets: bool,
    /// Registered targets not in the input (no `describe-target-health`).
    pub targets_unknown: bool,
    /// The target group's own cross-zone setting (None: the load balancer's).
    pub tg_cross_zone: Option<bool>,
}

const PORTS: [u16; 4] = [443, 80, 8443, 22];
const TARGET_PORTS: [u16; 3] = [8080, 443, 22];

fn lb_plan() -> impl Strategy<Value = LbPlan> {
    (
        (
            0u8..3,
            prop::bool::weighted(0.7),
            any::<u8>(),
            any::<u8>(),
            prop::option::weighted(0.6, any::<u8>()),
        ),
        (
            prop::bool::weighted(0.5),
            prop::bool::weighted(0.7),
            prop::bool::weighted(0.85),
        ),
        prop_oneof![2 => Just(Some(true)), 2 => Just(Some(false)), 1 => Just(None)],
        prop::collection::vec((any::<u8>(), prop::bool::weighted(0.2)), 1..=2),
        (
            prop_oneof![5 => Just(0u8), 4 => Just(1u8), 1 => Just(2u8)],
            prop::collection::vec(any::<u8>(), 0..=3),
            any::<u8>(),
            prop_oneof![2 => Just(Some(true)), 2 => Just(Some(false)), 1 => Just(None)],
            prop::bool::weighted(0.6),
            prop::bool::weighted(0.05),
        ),
        prop_oneof![4 => Just(None), 1 => Just(Some(true)), 1 => Just(Some(false))],
    )
        .prop_map(
            |(
                (kind, public, vpc, s1, s2),
                (nlb_groups, open_in, open_out),
                cross_zone,
                listeners,
                (target_type, targets, target_port, preserve, open_targets, targets_unknown),
                tg_cross_zone,
            )| LbPlan {
                kind,
                public,
                vpc,
                node_subnets: (s1, s2),
                nlb_groups,
                open_in,
                open_out,
                cross_zone,
                listeners,
                target_type,
                targets,
                target_port,
                preserve,
                open_targets,
                targets_unknown,
                tg_cross_zone,
            },
        )
}

fn prov(id: &str) -> Provenance {
    Provenance::resource("generated", id)
}

fn rule(protocol: Protocol, l4: L4Match, cidr: &str, at: &str) -> SecurityGroupRule {
    SecurityGroupRule {
        protocol,
        l4,
        peer: SecurityGroupPeer::Cidr {
            cidr: Cidr::parse(cidr).unwrap(),
        },
        description: None,
        provenance: prov(at),
    }
}

/// A free address of `subnet` (none of the network's interfaces or NAT gateways holds it).
fn free_address(net: &Network, subnet: &Subnet, salt: u32) -> Option<Ipv4Addr> {
    let block = subnet.cidr_v4?;
    let IpAddr::V4(base) = block.first() else { return None };
    let size = 1u32 << (32 - u32::from(block.prefix_len()));
    let used = |a: Ipv4Addr| {
        net.network_interfaces
            .values()
            .any(|e| e.private_ipv4.iter().any(|p| p.address == a))
            || net
                .nat_gateways
                .values()
                .any(|n| n.addresses.iter().any(|x| x.private_ip == a))
    };
    (4..size.saturating_sub(1))
        .map(|o| Ipv4Addr::from(u32::from(base) + 4 + (o + salt * 7) % (size - 5)))
        .find(|a| !used(*a))
}

/// Adds the load balancer of `plan` to `net`; `None` when the network has no subnet to hold it.
pub fn add_lb(net: &mut Network, plan: &LbPlan) -> Option<String> {
    let zones = ["us-east-1a", "us-east-1b"];
    for (i, s) in net.subnets.values_mut().enumerate() {
        s.availability_zone = Some(zones[i % 2].to_owned());
    }
    let vpcs: Vec<VpcId> = net.vpcs.keys().cloned().collect();
    let vpc = pick(&vpcs, plan.vpc)?.clone();
    let subnets: Vec<Subnet> = net
        .subnets
        .values()
        .filter(|s| s.vpc == vpc && s.cidr_v4.is_some())
        .cloned()
        .collect();
    let mut chosen = vec![pick(&subnets, plan.node_subnets.0)?.clone()];
    if let Some(i) = plan.node_subnets.1
        && let Some(s) = pick(&subnets, i)
        && s.id != chosen[0].id
    {
        chosen.push(s.clone());
    }
    let kind = match plan.kind {
        0 => LbKind::Application,
        1 => LbKind::Network,
        _ => LbKind::Classic,
    };
    let listeners: Vec<(u16, &str)> = {
        let mut v: Vec<(u16, &str)> = Vec::new();
        for (p, udp) in &plan.listeners {
            let port = PORTS[usize::from(*p) % PORTS.len()];
            let protocol = match kind {
                LbKind::Network if *udp => "UDP",
                LbKind::Network => "TCP",
                LbKind::Classic => "TCP",
                _ => "HTTPS",
            };
            if !v.iter().any(|(q, _)| *q == port) {
                v.push((port, protocol));
            }
        }
        v
    };
    // The load balancer's group.
    let has_groups = kind != LbKind::Network || plan.nlb_groups;
    let sg = SecurityGroupId::new("sg-lb");
    if has_groups {
        let from = if plan.open_in { "0.0.0.0/0" } else { "10.0.0.0/8" };
        let to = if plan.open_out { "0.0.0.0/0" } else { "10.0.0.0/8" };
        let ingress = listeners
            .iter()
            .map(|(p, proto)| {
                let n = if *proto == "UDP" { proto::UDP } else { proto::TCP };
                rule(
                    Protocol::Number(n),
                    L4Match::Ports(PortRange::single(*p)),
                    from,
                    "sg-lb",
                )
            })
            .collect();
        net.security_groups.insert(
            sg.clone(),
            SecurityGroup {
                id: sg.clone(),
                name: "lb".into(),
                vpc: vpc.clone(),
                description: String::new(),
                ingress,
                egress: vec![rule(Protocol::All, L4Match::Any, to, "sg-lb")],
                tags: Tags::new(),
                provenance: prov("sg-lb"),
            },
        );
    }
    // Targets first (they are the hosts before the nodes join).
    let hosts: Vec<NetworkInterface> = net
        .network_interfaces
        .values()
        .filter(|e| e.interface_type == "interface" && !e.private_ipv4.is_empty())
        .cloned()
        .collect();
    let instances: Vec<Instance> = net.instances.values().cloned().collect();
    let target_type = match plan.target_type {
        0 => TargetType::Instance,
        1 => TargetType::Ip,
        _ => TargetType::Lambda,
    };
    let target_port = TARGET_PORTS[usize::from(plan.target_port) % TARGET_PORTS.len()];
    let mut targets: Vec<Target> = Vec::new();
    for t in &plan.targets {
        let id = match target_type {
            TargetType::Instance => pick(&instances, *t).map(|i| i.id.to_string()),
            TargetType::Ip => pick(&hosts, *t).and_then(|e| e.primary_ipv4()).map(|a| a.to_string()),
            _ => Some("arn:aws:lambda:us-east-1:1:function:f".to_owned()),
        };
        if let Some(id) = id
            && !targets.iter().any(|x| x.id == id)
        {
            targets.push(Target {
                id,
                port: None,
                zone: None,
                health: Some("healthy".into()),
            });
        }
    }
    if plan.open_targets {
        for g in net.security_groups.values_mut().filter(|g| g.id != sg) {
            g.ingress
                .push(rule(Protocol::All, L4Match::Any, "0.0.0.0/0", g.id.as_str()));
            g.egress
                .push(rule(Protocol::All, L4Match::Any, "0.0.0.0/0", g.id.as_str()));
        }
    }
    let lb_id = "lb-0".to_owned();
    let tg_id = "tg-0".to_owned();
    net.elb.target_groups.insert(
        tg_id.clone(),
        TargetGroup {
            id: tg_id.clone(),
            name: "tg0".into(),
            protocol: Some(
                if listeners.iter().all(|l| l.1 == "UDP") {
                    "UDP"
                } else {
                    "TCP"
                }
                .into(),
            ),
            port: Some(target_port),
            target_type,
            vpc: Some(vpc.clone()),
            preserve_client_ip: plan.preserve,
            cross_zone: plan.tg_cross_zone,
            targets: (!plan.targets_unknown).then_some(targets),
            load_balancers: vec![lb_id.clone()],
            provenance: prov(&tg_id),
        },
    );
    // The nodes.
    let mut nodes = Vec::new();
    for (i, s) in chosen.iter().enumerate() {
        let salt = u32::try_from(i).unwrap_or(0) + 11;
        let addr = free_address(net, s, salt)?;
        let id = NetworkInterfaceId::new(format!("eni-lbnode-{i}"));
        let public = plan.public.then(|| PublicIpv4 {
            address: Ipv4Addr::new(54, 240, 0, u8::try_from(i + 1).unwrap_or(1)),
            allocation_id: None,
            assigned_at_apply: false,
        });
        net.network_interfaces.insert(
            id.clone(),
            NetworkInterface {
                id: id.clone(),
                subnet: s.id.clone(),
                vpc: vpc.clone(),
                interface_type: if kind == LbKind::Network {
                    "network_load_balancer".into()
                } else {
                    "interface".into()
                },
                description: format!("ELB {lb_id}"),
                private_ipv4: vec![PrivateIpv4 {
                    address: addr,
                    primary: true,
                    public_ip: public,
                    assigned_at_apply: false,
                }],
                ipv6: Vec::new(),
                groups: if has_groups { vec![sg.clone()] } else { Vec::new() },
                source_dest_check: true,
                attachment: None,
                requester_managed: true,
                status: "in-use".into(),
                tags: Tags::new(),
                provenance: prov(id.as_str()),
            },
        );
        nodes.push(id);
    }
    let lb = LoadBalancer {
        id: lb_id.clone(),
        name: "lb0".into(),
        dns_name: Some("lb0.example.elb.amazonaws.com".into()),
        kind,
        internet_facing: plan.public,
        vpc: vpc.clone(),
        subnets: chosen.iter().map(|s| s.id.clone()).collect(),
        security_groups: if has_groups { vec![sg] } else { Vec::new() },
        nodes,
        cross_zone: if kind == LbKind::Application {
            Some(true)
        } else {
            plan.cross_zone
        },
        state: "active".into(),
        listeners: listeners
            .iter()
            .map(|(port, protocol)| Listener {
                id: format!("{lb_id}:{port}"),
                protocol: (*protocol).to_owned(),
                port: *port,
                forwards: vec![tg_id.clone()],
                answers: None,
                provenance: prov(&lb_id),
            })
            .collect(),
        listeners_known: true,
        provenance: prov(&lb_id),
    };
    net.elb.load_balancers.insert(lb_id.clone(), lb);
    Some(lb_id)
}

/// Which packet to pin: (source: 0 internet, else a host index; node index; listener or other
/// port; UDP).
fn pin_plan() -> impl Strategy<Value = (u8, u8, bool, bool)> {
    (
        any::<u8>(),
        any::<u8>(),
        prop::bool::weighted(0.85),
        prop::bool::weighted(0.2),
    )
}

fn pinned(net: &Network, (src, node, listener_port, udp): (u8, u8, bool, bool)) -> Option<Packet> {
    let lb = net.elb.load_balancers.get("lb-0")?;
    let nodes: Vec<&NetworkInterface> = lb.nodes.iter().filter_map(|n| net.network_interfaces.get(n)).collect();
    let y = *pick(&nodes, node)?;
    let port = if listener_port {
        lb.listeners.first().map_or(443, |l| l.port)
    } else {
        3306
    };
    let protocol = if udp || lb.listeners.first().is_some_and(|l| l.protocol == "UDP") {
        proto::UDP
    } else {
        proto::TCP
    };
    let hosts: Vec<&NetworkInterface> = net
        .network_interfaces
        .values()
        .filter(|e| e.interface_type == "interface" && e.description.is_empty() && !e.private_ipv4.is_empty())
        .collect();
    if src % 2 == 0 {
        let dst = y.private_ipv4.first()?.public_ip.as_ref()?.address;
        return Some(Packet::with_ports(
            protocol,
            IpAddr::V4(Ipv4Addr::new(93, 184, 216, 34)),
            49152,
            IpAddr::V4(dst),
            port,
        ));
    }
    let x = *pick(&hosts, src / 2)?;
    Some(Packet::with_ports(
        protocol,
        IpAddr::V4(x.primary_ipv4()?),
        49152,
        IpAddr::V4(y.primary_ipv4()?),
        port,
    ))
}

/// (a) over load balancers: pinned packets to a node, from the internet and from hosts.
#[test]
fn elb_pinned_packets() {
    check(
        "elb::pinned_packets",
        file!(),
        400,
        (blueprint(BASE), lb_plan(), pin_plan()),
        |(b, l, pp), tally| {
            let mut net = b.build();
            if add_lb(&mut net, &l).is_none() {
                return Ok(());
            }
            match pinned(&net, pp) {
                Some(p) => pinned_packet_agrees(&net, p, false, tally),
                None => Ok(()),
            }
        },
    );
}

/// (b) over load balancers: random questions from the internet or a host to the load balancer
/// (witnesses replay, unreachable and unknown answers survive sampling).
#[test]
fn elb_random_questions() {
    check(
        "elb::random_questions",
        file!(),
        250,
        (blueprint(BASE), lb_plan(), any::<u8>(), any::<u8>(), any::<u64>()),
        |(b, l, from, ports, seed), tally| {
            let mut net = b.build();
            if add_lb(&mut net, &l).is_none() {
                return Ok(());
            }
            let hosts: Vec<String> = net
                .network_interfaces
                .values()
                .filter(|e| e.interface_type == "interface" && e.description.is_empty())
                .map(|e| e.id.to_string())
                .collect();
            let from = if from % 2 == 0 {
                "internet".to_owned()
            } else {
                pick(&hosts, from / 2).cloned().unwrap_or_else(|| "internet".to_owned())
            };
            question_agrees(
                &net,
                &from,
                "lb-0",
                Some(proto::TCP),
                query_ports(ports),
                None,
                false,
                seed,
                tally,
            )
        },
    );
}

/// The generator makes what it says: load balancers of every kind, scheme, target type and
/// preservation setting, and the network stays valid.
#[test]
fn elb_networks_are_valid_and_vary() {
    let mut runner = proptest::test_runner::TestRunner::default();
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..200 {
        let b = blueprint(BASE).new_tree(&mut runner).unwrap().current();
        let l = lb_plan().new_tree(&mut runner).unwrap().current();
        let mut net = b.build();
        if add_lb(&mut net, &l).is_none() {
            continue;
        }
        let errors: Vec<_> = vpcverify::model::validate::validate(&net)
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        let lb = &net.elb.load_balancers["lb-0"];
        let tg = &net.elb.target_groups["tg-0"];
        seen.insert(format!(
            "{:?}/{}/{:?}/{:?}",
            lb.kind, lb.internet_facing, tg.target_type, tg.preserve_client_ip
        ));
    }
    assert!(seen.len() >= 20, "{seen:?}");
}
