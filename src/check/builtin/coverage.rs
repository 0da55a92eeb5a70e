//! The coverage table: every network-related control of the CIS AWS Foundations Benchmark
//! (networking section), AWS Foundational Security Best Practices (EC2 and VPC network
//! controls), Prowler's EC2/VPC network checks, and checkov's and Trivy's network checks, each
//! mapped to the VPCV rules that decide it, or to why none does. [`markdown`] renders it; a test
//! keeps README.md's copy in step.
//!
//! Must not touch: anything but this data.

/// How a control is decided here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// By the engine: a packet gets through or none does.
    Reachability,
    /// A configuration fact checked on the model, the resource located (and, where it says
    /// so, the reachability rule too).
    Configuration,
    /// A configuration fact, not a reachability question, that the pack does not check yet.
    NotYet,
    /// Not a network question, or one the model cannot answer.
    NotApplicable,
}

/// One control.
#[derive(Debug, Clone, Copy)]
pub struct Control {
    /// `CIS`, `FSBP`, `Prowler`, `checkov`, `Trivy`.
    pub source: &'static str,
    /// The control's id.
    pub id: &'static str,
    /// What it asks, shortly.
    pub title: &'static str,
    /// The VPCV rules that decide it.
    pub rules: &'static [&'static str],
    /// How.
    pub how: How,
    /// Why, when no rule applies, or what differs.
    pub note: &'static str,
}

const fn c(
    source: &'static str,
    id: &'static str,
    title: &'static str,
    rules: &'static [&'static str],
    how: How,
    note: &'static str,
) -> Control {
    Control {
        source,
        id,
        title,
        rules,
        how,
        note,
    }
}

use How::{Configuration as C, NotApplicable as NA, Reachability as R};

const ADMIN: &[&str] = &["VPCV-001", "VPCV-002"];
const FLOW_LOGS: &[&str] = &["VPCV-013"];
const ANY_PORT: &[&str] = &["VPCV-008"];
const EGRESS: &[&str] = &["VPCV-011"];
const LATERAL: &[&str] = &["VPCV-012"];
const DEFAULT_SG: &[&str] = &["VPCV-009", "VPCV-004"];
const AUTO_IP: &[&str] = &["VPCV-010", "VPCV-005"];
const PUBLIC_IP: &[&str] = &["VPCV-001", "VPCV-002", "VPCV-003", "VPCV-005", "VPCV-007", "VPCV-008"];
const NONE: &[&str] = &[];

/// The controls, by source.
pub const CONTROLS: &[Control] = &[
    c(
        "CIS",
        "5.1",
        "no network ACL admits 0.0.0.0/0 to ports 22, 3389",
        ADMIN,
        R,
        "asked of every interface behind the ACL, with the groups and routes",
    ),
    c(
        "CIS",
        "5.2",
        "no security group admits 0.0.0.0/0 to ports 22, 3389",
        ADMIN,
        R,
        "",
    ),
    c(
        "CIS",
        "5.3",
        "no security group admits ::/0 to ports 22, 3389",
        ADMIN,
        R,
        "the internet endpoint covers IPv6 sources too",
    ),
    c(
        "CIS",
        "5.4",
        "the default security group of every VPC restricts all traffic",
        DEFAULT_SG,
        C,
        "VPCV-009: the group has no rules; VPCV-004: nothing reaches its members",
    ),
    c(
        "CIS",
        "5.5",
        "routing tables for VPC peering are least access",
        LATERAL,
        R,
        "VPCV-012: no high-risk port from a peered VPC; least access beyond that is intent: write the allowed flows as a suite",
    ),
    c(
        "CIS",
        "5.6",
        "EC2 metadata service allows IMDSv2 only",
        NONE,
        NA,
        "not a network control",
    ),
    c(
        "CIS",
        "3.7",
        "VPC flow logging is enabled in all VPCs",
        FLOW_LOGS,
        C,
        "3.9 in v1.4.0, 2.9 in v1.2.0; an active flow log on the VPC capturing ALL or REJECT; unknown when the input lists no flow logs",
    ),
    c(
        "FSBP",
        "EC2.2",
        "VPC default security groups allow no inbound or outbound traffic",
        DEFAULT_SG,
        C,
        "VPCV-009: the group has no rules; VPCV-004: nothing reaches its members",
    ),
    c(
        "FSBP",
        "EC2.6",
        "VPC flow logging is enabled in all VPCs",
        FLOW_LOGS,
        C,
        "EC2.6 checks for REJECT; ALL captures rejects too and counts",
    ),
    c(
        "FSBP",
        "EC2.9",
        "instances have no public IPv4 address",
        PUBLIC_IP,
        R,
        "a public address is a finding only when a packet reaches through it",
    ),
    c(
        "FSBP",
        "EC2.10",
        "EC2 is used through a VPC endpoint",
        &["VPCV-014"],
        C,
        "opt-in (`--builtin-rules VPCV-014`): an available endpoint for com.amazonaws.<region>.ec2 in each VPC; unknown when the input lists no endpoints",
    ),
    c(
        "FSBP",
        "EC2.13",
        "no security group admits 0.0.0.0/0 or ::/0 to port 22",
        &["VPCV-001"],
        R,
        "",
    ),
    c(
        "FSBP",
        "EC2.14",
        "no security group admits 0.0.0.0/0 or ::/0 to port 3389",
        &["VPCV-002"],
        R,
        "",
    ),
    c(
        "FSBP",
        "EC2.15",
        "subnets do not auto-assign public IP addresses",
        AUTO_IP,
        C,
        "VPCV-010: MapPublicIpOnLaunch; VPCV-005: whether the internet reaches a private subnet",
    ),
    c(
        "FSBP",
        "EC2.16",
        "unused network ACLs are removed",
        NONE,
        NA,
        "hygiene: an unused ACL carries no traffic",
    ),
    c(
        "FSBP",
        "EC2.17",
        "instances do not use multiple ENIs",
        NONE,
        NA,
        "inventory, not reachability",
    ),
    c(
        "FSBP",
        "EC2.18",
        "security groups admit unrestricted traffic only on authorised ports",
        ANY_PORT,
        R,
        "authorised: 80, 443",
    ),
    c(
        "FSBP",
        "EC2.19",
        "security groups do not admit unrestricted traffic to high-risk ports",
        &["VPCV-001", "VPCV-002", "VPCV-003", "VPCV-007"],
        R,
        "all 24 ports",
    ),
    c(
        "FSBP",
        "EC2.21",
        "network ACLs do not admit 0.0.0.0/0 to ports 22, 3389",
        ADMIN,
        R,
        "",
    ),
    c(
        "FSBP",
        "EC2.22",
        "unused security groups are removed",
        NONE,
        NA,
        "hygiene: an unused group carries no traffic",
    ),
    c(
        "FSBP",
        "EC2.25",
        "launch templates do not assign public IPs",
        NONE,
        NA,
        "launch templates are not modelled",
    ),
    c(
        "FSBP",
        "EC2.53",
        "security groups do not admit 0.0.0.0/0 to remote administration ports",
        ADMIN,
        R,
        "",
    ),
    c(
        "FSBP",
        "EC2.54",
        "security groups do not admit ::/0 to remote administration ports",
        ADMIN,
        R,
        "",
    ),
    c(
        "FSBP",
        "EC2.55-58, EC2.60",
        "VPCs have interface endpoints for ECR, Systems Manager and others",
        &["VPCV-015"],
        C,
        "opt-in (`--builtin-rules VPCV-015`): ecr.api, ecr.dkr, ssm, ssm-contacts, ssm-incidents, one finding per VPC and service; unknown when the input lists no endpoints",
    ),
    c(
        "FSBP",
        "EC2.172",
        "VPC Block Public Access blocks internet gateway traffic",
        NONE,
        NA,
        "the setting is account configuration; its effect is modelled (BPA rules) and decides every rule above",
    ),
    c(
        "Prowler",
        "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22",
        "ssh from the internet",
        &["VPCV-001"],
        R,
        "",
    ),
    c(
        "Prowler",
        "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389",
        "rdp from the internet",
        &["VPCV-002"],
        R,
        "",
    ),
    c(
        "Prowler",
        "ec2_securitygroup_allow_ingress_from_internet_to_tcp_ftp_port_20_21",
        "ftp from the internet",
        &["VPCV-007"],
        R,
        "",
    ),
    c(
        "Prowler",
        "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_telnet_23",
        "telnet from the internet",
        &["VPCV-007"],
        R,
        "",
    ),
    c(
        "Prowler",
        "ec2_securitygroup_allow_ingress_from_internet_to_port_mongodb_27017_27018",
        "mongodb from the internet",
        &["VPCV-003", "VPCV-008"],
        R,
        "27017 by VPCV-003, 27018 by VPCV-008",
    ),
    c(
        "Prowler",
        "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_mysql_3306",
        "mysql from the internet",
        &["VPCV-003"],
        R,
        "",
    ),
    c(
        "Prowler",
        "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_oracle_1521_2483",
        "oracle from the internet",
        &["VPCV-003", "VPCV-008"],
        R,
        "2483 by VPCV-008",
    ),
    c(
        "Prowler",
        "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_postgres_5432",
        "postgres from the internet",
        &["VPCV-003"],
        R,
        "",
    ),
    c(
        "Prowler",
        "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_redis_6379",
        "redis from the internet",
        &["VPCV-003"],
        R,
        "",
    ),
    c(
        "Prowler",
        "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_sql_server_1433_1434",
        "sql server from the internet",
        &["VPCV-003", "VPCV-007"],
        R,
        "",
    ),
    c(
        "Prowler",
        "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_cassandra_7199_9160_8888",
        "cassandra from the internet",
        &["VPCV-007", "VPCV-008"],
        R,
        "",
    ),
    c(
        "Prowler",
        "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_elasticsearch_kibana_9200_9300_5601",
        "elasticsearch, kibana from the internet",
        &["VPCV-003", "VPCV-007"],
        R,
        "",
    ),
    c(
        "Prowler",
        "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_kafka_9092",
        "kafka from the internet",
        ANY_PORT,
        R,
        "",
    ),
    c(
        "Prowler",
        "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_memcached_11211",
        "memcached from the internet",
        &["VPCV-003"],
        R,
        "",
    ),
    c(
        "Prowler",
        "ec2_securitygroup_allow_ingress_from_internet_to_high_risk_tcp_ports",
        "high-risk ports from the internet",
        &["VPCV-007"],
        R,
        "",
    ),
    c(
        "Prowler",
        "ec2_securitygroup_allow_ingress_from_internet_to_any_port",
        "any port from the internet",
        ANY_PORT,
        R,
        "",
    ),
    c(
        "Prowler",
        "ec2_securitygroup_allow_ingress_from_internet_to_all_ports",
        "all ports from the internet",
        ANY_PORT,
        R,
        "",
    ),
    c(
        "Prowler",
        "ec2_securitygroup_default_restrict_traffic",
        "the default group restricts all traffic",
        DEFAULT_SG,
        C,
        "VPCV-009 and VPCV-004",
    ),
    c(
        "Prowler",
        "ec2_networkacl_allow_ingress_any_port",
        "network ACL admits any port from the internet",
        ANY_PORT,
        R,
        "",
    ),
    c(
        "Prowler",
        "ec2_networkacl_allow_ingress_tcp_port_22",
        "network ACL admits ssh from the internet",
        &["VPCV-001"],
        R,
        "",
    ),
    c(
        "Prowler",
        "ec2_networkacl_allow_ingress_tcp_port_3389",
        "network ACL admits rdp from the internet",
        &["VPCV-002"],
        R,
        "",
    ),
    c(
        "Prowler",
        "ec2_instance_public_ip",
        "instance has a public IP",
        PUBLIC_IP,
        R,
        "a finding only when a packet reaches through it",
    ),
    c(
        "Prowler",
        "ec2_securitygroup_not_used",
        "unused security group",
        NONE,
        NA,
        "hygiene",
    ),
    c(
        "Prowler",
        "ec2_securitygroup_with_many_ingress_egress_rules",
        "group with many rules",
        NONE,
        NA,
        "hygiene",
    ),
    c(
        "Prowler",
        "vpc_flow_logs_enabled",
        "VPC flow logs enabled",
        FLOW_LOGS,
        C,
        "a log of accepted traffic only does not count here",
    ),
    c(
        "Prowler",
        "vpc_peering_routing_tables_with_least_privilege",
        "peering routes least privilege",
        LATERAL,
        R,
        "VPCV-012: no high-risk port from a peered VPC; least privilege beyond that is intent: write the allowed flows as a suite",
    ),
    c(
        "Prowler",
        "vpc_subnet_no_public_ip_by_default",
        "subnets do not auto-assign public IPs",
        AUTO_IP,
        C,
        "VPCV-010",
    ),
    c(
        "Prowler",
        "vpc_subnet_separate_private_public",
        "VPC has private and public subnets",
        NONE,
        NA,
        "architecture, not reachability",
    ),
    c(
        "Prowler",
        "vpc_endpoint_connections_trust_boundaries",
        "endpoint policies trust only known accounts",
        NONE,
        NA,
        "IAM policy, not network",
    ),
    c(
        "checkov",
        "CKV_AWS_24",
        "no security group admits 0.0.0.0/0 to port 22",
        &["VPCV-001"],
        R,
        "",
    ),
    c(
        "checkov",
        "CKV_AWS_25",
        "no security group admits 0.0.0.0/0 to port 3389",
        &["VPCV-002"],
        R,
        "",
    ),
    c(
        "checkov",
        "CKV_AWS_260",
        "no security group admits 0.0.0.0/0 to port 80",
        NONE,
        NA,
        "80 is an authorised port (EC2.18's default)",
    ),
    c(
        "checkov",
        "CKV_AWS_277",
        "no security group admits 0.0.0.0/0 to all ports",
        &["VPCV-003", "VPCV-008"],
        R,
        "",
    ),
    c(
        "checkov",
        "CKV_AWS_229",
        "no network ACL admits 0.0.0.0/0 to port 21",
        &["VPCV-007"],
        R,
        "",
    ),
    c(
        "checkov",
        "CKV_AWS_230",
        "no network ACL admits 0.0.0.0/0 to port 20",
        &["VPCV-007"],
        R,
        "",
    ),
    c(
        "checkov",
        "CKV_AWS_231",
        "no network ACL admits 0.0.0.0/0 to port 3389",
        &["VPCV-002"],
        R,
        "",
    ),
    c(
        "checkov",
        "CKV_AWS_232",
        "no network ACL admits 0.0.0.0/0 to port 22",
        &["VPCV-001"],
        R,
        "",
    ),
    c(
        "checkov",
        "CKV_AWS_352",
        "no network ACL admits all ports",
        ANY_PORT,
        R,
        "",
    ),
    c(
        "checkov",
        "CKV_AWS_88",
        "instances have no public IP",
        PUBLIC_IP,
        R,
        "a finding only when a packet reaches through it",
    ),
    c(
        "checkov",
        "CKV_AWS_130",
        "subnets do not auto-assign public IPs",
        AUTO_IP,
        C,
        "VPCV-010",
    ),
    c(
        "checkov",
        "CKV_AWS_23",
        "security group rules have descriptions",
        NONE,
        NA,
        "documentation, not network",
    ),
    c(
        "checkov",
        "CKV_AWS_382",
        "no security group admits egress to 0.0.0.0/0 on all ports",
        EGRESS,
        R,
        "VPCV-011 asks whether a private subnet's interface actually gets out on a port but 80 and 443",
    ),
    c(
        "checkov",
        "CKV2_AWS_5",
        "security groups are attached",
        NONE,
        NA,
        "hygiene",
    ),
    c(
        "checkov",
        "CKV2_AWS_11",
        "VPC flow logging is enabled",
        FLOW_LOGS,
        C,
        "checkov counts any `aws_flow_log` on the VPC; VPCV-013 asks for rejected traffic captured",
    ),
    c(
        "checkov",
        "CKV2_AWS_12",
        "the default security group restricts all traffic",
        DEFAULT_SG,
        C,
        "VPCV-009 and VPCV-004",
    ),
    c(
        "Trivy",
        "AVD-AWS-0107",
        "no security group admits ingress from the public internet",
        &["VPCV-001", "VPCV-002", "VPCV-003", "VPCV-007", "VPCV-008"],
        R,
        "",
    ),
    c(
        "Trivy",
        "AVD-AWS-0105",
        "no network ACL admits ingress from the public internet",
        &["VPCV-001", "VPCV-002", "VPCV-003", "VPCV-007", "VPCV-008"],
        R,
        "",
    ),
    c(
        "Trivy",
        "AVD-AWS-0102",
        "no network ACL rule allows all ports",
        ANY_PORT,
        R,
        "",
    ),
    c(
        "Trivy",
        "AVD-AWS-0104",
        "no security group admits egress to the public internet",
        EGRESS,
        R,
        "VPCV-011 asks whether a private subnet's interface actually gets out on a port but 80 and 443",
    ),
    c(
        "Trivy",
        "AVD-AWS-0164",
        "subnets do not auto-assign public IPs",
        AUTO_IP,
        C,
        "VPCV-010",
    ),
    c(
        "Trivy",
        "AVD-AWS-0173",
        "the default security group has no rules",
        DEFAULT_SG,
        C,
        "VPCV-009 and VPCV-004",
    ),
    c(
        "Trivy",
        "AVD-AWS-0178",
        "VPC flow logs are enabled",
        FLOW_LOGS,
        C,
        "VPCV-013",
    ),
    c(
        "Trivy",
        "AVD-AWS-0124",
        "security group rules have descriptions",
        NONE,
        NA,
        "documentation, not network",
    ),
    c(
        "Trivy",
        "AVD-AWS-0099",
        "security groups have descriptions",
        NONE,
        NA,
        "documentation, not network",
    ),
    c(
        "Trivy",
        "AVD-AWS-0101",
        "the default VPC is not used",
        NONE,
        NA,
        "the model does not tell the default VPC apart",
    ),
];

/// Counts: (controls, decided by reachability, by configuration, not yet checked, not
/// applicable).
pub fn counts() -> (usize, usize, usize, usize, usize) {
    let n = |h: How| CONTROLS.iter().filter(|c| c.how == h).count();
    (
        CONTROLS.len(),
        n(How::Reachability),
        n(How::Configuration),
        n(How::NotYet),
        n(How::NotApplicable),
    )
}

/// The table as Markdown, with its counts.
pub fn markdown() -> String {
    let (total, r, conf, not_yet, na) = counts();
    let mut out = format!(
        "{total} controls: {r} decided by reachability, {conf} by configuration facts checked on the model, \
         {not_yet} not checked yet, {na} not applicable.\n\n\
         | source | control | asks | VPCV rules | how | note |\n|---|---|---|---|---|---|\n"
    );
    for c in CONTROLS {
        let how = match c.how {
            How::Reachability => "reachability",
            How::Configuration => "configuration",
            How::NotYet => "not yet",
            How::NotApplicable => "n/a",
        };
        let rules = if c.rules.is_empty() {
            "-".to_owned()
        } else {
            c.rules.join(", ")
        };
        out.push_str(&format!(
            "| {} | {} | {} | {rules} | {how} | {} |\n",
            c.source,
            c.id.replace('_', "\\_"),
            c.title,
            c.note
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_named_is_a_rule_of_the_pack() {
        let ids: Vec<String> = super::super::rules().into_iter().map(|r| r.id).collect();
        for c in CONTROLS {
            for r in c.rules {
                assert!(ids.iter().any(|i| i == r), "{} names {r}", c.id);
            }
            assert!(c.how != How::Reachability || !c.rules.is_empty(), "{}", c.id);
            assert!(c.how == How::Reachability || !c.note.is_empty(), "{} says no why", c.id);
            assert!(c.how != How::Configuration || !c.rules.is_empty(), "{}", c.id);
        }
    }

    #[test]
    fn readme_holds_the_generated_table() {
        let readme = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap_or_default();
        let start = "<!-- coverage-table:start -->\n";
        let end = "<!-- coverage-table:end -->";
        let between = readme
            .split_once(start)
            .and_then(|(_, rest)| rest.split_once(end))
            .map(|(t, _)| t);
        assert_eq!(
            between,
            Some(markdown().as_str()),
            "README.md's coverage table is out of date: `cargo test --lib coverage -- --ignored print` prints it"
        );
    }

    #[test]
    #[ignore = "prints the table for README.md"]
    fn print() {
        print!("{}", markdown());
    }
}
