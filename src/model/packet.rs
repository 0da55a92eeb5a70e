//! A concrete packet: what a counterexample is, what the simulator forwards, and what `trace`
//! prints.

use super::addr::proto;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::IpAddr;

/// One IP packet's header as the rules of SEMANTICS.md see it.
///
/// Ports are meaningful only for TCP and UDP, ICMP type and code only for ICMP and ICMPv6; the
/// other fields are kept at 0 so that equal packets compare equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Packet {
    /// IANA protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, …).
    pub protocol: u8,
    /// Source address.
    pub src_ip: IpAddr,
    /// Destination address (same family as the source).
    pub dst_ip: IpAddr,
    /// TCP/UDP source port, else 0.
    pub src_port: u16,
    /// TCP/UDP destination port, else 0.
    pub dst_port: u16,
    /// ICMP/ICMPv6 type, else 0.
    pub icmp_type: u8,
    /// ICMP/ICMPv6 code, else 0.
    pub icmp_code: u8,
}

impl Packet {
    /// A TCP or UDP packet (or any protocol with ports).
    pub fn with_ports(protocol: u8, src_ip: IpAddr, src_port: u16, dst_ip: IpAddr, dst_port: u16) -> Self {
        Packet {
            protocol,
            src_ip,
            dst_ip,
            src_port,
            dst_port,
            icmp_type: 0,
            icmp_code: 0,
        }
    }

    /// An ICMP or ICMPv6 packet.
    pub fn icmp(protocol: u8, src_ip: IpAddr, dst_ip: IpAddr, icmp_type: u8, icmp_code: u8) -> Self {
        Packet {
            protocol,
            src_ip,
            dst_ip,
            src_port: 0,
            dst_port: 0,
            icmp_type,
            icmp_code,
        }
    }

    /// A packet of a protocol with neither ports nor ICMP fields.
    pub fn other(protocol: u8, src_ip: IpAddr, dst_ip: IpAddr) -> Self {
        Packet {
            protocol,
            src_ip,
            dst_ip,
            src_port: 0,
            dst_port: 0,
            icmp_type: 0,
            icmp_code: 0,
        }
    }

    /// True iff the protocol carries ports (TCP, UDP).
    pub fn has_ports(&self) -> bool {
        proto::has_ports(self.protocol)
    }

    /// True iff the protocol is ICMP or ICMPv6.
    pub fn is_icmp(&self) -> bool {
        proto::is_icmp(self.protocol)
    }
}

impl fmt::Display for Packet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = proto::name(self.protocol);
        if self.has_ports() {
            write!(
                f,
                "{p} {} -> {}",
                Sock(self.src_ip, self.src_port),
                Sock(self.dst_ip, self.dst_port)
            )
        } else if self.is_icmp() {
            write!(
                f,
                "{p} {} -> {} type {} code {}",
                self.src_ip, self.dst_ip, self.icmp_type, self.icmp_code
            )
        } else {
            write!(f, "{p} {} -> {}", self.src_ip, self.dst_ip)
        }
    }
}

/// `address:port`, IPv6 addresses in brackets (written in place, no intermediate string).
struct Sock(IpAddr, u16);

impl fmt::Display for Sock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            IpAddr::V4(a) => write!(f, "{a}:{}", self.1),
            IpAddr::V6(a) => write!(f, "[{a}]:{}", self.1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packets_print_like_a_flow_log_reader_expects() {
        let p = Packet::with_ports(
            6,
            "10.0.2.140".parse().unwrap(),
            40000,
            "93.184.216.34".parse().unwrap(),
            443,
        );
        assert_eq!(p.to_string(), "tcp 10.0.2.140:40000 -> 93.184.216.34:443");
        let q = Packet::icmp(1, "10.0.1.251".parse().unwrap(), "10.0.2.140".parse().unwrap(), 8, 0);
        assert_eq!(q.to_string(), "icmp 10.0.1.251 -> 10.0.2.140 type 8 code 0");
        let r = Packet::with_ports(6, "2001:db8::1".parse().unwrap(), 1, "2001:db8::2".parse().unwrap(), 2);
        assert_eq!(r.to_string(), "tcp [2001:db8::1]:1 -> [2001:db8::2]:2");
    }
}
