//! The naive engine and oracle: each path applied on its own as the reference applies it with
//! Jayway 2.9.0 (§2.0, §6.3): collect every match, sort, then update. Stateless (§6.5); each
//! distinct location is acted on once per path.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashSet;
use std::convert::Infallible;

use crate::json::Value;
use crate::jsonpath::{self, Found, JsonPath, Stop};
pub use crate::jsonpath::{Location, Segment, Selected};

/// Why a path could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError<E> {
    /// A definite path that selects nothing (Jayway's PathNotFoundException). Transforms
    /// ignore it; an `applyOnlyWhen` guard fails the response on it (§2.0).
    #[error("the path does not exist in the document")]
    NotFound,
    /// An error that fails the whole response (§6.4). The message never quotes the document.
    #[error("{message}")]
    Fatal { message: String },
    /// The value function failed.
    #[error("{0}")]
    Transform(E),
}

impl EvalError<Infallible> {
    /// The same error, typed for a caller whose value function can fail.
    pub fn widen<E>(self) -> EvalError<E> {
        match self {
            EvalError::NotFound => EvalError::NotFound,
            EvalError::Fatal { message } => EvalError::Fatal { message },
            EvalError::Transform(never) => match never {},
        }
    }
}

impl<E> From<Stop> for EvalError<E> {
    fn from(stop: Stop) -> Self {
        match stop {
            Stop::NotFound => EvalError::NotFound,
            Stop::Fatal(message) => EvalError::Fatal { message },
        }
    }
}

fn fatal<E>(message: &str) -> EvalError<E> {
    EvalError::Fatal {
        message: message.to_owned(),
    }
}

/// Replaces every value `path` selects by `f(value)`, in place (§2.0 step 2). A key keeps its
/// position and an element its index.
pub fn map_path<'a, E>(
    path: &JsonPath,
    doc: &mut Value<'a>,
    f: &mut dyn FnMut(Value<'a>) -> Result<Value<'a>, E>,
) -> Result<(), EvalError<E>> {
    let locations = update_locations(path, doc).map_err(EvalError::widen)?;
    apply(doc, locations, Update::Map(f))
}

/// Deletes every location `path` selects: object members are removed, array elements removed
/// with the later ones shifting down (§2.1).
pub fn delete_path(path: &JsonPath, doc: &mut Value<'_>) -> Result<(), EvalError<Infallible>> {
    let locations = update_locations(path, doc)?;
    apply(doc, locations, Update::Delete)
}

/// What a read of a path returns.
#[derive(Debug, Clone, PartialEq)]
pub enum ReadResult<'v, 'a> {
    /// An indefinite path: every match, in evaluation order.
    List(Vec<Selected<'v, 'a>>),
    /// A definite path: its one value.
    Definite(Selected<'v, 'a>),
}

impl ReadResult<'_, '_> {
    /// The `applyOnlyWhen` decision (§2.0): apply when the result is a non-empty list. A
    /// definite path whose value is not an array fails the response (Java's cast error).
    pub fn guard_passes(&self) -> Result<bool, EvalError<Infallible>> {
        match self {
            ReadResult::List(items) => Ok(!items.is_empty()),
            ReadResult::Definite(Selected::Value(Value::Array(items))) => Ok(!items.is_empty()),
            ReadResult::Definite(Selected::Value(v)) => Err(EvalError::Fatal {
                message: format!(
                    "applyOnlyWhen selects a single {} value, not a list",
                    v.type_name()
                ),
            }),
            ReadResult::Definite(Selected::Members(_)) => Err(fatal(
                "applyOnlyWhen selects a single object value, not a list",
            )),
        }
    }
}

/// Reads `path` as Jayway's `read` does (§2.0): a definite path gives its value or
/// `NotFound`; an indefinite one gives the list of matches.
pub fn read_path<'v, 'a>(
    path: &JsonPath,
    doc: &'v Value<'a>,
) -> Result<ReadResult<'v, 'a>, EvalError<Infallible>> {
    let found = distinct(find(path, doc)?);
    if path.is_definite() {
        found
            .into_iter()
            .last()
            .map(|f| ReadResult::Definite(f.value))
            .ok_or(EvalError::NotFound)
    } else {
        Ok(ReadResult::List(
            found.into_iter().map(|f| f.value).collect(),
        ))
    }
}

/// The locations `path` selects, in evaluation order, as augments use them (§2.13); print one
/// for Jayway's text, such as `$['a'][0]['b']`.
pub fn concrete_paths(
    path: &JsonPath,
    doc: &Value<'_>,
) -> Result<Vec<Location>, EvalError<Infallible>> {
    let found = distinct(find(path, doc)?);
    if found.is_empty() && path.is_definite() {
        return Err(EvalError::NotFound);
    }
    Ok(found.into_iter().map(|f| f.location).collect())
}

fn find<'v, 'a>(
    path: &JsonPath,
    doc: &'v Value<'a>,
) -> Result<Vec<Found<'v, 'a>>, EvalError<Infallible>> {
    // §6.4: Jayway rejects a null document before looking at the path.
    if doc.is_null() {
        return Err(fatal("a path cannot be applied to a null document"));
    }
    Ok(jsonpath::select(&path.steps, doc, doc, false)?)
}

/// Drops repeated locations, keeping the first.
fn distinct<'v, 'a>(found: Vec<Found<'v, 'a>>) -> Vec<Found<'v, 'a>> {
    let mut seen = HashSet::new();
    found
        .into_iter()
        .filter(|f| seen.insert(f.location.clone()))
        .collect()
}

/// The distinct locations to update, in the order Jayway applies them (§6.3.10).
fn update_locations(
    path: &JsonPath,
    doc: &Value<'_>,
) -> Result<Vec<Location>, EvalError<Infallible>> {
    let found = distinct(find(path, doc)?);
    if found.is_empty() && path.is_definite() {
        return Err(EvalError::NotFound);
    }
    let mut locations: Vec<Location> = found.into_iter().map(|f| f.location).collect();
    sort_like_jayway(&mut locations);
    Ok(locations)
}

enum Update<'f, 'a, E> {
    Map(&'f mut dyn FnMut(Value<'a>) -> Result<Value<'a>, E>),
    Delete,
}

/// Applies the updates in order. A location inside a value that an earlier update replaced
/// or removed belongs to the detached old value and is skipped; deleting an array element
/// moves the pending locations behind it down by one, as Jayway's references follow the
/// objects they point to.
fn apply<'a, E>(
    doc: &mut Value<'a>,
    locations: Vec<Location>,
    mut update: Update<'_, 'a, E>,
) -> Result<(), EvalError<E>> {
    let mut pending: Vec<Option<Location>> = locations.into_iter().map(Some).collect();
    for i in 0..pending.len() {
        let Some(location) = pending[i].take() else {
            continue;
        };
        let Some((last, parent_path)) = location.segments.split_last() else {
            // §6.3.11: Jayway's root reference refuses both operations.
            return Err(fatal(match update {
                Update::Map(_) => "the document root `$` cannot be transformed",
                Update::Delete => "the document root `$` cannot be redacted",
            }));
        };
        let Some(parent) = resolve_mut(doc, parent_path) else {
            continue;
        };
        let rest = &mut pending[i + 1..];
        match (last, &mut update) {
            (Segment::Key(key), Update::Map(f)) => {
                if let Some(slot) = parent.as_object_mut().and_then(|m| m.get_mut(key)) {
                    map_slot(slot, *f)?;
                    detach(rest, &location);
                }
            }
            (Segment::Key(key), Update::Delete) => {
                if let Some(m) = parent.as_object_mut() {
                    m.remove(key);
                    detach(rest, &location);
                }
            }
            (Segment::Index(index), Update::Map(f)) => {
                if let Some(slot) = parent.as_array_mut().and_then(|a| a.get_mut(*index)) {
                    map_slot(slot, *f)?;
                    detach(rest, &location);
                }
            }
            (Segment::Index(index), Update::Delete) => {
                if let Some(items) = parent.as_array_mut()
                    && *index < items.len()
                {
                    items.remove(*index);
                    shift(rest, parent_path, *index);
                }
            }
            (Segment::Keys(keys), update) => {
                let Some(m) = parent.as_object_mut() else {
                    continue;
                };
                let mut done: Vec<&str> = Vec::new();
                for key in keys {
                    if done.contains(&key.as_str()) {
                        continue;
                    }
                    done.push(key);
                    let member = Location {
                        segments: parent_path
                            .iter()
                            .cloned()
                            .chain([Segment::Key(key.clone())])
                            .collect(),
                    };
                    match update {
                        Update::Map(f) => {
                            if let Some(slot) = m.get_mut(key) {
                                map_slot(slot, *f)?;
                                detach(rest, &member);
                            }
                        }
                        Update::Delete => {
                            if m.remove(key).is_some() {
                                detach(rest, &member);
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

fn map_slot<'a, E>(
    slot: &mut Value<'a>,
    f: &mut dyn FnMut(Value<'a>) -> Result<Value<'a>, E>,
) -> Result<(), EvalError<E>> {
    let old = std::mem::replace(slot, Value::Null);
    *slot = f(old).map_err(EvalError::Transform)?;
    Ok(())
}

fn resolve_mut<'d, 'a>(doc: &'d mut Value<'a>, segments: &[Segment]) -> Option<&'d mut Value<'a>> {
    let mut v = doc;
    for segment in segments {
        v = match segment {
            Segment::Key(k) => v.as_object_mut()?.get_mut(k)?,
            Segment::Index(i) => v.as_array_mut()?.get_mut(*i)?,
            Segment::Keys(_) => return None,
        };
    }
    Some(v)
}

/// Forgets pending locations inside `changed`.
fn detach(pending: &mut [Option<Location>], changed: &Location) {
    for slot in pending {
        if slot.as_ref().is_some_and(|l| l.is_inside(changed)) {
            *slot = None;
        }
    }
}

/// Element `removed` of the array at `array` is gone: locations inside it are detached, and
/// those in later elements move down by one.
fn shift(pending: &mut [Option<Location>], array: &[Segment], removed: usize) {
    let depth = array.len();
    for slot in pending {
        let Some(l) = slot else { continue };
        if l.segments.len() <= depth || l.segments[..depth] != *array {
            continue;
        }
        if let Segment::Index(j) = &mut l.segments[depth] {
            match (*j).cmp(&removed) {
                Ordering::Equal => *slot = None,
                Ordering::Greater => *j -= 1,
                Ordering::Less => {}
            }
        }
    }
}

/// Jayway's `PathRef.compareTo`: two array references by index, descending; anything else by
/// the text of its accessor (key, index, `a&&b` for several keys, `$` for the root),
/// descending in Java `String` order.
fn jayway_order(a: &Location, b: &Location) -> Ordering {
    if let (Some(Segment::Index(i)), Some(Segment::Index(j))) =
        (a.segments.last(), b.segments.last())
    {
        return j.cmp(i);
    }
    let (x, y) = (accessor(a), accessor(b));
    y.encode_utf16().cmp(x.encode_utf16())
}

fn accessor(l: &Location) -> Cow<'_, str> {
    match l.segments.last() {
        None => Cow::Borrowed("$"),
        Some(Segment::Key(k)) => Cow::Borrowed(k),
        Some(Segment::Index(i)) => Cow::Owned(i.to_string()),
        Some(Segment::Keys(keys)) => Cow::Owned(keys.join("&&")),
    }
}

/// Sorts as Java's `List.sort` does with [`jayway_order`]. That order is inconsistent when
/// array and other references mix (index 10 < 9 by number, "9" < "10" by text), so the
/// algorithm matters: below 32 elements this is Java's exact algorithm (one run, then binary
/// insertion); above, a stable merge sort, which agrees with Java whenever the order is
/// consistent.
fn sort_like_jayway(v: &mut [Location]) {
    const JAVA_MIN_MERGE: usize = 32;
    if v.len() < 2 {
        return;
    }
    if v.len() < JAVA_MIN_MERGE {
        let run = count_run_and_make_ascending(v);
        binary_sort(v, run);
    } else {
        merge_sort(v);
    }
}

fn count_run_and_make_ascending(v: &mut [Location]) -> usize {
    let mut hi = 1;
    if v.len() == 1 {
        return 1;
    }
    hi += 1;
    if jayway_order(&v[1], &v[0]).is_lt() {
        while hi < v.len() && jayway_order(&v[hi], &v[hi - 1]).is_lt() {
            hi += 1;
        }
        v[..hi].reverse();
    } else {
        while hi < v.len() && jayway_order(&v[hi], &v[hi - 1]).is_ge() {
            hi += 1;
        }
    }
    hi
}

fn binary_sort(v: &mut [Location], sorted: usize) {
    for start in sorted..v.len() {
        let (mut left, mut right) = (0, start);
        while left < right {
            let mid = usize::midpoint(left, right);
            if jayway_order(&v[start], &v[mid]).is_lt() {
                right = mid;
            } else {
                left = mid + 1;
            }
        }
        v[left..=start].rotate_right(1);
    }
}

/// A stable merge sort that tolerates an inconsistent order (it never panics on one).
fn merge_sort(v: &mut [Location]) {
    if v.len() < 2 {
        return;
    }
    let mid = v.len() / 2;
    merge_sort(&mut v[..mid]);
    merge_sort(&mut v[mid..]);
    let mut merged = Vec::with_capacity(v.len());
    let (mut i, mut j) = (0, mid);
    while i < mid && j < v.len() {
        if jayway_order(&v[j], &v[i]).is_lt() {
            merged.push(v[j].clone());
            j += 1;
        } else {
            merged.push(v[i].clone());
            i += 1;
        }
    }
    merged.extend_from_slice(&v[i..mid]);
    merged.extend_from_slice(&v[j..]);
    v.clone_from_slice(&merged);
}

/// The declarative cases of `tests/data/jsonpath/` (see the README there), runnable against
/// any engine that maps and deletes by path.
#[cfg(test)]
pub(crate) mod cases {
    use std::convert::Infallible;

    use serde::Deserialize;

    use super::EvalError;
    use crate::json::Value;
    use crate::jsonpath::{self, JsonPath};

    pub(crate) const UPDATE_CASES: &str = include_str!("../../tests/data/jsonpath/update.json");
    pub(crate) const READ_CASES: &str = include_str!("../../tests/data/jsonpath/read.json");

    /// An engine under test: applies one path to a document.
    pub(crate) trait Engine {
        fn map(
            &self,
            path: &JsonPath,
            doc: &mut Value<'static>,
            f: &mut dyn FnMut(Value<'static>) -> Value<'static>,
        ) -> Result<(), EvalError<Infallible>>;

        fn delete(
            &self,
            path: &JsonPath,
            doc: &mut Value<'static>,
        ) -> Result<(), EvalError<Infallible>>;
    }

    #[derive(Debug, Deserialize)]
    #[serde(untagged)]
    pub(crate) enum Paths {
        One(String),
        Many(Vec<String>),
    }

    impl Paths {
        pub(crate) fn texts(&self) -> Vec<&str> {
            match self {
                Paths::One(p) => vec![p.as_str()],
                Paths::Many(ps) => ps.iter().map(String::as_str).collect(),
            }
        }
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(crate) struct Case {
        pub name: String,
        pub spec: String,
        pub op: String,
        pub path: Paths,
        pub doc: serde_json::Value,
        pub expect: Option<serde_json::Value>,
        pub error: Option<String>,
    }

    pub(crate) fn load(text: &str) -> Vec<Case> {
        serde_json::from_str(text).expect("case file is valid JSON")
    }

    /// The mark function of the cases: `"s"` becomes `"~s"`, anything else `{"~": v}`.
    pub(crate) fn mark(v: Value<'static>) -> Value<'static> {
        match v {
            Value::String(s) => Value::string(format!("~{s}")),
            other => Value::Object(
                [(std::borrow::Cow::Borrowed("~"), other)]
                    .into_iter()
                    .collect(),
            ),
        }
    }

    pub(crate) fn error_kind<E>(e: &EvalError<E>) -> &'static str {
        match e {
            EvalError::NotFound => "not_found",
            EvalError::Fatal { .. } => "fatal",
            EvalError::Transform(_) => "transform",
        }
    }

    /// Runs every map/delete case against `engine`; returns one line per failing case.
    pub(crate) fn run_update_cases(engine: &dyn Engine) -> Vec<String> {
        let mut failures = Vec::new();
        for case in load(UPDATE_CASES) {
            let mut doc = Value::from(&case.doc);
            let mut error: Option<&str> = None;
            for text in case.path.texts() {
                let path = match jsonpath::parse(text) {
                    Ok(p) => p,
                    Err(e) => {
                        failures.push(format!("{}: path {text} does not parse: {e}", case.name));
                        break;
                    }
                };
                let result = match case.op.as_str() {
                    "map" => engine.map(&path, &mut doc, &mut mark),
                    "delete" => engine.delete(&path, &mut doc),
                    other => {
                        failures.push(format!("{}: unknown op {other}", case.name));
                        break;
                    }
                };
                if let Err(e) = result {
                    error = error.or(Some(error_kind(&e)));
                    // Transforms go on after "not found"; anything else fails the response.
                    if !matches!(e, EvalError::NotFound) {
                        break;
                    }
                }
            }
            if error != case.error.as_deref() {
                failures.push(format!(
                    "{} (§{}): error {error:?}, expected {:?}",
                    case.name, case.spec, case.error
                ));
                continue;
            }
            if let Some(expect) = &case.expect {
                let expect = Value::from(expect);
                if doc != expect {
                    failures.push(format!(
                        "{} (§{}):\n  got      {doc:?}\n  expected {expect:?}",
                        case.name, case.spec
                    ));
                }
            }
        }
        failures
    }
}

#[cfg(test)]
mod tests {
    use super::cases::{self, Case, Engine};
    use super::*;
    use crate::jsonpath::parse;

    struct Naive;

    impl Engine for Naive {
        fn map(
            &self,
            path: &JsonPath,
            doc: &mut Value<'static>,
            f: &mut dyn FnMut(Value<'static>) -> Value<'static>,
        ) -> Result<(), EvalError<Infallible>> {
            map_path(path, doc, &mut |v| Ok::<_, Infallible>(f(v)))
        }

        fn delete(
            &self,
            path: &JsonPath,
            doc: &mut Value<'static>,
        ) -> Result<(), EvalError<Infallible>> {
            delete_path(path, doc)
        }
    }

    #[test]
    fn update_cases_pass() {
        let failures = cases::run_update_cases(&Naive);
        assert!(
            failures.is_empty(),
            "{} failing:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    /// An engine that changes nothing, to show the cases can fail.
    struct Inert;

    impl Engine for Inert {
        fn map(
            &self,
            _: &JsonPath,
            _: &mut Value<'static>,
            _: &mut dyn FnMut(Value<'static>) -> Value<'static>,
        ) -> Result<(), EvalError<Infallible>> {
            Ok(())
        }

        fn delete(
            &self,
            _: &JsonPath,
            _: &mut Value<'static>,
        ) -> Result<(), EvalError<Infallible>> {
            Ok(())
        }
    }

    #[test]
    fn update_cases_catch_an_engine_that_does_nothing() {
        let failures = cases::run_update_cases(&Inert);
        let total = cases::load(cases::UPDATE_CASES).len();
        // Only the cases whose expected document is unchanged and that expect no error pass.
        assert!(failures.len() > total / 2, "{} of {total}", failures.len());
    }

    fn run_read_case(case: &Case) -> Result<(), String> {
        let text = case.path.texts().join("");
        let path = parse(&text).map_err(|e| format!("does not parse: {e}"))?;
        let doc = Value::from(&case.doc);
        let got: Result<serde_json::Value, EvalError<Infallible>> = match case.op.as_str() {
            "read" => read_path(&path, &doc).map(|r| match r {
                ReadResult::List(items) => serde_json::json!({
                    "list": items.iter().map(|s| to_json(&s.to_value())).collect::<Vec<_>>()
                }),
                ReadResult::Definite(s) => serde_json::json!({ "value": to_json(&s.to_value()) }),
            }),
            "guard" => read_path(&path, &doc)
                .and_then(|r| r.guard_passes())
                .map(serde_json::Value::Bool),
            "paths" => concrete_paths(&path, &doc).map(|ls| {
                serde_json::Value::Array(ls.iter().map(|l| l.to_string().into()).collect())
            }),
            other => return Err(format!("unknown op {other}")),
        };
        match (got, &case.expect, case.error.as_deref()) {
            (Ok(v), Some(expect), None) if v == *expect => Ok(()),
            (Err(e), None, Some(kind)) if cases::error_kind(&e) == kind => Ok(()),
            (got, _, _) => Err(format!("got {got:?}")),
        }
    }

    fn to_json(v: &Value<'_>) -> serde_json::Value {
        match v {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => (*b).into(),
            Value::Int(i) => (*i).into(),
            Value::BigInt(s) => serde_json::Value::String(s.to_string()),
            Value::Double(d) => (*d).into(),
            Value::String(s) => s.to_string().into(),
            Value::Array(a) => a.iter().map(to_json).collect(),
            Value::Object(m) => serde_json::Value::Object(
                m.iter().map(|(k, v)| (k.to_string(), to_json(v))).collect(),
            ),
        }
    }

    fn doc(v: &serde_json::Value) -> Value<'static> {
        Value::from(v)
    }

    #[test]
    fn value_function_error_stops_and_is_returned() {
        let path = parse("$.l[*]").expect("test path parses");
        let mut d = doc(&serde_json::json!({"l": ["a", 1, "b"]}));
        let mut seen = Vec::new();
        let result = map_path(&path, &mut d, &mut |v| {
            seen.push(v.clone());
            match v {
                Value::String(_) => Ok(Value::Null),
                _ => Err("not a string"),
            }
        });
        assert_eq!(result, Err(EvalError::Transform("not a string")));
        // Elements are visited by descending index: "b", then 1, where it stops.
        assert_eq!(seen, vec![Value::string("b"), Value::Int(1)]);
    }

    #[test]
    fn fatal_messages_do_not_quote_the_document() {
        let path = parse("$.a[?(@.x == 'y')]").expect("test path parses");
        let mut d = doc(&serde_json::json!({"a": "secret-value"}));
        let Err(EvalError::Fatal { message }) = delete_path(&path, &mut d) else {
            panic!("expected a fatal error");
        };
        assert!(!message.contains("secret"), "{message}");
        assert!(message.contains("string"), "{message}");
    }

    #[test]
    fn widen_keeps_the_error() {
        let e: EvalError<String> = EvalError::<Infallible>::NotFound.widen();
        assert_eq!(e, EvalError::NotFound);
    }

    #[test]
    fn borrowed_strings_survive_a_map() {
        let text = String::from("kept");
        let mut d = Value::Array(vec![
            Value::String(Cow::Borrowed(&text)),
            Value::string("x"),
        ]);
        map_path(
            &parse("$[1]").expect("test path parses"),
            &mut d,
            &mut |_| Ok::<_, Infallible>(Value::Null),
        )
        .expect("map succeeds");
        assert_eq!(
            d,
            Value::Array(vec![Value::String(Cow::Borrowed("kept")), Value::Null])
        );
    }

    fn loc(segments: &[Segment]) -> Location {
        Location {
            segments: segments.to_vec(),
        }
    }

    #[test]
    fn jayway_order_puts_higher_indexes_and_later_keys_first() {
        let mut v = vec![
            loc(&[Segment::Index(2)]),
            loc(&[Segment::Index(10)]),
            loc(&[Segment::Index(9)]),
        ];
        sort_like_jayway(&mut v);
        assert_eq!(
            v,
            vec![
                loc(&[Segment::Index(10)]),
                loc(&[Segment::Index(9)]),
                loc(&[Segment::Index(2)])
            ]
        );
        let key = |k: &str| loc(&[Segment::Key(k.into())]);
        let mut v = vec![key("a"), key("c"), key("b"), key("c")];
        sort_like_jayway(&mut v);
        assert_eq!(v, vec![key("c"), key("c"), key("b"), key("a")]);
    }

    #[test]
    fn mixed_references_sort_without_panicking_at_any_length() {
        for n in [5, 31, 32, 100] {
            let mut v: Vec<Location> = (0..n)
                .map(|i| {
                    if i % 3 == 0 {
                        loc(&[Segment::Key(format!("{}", i % 7))])
                    } else {
                        loc(&[Segment::Index(i)])
                    }
                })
                .collect();
            sort_like_jayway(&mut v);
            assert_eq!(v.len(), n);
        }
    }

    #[test]
    fn read_cases_pass() {
        let failures: Vec<String> = cases::load(cases::READ_CASES)
            .iter()
            .filter_map(|c| {
                run_read_case(c)
                    .err()
                    .map(|e| format!("{} (§{}): {e}", c.name, c.spec))
            })
            .collect();
        assert!(
            failures.is_empty(),
            "{} failing:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
}
