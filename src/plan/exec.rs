//! The walk of a compiled pass: sets of threads over the trie, interned lazily as states with
//! per-state transition tables, applied to the document depth first in one traversal.
//!
//! At each document node the walk applies the rules of the pass in rule order: the children
//! first with the rules up to the node's first action, then that action, then the same again
//! for the later rules on the node's new value. Where a later rule decided something from the
//! node's contents (a filter, an all-names check, an index or slice) that an earlier rule may
//! still change inside the node, the earlier rules go first and the later ones decide again.
//! The result is that of applying the rules one after the other (§2.0).
//!
//! A large array whose elements are independent may be walked in two halves on two threads.
//! In the last pass, an array that nothing after it in the walk reads or changes (no action or
//! later rule on it or above it) may instead be taken out and walked in chunks while the
//! document is written (see [`walk`]), so that the transforms share the second core with the
//! writer, and what they make of each chunk is held only until the chunk is written.
//!
//! A rule that selects both a node and something inside it (only possible through a deep scan)
//! updates the inner location first exactly when Jayway's update order (§6.3.10) sorts it
//! first; otherwise the inner one is counted but, as in the reference, acts on the detached old
//! value, that is not at all. Like the naive engine, this assumes that order is consistent; it
//! is not when keys that start with a digit mix with array indexes (see `naive`).

use std::borrow::Cow;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{self, AtomicBool, AtomicU8, AtomicUsize};

use super::analysis::RuleId;
use super::compile::{Rule, Span, Trie};
use super::naive::{ROOT_DELETE, ROOT_MAP};
use super::{
    Action, ChunkMappers, ChunkSplit, ExecErrorKind, MapError, Mapper, Split, push_pointer_segment,
};
use crate::json::{Holes, NoHoles, Piece, Value, same_text, write_compact};
use crate::jsonpath::{Selector, effective_index, filter, slice_range};
use crate::threads::{self, DOCUMENT_STACK};

/// A failure in a walk, by rule.
#[derive(Debug)]
pub(crate) struct WalkError<E> {
    pub rule: RuleId,
    pub pointer: Option<String>,
    pub kind: ExecErrorKind<E>,
    /// The pointer's segments from the failing node up, gathered while unwinding.
    segments: Vec<String>,
}

impl<E> WalkError<E> {
    fn new(rule: RuleId, kind: ExecErrorKind<E>) -> Self {
        WalkError {
            rule,
            pointer: None,
            kind,
            segments: Vec::new(),
        }
    }
}

/// Walks the whole document from its root; with `defer`, large arrays that nothing after
/// them in the walk reads or changes are left as holes, returned for a later walk.
fn walk_root<'a, M: Mapper<'a>>(
    shared: Shared<'_, '_, 'a>,
    doc: &mut Value<'a>,
    mapper: &mut M,
    counts: &mut [u64],
    defer: bool,
) -> (Result<(), WalkError<M::Error>>, Vec<Hole<'a>>)
where
    M::Error: Send,
{
    let span = shared.trie.nodes[0].span;
    let mut walker = shared.walker(mapper, counts);
    // Deleted elements shift the indexes later rules see (`Slot::Index`), which ties the
    // halves of an array together: arrays are split only when no rule deletes.
    walker.may_split = !shared
        .rules
        .iter()
        .zip(shared.rule_on)
        .any(|(r, &on)| on && r.action == Action::Delete);
    walker.may_defer = defer && walker.may_split;
    let start = walker.m.intern(&mut vec![at(0)]);
    let visited = walker.visit(doc, start, span.lo, span.hi, Slot::Root);
    let visited = visited.and_then(|fate| match walker.misordered() {
        Some(r) => Err(WalkError::new(r, ExecErrorKind::UpdateOrder)),
        None => Ok(fate),
    });
    let result = match visited {
        Ok(_) => Ok(()),
        Err(mut e) => {
            let mut pointer = String::new();
            for segment in e.segments.iter().rev() {
                push_pointer_segment(&mut pointer, segment);
            }
            e.pointer = Some(pointer);
            Err(e)
        }
    };
    (result, walker.holes)
}

/// Why a walk failed.
pub(crate) enum EmitFailure<E> {
    /// The walk failed with no hole left: its error is the one a plain walk makes.
    Walk(WalkError<E>),
    /// A walk with holes failed: which error comes first is known from a plain walk only.
    Redo,
}

/// Elements of a hole walked and written as one piece.
const HOLE_CHUNK: usize = 256;

/// The states of a hole's chunk.
const TODO: u8 = 0;
const DONE: u8 = 1;
const FAILED: u8 = 2;

/// Runs one walk pass over `doc`; adds each rule's matches to `counts`. With `emit` (the last
/// pass of a plan only, as `emit` sees the document as final), then hands the document to
/// `emit` to be written, and returns what it said. Large arrays that nothing after them in the
/// walk reads or changes are then walked while the document is written: chunk by chunk, by a
/// second thread and by the writer when it waits for a chunk.
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
pub(crate) fn walk<'a, M: Mapper<'a>, X>(
    trie: &Trie,
    rules: &[Rule],
    rule_on: &[bool],
    doc: &mut Value<'a>,
    mapper: &mut M,
    counts: &mut [u64],
    limits: Limits,
    emit: Option<&mut dyn FnMut(&Value<'a>, &mut dyn Holes) -> Result<bool, X>>,
) -> Result<Option<Result<bool, X>>, EmitFailure<M::Error>>
where
    M::Error: Send,
{
    let span = trie.nodes[0].span;
    if span.lo >= span.hi {
        return Ok(emit.map(|emit| emit(doc, &mut NoHoles)));
    }
    // Absolute filter operands read the document as it was before the pass: the split keeps
    // every position they read unchanged for the whole pass.
    let snapshot = trie.reads_root.then(|| doc.clone());
    let shared = Shared {
        trie,
        rules,
        rule_on,
        root: snapshot.as_ref(),
        limits,
    };
    let defer = emit.is_some() && mapper.can_chunk();
    let (result, mut holes) = walk_root(shared, doc, mapper, counts, defer);
    match (result, emit) {
        (Err(e), _) if holes.is_empty() => Err(EmitFailure::Walk(e)),
        (Err(_), _) => Err(EmitFailure::Redo),
        (Ok(()), None) => Ok(None),
        (Ok(()), Some(emit)) if holes.is_empty() => Ok(Some(emit(doc, &mut NoHoles))),
        (Ok(()), Some(emit)) => walk_holes(shared, doc, &mut holes, mapper, counts, emit).map(Some),
    }
}

/// Hands `doc` to `emit` with `holes`, walked chunk by chunk while it writes them. Each chunk
/// is taken out of its hole, walked with a mapper of its own, written and dropped, by a second
/// thread (ahead of the writer, which then copies what it wrote) or by the writer when it would
/// otherwise wait: what the transforms make of a chunk is held only until it is written.
fn walk_holes<'a, M: Mapper<'a>, X>(
    shared: Shared<'_, '_, 'a>,
    doc: &Value<'a>,
    holes: &mut [Hole<'a>],
    mapper: &mut M,
    counts: &mut [u64],
    emit: &mut dyn FnMut(&Value<'a>, &mut dyn Holes) -> Result<bool, X>,
) -> Result<Result<bool, X>, EmitFailure<M::Error>>
where
    M::Error: Send,
{
    // Holes are left only where the mapper said it makes chunk mappers.
    let Some(ChunkSplit { mut here, there }) = mapper.chunk_mappers() else {
        return Err(EmitFailure::Redo);
    };
    let infos: Vec<HoleInfo> = holes
        .iter_mut()
        .map(|h| HoleInfo {
            at: h.at,
            threads: std::mem::take(&mut h.threads),
            span: h.span,
        })
        .collect();
    let mut ranges = Vec::with_capacity(holes.len());
    let mut chunks = Vec::new();
    for (hole, h) in holes.iter_mut().enumerate() {
        let first = chunks.len();
        for (k, part) in h.items.chunks_mut(HOLE_CHUNK).enumerate() {
            chunks.push(Chunk {
                hole,
                offset: k * HOLE_CHUNK,
                data: Mutex::new(ChunkData {
                    items: part,
                    written: Vec::new(),
                }),
                state: AtomicU8::new(TODO),
            });
        }
        ranges.push(first..chunks.len());
    }
    let (next, waiting, stop) = (
        AtomicUsize::new(0),
        AtomicUsize::new(0),
        AtomicBool::new(false),
    );
    let progress = Progress {
        chunks: &chunks,
        infos: &infos,
        next: &next,
        waiting: &waiting,
        stop: &stop,
    };
    let rule_count = counts.len();
    let (emitted, complete, here_counts, there_counts) = std::thread::scope(|scope| {
        let helper = there.and_then(|mut there| {
            std::thread::Builder::new()
                .stack_size(DOCUMENT_STACK)
                .spawn_scoped(scope, move || {
                    let mut walker = ChunkWalker::new(shared, &mut *there, rule_count);
                    while let Some(k) = progress.claim_ahead() {
                        if !walker.walk(&progress.chunks[k], &progress, None) {
                            progress.stop.store(true, atomic::Ordering::Relaxed);
                        }
                    }
                    walker.counts
                })
                .ok()
        });
        let mut walker = ChunkWalker::new(shared, &mut *here, rule_count);
        let mut filler = Filler {
            progress,
            ranges: &ranges,
            walker: &mut walker,
            next_hole: 0,
            failed: false,
        };
        let emitted = emit(doc, &mut filler);
        let complete = !filler.failed && filler.next_hole == infos.len();
        stop.store(true, atomic::Ordering::Relaxed);
        let there_counts = match helper.map(std::thread::ScopedJoinHandle::join) {
            Some(Ok(counts)) => counts,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => Vec::new(),
        };
        (emitted, complete, walker.counts, there_counts)
    });
    if emitted.is_ok() && !complete {
        return Err(EmitFailure::Redo);
    }
    for part in [here_counts, there_counts] {
        for (c, n) in counts.iter_mut().zip(part) {
            *c += n;
        }
    }
    Ok(emitted)
}

/// An array taken out of the document by a walk, to be walked later: an empty array stands in
/// its place, at address `at`.
pub(crate) struct Hole<'a> {
    at: usize,
    items: Vec<Value<'a>>,
    /// The threads of the state of every element.
    threads: Vec<u32>,
    span: (RuleId, RuleId),
}

/// What a hole's chunks need to be walked.
struct HoleInfo {
    at: usize,
    threads: Vec<u32>,
    span: (RuleId, RuleId),
}

/// Consecutive elements of a hole.
struct Chunk<'v, 'a> {
    hole: usize,
    /// The index of the first element in the hole's array.
    offset: usize,
    data: Mutex<ChunkData<'v, 'a>>,
    state: AtomicU8,
}

/// A chunk's elements, taken (each left null) when it is walked; and, once walked by a thread
/// that could not write it yet, what it writes.
struct ChunkData<'v, 'a> {
    items: &'v mut [Value<'a>],
    written: Vec<u8>,
}

/// Bytes that chunks written ahead of the writer may hold: past them, the second thread waits
/// for the writer to catch up.
const AHEAD_BYTES: usize = 4 << 20;

/// The chunks of a document's holes and how far their walk and their writing went.
#[derive(Clone, Copy)]
struct Progress<'f, 'v, 'a> {
    chunks: &'f [Chunk<'v, 'a>],
    infos: &'f [HoleInfo],
    /// The next chunk nobody has taken yet.
    next: &'f AtomicUsize,
    /// The bytes of the chunks written ahead of the writer, waiting for it.
    waiting: &'f AtomicUsize,
    stop: &'f AtomicBool,
}

impl Progress<'_, '_, '_> {
    /// The next chunk for the second thread, which waits while [`AHEAD_BYTES`] wait for the
    /// writer; `None` once every chunk is taken or the walk stopped.
    fn claim_ahead(&self) -> Option<usize> {
        loop {
            if self.stop.load(atomic::Ordering::Relaxed) {
                return None;
            }
            if self.next.load(atomic::Ordering::Relaxed) >= self.chunks.len() {
                return None;
            }
            if self.waiting.load(atomic::Ordering::Relaxed) < AHEAD_BYTES {
                return claim(self.next, self.chunks.len());
            }
            std::thread::sleep(std::time::Duration::from_micros(50));
        }
    }
}

/// The next chunk nobody has taken yet.
fn claim(next: &AtomicUsize, chunks: usize) -> Option<usize> {
    if next.load(atomic::Ordering::Relaxed) >= chunks {
        return None;
    }
    let k = next.fetch_add(1, atomic::Ordering::Relaxed);
    (k < chunks).then_some(k)
}

/// Walks chunks of holes one after another on one thread, each with a mapper of its own, all
/// with one automaton.
struct ChunkWalker<'p, 'r, 'a, 'k, E> {
    shared: Shared<'p, 'r, 'a>,
    machine: Option<Machine<'p>>,
    maker: &'k mut dyn ChunkMappers<E>,
    counts: Vec<u64>,
}

impl<'p, 'r, 'a, 'k, E: Send> ChunkWalker<'p, 'r, 'a, 'k, E> {
    fn new(shared: Shared<'p, 'r, 'a>, maker: &'k mut dyn ChunkMappers<E>, rules: usize) -> Self {
        ChunkWalker {
            shared,
            machine: None,
            maker,
            counts: vec![0; rules],
        }
    }

    /// Walks `chunk`, then hands its elements to `write`, or without it keeps them written in
    /// the chunk, counted in `progress` as waiting for the writer; false if the walk failed.
    fn walk(
        &mut self,
        chunk: &Chunk<'_, 'a>,
        progress: &Progress<'_, '_, 'a>,
        write: Option<&mut dyn FnMut(Piece<'_, '_>)>,
    ) -> bool {
        let ok = chunk.data.lock().is_ok_and(|mut data| {
            let ok = self.walk_items(&mut data, chunk.offset, &progress.infos[chunk.hole], write);
            progress
                .waiting
                .fetch_add(data.written.len(), atomic::Ordering::Relaxed);
            ok
        });
        chunk
            .state
            .store(if ok { DONE } else { FAILED }, atomic::Ordering::Release);
        ok
    }

    fn walk_items(
        &mut self,
        data: &mut ChunkData<'_, 'a>,
        offset: usize,
        info: &HoleInfo,
        write: Option<&mut dyn FnMut(Piece<'_, '_>)>,
    ) -> bool {
        let mut mapper = self.maker.next_chunk();
        // Out of the document, the elements live as long as what the chunk's mapper makes.
        let mut items = Vec::with_capacity(data.items.len());
        for item in data.items.iter_mut() {
            items.push(std::mem::replace(item, Value::Null));
        }
        let Shared {
            trie,
            rule_on,
            limits,
            ..
        } = self.shared;
        let machine = self
            .machine
            .take()
            .unwrap_or_else(|| Machine::new(trie, rule_on, limits));
        let mut walker = self
            .shared
            .walker_on(machine, &mut mapper, &mut self.counts);
        let s = walker.m.intern(&mut info.threads.clone());
        let ok = walker
            .elements(&mut items, offset, info.span, ElementStates::Same(s))
            .is_ok_and(|deleted| deleted.is_empty());
        self.machine = Some(walker.into_machine());
        if ok {
            match write {
                Some(write) => write(Piece::Values(&items)),
                None => {
                    for (i, v) in items.iter().enumerate() {
                        if i > 0 {
                            data.written.push(b',');
                        }
                        write_compact(v, &mut data.written);
                    }
                }
            }
        }
        ok
    }
}

/// The holes of a document as its writer meets them, in document order: each chunk written
/// once walked, and walked here when the writer would otherwise wait for it.
struct Filler<'f, 'v, 'a, 'w, 'p, 'r, 'k, E> {
    progress: Progress<'f, 'v, 'a>,
    ranges: &'f [std::ops::Range<usize>],
    walker: &'w mut ChunkWalker<'p, 'r, 'a, 'k, E>,
    next_hole: usize,
    failed: bool,
}

impl<E: Send> Holes for Filler<'_, '_, '_, '_, '_, '_, '_, E> {
    fn hole(&mut self, at: usize) -> Option<usize> {
        let h = self.next_hole;
        if self.failed || self.progress.infos.get(h)?.at != at {
            return None;
        }
        self.next_hole += 1;
        Some(h)
    }

    fn fill(&mut self, hole: usize, write: &mut dyn FnMut(Piece<'_, '_>)) -> bool {
        let p = self.progress;
        for k in self.ranges[hole].clone() {
            let chunk = &p.chunks[k];
            loop {
                match chunk.state.load(atomic::Ordering::Acquire) {
                    DONE => {
                        let Ok(mut data) = chunk.data.lock() else {
                            self.failed = true;
                            return false;
                        };
                        let bytes = std::mem::take(&mut data.written);
                        drop(data);
                        write(Piece::Written(&bytes));
                        p.waiting.fetch_sub(bytes.len(), atomic::Ordering::Relaxed);
                        break;
                    }
                    FAILED => {
                        self.failed = true;
                        return false;
                    }
                    _ => {}
                }
                match claim(p.next, p.chunks.len()) {
                    // The chunk to write now is written as it is walked.
                    Some(j) if j == k => {
                        if !self.walker.walk(chunk, &p, Some(&mut *write)) {
                            p.stop.store(true, atomic::Ordering::Relaxed);
                            self.failed = true;
                            return false;
                        }
                        break;
                    }
                    Some(j) => {
                        if !self.walker.walk(&p.chunks[j], &p, None) {
                            p.stop.store(true, atomic::Ordering::Relaxed);
                        }
                    }
                    // The thread walking it panicked; the panic goes on when it is joined.
                    None if chunk.data.is_poisoned() => {
                        self.failed = true;
                        return false;
                    }
                    None => std::thread::yield_now(),
                }
            }
        }
        true
    }
}

// A thread is a trie node to apply at the current document node (`at`), a node whose deep-scan
// edges apply here and below (`scan`), or a filter edge whose test on this array element is
// still to be made (`elem`), packed in a u32 with the kind in the low bits.
const AT: u32 = 0;
const SCAN: u32 = 1;
const ELEM: u32 = 2;

fn at(node: u32) -> u32 {
    node << 2 | AT
}

fn scan(node: u32) -> u32 {
    node << 2 | SCAN
}

fn elem(edge: u32) -> u32 {
    edge << 2 | ELEM
}

type StateId = u32;
type ClosedId = u32;
/// An action at a node: on the node itself, or (an edge id) on the members a multi-name leaf
/// names.
type Act = u32;
const ON_NODE: Act = u32::MAX;
/// The state with no threads.
const EMPTY: StateId = 0;

/// A set of threads arriving at a document node.
#[derive(Debug)]
struct State {
    threads: Box<[u32]>,
    span: Span,
    /// The span of the threads that are not deep scans: all that can act at a scalar.
    at_span: Span,
    /// The closure's decision tree for an object, an array and a scalar.
    closure: [Option<u32>; 3],
}

/// What a state does at one document node once filters are tested: actions, and what goes on
/// to the children.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ClosedKey {
    /// By rule, ascending.
    actions: Box<[(RuleId, Act)]>,
    child_edges: Box<[u32]>,
    /// Trie nodes whose deep scans continue into child containers.
    scan_prop: Box<[u32]>,
    /// Filter edges met on a primitive below a definite path (§6.3.8).
    fatal: Box<[u32]>,
}

#[derive(Debug)]
struct Closed {
    key: ClosedKey,
    children: bool,
    /// Rules with threads into the children.
    child_span: Span,
    /// Index and slice edges among the child edges: they read the array's length.
    positional: Box<[u32]>,
    keys: Option<KeyTable>,
    elem_base: Option<StateId>,
    elem_special: Vec<(Box<[u32]>, StateId)>,
}

/// Transitions of a closed state by member key: the keys its edges name, and everything else.
#[derive(Debug)]
struct KeyTable {
    names: Vec<Box<str>>,
    edges: Vec<Vec<u32>>,
    states: Vec<Option<StateId>>,
    /// For many names.
    lookup: Option<HashMap<Box<str>, usize>>,
    wild: Vec<u32>,
    other: Option<StateId>,
}

impl KeyTable {
    fn find(&self, key: &str) -> Option<usize> {
        match &self.lookup {
            Some(map) => map.get(key).copied(),
            None => self.names.iter().position(|n| same_text(n, key)),
        }
    }
}

/// A test the closure depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Test {
    /// The filter of an edge, with `@` the current value.
    Filter(u32),
    /// The current object has every name of a multi-name edge (§6.3.3).
    AllNames(u32),
}

impl Test {
    fn edge(self) -> u32 {
        match self {
            Test::Filter(e) | Test::AllNames(e) => e,
        }
    }
}

/// The closure of a state for one kind of value, decided by the outcomes of its tests in the
/// order the closure makes them; built lazily, one branch at a time.
#[derive(Debug)]
enum DNode {
    Leaf(ClosedId),
    Test {
        test: Test,
        yes: Option<u32>,
        no: Option<u32>,
    },
}

/// Which threads can still lead to an active rule (when a guard turned a transform off).
#[derive(Debug)]
struct Live {
    at: Vec<bool>,
    scan: Vec<bool>,
    elem: Vec<bool>,
}

/// How much a walk caches. Beyond these sizes new states are no longer cached: they live
/// while the walk is below the node that made them, so memory stays bounded by the limits
/// plus the document's depth.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub states: usize,
    pub threads: usize,
}

impl Limits {
    pub(crate) const DEFAULT: Limits = Limits {
        states: 1 << 16,
        threads: 1 << 22,
    };
}

/// The lazily built automaton of one walk.
#[derive(Debug)]
struct Machine<'p> {
    trie: &'p Trie,
    live: Option<Live>,
    states: Vec<State>,
    state_ids: HashMap<Box<[u32]>, StateId>,
    closed: Vec<Closed>,
    closed_ids: HashMap<ClosedKey, ClosedId>,
    dnodes: Vec<DNode>,
    stored: usize,
    limits: Limits,
    /// Set once the caches are full; states and closed states from then on are temporary.
    frozen: Option<(usize, usize)>,
    seen: Vec<u32>,
    stamp: u32,
    work: Vec<u32>,
    outcomes: Vec<bool>,
    new_tests: Vec<Test>,
    /// The edges whose tests the last closure made.
    tested: Vec<u32>,
    actions: Vec<(RuleId, Act)>,
    child: Vec<u32>,
    scans: Vec<u32>,
    fatal: Vec<u32>,
}

fn kind_of(v: &Value<'_>) -> usize {
    match v {
        Value::Object(_) => 0,
        Value::Array(_) => 1,
        _ => 2,
    }
}

impl<'p> Machine<'p> {
    fn new(trie: &'p Trie, rule_on: &[bool], limits: Limits) -> Machine<'p> {
        let on = |r: &RuleId| rule_on.get(*r as usize).copied().unwrap_or(false);
        let live = trie.edges.iter().any(|e| !e.rules.iter().all(on)).then(|| {
            let elem: Vec<bool> = trie.edges.iter().map(|e| e.rules.iter().any(on)).collect();
            let scan: Vec<bool> = trie
                .nodes
                .iter()
                .map(|n| n.desc_edges.iter().any(|&e| elem[e as usize]))
                .collect();
            let at = trie
                .nodes
                .iter()
                .map(|n| {
                    n.actions.iter().any(on)
                        || n.child_edges
                            .iter()
                            .chain(&n.desc_edges)
                            .any(|&e| elem[e as usize])
                })
                .collect();
            Live { at, scan, elem }
        });
        let ids = 4 * trie.nodes.len().max(trie.edges.len()) + 4;
        let mut m = Machine {
            trie,
            live,
            states: Vec::new(),
            state_ids: HashMap::new(),
            closed: Vec::new(),
            closed_ids: HashMap::new(),
            dnodes: Vec::new(),
            stored: 0,
            limits,
            frozen: None,
            seen: vec![0; ids],
            stamp: 0,
            work: Vec::new(),
            outcomes: Vec::new(),
            new_tests: Vec::new(),
            tested: Vec::new(),
            actions: Vec::new(),
            child: Vec::new(),
            scans: Vec::new(),
            fatal: Vec::new(),
        };
        m.intern(&mut Vec::new());
        m
    }

    fn live(&self, thread: u32) -> bool {
        let Some(live) = &self.live else {
            return true;
        };
        let id = (thread >> 2) as usize;
        match thread & 3 {
            AT => live.at[id],
            SCAN => live.scan[id],
            _ => live.elem[id],
        }
    }

    fn thread_span(&self, thread: u32) -> Span {
        let id = (thread >> 2) as usize;
        match thread & 3 {
            AT => self.trie.nodes[id].span,
            SCAN => self.trie.nodes[id].scan_span,
            _ => self.trie.edges[id].span,
        }
    }

    fn mark(&self) -> (usize, usize) {
        (self.states.len(), self.closed.len())
    }

    /// Drops the temporary states made since `mark`.
    fn release(&mut self, mark: (usize, usize)) {
        if let Some((states, closed)) = self.frozen {
            self.states.truncate(mark.0.max(states));
            self.closed.truncate(mark.1.max(closed));
        }
    }

    fn cached_state(&self, id: StateId) -> bool {
        self.frozen.is_none_or(|(n, _)| (id as usize) < n)
    }

    fn cached_closed(&self, id: ClosedId) -> bool {
        self.frozen.is_none_or(|(_, n)| (id as usize) < n)
    }

    fn grow(&mut self, threads: usize) {
        self.stored += threads;
        if self.frozen.is_none()
            && (self.states.len() + self.closed.len() + self.dnodes.len() > self.limits.states
                || self.stored > self.limits.threads)
        {
            self.frozen = Some((self.states.len(), self.closed.len()));
        }
    }

    /// The state of a thread set (sorted and deduplicated here).
    fn intern(&mut self, threads: &mut Vec<u32>) -> StateId {
        threads.sort_unstable();
        threads.dedup();
        if self.live.is_some() {
            threads.retain(|&t| self.live(t));
        }
        if let Some(&id) = self.state_ids.get(threads.as_slice()) {
            return id;
        }
        let mut span = Span::EMPTY;
        let mut at_span = Span::EMPTY;
        for &t in threads.iter() {
            span.join(self.thread_span(t));
            if t & 3 != SCAN {
                at_span.join(self.thread_span(t));
            }
        }
        let id = self.states.len() as StateId;
        let boxed: Box<[u32]> = threads.as_slice().into();
        if self.frozen.is_none() {
            self.state_ids.insert(boxed.clone(), id);
        }
        self.states.push(State {
            threads: boxed,
            span,
            at_span,
            closure: [None; 3],
        });
        self.grow(threads.len());
        id
    }

    fn intern_closed(&mut self, key: ClosedKey) -> ClosedId {
        if let Some(&id) = self.closed_ids.get(&key) {
            return id;
        }
        let id = self.closed.len() as ClosedId;
        let positional: Box<[u32]> = key
            .child_edges
            .iter()
            .copied()
            .filter(|&e| {
                matches!(
                    self.trie.edges[e as usize].selector(),
                    Selector::Indexes(_) | Selector::Slice { .. }
                )
            })
            .collect();
        let children = !key.child_edges.is_empty() || !key.scan_prop.is_empty();
        let mut child_span = Span::EMPTY;
        for &e in &key.child_edges {
            child_span.join(self.trie.edges[e as usize].span);
        }
        for &u in &key.scan_prop {
            child_span.join(self.trie.nodes[u as usize].scan_span);
        }
        let size = key.actions.len() + key.child_edges.len() + key.scan_prop.len();
        if self.frozen.is_none() {
            self.closed_ids.insert(key.clone(), id);
        }
        self.closed.push(Closed {
            key,
            children,
            child_span,
            positional,
            keys: None,
            elem_base: None,
            elem_special: Vec::new(),
        });
        self.grow(size);
        id
    }

    fn eval_test<'a>(&self, test: Test, v: &Value<'a>, root: Option<&Value<'a>>) -> bool {
        match test {
            Test::Filter(e) => match self.trie.edges[e as usize].selector() {
                Selector::Filter(f) => filter::test(f, v, root.unwrap_or(v)),
                _ => false,
            },
            Test::AllNames(e) => v.as_object().is_some_and(|m| {
                self.trie.edges[e as usize]
                    .names()
                    .iter()
                    .all(|n| m.contains_key(n))
            }),
        }
    }

    /// What state `s` does at a node holding `v`.
    fn closure<'a>(&mut self, s: StateId, v: &Value<'a>, root: Option<&Value<'a>>) -> ClosedId {
        let kind = kind_of(v);
        self.outcomes.clear();
        self.tested.clear();
        let mut link: Option<(u32, bool)> = None;
        let mut node = self.states[s as usize].closure[kind];
        while let Some(d) = node {
            match self.dnodes[d as usize] {
                DNode::Leaf(c) => return c,
                DNode::Test { test, yes, no } => {
                    let r = self.eval_test(test, v, root);
                    self.outcomes.push(r);
                    self.tested.push(test.edge());
                    link = Some((d, r));
                    node = if r { yes } else { no };
                }
            }
        }
        let replayed = self.outcomes.len();
        let c = self.compute(s, v, root);
        // Once the caches are full, trees stop growing too.
        if self.frozen.is_none() {
            let added = self.outcomes.len() - replayed + 1;
            for k in replayed..self.outcomes.len() {
                let d = self.dnodes.len() as u32;
                self.dnodes.push(DNode::Test {
                    test: self.new_tests[k - replayed],
                    yes: None,
                    no: None,
                });
                self.set_link(s, kind, link, d);
                link = Some((d, self.outcomes[k]));
            }
            let leaf = self.dnodes.len() as u32;
            self.dnodes.push(DNode::Leaf(c));
            self.set_link(s, kind, link, leaf);
            self.grow(added);
        }
        c
    }

    fn set_link(&mut self, s: StateId, kind: usize, link: Option<(u32, bool)>, d: u32) {
        match link {
            None => self.states[s as usize].closure[kind] = Some(d),
            Some((p, branch)) => {
                if let DNode::Test { yes, no, .. } = &mut self.dnodes[p as usize] {
                    *(if branch { yes } else { no }) = Some(d);
                }
            }
        }
    }

    /// Decides `test`: from the outcomes being replayed, else by evaluating it.
    fn decide<'a>(
        &mut self,
        test: Test,
        v: &Value<'a>,
        root: Option<&Value<'a>>,
        pos: &mut usize,
    ) -> bool {
        let r = if let Some(&r) = self.outcomes.get(*pos) {
            r
        } else {
            let r = self.eval_test(test, v, root);
            self.outcomes.push(r);
            self.new_tests.push(test);
            self.tested.push(test.edge());
            r
        };
        *pos += 1;
        r
    }

    fn enqueue(&mut self, thread: u32) {
        let i = thread as usize;
        if self.seen[i] != self.stamp && self.live(thread) {
            self.seen[i] = self.stamp;
            self.work.push(thread);
        }
    }

    /// Computes the closure of `s` at `v` from scratch; the first `self.outcomes` are replayed.
    fn compute<'a>(&mut self, s: StateId, v: &Value<'a>, root: Option<&Value<'a>>) -> ClosedId {
        self.new_tests.clear();
        self.actions.clear();
        self.child.clear();
        self.scans.clear();
        self.fatal.clear();
        self.work.clear();
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.seen.fill(0);
            self.stamp = 1;
        }
        let mut pos = 0;
        for i in 0..self.states[s as usize].threads.len() {
            let t = self.states[s as usize].threads[i];
            self.enqueue(t);
        }
        let trie = self.trie;
        let mut i = 0;
        while i < self.work.len() {
            let thread = self.work[i];
            i += 1;
            let id = thread >> 2;
            match thread & 3 {
                AT => {
                    let node = &trie.nodes[id as usize];
                    self.actions
                        .extend(node.actions.iter().map(|&r| (r, ON_NODE)));
                    for &e in &node.child_edges {
                        self.apply_edge(e, false, v, root, &mut pos);
                    }
                    if !node.desc_edges.is_empty() {
                        self.enqueue(scan(id));
                    }
                }
                SCAN => {
                    if v.is_container() {
                        self.scans.push(id);
                        for &e in &trie.nodes[id as usize].desc_edges {
                            self.apply_edge(e, true, v, root, &mut pos);
                        }
                    }
                }
                _ => {
                    if self.decide(Test::Filter(id), v, root, &mut pos)
                        && let Some(to) = trie.edges[id as usize].to
                    {
                        self.enqueue(at(to));
                    }
                }
            }
        }
        self.actions.sort_by_key(|&(r, _)| r);
        self.actions.dedup();
        for list in [&mut self.child, &mut self.scans, &mut self.fatal] {
            list.sort_unstable();
            list.dedup();
        }
        let key = ClosedKey {
            actions: self.actions.as_slice().into(),
            child_edges: self.child.as_slice().into(),
            scan_prop: self.scans.as_slice().into(),
            fatal: self.fatal.as_slice().into(),
        };
        self.intern_closed(key)
    }

    /// Applies edge `e` at a node holding `v`; a deep-scan edge only where its scan predicate
    /// holds (§6.3.3-5).
    fn apply_edge<'a>(
        &mut self,
        e: u32,
        descendant: bool,
        v: &Value<'a>,
        root: Option<&Value<'a>>,
        pos: &mut usize,
    ) {
        let trie = self.trie;
        let edge = &trie.edges[e as usize];
        match edge.selector() {
            Selector::Name(_) | Selector::Names(_) => {
                if v.as_object().is_some() {
                    if edge.to.is_some() {
                        self.child.push(e);
                    }
                    if !edge.keys_rules.is_empty()
                        && (!descendant || self.decide(Test::AllNames(e), v, root, pos))
                    {
                        self.actions.extend(edge.keys_rules.iter().map(|&r| (r, e)));
                    }
                }
            }
            Selector::Wildcard => {
                if v.is_container() {
                    self.child.push(e);
                }
            }
            Selector::Indexes(_) | Selector::Slice { .. } => {
                if matches!(v, Value::Array(_)) {
                    self.child.push(e);
                }
            }
            Selector::Filter(_) => match v {
                // A filter on an object tests the object itself (§6.3.6).
                Value::Object(_) => {
                    if self.decide(Test::Filter(e), v, root, pos)
                        && let Some(to) = edge.to
                    {
                        self.enqueue(at(to));
                    }
                }
                // On an array it tests each element, when the walk reaches it; a deep scan
                // first tests the array itself.
                Value::Array(_) => {
                    if !descendant || self.decide(Test::Filter(e), v, root, pos) {
                        self.child.push(e);
                    }
                }
                _ => {
                    if !descendant && trie.nodes[edge.from as usize].definite {
                        self.fatal.push(e);
                    }
                }
            },
        }
    }

    /// The state of member `key` of an object at closed state `c`.
    fn object_child(&mut self, c: ClosedId, key: &str) -> StateId {
        if self.closed[c as usize].keys.is_none() {
            let table = self.key_table(c);
            self.closed[c as usize].keys = Some(table);
        }
        let Some(table) = &self.closed[c as usize].keys else {
            return EMPTY;
        };
        let found = table.find(key);
        let cached = match found {
            Some(i) => table.states[i],
            None => table.other,
        };
        if let Some(s) = cached {
            return s;
        }
        let mut threads: Vec<u32> = table
            .wild
            .iter()
            .filter_map(|&e| self.edge_target(e))
            .collect();
        if let Some(i) = found {
            threads.extend(table.edges[i].iter().filter_map(|&e| self.edge_target(e)));
        }
        threads.extend(
            self.closed[c as usize]
                .key
                .scan_prop
                .iter()
                .map(|&u| scan(u)),
        );
        let s = self.intern(&mut threads);
        if self.cached_state(s)
            && self.cached_closed(c)
            && let Some(table) = &mut self.closed[c as usize].keys
        {
            match found {
                Some(i) => table.states[i] = Some(s),
                None => table.other = Some(s),
            }
        }
        s
    }

    /// The thread that goes on after edge `e` (none for an edge that only ends paths).
    fn edge_target(&self, e: u32) -> Option<u32> {
        self.trie.edges[e as usize].to.map(at)
    }

    fn key_table(&self, c: ClosedId) -> KeyTable {
        let mut table = KeyTable {
            names: Vec::new(),
            edges: Vec::new(),
            states: Vec::new(),
            lookup: None,
            wild: Vec::new(),
            other: None,
        };
        let mut index: HashMap<Box<str>, usize> = HashMap::new();
        for &e in &self.closed[c as usize].key.child_edges {
            let edge = &self.trie.edges[e as usize];
            if edge.to.is_none() {
                continue;
            }
            match edge.selector() {
                Selector::Wildcard => table.wild.push(e),
                Selector::Name(_) | Selector::Names(_) => {
                    for name in edge.names() {
                        let i = *index.entry(name.as_str().into()).or_insert_with(|| {
                            table.names.push(name.as_str().into());
                            table.edges.push(Vec::new());
                            table.states.push(None);
                            table.names.len() - 1
                        });
                        if !table.edges[i].contains(&e) {
                            table.edges[i].push(e);
                        }
                    }
                }
                _ => {}
            }
        }
        if table.names.len() > 8 {
            table.lookup = Some(index);
        }
        table
    }

    /// The state of element `i` of an array of `len` at closed state `c`.
    fn array_child(&mut self, c: ClosedId, i: usize, len: usize) -> StateId {
        let trie = self.trie;
        let closed = &self.closed[c as usize];
        if closed.positional.is_empty() {
            if let Some(s) = closed.elem_base {
                return s;
            }
            let s = self.element_state(c, &[]);
            if self.cached_state(s) && self.cached_closed(c) {
                self.closed[c as usize].elem_base = Some(s);
            }
            return s;
        }
        let matched: Vec<u32> = closed
            .positional
            .iter()
            .copied()
            .filter(|&e| match trie.edges[e as usize].selector() {
                Selector::Indexes(ix) => ix.iter().any(|&k| effective_index(k, len) == Some(i)),
                Selector::Slice { start, end } => slice_range(*start, *end, len).contains(&i),
                _ => false,
            })
            .collect();
        if let Some((_, s)) = closed
            .elem_special
            .iter()
            .find(|(m, _)| **m == *matched.as_slice())
        {
            return *s;
        }
        let s = self.element_state(c, &matched);
        if self.cached_state(s)
            && self.cached_closed(c)
            && self.closed[c as usize].elem_special.len() < 64
        {
            self.closed[c as usize]
                .elem_special
                .push((matched.into_boxed_slice(), s));
        }
        s
    }

    fn element_state(&mut self, c: ClosedId, matched: &[u32]) -> StateId {
        let closed = &self.closed[c as usize];
        let mut threads: Vec<u32> = Vec::new();
        for &e in &closed.key.child_edges {
            let edge = &self.trie.edges[e as usize];
            match (edge.selector(), edge.to) {
                (Selector::Wildcard, Some(to)) => threads.push(at(to)),
                (Selector::Filter(_), Some(_)) => threads.push(elem(e)),
                _ => {}
            }
        }
        threads.extend(matched.iter().filter_map(|&e| self.edge_target(e)));
        threads.extend(closed.key.scan_prop.iter().map(|&u| scan(u)));
        self.intern(&mut threads)
    }
}

/// Where a node sits in its parent.
#[derive(Debug, Clone, Copy)]
enum Slot<'k> {
    Root,
    Key(&'k str),
    /// `deleted`: earlier elements of the same array that rules of this walk deleted, with the
    /// deleting rule; a rule after them sees this element at a lower index.
    Index {
        index: usize,
        deleted: &'k Deletions,
    },
}

/// The elements of an array that rules of this walk deleted so far, in index order, with the
/// deleting rule; and, per rule asked about, how many of them earlier rules deleted, counted
/// incrementally: asking for every element costs a pass over the list per rule, not per
/// element.
#[derive(Debug, Default)]
struct Deletions {
    list: Vec<(usize, RuleId)>,
    /// By rule asked about: the length of `list` counted so far, and the count.
    counted: RefCell<Vec<(RuleId, usize, usize)>>,
}

impl Deletions {
    fn push(&mut self, index: usize, by: RuleId) {
        self.list.push((index, by));
    }

    /// How many of the deleted elements rules before `r` deleted.
    fn before(&self, r: RuleId) -> usize {
        let mut counted = self.counted.borrow_mut();
        let at = if let Some(at) = counted.iter().position(|&(rule, ..)| rule == r) {
            at
        } else {
            counted.push((r, 0, 0));
            counted.len() - 1
        };
        let (_, seen, count) = &mut counted[at];
        *count += self.list[*seen..].iter().filter(|(_, by)| *by < r).count();
        *seen = self.list.len();
        *count
    }

    fn indexes(self) -> Vec<usize> {
        self.list.into_iter().map(|(i, _)| i).collect()
    }
}

/// Where a node's entries start on the walker's stacks.
#[derive(Debug, Clone, Copy)]
struct Base {
    tested: usize,
    read_keys: usize,
}

/// What an action did to the node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    /// Nothing: the update belongs to a value an ancestor update replaces first.
    Unchanged,
    Replaced,
    /// The members a multi-name edge names were updated.
    Members(u32),
    Deleted,
}

/// What the parent must do with a node after its visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Keep,
    /// Deleted by this rule.
    Delete(RuleId),
}

/// The last segment of a location, as Jayway's update order compares it (§6.3.10).
#[derive(Debug, Clone)]
enum Accessor {
    Text(String),
    Index(usize),
}

impl Accessor {
    fn text(&self) -> Cow<'_, str> {
        match self {
            Accessor::Text(t) => Cow::Borrowed(t),
            Accessor::Index(i) => Cow::Owned(i.to_string()),
        }
    }
}

/// Whether Jayway's update order puts a location ending in `a` strictly before one ending in
/// `b`: indexes descending, anything else by descending text (the naive engine's order).
fn sorts_before(a: &Accessor, b: &Accessor) -> bool {
    match (a, b) {
        (Accessor::Index(i), Accessor::Index(j)) => i > j,
        _ => a.text().encode_utf16().cmp(b.text().encode_utf16()) == Ordering::Greater,
    }
}

/// A location that `rule` selects above the walk's current node. Below it, the rule's other
/// locations update only if they sort before it; the rest belong to the value it replaces.
#[derive(Debug)]
struct Constraint {
    rule: RuleId,
    accessor: Accessor,
}

struct Walker<'p, 'm, 'r, 'a, M: Mapper<'a>> {
    m: Machine<'p>,
    /// For each node on the way down, this node's last: the edges whose tests (or indexes)
    /// read the node, with the rules that may change what they read.
    tested: Vec<(u32, Span)>,
    /// For each node on the way down: the members its tests read (`None`: all of them).
    read_keys: Vec<Option<&'p str>>,
    /// Counts the updates made, to tell whether a walk of children changed anything.
    updates: u64,
    rules: &'p [Rule],
    rule_on: &'p [bool],
    mapper: &'m mut M,
    counts: &'m mut [u64],
    root: Option<&'r Value<'a>>,
    constraints: Vec<Constraint>,
    /// Whether a large array may be walked in two halves on two threads.
    may_split: bool,
    /// Whether a large array may be left as a hole, walked while the document is written.
    may_defer: bool,
    /// Nodes on the way down that have more to do after the walk of their children (an action
    /// of their own, or later rules): below them nothing is left for later.
    not_last: usize,
    /// The arrays left for later, in document order.
    holes: Vec<Hole<'a>>,
    /// By rule, what its deletions so far tell of Jayway's order of them.
    deletions: Vec<DeleteOrder>,
}

/// What the locations a delete rule selected tell of Jayway's order of its deletions
/// (§6.3.10): indexes compare as numbers, anything else by its text, so an index of 10 sorts
/// before one of 9, which sorts before a member named "10". When one path's locations mix
/// member names that start with a digit (others sort above or below every index alike) with
/// indexes of different lengths, Java's sort meets an inconsistent order and the result
/// depends on the sequence it is given; only the naive engine, which runs that sort, deletes
/// as the proxy then does.
#[derive(Debug, Clone, Copy, Default)]
struct DeleteOrder {
    /// A location that ends in a member name that starts with a digit.
    digit_names: bool,
    /// The lengths of the indexes that ended locations, as bits (bit `n`: `n` digits).
    index_lengths: u32,
}

impl DeleteOrder {
    /// Records a location ending in `accessor`. (A multi-name leaf, whose accessor joins
    /// its names, ends a path that selects no array element.)
    fn note(&mut self, accessor: &Accessor) {
        match accessor {
            Accessor::Text(name) => {
                self.digit_names |= name.as_bytes().first().is_some_and(u8::is_ascii_digit);
            }
            Accessor::Index(i) => {
                let digits = i.checked_ilog10().unwrap_or(0) + 1;
                self.index_lengths |= 1 << digits.min(31);
            }
        }
    }

    /// Whether Java's sort may order these deletions otherwise than the plan does.
    fn inconsistent(self) -> bool {
        self.digit_names && self.index_lengths.count_ones() > 1
    }
}

/// What the walkers of one pass share, to start a walker for part of the document.
#[derive(Clone, Copy)]
struct Shared<'p, 'r, 'a> {
    trie: &'p Trie,
    rules: &'p [Rule],
    rule_on: &'p [bool],
    root: Option<&'r Value<'a>>,
    limits: Limits,
}

impl<'p, 'r, 'a> Shared<'p, 'r, 'a> {
    /// A walker with its own automaton, which does not split again.
    fn walker<'m, M: Mapper<'a>>(
        self,
        mapper: &'m mut M,
        counts: &'m mut [u64],
    ) -> Walker<'p, 'm, 'r, 'a, M> {
        self.walker_on(
            Machine::new(self.trie, self.rule_on, self.limits),
            mapper,
            counts,
        )
    }

    /// A walker with the automaton `m`, which does not split again.
    fn walker_on<'m, M: Mapper<'a>>(
        self,
        m: Machine<'p>,
        mapper: &'m mut M,
        counts: &'m mut [u64],
    ) -> Walker<'p, 'm, 'r, 'a, M> {
        Walker {
            m,
            tested: Vec::new(),
            read_keys: Vec::new(),
            updates: 0,
            rules: self.rules,
            rule_on: self.rule_on,
            mapper,
            counts,
            root: self.root,
            constraints: Vec::new(),
            may_split: false,
            may_defer: false,
            not_last: 0,
            holes: Vec::new(),
            deletions: Vec::new(),
        }
    }
}

/// Walks the elements of `items`, all at the state made of `threads`, in two halves at once:
/// the first here with `split.here`, the second on a new thread. Only for arrays whose
/// elements are independent: no rule deletes, no index or slice reads the array, and no
/// update of an ancestor constrains the ones below. Returns the number of updates made. An
/// error of the first half wins, as it comes first in document order.
fn split_elements<'a, E: Send>(
    shared: Shared<'_, '_, 'a>,
    items: &mut Vec<Value<'a>>,
    threads: &[u32],
    span: (RuleId, RuleId),
    split: Split<'_, 'a, E>,
    counts: &mut [u64],
) -> Result<u64, WalkError<E>> {
    let Split { mut here, there } = split;
    let mid = items.len() / 2;
    let (first, second) = items.split_at_mut(mid);
    let mut second_counts = vec![0; counts.len()];
    let walk = |mapper: &mut Box<dyn Mapper<'a, Error = E> + '_>,
                counts: &mut [u64],
                half: &mut [Value<'a>],
                offset: usize| {
        let mut walker = shared.walker(mapper, counts);
        let s = walker.m.intern(&mut threads.to_vec());
        let deleted = walker.elements(half, offset, span, ElementStates::Same(s))?;
        Ok((deleted, walker.updates))
    };
    let (first, second) = threads::join(
        || walk(&mut here, counts, first, 0),
        || walk(&mut there(), &mut second_counts, second, mid),
    );
    let (mut deleted, mut updates) = first?;
    let (more, more_updates) = second?;
    deleted.extend(more);
    updates += more_updates;
    for (c, n) in counts.iter_mut().zip(second_counts) {
        *c += n;
    }
    remove_indexes(items, &deleted);
    Ok(updates)
}

/// The states of the elements of an array: one for all, or each by its index.
#[derive(Clone, Copy)]
enum ElementStates {
    Same(StateId),
    Of { closed: ClosedId, len: usize },
}

/// Removes the elements at `indexes` (ascending) from `items`.
fn remove_indexes(items: &mut Vec<Value<'_>>, indexes: &[usize]) {
    if indexes.is_empty() {
        return;
    }
    let (mut i, mut d) = (0, 0);
    items.retain(|_| {
        let keep = indexes.get(d) != Some(&i);
        d += usize::from(!keep);
        i += 1;
        keep
    });
}

impl<'p, 'a, M: Mapper<'a>> Walker<'p, '_, '_, 'a, M> {
    /// The walker's automaton, with the states it made, for a walker of the next chunk.
    fn into_machine(self) -> Machine<'p> {
        self.m
    }
}

impl<'a, M: Mapper<'a>> Walker<'_, '_, '_, 'a, M>
where
    M::Error: Send,
{
    /// Applies the rules in `lo..hi` at this node and below, in rule order; the states made
    /// and the tests recorded here are dropped afterwards.
    fn visit(
        &mut self,
        value: &mut Value<'a>,
        state: StateId,
        lo: RuleId,
        hi: RuleId,
        slot: Slot<'_>,
    ) -> Result<Fate, WalkError<M::Error>> {
        let mark = self.m.mark();
        let base = Base {
            tested: self.tested.len(),
            read_keys: self.read_keys.len(),
        };
        let result = self.rules_here(value, state, lo, hi, slot, base);
        self.tested.truncate(base.tested);
        self.read_keys.truncate(base.read_keys);
        self.m.release(mark);
        result
    }

    /// The closure of `state` at this node. Records on the `tested` stack what each of its
    /// tests (and index or slice) reads, as the span of the rules that may change it below
    /// this node, and on the `read_keys` stack the members the tests read. Returns the closed
    /// state and the end of the span of all those rules.
    fn close(&mut self, value: &Value<'a>, state: StateId, base: Base) -> (ClosedId, RuleId) {
        let c = self.m.closure(state, value, self.root);
        self.tested.truncate(base.tested);
        self.read_keys.truncate(base.read_keys);
        if self.m.tested.is_empty() && self.m.closed[c as usize].positional.is_empty() {
            return (c, 0);
        }
        let tested = std::mem::take(&mut self.m.tested);
        let closed = &self.m.closed[c as usize];
        let (child_span, positional) = (closed.child_span, closed.positional.clone());
        let trie = self.m.trie;
        for &e in &tested {
            match &trie.edges[e as usize].reads {
                None => self.read_keys.push(None),
                Some(keys) => self.read_keys.extend(keys.iter().map(|k| Some(k.as_str()))),
            }
        }
        let read_keys = &mut self.read_keys[base.read_keys..];
        read_keys.sort_unstable();
        let unique = {
            let mut n = 0;
            for i in 0..read_keys.len() {
                if i == 0 || read_keys[i] != read_keys[n - 1] {
                    read_keys[n] = read_keys[i];
                    n += 1;
                }
            }
            n
        };
        self.read_keys.truncate(base.read_keys + unique);
        for &e in tested.iter().chain(positional.iter()) {
            let span = match &trie.edges[e as usize].reads {
                None => child_span,
                Some(keys) => self.writers_below(c, value, keys),
            };
            self.tested.push((e, span));
        }
        self.m.tested = tested;
        let writers_end = self.tested[base.tested..]
            .iter()
            .map(|(_, span)| span.hi)
            .max()
            .unwrap_or(0);
        (c, writers_end)
    }

    fn rules_here(
        &mut self,
        value: &mut Value<'a>,
        state: StateId,
        mut lo: RuleId,
        hi: RuleId,
        slot: Slot<'_>,
        base: Base,
    ) -> Result<Fate, WalkError<M::Error>> {
        let (mut c, mut writers_end) = self.close(value, state, base);
        loop {
            let closed = &self.m.closed[c as usize];
            let actions = &closed.key.actions;
            let from = actions.partition_point(|&(r, _)| r < lo);
            let action = actions[from..]
                .iter()
                .copied()
                .take_while(|&(r, _)| r < hi)
                .find(|&(r, _)| self.rule_on[r as usize]);
            let children = closed.children;
            // The rules up to the first action here: the children first, then the action.
            let mut upto = action.map_or(hi, |(r, _)| r + 1);
            // A rule that decided here from this node's contents (a filter, an all-names
            // check, an index or slice) must see the updates that earlier rules make inside
            // it: those rules go first, then the rest is decided again on the new contents.
            if lo < writers_end
                && let Some(reader) = self.first_reader(lo, upto, base.tested)
            {
                upto = reader;
            }
            let acting = action.filter(|&(r, _)| r < upto);
            self.check_fatal(c, lo, upto, value)?;
            let mut changed = false;
            if children && value.is_container() {
                let mut keys_scope = None;
                let mut pushed = false;
                match acting {
                    Some((rule, ON_NODE)) => {
                        let accessor = accessor(slot, rule);
                        self.constraints.push(Constraint { rule, accessor });
                        pushed = true;
                    }
                    Some(keys_action) => keys_scope = Some(keys_action),
                    None => {}
                }
                let before = self.updates;
                let last = acting.is_none() && upto >= hi;
                self.not_last += usize::from(!last);
                let walked = self.children(value, c, lo, upto, keys_scope);
                self.not_last -= usize::from(!last);
                if pushed {
                    self.constraints.pop();
                }
                walked?;
                changed = self.updates != before;
            }
            if let Some((rule, act)) = acting {
                let effect = self.act(value, rule, act, slot)?;
                if effect != Effect::Unchanged {
                    self.updates += 1;
                }
                match effect {
                    Effect::Deleted => return Ok(Fate::Delete(rule)),
                    Effect::Unchanged => {}
                    Effect::Replaced => changed = true,
                    Effect::Members(e) => changed |= self.tests_read(e, base.read_keys),
                }
            }
            lo = upto;
            if lo >= hi {
                return Ok(Fate::Keep);
            }
            // The later rules decide on the node as it is now.
            if changed {
                (c, writers_end) = self.close(value, state, base);
            }
        }
    }

    /// Whether a test of this node reads one of the members a multi-name edge names.
    fn tests_read(&self, e: u32, base: usize) -> bool {
        let names = self.m.trie.edges[e as usize].names();
        // `None`, a test that reads every member, sorts first.
        self.read_keys[base..]
            .iter()
            .any(|k| k.is_none_or(|k| names.iter().any(|n| n == k)))
    }

    /// The first active rule in `lo + 1..hi` that decided here (in the last closure) from
    /// contents of this node that a rule before it, from `lo` on, may still change.
    fn first_reader(&self, lo: RuleId, hi: RuleId, base: usize) -> Option<RuleId> {
        let trie = self.m.trie;
        let mut first: Option<RuleId> = None;
        for &(e, writers) in &self.tested[base..] {
            if writers.hi <= lo {
                continue;
            }
            let rules = &trie.edges[e as usize].rules;
            let from = rules.partition_point(|&r| r <= writers.lo.max(lo));
            if let Some(r) = rules[from..]
                .iter()
                .copied()
                .take_while(|&r| r < first.unwrap_or(hi))
                .find(|&r| self.rule_on[r as usize])
            {
                first = Some(r);
            }
        }
        first
    }

    /// The rules that may act at or below the members `keys` of `value`.
    fn writers_below(&mut self, c: ClosedId, value: &Value<'a>, keys: &[String]) -> Span {
        let mut span = Span::EMPTY;
        let Value::Object(map) = value else {
            return span;
        };
        for k in keys {
            let Some(member) = map.get(k) else { continue };
            let child = self.m.object_child(c, k);
            let state = &self.m.states[child as usize];
            // Deep scans do nothing at a scalar.
            span.join(if member.is_container() {
                state.span
            } else {
                state.at_span
            });
        }
        span
    }

    fn check_fatal(
        &self,
        c: ClosedId,
        lo: RuleId,
        hi: RuleId,
        v: &Value<'a>,
    ) -> Result<(), WalkError<M::Error>> {
        for &e in &self.m.closed[c as usize].key.fatal {
            let rules = &self.m.trie.edges[e as usize].rules;
            if let Some(&r) = rules
                .iter()
                .find(|&&r| r >= lo && r < hi && self.rule_on[r as usize])
            {
                return Err(WalkError::new(
                    r,
                    ExecErrorKind::Fatal(format!(
                        "a filter cannot be applied to a {} value; only arrays and objects can be filtered",
                        v.type_name()
                    )),
                ));
            }
        }
        Ok(())
    }

    /// Whether rule `r`'s update of a location ending in `accessor` belongs to a value that an
    /// ancestor update of the same rule replaces first.
    fn detached(&self, r: RuleId, accessor: impl FnOnce() -> Accessor) -> bool {
        if !self.constraints.iter().any(|c| c.rule == r) {
            return false;
        }
        let mine = accessor();
        self.constraints
            .iter()
            .any(|c| c.rule == r && !sorts_before(&mine, &c.accessor))
    }

    /// Applies action `act` of rule `r` at this node.
    fn act(
        &mut self,
        v: &mut Value<'a>,
        r: RuleId,
        act: Act,
        slot: Slot<'_>,
    ) -> Result<Effect, WalkError<M::Error>> {
        let rule = self.rules[r as usize];
        let transform = rule.reference.transform;
        if act == ON_NODE {
            self.counts[r as usize] += 1;
            if let Slot::Root = slot {
                // §6.3.11: the root reference refuses both operations.
                let message = match rule.action {
                    Action::Map => ROOT_MAP,
                    Action::Delete => ROOT_DELETE,
                };
                return Err(WalkError::new(r, ExecErrorKind::Fatal(message.to_owned())));
            }
            if rule.action == Action::Delete {
                self.deletion_order(r).note(&accessor(slot, r));
            }
            if self.detached(r, || accessor(slot, r)) {
                return Ok(Effect::Unchanged);
            }
            return match rule.action {
                Action::Delete => Ok(Effect::Deleted),
                Action::Map => {
                    self.map(transform, r, v)?;
                    Ok(Effect::Replaced)
                }
            };
        }
        let trie = self.m.trie;
        let names = trie.edges[act as usize].names();
        let Value::Object(map) = v else {
            return Ok(Effect::Unchanged);
        };
        if names.iter().any(|n| map.contains_key(n)) {
            self.counts[r as usize] += 1;
        }
        if self.detached(r, || Accessor::Text(names.join("&&"))) {
            return Ok(Effect::Unchanged);
        }
        for (i, name) in names.iter().enumerate() {
            if names[..i].contains(name) {
                continue;
            }
            match rule.action {
                Action::Delete => {
                    map.remove(name);
                }
                Action::Map => {
                    if let Some(member) = map.get_mut(name) {
                        self.map(transform, r, member).map_err(|mut e| {
                            e.segments.push(name.clone());
                            e
                        })?;
                    }
                }
            }
        }
        Ok(Effect::Members(act))
    }

    /// What delete rule `r`'s locations so far tell of their order.
    fn deletion_order(&mut self, r: RuleId) -> &mut DeleteOrder {
        let r = r as usize;
        if self.deletions.len() <= r {
            self.deletions.resize(r + 1, DeleteOrder::default());
        }
        &mut self.deletions[r]
    }

    /// The first rule whose deletions Java's sort may order otherwise than this walk did.
    fn misordered(&self) -> Option<RuleId> {
        let r = self.deletions.iter().position(|d| d.inconsistent())?;
        RuleId::try_from(r).ok()
    }

    fn map(
        &mut self,
        transform: usize,
        r: RuleId,
        v: &mut Value<'a>,
    ) -> Result<(), WalkError<M::Error>> {
        self.mapper.map(transform, v).map_err(|e| {
            WalkError::new(
                r,
                match e {
                    MapError::Fail(e) => ExecErrorKind::Map(e),
                    // Transforms that may stop a path never run in a walk.
                    MapError::AbortPath => ExecErrorKind::UnexpectedAbort,
                },
            )
        })
    }

    /// Whether state `s` can do anything for rules `lo..hi` at a node holding `v`; deep scans
    /// do nothing at a scalar.
    fn worth(&self, s: StateId, v: &Value<'_>, lo: RuleId, hi: RuleId) -> bool {
        let state = &self.m.states[s as usize];
        let span = if v.is_container() {
            state.span
        } else {
            state.at_span
        };
        s != EMPTY && span.meets(lo, hi)
    }

    /// Visits `items`, the elements from index `offset` of an array, with the rules in `span`;
    /// returns the indexes of the elements deleted, ascending.
    fn elements(
        &mut self,
        items: &mut [Value<'a>],
        offset: usize,
        (lo, hi): (RuleId, RuleId),
        states: ElementStates,
    ) -> Result<Vec<usize>, WalkError<M::Error>> {
        let mut deleted = Deletions::default();
        for (j, w) in items.iter_mut().enumerate() {
            let index = offset + j;
            let mark = self.m.mark();
            let s = match states {
                ElementStates::Same(s) => s,
                ElementStates::Of { closed, len } => self.m.array_child(closed, index, len),
            };
            if self.worth(s, w, lo, hi) {
                let fate = self.visit(
                    w,
                    s,
                    lo,
                    hi,
                    Slot::Index {
                        index,
                        deleted: &deleted,
                    },
                );
                match fate {
                    Ok(Fate::Keep) => {}
                    Ok(Fate::Delete(by)) => deleted.push(index, by),
                    Err(mut e) => {
                        e.segments.push(index.to_string());
                        self.m.release(mark);
                        return Err(e);
                    }
                }
            }
            self.m.release(mark);
        }
        Ok(deleted.indexes())
    }

    /// The state of every element of an array at closed state `c`, if the array may be walked
    /// in two halves at once: the elements do not depend on their index and no constraint of an
    /// ancestor reaches them.
    fn split_state(&mut self, c: ClosedId, len: usize) -> Option<Vec<u32>> {
        if !self.may_split
            || !self.constraints.is_empty()
            || !self.m.closed[c as usize].positional.is_empty()
        {
            return None;
        }
        let mark = self.m.mark();
        let s = self.m.array_child(c, 0, len);
        let threads = (s != EMPTY).then(|| self.m.states[s as usize].threads.to_vec());
        self.m.release(mark);
        threads
    }

    /// Visits the children of `v` with the rules in `lo..hi`, then removes those deleted.
    /// `keys_scope`: a multi-name leaf action of this node that comes after the children; its
    /// rule's updates below the named members are constrained by it.
    fn children(
        &mut self,
        v: &mut Value<'a>,
        c: ClosedId,
        lo: RuleId,
        hi: RuleId,
        keys_scope: Option<(RuleId, u32)>,
    ) -> Result<(), WalkError<M::Error>> {
        let trie = self.m.trie;
        match v {
            Value::Object(map) => {
                let mut deleted: Vec<usize> = Vec::new();
                let entries = map.entries_mut();
                for (i, (k, w)) in entries.iter_mut().enumerate() {
                    let mark = self.m.mark();
                    let s = self.m.object_child(c, k);
                    if self.worth(s, w, lo, hi) {
                        let scoped = keys_scope.filter(|&(_, e)| {
                            trie.edges[e as usize].names().iter().any(|n| n == k)
                        });
                        if let Some((r, e)) = scoped {
                            let accessor =
                                Accessor::Text(trie.edges[e as usize].names().join("&&"));
                            self.constraints.push(Constraint { rule: r, accessor });
                        }
                        let fate = self.visit(w, s, lo, hi, Slot::Key(k));
                        if scoped.is_some() {
                            self.constraints.pop();
                        }
                        match fate {
                            Ok(Fate::Keep) => {}
                            Ok(Fate::Delete(_)) => deleted.push(i),
                            Err(mut e) => {
                                e.segments.push(k.to_string());
                                self.m.release(mark);
                                return Err(e);
                            }
                        }
                    }
                    self.m.release(mark);
                }
                if !deleted.is_empty() {
                    let (mut i, mut d) = (0, 0);
                    map.retain(|_, _| {
                        let keep = deleted.get(d) != Some(&i);
                        d += usize::from(!keep);
                        i += 1;
                        keep
                    });
                }
            }
            Value::Array(items) => {
                let len = items.len();
                if self.may_defer
                    && self.not_last == 0
                    && self.mapper.can_split(len)
                    && let Some(threads) = self.split_state(c, len)
                {
                    let at = std::ptr::from_ref::<Vec<Value<'a>>>(items) as usize;
                    self.holes.push(Hole {
                        at,
                        items: std::mem::take(items),
                        threads,
                        span: (lo, hi),
                    });
                    return Ok(());
                }
                if let Some(threads) = self.split_state(c, len)
                    && let Some(split) = self.mapper.split(len)
                {
                    let shared = Shared {
                        trie,
                        rules: self.rules,
                        rule_on: self.rule_on,
                        root: self.root,
                        limits: self.m.limits,
                    };
                    let span = (lo, hi);
                    self.updates +=
                        split_elements(shared, items, &threads, span, split, self.counts)?;
                    return Ok(());
                }
                let states = ElementStates::Of { closed: c, len };
                let deleted = self.elements(items, 0, (lo, hi), states)?;
                remove_indexes(items, &deleted);
            }
            _ => {}
        }
        Ok(())
    }
}

/// The accessor rule `r` sees for the node at `slot`: an element's index less the earlier
/// elements that rules before `r` deleted in this walk.
fn accessor(slot: Slot<'_>, r: RuleId) -> Accessor {
    match slot {
        Slot::Root => Accessor::Text("$".to_owned()),
        Slot::Key(k) => Accessor::Text(k.to_owned()),
        Slot::Index { index, deleted } => Accessor::Index(index - deleted.before(r)),
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use super::Limits;
    use crate::json::{Value, to_compact_string};
    use crate::jsonpath::{JsonPath, parse};
    use crate::plan::naive::cases::{self, Engine, Mark};
    use crate::plan::{
        Action, ExecErrorKind, MapError, Mapper, RunStats, TransformSpec, compile, naive,
    };

    fn spec(action: Action, paths: &[&str]) -> TransformSpec {
        TransformSpec {
            action,
            paths: paths
                .iter()
                .map(|p| parse(p).expect("test path parses"))
                .collect(),
            guard: None,
            abort_stops_path: false,
        }
    }

    fn map(paths: &[&str]) -> TransformSpec {
        spec(Action::Map, paths)
    }

    fn delete(paths: &[&str]) -> TransformSpec {
        spec(Action::Delete, paths)
    }

    /// Runs both engines with the mark function; checks they agree and returns the plan's
    /// document, its match counts and its number of passes.
    fn both(transforms: &[TransformSpec], doc: &serde_json::Value) -> (String, RunStats, usize) {
        let mut expected = Value::from(doc);
        let naive = naive::run(transforms, &mut expected, &mut Mark).expect("naive succeeds");
        let plan = compile(transforms);
        let mut got = Value::from(doc);
        let stats = plan.run(&mut got, &mut Mark).expect("plan succeeds");
        let text = to_compact_string(&got);
        assert_eq!(text, to_compact_string(&expected), "{}", plan.explain(&[]));
        assert_eq!(stats, naive);
        (text, stats, plan.passes().len())
    }

    /// The kind of error the plan fails with on `doc`, if any.
    fn plan_error(transforms: &[TransformSpec], doc: &serde_json::Value) -> Option<String> {
        let mut got = Value::from(doc);
        let result = compile(transforms).run(&mut got, &mut Mark);
        result.err().map(|e| format!("{:?}", e.kind))
    }

    #[test]
    fn deletions_that_java_sorts_inconsistently_are_handed_to_the_naive_engine() {
        let redact = [delete(&["$.*[?(@ != 'keep')]"])];
        let twelve: Vec<&str> = ["keep", "x", "x"].repeat(4);
        // Member "5" sorts between indexes 10 and 9 by text, which sort 10 first by number.
        let doc = serde_json::json!({"5": {}, "a": twelve});
        assert_eq!(plan_error(&redact, &doc).as_deref(), Some("UpdateOrder"));
        // Indexes of one length, or names that sort above every index, are ordered alike.
        let nine = serde_json::json!({"5": {}, "a": vec!["x"; 9]});
        assert_eq!(both(&redact, &nine).0, r#"{"a":[]}"#);
        let letters = serde_json::json!({"o": {}, "a": twelve});
        assert_eq!(
            both(&redact, &letters).0,
            r#"{"a":["keep","keep","keep","keep"]}"#
        );
        // Digit names in one path and indexes in another are two sorts, each consistent.
        let apart = [delete(&["$.o[*]", "$.a[?(@ != 'keep')]"])];
        let doc = serde_json::json!({"o": {"5": 1}, "a": twelve});
        assert_eq!(
            both(&apart, &doc).0,
            r#"{"o":{},"a":["keep","keep","keep","keep"]}"#
        );
    }

    struct TinyCaches;

    impl Engine for TinyCaches {
        fn apply(
            &self,
            action: Action,
            paths: &[JsonPath],
            doc: &mut Value<'static>,
        ) -> Option<&'static str> {
            let transform = TransformSpec::new(action, paths.to_vec());
            let limits = Limits {
                states: 3,
                threads: 4,
            };
            compile(&[transform])
                .run_with(doc, &mut Mark, limits)
                .err()
                .map(|e| cases::run_error_kind(&e))
        }
    }

    #[test]
    fn update_cases_pass_when_the_caches_are_full() {
        cases::assert_update_cases_pass(&TinyCaches);
    }

    #[test]
    fn two_rules_on_one_value_apply_in_order() {
        let (doc, stats, passes) = both(
            &[map(&["$.a"]), map(&["$..a"])],
            &serde_json::json!({"a": "x"}),
        );
        assert_eq!(doc, r#"{"a":"~~x"}"#);
        assert_eq!(stats.matches, [vec![1], vec![1]]);
        assert_eq!(passes, 1);
    }

    #[test]
    fn a_redact_removes_what_a_later_path_would_select() {
        let (doc, stats, passes) = both(
            &[delete(&["$.l[?(@.t == 'x')]"]), map(&["$.l[*].t"])],
            &serde_json::json!({"l": [{"t": "x"}, {"t": "y"}, {"t": "x"}]}),
        );
        assert_eq!(doc, r#"{"l":[{"t":"~y"}]}"#);
        assert_eq!(stats.matches, [vec![2], vec![1]]);
        assert_eq!(passes, 1);
    }

    #[test]
    fn a_filter_sees_values_an_earlier_rule_changed() {
        let (doc, _, passes) = both(
            &[
                map(&["$.users[*].id"]),
                map(&["$.users[?(@.id == '~u1')].name"]),
            ],
            &serde_json::json!({"users": [{"id": "u1", "name": "n1"}, {"id": "u2", "name": "n2"}]}),
        );
        assert_eq!(
            doc,
            r#"{"users":[{"id":"~u1","name":"~n1"},{"id":"~u2","name":"n2"}]}"#
        );
        assert_eq!(passes, 1);
    }

    #[test]
    fn an_index_sees_the_deletions_of_an_earlier_rule() {
        let (doc, _, passes) = both(
            &[delete(&["$.l[0]"]), map(&["$.l[0]", "$.l[-1]"])],
            &serde_json::json!({"l": ["a", "b", "c"]}),
        );
        assert_eq!(doc, r#"{"l":["~b","~c"]}"#);
        assert_eq!(passes, 1);
    }

    #[test]
    fn an_all_names_check_sees_the_deletions_of_an_earlier_rule() {
        let (doc, stats, _) = both(
            &[delete(&["$.o.b"]), map(&["$..['a','b']"])],
            &serde_json::json!({"o": {"a": "x", "b": "y"}, "p": {"a": "x", "b": "y"}}),
        );
        assert_eq!(doc, r#"{"o":{"a":"x"},"p":{"a":"~x","b":"~y"}}"#);
        assert_eq!(stats.matches, [vec![1], vec![1]]);
    }

    #[test]
    fn later_rules_descend_into_the_value_an_earlier_rule_made() {
        let (doc, _, _) = both(
            &[map(&["$.a"]), map(&["$.a.*"])],
            &serde_json::json!({"a": {"b": "x"}}),
        );
        // The mark function wraps the object; the wildcard then selects the wrapper's member.
        assert_eq!(doc, r#"{"a":{"~":{"~":{"b":"x"}}}}"#);
    }

    #[test]
    fn nested_selections_of_one_path_follow_the_update_order() {
        // "b" sorts before "a" (descending text): the outer `b` is replaced first and the inner
        // `a` belongs to the old value.
        let (doc, stats, _) = both(&[map(&["$..*"])], &serde_json::json!({"b": {"a": "x"}}));
        assert_eq!(doc, r#"{"b":{"~":{"a":"x"}}}"#);
        assert_eq!(stats.matches, [vec![2]]);
        // Here the inner `b` goes first, and the outer `a` wraps the updated value.
        let (doc, _, _) = both(&[map(&["$..*"])], &serde_json::json!({"a": {"b": "x"}}));
        assert_eq!(doc, r#"{"a":{"~":{"b":"~x"}}}"#);
        // Elements: higher indexes first; equal ones in the order found, the outer first.
        let (doc, _, _) = both(&[map(&["$.l..[*]"])], &serde_json::json!({"l": [[0, "y"]]}));
        assert_eq!(doc, r#"{"l":[{"~":[0,"~y"]}]}"#);
    }

    #[test]
    fn the_root_cannot_be_mapped_or_deleted() {
        for (transform, doc) in [
            (map(&["$"]), serde_json::json!({"a": 1})),
            (delete(&["$[?(@.a)]"]), serde_json::json!({"a": 1})),
        ] {
            let e = compile(std::slice::from_ref(&transform))
                .run(&mut Value::from(&doc), &mut Mark)
                .expect_err("fails");
            assert!(matches!(e.kind, ExecErrorKind::Fatal(_)), "{e:?}");
            assert_eq!(e.pointer.as_deref(), Some(""));
        }
    }

    #[test]
    fn a_filter_on_a_primitive_below_a_definite_path_fails_with_its_pointer() {
        let plan = compile(&[map(&["$.zz", "$.a.b[?(@.x)]"])]);
        let mut doc = Value::from(&serde_json::json!({"a": {"b": "secret"}}));
        let e = plan.run(&mut doc, &mut Mark).expect_err("fails");
        assert_eq!((e.transform, e.path), (0, Some(1)));
        assert_eq!(e.pointer.as_deref(), Some("/a/b"));
        let ExecErrorKind::Fatal(message) = e.kind else {
            panic!("fatal expected");
        };
        assert!(!message.contains("secret"));
    }

    #[test]
    fn value_function_errors_carry_the_rule_and_pointer() {
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
        let plan = compile(&[map(&["$.x"]), map(&["$.zz", "$..[0]"])]);
        let mut doc = Value::from(&serde_json::json!({"x": "s", "a": {"b/c": [1]}}));
        let e = plan.run(&mut doc, &mut FailOnNumbers).expect_err("fails");
        assert_eq!(
            (e.transform, e.path, e.pointer.as_deref()),
            (1, Some(1), Some("/a/b~1c/0"))
        );
        assert_eq!(e.kind, ExecErrorKind::Map("number"));
    }

    #[test]
    fn a_null_document_fails_at_the_first_transform_with_a_path() {
        let plan = compile(&[map(&[]), delete(&["$.a"])]);
        let e = plan.run(&mut Value::Null, &mut Mark).expect_err("fails");
        assert_eq!((e.transform, e.path), (1, Some(0)));
        let mut naive_doc = Value::Null;
        let n = naive::run(&[map(&[]), delete(&["$.a"])], &mut naive_doc, &mut Mark);
        assert_eq!(n.map_err(|e| (e.transform, e.path)), Err((1, Some(0))));
    }

    #[test]
    fn a_false_guard_turns_its_rules_off_in_the_walk() {
        let mut guarded = map(&["$..a"]);
        guarded.guard = Some(parse("$.l[?(@ == 'on')]").expect("parses"));
        let transforms = [map(&["$.b"]), guarded];
        let (doc, stats, passes) = both(
            &transforms,
            &serde_json::json!({"a": "x", "b": "y", "l": []}),
        );
        assert_eq!(doc, r#"{"a":"x","b":"~y","l":[]}"#);
        assert_eq!(stats.matches, [vec![1], vec![0]]);
        assert_eq!(passes, 1);
        let (doc, _, _) = both(
            &transforms,
            &serde_json::json!({"a": "x", "b": "y", "l": ["on"]}),
        );
        assert_eq!(doc, r#"{"a":"~x","b":"~y","l":["on"]}"#);
    }

    #[test]
    fn an_abort_stops_only_its_path_in_a_naive_pass() {
        struct AbortOnX;
        impl<'a> Mapper<'a> for AbortOnX {
            type Error = Infallible;
            fn map(&mut self, t: usize, v: &mut Value<'a>) -> Result<(), MapError<Infallible>> {
                if t == 1 && v.as_str() == Some("x") {
                    return Err(MapError::AbortPath);
                }
                Mark.map(t, v)
            }
        }
        let mut digest = map(&["$.l[*]", "$.m"]);
        digest.abort_stops_path = true;
        let transforms = [map(&["$.a"]), digest, map(&["$.l[0]"])];
        let plan = compile(&transforms);
        assert_eq!(plan.passes().len(), 3);
        let original = serde_json::json!({"a": "a", "l": ["p", "x", "q"], "m": "m"});
        let mut got = Value::from(&original);
        plan.run(&mut got, &mut AbortOnX).expect("succeeds");
        let mut expected = Value::from(&original);
        naive::run(&transforms, &mut expected, &mut AbortOnX).expect("succeeds");
        // Descending index order: "q" is updated, then "x" stops the path, so "p" is only
        // mapped by the last transform; the next path of the transform still runs.
        assert_eq!(
            to_compact_string(&got),
            r#"{"a":"~a","l":["~p","x","~q"],"m":"~m"}"#
        );
        assert_eq!(to_compact_string(&got), to_compact_string(&expected));
    }

    #[test]
    fn ten_thousand_paths_compile_into_one_pass_and_run() {
        let paths: Vec<String> = (0..10_000)
            .map(|i| match i % 4 {
                0 => format!("$.users[*].f{i}"),
                1 => format!("$..k{i}"),
                2 => format!("$.users[?(@.v == {i})].g{i}"),
                _ => format!("$.users[*]['h{i}','f{}']", i - 3),
            })
            .collect();
        let texts: Vec<&str> = paths.iter().map(String::as_str).collect();
        let transforms = [map(&texts)];
        let plan = compile(&transforms);
        assert_eq!(plan.passes().len(), 1);
        let (doc, _, _) = both(
            &transforms,
            &serde_json::json!({"users": [{"f0": "a", "k1": "b", "v": 2, "g2": "c", "h3": "d"}]}),
        );
        assert_eq!(
            doc,
            r#"{"users":[{"f0":"~~a","k1":"~b","v":2,"g2":"~c","h3":"~d"}]}"#
        );
    }

    #[test]
    fn thousands_of_absolute_reads_stay_within_the_analysis_budget() {
        let paths: Vec<String> = (0..3_000)
            .map(|i| format!("$..l[?(@.id == $.o{i})].x{i}"))
            .collect();
        let texts: Vec<&str> = paths.iter().map(String::as_str).collect();
        let plan = compile(&[map(&texts)]);
        assert!(!plan.passes().is_empty());
        let (doc, _, _) = both(
            &[map(&texts)],
            &serde_json::json!({"o0": "u", "l": [{"id": "u", "x0": "v"}]}),
        );
        assert_eq!(doc, r#"{"o0":"u","l":[{"id":"u","x0":"~v"}]}"#);
    }
}
