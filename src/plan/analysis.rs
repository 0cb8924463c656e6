//! Which rules of an endpoint can share one walk: the positions rules write and the positions
//! that are read outside the walk's order, as small automata over keys and indexes, and the
//! greedy split of the rules into passes.
//!
//! A walk applies the rules of a pass in rule order at every node and re-tests a rule's filters,
//! index and all-names selections after the earlier rules are done inside the node (see
//! `exec`), so relative reads never need a split. Two reads do: an absolute `$` operand of a
//! filter, which the walk serves from the document as it was before the pass, and a guard,
//! evaluated before the walk. Each conflicts with a write of an earlier rule of the pass to a
//! position related to it; over-approximating only costs a pass, never correctness.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet, VecDeque};

use super::TransformSpec;
use crate::jsonpath::{Filter, JsonPath, Operand, PathRoot, Selector, Step, StepKind};

/// One symbol of a position: a member key or an array index, or a class of them.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Label {
    Key(String),
    /// The array indexes from `from`, up to `to` excluded (`None`: any number).
    Elems {
        from: u64,
        to: Option<u64>,
    },
    /// Any key or index.
    Any,
}

/// Any array element.
const ANY_ELEM: Label = Label::Elems { from: 0, to: None };

impl Label {
    /// Index `i` alone.
    fn elem(i: u64) -> Label {
        Label::Elems {
            from: i,
            to: i.checked_add(1),
        }
    }

    /// The symbols both labels stand for, as one label, if there are any.
    fn meet(&self, other: &Label) -> Option<Label> {
        match (self, other) {
            (Label::Any, l) | (l, Label::Any) => Some(l.clone()),
            (Label::Key(a), Label::Key(b)) => (a == b).then(|| self.clone()),
            (Label::Elems { from: a, to: x }, Label::Elems { from: b, to: y }) => {
                let from = *a.max(b);
                let to = match (x, y) {
                    (Some(x), Some(y)) => Some(*x.min(y)),
                    (end, None) | (None, end) => *end,
                };
                to.is_none_or(|to| from < to)
                    .then_some(Label::Elems { from, to })
            }
            _ => None,
        }
    }

    fn meets(&self, other: &Label) -> bool {
        self.meet(other).is_some()
    }
}

/// A set of positions (sequences of keys and indexes from the root) as an automaton: state 0
/// starts, `end` accepts, and every state can reach `end`.
#[derive(Debug, Clone)]
pub(crate) struct Positions {
    moves: Vec<Vec<(Label, u32)>>,
    eps: Vec<Vec<u32>>,
    end: u32,
}

impl Positions {
    /// The one key every position starts with, when there is one: a cheap way to tell that
    /// `$.users…` and `$.channels…` never meet.
    fn head(&self) -> Option<&str> {
        if self.end == 0 || !self.eps[0].is_empty() {
            return None;
        }
        match self.moves[0].as_slice() {
            [(Label::Key(k), _)] => Some(k),
            _ => None,
        }
    }
}

/// Builds [`Positions`] step by step.
#[derive(Debug, Clone)]
struct Build {
    p: Positions,
    cur: u32,
    /// Writes keep indexes exact; reads widen them to any element, since deleting an earlier
    /// element moves a later one under a fixed index.
    exact_indexes: bool,
    /// A wildcard selects array elements only, as it almost always does in rules: a coarser
    /// reading for lints that should not warn about objects no response has.
    wildcard_elements: bool,
}

impl Build {
    fn new(exact_indexes: bool) -> Build {
        Build {
            p: Positions {
                moves: vec![Vec::new()],
                eps: vec![Vec::new()],
                end: 0,
            },
            cur: 0,
            exact_indexes,
            wildcard_elements: false,
        }
    }

    fn state(&mut self) -> u32 {
        self.p.moves.push(Vec::new());
        self.p.eps.push(Vec::new());
        (self.p.moves.len() - 1) as u32
    }

    fn step(&mut self, step: &Step) {
        if step.is_descendant() {
            self.descend();
        }
        self.select(step.selector());
    }

    fn steps(&mut self, steps: &[Step]) {
        for step in steps {
            self.step(step);
        }
    }

    /// Any number of levels down, none included: where a deep scan applies its selector.
    fn descend(&mut self) {
        let s = self.state();
        self.p.eps[self.cur as usize].push(s);
        self.p.moves[s as usize].push((Label::Any, s));
        self.cur = s;
    }

    fn select(&mut self, selector: &Selector) {
        let from = self.cur as usize;
        let next = self.state();
        let labels: Vec<Label> = match selector {
            Selector::Name(n) => vec![Label::Key(n.clone())],
            Selector::Names(ns) => ns.iter().map(|n| Label::Key(n.clone())).collect(),
            Selector::Wildcard if self.wildcard_elements => vec![ANY_ELEM],
            Selector::Wildcard => vec![Label::Any],
            Selector::Indexes(ix) => ix
                .iter()
                .map(|&i| match u64::try_from(i) {
                    Ok(i) if self.exact_indexes => Label::elem(i),
                    // A negative index counts from the end: it can be any element.
                    _ => ANY_ELEM,
                })
                .collect(),
            Selector::Slice { start, end } => {
                let bound = |b: Option<i64>| b.map(u64::try_from).transpose();
                match (bound(*start), bound(*end)) {
                    // An empty slice selects nothing: no label at all, as one would meet `Any`.
                    (Ok(from), Ok(Some(to))) if self.exact_indexes && from.unwrap_or(0) >= to => {
                        Vec::new()
                    }
                    (Ok(from), Ok(to)) if self.exact_indexes => vec![Label::Elems {
                        from: from.unwrap_or(0),
                        to,
                    }],
                    _ => vec![ANY_ELEM],
                }
            }
            // A filter selects the object itself or elements of the array (§6.3.6-7).
            Selector::Filter(_) => {
                self.p.eps[from].push(next);
                vec![ANY_ELEM]
            }
        };
        for label in labels {
            self.p.moves[from].push((label, next));
        }
        self.cur = next;
    }

    /// Where a filter at the current position reads from: the position itself (an object)
    /// or one of its elements (an array).
    fn filtered(&mut self) {
        self.select(&Selector::Filter(Filter::And(Vec::new())));
    }

    fn any_step(&mut self) {
        self.select(&Selector::Wildcard);
    }

    fn finish(mut self) -> Positions {
        self.p.end = self.cur;
        self.p
    }
}

/// Limits the work of the analysis; once spent, every open question counts as a conflict.
#[derive(Debug)]
pub(crate) struct Budget {
    left: u64,
}

impl Budget {
    pub(crate) fn new(steps: u64) -> Budget {
        Budget { left: steps }
    }
}

/// How a written position must relate to a read one to change what is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Relation {
    /// The write is at, above or below the read: the read takes the whole value.
    Either,
    /// The write is at or above the read: the read only needs the value to be there.
    AtOrAbove,
}

/// A guard read or an absolute operand.
#[derive(Debug, Clone)]
pub(crate) struct Read {
    pub positions: Positions,
    pub relation: Relation,
}

/// Whether some position of `w` and some position of `v` are related as `relation` says (one a
/// prefix of the other, equal included), by reachability in the product of the two automata.
pub(crate) fn related(
    w: &Positions,
    v: &Positions,
    relation: Relation,
    budget: &mut Budget,
) -> bool {
    search(w, v, budget, |a, b| {
        a == w.end || (b == v.end && relation == Relation::Either)
    })
    .unwrap_or(true)
}

/// Whether a pair of states that `accept`s is reachable in the product of `w` and `v`, or
/// `None` when the budget ran out first.
fn search(
    w: &Positions,
    v: &Positions,
    budget: &mut Budget,
    accept: impl Fn(u32, u32) -> bool,
) -> Option<bool> {
    if let (Some(a), Some(b)) = (w.head(), v.head())
        && a != b
    {
        return Some(false);
    }
    let mut seen: HashSet<(u32, u32)> = HashSet::new();
    let mut stack = vec![(0, 0)];
    while let Some((a, b)) = stack.pop() {
        if !seen.insert((a, b)) {
            continue;
        }
        if budget.left == 0 {
            return None;
        }
        budget.left -= 1;
        if accept(a, b) {
            return Some(true);
        }
        for &a2 in &w.eps[a as usize] {
            stack.push((a2, b));
        }
        for &b2 in &v.eps[b as usize] {
            stack.push((a, b2));
        }
        for (la, a2) in &w.moves[a as usize] {
            for (lb, b2) in &v.moves[b as usize] {
                if la.meets(lb) {
                    stack.push((*a2, *b2));
                }
            }
        }
    }
    Some(false)
}

/// Where a path acts, built once for lints that compare the paths of an endpoint pairwise.
#[derive(Debug, Clone)]
pub(crate) struct PathShape {
    /// What it selects in a document whose wildcards meet arrays; `None` with a filter, as
    /// whether two filters agree is not decided here.
    selects: Option<Positions>,
    /// What it acts on (see [`RuleFacts::writes`]).
    writes: Positions,
}

impl PathShape {
    pub(crate) fn of(path: &JsonPath) -> PathShape {
        let mut build = Build::new(true);
        build.wildcard_elements = true;
        let mut filtered = false;
        for step in &path.steps {
            filtered |= matches!(step.selector(), Selector::Filter(_));
            build.step(step);
        }
        PathShape {
            selects: (!filtered).then(|| build.finish()),
            writes: RuleFacts::of(path).writes,
        }
    }
}

/// Whether two paths can select one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Shared {
    /// They can: a place they both select, the nearest to the root, written as a path
    /// (`$.assignee.reporter.emailAddress`; `[*]` for any member, `[0]` for any element).
    At(String),
    Nowhere,
    /// A path has a filter, or the search would take more than its budget.
    Undecided,
}

/// Whether, and where, two paths can select the same value, searching at most `steps` product
/// states; paths with filters are not compared.
pub(crate) fn same_place(a: &PathShape, b: &PathShape, steps: u64) -> Shared {
    /// A pair of states is reached from a pair, through a symbol or none.
    type Origin = Option<((u32, u32), Option<Label>)>;
    fn reach(
        from: &mut HashMap<(u32, u32), Origin>,
        queue: &mut VecDeque<(u32, u32)>,
        pair: (u32, u32),
        origin: Origin,
    ) {
        if let Entry::Vacant(e) = from.entry(pair) {
            e.insert(origin);
            queue.push_back(pair);
        }
    }
    let (Some(w), Some(v)) = (a.selects.as_ref(), b.selects.as_ref()) else {
        return Shared::Undecided;
    };
    if let (Some(x), Some(y)) = (w.head(), v.head())
        && x != y
    {
        return Shared::Nowhere;
    }
    let mut budget = Budget::new(steps);
    // Breadth first, for the nearest place.
    let mut from: HashMap<(u32, u32), Origin> = HashMap::from([((0, 0), None)]);
    let mut queue = VecDeque::from([(0, 0)]);
    while let Some((x, y)) = queue.pop_front() {
        if budget.left == 0 {
            return Shared::Undecided;
        }
        budget.left -= 1;
        if x == w.end && y == v.end {
            let mut labels = Vec::new();
            let mut at = (x, y);
            while let Some(Some((before, label))) = from.get(&at) {
                labels.extend(label.clone());
                at = *before;
            }
            labels.reverse();
            return Shared::At(place_text(&labels));
        }
        for &x2 in &w.eps[x as usize] {
            reach(&mut from, &mut queue, (x2, y), Some(((x, y), None)));
        }
        for &y2 in &v.eps[y as usize] {
            reach(&mut from, &mut queue, (x, y2), Some(((x, y), None)));
        }
        for (la, x2) in &w.moves[x as usize] {
            for (lb, y2) in &v.moves[y as usize] {
                if let Some(label) = la.meet(lb) {
                    let origin = Some(((x, y), Some(label)));
                    reach(&mut from, &mut queue, (*x2, *y2), origin);
                }
            }
        }
    }
    Shared::Nowhere
}

/// The path of a place: its labels, each as concrete as the two paths make it.
fn place_text(labels: &[Label]) -> String {
    let steps = labels
        .iter()
        .map(|label| Step {
            kind: StepKind::Child(match label {
                Label::Key(k) => Selector::Name(k.clone()),
                Label::Elems { from, .. } => {
                    Selector::Indexes(vec![i64::try_from(*from).unwrap_or(i64::MAX)])
                }
                Label::Any => Selector::Wildcard,
            }),
            span: 0..0,
        })
        .collect();
    JsonPath { steps }.to_string()
}

/// Whether deleting what `redact` selects can remove a value `later` selects (the value itself
/// or a container of it); a search longer than `steps` product states answers yes.
pub(crate) fn may_remove(redact: &PathShape, later: &PathShape, steps: u64) -> bool {
    related(
        &redact.writes,
        &later.writes,
        Relation::AtOrAbove,
        &mut Budget::new(steps),
    )
}

/// What one rule writes, and what it reads outside the walk's order.
#[derive(Debug, Clone)]
pub(crate) struct RuleFacts {
    /// The locations the rule acts on (for a multi-name leaf, its members).
    pub writes: Positions,
    /// Absolute `$` operands of its filters.
    pub absolute: Vec<Positions>,
}

impl RuleFacts {
    pub(crate) fn of(path: &JsonPath) -> RuleFacts {
        let mut absolute = Vec::new();
        let mut writes = Build::new(true);
        for step in &path.steps {
            if let Selector::Filter(f) = step.selector() {
                filter_reads(f, None, &mut Vec::new(), &mut absolute);
            }
            writes.step(step);
        }
        RuleFacts {
            writes: writes.finish(),
            absolute,
        }
    }
}

/// Everything an `applyOnlyWhen` guard reads (§2.0): whether its matches exist, what its
/// filters compare, and the arrays it indexes (a deletion before an index moves what it
/// selects). A definite guard also reads its value (is it a non-empty list?).
pub(crate) fn guard_reads(guard: &JsonPath) -> Vec<Read> {
    let either = |positions| Read {
        positions,
        relation: Relation::Either,
    };
    let mut all = Vec::new();
    let mut prefix = Build::new(false);
    for step in &guard.steps {
        let mut at = prefix.clone();
        if step.is_descendant() {
            at.descend();
        }
        match step.selector() {
            Selector::Filter(f) => {
                at.filtered();
                let (mut relative, mut absolute) = (Vec::new(), Vec::new());
                filter_reads(f, Some(&at), &mut relative, &mut absolute);
                all.extend(relative.into_iter().chain(absolute).map(either));
            }
            Selector::Indexes(_) | Selector::Slice { .. } => {
                at.any_step();
                all.push(Read {
                    positions: at.finish(),
                    relation: Relation::AtOrAbove,
                });
            }
            _ => {}
        }
        prefix.step(step);
    }
    all.push(Read {
        positions: prefix.finish(),
        relation: if guard.is_definite() {
            Relation::Either
        } else {
            Relation::AtOrAbove
        },
    });
    all
}

/// The paths a filter reads: relative ones from `filtered` (when given), absolute ones from
/// the root.
fn filter_reads(
    filter: &Filter,
    filtered: Option<&Build>,
    relative: &mut Vec<Positions>,
    absolute: &mut Vec<Positions>,
) {
    let mut path = |root: PathRoot, steps: &[Step]| match (root, filtered) {
        (PathRoot::Current, Some(filtered)) => {
            let mut b = filtered.clone();
            b.steps(steps);
            relative.push(b.finish());
        }
        (PathRoot::Current, None) => {}
        (PathRoot::Document, _) => {
            let mut b = Build::new(false);
            b.steps(steps);
            absolute.push(b.finish());
        }
    };
    let mut stack = vec![filter];
    while let Some(f) = stack.pop() {
        match f {
            Filter::Or(fs) | Filter::And(fs) => stack.extend(fs),
            Filter::Not(inner) => stack.push(inner),
            // An existence test reads from the value tested, whatever its root.
            Filter::Exists(p) => path(PathRoot::Current, &p.steps),
            Filter::Compare { left, right, .. } => {
                for operand in [left, right] {
                    if let Operand::Path(p) = operand {
                        path(p.root, &p.steps);
                    }
                }
            }
        }
    }
}

/// A rule by its global number; rules are numbered transform by transform, path by path.
pub(crate) type RuleId = u32;

/// What a pass is made of, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Item {
    /// Transform `t`'s `applyOnlyWhen`.
    Guard(usize),
    Rule(RuleId),
}

/// Why an item cannot join the pass being built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Conflict {
    /// `reader` has an absolute filter operand that the earlier `writer` changes.
    AbsoluteReadOfWrite { writer: RuleId, reader: RuleId },
    /// The guard of `transform` reads what `writer`, of an earlier transform, changes.
    GuardReadsWrite { writer: RuleId, transform: usize },
}

/// The facts of every rule and guard of an endpoint.
#[derive(Debug)]
pub(crate) struct Analysis {
    pub facts: Vec<RuleFacts>,
    pub guards: Vec<Option<Vec<Read>>>,
    budget: Budget,
}

/// The analysis gives up after this many product states and assumes conflicts from then on.
const ANALYSIS_BUDGET: u64 = 4_000_000;

impl Analysis {
    pub(crate) fn new(transforms: &[TransformSpec]) -> Analysis {
        Analysis {
            facts: transforms
                .iter()
                .flat_map(|t| t.paths.iter().map(RuleFacts::of))
                .collect(),
            guards: transforms
                .iter()
                .map(|t| t.guard.as_ref().map(guard_reads))
                .collect(),
            budget: Budget::new(ANALYSIS_BUDGET),
        }
    }

    /// The first conflict of rule `q` with the rules already in the pass, in rule order.
    pub(crate) fn rule_conflict(&mut self, pass: &[RuleId], q: RuleId) -> Option<Conflict> {
        let (facts, budget) = (&self.facts, &mut self.budget);
        let reads = &facts[q as usize].absolute;
        if reads.is_empty() {
            return None;
        }
        pass.iter()
            .find(|&&p| {
                reads
                    .iter()
                    .any(|a| related(&facts[p as usize].writes, a, Relation::Either, budget))
            })
            .map(|&p| Conflict::AbsoluteReadOfWrite {
                writer: p,
                reader: q,
            })
    }

    /// The first rule of the pass whose writes the guard of transform `t` reads. Every rule
    /// already in the pass belongs to an earlier transform.
    pub(crate) fn guard_conflict(&mut self, pass: &[RuleId], t: usize) -> Option<Conflict> {
        let reads = self.guards.get(t)?.as_ref()?;
        pass.iter()
            .find(|&&p| {
                reads.iter().any(|g| {
                    related(
                        &self.facts[p as usize].writes,
                        &g.positions,
                        g.relation,
                        &mut self.budget,
                    )
                })
            })
            .map(|&p| Conflict::GuardReadsWrite {
                writer: p,
                transform: t,
            })
    }

    pub(crate) fn budget_spent(&self) -> bool {
        self.budget.left == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jsonpath::parse;

    fn positions(path: &str) -> Positions {
        RuleFacts::of(&parse(path).expect("test path parses")).writes
    }

    fn rel(w: &str, v: &str) -> bool {
        related(
            &positions(w),
            &positions(v),
            Relation::Either,
            &mut Budget::new(1_000_000),
        )
    }

    #[test]
    fn prefix_relation_holds_for_ancestors_descendants_and_equals() {
        assert!(rel("$.a", "$.a.b"));
        assert!(rel("$.a.b", "$.a"));
        assert!(rel("$.a", "$.a"));
        assert!(!rel("$.a.c", "$.a.b"));
        assert!(rel("$", "$.x.y"));
    }

    #[test]
    fn deep_scans_and_wildcards_reach_any_depth() {
        assert!(rel("$..email", "$.users[3].email"));
        assert!(rel("$.users[*].email", "$.users[3].email"));
        // An `email` can sit below any position.
        assert!(rel("$..email", "$.users[3].name"));
        assert!(!rel("$.a..email", "$.b.email"));
        assert!(!rel("$.a[*].email", "$.a[0].name"));
    }

    #[test]
    fn exact_indexes_in_writes_tell_elements_apart() {
        assert!(!rel("$.l[0]", "$.l[1]"));
        assert!(rel("$.l[-1]", "$.l[1]"));
        assert!(rel("$.l[1:]", "$.l[1]"));
        // Keys are never elements.
        assert!(!rel("$.l[0]", "$.l.a"));
    }

    #[test]
    fn a_filter_is_the_object_itself_or_an_element() {
        assert!(rel("$.l[?(@.a)]", "$.l"));
        assert!(rel("$.l[?(@.a)]", "$.l[2].x"));
        assert!(!rel("$.l[?(@.a)].b", "$.l.c"));
    }

    #[test]
    fn absolute_operands_are_the_reads_of_a_rule() {
        let facts = RuleFacts::of(&parse("$.l[?(@.id == $.owner && @.x)].id").expect("parses"));
        assert_eq!(facts.absolute.len(), 1);
        let budget = &mut Budget::new(1000);
        assert!(related(
            &positions("$.owner"),
            &facts.absolute[0],
            Relation::Either,
            budget
        ));
        assert!(!related(
            &positions("$.l[*].id"),
            &facts.absolute[0],
            Relation::Either,
            budget
        ));
    }

    fn guard_reads_write(guard: &str, writer: &str) -> bool {
        let w = positions(writer);
        guard_reads(&parse(guard).expect("test path parses"))
            .iter()
            .any(|g| related(&w, &g.positions, g.relation, &mut Budget::new(1_000_000)))
    }

    #[test]
    fn guards_read_their_matches_and_filter_operands() {
        let guard = "$.records[?(@.attributes.type == 'User')]";
        assert!(guard_reads_write(guard, "$.records[*].attributes.type"));
        assert!(guard_reads_write(guard, "$..attributes"));
        assert!(guard_reads_write(guard, "$.records[*]"));
        assert!(!guard_reads_write(guard, "$.totalSize"));
    }

    #[test]
    fn an_indefinite_guard_ignores_changes_inside_its_matches() {
        let guard = "$.records[?(@.attributes.type == 'User')]";
        assert!(!guard_reads_write(guard, "$.records[*].Email"));
        // A definite guard reads its value: is it a non-empty list?
        assert!(guard_reads_write("$.records", "$.records[0]"));
        assert!(!guard_reads_write("$.records[*]", "$.records[0].Email"));
    }

    #[test]
    fn guards_that_index_read_the_whole_array() {
        assert!(guard_reads_write("$.l[1]", "$.l[0]"));
        assert!(!guard_reads_write("$.l[1]", "$.m[0]"));
    }

    /// Whether and where the paths `a` and `b` can select one value.
    fn shared(a: &str, b: &str) -> Shared {
        let shape = |p: &str| PathShape::of(&parse(p).expect("valid path"));
        same_place(&shape(a), &shape(b), 10_000)
    }

    fn same(a: &str, b: &str) -> Option<bool> {
        match shared(a, b) {
            Shared::At(_) => Some(true),
            Shared::Nowhere => Some(false),
            Shared::Undecided => None,
        }
    }

    fn place(a: &str, b: &str) -> Option<String> {
        match shared(a, b) {
            Shared::At(place) => Some(place),
            Shared::Nowhere => None,
            Shared::Undecided => panic!("{a} and {b}: no filter, within budget"),
        }
    }

    #[test]
    fn the_place_two_paths_share_is_the_nearest_to_the_root() {
        assert_eq!(
            place("$..assignee..emailAddress", "$..reporter..emailAddress").as_deref(),
            Some("$.reporter.assignee.emailAddress")
        );
        assert_eq!(
            place("$..email", "$.members[*].profile.email").as_deref(),
            Some("$.members[0].profile.email")
        );
        assert_eq!(place("$.a[*].c", "$.a[1].c").as_deref(), Some("$.a[1].c"));
        assert_eq!(
            place("$..['@odata.id']", "$.value[*]..['@odata.id']").as_deref(),
            Some("$.value[0]['@odata.id']")
        );
        assert_eq!(place("$..email", "$..contact_email"), None);
        // A place both select: a negative index may be any element, a slice only its own.
        assert_eq!(place("$.c[-1]", "$.c[1:]").as_deref(), Some("$.c[1]"));
        assert_eq!(place("$.c[:4]", "$.c[2:9]").as_deref(), Some("$.c[2]"));
        assert_eq!(place("$.c[3]", "$.c[1:5]").as_deref(), Some("$.c[3]"));
    }

    #[test]
    fn slices_that_share_no_index_share_no_place() {
        assert_eq!(same("$.c[1:3]", "$.c[3:]"), Some(false));
        assert_eq!(same("$.c[:2]", "$.c[2]"), Some(false));
        assert_eq!(same("$.c[2:2]", "$.c[*]"), Some(false));
        assert_eq!(same("$.c[2:2]", "$.c.*"), Some(false));
        assert_eq!(same("$..[3:1].y", "$..y"), Some(false));
        assert_eq!(same("$.c[1:3]", "$.c[2:]"), Some(true));
        assert_eq!(same("$.c[-3:-1]", "$.c[7]"), Some(true));
    }

    #[test]
    fn paths_that_can_select_one_value_coincide() {
        assert_eq!(same("$..email", "$.members[*].profile.email"), Some(true));
        assert_eq!(same("$.members[*].id", "$.members[*].id"), Some(true));
        assert_eq!(same("$.a[*].c", "$.a[1].c"), Some(true));
        assert_eq!(same("$['x','a'][*]", "$.a[0]"), Some(true));
        // A wildcard is read as array elements: no object is assumed to have `email`.
        assert_eq!(same("$..participants[*]", "$..email"), Some(false));
        assert_eq!(same("$.a.*", "$.a.b"), Some(false));
        assert_eq!(same("$.users[0].id", "$.users[1].id"), Some(false));
        assert_eq!(same("$.users[0:2].id", "$.users[1].id"), Some(true));
        // Ancestors and descendants are different values.
        assert_eq!(same("$.a", "$.a.b"), Some(false));
        assert_eq!(same("$..email", "$..contact_email"), Some(false));
        assert_eq!(same("$['host_id','host_email']", "$..email"), Some(false));
        // Filters are not compared.
        assert_eq!(same("$.a[?(@.x)].b", "$.a[*].b"), None);
    }

    #[test]
    fn a_redaction_removes_values_at_and_below_what_it_selects() {
        let removes = |r: &str, p: &str| {
            let shape = |t: &str| PathShape::of(&parse(t).expect("valid"));
            may_remove(&shape(r), &shape(p), 10_000)
        };
        assert!(removes("$.members[*].id", "$.members[*].id"));
        assert!(removes("$.members", "$..id"));
        assert!(removes("$.members[?(@.bot)]", "$.members[*].id"));
        assert!(!removes("$.members[*].id", "$.members[*].name"));
        assert!(!removes(
            "$.members[*].profile.email",
            "$.members[*].profile"
        ));
    }

    #[test]
    fn an_empty_budget_answers_yes() {
        let budget = &mut Budget::new(0);
        assert!(related(
            &positions("$..a"),
            &positions("$..b"),
            Relation::Either,
            budget
        ));
        // Different first keys are told apart before any search.
        assert!(!related(
            &positions("$.a"),
            &positions("$.b"),
            Relation::Either,
            budget
        ));
    }
}
