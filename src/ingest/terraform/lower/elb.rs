//! Load balancers in a Terraform plan or state (SEMANTICS.md §5.12): `aws_lb` (and its alias
//! `aws_alb`), `aws_lb_listener` (`default_action` blocks: `target_group_arn`,
//! `forward.target_group[].arn`, `redirect`, `fixed-response`), `aws_lb_target_group`
//! (`target_type`, `port`, `protocol`, `preserve_client_ip`), `aws_lb_target_group_attachment`
//! (`target_id`, `port`) and `aws_elb` (Classic: `listener` blocks, `instances`,
//! `cross_zone_load_balancing`, `internal`). Lowered into `model::ElbTopology`.
//!
//! A plan does not hold the nodes' network interfaces (AWS creates them at apply), so a load
//! balancer from a plan has no nodes: lint says so, and naming it in a question is an error
//! (ELB-1). A target group's registered targets are its attachments (a plan is the whole
//! configuration). Must not touch: forwarding decisions.

use super::vpc::need;
use super::{Kind, Lx, Obj, Val};
use crate::model::elb::*;
use crate::model::*;

fn port(o: Obj<'_>, k: &str) -> Option<u16> {
    o.i(k).known().and_then(|n| u16::try_from(n).ok())
}

/// Everything above, in dependency order.
pub fn load_balancers(lx: &mut Lx<'_>) {
    for t in lx
        .of_type("aws_lb_target_group")
        .chain(lx.of_type("aws_alb_target_group"))
        .collect::<Vec<_>>()
    {
        let o = Obj::of(t);
        let target_type = match o.s("target_type").known().as_deref() {
            Some("ip") => TargetType::Ip,
            Some("lambda") => TargetType::Lambda,
            Some("alb") => TargetType::Alb,
            _ => TargetType::Instance,
        };
        let vpc = if target_type == TargetType::Lambda {
            None
        } else {
            need(lx, t, o, &["vpc_id"], &[Kind::Vpc]).map(VpcId::new)
        };
        let id = lx.id(&t.address);
        let preserve = match o.s("preserve_client_ip") {
            Val::Known(s) => s.parse::<bool>().ok(),
            _ => None,
        };
        let tg = TargetGroup {
            id: id.clone(),
            name: o.s("name").known().unwrap_or_else(|| t.address.clone()),
            protocol: o.s("protocol").known().map(|s| s.to_ascii_uppercase()),
            port: port(o, "port"),
            target_type,
            vpc,
            preserve_client_ip: preserve,
            cross_zone: None,
            targets: Some(Vec::new()),
            load_balancers: Vec::new(),
            provenance: lx.prov(t),
        };
        lx.net.elb.target_groups.insert(id, tg);
    }
    for a in lx
        .of_type("aws_lb_target_group_attachment")
        .chain(lx.of_type("aws_alb_target_group_attachment"))
        .collect::<Vec<_>>()
    {
        let o = Obj::of(a);
        let Some(tg) = need(lx, a, o, &["target_group_arn"], &[Kind::TargetGroup]) else {
            continue;
        };
        let target = match lx.pick(a, o, &["target_id"], &[Kind::Instance]) {
            super::Pick::Known(s) | super::Pick::Found(_, s) => s,
            other => {
                lx.report(a, "target_id", &[Kind::Instance], &other);
                continue;
            }
        };
        if let Some(g) = lx.net.elb.target_groups.get_mut(&tg) {
            g.targets.get_or_insert_with(Vec::new).push(Target {
                id: target,
                port: port(o, "port"),
                zone: o.s("availability_zone").known(),
                health: None,
            });
        }
    }
    for l in lx.of_type("aws_lb").chain(lx.of_type("aws_alb")).collect::<Vec<_>>() {
        let o = Obj::of(l);
        let kind = match o.s("load_balancer_type").known().as_deref() {
            Some("network") => LbKind::Network,
            Some("gateway") => LbKind::Gateway,
            _ => LbKind::Application,
        };
        let Some(vpc) = first_subnet_vpc(lx, l, o) else {
            continue;
        };
        let (subnets, _) = lx.pick_many(l, o, &["subnets"], &[Kind::Subnet]);
        let (groups, _) = lx.pick_many(l, o, &["security_groups"], &[Kind::SecurityGroup]);
        let cross_zone = match kind {
            LbKind::Application => Some(true),
            _ => match o.b("enable_cross_zone_load_balancing") {
                Val::Known(b) => Some(b),
                Val::Absent => Some(false),
                Val::Unknown => None,
            },
        };
        let id = lx.id(&l.address);
        let lb = LoadBalancer {
            id: id.clone(),
            name: o.s("name").known().unwrap_or_else(|| l.address.clone()),
            dns_name: o.s("dns_name").known(),
            kind,
            internet_facing: !matches!(o.b("internal"), Val::Known(true)),
            vpc,
            subnets: subnets.into_iter().map(SubnetId::new).collect(),
            security_groups: groups.into_iter().map(SecurityGroupId::new).collect(),
            nodes: Vec::new(),
            cross_zone,
            state: "active".into(),
            listeners: Vec::new(),
            listeners_known: true,
            provenance: lx.prov(l),
        };
        lx.net.elb.load_balancers.insert(id, lb);
    }
    for l in lx
        .of_type("aws_lb_listener")
        .chain(lx.of_type("aws_alb_listener"))
        .collect::<Vec<_>>()
    {
        let o = Obj::of(l);
        let Some(lb) = need(lx, l, o, &["load_balancer_arn"], &[Kind::LoadBalancer]) else {
            continue;
        };
        let mut forwards = Vec::new();
        let mut answers = None;
        let (actions, _) = o.blocks("default_action");
        for a in actions {
            match a.s("type").known().as_deref() {
                Some("forward") => {
                    if let Some(tg) = lx
                        .pick(l, a, &["default_action", "target_group_arn"], &[Kind::TargetGroup])
                        .id()
                    {
                        forwards.push(tg.to_owned());
                    }
                    for f in a.blocks("forward").0 {
                        for g in f.blocks("target_group").0 {
                            if let Some(tg) = lx
                                .pick(
                                    l,
                                    g,
                                    &["default_action", "forward", "target_group", "arn"],
                                    &[Kind::TargetGroup],
                                )
                                .id()
                                && !forwards.iter().any(|x| x == tg)
                            {
                                forwards.push(tg.to_owned());
                            }
                        }
                    }
                }
                Some(kind @ ("redirect" | "fixed-response")) => answers = Some(kind.to_owned()),
                _ => {}
            }
        }
        let listener = Listener {
            id: lx.id(&l.address),
            protocol: o
                .s("protocol")
                .known()
                .unwrap_or_else(|| "HTTP".into())
                .to_ascii_uppercase(),
            port: port(o, "port").unwrap_or(80),
            forwards: forwards.clone(),
            answers,
            provenance: lx.prov(l),
        };
        for tg in &forwards {
            if let Some(g) = lx.net.elb.target_groups.get_mut(tg) {
                g.load_balancers.push(lb.clone());
            }
        }
        match lx.net.elb.load_balancers.get_mut(&lb) {
            Some(x) => x.listeners.push(listener),
            None => lx.warn(
                "dangling-reference",
                &l.address,
                format!("`{}` names load balancer `{lb}`, which is not in the input", l.address),
            ),
        }
    }
    for e in lx.of_type("aws_elb").collect::<Vec<_>>() {
        classic(lx, e);
    }
}

/// The VPC of a load balancer: its first subnet's.
fn first_subnet_vpc(lx: &mut Lx<'_>, l: &crate::ingest::terraform::document::Inst, o: Obj<'_>) -> Option<VpcId> {
    let (subnets, _) = lx.pick_many(l, o, &["subnets"], &[Kind::Subnet]);
    let vpc = subnets
        .iter()
        .find_map(|s| lx.net.subnets.get(&SubnetId::new(s.as_str())).map(|x| x.vpc.clone()));
    if vpc.is_none() {
        lx.warn(
            "unsupported",
            &l.address,
            format!(
                "`{}` names no subnet in the input (its VPC is unknown; `subnet_mapping` blocks are not read): left out",
                l.address
            ),
        );
    }
    vpc
}

/// `aws_elb`: a Classic Load Balancer; each instance port is an implicit target group.
fn classic(lx: &mut Lx<'_>, e: &crate::ingest::terraform::document::Inst) {
    let o = Obj::of(e);
    let Some(vpc) = first_subnet_vpc(lx, e, o) else { return };
    let name = o.s("name").known().unwrap_or_else(|| e.address.clone());
    let id = lx.id(&e.address);
    let (instances, _) = lx.pick_many(e, o, &["instances"], &[Kind::Instance]);
    let mut listeners = Vec::new();
    for l in o.blocks("listener").0 {
        let (Some(lport), Some(iport)) = (port(l, "lb_port"), port(l, "instance_port")) else {
            continue;
        };
        let tg_id = format!("{id}:{iport}");
        let prov = lx.prov(e);
        lx.net
            .elb
            .target_groups
            .entry(tg_id.clone())
            .or_insert_with(|| TargetGroup {
                id: tg_id.clone(),
                name: format!("{name}:{iport}"),
                protocol: l.s("instance_protocol").known().map(|s| s.to_ascii_uppercase()),
                port: Some(iport),
                target_type: TargetType::Instance,
                vpc: Some(vpc.clone()),
                preserve_client_ip: Some(false),
                cross_zone: None,
                targets: Some(
                    instances
                        .iter()
                        .map(|i| Target {
                            id: i.clone(),
                            port: None,
                            zone: None,
                            health: None,
                        })
                        .collect(),
                ),
                load_balancers: vec![id.clone()],
                provenance: prov,
            });
        listeners.push(Listener {
            id: format!("{id}:{lport}"),
            protocol: l
                .s("lb_protocol")
                .known()
                .unwrap_or_else(|| "TCP".into())
                .to_ascii_uppercase(),
            port: lport,
            forwards: vec![tg_id],
            answers: None,
            provenance: lx.prov(e),
        });
    }
    let (subnets, _) = lx.pick_many(e, o, &["subnets"], &[Kind::Subnet]);
    let (groups, _) = lx.pick_many(e, o, &["security_groups"], &[Kind::SecurityGroup]);
    let lb = LoadBalancer {
        id: id.clone(),
        name,
        dns_name: o.s("dns_name").known(),
        kind: LbKind::Classic,
        internet_facing: !matches!(o.b("internal"), Val::Known(true)),
        vpc,
        subnets: subnets.into_iter().map(SubnetId::new).collect(),
        security_groups: groups.into_iter().map(SecurityGroupId::new).collect(),
        nodes: Vec::new(),
        cross_zone: match o.b("cross_zone_load_balancing") {
            Val::Known(b) => Some(b),
            Val::Absent => Some(true),
            Val::Unknown => None,
        },
        state: "active".into(),
        listeners,
        listeners_known: true,
        provenance: lx.prov(e),
    };
    lx.net.elb.load_balancers.insert(id, lb);
}
