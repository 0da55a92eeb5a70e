//! The transit-gateway mode of the synthetic estate (`synth --tgw`): an organisation that has
//! outgrown peering. Shared by `examples/synth.rs` and the integration test that lints a small one
//! (each includes this file beside `estate.rs` with `#[path]`; it uses the generator's `Rng`,
//! `Snapshot` and `Question` from there).
//!
//! The shape, written in the nested multi-account layout `accounts/<account-id>/<region>/`:
//! - two Regions (us-east-1, eu-west-1), two Availability Zones each; a network account
//!   (111111111111) owns one transit gateway per Region, shared to the workload accounts, and a
//!   shared-services VPC per Region; the spoke VPCs are spread over all the accounts and both
//!   Regions;
//! - every VPC has a workload subnet and a transit gateway attachment subnet per zone; the
//!   workload subnets route 10.0.0.0/8 to the transit gateway, the attachment subnets keep the
//!   main table (local only); the workload subnets' ACL denies telnet and admits 10.0.0.0/8 and
//!   the ephemeral ports;
//! - each transit gateway has three route tables, the isolated-spokes design AWS documents: the
//!   spokes' table learns only the shared-services VPC (propagation) and the other Region's
//!   shared-services block (static, over the peering); the shared-services table learns every
//!   local spoke and routes the other Region's range over the peering; the peering's table learns
//!   every local VPC. So a spoke reaches both Regions' shared services, shared services reach
//!   every spoke of their Region and spokes reach no other spoke;
//! - the two transit gateways are peered (one attachment id, each side's view in its Region).
//!
//! Deterministic for a seed; nothing here panics (an estate that does not fit is an error).

#![allow(dead_code, reason = "each includer uses part of the generator")]

use super::estate::{Question, Rng, Snapshot};
use serde_json::{Value, json};

/// The network account: transit gateways and shared services.
pub const NETWORK_ACCOUNT: &str = "111111111111";
/// The workload accounts (with the network account, three accounts hold spokes).
pub const WORKLOAD_ACCOUNTS: [&str; 2] = ["222222222222", "333333333333"];
/// The Regions, their zones and zone ids.
const REGIONS: [(&str, [&str; 2], [&str; 2]); 2] = [
    ("us-east-1", ["us-east-1a", "us-east-1b"], ["use1-az1", "use1-az2"]),
    ("eu-west-1", ["eu-west-1a", "eu-west-1b"], ["euw1-az1", "euw1-az2"]),
];
const LAUNCH: &str = "2026-10-01T08:30:00+00:00";

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Spoke VPCs in all (spread over both Regions and all accounts), at most 254.
    pub spokes: usize,
    /// Instances (one interface each) per VPC, shared services included; at least 1.
    pub hosts_per_vpc: usize,
    /// The generator's seed.
    pub seed: u64,
}

impl Spec {
    /// About `enis` interfaces over `spokes` spoke VPCs.
    pub fn for_enis(enis: usize, spokes: usize, seed: u64) -> Self {
        let vpcs = spokes + REGIONS.len();
        Spec {
            spokes,
            hosts_per_vpc: enis.div_ceil(vpcs.max(1)).max(1),
            seed,
        }
    }

    /// Interfaces the estate will have.
    pub fn enis(&self) -> usize {
        (self.spokes + REGIONS.len()) * self.hosts_per_vpc
    }
}

/// The Name tag of Region `r`'s shared-services host.
pub fn shared_host(region: &str) -> String {
    format!("synth-shared-{region}")
}

/// The Name tag of host `n` of spoke `k` (1-based, per Region) of `region`.
pub fn spoke_host(region: &str, k: usize, n: usize) -> String {
    format!("synth-spoke-{region}-{k}-{n}")
}

/// Sequential ids of AWS's shape (`prefix-` and 17 hex digits), unique per prefix.
#[derive(Default)]
struct Ids(std::collections::BTreeMap<&'static str, u64>);

impl Ids {
    fn next(&mut self, prefix: &'static str) -> String {
        let n = self.0.entry(prefix).or_insert(0);
        *n += 1;
        // Offset by the prefix (FNV-1a) so that kinds do not share digits, then a fixed odd
        // multiplier spreads them like real ids: a bijection, so ids never repeat.
        let offset = prefix.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        format!(
            "{prefix}-{:017x}",
            n.wrapping_add(offset).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        )
    }
}

fn tags(name: &str) -> Value {
    json!([{"Key": "Name", "Value": name}])
}

/// One VPC as generated: where it lives and the ids later files need.
struct Vpc {
    account: &'static str,
    region: usize,
    name: String,
    id: String,
    /// Second octet of its 10.x.0.0/16.
    octet: u32,
    /// Workload subnets, then attachment subnets, per zone.
    work: [String; 2],
    attach: [String; 2],
    attachment: String,
    shared: bool,
}

impl Vpc {
    fn cidr(&self) -> String {
        format!("10.{}.0.0/16", self.octet)
    }
}

/// One transit gateway route table's contents: (id, associations, propagating VPCs, static
/// routes).
type TableFiles<'a> = (&'a String, Vec<Value>, Vec<&'a Vpc>, Vec<Value>);

/// The files of one account and Region, by command.
#[derive(Default)]
struct Files {
    vpcs: Vec<Value>,
    subnets: Vec<Value>,
    route_tables: Vec<Value>,
    acls: Vec<Value>,
    groups: Vec<Value>,
    enis: Vec<Value>,
    reservations: Vec<Value>,
    transit_gateways: Vec<Value>,
    vpc_attachments: Vec<Value>,
}

/// The transit-gateway estate for `spec`.
pub fn generate(spec: &Spec) -> Result<Snapshot, String> {
    if spec.spokes < 2 || spec.spokes > 254 {
        return Err(format!("{} spoke VPCs: choose 2 to 254", spec.spokes));
    }
    if spec.hosts_per_vpc == 0 || spec.hosts_per_vpc > 8000 {
        return Err(format!("{} hosts per VPC: choose 1 to 8000", spec.hosts_per_vpc));
    }
    let mut rng = Rng::new(spec.seed);
    let mut ids = Ids::default();
    let accounts: Vec<&'static str> = std::iter::once(NETWORK_ACCOUNT).chain(WORKLOAD_ACCOUNTS).collect();

    // The VPCs: shared services first, then the spokes, alternating Regions and accounts.
    let mut vpcs: Vec<Vpc> = Vec::new();
    let mut per_region = [0u32; 2];
    fn new_vpc(per_region: &mut [u32; 2], account: &'static str, region: usize, shared: bool, ids: &mut Ids) -> Vpc {
        let k = per_region[region];
        per_region[region] += 1;
        let name = if shared {
            format!("shared-{}", REGIONS[region].0)
        } else {
            format!("spoke-{}-{k}", REGIONS[region].0)
        };
        Vpc {
            account,
            region,
            name,
            id: ids.next("vpc"),
            octet: region as u32 * 128 + k,
            work: [ids.next("subnet"), ids.next("subnet")],
            attach: [ids.next("subnet"), ids.next("subnet")],
            attachment: ids.next("tgw-attach"),
            shared,
        }
    }
    for region in 0..REGIONS.len() {
        vpcs.push(new_vpc(&mut per_region, NETWORK_ACCOUNT, region, true, &mut ids));
    }
    for i in 0..spec.spokes {
        let region = i % REGIONS.len();
        if per_region[region] >= 128 {
            return Err(format!("{} spoke VPCs do not fit 127 per Region", spec.spokes));
        }
        let account = accounts[(i / REGIONS.len()) % accounts.len()];
        vpcs.push(new_vpc(&mut per_region, account, region, false, &mut ids));
    }

    let tgws: Vec<String> = REGIONS.iter().map(|_| ids.next("tgw")).collect();
    let peering = ids.next("tgw-attach");
    // Per Region: the spokes', shared services' and peering's route tables.
    let tables: Vec<[String; 3]> = REGIONS
        .iter()
        .map(|_| [ids.next("tgw-rtb"), ids.next("tgw-rtb"), ids.next("tgw-rtb")])
        .collect();

    let mut files: std::collections::BTreeMap<(&'static str, usize), Files> = Default::default();
    for vpc in &vpcs {
        let (region, zones, zone_ids) = REGIONS[vpc.region];
        let f = files.entry((vpc.account, vpc.region)).or_default();
        let arn = |kind: &str, id: &str| format!("arn:aws:ec2:{region}:{}:{kind}/{id}", vpc.account);
        f.vpcs.push(json!({
            "CidrBlock": vpc.cidr(),
            "CidrBlockAssociationSet": [{"AssociationId": ids.next("vpc-cidr-assoc"), "CidrBlock": vpc.cidr(),
                                         "CidrBlockState": {"State": "associated"}}],
            "DhcpOptionsId": "dopt-0fb1ae5a2b5e1d7c3",
            "InstanceTenancy": "default",
            "IsDefault": false,
            "OwnerId": vpc.account,
            "State": "available",
            "Tags": tags(&vpc.name),
            "VpcId": vpc.id,
        }));
        for az in 0..2 {
            for (id, cidr, kind) in [
                (&vpc.work[az], format!("10.{}.{}.0/20", vpc.octet, az * 16), "workload"),
                (
                    &vpc.attach[az],
                    format!("10.{}.255.{}/28", vpc.octet, az * 16),
                    "tgw-attachment",
                ),
            ] {
                f.subnets.push(json!({
                    "AssignIpv6AddressOnCreation": false,
                    "AvailabilityZone": zones[az],
                    "AvailabilityZoneId": zone_ids[az],
                    "AvailableIpAddressCount": if kind == "workload" { 4091 - spec.hosts_per_vpc / 2 } else { 10 },
                    "CidrBlock": cidr,
                    "DefaultForAz": false,
                    "Ipv6CidrBlockAssociationSet": [],
                    "MapPublicIpOnLaunch": false,
                    "OwnerId": vpc.account,
                    "State": "available",
                    "SubnetArn": arn("subnet", id),
                    "SubnetId": id,
                    "Tags": tags(&format!("{}-{kind}-{}", vpc.name, zones[az])),
                    "VpcId": vpc.id,
                }));
            }
        }
        let local = json!({"DestinationCidrBlock": vpc.cidr(), "GatewayId": "local",
                           "Origin": "CreateRouteTable", "State": "active"});
        let main_rtb = ids.next("rtb");
        f.route_tables.push(json!({
            "Associations": [{"Main": true, "RouteTableAssociationId": ids.next("rtbassoc"),
                              "RouteTableId": main_rtb, "AssociationState": {"State": "associated"}}],
            "OwnerId": vpc.account, "PropagatingVgws": [], "RouteTableId": main_rtb,
            "Routes": [local.clone()], "Tags": tags(&format!("{}-main", vpc.name)), "VpcId": vpc.id,
        }));
        let work_rtb = ids.next("rtb");
        let associations: Vec<Value> = vpc
            .work
            .iter()
            .map(|s| {
                json!({"Main": false, "RouteTableAssociationId": ids.next("rtbassoc"), "RouteTableId": work_rtb,
                       "SubnetId": s, "AssociationState": {"State": "associated"}})
            })
            .collect();
        f.route_tables.push(json!({
            "Associations": associations,
            "OwnerId": vpc.account, "PropagatingVgws": [], "RouteTableId": work_rtb,
            "Routes": [local, {"DestinationCidrBlock": "10.0.0.0/8", "TransitGatewayId": tgws[vpc.region],
                               "Origin": "CreateRoute", "State": "active"}],
            "Tags": tags(&format!("{}-workload", vpc.name)), "VpcId": vpc.id,
        }));
        // The default ACL (allow all) keeps the attachment subnets; the workload subnets get theirs.
        let entry = |n: u32, egress: bool, protocol: &str, action: &str, cidr: &str, ports: Option<(u16, u16)>| {
            let mut e = json!({"CidrBlock": cidr, "Egress": egress, "Protocol": protocol,
                               "RuleAction": action, "RuleNumber": n});
            if let Some((from, to)) = ports {
                e["PortRange"] = json!({"From": from, "To": to});
            }
            e
        };
        let default_acl = ids.next("acl");
        f.acls.push(json!({
            "Associations": vpc.attach.iter().map(|s| json!({"NetworkAclAssociationId": ids.next("aclassoc"),
                                                               "NetworkAclId": default_acl, "SubnetId": s}))
                                   .collect::<Vec<_>>(),
            "Entries": [entry(100, true, "-1", "allow", "0.0.0.0/0", None),
                        entry(32767, true, "-1", "deny", "0.0.0.0/0", None),
                        entry(100, false, "-1", "allow", "0.0.0.0/0", None),
                        entry(32767, false, "-1", "deny", "0.0.0.0/0", None)],
            "IsDefault": true, "NetworkAclId": default_acl, "OwnerId": vpc.account,
            "Tags": [], "VpcId": vpc.id,
        }));
        let work_acl = ids.next("acl");
        f.acls.push(json!({
            "Associations": vpc.work.iter().map(|s| json!({"NetworkAclAssociationId": ids.next("aclassoc"),
                                                             "NetworkAclId": work_acl, "SubnetId": s}))
                                   .collect::<Vec<_>>(),
            "Entries": [entry(100, true, "-1", "allow", "0.0.0.0/0", None),
                        entry(32767, true, "-1", "deny", "0.0.0.0/0", None),
                        entry(90, false, "6", "deny", "0.0.0.0/0", Some((23, 23))),
                        entry(100, false, "-1", "allow", "10.0.0.0/8", None),
                        entry(110, false, "6", "allow", "0.0.0.0/0", Some((1024, 65535))),
                        entry(32767, false, "-1", "deny", "0.0.0.0/0", None)],
            "IsDefault": false, "NetworkAclId": work_acl, "OwnerId": vpc.account,
            "Tags": tags(&format!("{}-workload", vpc.name)), "VpcId": vpc.id,
        }));
        // Groups: the default one, and the workload's.
        let all_out = json!([{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [],
                              "PrefixListIds": [], "UserIdGroupPairs": []}]);
        let default_sg = ids.next("sg");
        f.groups.push(json!({
            "Description": "default VPC security group", "GroupId": default_sg, "GroupName": "default",
            "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [],
                               "UserIdGroupPairs": [{"GroupId": default_sg, "UserId": vpc.account}]}],
            "IpPermissionsEgress": all_out.clone(), "OwnerId": vpc.account, "Tags": [], "VpcId": vpc.id,
        }));
        let sg = ids.next("sg");
        let sg_name = if vpc.shared { "shared-services" } else { "workload" };
        let tcp = |from: u16, to: u16, ranges: Value, pairs: Value| {
            json!({"FromPort": from, "ToPort": to, "IpProtocol": "tcp", "IpRanges": ranges, "Ipv6Ranges": [],
                   "PrefixListIds": [], "UserIdGroupPairs": pairs})
        };
        let inbound = if vpc.shared {
            json!([tcp(443, 443, json!([{"CidrIp": "10.0.0.0/8", "Description": "organisation"}]), json!([])),
                   {"FromPort": 53, "ToPort": 53, "IpProtocol": "udp",
                    "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "DNS"}], "Ipv6Ranges": [],
                    "PrefixListIds": [], "UserIdGroupPairs": []}])
        } else {
            json!([
                tcp(
                    443,
                    443,
                    json!([{"CidrIp": "10.0.0.0/8", "Description": "organisation"}]),
                    json!([])
                ),
                tcp(
                    22,
                    22,
                    json!([{"CidrIp": "10.0.0.0/16", "Description": "shared services us-east-1"},
                                      {"CidrIp": "10.128.0.0/16", "Description": "shared services eu-west-1"}]),
                    json!([])
                ),
                tcp(8080, 8080, json!([]), json!([{"GroupId": sg, "UserId": vpc.account}]))
            ])
        };
        f.groups.push(json!({
            "Description": format!("{sg_name} hosts"), "GroupId": sg, "GroupName": sg_name,
            "IpPermissions": inbound, "IpPermissionsEgress": all_out, "OwnerId": vpc.account,
            "Tags": tags(&format!("{}-{sg_name}", vpc.name)), "VpcId": vpc.id,
        }));
        // Hosts, alternating zones.
        for n in 0..spec.hosts_per_vpc {
            let az = n % 2;
            // Zone a's subnet is 10.x.0.0/20, zone b's 10.x.16.0/20; hosts from .10 up.
            let h = n as u32 / 2 + 10;
            let addr = format!("10.{}.{}.{}", vpc.octet, az as u32 * 16 + h / 256, h % 256);
            let name = if vpc.shared {
                if n == 0 {
                    shared_host(region)
                } else {
                    format!("synth-shared-{region}-{n}")
                }
            } else {
                spoke_host(region, vpc.octet as usize - vpc.region * 128, n)
            };
            let (eni, instance) = (ids.next("eni"), ids.next("i"));
            let groups = json!([{"GroupId": sg, "GroupName": sg_name}]);
            let mac = format!(
                "02:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
                rng.below(256),
                rng.below(256),
                rng.below(256),
                rng.below(256),
                rng.below(256)
            );
            let attachment = json!({"AttachTime": LAUNCH, "AttachmentId": ids.next("eni-attach"),
                                    "DeleteOnTermination": true, "DeviceIndex": 0, "NetworkCardIndex": 0,
                                    "Status": "attached"});
            let mut view = json!({
                "Attachment": attachment, "Description": "Primary network interface", "Groups": groups,
                "InterfaceType": "interface", "Ipv6Addresses": [], "MacAddress": mac, "NetworkInterfaceId": eni,
                "OwnerId": vpc.account, "PrivateIpAddress": addr,
                "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": addr}],
                "SourceDestCheck": true, "Status": "in-use", "SubnetId": vpc.work[az], "VpcId": vpc.id,
            });
            let instance_view = view.clone();
            view["Attachment"]["InstanceId"] = json!(instance);
            view["Attachment"]["InstanceOwnerId"] = json!(vpc.account);
            view["AvailabilityZone"] = json!(zones[az]);
            view["RequesterManaged"] = json!(false);
            view["TagSet"] = json!([]);
            f.enis.push(view);
            f.reservations.push(json!({
                "Groups": [], "OwnerId": vpc.account, "ReservationId": ids.next("r"),
                "Instances": [{
                    "AmiLaunchIndex": 0, "Architecture": "x86_64", "ImageId": "ami-0c02fb55956c7d316",
                    "InstanceId": instance, "InstanceType": "t3.small", "LaunchTime": LAUNCH,
                    "NetworkInterfaces": [instance_view],
                    "Placement": {"AvailabilityZone": zones[az], "GroupName": "", "Tenancy": "default"},
                    "PrivateIpAddress": addr, "SecurityGroups": groups, "SourceDestCheck": true,
                    "State": {"Code": 16, "Name": "running"}, "SubnetId": vpc.work[az],
                    "Tags": tags(&name), "VpcId": vpc.id,
                }],
            }));
        }
    }

    // The transit gateways, shared to every account: each account lists the gateways of its
    // Regions and the attachments of its own VPCs; the network account also lists the route
    // tables, the attachments of every VPC and the peering.
    let mut out: Vec<(String, Value)> = Vec::new();
    let tgw_json = |r: usize| {
        let (region, _, _) = REGIONS[r];
        json!({
            "CreationTime": LAUNCH, "Description": format!("hub-{region}"), "OwnerId": NETWORK_ACCOUNT,
            "State": "available", "Tags": tags(&format!("hub-{region}")),
            "TransitGatewayArn": format!("arn:aws:ec2:{region}:{NETWORK_ACCOUNT}:transit-gateway/{}", tgws[r]),
            "TransitGatewayId": tgws[r],
            "Options": {"AmazonSideAsn": 64512 + r as u64, "AutoAcceptSharedAttachments": "enable",
                        "DefaultRouteTableAssociation": "disable", "DefaultRouteTablePropagation": "disable",
                        "DnsSupport": "enable", "MulticastSupport": "disable",
                        "SecurityGroupReferencingSupport": "disable", "TransitGatewayCidrBlocks": [],
                        "VpnEcmpSupport": "enable"},
        })
    };
    let vpc_attachment = |v: &Vpc| {
        json!({
            "CreationTime": LAUNCH, "State": "available", "SubnetIds": v.attach,
            "Tags": tags(&format!("{}-attachment", v.name)), "TransitGatewayAttachmentId": v.attachment,
            "TransitGatewayId": tgws[v.region], "VpcId": v.id, "VpcOwnerId": v.account,
            "Options": {"ApplianceModeSupport": "disable", "DnsSupport": "enable", "Ipv6Support": "disable",
                        "SecurityGroupReferencingSupport": "disable"},
        })
    };
    for v in &vpcs {
        files
            .entry((v.account, v.region))
            .or_default()
            .vpc_attachments
            .push(vpc_attachment(v));
        if v.account != NETWORK_ACCOUNT {
            // The gateway's owner sees every attachment to it.
            files
                .entry((NETWORK_ACCOUNT, v.region))
                .or_default()
                .vpc_attachments
                .push(vpc_attachment(v));
        }
    }
    for ((account, r), f) in &mut files {
        f.transit_gateways.push(tgw_json(*r));
        let dir = format!("accounts/{account}/{}", REGIONS[*r].0);
        let mut put = |name: &str, doc: Value| out.push((format!("{dir}/{name}"), doc));
        put("describe-vpcs.json", json!({"Vpcs": f.vpcs}));
        put("describe-subnets.json", json!({"Subnets": f.subnets}));
        put("describe-route-tables.json", json!({"RouteTables": f.route_tables}));
        put("describe-network-acls.json", json!({"NetworkAcls": f.acls}));
        put("describe-security-groups.json", json!({"SecurityGroups": f.groups}));
        put("describe-network-interfaces.json", json!({"NetworkInterfaces": f.enis}));
        put("describe-instances.json", json!({"Reservations": f.reservations}));
        put(
            "describe-transit-gateways.json",
            json!({"TransitGateways": f.transit_gateways}),
        );
        put(
            "describe-transit-gateway-vpc-attachments.json",
            json!({"TransitGatewayVpcAttachments": f.vpc_attachments}),
        );
    }
    for (r, (region, _, _)) in REGIONS.iter().enumerate() {
        let other = 1 - r;
        let dir = format!("accounts/{NETWORK_ACCOUNT}/{region}");
        let local: Vec<&Vpc> = vpcs.iter().filter(|v| v.region == r).collect();
        let shared = local.iter().find(|v| v.shared).copied();
        let other_shared = vpcs.iter().find(|v| v.region == other && v.shared);
        let (Some(shared), Some(other_shared)) = (shared, other_shared) else {
            return Err("internal: a Region without shared services".to_owned());
        };
        let [spokes_rt, shared_rt, peer_rt] = &tables[r];
        let table_of = |v: &Vpc| if v.shared { shared_rt } else { spokes_rt };
        let mut attachments: Vec<Value> = local
            .iter()
            .map(|v| {
                json!({
                    "Association": {"State": "associated", "TransitGatewayRouteTableId": table_of(v)},
                    "CreationTime": LAUNCH, "ResourceId": v.id, "ResourceOwnerId": v.account,
                    "ResourceType": "vpc", "State": "available", "Tags": tags(&format!("{}-attachment", v.name)),
                    "TransitGatewayAttachmentId": v.attachment, "TransitGatewayId": tgws[r],
                    "TransitGatewayOwnerId": NETWORK_ACCOUNT,
                })
            })
            .collect();
        attachments.push(json!({
            "Association": {"State": "associated", "TransitGatewayRouteTableId": peer_rt},
            "CreationTime": LAUNCH, "ResourceId": tgws[other], "ResourceOwnerId": NETWORK_ACCOUNT,
            "ResourceType": "peering", "State": "available", "Tags": tags("inter-region"),
            "TransitGatewayAttachmentId": peering, "TransitGatewayId": tgws[r],
            "TransitGatewayOwnerId": NETWORK_ACCOUNT,
        }));
        out.push((
            format!("{dir}/describe-transit-gateway-attachments.json"),
            json!({"TransitGatewayAttachments": attachments}),
        ));
        let side = |t: usize| json!({"OwnerId": NETWORK_ACCOUNT, "Region": REGIONS[t].0, "TransitGatewayId": tgws[t]});
        out.push((
            format!("{dir}/describe-transit-gateway-peering-attachments.json"),
            json!({"TransitGatewayPeeringAttachments": [{
                "AccepterTgwInfo": side(1), "CreationTime": LAUNCH, "RequesterTgwInfo": side(0),
                "State": "available", "Status": {"Code": "available", "Message": "Available"},
                "Tags": tags("inter-region"), "TransitGatewayAttachmentId": peering,
            }]}),
        ));
        let route_tables: Vec<Value> = [
            (spokes_rt, "spokes"),
            (shared_rt, "shared-services"),
            (peer_rt, "inter-region"),
        ]
        .iter()
        .map(|(id, name)| {
            json!({
                "CreationTime": LAUNCH, "DefaultAssociationRouteTable": false,
                "DefaultPropagationRouteTable": false, "State": "available", "Tags": tags(name),
                "TransitGatewayId": tgws[r], "TransitGatewayRouteTableId": id,
            })
        })
        .collect();
        out.push((
            format!("{dir}/describe-transit-gateway-route-tables.json"),
            json!({"TransitGatewayRouteTables": route_tables}),
        ));
        let link = |v: &Vpc, state: &str| {
            json!({"ResourceId": v.id, "ResourceType": "vpc", "State": state,
                   "TransitGatewayAttachmentId": v.attachment})
        };
        let peer_link = json!({"ResourceId": tgws[other], "ResourceType": "peering", "State": "associated",
                               "TransitGatewayAttachmentId": peering});
        let spokes: Vec<&Vpc> = local.iter().filter(|v| !v.shared).copied().collect();
        let propagated = |v: &Vpc| {
            json!({"DestinationCidrBlock": v.cidr(), "State": "active", "Type": "propagated",
                   "TransitGatewayAttachments": [{"ResourceId": v.id, "ResourceType": "vpc",
                                                  "TransitGatewayAttachmentId": v.attachment}]})
        };
        let over_peering = |cidr: String| {
            json!({"DestinationCidrBlock": cidr, "State": "active", "Type": "static",
                   "TransitGatewayAttachments": [{"ResourceId": tgws[other], "ResourceType": "peering",
                                                  "TransitGatewayAttachmentId": peering}]})
        };
        let other_range = format!("10.{}.0.0/9", other * 128);
        let per_table: [TableFiles<'_>; 3] = [
            (
                spokes_rt,
                spokes.iter().map(|v| link(v, "associated")).collect(),
                vec![shared],
                vec![over_peering(other_shared.cidr())],
            ),
            (
                shared_rt,
                vec![link(shared, "associated")],
                spokes.clone(),
                vec![over_peering(other_range)],
            ),
            (peer_rt, vec![peer_link], local.clone(), vec![]),
        ];
        for (table, associations, propagating, statics) in per_table {
            let propagations: Vec<Value> = propagating.iter().map(|v| link(v, "enabled")).collect();
            out.push((
                format!("{dir}/get-transit-gateway-route-table-associations.{table}.json"),
                json!({"Associations": associations}),
            ));
            out.push((
                format!("{dir}/get-transit-gateway-route-table-propagations.{table}.json"),
                json!({"TransitGatewayRouteTablePropagations": propagations}),
            ));
            let mut routes: Vec<Value> = propagating.iter().map(|v| propagated(v)).collect();
            routes.extend(statics);
            out.push((
                format!("{dir}/search-transit-gateway-routes.{table}.json"),
                json!({"AdditionalRoutesAvailable": false, "Routes": routes}),
            ));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Snapshot {
        files: out,
        instances: Vec::new(),
    })
}

/// `count` questions of a network team's suite, deterministic for `seed`: the design's known
/// answers first (a spoke reaches both Regions' shared services and is reached by its own
/// Region's; spokes do not reach each other; telnet is denied by the workload ACL), then random
/// pairs of spoke hosts and shared services on 443, 22 and 8080, expecting what the design says.
pub fn questions(spec: &Spec, count: usize, seed: u64) -> Vec<Question> {
    let (east, west) = (REGIONS[0].0, REGIONS[1].0);
    let spokes_in = |r: usize| (spec.spokes + REGIONS.len() - 1 - r) / REGIONS.len();
    let q = |from: String, to: String, port: u16, expect: bool| Question {
        from,
        to,
        protocol: "tcp",
        port: Some(port),
        expect: Some(expect),
    };
    let mut out = vec![
        q(spoke_host(east, 1, 0), shared_host(east), 443, true),
        q(spoke_host(east, 1, 0), shared_host(west), 443, true),
        q(shared_host(east), spoke_host(east, 1, 0), 22, true),
        q(shared_host(west), spoke_host(east, 1, 0), 22, true),
        q(spoke_host(east, 1, 0), spoke_host(west, 1, 0), 443, false),
        q(shared_host(east), spoke_host(east, 1, 0), 23, false),
    ];
    if spokes_in(0) >= 2 {
        out.push(q(spoke_host(east, 1, 0), spoke_host(east, 2, 0), 443, false));
    }
    // Spokes of the network account and of a workload account: cross-account through the gateway.
    out.push(q(spoke_host(west, 1, 0), shared_host(east), 443, true));
    out.truncate(count);
    let mut rng = Rng::new(seed ^ 0x7467_775f_7375_6974);
    while out.len() < count {
        let r = rng.below(2) as usize;
        let region = REGIONS[r].0;
        let n = rng.below(spec.hosts_per_vpc as u64) as usize;
        let k = 1 + rng.below(spokes_in(r).max(1) as u64) as usize;
        let host = spoke_host(region, k, n);
        let question = match rng.below(4) {
            // A spoke host to either Region's shared services: reachable.
            0 => q(host, shared_host(REGIONS[rng.below(2) as usize].0), 443, true),
            // Shared services of its Region to a spoke host on ssh: reachable.
            1 => q(shared_host(region), host, 22, true),
            // Another spoke's host: isolated.
            2 => {
                let r2 = rng.below(2) as usize;
                let k2 = 1 + rng.below(spokes_in(r2).max(1) as u64) as usize;
                if r2 == r && k2 == k {
                    continue;
                }
                q(host, spoke_host(REGIONS[r2].0, k2, 0), 443, false)
            }
            // Within one spoke, 8080 between members of the workload group: reachable.
            _ => {
                let m = rng.below(spec.hosts_per_vpc as u64) as usize;
                if m == n {
                    continue;
                }
                q(host, spoke_host(region, k, m), 8080, true)
            }
        };
        out.push(question);
    }
    out
}
