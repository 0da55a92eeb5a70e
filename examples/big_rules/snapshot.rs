//! A one-file AWS snapshot (`describe-*` keys merged) whose network ACL and security group hold as
//! many entries and rules as asked: far past AWS's quotas (SEMANTICS.md QUOTA-1, QUOTA-2), but
//! valid JSON that every loader must answer about within its budget (issue #18 item 1).
//!
//! The network: one VPC `10.0.0.0/16` with one subnet `10.0.1.0/24` routed to an internet gateway;
//! one instance `web` (public address 198.51.100.10) in group `sg-0big`. The ACL `acl-0big` holds
//! `entries` entries split between the two directions (rule numbers 1 up, at most 32,766 a
//! direction): each a deny of tcp to one port from one /32 of 100.64.0.0/10, then an allow of
//! everything last. The group holds `rules` ingress rules, each tcp to one port from one /32 of
//! 100.64.0.0/10, and one rule admitting tcp 443 from anywhere. So from the internet `web` answers
//! on tcp 443, and on tcp 22 it does not.
//!
//! Shared by `examples/big_rules.rs` (writes the file), the benchmark `benches/big_rules.rs` and
//! the integration tests (each includes this file with `#[path]`).

use serde_json::{Value, json};

/// The instance's name tag, to ask questions of.
pub const WEB: &str = "web";

/// The most rule numbers one direction of an ACL can use (1 to 32,766).
const MAX_RULE: usize = 32_766;

/// The /32 numbered `k` inside 100.64.0.0/10 (k wraps past 2^22).
fn host(k: usize) -> String {
    let n = 0x6440_0000u32 | (u32::try_from(k % (1 << 22)).unwrap_or(0));
    std::net::Ipv4Addr::from(n).to_string() + "/32"
}

/// A port between 1024 and 65,535 for the `k`th rule (never 22 nor 443).
fn port(k: usize) -> usize {
    1024 + k % (65_536 - 1024)
}

/// The snapshot as one JSON document, with `entries` ACL entries and `rules` security group rules.
pub fn snapshot(entries: usize, rules: usize) -> Value {
    let per_dir = entries.div_ceil(2).clamp(1, MAX_RULE);
    let mut acl_entries = Vec::with_capacity(entries + 2);
    for egress in [false, true] {
        let mine = if egress { entries / 2 } else { entries - entries / 2 };
        let mine = mine.min(per_dir);
        for k in 0..mine.saturating_sub(1) {
            let p = port(k);
            acl_entries.push(json!({
                "CidrBlock": host(k + if egress { 1 << 21 } else { 0 }),
                "Egress": egress,
                "PortRange": {"From": p, "To": p},
                "Protocol": "6",
                "RuleAction": "deny",
                "RuleNumber": k + 1,
            }));
        }
        acl_entries.push(json!({
            "CidrBlock": "0.0.0.0/0", "Egress": egress, "Protocol": "-1",
            "RuleAction": "allow", "RuleNumber": mine.max(1),
        }));
        acl_entries.push(json!({
            "CidrBlock": "0.0.0.0/0", "Egress": egress, "Protocol": "-1",
            "RuleAction": "deny", "RuleNumber": 32767,
        }));
    }
    let mut ingress: Vec<Value> = (0..rules.saturating_sub(1))
        .map(|k| {
            let p = port(k);
            json!({
                "IpProtocol": "tcp", "FromPort": p, "ToPort": p,
                "IpRanges": [{"CidrIp": host(k)}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": [],
            })
        })
        .collect();
    ingress.push(json!({
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
        "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": [],
    }));
    json!({
        "Vpcs": [{"CidrBlock": "10.0.0.0/16", "State": "available", "VpcId": "vpc-0big", "OwnerId": "111122223333",
                  "CidrBlockAssociationSet": [{"AssociationId": "vpc-cidr-assoc-0big", "CidrBlock": "10.0.0.0/16",
                                               "CidrBlockState": {"State": "associated"}}],
                  "IsDefault": false, "Tags": [{"Key": "Name", "Value": "big"}]}],
        "Subnets": [{"AvailabilityZone": "us-east-1a", "CidrBlock": "10.0.1.0/24", "State": "available",
                     "SubnetId": "subnet-0big", "VpcId": "vpc-0big", "Tags": [{"Key": "Name", "Value": "public"}]}],
        "InternetGateways": [{"Attachments": [{"State": "available", "VpcId": "vpc-0big"}],
                              "InternetGatewayId": "igw-0big", "OwnerId": "111122223333", "Tags": []}],
        "RouteTables": [{"Associations": [{"Main": true, "RouteTableAssociationId": "rtbassoc-0big",
                                           "RouteTableId": "rtb-0big", "AssociationState": {"State": "associated"}}],
                         "PropagatingVgws": [], "RouteTableId": "rtb-0big",
                         "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local",
                                     "Origin": "CreateRouteTable", "State": "active"},
                                    {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-0big",
                                     "Origin": "CreateRoute", "State": "active"}],
                         "Tags": [], "VpcId": "vpc-0big", "OwnerId": "111122223333"}],
        "NetworkAcls": [{"Associations": [{"NetworkAclAssociationId": "aclassoc-0big", "NetworkAclId": "acl-0big",
                                           "SubnetId": "subnet-0big"}],
                         "Entries": acl_entries, "IsDefault": true, "NetworkAclId": "acl-0big", "Tags": [],
                         "VpcId": "vpc-0big", "OwnerId": "111122223333"}],
        "SecurityGroups": [{"Description": "big", "GroupName": "big", "GroupId": "sg-0big", "OwnerId": "111122223333",
                            "IpPermissions": ingress,
                            "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                                                     "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}],
                            "VpcId": "vpc-0big"}],
        "NetworkInterfaces": [{"Association": {"IpOwnerId": "amazon", "PublicIp": "198.51.100.10"},
                               "Attachment": {"AttachmentId": "eni-attach-0web", "DeviceIndex": 0, "InstanceId": "i-0web",
                                              "Status": "attached"},
                               "AvailabilityZone": "us-east-1a", "Groups": [{"GroupId": "sg-0big", "GroupName": "big"}],
                               "InterfaceType": "interface", "NetworkInterfaceId": "eni-0web", "OwnerId": "111122223333",
                               "PrivateIpAddress": "10.0.1.10",
                               "PrivateIpAddresses": [{"Association": {"IpOwnerId": "amazon", "PublicIp": "198.51.100.10"},
                                                       "Primary": true, "PrivateIpAddress": "10.0.1.10"}],
                               "SourceDestCheck": true, "Status": "in-use", "SubnetId": "subnet-0big",
                               "TagSet": [], "VpcId": "vpc-0big"}],
        "Reservations": [{"Instances": [{"InstanceId": "i-0web", "State": {"Code": 16, "Name": "running"},
                                         "SubnetId": "subnet-0big", "VpcId": "vpc-0big", "PrivateIpAddress": "10.0.1.10",
                                         "PublicIpAddress": "198.51.100.10", "SourceDestCheck": true,
                                         "SecurityGroups": [{"GroupId": "sg-0big", "GroupName": "big"}],
                                         "NetworkInterfaces": [{"Attachment": {"AttachmentId": "eni-attach-0web",
                                                                               "DeviceIndex": 0, "Status": "attached"},
                                                                "NetworkInterfaceId": "eni-0web",
                                                                "PrivateIpAddress": "10.0.1.10",
                                                                "SubnetId": "subnet-0big", "VpcId": "vpc-0big"}],
                                         "Tags": [{"Key": "Name", "Value": WEB}]}]}],
    })
}

/// Writes [`snapshot`] to `file`.
pub fn write(file: &std::path::Path, entries: usize, rules: usize) -> std::io::Result<()> {
    std::fs::write(file, snapshot(entries, rules).to_string())
}
