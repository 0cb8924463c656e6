//! A path regex cut at its top-level `/`s into pieces, each matched against one segment of a
//! request path: for saying which endpoint comes closest to a request that none allows.

use std::cell::OnceCell;

use super::ast::{GroupKind, Node, RepeatKind};
use super::charset::CharSet;
use super::{Flags, RegexError, build, emit, parse, sample};

/// Atoms of a piece past this many are not compared by [`PathPiece::distance`]: pieces are
/// short, and a long one must not make a refusal slow.
const MAX_ATOMS: usize = 256;

/// What a path regex asks of one segment of a path (the text between two `/`s).
#[derive(Debug, Clone)]
pub struct PathPiece {
    test: Test,
    /// What the piece asks, a character or a run of them at a time, for measuring how far a
    /// segment is from it.
    atoms: Vec<Atom>,
    /// Whether the piece asks for fixed text (up to ASCII case) and optional parts only.
    literal: bool,
    /// The words of the piece's fixed text: runs of two or more letters, digits, `_` and `-`,
    /// lower-cased.
    words: Vec<String>,
}

/// A part of a piece, as [`PathPiece::distance`] reads it.
#[derive(Debug, Clone)]
enum Atom {
    /// One character, of two where the two cases of a letter are alike (else the same twice).
    Fixed([u32; 2]),
    /// One character of the set.
    One(CharSet),
    /// `min` to `max` characters of the set.
    Run {
        set: CharSet,
        min: u32,
        max: Option<u32>,
    },
}

#[derive(Debug, Clone)]
enum Test {
    /// One character of each set, in order: literal text, fixed classes.
    Chars(Vec<CharSet>),
    /// `min` to `max` characters of one set: a template parameter, `[^/]+`, `\d*`.
    Run {
        set: CharSet,
        min: u32,
        max: Option<u32>,
    },
    /// Fixed text, classes and runs of them, as a template's `{id}.json`: by the atoms, as a
    /// distance of 0.
    Atoms,
    /// Anything else, by a regex of the piece alone, compiled when first needed (a ranking
    /// of many endpoints needs few); `None` where the piece cannot stand alone (a
    /// back-reference into another piece), and then it matches nothing.
    Regex {
        node: Node,
        groups: usize,
        compiled: OnceCell<Option<fancy_regex::Regex>>,
    },
}

impl PathPiece {
    /// Whether the piece matches all of `segment`. A regex that runs out of its backtracking
    /// budget counts as no match.
    pub fn matches(&self, segment: &str) -> bool {
        match &self.test {
            Test::Chars(sets) => {
                let mut chars = segment.chars();
                sets.iter()
                    .all(|set| chars.next().is_some_and(|c| set.contains(u32::from(c))))
                    && chars.next().is_none()
            }
            Test::Run { set, min, max } => {
                let n = u32::try_from(segment.chars().count()).unwrap_or(u32::MAX);
                n >= *min
                    && max.is_none_or(|max| n <= max)
                    && segment.chars().all(|c| set.contains(u32::from(c)))
            }
            Test::Atoms => self.distance(segment) == 0,
            Test::Regex {
                node,
                groups,
                compiled,
            } => compiled
                .get_or_init(|| build(&emit::emit_full(node, *groups)).ok())
                .as_ref()
                .is_some_and(|r| r.is_match(segment).unwrap_or(false)),
        }
    }

    /// Whether the piece is fixed text, as `users` or `users.info` (up to ASCII case, and
    /// with its optional parts, as a `pathRegex`'s `(?:[?].*)?`): no parameter.
    pub fn is_literal(&self) -> bool {
        self.literal
    }

    /// Whether `segment` is a word of the piece's fixed text, ignoring ASCII case: `calls` of
    /// `calls(from={start})`, `users` of `users.info`, but not `meeting` of `meeting_summary`.
    /// Words have two characters or more.
    pub fn has_word(&self, segment: &str) -> bool {
        self.words.iter().any(|w| w.eq_ignore_ascii_case(segment))
    }

    /// The fewest characters to insert, delete or replace in `segment` to make one the piece
    /// matches: `1x2` is 1 from `{a}.{b}`, `calls` 13 from `calls(from={s},to={e})`. A part
    /// that is neither a character class nor a repeated one (an alternative, a repeated
    /// group) counts as its example; look-around asks nothing.
    pub fn distance(&self, segment: &str) -> usize {
        let chars: Vec<u32> = segment.chars().map(u32::from).collect();
        // before[j]: the fewest edits that make the first `j` characters match the atoms so
        // far; `bad[j]`: how many of the first `j` characters are outside the run's set.
        let mut before: Vec<usize> = (0..=chars.len()).collect();
        let mut after = vec![0; chars.len() + 1];
        let mut bad = vec![0; chars.len() + 1];
        for atom in self.atoms.iter().take(MAX_ATOMS) {
            match atom {
                Atom::Fixed(pair) => one(&before, &mut after, &chars, |c| pair.contains(&c)),
                Atom::One(set) => one(&before, &mut after, &chars, |c| set.contains(c)),
                Atom::Run { set, min, max } => {
                    for (j, &c) in chars.iter().enumerate() {
                        bad[j + 1] = bad[j] + usize::from(!set.contains(c));
                    }
                    let min = usize::try_from(*min).unwrap_or(usize::MAX);
                    let max = max.map(|m| usize::try_from(m).unwrap_or(usize::MAX));
                    // The least of `before[t] - bad[t]` for `t <= j - min`, for an unbounded
                    // run; with a bound, the run's lengths are tried one by one.
                    let mut least = isize::MAX;
                    for j in 0..=chars.len() {
                        // The run takes the characters `t..j`, replacing those outside its set
                        // and inserting those short of `min`; characters past `max` are deleted
                        // (the `after[j - 1] + 1` step).
                        let take = |t: usize| before[t] + bad[j] - bad[t];
                        let mut best = (0..min.min(j + 1))
                            .map(|k| take(j - k) + (min - k))
                            .min()
                            .unwrap_or(usize::MAX);
                        if j >= min {
                            match max {
                                None => {
                                    let t = j - min;
                                    least = least.min(signed(before[t]) - signed(bad[t]));
                                    best = best
                                        .min(usize::try_from(least + signed(bad[j])).unwrap_or(0));
                                }
                                Some(max) => {
                                    for k in min..=max.min(j) {
                                        best = best.min(take(j - k));
                                    }
                                }
                            }
                        }
                        if j > 0 {
                            best = best.min(after[j - 1] + 1);
                        }
                        after[j] = best;
                    }
                }
            }
            std::mem::swap(&mut before, &mut after);
        }
        before[chars.len()]
    }
}

/// A step of [`PathPiece::distance`] over an atom of one character that `accepts` tells.
fn one(before: &[usize], after: &mut [usize], chars: &[u32], accepts: impl Fn(u32) -> bool) {
    after[0] = before[0] + 1;
    for j in 1..=chars.len() {
        let replace = before[j - 1] + usize::from(!accepts(chars[j - 1]));
        after[j] = replace.min(before[j] + 1).min(after[j - 1] + 1);
    }
}

fn signed(n: usize) -> isize {
    isize::try_from(n).unwrap_or(isize::MAX)
}

/// The pieces of `pattern` between its top-level `/`s, without its anchors and the `/` it
/// starts with: `^/repos/[^/]+/commits$` gives `repos`, `[^/]+` and `commits`. A `/` inside a
/// group or an alternative does not cut, so such a piece may stand for several segments.
pub fn path_pieces(pattern: &str, flags: Flags) -> Result<Vec<PathPiece>, RegexError> {
    let parsed = parse::parse(pattern, flags)?;
    Ok(pieces_of(&parsed.node, parsed.groups))
}

/// [`path_pieces`] for each alternative of a `pattern` whose top level is a choice
/// (`^/v2/users$|^/v2/groups$`, or a template with a `|` the proxy leaves unescaped), each
/// of which is matched against the whole path; one list for any other pattern.
pub fn path_alternatives(pattern: &str, flags: Flags) -> Result<Vec<Vec<PathPiece>>, RegexError> {
    let parsed = parse::parse(pattern, flags)?;
    Ok(match &parsed.node {
        Node::Alt(alternatives) => alternatives
            .iter()
            .map(|alternative| pieces_of(alternative, parsed.groups))
            .collect(),
        node => vec![pieces_of(node, parsed.groups)],
    })
}

fn pieces_of(node: &Node, groups: usize) -> Vec<PathPiece> {
    let items = match node {
        Node::Concat(items) => items.as_slice(),
        other => std::slice::from_ref(other),
    };
    let start = items
        .iter()
        .position(|n| !is_anchor(n))
        .unwrap_or(items.len());
    let end = items
        .iter()
        .rposition(|n| !is_anchor(n))
        .map_or(start, |i| i + 1);
    let mut items = &items[start..end];
    if items.first().is_some_and(is_slash) {
        items = &items[1..];
    }
    items
        .split(is_slash)
        .map(|piece| PathPiece::new(piece, groups))
        .collect()
}

impl PathPiece {
    fn new(items: &[Node], groups: usize) -> PathPiece {
        let node = match items {
            [one] => one.clone(),
            _ => Node::Concat(items.to_vec()),
        };
        let mut shape = Shape {
            atoms: Vec::new(),
            exact: true,
            literal: true,
            words: Vec::new(),
            word: String::new(),
        };
        shape.add(&node);
        shape.end_word();
        let sets: Option<Vec<CharSet>> = items
            .iter()
            .map(|n| match plain(n) {
                Node::Set(set) => Some(set.clone()),
                _ => None,
            })
            .collect();
        let run = match items {
            [one] => run(one),
            _ => None,
        };
        let test = match (sets, run) {
            (Some(sets), _) => Test::Chars(sets),
            (None, Some(run)) => run,
            (None, None) if shape.exact && shape.atoms.len() <= MAX_ATOMS => Test::Atoms,
            (None, None) => Test::Regex {
                node,
                groups,
                compiled: OnceCell::new(),
            },
        };
        PathPiece {
            test,
            literal: shape.literal && !shape.atoms.is_empty(),
            atoms: shape.atoms,
            words: shape.words,
        }
    }
}

/// The atoms, fixed text and words of a piece, gathered part by part.
struct Shape {
    atoms: Vec<Atom>,
    /// Whether the atoms match what the piece matches, no more and no less.
    exact: bool,
    literal: bool,
    words: Vec<String>,
    /// The word being read.
    word: String,
}

impl Shape {
    fn add(&mut self, node: &Node) {
        if holds_on(node) {
            self.exact = false;
        }
        match plain(node) {
            Node::Concat(items) => items.iter().for_each(|n| self.add(n)),
            Node::Set(set) => {
                if let Some(pair) = fixed(set) {
                    if pair[0].is_alphanumeric() || matches!(pair[0], '_' | '-') {
                        self.word.push(pair[0]);
                    } else {
                        self.end_word();
                    }
                    self.atoms.push(Atom::Fixed(pair.map(u32::from)));
                } else {
                    self.literal = false;
                    self.end_word();
                    self.atoms.push(Atom::One(set.clone()));
                }
            }
            Node::Empty => {}
            Node::Assert(_) => self.exact = false,
            other => {
                self.end_word();
                if let Some(Test::Run { set, min, max }) = run(other) {
                    // An optional character (`s?`) keeps the text fixed; a class does not.
                    self.literal &= min == 0 && fixed(&set).is_some();
                    self.atoms.push(Atom::Run { set, min, max });
                    return;
                }
                // An alternative, a repeated group: its example stands for it.
                self.exact = false;
                let example = sample::samples(other)
                    .into_iter()
                    .next()
                    .unwrap_or_default();
                self.literal &= example.is_empty();
                self.atoms.extend(example.chars().map(either_case));
            }
        }
    }

    fn end_word(&mut self) {
        if self.word.chars().count() >= 2 {
            self.words.push(std::mem::take(&mut self.word));
        }
        self.word.clear();
    }
}

/// Whether `node` is an atomic group or a possessive repetition, which gives back nothing to
/// what follows it.
fn holds_on(node: &Node) -> bool {
    match node {
        Node::Group(GroupKind::Atomic, _)
        | Node::Repeat {
            kind: RepeatKind::Possessive,
            ..
        } => true,
        Node::Group(GroupKind::Capture { .. } | GroupKind::NonCapture, inner) => holds_on(inner),
        _ => false,
    }
}

/// The one character of `set`, with its other ASCII case where the set has it too: `[a, A]`
/// for `[Aa]`, `[b, b]` for `b`.
fn fixed(set: &CharSet) -> Option<[char; 2]> {
    let mut ranges = set.ranges();
    let single = |(lo, hi): (u32, u32)| (lo == hi).then(|| char::from_u32(lo)).flatten();
    let first = single(ranges.next()?)?;
    match (ranges.next(), ranges.next()) {
        (None, _) => Some([first, first]),
        // Ranges are sorted: upper case first.
        (Some(second), None)
            if first.is_ascii_uppercase() && single(second) == Some(first.to_ascii_lowercase()) =>
        {
            Some([first.to_ascii_lowercase(), first])
        }
        _ => None,
    }
}

/// An atom of `c` in either ASCII case, as `CASE_INSENSITIVE` reads an example's letter.
fn either_case(c: char) -> Atom {
    Atom::Fixed([c.to_ascii_lowercase(), c.to_ascii_uppercase()].map(u32::from))
}

/// A repetition of one set, as a [`Test::Run`].
fn run(node: &Node) -> Option<Test> {
    let Node::Repeat { node, min, max, .. } = plain(node) else {
        return None;
    };
    let Node::Set(set) = plain(node) else {
        return None;
    };
    Some(Test::Run {
        set: set.clone(),
        min: *min,
        max: *max,
    })
}

/// `node` without the plain groups around it, which do not change what it matches whole.
fn plain(node: &Node) -> &Node {
    match node {
        Node::Group(
            GroupKind::Capture { .. } | GroupKind::NonCapture | GroupKind::Atomic,
            inner,
        ) => plain(inner),
        other => other,
    }
}

fn is_anchor(node: &Node) -> bool {
    matches!(node, Node::Empty | Node::Assert(_))
}

fn is_slash(node: &Node) -> bool {
    matches!(node, Node::Set(set) if set.as_single() == Some(u32::from('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(pattern: &str) -> Vec<PathPiece> {
        let flags = Flags {
            case_insensitive: true,
            ..Flags::default()
        };
        path_pieces(pattern, flags).expect("parses")
    }

    /// Whether `pattern` is cut into as many pieces as `segments`, each matching its segment.
    fn cut_as(pattern: &str, segments: &[&str]) -> bool {
        let p = pieces(pattern);
        p.len() == segments.len() && p.iter().zip(segments).all(|(p, s)| p.matches(s))
    }

    #[test]
    fn a_path_regex_is_cut_at_its_top_level_slashes() {
        assert!(cut_as(
            "^/repos/(?<owner>[^/]+)/(?<repo>[^/]+)/commits$",
            &["repos", "o", "r", "commits"]
        ));
        assert!(cut_as(
            "^/v2/(users|groups)/\\d{3}(?:[?].*)?$",
            &["v2", "groups", "123?x=1"]
        ));
        // A slash inside a group does not cut.
        assert!(cut_as("^/a/(?:b/c|d)$", &["a", "b/c"]));
        assert!(cut_as("^/$", &[""]));
        assert!(cut_as("/x/", &["x", ""]));
    }

    #[test]
    fn pieces_match_whole_segments_ignoring_case_as_the_matcher_does() {
        let p = pieces("^/Repos/[^/]+/pulls/\\d+(?:[?].*)?$");
        assert!(p[0].matches("repos") && p[0].matches("REPOS"));
        assert!(!p[0].matches("repo") && !p[0].matches("reposs"));
        assert!(p[1].matches("anything") && !p[1].matches(""));
        assert!(p[3].matches("12") && !p[3].matches("12a"));
    }

    #[test]
    fn distance_counts_the_edits_that_make_a_segment_match() {
        let d = |pattern: &str, segment: &str| pieces(pattern)[0].distance(segment);
        assert_eq!(d("^/users$", "USERS"), 0);
        assert_eq!(d("^/users$", "user"), 1);
        assert_eq!(d("^/users$", ""), 5);
        // A parameter takes any text but a `/`, one character at the least.
        assert_eq!(d("^/(?<a>[^/]+)\\.(?<b>[^/]+)$", "1x2"), 1);
        assert_eq!(d("^/(?<a>[^/]+)\\.(?<b>[^/]+)$", "1.2"), 0);
        assert_eq!(d("^/(?<a>[^/]+)\\.(?<b>[^/]+)$", ""), 3);
        assert_eq!(
            d("^/calls\\(from=(?<s>[^/]+),to=(?<e>[^/]+)\\)$", "calls"),
            13
        );
        // Bounded runs: characters short of the least inserted, past the most deleted.
        assert_eq!(d("^/\\d{3}$", "12"), 1);
        assert_eq!(d("^/\\d{2,3}$", "12345"), 2);
        assert_eq!(d("^/v\\d*$", "v2a"), 1);
        // An alternative counts as its first.
        assert_eq!(d("^/(?:users|groups)$", "users"), 0);
        assert_eq!(d("^/(?:users|groups)$", "user"), 1);
    }

    #[test]
    fn a_literal_piece_is_fixed_text_and_its_words_are_runs_of_letters_and_digits() {
        let p = pieces(
            "^/users/(?<id>[^/]+)/users\\.info/v\\d+/members(?:[?].*)?/s?/a_b-c/x[^/]*(?:[?].*)?$",
        );
        let literal: Vec<bool> = p.iter().map(PathPiece::is_literal).collect();
        assert_eq!(literal, [true, false, true, false, true, true, true, false]);
        assert!(p[2].has_word("USERS") && p[2].has_word("info") && !p[2].has_word("users.info"));
        assert!(!p[3].has_word("v"));
        // `_` and `-` join words.
        assert!(p[6].has_word("a_b-c") && !p[6].has_word("a"));
        let calls = pieces("^/calls\\(from=(?<s>[^/]+),to=(?<e>[^/]+)\\)$");
        assert!(!calls[0].is_literal());
        assert!(calls[0].has_word("calls") && calls[0].has_word("to"));
        assert!(!calls[0].has_word("s"));
    }

    #[test]
    fn pieces_of_text_classes_and_runs_match_as_their_regex_does() {
        let p = pieces("^/(?<y>[^/]+)\\.json/v\\d{1,2}x/(?:a|b)c/(?>[^/]*)x/([^/]*+)x$");
        assert!(p[0].matches("a.b.JSON") && !p[0].matches(".json") && !p[0].matches("a.jso"));
        assert!(p[1].matches("v12x") && !p[1].matches("v123x") && !p[1].matches("vx"));
        assert!(p[2].matches("bc") && !p[2].matches("c"));
        // Atomic and possessive parts give nothing back.
        assert!(!p[3].matches("ax") && !p[4].matches("ax"));
    }

    #[test]
    fn a_piece_with_a_back_reference_into_another_matches_nothing() {
        let p = pieces("^/(a+)/\\1$");
        assert!(p[0].matches("aa"));
        assert!(!p[1].matches("aa"));
    }
}
