//! The compiled plan against the naive engine on generated documents and rule sets: both fail,
//! or both succeed with byte-identical output and the same match counts. The plan runs twice:
//! on one thread, and with every array it may split walked in two halves on two threads.
//!
//! `PROPTEST_CASES` sets the number of cases per property (default 2,000).

use std::borrow::Cow;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use psoxy_rules::json::{Value, to_compact_string};
use psoxy_rules::jsonpath::parse;
use psoxy_rules::plan::{Action, MapError, Mapper, Split, TransformSpec, compile, naive};

const KEYS: &[&str] = &["a", "b", "c", "id", "t"];

fn key() -> impl Strategy<Value = String> {
    prop::sample::select(KEYS).prop_map(str::to_owned)
}

fn scalar() -> impl Strategy<Value = Value<'static>> {
    prop_oneof![
        4 => Just(Value::Null),
        4 => any::<bool>().prop_map(Value::Bool),
        4 => (-3i64..4).prop_map(Value::Int),
        4 => prop::sample::select(vec![0.5, 1.0, 2.0, -1.5]).prop_map(Value::Double),
        16 =>
        prop::sample::select(vec!["a", "x", "xa", "bot", "1", "1.0", "b", "a", "x"])
            .prop_map(Value::string),
        1 => Just(Value::string("fail")),
    ]
}

fn object(inner: impl Strategy<Value = Value<'static>>) -> impl Strategy<Value = Value<'static>> {
    prop::collection::vec((key(), inner), 0..6).prop_map(|members| {
        Value::Object(
            members
                .into_iter()
                .map(|(k, v)| (Cow::Owned(k), v))
                .collect(),
        )
    })
}

/// An object or array of up to about 80 values, mostly objects.
fn document() -> impl Strategy<Value = Value<'static>> {
    let tree = scalar().prop_recursive(5, 80, 6, |inner| {
        prop_oneof![
            2 => prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            3 => object(inner),
        ]
    });
    prop_oneof![
        6 => object(tree.clone()),
        1 => prop::collection::vec(tree, 0..5).prop_map(Value::Array),
    ]
}

fn quoted(k: &str) -> String {
    format!("'{k}'")
}

fn literal() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "'x'", "'a'", "'bot'", "1", "2", "'1'", "true", "null", "1.0",
    ])
    .prop_map(str::to_owned)
}

fn operand() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => key().prop_map(|k| format!("@.{k}")),
        1 => (key(), key()).prop_map(|(a, b)| format!("@.{a}.{b}")),
        1 => Just("@".to_owned()),
        1 => key().prop_map(|k| format!("@[0].{k}")),
        1 => key().prop_map(|k| format!("$.{k}")),
    ]
}

fn atom() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (operand(), prop::sample::select(vec!["==", "!=", "<", ">="]), literal())
            .prop_map(|(l, op, r)| format!("{l} {op} {r}")),
        1 => (operand(), operand()).prop_map(|(l, r)| format!("{l} == {r}")),
        1 => operand().prop_map(|l| format!("{l} =~ /x.*/")),
        1 => (operand(), prop::sample::select(vec!["in", "nin"]))
            .prop_map(|(l, op)| format!("{l} {op} ['a','x',1]")),
        2 => operand(),
    ]
}

fn filter() -> impl Strategy<Value = String> {
    atom().prop_recursive(2, 6, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} && {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} || {b}")),
            inner.prop_map(|a| format!("!({a})")),
        ]
    })
}

fn selector() -> impl Strategy<Value = (String, String)> {
    // (child form, form after `..`)
    prop_oneof![
        6 => key().prop_map(|k| (format!(".{k}"), k)),
        2 => prop::collection::vec(key(), 2..4).prop_map(|ks| {
            let names = ks.iter().map(|k| quoted(k)).collect::<Vec<_>>().join(",");
            (format!("[{names}]"), format!("[{names}]"))
        }),
        2 => Just(("[*]".to_owned(), "[*]".to_owned())),
        1 => Just((".*".to_owned(), "*".to_owned())),
        2 => prop::sample::select(vec!["[0]", "[1]", "[-1]", "[0,2]", "[1:]", "[:2]", "[-2:]", "[0:1]"])
            .prop_map(|s| (s.to_owned(), s.to_owned())),
        3 => filter().prop_map(|f| (format!("[?({f})]"), format!("[?({f})]"))),
    ]
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just(Vec::new()),
        60 => prop::collection::vec((selector(), prop::bool::weighted(0.35)), 1..4),
    ]
    .prop_map(steps_text)
}

/// A guard: mostly indefinite, so that it decides rather than fails (§2.0).
fn guard() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => path(),
        3 => (selector(), prop::collection::vec((selector(), prop::bool::weighted(0.3)), 0..2))
            .prop_map(|((_, after_scan), rest)| {
                format!("$..{after_scan}{}", &steps_text(rest)[1..])
            }),
    ]
}

fn steps_text(steps: Vec<((String, String), bool)>) -> String {
    {
        let mut text = String::from("$");
        for ((child, after_scan), scan) in steps {
            if scan {
                text.push_str("..");
                text.push_str(&after_scan);
            } else {
                text.push_str(&child);
            }
        }
        text
    }
}

#[derive(Debug, Clone)]
struct GenTransform {
    delete: bool,
    paths: Vec<String>,
    guard: Option<String>,
    abort: bool,
}

fn transform() -> impl Strategy<Value = GenTransform> {
    (
        prop::bool::weighted(0.35),
        prop::collection::vec(path(), 1..5),
        prop::option::weighted(0.15, guard()),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(delete, paths, guard, abort)| GenTransform {
            delete,
            paths,
            guard,
            abort: abort && !delete,
        })
}

fn specs(generated: &[GenTransform]) -> Vec<TransformSpec> {
    generated
        .iter()
        .map(|t| TransformSpec {
            action: if t.delete {
                Action::Delete
            } else {
                Action::Map
            },
            paths: t
                .paths
                .iter()
                .map(|p| parse(p).unwrap_or_else(|e| panic!("{p}: {e}")))
                .collect(),
            guard: t
                .guard
                .as_ref()
                .map(|g| parse(g).unwrap_or_else(|e| panic!("{g}: {e}"))),
            abort_stops_path: t.abort,
        })
        .collect()
}

/// Value functions of the test: scalar-producing or the container-producing mark; both fail
/// on the string "fail" and stop the path on strings starting with "x" in transforms that may.
/// With `split`, every array of two elements or more that the plan may split is split.
#[derive(Debug, Clone)]
struct TestMapper {
    mark: bool,
    may_abort: Vec<bool>,
    split: bool,
}

impl<'a> Mapper<'a> for TestMapper {
    type Error = String;

    fn map(&mut self, transform: usize, value: &mut Value<'a>) -> Result<(), MapError<String>> {
        if let Value::String(s) = value {
            if s == "fail" {
                return Err(MapError::Fail("fail".into()));
            }
            if self.may_abort[transform] && s.starts_with('x') {
                return Err(MapError::AbortPath);
            }
        }
        let old = std::mem::replace(value, Value::Null);
        *value = if self.mark {
            match old {
                Value::String(s) => Value::String(format!("~{s}").into()),
                other => Value::Object([(Cow::Borrowed("~"), other)].into_iter().collect()),
            }
        } else {
            match old {
                Value::String(s) => Value::String(format!("~{s}").into()),
                Value::Int(i) => Value::string(i.to_string()),
                Value::Double(d) => Value::string(format!("{d}")),
                Value::Bool(b) => Value::Bool(!b),
                Value::Array(_) | Value::Object(_) | Value::Null => Value::Null,
                big @ (Value::BigInt(_) | Value::Decimal(_)) => big,
            }
        };
        Ok(())
    }

    fn split(&mut self, elements: usize) -> Option<Split<'_, 'a, String>> {
        if !self.split || elements < 2 {
            return None;
        }
        let there = self.clone();
        Some(Split {
            here: Box::new(self.clone()),
            there: Box::new(move || {
                SPLITS.fetch_add(1, Ordering::Relaxed);
                Box::new(there)
            }),
        })
    }
}

/// Arrays walked in two halves, over all cases.
static SPLITS: AtomicUsize = AtomicUsize::new(0);

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000)
}

fn check(mark: bool) {
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (document(), prop::collection::vec(transform(), 1..7));
    let result = runner.run(&strategy, |(doc, generated)| {
        let transforms = specs(&generated);
        let may_abort: Vec<bool> = transforms.iter().map(|t| t.abort_stops_path).collect();
        let mut expected = doc.clone();
        let naive = naive::run(
            &transforms,
            &mut expected,
            &mut TestMapper {
                mark,
                may_abort: may_abort.clone(),
                split: false,
            },
        );
        let plan = compile(&transforms);
        for split in [false, true] {
            let mut got = doc.clone();
            let compiled = plan.run(
                &mut got,
                &mut TestMapper {
                    mark,
                    may_abort: may_abort.clone(),
                    split,
                },
            );
            match (&naive, &compiled) {
                (Err(_), Err(_)) => {}
                (Ok(a), Ok(b)) => {
                    prop_assert_eq!(
                        to_compact_string(&got),
                        to_compact_string(&expected),
                        "document {}\n{}",
                        to_compact_string(&doc),
                        plan.explain(&[])
                    );
                    prop_assert_eq!(a, b, "match counts\n{}", plan.explain(&[]));
                }
                _ => prop_assert!(
                    false,
                    "naive {:?} but plan {:?} on {}\n{}",
                    naive,
                    compiled,
                    to_compact_string(&doc),
                    plan.explain(&[])
                ),
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // The split walk must have been tried on a fair share of the cases.
    let splits = SPLITS.load(Ordering::Relaxed);
    assert!(
        splits as u64 * 20 >= u64::from(cases()),
        "{splits} split arrays in {} cases",
        cases()
    );
}

#[test]
fn plan_equals_naive_with_a_scalar_value_function() {
    check(false);
}

#[test]
fn plan_equals_naive_with_the_container_making_mark_function() {
    check(true);
}
