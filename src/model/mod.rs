//! The vendor-independent network model: ids, validated values, resources with provenance,
//! diagnostics, lookups and validation.
//!
//! Owns: plain data and its invariants (SEMANTICS.md §10).
//! Must not touch: z3, AWS JSON or Terraform shapes, clap, files, printing.
//! Decision code (does this rule match this packet?) lives in `sim` and `smt`, separately.

pub mod addr;
pub mod diag;
pub mod elb;
pub mod endpoint;
pub mod filtering;
pub mod flowlog;
pub mod ids;
pub mod index;
pub mod listing;
pub mod names;
pub mod network;
pub mod onprem;
pub mod packet;
pub mod provenance;
pub mod tgw;
pub mod trace;
pub mod validate;
mod validate_elb;
mod validate_onprem;
mod validate_quota;
mod validate_tgw;
pub mod waypoint;
pub mod wire;

pub use addr::{AddrError, Cidr, IpFamily, L4Match, PortRange, Protocol, proto};
pub use diag::{Diagnostic, Severity};
pub use elb::{ElbTopology, LbKind, Listener, LoadBalancer, Target, TargetGroup, TargetType};
pub use flowlog::{FlowLog, FlowLogs, TrafficType};
pub use ids::*;
pub use index::{AddressOwner, NetworkIndex};
pub use names::Names;
pub use network::*;
pub use onprem::*;
pub use packet::Packet;
pub use provenance::Provenance;
pub use tgw::*;
pub use trace::{Blocked, ComponentKind, Hop};
pub use waypoint::{Waypoint, Waypoints};
