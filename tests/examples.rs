//! The repository's example sets (`api-response-examples/**/cases.yaml`), one test per case,
//! through the same harness as `psoxy-rules test`, so the two never disagree. A case file's own
//! findings (coverage, unreferenced files) are one more test per case file.

use std::path::PathBuf;

use libtest_mimic::{Arguments, Failed, Trial};
use psoxy_rules::harness::{self, Options, Outcome, report};

fn main() {
    let args = Arguments::from_args();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let examples = root.join("api-response-examples");
    // Relative paths, so names and messages read as they do from `psoxy-rules test`.
    if std::env::set_current_dir(&root).is_err() || !examples.is_dir() {
        eprintln!("skipped: api-response-examples is absent");
        libtest_mimic::run(&args, Vec::new()).exit();
    }
    let report = harness::run(
        &[PathBuf::from("api-response-examples")],
        &Options::default(),
    );
    let mut trials = Vec::new();
    for finding in &report.findings {
        let text = finding.to_string();
        trials.push(Trial::test(
            format!("discovery: {}", finding.code),
            move || Err(Failed::from(text)),
        ));
    }
    for file in &report.case_files {
        let failure = report::file_failure(&report, file);
        trials.push(Trial::test(format!("{}: coverage", file.path), move || {
            failure.map_or(Ok(()), |f| Err(Failed::from(f)))
        }));
        for case in &file.cases {
            let result = match case.outcome {
                Outcome::Passed => Ok(()),
                _ => Err(Failed::from(report::case_failure(&report, case))),
            };
            trials.push(Trial::test(case.name.clone(), move || result));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
