//! The syntax tree of a path: plain data, with the byte span of every step, shaped after
//! Jayway's tokens (§6.2) so that evaluation and the plan compiler can follow Jayway's model.

use std::ops::Range;
use std::sync::Arc;

use super::decimal::Decimal;
use crate::jregex::{self, Regex, RegexError};

/// A parsed path: the root `$` followed by `steps`.
///
/// Definiteness follows Jayway: a path is *definite* when it can select at most one location,
/// which decides whether a missing value is an error (§6.3.1) and what a read returns (§2.0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonPath {
    pub steps: Vec<Step>,
}

/// One step after the root: a child or descendant (deep scan) step with its selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub kind: StepKind,
    /// Bytes of the step in the path text, including its `.`, `..` or brackets.
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepKind {
    /// `.a`, `['a','b']`, `[*]`, `[0]`, `[?(…)]`: the selector applied to the current value.
    Child(Selector),
    /// `..a`, `..['a','b']`, `..[*]`, `..[0]`, `..[?(…)]`: Jayway's deep scan followed by the
    /// selector, tried on the current value and on every object and array below it (§6.3.3–5).
    Descendant(Selector),
}

/// What a step selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// `.a` or `['a']`.
    Name(String),
    /// `['a','b']`: at least two names, in the order written (repeats kept, see the lints).
    Names(Vec<String>),
    /// `.*` or `[*]`: every member of an object, every element of an array.
    Wildcard,
    /// `[0]`, `[-1]`, `[0,2]`: at least one index; a negative index counts from the end.
    Indexes(Vec<i64>),
    /// `[1:3]`, `[:2]`, `[-2:]`: at least one bound is present.
    Slice {
        start: Option<i64>,
        end: Option<i64>,
    },
    /// `[?(…)]`.
    Filter(Filter),
}

/// A filter expression. `Or` and `And` have at least two operands, and an operand of `Or` is
/// never an `Or` (nor of `And` an `And`): the parser flattens `(a || b) || c` to one `Or`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    Or(Vec<Filter>),
    And(Vec<Filter>),
    /// `!(…)`, or `!@.x` for a negated existence test.
    Not(Box<Filter>),
    Compare {
        left: Operand,
        op: CompareOp,
        right: Operand,
    },
    /// `@.x` alone: true when the path resolves, even to null.
    Exists(FilterPath),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    Eq,
    Ne,
    /// `===`: `==` between values of the same kind only (Jayway's type-safe equals).
    StrictEq,
    /// `!==`: the negation of `===`.
    StrictNe,
    Lt,
    Le,
    Gt,
    Ge,
    /// `=~`: a full match of a regex literal on the other side.
    Matches,
    In,
    Nin,
}

impl CompareOp {
    /// The operator as written in canonical form.
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
            CompareOp::StrictEq => "===",
            CompareOp::StrictNe => "!==",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::Matches => "=~",
            CompareOp::In => "in",
            CompareOp::Nin => "nin",
        }
    }
}

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operand {
    Path(FilterPath),
    Literal(Literal),
    Regex(RegexLiteral),
    /// `['a','b']`, `[1,2]`: the right side of `in` / `nin`.
    List(Vec<Literal>),
}

/// A path inside a filter: `@…` from the value under test, or `$…` from the document root.
/// Its steps never contain a filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterPath {
    pub root: PathRoot,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PathRoot {
    /// `@`: the value the filter is testing.
    Current,
    /// `$`: the whole document.
    Document,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    /// `'…'` or `"…"`, escapes resolved.
    String(String),
    Number(NumberLiteral),
    Bool(bool),
    Null,
}

/// A number literal: its text as written, and its value as the Java `BigDecimal` Jayway makes
/// of that text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberLiteral {
    pub text: String,
    pub value: Decimal,
}

impl NumberLiteral {
    /// A literal from its text; `None` when the text is not a decimal number.
    pub fn new(text: impl Into<String>) -> Option<NumberLiteral> {
        let text = text.into();
        let value = Decimal::parse(&text)?;
        Some(NumberLiteral { text, value })
    }
}

/// A regex literal `/pattern/flags`, compiled once with Java semantics.
#[derive(Debug, Clone)]
pub struct RegexLiteral {
    /// The text between the slashes, as written (a `\/` stays `\/`, which Java reads as `/`).
    pub pattern: String,
    pub flags: jregex::Flags,
    /// Shared, so that copies of the tree (and plans built from it) compile it once.
    pub regex: Arc<Regex>,
}

impl RegexLiteral {
    pub fn new(pattern: impl Into<String>, flags: jregex::Flags) -> Result<Self, RegexError> {
        let pattern = pattern.into();
        let regex = Arc::new(Regex::new(&pattern, flags)?);
        Ok(RegexLiteral {
            pattern,
            flags,
            regex,
        })
    }
}

/// Two literals are the same when written with the same pattern and flags.
impl PartialEq for RegexLiteral {
    fn eq(&self, other: &Self) -> bool {
        self.pattern == other.pattern && self.flags == other.flags
    }
}

impl Eq for RegexLiteral {}

impl Step {
    pub fn selector(&self) -> &Selector {
        match &self.kind {
            StepKind::Child(s) | StepKind::Descendant(s) => s,
        }
    }

    pub fn is_descendant(&self) -> bool {
        matches!(self.kind, StepKind::Descendant(_))
    }
}

/// Whether step `i` of `steps` is definite in Jayway's sense: a child step selecting one name,
/// several names at the leaf (they merge into one result), or one index.
pub fn is_step_definite(steps: &[Step], i: usize) -> bool {
    let Some(step) = steps.get(i) else {
        return false;
    };
    match &step.kind {
        StepKind::Descendant(_) => false,
        StepKind::Child(sel) => match sel {
            Selector::Name(_) => true,
            Selector::Names(_) => i + 1 == steps.len(),
            Selector::Indexes(ix) => ix.len() == 1,
            Selector::Wildcard | Selector::Slice { .. } | Selector::Filter(_) => false,
        },
    }
}

/// Whether every step before step `i` is definite (the root always is). Jayway raises "not
/// found" for a missing member, and a fatal error for a filter on a primitive, only at a
/// child step whose upstream is definite; a descendant step's selector never has a definite
/// upstream.
pub fn upstream_definite(steps: &[Step], i: usize) -> bool {
    (0..i.min(steps.len())).all(|j| is_step_definite(steps, j))
}

/// Whether the whole path can select at most one location.
pub fn is_definite(steps: &[Step]) -> bool {
    upstream_definite(steps, steps.len())
}

impl JsonPath {
    /// The root `$` alone.
    pub fn root() -> JsonPath {
        JsonPath { steps: Vec::new() }
    }

    pub fn is_definite(&self) -> bool {
        is_definite(&self.steps)
    }

    /// Whether step `i` is the last one.
    pub fn is_leaf(&self, i: usize) -> bool {
        i + 1 == self.steps.len()
    }

    pub fn is_step_definite(&self, i: usize) -> bool {
        is_step_definite(&self.steps, i)
    }

    pub fn upstream_definite(&self, i: usize) -> bool {
        upstream_definite(&self.steps, i)
    }

    /// Whether a filter comes right after a deep scan (`$..[?(…)]`), where Jayway keeps state
    /// (§6.5).
    pub fn scans_into_filter(&self) -> bool {
        self.steps
            .iter()
            .any(|s| s.is_descendant() && matches!(s.selector(), Selector::Filter(_)))
    }

    /// Whether one evaluation can reach a location more than once, so that the reference
    /// updates it as many times (§6.3.12): a deep scan after another (each nested match scans
    /// again, as `b` below nested `a`s for `$..a..b`); after a scan, a filter on what a step
    /// that selects array elements selected (`$..*[?(…)]`: that step selects an array and its
    /// elements, and the filter passes an element both as an element of the array and as an
    /// object itself); a name listed twice; or two indexes that can be the same element
    /// (`[1,1]`, `[0,-2]`). A path with a filter right after a deep scan is evaluated without
    /// the state Jayway keeps there (§6.5), and reaches each location once.
    pub fn may_select_again(&self) -> bool {
        let steps = &self.steps;
        if self.scans_into_filter() {
            return false;
        }
        let elements = |s: &Step| {
            matches!(
                s.selector(),
                Selector::Wildcard
                    | Selector::Indexes(_)
                    | Selector::Slice { .. }
                    | Selector::Filter(_)
            )
        };
        let first_scan = steps.iter().position(Step::is_descendant);
        let scans = steps.iter().filter(|s| s.is_descendant()).count();
        scans > 1
            || steps
                .iter()
                .enumerate()
                .any(|(i, step)| match step.selector() {
                    Selector::Filter(_) => {
                        i > 0 && elements(&steps[i - 1]) && first_scan.is_some_and(|f| f < i)
                    }
                    Selector::Names(names) => names
                        .iter()
                        .enumerate()
                        .any(|(i, n)| names[..i].contains(n)),
                    Selector::Indexes(ix) => ix
                        .iter()
                        .enumerate()
                        .any(|(i, a)| ix[..i].iter().any(|b| a == b || (*a < 0) != (*b < 0))),
                    _ => false,
                })
    }

    /// The same path with every span set to `0..0`, to compare shapes.
    #[must_use]
    pub fn without_spans(&self) -> JsonPath {
        let mut p = self.clone();
        map_step_spans(&mut p.steps, &|_| 0..0);
        p
    }
}

impl FilterPath {
    pub fn is_definite(&self) -> bool {
        is_definite(&self.steps)
    }
}

/// Replaces the span of every step, those inside filters too, with `f` of it.
pub(crate) fn map_step_spans(steps: &mut [Step], f: &dyn Fn(&Range<usize>) -> Range<usize>) {
    for step in steps {
        step.span = f(&step.span);
        match &mut step.kind {
            StepKind::Child(Selector::Filter(filter))
            | StepKind::Descendant(Selector::Filter(filter)) => map_filter_spans(filter, f),
            _ => {}
        }
    }
}

fn map_filter_spans(filter: &mut Filter, f: &dyn Fn(&Range<usize>) -> Range<usize>) {
    match filter {
        Filter::Or(fs) | Filter::And(fs) => fs.iter_mut().for_each(|g| map_filter_spans(g, f)),
        Filter::Not(inner) => map_filter_spans(inner, f),
        Filter::Compare { left, right, .. } => {
            for operand in [left, right] {
                if let Operand::Path(p) = operand {
                    map_step_spans(&mut p.steps, f);
                }
            }
        }
        Filter::Exists(p) => map_step_spans(&mut p.steps, f),
    }
}

impl Filter {
    /// `a || b || …`, flattening operands that are themselves `Or`; one operand is returned
    /// as is.
    pub fn or(operands: Vec<Filter>) -> Filter {
        Filter::join(operands, true)
    }

    /// `a && b && …`, flattening operands that are themselves `And`.
    pub fn and(operands: Vec<Filter>) -> Filter {
        Filter::join(operands, false)
    }

    fn join(operands: Vec<Filter>, or: bool) -> Filter {
        let mut flat = Vec::with_capacity(operands.len());
        for f in operands {
            match f {
                Filter::Or(inner) if or => flat.extend(inner),
                Filter::And(inner) if !or => flat.extend(inner),
                other => flat.push(other),
            }
        }
        if flat.len() == 1
            && let Some(only) = flat.pop()
        {
            return only;
        }
        if or {
            Filter::Or(flat)
        } else {
            Filter::And(flat)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn paths_that_may_reach_a_place_again() {
        let again = |p: &str| {
            crate::jsonpath::parse(p)
                .expect("parses")
                .may_select_again()
        };
        for p in [
            "$..a..b",
            "$..a.c..b",
            "$['a','a']",
            "$['a','b','a'].c",
            "$.l[1,1]",
            "$.l[0,-2]",
            "$..a[*]..b",
            "$..a[?(@.x)]..b",
            "$..*[?(@.x)]",
            "$..[0][?(@.x)].id",
            "$..a[*][?(@.x)]",
        ] {
            assert!(again(p), "{p}");
        }
        for p in [
            "$..a",
            "$..a.b[*].c",
            "$['a','b']",
            "$.l[0,1]",
            "$.l[-1,-2]",
            "$.l[0:2]",
            "$..[?(@.t != 'x')].id",
            "$..from..[?(@.t != 'bot')].id",
            "$..a[?(@.x)]",
            "$.l[*][?(@.x)]",
            "$..a.b[?(@.x)]",
        ] {
            assert!(!again(p), "{p}");
        }
    }

    use super::*;

    fn child(sel: Selector) -> Step {
        Step {
            kind: StepKind::Child(sel),
            span: 0..0,
        }
    }

    #[test]
    fn multi_name_step_is_definite_only_at_the_leaf() {
        let names = || child(Selector::Names(vec!["a".into(), "b".into()]));
        let leaf = JsonPath {
            steps: vec![child(Selector::Name("x".into())), names()],
        };
        assert!(leaf.is_definite());
        let inner = JsonPath {
            steps: vec![names(), child(Selector::Name("x".into()))],
        };
        assert!(!inner.is_definite());
        assert!(!inner.upstream_definite(1));
        assert!(inner.upstream_definite(0));
    }

    #[test]
    fn one_index_is_definite_and_two_are_not() {
        assert!(is_step_definite(&[child(Selector::Indexes(vec![-1]))], 0));
        assert!(!is_step_definite(
            &[child(Selector::Indexes(vec![0, 2]))],
            0
        ));
    }

    #[test]
    fn descendant_steps_are_never_definite() {
        let steps = [Step {
            kind: StepKind::Descendant(Selector::Name("a".into())),
            span: 0..3,
        }];
        assert!(!is_definite(&steps));
    }

    #[test]
    fn or_of_or_flattens() {
        let e = |n: &str| {
            Filter::Exists(FilterPath {
                root: PathRoot::Current,
                steps: vec![child(Selector::Name(n.into()))],
            })
        };
        let f = Filter::or(vec![Filter::or(vec![e("a"), e("b")]), e("c")]);
        assert_eq!(f, Filter::Or(vec![e("a"), e("b"), e("c")]));
    }
}
