//! The configuration facts of the built-in pack, decided on the model when the pack is made
//! (no question to the engine), each located at its resource: VPCV-009 (a VPC's default
//! security group has rules, CIS 5.4 / FSBP EC2.2), VPCV-010 (a subnet assigns public IPv4
//! addresses on launch, FSBP EC2.15) and VPCV-013 (a VPC has no active flow log capturing
//! rejected traffic, CIS 3.7 / FSBP EC2.6; unknown when the input does not list flow logs).
//!
//! Must not touch: z3, printing.

use super::super::suite::{Assertion, Fact, Location};
use super::unreachable;
use crate::model::*;
use crate::query::engine::ProtocolChoice;

/// A fact assertion of rule `rule` (its index) about `resource`.
fn fact(rule: usize, name: String, resource: &str, location: Location, fact: Fact) -> Assertion {
    Assertion {
        fact: Some(fact),
        ..unreachable(rule, name, resource, resource, ProtocolChoice::All, location)
    }
}

/// VPCV-013's fact about one VPC: holds when an active flow log on the VPC itself captures
/// rejected traffic (`ALL` or `REJECT`: CIS asks for rejects at least, FSBP EC2.6 checks for
/// `REJECT`, which `ALL` includes); unknown when the input does not list flow logs for the VPC's
/// account and Region, or a flow log's traffic type is known only after apply; else violated,
/// naming what the VPC has instead (logs on its subnets or interfaces, accepted traffic only, an
/// inactive log).
pub fn flow_log_fact(net: &Network, vpc: &Vpc) -> Fact {
    let fl = &net.flow_logs;
    let logs: Vec<&FlowLog> = fl.on(vpc.id.as_str()).collect();
    if let Some(l) = logs
        .iter()
        .find(|l| l.active && l.traffic_type.is_some_and(TrafficType::captures_rejects))
    {
        return Fact::Holds(format!(
            "{} has flow log {} capturing {} traffic",
            vpc.id,
            l.id,
            l.traffic_type.map_or("", TrafficType::name)
        ));
    }
    let scope = net.scope_of(&vpc.provenance);
    let listed = fl.listed && (fl.listed_in.is_empty() || fl.listed_in.iter().any(|f| net.scopes.get(f) == scope));
    if !listed {
        return Fact::Unknown(format!(
            "the input does not list flow logs (a snapshot needs `aws ec2 describe-flow-logs` output, e.g. \
             describe-flow-logs.json, beside the others): whether {} logs its traffic is not decided",
            vpc.id
        ));
    }
    if let Some(l) = logs.iter().find(|l| l.active && l.traffic_type.is_none()) {
        return Fact::Unknown(format!(
            "the traffic type of flow log {} on {} is known only after apply",
            l.id, vpc.id
        ));
    }
    let mut has: Vec<String> = logs
        .iter()
        .map(|l| {
            let t = l.traffic_type.map_or("?", TrafficType::name);
            if l.active {
                format!("{} captures {t} only", l.id)
            } else {
                format!("{} ({t}) is not active", l.id)
            }
        })
        .collect();
    let narrower = fl
        .logs
        .values()
        .filter(|l| {
            net.subnets
                .get(&SubnetId::new(&l.resource))
                .is_some_and(|s| s.vpc == vpc.id)
                || net
                    .network_interfaces
                    .get(&NetworkInterfaceId::new(&l.resource))
                    .is_some_and(|e| e.vpc == vpc.id)
        })
        .count();
    if narrower > 0 {
        has.push(format!(
            "{narrower} flow log(s) on its subnets or interfaces, which do not cover the whole VPC"
        ));
    }
    let has = if has.is_empty() {
        String::new()
    } else {
        format!(" ({})", has.join("; "))
    };
    Fact::Violated(format!(
        "{} has no active flow log capturing rejected traffic (ALL or REJECT){has}; create one on the VPC \
         (CIS 3.7, FSBP EC2.6)",
        vpc.id
    ))
}

/// VPCV-009 and VPCV-010's assertions.
pub(super) fn assertions(net: &Network, out: &mut Vec<Assertion>, at: &dyn Fn(&Provenance) -> Location) {
    for g in net.security_groups.values().filter(|g| g.name == "default") {
        // A group the input does not write (a Terraform VPC's default group that no
        // `aws_default_security_group` adopts) is located at its VPC.
        let place = match net.vpcs.get(&g.vpc) {
            Some(v) if g.provenance.implicit => at(&v.provenance),
            _ => at(&g.provenance),
        };
        let (i, o) = (g.ingress.len(), g.egress.len());
        let verdict = if i + o == 0 {
            Fact::Holds(format!("default group {} of {} has no rules", g.id, g.vpc))
        } else {
            let implicit = if g.provenance.implicit {
                " (the rules AWS creates it with: the input does not remove them)"
            } else {
                ""
            };
            Fact::Violated(format!(
                "default group {} of {} has {i} inbound and {o} outbound rule(s){implicit}; remove them all \
                 (CIS 5.4, FSBP EC2.2)",
                g.id, g.vpc
            ))
        };
        out.push(fact(
            8,
            format!("VPCV-009 default group {} of {} has no rules", g.id, g.vpc),
            g.id.as_str(),
            place,
            verdict,
        ));
    }
    for sub in net.subnets.values() {
        let verdict = if sub.map_public_ip_on_launch {
            Fact::Violated(format!(
                "subnet {} assigns a public IPv4 address to every instance launched in it (MapPublicIpOnLaunch, \
                 FSBP EC2.15)",
                sub.id
            ))
        } else {
            Fact::Holds(format!("subnet {} assigns no public address on launch", sub.id))
        };
        out.push(fact(
            9,
            format!("VPCV-010 subnet {} assigns no public address on launch", sub.id),
            sub.id.as_str(),
            at(&sub.provenance),
            verdict,
        ));
    }
}

/// VPCV-013's assertions (after VPCV-012's, so that the pack's assertions stay in rule order).
pub(super) fn flow_log_assertions(net: &Network, out: &mut Vec<Assertion>, at: &dyn Fn(&Provenance) -> Location) {
    for vpc in net.vpcs.values() {
        out.push(fact(
            12,
            format!("VPCV-013 vpc {} has flow logs", vpc.id),
            vpc.id.as_str(),
            at(&vpc.provenance),
            flow_log_fact(net, vpc),
        ));
    }
}

/// The services of VPCV-014 (AWS FSBP EC2.10) and VPCV-015 (EC2.55, EC2.56, EC2.57, EC2.58,
/// EC2.60): the last labels of the endpoint service name `com.amazonaws.<region>.<service>`,
/// with the control and what the service is.
pub const ENDPOINT_SERVICES: [(&str, &str, &str); 6] = [
    ("ec2", "EC2.10", "the Amazon EC2 API"),
    ("ecr.api", "EC2.55", "the Amazon ECR API"),
    ("ecr.dkr", "EC2.56", "the Amazon ECR Docker registry"),
    ("ssm", "EC2.57", "AWS Systems Manager"),
    ("ssm-contacts", "EC2.58", "Systems Manager Incident Manager Contacts"),
    ("ssm-incidents", "EC2.60", "Systems Manager Incident Manager"),
];

/// True when `name` is the endpoint service name of `service` in some Region:
/// `com.amazonaws.<region>.<service>`, or its FIPS variant `<service>-fips` (AWS Config's
/// `vpc-endpoint-enabled` counts FIPS endpoints too).
pub fn names_service(name: &str, service: &str) -> bool {
    let Some(rest) = name.strip_prefix("com.amazonaws.") else {
        return false;
    };
    let Some((region, tail)) = rest.split_once('.') else {
        return false;
    };
    !region.is_empty() && (tail == service || tail.strip_suffix("-fips") == Some(service))
}

/// VPCV-014 and VPCV-015's fact about one VPC and service: holds when the VPC has an endpoint
/// for the service that is available (or whose state is known only after apply, a plan's);
/// unknown when the input does not list endpoints for the VPC's account and Region, or one of
/// the VPC's endpoints has a service name known only after apply; else violated.
pub fn endpoint_fact(net: &Network, vpc: &Vpc, service: &str, control: &str) -> Fact {
    let mine: Vec<&VpcEndpoint> = net.vpc_endpoints.values().filter(|e| e.vpc == vpc.id).collect();
    let usable = |e: &&&VpcEndpoint| e.state.is_empty() || e.state.eq_ignore_ascii_case("available");
    if let Some(e) = mine
        .iter()
        .filter(usable)
        .find(|e| names_service(&e.service_name, service))
    {
        return Fact::Holds(format!("{} has endpoint {} for {}", vpc.id, e.id, e.service_name));
    }
    let region = net
        .scope_of(&vpc.provenance)
        .and_then(|s| s.region.clone())
        .unwrap_or_else(|| "<region>".to_owned());
    let wanted = format!("com.amazonaws.{region}.{service}");
    if !net.endpoints_listed.covers(net, &vpc.provenance.file) {
        return Fact::Unknown(format!(
            "the input does not list VPC endpoints (a snapshot needs `aws ec2 describe-vpc-endpoints` output, \
             e.g. describe-vpc-endpoints.json, beside the others): whether {} has an endpoint for {wanted} is \
             not decided",
            vpc.id
        ));
    }
    if let Some(e) = mine.iter().find(|e| e.service_name.is_empty()) {
        return Fact::Unknown(format!(
            "the service name of endpoint {} of {} is known only after apply",
            e.id, vpc.id
        ));
    }
    let inactive: Vec<String> = mine
        .iter()
        .filter(|e| names_service(&e.service_name, service))
        .map(|e| format!("{} is {}", e.id, e.state))
        .collect();
    let inactive = if inactive.is_empty() {
        String::new()
    } else {
        format!(" ({})", inactive.join(", "))
    };
    Fact::Violated(format!(
        "{} has no available VPC endpoint for {wanted}{inactive}: its calls to that service can only go to \
         the service's public endpoint, through an internet gateway or NAT device if it has one; create an \
         interface endpoint (FSBP {control})",
        vpc.id
    ))
}

/// VPCV-014 and VPCV-015's assertions: one per VPC and service.
pub(super) fn endpoint_assertions(net: &Network, out: &mut Vec<Assertion>, at: &dyn Fn(&Provenance) -> Location) {
    for (rule, services) in [(13, &ENDPOINT_SERVICES[..1]), (14, &ENDPOINT_SERVICES[1..])] {
        for vpc in net.vpcs.values() {
            for (service, control, what) in services {
                out.push(fact(
                    rule,
                    format!(
                        "VPCV-{:03} vpc {} has an endpoint for {what} ({service})",
                        rule + 1,
                        vpc.id
                    ),
                    vpc.id.as_str(),
                    at(&vpc.provenance),
                    endpoint_fact(net, vpc, service, control),
                ));
            }
        }
    }
}

#[cfg(test)]
mod endpoint_tests {
    use super::names_service;

    #[test]
    fn service_names_match_in_any_region_and_fips() {
        assert!(names_service("com.amazonaws.eu-west-1.ec2", "ec2"));
        assert!(names_service("com.amazonaws.us-east-1.ecr.api", "ecr.api"));
        assert!(names_service("com.amazonaws.us-gov-west-1.ec2-fips", "ec2"));
        assert!(!names_service("com.amazonaws.eu-west-1.ec2messages", "ec2"));
        assert!(!names_service("com.amazonaws.eu-west-1.ecr.dkr", "ecr.api"));
        assert!(!names_service("com.amazonaws.eu-west-1.ssm-contacts", "ssm"));
        assert!(!names_service("aws.sagemaker.eu-west-1.notebook", "notebook"));
        assert!(!names_service("com.amazonaws.ec2", "ec2"));
    }
}
