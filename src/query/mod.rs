//! What users ask, and the answer they get.
//!
//! Owns: endpoint resolution (DESIGN.md §2), the packet space a question covers, verdicts, and the
//! replay of every SMT witness through the simulator. Must not touch: z3 directly, printing.

pub mod apart;
pub mod breadth;
pub mod dropmap;
pub mod endpoint;
pub mod engine;
mod evidence;
pub mod names;
pub mod reach;
pub mod trace;
pub mod verdict;
pub mod waypoint;

pub use crate::model::endpoint::{Endpoint, External};
/// Makes the calling thread's solver context ahead of its first question (`smt::warm_up`).
pub use crate::smt::warm_up;
pub use endpoint::{EndpointError, Role, resolve};
pub use verdict::{DropCellReport, PacketClassReport, QueryEcho, UnknownCause, Verdict, VerdictKind};
