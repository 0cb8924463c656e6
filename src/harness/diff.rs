//! Differences between an expected and an actual document: a structural list of changes at JSON
//! Pointers, and a unified diff of the two files.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::json::Value;

/// One difference at a place in the document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// RFC 6901 JSON Pointer of the place.
    pub pointer: String,
    #[serde(flatten)]
    pub kind: ChangeKind,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "lowercase")]
pub enum ChangeKind {
    /// Present in both, with different values (scalars, or different types).
    Changed { expected: String, actual: String },
    /// Expected but missing from the actual output.
    Missing { expected: String },
    /// In the actual output but not expected.
    Added { actual: String },
    /// Same members, different order.
    Reordered {
        expected: Vec<String>,
        actual: Vec<String>,
    },
}

/// The differences between two documents, in document order.
pub fn structural_diff(expected: &Value, actual: &Value) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut pointer = String::new();
    diff_into(expected, actual, &mut pointer, &mut changes);
    changes
}

/// The members of `m` by name, the first of a name as `get` finds it: a lookup per member in
/// place of a scan of the object, which made the diff of an object of many members quadratic.
fn by_name<'m, 'a>(m: &'m crate::json::Map<'a>) -> HashMap<&'m str, &'m Value<'a>> {
    let mut names = HashMap::with_capacity(m.len());
    for (k, v) in m.iter() {
        names.entry(k.as_ref()).or_insert(v);
    }
    names
}

fn diff_into(expected: &Value, actual: &Value, pointer: &mut String, out: &mut Vec<Change>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            let (e_names, a_names) = (by_name(e), by_name(a));
            for (k, ev) in e.iter() {
                let len = pointer.len();
                push_token(pointer, k);
                match a_names.get(k.as_ref()).copied() {
                    Some(av) => diff_into(ev, av, pointer, out),
                    None => out.push(Change {
                        pointer: pointer.clone(),
                        kind: ChangeKind::Missing {
                            expected: summarize(ev),
                        },
                    }),
                }
                pointer.truncate(len);
            }
            for (k, av) in a.iter() {
                if !e_names.contains_key(k.as_ref()) {
                    let len = pointer.len();
                    push_token(pointer, k);
                    out.push(Change {
                        pointer: pointer.clone(),
                        kind: ChangeKind::Added {
                            actual: summarize(av),
                        },
                    });
                    pointer.truncate(len);
                }
            }
            let common_e: Vec<&str> = e.keys().filter(|k| a_names.contains_key(k)).collect();
            let common_a: Vec<&str> = a.keys().filter(|k| e_names.contains_key(k)).collect();
            if common_e != common_a {
                out.push(Change {
                    pointer: pointer.clone(),
                    kind: ChangeKind::Reordered {
                        expected: common_e.into_iter().map(str::to_owned).collect(),
                        actual: common_a.into_iter().map(str::to_owned).collect(),
                    },
                });
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                let len = pointer.len();
                push_token(pointer, &i.to_string());
                diff_into(ev, av, pointer, out);
                pointer.truncate(len);
            }
            for (i, ev) in e.iter().enumerate().skip(a.len()) {
                out.push(Change {
                    pointer: format!("{pointer}/{i}"),
                    kind: ChangeKind::Missing {
                        expected: summarize(ev),
                    },
                });
            }
            for (i, av) in a.iter().enumerate().skip(e.len()) {
                out.push(Change {
                    pointer: format!("{pointer}/{i}"),
                    kind: ChangeKind::Added {
                        actual: summarize(av),
                    },
                });
            }
        }
        _ => {
            if !same_scalar(expected, actual) {
                out.push(Change {
                    pointer: pointer.clone(),
                    kind: ChangeKind::Changed {
                        expected: summarize(expected),
                        actual: summarize(actual),
                    },
                });
            }
        }
    }
}

/// Scalars compare by type and value; doubles bit for bit (the files differ for `0.0` and
/// `-0.0`), and an integer never equals a double (`1` vs `1.0`).
fn same_scalar(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Double(x), Value::Double(y)) => x.to_bits() == y.to_bits(),
        _ => a == b,
    }
}

/// How a pointer reads in a line for people: the empty pointer, the whole document, says so.
fn shown(pointer: &str) -> &str {
    if pointer.is_empty() {
        "(the whole document)"
    } else {
        pointer
    }
}

/// Appends one reference token, escaped as RFC 6901 requires.
pub fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

/// `1 element`, `2 elements`.
fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// The strings that `actual` has where `expected` has no value (a member or element it lacks)
/// or a pseudonym or null in its place: values whose protection a rules change may have
/// removed. Diffs withhold them like leaks; short ones (under four characters) match too much
/// text to be withheld.
pub fn unprotected_strings(expected: &Value, actual: &Value) -> Vec<String> {
    let mut found = Vec::new();
    unprotected_into(expected, actual, &mut found);
    // A pseudonym is protection itself: shown, in a new object too.
    let out = found
        .into_iter()
        .filter_map(|v| v.as_str().filter(|s| !is_pseudonym(s)).map(str::to_owned))
        .collect();
    long_enough(out)
}

/// The numbers, as compact JSON writes them, that `actual` has where `expected` has no value
/// or a pseudonym or null in its place: as [`unprotected_strings`], for identifiers such as a
/// personal meeting ID whose pseudonymization a rules change removed.
pub fn unprotected_numbers(expected: &Value, actual: &Value) -> Vec<String> {
    let mut found = Vec::new();
    unprotected_into(expected, actual, &mut found);
    let out = found
        .into_iter()
        .filter(|v| {
            matches!(
                v,
                Value::Int(_) | Value::BigInt(_) | Value::Double(_) | Value::Decimal(_)
            )
        })
        .map(crate::json::to_compact_string)
        .collect();
    long_enough(out)
}

fn long_enough(mut out: Vec<String>) -> Vec<String> {
    out.retain(|s| s.trim().chars().count() >= super::leaks::MIN_PROTECTED_CHARS);
    out.sort();
    out.dedup();
    out
}

fn unprotected_into<'v, 'a>(expected: &Value, actual: &'v Value<'a>, out: &mut Vec<&'v Value<'a>>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, av) in a.iter() {
                match e.get(k) {
                    Some(ev) => unprotected_into(ev, av, out),
                    None => scalars_in(av, out),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            for (i, av) in a.iter().enumerate() {
                match e.get(i) {
                    Some(ev) => unprotected_into(ev, av, out),
                    None => scalars_in(av, out),
                }
            }
        }
        (Value::String(e), _) if is_pseudonym(e) && actual.as_str().is_some_and(is_pseudonym) => {}
        (Value::Null, _) => scalars_in(actual, out),
        (Value::String(e), _) if is_pseudonym(e) => scalars_in(actual, out),
        // A `textDigest` in the committed file: the text it stood for.
        (Value::Object(e), Value::String(_)) if is_digest(e) => scalars_in(actual, out),
        // A value of another shape (an object where an array was, a text where an object was):
        // what the committed value does not hold cannot be told protected.
        (Value::Object(_) | Value::Array(_), _) | (_, Value::Object(_) | Value::Array(_)) => {
            let mut committed = Vec::new();
            scalars_in(expected, &mut committed);
            let committed: HashSet<String> = committed
                .into_iter()
                .map(crate::json::to_compact_string)
                .collect();
            let mut found = Vec::new();
            scalars_in(actual, &mut found);
            out.extend(
                found
                    .into_iter()
                    .filter(|v| !committed.contains(&crate::json::to_compact_string(v))),
            );
        }
        _ => {}
    }
}

/// [`unprotected_strings`] and [`unprotected_numbers`] where the committed file is not JSON:
/// the strings and numbers of `actual` that the committed text does not hold (a string as a
/// literal, a number as a token), pseudonyms aside. Which of its values the rules protected
/// cannot be read from a text that does not parse, so what is not already committed is not
/// shown.
pub fn unprotected_in_text(text: &str, actual: &Value) -> (Vec<String>, Vec<String>) {
    let literals: HashSet<&str> = string_literals(text).collect();
    let tokens: HashSet<&str> = text
        .split(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')))
        .collect();
    let mut found = Vec::new();
    scalars_in(actual, &mut found);
    let (mut strings, mut numbers) = (Vec::new(), Vec::new());
    for v in found {
        let json = crate::json::to_compact_string(v);
        match v.as_str() {
            Some(s) if !is_pseudonym(s) && !literals.contains(&json[1..json.len() - 1]) => {
                strings.push(s.to_owned());
            }
            None if !tokens.contains(json.as_str()) => numbers.push(json),
            _ => {}
        }
    }
    (long_enough(strings), long_enough(numbers))
}

/// The string literals of a text that is meant to be JSON, between their quotes as written; a
/// literal that is not closed ends with its line.
fn string_literals(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let open = rest.find('"')?;
        let body = &rest[open + 1..];
        let (inner, next) = literal_end(body);
        rest = &body[next..];
        Some(&body[..inner])
    })
}

/// Where a string literal whose text starts `body` (after its opening quote) ends: the length
/// of its text, and where what follows it starts (after the closing quote, or at the line
/// break of a literal that is not closed).
fn literal_end(body: &str) -> (usize, usize) {
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return (i, i + 1),
            '\n' | '\r' => return (i, i),
            _ => {}
        }
    }
    (body.len(), body.len())
}

/// Whether `m` is what `textDigest` makes of a text (§2.10): `length` and `word_count`, and
/// `keywords` when it counts any.
fn is_digest(m: &crate::json::Map<'_>) -> bool {
    m.get("length").is_some()
        && m.get("word_count").is_some()
        && m.iter()
            .all(|(k, _)| matches!(&**k, "length" | "word_count" | "keywords"))
}

/// A committed file that is not JSON, for its side of a diff: each string literal withheld
/// unless it is a pseudonym or `actual` (the output, JSON) holds the same string, as a value
/// or a member name, and
/// every other run of text that holds an email address or phone number withheld. Its values
/// cannot be told from its names, so what the output does not show is not shown either; the
/// structure, where the mistake usually is (a stray comma, a missing quote), stays.
pub fn withhold_unparsed(text: &str, actual: &Value) -> String {
    let mut shown = HashSet::new();
    shown_strings(actual, &mut shown);
    let withheld = crate::json::to_compact_string(&Value::string(super::leaks::WITHHELD));
    let others = |part: &str| {
        super::leaks::withhold_personal_text(
            part,
            &['\t', '\n', '\r', ',', ':', '[', ']', '{', '}'],
        )
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('"') {
        out.push_str(&others(&rest[..open]));
        let body = &rest[open + 1..];
        let (inner, next) = literal_end(body);
        let literal = &body[..inner];
        let closed = next > inner;
        // A pseudonym is protection itself.
        if shown.contains(literal) || is_pseudonym(literal) {
            out.push('"');
            out.push_str(literal);
            if closed {
                out.push('"');
            }
        } else {
            out.push_str(&withheld);
        }
        rest = &body[next..];
    }
    out.push_str(&others(rest));
    out
}

/// The strings of `v`, values and member names, as written inside quotes in compact JSON.
fn shown_strings(v: &Value, out: &mut HashSet<String>) {
    let written = |s: &str| {
        let json = crate::json::to_compact_string(&Value::string(s));
        json[1..json.len() - 1].to_owned()
    };
    match v {
        Value::String(s) => {
            out.insert(written(s));
        }
        Value::Array(items) => items.iter().for_each(|x| shown_strings(x, out)),
        Value::Object(members) => {
            for (k, x) in members.iter() {
                out.insert(written(k));
                shown_strings(x, out);
            }
        }
        _ => {}
    }
}

/// The line of `text` (JSON) where the value at each of `pointers` starts (at its member name
/// when it has one), for those the text has; in one reading of the text, however many.
pub fn pointer_lines<'p>(
    text: &str,
    pointers: impl IntoIterator<Item = &'p str>,
) -> HashMap<&'p str, u32> {
    let targets: HashSet<&str> = pointers.into_iter().collect();
    let mut found = HashMap::new();
    if targets.is_empty() {
        return found;
    }
    let depths: HashSet<usize> = targets.iter().map(|p| p.matches('/').count()).collect();
    if targets.contains("") {
        let lead = &text[..text.len() - text.trim_start().len()];
        if let Ok(n) = u32::try_from(lead.matches('\n').count()) {
            found.insert("", n + 1);
        }
    }
    // The containers open at the current place: the member name or element index in each.
    let mut path: Vec<(bool, String, usize)> = Vec::new();
    let bytes = text.as_bytes();
    let (mut i, mut line, mut name_line) = (0, 1u32, 1u32);
    // A value starts here: its pointer, if it is one of `targets`, is found at this line.
    let mut value_at = |path: &[(bool, String, usize)], line: u32| {
        if !depths.contains(&path.len()) {
            return;
        }
        let mut pointer = String::new();
        for (object, name, index) in path {
            pointer.push('/');
            if *object {
                pointer.push_str(&name.replace('~', "~0").replace('/', "~1"));
            } else {
                pointer.push_str(&index.to_string());
            }
        }
        if let Some(&p) = targets.get(pointer.as_str()) {
            found.entry(p).or_insert(line);
        }
    };
    // Whether the next string is a member name.
    let mut expect_name = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => line += 1,
            b'{' | b'[' => {
                if !expect_name && !path.is_empty() {
                    value_at(&path, name_line.min(line));
                }
                let object = bytes[i] == b'{';
                path.push((object, String::new(), 0));
                expect_name = object;
            }
            b'}' | b']' => {
                path.pop();
            }
            b',' => {
                if let Some(last) = path.last_mut() {
                    if last.0 {
                        expect_name = true;
                    } else {
                        last.2 += 1;
                    }
                }
            }
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if expect_name {
                    let raw = text.get(start..i.min(bytes.len())).unwrap_or_default();
                    let name = crate::json::parse_value(&format!("\"{raw}\""))
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default();
                    if let Some(last) = path.last_mut() {
                        last.1 = name;
                    }
                    name_line = line;
                    expect_name = false;
                } else {
                    value_at(&path, name_line.min(line));
                }
            }
            b' ' | b'\t' | b'\r' | b':' => {}
            _ => {
                // A number, `true`, `false` or `null`.
                value_at(&path, name_line.min(line));
                while i + 1 < bytes.len() && !b",}] \t\r\n".contains(&bytes[i + 1]) {
                    i += 1;
                }
            }
        }
        if !path.last().is_some_and(|p| p.0) {
            name_line = line;
        }
        i += 1;
    }
    found
}

/// A pseudonym as a token (`t~…`, `p~…`), or as the `JSON` encoding writes it without the
/// original (`{"hash":…}`, with `domain` and `reversible` when there are).
fn is_pseudonym(s: &str) -> bool {
    if s.starts_with("t~") || s.starts_with("p~") {
        return true;
    }
    if !s.starts_with("{\"") {
        return false;
    }
    match crate::json::parse_value(s) {
        Ok(Value::Object(m)) => {
            m.get("hash").is_some_and(|h| h.as_str().is_some())
                && m.keys()
                    .all(|k| matches!(k, "domain" | "hash" | "reversible"))
        }
        _ => false,
    }
}

/// The strings and numbers of `v`, values only.
fn scalars_in<'v, 'a>(v: &'v Value<'a>, out: &mut Vec<&'v Value<'a>>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| scalars_in(i, out)),
        Value::Object(m) => m.values().for_each(|i| scalars_in(i, out)),
        Value::Null | Value::Bool(_) => {}
        _ => out.push(v),
    }
}

/// A rendering of a value for a change line: scalars as compact JSON, whole (leaked values are
/// withheld from it before [`shorten`] cuts it), containers by their size.
pub fn summarize(v: &Value) -> String {
    match v {
        Value::Object(m) => format!("{{…{}}}", count(m.len(), "member")),
        Value::Array(a) => format!("[…{}]", count(a.len(), "element")),
        _ => crate::json::to_compact_string(v),
    }
}

/// Characters of a value shown in a change line before it is cut.
const SHOWN_CHARS: usize = 80;

/// `text` cut to 80 characters (`SHOWN_CHARS`), saying how long it was.
pub fn shorten(text: &str) -> String {
    let len = text.chars().count();
    if len > SHOWN_CHARS {
        let cut: String = text.chars().take(SHOWN_CHARS).collect();
        format!("{cut}… ({len} characters)")
    } else {
        text.to_owned()
    }
}

impl Change {
    /// The change with `f` applied to every value it shows (not to its pointer).
    #[must_use]
    pub fn map_values(mut self, f: impl Fn(&mut String)) -> Change {
        match &mut self.kind {
            ChangeKind::Changed { expected, actual } => {
                f(expected);
                f(actual);
            }
            ChangeKind::Missing { expected } => f(expected),
            ChangeKind::Added { actual } => f(actual),
            ChangeKind::Reordered { expected, actual } => {
                expected.iter_mut().for_each(&f);
                actual.iter_mut().for_each(&f);
            }
        }
        self
    }
}

/// `c` with every value in it cut by [`shorten`]; after withholding leaks, so that a cut does
/// not leave a part of a leaked value that no longer reads as one.
pub fn shorten_change(c: Change) -> Change {
    c.map_values(|s| *s = shorten(s))
}

/// Renders changes one per line, at most `limit` of them, then how many more there are.
pub fn render_changes(changes: &[Change], limit: usize) -> String {
    let mut out = String::new();
    // Pointers and member names come from files: a line break in one would start a line of
    // its own (values are written as JSON, escaped).
    for c in changes.iter().take(limit) {
        let at = shown(&c.pointer);
        let at = crate::diag::printable(at);
        let _ = match &c.kind {
            ChangeKind::Changed { expected, actual } => {
                writeln!(out, "  {at}: expected {expected}, got {actual}")
            }
            ChangeKind::Missing { expected } => {
                writeln!(out, "  {at}: missing (expected {expected})")
            }
            ChangeKind::Added { actual } => {
                writeln!(out, "  {at}: unexpected {actual}")
            }
            ChangeKind::Reordered { expected, actual } => writeln!(
                out,
                "  {at}: members in a different order (expected {}, got {})",
                shorten_list(expected),
                shorten_list(actual)
            ),
        };
    }
    if changes.len() > limit {
        let _ = writeln!(out, "  … and {} more", changes.len() - limit);
    }
    out
}

fn shorten_list(keys: &[String]) -> String {
    const MAX: usize = 6;
    let shown: Vec<Cow<'_, str>> = keys
        .iter()
        .take(MAX)
        .map(|k| crate::diag::printable(k))
        .collect();
    if keys.len() > MAX {
        format!("{}, … {} more", shown.join(", "), keys.len() - MAX)
    } else {
        shown.join(", ")
    }
}

/// A unified diff of two texts, with file headers and three lines of context.
pub fn unified_diff(
    expected: &str,
    actual: &str,
    expected_name: &str,
    actual_name: &str,
) -> String {
    similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .context_radius(3)
        .header(expected_name, actual_name)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_are_found_at_their_lines() {
        let text = "{\n  \"users\":[\n    {\n      \"id\":\"x,}]\\\"\",\n      \"e/m\":\"a@b\"\n    },\n    \
                    {\n      \"email\":\"c@d\"\n    }\n  ],\n  \"n\":5,\n  \"o\":{\"p\":[true,null]}\n}\n";
        let pointers = [
            "/users/1/email",
            "/users/0",
            "/users/0/e~1m",
            "/users/0/id",
            "/n",
            "/o/p/1",
            "",
            "/users/2",
            "/users/0/email",
            "/x",
        ];
        let lines = pointer_lines(text, pointers);
        let found: Vec<Option<u32>> = pointers.iter().map(|p| lines.get(p).copied()).collect();
        assert_eq!(
            found,
            [
                Some(8),
                Some(3),
                Some(5),
                Some(4),
                Some(11),
                Some(12),
                Some(1),
                None,
                None,
                None
            ]
        );
        assert_eq!(pointer_lines("[1,\n2]", ["/1"]).get("/1"), Some(&2));
    }

    #[test]
    fn strings_where_the_committed_file_has_no_value_or_a_pseudonym_are_unprotected() {
        let expected =
            crate::json::parse_value(r#"{"a":"t~x","b":null,"c":"plain","d":[1],"e":"p~y"}"#)
                .expect("parses");
        let actual = crate::json::parse_value(
            r#"{"a":"Ann Lee","b":"Bo Ray","c":"other","d":[1,"Cy Orr"],"e":"p~z","f":{"g":["Di Fox","ab"],"h":"t~Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8L9z0X1c@acme.com"}}"#,
        )
        .expect("parses");
        // Pseudonyms are shown, in a new object too.
        assert_eq!(
            unprotected_strings(&expected, &actual),
            ["Ann Lee", "Bo Ray", "Cy Orr", "Di Fox"]
        );
    }

    #[test]
    fn text_where_the_committed_file_has_a_digest_of_it_is_unprotected() {
        let expected = crate::json::parse_value(
            r#"{"a":{"length":23,"word_count":4},"b":{"length":1,"word_count":1,"x":2}}"#,
        )
        .expect("parses");
        let actual = crate::json::parse_value(r#"{"a":"Ana walked the team","b":"Bo Ray said"}"#)
            .expect("parses");
        // `b` was an object of another kind: a text in its place is not shown either.
        assert_eq!(
            unprotected_strings(&expected, &actual),
            ["Ana walked the team", "Bo Ray said"]
        );
        let expected =
            crate::json::parse_value(r#"{"b":{"length":1,"word_count":1,"x":"Bo Ray said"}}"#)
                .expect("parses");
        let actual = crate::json::parse_value(r#"{"b":"Bo Ray said"}"#).expect("parses");
        assert!(unprotected_strings(&expected, &actual).is_empty());
    }

    #[test]
    fn pseudonyms_of_the_json_encoding_are_shown_unless_they_hold_the_original() {
        let expected =
            crate::json::parse_value(r#"{"a":"p~x","b":"t~y","c":"t~z"}"#).expect("parses");
        let actual = crate::json::parse_value(
            r#"{"a":"{\"hash\":\"h1\",\"reversible\":\"p~x\"}","b":"{\"domain\":\"acme.com\",\"hash\":\"h2\"}","c":"{\"hash\":\"h3\",\"original\":\"Ann Lee\"}"}"#,
        )
        .expect("parses");
        assert_eq!(
            unprotected_strings(&expected, &actual),
            [r#"{"hash":"h3","original":"Ann Lee"}"#]
        );
    }

    #[test]
    fn numbers_where_the_committed_file_has_no_value_or_a_pseudonym_are_unprotected() {
        let expected = crate::json::parse_value(
            r#"{"pmi":"t~x","b":null,"c":5830016624,"d":[1],"e":"p~y","n":12}"#,
        )
        .expect("parses");
        let actual = crate::json::parse_value(
            r#"{"pmi":8162934057,"b":-2.5E10,"c":7423019586,"d":[1,6019348271],"e":"Eve","n":12,"f":{"g":[123,1234]}}"#,
        )
        .expect("parses");
        assert_eq!(
            unprotected_numbers(&expected, &actual),
            ["-2.5E10", "1234", "6019348271", "8162934057"]
        );
    }

    #[test]
    fn text_that_is_not_json_shows_only_what_the_output_shows() {
        let actual = crate::json::parse_value(r#"{"id":"a\"b","n":1}"#).expect("parses");
        let text = "{\"id\": \"a\\\"b\", \"x\": \"Jo \\\" Doe\", n: +1 555 010 2233,\n\"open";
        assert_eq!(
            withhold_unparsed(text, &actual),
            "{\"id\": \"a\\\"b\", \"‹withheld›\": \"‹withheld›\", n:‹withheld›,\n\"‹withheld›\""
        );
    }

    #[test]
    fn text_that_is_not_json_shows_its_pseudonyms() {
        let actual = crate::json::parse_value(r#"{"id":"Ann"}"#).expect("parses");
        assert_eq!(
            withhold_unparsed("<<<\n{\"id\": \"t~abc\", \"e\": \"Jo Doe\"}", &actual),
            "<<<\n{\"id\": \"t~abc\", \"‹withheld›\": \"‹withheld›\"}"
        );
    }

    #[test]
    fn output_values_a_committed_text_does_not_hold_are_unprotected() {
        let text =
            "<<<<<<< HEAD\n{\"users\":[{\"login\":\"t~IAUE\",\"id\":123456,\"s\":\"active\"}";
        let actual = crate::json::parse_value(
            r#"{"users":[{"login":"octocat","id":123456,"pmi":8162934057,"s":"active","t":"t~new"}]}"#,
        )
        .expect("parses");
        let (strings, numbers) = unprotected_in_text(text, &actual);
        assert_eq!(strings, ["octocat"]);
        assert_eq!(numbers, ["8162934057"]);
    }

    #[test]
    fn output_values_in_a_value_of_another_shape_are_unprotected_unless_committed() {
        let expected = crate::json::parse_value(r#"["t~IAUE",123456,"active"]"#).expect("parses");
        let actual = crate::json::parse_value(
            r#"{"users":[{"login":"octocat","id":123456,"pmi":8162934057,"s":"active"}]}"#,
        )
        .expect("parses");
        assert_eq!(unprotected_strings(&expected, &actual), ["octocat"]);
        assert_eq!(unprotected_numbers(&expected, &actual), ["8162934057"]);
        // An object where a text was, inside a document of the same shape.
        let expected = crate::json::parse_value(r#"{"a":"Ann Lee"}"#).expect("parses");
        let actual = crate::json::parse_value(r#"{"a":{"n":"Ann Lee","e":"ann@acme.com"}}"#)
            .expect("parses");
        assert_eq!(unprotected_strings(&expected, &actual), ["ann@acme.com"]);
        // A text where an object was.
        let expected = crate::json::parse_value(r#"{"a":{"n":"Ann Lee"}}"#).expect("parses");
        let actual = crate::json::parse_value(r#"{"a":"Bob Ray"}"#).expect("parses");
        assert_eq!(unprotected_strings(&expected, &actual), ["Bob Ray"]);
    }

    #[test]
    fn containers_are_summarized_by_their_size() {
        assert_eq!(summarize(&v(&json!([1]))), "[…1 element]");
        assert_eq!(summarize(&v(&json!([1, 2]))), "[…2 elements]");
        assert_eq!(summarize(&v(&json!({}))), "{…0 members}");
        assert_eq!(summarize(&v(&json!({"a": 1}))), "{…1 member}");
    }
    use serde_json::json;

    fn v(j: &serde_json::Value) -> Value<'static> {
        Value::from(j)
    }

    #[test]
    fn changed_scalar_is_reported_at_its_pointer() {
        let c = structural_diff(
            &v(&json!({"users":[{"email":"t~a"}]})),
            &v(&json!({"users":[{"email":"t~b"}]})),
        );
        assert_eq!(
            c,
            [Change {
                pointer: "/users/0/email".into(),
                kind: ChangeKind::Changed {
                    expected: "\"t~a\"".into(),
                    actual: "\"t~b\"".into()
                }
            }]
        );
    }

    #[test]
    fn missing_and_added_members_are_reported() {
        let c = structural_diff(&v(&json!({"a":1,"b":2})), &v(&json!({"a":1,"c":3})));
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].pointer, "/b");
        assert!(matches!(c[0].kind, ChangeKind::Missing { .. }));
        assert_eq!(c[1].pointer, "/c");
        assert!(matches!(c[1].kind, ChangeKind::Added { .. }));
    }

    #[test]
    fn member_order_matters() {
        let c = structural_diff(&v(&json!({"a":1,"b":2})), &v(&json!({"b":2,"a":1})));
        assert!(matches!(c[0].kind, ChangeKind::Reordered { .. }));
    }

    #[test]
    fn integer_and_double_differ() {
        let c = structural_diff(&Value::Int(1), &Value::Double(1.0));
        assert_eq!(c.len(), 1);
        // The whole document is the empty pointer (RFC 6901), and says so to people.
        assert_eq!(c[0].pointer, "");
        assert!(render_changes(&c, 10).starts_with("  (the whole document): expected 1, got"));
    }

    #[test]
    fn pointer_tokens_are_escaped() {
        let c = structural_diff(&v(&json!({"a/b~":1})), &v(&json!({"a/b~":2})));
        assert_eq!(c[0].pointer, "/a~1b~0");
    }

    #[test]
    fn rendering_shortens_long_lists() {
        let e = v(&json!([1, 2, 3, 4, 5]));
        let a = v(&json!([9, 9, 9, 9, 9]));
        let text = render_changes(&structural_diff(&e, &a), 2);
        assert_eq!(
            text,
            "  /0: expected 1, got 9\n  /1: expected 2, got 9\n  … and 3 more\n"
        );
    }

    #[test]
    fn unified_diff_has_headers_and_hunks() {
        let d = unified_diff("a\nb\n", "a\nc\n", "expected", "actual");
        assert!(d.starts_with("--- expected\n+++ actual\n"), "{d}");
        assert!(d.contains("-b\n+c\n"), "{d}");
    }
}
