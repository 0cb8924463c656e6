//! The walk of a compiled pass: sets of threads over the trie, interned lazily as states with
//! per-state transition tables, applied to the document depth first in one traversal.
//!
//! At each document node the walk applies the rules of the pass in rule order: the children
//! first with the rules up to the node's first action, then that action, then the same again
//! for the later rules on the node's new value. A rule that selects both a node and something
//! inside it (only possible through a deep scan) updates the inner location first exactly when
//! Jayway's update order (§6.3.10) sorts it first; otherwise the inner one is counted but, as
//! in the reference, acts on the detached old value, that is not at all.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashMap;

use super::analysis::RuleId;
use super::compile::{Rule, Span, Trie};
use super::naive::{ROOT_DELETE, ROOT_MAP};
use super::{Action, ExecErrorKind, MapError, Mapper, push_pointer_segment};
use crate::json::Value;
use crate::jsonpath::{Selector, effective_index, filter, slice_range};

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

/// Runs one walk pass over `doc`; adds each rule's matches to `counts`.
pub(crate) fn walk<'a, M: Mapper<'a>>(
    trie: &Trie,
    rules: &[Rule],
    rule_on: &[bool],
    doc: &mut Value<'a>,
    mapper: &mut M,
    counts: &mut [u64],
) -> Result<(), WalkError<M::Error>> {
    let span = trie.nodes[0].span;
    if span.lo >= span.hi {
        return Ok(());
    }
    // Absolute filter operands read the document as it was before the pass: the split keeps
    // every position they read unchanged for the whole pass.
    let snapshot = trie.reads_root.then(|| doc.clone());
    let mut walker = Walker {
        m: Machine::new(trie, rule_on),
        rules,
        rule_on,
        mapper,
        counts,
        root: snapshot.as_ref(),
        constraints: Vec::new(),
    };
    let start = walker.m.intern(&mut vec![at(0)]);
    match walker.visit(doc, start, span.lo, span.hi, Slot::Root) {
        Ok(_) => Ok(()),
        Err(mut e) => {
            let mut pointer = String::new();
            for segment in e.segments.iter().rev() {
                push_pointer_segment(&mut pointer, segment);
            }
            e.pointer = Some(pointer);
            Err(e)
        }
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
    /// Whether the state can do anything at a scalar.
    scalar: bool,
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
            None => self.names.iter().position(|n| &**n == key),
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

/// Beyond these sizes new states are no longer cached: they live while the walk is below the
/// node that made them.
const MAX_STATES: usize = 1 << 16;
const MAX_STORED_THREADS: usize = 1 << 22;

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
    fn new(trie: &'p Trie, rule_on: &[bool]) -> Machine<'p> {
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
            && (self.states.len() + self.closed.len() > MAX_STATES
                || self.stored > MAX_STORED_THREADS)
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
        let mut scalar = false;
        for &t in threads.iter() {
            span.join(self.thread_span(t));
            scalar |= t & 3 != SCAN;
        }
        let id = self.states.len() as StateId;
        let boxed: Box<[u32]> = threads.as_slice().into();
        if self.frozen.is_none() {
            self.state_ids.insert(boxed.clone(), id);
        }
        self.states.push(State {
            threads: boxed,
            span,
            scalar,
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
        if self.cached_state(s) && self.cached_closed(c) {
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
        let mut threads: Vec<u32> = table.wild.iter().map(|&e| self.edge_target(e)).collect();
        if let Some(i) = found {
            threads.extend(table.edges[i].iter().map(|&e| self.edge_target(e)));
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

    fn edge_target(&self, e: u32) -> u32 {
        self.trie.edges[e as usize].to.map_or(at(0), at)
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
        threads.extend(matched.iter().map(|&e| self.edge_target(e)));
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
        deleted: &'k [(usize, RuleId)],
    },
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
    rules: &'p [Rule],
    rule_on: &'p [bool],
    mapper: &'m mut M,
    counts: &'m mut [u64],
    root: Option<&'r Value<'a>>,
    constraints: Vec<Constraint>,
}

impl<'a, M: Mapper<'a>> Walker<'_, '_, '_, 'a, M> {
    fn visit(
        &mut self,
        v: &mut Value<'a>,
        s: StateId,
        lo: RuleId,
        hi: RuleId,
        slot: Slot<'_>,
    ) -> Result<Fate, WalkError<M::Error>> {
        let mark = self.m.mark();
        let result = self.visit_here(v, s, lo, hi, slot);
        self.m.release(mark);
        result
    }

    /// Applies the rules in `lo..hi` at this node and below, in rule order.
    fn visit_here(
        &mut self,
        value: &mut Value<'a>,
        state: StateId,
        mut lo: RuleId,
        hi: RuleId,
        slot: Slot<'_>,
    ) -> Result<Fate, WalkError<M::Error>> {
        loop {
            let c = self.m.closure(state, value, self.root);
            let closed = &self.m.closed[c as usize];
            let action = closed
                .key
                .actions
                .iter()
                .copied()
                .find(|&(r, _)| r >= lo && r < hi && self.rule_on[r as usize]);
            let children = closed.children;
            // The rules up to the first action here: the children first, then the action.
            let mut upto = action.map_or(hi, |(r, _)| r + 1);
            // A rule that decided here from this node's contents (a filter, an all-names
            // check, an index or slice) must see the updates that earlier rules make inside
            // it: those rules go first, then the rest is decided again on the new contents.
            if let Some(reader) = self.first_reader(c, lo.max(closed.child_span.lo), upto) {
                upto = reader;
            }
            let acting = action.filter(|&(r, _)| r < upto);
            self.check_fatal(c, lo, upto, value)?;
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
                let walked = self.children(value, c, lo, upto, keys_scope);
                if pushed {
                    self.constraints.pop();
                }
                walked?;
            }
            if let Some((rule, act)) = acting
                && let Fate::Delete(by) = self.act(value, rule, act, slot)?
            {
                return Ok(Fate::Delete(by));
            }
            lo = upto;
            if lo >= hi {
                return Ok(Fate::Keep);
            }
        }
    }

    /// The first active rule in `after + 1..hi` whose selection below this node the last
    /// closure decided from the node's contents.
    fn first_reader(&self, c: ClosedId, after: RuleId, hi: RuleId) -> Option<RuleId> {
        let trie = self.m.trie;
        let closed = &self.m.closed[c as usize];
        self.m
            .tested
            .iter()
            .chain(closed.positional.iter())
            .filter_map(|&e| {
                let rules = &trie.edges[e as usize].rules;
                let from = rules.partition_point(|&r| r <= after);
                rules[from..]
                    .iter()
                    .copied()
                    .take_while(|&r| r < hi)
                    .find(|&r| self.rule_on[r as usize])
            })
            .min()
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
    ) -> Result<Fate, WalkError<M::Error>> {
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
            if self.detached(r, || accessor(slot, r)) {
                return Ok(Fate::Keep);
            }
            return match rule.action {
                Action::Delete => Ok(Fate::Delete(r)),
                Action::Map => {
                    self.map(transform, r, v)?;
                    Ok(Fate::Keep)
                }
            };
        }
        let trie = self.m.trie;
        let names = trie.edges[act as usize].names();
        let Value::Object(map) = v else {
            return Ok(Fate::Keep);
        };
        if names.iter().any(|n| map.contains_key(n)) {
            self.counts[r as usize] += 1;
        }
        if self.detached(r, || Accessor::Text(names.join("&&"))) {
            return Ok(Fate::Keep);
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
        Ok(Fate::Keep)
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

    fn worth(&self, s: StateId, v: &Value<'_>, lo: RuleId, hi: RuleId) -> bool {
        let state = &self.m.states[s as usize];
        s != EMPTY && state.span.meets(lo, hi) && (state.scalar || v.is_container())
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
                let mut deleted: Vec<(usize, RuleId)> = Vec::new();
                for (i, w) in items.iter_mut().enumerate() {
                    let mark = self.m.mark();
                    let s = self.m.array_child(c, i, len);
                    if self.worth(s, w, lo, hi) {
                        let fate = self.visit(
                            w,
                            s,
                            lo,
                            hi,
                            Slot::Index {
                                index: i,
                                deleted: &deleted,
                            },
                        );
                        match fate {
                            Ok(Fate::Keep) => {}
                            Ok(Fate::Delete(by)) => deleted.push((i, by)),
                            Err(mut e) => {
                                e.segments.push(i.to_string());
                                self.m.release(mark);
                                return Err(e);
                            }
                        }
                    }
                    self.m.release(mark);
                }
                if !deleted.is_empty() {
                    let (mut i, mut d) = (0, 0);
                    items.retain(|_| {
                        let keep = deleted.get(d).map(|x| x.0) != Some(i);
                        d += usize::from(!keep);
                        i += 1;
                        keep
                    });
                }
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
        Slot::Index { index, deleted } => {
            Accessor::Index(index - deleted.iter().filter(|(_, by)| *by < r).count())
        }
    }
}
