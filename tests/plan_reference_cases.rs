//! The plan against the naive engine on the reference cases' original responses, with every
//! transform of the source's rules applied at once (read at test time from `../shared/compat`;
//! skipped when absent). Both must fail, or produce the same bytes and match counts.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use psoxy_rules::json::{Value, parse_values, to_compact_string};
use psoxy_rules::jsonpath::parse;
use psoxy_rules::plan::{Action, MapError, Mapper, TransformSpec, compile, naive};

fn compat() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/compat/psoxy")
}

/// The transforms of a rules file, in order: each `- !<kind>` item with its `jsonPaths` and
/// `applyOnlyWhen`. A line-based reading that is enough for these files.
fn transforms(yaml: &str) -> Vec<TransformSpec> {
    let mut out: Vec<TransformSpec> = Vec::new();
    let mut in_paths = false;
    for line in yaml.lines() {
        let trimmed = line.trim();
        if let Some(kind) = trimmed.strip_prefix("- !<") {
            out.push(TransformSpec {
                action: if kind.starts_with("redact>") {
                    Action::Delete
                } else {
                    Action::Map
                },
                paths: Vec::new(),
                guard: None,
                abort_stops_path: false,
            });
            in_paths = false;
        } else if trimmed == "jsonPaths:" {
            in_paths = true;
        } else if let Some(guard) = trimmed.strip_prefix("applyOnlyWhen: ") {
            if let Some(t) = out.last_mut() {
                t.guard = Some(path(guard));
            }
            in_paths = false;
        } else if in_paths && trimmed.starts_with("- \"") {
            if let Some(t) = out.last_mut() {
                t.paths.push(path(&trimmed[2..]));
            }
        } else {
            in_paths = false;
        }
    }
    out.retain(|t| !t.paths.is_empty());
    out
}

fn path(quoted: &str) -> psoxy_rules::jsonpath::JsonPath {
    let text = quoted
        .trim_matches('"')
        .replace("\\\"", "\"")
        .replace("\\\\", "\\");
    parse(&text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// Strings get a mark, other values are wrapped in an object: every update is visible.
struct Mark;

impl<'a> Mapper<'a> for Mark {
    type Error = ();

    fn map(&mut self, _: usize, value: &mut Value<'a>) -> Result<(), MapError<()>> {
        let old = std::mem::replace(value, Value::Null);
        *value = match old {
            Value::String(s) => Value::String(format!("~{s}").into()),
            other => Value::Object([(Cow::Borrowed("~"), other)].into_iter().collect()),
        };
        Ok(())
    }
}

#[test]
fn plan_equals_naive_on_the_reference_originals() {
    let Ok(sources) = std::fs::read_dir(compat()) else {
        eprintln!("reference cases not found; skipped");
        return;
    };
    let (mut checked, mut failed, mut matches) = (0, 0, 0);
    for source in sources.filter_map(Result::ok) {
        let Ok(yaml) = std::fs::read_to_string(source.path().join("rules.yaml")) else {
            continue;
        };
        let transforms = transforms(&yaml);
        let plan = compile(&transforms);
        let Ok(originals) = std::fs::read_dir(source.path().join("original")) else {
            continue;
        };
        for original in originals.filter_map(Result::ok) {
            let text = std::fs::read_to_string(original.path()).expect("readable");
            for doc in parse_values(&text) {
                let doc = doc.expect("original parses");
                let mut expected = doc.clone();
                let naive = naive::run(&transforms, &mut expected, &mut Mark);
                let mut got = doc.clone();
                let compiled = plan.run(&mut got, &mut Mark);
                let name = original.path().display().to_string();
                match (naive, compiled) {
                    (Ok(a), Ok(b)) => {
                        assert!(
                            to_compact_string(&got) == to_compact_string(&expected),
                            "{name}: documents differ\n{}",
                            plan.explain(&[])
                        );
                        assert_eq!(a, b, "{name}: match counts differ");
                        matches += a.matches.iter().flatten().sum::<u64>();
                    }
                    (Err(_), Err(_)) => failed += 1,
                    (a, b) => panic!("{name}: naive {a:?}, plan {b:?}"),
                }
                checked += 1;
            }
        }
    }
    eprintln!("{checked} documents checked ({failed} failed in both), {matches} matches");
    // The rules were read: the originals hold what they select.
    assert!(checked == 0 || matches > 0);
}
