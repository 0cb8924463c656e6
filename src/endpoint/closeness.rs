//! Which endpoint's path comes closest to a request path that none matches, segment by
//! segment, for naming it when no endpoint allows a request.

use std::cmp::Reverse;

use super::template::template_regex;
use super::url::percent_decode;
use crate::jregex::{Flags, PathPiece, path_alternatives};
use crate::rules::{Endpoint, Located};

/// Characters of a path that are compared: paths are short, and a long hostile one must not
/// make a refusal slow.
const MAX_COMPARED: usize = 256;

/// How close an endpoint comes to a path; the greater is the closer, field by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Closeness {
    /// Fixed-text pieces (no parameter) that match a segment, or nearly (a typo: `settingz`
    /// for `settings`), in the path's order, wherever they stand: `/users` shares `users` with
    /// `/v2/users`.
    literal: usize,
    /// Segments that are a word of a piece's fixed text: `calls` of `calls(from={s},to={e})`.
    words: usize,
    /// Fewest characters to insert, delete or replace in the path to make one that the
    /// endpoint's path matches, segment by segment.
    distance: Reverse<usize>,
}

/// The index of the endpoint whose path comes closest to `path` (the request's, without its
/// query). Each endpoint's path is compared with the pieces of its regex between `/`s (a
/// template's regex for a template), so that templates and `pathRegex`es are alike, and each
/// segment of the path as it is and percent-decoded (`a%20b` is `a b`). The closest is the
/// one sharing the most fixed-text segments with the path, then the most words of fixed text,
/// then the nearest in spelling (edit distance), then the first in file order. `None` when no
/// endpoint shares fixed-text segments or words with at least half of the path's segments (one
/// generic segment such as `v1` of three is not a likeness), and none is fewer edits from it
/// than a third of the longer of the path and the endpoint's shortest path (one edit for short
/// ones).
pub fn closest(endpoints: &[Located<Endpoint>], path: &str) -> Option<usize> {
    let path: String = path.chars().take(MAX_COMPARED).collect();
    let segments: Vec<Segment> = path
        .strip_prefix('/')
        .unwrap_or(&path)
        .split('/')
        .map(Segment::new)
        .collect();
    let length = path.chars().count();
    let mut best: Option<(Closeness, usize)> = None;
    for (i, endpoint) in endpoints.iter().enumerate() {
        for pieces in alternatives(endpoint) {
            let (closeness, endpoint_length) = compare(&segments, &pieces);
            let Reverse(distance) = closeness.distance;
            let shared = closeness.literal + closeness.words;
            let close = (shared > 0 && 2 * shared >= segments.len())
                || distance <= (length.max(endpoint_length) / 3).max(1);
            if close && best.is_none_or(|(b, _)| closeness > b) {
                best = Some((closeness, i));
            }
        }
    }
    best.map(|(_, i)| i)
}

/// A segment of the request path, and its percent-decoded form where that differs.
struct Segment<'p> {
    raw: &'p str,
    decoded: Option<String>,
}

impl<'p> Segment<'p> {
    fn new(raw: &'p str) -> Segment<'p> {
        let decoded = percent_decode(raw);
        Segment {
            raw,
            decoded: (decoded != raw).then(|| decoded.into_owned()),
        }
    }

    fn forms(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.raw).chain(self.decoded.as_deref())
    }
}

/// How close the pieces of an endpoint come to the segments of a path, and the length of the
/// shortest path the endpoint matches.
fn compare(segments: &[Segment], pieces: &[PathPiece]) -> (Closeness, usize) {
    let (n, m) = (segments.len(), pieces.len());
    // Shared segments, in order (a longest common subsequence), and the edit distance with a
    // segment or a piece left out at the cost of its characters and its `/`.
    let mut shared = vec![vec![(0, 0); m + 1]; n + 1];
    let mut distance = vec![vec![0; m + 1]; n + 1];
    let left_out: Vec<usize> = pieces.iter().map(|p| p.distance("") + 1).collect();
    for j in 1..=m {
        distance[0][j] = distance[0][j - 1] + left_out[j - 1];
    }
    for (i, segment) in (1..).zip(segments) {
        let length = segment.raw.chars().count() + 1;
        distance[i][0] = distance[i - 1][0] + length;
        for (j, piece) in (1..).zip(pieces) {
            let (literal, words) = shared[i - 1][j - 1];
            let pair = if piece.is_literal() && segment.forms().any(|f| nearly(piece, f)) {
                (literal + 1, words)
            } else if segment.forms().any(|f| piece.has_word(f)) {
                (literal, words + 1)
            } else {
                (literal, words)
            };
            shared[i][j] = pair.max(shared[i - 1][j]).max(shared[i][j - 1]);
            let apart = segment
                .forms()
                .map(|f| piece.distance(f))
                .min()
                .unwrap_or(0);
            distance[i][j] = (distance[i - 1][j - 1] + apart)
                .min(distance[i - 1][j] + length)
                .min(distance[i][j - 1] + left_out[j - 1]);
        }
    }
    let (literal, words) = shared[n][m];
    let closeness = Closeness {
        literal,
        words,
        distance: Reverse(distance[n][m]),
    };
    (closeness, distance[0][m])
}

/// Whether `segment` is the fixed text of `piece`, or a typo away from it: one edit in four
/// characters, for segments of four characters or more (`v1` is not a typo of `v2`).
fn nearly(piece: &PathPiece, segment: &str) -> bool {
    if piece.matches(segment) {
        return true;
    }
    let length = segment.chars().count();
    length >= 4 && piece.distance(segment) <= length / 4
}

/// The pieces of the regex that selects the endpoint (`pathRegex` over `pathTemplate`, as
/// the matcher has it), compiled case-insensitively as the matcher is: one list for each
/// alternative of a regex whose top level is a choice, as each is matched against the whole
/// path.
fn alternatives(endpoint: &Endpoint) -> Vec<Vec<PathPiece>> {
    let flags = Flags {
        case_insensitive: true,
        ..Flags::default()
    };
    let pattern = match (&endpoint.path_regex, &endpoint.path_template) {
        (Some(regex), _) => regex.as_str().to_owned(),
        (None, Some(template)) => template_regex(template),
        (None, None) => return Vec::new(),
    };
    path_alternatives(&pattern, flags).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::load_str;

    const GITHUB: &str = r#"
endpoints:
  - pathTemplate: "/repos/{owner}/{repo}/commits"
  - pathTemplate: "/repos/{owner}/{repo}/pulls"
  - pathTemplate: "/repos/{owner}/{repo}/pulls/{pullNumber}/reviews"
  - pathRegex: "^/orgs/[^/]+/members(?:[?].*)?$"
"#;

    fn closest_in(yaml: &str, path: &str) -> Option<usize> {
        let (rules, _) = load_str("t.yaml", yaml).expect("rules load");
        closest(&rules.endpoints, path)
    }

    const GRAPH: &str = r#"
endpoints:
  - pathTemplate: "/v1.0/users"
  - pathTemplate: "/v1.0/users/{id}/messages"
  - pathTemplate: "/v1.0/users/{id}/events"
"#;

    fn one(template: &str) -> String {
        format!("endpoints:\n  - pathTemplate: \"{template}\"\n")
    }

    #[test]
    fn more_fixed_segments_shared_is_closer() {
        assert_eq!(closest_in(GITHUB, "/repos/o/r/commits/abc"), Some(0));
        assert_eq!(closest_in(GITHUB, "/repos/o/r/pull/1/reviews"), Some(2));
        assert_eq!(closest_in(GRAPH, "/v1.0/me/messages"), Some(1));
        assert_eq!(closest_in(GRAPH, "/v1.0/users//events"), Some(2));
    }

    #[test]
    fn fixed_segments_are_shared_wherever_they_stand() {
        assert_eq!(closest_in(&one("/v2/users"), "/users"), Some(0));
        for path in ["/beta/users", "/users", "//v1.0/users"] {
            assert_eq!(closest_in(GRAPH, path), Some(0), "{path}");
        }
        assert_eq!(closest_in(GITHUB, "/repo/o/r/pulls"), Some(1));
    }

    #[test]
    fn a_segment_that_is_a_word_of_fixed_text_is_shared() {
        let calls = one("/calls(from={s},to={e})");
        assert_eq!(closest_in(&calls, "/calls"), Some(0));
        assert_eq!(closest_in(&one("/api/users.info"), "/api/users"), Some(0));
        assert_eq!(closest_in(&calls, "/c"), None);
    }

    #[test]
    fn each_alternative_of_a_top_level_choice_is_compared_on_its_own() {
        // A template's `|` is left as regex syntax: `^/v2/groups/\(members` or `owners\)$`.
        let groups = "endpoints:\n  - pathTemplate: \"/v2/reports\"\n  \
                      - pathTemplate: \"/v2/groups/(members|owners)\"\n";
        assert_eq!(closest_in(groups, "/v2/groups/members"), Some(1));
        let split = "endpoints:\n  - pathTemplate: \"/m/ab\"\n  - pathTemplate: \"/k/a|b\"\n";
        assert_eq!(closest_in(split, "/k/a|b"), Some(1));
        let regexes = "endpoints:\n  - pathTemplate: \"/v2/users\"\n  \
                       - pathRegex: \"^/v2/reports/daily$|^/v2/reports/monthly$\"\n";
        assert_eq!(closest_in(regexes, "/v2/reports/monthy"), Some(1));
    }

    #[test]
    fn segments_are_compared_percent_decoded_too() {
        assert_eq!(closest_in(&one("/a b"), "/a%20b"), Some(0));
        assert_eq!(closest_in(&one("/a b/c"), "/A%20B/d"), Some(0));
    }

    #[test]
    fn then_the_nearer_spelling() {
        // Both share `repos` and `pulls`; the longer is one edit away.
        assert_eq!(closest_in(GITHUB, "/repos/o/r/pulls/12/review"), Some(2));
        // All share `users`; the first is the nearest.
        assert_eq!(closest_in(GRAPH, "/beta/users"), Some(0));
        assert_eq!(closest_in(GITHUB, "/repos/o/r/pull"), Some(1));
        assert_eq!(closest_in(GITHUB, "/repos/o/r/comits"), Some(0));
        // `pull` is as near `pulls` in both; the shorter endpoint has less left over.
        assert_eq!(closest_in(GITHUB, "/repos/o/r/pull/"), Some(1));
        // A parameter that would take `user` is farther than `users`.
        let zoom = "endpoints:\n  - pathTemplate: \"/v2/users\"\n  - pathRegex: \"^/v2/meetings/[^/]+$\"\n";
        assert_eq!(closest_in(zoom, "/v2/user"), Some(0));
    }

    #[test]
    fn then_file_order() {
        let twice = "endpoints:\n  - pathTemplate: \"/a/{x}/b\"\n  - pathRegex: \"^/a/[^/]+/b$\"\n";
        assert_eq!(closest_in(twice, "/a/1/c"), Some(0));
    }

    #[test]
    fn path_regexes_are_compared_segment_by_segment_too() {
        assert_eq!(closest_in(GITHUB, "/orgs/acme/member"), Some(3));
        assert_eq!(closest_in(GITHUB, "/ORGS/acme"), Some(3));
    }

    #[test]
    fn an_endpoint_sharing_nothing_with_the_path_is_not_close() {
        assert_eq!(closest_in(GITHUB, "/users/u"), None);
        // A parameter matches any segment: that alone is no likeness.
        assert_eq!(closest_in(&one("/{org}/repos"), "/acme/users"), None);
    }

    #[test]
    fn a_segment_a_typo_away_from_fixed_text_is_shared() {
        let zoom = "endpoints:\n  - pathTemplate: \"/v2/users/me\"\n  - pathTemplate: \
                    \"/v2/users/{userId}/settings\"\n";
        assert_eq!(closest_in(zoom, "/v2/users/me/settingz"), Some(1));
        // Short segments are not typos of each other.
        assert_eq!(closest_in(&one("/v2/x"), "/v1/y/z/w"), None);
    }

    #[test]
    fn one_generic_segment_of_several_is_no_likeness() {
        assert_eq!(
            closest_in(&one("/api/v1/things"), "/v1/totally/unrelated"),
            None
        );
        // Half of them is.
        assert_eq!(closest_in(&one("/api/v1/things"), "/v1/stuff"), Some(0));
    }

    #[test]
    fn a_path_a_few_edits_from_an_endpoint_is_close() {
        assert_eq!(closest_in(&one("/{a}.{b}"), "/1x2"), Some(0));
        assert_eq!(closest_in(&one("/commits"), "/comits"), Some(0));
        assert_eq!(closest_in(&one("/{org}/repos"), "/acme/repo"), Some(0));
    }
}
