//! `aws_flow_log`: the plan's VPC flow logs, read by the built-in pack's VPCV-013. A plan lists
//! its flow logs whole (`FlowLogs::listed`): a VPC of the plan with none has none from this
//! configuration. The logged resource is whichever of `vpc_id`, `subnet_id`, `eni_id`,
//! `transit_gateway_id`, `transit_gateway_attachment_id` is set, resolved like any reference;
//! a `traffic_type` known only after apply leaves the flow log's traffic unknown.
//!
//! Owns: lowering them into [`crate::model::FlowLogs`]. Must not touch: anything the engine reads.

use super::vpc::need;
use super::{Kind, Lx, Obj, Val};
use crate::model::{FlowLog, TrafficType};

/// Lowers every `aws_flow_log` (after VPCs, subnets and interfaces).
pub fn flow_logs(lx: &mut Lx<'_>) {
    lx.net.flow_logs.listed = true;
    for f in lx.of_type("aws_flow_log").collect::<Vec<_>>() {
        let o = Obj::of(f);
        let resource = if o.s("vpc_id") != Val::Absent {
            need(lx, f, o, &["vpc_id"], &[Kind::Vpc])
        } else if o.s("subnet_id") != Val::Absent {
            need(lx, f, o, &["subnet_id"], &[Kind::Subnet])
        } else if o.s("eni_id") != Val::Absent {
            need(lx, f, o, &["eni_id"], &[Kind::NetworkInterface])
        } else if let Val::Known(id) = o.s("transit_gateway_id") {
            Some(id)
        } else if let Val::Known(id) = o.s("transit_gateway_attachment_id") {
            Some(id)
        } else {
            lx.warn(
                "missing-field",
                &f.address,
                format!(
                    "`{}` names no resource to log (`vpc_id`, `subnet_id`, `eni_id` or a transit gateway): ignored",
                    f.address
                ),
            );
            None
        };
        let Some(resource) = resource else { continue };
        let traffic_type = match o.s("traffic_type") {
            Val::Known(t) => match TrafficType::parse(&t) {
                Some(t) => Some(t),
                None => {
                    lx.error(
                        "invalid-value",
                        &f.address,
                        format!(
                            "`{}`: `traffic_type` is `{t}`, not one of ALL, ACCEPT, REJECT",
                            f.address
                        ),
                    );
                    continue;
                }
            },
            Val::Unknown | Val::Absent => None,
        };
        let id = lx.id(&f.address);
        lx.net.flow_logs.logs.insert(
            id.clone(),
            FlowLog {
                id,
                resource,
                traffic_type,
                active: true,
                provenance: lx.prov(f),
            },
        );
    }
}
