//! Which endpoint's path comes closest to a request path that none matches, segment by
//! segment, for naming it when no endpoint allows a request.

use std::cmp::Reverse;

use super::template::template_regex;
use crate::jregex::{Flags, PathPiece, path_pieces};
use crate::rules::schema::edit_distance;
use crate::rules::{Endpoint, Located};

/// Characters of each side that edit distances look at: paths are short, and a long hostile
/// one must not make a refusal slow.
const MAX_COMPARED: usize = 256;

/// Leading segments matched (more first), then the distance at the first segment that
/// differs: the smaller is the closer.
type Rank = (Reverse<usize>, usize);

/// The index of the endpoint whose path comes closest to `path` (the request's, without its
/// query). Each endpoint's path is compared with the pieces of its regex between `/`s (a
/// template's regex for a template), so that templates and `pathRegex`es are alike; the
/// closest is the one that matches the most leading segments, then the one whose piece is
/// nearest in spelling (edit distance) to the first segment that differs, then the one whose
/// further pieces are nearest to the rest of the path, then the first in file order. `None`
/// when no endpoint matches a leading segment or has a first segment that is a likely typo of
/// the path's.
pub fn closest(endpoints: &[Located<Endpoint>], path: &str) -> Option<usize> {
    let segments: Vec<&str> = path.strip_prefix('/').unwrap_or(path).split('/').collect();
    // The endpoints tied at the best rank so far; the rest of the path, which may compile
    // regexes of further pieces, is compared among those only.
    let mut best: Option<Rank> = None;
    let mut tied: Vec<(usize, Vec<PathPiece>)> = Vec::new();
    for (i, endpoint) in endpoints.iter().enumerate() {
        let Some(pieces) = pieces(endpoint) else {
            continue;
        };
        let leading = pieces
            .iter()
            .zip(&segments)
            .take_while(|(piece, segment)| piece.matches(segment))
            .count();
        let segment = segments.get(leading).copied().unwrap_or_default();
        let piece = pieces.get(leading).map_or("", PathPiece::example);
        let first = distance(segment, piece);
        let longer = segment.chars().count().max(piece.chars().count());
        if leading == 0 && first > (longer / 3).max(1) {
            continue;
        }
        let rank = (Reverse(leading), first);
        if best.is_none_or(|b| rank < b) {
            best = Some(rank);
            tied.clear();
        }
        if best == Some(rank) {
            tied.push((i, pieces));
        }
    }
    let (Reverse(leading), _) = best?;
    tied.iter()
        .map(|(i, pieces)| (rest_distance(&pieces[leading..], &segments, leading), *i))
        .min()
        .map(|(_, i)| i)
}

/// The pieces of the regex that selects the endpoint (`pathRegex` over `pathTemplate`, as
/// the matcher has it), compiled case-insensitively as the matcher is.
fn pieces(endpoint: &Endpoint) -> Option<Vec<PathPiece>> {
    let flags = Flags {
        case_insensitive: true,
        ..Flags::default()
    };
    match (&endpoint.path_regex, &endpoint.path_template) {
        (Some(regex), _) => path_pieces(regex, flags).ok(),
        (None, Some(template)) => path_pieces(&template_regex(template), flags).ok(),
        (None, None) => None,
    }
}

/// The edit distance between the segments from `from` on and `pieces`, where a piece that
/// matches the segment at its place counts as that segment, and any other as its example.
fn rest_distance(pieces: &[PathPiece], segments: &[&str], from: usize) -> usize {
    let endpoint: Vec<&str> = pieces
        .iter()
        .zip(from..)
        .map(|(piece, i)| match segments.get(i) {
            Some(s) if piece.matches(s) => s,
            _ => piece.example(),
        })
        .collect();
    let path = segments.get(from..).unwrap_or_default().join("/");
    distance(&path, &endpoint.join("/"))
}

fn distance(a: &str, b: &str) -> usize {
    let start = |s: &str| -> String { s.chars().take(MAX_COMPARED).collect() };
    edit_distance(&start(a), &start(b))
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

    #[test]
    fn more_leading_segments_matched_is_closer() {
        assert_eq!(closest_in(GITHUB, "/repos/o/r/pulls/12/review"), Some(2));
        assert_eq!(closest_in(GITHUB, "/repos/o/r/commits/abc"), Some(0));
    }

    #[test]
    fn then_the_nearer_spelling_of_the_first_segment_that_differs() {
        assert_eq!(closest_in(GITHUB, "/repos/o/r/pull"), Some(1));
        assert_eq!(closest_in(GITHUB, "/repos/o/r/comits"), Some(0));
    }

    #[test]
    fn then_the_nearer_rest_of_the_path() {
        // `pull` is as near `pulls` in both; the shorter endpoint has less left over.
        assert_eq!(closest_in(GITHUB, "/repos/o/r/pull/1/reviews"), Some(2));
        assert_eq!(closest_in(GITHUB, "/repos/o/r/pull/"), Some(1));
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
        // A typo in the first segment still counts.
        assert_eq!(closest_in(GITHUB, "/repo/o/r/pulls"), Some(1));
    }
}
