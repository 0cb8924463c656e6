//! The leak check: personal data in a sanitized output. Email addresses and phone numbers are
//! found by their shape; other values by being an original string that a transform protects in
//! some case of the set. A leak records where it is, never what it is, except for masking.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use regex::Regex;
use unicode_normalization::UnicodeNormalization as _;
use unicode_normalization::char::canonical_combining_class;

use super::diff::push_token;
use crate::diag::{Location, shows_nothing};
use crate::endpoint::percent_decode_lossy;
use crate::json::{Value, java_number_string};

/// Protected values shorter than this (in characters) are not searched: they match by chance.
pub const MIN_PROTECTED_CHARS: usize = 4;

/// What kind of personal data leaked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LeakKind {
    Email,
    /// The local part of an email address in clear before a pseudonym (`jo.doe@t~…`): what a
    /// regex whose group 1 covers only the domain leaves.
    LocalPart,
    Phone,
    /// An original value that a transform protects in some case of the set.
    Protected,
}

/// The transform path that protects a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRef {
    /// Where the JSONPath is written in the rules.
    pub location: Location,
    /// The transform kind, e.g. `pseudonymize`.
    pub kind: &'static str,
    /// The JSONPath as written.
    pub path: String,
}

impl fmt::Display for RuleRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} `{}` at {}", self.kind, self.path, self.location)
    }
}

/// Personal data found in an output.
#[derive(Clone, PartialEq, Eq)]
pub struct Leak {
    pub kind: LeakKind,
    /// JSON Pointer of the string (or of the member, when the data is in its name), with leaked
    /// values in member names withheld.
    pub pointer: String,
    /// The pointer as it is, for matching `allowedLeaks`; never printed.
    raw_pointer: String,
    /// The data is in a member name rather than in a value.
    pub in_key: bool,
    /// The rule that protects the value elsewhere, when one does.
    pub rule: Option<RuleRef>,
    /// The rule whose `includeOriginal` wrote the value into the output, when that is how it
    /// got there (inside the `original` member of a pseudonym, §2.2).
    pub kept: Option<RuleRef>,
    /// The leaked text, kept only to mask it in diffs; never printed.
    value: String,
}

impl Leak {
    /// `value`, found at `pointer` (in a member name with `in_key`).
    fn found(
        kind: LeakKind,
        pointer: &str,
        in_key: bool,
        rule: Option<RuleRef>,
        value: &str,
    ) -> Leak {
        Leak {
            kind,
            pointer: pointer.to_owned(),
            raw_pointer: pointer.to_owned(),
            in_key,
            rule,
            kept: None,
            value: value.to_owned(),
        }
    }

    /// The leaked text, for masking it in what is printed.
    pub(crate) fn value(&self) -> &str {
        &self.value
    }

    /// The pointer with nothing withheld, for matching `allowedLeaks` entries.
    pub(crate) fn raw_pointer(&self) -> &str {
        &self.raw_pointer
    }
}

impl fmt::Debug for Leak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Leak")
            .field("kind", &self.kind)
            .field("pointer", &self.pointer)
            .field("in_key", &self.in_key)
            .field("rule", &self.rule)
            .field("kept", &self.kept)
            .finish_non_exhaustive()
    }
}

/// A rule that protects a value, with the index of its endpoint in the rules.
type Protection = (usize, RuleRef);

/// The original values that transforms protect, each with the first rule of each endpoint
/// that protects it. They are searched for as written and also ignoring case and runs of white
/// space, so `ALICE SMITH` and `Alice  Smith` count as `Alice Smith`.
#[derive(Debug, Default)]
pub struct Protected {
    /// Each value with the order it was added in and its rules, in the order they were added;
    /// never empty.
    values: BTreeMap<String, (usize, Vec<Protection>)>,
}

impl Protected {
    /// Records `value` as protected by `rule`, of the endpoint of index `endpoint`, unless a
    /// rule of that endpoint protects it already; short values are ignored (they match by
    /// chance), counted as they are searched for, folded.
    pub fn add(&mut self, value: &str, endpoint: usize, rule: impl FnOnce() -> RuleRef) {
        if let Some((_, rules)) = self.values.get_mut(value) {
            if !rules.iter().any(|(e, _)| *e == endpoint) {
                rules.push((endpoint, rule()));
            }
            return;
        }
        if Folded::new(value.trim()).text.chars().count() < MIN_PROTECTED_CHARS {
            return;
        }
        let rule = rule();
        for variant in phone_variants(value) {
            if !self.values.contains_key(&variant) {
                let order = self.values.len();
                self.values
                    .insert(variant, (order, vec![(endpoint, rule.clone())]));
            }
        }
        let order = self.values.len();
        self.values
            .insert(value.to_owned(), (order, vec![(endpoint, rule)]));
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The values in their folded form, longest first, so a long match hides the shorter
    /// values inside it; each with the originals that fold to it.
    fn by_length(&self) -> Vec<Candidate<'_>> {
        let mut groups: BTreeMap<String, Vec<(usize, Original<'_>)>> = BTreeMap::new();
        for (k, (order, r)) in &self.values {
            groups
                .entry(Folded::new(k.trim()).text)
                .or_default()
                .push((*order, (k.as_str(), r)));
        }
        let groups = groups.into_iter().map(|(folded, mut originals)| {
            originals.sort_by_key(|(order, _)| *order);
            let originals = originals.into_iter().map(|(_, o)| o).collect();
            (folded, originals)
        });
        let mut v: Vec<Candidate<'_>> = groups
            .map(|(folded, originals)| Candidate { folded, originals })
            .collect();
        v.sort_by_key(|c| std::cmp::Reverse(c.folded.len()));
        v
    }
}

/// The other ways of writing an international phone number written with its country code
/// apart (`+34 612 345 678`): with `00` for the `+` (`0034 612 345 678`), and without the
/// country code, as it is dialled at home (`612 345 678`, seven digits or more).
fn phone_variants(value: &str) -> Vec<String> {
    let Some(rest) = value.trim().strip_prefix('+') else {
        return Vec::new();
    };
    let Some(cut) = rest.find([' ', '-', '.']) else {
        return Vec::new();
    };
    let (code, number) = (&rest[..cut], &rest[cut + 1..]);
    let digits = number.bytes().filter(u8::is_ascii_digit).count();
    let phone_like = number
        .bytes()
        .all(|b| b.is_ascii_digit() || b" -.()".contains(&b));
    if !(1..=3).contains(&code.len())
        || !code.bytes().all(|b| b.is_ascii_digit())
        || !phone_like
        || digits < 7
    {
        return Vec::new();
    }
    vec![format!("00{rest}"), number.trim().to_owned()]
}

/// What the leak check knows of the case whose output it searches: the endpoint that served
/// it, whose rules are cited before those of other endpoints, and the originals that rules
/// with `includeOriginal` write into the output in clear, each with the first rule that
/// selects it.
#[derive(Debug, Default)]
pub struct Served {
    endpoint: Option<usize>,
    kept: BTreeMap<String, RuleRef>,
}

impl Served {
    /// A case served by the endpoint of index `endpoint` in the rules, if one served it.
    pub fn new(endpoint: Option<usize>) -> Served {
        Served {
            endpoint,
            kept: BTreeMap::new(),
        }
    }

    /// Records that `rule`, a rule with `includeOriginal`, selects `value` in the case.
    pub fn keep(&mut self, value: &str, rule: impl FnOnce() -> RuleRef) {
        if !self.kept.contains_key(value) {
            self.kept.insert(value.to_owned(), rule());
        }
    }

    /// When `s` is a pseudonym in the `JSON` encoding whose `original` member is a value kept
    /// in the case: that member's text as written in `s`, and the rule that keeps it.
    fn original_in<'s>(&self, s: &'s str) -> Option<(&'s str, &RuleRef)> {
        const MEMBER: &str = "\"original\":";
        if self.kept.is_empty() || !s.starts_with('{') || !s.contains(MEMBER) {
            return None;
        }
        let doc = crate::json::parse_value(s).ok()?;
        let original = doc.as_object()?.get("original")?.as_str()?;
        let rule = self.kept.get(original)?;
        // Written by the compact writer (§3.7), so found as that writer spells it.
        let quoted = crate::json::to_compact_string(&Value::string(original));
        let start = s.find(&format!("{MEMBER}{quoted}"))? + MEMBER.len() + 1;
        Some((&s[start..start + quoted.len() - 2], rule))
    }
}

/// A protected value as searched for: folded, with the originals that fold to it in the order
/// they were protected.
struct Candidate<'p> {
    folded: String,
    originals: Vec<Original<'p>>,
}

/// A protected value as it was written, with the rules that protect it.
type Original<'p> = (&'p str, &'p [Protection]);

impl Candidate<'_> {
    /// The rule to cite for `found` in an output of `endpoint`: one of that endpoint's own if
    /// any protects the value, else the first that does; in both, that of the original written
    /// exactly as `found` before those of the others, in the order they were protected.
    fn rule(&self, found: &str, endpoint: Option<usize>) -> &RuleRef {
        let exact = self.originals.iter().find(|(o, _)| o.trim() == found);
        let own = exact
            .into_iter()
            .chain(&self.originals)
            .flat_map(|(_, rules)| rules.iter())
            .find(|(e, _)| Some(*e) == endpoint);
        let (_, rule) = own.unwrap_or(&exact.unwrap_or(&self.originals[0]).1[0]);
        rule
    }
}

/// A string lower-cased, with every run of white space made one space and each letter composed
/// with its combining marks, and the place in the original of each of its bytes, to map a
/// match back.
#[derive(Debug, PartialEq)]
struct Folded {
    text: String,
    /// For each byte of `text`, and one past its end, the byte offset in the original.
    origin: Vec<usize>,
}

impl Folded {
    fn new(s: &str) -> Folded {
        if s.is_ascii() {
            Folded::ascii(s)
        } else {
            Folded::chars(s)
        }
    }

    /// [`Folded::new`] character by character.
    fn chars(s: &str) -> Folded {
        let mut text = String::with_capacity(s.len());
        let mut origin = Vec::with_capacity(s.len() + 1);
        let mut chars = s.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c.is_whitespace() {
                while chars.peek().is_some_and(|(_, n)| n.is_whitespace()) {
                    chars.next();
                }
                text.push(' ');
                origin.push(i);
                continue;
            }
            // A letter and the combining marks after it, composed (NFC) as one would type it:
            // `e` and U+0301 are `é`, as text from some keyboards and file systems has them.
            let mut end = i + c.len_utf8();
            while let Some(&(j, mark)) = chars.peek() {
                if canonical_combining_class(mark) == 0 {
                    break;
                }
                end = j + mark.len_utf8();
                chars.next();
            }
            let composed: String = if end == i + c.len_utf8() {
                c.into()
            } else {
                s[i..end].nfc().collect()
            };
            for lower in composed.chars().flat_map(char::to_lowercase) {
                let before = text.len();
                text.push(lower);
                origin.extend(std::iter::repeat_n(i, text.len() - before));
            }
        }
        origin.push(s.len());
        Folded { text, origin }
    }

    /// [`Folded::new`] for ASCII text, most of what a response holds, byte by byte.
    fn ascii(s: &str) -> Folded {
        // The ASCII characters that `char::is_whitespace` names (the vertical tab among them).
        let space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r');
        let bytes = s.as_bytes();
        let mut text = Vec::with_capacity(bytes.len());
        let mut origin = Vec::with_capacity(bytes.len() + 1);
        let mut i = 0;
        while i < bytes.len() {
            origin.push(i);
            if space(bytes[i]) {
                text.push(b' ');
                while i < bytes.len() && space(bytes[i]) {
                    i += 1;
                }
            } else {
                text.push(bytes[i].to_ascii_lowercase());
                i += 1;
            }
        }
        origin.push(bytes.len());
        Folded {
            text: String::from_utf8(text).unwrap_or_default(),
            origin,
        }
    }

    /// The original range of `range` of the folded text: from the character that starts it to
    /// the end of the character that ends it, with the combining marks composed into it.
    fn original(&self, range: Range<usize>, s: &str) -> Range<usize> {
        let start = self.origin[range.start];
        let last = self.origin[range.end - 1];
        let mut end = last + s[last..].chars().next().map_or(0, char::len_utf8);
        if !s.is_ascii() {
            end += s[end..]
                .chars()
                .take_while(|&c| canonical_combining_class(c) != 0)
                .map(char::len_utf8)
                .sum::<usize>();
        }
        start..end
    }
}

/// The protected values as searched for: longest first, with one automaton finding all of
/// them in a string at once, and an index of their folded forms for whole numbers.
struct Candidates<'p> {
    values: Vec<Candidate<'p>>,
    search: Option<AhoCorasick>,
    by_text: HashMap<String, usize>,
    /// The endpoint that served the output searched, whose rules are cited first.
    endpoint: Option<usize>,
}

impl<'p> Candidates<'p> {
    fn new(protected: &'p Protected, endpoint: Option<usize>) -> Candidates<'p> {
        let values = protected.by_length();
        // Building fails only past the automaton's size limits; the leak check then falls
        // back to nothing found by value, the detectors of emails and phone numbers still run.
        let search = (!values.is_empty())
            .then(|| {
                // A contiguous NFA builds in a fraction of a DFA's time and searches nearly
                // as fast; the automaton is built for every output checked.
                AhoCorasick::builder()
                    .kind(Some(AhoCorasickKind::ContiguousNFA))
                    .build(values.iter().map(|c| c.folded.as_str()))
                    .ok()
            })
            .flatten();
        let by_text = values
            .iter()
            .enumerate()
            .map(|(i, c)| (c.folded.clone(), i))
            .collect();
        Candidates {
            values,
            search,
            by_text,
            endpoint,
        }
    }

    /// Every place of `text` where a value occurs, in the order of the values (longest
    /// first), then of their places.
    fn occurrences(&self, text: &str) -> Vec<(usize, Range<usize>)> {
        let Some(search) = &self.search else {
            return Vec::new();
        };
        let mut found: Vec<(usize, Range<usize>)> = search
            .find_overlapping_iter(text)
            .map(|m| (m.pattern().as_usize(), m.range()))
            .collect();
        found.sort_by_key(|(value, range)| (*value, range.start));
        found
    }
}

/// Every leak in `doc`, an output of the case `served` tells of, in document order.
pub fn find_leaks(doc: &Value<'_>, protected: &Protected, served: &Served) -> Vec<Leak> {
    let values = Candidates::new(protected, served.endpoint);
    let mut leaks = Vec::new();
    let mut pointer = String::new();
    walk(doc, &mut pointer, &values, served, &mut leaks);
    // A leaked value in a member name would otherwise be printed in the pointers.
    if leaks.iter().any(|l| l.in_key) {
        let masked: Vec<String> = leaks.iter().map(|l| mask(&l.raw_pointer, &leaks)).collect();
        for (l, m) in leaks.iter_mut().zip(masked) {
            l.pointer = m;
        }
    }
    leaks
}

fn walk(
    v: &Value<'_>,
    pointer: &mut String,
    values: &Candidates<'_>,
    served: &Served,
    out: &mut Vec<Leak>,
) {
    match v {
        Value::String(s) => {
            let before = out.len();
            scan(s, pointer, false, values, out);
            if out.len() > before {
                mark_kept(s, served, values, &mut out[before..]);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                push_token(pointer, &i.to_string());
                walk(item, pointer, values, served, out);
                pointer.truncate(len);
            }
        }
        Value::Object(map) => {
            for (k, item) in map.iter() {
                let len = pointer.len();
                push_token(pointer, k);
                scan(k, pointer, true, values, out);
                walk(item, pointer, values, served, out);
                pointer.truncate(len);
            }
        }
        // A number leaks only as a whole protected value (a personal meeting id kept as a
        // meeting's `id`): digits inside other numbers are chance.
        Value::Int(_) | Value::BigInt(_) | Value::Double(_) | Value::Decimal(_) => {
            if let Some(text) = java_number_string(v)
                && let folded = Folded::new(&text).text
                && let Some(&i) = values.by_text.get(&folded)
                && let candidate = &values.values[i]
            {
                out.push(Leak {
                    kind: LeakKind::Protected,
                    pointer: pointer.clone(),
                    raw_pointer: pointer.clone(),
                    in_key: false,
                    rule: Some(candidate.rule(&text, values.endpoint).clone()),
                    kept: None,
                    value: text.into_owned(),
                });
            }
        }
        _ => {}
    }
}

/// Marks the `leaks` of the string `s` that the `original` member of a pseudonym holds, when a
/// rule with `includeOriginal` kept that original: the rule wrote them, no transform is missing.
fn mark_kept(s: &str, served: &Served, values: &Candidates<'_>, leaks: &mut [Leak]) {
    let Some((original, rule)) = served.original_in(s) else {
        return;
    };
    // The leaks the original has on its own. One found only once decoded stands for the whole
    // string it is in.
    let mut own = Vec::new();
    scan(original, "", false, values, &mut own);
    for leak in leaks {
        let whole = leak.value == s;
        if own.iter().any(|o| {
            o.kind == leak.kind && (o.value == leak.value || (whole && o.value == original))
        }) {
            leak.kept = Some(rule.clone());
        }
    }
}

/// Pseudonym tokens: `t~` or `p~` and base64url text, not inside a longer word, with the
/// `@domain` that an email pseudonym keeps by design.
static TOKEN: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"[tp]~[A-Za-z0-9_-]+(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)?").ok()
});

/// A local part before `@` and a pseudonym (`jo.doe@t~…`, `jo.doe@p~…`): the pseudonymizer
/// writes a pseudonym's domain after it, never a local part before it.
static LOCAL_BEFORE_PSEUDONYM: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"(?:"(?:[^"\\\r\n]|\\.)+"|[A-Za-z0-9._%+-]+)@[tp]~[A-Za-z0-9_-]+"#).ok()
});

/// Email addresses, with a quoted local part too (`"a b"@x.example`, which the pseudonymizer
/// reads as an address), and with letters and digits of any script (`ünï@example.com`,
/// `frank@例え.jp`: addresses of RFC 6531, personal data though the pseudonymizer does not read
/// them as addresses); the local part may start with a pseudonym prefix, which is checked
/// after.
static EMAIL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"(?:"(?:[^"\\\r\n]|\\.)+"|[\p{L}\p{M}\p{N}._%+~-]+)@[\p{L}\p{M}\p{N}-]+(?:\.[\p{L}\p{M}\p{N}-]+)*\.\p{L}{2,}"#,
    )
    .ok()
});

/// International numbers: `+`, then digits with optional separators; no country code starts
/// with `0`.
static PHONE_INTL: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\+[1-9][0-9 ().-]{6,20}[0-9]").ok());

/// North American formatted numbers: `(555) 123-4567`, `555-123-4567`, `555.123.4567`.
static PHONE_NANP: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:\([0-9]{3}\) ?|[0-9]{3}[ .-])[0-9]{3}[ .-][0-9]{4}").ok());

/// Numbers as they are dialled without `+`: an international `00` prefix and the digits that
/// `+` would take (`0034 612 345 678`, `0034612345678`), or a national trunk `0` and groups
/// apart by spaces, dots or dashes (`06 12 34 56 78`, `020 7946 0958`, `030 12345678`).
/// Checked by [`dialled_phones`].
static PHONE_DIALLED: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"00[1-9][0-9]*(?:[ .-][0-9]+)*|0[1-9][0-9]{0,4}(?:[ .-][0-9]{2,8})+").ok()
});

/// The numbers of [`PHONE_DIALLED`] in `s` that are phone numbers: each a token of its own
/// (not part of a word, nor of a longer token of groups such as a UUID or a version), one kind
/// of separator between its groups, and as many digits as a phone number has (after `00`, 8 to
/// 15, as after `+`, and at least 10 when written as one run, which a zero-padded id may be;
/// with a trunk `0`, 9 to 15 in all). A run of digits alone is one only after `00`: ids are
/// such runs (`/v2/meetings/91022334455`). Dates (`05-05-2023`), dotted IP addresses and ZIP+4
/// codes (`02139-4307`) have the shape of groups, and are not phone numbers.
fn dialled_phones(s: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    matches(&PHONE_DIALLED, s)
        .into_iter()
        .filter(move |m| {
            let number = m.as_str();
            let groups: Vec<&str> = number
                .split(|c: char| !c.is_ascii_digit())
                .filter(|g| !g.is_empty())
                .collect();
            let digits: usize = groups.iter().map(|g| g.len()).sum();
            let mut separators = number.bytes().filter(|b| !b.is_ascii_digit());
            let separator = separators.next();
            let one_kind = separator.is_none_or(|first| separators.all(|b| b == first));
            let enough = if number.starts_with("00") {
                let least = if groups.len() == 1 { 12 } else { 10 };
                (least..=17).contains(&digits)
            } else {
                (9..=15).contains(&digits)
            };
            let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
            let zip_plus_4 = separator == Some(b'-') && lengths == [5, 4];
            let ip =
                separator == Some(b'.') && lengths.len() == 4 && lengths.iter().all(|&l| l <= 3);
            let date = lengths.len() >= 3
                && lengths[..3] == [2, 2, 4]
                && groups[1] <= "12"
                && (groups[2].starts_with("19") || groups[2].starts_with("20"));
            // A group of a longer token: `…-0412-4387-…` in a UUID, `1.0412.…`.
            let joined = |c: char| c.is_alphanumeric();
            let in_token = |next: Option<char>, after: Option<char>| {
                matches!(next, Some('-' | '.' | '_')) && after.is_some_and(joined)
            };
            let mut before = s[..m.start()].chars().rev();
            let mut after = s[m.end()..].chars();
            one_kind
                && enough
                && !zip_plus_4
                && !ip
                && !date
                && !preceded_by(s, m.start(), |c| c.is_alphanumeric() || c == '+')
                && !followed_by(s, m.end(), char::is_alphanumeric)
                && !in_token(before.next(), before.next())
                && !in_token(after.next(), after.next())
        })
        .map(|m| m.range())
}

fn matches<'s>(re: &LazyLock<Option<Regex>>, s: &'s str) -> Vec<regex::Match<'s>> {
    re.as_ref()
        .map(|re| re.find_iter(s).collect())
        .unwrap_or_default()
}

/// Finds the leaks in one string, and in its percent-decoded form when that differs (an
/// email in a URL, `alice%40acme.com`); a leak found only decoded withholds the whole string.
fn scan(s: &str, pointer: &str, in_key: bool, values: &Candidates<'_>, out: &mut Vec<Leak>) {
    let before = out.len();
    scan_text(s, pointer, in_key, values, out);
    scan_as_read(s, pointer, in_key, values, out, before);
    for decoded in url_decodings(s) {
        let mut hidden = Vec::new();
        scan_text(&decoded, pointer, in_key, values, &mut hidden);
        // Decoded, a value may still be written in full-width forms (`%EF%BC%A0` is `＠`).
        if let Some((read, _)) = as_read(&decoded) {
            scan_text(&read, pointer, in_key, values, &mut hidden);
        }
        for leak in hidden {
            // Found as it is already, whole or in part (`+1 415-555-0100` read as a form):
            // nothing to add.
            let known = out[before..].iter().any(|l| {
                l.kind == leak.kind
                    && (l.value.contains(&leak.value) || leak.value.contains(&l.value))
            });
            if !known {
                out.push(Leak {
                    value: s.to_owned(),
                    ..leak
                });
            }
        }
    }
}

/// The ways text may be hidden in `s`: percent-decoded (up to four times over, as ids encoded
/// in a path and then in a query are), in a query with `+` read as a space first (form
/// encoding), and with the escapes of HTML (`&#64;`, `&#x40;`, `&commat;`) and of source code
/// (`\u0040`, `\x40`) read, before and after percent-decoding. Only forms that differ from
/// `s`; an escape that is not UTF-8 reads as U+FFFD, so that it cannot hide the rest of the
/// value.
fn url_decodings(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if !s.contains(['%', '+', '&', '\\']) {
        return out;
    }
    let mut starts = vec![s.to_owned()];
    // `+` is a space only in a query (`?q=Alice+Smith`), not in `alice+tag@x.com`.
    if s.contains('+') && s.contains(['?', '&', '=']) {
        starts.push(s.replace('+', " "));
    }
    for mut text in starts {
        for _ in 0..4 {
            let unescaped = unescape(&text);
            let decoded = percent_decode_lossy(&unescaped);
            if decoded == text {
                break;
            }
            text = decoded.into_owned();
        }
        if text != s && !out.contains(&text) {
            out.push(text);
        }
    }
    out
}

/// `s` with the character references of HTML (`&#64;`, `&#x40;`, and `&commat;`, `&period;`,
/// `&plus;`, `&amp;`) and the escapes `\uXXXX` and `\xXX` of source code read as the
/// characters they stand for; an escape of no character is kept as it is.
fn unescape(s: &str) -> std::borrow::Cow<'_, str> {
    const NAMED: [(&str, char); 4] = [
        ("commat;", '@'),
        ("period;", '.'),
        ("plus;", '+'),
        ("amp;", '&'),
    ];
    if !s.contains(['&', '\\']) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find(['&', '\\']) {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        let (read, used) = if rest[at..].starts_with('&') {
            if let Some(number) = tail.strip_prefix('#') {
                let (hex, digits) = match number.strip_prefix(['x', 'X']) {
                    Some(hex) => (true, hex),
                    None => (false, number),
                };
                let len = digits
                    .find(|c: char| !c.is_ascii_hexdigit() || (!hex && !c.is_ascii_digit()))
                    .unwrap_or(digits.len());
                let code = u32::from_str_radix(&digits[..len], if hex { 16 } else { 10 }).ok();
                let ends = digits[len..].starts_with(';');
                match code.and_then(char::from_u32) {
                    Some(c) if len > 0 && len <= 8 => {
                        let used = 1 + usize::from(hex) + len + usize::from(ends);
                        (Some(c), used)
                    }
                    _ => (None, 0),
                }
            } else {
                NAMED
                    .iter()
                    .find(|(name, _)| {
                        tail.get(..name.len())
                            .is_some_and(|t| t.eq_ignore_ascii_case(name))
                    })
                    .map_or((None, 0), |&(name, c)| (Some(c), name.len()))
            }
        } else {
            let (digits, width) = match tail.as_bytes().first() {
                Some(b'u') => (4, 1),
                Some(b'x') => (2, 1),
                _ => (0, 0),
            };
            let hex = tail
                .get(width..width + digits)
                .filter(|h| digits > 0 && h.bytes().all(|b| b.is_ascii_hexdigit()));
            match hex
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32)
            {
                Some(c) => (Some(c), width + digits),
                None => (None, 0),
            }
        };
        if let Some(c) = read {
            out.push(c);
            rest = &tail[used..];
        } else {
            // The `&` or `\` itself, one byte.
            out.push_str(&rest[at..=at]);
            rest = tail;
        }
    }
    out.push_str(rest);
    out.into()
}

/// `s` as it reads: without the characters that show nothing, and with full-width forms
/// (`＠`, `ｊａｎｅ`) and the small commercial at as the ASCII they stand for; with the
/// original range of each of its characters. `None` when that is `s` itself.
fn as_read(s: &str) -> Option<(String, Vec<Range<usize>>)> {
    let plain = |c: char| match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0),
        '\u{FE6B}' => Some('@'),
        '\u{3000}' => Some(' '),
        _ => None,
    };
    if s.is_ascii() || !s.chars().any(|c| shows_nothing(c) || plain(c).is_some()) {
        return None;
    }
    let mut text = String::with_capacity(s.len());
    // The original range of each byte of `text`.
    let mut origin = Vec::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        if shows_nothing(c) {
            continue;
        }
        let read = plain(c).unwrap_or(c);
        text.push(read);
        origin.extend(std::iter::repeat_n(i..i + c.len_utf8(), read.len_utf8()));
    }
    Some((text, origin))
}

/// [`scan_text`] on `s` as it reads ([`as_read`]): a leak found there is withheld in `s` from
/// its first character to its last, with the characters between that show nothing, and
/// widens a leak already found in `s` itself (in `out[before..]`) that it contains
/// (`jane\u{200b}.roe@…` found as `.roe@…`).
fn scan_as_read(
    s: &str,
    pointer: &str,
    in_key: bool,
    values: &Candidates<'_>,
    out: &mut Vec<Leak>,
    before: usize,
) {
    let Some((text, origin)) = as_read(s) else {
        return;
    };
    for (kind, range, rule) in find(&text, values) {
        let whole = origin[range.start].start..origin[range.end - 1].end;
        let value = &s[whole];
        if let Some(known) = out[before..]
            .iter_mut()
            .find(|l| value.contains(l.value.as_str()) || l.value.contains(value))
        {
            if value.len() > known.value.len() {
                value.clone_into(&mut known.value);
            }
            continue;
        }
        out.push(Leak::found(kind, pointer, in_key, rule, value));
    }
}

/// Finds the leaks in one string as it is.
fn scan_text(s: &str, pointer: &str, in_key: bool, values: &Candidates<'_>, out: &mut Vec<Leak>) {
    out.extend(
        find(s, values)
            .into_iter()
            .map(|(kind, range, rule)| Leak::found(kind, pointer, in_key, rule, &s[range])),
    );
}

/// The leaks of one string: their kind, place and the rule that protects them, in order.
fn find(s: &str, values: &Candidates<'_>) -> Vec<(LeakKind, Range<usize>, Option<RuleRef>)> {
    let tokens: Vec<Range<usize>> = matches(&TOKEN, s)
        .into_iter()
        .filter(|m| !preceded_by(s, m.start(), char::is_alphanumeric))
        .map(|m| m.range())
        .collect();
    let inside_token =
        |r: &Range<usize>| tokens.iter().any(|t| t.start <= r.start && r.end <= t.end);
    let mut found: Vec<(LeakKind, Range<usize>, Option<RuleRef>)> = Vec::new();
    for m in matches(&EMAIL, s) {
        let local = &s[m.start()..];
        if local.starts_with("t~") || local.starts_with("p~") || scaled_image(m.as_str()) {
            continue;
        }
        found.push((LeakKind::Email, m.range(), None));
    }
    for m in matches(&LOCAL_BEFORE_PSEUDONYM, s) {
        // Not the end of a pseudonym itself (`t~a@t~b` is no local part in clear).
        if !preceded_by(s, m.start(), |c| {
            c.is_alphanumeric() || "._%+-~\"".contains(c)
        }) && !found.iter().any(|(_, r, _)| overlaps(r, &m.range()))
        {
            found.push((LeakKind::LocalPart, m.range(), None));
        }
    }
    for m in matches(&PHONE_INTL, s) {
        let digits = m.as_str().bytes().filter(u8::is_ascii_digit).count();
        if (8..=15).contains(&digits)
            && !preceded_by(s, m.start(), |c| c.is_alphanumeric() || c == '+')
            && !followed_by(s, m.end(), char::is_alphanumeric)
            && !inside_token(&m.range())
        {
            found.push((LeakKind::Phone, m.range(), None));
        }
    }
    for m in matches(&PHONE_NANP, s) {
        let joined_before = |c: char| c.is_alphanumeric() || "+-./:".contains(c);
        // The country code written with the number's own separator: `1-800-555-0199`.
        let country_code = ["1-", "1."].iter().find_map(|code| {
            let before = s[..m.start()].strip_suffix(code)?;
            (!before.ends_with(joined_before)).then(|| m.start() - code.len())
        });
        let start = country_code.unwrap_or(m.start());
        let mut after = s[m.end()..].chars();
        // A full stop ends a sentence; one followed by a letter or digit goes on with the token
        // (`415.555.0132.4`).
        let goes_on = match after.next() {
            Some('.') => after.next().is_some_and(char::is_alphanumeric),
            Some(c) => c.is_alphanumeric() || "-/:".contains(c),
            None => false,
        };
        let range = start..m.end();
        if (country_code.is_some() || !preceded_by(s, m.start(), joined_before))
            && !goes_on
            && !inside_token(&range)
            && !found.iter().any(|(_, r, _)| overlaps(r, &range))
        {
            found.push((LeakKind::Phone, range, None));
        }
    }
    for range in dialled_phones(s) {
        if !inside_token(&range) && !found.iter().any(|(_, r, _)| overlaps(r, &range)) {
            found.push((LeakKind::Phone, range, None));
        }
    }
    let folded = Folded::new(s);
    for (value, place) in values.occurrences(&folded.text) {
        let candidate = &values.values[value];
        let range = folded.original(place, s);
        // Whole words only: `Mark` is not in `Marketing`, `2024` not in `20245`.
        if inside_token(&range) || cuts_a_word(s, &range) {
            continue;
        }
        let rule = candidate.rule(&s[range.clone()], values.endpoint);
        if let Some(existing) = found.iter_mut().find(|(_, r, _)| overlaps(r, &range)) {
            // A detected email or phone number that a rule protects elsewhere, as a whole:
            // name the rule.
            if existing.2.is_none()
                && range.start <= existing.1.start
                && existing.1.end <= range.end
            {
                existing.2 = Some(rule.clone());
            }
            continue;
        }
        found.push((LeakKind::Protected, range, Some(rule.clone())));
    }
    found.sort_by_key(|(_, r, _)| r.start);
    found
}

/// Whether what reads as an email address is the name of an image drawn at a scale
/// (`avatar@2x.png`, `Icon-60@3x.png`, `photo@1.5X.JPG`), as apps name them.
fn scaled_image(address: &str) -> bool {
    const EXTENSIONS: &[&str] = &[
        "png", "jpg", "jpeg", "gif", "webp", "svg", "heic", "heif", "avif", "bmp", "ico", "tif",
        "tiff", "pdf",
    ];
    let Some((_, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let Some((scale, extension)) = domain.split_once("x.").or_else(|| domain.split_once("X."))
    else {
        return false;
    };
    let (whole, fraction) = scale.split_once('.').unwrap_or((scale, "0"));
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    digits(whole)
        && digits(fraction)
        && EXTENSIONS.iter().any(|e| extension.eq_ignore_ascii_case(e))
}

/// Whether `range` of `s` starts or ends inside a word: a letter or digit on both sides of
/// either edge.
fn cuts_a_word(s: &str, range: &Range<usize>) -> bool {
    let inside = &s[range.clone()];
    let first = inside.chars().next().is_some_and(char::is_alphanumeric);
    let last = inside
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric);
    (first && preceded_by(s, range.start, char::is_alphanumeric))
        || (last && followed_by(s, range.end, char::is_alphanumeric))
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

fn preceded_by(s: &str, at: usize, f: impl Fn(char) -> bool) -> bool {
    s[..at].chars().next_back().is_some_and(f)
}

fn followed_by(s: &str, at: usize, f: impl Fn(char) -> bool) -> bool {
    s[at..].chars().next().is_some_and(f)
}

/// What replaces a leaked value in printed diffs.
pub const WITHHELD: &str = "‹withheld›";

/// `text` with every leaked value (raw, and as written in JSON) replaced by [`WITHHELD`].
pub fn mask(text: &str, leaks: &[Leak]) -> String {
    mask_values(text, leaks.iter().map(Leak::value))
}

/// `text` with each of `values` (raw, and as written in JSON) replaced by [`WITHHELD`].
pub fn mask_values<'v>(text: &str, values: impl IntoIterator<Item = &'v str>) -> String {
    ValueMask::new(values).apply(text)
}

/// `text` (JSON, or change lines quoting JSON) with each of `values` withheld where it is a
/// whole string value: its JSON form, quotes included, not followed by `:` (which would make
/// it a member name). Unlike [`mask_values`], a common word among `values` leaves the rest of
/// the text alone.
pub fn mask_string_values<'v>(text: &str, values: impl IntoIterator<Item = &'v str>) -> String {
    StringMask::new(values).apply(text)
}

/// `text` (JSON, or change lines quoting JSON) with each of `numbers` (as compact JSON writes
/// them) withheld where it is a whole number, not a part of a longer one or of a string.
pub fn mask_number_values<'v>(text: &str, numbers: impl IntoIterator<Item = &'v str>) -> String {
    NumberMask::new(numbers).apply(text)
}

/// Values to withhold wherever they occur, raw or as written in JSON, searched all at once: a
/// diff of 30,000 changes with as many leaked values is masked in one pass per text, not one
/// per value.
#[derive(Debug)]
pub struct ValueMask {
    search: Option<AhoCorasick>,
}

impl ValueMask {
    pub fn new<'v>(values: impl IntoIterator<Item = &'v str>) -> Self {
        let mut patterns: Vec<String> = Vec::new();
        for v in values.into_iter().filter(|v| !v.is_empty()) {
            let json = crate::json::to_compact_string(&Value::string(v));
            let escaped = &json[1..json.len() - 1];
            if escaped != v {
                patterns.push(escaped.to_owned());
            }
            patterns.push(v.to_owned());
        }
        ValueMask {
            search: built(patterns, aho_corasick::MatchKind::Standard),
        }
    }

    /// `text` with every stretch that any value covers, overlapping ones merged, replaced by
    /// one [`WITHHELD`].
    pub fn apply(&self, text: &str) -> String {
        let Some(search) = &self.search else {
            return text.to_owned();
        };
        let mut out = String::with_capacity(text.len());
        let mut shown = 0;
        let mut covered: Option<Range<usize>> = None;
        for m in search.find_overlapping_iter(text) {
            match &mut covered {
                Some(c) if m.start() <= c.end => c.end = c.end.max(m.end()),
                _ => {
                    if let Some(c) = covered.replace(m.range()) {
                        out.push_str(&text[shown..c.start]);
                        out.push_str(WITHHELD);
                        shown = c.end;
                    }
                }
            }
        }
        if let Some(c) = covered {
            out.push_str(&text[shown..c.start]);
            out.push_str(WITHHELD);
            shown = c.end;
        }
        out.push_str(&text[shown..]);
        out
    }
}

/// Whole string values to withhold, searched all at once; see [`mask_string_values`].
#[derive(Debug)]
pub struct StringMask {
    search: Option<AhoCorasick>,
}

impl StringMask {
    pub fn new<'v>(values: impl IntoIterator<Item = &'v str>) -> Self {
        let quoted = values
            .into_iter()
            .map(|v| crate::json::to_compact_string(&Value::string(v)))
            .collect();
        StringMask {
            search: built(quoted, aho_corasick::MatchKind::LeftmostLongest),
        }
    }

    pub fn apply(&self, text: &str) -> String {
        let Some(search) = &self.search else {
            return text.to_owned();
        };
        let withheld = crate::json::to_compact_string(&Value::string(WITHHELD));
        let mut out = String::with_capacity(text.len());
        let mut shown = 0;
        for m in search.find_iter(text) {
            // A member name keeps its place.
            if text[m.end()..].starts_with(':') {
                continue;
            }
            out.push_str(&text[shown..m.start()]);
            out.push_str(&withheld);
            shown = m.end();
        }
        out.push_str(&text[shown..]);
        out
    }
}

/// Whole numbers to withhold, looked up by each run of characters a number is made of; see
/// [`mask_number_values`].
#[derive(Debug)]
pub struct NumberMask {
    numbers: HashSet<String>,
}

impl NumberMask {
    pub fn new<'v>(numbers: impl IntoIterator<Item = &'v str>) -> Self {
        NumberMask {
            numbers: numbers
                .into_iter()
                .filter(|n| !n.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    }

    pub fn apply(&self, text: &str) -> String {
        // A number is made of these characters only, so where it is whole it is a whole run
        // of them, which the lookup compares at once.
        let part_of_token =
            |c: char| c.is_alphanumeric() || matches!(c, '.' | '+' | '-' | '_' | '"');
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while !rest.is_empty() {
            let run = rest.find(|c| !part_of_token(c)).unwrap_or(rest.len());
            let (token, after) = rest.split_at(run);
            out.push_str(if self.numbers.contains(token) {
                WITHHELD
            } else {
                token
            });
            let gap = after.find(part_of_token).unwrap_or(after.len());
            out.push_str(&after[..gap]);
            rest = &after[gap..];
        }
        out
    }
}

/// A searcher for `patterns`, each once; none if there are none (or too many for the searcher,
/// which does not happen with values of one case).
fn built(mut patterns: Vec<String>, kind: aho_corasick::MatchKind) -> Option<AhoCorasick> {
    patterns.sort_unstable();
    patterns.dedup();
    if patterns.is_empty() {
        return None;
    }
    AhoCorasick::builder()
        .match_kind(kind)
        .build(&patterns)
        .ok()
}

/// `pointer` with each member name that holds an email address or a phone number withheld: the
/// keys of a document can be personal data (`/byUser/alice@acme.com/email`). So is a member
/// name of words apart by white space (`/managers/Alice Smith`): names of the format have none,
/// while people's names and free text do.
pub fn withhold_personal_names(pointer: &str) -> String {
    let withheld = withhold_personal_parts(pointer, &['/'], false);
    withheld
        .split('/')
        .map(|name| {
            let words = name.contains(char::is_whitespace) && name.contains(char::is_alphabetic);
            if words { WITHHELD } else { name }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// A request URL (or its path and query) with each path segment, parameter name and value
/// that holds an email address or a phone number withheld, as messages show requests.
pub fn withhold_personal_url(url: &str) -> String {
    withhold_personal_parts(url, &['/', '?', '&', ';', '='], true)
}

/// Free text (not JSON) with each run between `separators` that holds an email address or a
/// phone number withheld.
pub fn withhold_personal_text(text: &str, separators: &[char]) -> String {
    withhold_personal_parts(text, separators, false)
}

/// `text` with each part between `separators` that holds an email address or a phone number
/// (as written, or percent-encoded, or with `+` for spaces where `plus_is_space`, as in a
/// form-encoded query) replaced by the withheld mark.
fn withhold_personal_parts(text: &str, separators: &[char], plus_is_space: bool) -> String {
    replace_personal_parts(text, separators, plus_is_space, |_| WITHHELD.into())
}

/// `text` with each part that holds an email address or a phone number, between URL
/// separators, white space or YAML punctuation, blanked with `*`, one per byte: lines of a
/// file shown as they are, with every byte offset and column in them kept.
pub fn blank_personal_parts(text: &str) -> String {
    const SEPARATORS: &[char] = &[
        '/', '?', '&', ';', '=', ' ', '\t', '\n', '\r', '"', '\'', ',', '[', ']', '{', '}',
    ];
    let mut blanked =
        replace_personal_parts(text, SEPARATORS, true, |part| "*".repeat(part.len()).into());
    // The credentials of a URL (`https://user:password@host`), in any word of the text.
    let mut word_start = 0;
    for word in text.split([' ', '\t', '\n', '\r', '"', '\'']) {
        if let Some(range) = crate::endpoint::url::credentials(word)
            && (range.start > 0 || is_userinfo(&word[range.clone()]))
        {
            let (start, end) = (word_start + range.start, word_start + range.end);
            if blanked.is_char_boundary(start) && blanked.is_char_boundary(end) {
                blanked.replace_range(start..end, &"*".repeat(end - start));
            }
        }
        word_start += word.len() + 1;
    }
    blanked
}

/// Whether `s` may be the user information of a URL without a scheme (`user:password`): only
/// the characters RFC 3986 allows there, so that a JSONPath filter (`$.a[?(@.b)]`) is none.
fn is_userinfo(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~%!$&'()*+,;=:".contains(&b))
}

/// `text` with each part between `separators` that holds an email address or a phone number
/// replaced by `replacement` of it.
fn replace_personal_parts(
    text: &str,
    separators: &[char],
    plus_is_space: bool,
    replacement: impl Fn(&str) -> Cow<'static, str>,
) -> String {
    let nothing = Protected::default();
    let values = Candidates::new(&nothing, None);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let end = rest.find(separators).unwrap_or(rest.len());
        let part = &rest[..end];
        let mut found = Vec::new();
        scan(part, "", true, &values, &mut found);
        if found.is_empty() && plus_is_space && part.contains('+') {
            scan(&part.replace('+', " "), "", true, &values, &mut found);
        }
        if found.is_empty() {
            out.push_str(part);
        } else {
            out.push_str(&replacement(part));
        }
        let Some(separator) = rest[end..].chars().next() else {
            break;
        };
        out.push(separator);
        rest = &rest[end + separator.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn string_values_are_withheld_whole_and_never_as_names() {
        assert_eq!(
            mask_string_values(
                r#"{"user":"user","a":["user", "a user"],"users":"x"} /a: unexpected "user""#,
                ["user"]
            ),
            format!(
                r#"{{"user":"{WITHHELD}","a":["{WITHHELD}", "a user"],"users":"x"}} /a: unexpected "{WITHHELD}""#
            )
        );
    }

    #[test]
    fn overlapping_values_are_withheld_as_one_stretch() {
        // Neither value may show a part of the other.
        assert_eq!(
            mask_values("1xabc2 abc x\"q", ["xab", "abc", "x\"q"]),
            format!("1{WITHHELD}2 {WITHHELD} {WITHHELD}")
        );
        assert_eq!(mask_values("nothing here", ["", "zz"]), "nothing here");
    }

    #[test]
    fn string_values_are_withheld_unless_they_name_a_member() {
        assert_eq!(
            mask_string_values(r#"{"ann":"ann","b":["ann", "anna"]}"#, ["ann", "ann"]),
            r#"{"ann":"‹withheld›","b":["‹withheld›", "anna"]}"#
        );
    }

    #[test]
    fn numbers_are_withheld_whole_and_never_inside_other_tokens() {
        assert_eq!(
            mask_number_values(
                "\"pmi\":8162934057,\n[8162934057] -8162934057 81629340571 \"x8162934057\" \
                 /pmi: expected \"t~a\", got 8162934057",
                ["8162934057"]
            ),
            format!(
                "\"pmi\":{WITHHELD},\n[{WITHHELD}] -8162934057 81629340571 \"x8162934057\" \
                 /pmi: expected \"t~a\", got {WITHHELD}"
            )
        );
    }

    #[test]
    fn personal_parts_of_a_line_are_blanked_byte_for_byte() {
        let line = "  - request: GET /v2/users/jöe@example.com/x?q=+1 555 0100&n=42 # ok";
        let blanked = blank_personal_parts(line);
        assert_eq!(blanked.len(), line.len());
        assert_eq!(
            blanked,
            format!(
                "  - request: GET /v2/users/{}/x?q=+1 555 0100&n=42 # ok",
                "*".repeat("jöe@example.com".len())
            )
        );
        // Without spaces a phone number is one part.
        assert_eq!(
            blank_personal_parts("q=+15550100"),
            format!("q={}", "*".repeat("+15550100".len()))
        );
        assert_eq!(
            blank_personal_parts("rules: rules.yaml"),
            "rules: rules.yaml"
        );
        assert_eq!(
            blank_personal_parts("  - request: GET https://bob:hunter2@h:99/x?a=1"),
            "  - request: GET https://***********@h:99/x?a=1"
        );
        assert_eq!(
            blank_personal_parts("  - request: GET bob:hunter2@h/x"),
            "  - request: GET ***********@h/x"
        );
    }

    #[test]
    fn ascii_text_folds_as_it_folds_character_by_character() {
        for s in [
            "",
            " ",
            "Alice  SMITH\t\n\x0B\x0C\r x",
            "a\x1Fb\x1Cc",
            "  lead and trail  ",
            "MiXeD-Case_123@Example.COM",
        ] {
            assert_eq!(Folded::ascii(s), Folded::chars(s), "{s:?}");
        }
    }

    #[test]
    fn jsonpath_filters_in_excerpts_are_not_taken_for_credentials() {
        for line in [
            "          - \"users[?(@.type=='y')].email\"",
            "          - \"$.meetings[?(@.type == 4)].id\"",
            "    applyOnlyWhen: $.records[?(@.attributes.type == \"User\")]",
        ] {
            assert_eq!(blank_personal_parts(line), line);
        }
    }

    #[test]
    fn an_escape_that_is_not_utf8_does_not_hide_the_rest_of_a_value() {
        for url in [
            "/v2/users?email=leaky.person%40example.com%FF",
            "/v2/users?email=leaky.person%2540example.com%25FF",
            "/v2/users/%FFleaky.person%40example.com",
        ] {
            let withheld = withhold_personal_url(url);
            assert!(!withheld.contains("leaky"), "{url}: {withheld}");
            assert!(withheld.contains(WITHHELD), "{url}: {withheld}");
        }
        let phone = withhold_personal_url("/x?tel=%2B34%20612%20345%20678%FF");
        assert_eq!(phone, format!("/x?tel={WITHHELD}"));
    }

    #[test]
    fn numbers_dialled_with_00_or_a_trunk_0_are_withheld_and_ids_are_not() {
        for url in [
            "/v2/users?tel=0034%20612%20345%20678",
            "/v2/users?tel=06%2012%2034%2056%2078",
            "/v2/users?tel=020%207946%200958",
            "/v2/users?tel=0034612345678",
            "/v2/users?tel=06.12.34.56.78",
            "/v2/users?tel=06-12-34-56-78",
            "/v2/users?tel=0612+345+678",
        ] {
            assert_eq!(
                withhold_personal_url(url),
                format!("/v2/users?tel={WITHHELD}"),
                "{url}"
            );
        }
        assert_eq!(
            withhold_personal_names("/06 12 34 56 78/email"),
            format!("/{WITHHELD}/email")
        );
        for url in [
            "/v2/x?tel=07700%20900123",
            "/v2/x?tel=030%2012345678",
            "/v2/x?tel=06-12345678",
            "/v2/x?tel=0044%2020%207946%200958",
            "/v2/x?tel=00442079460958",
        ] {
            assert_eq!(
                withhold_personal_url(url),
                format!("/v2/x?tel={WITHHELD}"),
                "{url}"
            );
        }
        for shown in [
            "/v2/zip/02139-4307",
            "/v2/x/3f2a9c1e-0412-4387-9531-5c6d7e8f9a0b",
            "/v2/customers/0012345678",
            "/v2/x?d=05-05-2023-12",
            "/v2/x?ip=010.000.000.001",
            "/v2/x?v=1.0412.4387.9531",
            "/v2/meetings/91022334455",
            "/v2/meetings/0612345678",
            "/v2/report?from=01.05.2024&to=2024-05-31",
            "/v2/x/550e8400-e29b-41d4-a716-446655440000",
            "/v2/x?v=0.17.11&n=00123",
            "/v2/x?d=01-05-2024 12",
            "/users/0/email",
        ] {
            assert_eq!(withhold_personal_url(shown), shown);
        }
    }

    #[test]
    fn personal_member_names_are_withheld_from_pointers() {
        assert_eq!(
            withhold_personal_names("/byUser/alice.smith@example.com/email"),
            format!("/byUser/{WITHHELD}/email")
        );
        assert_eq!(
            withhold_personal_names("/calls/+1 415-555-0100/0"),
            format!("/calls/{WITHHELD}/0")
        );
        assert_eq!(
            withhold_personal_names("/users/12/t~abc@acme.com"),
            "/users/12/t~abc@acme.com"
        );
        assert_eq!(
            withhold_personal_names("/managers/Alice Smith/id"),
            format!("/managers/{WITHHELD}/id")
        );
        assert_eq!(
            withhold_personal_names("/notes/call\tme/0"),
            format!("/notes/{WITHHELD}/0")
        );
        assert_eq!(
            withhold_personal_names("/settings/display_name/1 2"),
            "/settings/display_name/1 2"
        );
        assert_eq!(withhold_personal_names(""), "");
    }

    fn rule() -> RuleRef {
        RuleRef {
            location: Location::File {
                file: "rules.yaml".into(),
            },
            kind: "pseudonymize",
            path: "$..email".into(),
        }
    }

    fn leaks_in(doc: &serde_json::Value, protected: &Protected) -> Vec<(LeakKind, String)> {
        find_leaks(&Value::from(doc), protected, &Served::default())
            .into_iter()
            .map(|l| (l.kind, l.pointer))
            .collect()
    }

    fn none() -> Protected {
        Protected::default()
    }

    /// The pointers of the leaks found in `doc` with nothing protected, all phone numbers.
    fn phone_leaks(doc: &serde_json::Value) -> Vec<String> {
        let found = leaks_in(doc, &none());
        assert!(
            found.iter().all(|(k, _)| *k == LeakKind::Phone),
            "{found:?}"
        );
        found.into_iter().map(|(_, p)| p).collect()
    }

    #[test]
    fn plain_email_is_a_leak() {
        let found = leaks_in(
            &json!({"users":[{"note":"write to Alice.B@acme.com today"}]}),
            &none(),
        );
        assert_eq!(found, [(LeakKind::Email, "/users/0/note".to_owned())]);
    }

    #[test]
    fn emails_in_any_script_are_leaks() {
        let found = leaks_in(
            &json!({"a": "ünï@example.com", "b": "mail frank@例え.jp", "c": "José@Correo.es",
                "d": "2x@3.5", "e": "@例え.jp", "f": "例え@.jp"}),
            &none(),
        );
        let leaked: Vec<&str> = found.iter().map(|(_, p)| p.as_str()).collect();
        assert_eq!(leaked, ["/a", "/b", "/c"]);
    }

    #[test]
    fn a_protected_phone_number_leaks_with_00_for_its_plus_or_without_its_country_code() {
        let mut protected = Protected::default();
        protected.add("+34 612 345 678", 0, rule);
        let found = leaks_in(
            &json!({"a": "call 0034 612 345 678", "b": "612 345 678", "c": "1612 345 6789",
                "d": "+34 612 345 678"}),
            &protected,
        );
        let leaked: Vec<&str> = found.iter().map(|(_, p)| p.as_str()).collect();
        assert_eq!(leaked, ["/a", "/b", "/d"]);
        assert!(
            phone_variants("+1 555").is_empty(),
            "too short to be a number at home"
        );
        assert!(
            phone_variants("+34612345678").is_empty(),
            "no country code apart"
        );
        assert!(phone_variants("+34 abc def ghi").is_empty());
    }

    #[test]
    fn emails_split_by_invisible_characters_or_in_full_width_are_leaks_withheld_whole() {
        let doc = json!({
            "a": "Jane Roe <jane\u{200b}.roe@contoso.example>",
            "b": "jane.roe\u{ad}@contoso.example",
            "c": "jane.roe＠contoso.example",
            "d": "no\u{200b}email here",
        });
        let found = find_leaks(&Value::from(&doc), &none(), &Served::default());
        let leaked: Vec<(&str, &str)> = found
            .iter()
            .map(|l| (l.pointer.as_str(), l.value()))
            .collect();
        assert_eq!(
            leaked,
            [
                ("/a", "jane\u{200b}.roe@contoso.example"),
                ("/b", "jane.roe\u{ad}@contoso.example"),
                ("/c", "jane.roe＠contoso.example"),
            ]
        );
        assert_eq!(
            mask(doc["a"].as_str().expect("a string"), &found),
            "Jane Roe <‹withheld›>"
        );
    }

    #[test]
    fn a_local_part_before_a_pseudonym_is_a_leak_but_pseudonyms_are_not() {
        let found = leaks_in(
            &json!({
                "a": "mail jun.watanabe@t~zGgbGlzWrSJR9Lz",
                "b": "\"Jun W\"@p~zGgbGlzWrSJR9Lz",
                "c": "t~zGgbGlzWrSJR9Lz@t~abcDEF",
                "d": "t~zGgbGlzWrSJR9Lz@acme.com and <@t~abcDEF>",
                "e": "p~zGgbGlzWrSJR9Lz@h~abcDEF",
            }),
            &none(),
        );
        assert_eq!(
            found,
            [
                (LeakKind::LocalPart, "/a".to_owned()),
                (LeakKind::LocalPart, "/b".to_owned())
            ]
        );
    }

    #[test]
    fn an_email_with_a_quoted_local_part_is_a_leak() {
        let found = leaks_in(
            &json!({"e":"\"quoted local\"@x.example", "f":"say \"hi\" @ noon"}),
            &none(),
        );
        assert_eq!(found, [(LeakKind::Email, "/e".to_owned())]);
    }

    #[test]
    fn pseudonymized_email_keeps_its_domain_and_is_not_a_leak() {
        let doc = json!({
            "a": "t~8ZuLJANBU0hIFqmaE8RjwHZqRb4MezRyGZ6rLZUkKSg@example.com",
            "b": "p~JzXCV2FA272NOeqHYQbR4Pew-SZI9hzn_ATn7@example.com",
        });
        assert!(leaks_in(&doc, &none()).is_empty());
    }

    #[test]
    fn email_in_a_member_name_is_a_leak_at_the_member() {
        let leaks = find_leaks(
            &Value::from(&json!({"by":{"bob@acme.com":1}})),
            &none(),
            &Served::default(),
        );
        assert_eq!(leaks.len(), 1);
        assert_eq!(leaks[0].kind, LeakKind::Email);
        assert!(leaks[0].in_key);
        assert_eq!(leaks[0].pointer, format!("/by/{WITHHELD}"));
        assert_eq!(leaks[0].raw_pointer(), "/by/bob@acme.com");
    }

    #[test]
    fn formatted_phone_numbers_are_leaks() {
        let doc = json!({"a":"+1 415-555-0100","b":"call (415) 555-0100","c":"415.555.0100","d":"+442071838750"});
        assert_eq!(phone_leaks(&doc), ["/a", "/b", "/c", "/d"]);
    }

    #[test]
    fn a_phone_number_ending_a_sentence_or_with_its_country_code_is_a_leak() {
        let doc = json!({
            "a": "Call 415-555-0132.",
            "b": "or (415) 555-0132. Thanks",
            "c": "toll free 1-800-555-0199",
            "d": "1.800.555.0199",
            "version": "415.555.0132.4",
            "build": "v1-800-555-0199",
        });
        assert_eq!(phone_leaks(&doc), ["/a", "/b", "/c", "/d"]);
    }

    #[test]
    fn images_drawn_at_a_scale_are_no_email_addresses() {
        let doc = json!({
            "a": "avatar@2x.png",
            "b": "https://cdn.test/img/Icon-60@3x.png?v=2",
            "c": "IMG_0001@2X.HEIC",
            "d": "photo@1.5x.jpg",
            "e": "jo@2x.example.com",
            "f": "jo@x.png",
        });
        let found = leaks_in(&doc, &none());
        assert_eq!(
            found.iter().map(|(_, p)| p.as_str()).collect::<Vec<_>>(),
            ["/e", "/f"]
        );
    }

    #[test]
    fn numbers_dialled_without_plus_are_leaks_as_in_messages() {
        let doc = json!({
            "a": "0034 612 345 678",
            "b": "call 06 12 34 56 78 today",
            "c": "020 7946 0958",
            "d": "tel:0034612345678",
            "e": "06.12.34.56.78",
            "f": "https://x.test/?tel=0044%2020%207946%200958",
            "zip": "02139-4307",
            "uuid": "3f2a9c1e-0412-4387-9531-5c6d7e8f9a0b",
            "id": "0012345678",
            "date": "05-05-2023",
            "ip": "010.000.000.001",
            "meeting": "0612345678",
        });
        assert_eq!(phone_leaks(&doc), ["/a", "/b", "/c", "/d", "/e", "/f"]);
    }

    #[test]
    fn ids_dates_and_timestamps_are_not_phone_numbers() {
        let doc = json!({
            "id": "91022334455",
            "date": "2024-05-01",
            "time": "2024-05-01T10:00:00+00:00",
            "ms": "1715090400000",
            "uuid": "550e8400-e29b-41d4-a716-446655440000",
            "version": "5.17.11 (35406)",
            "offset": "+0530",
            "no_country": "+0123456789",
        });
        assert!(
            leaks_in(&doc, &none()).is_empty(),
            "{:?}",
            leaks_in(&doc, &none())
        );
    }

    #[test]
    fn protected_value_found_elsewhere_is_a_leak_naming_the_rule() {
        let mut p = Protected::default();
        p.add("KDcuGIm1QgePTO8WbOqwIQ", 0, rule);
        let leaks = find_leaks(
            &Value::from(&json!({"x":{"url":"https://x.test/users/KDcuGIm1QgePTO8WbOqwIQ/y"}})),
            &p,
            &Served::default(),
        );
        assert_eq!(leaks.len(), 1);
        assert_eq!(leaks[0].kind, LeakKind::Protected);
        assert_eq!(leaks[0].pointer, "/x/url");
        assert_eq!(leaks[0].rule, Some(rule()));
    }

    #[test]
    fn a_protected_value_is_found_with_its_letters_composed_or_decomposed() {
        let composed = "Jos\u{e9} M\u{fc}ller Andr\u{e9}";
        let decomposed = "Jose\u{301} Mu\u{308}ller Andre\u{301}";
        for (protected, written) in [(composed, decomposed), (decomposed, composed)] {
            let mut p = Protected::default();
            p.add(protected, 0, rule);
            let text = format!("by {written}, {}", written.to_uppercase());
            let leaks = find_leaks(
                &Value::from(&json!({ "note": text })),
                &p,
                &Served::default(),
            );
            assert_eq!(leaks.len(), 2, "{leaks:?}");
            assert!(leaks.iter().all(|l| l.kind == LeakKind::Protected));
            assert_eq!(leaks[0].value(), written);
        }
    }

    #[test]
    fn a_long_value_hides_the_shorter_ones_inside_it() {
        let mut p = Protected::default();
        let named = |path: &str| RuleRef {
            path: path.to_owned(),
            ..rule()
        };
        p.add("Maria", 0, || named("$.first"));
        p.add("Anna Maria Lopez", 0, || named("$.name"));
        p.add("Lopez", 0, || named("$.last"));
        let leaks = find_leaks(
            &Value::from(&json!({"a":"by anna maria lopez, for Maria; Lopez-Maria"})),
            &p,
            &Served::default(),
        );
        let found: Vec<(&str, Option<&str>)> = leaks
            .iter()
            .map(|l| (l.value(), l.rule.as_ref().map(|r| r.path.as_str())))
            .collect();
        assert_eq!(
            found,
            [
                ("anna maria lopez", Some("$.name")),
                ("Maria", Some("$.first")),
                ("Lopez", Some("$.last")),
                ("Maria", Some("$.first")),
            ]
        );
    }

    #[test]
    fn short_protected_values_are_ignored() {
        let mut p = Protected::default();
        p.add("me", 0, rule);
        p.add("abc", 0, rule);
        // Four characters as written, three as searched for.
        p.add("a  b", 0, rule);
        assert!(p.is_empty());
    }

    #[test]
    fn protected_value_inside_a_pseudonym_is_chance() {
        let mut p = Protected::default();
        p.add("8ZuLJ", 0, rule);
        let doc = json!({"a":"t~8ZuLJANBU0hIFqmaE8RjwHZqRb4MezRyGZ6rLZUkKSg"});
        assert!(leaks_in(&doc, &p).is_empty());
    }

    #[test]
    fn email_that_a_rule_protects_names_the_rule() {
        let mut p = Protected::default();
        p.add("alice@acme.com", 0, rule);
        let leaks = find_leaks(
            &Value::from(&json!({"e":"alice@acme.com"})),
            &p,
            &Served::default(),
        );
        assert_eq!(leaks.len(), 1);
        assert_eq!(leaks[0].kind, LeakKind::Email);
        assert_eq!(leaks[0].rule, Some(rule()));
    }

    #[test]
    fn protected_value_matches_ignoring_case_and_runs_of_space() {
        let mut p = Protected::default();
        p.add("Alice Smith", 0, rule);
        for written in ["ALICE SMITH", "by alice  smith", "Alice\tSmith!"] {
            let leaks = find_leaks(
                &Value::from(&json!({ "n": written })),
                &p,
                &Served::default(),
            );
            assert_eq!(leaks.len(), 1, "{written}");
            assert_eq!(leaks[0].kind, LeakKind::Protected);
            // The leaked text is the original's, so that it is withheld where printed.
            assert_eq!(
                mask(written, &leaks).matches(WITHHELD).count(),
                1,
                "{written}"
            );
            assert!(!mask(written, &leaks).to_lowercase().contains("smith"));
        }
        // Whole words only.
        assert!(leaks_in(&json!({"n":"Alice Smithers"}), &p).is_empty());
        assert!(leaks_in(&json!({"n":"Alicia Smith"}), &p).is_empty());
        assert_eq!(leaks_in(&json!({"n":"(Alice Smith)"}), &p).len(), 1);
    }

    #[test]
    fn a_leak_names_the_rule_of_the_original_written_the_same_way() {
        let other = || RuleRef {
            path: "$..name".into(),
            ..rule()
        };
        let mut p = Protected::default();
        p.add("dana ng", 0, other);
        p.add("Dana Ng", 0, rule);
        // Written neither way, the value names the rule that protected it first.
        for (written, expected) in [
            ("dana ng", other()),
            ("Dana Ng", rule()),
            ("DANA NG", other()),
        ] {
            let leaks = find_leaks(
                &Value::from(&json!({ "n": written })),
                &p,
                &Served::default(),
            );
            assert_eq!(leaks.len(), 1, "{written}");
            assert_eq!(leaks[0].rule, Some(expected), "{written}");
        }
    }

    #[test]
    fn a_leak_names_a_rule_of_the_endpoint_that_served_the_case_first() {
        let at = |path: &str| RuleRef {
            path: path.to_owned(),
            ..rule()
        };
        let commits = || at("$..['author','committer'].login");
        let mut p = Protected::default();
        // Endpoint 0 protects the login first; endpoint 1 has rules of its own for it, the
        // second protecting it written otherwise.
        p.add("octocat", 0, commits);
        p.add("OctoCat", 1, || at("$[*].user.name"));
        p.add("octocat", 1, || at("$[*].user.login"));
        p.add("octocat", 1, || at("$[*].assignee.login"));
        let doc = json!({"html_url": "https://github.com/octocat"});
        let cited = |endpoint: Option<usize>| {
            let leaks = find_leaks(&Value::from(&doc), &p, &Served::new(endpoint));
            assert_eq!(leaks.len(), 1, "{leaks:?}");
            leaks[0].rule.as_ref().map(|r| r.path.clone())
        };
        assert_eq!(cited(Some(1)), Some("$[*].user.login".to_owned()));
        assert_eq!(cited(Some(0)), Some(commits().path));
        // An endpoint with no rule of its own for it, or none: the first rule that protects it.
        assert_eq!(cited(Some(2)), Some(commits().path));
        assert_eq!(cited(None), Some(commits().path));
    }

    #[test]
    fn the_domain_a_pseudonym_keeps_is_not_a_leak() {
        let mut p = Protected::default();
        p.add("GitHub", 0, rule);
        let doc = json!({"email":"t~MIHgYv5s6ZVJp7kZx2xqjKkz1Nw5Qw3c8uYh7n1KQ2Y@github.com"});
        assert!(leaks_in(&doc, &p).is_empty());
        assert_eq!(leaks_in(&json!({"org":"GitHub"}), &p).len(), 1);
    }

    #[test]
    fn a_short_value_inside_an_email_names_no_rule() {
        let mut p = Protected::default();
        p.add("jane", 0, rule);
        let leaks = find_leaks(
            &Value::from(&json!({"s":"Jane.Smith+x@acme.com is mine"})),
            &p,
            &Served::default(),
        );
        assert_eq!(leaks.len(), 1);
        assert_eq!(leaks[0].kind, LeakKind::Email);
        assert_eq!(leaks[0].rule, None);
        // Not a word of its own either: `Marketing` does not leak `Mark`.
        p.add("Mark", 0, rule);
        assert!(leaks_in(&json!({"s":"Marketing offsite"}), &p).is_empty());
    }

    #[test]
    fn percent_encoded_email_is_a_leak_withheld_whole() {
        let doc = json!({"next":"https://x.test/v2/users/alice.smith%40acme.com/meetings"});
        let leaks = find_leaks(&Value::from(&doc), &none(), &Served::default());
        assert_eq!(leaks.len(), 1);
        assert_eq!(leaks[0].kind, LeakKind::Email);
        assert_eq!(
            mask(doc["next"].as_str().unwrap_or_default(), &leaks),
            WITHHELD
        );
        // Escapes that decode to no email, or to bytes that are not UTF-8, are not leaks.
        assert!(leaks_in(&json!({"q":"a%20b%2Fc", "r":"%FF%40x.com"}), &none()).is_empty());
        // Twice encoded, and beside a plain leak of the same kind.
        let doc = json!({"a":"id=alice%2540acme.com", "b":"bob@x.org alice%40acme.com"});
        let leaks = find_leaks(&Value::from(&doc), &none(), &Served::default());
        assert_eq!(leaks.len(), 3, "{leaks:?}");
        let printed = mask(&doc.to_string(), &leaks);
        assert!(!printed.contains("alice"), "{printed}");
    }

    #[test]
    fn emails_behind_escapes_and_full_width_forms_are_leaks_withheld_whole() {
        for hidden in [
            "alice.smith%EF%BC%A0acme.com",
            "id=alice.smith%252540acme.com",
            "alice.smith%25252540acme.com",
            "alice.smith\\u0040acme.com",
            "alice.smith\\x40acme.com",
            "alice.smith&#64;acme.com",
            "alice.smith&#x40;acme&#46;com",
            "alice.smith&commat;acme.com",
            "alice.smith&amp;#64;acme.com",
            "alice.smith%26%2364%3Bacme.com",
        ] {
            let doc = json!({ "a": hidden });
            let leaks = find_leaks(&Value::from(&doc), &none(), &Served::default());
            assert_eq!(leaks.len(), 1, "{hidden}: {leaks:?}");
            assert_eq!(leaks[0].kind, LeakKind::Email, "{hidden}");
            assert_eq!(mask(hidden, &leaks), WITHHELD, "{hidden}");
        }
        // Escapes of nothing, and references that spell no email, are no leaks.
        for plain in [
            "a&b \\u00zz &#; &#xZZ; &#99999999999; &commat",
            "R&amp;D costs \\x41\\u0042",
            "%26%23xZZ%3B",
        ] {
            assert!(
                leaks_in(&json!({ "a": plain }), &none()).is_empty(),
                "{plain}"
            );
        }
    }

    #[test]
    fn a_form_encoded_protected_value_is_a_leak() {
        let mut p = Protected::default();
        p.add("Alice Smith", 0, rule);
        let found = leaks_in(
            &json!({"next":"https://x.test/search?q=Alice+Smith&page=2"}),
            &p,
        );
        assert_eq!(found, [(LeakKind::Protected, "/next".to_owned())]);
    }

    #[test]
    fn a_protected_number_leaks_as_written() {
        let mut p = Protected::default();
        p.add("1.0E10", 0, rule);
        let leaks = find_leaks(&Value::from(&json!({"a": 1.0e10})), &p, &Served::default());
        assert_eq!(leaks.len(), 1);
        assert_eq!(mask("x 1.0E10", &leaks), format!("x {WITHHELD}"));
    }

    /// A case whose rule `$.id` (with `includeOriginal`) selects `values`.
    fn keeping(values: &[&str]) -> Served {
        let mut served = Served::default();
        for v in values {
            served.keep(v, kept_by);
        }
        served
    }

    fn kept_by() -> RuleRef {
        RuleRef {
            path: "$.id".into(),
            ..rule()
        }
    }

    /// A pseudonym in the `JSON` encoding, with its original.
    fn identity(original: &str) -> String {
        serde_json::to_string(
            &json!({"hash": "MhuRFUy1rCuBRZFSTcXmI25orlhIv8I_T7pXmcPORLg", "original": original}),
        )
        .unwrap_or_default()
    }

    #[test]
    fn a_leak_in_an_original_that_include_original_keeps_names_that_rule() {
        let doc = json!({
            "id": identity("priya@example-corp.com"),
            "note": "ask priya@example-corp.com",
        });
        let served = keeping(&["priya@example-corp.com"]);
        let leaks = find_leaks(&Value::from(&doc), &none(), &served);
        let found: Vec<(&str, LeakKind, Option<&str>)> = leaks
            .iter()
            .map(|l| {
                (
                    l.pointer.as_str(),
                    l.kind,
                    l.kept.as_ref().map(|r| r.path.as_str()),
                )
            })
            .collect();
        // The same address outside the pseudonym is no doing of the option.
        assert_eq!(
            found,
            [
                ("/id", LeakKind::Email, Some("$.id")),
                ("/note", LeakKind::Email, None)
            ]
        );
        // Without the option's rule on record, nothing is put down to it.
        let leaks = find_leaks(&Value::from(&doc), &none(), &Served::default());
        assert!(leaks.iter().all(|l| l.kept.is_none()), "{leaks:?}");
    }

    #[test]
    fn a_protected_value_that_include_original_keeps_is_a_leak_naming_both_rules() {
        let mut p = Protected::default();
        p.add("U012AB3CDE", 0, rule);
        let doc = json!({"id": identity("U012AB3CDE")});
        let leaks = find_leaks(&Value::from(&doc), &p, &keeping(&["U012AB3CDE"]));
        assert_eq!(leaks.len(), 1);
        assert_eq!(leaks[0].kind, LeakKind::Protected);
        assert_eq!(leaks[0].rule, Some(rule()));
        assert_eq!(leaks[0].kept, Some(kept_by()));
        // A value kept that nothing protects, and that is no email or phone number, is no leak.
        let doc = json!({"id": identity("U012AB3CDE")});
        assert!(leaks_in(&doc, &none()).is_empty());
    }

    #[test]
    fn an_encoded_leak_in_a_kept_original_names_the_rule() {
        let url = "https://x.test/u?e=jo%40example-corp.com";
        let doc = json!({"id": identity(url), "next": url});
        let leaks = find_leaks(&Value::from(&doc), &none(), &keeping(&[url]));
        let kept: Vec<(&str, bool)> = leaks
            .iter()
            .map(|l| (l.pointer.as_str(), l.kept.is_some()))
            .collect();
        assert_eq!(kept, [("/id", true), ("/next", false)]);
    }

    #[test]
    fn debug_form_hides_the_value() {
        let leaks = find_leaks(
            &Value::from(&json!({"e":"alice@acme.com"})),
            &none(),
            &Served::default(),
        );
        assert!(!format!("{leaks:?}").contains("alice"));
    }

    #[test]
    fn mask_replaces_raw_and_escaped_forms() {
        let leaks = find_leaks(
            &Value::from(&json!({"e":"alice@acme.com"})),
            &none(),
            &Served::default(),
        );
        assert_eq!(
            mask("got \"alice@acme.com\"", &leaks),
            format!("got \"{WITHHELD}\"")
        );
    }
}
