//! Replays the reference cases in `../shared/compat/psoxy/cases.tsv` (when that folder exists):
//! each response must come out byte for byte as the reference proxy produced it, in the golden
//! form of sanitized example files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use libtest_mimic::{Arguments, Failed, Trial};
use psoxy_rules::pseudonym::{
    DomainHandling, EmailCanonicalization, Pseudonymizer, SecretValues, Secrets,
};
use psoxy_rules::rules;
use psoxy_rules::sanitize::{Engine, Output, Sanitizer};

fn compat_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/compat/psoxy")
}

/// The secrets the reference's golden files were made with.
fn pseudonymizer() -> Pseudonymizer {
    let secrets = Secrets::new(SecretValues {
        salt: Some("salt".into()),
        encryption_key: Some("secret".into()),
        ..SecretValues::default()
    });
    Pseudonymizer::new(
        secrets,
        EmailCanonicalization::Strict,
        DomainHandling::Preserve,
    )
}

struct Case {
    source: String,
    method: String,
    url: String,
    rules: PathBuf,
    original: PathBuf,
    expected: PathBuf,
}

fn cases(root: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(root.join("cases.tsv")).expect("cases.tsv is readable");
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 6, "cases.tsv row has 6 columns: {line}");
            Case {
                source: f[0].to_owned(),
                method: f[1].to_owned(),
                url: f[2].to_owned(),
                rules: root.join(f[3]),
                original: root.join(f[4]),
                expected: root.join(f[5]),
            }
        })
        .collect()
}

fn replay(case: &Case, sanitizer: &Sanitizer) -> Result<(), Failed> {
    let body = std::fs::read(&case.original).map_err(|e| format!("original: {e}"))?;
    let actual = sanitizer
        .sanitize(&case.method, &case.url, &body, Output::Pretty)
        .map_err(|e| format!("{e}"))?;
    let actual = String::from_utf8(actual).map_err(|e| format!("output is not UTF-8: {e}"))?;
    let expected = std::fs::read_to_string(&case.expected)
        .map_err(|e| format!("expected: {e}"))?
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    let expected = expected.trim();
    if actual.trim() == expected {
        Ok(())
    } else {
        let diff = similar::TextDiff::from_lines(expected, actual.trim())
            .unified_diff()
            .context_radius(2)
            .header("expected", "actual")
            .to_string();
        Err(diff.into())
    }
}

fn main() {
    let args = Arguments::from_args();
    let root = compat_root();
    if !root.join("cases.tsv").is_file() {
        eprintln!(
            "compat: {} is absent; no reference cases to replay",
            root.display()
        );
        libtest_mimic::run(&args, Vec::new()).exit();
    }
    let mut sanitizers: BTreeMap<(PathBuf, bool), Arc<Sanitizer>> = BTreeMap::new();
    let mut trials = Vec::new();
    for (n, case) in cases(&root).into_iter().enumerate() {
        for engine in [Engine::Plan, Engine::Naive] {
            let key = (case.rules.clone(), engine == Engine::Plan);
            let sanitizer = sanitizers
                .entry(key)
                .or_insert_with(|| {
                    let (rules, _) = rules::load(&case.rules).unwrap_or_else(|findings| {
                        panic!("{} does not load: {findings:?}", case.rules.display())
                    });
                    Arc::new(Sanitizer::new(Arc::new(rules), pseudonymizer(), engine))
                })
                .clone();
            let name = format!(
                "{}::{:02}-{}::{}",
                case.source,
                n,
                case.original
                    .file_name()
                    .and_then(|f| f.to_str())
                    .unwrap_or("?"),
                if engine == Engine::Plan {
                    "plan"
                } else {
                    "naive"
                }
            );
            let case = Case {
                source: case.source.clone(),
                method: case.method.clone(),
                url: case.url.clone(),
                rules: case.rules.clone(),
                original: case.original.clone(),
                expected: case.expected.clone(),
            };
            trials.push(Trial::test(name, move || replay(&case, &sanitizer)));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
