//! `textDigest` (§2.10, §2.13): a string reduced to its length, word count and keyword counts.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::json::{Map, Value, to_compact_string};

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
    /// The digest as a JSON object with sorted members (the proxy builds it as a `TreeMap`).
    pub fn to_value(&self) -> Value<'static> {
        let mut m = Map::with_capacity(3);
        if !self.keywords.is_empty() {
            let kw = self
                .keywords
                .iter()
                .map(|(k, n)| (Cow::Owned(k.0.clone()), Value::Int(*n as i64)))
                .collect();
            m.push_unique(Cow::Borrowed("keywords"), Value::Object(kw));
        }
        m.push_unique(Cow::Borrowed("length"), Value::Int(self.length as i64));
        m.push_unique(
            Cow::Borrowed("word_count"),
            Value::Int(self.word_count as i64),
        );
        Value::Object(m)
    }

    /// The digest as compact JSON text (Jackson, §7.2).
    pub fn to_json(&self) -> String {
        to_compact_string(&self.to_value())
    }
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
