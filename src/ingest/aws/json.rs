//! The raw AWS shapes, read field by field: tolerant accessors over `serde_json::Value`.
//!
//! Owns: turning one JSON field into a Rust value or a [`Bad`] that says which field is wrong and
//! why. Field names are botocore's (PascalCase, input-formats §1.0). Absent and `null` fields are
//! the same (`None`), lists may be absent (empty), and nothing here panics on any input: a field of
//! the wrong JSON type, an address that does not parse, or a number out of range is a `Bad`, which
//! the lowering code turns into an error diagnostic naming the file and the resource id.

use crate::model::{Cidr, IpFamily, Tags};
use serde_json::{Map, Value};
use std::net::{Ipv4Addr, Ipv6Addr};

/// Why a field cannot be used: a stable diagnostic code and a sentence naming the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Bad {
    /// `missing-field`, `wrong-type` or `invalid-value`.
    pub(super) code: &'static str,
    /// Lowercase, no final period, the field in backticks.
    pub(super) message: String,
}

/// A field read, or why it could not be.
pub(super) type R<T> = Result<T, Bad>;

impl Bad {
    /// A required field is absent, `null` or empty.
    pub(super) fn missing(field: &str) -> Self {
        Bad {
            code: "missing-field",
            message: format!("`{field}` is missing"),
        }
    }

    /// A field holds the wrong JSON type.
    pub(super) fn wrong_type(field: &str, expected: &str, found: &Value) -> Self {
        Bad {
            code: "wrong-type",
            message: format!("`{field}` should be {expected}, not {}", describe(found)),
        }
    }

    /// A field holds a value of the right type that cannot be used; `message` says why.
    pub(super) fn invalid(message: String) -> Self {
        Bad {
            code: "invalid-value",
            message,
        }
    }
}

/// What a JSON value is, for messages.
pub(super) fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// One JSON object of the input, with the path of its fields for messages (`Entries[2].`).
#[derive(Debug, Clone)]
pub(super) struct Obj<'a> {
    map: &'a Map<String, Value>,
    prefix: String,
}

impl<'a> Obj<'a> {
    /// `v` as an object; `path` names it in messages (`Entries[2]`; empty for a top-level resource,
    /// whose id the diagnostic already names).
    pub(super) fn of(v: &'a Value, path: &str) -> R<Self> {
        match v {
            Value::Object(map) => Ok(Obj {
                map,
                prefix: if path.is_empty() {
                    String::new()
                } else {
                    format!("{path}.")
                },
            }),
            other if path.is_empty() => Err(Bad {
                code: "wrong-type",
                message: format!("the item should be an object, not {}", describe(other)),
            }),
            other => Err(Bad::wrong_type(path, "an object", other)),
        }
    }

    /// The name of field `key` as messages show it (`Entries[2].CidrBlock`).
    pub(super) fn field(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// The object's own path (`Entries[2]`; empty for a top-level resource).
    pub(super) fn path(&self) -> &str {
        self.prefix.strip_suffix('.').unwrap_or(&self.prefix)
    }

    /// The raw field, `None` when absent or `null`.
    pub(super) fn get(&self, key: &str) -> Option<&'a Value> {
        // (The unit tests below read made-up fields of hand-built values.)
        #[cfg(not(test))]
        debug_assert!(
            read_field(key),
            "`{key}` is read but `parse_pruned` drops it: add it to FIELDS"
        );
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// True iff the field is present and not `null`.
    pub(super) fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// A string field.
    pub(super) fn str(&self, key: &str) -> R<Option<&'a str>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(other) => Err(Bad::wrong_type(&self.field(key), "a string", other)),
        }
    }

    /// A string field holding an id; empty text counts as absent (moto prints `"InstanceId": ""`
    /// for none, deviation 14).
    pub(super) fn id(&self, key: &str) -> R<Option<&'a str>> {
        Ok(self.str(key)?.map(str::trim).filter(|s| !s.is_empty()))
    }

    /// A required id.
    pub(super) fn req_id(&self, key: &str) -> R<&'a str> {
        self.id(key)?.ok_or_else(|| Bad::missing(&self.field(key)))
    }

    /// A required string.
    pub(super) fn req_str(&self, key: &str) -> R<&'a str> {
        self.str(key)?.ok_or_else(|| Bad::missing(&self.field(key)))
    }

    /// A boolean field.
    pub(super) fn bool(&self, key: &str) -> R<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(Bad::wrong_type(&self.field(key), "true or false", other)),
        }
    }

    /// A whole-number field.
    pub(super) fn int(&self, key: &str) -> R<Option<i64>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(i) => Ok(Some(i)),
                None => Err(Bad::invalid(format!(
                    "`{}` is {n}, which is not a whole number in range",
                    self.field(key)
                ))),
            },
            Some(other) => Err(Bad::wrong_type(&self.field(key), "a number", other)),
        }
    }

    /// A list field; absent or `null` is an empty list.
    pub(super) fn list(&self, key: &str) -> R<&'a [Value]> {
        match self.get(key) {
            None => Ok(&[]),
            Some(Value::Array(items)) => Ok(items.as_slice()),
            Some(other) => Err(Bad::wrong_type(&self.field(key), "a list", other)),
        }
    }

    /// A nested object field.
    pub(super) fn obj(&self, key: &str) -> R<Option<Obj<'a>>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => Obj::of(v, &self.field(key)).map(Some),
        }
    }

    /// A list of objects; any element that is not an object is a `Bad`.
    pub(super) fn objs(&self, key: &str) -> R<Vec<Obj<'a>>> {
        self.list(key)?
            .iter()
            .enumerate()
            .map(|(i, v)| Obj::of(v, &format!("{}[{i}]", self.field(key))))
            .collect()
    }

    /// The elements of a list of objects, each as an object or why it is not one (so that one
    /// bad element can be skipped alone).
    pub(super) fn items(&self, key: &str) -> R<Vec<R<Obj<'a>>>> {
        Ok(self
            .list(key)?
            .iter()
            .enumerate()
            .map(|(i, v)| Obj::of(v, &format!("{}[{i}]", self.field(key))))
            .collect())
    }

    /// A list of ids (`RouteTableIds`, `Cidrs`, …); empty strings are dropped.
    pub(super) fn ids(&self, key: &str) -> R<Vec<&'a str>> {
        let mut out = Vec::new();
        for (i, v) in self.list(key)?.iter().enumerate() {
            match v {
                Value::String(s) if s.trim().is_empty() => {}
                Value::String(s) => out.push(s.trim()),
                other => return Err(Bad::wrong_type(&format!("{}[{i}]", self.field(key)), "a string", other)),
            }
        }
        Ok(out)
    }

    /// An IPv4 address field.
    pub(super) fn ipv4(&self, key: &str) -> R<Option<Ipv4Addr>> {
        match self.str(key)? {
            None => Ok(None),
            Some(text) => text.trim().parse::<Ipv4Addr>().map(Some).map_err(|_| {
                Bad::invalid(format!(
                    "`{}` is `{text}`, which is not an IPv4 address",
                    self.field(key)
                ))
            }),
        }
    }

    /// An IPv6 address field.
    pub(super) fn ipv6(&self, key: &str) -> R<Option<Ipv6Addr>> {
        match self.str(key)? {
            None => Ok(None),
            Some(text) => text.trim().parse::<Ipv6Addr>().map(Some).map_err(|_| {
                Bad::invalid(format!(
                    "`{}` is `{text}`, which is not an IPv6 address",
                    self.field(key)
                ))
            }),
        }
    }

    /// The resource's tags, from `Tags` or `TagSet` (network interfaces), each `{Key, Value}`.
    pub(super) fn tags(&self) -> R<Tags> {
        let mut tags = Tags::new();
        for key in ["Tags", "TagSet"] {
            for tag in self.objs(key)? {
                let k = tag.req_str("Key")?;
                let v = tag.str("Value")?.unwrap_or_default();
                tags.insert(k.to_owned(), v.to_owned());
            }
        }
        Ok(tags)
    }
}

/// Every field name the lowering reads, at any depth, sorted (every PascalCase string literal of
/// `src/ingest/aws/`, so a few more than needed). [`parse_pruned`] keeps only these; [`Obj::get`]
/// checks in debug builds that nothing else is asked for.
pub(super) const FIELDS: &[&str] = &[
    "AWS",
    "AccepterTgwInfo",
    "AccepterVpcInfo",
    "Actions",
    "AdditionalRoutesAvailable",
    "AddressFamily",
    "Addresses",
    "AllocationId",
    "ApplianceModeSupport",
    "Associated",
    "Association",
    "AssociationDefaultRouteTableId",
    "AssociationState",
    "Associations",
    "Attachment",
    "Attachments",
    "Attributes",
    "AvailabilityZone",
    "AvailabilityZoneId",
    "AvailabilityZones",
    "BgpAsn",
    "Blackhole",
    "BlockPublicAccessStates",
    "CarrierGatewayId",
    "CarrierGateways",
    "Cidr",
    "CidrBlock",
    "CidrBlockAssociationSet",
    "CidrBlockState",
    "CidrIp",
    "CidrIpv4",
    "CidrIpv6",
    "Cidrs",
    "ClassicLinkDnsSupported",
    "ClassicLinkEnabled",
    "ClientVpnAuthorizationRules",
    "ClientVpnEndpointId",
    "ClientVpnEndpoints",
    "ClientVpnTargetNetworks",
    "Code",
    "ConnectivityType",
    "CoreNetworkArn",
    "CreateRoute",
    "CreateRouteTable",
    "CrossZoneLoadBalancing",
    "CustomerGatewayId",
    "CustomerGateways",
    "DNSName",
    "DefaultActions",
    "DefaultAssociationRouteTable",
    "DefaultPropagationRouteTable",
    "DefaultRouteTableAssociation",
    "DefaultRouteTablePropagation",
    "DenyAllIgwTraffic",
    "Description",
    "DestinationCidrBlock",
    "DestinationIpv6CidrBlock",
    "DestinationPrefixListId",
    "DeviceIndex",
    "Egress",
    "EgressOnlyInternetGatewayId",
    "EgressOnlyInternetGateways",
    "EnableVgwRoutePropagation",
    "Enabled",
    "Entries",
    "ExclusionId",
    "ExclusionsAllowed",
    "FlowLogId",
    "FlowLogStatus",
    "FlowLogs",
    "ForwardConfig",
    "From",
    "FromPort",
    "GatewayId",
    "GroupId",
    "GroupName",
    "Groups",
    "IcmpTypeCode",
    "Id",
    "InstanceId",
    "InstancePort",
    "InstanceProtocol",
    "Instances",
    "InterfaceType",
    "InternetGatewayBlockMode",
    "InternetGatewayExclusionMode",
    "InternetGatewayId",
    "InternetGateways",
    "IpAddress",
    "IpPermissions",
    "IpPermissionsEgress",
    "IpProtocol",
    "IpRanges",
    "Ipv4Prefixes",
    "Ipv6Address",
    "Ipv6Addresses",
    "Ipv6CidrBlock",
    "Ipv6CidrBlockAssociationSet",
    "Ipv6CidrBlockState",
    "Ipv6Prefixes",
    "Ipv6Ranges",
    "IsDefault",
    "IsEgress",
    "IsPrimary",
    "Key",
    "Listener",
    "ListenerArn",
    "ListenerDescriptions",
    "Listeners",
    "LoadBalancerArn",
    "LoadBalancerArns",
    "LoadBalancerAttributes",
    "LoadBalancerDescriptions",
    "LoadBalancerName",
    "LoadBalancerPort",
    "LoadBalancers",
    "LocalGatewayId",
    "LocalGatewayRouteTableId",
    "LocalGatewayRouteTables",
    "LocalGateways",
    "LocalIpv4NetworkCidr",
    "Main",
    "ManagedPrefixLists",
    "MapPublicIpOnLaunch",
    "MaxEntries",
    "Name",
    "NatGatewayAddresses",
    "NatGatewayId",
    "NatGateways",
    "NetworkAclId",
    "NetworkAcls",
    "NetworkInterfaceId",
    "NetworkInterfaceIds",
    "NetworkInterfaces",
    "NextToken",
    "OdbNetworkArn",
    "Options",
    "Origin",
    "OutsideIpAddress",
    "OwnerId",
    "Port",
    "PortRange",
    "PrefixListArn",
    "PrefixListId",
    "PrefixListIds",
    "PrefixListName",
    "PrefixLists",
    "Primary",
    "PrivateIp",
    "PrivateIpAddress",
    "PrivateIpAddresses",
    "PropagatingVgws",
    "PropagationDefaultRouteTableId",
    "Protocol",
    "PublicIp",
    "PublicIpAddress",
    "ReferencedGroupInfo",
    "RemoteIpv4NetworkCidr",
    "RequesterManaged",
    "RequesterTgwInfo",
    "RequesterVpcInfo",
    "Reservations",
    "ResourceArn",
    "ResourceId",
    "ResourceType",
    "ResponseMetadata",
    "RouteTableId",
    "RouteTableIds",
    "RouteTables",
    "Routes",
    "RuleAction",
    "RuleArn",
    "RuleNumber",
    "Rules",
    "Scheme",
    "SecurityGroupRuleId",
    "SecurityGroupRules",
    "SecurityGroups",
    "ServiceName",
    "SourceDestCheck",
    "State",
    "StaticRoutesOnly",
    "Status",
    "SubnetId",
    "SubnetIds",
    "Subnets",
    "TagSet",
    "Tags",
    "Target",
    "TargetGroupArn",
    "TargetGroupName",
    "TargetGroups",
    "TargetHealth",
    "TargetHealthDescriptions",
    "TargetSubnet",
    "TargetType",
    "To",
    "ToPort",
    "TrafficType",
    "TransitGatewayAttachment",
    "TransitGatewayAttachmentId",
    "TransitGatewayAttachments",
    "TransitGatewayConnectPeers",
    "TransitGatewayConnects",
    "TransitGatewayId",
    "TransitGatewayMulticastDomains",
    "TransitGatewayPeeringAttachments",
    "TransitGatewayPolicyTables",
    "TransitGatewayPrefixListReferences",
    "TransitGatewayRouteTableAnnouncements",
    "TransitGatewayRouteTableId",
    "TransitGatewayRouteTablePropagations",
    "TransitGatewayRouteTables",
    "TransitGatewayVpcAttachments",
    "TransitGateways",
    "Type",
    "UserIdGroupPairs",
    "VPCId",
    "Value",
    "Version",
    "VgwTelemetry",
    "VpcAttachments",
    "VpcBlockPublicAccessExclusions",
    "VpcBlockPublicAccessOptions",
    "VpcEndpointId",
    "VpcEndpointType",
    "VpcEndpoints",
    "VpcId",
    "VpcPeeringConnectionId",
    "VpcPeeringConnections",
    "Vpcs",
    "VpnConnectionId",
    "VpnConnections",
    "VpnGatewayId",
    "VpnGateways",
    "allowedPrefixesToDirectConnectGateway",
    "associatedGateway",
    "associationState",
    "cidr",
    "directConnectGatewayAssociations",
    "directConnectGatewayId",
    "directConnectGatewayName",
    "directConnectGatewayState",
    "directConnectGateways",
    "id",
    "type",
    "virtualGatewayId",
];

/// True iff the lowering may read a field of this name: a probe of a small hash table of
/// [`FIELDS`] (this runs once per object key of a snapshot, millions of times for a large one).
pub(super) fn read_field(key: &str) -> bool {
    static TABLE: std::sync::OnceLock<Vec<Vec<&'static str>>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t: Vec<Vec<&'static str>> = vec![Vec::new(); FIELD_BUCKETS];
        for f in FIELDS {
            if let Some(b) = t.get_mut(field_bucket(f.as_bytes())) {
                b.push(f);
            }
        }
        t
    });
    table
        .get(field_bucket(key.as_bytes()))
        .is_some_and(|b| b.contains(&key))
}

const FIELD_BUCKETS: usize = 1024;

fn field_bucket(k: &[u8]) -> usize {
    let first = k.first().copied().unwrap_or(0) as usize;
    let last = k.last().copied().unwrap_or(0) as usize;
    let mid = k.get(k.len() / 2).copied().unwrap_or(0) as usize;
    (k.len() * 131 + first * 31 + mid * 7 + last) % FIELD_BUCKETS
}

/// Parses one `describe-*` document, keeping every top-level key but, below them, only the
/// fields the lowering reads ([`FIELDS`]); the others are parsed (so a syntax error anywhere is
/// still an error, at the same line and column) but not built, which makes a large snapshot much
/// cheaper to load (`describe-instances` prints dozens of fields per instance that no rule reads).
///
/// The result is what `serde_json::from_slice::<Value>` gives with the unread fields removed.
/// Differences on malformed input: nesting deeper than serde_json's limit of 128 inside an unread
/// field is skipped, not an error; and a key repeated in one object, read or not, is an error at
/// the repeated key's line (serde_json keeps the last silently, which would let
/// `"RuleAction": "allow", "RuleAction": "deny"` mean deny without a word). Invalid UTF-8 anywhere
/// is the same error as before.
pub(super) fn parse_pruned(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    parse_with(bytes, Pruned::<true> { keep_all: true })
}

/// Parses a whole JSON document as `serde_json::from_slice::<Value>` does, except that a key
/// repeated in one object is an error at its line (see [`parse_pruned`]). For the inputs read
/// whole: a single merged AWS file and a Terraform plan or state.
pub(in crate::ingest) fn parse_whole(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    parse_with(bytes, Pruned::<false> { keep_all: true })
}

/// Parses one value below a document's top level as [`parse_pruned`] parses it there: only the
/// fields the lowering reads are kept (for `stream`, which cuts a file into its values).
pub(super) fn parse_item(text: &str) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde::de::DeserializeSeed::deserialize(Pruned::<true> { keep_all: true }.child(), &mut de)?;
    de.end()?;
    Ok(value)
}

fn parse_with<const PRUNE: bool>(bytes: &[u8], seed: Pruned<PRUNE>) -> Result<Value, serde_json::Error> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        // Invalid UTF-8 can only lie inside a string, which the full parse checks (and reports
        // where it is) whether the field is read or not: this is always that error.
        return serde_json::from_slice(bytes);
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde::de::DeserializeSeed::deserialize(seed, &mut de)?;
    de.end()?;
    Ok(value)
}

/// Deserializes a JSON value as `serde_json::Value` does, rejecting a key repeated in one object.
/// With `PRUNE`, the object fields that [`read_field`] rejects are dropped below the top level
/// (`keep_all` is set for the object being read when it keeps every field). The mode is a
/// constant so that each parser is compiled for its own: as a run-time flag it cost the snapshot
/// parse about 5% more instructions.
#[derive(Clone, Copy)]
struct Pruned<const PRUNE: bool> {
    keep_all: bool,
}

impl<const PRUNE: bool> Pruned<PRUNE> {
    /// The seed for the values inside this one.
    fn child(self) -> Self {
        Pruned { keep_all: !PRUNE }
    }
}

impl<'de, const PRUNE: bool> serde::de::DeserializeSeed<'de> for Pruned<PRUNE> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, const PRUNE: bool> serde::de::Visitor<'de> for Pruned<PRUNE> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(v) = seq.next_element_seed(self.child())? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        use serde::de::Error as _;
        use serde_json::map::Entry;
        // The error is returned right after the repeated key is read, so serde_json gives it
        // that key's line and column.
        let repeated = |key: &str| A::Error::custom(format!("duplicate key `{key}` in one object"));
        let mut out = Map::new();
        // The unread keys seen so far, once there is one (a kept key is found again in `out`).
        let mut skipped: Option<Seen<'de>> = None;
        while let Some(key) = map.next_key_seed(Key)? {
            if self.keep_all || read_field(&key) {
                match out.entry(key.into_owned()) {
                    Entry::Occupied(e) => return Err(repeated(e.key())),
                    Entry::Vacant(e) => {
                        e.insert(map.next_value_seed(self.child())?);
                    }
                }
            } else {
                // (A borrowed key's clone is a pointer's.)
                if !skipped.get_or_insert_with(Seen::default).insert(key.clone()) {
                    return Err(repeated(&key));
                }
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(Value::Object(out))
    }
}

/// The keys of one object that were not kept, to find one repeated. Made for speed, since a large
/// snapshot has millions of them: the first [`Seen::INLINE`] borrowed keys live in an array (no
/// allocation for most objects), the others in a list that becomes a hash set past
/// [`Seen::LISTED`] keys (an object of a million keys is not quadratic), and a 128-bit mask of
/// the keys' [`field_bucket`]s spares the search for a key whose bucket was never seen.
#[derive(Default)]
pub(super) struct Seen<'de> {
    mask: u128,
    inline: [&'de str; Seen::INLINE],
    inlined: usize,
    listed: Vec<std::borrow::Cow<'de, str>>,
    many: Option<std::collections::HashSet<std::borrow::Cow<'de, str>>>,
}

impl<'de> Seen<'de> {
    const INLINE: usize = 16;
    const LISTED: usize = 64;

    /// Records `key`; false iff it was seen before.
    pub(super) fn insert(&mut self, key: std::borrow::Cow<'de, str>) -> bool {
        use std::borrow::Cow;
        if let Some(many) = &mut self.many {
            return many.insert(key);
        }
        let bit = 1u128 << (field_bucket(key.as_bytes()) % 128);
        let maybe_seen = self.mask & bit != 0;
        self.mask |= bit;
        if maybe_seen {
            let inline = self.inline.get(..self.inlined).unwrap_or_default();
            if inline.contains(&key.as_ref()) || self.listed.contains(&key) {
                return false;
            }
        }
        match key {
            Cow::Borrowed(k) if self.inlined < Self::INLINE => {
                if let Some(slot) = self.inline.get_mut(self.inlined) {
                    *slot = k;
                }
                self.inlined += 1;
            }
            key if self.listed.len() < Self::LISTED => self.listed.push(key),
            key => {
                let inline = self.inline.get(..self.inlined).unwrap_or_default();
                let mut many: std::collections::HashSet<Cow<'de, str>> =
                    inline.iter().map(|k| Cow::Borrowed(*k)).collect();
                many.extend(self.listed.drain(..));
                many.insert(key);
                self.many = Some(many);
            }
        }
        true
    }
}

/// An object key, borrowed from the input when it has no escapes.
pub(super) struct Key;

impl<'de> serde::de::DeserializeSeed<'de> for Key {
    type Value = std::borrow::Cow<'de, str>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Key {
    type Value = std::borrow::Cow<'de, str>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Borrowed(s))
    }

    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Owned(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
        Ok(std::borrow::Cow::Owned(s))
    }
}

/// Parses a CIDR block named `field`, checking its family when one is expected (`CidrBlock` is
/// IPv4, `Ipv6CidrBlock` IPv6); true with it when the text had host bits set (`10.0.1.5/24`),
/// which are cleared, as AWS does (NACL-5). Spaces around the block are an error: AWS prints
/// none, so the file was edited by hand, and every loader rejects them alike.
pub(super) fn parse_cidr(field: &str, text: &str, family: Option<IpFamily>) -> R<(Cidr, bool)> {
    let expected = match family {
        Some(IpFamily::V4) => "an IPv4 CIDR block",
        Some(IpFamily::V6) => "an IPv6 CIDR block",
        None => "a CIDR block",
    };
    if text.trim() != text {
        return Err(Bad::invalid(format!(
            "`{field}` is `{text}`, which is not {expected}: it has spaces around it"
        )));
    }
    let (cidr, host_bits) = Cidr::parse_strict(text)
        .map_err(|_| Bad::invalid(format!("`{field}` is `{text}`, which is not {expected}")))?;
    match family {
        Some(f) if cidr.family() != f => Err(Bad::invalid(format!("`{field}` is `{text}`, which is not {expected}"))),
        _ => Ok((cidr, host_bits)),
    }
}

/// True when an AWS state string is absent (hand-written input) or equals `want`, ignoring case
/// (every enum is an open, case-insensitive string, input-formats §1.3).
pub(super) fn state_is(state: Option<&str>, want: &[&str]) -> bool {
    state.is_none_or(|s| want.iter().any(|w| s.trim().eq_ignore_ascii_case(w)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accessors_report_wrong_types_and_bad_values_without_panicking() {
        let v = json!({"A": "x", "N": 5, "F": 1.5, "L": [1], "C": "10.0.0.0/33", "E": "", "Z": null});
        let o = Obj::of(&v, "Entries[2]").unwrap();
        assert_eq!(o.str("A").unwrap(), Some("x"));
        assert_eq!(o.str("N").unwrap_err().code, "wrong-type");
        assert_eq!(
            o.str("N").unwrap_err().message,
            "`Entries[2].N` should be a string, not a number"
        );
        assert_eq!(o.int("F").unwrap_err().code, "invalid-value");
        assert_eq!(o.id("E").unwrap(), None);
        assert_eq!(o.req_id("Z").unwrap_err().code, "missing-field");
        assert!(o.list("Z").unwrap().is_empty());
        assert_eq!(o.ids("L").unwrap_err().code, "wrong-type");
        assert_eq!(
            parse_cidr(&o.field("C"), o.str("C").unwrap().unwrap(), Some(IpFamily::V4))
                .unwrap_err()
                .code,
            "invalid-value"
        );
        assert!(Obj::of(&json!([1]), "Vpcs[0]").is_err());
    }

    #[test]
    fn cidr_family_is_checked() {
        assert!(parse_cidr("CidrBlock", "::/0", Some(IpFamily::V4)).is_err());
        assert!(parse_cidr("Ipv6CidrBlock", "::/0", Some(IpFamily::V6)).is_ok());
        let (cidr, host_bits) = parse_cidr("CidrBlock", "10.0.1.5/24", None).unwrap();
        assert_eq!((cidr.to_string(), host_bits), ("10.0.1.0/24".to_owned(), true));
        assert!(!parse_cidr("CidrBlock", "10.0.1.0/24", None).unwrap().1);
    }

    #[test]
    fn a_cidr_with_spaces_around_it_is_invalid() {
        for text in [" 10.0.1.0/24", "10.0.1.0/24 ", "\t::/0"] {
            let bad = parse_cidr("CidrBlock", text, None).unwrap_err();
            assert_eq!(bad.code, "invalid-value");
            assert!(bad.message.contains("spaces around it"), "{}", bad.message);
        }
    }

    #[test]
    fn fields_are_sorted_for_binary_search() {
        assert!(FIELDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn pruned_parse_keeps_top_level_keys_and_read_fields_only() {
        let text =
            br#"{"Vpcs": [{"VpcId": "vpc-1", "Junk": {"Deep": [1, 2]}, "Tags": [{"Key": "Name", "Value": "a"}]}],
                        "Unknown": {"Anything": 1}, "NextToken": "x"}"#;
        let v = parse_pruned(text).unwrap();
        assert_eq!(
            v,
            json!({"Vpcs": [{"VpcId": "vpc-1", "Tags": [{"Key": "Name", "Value": "a"}]}],
                   "Unknown": {}, "NextToken": "x"})
        );
        assert_eq!(parse_pruned(b"[1, 2.5, null]").unwrap(), json!([1, 2.5, null]));
    }

    #[test]
    fn pruned_parse_fails_where_the_full_parse_does() {
        for bad in [
            &b"{\"Vpcs\": [{\"Junk\": [1, }]}"[..],
            b"{\"Vpcs\": []} trailing",
            b"{\"Vpcs\": [{\"Junk\": \"\xff\"}]}",
            b"",
        ] {
            let full = serde_json::from_slice::<Value>(bad).unwrap_err();
            let pruned = parse_pruned(bad).unwrap_err();
            assert_eq!(
                (full.line(), full.column()),
                (pruned.line(), pruned.column()),
                "{full} / {pruned}"
            );
        }
    }

    #[test]
    fn a_repeated_key_is_an_error_at_its_line_read_or_not_at_any_depth() {
        let cases: [(&[u8], &str, usize); 5] = [
            (
                b"{\"NetworkAcls\": [{\"Entries\": [{\n\"RuleAction\": \"allow\",\n\"RuleAction\": \"deny\"}]}]}",
                "RuleAction",
                3,
            ),
            (b"{\"Vpcs\": [{\"Junk\": 1,\n\n\"Junk\": 2}]}", "Junk", 3),
            (b"{\"Vpcs\": [],\n\"Vpcs\": []}", "Vpcs", 2),
            (b"{\"Vpcs\": [{\"VpcId\": \"v\", \"V\\u0070cId\": \"w\"}]}", "VpcId", 1),
            (b"{\"Vpcs\": [{\"Ju\\u006ek\": 1,\n\"Junk\": 2}]}", "Junk", 2),
        ];
        for (text, key, line) in cases {
            for e in [parse_pruned(text).unwrap_err(), parse_whole(text).unwrap_err()] {
                assert!(e.to_string().contains(&format!("duplicate key `{key}`")), "{e}");
                assert_eq!(e.line(), line, "{e}");
            }
        }
        // Many unread keys, all distinct, then one repeated (the hash set past `Seen::FEW`).
        let keys: Vec<String> = (0..100).map(|i| format!("\"K{i}\": {i}")).collect();
        let ok = format!("{{\"Vpcs\": [{{{}}}]}}", keys.join(", "));
        assert_eq!(parse_pruned(ok.as_bytes()).unwrap(), json!({"Vpcs": [{}]}));
        let bad = format!("{{\"Vpcs\": [{{{}, \"K7\": 0}}]}}", keys.join(", "));
        assert!(parse_pruned(bad.as_bytes()).unwrap_err().to_string().contains("`K7`"));
        // The same key in two objects is no repeat.
        assert!(parse_whole(b"[{\"A\": 1}, {\"A\": 2, \"B\": {\"A\": 3}}]").is_ok());
    }

    #[test]
    fn states_are_open_case_insensitive_strings() {
        assert!(state_is(None, &["associated"]));
        assert!(state_is(Some("Associated"), &["associated"]));
        assert!(state_is(Some("available"), &["attached", "available"]));
        assert!(!state_is(Some("disassociated"), &["associated"]));
    }
}
