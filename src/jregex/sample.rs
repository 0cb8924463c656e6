//! A string that a regex matches whole, made from its parsed form: for checks that need an
//! example request of an endpoint (is it shadowed by an earlier one? can it take a query?).

use super::ast::{Assertion, GroupKind, Node};
use super::charset::CharSet;

/// Repetitions past this many make no useful example.
const MAX_REPEAT: u32 = 64;

/// A string `node` matches: each repetition at its minimum, the first alternative that gives
/// one, and, from each set, a letter or digit where it has one. `None` where the regex needs
/// what an example cannot be sure to give (look-around, back-references, word boundaries).
pub(super) fn sample(node: &Node) -> Option<String> {
    let mut out = String::new();
    write(node, &mut out)?;
    Some(out)
}

fn write(node: &Node, out: &mut String) -> Option<()> {
    match node {
        Node::Set(set) => out.push(pick(set)?),
        Node::Concat(nodes) => {
            for n in nodes {
                write(n, out)?;
            }
        }
        Node::Alt(nodes) => {
            let start = out.len();
            let found = nodes.iter().any(|n| {
                out.truncate(start);
                write(n, out).is_some()
            });
            if !found {
                return None;
            }
        }
        Node::Group(
            GroupKind::Capture { .. } | GroupKind::NonCapture | GroupKind::Atomic,
            inner,
        ) => write(inner, out)?,
        Node::Repeat { node, min, .. } if *min <= MAX_REPEAT => {
            for _ in 0..*min {
                write(node, out)?;
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
    fn no_sample_where_an_example_cannot_be_sure() {
        for pattern in ["(?=a)a", "(a)\\1", "\\bword", "a(?<!b)", "\\R", "[a&&[b]]x"] {
            assert_eq!(sample(pattern), None, "{pattern}");
        }
    }
}
