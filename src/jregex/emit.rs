//! Writes a parsed Java regex as a fancy-regex pattern with the same meaning. Every
//! character is emitted as an explicit set or escape and no flag is ever turned on in the
//! output, so Rust's own case folding, `.`, `\w`, `\b` and anchors never come into play.

use std::fmt::Write;

use super::ast::{Assertion, GroupKind, Node, RepeatKind};
use super::charset::CharSet;

/// Matches no character at all.
const NEVER: &str = r"[^\x{0}-\x{10FFFF}]";

/// Java's ASCII word boundary (JDK 19+): a character counts as a word character if it is
/// `[0-9A-Za-z_]`, or a non-spacing mark that follows a letter or digit (through more marks).
const WORD_LEFT: &str = r"[0-9A-Za-z_]|[\p{L}\p{Nd}]\p{Mn}+";
const WORD_RIGHT: &str = r"[0-9A-Za-z_]|(?<=[\p{L}\p{Nd}]\p{Mn}*)\p{Mn}";

/// Emits `node`; `groups` is the number of capture groups in the whole pattern.
pub(crate) fn emit(node: &Node, groups: usize) -> String {
    let mut out = String::new();
    Emitter {
        groups,
        guard: false,
    }
    .node(node, &mut out);
    out
}

/// Emits `node` for a whole-input match (Java `matches()`): the result is anchored at both
/// ends. A `$` with nothing after it can then only match at the very end, so it becomes `\z`,
/// which keeps the usual `^...$` patterns inside the linear-time engine.
pub(crate) fn emit_full(node: &Node, groups: usize) -> String {
    let tail = end_anchored(node);
    let mut out = String::from(r"\A(?:");
    Emitter {
        groups,
        guard: false,
    }
    .node(&tail, &mut out);
    out.push_str(r")\z");
    out
}

/// `node` with every `$`/`\Z` in tail position (nothing can consume after it) replaced by
/// the end-of-input assertion, which is equivalent when the match must end at the end.
fn end_anchored(node: &Node) -> Node {
    match node {
        Node::Assert(Assertion::Dollar { .. }) => Node::Assert(Assertion::End),
        Node::Concat(items) => {
            let mut items = items.clone();
            if let Some(last) = items.last_mut() {
                *last = end_anchored(last);
            }
            Node::Concat(items)
        }
        Node::Alt(alts) => Node::Alt(alts.iter().map(end_anchored).collect()),
        Node::Group(
            kind @ (GroupKind::Capture { .. } | GroupKind::NonCapture | GroupKind::Atomic),
            inner,
        ) => Node::Group(kind.clone(), Box::new(end_anchored(inner))),
        other => other.clone(),
    }
}

struct Emitter {
    groups: usize,
    /// Set while emitting the body of a quantifier: a quantifier met before any other
    /// construct (groups aside) is guarded, see [`Emitter::repeat`].
    guard: bool,
}

fn push_char(c: u32, out: &mut String) {
    match char::from_u32(c) {
        Some(ch) if ch.is_ascii_alphanumeric() => out.push(ch),
        _ => {
            let _ = write!(out, r"\x{{{c:X}}}");
        }
    }
}

fn push_set(set: &CharSet, out: &mut String) {
    if let Some(c) = set.as_single() {
        push_char(c, out);
        return;
    }
    if set.is_empty() {
        out.push_str(NEVER);
        return;
    }
    out.push('[');
    for (lo, hi) in set.ranges() {
        push_char(lo, out);
        if hi != lo {
            out.push('-');
            push_char(hi, out);
        }
    }
    out.push(']');
}

impl Emitter {
    fn node(&mut self, node: &Node, out: &mut String) {
        let guard = std::mem::take(&mut self.guard);
        match node {
            Node::Empty => {}
            Node::Set(set) => push_set(set, out),
            Node::Concat(items) => {
                for item in items {
                    self.node(item, out);
                }
            }
            Node::Alt(alts) => {
                out.push_str("(?:");
                for (i, alt) in alts.iter().enumerate() {
                    if i > 0 {
                        out.push('|');
                    }
                    self.node(alt, out);
                }
                out.push(')');
            }
            Node::Group(kind, inner) => {
                match kind {
                    GroupKind::Capture { name: None } => out.push('('),
                    GroupKind::Capture { name: Some(name) } => {
                        let _ = write!(out, "(?<{name}>");
                    }
                    GroupKind::NonCapture => out.push_str("(?:"),
                    GroupKind::Atomic => out.push_str("(?>"),
                    GroupKind::LookAhead { negated: false } => out.push_str("(?="),
                    GroupKind::LookAhead { negated: true } => out.push_str("(?!"),
                    GroupKind::LookBehind { negated: false } => out.push_str("(?<="),
                    GroupKind::LookBehind { negated: true } => out.push_str("(?<!"),
                }
                // The guard passes through plain groups only.
                self.guard =
                    guard && matches!(kind, GroupKind::Capture { .. } | GroupKind::NonCapture);
                self.node(inner, out);
                out.push(')');
            }
            Node::Repeat {
                node,
                min,
                max,
                kind,
            } => {
                if guard {
                    out.push_str("(?:");
                }
                self.repeat(node, *min, *max, *kind, out);
                if guard {
                    // A branch that never matches hides this quantifier from fancy-regex's
                    // nested-repeat folding, which is wrong when the two quantifiers differ in
                    // greediness (it turns `(?:(?:x+?)+)?` into one lazy repeat and
                    // `(?>(x+?)*)` into `(?>(x+?)?)`).
                    out.push('|');
                    out.push_str(NEVER);
                    out.push(')');
                }
            }
            Node::Assert(a) => assertion(*a, out),
            Node::Backref {
                group,
                case_insensitive,
            } => {
                // Java accepts references to groups that never exist; they never match.
                if *group == 0 || *group > self.groups {
                    out.push_str(NEVER);
                } else if *case_insensitive {
                    let _ = write!(out, r"(?i:\{group})");
                } else {
                    let _ = write!(out, r"(?:\{group})");
                }
            }
            Node::LineBreak => {
                out.push_str(r"(?:\x{D}\x{A}|[\x{A}-\x{D}\x{85}\x{2028}\x{2029}])");
            }
        }
    }

    fn repeat(
        &mut self,
        node: &Node,
        min: u32,
        max: Option<u32>,
        kind: RepeatKind,
        out: &mut String,
    ) {
        if node.is_zero_width() {
            // fancy-regex refuses to repeat an assertion. Repeating one is the same as
            // trying it once (it cannot advance), or optionally when the minimum is zero.
            if max == Some(0) {
                if has_capture(node) {
                    // Its groups never take part, but they keep their numbers, so they are
                    // written behind a set that never matches.
                    out.push_str("(?:");
                    out.push_str(NEVER);
                    self.node(node, out);
                    out.push_str(")?");
                }
                return;
            }
            if min > 0 {
                self.node(node, out);
                return;
            }
            let mut inner = String::new();
            self.node(node, &mut inner);
            let _ = match kind {
                RepeatKind::Greedy => write!(out, "(?:{inner}|)"),
                RepeatKind::Lazy => write!(out, "(?:|{inner})"),
                RepeatKind::Possessive => write!(out, "(?>{inner}|)"),
            };
            return;
        }
        if kind == RepeatKind::Possessive {
            out.push_str("(?>");
        }
        self.guard = true;
        if matches!(
            node,
            Node::Set(_)
                | Node::Alt(_)
                | Node::Backref { .. }
                | Node::Group(
                    GroupKind::Capture { .. } | GroupKind::NonCapture | GroupKind::Atomic,
                    _
                )
        ) {
            if kind == RepeatKind::Possessive && !matches!(node, Node::Set(_)) {
                // Java's possessive `Curly` takes the first way each iteration matches and
                // never backtracks into it, so `(x+){2}+` does not match "xx".
                out.push_str("(?>");
                self.node(node, out);
                out.push(')');
            } else {
                // Already a single atom: no extra group, which keeps the nesting shallow.
                self.node(node, out);
            }
        } else if matches!(node, Node::LineBreak) {
            // Java repeats a single-node atom without backtracking into an iteration, so a
            // repeated `\R` never gives back the `\n` of a `\r\n`.
            out.push_str(r"(?>\x{D}\x{A}|[\x{A}-\x{D}\x{85}\x{2028}\x{2029}])");
        } else {
            out.push_str("(?:");
            self.node(node, out);
            out.push(')');
        }
        self.guard = false;
        let _ = match (min, max) {
            (0, None) => write!(out, "*"),
            (1, None) => write!(out, "+"),
            (0, Some(1)) => write!(out, "?"),
            (n, None) => write!(out, "{{{n},}}"),
            (n, Some(m)) if n == m => write!(out, "{{{n}}}"),
            (n, Some(m)) => write!(out, "{{{n},{m}}}"),
        };
        match kind {
            RepeatKind::Greedy => {}
            RepeatKind::Lazy => out.push('?'),
            RepeatKind::Possessive => out.push(')'),
        }
    }
}

/// Whether `node` holds a capture group.
fn has_capture(node: &Node) -> bool {
    match node {
        Node::Group(GroupKind::Capture { .. }, _) => true,
        Node::Group(_, inner) | Node::Repeat { node: inner, .. } => has_capture(inner),
        Node::Concat(nodes) | Node::Alt(nodes) => nodes.iter().any(has_capture),
        Node::Empty | Node::Set(_) | Node::Assert(_) | Node::Backref { .. } | Node::LineBreak => {
            false
        }
    }
}

/// Java's anchors, spelled out with look-arounds (see `Pattern.Dollar`, `Caret`, `Bound`).
fn assertion(a: Assertion, out: &mut String) {
    let text: String = match a {
        Assertion::Begin => r"\A".into(),
        Assertion::End => r"\z".into(),
        Assertion::Dollar {
            multiline: false,
            unix: false,
        } => {
            // End of input, or before a final line terminator (`\r\n` counts as one, and
            // never between its `\r` and `\n`).
            r"(?:\z|(?=\x{D}\x{A}\z)|(?=[\x{D}\x{85}\x{2028}\x{2029}]\z)|(?<!\x{D})(?=\x{A}\z))"
                .into()
        }
        Assertion::Dollar {
            multiline: true,
            unix: false,
        } => r"(?:\z|(?=[\x{D}\x{85}\x{2028}\x{2029}])|(?<!\x{D})(?=\x{A}))".into(),
        Assertion::Dollar {
            multiline: false,
            unix: true,
        } => r"(?=\x{A}?\z)".into(),
        Assertion::Dollar {
            multiline: true,
            unix: true,
        } => r"(?=\x{A}|\z)".into(),
        Assertion::Caret { unix: false } => {
            // Never at the end of input, even after a line terminator (as Perl).
            r"(?:(?!\z)(?:\A|(?<=[\x{A}\x{85}\x{2028}\x{2029}])|(?<=\x{D})(?!\x{A})))".into()
        }
        Assertion::Caret { unix: true } => r"(?:(?!\z)(?:\A|(?<=\x{A})))".into(),
        Assertion::WordBoundary { negated, unicode } => {
            let (left, right) = if unicode {
                let mut w = String::new();
                push_set(&super::charset::word(true), &mut w);
                (w.clone(), w)
            } else {
                (WORD_LEFT.to_owned(), WORD_RIGHT.to_owned())
            };
            if negated {
                format!("(?:(?<={left})(?={right})|(?<!{left})(?!{right}))")
            } else {
                format!("(?:(?<={left})(?!{right})|(?<!{left})(?={right}))")
            }
        }
    };
    out.push_str(&text);
}
