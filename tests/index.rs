//! The network index (`model::NetworkIndex`) against its definition, lookup by lookup, on the
//! bundled inputs, an estate and a network where two interfaces hold one address: the subnet's
//! interfaces and the group's members in id order, the first holder of an address by interface
//! id (a NAT gateway's own addresses are the gateway's), and an interface's instance (its
//! attachment's, else the first instance by id that lists it).

use crate::common::path;
use std::net::IpAddr;
use vpcverify::model::{AddressOwner, Network, NetworkIndex, NetworkInterface, NetworkInterfaceId};

fn check(net: &Network, what: &str) {
    let ix = NetworkIndex::new(net);
    // The interfaces `keep` keeps, in id order.
    let ids_where = |keep: &dyn Fn(&NetworkInterface) -> bool| -> Vec<NetworkInterfaceId> {
        net.network_interfaces
            .values()
            .filter(|e| keep(e))
            .map(|e| e.id.clone())
            .collect()
    };
    for s in net.subnets.keys() {
        let want = ids_where(&|e| &e.subnet == s);
        assert_eq!(ix.interfaces_in(s), want.as_slice(), "{what}: interfaces in {s}");
    }
    let groups: std::collections::BTreeSet<_> = net
        .network_interfaces
        .values()
        .flat_map(|e| e.groups.iter().cloned())
        .collect();
    for g in &groups {
        let want = ids_where(&|e| e.groups.contains(g));
        assert_eq!(ix.members_of(g), want.as_slice(), "{what}: members of {g}");
    }
    let addresses: std::collections::BTreeSet<IpAddr> = net
        .network_interfaces
        .values()
        .flat_map(|e| e.private_addresses())
        .collect();
    for a in &addresses {
        let nat = net
            .nat_gateways
            .values()
            .rev()
            .find(|n| n.addresses.iter().any(|x| IpAddr::V4(x.private_ip) == *a))
            .map(|n| AddressOwner::NatGateway(n.id.clone()));
        let first = net
            .network_interfaces
            .values()
            .find(|e| e.has_private_address(a))
            .map(|e| AddressOwner::Interface(e.id.clone()));
        assert_eq!(ix.private_owner(a), nat.or(first).as_ref(), "{what}: owner of {a}");
    }
    for e in net.network_interfaces.values() {
        let want = e.attachment.as_ref().and_then(|x| x.instance.clone()).or_else(|| {
            net.instances
                .values()
                .find(|i| i.network_interfaces.contains(&e.id))
                .map(|i| i.id.clone())
        });
        assert_eq!(ix.instance_of(&e.id), want.as_ref(), "{what}: instance of {}", e.id);
    }
}

#[test]
fn the_index_is_its_definition_on_the_bundled_inputs_and_an_estate() {
    for input in [
        "specs/seed-lab.toml",
        "tests/fixtures/moto-sample",
        "tests/fixtures/moto-tgw",
        "tests/fixtures/moto-elb",
        "tests/fixtures/aws/merged.json",
        "tests/fixtures/terraform/seed-lab.plan.json",
    ] {
        let loaded = vpcverify::ingest::load_with(&path(input), &Default::default()).unwrap();
        check(&loaded.network, input);
    }
    let (estate, _) = crate::synth_estate::generate(300, 7);
    let loaded = vpcverify::ingest::load_with(estate.path(), &Default::default()).unwrap();
    check(&loaded.network, "synth estate");
}

#[test]
fn an_address_held_twice_is_its_first_holders_by_id_and_a_nat_gateways_own_address_the_gateways() {
    let text = r#"
[vpc.a]
cidr = "10.0.0.0/16"

[subnet.s]
vpc = "vpc-a"
cidr = "10.0.1.0/24"

[network_interface.b]
subnet = "subnet-s"
private_ip = "10.0.1.10"

[network_interface.a]
subnet = "subnet-s"
private_ip = "10.0.1.10"

[network_interface.c]
subnet = "subnet-s"
private_ip = "10.0.1.24"

[nat_gateway.n]
subnet = "subnet-s"
private_ip = "10.0.1.24"
"#;
    let loaded = vpcverify::ingest::spec::load_str("twice.toml", text).unwrap();
    let net = &loaded.network;
    check(net, "twice.toml");
    let ix = NetworkIndex::new(net);
    let held = |ip: &str| ix.private_owner(&ip.parse().unwrap()).cloned();
    assert_eq!(held("10.0.1.10"), Some(AddressOwner::Interface("eni-a".into())));
    assert!(matches!(held("10.0.1.24"), Some(AddressOwner::NatGateway(_))));
}
