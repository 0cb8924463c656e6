//! Executing the JSONPaths of an endpoint: the naive per-path oracle, and the compiled plan that
//! merges every path into one automaton run in a single walk (§2.0, §6.3).

mod analysis;
mod compile;
mod exec;
mod explain;
pub mod naive;

use std::fmt;

use crate::json::Value;
use crate::jsonpath::JsonPath;

pub(crate) use analysis::{PathShape, Shared, may_remove, same_place};
pub(crate) use compile::Emitted;
pub use compile::{Pass, PassKind, Plan, RuleRef, SplitReason, compile};

/// What a transform does with what its paths select (§2.0 step 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// `redact`: delete every selected member or element (§2.1).
    Delete,
    /// Every other kind: replace each selected value by the kind's value function.
    Map,
}

/// One transform of an endpoint, as the engines need it; transforms run in endpoint order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransformSpec {
    pub action: Action,
    /// The `jsonPaths`, applied in order.
    pub paths: Vec<JsonPath>,
    /// `applyOnlyWhen` (§2.0 step 1).
    pub guard: Option<JsonPath>,
    /// Whether the value function can stop the rest of a path (textDigest with `isJsonEscaped`,
    /// §2.10): such a transform always runs in the reference's update order.
    pub abort_stops_path: bool,
}

impl TransformSpec {
    /// A transform without `applyOnlyWhen` whose value function never stops a path.
    pub fn new(action: Action, paths: Vec<JsonPath>) -> Self {
        TransformSpec {
            action,
            paths,
            guard: None,
            abort_stops_path: false,
        }
    }
}

/// The value functions of an endpoint's transforms.
pub trait Mapper<'a> {
    type Error;

    /// Replaces `value` in place by what transform `transform` makes of it. On error the value
    /// is left as it was.
    fn map(&mut self, transform: usize, value: &mut Value<'a>)
    -> Result<(), MapError<Self::Error>>;

    /// Two mappers that together do this one's work, for mapping the two halves of an array of
    /// `elements` at the same time: one for this thread, one made on a second thread. The plan
    /// asks only where the halves are independent (see [`Plan::run`]). `None`, the default, or
    /// when an array is not worth a thread, keeps the walk on one thread.
    fn split(&mut self, elements: usize) -> Option<Split<'_, 'a, Self::Error>> {
        let _ = elements;
        None
    }

    /// Whether [`Mapper::split`] would divide the work for an array of `elements`.
    fn can_split(&self, elements: usize) -> bool {
        let _ = elements;
        false
    }

    /// Makers of the mappers of arrays walked while the document is written (see
    /// [`ChunkMappers`]): one for the writer's thread and, when there is a second core for
    /// it, one for a second thread. Asked once per document, where [`Mapper::can_chunk`] said
    /// yes. `None`, the default, has the walk finish every array before the document is
    /// written.
    fn chunk_mappers(&mut self) -> Option<ChunkSplit<'_, Self::Error>> {
        None
    }

    /// Whether [`Mapper::chunk_mappers`] would give makers.
    fn can_chunk(&self) -> bool {
        false
    }
}

/// Makes the mappers of the chunks of an array that is walked while the document is written:
/// each chunk is mapped, written and dropped before the next one is asked for, so what one
/// mapper made may be reused by the next (a chunk's pseudonyms need memory for that chunk
/// alone).
pub trait ChunkMappers<E> {
    /// The mapper of the next chunk.
    fn next_chunk(&mut self) -> Box<dyn Mapper<'_, Error = E> + '_>;
}

/// The makers of chunk mappers of one document (see [`Mapper::chunk_mappers`]).
pub struct ChunkSplit<'s, E> {
    /// For the writer's thread.
    pub here: Box<dyn ChunkMappers<E> + 's>,
    /// For a second thread, if the work is to be shared.
    pub there: Option<Box<dyn ChunkMappers<E> + Send + 's>>,
}

impl<E> fmt::Debug for ChunkSplit<'_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChunkSplit")
    }
}

/// A [`Mapper`] divided between two threads (see [`Mapper::split`]).
pub struct Split<'s, 'a, E> {
    /// For the calling thread.
    pub here: Box<dyn Mapper<'a, Error = E> + 's>,
    /// Called on the second thread to make its mapper.
    pub there: Box<dyn FnOnce() -> Box<dyn Mapper<'a, Error = E> + 's> + Send + 's>,
}

impl<E> fmt::Debug for Split<'_, '_, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Split")
    }
}

impl<'a, M: Mapper<'a> + ?Sized> Mapper<'a> for &mut M {
    type Error = M::Error;

    fn map(&mut self, transform: usize, value: &mut Value<'a>) -> Result<(), MapError<M::Error>> {
        (**self).map(transform, value)
    }

    fn split(&mut self, elements: usize) -> Option<Split<'_, 'a, M::Error>> {
        (**self).split(elements)
    }

    fn can_split(&self, elements: usize) -> bool {
        (**self).can_split(elements)
    }

    fn chunk_mappers(&mut self) -> Option<ChunkSplit<'_, Self::Error>> {
        (**self).chunk_mappers()
    }

    fn can_chunk(&self) -> bool {
        (**self).can_chunk()
    }
}

impl<'a, E> Mapper<'a> for Box<dyn Mapper<'a, Error = E> + '_> {
    type Error = E;

    fn map(&mut self, transform: usize, value: &mut Value<'a>) -> Result<(), MapError<E>> {
        (**self).map(transform, value)
    }

    fn split(&mut self, elements: usize) -> Option<Split<'_, 'a, E>> {
        (**self).split(elements)
    }

    fn can_split(&self, elements: usize) -> bool {
        (**self).can_split(elements)
    }

    fn chunk_mappers(&mut self) -> Option<ChunkSplit<'_, Self::Error>> {
        (**self).chunk_mappers()
    }

    fn can_chunk(&self) -> bool {
        (**self).can_chunk()
    }
}

/// Why a value function did not map a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MapError<E> {
    /// Only from a transform with `abort_stops_path`: the rest of this path is skipped, as the
    /// reference's PathNotFoundException inside the value function does (§2.10).
    AbortPath,
    /// Fails the response.
    Fail(E),
}

/// How many locations each path selected, by transform then path: a multi-name leaf counts once
/// per object that has at least one of the names. A transform whose guard was false counts 0.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RunStats {
    pub matches: Vec<Vec<u64>>,
}

impl RunStats {
    pub(crate) fn zeroed(transforms: &[TransformSpec]) -> RunStats {
        RunStats {
            matches: transforms.iter().map(|t| vec![0; t.paths.len()]).collect(),
        }
    }

    /// The matches of path `path` of transform `transform` (0 when out of range).
    pub fn matches(&self, transform: usize, path: usize) -> u64 {
        self.matches
            .get(transform)
            .and_then(|m| m.get(path))
            .copied()
            .unwrap_or(0)
    }
}

/// A failure that stops the response: where it happened and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecError<E> {
    pub transform: usize,
    /// The path, or `None` for the transform's `applyOnlyWhen` guard.
    pub path: Option<usize>,
    /// JSON Pointer (RFC 6901) of the value being transformed, when known.
    pub pointer: Option<String>,
    pub kind: ExecErrorKind<E>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExecErrorKind<E> {
    /// The guard or the path cannot be evaluated on this document (§6.4). The message never
    /// quotes the document.
    Fatal(String),
    /// The value function failed.
    Map(E),
    /// A value function asked to stop its path, but its transform is not one that may.
    UnexpectedAbort,
    /// One path's deletions mix member names with array indexes of different lengths, which
    /// Jayway's update order (§6.3.10) compares inconsistently: Java's sort then orders them
    /// by the sequence it is given, which only the naive engine reproduces. Nothing is wrong
    /// with the document; the plan's caller runs the naive engine on it instead.
    UpdateOrder,
}

impl<E> ExecError<E> {
    pub(crate) fn fatal(transform: usize, path: Option<usize>, message: impl Into<String>) -> Self {
        ExecError {
            transform,
            path,
            pointer: None,
            kind: ExecErrorKind::Fatal(message.into()),
        }
    }
}

impl<E: fmt::Display> fmt::Display for ExecError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.path {
            Some(p) => write!(f, "transform {}, path {p}", self.transform)?,
            None => write!(f, "transform {}, applyOnlyWhen", self.transform)?,
        }
        if let Some(pointer) = &self.pointer {
            write!(f, " at `{pointer}`")?;
        }
        match &self.kind {
            ExecErrorKind::Fatal(message) => write!(f, ": {message}"),
            ExecErrorKind::Map(e) => write!(f, ": {e}"),
            ExecErrorKind::UnexpectedAbort => {
                f.write_str(": the value function stopped a path it may not stop")
            }
            ExecErrorKind::UpdateOrder => {
                f.write_str(": the order of this path's deletions needs the naive engine")
            }
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for ExecError<E> {}

/// Appends `segment` to a JSON Pointer with RFC 6901 escaping (`~` as `~0`, `/` as `~1`).
pub(crate) fn push_pointer_segment(pointer: &mut String, segment: &str) {
    pointer.push('/');
    for c in segment.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_segments_escape_tilde_and_slash() {
        let mut p = String::new();
        push_pointer_segment(&mut p, "a/b");
        push_pointer_segment(&mut p, "~x");
        push_pointer_segment(&mut p, "0");
        assert_eq!(p, "/a~1b/~0x/0");
    }

    #[test]
    fn error_text_names_the_rule_and_pointer_but_not_values() {
        let e: ExecError<String> = ExecError {
            transform: 1,
            path: Some(2),
            pointer: Some("/users/0/email".into()),
            kind: ExecErrorKind::Map("not a string".into()),
        };
        assert_eq!(
            e.to_string(),
            "transform 1, path 2 at `/users/0/email`: not a string"
        );
        let g: ExecError<String> = ExecError::fatal(0, None, "applyOnlyWhen is missing");
        assert_eq!(
            g.to_string(),
            "transform 0, applyOnlyWhen: applyOnlyWhen is missing"
        );
    }

    #[test]
    fn stats_out_of_range_are_zero() {
        let stats = RunStats {
            matches: vec![vec![3]],
        };
        assert_eq!(stats.matches(0, 0), 3);
        assert_eq!(stats.matches(0, 1), 0);
        assert_eq!(stats.matches(5, 0), 0);
    }
}
