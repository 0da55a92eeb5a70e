//! Elastic Load Balancing outputs (SEMANTICS.md §5.12, ELB-1..ELB-12): `aws elbv2
//! describe-load-balancers`, `describe-listeners`, `describe-rules`, `describe-target-groups`,
//! `describe-target-health`, `describe-target-group-attributes`,
//! `describe-load-balancer-attributes`, and `aws elb describe-load-balancers` (Classic) with its
//! `describe-load-balancer-attributes`.
//!
//! Shapes (Elastic Load Balancing API reference, version 2015-12-01 and 2012-06-01):
//! `LoadBalancer` (`LoadBalancerArn`, `LoadBalancerName`, `DNSName`, `Scheme`, `VpcId`, `Type`,
//! `State.Code`, `AvailabilityZones[].SubnetId`, `SecurityGroups`), `Listener` (`ListenerArn`,
//! `LoadBalancerArn`, `Port`, `Protocol`, `DefaultActions[]` { `Type`, `TargetGroupArn`,
//! `ForwardConfig.TargetGroups[].TargetGroupArn` }), `Rule` (`RuleArn`, `Actions[]`),
//! `TargetGroup` (`TargetGroupArn`, `TargetGroupName`, `Protocol`, `Port`, `VpcId`,
//! `TargetType`, `LoadBalancerArns`), `TargetHealthDescription` (`Target` { `Id`, `Port`,
//! `AvailabilityZone` }, `TargetHealth.State`), attributes (`Attributes[]` { `Key`, `Value` });
//! Classic `LoadBalancerDescription` (`LoadBalancerName`, `DNSName`, `Scheme`, `VPCId`,
//! `Subnets`, `SecurityGroups`, `ListenerDescriptions[].Listener` { `Protocol`,
//! `LoadBalancerPort`, `InstancePort` }, `Instances[].InstanceId`) and
//! `LoadBalancerAttributes.CrossZoneLoadBalancing.Enabled`.
//!
//! `describe-target-health` and the attribute commands print nothing that names the target group
//! or load balancer they were asked about: like transit gateway route table outputs, the name is
//! taken from the file's path (`describe-target-health.web-tg.json`, or a directory named after
//! the group); a file whose path names none is a warning and is not read.
//!
//! A load balancer's nodes (ELB-1) are the interfaces `describe-network-interfaces` lists with
//! the description ELB gives them: `ELB app/<name>/<id>`, `ELB net/<name>/<id>` (the load
//! balancer ARN's last part) or `ELB <name>` (Classic).
//! Must not touch: forwarding decisions.

use super::json::{Obj, R};
use super::{Loc, Lower, Pending};
use crate::model::elb::*;
use crate::model::*;
use std::path::Path;

/// The part of an ARN after `loadbalancer/` or `targetgroup/` (`app/my-alb/50dc…`).
fn arn_tail<'a>(arn: &'a str, marker: &str) -> Option<&'a str> {
    arn.find(marker).map(|i| &arn[i + marker.len()..])
}

fn port(o: &Obj<'_>, key: &str) -> R<Option<u16>> {
    match o.int(key)? {
        None => Ok(None),
        Some(n) => u16::try_from(n).map(Some).map_err(|_| {
            super::json::Bad::invalid(format!("`{}` is {n}, which is not a port (0-65535)", o.field(key)))
        }),
    }
}

/// True iff a component of `path` (split at `/` and `.`) is `name`.
fn path_names(path: &Path, name: &str) -> bool {
    path.iter()
        .filter_map(|c| c.to_str())
        .any(|c| c == name || c.split('.').any(|part| part == name))
}

impl Lower {
    /// `elbv2 describe-load-balancers`.
    pub(super) fn load_balancer(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let name = o.req_str("LoadBalancerName")?.to_owned();
        let kind = match o.str("Type")?.unwrap_or("application").to_ascii_lowercase().as_str() {
            "application" => LbKind::Application,
            "network" => LbKind::Network,
            "gateway" => LbKind::Gateway,
            other => {
                return Err(super::json::Bad::invalid(format!(
                    "`Type` is `{other}`, not application, network or gateway"
                )));
            }
        };
        let mut subnets = Vec::new();
        for z in o.objs("AvailabilityZones")? {
            if let Some(s) = z.id("SubnetId")? {
                subnets.push(SubnetId::from(s));
            }
        }
        let groups = self.string_list(o, "SecurityGroups")?;
        let tail = arn_tail(loc.resource, "loadbalancer/").unwrap_or(loc.resource);
        let nodes = self.nodes_described(&format!("ELB {tail}"));
        let state = o.obj("State")?.map(|s| s.str("Code")).transpose()?.flatten();
        let lb = LoadBalancer {
            id: loc.resource.to_owned(),
            name,
            dns_name: o.str("DNSName")?.map(str::to_owned),
            kind,
            internet_facing: o
                .str("Scheme")?
                .is_some_and(|s| s.eq_ignore_ascii_case("internet-facing")),
            vpc: VpcId::from(o.req_id("VpcId")?),
            subnets,
            security_groups: groups.into_iter().map(SecurityGroupId::from).collect(),
            nodes,
            // ELB-7: cross-zone load balancing is always on for an Application Load Balancer
            // (its target groups may turn it off, which the attributes then say).
            cross_zone: (kind == LbKind::Application).then_some(true),
            state: super::state(state, "active"),
            listeners: Vec::new(),
            listeners_known: false,
            provenance: loc.provenance(),
        };
        self.net.elb.load_balancers.insert(lb.id.clone(), lb);
        Ok(())
    }

    /// `elb describe-load-balancers` (Classic): listeners and instances are part of the output;
    /// each instance port is an implicit target group `<name>:<port>`.
    pub(super) fn classic_load_balancer(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let name = loc.resource.to_owned();
        let Some(vpc) = o.id("VPCId")? else {
            self.warn(
                loc,
                "unsupported",
                format!("Classic Load Balancer `{name}` is not in a VPC (EC2-Classic): not modelled"),
            );
            return Ok(());
        };
        let instances: Vec<String> = o
            .objs("Instances")?
            .iter()
            .map(|i| i.req_id("InstanceId").map(str::to_owned))
            .collect::<R<_>>()?;
        let mut listeners = Vec::new();
        for d in o.objs("ListenerDescriptions")? {
            let Some(l) = d.obj("Listener")? else { continue };
            let lport =
                port(&l, "LoadBalancerPort")?.ok_or_else(|| super::json::Bad::missing(&l.field("LoadBalancerPort")))?;
            let iport = port(&l, "InstancePort")?.ok_or_else(|| super::json::Bad::missing(&l.field("InstancePort")))?;
            let tg_id = format!("{name}:{iport}");
            self.net
                .elb
                .target_groups
                .entry(tg_id.clone())
                .or_insert_with(|| TargetGroup {
                    id: tg_id.clone(),
                    name: tg_id.clone(),
                    protocol: l.str("InstanceProtocol").ok().flatten().map(str::to_ascii_uppercase),
                    port: Some(iport),
                    target_type: TargetType::Instance,
                    vpc: Some(VpcId::from(vpc)),
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
                    load_balancers: vec![name.clone()],
                    provenance: loc.provenance(),
                });
            listeners.push(Listener {
                id: format!("{name}:{lport}"),
                protocol: l.req_str("Protocol")?.to_ascii_uppercase(),
                port: lport,
                forwards: vec![tg_id],
                answers: None,
                provenance: loc.provenance().item(format!("listener {lport}")),
            });
        }
        let lb = LoadBalancer {
            id: name.clone(),
            name: name.clone(),
            dns_name: o.str("DNSName")?.map(str::to_owned),
            kind: LbKind::Classic,
            internet_facing: o
                .str("Scheme")?
                .is_some_and(|s| s.eq_ignore_ascii_case("internet-facing")),
            vpc: VpcId::from(vpc),
            subnets: self
                .string_list(o, "Subnets")?
                .into_iter()
                .map(SubnetId::from)
                .collect(),
            security_groups: self
                .string_list(o, "SecurityGroups")?
                .into_iter()
                .map(SecurityGroupId::from)
                .collect(),
            nodes: self.nodes_described(&format!("ELB {name}")),
            cross_zone: None,
            state: "active".into(),
            listeners,
            listeners_known: true,
            provenance: loc.provenance(),
        };
        self.net.elb.load_balancers.insert(lb.id.clone(), lb);
        Ok(())
    }

    fn string_list(&self, o: &Obj<'_>, key: &str) -> R<Vec<String>> {
        o.list(key)?
            .iter()
            .map(|v| match v {
                serde_json::Value::String(s) => Ok(s.clone()),
                other => Err(super::json::Bad::wrong_type(&o.field(key), "a list of strings", other)),
            })
            .collect()
    }

    /// The interfaces whose description is `desc` (ELB-1).
    fn nodes_described(&self, desc: &str) -> Vec<NetworkInterfaceId> {
        self.net
            .network_interfaces
            .values()
            .filter(|e| e.description == desc)
            .map(|e| e.id.clone())
            .collect()
    }

    /// `elbv2 describe-target-groups`.
    pub(super) fn target_group(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let target_type = match o.str("TargetType")?.unwrap_or("instance").to_ascii_lowercase().as_str() {
            "instance" => TargetType::Instance,
            "ip" => TargetType::Ip,
            "lambda" => TargetType::Lambda,
            "alb" => TargetType::Alb,
            other => {
                return Err(super::json::Bad::invalid(format!(
                    "`TargetType` is `{other}`, not instance, ip, lambda or alb"
                )));
            }
        };
        let tg = TargetGroup {
            id: loc.resource.to_owned(),
            name: o.req_str("TargetGroupName")?.to_owned(),
            protocol: o.str("Protocol")?.map(str::to_ascii_uppercase),
            port: port(o, "Port")?,
            target_type,
            vpc: o.id("VpcId")?.map(VpcId::from),
            preserve_client_ip: None,
            cross_zone: None,
            targets: None,
            load_balancers: self.string_list(o, "LoadBalancerArns")?,
            provenance: loc.provenance(),
        };
        self.net.elb.target_groups.insert(tg.id.clone(), tg);
        Ok(())
    }

    /// `elbv2 describe-listeners`.
    pub(super) fn listener(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let lb_arn = o.req_id("LoadBalancerArn")?;
        let lport = port(o, "Port")?.ok_or_else(|| super::json::Bad::missing(&o.field("Port")))?;
        let (forwards, answers) = forwards_of(&o.objs("DefaultActions")?)?;
        let listener = Listener {
            id: loc.resource.to_owned(),
            protocol: o.str("Protocol")?.unwrap_or("").to_ascii_uppercase(),
            port: lport,
            forwards,
            answers,
            provenance: loc.provenance(),
        };
        match self.net.elb.load_balancers.get_mut(lb_arn) {
            Some(lb) => {
                lb.listeners_known = true;
                lb.listeners.retain(|l| l.id != listener.id);
                lb.listeners.push(listener);
            }
            None => self.warn(
                loc,
                "dangling-reference",
                format!(
                    "listener `{}` belongs to load balancer `{lb_arn}`, which is not in the input: ignored",
                    loc.resource
                ),
            ),
        }
        Ok(())
    }

    /// `elbv2 describe-rules`: the target groups a rule forwards to are candidates of its
    /// listener too (ELB-3); the listener is the rule ARN's listener.
    pub(super) fn listener_rule(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let (forwards, _) = forwards_of(&o.objs("Actions")?)?;
        // arn:…:listener-rule/app/NAME/LB/LISTENER/RULE -> arn:…:listener/app/NAME/LB/LISTENER
        let rule = loc.resource;
        let listener_arn = rule
            .rsplit_once('/')
            .map(|(head, _)| head.replacen(":listener-rule/", ":listener/", 1));
        let Some(listener_arn) = listener_arn else {
            return Ok(());
        };
        let found = self
            .net
            .elb
            .load_balancers
            .values_mut()
            .flat_map(|lb| lb.listeners.iter_mut())
            .find(|l| l.id == listener_arn);
        match found {
            Some(l) => {
                for f in forwards {
                    if !l.forwards.contains(&f) {
                        l.forwards.push(f);
                    }
                }
            }
            None => self.warn(
                loc,
                "dangling-reference",
                format!("rule `{rule}` belongs to listener `{listener_arn}`, which is not in the input: ignored"),
            ),
        }
        Ok(())
    }

    /// `elbv2 describe-target-health`: the registered targets of the group the file's path names.
    pub(super) fn target_health(&mut self, p: &Pending<'_>) {
        let Some(tg_id) = self.group_in_path(p.path) else {
            self.diags.push(
                Diagnostic::warning(
                    "unattributed",
                    "`TargetHealthDescriptions` does not say which target group it describes, and the file's path names none (put the target group's name in the file name, e.g. `describe-target-health.web-tg.json`): not read",
                )
                .in_file(p.file),
            );
            return;
        };
        let mut targets = Vec::new();
        for (i, item) in p.items.iter().enumerate() {
            let pos = format!("{}[{i}]", p.key);
            let loc = Loc {
                file: p.file,
                resource: &pos,
            };
            let read = || -> R<Target> {
                let o = Obj::of(item, "")?;
                let t = o.obj("Target")?.ok_or_else(|| super::json::Bad::missing("Target"))?;
                let health = o.obj("TargetHealth")?.map(|h| h.str("State")).transpose()?.flatten();
                Ok(Target {
                    id: t.req_id("Id")?.to_owned(),
                    port: port(&t, "Port")?,
                    zone: t.str("AvailabilityZone")?.map(str::to_owned),
                    health: health.map(str::to_ascii_lowercase),
                })
            };
            if let Some(t) = self.entry(loc, read(), "target skipped") {
                targets.push(t);
            }
        }
        if let Some(tg) = self.net.elb.target_groups.get_mut(&tg_id) {
            tg.targets.get_or_insert_with(Vec::new).extend(targets);
        }
    }

    /// `describe-target-group-attributes` or elbv2 `describe-load-balancer-attributes`: the
    /// attributes of the group or load balancer the file's path names.
    pub(super) fn elb_attributes(&mut self, p: &Pending<'_>) {
        let mut attrs = Vec::new();
        for item in p.items {
            if let Ok(o) = Obj::of(item, "")
                && let (Ok(Some(k)), Ok(Some(v))) = (o.str("Key"), o.str("Value"))
            {
                attrs.push((k.to_owned(), v.trim().to_ascii_lowercase()));
            }
        }
        let get = |key: &str| attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        let flag = |v: Option<&str>| {
            v.and_then(|v| match v {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            })
        };
        let group = self.group_in_path(p.path);
        let lb = self
            .net
            .elb
            .load_balancers
            .values()
            .find(|lb| path_names(p.path, &lb.name))
            .map(|lb| lb.id.clone());
        let tg_file = p.path.to_string_lossy().contains("target-group");
        match (group, lb) {
            (Some(g), lb) if tg_file || lb.is_none() => {
                if let Some(tg) = self.net.elb.target_groups.get_mut(&g) {
                    if let Some(b) = flag(get("preserve_client_ip.enabled")) {
                        tg.preserve_client_ip = Some(b);
                    }
                    if let Some(b) = flag(get("load_balancing.cross_zone.enabled")) {
                        tg.cross_zone = Some(b);
                    }
                }
            }
            (_, Some(l)) => {
                if let Some(lb) = self.net.elb.load_balancers.get_mut(&l)
                    && let Some(b) = flag(get("load_balancing.cross_zone.enabled"))
                {
                    lb.cross_zone = Some(b || lb.kind == LbKind::Application);
                }
            }
            _ => self.diags.push(
                Diagnostic::warning(
                    "unattributed",
                    "`Attributes` does not say which target group or load balancer it describes, and the file's path names none (put its name in the file name, e.g. `describe-target-group-attributes.web-tg.json`): not read",
                )
                .in_file(p.file),
            ),
        }
    }

    /// Classic `describe-load-balancer-attributes`: cross-zone load balancing.
    pub(super) fn classic_attributes(&mut self, path: &Path, file: &str, value: &serde_json::Value) {
        let enabled = value
            .get("CrossZoneLoadBalancing")
            .and_then(|c| c.get("Enabled"))
            .and_then(serde_json::Value::as_bool);
        let lb = self
            .net
            .elb
            .load_balancers
            .values_mut()
            .filter(|lb| lb.kind == LbKind::Classic)
            .find(|lb| path_names(path, &lb.name));
        match (lb, enabled) {
            (Some(lb), Some(b)) => lb.cross_zone = Some(b),
            (None, _) => self.diags.push(
                Diagnostic::warning(
                    "unattributed",
                    "`LoadBalancerAttributes` does not say which Classic Load Balancer it describes, and the file's path names none: not read",
                )
                .in_file(file),
            ),
            _ => {}
        }
    }

    /// The target group the path names (by name, or by the id part of its ARN).
    fn group_in_path(&self, path: &Path) -> Option<String> {
        let groups = &self.net.elb.target_groups;
        groups
            .values()
            .find(|g| {
                path_names(path, &g.name)
                    || arn_tail(&g.id, "targetgroup/")
                        .and_then(|t| t.rsplit('/').next())
                        .is_some_and(|h| path_names(path, h))
            })
            .map(|g| g.id.clone())
    }
}

/// The target groups a list of actions forwards to, and the type of an action that answers the
/// client itself (ELB-3).
fn forwards_of(actions: &[Obj<'_>]) -> R<(Vec<String>, Option<String>)> {
    let mut forwards = Vec::new();
    let mut answers = None;
    for a in actions {
        let kind = a.str("Type")?.unwrap_or("").to_ascii_lowercase();
        match kind.as_str() {
            "forward" => {
                if let Some(t) = a.id("TargetGroupArn")? {
                    forwards.push(t.to_owned());
                }
                if let Some(fc) = a.obj("ForwardConfig")? {
                    for t in fc.objs("TargetGroups")? {
                        if let Some(id) = t.id("TargetGroupArn")?
                            && !forwards.iter().any(|f| f == id)
                        {
                            forwards.push(id.to_owned());
                        }
                    }
                }
            }
            "redirect" | "fixed-response" => answers = Some(kind),
            _ => {}
        }
    }
    Ok((forwards, answers))
}
