//! What a path selects in a document, found the way Jayway JsonPath 2.9.0 evaluates its
//! tokens (§6.3): definite-path errors, the deep scan's all-names rule, filters that test an
//! object itself, and the multi-name merge at the leaf.

use std::collections::{HashMap, HashSet};
use std::fmt;

use foldhash::fast::FixedState;

use super::ast::{Filter, Selector, Step};
use super::filter;
use crate::json::Value;

/// One place in a document: the way from the root, as Jayway's path references record it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    pub segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// An object member.
    Key(String),
    /// An array element.
    Index(usize),
    /// Several members of one object at once: a multi-name leaf `['a','b']` (§6.3.2). Only
    /// ever the last segment.
    Keys(Vec<String>),
}

impl Location {
    pub fn root() -> Location {
        Location {
            segments: Vec::new(),
        }
    }

    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }

    /// The last object member on the way, and the segments before it: where an augment puts
    /// its key (§2.13). For `$['a'][0]` that is member `a` of the root. `None` when no single
    /// member is named (the root, an array at the root, a multi-name leaf).
    pub fn last_member(&self) -> Option<(&[Segment], &str)> {
        if let Some(Segment::Keys(_)) = self.segments.last() {
            return None;
        }
        let at = self
            .segments
            .iter()
            .rposition(|s| matches!(s, Segment::Key(_)))?;
        match &self.segments[at] {
            Segment::Key(k) => Some((&self.segments[..at], k)),
            _ => None,
        }
    }

    /// Whether `self` lies strictly inside the value at `other`.
    pub fn is_inside(&self, other: &Location) -> bool {
        self.segments.len() > other.segments.len()
            && self.segments[..other.segments.len()] == other.segments[..]
    }
}

/// Jayway's text of a location (its "path list" entry, §2.13): `$['a'][0]['b']`, and
/// `$['a', 'b']` for a multi-name leaf. Names are written as they are, without escaping.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("$")?;
        for segment in &self.segments {
            match segment {
                Segment::Key(k) => write!(f, "['{k}']")?,
                Segment::Index(i) => write!(f, "[{i}]")?,
                Segment::Keys(keys) => {
                    f.write_str("[")?;
                    for (i, k) in keys.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        write!(f, "'{k}'")?;
                    }
                    f.write_str("]")?;
                }
            }
        }
        Ok(())
    }
}

/// The value found at a location.
#[derive(Debug, Clone, PartialEq)]
pub enum Selected<'v, 'a> {
    Value(&'v Value<'a>),
    /// A multi-name leaf: the listed members that exist, merged into one object in the order
    /// listed (a name listed twice appears once).
    Members(Vec<(&'v str, &'v Value<'a>)>),
}

impl<'a> Selected<'_, 'a> {
    /// The value as an owned tree (a multi-name leaf as an object).
    pub fn to_value(&self) -> Value<'a> {
        match self {
            Selected::Value(v) => (*v).clone(),
            Selected::Members(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, v)| (std::borrow::Cow::Owned((*k).to_owned()), (*v).clone()))
                    .collect(),
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Found<'v, 'a> {
    pub location: Location,
    pub value: Selected<'v, 'a>,
}

/// Why evaluation stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stop {
    /// Jayway's PathNotFoundException: a missing member below a definite path.
    NotFound,
    /// Any other exception (a filter on a primitive below a definite path), and the location
    /// of the value it met.
    Fatal(String, Location),
}

/// Every match of `steps` evaluated from `start`, in Jayway's order (not sorted, repeats
/// kept). `root` is what `$` means inside filters. With `require_properties` (Jayway's
/// REQUIRE_PROPERTIES option, used for existence tests) any missing member stops with
/// `NotFound`.
pub(crate) fn select<'v, 'a>(
    steps: &[Step],
    start: &'v Value<'a>,
    root: &'v Value<'a>,
    require_properties: bool,
) -> Result<Vec<Found<'v, 'a>>, Stop> {
    select_with(steps, start, root, require_properties, false)
}

/// [`select`] without the repeats that a deep scan after another makes by scanning again what
/// an earlier match's scan went through (`$..a..b` on nested `a`s): the first occurrence of
/// each match keeps its place, and the same error stops the walk first. The repeats grow with
/// the cube of the depth, in time and memory; callers that keep distinct matches only (the
/// updates of a path, an existence test) take this form.
pub(crate) fn select_distinct<'v, 'a>(
    steps: &[Step],
    start: &'v Value<'a>,
    root: &'v Value<'a>,
    require_properties: bool,
) -> Result<Vec<Found<'v, 'a>>, Stop> {
    select_with(steps, start, root, require_properties, true)
}

/// Every match of `steps` from `start` as Jayway finds them, repeats included (§6.3.12), with
/// each location once: the distinct matches in the order of their first occurrence, and the
/// sequence of all matches as indexes into them. Repeats are found by walking again, as
/// Jayway does, which takes time growing with a power of the depth for nested deep scans
/// (`$..a..a..b`); past `budget` steps down the document the walk stops with a fatal error.
pub(crate) fn select_counted<'v, 'a>(
    steps: &[Step],
    start: &'v Value<'a>,
    root: &'v Value<'a>,
    budget: u64,
) -> Result<Counted<'v, 'a>, Stop> {
    let tokens = tokens(steps);
    let mut walker = Walker::new(&tokens, root, false);
    walker.counter = Some(Counter {
        ids: HashMap::default(),
        stack: vec![0],
        first: HashMap::default(),
        sequence: Vec::new(),
        budget,
    });
    walker.start(start)?;
    let sequence = walker.counter.map_or_else(Vec::new, |c| c.sequence);
    Ok(Counted {
        found: walker.found,
        sequence,
    })
}

/// What [`select_counted`] found.
#[derive(Debug)]
pub(crate) struct Counted<'v, 'a> {
    /// The distinct matches, in the order of their first occurrence.
    pub found: Vec<Found<'v, 'a>>,
    /// Every match in evaluation order, as an index into `found`.
    pub sequence: Vec<usize>,
}

/// The steps down the document that [`select_counted`] takes at most in one walk: far beyond
/// what repeats in a response need (a `b` below each of 1,000 nested `a`s takes about half a
/// million for `$..a..b`), and a few seconds at most.
pub(crate) const REPEAT_BUDGET: u64 = 20_000_000;

fn select_with<'v, 'a>(
    steps: &[Step],
    start: &'v Value<'a>,
    root: &'v Value<'a>,
    require_properties: bool,
    distinct: bool,
) -> Result<Vec<Found<'v, 'a>>, Stop> {
    let tokens = tokens(steps);
    let mut walker = Walker::new(&tokens, root, require_properties);
    // Only a scan after another scans anything twice.
    if distinct
        && tokens
            .iter()
            .filter(|t| matches!(t.kind, Kind::Scan))
            .count()
            > 1
    {
        walker.scanned = Some(HashSet::new());
    }
    walker.start(start)?;
    Ok(walker.found)
}

/// A Jayway token: the steps of the syntax tree with each descendant step split into the scan
/// and the selector after it.
#[derive(Debug, Clone, Copy)]
struct Token<'p> {
    kind: Kind<'p>,
    leaf: bool,
    definite: bool,
    upstream_definite: bool,
}

#[derive(Debug, Clone, Copy)]
enum Kind<'p> {
    Scan,
    Names(&'p [String]),
    Wildcard,
    Indexes(&'p [i64]),
    Slice(Option<i64>, Option<i64>),
    Filter(&'p Filter),
}

fn tokens(steps: &[Step]) -> Vec<Token<'_>> {
    let mut kinds = Vec::with_capacity(steps.len() + 2);
    for step in steps {
        if step.is_descendant() {
            kinds.push(Kind::Scan);
        }
        kinds.push(match step.selector() {
            Selector::Name(n) => Kind::Names(std::slice::from_ref(n)),
            Selector::Names(ns) => Kind::Names(ns),
            Selector::Wildcard => Kind::Wildcard,
            Selector::Indexes(ix) => Kind::Indexes(ix),
            Selector::Slice { start, end } => Kind::Slice(*start, *end),
            Selector::Filter(f) => Kind::Filter(f),
        });
    }
    let n = kinds.len();
    let mut upstream_definite = true;
    kinds
        .into_iter()
        .enumerate()
        .map(|(i, kind)| {
            let leaf = i + 1 == n;
            let definite = match kind {
                Kind::Names(names) => names.len() == 1 || leaf,
                Kind::Indexes(ix) => ix.len() == 1,
                Kind::Scan | Kind::Wildcard | Kind::Slice(..) | Kind::Filter(_) => false,
            };
            let token = Token {
                kind,
                leaf,
                definite,
                upstream_definite,
            };
            upstream_definite &= definite;
            token
        })
        .collect()
}

/// A location segment while walking, borrowing keys from the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Seg<'v> {
    Key(&'v str),
    Index(usize),
}

struct Walker<'t, 'p, 'v, 'a> {
    tokens: &'t [Token<'p>],
    root: &'v Value<'a>,
    require_properties: bool,
    found: Vec<Found<'v, 'a>>,
    location: Vec<Seg<'v>>,
    /// For [`select_distinct`]: the containers each scan token has gone through, by token and
    /// address. A container's place is one, so scanning it again finds only repeats.
    scanned: Option<HashSet<(usize, *const Value<'a>)>>,
    /// For [`select_counted`].
    counter: Option<Counter<'v>>,
}

/// The places a counting walk has been to, numbered so that a repeated match is known
/// without building its location again.
struct Counter<'v> {
    /// The number of each place by the number of its parent and its segment (`None`: the
    /// members of a multi-name leaf); the start is 0.
    ids: HashMap<(usize, Option<Seg<'v>>), usize, FixedState>,
    /// The number of each place on the way to the current location, the start first.
    stack: Vec<usize>,
    /// The index in `found` of each place matched, by number.
    first: HashMap<usize, usize, FixedState>,
    sequence: Vec<usize>,
    /// The steps down the document left.
    budget: u64,
}

impl<'v> Counter<'v> {
    /// The number of the place `seg` below the current one.
    fn child(&mut self, seg: Option<Seg<'v>>) -> usize {
        let parent = self.stack.last().copied().unwrap_or(0);
        let next = self.ids.len() + 1;
        *self.ids.entry((parent, seg)).or_insert(next)
    }
}

const TOO_MANY_REPEATS: &str = "the path reaches the places below here again and again \
     through nested deep scans, more often than can be done (the reference updates a place \
     once for each time it is reached); write it with one deep scan, as P002's help for it \
     shows";

impl<'t, 'p, 'v, 'a> Walker<'t, 'p, 'v, 'a> {
    fn new(tokens: &'t [Token<'p>], root: &'v Value<'a>, require_properties: bool) -> Self {
        Walker {
            tokens,
            root,
            require_properties,
            found: Vec::new(),
            location: Vec::new(),
            scanned: None,
            counter: None,
        }
    }

    fn start(&mut self, start: &'v Value<'a>) -> Result<(), Stop> {
        if self.tokens.is_empty() {
            self.add(start);
            Ok(())
        } else {
            self.eval(0, start)
        }
    }

    /// Goes one level down, to `seg`.
    fn push(&mut self, seg: Seg<'v>) -> Result<(), Stop> {
        if let Some(counter) = &mut self.counter {
            if counter.budget == 0 {
                return Err(Stop::Fatal(TOO_MANY_REPEATS.to_owned(), self.location()));
            }
            counter.budget -= 1;
            let id = counter.child(Some(seg));
            counter.stack.push(id);
        }
        self.location.push(seg);
        Ok(())
    }

    fn pop(&mut self) {
        self.location.pop();
        if let Some(counter) = &mut self.counter {
            counter.stack.pop();
        }
    }

    /// In a counting walk, records a match at the current location (`members`: the members
    /// of a multi-name leaf there); false when it repeats an earlier one.
    fn first_time(&mut self, members: bool) -> bool {
        let Some(counter) = &mut self.counter else {
            return true;
        };
        let id = if members {
            counter.child(None)
        } else {
            counter.stack.last().copied().unwrap_or(0)
        };
        let index = *counter.first.entry(id).or_insert(self.found.len());
        counter.sequence.push(index);
        index == self.found.len()
    }

    fn location(&self) -> Location {
        Location {
            segments: self
                .location
                .iter()
                .map(|s| match *s {
                    Seg::Key(k) => Segment::Key(k.to_owned()),
                    Seg::Index(i) => Segment::Index(i),
                })
                .collect(),
        }
    }

    fn add(&mut self, value: &'v Value<'a>) {
        if !self.first_time(false) {
            return;
        }
        let location = self.location();
        self.found.push(Found {
            location,
            value: Selected::Value(value),
        });
    }

    /// Token `t` has matched `value` at the current location: record it or go on.
    fn hit(&mut self, t: usize, value: &'v Value<'a>) -> Result<(), Stop> {
        if self.tokens[t].leaf {
            self.add(value);
            Ok(())
        } else {
            self.eval(t + 1, value)
        }
    }

    /// `hit` one level down.
    fn hit_at(&mut self, t: usize, seg: Seg<'v>, value: &'v Value<'a>) -> Result<(), Stop> {
        self.push(seg)?;
        let r = self.hit(t, value);
        self.pop();
        r
    }

    /// Evaluates token `t` on `model`, the value at the current location.
    fn eval(&mut self, t: usize, model: &'v Value<'a>) -> Result<(), Stop> {
        let token = self.tokens[t];
        match token.kind {
            Kind::Scan => self.walk(t + 1, model),
            Kind::Names(names) => self.property(t, names, model),
            Kind::Wildcard => match model {
                Value::Object(map) => {
                    for (k, v) in map.iter() {
                        self.hit_at(t, Seg::Key(k), v)?;
                    }
                    Ok(())
                }
                Value::Array(items) => {
                    for (i, v) in items.iter().enumerate() {
                        self.hit_at(t, Seg::Index(i), v)?;
                    }
                    Ok(())
                }
                _ => Ok(()),
            },
            Kind::Indexes(indexes) => {
                let Value::Array(items) = model else {
                    return Self::not_an(token);
                };
                for &index in indexes {
                    if let Some(i) = effective_index(index, items.len()) {
                        self.hit_at(t, Seg::Index(i), &items[i])?;
                    }
                }
                Ok(())
            }
            Kind::Slice(start, end) => {
                let Value::Array(items) = model else {
                    return Self::not_an(token);
                };
                for i in slice_range(start, end, items.len()) {
                    self.hit_at(t, Seg::Index(i), &items[i])?;
                }
                Ok(())
            }
            Kind::Filter(f) => match model {
                // A filter on an object tests the object itself (§6.3.6).
                Value::Object(_) => {
                    if filter::test(f, model, self.root) {
                        self.hit(t, model)?;
                    }
                    Ok(())
                }
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        if filter::test(f, item, self.root) {
                            self.hit_at(t, Seg::Index(i), item)?;
                        }
                    }
                    Ok(())
                }
                // §6.3.8: fatal below a definite path, ignored otherwise.
                _ if token.upstream_definite => Err(Stop::Fatal(
                    format!(
                        "a filter cannot be applied to a {} value; only arrays and objects can be filtered",
                        model.type_name()
                    ),
                    self.location(),
                )),
                _ => Ok(()),
            },
        }
    }

    /// A name or index token met a value of the wrong kind.
    fn not_an(token: Token<'_>) -> Result<(), Stop> {
        if token.upstream_definite {
            Err(Stop::NotFound)
        } else {
            Ok(())
        }
    }

    fn property(&mut self, t: usize, names: &[String], model: &'v Value<'a>) -> Result<(), Stop> {
        let token = self.tokens[t];
        let Value::Object(map) = model else {
            return Self::not_an(token);
        };
        if names.len() > 1 && token.leaf {
            // The merge case: one result holding every listed member that exists (§6.3.2).
            let mut members: Vec<(&'v str, &'v Value<'a>)> = Vec::new();
            for name in names {
                match map.entries().iter().find(|(k, _)| k == name) {
                    Some((k, v)) => {
                        if !members.iter().any(|(m, _)| m == k) {
                            members.push((k, v));
                        }
                    }
                    None => {
                        if self.require_properties {
                            return Err(Stop::NotFound);
                        }
                    }
                }
            }
            if !self.first_time(true) {
                return Ok(());
            }
            let mut location = self.location();
            location.segments.push(Segment::Keys(names.to_vec()));
            self.found.push(Found {
                location,
                value: Selected::Members(members),
            });
            return Ok(());
        }
        for name in names {
            if let Some((k, v)) = map.entries().iter().find(|(k, _)| k == name) {
                self.hit_at(t, Seg::Key(k), v)?;
            } else {
                let fails = if token.leaf {
                    self.require_properties
                } else {
                    (token.upstream_definite && token.definite) || self.require_properties
                };
                if fails {
                    return Err(Stop::NotFound);
                }
            }
        }
        Ok(())
    }

    /// Jayway's deep scan: `model` and everything below it, pre-order, trying token `t` on
    /// every object and array its scan predicate accepts (§6.3.5).
    fn walk(&mut self, t: usize, model: &'v Value<'a>) -> Result<(), Stop> {
        if let Some(scanned) = &mut self.scanned
            && !scanned.insert((t, std::ptr::from_ref(model)))
        {
            return Ok(());
        }
        match model {
            Value::Object(map) => {
                if self.scan_accepts(t, model) {
                    self.eval(t, model)?;
                }
                for (k, v) in map.iter() {
                    if v.is_container() {
                        self.push(Seg::Key(k))?;
                        let r = self.walk(t, v);
                        self.pop();
                        r?;
                    }
                }
            }
            Value::Array(items) => {
                // A non-leaf token reaches the array's elements here too. Jayway routes that
                // through state kept on the compiled path (§6.5), which drops or keeps
                // results depending on earlier documents; evaluated statelessly the token
                // simply applies to the array, as it does for a leaf token.
                if self.scan_accepts(t, model) {
                    self.eval(t, model)?;
                }
                for (i, v) in items.iter().enumerate() {
                    if v.is_container() {
                        self.push(Seg::Index(i))?;
                        let r = self.walk(t, v);
                        self.pop();
                        r?;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Whether the scan hands `model` (an object or array) to token `t`.
    fn scan_accepts(&self, t: usize, model: &'v Value<'a>) -> bool {
        let token = self.tokens[t];
        match token.kind {
            // §6.3.3: a single name, or several names at the leaf, need an object holding
            // all of them; several names before the leaf take any object (§6.3.4).
            Kind::Names(names) => match model {
                Value::Object(map) => !token.definite || names.iter().all(|n| map.contains_key(n)),
                _ => false,
            },
            Kind::Wildcard => true,
            Kind::Indexes(_) | Kind::Slice(..) => matches!(model, Value::Array(_)),
            Kind::Filter(f) => filter::test(f, model, self.root),
            Kind::Scan => false,
        }
    }
}

/// The element an index selects in an array of `len`; a negative index counts from the end.
pub(crate) fn effective_index(index: i64, len: usize) -> Option<usize> {
    let len = len as i64;
    let i = if index < 0 { len + index } else { index };
    (0..len).contains(&i).then_some(i as usize)
}

/// The indexes a slice selects, ascending, clamped to the array; negative bounds count from
/// the end.
pub(crate) fn slice_range(
    start: Option<i64>,
    end: Option<i64>,
    len: usize,
) -> std::ops::Range<usize> {
    let len = len as i64;
    let bound = |b: i64| if b < 0 { (len + b).max(0) } else { b.min(len) };
    let from = start.map_or(0, bound);
    let to = end.map_or(len, bound);
    if from >= to {
        0..0
    } else {
        from as usize..to as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_clamp_and_count_negative_bounds_from_the_end() {
        assert_eq!(slice_range(Some(1), Some(3), 5), 1..3);
        assert_eq!(slice_range(None, Some(2), 5), 0..2);
        assert_eq!(slice_range(Some(-2), None, 5), 3..5);
        assert_eq!(slice_range(Some(-9), Some(99), 3), 0..3);
        assert_eq!(slice_range(Some(3), Some(1), 5), 0..0);
        assert_eq!(slice_range(None, Some(-1), 4), 0..3);
    }

    #[test]
    fn distinct_selection_keeps_the_first_occurrences_in_order() {
        let mut chain = serde_json::json!({"b": 1});
        for i in 0..40 {
            chain = serde_json::json!({"a": chain, "l": [{"a": {"b": i}}, [{"b": 2}]], "b": 0});
        }
        let doc = Value::from(&chain);
        for path in [
            "$..a..a",
            "$..a..b",
            "$..[*]..a",
            "$..a[*]..b",
            "$..*..*",
            "$..a..l[0]",
        ] {
            let steps = crate::jsonpath::parse(path).expect("parses").steps;
            let all = select(&steps, &doc, &doc, false).expect("selects");
            let mut seen = std::collections::HashSet::new();
            let first: Vec<String> = all
                .iter()
                .filter(|f| seen.insert(f.location.clone()))
                .map(|f| f.location.to_string())
                .collect();
            let distinct: Vec<String> = select_distinct(&steps, &doc, &doc, false)
                .expect("selects")
                .iter()
                .map(|f| f.location.to_string())
                .collect();
            assert!(all.len() > first.len(), "{path}: the scan repeats");
            assert_eq!(distinct, first, "{path}");
        }
    }

    /// A path of up to four steps from `picks`, and a document of nested `a`s and `b`s.
    fn path_and_document() -> impl proptest::strategy::Strategy<Value = (String, Value<'static>)> {
        use proptest::prelude::*;
        const STEPS: &[&str] = &[
            ".a",
            ".b",
            "..a",
            "..[0]",
            "..[0:2]",
            "..[*]",
            "..b",
            "[*]",
            "..*",
            "[0]",
            "[-1]",
            "[0,1]",
            "[1,-1]",
            "[0,0]",
            "['a','b']",
            "['a','a']",
            "..['a','b']",
            "[0:2]",
            "[?(@.a)]",
            "..[?(@.b)]",
            "..[?(@.a != 1)]",
        ];
        let leaf = prop_oneof![Just(serde_json::json!(1)), Just(serde_json::json!("x"))];
        let doc = leaf.prop_recursive(6, 60, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
                prop::collection::vec((prop::sample::select(vec!["a", "b"]), inner), 0..3)
                    .prop_map(|members| {
                        serde_json::Value::Object(
                            members
                                .into_iter()
                                .map(|(k, v)| (k.to_owned(), v))
                                .collect(),
                        )
                    }),
            ]
        });
        (
            prop::collection::vec(prop::sample::select(STEPS), 1..5),
            doc.prop_map(|d| Value::from(&serde_json::json!({"a": d, "b": [{"a": 1}]}))),
        )
            .prop_map(|(steps, doc)| (format!("${}", steps.concat()), doc))
    }

    proptest::proptest! {
        /// The counting walk finds what the plain one does: the same matches in the same
        /// order, each location kept once with the sequence of repeats; and a path that
        /// `may_select_again` says reaches each place once has no repeats, unless a filter
        /// follows a scan, whose repeats are not updates (§6.5).
        #[test]
        fn counting_agrees_with_the_plain_walk((text, doc) in path_and_document()) {
            let path = crate::jsonpath::parse(&text).expect("parses");
            let all = select(&path.steps, &doc, &doc, false);
            let counted = select_counted(&path.steps, &doc, &doc, REPEAT_BUDGET);
            match (all, counted) {
                (Ok(all), Ok(counted)) => {
                    let replayed: Vec<&Location> = counted
                        .sequence
                        .iter()
                        .map(|&i| &counted.found[i].location)
                        .collect();
                    let plain: Vec<&Location> = all.iter().map(|f| &f.location).collect();
                    proptest::prop_assert_eq!(&replayed, &plain, "{}", text);
                    let distinct: std::collections::HashSet<&Location> =
                        plain.iter().copied().collect();
                    proptest::prop_assert_eq!(distinct.len(), counted.found.len());
                    if !path.may_select_again() && !path.scans_into_filter() {
                        proptest::prop_assert_eq!(plain.len(), distinct.len(), "{}", text);
                    }
                }
                (Err(a), Err(b)) => proptest::prop_assert_eq!(a, b),
                (a, b) => proptest::prop_assert!(false, "{text}: {a:?} but {b:?}"),
            }
        }
    }

    #[test]
    fn counting_stops_at_its_budget_with_a_fatal_error() {
        let mut chain = serde_json::json!({"b": "x"});
        for _ in 0..60 {
            chain = serde_json::json!({"a": chain});
        }
        let doc = Value::from(&chain);
        let steps = crate::jsonpath::parse("$..a..a..b").expect("parses").steps;
        let counted = select_counted(&steps, &doc, &doc, 1_000_000).expect("within budget");
        // The `b` lies below 60 nested `a`s: reached once for each pair of them.
        assert_eq!(counted.found.len(), 1);
        assert_eq!(counted.sequence.len(), 60 * 59 / 2);
        let Err(Stop::Fatal(message, at)) = select_counted(&steps, &doc, &doc, 1_000) else {
            panic!("the walk should stop");
        };
        assert!(message.contains("nested deep scans"), "{message}");
        assert!(!at.is_root(), "located where the budget ran out");
    }

    #[test]
    fn negative_index_counts_from_the_end_and_out_of_range_is_none() {
        assert_eq!(effective_index(-1, 3), Some(2));
        assert_eq!(effective_index(-4, 3), None);
        assert_eq!(effective_index(3, 3), None);
    }

    #[test]
    fn location_text_is_jayways_path_list_form() {
        let loc = Location {
            segments: vec![
                Segment::Key("a".into()),
                Segment::Index(0),
                Segment::Keys(vec!["b".into(), "c".into()]),
            ],
        };
        assert_eq!(loc.to_string(), "$['a'][0]['b', 'c']");
        assert_eq!(Location::root().to_string(), "$");
    }

    #[test]
    fn last_member_skips_trailing_indexes() {
        let loc = Location {
            segments: vec![
                Segment::Key("a".into()),
                Segment::Index(0),
                Segment::Key("b".into()),
                Segment::Index(2),
            ],
        };
        let (parent, key) = loc.last_member().expect("has a member");
        assert_eq!(key, "b");
        assert_eq!(parent, &[Segment::Key("a".into()), Segment::Index(0)]);
        assert_eq!(Location::root().last_member(), None);
        let multi = Location {
            segments: vec![Segment::Keys(vec!["x".into(), "y".into()])],
        };
        assert_eq!(multi.last_member(), None);
    }
}
