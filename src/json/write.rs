//! The three JSON text forms the proxy and its tests produce: Jackson compact (§7.2), json-smart
//! compact (§7.4) and the golden pretty form of sanitized example files (§7.5).
//!
//! All writers walk the tree with an explicit stack, so values built in code may nest to any
//! depth without exhausting the call stack.

use std::borrow::Cow;
use std::convert::Infallible;
use std::io;

use super::double::write_java_double;
use super::{Value, scan};

/// Arrays that a document holds elsewhere while it is written: an empty array in the tree
/// stands for each, and its elements come in chunks, in order, as they become ready.
pub trait Holes {
    /// The number of the hole the empty array at address `at` stands for, if it is one.
    fn hole(&mut self, at: usize) -> Option<usize>;

    /// Calls `write` with the elements of hole `hole`, chunk after chunk in order, each once it
    /// is ready. Returns false, having stopped, if a chunk could not be made ready.
    fn fill(&mut self, hole: usize, write: &mut dyn FnMut(Piece<'_, '_>)) -> bool;
}

/// A chunk of a hole's elements.
#[derive(Debug, Clone, Copy)]
pub enum Piece<'s, 'v> {
    /// Elements to write.
    Values(&'s [Value<'v>]),
    /// Elements already written in the compact form (§7.2), separated by commas; holes are
    /// filled in compact output only.
    Written(&'s [u8]),
}

/// No holes: every array is in the tree.
#[derive(Debug)]
pub struct NoHoles;

impl Holes for NoHoles {
    fn hole(&mut self, _: usize) -> Option<usize> {
        None
    }

    fn fill(&mut self, _: usize, _: &mut dyn FnMut(Piece<'_, '_>)) -> bool {
        false
    }
}

/// Appends the Jackson compact form of `value` (§7.2).
pub fn write_compact(value: &Value, out: &mut Vec<u8>) {
    write_into_vec::<Compact>(value, &mut NoHoles, out);
}

/// Writes the Jackson compact form of `value` to `w`, through a buffer flushed about every
/// 64 KiB.
pub fn write_compact_to(value: &Value, w: &mut impl io::Write) -> io::Result<()> {
    write_into_io::<Compact>(value, &mut NoHoles, w)
}

/// [`write_compact`] of a tree with holes, each written in its place.
pub fn write_compact_filled(value: &Value, holes: &mut dyn Holes, out: &mut Vec<u8>) {
    write_into_vec::<Compact>(value, holes, out);
}

/// [`write_compact_to`] of a tree with holes, each written in its place.
pub fn write_compact_to_filled(
    value: &Value,
    holes: &mut dyn Holes,
    w: &mut impl io::Write,
) -> io::Result<()> {
    write_into_io::<Compact>(value, holes, w)
}

/// The Jackson compact form of `value` (§7.2).
pub fn to_compact_string(value: &Value) -> String {
    to_string::<Compact>(value)
}

/// Appends the json-smart compact form of `value` (§7.4).
pub fn write_smart(value: &Value, out: &mut Vec<u8>) {
    write_into_vec::<Smart>(value, &mut NoHoles, out);
}

/// Writes the json-smart compact form of `value` to `w` through a buffer.
pub fn write_smart_to(value: &Value, w: &mut impl io::Write) -> io::Result<()> {
    write_into_io::<Smart>(value, &mut NoHoles, w)
}

/// The json-smart compact form of `value` (§7.4).
pub fn to_smart_string(value: &Value) -> String {
    to_string::<Smart>(value)
}

/// Appends the golden pretty form of `value` (§7.5; harness spec §5).
pub fn write_pretty(value: &Value, out: &mut Vec<u8>) {
    write_into_vec::<Pretty>(value, &mut NoHoles, out);
}

/// Writes the golden pretty form of `value` to `w` through a buffer.
pub fn write_pretty_to(value: &Value, w: &mut impl io::Write) -> io::Result<()> {
    write_into_io::<Pretty>(value, &mut NoHoles, w)
}

/// The golden pretty form of `value` (§7.5): Jackson's `DefaultPrettyPrinter` without spaces
/// around the colon, arrays indented like objects, `{ }`/`[ ]` when empty, no trailing newline.
pub fn to_pretty_string(value: &Value) -> String {
    to_string::<Pretty>(value)
}

/// How one output form spells strings, doubles and the layout between tokens.
trait Style {
    const PRETTY: bool;
    fn string(s: &str, out: &mut Vec<u8>);
    fn double(x: f64, out: &mut Vec<u8>);
}

#[derive(Debug)]
enum Compact {}
#[derive(Debug)]
enum Smart {}
#[derive(Debug)]
enum Pretty {}

impl Style for Compact {
    const PRETTY: bool = false;
    fn string(s: &str, out: &mut Vec<u8>) {
        write_escaped::<false>(s, out);
    }
    fn double(x: f64, out: &mut Vec<u8>) {
        write_jackson_double(x, out);
    }
}

impl Style for Pretty {
    const PRETTY: bool = true;
    fn string(s: &str, out: &mut Vec<u8>) {
        write_escaped::<false>(s, out);
    }
    fn double(x: f64, out: &mut Vec<u8>) {
        write_jackson_double(x, out);
    }
}

impl Style for Smart {
    const PRETTY: bool = false;
    fn string(s: &str, out: &mut Vec<u8>) {
        write_escaped::<true>(s, out);
    }
    /// json-smart writes an infinite `Double` as `null` and anything else with Java's
    /// `Double.toString` (so NaN as a bare `NaN`).
    fn double(x: f64, out: &mut Vec<u8>) {
        if x.is_infinite() {
            out.extend_from_slice(b"null");
        } else {
            write_java_double(x, out);
        }
    }
}

/// Jackson writes non-finite doubles as quoted strings (`WRITE_NAN_AS_STRINGS`, on by
/// default) and finite ones with `Double.toString`.
fn write_jackson_double(x: f64, out: &mut Vec<u8>) {
    if x.is_finite() {
        write_java_double(x, out);
    } else {
        out.push(b'"');
        write_java_double(x, out);
        out.push(b'"');
    }
}

/// Where the walker's bytes go. `checkpoint` is called between values, so an I/O sink can
/// hand over full buffers without holding the whole output.
trait Sink {
    type Error;
    fn buf(&mut self) -> &mut Vec<u8>;
    fn checkpoint(&mut self) -> Result<(), Self::Error>;
}

struct VecSink<'o>(&'o mut Vec<u8>);

impl Sink for VecSink<'_> {
    type Error = Infallible;
    fn buf(&mut self) -> &mut Vec<u8> {
        self.0
    }
    fn checkpoint(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}

const FLUSH_AT: usize = 64 * 1024;

struct IoSink<'w, W: io::Write> {
    w: &'w mut W,
    buf: Vec<u8>,
}

impl<W: io::Write> Sink for IoSink<'_, W> {
    type Error = io::Error;
    fn buf(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }
    fn checkpoint(&mut self) -> io::Result<()> {
        if self.buf.len() >= FLUSH_AT {
            self.w.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }
}

fn write_into_vec<S: Style>(value: &Value, holes: &mut dyn Holes, out: &mut Vec<u8>) {
    match walk::<S, _>(value, &mut VecSink(out), holes) {
        Ok(()) => {}
        Err(never) => match never {},
    }
}

fn write_into_io<S: Style>(
    value: &Value,
    holes: &mut dyn Holes,
    w: &mut impl io::Write,
) -> io::Result<()> {
    let mut sink = IoSink {
        w,
        buf: Vec::with_capacity(FLUSH_AT + 4096),
    };
    walk::<S, _>(value, &mut sink, holes)?;
    sink.w.write_all(&sink.buf)
}

fn to_string<S: Style>(value: &Value) -> String {
    let mut out = Vec::new();
    write_into_vec::<S>(value, &mut NoHoles, &mut out);
    // The writers copy whole `str` slices and add ASCII only, so the bytes are UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// An open container being written: the members still to write.
enum Open<'v, 'a> {
    Array(std::slice::Iter<'v, Value<'a>>),
    Object(std::slice::Iter<'v, (Cow<'a, str>, Value<'a>)>),
}

fn walk<S: Style, K: Sink>(
    root: &Value,
    sink: &mut K,
    holes: &mut dyn Holes,
) -> Result<(), K::Error> {
    let mut stack: Vec<(Open, bool)> = Vec::new();
    let mut next = Some(root);
    loop {
        if let Some(Value::Array(items)) = next
            && items.is_empty()
            && let Some(hole) = holes.hole(std::ptr::from_ref(items) as usize)
        {
            write_hole::<S, K>(hole, sink, holes)?;
            next = None;
        }
        if let Some(value) = next.take() {
            let out = sink.buf();
            match value {
                Value::Array(items) if items.is_empty() => {
                    out.extend_from_slice(if S::PRETTY { b"[ ]" } else { b"[]" });
                }
                Value::Object(map) if map.is_empty() => {
                    out.extend_from_slice(if S::PRETTY { b"{ }" } else { b"{}" });
                }
                Value::Array(items) => {
                    out.push(b'[');
                    stack.push((Open::Array(items.iter()), true));
                }
                Value::Object(map) => {
                    out.push(b'{');
                    stack.push((Open::Object(map.entries().iter()), true));
                }
                scalar => {
                    write_scalar::<S>(scalar, out);
                    sink.checkpoint()?;
                }
            }
        }
        let depth = stack.len();
        let Some((open, first)) = stack.last_mut() else {
            return Ok(());
        };
        let out = sink.buf();
        let item = match open {
            Open::Array(items) => items.next().map(|v| (None, v)),
            Open::Object(members) => members.next().map(|(k, v)| (Some(k), v)),
        };
        if let Some((key, value)) = item {
            if !*first {
                out.push(b',');
            }
            *first = false;
            if S::PRETTY {
                newline_indent(depth, out);
            }
            if let Some(key) = key {
                S::string(key, out);
                out.push(b':');
            }
            next = Some(value);
        } else {
            let close = match open {
                Open::Array(_) => b']',
                Open::Object(_) => b'}',
            };
            if S::PRETTY {
                newline_indent(depth - 1, out);
            }
            out.push(close);
            stack.pop();
            sink.checkpoint()?;
        }
    }
}

/// The elements of a hole, as the array they stand for: compact only (the elements are written
/// without the indentation of their depth).
fn write_hole<S: Style, K: Sink>(
    hole: usize,
    sink: &mut K,
    holes: &mut dyn Holes,
) -> Result<(), K::Error> {
    debug_assert!(!S::PRETTY, "holes are filled in compact output only");
    sink.buf().push(b'[');
    let mut first = true;
    let mut failed = None;
    holes.fill(hole, &mut |piece| match piece {
        Piece::Values(chunk) => {
            for v in chunk {
                if failed.is_some() {
                    return;
                }
                if !first {
                    sink.buf().push(b',');
                }
                first = false;
                if let Err(e) = walk::<S, K>(v, sink, &mut NoHoles) {
                    failed = Some(e);
                }
            }
        }
        Piece::Written(bytes) => {
            if failed.is_some() || bytes.is_empty() {
                return;
            }
            if !first {
                sink.buf().push(b',');
            }
            first = false;
            sink.buf().extend_from_slice(bytes);
            if let Err(e) = sink.checkpoint() {
                failed = Some(e);
            }
        }
    });
    if let Some(e) = failed {
        return Err(e);
    }
    sink.buf().push(b']');
    sink.checkpoint()
}

fn newline_indent(level: usize, out: &mut Vec<u8>) {
    const SPACES: &[u8; 64] = &[b' '; 64];
    out.push(b'\n');
    let mut n = level * 2;
    while n > 0 {
        let k = n.min(SPACES.len());
        out.extend_from_slice(&SPACES[..k]);
        n -= k;
    }
}

fn write_scalar<S: Style>(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Int(i) => write_i64(*i, out),
        Value::BigInt(digits) | Value::Decimal(digits) => out.extend_from_slice(digits.as_bytes()),
        Value::Double(x) => S::double(*x, out),
        Value::String(s) => S::string(s, out),
        // Containers are handled by the walker.
        Value::Array(_) | Value::Object(_) => {}
    }
}

fn write_i64(i: i64, out: &mut Vec<u8>) {
    let mut digits = [0u8; 20];
    let mut n = i.unsigned_abs();
    let mut k = digits.len();
    loop {
        k -= 1;
        digits[k] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if i < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&digits[k..]);
}

/// What to do with a byte of string text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Esc {
    Raw,
    /// A two-character escape `\x`.
    Short(u8),
    /// `\u00XX`.
    Unicode,
    /// A lead byte of a multi-byte character that json-smart may escape (§7.4).
    Lead,
}

const fn escape_table(smart: bool) -> [Esc; 256] {
    let mut t = [Esc::Raw; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = Esc::Unicode;
        b += 1;
    }
    t[0x08] = Esc::Short(b'b');
    t[0x09] = Esc::Short(b't');
    t[0x0a] = Esc::Short(b'n');
    t[0x0c] = Esc::Short(b'f');
    t[0x0d] = Esc::Short(b'r');
    t[b'"' as usize] = Esc::Short(b'"');
    t[b'\\' as usize] = Esc::Short(b'\\');
    if smart {
        t[0x7f] = Esc::Unicode;
        // U+0080–U+009F start with 0xC2, U+2000–U+20FF with 0xE2.
        t[0xc2] = Esc::Lead;
        t[0xe2] = Esc::Lead;
    }
    t
}

/// Jackson: `"` `\` and the C0 controls only; everything else raw (§7.2).
static JACKSON_ESCAPES: [Esc; 256] = escape_table(false);
/// json-smart: also U+007F–U+009F and U+2000–U+20FF (§7.4).
static SMART_ESCAPES: [Esc; 256] = escape_table(true);

/// Writes `s` as a quoted string with Jackson's escapes, or json-smart's when `SMART`.
fn write_escaped<const SMART: bool>(s: &str, out: &mut Vec<u8>) {
    let table = if SMART {
        &SMART_ESCAPES
    } else {
        &JACKSON_ESCAPES
    };
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Skip eight bytes at a time while none can need an escape.
        if let Some(x) = scan::chunk_at(bytes, i) {
            let plain = if SMART {
                scan::is_plain_ascii(x)
            } else {
                scan::is_plain(x)
            };
            if plain {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        let (code, len) = match table[usize::from(b)] {
            Esc::Raw => {
                i += 1;
                continue;
            }
            Esc::Short(c) => {
                out.extend_from_slice(&bytes[start..i]);
                out.extend_from_slice(&[b'\\', c]);
                i += 1;
                start = i;
                continue;
            }
            Esc::Unicode => (u32::from(b), 1),
            Esc::Lead => {
                let Some(code_and_len) = smart_escaped_char(&bytes[i..]) else {
                    i += 1;
                    continue;
                };
                code_and_len
            }
        };
        out.extend_from_slice(&bytes[start..i]);
        write_unicode_escape(code, out);
        i += len;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// The code point and UTF-8 length of a character json-smart escapes, if `bytes` starts with
/// one: U+0080–U+009F (`C2 80`–`C2 9F`) or U+2000–U+20FF (`E2 80 xx`–`E2 83 xx`).
fn smart_escaped_char(bytes: &[u8]) -> Option<(u32, usize)> {
    match *bytes {
        [0xc2, b1 @ 0x80..=0x9f, ..] => Some((u32::from(b1), 2)),
        [0xe2, b1 @ 0x80..=0x83, b2, ..] => Some((
            0x2000 | (u32::from(b1 & 0x3f) << 6) | u32::from(b2 & 0x3f),
            3,
        )),
        _ => None,
    }
}

fn write_unicode_escape(code: u32, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.extend_from_slice(b"\\u");
    for shift in [12, 8, 4, 0] {
        out.push(HEX[((code >> shift) & 0xf) as usize]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{Map, parse_value};

    fn v(text: &str) -> Value<'_> {
        parse_value(text).expect("test document parses")
    }

    fn compact(text: &str) -> String {
        to_compact_string(&v(text))
    }

    #[test]
    fn compact_has_no_whitespace_and_keeps_member_order() {
        assert_eq!(
            compact(r#" { "b" : 1 , "a" : [ 1 , 2 ] , "c" : { } , "d" : [ ] } "#),
            r#"{"b":1,"a":[1,2],"c":{},"d":[]}"#
        );
    }

    #[test]
    fn compact_short_escapes() {
        let s = Value::string("\"\\\u{8}\t\n\u{c}\r");
        assert_eq!(to_compact_string(&s), r#""\"\\\b\t\n\f\r""#);
    }

    #[test]
    fn compact_other_controls_use_upper_case_unicode_escapes() {
        let s = Value::string("\u{0}\u{1}\u{b}\u{1f}");
        assert_eq!(to_compact_string(&s), r#""\u0000\u0001\u000B\u001F""#);
    }

    #[test]
    fn compact_writes_everything_else_raw() {
        let text = "/<>&'\u{7f}\u{80}\u{9f}\u{2028}\u{2029}\u{2019}é😀";
        assert_eq!(
            to_compact_string(&Value::string(text)),
            format!("\"{text}\"")
        );
    }

    #[test]
    fn compact_numbers_use_java_text() {
        assert_eq!(
            compact("[100, -0, 1.10, 1e3, -0.0, 12345678.9, 12345678901234567890, 1E-4]"),
            "[100,0,1.1,1000.0,-0.0,1.23456789E7,12345678901234567890,1.0E-4]"
        );
    }

    #[test]
    fn compact_extreme_integers() {
        let a = Value::Array(vec![Value::Int(i64::MIN), Value::Int(i64::MAX)]);
        assert_eq!(
            to_compact_string(&a),
            "[-9223372036854775808,9223372036854775807]"
        );
    }

    #[test]
    fn compact_writes_non_finite_doubles_as_strings() {
        let a = Value::Array(vec![
            Value::Double(f64::INFINITY),
            Value::Double(f64::NEG_INFINITY),
            Value::Double(f64::NAN),
        ]);
        assert_eq!(to_compact_string(&a), r#"["Infinity","-Infinity","NaN"]"#);
    }

    #[test]
    fn compact_literals() {
        assert_eq!(compact("[true,false,null]"), "[true,false,null]");
    }

    #[test]
    fn compact_keys_are_escaped_like_strings() {
        assert_eq!(compact(r#"{"a\"b\n":1}"#), r#"{"a\"b\n":1}"#);
    }

    #[test]
    fn smart_escapes_c1_controls_and_general_punctuation() {
        let s = Value::string("\u{7f}\u{80}\u{9f}\u{2000}\u{2014}\u{2019}\u{20ac}\u{20ff}");
        assert_eq!(
            to_smart_string(&s),
            r#""\u007F\u0080\u009F\u2000\u2014\u2019\u20AC\u20FF""#
        );
    }

    #[test]
    fn smart_leaves_neighbouring_characters_raw() {
        let text = "/é\u{a0}\u{1fff}\u{2100}\u{2028}😀";
        // U+2028 lies in U+2000–U+20FF, so it is the one escaped character here.
        assert_eq!(
            to_smart_string(&Value::string(text)),
            "\"/é\u{a0}\u{1fff}\u{2100}\\u2028😀\""
        );
    }

    #[test]
    fn smart_short_escapes_and_controls() {
        let s = Value::string("\"\\\u{8}\u{c}\n\r\t\u{1}");
        assert_eq!(to_smart_string(&s), r#""\"\\\b\f\n\r\t\u0001""#);
    }

    #[test]
    fn smart_numbers_and_structure() {
        assert_eq!(
            to_smart_string(&v(r#"{"a":[1.10,12345678901234567890,{}],"b":null}"#)),
            r#"{"a":[1.1,12345678901234567890,{}],"b":null}"#
        );
    }

    #[test]
    fn smart_writes_infinity_as_null() {
        let a = Value::Array(vec![Value::Double(f64::INFINITY), Value::Double(f64::NAN)]);
        assert_eq!(to_smart_string(&a), "[null,NaN]");
    }

    #[test]
    fn pretty_matches_golden_layout() {
        let doc = v(r#"{"a":1,"b":[1,{"c":null}],"e":[],"f":{}}"#);
        assert_eq!(
            to_pretty_string(&doc),
            "{\n  \"a\":1,\n  \"b\":[\n    1,\n    {\n      \"c\":null\n    }\n  ],\n  \"e\":[ ],\n  \"f\":{ }\n}"
        );
    }

    #[test]
    fn pretty_top_level_scalars_and_empty_containers() {
        assert_eq!(to_pretty_string(&v("[]")), "[ ]");
        assert_eq!(to_pretty_string(&v("{}")), "{ }");
        assert_eq!(to_pretty_string(&v("1.10")), "1.1");
        assert_eq!(to_pretty_string(&v(r#""a/b""#)), r#""a/b""#);
    }

    #[test]
    fn pretty_nested_empty_array_in_array() {
        assert_eq!(to_pretty_string(&v("[[]]")), "[\n  [ ]\n]");
    }

    fn nested(depth: usize) -> Value<'static> {
        let mut value = Value::Array(vec![Value::Int(1)]);
        for _ in 1..depth {
            value = Value::Array(vec![value]);
        }
        value
    }

    /// Dropping a deep tree recurses; take it apart level by level instead.
    fn dismantle(mut value: Value) {
        while let Value::Array(mut items) = value {
            value = items.pop().unwrap_or(Value::Null);
        }
    }

    #[test]
    fn compact_writer_handles_nesting_far_beyond_the_parser_limit() {
        let depth = 100_000;
        let value = nested(depth);
        let text = to_compact_string(&value);
        dismantle(value);
        assert_eq!(text, format!("{}1{}", "[".repeat(depth), "]".repeat(depth)));
    }

    #[test]
    fn pretty_writer_handles_nesting_beyond_the_parser_limit() {
        // Pretty output grows with the square of the depth, so the depth is kept moderate.
        let depth = 5_000;
        let value = nested(depth);
        let text = to_pretty_string(&value);
        dismantle(value);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2 * depth + 1);
        assert_eq!(lines[depth], format!("{}1", " ".repeat(2 * depth)));
        assert_eq!(lines[2 * depth], "]");
    }

    #[test]
    fn streaming_writer_output_equals_buffered_output() {
        let members: Map = (0..6_000)
            .map(|i| {
                (
                    Cow::Owned(format!("key{i}")),
                    Value::string(format!("value \"{i}\" é\u{2019}")),
                )
            })
            .collect();
        let doc = Value::Object(members);
        for (streamed, buffered) in [
            (
                write_with(|w| write_compact_to(&doc, w)),
                to_compact_string(&doc),
            ),
            (
                write_with(|w| write_smart_to(&doc, w)),
                to_smart_string(&doc),
            ),
            (
                write_with(|w| write_pretty_to(&doc, w)),
                to_pretty_string(&doc),
            ),
        ] {
            assert!(buffered.len() > 2 * FLUSH_AT);
            assert_eq!(streamed, buffered);
        }
    }

    /// A writer that records how large each write was.
    #[derive(Default)]
    struct Recorder {
        bytes: Vec<u8>,
        largest_write: usize,
    }

    impl io::Write for Recorder {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.largest_write = self.largest_write.max(buf.len());
            self.bytes.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn write_with(f: impl FnOnce(&mut Recorder) -> io::Result<()>) -> String {
        let mut rec = Recorder::default();
        f(&mut rec).expect("in-memory write");
        assert!(rec.largest_write < 2 * FLUSH_AT, "writes are chunked");
        String::from_utf8(rec.bytes).expect("UTF-8 output")
    }

    #[test]
    fn append_writers_keep_existing_content() {
        let mut out = b"x".to_vec();
        write_compact(&Value::Int(-12), &mut out);
        write_smart(&Value::Bool(true), &mut out);
        write_pretty(&Value::Null, &mut out);
        assert_eq!(out, b"x-12truenull");
    }
}
