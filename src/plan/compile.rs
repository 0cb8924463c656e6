//! Compiling the paths of an endpoint into passes: a walk pass merges its paths into one trie
//! of steps (shared prefixes, deep-scan edges, filters tested on edges, actions in rule order);
//! rules that need the reference's own update order run in naive passes.

use std::collections::HashMap;
use std::convert::Infallible;
use std::fmt;

use super::analysis::{Analysis, Conflict, Item, RuleId};
use super::exec::{self, Limits};
use super::naive;
use super::{Action, ExecError, Mapper, RunStats, TransformSpec};
use crate::json::{Holes, NoHoles, Value};
use crate::jsonpath::{JsonPath, Selector, Step, StepKind};

/// Path `path` of transform `transform` (both indexes from 0), written from 1 as `compile`
/// numbers transforms: `t1.p3` is the third path of the first transform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleRef {
    pub transform: usize,
    pub path: usize,
}

impl fmt::Display for RuleRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.p{}", TransformRef(self.transform), self.path + 1)
    }
}

/// A transform's index (from 0), written from 1 as `compile` numbers transforms: `t1`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TransformRef(pub usize);

impl fmt::Display for TransformRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t{}", self.0 + 1)
    }
}

/// How a pass runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassKind {
    /// One walk over the document for all rules of the pass.
    Walk,
    /// Each rule on its own, as the reference applies it (`plan::naive`).
    Naive,
}

/// Why a pass starts where it does. Rules that select what an earlier rule deletes or
/// changes, select one value twice, or filter on values changed before them need no new pass:
/// the walk applies rules in order at every node and re-tests filters after the updates of
/// earlier rules inside the filtered node.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SplitReason {
    /// The first pass.
    Start,
    /// `reader`'s filter has an absolute operand that the earlier `writer` changes; the walk
    /// serves absolute operands from the document as it was before the pass.
    AbsoluteReadOfWrite { writer: RuleRef, reader: RuleRef },
    /// The `applyOnlyWhen` of `transform` reads what the earlier `writer` changes; a walk
    /// evaluates guards before it starts.
    GuardReadsWrite { writer: RuleRef, transform: usize },
    /// The transform's value function can stop a path (§2.10), which needs the reference's
    /// update order: the naive engine runs it.
    AbortStopsPath { transform: usize },
    /// The rule's path can reach one location more than once, which the reference updates as
    /// many times (§6.3.12): the naive engine runs it.
    SelectsAgain { rule: RuleRef },
    /// Walking resumes after a naive pass.
    AfterNaive,
    /// The conflict analysis ran out of budget at `transform` and split to be safe.
    AnalysisBudget { transform: usize },
}

impl fmt::Display for SplitReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SplitReason::Start => f.write_str("first pass"),
            SplitReason::AbsoluteReadOfWrite { writer, reader } => write!(
                f,
                "{reader} filters on an absolute path that the earlier {writer} changes"
            ),
            SplitReason::GuardReadsWrite { writer, transform } => write!(
                f,
                "applyOnlyWhen of {} reads values that the earlier {writer} changes",
                TransformRef(*transform)
            ),
            SplitReason::AbortStopsPath { transform } => write!(
                f,
                "the value function of {} can stop a path: reference update order",
                TransformRef(*transform)
            ),
            SplitReason::SelectsAgain { rule } => write!(
                f,
                "{rule} can reach a location more than once: updated as often, in reference order"
            ),
            SplitReason::AfterNaive => f.write_str("resumes after a naive pass"),
            SplitReason::AnalysisBudget { transform } => write!(
                f,
                "conflict analysis budget spent at {}; split to be safe",
                TransformRef(*transform)
            ),
        }
    }
}

/// A contiguous run of an endpoint's guards and rules that runs as one unit.
#[derive(Debug)]
pub struct Pass {
    kind: PassKind,
    reason: SplitReason,
    pub(crate) items: Vec<Item>,
    rules: Vec<RuleRef>,
    /// For walk passes.
    pub(crate) trie: Option<Trie>,
}

impl Pass {
    pub fn kind(&self) -> PassKind {
        self.kind
    }

    pub fn reason(&self) -> &SplitReason {
        &self.reason
    }

    /// The rules of the pass, in order.
    pub fn rules(&self) -> &[RuleRef] {
        &self.rules
    }

    /// The transforms whose `applyOnlyWhen` this pass evaluates (a walk pass before walking).
    pub fn guards(&self) -> impl Iterator<Item = usize> + '_ {
        self.items.iter().filter_map(|item| match item {
            Item::Guard(t) => Some(*t),
            Item::Rule(_) => None,
        })
    }
}

/// One rule: a path of a transform.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rule {
    pub reference: RuleRef,
    pub action: Action,
}

/// The compiled form of an endpoint's transforms: passes run in order, each either one walk
/// over the document or the naive engine. Equal in effect to [`naive::run`].
#[derive(Debug)]
pub struct Plan {
    pub(crate) transforms: Vec<TransformSpec>,
    pub(crate) rules: Vec<Rule>,
    pub(crate) passes: Vec<Pass>,
}

/// Compiles the transforms of an endpoint. Time and memory grow with the number of steps;
/// comparing guards and absolute filter operands with the rules before them is bounded by a
/// budget, past which the plan splits to be safe.
pub fn compile(transforms: &[TransformSpec]) -> Plan {
    let (rules, items) = number_rules(transforms);
    let passes = split(transforms, &rules, items)
        .into_iter()
        .map(|open| open.finish(transforms, &rules))
        .collect();
    Plan {
        transforms: transforms.to_vec(),
        rules,
        passes,
    }
}

/// The rules, numbered transform by transform and path by path, and the sequence of guards
/// and rules in the order the reference evaluates them (§2.0).
fn number_rules(transforms: &[TransformSpec]) -> (Vec<Rule>, Vec<Item>) {
    let mut rules = Vec::new();
    let mut items = Vec::new();
    for (t, spec) in transforms.iter().enumerate() {
        if spec.guard.is_some() {
            items.push(Item::Guard(t));
        }
        for p in 0..spec.paths.len() {
            items.push(Item::Rule(rules.len() as RuleId));
            rules.push(Rule {
                reference: RuleRef {
                    transform: t,
                    path: p,
                },
                action: spec.action,
            });
        }
    }
    (rules, items)
}

/// Splits the items greedily into contiguous passes: a new pass starts where an item cannot
/// join the current one.
fn split(transforms: &[TransformSpec], rules: &[Rule], items: Vec<Item>) -> Vec<Open> {
    let mut analysis = Analysis::new(transforms);
    let reference = |r: RuleId| rules[r as usize].reference;
    let mut passes: Vec<Open> = Vec::new();
    for item in items {
        let transform = match item {
            Item::Guard(t) => t,
            Item::Rule(r) => reference(r).transform,
        };
        let naive_reason = if transforms[transform].abort_stops_path {
            Some(SplitReason::AbortStopsPath { transform })
        } else {
            match item {
                Item::Rule(r) => {
                    let rule = reference(r);
                    transforms[transform].paths[rule.path]
                        .may_select_again()
                        .then_some(SplitReason::SelectsAgain { rule })
                }
                Item::Guard(_) => None,
            }
        };
        let naive = naive_reason.is_some();
        let start = match passes.last() {
            None if naive => naive_reason,
            None => Some(SplitReason::Start),
            Some(o) if naive && !o.naive => naive_reason,
            Some(o) if !naive && o.naive => Some(SplitReason::AfterNaive),
            Some(_) if naive => None,
            Some(o) => match item {
                Item::Rule(r) => analysis.rule_conflict(&o.walk_rules, r),
                Item::Guard(t) => analysis.guard_conflict(&o.walk_rules, t),
            }
            .map(|conflict| match conflict {
                _ if analysis.budget_spent() => SplitReason::AnalysisBudget { transform },
                Conflict::AbsoluteReadOfWrite { writer, reader } => {
                    SplitReason::AbsoluteReadOfWrite {
                        writer: reference(writer),
                        reader: reference(reader),
                    }
                }
                Conflict::GuardReadsWrite { writer, transform } => SplitReason::GuardReadsWrite {
                    writer: reference(writer),
                    transform,
                },
            }),
        };
        if let Some(reason) = start {
            passes.push(Open {
                naive,
                reason,
                items: Vec::new(),
                walk_rules: Vec::new(),
            });
        }
        if let Some(open) = passes.last_mut() {
            open.items.push(item);
            if let (Item::Rule(r), false) = (item, open.naive) {
                open.walk_rules.push(r);
            }
        }
    }
    passes
}

/// A pass being built.
struct Open {
    naive: bool,
    reason: SplitReason,
    items: Vec<Item>,
    walk_rules: Vec<RuleId>,
}

impl Open {
    fn finish(self, transforms: &[TransformSpec], rules: &[Rule]) -> Pass {
        let reference = |r: RuleId| rules[r as usize].reference;
        let rule_ids: Vec<RuleId> = self
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Rule(r) => Some(*r),
                Item::Guard(_) => None,
            })
            .collect();
        let trie = (!self.naive).then(|| {
            Trie::build(rule_ids.iter().map(|&r| {
                let rr = reference(r);
                (r, &transforms[rr.transform].paths[rr.path])
            }))
        });
        Pass {
            kind: if self.naive {
                PassKind::Naive
            } else {
                PassKind::Walk
            },
            reason: self.reason,
            items: self.items,
            rules: rule_ids.iter().map(|&r| reference(r)).collect(),
            trie,
        }
    }
}

impl Plan {
    pub fn passes(&self) -> &[Pass] {
        &self.passes
    }

    /// Applies every transform to `doc`, with the same result, errors aside, and the same
    /// statistics as [`naive::run`]. When both fail, the error reported may differ.
    ///
    /// An array whose elements are independent (no active rule deletes, no index or slice
    /// reads the array, no update of an ancestor constrains its elements) is offered to
    /// [`Mapper::split`]; if the mapper splits, its two halves are walked at once on two
    /// threads, each with its own automaton. The result is the same.
    pub fn run<'a, M: Mapper<'a>>(
        &self,
        doc: &mut Value<'a>,
        mapper: &mut M,
    ) -> Result<RunStats, ExecError<M::Error>>
    where
        M::Error: Send,
    {
        self.run_with(doc, mapper, Limits::DEFAULT)
    }

    pub(crate) fn run_with<'a, M: Mapper<'a>>(
        &self,
        doc: &mut Value<'a>,
        mapper: &mut M,
        limits: Limits,
    ) -> Result<RunStats, ExecError<M::Error>>
    where
        M::Error: Send,
    {
        match self.run_passes::<M, Infallible>(doc, mapper, limits, None) {
            Ok((stats, _)) => Ok(stats),
            Err(Emitted::Exec(e)) => Err(e),
            // Only a walk that writes as it goes leaves holes.
            Err(Emitted::Redo) => unreachable!("no walk wrote the document"),
        }
    }

    /// Runs the plan on `doc` and hands the result to `emit` to be written. The last walk may
    /// leave large arrays as holes that it walks while `emit` writes them (see
    /// [`Holes`]): the output is the same, made with both cores.
    ///
    /// On [`Emitted::Redo`], `emit` may have written part of the document, and the failure
    /// itself is known only from [`Plan::run`] on the document as it was.
    pub(crate) fn run_emit<'a, M: Mapper<'a>, X>(
        &self,
        doc: &mut Value<'a>,
        mapper: &mut M,
        emit: &mut dyn FnMut(&Value<'a>, &mut dyn Holes) -> Result<bool, X>,
    ) -> Result<Result<bool, X>, Emitted<M::Error>>
    where
        M::Error: Send,
    {
        let (_, emitted) = self.run_passes(doc, mapper, Limits::DEFAULT, Some(&mut *emit))?;
        Ok(match emitted {
            Some(emitted) => emitted,
            None => emit(doc, &mut NoHoles),
        })
    }

    /// The passes of the plan, in order; the last walk hands the document to `emit` when
    /// given, and returns what it said.
    #[allow(clippy::type_complexity)]
    fn run_passes<'a, M: Mapper<'a>, X>(
        &self,
        doc: &mut Value<'a>,
        mapper: &mut M,
        limits: Limits,
        mut emit: Option<&mut dyn FnMut(&Value<'a>, &mut dyn Holes) -> Result<bool, X>>,
    ) -> Result<(RunStats, Option<Result<bool, X>>), Emitted<M::Error>>
    where
        M::Error: Send,
    {
        let mut stats = RunStats::zeroed(&self.transforms);
        if doc.is_null() {
            // §6.4: Jayway rejects a null document, so the first guard or path fails.
            return match self
                .transforms
                .iter()
                .enumerate()
                .find(|(_, t)| t.guard.is_some() || !t.paths.is_empty())
            {
                Some((t, spec)) => Err(Emitted::Exec(ExecError::fatal(
                    t,
                    spec.guard.is_none().then_some(0),
                    naive::NULL_DOCUMENT,
                ))),
                None => Ok((stats, None)),
            };
        }
        let mut active = vec![true; self.transforms.len()];
        let mut counts = vec![0u64; self.rules.len()];
        let mut emitted = None;
        for (i, pass) in self.passes.iter().enumerate() {
            // A walk pass evaluates its guards first; the split guarantees that no earlier
            // rule of the pass changes what they read.
            for item in &pass.items {
                match *item {
                    Item::Guard(t) => {
                        active[t] = naive::guard_allows(t, &self.transforms[t], doc)?;
                    }
                    Item::Rule(r) if pass.trie.is_none() => {
                        let RuleRef { transform, path } = self.rules[r as usize].reference;
                        if active[transform] {
                            counts[r as usize] = naive::apply_rule(
                                transform,
                                path,
                                &self.transforms[transform],
                                doc,
                                mapper,
                            )?;
                        }
                    }
                    Item::Rule(_) => {}
                }
            }
            let Some(trie) = &pass.trie else { continue };
            let rule_on: Vec<bool> = self
                .rules
                .iter()
                .map(|r| active[r.reference.transform])
                .collect();
            let walk_error = |e: exec::WalkError<M::Error>| {
                let RuleRef { transform, path } = self.rules[e.rule as usize].reference;
                ExecError {
                    transform,
                    path: Some(path),
                    pointer: e.pointer,
                    kind: e.kind,
                }
            };
            let last = if i + 1 == self.passes.len() {
                emit.take()
            } else {
                None
            };
            let done = exec::walk(
                trie,
                &self.rules,
                &rule_on,
                doc,
                mapper,
                &mut counts,
                limits,
                last,
            )
            .map_err(|failure| match failure {
                exec::EmitFailure::Walk(e) => Emitted::Exec(walk_error(e)),
                exec::EmitFailure::Redo => Emitted::Redo,
            })?;
            if done.is_some() {
                emitted = done;
            }
        }
        for (rule, n) in self.rules.iter().zip(counts) {
            stats.matches[rule.reference.transform][rule.reference.path] = n;
        }
        Ok((stats, emitted))
    }
}

/// Why [`Plan::run_emit`] failed.
#[derive(Debug)]
pub(crate) enum Emitted<E> {
    /// The plan failed, with the error [`Plan::run`] gives.
    Exec(ExecError<E>),
    /// A walk that wrote the document as it went failed: run the plan again without writing
    /// to learn which error comes first.
    Redo,
}

impl<E> From<ExecError<E>> for Emitted<E> {
    fn from(e: ExecError<E>) -> Self {
        Emitted::Exec(e)
    }
}

/// A set of rules, by a span of their numbers; a thread whose span misses the rule range
/// being walked can be skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub lo: RuleId,
    /// Exclusive.
    pub hi: RuleId,
}

impl Span {
    pub(crate) const EMPTY: Span = Span {
        lo: RuleId::MAX,
        hi: 0,
    };

    pub(crate) fn add(&mut self, r: RuleId) {
        self.lo = self.lo.min(r);
        self.hi = self.hi.max(r + 1);
    }

    pub(crate) fn join(&mut self, other: Span) {
        self.lo = self.lo.min(other.lo);
        self.hi = self.hi.max(other.hi);
    }

    pub(crate) fn meets(self, lo: RuleId, hi: RuleId) -> bool {
        self.lo < hi && lo < self.hi
    }
}

/// The steps of a walk pass's paths, merged by shared prefix.
#[derive(Debug)]
pub(crate) struct Trie {
    pub nodes: Vec<TNode>,
    pub edges: Vec<TEdge>,
    /// Whether some filter reads the document through an absolute path.
    pub reads_root: bool,
}

/// A prefix of one or more paths.
#[derive(Debug)]
pub(crate) struct TNode {
    /// The prefix, in canonical form.
    pub text: String,
    pub child_edges: Vec<u32>,
    pub desc_edges: Vec<u32>,
    /// Child and deep-scan edges in the order the paths introduced them.
    pub edges: Vec<u32>,
    /// Rules whose path ends here, ascending.
    pub actions: Vec<RuleId>,
    /// Every step to here is definite: a filter on a primitive here is fatal (§6.3.8).
    pub definite: bool,
    /// Rules at or below this node.
    pub span: Span,
    /// Rules below the deep-scan edges of this node.
    pub scan_span: Span,
}

/// A step from a node: a child step (`.a`, `[*]`, `[?(…)]`) or a deep scan (`..a`).
#[derive(Debug)]
pub(crate) struct TEdge {
    pub from: u32,
    pub step: Step,
    /// Where the paths that go on after this step continue.
    pub to: Option<u32>,
    /// Rules for which this is a multi-name leaf: they act on the named members of the node
    /// the step is applied to, as one location (§6.3.2).
    pub keys_rules: Vec<RuleId>,
    /// Every rule that takes this step, ascending.
    pub rules: Vec<RuleId>,
    pub span: Span,
    /// The members of the node it is applied to that a test of this step reads (a filter's
    /// relative operands, the names an all-names check needs); `None`: any of them, or the
    /// node's length.
    pub reads: Option<Vec<String>>,
}

impl TEdge {
    pub(crate) fn selector(&self) -> &Selector {
        self.step.selector()
    }

    /// The names of a `Name` or `Names` step.
    pub(crate) fn names(&self) -> &[String] {
        match self.selector() {
            Selector::Name(n) => std::slice::from_ref(n),
            Selector::Names(ns) => ns,
            _ => &[],
        }
    }
}

impl Trie {
    pub(crate) fn build<'p>(rules: impl Iterator<Item = (RuleId, &'p JsonPath)>) -> Trie {
        let mut trie = Trie {
            nodes: vec![TNode::new("$".to_owned(), true)],
            edges: Vec::new(),
            reads_root: false,
        };
        let mut index: HashMap<(u32, String), u32> = HashMap::new();
        for (rule, path) in rules {
            let mut node = 0u32;
            let mut keys_leaf = false;
            for (i, step) in path.steps.iter().enumerate() {
                let leaf = path.is_leaf(i);
                let text = step.to_string();
                let e = *index.entry((node, text)).or_insert_with(|| {
                    let e = trie.edges.len() as u32;
                    let mut step = step.clone();
                    step.span = 0..0;
                    let reads = member_reads(step.selector());
                    trie.edges.push(TEdge {
                        from: node,
                        step,
                        to: None,
                        keys_rules: Vec::new(),
                        rules: Vec::new(),
                        span: Span::EMPTY,
                        reads,
                    });
                    let from = &mut trie.nodes[node as usize];
                    from.edges.push(e);
                    if step_is_descendant(&trie.edges[e as usize].step) {
                        from.desc_edges.push(e);
                    } else {
                        from.child_edges.push(e);
                    }
                    e
                });
                trie.edges[e as usize].rules.push(rule);
                if leaf && matches!(step.selector(), Selector::Names(_)) {
                    trie.edges[e as usize].keys_rules.push(rule);
                    keys_leaf = true;
                    break;
                }
                node = if let Some(to) = trie.edges[e as usize].to {
                    to
                } else {
                    let from = &trie.nodes[node as usize];
                    let definite = from.definite && continues_definite(step);
                    let text = format!("{}{step}", from.text);
                    let to = trie.nodes.len() as u32;
                    trie.nodes.push(TNode::new(text, definite));
                    trie.edges[e as usize].to = Some(to);
                    to
                };
            }
            if !keys_leaf {
                trie.nodes[node as usize].actions.push(rule);
            }
            trie.reads_root |= reads_root(path);
        }
        trie.compute_spans();
        trie
    }

    /// Spans bottom-up: children are created after their parents, so reverse order works.
    fn compute_spans(&mut self) {
        for e in &mut self.edges {
            e.span = Span::EMPTY;
            for &r in &e.rules {
                e.span.add(r);
            }
        }
        for n in (0..self.nodes.len()).rev() {
            let mut span = Span::EMPTY;
            let mut scan_span = Span::EMPTY;
            for &r in &self.nodes[n].actions {
                span.add(r);
            }
            for &e in &self.nodes[n].child_edges {
                span.join(self.edges[e as usize].span);
            }
            for &e in &self.nodes[n].desc_edges {
                scan_span.join(self.edges[e as usize].span);
            }
            span.join(scan_span);
            self.nodes[n].span = span;
            self.nodes[n].scan_span = scan_span;
        }
    }
}

impl TNode {
    fn new(text: String, definite: bool) -> TNode {
        TNode {
            text,
            child_edges: Vec::new(),
            desc_edges: Vec::new(),
            edges: Vec::new(),
            actions: Vec::new(),
            definite,
            span: Span::EMPTY,
            scan_span: Span::EMPTY,
        }
    }
}

fn step_is_descendant(step: &Step) -> bool {
    matches!(step.kind, StepKind::Descendant(_))
}

/// Whether the prefix stays definite after `step` when more steps follow: one name or one
/// index (a multi-name step before the leaf iterates, §6.3.4).
fn continues_definite(step: &Step) -> bool {
    match &step.kind {
        StepKind::Child(Selector::Name(_)) => true,
        StepKind::Child(Selector::Indexes(ix)) => ix.len() == 1,
        _ => false,
    }
}

/// The members a test of `selector` reads at the node it tests (see [`TEdge::reads`]).
fn member_reads(selector: &Selector) -> Option<Vec<String>> {
    use crate::jsonpath::{Filter, Operand, PathRoot};
    fn first(root: PathRoot, steps: &[Step], keys: &mut Vec<String>) -> Option<()> {
        if root == PathRoot::Document {
            // Read from the document as it was before the pass.
            return Some(());
        }
        match steps.first().map(|s| &s.kind) {
            Some(StepKind::Child(Selector::Name(n))) => keys.push(n.clone()),
            Some(StepKind::Child(Selector::Names(ns))) => keys.extend(ns.iter().cloned()),
            _ => return None,
        }
        Some(())
    }
    fn filter(f: &Filter, keys: &mut Vec<String>) -> Option<()> {
        match f {
            Filter::Or(fs) | Filter::And(fs) => fs.iter().try_for_each(|f| filter(f, keys)),
            Filter::Not(inner) => filter(inner, keys),
            // An existence test reads from the value tested, whatever its root.
            Filter::Exists(p) => first(PathRoot::Current, &p.steps, keys),
            Filter::Compare { left, right, .. } => {
                [left, right].into_iter().try_for_each(|o| match o {
                    Operand::Path(p) => first(p.root, &p.steps, keys),
                    _ => Some(()),
                })
            }
        }
    }
    match selector {
        Selector::Filter(f) => {
            let mut keys = Vec::new();
            filter(f, &mut keys)?;
            Some(keys)
        }
        Selector::Names(ns) => Some(ns.clone()),
        Selector::Name(_) | Selector::Wildcard | Selector::Indexes(_) | Selector::Slice { .. } => {
            None
        }
    }
}

fn reads_root(path: &JsonPath) -> bool {
    use crate::jsonpath::{Filter, Operand, PathRoot};
    fn filter(f: &Filter) -> bool {
        match f {
            Filter::Or(fs) | Filter::And(fs) => fs.iter().any(filter),
            Filter::Not(inner) => filter(inner),
            // An existence test reads from the value tested, whatever its root.
            Filter::Exists(_) => false,
            Filter::Compare { left, right, .. } => [left, right]
                .iter()
                .any(|o| matches!(o, Operand::Path(p) if p.root == PathRoot::Document)),
        }
    }
    path.steps
        .iter()
        .any(|s| matches!(s.selector(), Selector::Filter(f) if filter(f)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::naive::cases::{self, Engine, Mark};

    struct Compiled;

    impl Engine for Compiled {
        fn apply(
            &self,
            action: Action,
            paths: &[JsonPath],
            doc: &mut Value<'static>,
        ) -> Option<&'static str> {
            let spec = TransformSpec::new(action, paths.to_vec());
            compile(&[spec])
                .run(doc, &mut Mark)
                .err()
                .map(|e| cases::run_error_kind(&e))
        }
    }

    fn spec(action: Action, paths: &[&str], guard: Option<&str>) -> TransformSpec {
        TransformSpec {
            action,
            paths: paths
                .iter()
                .map(|p| crate::jsonpath::parse(p).expect("test path parses"))
                .collect(),
            guard: guard.map(|g| crate::jsonpath::parse(g).expect("test guard parses")),
            abort_stops_path: false,
        }
    }

    fn reasons(transforms: &[TransformSpec]) -> Vec<SplitReason> {
        compile(transforms)
            .passes()
            .iter()
            .map(|p| p.reason().clone())
            .collect()
    }

    fn rule(transform: usize, path: usize) -> RuleRef {
        RuleRef { transform, path }
    }

    #[test]
    fn order_dependent_rules_share_one_walk() {
        // A redact before a map of what it removes, the same value mapped twice, a filter on
        // a value changed before: all applied in rule order within one walk.
        let transforms = [
            spec(Action::Delete, &["$.users[?(@.deleted)]"], None),
            spec(Action::Map, &["$.users[*].id", "$..id"], None),
            spec(Action::Map, &["$.users[?(@.id != 'USLACKBOT')].name"], None),
            spec(Action::Delete, &["$.users[0]"], None),
            spec(Action::Map, &["$.users[0].email"], None),
        ];
        assert_eq!(reasons(&transforms), [SplitReason::Start]);
    }

    #[test]
    fn a_guard_reading_an_earlier_write_starts_a_pass() {
        let transforms = [
            spec(Action::Delete, &["$.x", "$..attributes"], None),
            spec(
                Action::Map,
                &["$.records[*].Id"],
                Some("$.records[?(@.attributes.type == 'User')]"),
            ),
        ];
        assert_eq!(
            reasons(&transforms),
            [
                SplitReason::Start,
                SplitReason::GuardReadsWrite {
                    writer: rule(0, 1),
                    transform: 1
                }
            ]
        );
    }

    #[test]
    fn a_guard_ignores_writes_inside_what_it_matches() {
        let transforms = [
            spec(Action::Map, &["$.records[*].Email"], None),
            spec(
                Action::Map,
                &["$.records[*].Id"],
                Some("$.records[?(@.attributes.type == 'User')]"),
            ),
        ];
        assert_eq!(reasons(&transforms), [SplitReason::Start]);
    }

    #[test]
    fn an_absolute_operand_after_a_write_to_it_starts_a_pass() {
        let transforms = [spec(
            Action::Map,
            &["$.owner", "$.l[?(@.id == $.owner)].name"],
            None,
        )];
        assert_eq!(
            reasons(&transforms),
            [
                SplitReason::Start,
                SplitReason::AbsoluteReadOfWrite {
                    writer: rule(0, 0),
                    reader: rule(0, 1)
                }
            ]
        );
        // Read first, written later: the walk serves the value from before the pass.
        let reversed = [spec(
            Action::Map,
            &["$.l[?(@.id == $.owner)].name", "$.owner"],
            None,
        )];
        assert_eq!(reasons(&reversed), [SplitReason::Start]);
    }

    #[test]
    fn a_transform_that_can_stop_a_path_runs_naively_between_walks() {
        let mut digest = spec(Action::Map, &["$.a", "$.b"], Some("$..x"));
        digest.abort_stops_path = true;
        let transforms = [
            spec(Action::Map, &["$.c"], None),
            digest,
            spec(Action::Map, &["$.d"], None),
        ];
        let plan = compile(&transforms);
        let shape: Vec<(PassKind, usize, usize)> = plan
            .passes()
            .iter()
            .map(|p| (p.kind(), p.rules().len(), p.guards().count()))
            .collect();
        assert_eq!(
            shape,
            [
                (PassKind::Walk, 1, 0),
                (PassKind::Naive, 2, 1),
                (PassKind::Walk, 1, 0)
            ]
        );
        assert_eq!(
            reasons(&transforms),
            [
                SplitReason::Start,
                SplitReason::AbortStopsPath { transform: 1 },
                SplitReason::AfterNaive
            ]
        );
    }

    fn trie(paths: &[&str]) -> Trie {
        let parsed: Vec<JsonPath> = paths
            .iter()
            .map(|p| crate::jsonpath::parse(p).expect("test path parses"))
            .collect();
        Trie::build(parsed.iter().enumerate().map(|(r, p)| (r as RuleId, p)))
    }

    #[test]
    fn paths_share_their_prefixes() {
        let t = trie(&["$.a.b", "$.a.c", "$['a'].b", "$..a"]);
        let texts: Vec<&str> = t.nodes.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(texts, ["$", "$.a", "$.a.b", "$.a.c", "$..a"]);
        assert_eq!(t.nodes[2].actions, [0, 2]);
        assert_eq!(t.nodes[0].desc_edges.len(), 1);
    }

    #[test]
    fn a_multi_name_step_ends_some_paths_and_continues_others() {
        let t = trie(&["$.o['x','y']", "$.o['x','y'].z"]);
        let edge = &t.edges[1];
        assert_eq!(edge.keys_rules, [0]);
        assert_eq!(edge.rules, [0, 1]);
        let to = edge.to.expect("continues for rule 1") as usize;
        // Several names before the leaf iterate: the prefix is no longer definite (§6.3.4).
        assert!(!t.nodes[to].definite);
        assert!(t.nodes[1].definite);
    }

    #[test]
    fn filter_edges_record_the_members_they_read() {
        let t = trie(&["$.l[?(@.a.b == 1 && @.c)]", "$.l[?(@ == 1)]", "$.l[0]"]);
        let reads: Vec<Option<Vec<String>>> =
            t.edges[1..].iter().map(|e| e.reads.clone()).collect();
        assert_eq!(
            reads,
            [Some(vec!["a".to_owned(), "c".to_owned()]), None, None]
        );
    }

    #[test]
    fn plans_can_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Plan>();
    }

    #[test]
    fn update_cases_pass_on_the_plan() {
        cases::assert_update_cases_pass(&Compiled);
    }
}
