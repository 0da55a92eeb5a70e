//! Newtype ids for every EC2 resource kind, displayed exactly as AWS prints them.
//!
//! An id is opaque text: `vpc-0a1b2c`, `subnet-…`, or, for resources planned by Terraform whose
//! AWS id is not known yet, their Terraform address (`aws_subnet.private[0]`). The newtypes only
//! stop a subnet id from being passed where a route table id is expected.
//!
//! An id is kept in a [`CompactString`]: AWS ids (`subnet-` and 17 hex digits is the longest,
//! 24 bytes) are stored inline, without a heap allocation of their own. An estate holds millions
//! of ids (every interface names its subnet, VPC and groups), and the snapshot cache reads them
//! back a third faster this way (issue #17).

use compact_str::CompactString;
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(CompactString);

        // In the order of the ids' text, as a `String` orders them; written out so that the
        // comparison, on every lookup of an id-keyed map, is inlined.
        impl Ord for $name {
            #[inline]
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.0.as_bytes().cmp(other.0.as_bytes())
            }
        }

        impl PartialOrd for $name {
            #[inline]
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl $name {
            /// The prefix AWS gives ids of this kind (`vpc-`, `subnet-`, …).
            pub const PREFIX: &'static str = $prefix;

            /// Wraps an id as given; no check of its prefix (Terraform addresses are ids too).
            pub fn new(id: impl Into<String>) -> Self {
                Self(CompactString::from(id.into()))
            }

            /// The id as AWS prints it.
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(CompactString::new(s))
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self(CompactString::from(s))
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

id_type!(
    /// `vpc-…`
    VpcId,
    "vpc-"
);
id_type!(
    /// `subnet-…`
    SubnetId,
    "subnet-"
);
id_type!(
    /// `rtb-…`
    RouteTableId,
    "rtb-"
);
id_type!(
    /// `acl-…`
    NetworkAclId,
    "acl-"
);
id_type!(
    /// `sg-…`
    SecurityGroupId,
    "sg-"
);
id_type!(
    /// `eni-…`
    NetworkInterfaceId,
    "eni-"
);
id_type!(
    /// `i-…`
    InstanceId,
    "i-"
);
id_type!(
    /// `igw-…`
    InternetGatewayId,
    "igw-"
);
id_type!(
    /// `eigw-…`
    EgressOnlyInternetGatewayId,
    "eigw-"
);
id_type!(
    /// `nat-…`
    NatGatewayId,
    "nat-"
);
id_type!(
    /// `pcx-…`
    VpcPeeringConnectionId,
    "pcx-"
);
id_type!(
    /// `vpce-…`
    VpcEndpointId,
    "vpce-"
);
id_type!(
    /// `pl-…`
    PrefixListId,
    "pl-"
);
id_type!(
    /// `vgw-…`
    VpnGatewayId,
    "vgw-"
);
id_type!(
    /// `tgw-…`
    TransitGatewayId,
    "tgw-"
);
id_type!(
    /// `tgw-attach-…`
    TgwAttachmentId,
    "tgw-attach-"
);
id_type!(
    /// `tgw-rtb-…`
    TgwRouteTableId,
    "tgw-rtb-"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_display_as_aws_prints_them() {
        let id = VpcId::new("vpc-0abc");
        assert_eq!(id.to_string(), "vpc-0abc");
        assert_eq!(format!("{id:?}"), "VpcId(\"vpc-0abc\")");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"vpc-0abc\"");
        assert_eq!(VpcId::PREFIX, "vpc-");
    }
}
