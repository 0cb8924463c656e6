//! JSON as the reference proxy reads and writes it: Jackson's parser typing (§7.1), its compact
//! writer (§7.2), Java number formatting (§7.3), json-smart's writer (§7.4) and the golden
//! pretty form of sanitized example files (§7.5).

mod double;
mod halves;
mod parse;
mod scan;
mod smart;
pub mod split;
pub mod value;
mod write;

pub use double::{java_double_to_string, java_number_string, write_java_double};
pub use parse::{
    Expected, Found, Limits, NumberProblem, ParseError, ParseErrorKind, ValueStream, line_column,
    parse_value, parse_value_with, parse_values, parse_values_with, validate_utf8,
};
pub use scan::same_text;
pub use smart::{SmartError, parse_smart};
pub use value::{Map, Value};
pub use write::{
    Holes, NoHoles, Piece, to_compact_string, to_pretty_string, to_smart_string, write_compact,
    write_compact_filled, write_compact_to, write_compact_to_filled, write_pretty, write_pretty_to,
    write_smart, write_smart_to,
};

#[cfg(test)]
mod tests {
    //! Round trips against the reference cases' golden files (harness spec §5).

    use std::borrow::Cow;
    use std::path::{Path, PathBuf};

    use proptest::prelude::*;

    use super::*;

    fn reference_files(kind: &str) -> Vec<PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/compat/psoxy");
        let Ok(sources) = std::fs::read_dir(&root) else {
            return Vec::new();
        };
        let mut files: Vec<PathBuf> = sources
            .filter_map(Result::ok)
            .filter_map(|source| std::fs::read_dir(source.path().join(kind)).ok())
            .flatten()
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        files
    }

    /// The harness's view of a golden file: CR LF and CR become LF, then Java `trim`.
    fn golden_text(path: &Path) -> String {
        let raw = std::fs::read_to_string(path).expect("golden file is UTF-8");
        let unix = raw.replace("\r\n", "\n").replace('\r', "\n");
        unix.trim_matches(|c: char| c <= ' ').to_owned()
    }

    #[test]
    fn pretty_printing_a_golden_file_reproduces_it() {
        let files = reference_files("expected");
        for path in &files {
            let text = golden_text(path);
            let value = parse_value(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let printed = to_pretty_string(&value);
            assert!(printed == text, "{}: pretty form differs", path.display());
        }
        eprintln!("{} golden files round-tripped", files.len());
    }

    #[test]
    fn every_original_response_parses() {
        for path in reference_files("original") {
            let bytes = std::fs::read(&path).expect("readable");
            let text = validate_utf8(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let values: Vec<Value> = parse_values(text)
                .map(|r| r.unwrap_or_else(|e| panic!("{}: {e}", path.display())))
                .collect();
            assert!(!values.is_empty(), "{}: no value", path.display());
        }
    }

    fn scalar() -> impl Strategy<Value = Value<'static>> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::Int),
            "-?[1-9][0-9]{19,40}".prop_map(|s| Value::BigInt(Cow::Owned(s))),
            any::<f64>()
                .prop_filter("finite", |x| x.is_finite())
                .prop_map(Value::Double),
            any::<String>().prop_map(Value::string),
        ]
    }

    fn tree() -> impl Strategy<Value = Value<'static>> {
        scalar().prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((any::<String>(), inner), 0..6).prop_map(|members| {
                    Value::Object(
                        members
                            .into_iter()
                            .map(|(k, v)| (Cow::Owned(k), v))
                            .collect(),
                    )
                }),
            ]
        })
    }

    proptest! {
        #[test]
        fn every_writer_output_parses_back_to_the_same_tree(value in tree()) {
            for text in [
                to_compact_string(&value),
                to_smart_string(&value),
                to_pretty_string(&value),
            ] {
                let parsed = parse_value(&text);
                prop_assert_eq!(parsed.as_ref(), Ok(&value), "{}", text);
            }
        }

        #[test]
        fn compact_output_is_stable_under_reparsing(value in tree()) {
            let once = to_compact_string(&value);
            let again = parse_value(&once).map(|v| to_compact_string(&v));
            prop_assert_eq!(again, Ok(once));
        }
    }
}
