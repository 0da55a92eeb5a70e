//! VPC flow logs in a snapshot: `aws ec2 describe-flow-logs` output (`FlowLogs`, a list of
//! objects with `FlowLogId`, `ResourceId`, `TrafficType`, `FlowLogStatus`, …). A snapshot that
//! holds this output lists its flow logs (`FlowLogs::listed`); one that does not leaves VPCV-013
//! unknown rather than a finding.
//!
//! Owns: reading these into [`crate::model::FlowLogs`]. Must not touch: anything the engine reads.

use super::json::{Bad, Obj, R};
use super::{Loc, Lower, Pending};
use crate::model::{FlowLog, TrafficType};

impl Lower {
    /// A `FlowLogs` list: the file lists flow logs, each item is one.
    pub(super) fn flow_logs(&mut self, p: &Pending<'_>) {
        self.net.flow_logs.listed = true;
        self.net.flow_logs.listed_in.insert(p.file.to_owned());
        self.each(p, "FlowLogId", "flow log", Self::flow_log);
    }

    fn flow_log(&mut self, loc: Loc<'_>, o: &Obj<'_>) -> R<()> {
        let resource = o.req_id("ResourceId")?;
        let text = o.req_str("TrafficType")?;
        let traffic_type = TrafficType::parse(text)
            .ok_or_else(|| Bad::invalid(format!("`TrafficType` is `{text}`, not one of ALL, ACCEPT, REJECT")))?;
        // `FlowLogStatus` is `ACTIVE` for every flow log AWS lists; absent, it is taken as
        // active (a hand-written snapshot), anything else as not.
        let active = o.str("FlowLogStatus")?.is_none_or(|s| s.eq_ignore_ascii_case("ACTIVE"));
        if !active {
            self.warn(
                loc,
                "flow-log-inactive",
                format!(
                    "flow log {} on {resource} is not ACTIVE (`FlowLogStatus`): it does not count as logging",
                    loc.resource
                ),
            );
        }
        self.net.flow_logs.logs.insert(
            loc.resource.to_owned(),
            FlowLog {
                id: loc.resource.to_owned(),
                resource: resource.to_owned(),
                traffic_type: Some(traffic_type),
                active,
                provenance: loc.provenance(),
            },
        );
        Ok(())
    }
}
