//! Strings that a regex matches whole, made from its parsed form: for checks that need an
//! example request of an endpoint (is it shadowed by an earlier one? can it take a query?).

use super::ast::{Assertion, GroupKind, Node};
use super::charset::CharSet;

/// Repetitions past this many make no useful example.
const MAX_REPEAT: u32 = 64;

/// Nor does an example longer than this (nested repetitions multiply: `((a{64}){64}){64}`).
const MAX_SAMPLE_BYTES: usize = 8 * 1024;

/// Strings `node` matches, the one that reads most like the pattern first: each repetition at
/// its minimum, the first alternative that gives one, and, from each set, a letter or digit
/// where it has one. The first takes a `.` that stands alone (as in `users.info`) as itself,
/// the second as a letter; they are the same where there is no such `.`. Empty where the
/// regex needs what an example cannot be sure to give (look-around, back-references, word
/// boundaries).
pub(super) fn samples(node: &Node) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for literal_dots in [true, false] {
        let mut out = String::new();
        if write(node, literal_dots, &mut out).is_some() && !found.contains(&out) {
            found.push(out);
        }
    }
    found
}

/// `literal_dots`: a set of every printable character outside a repetition gives `.`.
fn write(node: &Node, literal_dots: bool, out: &mut String) -> Option<()> {
    match node {
        Node::Set(_) if out.len() >= MAX_SAMPLE_BYTES => return None,
        Node::Set(set) if literal_dots && matches_any_printable(set) => out.push('.'),
        Node::Set(set) => out.push(pick(set)?),
        Node::Concat(nodes) => {
            for n in nodes {
                write(n, literal_dots, out)?;
            }
        }
        Node::Alt(nodes) => {
            let start = out.len();
            let found = nodes.iter().any(|n| {
                out.truncate(start);
                write(n, literal_dots, out).is_some()
            });
            if !found {
                return None;
            }
        }
        Node::Group(
            GroupKind::Capture { .. } | GroupKind::NonCapture | GroupKind::Atomic,
            inner,
        ) => write(inner, literal_dots, out)?,
        // `.+` or `.{3}` stands for any text, not for dots.
        Node::Repeat { node, min, .. } if *min <= MAX_REPEAT => {
            for _ in 0..*min {
                write(node, false, out)?;
            }
        }
        // Anchors match the empty string at the ends an example has.
        Node::Empty
        | Node::Assert(
            Assertion::Begin | Assertion::End | Assertion::Dollar { .. } | Assertion::Caret { .. },
        ) => {}
        Node::Group(GroupKind::LookAhead { .. } | GroupKind::LookBehind { .. }, _)
        | Node::Repeat { .. }
        | Node::Assert(Assertion::WordBoundary { .. })
        | Node::Backref { .. }
        | Node::LineBreak => return None,
    }
    Some(())
}

/// Whether `set` holds every printable ASCII character, as `.` does.
fn matches_any_printable(set: &CharSet) -> bool {
    (' '..='~').all(|c| set.contains(u32::from(c)))
}

/// A character of `set`: a lower-case letter, a digit or an upper-case letter if it has one,
/// else its first character.
fn pick(set: &CharSet) -> Option<char> {
    ('a'..='z')
        .chain('0'..='9')
        .chain('A'..='Z')
        .find(|&c| set.contains(u32::from(c)))
        .or_else(|| {
            set.ranges()
                .flat_map(|(lo, hi)| lo..=hi.min(lo.saturating_add(0x800)))
                .find_map(char::from_u32)
        })
}

#[cfg(test)]
mod tests {
    use crate::jregex::{Flags, Regex};

    fn sample(pattern: &str) -> Option<String> {
        Regex::new(pattern, Flags::default())
            .expect("compiles")
            .sample(Flags::default())
    }

    fn samples(pattern: &str) -> Vec<String> {
        Regex::new(pattern, Flags::default())
            .expect("compiles")
            .samples(Flags::default())
    }

    #[test]
    fn samples_take_the_fewest_repetitions_and_the_first_alternative() {
        assert_eq!(sample("^/v2/users/[^/]+$").as_deref(), Some("/v2/users/a"));
        assert_eq!(
            sample("^/v2/(users|groups)/\\d{3}(?:[?].*)?$").as_deref(),
            Some("/v2/users/000")
        );
        assert_eq!(sample("/x/[A-Z]+-[0-9]+").as_deref(), Some("/x/A-0"));
        assert_eq!(sample("a*b?c").as_deref(), Some("c"));
        assert_eq!(sample("[.]x").as_deref(), Some(".x"));
    }

    #[test]
    fn samples_keep_the_letter_case_of_the_pattern_under_case_insensitive() {
        let ci = Flags {
            case_insensitive: true,
            ..Flags::default()
        };
        let sample = |pattern: &str| Regex::new(pattern, ci).expect("compiles").sample(ci);
        assert_eq!(
            sample("^/v1.0/users/[^/]+/calendarView$").as_deref(),
            Some("/v1.0/users/a/calendarView")
        );
        assert_eq!(sample("/x/[A-Z]+").as_deref(), Some("/x/A"));
    }

    #[test]
    fn nested_repetitions_give_no_example_past_its_length_cap() {
        // 64^5 characters would be asked for; the atomic group keeps the pattern from being
        // refused as too large when it compiles.
        assert_eq!(
            sample("^/(?:(?:(?:(?:(?:(?>a)){64}){64}){64}){64}){64}$"),
            None
        );
        assert_eq!(sample("^/(?:(?:a){64}){64}$").map(|s| s.len()), Some(4097));
    }

    #[test]
    fn a_dot_standing_alone_is_first_sampled_as_itself() {
        assert_eq!(
            samples("/api/users.info"),
            ["/api/users.info", "/api/usersainfo"]
        );
        assert_eq!(samples("/v(\\d+.\\d+)"), ["/v0.0", "/v0a0"]);
        // Repeated, a dot stands for any text; without a dot there is one sample.
        assert_eq!(samples("/a/.+"), ["/a/a"]);
        assert_eq!(samples("/a/[^/]"), ["/a/a"]);
    }

    #[test]
    fn no_sample_where_an_example_cannot_be_sure() {
        for pattern in ["(?=a)a", "(a)\\1", "\\bword", "a(?<!b)", "\\R", "[a&&[b]]x"] {
            assert_eq!(sample(pattern), None, "{pattern}");
        }
    }
}
