//! Validated value types for packet headers and rule fields: CIDR blocks, port ranges, IP
//! protocols and the layer-4 part of a rule (ports or ICMP type/code).
//!
//! Every type here can only be built through a checked constructor, so a `Cidr` always has its
//! host bits cleared (AWS canonicalises CIDRs, NACL-5) and a `PortRange` always has `from <= to`.
//! These are values, not decisions: the simulator and the SMT encoder each decide for themselves
//! what a rule matches.

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// Errors building an address value from text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddrError {
    /// Not `a.b.c.d/n` or `x::y/n`, or the prefix is too long for the family.
    #[error("invalid CIDR block `{0}`")]
    Cidr(String),
    /// Not an IPv4 or IPv6 address.
    #[error("invalid IP address `{0}`")]
    Ip(String),
    /// Not `N` or `N-M` with 0 <= N <= M <= 65535.
    #[error("invalid port range `{0}`: expected N or N-M with 0 <= N <= M <= 65535")]
    PortRange(String),
    /// Not a protocol name, `-1`/`all`, or a number 0..=255.
    #[error("invalid protocol `{0}`: expected tcp, udp, icmp, icmpv6, all, -1 or a number 0-255")]
    Protocol(String),
}

/// IPv4 or IPv6. Routes, ACL entries and security group rules of one family never match packets
/// of the other (RT-10, NACL-7, V6-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IpFamily {
    /// IPv4.
    V4,
    /// IPv6.
    V6,
}

impl IpFamily {
    /// The family of an address.
    pub fn of(ip: &IpAddr) -> Self {
        match ip {
            IpAddr::V4(_) => IpFamily::V4,
            IpAddr::V6(_) => IpFamily::V6,
        }
    }

    /// Address width in bits (32 or 128).
    pub fn bits(self) -> u8 {
        match self {
            IpFamily::V4 => 32,
            IpFamily::V6 => 128,
        }
    }
}

impl fmt::Display for IpFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IpFamily::V4 => "IPv4",
            IpFamily::V6 => "IPv6",
        })
    }
}

/// A CIDR block with its host bits cleared.
// INVARIANT (canonical): `self.0 == self.0.trunc()`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cidr(IpNet);

impl Cidr {
    /// Parses `a.b.c.d/n` or `x::y/n`, clearing host bits. Use [`Cidr::parse_strict`] to learn
    /// whether host bits were set.
    pub fn parse(text: &str) -> Result<Self, AddrError> {
        Self::parse_strict(text).map(|(c, _)| c)
    }

    /// Parses like [`Cidr::parse`] and also reports whether the text had host bits set
    /// (`10.0.1.5/24` gives `10.0.1.0/24, true`).
    pub fn parse_strict(text: &str) -> Result<(Self, bool), AddrError> {
        let net = IpNet::from_str(text.trim()).map_err(|_| AddrError::Cidr(text.to_owned()))?;
        let canonical = net.trunc();
        Ok((Cidr(canonical), canonical != net))
    }

    /// Parses a CIDR, or a bare address as a host route (`/32` or `/128`).
    pub fn parse_host_or_cidr(text: &str) -> Result<Self, AddrError> {
        if text.contains('/') {
            Self::parse(text)
        } else {
            let ip = IpAddr::from_str(text.trim()).map_err(|_| AddrError::Cidr(text.to_owned()))?;
            Ok(Self::host(ip))
        }
    }

    /// Wraps a network, clearing its host bits.
    pub fn new(net: IpNet) -> Self {
        Cidr(net.trunc())
    }

    /// The single-address block of `ip` (`/32` or `/128`).
    pub fn host(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(a) => Cidr(IpNet::V4(Ipv4Net::from(a))),
            IpAddr::V6(a) => Cidr(IpNet::V6(Ipv6Net::from(a))),
        }
    }

    /// `0.0.0.0/0`.
    pub fn any_v4() -> Self {
        Cidr(IpNet::V4(Ipv4Net::default()))
    }

    /// `::/0`.
    pub fn any_v6() -> Self {
        Cidr(IpNet::V6(Ipv6Net::default()))
    }

    /// The underlying network.
    pub fn net(&self) -> IpNet {
        self.0
    }

    /// The address family.
    pub fn family(&self) -> IpFamily {
        match self.0 {
            IpNet::V4(_) => IpFamily::V4,
            IpNet::V6(_) => IpFamily::V6,
        }
    }

    /// Prefix length (0..=32 or 0..=128).
    pub fn prefix_len(&self) -> u8 {
        self.0.prefix_len()
    }

    /// First address of the block (its network address).
    pub fn first(&self) -> IpAddr {
        self.0.network()
    }

    /// Last address of the block (its broadcast address for IPv4).
    pub fn last(&self) -> IpAddr {
        self.0.broadcast()
    }

    /// True iff `ip` lies in this block (always false across families).
    pub fn contains(&self, ip: &IpAddr) -> bool {
        self.0.contains(ip)
    }

    /// True iff every address of `other` lies in this block.
    pub fn contains_cidr(&self, other: &Cidr) -> bool {
        self.0.contains(&other.0)
    }

    /// True iff the two blocks share at least one address.
    pub fn overlaps(&self, other: &Cidr) -> bool {
        self.0.contains(&other.0) || other.0.contains(&self.0)
    }

    /// The network address and the prefix length as unsigned integers (IPv4 in the low 32 bits).
    pub fn to_bits(&self) -> (u128, u8) {
        (ip_to_u128(&self.first()), self.prefix_len())
    }
}

/// An address as an unsigned integer (IPv4 in the low 32 bits).
pub fn ip_to_u128(ip: &IpAddr) -> u128 {
    match ip {
        IpAddr::V4(a) => u128::from(u32::from(*a)),
        IpAddr::V6(a) => u128::from(*a),
    }
}

/// The address of `family` whose integer value is `bits` (IPv4 uses the low 32 bits).
pub fn ip_from_u128(family: IpFamily, bits: u128) -> IpAddr {
    match family {
        IpFamily::V4 => IpAddr::V4(Ipv4Addr::from((bits & 0xffff_ffff) as u32)),
        IpFamily::V6 => IpAddr::V6(Ipv6Addr::from(bits)),
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cidr({})", self.0)
    }
}

impl FromStr for Cidr {
    type Err = AddrError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Cidr::parse(s)
    }
}

impl Serialize for Cidr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cidr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Cidr::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// An inclusive range of TCP/UDP ports.
// INVARIANT (ordered): `from <= to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PortRange {
    from: u16,
    to: u16,
}

impl PortRange {
    /// All ports, 0-65535.
    pub const ALL: PortRange = PortRange { from: 0, to: 65535 };
    /// The ephemeral range AWS advises opening for replies and that NAT gateways use (NACL-10).
    pub const EPHEMERAL: PortRange = PortRange { from: 1024, to: 65535 };

    /// `from..=to`; `None` when `from > to`.
    pub fn new(from: u16, to: u16) -> Option<Self> {
        (from <= to).then_some(PortRange { from, to })
    }

    /// The single port `p`.
    pub fn single(p: u16) -> Self {
        PortRange { from: p, to: p }
    }

    /// Builds a range from the signed values AWS prints (`-1` means all ports); `None` when a
    /// value is outside -1..=65535 or `from > to`.
    pub fn from_aws(from: i64, to: i64) -> Option<Self> {
        if from == -1 || to == -1 {
            return (from == -1 && to == -1).then_some(Self::ALL);
        }
        let f = u16::try_from(from).ok()?;
        let t = u16::try_from(to).ok()?;
        Self::new(f, t)
    }

    /// Parses `N` or `N-M`.
    pub fn parse(text: &str) -> Result<Self, AddrError> {
        let err = || AddrError::PortRange(text.to_owned());
        let t = text.trim();
        let (a, b) = match t.split_once('-') {
            Some((a, b)) => (a.trim(), b.trim()),
            None => (t, t),
        };
        let from: u16 = a.parse().map_err(|_| err())?;
        let to: u16 = b.parse().map_err(|_| err())?;
        Self::new(from, to).ok_or_else(err)
    }

    /// Lowest port.
    pub fn from(&self) -> u16 {
        self.from
    }

    /// Highest port.
    pub fn to(&self) -> u16 {
        self.to
    }

    /// True iff `p` lies in the range.
    pub fn contains(&self, p: u16) -> bool {
        self.from <= p && p <= self.to
    }

    /// True iff this is 0-65535.
    pub fn is_all(&self) -> bool {
        *self == Self::ALL
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{}-{}", self.from, self.to)
        }
    }
}

/// IANA protocol numbers the model names.
pub mod proto {
    /// ICMP.
    pub const ICMP: u8 = 1;
    /// TCP.
    pub const TCP: u8 = 6;
    /// UDP.
    pub const UDP: u8 = 17;
    /// ICMPv6.
    pub const ICMPV6: u8 = 58;

    /// `tcp`, `udp`, `icmp`, `icmpv6`, or the number.
    pub fn name(p: u8) -> String {
        match p {
            TCP => "tcp".into(),
            UDP => "udp".into(),
            ICMP => "icmp".into(),
            ICMPV6 => "icmpv6".into(),
            n => n.to_string(),
        }
    }

    /// True for the protocols whose rules carry ports (TCP, UDP).
    pub fn has_ports(p: u8) -> bool {
        p == TCP || p == UDP
    }

    /// True for ICMP and ICMPv6.
    pub fn is_icmp(p: u8) -> bool {
        p == ICMP || p == ICMPV6
    }
}

/// The protocol field of an ACL entry or security group rule: all protocols (`-1`), or one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    /// `-1`: every IP protocol.
    All,
    /// One IANA protocol number.
    Number(u8),
}

impl Protocol {
    /// TCP.
    pub const TCP: Protocol = Protocol::Number(proto::TCP);
    /// UDP.
    pub const UDP: Protocol = Protocol::Number(proto::UDP);
    /// ICMP.
    pub const ICMP: Protocol = Protocol::Number(proto::ICMP);
    /// ICMPv6.
    pub const ICMPV6: Protocol = Protocol::Number(proto::ICMPV6);

    /// Parses what AWS and Terraform print: `-1`, `all`, `tcp`, `udp`, `icmp`, `icmpv6`, or a
    /// number 0..=255 (case-insensitive).
    pub fn parse(text: &str) -> Result<Self, AddrError> {
        let t = text.trim().to_ascii_lowercase();
        match t.as_str() {
            "-1" | "all" => Ok(Protocol::All),
            "tcp" => Ok(Protocol::TCP),
            "udp" => Ok(Protocol::UDP),
            "icmp" => Ok(Protocol::ICMP),
            "icmpv6" | "icmp6" => Ok(Protocol::ICMPV6),
            n => n
                .parse::<u8>()
                .map(Protocol::Number)
                .map_err(|_| AddrError::Protocol(text.to_owned())),
        }
    }

    /// The protocol number, or `None` for all protocols.
    pub fn number(&self) -> Option<u8> {
        match self {
            Protocol::All => None,
            Protocol::Number(n) => Some(*n),
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Protocol::All => f.write_str("all"),
            Protocol::Number(n) => f.write_str(&proto::name(*n)),
        }
    }
}

impl Serialize for Protocol {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Protocol {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Protocol::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// The layer-4 part of an ACL entry or security group rule, already normalised at ingest from
/// the AWS fields (NACL-5, NACL-6, SG-6): which destination ports, or which ICMP type/code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum L4Match {
    /// Any port and any ICMP type: protocol `-1`, a protocol without ports, or ICMPv6 entries
    /// that AWS treats as all types (NACL-6, SG-6).
    Any,
    /// TCP/UDP destination ports in this range (there is no source-port field in AWS rules).
    Ports(PortRange),
    /// ICMP or ICMPv6 type and code; `None` means any (`-1`).
    Icmp {
        /// ICMP type, or any.
        icmp_type: Option<u8>,
        /// ICMP code, or any.
        icmp_code: Option<u8>,
    },
}

impl fmt::Display for L4Match {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            L4Match::Any => f.write_str("ALL"),
            L4Match::Ports(r) if r.is_all() => f.write_str("ALL"),
            L4Match::Ports(r) => write!(f, "{r}"),
            L4Match::Icmp { icmp_type, icmp_code } => match (icmp_type, icmp_code) {
                (None, _) => f.write_str("ALL"),
                (Some(t), None) => write!(f, "type {t}"),
                (Some(t), Some(c)) => write!(f, "type {t} code {c}"),
            },
        }
    }
}

/// Well-known address ranges used by endpoint resolution and gateway address filters. These are
/// constants (data), not decisions: each interpreter tests membership its own way.
pub mod ranges {
    use super::Cidr;

    use std::sync::OnceLock;

    /// Parses a list once per process: the simulator asks for these on every gateway crossing.
    fn parse_all(cell: &'static OnceLock<Vec<Cidr>>, list: &[&str]) -> &'static [Cidr] {
        cell.get_or_init(|| list.iter().filter_map(|s| Cidr::parse(s).ok()).collect())
    }

    /// RFC 1918 and RFC 6598 blocks: the internet gateway refuses them as egress destinations and
    /// ingress sources (IGW-6).
    pub fn igw_private_v4() -> &'static [Cidr] {
        static CELL: OnceLock<Vec<Cidr>> = OnceLock::new();
        parse_all(
            &CELL,
            &["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"],
        )
    }

    /// The RFC 6598 shared address space, 100.64.0.0/10: of the blocks an internet gateway
    /// refuses (IGW-6), the one Reachability Analyzer names with its own codes
    /// (`IGW_…_NOT_IN_RFC6598_…`).
    pub fn rfc6598_v4() -> &'static [Cidr] {
        static CELL: OnceLock<Vec<Cidr>> = OnceLock::new();
        parse_all(&CELL, &["100.64.0.0/10"])
    }

    /// IPv4 blocks that are not public internet addresses: RFC 1918, RFC 6598, "this network",
    /// loopback, link-local, IETF protocol assignments, the documentation nets, benchmarking,
    /// multicast and reserved space (DESIGN.md §2, endpoint `internet`).
    pub fn non_public_v4() -> &'static [Cidr] {
        static CELL: OnceLock<Vec<Cidr>> = OnceLock::new();
        parse_all(
            &CELL,
            &[
                "0.0.0.0/8",
                "10.0.0.0/8",
                "100.64.0.0/10",
                "127.0.0.0/8",
                "169.254.0.0/16",
                "172.16.0.0/12",
                "192.0.0.0/24",
                "192.0.2.0/24",
                "192.168.0.0/16",
                "198.18.0.0/15",
                "198.51.100.0/24",
                "203.0.113.0/24",
                "224.0.0.0/4",
                "240.0.0.0/4",
            ],
        )
    }

    /// Global unicast IPv6 space, where internet addresses lie.
    pub fn public_v6() -> Cidr {
        static CELL: OnceLock<Cidr> = OnceLock::new();
        *CELL.get_or_init(|| Cidr::parse("2000::/3").unwrap_or_else(|_| Cidr::any_v6()))
    }

    /// IPv6 blocks inside 2000::/3 that are not internet addresses: documentation space.
    pub fn non_public_v6() -> &'static [Cidr] {
        static CELL: OnceLock<Vec<Cidr>> = OnceLock::new();
        parse_all(&CELL, &["2001:db8::/32"])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_parse_clears_host_bits_and_rejects_bad_prefix() {
        let (c, host_bits) = Cidr::parse_strict("10.0.1.5/24").unwrap();
        assert_eq!(c.to_string(), "10.0.1.0/24");
        assert!(host_bits);
        assert!(Cidr::parse("10.0.0.0/33").is_err());
        assert!(Cidr::parse("10.0.0/8").is_err());
        assert!(Cidr::parse("::/129").is_err());
        assert_eq!(Cidr::parse("2001:db8::1/64").unwrap().to_string(), "2001:db8::/64");
    }

    #[test]
    fn cidr_membership_is_per_family() {
        let c = Cidr::parse("0.0.0.0/0").unwrap();
        assert!(c.contains(&"1.2.3.4".parse().unwrap()));
        assert!(!c.contains(&"::1".parse().unwrap()));
        assert_eq!(c.first().to_string(), "0.0.0.0");
        assert_eq!(c.last().to_string(), "255.255.255.255");
    }

    #[test]
    fn port_ranges() {
        assert_eq!(PortRange::parse("1024-65535").unwrap(), PortRange::EPHEMERAL);
        assert_eq!(PortRange::parse("443").unwrap(), PortRange::single(443));
        assert!(PortRange::parse("10-5").is_err());
        assert!(PortRange::parse("70000").is_err());
        assert_eq!(PortRange::from_aws(-1, -1), Some(PortRange::ALL));
        assert_eq!(PortRange::from_aws(22, 22), Some(PortRange::single(22)));
        assert_eq!(PortRange::from_aws(22, 70000), None);
    }

    #[test]
    fn protocols_parse_aws_spellings() {
        assert_eq!(Protocol::parse("-1").unwrap(), Protocol::All);
        assert_eq!(Protocol::parse("6").unwrap(), Protocol::TCP);
        assert_eq!(Protocol::parse("TCP").unwrap(), Protocol::TCP);
        assert_eq!(Protocol::parse("50").unwrap(), Protocol::Number(50));
        assert!(Protocol::parse("256").is_err());
        assert_eq!(Protocol::Number(50).to_string(), "50");
    }
}
