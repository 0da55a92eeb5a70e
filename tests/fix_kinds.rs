//! Issue #23, the edit kinds beyond ACL entries and security group rules: routes added, replaced
//! and removed, route table and network ACL associations changed, ACL entries removed and
//! narrowed (FIX-9..FIX-12); fewest edits proven by iterative deepening (FIX-13); Terraform
//! groups with inline rules changed in their own blocks. Each edit is applied (as the lines it
//! prints, or as data) and the question asked again.

use crate::common::{path, query_code, root, vpcverify};
use serde_json::Value;
use vpcverify::fix::{self, Edit, Limits, Want, language::in_language};
use vpcverify::model::*;
use vpcverify::query::engine::{ProtocolChoice, QuerySpec};
use vpcverify::query::verdict::VerdictKind;

const SEED: &str = "specs/seed-lab.toml";

/// The seed lab with `from` replaced by `to` in its text (which must occur once), written to a
/// temporary file.
fn seed_variant(from: &str, to: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let spec = std::fs::read_to_string(path(SEED)).unwrap();
    assert_eq!(spec.matches(from).count(), 1, "{from}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("seed-lab-variant.toml");
    std::fs::write(&file, spec.replacen(from, to, 1)).unwrap();
    (dir, file)
}

fn fix_json(network: &std::path::Path, args: &[&str]) -> (Value, i32) {
    let out = vpcverify()
        .arg("fix")
        .arg(network)
        .args(args)
        .args(["--format", "json", "--no-side-effects"])
        .current_dir(root())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let v: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    (v, out.status.code().unwrap())
}

fn load(p: &std::path::Path) -> Network {
    vpcverify::ingest::load_with(p, &Default::default()).unwrap().network
}

fn spec(from: &str, to: &str, port: u16, one_way: bool) -> QuerySpec {
    QuerySpec {
        from: from.into(),
        to: to.into(),
        protocol: ProtocolChoice::One(6),
        port: Some(PortRange::single(port)),
        src_port: None,
        one_way,
        want_proof: false,
        budget: None,
        through: vec![],
        avoid: vec![],
    }
}

fn verdict(net: &Network, q: &QuerySpec) -> VerdictKind {
    let ix = NetworkIndex::new(net);
    vpcverify::query::engine::run(net, &ix, q).unwrap().verdict.verdict
}

fn quiet() -> Limits {
    Limits {
        side_effects: false,
        ..Limits::default()
    }
}

/// The public subnet's table lost its default route: the web server's replies to the internet
/// find no route. The fix adds the narrowest route that serves an internet destination,
/// 0.0.0.0/0, to the VPC's internet gateway (not to the NAT gateway, which would not bring the
/// replies back); the TOML line it prints, added to the table's routes, makes `query` answer
/// reachable again.
#[test]
fn a_missing_default_route_is_added_to_the_internet_gateway() {
    let line = "  { destination = \"0.0.0.0/0\", target = \"lab-igw\" },\n";
    let (_dir, broken) = seed_variant(line, "");
    let q = ["--from", "internet", "--to", "web-server", "--port", "80"];
    assert_eq!(query_code(&broken, &q), 1);
    let (v, code) = fix_json(&broken, &[&q[..], &["--want", "reachable"]].concat());
    assert_eq!(code, 0, "{v}");
    let edits = v["edits"].as_array().unwrap();
    assert_eq!(edits.len(), 1, "{edits:?}");
    let e = &edits[0];
    assert_eq!(e["kind"], "add-route");
    assert_eq!(e["component"], "rtb-public-rt");
    assert_eq!(e["destination"], "0.0.0.0/0");
    assert_eq!(e["target"], "igw-lab-igw");
    assert_eq!(v["proof"]["fewest_proven"], true);
    let toml = e["in_input_language"].as_str().unwrap();
    assert_eq!(
        toml,
        "# [route_table.public-rt] routes, add:\n  { destination = \"0.0.0.0/0\", target = \"lab-igw\" },"
    );
    // Applied as printed: the line goes back into the table's list.
    let text = std::fs::read_to_string(&broken).unwrap();
    let anchor = "[route_table.public-rt]\nvpc = \"lab\"\nsubnets = [\"public\"]\nroutes = [\n";
    let fixed = text.replacen(anchor, &format!("{anchor}{}\n", toml.lines().nth(1).unwrap()), 1);
    assert_ne!(fixed, text);
    std::fs::write(&broken, fixed).unwrap();
    assert_eq!(query_code(&broken, &q), 0);
    // In a snapshot's language: the create-route synopsis of the AWS CLI reference.
    let net = load(&path(SEED));
    let add = Edit::AddRoute {
        table: RouteTableId::new("rtb-public-rt"),
        route: net.route_tables[&RouteTableId::new("rtb-public-rt")]
            .routes
            .iter()
            .find(|r| r.destination == RouteDestination::Cidr(Cidr::any_v4()))
            .unwrap()
            .clone(),
    };
    assert_eq!(
        in_language(&net, &add, "aws-cli"),
        "aws ec2 create-route --route-table-id rtb-public-rt --destination-cidr-block 0.0.0.0/0 --gateway-id igw-lab-igw"
    );
}

/// Routes and associations as data: each applied to the seed lab gives the verdict it should,
/// and each prints the AWS CLI command of the AWS CLI reference, the Terraform change and the
/// TOML lines.
#[test]
fn routes_and_associations_applied_and_printed() {
    let net = load(&path(SEED));
    let public_rt = RouteTableId::new("rtb-public-rt");
    let main_rt = RouteTableId::new("rtb-main");
    let default_route = |t: &RouteTableId| {
        net.route_tables[t]
            .routes
            .iter()
            .find(|r| r.destination == RouteDestination::Cidr(Cidr::any_v4()))
            .unwrap()
            .clone()
    };
    let web80 = spec("internet", "web-server", 80, false);
    assert_eq!(verdict(&net, &web80), VerdictKind::Reachable);

    // remove-route: the web server's replies find no route back.
    let remove = Edit::RemoveRoute {
        table: public_rt.clone(),
        route: default_route(&public_rt),
    };
    assert_eq!(verdict(&remove.apply(&net), &web80), VerdictKind::Unreachable);
    assert_eq!(
        in_language(&net, &remove, "aws-cli"),
        "aws ec2 delete-route --route-table-id rtb-public-rt --destination-cidr-block 0.0.0.0/0"
    );
    assert_eq!(
        in_language(&net, &remove, "spec"),
        "# [route_table.public-rt] routes, remove:\n  { destination = \"0.0.0.0/0\", target = \"lab-igw\" },"
    );

    // replace-route: the private subnet's default route sent to the internet gateway, where the
    // database server (no public address) cannot go; one way through the NAT gateway before.
    let db443 = spec("db-server", "internet", 443, true);
    assert_eq!(verdict(&net, &db443), VerdictKind::Reachable);
    let replace = Edit::ReplaceRoute {
        table: main_rt.clone(),
        route: default_route(&main_rt),
        target: RouteTarget::InternetGateway(InternetGatewayId::new("igw-lab-igw")),
    };
    assert_eq!(verdict(&replace.apply(&net), &db443), VerdictKind::Unreachable);
    assert_eq!(
        in_language(&net, &replace, "aws-cli"),
        "aws ec2 replace-route --route-table-id rtb-main --destination-cidr-block 0.0.0.0/0 --gateway-id igw-lab-igw"
    );

    // associate-route-table: the private subnet (on the main table by default) moved to the
    // public table: its default route now leads to the internet gateway, not the NAT gateway.
    let private = SubnetId::new("subnet-private");
    let assoc = Edit::AssociateRouteTable {
        subnet: private.clone(),
        from: main_rt.clone(),
        explicit: false,
        to: public_rt.clone(),
    };
    let moved = assoc.apply(&net);
    assert_eq!(NetworkIndex::new(&moved).route_table_of(&private), Some(&public_rt));
    assert_eq!(verdict(&moved, &db443), VerdictKind::Unreachable);
    assert_eq!(
        in_language(&net, &assoc, "aws-cli"),
        "aws ec2 associate-route-table --route-table-id rtb-public-rt --subnet-id subnet-private"
    );
    assert_eq!(
        in_language(&net, &assoc, "spec"),
        "# [route_table.public-rt] subnets, add \"private\""
    );
    // An explicit association is replaced, by its association id, looked up first.
    let back = Edit::AssociateRouteTable {
        subnet: private.clone(),
        from: public_rt.clone(),
        explicit: true,
        to: main_rt.clone(),
    };
    assert_eq!(verdict(&back.apply(&moved), &db443), VerdictKind::Reachable);
    let cli = in_language(&moved, &back, "aws-cli");
    assert!(
        cli.ends_with(
            "\naws ec2 replace-route-table-association --association-id \"$ASSOC\" --route-table-id rtb-main"
        ),
        "{cli}"
    );
    assert!(
        cli.starts_with(
            "ASSOC=$(aws ec2 describe-route-tables --filters Name=association.subnet-id,Values=subnet-private "
        ),
        "{cli}"
    );

    // associate-network-acl: the public subnet moved to the VPC's default ACL (which allows
    // everything): the tutorial's bug is gone, by a broader change than the tutorial's.
    let db_out = spec("db-server", "internet", 443, false);
    assert_eq!(verdict(&net, &db_out), VerdictKind::Unreachable);
    let default_acl = net.network_acls.values().find(|a| a.is_default).unwrap().id.clone();
    let acl = Edit::AssociateNetworkAcl {
        subnet: SubnetId::new("subnet-public"),
        from: NetworkAclId::new("acl-public-acl"),
        to: default_acl.clone(),
    };
    assert_eq!(verdict(&acl.apply(&net), &db_out), VerdictKind::Reachable);
    let cli = in_language(&net, &acl, "aws-cli");
    assert!(
        cli.ends_with(&format!(
            "\naws ec2 replace-network-acl-association --association-id \"$ASSOC\" --network-acl-id {default_acl}"
        )),
        "{cli}"
    );
    assert_eq!(
        in_language(&net, &acl, "spec"),
        format!(
            "# [network_acl.public-acl] subnets, remove \"public\"\n# [network_acl.{}] subnets, add \"public\"",
            default_acl.as_str().trim_start_matches("acl-")
        )
    );
}

/// A deny at rule 1 leaves no number before it: the fix narrows the deny to its ports outside
/// the question (two entries, the second at the next free number), which `replace-` and
/// `create-network-acl-entry` write; applied, the question is reachable and port 22, still inside
/// the deny, is still denied.
#[test]
fn a_deny_at_rule_one_is_narrowed() {
    let deny = "  { rule = 1, protocol = \"tcp\", ports = \"1-1000\", cidr = \"0.0.0.0/0\", action = \"deny\" },\n";
    let anchor = "inbound = [\n  { rule = 100, protocol = \"tcp\", ports = \"80\"";
    let (_dir, denied) = seed_variant(
        anchor,
        &format!("inbound = [\n{deny}  {{ rule = 100, protocol = \"tcp\", ports = \"80\""),
    );
    let q = ["--from", "internet", "--to", "web-server", "--port", "80"];
    assert_eq!(query_code(&denied, &q), 1);
    let (v, code) = fix_json(&denied, &[&q[..], &["--want", "reachable"]].concat());
    assert_eq!(code, 0, "{v}");
    let edits = v["edits"].as_array().unwrap();
    assert_eq!(edits.len(), 1, "{edits:?}");
    let e = &edits[0];
    assert_eq!(e["kind"], "narrow-acl-entry");
    assert_eq!(e["rule_number"], 1);
    assert_eq!(
        e["narrowed_to"],
        serde_json::json!(["1 TCP 1-79 0.0.0.0/0 DENY", "2 TCP 81-1000 0.0.0.0/0 DENY"])
    );
    // Applied as data, asked again; and in the AWS CLI's words.
    let net = load(&denied);
    let ix = NetworkIndex::new(&net);
    let r = fix::run(
        &net,
        &ix,
        &spec("internet", "web-server", 80, false),
        Want::Reachable,
        &quiet(),
    )
    .unwrap();
    let patched = fix::edit::apply_all(&net, &r.applied);
    assert_eq!(
        verdict(&patched, &spec("internet", "web-server", 80, false)),
        VerdictKind::Reachable
    );
    assert_eq!(
        verdict(&patched, &spec("internet", "web-server", 22, false)),
        VerdictKind::Unreachable
    );
    assert_eq!(
        in_language(&net, &r.applied[0], "aws-cli"),
        "aws ec2 replace-network-acl-entry --network-acl-id acl-public-acl --ingress --rule-number 1 --protocol tcp --port-range From=1,To=79 --cidr-block 0.0.0.0/0 --rule-action deny\n\
         aws ec2 create-network-acl-entry --network-acl-id acl-public-acl --ingress --rule-number 2 --protocol tcp --port-range From=81,To=1000 --cidr-block 0.0.0.0/0 --rule-action deny"
    );
    // remove-acl-entry, as data: the allow of ssh removed closes ssh.
    let seed = load(&path(SEED));
    let acl = NetworkAclId::new("acl-public-acl");
    let ssh = seed.network_acls[&acl]
        .entries
        .iter()
        .find(|e| e.rule_number == 300 && e.direction == Direction::Inbound)
        .unwrap()
        .clone();
    let remove = Edit::RemoveAclEntry { acl, entry: ssh };
    let q22 = spec("internet", "web-server", 22, false);
    assert_eq!(verdict(&seed, &q22), VerdictKind::Reachable);
    assert_eq!(verdict(&remove.apply(&seed), &q22), VerdictKind::Unreachable);
    assert_eq!(
        in_language(&seed, &remove, "aws-cli"),
        "aws ec2 delete-network-acl-entry --network-acl-id acl-public-acl --ingress --rule-number 300"
    );
}

/// FIX-13: web-server → db-server tcp 22 is dropped twice by the public subnet's ACL (the request
/// going out, the reply coming in). The greedy search's two entries are not the fewest: one edit,
/// the public subnet moved to the VPC's default ACL, does it; iterative deepening finds it and
/// proves no single narrower edit exists among the candidates.
#[test]
fn fewest_edits_are_found_by_deepening() {
    let net = load(&path(SEED));
    let ix = NetworkIndex::new(&net);
    let q = spec("web-server", "db-server", 22, false);
    assert_eq!(verdict(&net, &q), VerdictKind::Unreachable);
    let r = fix::run(&net, &ix, &q, Want::Reachable, &quiet()).unwrap();
    assert_eq!(r.verdict, fix::FixVerdict::Fixed, "{:?}", r.warnings);
    assert_eq!(r.applied.len(), 1, "{:?}", r.applied);
    assert!(
        matches!(r.applied[0], Edit::AssociateNetworkAcl { .. }),
        "{:?}",
        r.applied
    );
    assert!(r.proof.as_ref().unwrap().fewest_proven);
    let patched = fix::edit::apply_all(&net, &r.applied);
    assert_eq!(verdict(&patched, &q), VerdictKind::Reachable);
}

/// A Terraform group whose rules are inline `ingress` blocks gets an `ingress` block for that
/// resource, never an `aws_vpc_security_group_ingress_rule` (which the provider says conflicts
/// with inline rules); the ACL with inline rules likewise. Applied as data, reachable.
#[test]
fn a_terraform_group_with_inline_rules_gets_a_block() {
    let plan = path("tests/fixtures/terraform/seed-lab.plan.json");
    let net = load(&plan);
    let ix = NetworkIndex::new(&net);
    let q = spec("internet", "web-server", 8080, false);
    let r = fix::run(&net, &ix, &q, Want::Reachable, &quiet()).unwrap();
    assert_eq!(r.verdict, fix::FixVerdict::Fixed);
    let sg = r
        .edits
        .iter()
        .find(|e| e.kind == "add-sg-rule")
        .unwrap_or_else(|| panic!("{:?}", r.edits));
    let t = &sg.in_input_language;
    assert!(
        t.starts_with("# in resource aws_security_group.web, add:\n  ingress {"),
        "{t}"
    );
    for line in [
        "protocol         = \"tcp\"",
        "from_port        = 8080",
        "to_port          = 8080",
        "cidr_blocks      = [\"0.0.0.0/0\"]",
    ] {
        assert!(t.contains(line), "{line} not in {t}");
    }
    assert!(!t.contains("resource \""), "{t}");
    assert!(
        r.edits
            .iter()
            .all(|e| !e.in_input_language.contains("aws_vpc_security_group_ingress_rule"))
    );
    let patched = fix::edit::apply_all(&net, &r.applied);
    assert_eq!(verdict(&patched, &q), VerdictKind::Reachable);
}
