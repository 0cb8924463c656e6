//! A path regex cut at its top-level `/`s into pieces, each matched against one segment of a
//! request path: for saying which endpoint comes closest to a request that none allows.

use std::cell::OnceCell;

use super::ast::{GroupKind, Node};
use super::charset::CharSet;
use super::{Flags, RegexError, build, emit, parse, sample};

/// What a path regex asks of one segment of a path (the text between two `/`s).
#[derive(Debug, Clone)]
pub struct PathPiece {
    test: Test,
    /// A segment the piece matches, when one can be made (see `sample.rs`); else empty.
    example: String,
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

    /// A segment the piece matches (a letter or digit for each class, each repetition at its
    /// fewest), or the empty string where none can be made.
    pub fn example(&self) -> &str {
        &self.example
    }
}

/// The pieces of `pattern` between its top-level `/`s, without its anchors and the `/` it
/// starts with: `^/repos/[^/]+/commits$` gives `repos`, `[^/]+` and `commits`. A `/` inside a
/// group or an alternative does not cut, so such a piece may stand for several segments.
pub fn path_pieces(pattern: &str, flags: Flags) -> Result<Vec<PathPiece>, RegexError> {
    let parsed = parse::parse(pattern, flags)?;
    let items = match &parsed.node {
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
    Ok(items
        .split(is_slash)
        .map(|piece| PathPiece::new(piece, parsed.groups))
        .collect())
}

impl PathPiece {
    fn new(items: &[Node], groups: usize) -> PathPiece {
        let node = match items {
            [one] => one.clone(),
            _ => Node::Concat(items.to_vec()),
        };
        let example = sample::samples(&node)
            .into_iter()
            .next()
            .unwrap_or_default();
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
            (None, None) => Test::Regex {
                node,
                groups,
                compiled: OnceCell::new(),
            },
        };
        PathPiece { test, example }
    }
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

    fn examples(pattern: &str) -> Vec<String> {
        pieces(pattern)
            .iter()
            .map(|p| p.example().to_owned())
            .collect()
    }

    #[test]
    fn a_path_regex_is_cut_at_its_top_level_slashes() {
        assert_eq!(
            examples("^/repos/(?<owner>[^/]+)/(?<repo>[^/]+)/commits$"),
            ["repos", "a", "a", "commits"]
        );
        assert_eq!(
            examples("^/v2/(users|groups)/\\d{3}(?:[?].*)?$"),
            ["v2", "users", "000"]
        );
        // A slash inside a group does not cut.
        assert_eq!(examples("^/a/(?:b/c|d)$"), ["a", "b/c"]);
        assert_eq!(examples("^/$"), [""]);
        assert_eq!(examples("/x/"), ["x", ""]);
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
    fn a_piece_with_a_back_reference_into_another_matches_nothing() {
        let p = pieces("^/(a+)/\\1$");
        assert!(p[0].matches("aa"));
        assert!(!p[1].matches("aa"));
    }
}
