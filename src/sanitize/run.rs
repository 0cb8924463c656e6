//! Running an endpoint's transforms on a document with the chosen engine.

use std::borrow::Cow;
use std::collections::HashMap;

use bumpalo::Bump;

use crate::diag::Location;
use crate::json::{Holes, NoHoles, Value, java_number_string};
use crate::jsonpath::{JsonPath, Segment, Selector, StepKind};
use crate::plan::naive::{self, ReadResult, Selected};
use crate::plan::{
    Action, ChunkMappers, ChunkSplit, Emitted, ExecError, ExecErrorKind, MapError, Mapper, Plan,
    RunStats, Split, TransformSpec, compile,
};
use crate::pseudonym::Pseudonymizer;
use crate::threads::SPLIT_MIN_ELEMENTS;
use crate::transform::compiled::ValueFn;
use crate::transform::{TransformError, TransformHint};

use super::memo::{Counts as MemoCounts, Memo};
use super::{Protected, SanitizeError, Trace};

/// Which engine applies the JSONPaths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Engine {
    /// The compiled plan: all paths of an endpoint in one walk.
    #[default]
    Plan,
    /// Each path on its own, in order, as the reference proxy does.
    Naive,
}

/// Why [`Transforms::run_emit`] failed.
#[derive(Debug)]
pub(super) enum EmitError {
    /// The transforms failed with this error, before anything was written.
    Failed(SanitizeError),
    /// A walk that wrote as it went failed: which error comes first is known only from
    /// [`Transforms::run`] on the value as it was parsed.
    Redo,
}

/// Makes the document again as the transforms receive it (parsed, augmented, filtered by the
/// schema), for the naive engine when the plan cannot order a path's deletions as the proxy
/// does ([`ExecErrorKind::UpdateOrder`]).
pub(super) type Fresh<'f, 'a> = &'f dyn Fn() -> Result<Value<'a>, SanitizeError>;

/// One compiled transform with the places of its parts in the rules file.
#[derive(Debug)]
pub(super) struct CompiledTransform {
    pub name: &'static str,
    pub path_locations: Vec<Location>,
    pub guard_location: Option<Location>,
    pub value_fn: ValueFn,
}

/// An endpoint's transforms, in order, with the engine that runs them.
#[derive(Debug)]
pub(super) struct Transforms {
    compiled: Vec<CompiledTransform>,
    specs: Vec<TransformSpec>,
    /// The compiled plan, for [`Engine::Plan`].
    plan: Option<Plan>,
    /// Why a document can be null when the transforms meet it.
    null_document: TransformHint,
}

/// Where the strings the transforms make in one document go: an arena for the walk, one for
/// the second thread of each array walked in two halves, and one for each of the two threads
/// that walk arrays while the document is written, emptied for each chunk of elements. Reset
/// after each document, they keep their largest block for the next one, which then writes
/// into memory already mapped.
#[derive(Debug)]
pub(super) struct Arenas {
    main: Bump,
    spares: Vec<Bump>,
    chunks: [Bump; 2],
    split: bool,
}

impl Arenas {
    /// Arrays walked in two halves per document, at most: the large arrays of a response are
    /// few, and beyond them the walk goes on one thread.
    const MAX_SPLITS: usize = 8;
    /// Arenas that hold more than this after a reset are freed rather than kept for reuse.
    pub const KEEP_BYTES: usize = 64 << 20;

    /// Empty arenas; nothing is allocated until a string is.
    pub fn new() -> Self {
        Arenas {
            main: Bump::new(),
            spares: (0..Self::MAX_SPLITS).map(|_| Bump::new()).collect(),
            chunks: [Bump::new(), Bump::new()],
            split: false,
        }
    }

    /// Whether large arrays may be filtered and walked on two threads.
    pub fn split(&self) -> bool {
        self.split
    }

    pub fn set_split(&mut self, split: bool) {
        self.split = split;
    }

    /// Frees every string of the last document, keeping each arena's largest block. False if
    /// what is kept is too large to hold on to between documents.
    pub fn reset(&mut self) -> bool {
        for arena in std::iter::once(&mut self.main)
            .chain(&mut self.spares)
            .chain(&mut self.chunks)
        {
            arena.reset();
        }
        self.allocated() <= Self::KEEP_BYTES
    }

    /// The bytes the arenas hold.
    pub fn allocated(&self) -> usize {
        std::iter::once(&self.main)
            .chain(&self.spares)
            .chain(&self.chunks)
            .map(Bump::allocated_bytes)
            .sum()
    }

    /// Takes `bytes` in the main arena without writing them.
    #[cfg(test)]
    pub fn hold(&self, bytes: usize) {
        if let Ok(layout) = std::alloc::Layout::from_size_align(bytes, 1) {
            self.main.alloc_layout(layout);
        }
    }
}

/// The value functions, as the engines call them.
struct ValueMapper<'f, 'a> {
    transforms: &'f [CompiledTransform],
    pseudonymizer: &'f Pseudonymizer,
    /// Where new strings go, when the document's lifetime allows it.
    arena: Option<&'a Bump>,
    /// Where value functions that can write their result do, before it is packed in the arena.
    scratch: String,
    /// Arenas for the second threads of split walks, one each.
    spares: std::slice::IterMut<'a, Bump>,
    /// Arenas for the chunks of arrays walked while the document is written: the writer's and
    /// a second thread's.
    chunks: Option<[&'a mut Bump; 2]>,
    /// The pseudonyms made so far, of values borrowed from the document.
    memo: Memo<'a>,
}

impl<'f, 'a> ValueMapper<'f, 'a> {
    fn new(
        transforms: &'f [CompiledTransform],
        pseudonymizer: &'f Pseudonymizer,
        arena: Option<&'a Bump>,
        spares: std::slice::IterMut<'a, Bump>,
    ) -> Self {
        ValueMapper {
            transforms,
            pseudonymizer,
            arena,
            scratch: String::new(),
            spares,
            chunks: None,
            memo: Memo::default(),
        }
    }
}

/// Makes the mappers of the chunks of an array walked while the document is written: their
/// strings go to an arena emptied for each chunk, and their memos go on with one trial.
struct ChunkMaker<'f, 'b> {
    transforms: &'f [CompiledTransform],
    pseudonymizer: &'f Pseudonymizer,
    arena: &'b mut Bump,
    memo: MemoCounts,
}

impl<'f, 'b> ChunkMaker<'f, 'b> {
    fn new(
        transforms: &'f [CompiledTransform],
        pseudonymizer: &'f Pseudonymizer,
        arena: &'b mut Bump,
    ) -> Self {
        ChunkMaker {
            transforms,
            pseudonymizer,
            arena,
            memo: MemoCounts::default(),
        }
    }
}

impl ChunkMappers<TransformError> for ChunkMaker<'_, '_> {
    fn next_chunk(&mut self) -> Box<dyn Mapper<'_, Error = TransformError> + '_> {
        // Borrowed mutably, the arena holds nothing the last chunk still uses.
        self.arena.reset();
        let mut mapper = ValueMapper::new(
            self.transforms,
            self.pseudonymizer,
            Some(&*self.arena),
            [].iter_mut(),
        );
        mapper.memo = Memo::lent(&mut self.memo);
        Box::new(mapper)
    }
}

impl<'a> Mapper<'a> for ValueMapper<'_, 'a> {
    type Error = TransformError;

    fn map(
        &mut self,
        transform: usize,
        value: &mut Value<'a>,
    ) -> Result<(), MapError<Self::Error>> {
        let value_fn = &self.transforms[transform].value_fn;
        if let Some(arena) = self.arena {
            // Only the functions that write their string are remembered: the lookups of others
            // would only count against the memo.
            let input = match value {
                Value::String(Cow::Borrowed(s)) if value_fn.writes_into() => Some(*s),
                _ => None,
            };
            if let Some(made) = input.and_then(|s| self.memo.get(transform, s)) {
                *value = Value::String(Cow::Borrowed(made));
                return Ok(());
            }
            self.scratch.clear();
            match value_fn.apply_into(value, self.pseudonymizer, &mut self.scratch) {
                Some(Ok(())) => {
                    let made = arena.alloc_str(&self.scratch);
                    if let Some(s) = input {
                        self.memo.put(transform, s, made);
                    }
                    *value = Value::String(Cow::Borrowed(made));
                    return Ok(());
                }
                Some(Err(e)) => return Err(MapError::Fail(e)),
                None => {}
            }
        }
        match value_fn.apply(value, self.pseudonymizer) {
            Ok(Value::String(Cow::Owned(s))) if self.arena.is_some() => {
                // Hundreds of thousands of pseudonyms in one document: packed in the arena,
                // each takes its length rather than a heap block of its own.
                let packed = self.arena.map_or("", |a| a.alloc_str(&s));
                *value = Value::String(Cow::Borrowed(packed));
                Ok(())
            }
            Ok(v) => {
                *value = v;
                Ok(())
            }
            Err(TransformError::InnerPathNotFound) => Err(MapError::AbortPath),
            Err(e) => Err(MapError::Fail(e)),
        }
    }

    fn can_split(&self, elements: usize) -> bool {
        elements >= SPLIT_MIN_ELEMENTS && self.spares.len() > 0
    }

    fn can_chunk(&self) -> bool {
        self.chunks.is_some()
    }

    fn chunk_mappers(&mut self) -> Option<ChunkSplit<'_, TransformError>> {
        let [here, there] = self.chunks.as_mut()?;
        let (transforms, pseudonymizer) = (self.transforms, self.pseudonymizer);
        Some(ChunkSplit {
            here: Box::new(ChunkMaker::new(transforms, pseudonymizer, here)),
            there: Some(Box::new(ChunkMaker::new(transforms, pseudonymizer, there))),
        })
    }

    fn split(&mut self, elements: usize) -> Option<Split<'_, 'a, TransformError>> {
        if elements < SPLIT_MIN_ELEMENTS {
            return None;
        }
        let spare: &'a mut Bump = self.spares.next()?;
        let (transforms, pseudonymizer, arena) = (self.transforms, self.pseudonymizer, self.arena);
        let none = || [].iter_mut();
        Some(Split {
            here: Box::new(ValueMapper::new(transforms, pseudonymizer, arena, none())),
            there: Box::new(move || {
                Box::new(ValueMapper::new(
                    transforms,
                    pseudonymizer,
                    Some(spare),
                    none(),
                ))
            }),
        })
    }
}

impl Transforms {
    /// `specs[t]` holds the paths and guard of `transforms[t]`.
    /// `filtered` says whether the endpoint has a `responseSchema`, which may make the
    /// document null.
    pub fn new(
        transforms: Vec<CompiledTransform>,
        specs: Vec<TransformSpec>,
        engine: Engine,
        filtered: bool,
    ) -> Self {
        let plan = (engine == Engine::Plan).then(|| compile(&specs));
        Transforms {
            compiled: transforms,
            specs,
            plan,
            null_document: if filtered {
                TransformHint::NullDocument
            } else {
                TransformHint::NullResponse
            },
        }
    }

    /// The engine's input for one transform.
    pub fn spec(
        value_fn: &ValueFn,
        paths: Vec<JsonPath>,
        guard: Option<JsonPath>,
    ) -> TransformSpec {
        TransformSpec {
            action: if value_fn.is_delete() {
                Action::Delete
            } else {
                Action::Map
            },
            paths,
            guard,
            abort_stops_path: value_fn.may_abort_path(),
        }
    }

    /// The compiled plan in its readable form, when the engine is the plan.
    pub fn explain(&self) -> Option<String> {
        let kinds: Vec<&str> = self.compiled.iter().map(|t| t.name).collect();
        self.plan.as_ref().map(|plan| plan.explain(&kinds))
    }

    /// The compiled plan as JSON, when the engine is the plan.
    pub fn explain_json(&self) -> Option<serde_json::Value> {
        let kinds: Vec<&str> = self.compiled.iter().map(|t| t.name).collect();
        self.plan.as_ref().map(|plan| plan.explain_json(&kinds))
    }

    /// Applies every transform to `doc` (§2.0): each transform's guard, then its paths in order;
    /// a path that does not exist is skipped. When the plan cannot order a path's deletions as
    /// the proxy does, the naive engine runs on the document `fresh` makes again.
    pub fn run<'a>(
        &self,
        doc: &mut Value<'a>,
        p: &Pseudonymizer,
        arenas: Option<&'a mut Arenas>,
        fresh: Fresh<'_, 'a>,
    ) -> Result<RunStats, SanitizeError> {
        let mut mapper = self.mapper(p, arenas);
        let result = match &self.plan {
            Some(plan) => plan.run(doc, &mut mapper),
            None => naive::run(&self.specs, doc, &mut mapper),
        };
        match result {
            Err(e) if matches!(e.kind, ExecErrorKind::UpdateOrder) => {
                drop(mapper);
                self.run_naive_again(doc, p, fresh)
            }
            result => result.map_err(|e| self.error(e)),
        }
    }

    /// Replaces `doc` with what `fresh` makes, and applies every transform to it with the
    /// naive engine.
    fn run_naive_again<'a>(
        &self,
        doc: &mut Value<'a>,
        p: &Pseudonymizer,
        fresh: Fresh<'_, 'a>,
    ) -> Result<RunStats, SanitizeError> {
        *doc = fresh()?;
        self.run_naive(doc, p)
    }

    /// Whether the plan may hand a document back to the naive engine: a `redact` path ends in a
    /// wildcard or a filter, which can select both array elements and object members.
    pub fn may_need_naive(&self) -> bool {
        self.plan.is_some()
            && self.specs.iter().any(|t| {
                t.action == Action::Delete
                    && t.paths.iter().any(|path| {
                        path.steps.last().is_some_and(|step| {
                            let (StepKind::Child(selector) | StepKind::Descendant(selector)) =
                                &step.kind;
                            matches!(selector, Selector::Wildcard | Selector::Filter(_))
                        })
                    })
            })
    }

    /// Applies every transform to `doc` with the naive engine, whichever engine this runs:
    /// its first error is the one the proxy meets first.
    pub fn run_naive(
        &self,
        doc: &mut Value<'_>,
        p: &Pseudonymizer,
    ) -> Result<RunStats, SanitizeError> {
        naive::run(&self.specs, doc, &mut self.mapper(p, None)).map_err(|e| self.error(e))
    }

    /// [`Transforms::run`], then `emit` with the result. With the plan, large arrays of the
    /// last walk may be walked while `emit` writes them, which must then fill its holes.
    pub fn run_emit<'a, X>(
        &self,
        doc: &mut Value<'a>,
        p: &Pseudonymizer,
        arenas: Option<&'a mut Arenas>,
        fresh: Fresh<'_, 'a>,
        emit: &mut dyn FnMut(&Value<'a>, &mut dyn Holes) -> Result<bool, X>,
    ) -> Result<Result<bool, X>, EmitError> {
        let Some(plan) = &self.plan else {
            self.run(doc, p, arenas, fresh).map_err(EmitError::Failed)?;
            return Ok(emit(doc, &mut NoHoles));
        };
        let mut mapper = self.mapper(p, arenas);
        match plan.run_emit(doc, &mut mapper, emit) {
            Ok(emitted) => Ok(emitted),
            // A walk that deletes leaves no hole: nothing was written.
            Err(Emitted::Exec(e)) if matches!(e.kind, ExecErrorKind::UpdateOrder) => {
                drop(mapper);
                self.run_naive_again(doc, p, fresh)
                    .map_err(EmitError::Failed)?;
                Ok(emit(doc, &mut NoHoles))
            }
            Err(Emitted::Exec(e)) => Err(EmitError::Failed(self.error(e))),
            Err(Emitted::Redo) => Err(EmitError::Redo),
        }
    }

    /// The value functions as the engines call them, with the arenas their strings go to.
    fn mapper<'f, 'a>(
        &'f self,
        p: &'f Pseudonymizer,
        arenas: Option<&'a mut Arenas>,
    ) -> ValueMapper<'f, 'a> {
        if let Some(arenas) = arenas {
            let Arenas {
                main,
                spares,
                chunks: [here, there],
                split,
            } = arenas;
            let spares = if *split { &mut spares[..] } else { &mut [] };
            let mut mapper = ValueMapper::new(&self.compiled, p, Some(&*main), spares.iter_mut());
            // Arrays are walked while the document is written only with a second core.
            if *split {
                mapper.chunks = Some([here, there]);
            }
            mapper
        } else {
            ValueMapper::new(&self.compiled, p, None, [].iter_mut())
        }
    }

    /// The failure of a run that stopped writing a document, and that a run without holes
    /// does not repeat.
    pub fn incomplete(&self) -> SanitizeError {
        let t = self.compiled.first();
        SanitizeError::Transform {
            location: t
                .and_then(|t| t.path_locations.first().cloned())
                .unwrap_or(Location::File {
                    file: String::new(),
                }),
            kind: t.map_or("transforms", |t| t.name),
            pointer: None,
            reason: "the document could not be written whole; sanitize it with `--engine naive`"
                .into(),
            value: None,
            help: None,
        }
    }

    fn error(&self, e: ExecError<TransformError>) -> SanitizeError {
        let t = &self.compiled[e.transform];
        let (reason, help) = match e.kind {
            ExecErrorKind::Fatal(message) if message == naive::NULL_DOCUMENT => {
                (message, Some(self.null_document))
            }
            ExecErrorKind::Fatal(message) => (message, None),
            ExecErrorKind::Map(error) => (error.to_string(), error.hint()),
            ExecErrorKind::UnexpectedAbort => (
                "the value function stopped its path unexpectedly".to_owned(),
                None,
            ),
            // The plan's callers run the naive engine instead; this is the text if one does not.
            ExecErrorKind::UpdateOrder => (
                "the order of this path's deletions needs `--engine naive`".to_owned(),
                None,
            ),
        };
        match e.path {
            Some(p) => SanitizeError::Transform {
                location: t.path_locations[p].clone(),
                kind: t.name,
                pointer: e
                    .pointer
                    .map(|p| crate::harness::leaks::withhold_personal_names(&p).into_boxed_str()),
                reason: reason.into_boxed_str(),
                value: None,
                help,
            },
            None => SanitizeError::Guard {
                location: t.guard_location.clone().unwrap_or_else(|| {
                    t.path_locations.first().cloned().unwrap_or(Location::File {
                        file: String::new(),
                    })
                }),
                reason,
                value: None,
            },
        }
    }

    /// Records the values each path selects in `doc` (read-only, before any transform runs).
    /// The places of `doc` that the paths select, each as a JSON Pointer (one per member of a
    /// multi-name leaf) with the first transform and path, in rule order, that selects it.
    pub fn selected_places(&self, doc: &Value<'_>) -> HashMap<String, (usize, usize)> {
        let mut places = HashMap::new();
        for (t, spec) in self.specs.iter().enumerate() {
            for (p, path) in spec.paths.iter().enumerate() {
                for location in naive::concrete_paths(path, doc).unwrap_or_default() {
                    let (keys, segments) = match location.segments.split_last() {
                        Some((Segment::Keys(keys), rest)) => (keys.as_slice(), rest),
                        _ => (&[][..], location.segments.as_slice()),
                    };
                    let base = naive::pointer(&crate::jsonpath::Location {
                        segments: segments.to_vec(),
                    });
                    for key in keys {
                        let mut pointer = base.clone();
                        crate::plan::push_pointer_segment(&mut pointer, key);
                        places.entry(pointer).or_insert((t, p));
                    }
                    if keys.is_empty() {
                        places.entry(base).or_insert((t, p));
                    }
                }
            }
        }
        places
    }

    pub fn trace(&self, doc: &Value<'_>, pseudonymizer: &Pseudonymizer, trace: &mut Trace) {
        for (t, spec) in self.specs.iter().enumerate() {
            let value_fn = &self.compiled[t].value_fn;
            for (p, path) in spec.paths.iter().enumerate() {
                let selected = match naive::read_path(path, doc) {
                    Ok(ReadResult::List(items)) => items,
                    Ok(ReadResult::Definite(item)) => vec![item],
                    Err(_) => Vec::new(),
                };
                for item in selected {
                    // What a transform that keeps the rest of a string takes out of it.
                    if let Selected::Value(original @ Value::String(before)) = item
                        && value_fn.keeps_parts()
                        && let Ok(Value::String(after)) = value_fn.apply(original, pseudonymizer)
                    {
                        trace
                            .protected
                            .extend(removed_parts(before, &after).into_iter().map(|value| {
                                Protected {
                                    value,
                                    transform: t,
                                    path: p,
                                    part: true,
                                }
                            }));
                    }
                    let mut strings = Vec::new();
                    match item {
                        Selected::Value(v) => collect_strings(v, &mut strings),
                        Selected::Members(members) => {
                            for (_, v) in members {
                                collect_strings(v, &mut strings);
                            }
                        }
                    }
                    trace
                        .protected
                        .extend(strings.into_iter().map(|value| Protected {
                            value,
                            transform: t,
                            path: p,
                            part: false,
                        }));
                }
            }
        }
    }
}

/// The text of `before` that `after` no longer holds: each run of characters replaced or
/// removed, widened to whole words (a pseudonym may share a few letters with the name it
/// replaced, which then count as kept), with the unchanged text between two runs counted in
/// when it is shorter than three characters. Each part comes once, in the order of its first
/// place. The comparison gives up on long or much changed strings after a tenth of a second,
/// and then counts everything between the first and the last change as replaced.
fn removed_parts(before: &str, after: &str) -> Vec<String> {
    const MIN_KEPT_CHARS: usize = 3;
    let diff = similar::TextDiff::configure()
        .timeout(std::time::Duration::from_millis(100))
        .diff_chars(before, after);
    let chars: Vec<(usize, char)> = before.char_indices().collect();
    let in_word = |i: usize| chars.get(i).is_some_and(|&(_, c)| c.is_alphanumeric());
    let mut runs: Vec<std::ops::Range<usize>> = Vec::new();
    for op in diff.ops() {
        let (tag, old, _) = op.as_tag_tuple();
        if matches!(tag, similar::DiffTag::Equal) || old.is_empty() {
            continue;
        }
        let mut run = old;
        while run.start > 0 && in_word(run.start - 1) && in_word(run.start) {
            run.start -= 1;
        }
        while in_word(run.end) && in_word(run.end - 1) {
            run.end += 1;
        }
        match runs.last_mut() {
            Some(last) if run.start < last.end + MIN_KEPT_CHARS => last.end = last.end.max(run.end),
            _ => runs.push(run),
        }
    }
    let byte = |i: usize| chars.get(i).map_or(before.len(), |&(b, _)| b);
    let mut parts: Vec<String> = Vec::new();
    for run in runs {
        let part = &before[byte(run.start)..byte(run.end)];
        if !parts.iter().any(|p| p == part) {
            parts.push(part.to_owned());
        }
    }
    parts
}

/// Every string in a value, containers included, and the text of numbers long enough to be
/// identifiers (six characters or more: personal meeting ids, phone numbers as numbers).
/// Inside a container, a string that reads as a word of the format rather than data (lower-case
/// letters with `_`, `-`, `.` or `/`: `user`, `rich_text`, `text/plain`) is left out: a
/// redacted message's `"type":"user"` would make every member named `user` a leak. So are
/// dates and times, versions and durations ([`not_personal`]), which the same response shows
/// elsewhere (`generated_at`, `api_version`).
fn collect_strings(v: &Value<'_>, out: &mut Vec<String>) {
    const MIN_NUMBER_CHARS: usize = 6;
    let format_word = |s: &str| {
        not_personal(s)
            || !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || matches!(b, b'_' | b'-' | b'.' | b'/'))
    };
    if let Value::String(s) = v {
        out.push(s.to_string());
        return;
    }
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) if format_word(s) => {}
            Value::String(s) => out.push(s.to_string()),
            Value::Int(_) | Value::BigInt(_) | Value::Double(_) | Value::Decimal(_) => {
                if let Some(text) = java_number_string(v)
                    && text.len() >= MIN_NUMBER_CHARS
                {
                    out.push(text.into_owned());
                }
            }
            Value::Array(a) => stack.extend(a.iter().rev()),
            Value::Object(m) => stack.extend(m.values().rev()),
            _ => {}
        }
    }
}

/// Whether `s` is a date or a time of ISO 8601 (`2024-05-01`, `2024-05-01T10:00:00.000Z`), a
/// version (`2.14.3`, `10.15.7`, `v1.2`: three numbers, the first of one or two digits, or two
/// or three after a `v`; not an amount, a coordinate or a dotted phone number, `52.3676`,
/// `612.345.678`), or a duration (`PT1H30M`): values of a response that are no one's data.
fn not_personal(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: &[u8]| !r.is_empty() && r.iter().all(u8::is_ascii_digit);
    let date = b.len() >= 10
        && digits(&b[..4])
        && b[4] == b'-'
        && digits(&b[5..7])
        && b[7] == b'-'
        && digits(&b[8..10])
        && b[10..]
            .iter()
            .all(|c| c.is_ascii_digit() || b"T:.+-Z ".contains(c));
    let (prefixed, numbered) = match s.strip_prefix('v') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let numbers = numbered.split('.').collect::<Vec<_>>();
    let version = numbers.iter().all(|n| digits(n.as_bytes()) && n.len() <= 4)
        && if prefixed {
            (2..=3).contains(&numbers.len())
        } else {
            numbers.len() == 3 && numbers[0].len() <= 2
        };
    let duration = b.len() > 2
        && b[0] == b'P'
        && b[1..].iter().any(u8::is_ascii_digit)
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_digit() || b"YMWDTHS.".contains(c));
    date || version || duration
}
