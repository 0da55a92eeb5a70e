//! `check --format junit`: JUnit XML (quick-junit), the shape GitLab's `artifacts:reports:junit`,
//! Jenkins and the GitHub test-report actions read.
//!
//! One `<testsuites name="vpcverify">` holding one `<testsuite>` named after the suite and the
//! network, with one `<testcase>` per assertion in the suite's order: `classname` is
//! `vpcverify.<suite name>`, `time` the query's time. A violated assertion has a `<failure
//! type="reachability">` whose message is the witness packet (or the blocking rules) and whose
//! body is the query verdict as text, paths included; an unknown verdict or an assertion that
//! could not be answered is an `<error>` (type `unknown` or `error`); a violation the baseline or
//! an `[[ignore]]` entry accepts is `<skipped>`, its message saying why.

use super::Style;
use super::check::violation_message;
use crate::check::{Report, Status};
use quick_junit::{NonSuccessKind, Report as JReport, TestCase, TestCaseStatus, TestSuite};

/// The report as JUnit XML.
pub fn render(report: &Report) -> Result<String, String> {
    let s = &report.suite;
    let mut suite = TestSuite::new(format!("{} ({})", s.name, report.network));
    let classname = format!("vpcverify.{}", s.name);
    let plain = Style { color: false };
    for (a, r) in report.pairs() {
        let status = match r.status {
            Status::Held => TestCaseStatus::success(),
            Status::Violated if r.accepted.is_some() => {
                let mut st = TestCaseStatus::skipped();
                if let Some(acc) = &r.accepted {
                    st.set_message(format!("{}: violated, accepted ({})", a.location, acc.describe()));
                }
                st
            }
            Status::Violated | Status::Unknown => {
                let (kind, ty) = if r.status == Status::Violated {
                    (NonSuccessKind::Failure, "reachability")
                } else {
                    (NonSuccessKind::Error, "unknown")
                };
                let mut st = TestCaseStatus::non_success(kind);
                st.set_type(ty);
                if let Some(v) = &r.verdict {
                    st.set_message(format!("{}: {}", a.location, violation_message(v)));
                    st.set_description(format!(
                        "expected {}\n{}",
                        a.expect.as_str(),
                        super::verdict::render_text(v, &plain)
                    ));
                }
                st
            }
            Status::Error => {
                let mut st = TestCaseStatus::non_success(NonSuccessKind::Error);
                st.set_type("error");
                st.set_message(format!("{}: {}", a.location, r.error.as_deref().unwrap_or("error")));
                st
            }
        };
        let mut case = TestCase::new(a.name.as_str(), status);
        case.set_classname(classname.as_str());
        case.set_time(r.elapsed);
        suite.add_test_case(case);
    }
    suite.set_time(report.elapsed);
    let mut out = JReport::new("vpcverify");
    out.set_time(report.elapsed);
    out.add_test_suite(suite);
    out.to_string().map_err(|e| e.to_string())
}
