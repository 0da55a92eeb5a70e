//! `sim::status` walks exactly as `sim::trace` does, only without recording hops: on the bundled
//! networks and a synthetic estate, for every pair of endpoints and a few packets, its verdict is
//! the trace's.

use crate::common::*;
use crate::synth_estate::estate;
use vpcverify::model::NetworkIndex;
use vpcverify::query::trace::{TraceRequest, prepare};
use vpcverify::sim;

fn check_network(path: &std::path::Path, endpoints: &[String]) -> usize {
    let loaded = vpcverify::ingest::load(path).unwrap();
    let net = loaded.network;
    let ix = NetworkIndex::new(&net);
    let mut compared = 0;
    for from in endpoints {
        for to in endpoints {
            for (protocol, port) in [("tcp", Some(22)), ("tcp", Some(443)), ("udp", Some(53)), ("icmp", None)] {
                for one_way in [false, true] {
                    let req = TraceRequest {
                        from: from.clone(),
                        to: to.clone(),
                        protocol: protocol.into(),
                        port,
                        src_port: None,
                        src_ip: None,
                        dst_ip: None,
                        one_way,
                    };
                    let Ok(Ok(p)) = prepare(&net, &ix, &req) else { continue };
                    let traced = sim::trace(&net, &ix, p.start.clone(), p.packet, one_way).status();
                    let status = sim::status(&net, &ix, p.start.clone(), p.packet, one_way);
                    assert_eq!(status, traced, "{}: {req:?}", path.display());
                    compared += 1;
                }
            }
        }
    }
    compared
}

#[test]
fn status_is_the_verdict_of_the_trace_on_the_bundled_specs() {
    for (spec, names) in [
        (
            "specs/seed-lab.toml",
            vec!["internet", "web-server", "db-server", "nat-instance", "service:s3"],
        ),
        ("specs/peering.toml", vec!["internet"]),
        ("specs/nat-instance.toml", vec!["internet"]),
        ("specs/ipv6-egress-only.toml", vec!["internet"]),
    ] {
        let file = path(spec);
        let loaded = vpcverify::ingest::load(&file).unwrap();
        let mut endpoints: Vec<String> = names.into_iter().map(str::to_owned).collect();
        endpoints.extend(loaded.network.network_interfaces.keys().map(|k| k.to_string()));
        assert!(check_network(&file, &endpoints) > 0, "{spec}");
    }
}

#[test]
fn status_is_the_verdict_of_the_trace_on_a_synthetic_estate() {
    let snapshot = estate::generate(&estate::Spec::new(300, 4)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    snapshot.write(dir.path()).unwrap();
    let mut endpoints: Vec<String> = vec!["internet".into(), "service:s3".into()];
    endpoints.extend(snapshot.instances.iter().step_by(9).map(|(_, n)| n.clone()));
    assert!(check_network(dir.path(), &endpoints) > 100);
}
