//! The naive engine and oracle: each transform, each path, in order, applied on its own as the
//! reference applies it with Jayway 2.9.0 (§2.0, §6.3): collect every match, sort, then update.
//! Stateless (§6.5); a location that one path reaches several times is updated as many times
//! (§6.3.12).

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashSet;
use std::convert::Infallible;

use super::{
    Action, ExecError, ExecErrorKind, MapError, Mapper, RunStats, TransformSpec,
    push_pointer_segment,
};
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
            Stop::Fatal(message, _) => EvalError::Fatal { message },
        }
    }
}

fn fatal<E>(message: &str) -> EvalError<E> {
    EvalError::Fatal {
        message: message.to_owned(),
    }
}

/// Replaces every value `path` selects by what `f` makes of it, in place (§2.0 step 2). A key
/// keeps its position and an element its index. `MapError::AbortPath` from `f` stops the rest of
/// the path quietly, keeping the updates already made (§2.10). Returns the number of matches;
/// a path that selects nothing is [`EvalError::NotFound`], as in Jayway.
pub fn map_path<'a, E>(
    path: &JsonPath,
    doc: &mut Value<'a>,
    f: &mut dyn FnMut(&mut Value<'a>) -> Result<(), MapError<E>>,
) -> Result<u64, EvalError<E>> {
    update_path(path, doc, Update::Map(f)).map_err(|failure| failure.error)
}

/// Deletes every location `path` selects: object members are removed, array elements removed
/// with the later ones shifting down (§2.1). Returns the number of matches.
pub fn delete_path(path: &JsonPath, doc: &mut Value<'_>) -> Result<u64, EvalError<Infallible>> {
    update_path(path, doc, Update::Delete).map_err(|failure| failure.error)
}

/// Applies the transforms in order, each path on its own as the reference does (§2.0): the
/// guard first (a definite missing guard, or one that is not a list, fails the response), then
/// every path; "not found" is ignored, anything else stops everything.
pub fn run<'a, M: Mapper<'a>>(
    transforms: &[TransformSpec],
    doc: &mut Value<'a>,
    mapper: &mut M,
) -> Result<RunStats, ExecError<M::Error>> {
    let mut stats = RunStats::zeroed(transforms);
    for (t, spec) in transforms.iter().enumerate() {
        if !guard_allows(t, spec, doc)? {
            continue;
        }
        for p in 0..spec.paths.len() {
            stats.matches[t][p] = apply_rule(t, p, spec, doc, mapper)?;
        }
    }
    Ok(stats)
}

/// The `applyOnlyWhen` decision for transform `t` on the document as it is now (§2.0 step 1).
pub(crate) fn guard_allows<E>(
    t: usize,
    spec: &TransformSpec,
    doc: &Value<'_>,
) -> Result<bool, ExecError<E>> {
    let Some(guard) = &spec.guard else {
        return Ok(true);
    };
    match read_path(guard, doc).and_then(|r| r.guard_passes()) {
        Ok(passes) => Ok(passes),
        // Jayway reads an absent member before the first filter, wildcard or scan as a missing
        // path, even in an indefinite guard.
        Err(EvalError::NotFound) if guard.is_definite() => Err(ExecError::fatal(
            t,
            None,
            "applyOnlyWhen is a definite path that does not exist in the document",
        )),
        Err(EvalError::NotFound) => Err(ExecError::fatal(
            t,
            None,
            "the part of applyOnlyWhen before its first filter, wildcard or scan does not exist \
             in the document",
        )),
        Err(EvalError::Fatal { message }) => Err(ExecError::fatal(t, None, message)),
        Err(EvalError::Transform(never)) => match never {},
    }
}

/// Applies path `p` of transform `t` as the reference does; returns its number of matches.
pub(crate) fn apply_rule<'a, M: Mapper<'a>>(
    t: usize,
    p: usize,
    spec: &TransformSpec,
    doc: &mut Value<'a>,
    mapper: &mut M,
) -> Result<u64, ExecError<M::Error>> {
    let path = &spec.paths[p];
    let mut unexpected_abort = false;
    let result = match spec.action {
        Action::Delete => update_path(path, doc, Update::Delete).map_err(Failure::widen),
        Action::Map => {
            let may_abort = spec.abort_stops_path;
            let mut f = |v: &mut Value<'a>| match mapper.map(t, v) {
                Err(MapError::AbortPath) if !may_abort => {
                    unexpected_abort = true;
                    Err(MapError::AbortPath)
                }
                other => other,
            };
            update_path(path, doc, Update::Map(&mut f))
        }
    };
    let error = |kind, location: Option<Location>| ExecError {
        transform: t,
        path: Some(p),
        pointer: location.map(|l| pointer(&l)),
        kind,
    };
    match result {
        Ok(_) if unexpected_abort => Err(error(ExecErrorKind::UnexpectedAbort, None)),
        Ok(n) => Ok(n),
        Err(Failure {
            error: EvalError::NotFound,
            ..
        }) => Ok(0),
        Err(Failure {
            error: EvalError::Fatal { message },
            location,
        }) => Err(error(ExecErrorKind::Fatal(message), location)),
        Err(Failure {
            error: EvalError::Transform(e),
            location,
        }) => Err(error(ExecErrorKind::Map(e), location)),
    }
}

/// The JSON Pointer of a location; a multi-name leaf points at its object.
pub(crate) fn pointer(location: &Location) -> String {
    let mut text = String::new();
    for segment in &location.segments {
        match segment {
            Segment::Key(k) => push_pointer_segment(&mut text, k),
            Segment::Index(i) => push_pointer_segment(&mut text, &i.to_string()),
            Segment::Keys(_) => {}
        }
    }
    text
}

/// An update that failed, and where, when known.
struct Failure<E> {
    error: EvalError<E>,
    location: Option<Location>,
}

impl Failure<Infallible> {
    fn widen<E>(self) -> Failure<E> {
        Failure {
            error: self.error.widen(),
            location: self.location,
        }
    }
}

impl<E> From<EvalError<E>> for Failure<E> {
    fn from(error: EvalError<E>) -> Self {
        Failure {
            error,
            location: None,
        }
    }
}

fn update_path<'a, E>(
    path: &JsonPath,
    doc: &mut Value<'a>,
    update: Update<'_, 'a, E>,
) -> Result<u64, Failure<E>> {
    let repeats = path.may_select_again();
    let (locations, order, matches) =
        update_locations(path, repeats, doc).map_err(Failure::widen)?;
    apply(doc, &locations, &order, update, repeats)?;
    Ok(matches)
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
    let found = distinct(find(path, doc).map_err(|f| f.error)?);
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
/// for Jayway's text, such as `$['a'][0]['b']`. A location the path reaches several times
/// (`$.l[1,0,1]`, `$..a..b`) comes as many times, as in Jayway's list of paths, where the last
/// computed for a place wins.
pub fn concrete_paths(
    path: &JsonPath,
    doc: &Value<'_>,
) -> Result<Vec<Location>, EvalError<Infallible>> {
    let (found, sequence) =
        find_counted(path, path.may_select_again(), doc).map_err(|f| f.error)?;
    if found.is_empty() && path.is_definite() {
        return Err(EvalError::NotFound);
    }
    Ok(sequence
        .into_iter()
        .map(|i| found[i].location.clone())
        .collect())
}

fn find<'v, 'a>(
    path: &JsonPath,
    doc: &'v Value<'a>,
) -> Result<Vec<Found<'v, 'a>>, Failure<Infallible>> {
    // §6.4: Jayway rejects a null document before looking at the path.
    if doc.is_null() {
        return Err(fatal(NULL_DOCUMENT).into());
    }
    jsonpath::select_distinct(&path.steps, doc, doc, false).map_err(stopped)
}

/// [`find`] with the repeats, for a path that `repeats` says may reach a place again: the
/// distinct matches, and every match in Jayway's evaluation order as an index into them.
fn find_counted<'v, 'a>(
    path: &JsonPath,
    repeats: bool,
    doc: &'v Value<'a>,
) -> Result<(Vec<Found<'v, 'a>>, Vec<usize>), Failure<Infallible>> {
    if !repeats {
        let found = distinct(find(path, doc)?);
        let sequence = (0..found.len()).collect();
        return Ok((found, sequence));
    }
    if doc.is_null() {
        return Err(fatal(NULL_DOCUMENT).into());
    }
    let counted = jsonpath::select_counted(&path.steps, doc, doc, jsonpath::REPEAT_BUDGET)
        .map_err(stopped)?;
    Ok((counted.found, counted.sequence))
}

fn stopped(stop: Stop) -> Failure<Infallible> {
    match stop {
        // The failure's place is the value the path met, as for a value function's failure.
        Stop::Fatal(message, at) => Failure {
            error: EvalError::Fatal { message },
            location: Some(at),
        },
        Stop::NotFound => EvalError::NotFound.into(),
    }
}

/// Drops repeated locations, keeping the first.
fn distinct<'v, 'a>(found: Vec<Found<'v, 'a>>) -> Vec<Found<'v, 'a>> {
    let mut seen: HashSet<&Location> = HashSet::with_capacity(found.len());
    let first: Vec<bool> = found.iter().map(|f| seen.insert(&f.location)).collect();
    drop(seen);
    found
        .into_iter()
        .zip(first)
        .filter_map(|(f, first)| first.then_some(f))
        .collect()
}

/// The locations to update, each once; the order in which Jayway updates them (§6.3.10), as
/// indexes into them, where a location reached several times comes as many times (§6.3.12);
/// and how many updates count as matches (a multi-name leaf only when one of its names is
/// present). A path that selects nothing is "not found", definite or not, as Jayway's map and
/// delete raise it whenever they have no location to update; a multi-name leaf selects its
/// object even when none of its names is there.
fn update_locations(
    path: &JsonPath,
    repeats: bool,
    doc: &Value<'_>,
) -> Result<(Vec<Location>, Vec<usize>, u64), Failure<Infallible>> {
    let (found, sequence) = find_counted(path, repeats, doc)?;
    if found.is_empty() {
        return Err(EvalError::NotFound.into());
    }
    let empty: Vec<bool> = found
        .iter()
        .map(|f| matches!(&f.value, Selected::Members(m) if m.is_empty()))
        .collect();
    let matches = sequence.iter().filter(|&&i| !empty[i]).count() as u64;
    let locations: Vec<Location> = found.into_iter().map(|f| f.location).collect();
    let order = jayway_sorted(&locations, sequence);
    Ok((locations, order, matches))
}

enum Update<'f, 'a, E> {
    Map(&'f mut dyn FnMut(&mut Value<'a>) -> Result<(), MapError<E>>),
    Delete,
}

/// What became of one update.
enum Applied {
    Done,
    /// The value function stopped the rest of the path (§2.10).
    StopPath,
}

/// Applies the updates to `locations` in `order` (indexes into them; a repeated one is
/// updated again). With `repeats`, a name listed twice in a multi-name leaf is updated twice;
/// otherwise once, as the path reaches each place once. A location inside a value that an
/// earlier update replaced or removed belongs to the detached old value and is skipped;
/// deleting an array element moves the pending locations behind it down by one, as Jayway's
/// references follow the objects they point to. An element deleted again is deleted at its
/// index again, as Jayway's reference holds the index: the element that moved there goes too.
/// Jayway's references still act on what an earlier update detached, unseen, and an element
/// deleted there from an array that has no element at its index any more fails the path
/// (Java's `IndexOutOfBoundsException`), as it does in the document.
fn apply<'a, E>(
    doc: &mut Value<'a>,
    locations: &[Location],
    order: &[usize],
    mut update: Update<'_, 'a, E>,
    repeats: bool,
) -> Result<(), Failure<E>> {
    let mut pending = Pending::new(locations, doc);
    for &i in order {
        if matches!(update, Update::Delete)
            && matches!(locations[i].segments.last(), Some(Segment::Index(_)))
        {
            pending.delete_element(doc, i)?;
            continue;
        }
        if pending.detached(i) {
            continue;
        }
        // A member deleted before is gone: deleting it again changes nothing.
        if matches!(update, Update::Delete)
            && matches!(locations[i].segments.last(), Some(Segment::Key(_)))
            && pending.was_replaced(i)
        {
            continue;
        }
        // Only a deleted element moves the places after it.
        let location = if pending.any_deleted {
            Cow::Owned(pending.current(i))
        } else {
            Cow::Borrowed(&locations[i])
        };
        let Some((last, parent_path)) = location.segments.split_last() else {
            // §6.3.11: Jayway's root reference refuses both operations.
            return Err(Failure {
                error: fatal(match update {
                    Update::Map(_) => ROOT_MAP,
                    Update::Delete => ROOT_DELETE,
                }),
                location: Some(location.into_owned()),
            });
        };
        let Some(parent) = resolve_mut(doc, parent_path) else {
            continue;
        };
        match (last, &mut update) {
            (Segment::Key(key), Update::Map(f)) => {
                if let Some(slot) = parent.as_object_mut().and_then(|m| m.get_mut(key)) {
                    if let Applied::StopPath = map_slot(slot, *f, &location)? {
                        return Ok(());
                    }
                    pending.replaced(i);
                }
            }
            (Segment::Key(key), Update::Delete) => {
                if let Some(m) = parent.as_object_mut() {
                    m.remove(key);
                    pending.replaced(i);
                }
            }
            (Segment::Index(index), Update::Map(f)) => {
                if let Some(slot) = parent.as_array_mut().and_then(|a| a.get_mut(*index)) {
                    if let Applied::StopPath = map_slot(slot, *f, &location)? {
                        return Ok(());
                    }
                    pending.replaced(i);
                }
            }
            // Deleted by `delete_element` above.
            (Segment::Index(_), Update::Delete) => {}
            (Segment::Keys(keys), update) => {
                let Some(m) = parent.as_object_mut() else {
                    continue;
                };
                let mut done: Vec<&str> = Vec::new();
                for key in keys {
                    if !repeats && done.contains(&key.as_str()) {
                        continue;
                    }
                    done.push(key);
                    let changed = match update {
                        Update::Map(f) => match m.get_mut(key) {
                            Some(slot) => {
                                let member = Location {
                                    segments: parent_path
                                        .iter()
                                        .cloned()
                                        .chain([Segment::Key(key.clone())])
                                        .collect(),
                                };
                                if let Applied::StopPath = map_slot(slot, *f, &member)? {
                                    return Ok(());
                                }
                                true
                            }
                            None => false,
                        },
                        Update::Delete => m.remove(key).is_some(),
                    };
                    if changed {
                        pending.member_replaced(i, key);
                    }
                }
            }
        }
    }
    Ok(())
}

/// The locations of one path, in the coordinates of the document before any of its updates,
/// as a trie of their segments that records which values updates replaced and which array
/// elements they deleted: each location is checked and translated in time proportional to its
/// depth.
#[derive(Debug)]
struct Pending {
    nodes: Vec<PendingNode>,
    /// The node of each location.
    at: Vec<usize>,
    /// Whether an element was deleted, which moves the places behind it.
    any_deleted: bool,
}

#[derive(Debug)]
struct PendingNode {
    parent: Option<usize>,
    segment: Option<Segment>,
    children: std::collections::HashMap<Segment, usize>,
    /// An update replaced or removed the value here: everything strictly inside is detached.
    replaced: bool,
    /// The value here is in one that an update replaced or removed, or in a deleted element;
    /// so is everything inside it.
    detached: bool,
    /// Original indexes of the elements deleted from the array here, descending (the order
    /// in which Jayway deletes them, so that recording one is a push).
    deleted: Vec<usize>,
    /// For an array with elements to delete: its length in the document before the updates.
    length: Option<usize>,
    /// Elements deleted from the array here once it was detached, unseen.
    detached_deletions: usize,
}

impl PendingNode {
    fn was_deleted(&self, j: usize) -> bool {
        let at = self.deleted.partition_point(|&d| d > j);
        self.deleted.get(at) == Some(&j)
    }

    fn deleted_before(&self, j: usize) -> usize {
        self.deleted.len() - self.deleted.partition_point(|&d| d >= j)
    }
}

impl Pending {
    /// The locations of one path in `doc`, before any of its updates.
    fn new(locations: &[Location], doc: &Value<'_>) -> Pending {
        let node = |parent, segment| PendingNode {
            parent,
            segment,
            children: std::collections::HashMap::new(),
            replaced: false,
            detached: false,
            deleted: Vec::new(),
            length: None,
            detached_deletions: 0,
        };
        let mut nodes = vec![node(None, None)];
        let mut at = Vec::with_capacity(locations.len());
        for location in locations {
            let mut n = 0;
            for (k, segment) in location.segments.iter().enumerate() {
                if matches!(segment, Segment::Index(_)) && nodes[n].length.is_none() {
                    nodes[n].length = resolve(doc, &location.segments[..k])
                        .and_then(Value::as_array)
                        .map(Vec::len);
                }
                n = if let Some(&c) = nodes[n].children.get(segment) {
                    c
                } else {
                    let c = nodes.len();
                    nodes.push(node(Some(n), Some(segment.clone())));
                    nodes[n].children.insert(segment.clone(), c);
                    c
                };
            }
            at.push(n);
        }
        Pending {
            nodes,
            at,
            any_deleted: false,
        }
    }

    /// Whether location `i` lies in a replaced value or a deleted element.
    fn detached(&self, i: usize) -> bool {
        self.node_detached(self.at[i])
    }

    fn node_detached(&self, n: usize) -> bool {
        self.nodes[n].detached
    }

    /// Detaches the locations inside node `n`, and `n` itself when `itself`. A detached node
    /// has only detached nodes inside, so the marking stops at one.
    fn detach(&mut self, n: usize, itself: bool) {
        let mut stack = if itself {
            vec![n]
        } else {
            self.nodes[n].children.values().copied().collect()
        };
        while let Some(m) = stack.pop() {
            let node = &mut self.nodes[m];
            if !node.detached {
                node.detached = true;
                stack.extend(node.children.values().copied());
            }
        }
    }

    /// Location `i` in the current document: indexes less the deleted elements before them.
    fn current(&self, i: usize) -> Location {
        self.node_current(self.at[i])
    }

    fn node_current(&self, mut n: usize) -> Location {
        let mut segments = Vec::new();
        while let (Some(parent), Some(segment)) = (self.nodes[n].parent, &self.nodes[n].segment) {
            segments.push(match segment {
                Segment::Index(j) => Segment::Index(j - self.nodes[parent].deleted_before(*j)),
                other => other.clone(),
            });
            n = parent;
        }
        segments.reverse();
        Location { segments }
    }

    fn was_replaced(&self, i: usize) -> bool {
        self.nodes[self.at[i]].replaced
    }

    fn replaced(&mut self, i: usize) {
        let n = self.at[i];
        self.nodes[n].replaced = true;
        self.detach(n, false);
    }

    /// Member `key` of the object holding multi-name location `i` was replaced or removed.
    fn member_replaced(&mut self, i: usize, key: &str) {
        if let Some(parent) = self.nodes[self.at[i]].parent
            && let Some(&member) = self.nodes[parent]
                .children
                .get(&Segment::Key(key.to_owned()))
        {
            self.nodes[member].replaced = true;
            self.detach(member, false);
        }
    }

    /// Deletes element location `i`, as Jayway's reference deletes the element at its index
    /// from the array it holds. The first time, that is the element. Again (or after the
    /// element was taken in its place), it is what is at that index now: the first later
    /// element not deleted yet. In an array that an earlier update detached, the deletion is
    /// unseen, and counted. Where the array has no element at the index any more, the path
    /// fails, as Java's `IndexOutOfBoundsException` fails it.
    fn delete_element<E>(&mut self, doc: &mut Value<'_>, i: usize) -> Result<(), Failure<E>> {
        let n = self.at[i];
        let (Some(parent), Some(Segment::Index(j))) =
            (self.nodes[n].parent, &self.nodes[n].segment)
        else {
            return Ok(());
        };
        let j = *j;
        if self.nodes[parent].replaced || self.node_detached(parent) {
            let node = &mut self.nodes[parent];
            let left = node
                .length
                .unwrap_or(0)
                .saturating_sub(node.deleted.len() + node.detached_deletions);
            if j >= left {
                return Err(Failure {
                    error: fatal(&format!(
                        "the path deletes index {j} of an array that it removed from the document \
                         before, which has no element there any more"
                    )),
                    location: Some(self.node_current(n)),
                });
            }
            node.detached_deletions += 1;
            return Ok(());
        }
        let array = self.node_current(parent);
        let Some(items) = resolve_mut(doc, &array.segments).and_then(Value::as_array_mut) else {
            return Ok(());
        };
        // Jayway's reference removes what is at index `j` now, whichever element that is: the
        // element itself, unless an earlier update of the path removed it or one before it.
        if j >= items.len() {
            let again = self.nodes[parent].was_deleted(j);
            let mut location = array;
            location.segments.push(Segment::Index(j));
            return Err(Failure {
                error: fatal(&format!(
                    "the path deletes index {j} {}, and the array has no element there any more",
                    if again {
                        "a second time"
                    } else {
                        "after deleting elements before it"
                    }
                )),
                location: Some(location),
            });
        }
        items.remove(j);
        self.any_deleted = true;
        // The original index of the element removed: the one now at `j`.
        let node = &mut self.nodes[parent];
        let mut gone = j;
        while node.was_deleted(gone) || gone - node.deleted_before(gone) < j {
            gone += 1;
        }
        let at = node.deleted.partition_point(|&d| d > gone);
        node.deleted.insert(at, gone);
        if let Some(&element) = node.children.get(&Segment::Index(gone)) {
            self.detach(element, true);
        }
        Ok(())
    }
}

fn map_slot<'a, E>(
    slot: &mut Value<'a>,
    f: &mut dyn FnMut(&mut Value<'a>) -> Result<(), MapError<E>>,
    location: &Location,
) -> Result<Applied, Failure<E>> {
    match f(slot) {
        Ok(()) => Ok(Applied::Done),
        Err(MapError::AbortPath) => Ok(Applied::StopPath),
        Err(MapError::Fail(e)) => Err(Failure {
            error: EvalError::Transform(e),
            location: Some(location.clone()),
        }),
    }
}

pub(crate) const NULL_DOCUMENT: &str = "a path cannot be applied to a null document";
pub(crate) const ROOT_MAP: &str = "the document root `$` cannot be transformed";
pub(crate) const ROOT_DELETE: &str = "the document root `$` cannot be redacted";

fn resolve<'d, 'a>(doc: &'d Value<'a>, segments: &[Segment]) -> Option<&'d Value<'a>> {
    let mut v = doc;
    for segment in segments {
        v = match segment {
            Segment::Key(k) => v.as_object()?.get(k)?,
            Segment::Index(i) => v.as_array()?.get(*i)?,
            Segment::Keys(_) => return None,
        };
    }
    Some(v)
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

/// What Jayway's `PathRef.compareTo` compares of a location: the index of an array
/// reference, and the text of its accessor (key, index, `a&&b` for several keys, `$` for the
/// root).
struct SortKey<'l> {
    index: Option<usize>,
    text: Cow<'l, str>,
    /// Java compares UTF-16 code units, which order ASCII text as its bytes do.
    ascii: bool,
}

impl<'l> SortKey<'l> {
    fn of(l: &'l Location) -> Self {
        let (index, text) = match l.segments.last() {
            None => (None, Cow::Borrowed("$")),
            Some(Segment::Key(k)) => (None, Cow::Borrowed(k.as_str())),
            Some(Segment::Index(i)) => (Some(*i), Cow::Owned(i.to_string())),
            Some(Segment::Keys(keys)) => (None, Cow::Owned(keys.join("&&"))),
        };
        let ascii = text.is_ascii();
        SortKey { index, text, ascii }
    }
}

/// Jayway's `PathRef.compareTo`: two array references by index, descending; anything else by
/// the text of its accessor, descending in Java `String` order.
fn jayway_order(a: &SortKey<'_>, b: &SortKey<'_>) -> Ordering {
    if let (Some(i), Some(j)) = (a.index, b.index) {
        return j.cmp(&i);
    }
    if a.ascii && b.ascii {
        b.text.as_bytes().cmp(a.text.as_bytes())
    } else {
        b.text.encode_utf16().cmp(a.text.encode_utf16())
    }
}

/// Sorts `order`, indexes into `locations`, as Java's `List.sort` sorts the references with
/// [`jayway_order`]. That order is inconsistent when array and other references mix (index
/// 10 < 9 by number, "9" < "10" by text), so the algorithm matters: below 32 elements this is
/// Java's exact algorithm (one run, then binary insertion); above, a stable merge sort, which
/// agrees with Java whenever the order is consistent.
fn jayway_sorted(locations: &[Location], mut order: Vec<usize>) -> Vec<usize> {
    const JAVA_MIN_MERGE: usize = 32;
    if order.len() < 2 {
        return order;
    }
    let keys: Vec<SortKey<'_>> = locations.iter().map(SortKey::of).collect();
    let less = |a: usize, b: usize| jayway_order(&keys[a], &keys[b]).is_lt();
    if order.len() < JAVA_MIN_MERGE {
        let run = count_run_and_make_ascending(&mut order, less);
        binary_sort(&mut order, run, less);
    } else {
        let n = order.len();
        merge_sort(&mut order, &mut Vec::with_capacity(n), less);
    }
    order
}

fn count_run_and_make_ascending(v: &mut [usize], less: impl Fn(usize, usize) -> bool) -> usize {
    let mut hi = 1;
    if v.len() == 1 {
        return 1;
    }
    hi += 1;
    if less(v[1], v[0]) {
        while hi < v.len() && less(v[hi], v[hi - 1]) {
            hi += 1;
        }
        v[..hi].reverse();
    } else {
        while hi < v.len() && !less(v[hi], v[hi - 1]) {
            hi += 1;
        }
    }
    hi
}

fn binary_sort(v: &mut [usize], sorted: usize, less: impl Fn(usize, usize) -> bool) {
    for start in sorted..v.len() {
        let (mut left, mut right) = (0, start);
        while left < right {
            let mid = usize::midpoint(left, right);
            if less(v[start], v[mid]) {
                right = mid;
            } else {
                left = mid + 1;
            }
        }
        v[left..=start].rotate_right(1);
    }
}

/// A stable merge sort that tolerates an inconsistent order (it never panics on one).
fn merge_sort(
    v: &mut [usize],
    scratch: &mut Vec<usize>,
    less: impl Fn(usize, usize) -> bool + Copy,
) {
    if v.len() < 2 {
        return;
    }
    let mid = v.len() / 2;
    merge_sort(&mut v[..mid], scratch, less);
    merge_sort(&mut v[mid..], scratch, less);
    scratch.clear();
    let (mut i, mut j) = (0, mid);
    while i < mid && j < v.len() {
        if less(v[j], v[i]) {
            scratch.push(v[j]);
            j += 1;
        } else {
            scratch.push(v[i]);
            i += 1;
        }
    }
    scratch.extend_from_slice(&v[i..mid]);
    scratch.extend_from_slice(&v[j..]);
    v.copy_from_slice(scratch);
}

/// The declarative cases of `tests/data/jsonpath/` (see the README there), runnable against
/// any engine that applies the paths of one transform.
#[cfg(test)]
pub(crate) mod cases {
    use std::convert::Infallible;

    use serde::Deserialize;

    use super::EvalError;
    use crate::json::Value;
    use crate::jsonpath::{self, JsonPath};
    use crate::plan::{Action, ExecError, ExecErrorKind, MapError, Mapper};

    pub(crate) const UPDATE_CASES: &str = include_str!("../../tests/data/jsonpath/update.json");
    pub(crate) const READ_CASES: &str = include_str!("../../tests/data/jsonpath/read.json");

    /// An engine under test.
    pub(crate) trait Engine {
        /// Applies `paths` as the paths of one transform (maps use [`Mark`]); returns the kind
        /// of the first error, as [`error_kind`] names it.
        fn apply(
            &self,
            action: Action,
            paths: &[JsonPath],
            doc: &mut Value<'static>,
        ) -> Option<&'static str>;

        /// Whether the engine reports a path's "not found"; engines that run whole transforms
        /// swallow it as the reference does (§2.0 step 2).
        fn reports_not_found(&self) -> bool {
            false
        }
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
    pub(crate) fn mark(v: Value<'_>) -> Value<'_> {
        match v {
            Value::String(s) => Value::String(format!("~{s}").into()),
            other => Value::Object(
                [(std::borrow::Cow::Borrowed("~"), other)]
                    .into_iter()
                    .collect(),
            ),
        }
    }

    /// [`mark`] as a value function.
    #[derive(Debug)]
    pub(crate) struct Mark;

    impl<'a> Mapper<'a> for Mark {
        type Error = Infallible;

        fn map(&mut self, _: usize, value: &mut Value<'a>) -> Result<(), MapError<Infallible>> {
            let old = std::mem::replace(value, Value::Null);
            *value = mark(old);
            Ok(())
        }
    }

    pub(crate) fn error_kind<E>(e: &EvalError<E>) -> &'static str {
        match e {
            EvalError::NotFound => "not_found",
            EvalError::Fatal { .. } => "fatal",
            EvalError::Transform(_) => "transform",
        }
    }

    /// The kind of the first error of an engine that runs whole transforms, as
    /// [`error_kind`] names it.
    pub(crate) fn run_error_kind<E>(e: &ExecError<E>) -> &'static str {
        match e.kind {
            ExecErrorKind::Fatal(_) => "fatal",
            _ => "transform",
        }
    }

    /// Fails, listing every failing case, unless `engine` passes all map/delete cases.
    pub(crate) fn assert_update_cases_pass(engine: &dyn Engine) {
        let failures = run_update_cases(engine);
        assert!(
            failures.is_empty(),
            "{} failing:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    /// Runs every map/delete case against `engine`; returns one line per failing case.
    pub(crate) fn run_update_cases(engine: &dyn Engine) -> Vec<String> {
        let mut failures = Vec::new();
        for case in load(UPDATE_CASES) {
            let mut doc = Value::from(&case.doc);
            let paths: Result<Vec<JsonPath>, String> = case
                .path
                .texts()
                .into_iter()
                .map(|text| {
                    jsonpath::parse(text).map_err(|e| format!("path {text} does not parse: {e}"))
                })
                .collect();
            let paths = match paths {
                Ok(p) => p,
                Err(e) => {
                    failures.push(format!("{}: {e}", case.name));
                    continue;
                }
            };
            let action = match case.op.as_str() {
                "map" => Action::Map,
                "delete" => Action::Delete,
                other => {
                    failures.push(format!("{}: unknown op {other}", case.name));
                    continue;
                }
            };
            let error = engine.apply(action, &paths, &mut doc);
            let expected = match case.error.as_deref() {
                Some("not_found") if !engine.reports_not_found() => None,
                other => other,
            };
            if error != expected {
                failures.push(format!(
                    "{} (§{}): error {error:?}, expected {expected:?}",
                    case.name, case.spec
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

    /// The per-path functions, one path after the other.
    struct PerPath;

    impl Engine for PerPath {
        fn apply(
            &self,
            action: Action,
            paths: &[JsonPath],
            doc: &mut Value<'static>,
        ) -> Option<&'static str> {
            let mut first = None;
            for path in paths {
                let result = match action {
                    Action::Map => map_path(path, doc, &mut |v| {
                        cases::Mark.map(0, v).map_err(|_| MapError::Fail(()))
                    }),
                    Action::Delete => delete_path(path, doc).map_err(EvalError::widen),
                };
                if let Err(e) = result {
                    first = first.or(Some(cases::error_kind(&e)));
                    // Transforms go on after "not found"; anything else fails the response.
                    if !matches!(e, EvalError::NotFound) {
                        break;
                    }
                }
            }
            first
        }

        fn reports_not_found(&self) -> bool {
            true
        }
    }

    /// `run`: whole transforms, "not found" swallowed.
    struct Run;

    impl Engine for Run {
        fn apply(
            &self,
            action: Action,
            paths: &[JsonPath],
            doc: &mut Value<'static>,
        ) -> Option<&'static str> {
            let spec = TransformSpec::new(action, paths.to_vec());
            run(&[spec], doc, &mut cases::Mark)
                .err()
                .map(|e| cases::run_error_kind(&e))
        }
    }

    #[test]
    fn update_cases_pass() {
        cases::assert_update_cases_pass(&PerPath);
    }

    #[test]
    fn update_cases_pass_through_run() {
        cases::assert_update_cases_pass(&Run);
    }

    /// An engine that changes nothing, to show the cases can fail.
    struct Inert;

    impl Engine for Inert {
        fn apply(&self, _: Action, _: &[JsonPath], _: &mut Value<'static>) -> Option<&'static str> {
            None
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
            Value::BigInt(s) | Value::Decimal(s) => serde_json::Value::String(s.to_string()),
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
                Value::String(_) => {
                    *v = Value::Null;
                    Ok(())
                }
                _ => Err(MapError::Fail("not a string")),
            }
        });
        assert_eq!(result, Err(EvalError::Transform("not a string")));
        // Elements are visited by descending index: "b", then 1, where it stops.
        assert_eq!(seen, vec![Value::string("b"), Value::Int(1)]);
    }

    #[test]
    fn abort_stops_the_rest_of_the_path_and_keeps_earlier_updates() {
        let path = parse("$.l[*]").expect("test path parses");
        let mut d = doc(&serde_json::json!({"l": ["a", 1, "b"]}));
        let result = map_path(&path, &mut d, &mut |v| match v {
            Value::String(_) => {
                *v = Value::Null;
                Ok(())
            }
            _ => Err(MapError::<()>::AbortPath),
        });
        assert_eq!(result, Ok(3));
        assert_eq!(d, doc(&serde_json::json!({"l": ["a", 1, null]})));
    }

    #[test]
    fn a_filter_on_a_primitive_below_a_definite_path_fails_with_its_pointer() {
        for action in [Action::Delete, Action::Map] {
            let spec = TransformSpec {
                action,
                paths: vec![parse("$.a.user[?(@.type == 'User')]").expect("parses")],
                guard: None,
                abort_stops_path: false,
            };
            let mut d = doc(&serde_json::json!({"a": {"user": "octocat"}}));
            let e = run(&[spec], &mut d, &mut cases::Mark).expect_err("fails");
            assert_eq!((e.path, e.pointer.as_deref()), (Some(0), Some("/a/user")));
            assert!(matches!(e.kind, ExecErrorKind::Fatal(_)), "{e:?}");
        }
    }

    #[test]
    fn run_reports_the_rule_and_pointer_of_a_failing_value() {
        struct FailOnNumbers;
        impl<'a> Mapper<'a> for FailOnNumbers {
            type Error = &'static str;
            fn map(&mut self, _: usize, v: &mut Value<'a>) -> Result<(), MapError<Self::Error>> {
                if v.is_number() {
                    Err(MapError::Fail("number"))
                } else {
                    Ok(())
                }
            }
        }
        let spec = |p: &str| TransformSpec {
            action: Action::Map,
            paths: vec![parse("$.zz").expect("parses"), parse(p).expect("parses")],
            guard: None,
            abort_stops_path: false,
        };
        let mut d = doc(&serde_json::json!({"a": {"b/c": [1]}}));
        let e = run(&[spec("$..[0]")], &mut d, &mut FailOnNumbers).expect_err("fails");
        assert_eq!(
            (e.transform, e.path, e.pointer.as_deref()),
            (0, Some(1), Some("/a/b~1c/0"))
        );
        assert_eq!(e.kind, ExecErrorKind::Map("number"));
    }

    #[test]
    fn abort_from_a_transform_that_may_not_stop_is_an_error() {
        struct Abort;
        impl<'a> Mapper<'a> for Abort {
            type Error = ();
            fn map(&mut self, _: usize, _: &mut Value<'a>) -> Result<(), MapError<()>> {
                Err(MapError::AbortPath)
            }
        }
        let spec = TransformSpec {
            action: Action::Map,
            paths: vec![parse("$.a").expect("parses")],
            guard: None,
            abort_stops_path: false,
        };
        let mut d = doc(&serde_json::json!({"a": 1}));
        let e = run(std::slice::from_ref(&spec), &mut d, &mut Abort).expect_err("fails");
        assert_eq!(e.kind, ExecErrorKind::UnexpectedAbort);
        let may = TransformSpec {
            abort_stops_path: true,
            ..spec
        };
        assert!(run(&[may], &mut d, &mut Abort).is_ok());
    }

    #[test]
    fn guards_skip_fail_or_allow_a_transform() {
        let spec = |guard: &str| TransformSpec {
            action: Action::Delete,
            paths: vec![parse("$.a").expect("parses")],
            guard: Some(parse(guard).expect("parses")),
            abort_stops_path: false,
        };
        let original = serde_json::json!({"a": 1, "l": [], "m": [{"t": "x"}], "s": "str"});
        let outcome = |guard: &str| {
            let mut d = doc(&original);
            run(&[spec(guard)], &mut d, &mut cases::Mark).map(|stats| (stats, d))
        };
        let (stats, d) = outcome("$.m[?(@.t == 'x')]").expect("guard passes");
        assert_eq!(stats.matches(0, 0), 1);
        assert!(d.as_object().is_some_and(|m| !m.contains_key("a")));
        let (stats, d) = outcome("$.l").expect("empty list skips");
        assert_eq!(stats.matches(0, 0), 0);
        assert_eq!(d, doc(&original));
        for fatal in ["$.missing", "$.s"] {
            let e = outcome(fatal).expect_err("guard fails the response");
            assert_eq!((e.transform, e.path), (0, None));
            assert!(matches!(e.kind, ExecErrorKind::Fatal(_)));
        }
    }

    #[test]
    fn multi_name_leaf_counts_only_objects_holding_a_name() {
        let path = parse("$.l[*]['a','b']").expect("parses");
        let mut d = doc(&serde_json::json!({"l": [{"a": 1}, {"c": 2}, {"b": 3, "a": 4}]}));
        assert_eq!(delete_path(&path, &mut d), Ok(2));
        assert_eq!(d, doc(&serde_json::json!({"l": [{}, {"c": 2}, {}]})));
    }

    #[test]
    fn a_path_that_selects_nothing_is_not_found_unless_a_multi_name_leaf_selects_its_object() {
        let mut d = doc(&serde_json::json!({"l": [{"c": 1}], "o": {"c": 2}}));
        for nothing in [
            "$.missing",
            "$..x",
            "$.l[*].x",
            "$.l[?(@.c > 5)]",
            "$.l[3:5]",
        ] {
            let path = parse(nothing).expect("parses");
            assert_eq!(
                delete_path(&path, &mut d),
                Err(EvalError::NotFound),
                "{nothing}"
            );
            let mut f = |_: &mut Value<'_>| Ok::<_, MapError<Infallible>>(());
            assert_eq!(
                map_path(&path, &mut d, &mut f),
                Err(EvalError::NotFound),
                "{nothing}"
            );
        }
        assert_eq!(
            delete_path(&parse("$.o['a','b']").expect("parses"), &mut d),
            Ok(0)
        );
        assert_eq!(d, doc(&serde_json::json!({"l": [{"c": 1}], "o": {"c": 2}})));
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
            &mut |v| {
                *v = Value::Null;
                Ok::<_, MapError<Infallible>>(())
            },
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

    fn in_order(locations: &[Location]) -> Vec<usize> {
        (0..locations.len()).collect()
    }

    fn sort_like_jayway(v: &mut Vec<Location>) {
        let order = jayway_sorted(v, in_order(v));
        *v = order.iter().map(|&i| v[i].clone()).collect();
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
        // Java compares UTF-16 code units: U+FF5E comes after the surrogates of U+1F600,
        // though its UTF-8 bytes come before; an ASCII key before both.
        let mut v = vec![key("\u{1F600}"), key("z"), key("\u{FF5E}")];
        sort_like_jayway(&mut v);
        assert_eq!(v, vec![key("\u{FF5E}"), key("\u{1F600}"), key("z")]);
    }

    #[test]
    fn a_deletion_takes_what_is_at_the_index_now() {
        let key = |k: &str| Segment::Key(k.into());
        // In this order (an inconsistent sort can produce it): l[0] first, then index 2, which
        // now holds what was l[3]; m[0] goes before the element inside it, which is then
        // detached, and m[1] finds no element at its index any more.
        let run = |with_last: bool| {
            let mut d = doc(&serde_json::json!({"l": ["a", "b", "c", "d"], "m": [[1, 2], 3]}));
            let mut locations = vec![
                loc(&[key("l"), Segment::Index(0)]),
                loc(&[key("l"), Segment::Index(2)]),
                loc(&[key("m"), Segment::Index(0)]),
                loc(&[key("m"), Segment::Index(0), Segment::Index(1)]),
            ];
            if with_last {
                locations.push(loc(&[key("m"), Segment::Index(1)]));
            }
            let result = apply(
                &mut d,
                &locations,
                &in_order(&locations),
                Update::<Infallible>::Delete,
                false,
            );
            (result, d)
        };
        let (result, d) = run(false);
        assert!(result.is_ok());
        assert_eq!(d, doc(&serde_json::json!({"l": ["b", "c"], "m": [3]})));
        let (result, _) = run(true);
        let failure = result.expect_err("index 1 is past the end");
        assert_eq!(
            failure.error.to_string(),
            "the path deletes index 1 after deleting elements before it, and the array has no \
             element there any more"
        );
    }

    #[test]
    fn a_replaced_value_detaches_the_pending_locations_inside_it() {
        let mut d = doc(&serde_json::json!({"o": {"a": "x"}, "k": {"a": "y", "b": "z"}}));
        let key = |k: &str| Segment::Key(k.into());
        let locations = [
            loc(&[key("o")]),
            loc(&[key("o"), key("a")]),
            loc(&[key("k"), Segment::Keys(vec!["a".into(), "a".into()])]),
            loc(&[key("k"), key("a"), key("deeper")]),
            loc(&[key("k"), key("b")]),
        ];
        let mut seen = Vec::new();
        let mut f = |v: &mut Value<'static>| {
            seen.push(v.clone());
            *v = Value::Null;
            Ok::<_, MapError<Infallible>>(())
        };
        let order = in_order(&locations);
        assert!(apply(&mut d, &locations, &order, Update::Map(&mut f), true).is_ok());
        // `o.a` was inside the replaced `o`; the repeated name maps twice, the second time
        // what the first made.
        assert_eq!(
            seen,
            vec![
                doc(&serde_json::json!({"a": "x"})),
                Value::string("y"),
                Value::Null,
                Value::string("z")
            ]
        );
        assert_eq!(
            d,
            doc(&serde_json::json!({"o": null, "k": {"a": null, "b": null}}))
        );
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
