//! Recomputes the pseudonyms found in the reference cases (`../shared/compat/psoxy`) from the
//! values of the matching original responses. Skipped when the cases are absent.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{PseudonymInput, PseudonymizedIdentity, reference_pseudonymizer};

fn compat_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/compat/psoxy")
}

/// The (original, expected) file pairs of `cases.tsv`, without duplicates.
fn case_files(dir: &Path) -> Option<BTreeSet<(PathBuf, PathBuf)>> {
    let table = std::fs::read_to_string(dir.join("cases.tsv")).ok()?;
    Some(
        table
            .lines()
            .skip(1)
            .filter_map(|line| {
                let cols: Vec<&str> = line.split('\t').collect();
                Some((dir.join(cols.get(4)?), dir.join(cols.get(5)?)))
            })
            .collect(),
    )
}

fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).expect("readable case file");
    serde_json::from_str(&text).expect("case file is JSON")
}

/// Every string and integer leaf, the way `pseudonymize` receives it.
fn leaves(value: &serde_json::Value, out: &mut Vec<(bool, String)>) {
    match value {
        serde_json::Value::String(s) => out.push((false, s.clone())),
        serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => out.push((true, n.to_string())),
        serde_json::Value::Array(items) => items.iter().for_each(|v| leaves(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| leaves(v, out)),
        _ => {}
    }
}

/// Every `t~`/`p~` token inside the strings of `value`.
fn tokens(value: &serde_json::Value, out: &mut BTreeSet<String>) {
    static TOKEN: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = TOKEN.get_or_init(|| {
        regex::Regex::new("[tp]~[A-Za-z0-9_-]{43,}(?:@[A-Za-z0-9.-]+)?").expect("compiles")
    });
    match value {
        serde_json::Value::String(s) => out.extend(re.find_iter(s).map(|m| m.as_str().to_owned())),
        serde_json::Value::Array(items) => items.iter().for_each(|v| tokens(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| tokens(v, out)),
        _ => {}
    }
}

#[test]
fn tokens_of_the_reference_cases_are_recomputed_from_their_originals() {
    let dir = compat_dir();
    let Some(files) = case_files(&dir) else {
        eprintln!("skipped: no reference cases at {}", dir.display());
        return;
    };
    let p = reference_pseudonymizer();

    let (mut found, mut missing) = (0, Vec::new());
    for (original, expected) in &files {
        let mut values = Vec::new();
        leaves(&read_json(original), &mut values);
        let mut computed = BTreeSet::new();
        for (is_number, v) in &values {
            let input = if *is_number {
                PseudonymInput::Number(v)
            } else {
                PseudonymInput::Text(v)
            };
            for reversible in [false, true] {
                computed.insert(p.url_safe_token(input, reversible).expect("pseudonym"));
            }
            // `pseudonymizeRegexMatches` with `(?i)^smtp:(.*)$` pseudonymizes what follows `smtp:`.
            if let Some((_, rest)) = v.split_once(':').filter(|_| !is_number) {
                computed.insert(
                    p.url_safe_token(PseudonymInput::Text(rest), false)
                        .expect("pseudonym"),
                );
            }
            // Email headers are pseudonymized address by address.
            if !is_number {
                let identities = p.email_header_identities(v).expect("pseudonyms");
                computed.extend(
                    identities
                        .iter()
                        .flatten()
                        .map(PseudonymizedIdentity::url_safe_token),
                );
            }
        }
        let mut wanted = BTreeSet::new();
        tokens(&read_json(expected), &mut wanted);
        for t in wanted {
            if computed.contains(&t) {
                found += 1;
            } else {
                missing.push(format!("{}: {t}", expected.display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "not recomputed:\n{}",
        missing.join("\n")
    );
    // The cases hold over a hundred tokens; finding none would mean the walk is broken.
    assert!(found > 100, "only {found} tokens found");
}
