//! Property tests for the two shortcuts the email parser takes: the hand-written fast path, and
//! matching the grammar without its atomic groups (§3.2).

use std::sync::OnceLock;

use proptest::prelude::*;

use super::email::EmailGrammar;
use super::email_fast::{Fast, classify};
use super::email_grammar::{Atomic, Patterns};

/// Pieces that, concatenated, give strings close to the grammar's edge cases.
const PIECES: &[&str] = &[
    "a",
    "Z",
    "alice",
    "Al.Ice",
    "x9",
    "+tag",
    "_",
    "!#$%&'*/=?^`{|}~",
    "-",
    ".",
    "..",
    "@",
    "@",
    "acme",
    ".com",
    ".COM",
    ".c0m",
    ".c",
    ".co",
    "xn--b",
    "1.2",
    " ",
    "  ",
    "\t",
    "\r\n",
    "\r",
    "\n",
    "(",
    ")",
    "(c)",
    "\"",
    "\"q\"",
    "\\",
    "\\\"",
    "<",
    ">",
    ",",
    ":",
    ";",
    "é",
    "[",
    "]",
    "\u{1}",
    "\u{7f}",
];

fn email_like() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..14).prop_map(|v| v.concat())
}

const CFWS: &[&str] = &[
    "",
    "",
    " ",
    "  ",
    "\t",
    " (c) ",
    "(x\\)y)",
    "\r\n ",
    "\r\n",
    "(",
    "(a b)",
    " (\"q\") ",
];
const LOCALS: &[&str] = &[
    "alice",
    "Al.Ice+tag",
    "+x",
    "a..b",
    ".a",
    "a.",
    "\"al ice\"",
    "\"alice\"",
    "\"a\\\"b\"",
    "\"(x)\"",
    "\"a\r\n b\"",
    "\"\"",
    "\"é\"",
    "\" alice\"",
    "üser",
];
const DOMAINS: &[&str] = &[
    "acme.com",
    "Acme.COM",
    "acme",
    "a.b.c",
    "xn--bcher-kva.com",
    "-a.com",
    "a.c0m",
    "b.cc",
    "1.2.3.4",
];
const PHRASES: &[&str] = &[
    "",
    "Alice",
    "Alice Ex",
    "\"Alice Ex\"",
    "Bob K. Smith",
    "\"A\" \"B\"",
    "(c) Alice",
    "Jürgen",
    "\"Jürgen\"",
    "a  b",
    "\"a\\\\b\"",
];

/// A mailbox assembled from grammar parts (addr-spec or name-addr form), then possibly mutated
/// by inserting one piece anywhere: mostly valid emails and their near misses.
fn mailbox_like() -> impl Strategy<Value = String> {
    let part = |items: &'static [&'static str]| prop::sample::select(items);
    (
        any::<bool>(),
        (part(PHRASES), part(CFWS), part(CFWS), part(CFWS)),
        (part(LOCALS), part(CFWS), part(DOMAINS), part(CFWS)),
        prop::option::weighted(0.3, (any::<prop::sample::Index>(), part(PIECES))),
    )
        .prop_map(
            |(angle, (phrase, c1, c2, c3), (local, c4, domain, c5), mutation)| {
                let addr_spec = format!("{c1}{local}{c4}@{c5}{domain}{c2}");
                let mut s = if angle {
                    format!("{phrase}{c3}<{addr_spec}>{c2}")
                } else {
                    addr_spec
                };
                if let Some((at, piece)) = mutation {
                    let mut i = at.index(s.len() + 1);
                    while !s.is_char_boundary(i) {
                        i -= 1;
                    }
                    s.insert_str(i, piece);
                }
                s
            },
        )
}

/// A mostly plain shape: local, `@`, labels, TLD, with occasional odd characters.
fn plain_like() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9.+_-]{0,8}@[a-zA-Z0-9.-]{0,10}\\.[a-zA-Z0-9]{0,4}"
}

fn grammar() -> &'static EmailGrammar {
    EmailGrammar::shared()
}

/// `\A(?:mailbox)\z` matched by the atomic-free grammar, as spans of groups 1 to 14.
type Spans = Vec<Option<(usize, usize)>>;

fn spans_without_atomic(s: &str) -> Option<Spans> {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        let p = Patterns::new(Atomic::Dropped);
        regex::Regex::new(&format!("\\A(?:{})\\z", p.mailbox)).expect("compiles")
    });
    let caps = re.captures(s)?;
    Some(
        (1..=14)
            .map(|i| caps.get(i).map(|m| (m.start(), m.end())))
            .collect(),
    )
}

/// The same with the reference's atomic groups, on a backtracking matcher. `Err` when the
/// backtracking budget runs out.
fn spans_with_atomic(s: &str) -> Result<Option<Spans>, fancy_regex::Error> {
    static RE: OnceLock<fancy_regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        let p = Patterns::new(Atomic::Kept);
        fancy_regex::Regex::new(&format!("\\A(?:{})\\z", p.mailbox)).expect("compiles")
    });
    Ok(re.captures(s)?.map(|caps| {
        (1..=14)
            .map(|i| caps.get(i).map(|m| (m.start(), m.end())))
            .collect()
    }))
}

fn check_fast_path(s: &str) -> Result<(), TestCaseError> {
    let full = spans_without_atomic(s);
    match classify(s) {
        Fast::NotEmail => prop_assert!(full.is_none(), "fast path said no: {s:?}"),
        Fast::Plain { local, domain } => {
            let spans =
                full.ok_or_else(|| TestCaseError::fail(format!("fast path said yes: {s:?}")))?;
            let text = |i: usize| spans[i - 1].map(|(a, b)| &s[a..b]);
            prop_assert_eq!(text(11), Some(local));
            prop_assert_eq!(text(13), Some(domain));
            prop_assert_eq!(text(1), None);
            prop_assert_eq!(text(14), None);
        }
        Fast::Undecided => {}
    }
    Ok(())
}

fn check_atomic_groups(s: &str) -> Result<(), TestCaseError> {
    // Strings on which the backtracking matcher gives up prove nothing either way.
    if let Ok(with_atomic) = spans_with_atomic(s) {
        prop_assert_eq!(with_atomic, spans_without_atomic(s), "{:?}", s);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn fast_path_agrees_with_the_grammar_on_email_like_strings(s in email_like()) {
        check_fast_path(&s)?;
    }

    #[test]
    fn fast_path_agrees_with_the_grammar_on_plain_shapes(s in plain_like()) {
        check_fast_path(&s)?;
    }

    #[test]
    fn fast_path_agrees_with_the_grammar_on_mailbox_shapes(s in mailbox_like()) {
        check_fast_path(&s)?;
    }

    #[test]
    fn atomic_groups_change_no_match_and_no_capture(s in email_like()) {
        check_atomic_groups(&s)?;
    }

    #[test]
    fn atomic_groups_change_no_capture_of_mailbox_shapes(s in mailbox_like()) {
        check_atomic_groups(&s)?;
    }

    #[test]
    fn parser_answers_as_the_full_grammar(s in mailbox_like()) {
        prop_assert_eq!(grammar().is_email(&s).expect("compiles"), spans_without_atomic(&s).is_some());
    }
}

#[test]
fn atomic_groups_agree_on_quoted_strings_with_folding_whitespace() {
    for s in [
        "\"a \r\n \"@acme.com",
        "\"a  \r\n b\" <x@acme.com>",
        "\"  \r\n \" <x@acme.com>",
        "\"\\\"\\\\\" <x@acme.com>",
        "\"(a)\"@acme.com",
        "\"a\r\n\" <x@acme.com>",
    ] {
        assert_eq!(
            spans_with_atomic(s).expect("within budget"),
            spans_without_atomic(s),
            "{s:?}"
        );
    }
}

#[test]
fn whitespace_heavy_phrase_is_decided_quickly() {
    // Ten double-spaced words exhaust a million backtracking steps with the atomic groups.
    let s = format!("{}@acme.com", "a  ".repeat(200));
    let started = std::time::Instant::now();
    assert!(!grammar().is_email(&s).expect("the grammar compiles"));
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
}
