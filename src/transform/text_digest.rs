//! `textDigest` (§2.10, §2.13): a string reduced to its length, word count and keyword counts.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{java_len, java_trim};

/// The digest of one string. Serialized members are sorted, as the proxy's `TreeMap`:
/// `keywords` (only when one occurs), `length` (UTF-16 units), `word_count`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    /// Lower-cased keyword → occurrences, sorted by Java string order.
    pub keywords: BTreeMap<Utf16Key, u64>,
    pub length: usize,
    pub word_count: usize,
}

/// A string ordered as Java's `String.compareTo` orders it (UTF-16 code units).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Utf16Key(pub String);

impl Ord for Utf16Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.encode_utf16().cmp(other.0.encode_utf16())
    }
}

impl PartialOrd for Utf16Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Keywords prepared for counting: lower-cased, blank ones dropped (§2.13).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keywords(Vec<String>);

impl Keywords {
    pub fn new<S: AsRef<str>>(keywords: &[S]) -> Self {
        Keywords(
            keywords
                .iter()
                .map(|k| k.as_ref().to_lowercase())
                .filter(|k| !super::is_blank(k))
                .collect(),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Computes the digest of `s` (§2.10).
pub fn digest(s: &str, keywords: &Keywords) -> Digest {
    if s.is_empty() {
        return Digest {
            keywords: BTreeMap::new(),
            length: 0,
            word_count: 0,
        };
    }
    // Java: trim, then split on `\s+`; a trimmed-empty string still counts as one piece.
    let trimmed = java_trim(s);
    let word_count = trimmed
        .split(is_java_space)
        .filter(|w| !w.is_empty())
        .count()
        .max(1);
    let mut counts = BTreeMap::new();
    if !keywords.is_empty() {
        let lower = s.to_lowercase();
        for token in lower.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            if keywords.0.iter().any(|k| k == token) {
                *counts.entry(Utf16Key(token.to_owned())).or_insert(0) += 1;
            }
        }
    }
    Digest {
        keywords: counts,
        length: java_len(s),
        word_count,
    }
}

/// ASCII whitespace as Java's `\s`: space, tab, newline, vertical tab, form feed, return.
fn is_java_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r')
}

impl Digest {
    /// The digest as compact JSON text (Jackson, sorted members).
    pub fn to_json(&self) -> String {
        let mut out = String::from("{");
        if !self.keywords.is_empty() {
            out.push_str("\"keywords\":{");
            for (i, (k, n)) in self.keywords.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_json_string(&mut out, &k.0);
                out.push(':');
                out.push_str(&n.to_string());
            }
            out.push_str("},");
        }
        let _ = write!(
            out,
            "\"length\":{},\"word_count\":{}}}",
            self.length, self.word_count
        );
        out
    }
}

/// Jackson's string escaping (§7.2). Keywords only ever hold `[a-z0-9_]` after matching, but
/// the function is exact for any text.
fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if c < '\u{20}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_counted_case_insensitively_and_sorted() {
        let d = digest("Foo bar, foo! baz", &Keywords::new(&["Foo", "bar"]));
        assert_eq!(
            d.to_json(),
            "{\"keywords\":{\"bar\":1,\"foo\":2},\"length\":17,\"word_count\":4}"
        );
    }

    #[test]
    fn surrounding_whitespace_is_not_a_word() {
        let d = digest("  hello   world  ", &Keywords::default());
        assert_eq!(d.to_json(), "{\"length\":17,\"word_count\":2}");
    }

    #[test]
    fn empty_string_has_zero_words() {
        assert_eq!(
            digest("", &Keywords::default()).to_json(),
            "{\"length\":0,\"word_count\":0}"
        );
    }

    #[test]
    fn whitespace_only_string_has_one_word() {
        assert_eq!(
            digest("   ", &Keywords::default()).to_json(),
            "{\"length\":3,\"word_count\":1}"
        );
    }

    #[test]
    fn length_counts_utf16_units() {
        assert_eq!(digest("😀 é", &Keywords::default()).length, 4);
    }

    #[test]
    fn keyword_with_non_word_characters_never_matches() {
        let d = digest("follow-up follow", &Keywords::new(&["follow-up"]));
        assert!(d.keywords.is_empty());
    }

    #[test]
    fn blank_keywords_are_ignored() {
        let d = digest("!a", &Keywords::new(&["", "a"]));
        assert_eq!(
            d.to_json(),
            "{\"keywords\":{\"a\":1},\"length\":2,\"word_count\":1}"
        );
    }
}
