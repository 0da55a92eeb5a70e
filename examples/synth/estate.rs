//! A synthetic AWS estate: `aws ec2 describe-*` JSON shaped like a large organisation's, for
//! benchmarks and scale tests. Shared by `examples/synth.rs` (the command), the criterion benches
//! and the integration test that lints a small estate (each includes this file with `#[path]`).
//!
//! The shape: one hub VPC and spoke VPCs peered with it (hub and spoke; peering is not transitive,
//! so spokes reach each other only through nothing), three Availability Zones per VPC, each with a
//! public subnet (web servers with public IPv4 addresses, a NAT gateway with an Elastic IP), a
//! private subnet (application, batch and worker hosts) and a data subnet (databases, caches).
//! Every VPC has an internet gateway, S3 and DynamoDB gateway endpoints on its private route
//! tables, a public and a private network ACL of about 20 entries, and about a dozen security
//! groups of about 20 rules, with references to other groups (also across the peering, to the
//! hub's monitoring group) and to a customer-managed prefix list of office addresses. Each
//! interface carries one to five groups; some instances have a second interface, some
//! interfaces a second private address.
//!
//! Deterministic for a seed (a splitmix64 generator in this file): the same arguments give the
//! same bytes. A few resources have fixed `Name` tags ([`WEB`], [`APP`], [`DB`], [`SHARED`]) and
//! fixed rules, so that benchmark questions have known answers whatever the seed.
//!
//! Nothing here panics: impossible requests (too few interfaces for the VPCs, a subnet that
//! would overflow) are errors.

#![allow(dead_code, reason = "each includer uses part of the generator")]

use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;

/// The public web server of spoke VPC 1: internet -> tcp 443 is reachable, tcp 22 is not.
pub const WEB: &str = "synth-web";
/// An application server in spoke VPC 1's private subnet: it reaches [`DB`] on tcp 5432, the
/// internet through a NAT gateway, S3 through a gateway endpoint and [`SHARED`] across peering.
pub const APP: &str = "synth-app";
/// A database in spoke VPC 1's data subnet: no public address, so nothing from the internet
/// reaches it.
pub const DB: &str = "synth-db";
/// A shared service in the hub VPC: tcp 443 from anywhere in 10.0.0.0/8.
pub const SHARED: &str = "synth-shared";

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Exactly this many network interfaces (NAT gateways' included).
    pub enis: usize,
    /// VPCs: one hub and `vpcs - 1` spokes.
    pub vpcs: usize,
    /// The generator's seed.
    pub seed: u64,
}

impl Spec {
    /// A spec with the default number of VPCs for `enis` (one per 500 interfaces, 2 to 200).
    pub fn new(enis: usize, seed: u64) -> Self {
        Spec {
            enis,
            vpcs: default_vpcs(enis),
            seed,
        }
    }
}

/// One VPC per 500 interfaces, at least 2 (a hub and a spoke) and at most 200.
pub fn default_vpcs(enis: usize) -> usize {
    enis.div_ceil(500).clamp(2, 200)
}

/// A question about the estate, as `vpcverify query` takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// `--from`.
    pub from: String,
    /// `--to`.
    pub to: String,
    /// `--protocol`.
    pub protocol: &'static str,
    /// `--port`.
    pub port: Option<u16>,
    /// The answer, when the estate's construction fixes it (the named hosts' questions).
    pub expect: Option<bool>,
}

/// A generated snapshot: file names and their JSON, and the names of its instances by role.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// `(file name, document)`, in the order they are written.
    pub files: Vec<(String, Value)>,
    /// `(role, Name tag)` of every instance.
    pub instances: Vec<(Role, String)>,
}

impl Snapshot {
    /// Writes every file into `dir` (created if missing) as the AWS CLI prints JSON (4-space
    /// indentation).
    pub fn write(&self, dir: &Path) -> Result<(), String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for (name, doc) in &self.files {
            let path = dir.join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            let file = std::fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let mut out = std::io::BufWriter::new(file);
            let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
            let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
            serde::Serialize::serialize(doc, &mut ser).map_err(|e| format!("{}: {e}", path.display()))?;
            out.write_all(b"\n")
                .and_then(|_| out.flush())
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
        Ok(())
    }

    /// `count` questions a compliance suite would ask, deterministic for `seed`: the anchors'
    /// known answers first, then random pairs of instances on the ports their roles serve, and
    /// the internet to random web servers.
    pub fn questions(&self, count: usize, seed: u64) -> Vec<Question> {
        let mut out: Vec<Question> = vec![
            known(q("internet", WEB, "tcp", Some(443)), true),
            known(q("internet", WEB, "tcp", Some(22)), false),
            known(q(APP, DB, "tcp", Some(5432)), true),
            known(q("internet", DB, "tcp", Some(5432)), false),
            known(q(APP, "internet", "tcp", Some(443)), true),
            known(q(APP, SHARED, "tcp", Some(443)), true),
            known(q(APP, "service:s3", "tcp", Some(443)), true),
            known(q(DB, "internet", "tcp", Some(22)), true),
        ];
        out.truncate(count);
        let mut rng = Rng::new(seed ^ 0x5155_4553_5449_4f4e);
        let names = &self.instances;
        if names.is_empty() {
            return out;
        }
        while out.len() < count {
            let from = pick_name(&mut rng, names);
            let question = if rng.below(5) == 0 {
                let to = names
                    .iter()
                    .filter(|(r, _)| *r == Role::Web)
                    .nth(rng.below(64) as usize)
                    .or_else(|| names.first());
                let to = to.map(|(_, n)| n.clone()).unwrap_or_default();
                q("internet", &to, "tcp", Some(443))
            } else {
                let (role, to) = names
                    .get(rng.below(names.len() as u64) as usize)
                    .cloned()
                    .unwrap_or((Role::App, APP.to_owned()));
                let ports = role.ports();
                let port = ports.get(rng.below(ports.len() as u64) as usize).copied();
                q(&from, &to, "tcp", port)
            };
            if question.from != question.to {
                out.push(question);
            }
        }
        out
    }
}

/// A `vpcverify check` suite of `count` assertions: the [`Snapshot::questions`]. The named hosts'
/// assertions expect their known answers; the others expect `reachable` whatever the answer (the
/// suite measures what checking costs, and a violated assertion costs what a holding one does).
pub fn suite_toml(questions: &[Question]) -> String {
    let mut out = String::from(
        "# A synthetic compliance suite (examples/synth.rs): the first assertions are about the named\n\
         # hosts and hold; the others pair random instances and expect `reachable` whatever the answer.\n\
         network = \".\"\n",
    );
    for (i, question) in questions.iter().enumerate() {
        let expect = if question.expect == Some(false) {
            "unreachable"
        } else {
            "reachable"
        };
        out.push_str(&format!(
            "\n[[assert]]\nname = \"{i:04} {} to {}\"\nfrom = \"{}\"\nto = \"{}\"\nprotocol = \"{}\"\n",
            question.from, question.to, question.from, question.to, question.protocol
        ));
        if let Some(p) = question.port {
            out.push_str(&format!("port = {p}\n"));
        }
        out.push_str(&format!("expect = \"{expect}\"\n"));
    }
    out
}

fn q(from: &str, to: &str, protocol: &'static str, port: Option<u16>) -> Question {
    Question {
        from: from.to_owned(),
        to: to.to_owned(),
        protocol,
        port,
        expect: None,
    }
}

fn known(mut question: Question, reachable: bool) -> Question {
    question.expect = Some(reachable);
    question
}

fn pick_name(rng: &mut Rng, names: &[(Role, String)]) -> String {
    names
        .get(rng.below(names.len() as u64) as usize)
        .map(|(_, n)| n.clone())
        .unwrap_or_default()
}

/// splitmix64: small, fast and good enough for test data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// splitmix64's finaliser: a bijection on `u64`.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// What an instance does; decides its subnet tier, its groups and the ports it serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Public web server (public subnet, public IPv4).
    Web,
    /// Application server (private subnet).
    App,
    /// Batch host (private subnet).
    Batch,
    /// Queue worker (private subnet).
    Worker,
    /// Bastion host (public subnet, public IPv4).
    Bastion,
    /// Database (data subnet).
    Db,
    /// Cache (data subnet).
    Cache,
    /// Shared service (hub only, private subnet).
    Shared,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Role::Web => "web",
            Role::App => "app",
            Role::Batch => "batch",
            Role::Worker => "worker",
            Role::Bastion => "bastion",
            Role::Db => "db",
            Role::Cache => "cache",
            Role::Shared => "shared",
        }
    }

    fn tier(self) -> Tier {
        match self {
            Role::Web | Role::Bastion => Tier::Public,
            Role::App | Role::Batch | Role::Worker | Role::Shared => Tier::Private,
            Role::Db | Role::Cache => Tier::Data,
        }
    }

    /// The ports its clients use.
    pub fn ports(self) -> &'static [u16] {
        match self {
            Role::Web => &[443, 80],
            Role::App => &[8080, 8443],
            Role::Batch | Role::Worker | Role::Bastion => &[22],
            Role::Db => &[5432, 3306],
            Role::Cache => &[6379],
            Role::Shared => &[443, 53],
        }
    }

    fn instance_type(self) -> &'static str {
        match self {
            Role::Web => "c6i.large",
            Role::App | Role::Shared => "m6i.xlarge",
            Role::Batch | Role::Worker => "c6i.2xlarge",
            Role::Bastion => "t3.micro",
            Role::Db => "r6i.2xlarge",
            Role::Cache => "r6g.large",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tier {
    Public,
    Private,
    Data,
}

const OWNER: &str = "123456789012";
const REGION: &str = "us-east-1";
const AZS: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];
const AZ_IDS: [&str; 3] = ["use1-az1", "use1-az2", "use1-az4"];
const S3_LIST: &str = "pl-63a5400a";
const DDB_LIST: &str = "pl-02cd2c6b";
const S3_CIDRS: [&str; 4] = ["3.5.0.0/19", "16.182.0.0/16", "52.216.0.0/15", "54.231.0.0/16"];
const DDB_CIDRS: [&str; 3] = ["3.218.180.0/22", "35.71.64.0/22", "52.94.0.0/22"];
/// Office egress ranges (documentation ranges stand in for them, so they are not internet hosts).
const OFFICES: [&str; 3] = ["192.0.2.0/24", "198.51.100.0/25", "198.51.100.128/25"];
const LAUNCH: &str = "2026-10-01T08:30:00+00:00";

/// One subnet being filled.
#[derive(Debug)]
struct Sub {
    id: String,
    vpc: usize,
    az: usize,
    tier: Tier,
    /// First address as a number, and the block's size.
    base: u32,
    size: u32,
    /// Next free host offset.
    next: u32,
    rtb: String,
    acl: String,
}

impl Sub {
    fn cidr(&self) -> String {
        format!("{}/{}", ip(self.base), 32 - self.size.trailing_zeros())
    }

    /// The next free address, skipping AWS's reserved ones (first four and the last, SUB-3).
    fn take(&mut self) -> Result<u32, String> {
        if self.next + 1 >= self.size {
            return Err(format!(
                "subnet {} ({}) is full: ask for more VPCs (--vpcs) or fewer interfaces",
                self.id,
                self.cidr()
            ));
        }
        let a = self.base + self.next;
        self.next += 1;
        Ok(a)
    }
}

fn ip(a: u32) -> String {
    std::net::Ipv4Addr::from(a).to_string()
}

fn dns(a: u32) -> String {
    format!("ip-{}.ec2.internal", ip(a).replace('.', "-"))
}

fn tags(pairs: &[(&str, &str)]) -> Value {
    Value::Array(pairs.iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect())
}

/// Ids: `prefix-` and 17 hex digits, a bijection of (kind, counter) for a seed.
#[derive(Debug)]
struct Ids {
    seed: u64,
    n: u64,
}

impl Ids {
    fn next(&mut self, prefix: &str) -> String {
        self.n += 1;
        format!("{prefix}-{:017x}", mix(self.seed ^ self.n))
    }
}

/// A security group being built.
#[derive(Debug)]
struct Group {
    id: String,
    name: String,
    vpc: usize,
    ingress: Vec<Value>,
    egress: Vec<Value>,
}

impl Group {
    fn json(&self, vpc_id: &str) -> Value {
        json!({
            "Description": format!("{} tier", self.name),
            "GroupId": self.id,
            "GroupName": self.name,
            "IpPermissions": self.ingress,
            "IpPermissionsEgress": self.egress,
            "OwnerId": OWNER,
            "SecurityGroupArn": format!("arn:aws:ec2:{REGION}:{OWNER}:security-group/{}", self.id),
            "Tags": tags(&[("Name", &self.name)]),
            "VpcId": vpc_id,
        })
    }
}

fn perm(protocol: &str, from: i64, to: i64, source: Value) -> Value {
    let mut p = json!({
        "IpProtocol": protocol,
        "IpRanges": [],
        "Ipv6Ranges": [],
        "PrefixListIds": [],
        "UserIdGroupPairs": [],
    });
    if protocol != "-1" {
        p["FromPort"] = json!(from);
        p["ToPort"] = json!(to);
    }
    for (key, value) in source.as_object().into_iter().flatten() {
        p[key.as_str()] = value.clone();
    }
    p
}

fn cidr_src(c: &str, what: &str) -> Value {
    json!({"IpRanges": [{"CidrIp": c, "Description": what}]})
}

fn group_src(g: &str, pcx: Option<&str>) -> Value {
    match pcx {
        Some(p) => json!({"UserIdGroupPairs": [{
            "GroupId": g, "UserId": OWNER, "VpcPeeringConnectionId": p, "PeeringStatus": "active"
        }]}),
        None => json!({"UserIdGroupPairs": [{"GroupId": g, "UserId": OWNER}]}),
    }
}

fn list_src(pl: &str) -> Value {
    json!({"PrefixListIds": [{"PrefixListId": pl, "Description": "offices"}]})
}

/// A private block outside every generated VPC (on-premises ranges): padding rules name these,
/// so they change no answer about modelled hosts.
fn onprem_block(rng: &mut Rng) -> String {
    match rng.below(3) {
        0 => format!("172.{}.{}.0/24", 16 + rng.below(16), rng.below(256)),
        1 => format!("192.168.{}.0/24", rng.below(256)),
        _ => format!("10.{}.{}.0/24", 200 + rng.below(56), rng.below(256)),
    }
}

/// A public /24 (for ACL deny entries against abusive ranges).
fn abusive_block(rng: &mut Rng) -> String {
    format!("45.{}.{}.0/24", 1 + rng.below(250), rng.below(256))
}

fn acl_entry(number: u32, egress: bool, protocol: &str, action: &str, cidr: &str, ports: Option<(u16, u16)>) -> Value {
    let mut e = json!({
        "CidrBlock": cidr,
        "Egress": egress,
        "Protocol": protocol,
        "RuleAction": action,
        "RuleNumber": number,
    });
    if let Some((from, to)) = ports {
        e["PortRange"] = json!({"From": from, "To": to});
    }
    if protocol == "1" {
        e["IcmpTypeCode"] = json!({"Code": -1, "Type": -1});
    }
    e
}

/// Builds the estate.
pub fn generate(spec: &Spec) -> Result<Snapshot, String> {
    let v = spec.vpcs;
    if !(2..=200).contains(&v) {
        return Err(format!("--vpcs must be 2 to 200, not {v}"));
    }
    let nat_enis = 3 * v;
    if spec.enis < nat_enis + 8 {
        return Err(format!(
            "{} interfaces are too few for {v} VPCs: their NAT gateways alone use {nat_enis}, and the named hosts 4 more (ask for at least {})",
            spec.enis,
            nat_enis + 8
        ));
    }
    // Every subnet's usable addresses: 3 AZs of a /22, a /19 and a /20, less 5 reserved each.
    let capacity = v * 3 * (1019 + 8187 + 4091);
    if spec.enis > capacity {
        return Err(format!(
            "{} interfaces do not fit in {v} VPCs (at most {capacity}): ask for more VPCs (--vpcs)",
            spec.enis
        ));
    }
    let mut rng = Rng::new(spec.seed);
    let mut ids = Ids {
        seed: mix(spec.seed ^ 0x1D5),
        n: 0,
    };

    // VPCs, peering, gateways, endpoints, route tables, ACLs and subnets.
    let vpc_ids: Vec<String> = (0..v).map(|_| ids.next("vpc")).collect();
    let vpc_cidr = |i: usize| format!("10.{i}.0.0/16");
    let pcx: Vec<Option<String>> = (0..v).map(|i| (i > 0).then(|| ids.next("pcx"))).collect();
    let igws: Vec<String> = (0..v).map(|_| ids.next("igw")).collect();
    let corp_list = ids.next("pl");

    let mut vpcs_json = Vec::new();
    let mut subnets: Vec<Sub> = Vec::new();
    let mut route_tables = Vec::new();
    let mut acls = Vec::new();
    let mut nat_json = Vec::new();
    let mut endpoints = Vec::new();
    let mut addresses = Vec::new();
    let mut enis_json: Vec<Value> = Vec::new();
    // Public IPv4 addresses and Elastic IPs come scattered from a few of AWS's us-east-1 pools, as
    // they do in a real account (never twice, never in a service prefix list).
    let mut public_ips = PublicIps::default();

    for i in 0..v {
        let vpc = &vpc_ids[i];
        let name = if i == 0 { "hub".to_owned() } else { format!("spoke-{i}") };
        vpcs_json.push(json!({
            "CidrBlock": vpc_cidr(i),
            "CidrBlockAssociationSet": [{
                "AssociationId": ids.next("vpc-cidr-assoc"),
                "CidrBlock": vpc_cidr(i),
                "CidrBlockState": {"State": "associated"},
            }],
            "DhcpOptionsId": "dopt-0a1b2c3d4e5f60718",
            "InstanceTenancy": "default",
            "IsDefault": false,
            "OwnerId": OWNER,
            "State": "available",
            "Tags": tags(&[("Name", &name), ("env", "prod")]),
            "VpcId": vpc,
        }));
        // Peering routes: the hub reaches every spoke, a spoke the hub.
        let peer_routes: Vec<Value> = if i == 0 {
            (1..v)
                .filter_map(|s| {
                    pcx[s].as_ref().map(|p| {
                        json!({"DestinationCidrBlock": vpc_cidr(s), "VpcPeeringConnectionId": p,
                               "Origin": "CreateRoute", "State": "active"})
                    })
                })
                .collect()
        } else {
            pcx[i]
                .as_ref()
                .map(|p| {
                    json!({"DestinationCidrBlock": vpc_cidr(0), "VpcPeeringConnectionId": p,
                           "Origin": "CreateRoute", "State": "active"})
                })
                .into_iter()
                .collect()
        };
        let local = json!({"DestinationCidrBlock": vpc_cidr(i), "GatewayId": "local",
                           "Origin": "CreateRouteTable", "State": "active"});
        let main_rtb = ids.next("rtb");
        route_tables.push(json!({
            "Associations": [{"Main": true, "RouteTableAssociationId": ids.next("rtbassoc"),
                              "RouteTableId": main_rtb, "AssociationState": {"State": "associated"}}],
            "OwnerId": OWNER, "PropagatingVgws": [], "RouteTableId": main_rtb,
            "Routes": [local.clone()], "Tags": tags(&[("Name", &format!("{name}-main"))]), "VpcId": vpc,
        }));
        let public_rtb = ids.next("rtb");
        let private_rtbs: Vec<String> = (0..3).map(|_| ids.next("rtb")).collect();
        let public_acl = ids.next("acl");
        let private_acl = ids.next("acl");
        let default_acl = ids.next("acl");
        let s3 = ids.next("vpce");
        let ddb = ids.next("vpce");

        let mut vpc_subnets: Vec<usize> = Vec::new();
        for (az, _) in AZS.iter().enumerate() {
            let o = (10u32 << 24) | ((i as u32) << 16);
            let az32 = az as u32;
            for (tier, base, size, rtb, acl) in [
                (
                    Tier::Public,
                    o | ((192 + 4 * az32) << 8),
                    1024,
                    &public_rtb,
                    &public_acl,
                ),
                (
                    Tier::Private,
                    o | ((32 * az32) << 8),
                    8192,
                    &private_rtbs[az],
                    &private_acl,
                ),
                (
                    Tier::Data,
                    o | ((96 + 16 * az32) << 8),
                    4096,
                    &private_rtbs[az],
                    &private_acl,
                ),
            ] {
                vpc_subnets.push(subnets.len());
                subnets.push(Sub {
                    id: ids.next("subnet"),
                    vpc: i,
                    az,
                    tier,
                    base,
                    size,
                    next: 4,
                    rtb: rtb.clone(),
                    acl: acl.clone(),
                });
            }
        }
        // NAT gateways, one per AZ in its public subnet, each with an Elastic IP.
        let mut nats = Vec::new();
        for (az, az_name) in AZS.iter().enumerate() {
            let Some(sub) = vpc_subnets
                .iter()
                .copied()
                .find(|k| subnets.get(*k).is_some_and(|s| s.az == az && s.tier == Tier::Public))
            else {
                continue;
            };
            let nat = ids.next("nat");
            let eni = ids.next("eni");
            let alloc = ids.next("eipalloc");
            let Some(s) = subnets.get_mut(sub) else { continue };
            let addr = s.take()?;
            let eip = public_ips.next(&mut rng);
            nat_json.push(json!({
                "ConnectivityType": "public",
                "CreateTime": LAUNCH,
                "NatGatewayAddresses": [{
                    "AllocationId": alloc, "IsPrimary": true, "NetworkInterfaceId": eni,
                    "PrivateIp": ip(addr), "PublicIp": ip(eip), "Status": "succeeded",
                    "AssociationId": ids.next("eipassoc"),
                }],
                "NatGatewayId": nat, "State": "available", "SubnetId": s.id, "VpcId": vpc,
                "Tags": tags(&[("Name", &format!("{name}-nat-{az_name}"))]),
            }));
            addresses.push(json!({
                "AllocationId": alloc, "AssociationId": ids.next("eipassoc"), "Domain": "vpc",
                "NetworkBorderGroup": REGION, "NetworkInterfaceId": eni, "NetworkInterfaceOwnerId": OWNER,
                "PrivateIpAddress": ip(addr), "PublicIp": ip(eip), "PublicIpv4Pool": "amazon",
                "Tags": tags(&[("Name", &format!("{name}-nat-{az_name}"))]),
            }));
            enis_json.push(json!({
                "Association": {"AllocationId": alloc, "IpOwnerId": OWNER, "PublicDnsName": "",
                                "PublicIp": ip(eip)},
                "AvailabilityZone": az_name,
                "Description": format!("Interface for NAT Gateway {nat}"),
                "Groups": [],
                "InterfaceType": "nat_gateway",
                "Ipv6Addresses": [],
                "MacAddress": mac(&mut rng),
                "NetworkInterfaceId": eni,
                "OwnerId": OWNER,
                "PrivateDnsName": dns(addr),
                "PrivateIpAddress": ip(addr),
                "PrivateIpAddresses": [{
                    "Association": {"AllocationId": alloc, "IpOwnerId": OWNER, "PublicDnsName": "",
                                    "PublicIp": ip(eip)},
                    "Primary": true, "PrivateDnsName": dns(addr), "PrivateIpAddress": ip(addr),
                }],
                "RequesterId": "441286135124",
                "RequesterManaged": true,
                "SourceDestCheck": false,
                "Status": "in-use",
                "SubnetId": s.id,
                "TagSet": [],
                "VpcId": vpc,
            }));
            nats.push(nat);
        }
        // Route tables.
        let assoc = |rtb: &str, ids: &mut Ids, subnets: &[Sub], tier_ok: &dyn Fn(&Sub) -> bool| -> Vec<Value> {
            subnets
                .iter()
                .filter(|s| s.vpc == i && s.rtb == rtb && tier_ok(s))
                .map(|s| {
                    json!({"Main": false, "RouteTableAssociationId": ids.next("rtbassoc"),
                           "RouteTableId": rtb, "SubnetId": s.id,
                           "AssociationState": {"State": "associated"}})
                })
                .collect()
        };
        let mut public_routes = vec![
            local.clone(),
            json!({"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igws[i], "Origin": "CreateRoute",
                   "State": "active"}),
        ];
        public_routes.extend(peer_routes.iter().cloned());
        route_tables.push(json!({
            "Associations": assoc(&public_rtb, &mut ids, &subnets, &|_| true),
            "OwnerId": OWNER, "PropagatingVgws": [], "RouteTableId": public_rtb, "Routes": public_routes,
            "Tags": tags(&[("Name", &format!("{name}-public"))]), "VpcId": vpc,
        }));
        for (az, rtb) in private_rtbs.iter().enumerate() {
            let mut routes = vec![local.clone()];
            if let Some(nat) = nats.get(az) {
                routes.push(json!({"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat,
                                   "Origin": "CreateRoute", "State": "active"}));
            }
            routes.push(
                json!({"DestinationPrefixListId": S3_LIST, "GatewayId": s3, "Origin": "CreateRoute",
                               "State": "active"}),
            );
            routes.push(
                json!({"DestinationPrefixListId": DDB_LIST, "GatewayId": ddb, "Origin": "CreateRoute",
                               "State": "active"}),
            );
            routes.extend(peer_routes.iter().cloned());
            route_tables.push(json!({
                "Associations": assoc(rtb, &mut ids, &subnets, &|_| true),
                "OwnerId": OWNER, "PropagatingVgws": [], "RouteTableId": rtb, "Routes": routes,
                "Tags": tags(&[("Name", &format!("{name}-private-{}", AZS[az]))]), "VpcId": vpc,
            }));
        }
        for (e, service, list) in [(&s3, "s3", S3_LIST), (&ddb, "dynamodb", DDB_LIST)] {
            let _ = list;
            endpoints.push(json!({
                "CreationTimestamp": LAUNCH, "DnsEntries": [], "Groups": [], "IpAddressType": "ipv4",
                "NetworkInterfaceIds": [], "OwnerId": OWNER,
                "PolicyDocument": "{\"Version\":\"2008-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
                "PrivateDnsEnabled": false, "RequesterManaged": false, "RouteTableIds": private_rtbs,
                "ServiceName": format!("com.amazonaws.{REGION}.{service}"), "State": "available",
                "SubnetIds": [], "Tags": tags(&[("Name", &format!("{name}-{service}"))]),
                "VpcEndpointId": e, "VpcEndpointType": "Gateway", "VpcId": vpc,
            }));
        }
        // Network ACLs: public, private (about 20 entries each) and the unused default.
        let acl_assoc = |acl: &str, ids: &mut Ids, subnets: &[Sub]| -> Vec<Value> {
            subnets
                .iter()
                .filter(|s| s.vpc == i && s.acl == acl)
                .map(|s| {
                    json!({"NetworkAclAssociationId": ids.next("aclassoc"), "NetworkAclId": acl,
                           "SubnetId": s.id})
                })
                .collect()
        };
        let mut public_entries = vec![
            acl_entry(100, false, "6", "allow", "0.0.0.0/0", Some((443, 443))),
            acl_entry(110, false, "6", "allow", "0.0.0.0/0", Some((80, 80))),
            acl_entry(120, false, "6", "allow", OFFICES[0], Some((22, 22))),
            acl_entry(121, false, "6", "allow", OFFICES[1], Some((22, 22))),
            acl_entry(130, false, "6", "allow", "0.0.0.0/0", Some((1024, 65535))),
            acl_entry(140, false, "17", "allow", "0.0.0.0/0", Some((1024, 65535))),
            acl_entry(150, false, "-1", "allow", "10.0.0.0/8", None),
            acl_entry(160, false, "1", "allow", "0.0.0.0/0", None),
            acl_entry(32767, false, "-1", "deny", "0.0.0.0/0", None),
            acl_entry(40, true, "6", "deny", "0.0.0.0/0", Some((25, 25))),
            acl_entry(100, true, "-1", "allow", "0.0.0.0/0", None),
            acl_entry(32767, true, "-1", "deny", "0.0.0.0/0", None),
        ];
        let mut private_entries = vec![
            acl_entry(100, false, "-1", "allow", "10.0.0.0/8", None),
            acl_entry(110, false, "6", "allow", "0.0.0.0/0", Some((1024, 65535))),
            acl_entry(120, false, "17", "allow", "0.0.0.0/0", Some((1024, 65535))),
            acl_entry(32767, false, "-1", "deny", "0.0.0.0/0", None),
            acl_entry(40, true, "6", "deny", "0.0.0.0/0", Some((25, 25))),
            acl_entry(100, true, "-1", "allow", "0.0.0.0/0", None),
            acl_entry(32767, true, "-1", "deny", "0.0.0.0/0", None),
        ];
        // Deny entries against abusive ranges, ahead of the allows.
        for (entries, want) in [(&mut public_entries, 20), (&mut private_entries, 20)] {
            let mut n = 0u32;
            while entries.len() < want {
                let egress = n % 2 == 1;
                entries.push(acl_entry(10 + n, egress, "-1", "deny", &abusive_block(&mut rng), None));
                n += 1;
            }
        }
        for (acl, entries, default, label) in [
            (&public_acl, public_entries, false, "public"),
            (&private_acl, private_entries, false, "private"),
            (
                &default_acl,
                vec![
                    acl_entry(100, false, "-1", "allow", "0.0.0.0/0", None),
                    acl_entry(32767, false, "-1", "deny", "0.0.0.0/0", None),
                    acl_entry(100, true, "-1", "allow", "0.0.0.0/0", None),
                    acl_entry(32767, true, "-1", "deny", "0.0.0.0/0", None),
                ],
                true,
                "default",
            ),
        ] {
            acls.push(json!({
                "Associations": if default { Vec::new() } else { acl_assoc(acl, &mut ids, &subnets) },
                "Entries": entries, "IsDefault": default, "NetworkAclId": acl, "OwnerId": OWNER,
                "Tags": tags(&[("Name", &format!("{name}-{label}"))]), "VpcId": vpc,
            }));
        }
    }

    // Security groups: about a dozen per VPC, about 20 rules each.
    let mut groups: Vec<Group> = Vec::new();
    let names = [
        "default",
        "web",
        "app",
        "db",
        "cache",
        "batch",
        "worker",
        "bastion",
        "monitoring-agent",
        "patching",
        "logging",
    ];
    let mut by_name: Vec<std::collections::BTreeMap<&str, String>> = Vec::new();
    for i in 0..v {
        let mut map = std::collections::BTreeMap::new();
        let mut all = names.to_vec();
        if i == 0 {
            all.extend(["shared", "monitoring"]);
        }
        for n in all {
            let id = ids.next("sg");
            map.insert(n, id.clone());
            groups.push(Group {
                id,
                name: n.to_owned(),
                vpc: i,
                ingress: Vec::new(),
                egress: Vec::new(),
            });
        }
        by_name.push(map);
    }
    let gid = |i: usize, n: &str| -> String { by_name.get(i).and_then(|m| m.get(n)).cloned().unwrap_or_default() };
    let monitoring = gid(0, "monitoring");
    let mut rules: Vec<(usize, Vec<Value>, Vec<Value>)> = Vec::new();
    for (k, g) in groups.iter().enumerate() {
        let i = g.vpc;
        let hub_pcx = pcx.get(i).cloned().flatten();
        let own = |n: &str| gid(i, n);
        let all_out = vec![perm("-1", -1, -1, cidr_src("0.0.0.0/0", "all outbound"))];
        let (ingress, egress): (Vec<Value>, Vec<Value>) = match g.name.as_str() {
            "default" => (vec![perm("-1", -1, -1, group_src(&g.id, None))], all_out),
            "web" => (
                vec![
                    perm("tcp", 443, 443, cidr_src("0.0.0.0/0", "https")),
                    perm("tcp", 80, 80, cidr_src("0.0.0.0/0", "http")),
                    perm("tcp", 22, 22, group_src(&own("bastion"), None)),
                    perm("tcp", 22, 22, list_src(&corp_list)),
                ],
                all_out,
            ),
            "app" => (
                vec![
                    perm("tcp", 8080, 8080, group_src(&own("web"), None)),
                    perm("tcp", 8443, 8443, group_src(&own("web"), None)),
                    perm("tcp", 8080, 8089, cidr_src("10.0.0.0/8", "internal callers")),
                    perm("tcp", 22, 22, group_src(&own("bastion"), None)),
                ],
                all_out,
            ),
            "db" => (
                vec![
                    perm("tcp", 5432, 5432, group_src(&own("app"), None)),
                    perm("tcp", 3306, 3306, group_src(&own("app"), None)),
                    perm("tcp", 5432, 5432, group_src(&own("batch"), None)),
                    perm("tcp", 22, 22, group_src(&own("bastion"), None)),
                ],
                all_out,
            ),
            "cache" => (
                vec![
                    perm("tcp", 6379, 6379, group_src(&own("app"), None)),
                    perm("tcp", 11211, 11211, group_src(&own("app"), None)),
                    perm("tcp", 6379, 6379, group_src(&own("worker"), None)),
                ],
                all_out,
            ),
            "batch" | "worker" => (vec![perm("tcp", 22, 22, group_src(&own("bastion"), None))], all_out),
            "bastion" => (
                vec![
                    perm("tcp", 22, 22, list_src(&corp_list)),
                    perm("tcp", 22, 22, cidr_src(OFFICES[0], "office")),
                ],
                all_out,
            ),
            "monitoring-agent" => (
                vec![
                    perm("tcp", 9100, 9100, group_src(&monitoring, hub_pcx.as_deref())),
                    perm("tcp", 9256, 9256, group_src(&monitoring, hub_pcx.as_deref())),
                ],
                vec![perm("tcp", 443, 443, cidr_src("0.0.0.0/0", "metrics push"))],
            ),
            "patching" => (
                Vec::new(),
                vec![
                    perm("tcp", 443, 443, cidr_src("0.0.0.0/0", "package mirrors")),
                    perm("tcp", 80, 80, cidr_src("0.0.0.0/0", "package mirrors")),
                ],
            ),
            "logging" => (
                Vec::new(),
                vec![
                    perm("tcp", 6514, 6514, cidr_src("10.0.0.0/16", "log collectors")),
                    perm("udp", 514, 514, cidr_src("10.0.0.0/16", "log collectors")),
                ],
            ),
            "shared" => (
                vec![
                    perm("tcp", 443, 443, cidr_src("10.0.0.0/8", "all VPCs")),
                    perm("tcp", 53, 53, cidr_src("10.0.0.0/8", "all VPCs")),
                    perm("udp", 53, 53, cidr_src("10.0.0.0/8", "all VPCs")),
                ],
                all_out,
            ),
            "monitoring" => (
                vec![
                    perm("tcp", 3000, 3000, list_src(&corp_list)),
                    perm("tcp", 9090, 9090, list_src(&corp_list)),
                ],
                all_out,
            ),
            _ => (Vec::new(), all_out),
        };
        let mut ingress = ingress;
        // Padding up to about 20 rules: on-premises ranges on service ports, and references to
        // other groups of the VPC on high ports (never on a port the named hosts' answers use).
        let want = 17 + rng.below(6) as usize;
        while ingress.len() < want {
            let port = 9000 + rng.below(900) as i64;
            let rule = if rng.chance(30) {
                let other = names[rng.below(names.len() as u64) as usize % names.len()];
                perm("tcp", port, port + rng.below(10) as i64, group_src(&own(other), None))
            } else {
                let proto = if rng.chance(80) { "tcp" } else { "udp" };
                perm(proto, port, port, cidr_src(&onprem_block(&mut rng), "on-premises"))
            };
            ingress.push(rule);
        }
        rules.push((k, ingress, egress));
    }
    for (k, ingress, egress) in rules {
        if let Some(g) = groups.get_mut(k) {
            g.ingress = ingress;
            g.egress = egress;
        }
    }

    // Instances and their interfaces.
    let mut remaining = spec.enis - enis_json.len();
    let mut instances: Vec<Value> = Vec::new();
    let mut names_out: Vec<(Role, String)> = Vec::new();
    let anchors: [(usize, Role, &str); 4] = [
        (1, Role::Web, WEB),
        (1, Role::App, APP),
        (1, Role::Db, DB),
        (0, Role::Shared, SHARED),
    ];
    let mut serial = 0usize;
    while remaining > 0 {
        let (vpc, role, fixed_name) = match anchors.get(serial) {
            Some((vpc, role, name)) => (*vpc, *role, Some(*name)),
            None => {
                let vpc = rng.below(v as u64) as usize;
                let r = rng.below(100);
                let role = match r {
                    0..=11 => Role::Web,
                    12..=13 => Role::Bastion,
                    14..=43 => Role::App,
                    44..=58 => Role::Batch,
                    59..=74 => Role::Worker,
                    75..=91 => Role::Db,
                    _ => Role::Cache,
                };
                let role = if vpc == 0 && rng.chance(20) { Role::Shared } else { role };
                (vpc, role, None)
            }
        };
        serial += 1;
        let az = if fixed_name.is_some() { 0 } else { rng.below(3) as usize };
        let Some(sub_ix) = subnets
            .iter()
            .position(|s| s.vpc == vpc && s.az == az && s.tier == role.tier())
        else {
            return Err("internal: no subnet for an instance".into());
        };
        let n_enis = if fixed_name.is_none() && remaining >= 2 && rng.chance(8) {
            2
        } else {
            1
        };
        remaining -= n_enis;
        let instance_id = ids.next("i");
        let name = fixed_name.map_or_else(|| format!("{}-{vpc}-{serial:05}", role.name()), str::to_owned);
        names_out.push((role, name.clone()));
        let role_groups: Vec<&str> = {
            let mut gs = vec![role.name()];
            if role == Role::Shared {
                gs = vec!["shared"];
            }
            if fixed_name.is_none() {
                for (extra, p) in [
                    ("monitoring-agent", 60),
                    ("patching", 40),
                    ("logging", 30),
                    ("default", 10),
                ] {
                    if gs.len() < 5 && rng.chance(p) {
                        gs.push(extra);
                    }
                }
            }
            gs
        };
        let mut instance_enis = Vec::new();
        let mut primary_ip = 0u32;
        let mut public_ip: Option<u32> = None;
        for dev in 0..n_enis {
            let eni_id = ids.next("eni");
            let Some(s) = subnets.get_mut(sub_ix) else {
                return Err("internal: subnet vanished".into());
            };
            let addr = s.take()?;
            let mut privates = vec![addr];
            if fixed_name.is_none() && rng.chance(5) {
                privates.push(s.take()?);
            }
            let subnet_id = s.id.clone();
            let pub_ip = (dev == 0 && role.tier() == Tier::Public).then(|| public_ips.next(&mut rng));
            if dev == 0 {
                primary_ip = addr;
                public_ip = pub_ip;
            }
            let groups_json: Vec<Value> = role_groups
                .iter()
                .map(|g| json!({"GroupId": gid(vpc, g), "GroupName": g}))
                .collect();
            let association = |p: u32| {
                json!({"IpOwnerId": "amazon", "PublicDnsName": format!("ec2-{}.compute-1.amazonaws.com",
                       ip(p).replace('.', "-")), "PublicIp": ip(p)})
            };
            let private_list: Vec<Value> = privates
                .iter()
                .enumerate()
                .map(|(k, a)| {
                    let mut e = json!({"Primary": k == 0, "PrivateDnsName": dns(*a), "PrivateIpAddress": ip(*a)});
                    if k == 0
                        && let Some(p) = pub_ip
                    {
                        e["Association"] = association(p);
                    }
                    e
                })
                .collect();
            let mac = mac(&mut rng);
            let attachment_id = ids.next("eni-attach");
            let mut view = json!({
                "Attachment": {
                    "AttachTime": LAUNCH, "AttachmentId": attachment_id, "DeleteOnTermination": dev == 0,
                    "DeviceIndex": dev, "NetworkCardIndex": 0, "Status": "attached",
                },
                "Description": if dev == 0 { "Primary network interface" } else { "" },
                "Groups": groups_json,
                "InterfaceType": "interface",
                "Ipv6Addresses": [],
                "MacAddress": mac,
                "NetworkInterfaceId": eni_id,
                "OwnerId": OWNER,
                "PrivateDnsName": dns(addr),
                "PrivateIpAddress": ip(addr),
                "PrivateIpAddresses": private_list,
                "SourceDestCheck": true,
                "Status": "in-use",
                "SubnetId": subnet_id,
                "VpcId": vpc_ids[vpc],
            });
            if let Some(p) = pub_ip {
                view["Association"] = association(p);
            }
            instance_enis.push(view.clone());
            // The interface view adds the instance id, the zone and tags.
            view["Attachment"]["InstanceId"] = json!(instance_id);
            view["Attachment"]["InstanceOwnerId"] = json!(OWNER);
            view["AvailabilityZone"] = json!(AZS[az]);
            view["RequesterManaged"] = json!(false);
            view["TagSet"] = json!([]);
            enis_json.push(view);
        }
        let sub = subnets.get(sub_ix);
        let team = ["payments", "search", "identity", "ledger", "growth", "platform"][rng.below(6) as usize % 6];
        let mut inst = json!({
            "AmiLaunchIndex": 0,
            "Architecture": "x86_64",
            "BlockDeviceMappings": [{
                "DeviceName": "/dev/xvda",
                "Ebs": {"AttachTime": LAUNCH, "DeleteOnTermination": true, "Status": "attached",
                        "VolumeId": ids.next("vol")},
            }],
            "ClientToken": format!("{:016x}", rng.next_u64()),
            "EbsOptimized": true,
            "EnaSupport": true,
            "Hypervisor": "xen",
            "ImageId": "ami-0c02fb55956c7d316",
            "InstanceId": instance_id,
            "InstanceType": role.instance_type(),
            "KeyName": "ops",
            "LaunchTime": LAUNCH,
            "MetadataOptions": {"HttpEndpoint": "enabled", "HttpProtocolIpv6": "disabled",
                                "HttpPutResponseHopLimit": 2, "HttpTokens": "required",
                                "InstanceMetadataTags": "disabled", "State": "applied"},
            "Monitoring": {"State": "disabled"},
            "NetworkInterfaces": instance_enis,
            "Placement": {"AvailabilityZone": AZS[az], "GroupName": "", "Tenancy": "default"},
            "PrivateDnsName": dns(primary_ip),
            "PrivateIpAddress": ip(primary_ip),
            "ProductCodes": [],
            "PublicDnsName": "",
            "RootDeviceName": "/dev/xvda",
            "RootDeviceType": "ebs",
            "SecurityGroups": role_groups.iter().map(|g| json!({"GroupId": gid(vpc, g), "GroupName": g})).collect::<Vec<_>>(),
            "SourceDestCheck": true,
            "State": {"Code": 16, "Name": "running"},
            "StateTransitionReason": "",
            "SubnetId": sub.map(|s| s.id.clone()).unwrap_or_default(),
            "Tags": tags(&[("Name", &name), ("team", team), ("role", role.name())]),
            "VirtualizationType": "hvm",
            "VpcId": vpc_ids[vpc],
        });
        if let Some(p) = public_ip {
            inst["PublicIpAddress"] = json!(ip(p));
            inst["PublicDnsName"] = json!(format!("ec2-{}.compute-1.amazonaws.com", ip(p).replace('.', "-")));
        }
        instances.push(json!({
            "Groups": [], "Instances": [inst], "OwnerId": OWNER, "ReservationId": ids.next("r"),
        }));
    }

    // Subnets, now that they know how full they are.
    let subnets_json: Vec<Value> = subnets
        .iter()
        .map(|s| {
            let tier = match s.tier {
                Tier::Public => "public",
                Tier::Private => "private",
                Tier::Data => "data",
            };
            json!({
                "AssignIpv6AddressOnCreation": false,
                "AvailabilityZone": AZS[s.az],
                "AvailabilityZoneId": AZ_IDS[s.az],
                "AvailableIpAddressCount": s.size.saturating_sub(s.next + 1),
                "CidrBlock": s.cidr(),
                "DefaultForAz": false,
                "EnableDns64": false,
                "Ipv6CidrBlockAssociationSet": [],
                "Ipv6Native": false,
                "MapPublicIpOnLaunch": s.tier == Tier::Public,
                "OwnerId": OWNER,
                "State": "available",
                "SubnetArn": format!("arn:aws:ec2:{REGION}:{OWNER}:subnet/{}", s.id),
                "SubnetId": s.id,
                "Tags": tags(&[("Name", &format!("{}-{tier}-{}", vpc_name(s.vpc), AZS[s.az]))]),
                "VpcId": vpc_ids[s.vpc],
            })
        })
        .collect();
    let peering: Vec<Value> = (1..v)
        .filter_map(|s| {
            let p = pcx[s].as_ref()?;
            let side = |k: usize| {
                json!({"CidrBlock": vpc_cidr(k), "CidrBlockSet": [{"CidrBlock": vpc_cidr(k)}],
                       "OwnerId": OWNER, "PeeringOptions": {"AllowDnsResolutionFromRemoteVpc": true},
                       "Region": REGION, "VpcId": vpc_ids[k]})
            };
            Some(json!({
                "AccepterVpcInfo": side(s), "RequesterVpcInfo": side(0),
                "Status": {"Code": "active", "Message": "Active"},
                "Tags": tags(&[("Name", &format!("hub-to-spoke-{s}"))]), "VpcPeeringConnectionId": p,
            }))
        })
        .collect();
    let igws_json: Vec<Value> = igws
        .iter()
        .enumerate()
        .map(|(i, g)| {
            json!({"Attachments": [{"State": "available", "VpcId": vpc_ids[i]}], "InternetGatewayId": g,
                   "OwnerId": OWNER, "Tags": tags(&[("Name", &format!("{}-igw", vpc_name(i)))])})
        })
        .collect();
    let service_lists = json!({"PrefixLists": [
        {"Cidrs": S3_CIDRS, "PrefixListId": S3_LIST, "PrefixListName": format!("com.amazonaws.{REGION}.s3")},
        {"Cidrs": DDB_CIDRS, "PrefixListId": DDB_LIST, "PrefixListName": format!("com.amazonaws.{REGION}.dynamodb")},
    ]});
    let managed_lists = json!({"PrefixLists": [{
        "AddressFamily": "IPv4", "MaxEntries": 10, "OwnerId": OWNER,
        "PrefixListArn": format!("arn:aws:ec2:{REGION}:{OWNER}:prefix-list/{corp_list}"),
        "PrefixListId": corp_list, "PrefixListName": "corp-offices", "State": "create-complete",
        "Tags": tags(&[("Name", "corp-offices")]), "Version": 3,
    }]});
    let corp_entries =
        json!({"Entries": OFFICES.iter().map(|c| json!({"Cidr": c, "Description": "office"})).collect::<Vec<_>>()});
    let groups_json: Vec<Value> = groups.iter().map(|g| g.json(&vpc_ids[g.vpc])).collect();

    let files = vec![
        ("describe-vpcs.json".to_owned(), json!({"Vpcs": vpcs_json})),
        ("describe-subnets.json".to_owned(), json!({"Subnets": subnets_json})),
        (
            "describe-route-tables.json".to_owned(),
            json!({"RouteTables": route_tables}),
        ),
        ("describe-network-acls.json".to_owned(), json!({"NetworkAcls": acls})),
        (
            "describe-security-groups.json".to_owned(),
            json!({"SecurityGroups": groups_json}),
        ),
        (
            "describe-network-interfaces.json".to_owned(),
            json!({"NetworkInterfaces": enis_json}),
        ),
        ("describe-instances.json".to_owned(), json!({"Reservations": instances})),
        (
            "describe-internet-gateways.json".to_owned(),
            json!({"InternetGateways": igws_json}),
        ),
        (
            "describe-nat-gateways.json".to_owned(),
            json!({"NatGateways": nat_json}),
        ),
        ("describe-addresses.json".to_owned(), json!({"Addresses": addresses})),
        (
            "describe-vpc-peering-connections.json".to_owned(),
            json!({"VpcPeeringConnections": peering}),
        ),
        (
            "describe-vpc-endpoints.json".to_owned(),
            json!({"VpcEndpoints": endpoints}),
        ),
        ("describe-prefix-lists.json".to_owned(), service_lists),
        ("describe-managed-prefix-lists.json".to_owned(), managed_lists),
        (format!("{corp_list}.entries.json"), corp_entries),
    ];
    Ok(Snapshot {
        files,
        instances: names_out,
    })
}

/// Public addresses handed out so far.
#[derive(Debug, Default)]
struct PublicIps(std::collections::BTreeSet<u32>);

impl PublicIps {
    /// Pools as (first octet, second octet, number of second octets): 3.80.0.0/12, 18.204.0.0/14,
    /// 34.192.0.0/12, 44.192.0.0/11, 52.0.0.0/11 and 54.80.0.0/12, clear of the S3 and DynamoDB
    /// prefix lists.
    const POOLS: [(u32, u32, u32); 6] = [
        (3, 80, 16),
        (18, 204, 4),
        (34, 192, 16),
        (44, 192, 32),
        (52, 0, 32),
        (54, 80, 16),
    ];

    fn next(&mut self, rng: &mut Rng) -> u32 {
        loop {
            let (a, b, n) = Self::POOLS[rng.below(Self::POOLS.len() as u64) as usize % Self::POOLS.len()];
            let host = (a << 24) | ((b + rng.below(u64::from(n)) as u32) << 16) | (rng.below(65534) as u32 + 1);
            if self.0.insert(host) {
                return host;
            }
        }
    }
}

fn vpc_name(i: usize) -> String {
    if i == 0 { "hub".to_owned() } else { format!("spoke-{i}") }
}

fn mac(rng: &mut Rng) -> String {
    let b = rng.next_u64().to_be_bytes();
    format!("0e:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", b[0], b[1], b[2], b[3], b[4])
}
