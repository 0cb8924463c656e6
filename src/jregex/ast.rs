//! The parsed form of a Java regex, with every flag already applied: case folding is baked
//! into character sets and each anchor knows its line mode.

use super::charset::CharSet;

#[derive(Debug, Clone)]
pub(crate) enum Node {
    /// Matches the empty string.
    Empty,
    /// One character from the set.
    Set(CharSet),
    Concat(Vec<Node>),
    /// Alternatives in priority order.
    Alt(Vec<Node>),
    Group(GroupKind, Box<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        /// `None` is unbounded.
        max: Option<u32>,
        kind: RepeatKind,
    },
    Assert(Assertion),
    /// `\n` or `\k<name>`; `case_insensitive` compares with case folding.
    Backref {
        group: usize,
        case_insensitive: bool,
    },
    /// `\R`: `\r\n` or one vertical whitespace character, with backtracking into `\r`.
    LineBreak,
}

#[derive(Debug, Clone)]
pub(crate) enum GroupKind {
    /// Numbered by the position of its `(`; `name` for `(?<name>...)`.
    Capture {
        name: Option<String>,
    },
    NonCapture,
    Atomic,
    LookAhead {
        negated: bool,
    },
    LookBehind {
        negated: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RepeatKind {
    Greedy,
    Lazy,
    Possessive,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Assertion {
    /// `^` without MULTILINE, `\A`.
    Begin,
    /// `\z`.
    End,
    /// `$` and `\Z`: end of input or before a final line terminator; with `multiline`, before
    /// any line terminator. `unix`: only `\n` is a line terminator.
    Dollar { multiline: bool, unix: bool },
    /// `^` with MULTILINE: start of input or after a line terminator, never at the end of input.
    Caret { unix: bool },
    /// `\b` (or `\B` when `negated`); `unicode` uses the Unicode word class.
    WordBoundary { negated: bool, unicode: bool },
}

/// Java's `TreeInfo`: lengths in characters, computed with Java's 32-bit wrap-around so that the
/// same look-behinds are rejected.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Study {
    pub(crate) min: i32,
    pub(crate) max: i32,
    pub(crate) max_valid: bool,
    pub(crate) deterministic: bool,
}

impl Study {
    const START: Study = Study {
        min: 0,
        max: 0,
        max_valid: true,
        deterministic: true,
    };
}

impl Study {
    /// Whether Java's look-behind, which tries only the starts `i - max ..= i - min` computed
    /// with these 32-bit values, tries every start from which a body of at most `longest`
    /// characters (`None`: unbounded) can match.
    pub(crate) fn window_covers(&self, longest: Option<u64>) -> bool {
        match longest {
            Some(longest) => i64::from(self.max) >= i64::try_from(longest).unwrap_or(i64::MAX),
            // A maximum that stayed large reaches back to the start of any text; one that
            // wrapped below zero does too once `i - max` overflows, which happens at every
            // position where the body fits when the wrap is not deeper than the minimum.
            None => {
                self.max >= 0x4000_0000
                    || (self.max < 0
                        && i64::from(self.max) - i64::from(i32::MIN) <= i64::from(self.min))
            }
        }
    }
}

/// Java's `MAX_REPS`.
const MAX_REPS: i32 = i32::MAX;

impl Node {
    /// Studies `self` as Java studies a look-behind body, to decide whether the look-behind
    /// has "an obvious maximum length".
    pub(crate) fn study(&self) -> Study {
        let mut info = Study::START;
        study_chain(&[self], &mut info);
        info
    }

    /// The most characters the node can match, `None` when there is no bound.
    pub(crate) fn max_len(&self) -> Option<u64> {
        match self {
            Node::Empty
            | Node::Assert(_)
            | Node::Group(GroupKind::LookAhead { .. } | GroupKind::LookBehind { .. }, _) => Some(0),
            Node::Set(_) => Some(1),
            Node::LineBreak => Some(2),
            Node::Backref { .. } => None,
            Node::Concat(nodes) => nodes
                .iter()
                .try_fold(0_u64, |sum, n| sum.checked_add(n.max_len()?)),
            Node::Alt(alts) => alts
                .iter()
                .try_fold(0_u64, |most, n| Some(most.max(n.max_len()?))),
            Node::Group(_, inner) => inner.max_len(),
            Node::Repeat { node, max, .. } => match (node.max_len(), max) {
                (Some(0), _) | (_, Some(0)) => Some(0),
                (Some(len), Some(count)) => len.checked_mul(u64::from(*count)),
                (None, _) | (_, None) => None,
            },
        }
    }

    /// Whether the node always matches the empty string without consuming (a pure
    /// assertion), in which case repeating it is pointless and fancy-regex refuses to.
    pub(crate) fn is_zero_width(&self) -> bool {
        match self {
            Node::Empty
            | Node::Assert(_)
            | Node::Group(GroupKind::LookAhead { .. } | GroupKind::LookBehind { .. }, _) => true,
            Node::Group(_, inner) => inner.is_zero_width(),
            Node::Concat(nodes) => nodes.iter().all(Node::is_zero_width),
            Node::Alt(alts) => alts.iter().all(Node::is_zero_width),
            Node::Repeat { node, .. } => node.is_zero_width(),
            Node::Set(_) | Node::Backref { .. } | Node::LineBreak => false,
        }
    }
}

impl Node {
    /// Whether every match ends with an end-of-input anchor (`$`, `\Z`, `\z`): the pattern says
    /// where the text ends, rather than reading as a prefix of it.
    pub(crate) fn ends_anchored(&self) -> bool {
        match self {
            Node::Assert(Assertion::End | Assertion::Dollar { .. }) => true,
            Node::Concat(nodes) => nodes
                .iter()
                .rfind(|n| !matches!(n, Node::Empty))
                .is_some_and(Node::ends_anchored),
            Node::Alt(alts) => !alts.is_empty() && alts.iter().all(Node::ends_anchored),
            Node::Group(
                GroupKind::Capture { .. } | GroupKind::NonCapture | GroupKind::Atomic,
                inner,
            ) => inner.ends_anchored(),
            _ => false,
        }
    }

    /// Whether what capture group `group` matches (the whole match for 0) can hold the
    /// character `c`: a set inside it has `c`, or a back-reference, which may repeat anything,
    /// is inside it. False for a group the pattern does not have.
    pub(crate) fn group_may_hold(&self, group: usize, c: u32) -> bool {
        let mut seen = 0;
        let node = if group == 0 {
            Some(self)
        } else {
            self.capture(group, &mut seen)
        };
        node.is_some_and(|n| n.may_hold(c))
    }

    /// Capture group `group`, counting in `seen` the groups met before it in the order of
    /// their `(`.
    fn capture(&self, group: usize, seen: &mut usize) -> Option<&Node> {
        match self {
            Node::Group(kind, inner) => {
                if matches!(kind, GroupKind::Capture { .. }) {
                    *seen += 1;
                    if *seen == group {
                        return Some(inner);
                    }
                }
                inner.capture(group, seen)
            }
            Node::Concat(nodes) | Node::Alt(nodes) => {
                nodes.iter().find_map(|n| n.capture(group, seen))
            }
            Node::Repeat { node, .. } => node.capture(group, seen),
            Node::Empty
            | Node::Set(_)
            | Node::Assert(_)
            | Node::Backref { .. }
            | Node::LineBreak => None,
        }
    }

    fn may_hold(&self, c: u32) -> bool {
        match self {
            Node::Set(set) => set.contains(c),
            Node::Concat(nodes) | Node::Alt(nodes) => nodes.iter().any(|n| n.may_hold(c)),
            // A look-around tests text; the match does not hold it.
            Node::Group(GroupKind::LookAhead { .. } | GroupKind::LookBehind { .. }, _)
            | Node::Empty
            | Node::Assert(_) => false,
            Node::Group(_, inner) | Node::Repeat { node: inner, .. } => inner.may_hold(c),
            Node::Backref { .. } => true,
            Node::LineBreak => matches!(c, 0x0A..=0x0D | 0x85 | 0x2028 | 0x2029),
        }
    }

    /// Whether one step of the pattern is the character `c` and nothing else (`\?` or `[?]`).
    pub(crate) fn has_literal(&self, c: char) -> bool {
        match self {
            Node::Set(set) => set.as_single() == Some(u32::from(c)),
            Node::Concat(nodes) | Node::Alt(nodes) => nodes.iter().any(|n| n.has_literal(c)),
            Node::Group(_, inner) | Node::Repeat { node: inner, .. } => inner.has_literal(c),
            Node::Empty | Node::Assert(_) | Node::Backref { .. } | Node::LineBreak => false,
        }
    }
}

/// Studies `chain`, the nodes Java links one after the other, in order. Like Java's node
/// chain, a group's body continues into what follows the group, and an alternation studies
/// what follows it from a fresh start and adds it at the end (Java's `Branch`), which decides
/// where the 32-bit wrap-around checks of later repetitions see an overflow.
///
/// The chain is walked with a stack of the nodes still to come, so that a long pattern costs
/// its length in time and memory, and recursion follows nesting only.
fn study_chain(chain: &[&Node], info: &mut Study) {
    let mut to_come: Vec<&Node> = chain.iter().rev().copied().collect();
    // What the branches met so far left before them, added once what follows is studied.
    let mut before_branches: Option<Study> = None;
    while let Some(node) = to_come.pop() {
        match node {
            // Look-arounds do not consume; Java studies only what follows them.
            Node::Empty
            | Node::Assert(_)
            | Node::Group(GroupKind::LookAhead { .. } | GroupKind::LookBehind { .. }, _) => {}
            Node::Set(_) => {
                info.min = info.min.wrapping_add(1);
                info.max = info.max.wrapping_add(1);
            }
            Node::LineBreak => {
                info.min = info.min.wrapping_add(1);
                info.max = info.max.wrapping_add(2);
            }
            Node::Backref { .. } => {
                info.max_valid = false;
                info.deterministic = false;
            }
            Node::Concat(items) => to_come.extend(items.iter().rev()),
            Node::Group(GroupKind::Capture { .. } | GroupKind::NonCapture, inner) => {
                to_come.push(inner);
            }
            // Java's independent `Ques`: the body ends inside the group.
            Node::Group(GroupKind::Atomic, inner) => study_chain(&[&**inner], info),
            Node::Alt(alts) => branch(alts.iter(), info, &mut before_branches),
            // Java makes `(x)?` and `(x)??` a branch between the group and nothing.
            Node::Repeat {
                node: body,
                min: 0,
                max: Some(1),
                kind: RepeatKind::Greedy | RepeatKind::Lazy,
            } if matches!(
                &**body,
                Node::Group(GroupKind::Capture { .. } | GroupKind::NonCapture, _)
            ) =>
            {
                branch(
                    [&**body, &Node::Empty].into_iter(),
                    info,
                    &mut before_branches,
                );
            }
            Node::Repeat {
                node,
                min,
                max,
                kind,
            } => study_repeat(node, *min, *max, *kind, info),
        }
    }
    if let Some(before) = before_branches {
        info.min = info.min.wrapping_add(before.min);
        info.max = info.max.wrapping_add(before.max);
        info.max_valid &= before.max_valid;
        info.deterministic = false;
    }
}

/// Java's `Branch`: the alternatives each from a fresh start; what comes before them and the
/// alternatives are set aside in `before` (added up with those of earlier branches), and what
/// follows is studied from a fresh start too.
fn branch<'n>(alts: impl Iterator<Item = &'n Node>, info: &mut Study, before: &mut Option<Study>) {
    let (mut min2, mut max2, mut valid) = (i32::MAX, -1_i32, info.max_valid);
    for a in alts {
        let s = a.study();
        min2 = min2.min(s.min);
        max2 = max2.max(s.max);
        valid &= s.max_valid;
    }
    let sum = before.get_or_insert(Study::START);
    sum.min = sum.min.wrapping_add(info.min.wrapping_add(min2));
    sum.max = sum.max.wrapping_add(info.max.wrapping_add(max2));
    sum.max_valid &= valid;
    *info = Study::START;
}

fn is_single_char(node: &Node) -> bool {
    matches!(node, Node::Set(_))
}

fn study_repeat(node: &Node, min: u32, max: Option<u32>, kind: RepeatKind, info: &mut Study) {
    let cmin = min as i32;
    let cmax = max.map_or(MAX_REPS, |m| m as i32);
    if kind == RepeatKind::Greedy && max.is_none() && is_single_char(node) {
        // Java's CharPropertyGreedy (`x*`, `x+`, `x{n,}`): the maximum wraps but stays
        // "valid".
        info.min = info.min.wrapping_add(cmin);
        if info.max_valid {
            info.max = info.max.wrapping_add(MAX_REPS);
        }
        info.deterministic = false;
        return;
    }
    if min == 0 && max == Some(1) {
        // Java's Ques: the minimum is unchanged, and the result is not deterministic, the
        // possessive `?+` included (only an atomic group makes Java's independent `Ques`).
        let min_before = info.min;
        study_chain(&[node], info);
        info.min = min_before;
        info.deterministic = false;
        return;
    }
    // Java repeats an atomic group or a look-around as a plain `Curly`, never as a `Loop`.
    let is_group = matches!(
        node,
        Node::Group(GroupKind::Capture { .. } | GroupKind::NonCapture, _)
    );
    if is_group && kind != RepeatKind::Possessive && !node.study().deterministic {
        // Java's Loop for a non-deterministic group: never a valid maximum.
        info.max_valid = false;
        info.deterministic = false;
        return;
    }
    // Java's Curly and GroupCurly.
    let (min_l, max_l, max_v, detm) = (info.min, info.max, info.max_valid, info.deterministic);
    let inner = node.study();
    let mut temp = inner.min.wrapping_mul(cmin).wrapping_add(min_l);
    if temp < min_l {
        temp = 0x0FFF_FFFF;
    }
    info.min = temp;
    if max_v && inner.max_valid {
        let temp = inner.max.wrapping_mul(cmax).wrapping_add(max_l);
        info.max = temp;
        info.max_valid = temp >= max_l;
    } else {
        info.max = inner.max;
        info.max_valid = false;
    }
    info.deterministic = inner.deterministic && cmin == cmax && detm;
}
