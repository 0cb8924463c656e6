//! Maps a byte offset in a decoded scalar (a JSONPath or regex string) back to the source text,
//! through the quote, escapes and line folding of the scalar's YAML style.

use super::span::Span;
use super::yaml::Style;

/// The source byte where decoded byte `offset` of a scalar came from. `raw` is the scalar's
/// source text (from its opening quote, or its first character when plain) and `decoded` its
/// value; `offset == decoded.len()` maps to the end of the content. Returns `None` when the raw
/// text does not decode to `decoded` (a block scalar, or a form this reader does not follow), so
/// callers fall back to the scalar's start.
pub(crate) fn source_offset(
    raw: &str,
    style: Style,
    decoded: &str,
    offset: usize,
) -> Option<usize> {
    let (out, map, end) = match style {
        Style::DoubleQuoted => decode_flow(raw, true)?,
        Style::SingleQuoted => decode_flow(raw, false)?,
        Style::Plain => decode_plain(raw),
        Style::Literal => decode_block(raw, false)?,
        Style::Folded => decode_block(raw, true)?,
    };
    // A block scalar's final line breaks depend on its chomping indicator: compared without,
    // they stand at the end of the content.
    let decoded_len = decoded.len();
    let (out, decoded) = match style {
        Style::Literal | Style::Folded => {
            (out.trim_end_matches('\n'), decoded.trim_end_matches('\n'))
        }
        _ => (out.as_str(), decoded),
    };
    if out != decoded || offset > decoded_len {
        return None;
    }
    if offset >= out.len() {
        Some(end)
    } else {
        map.get(offset).copied()
    }
}

/// The span of the source character that decoded byte `offset` of a scalar came from, or the
/// scalar's first line when the offset cannot be mapped.
pub(crate) fn span_in_scalar(
    text: &str,
    scalar: Span,
    style: Style,
    decoded: &str,
    offset: usize,
) -> Span {
    // A block scalar's span starts at its content; its header is on a line before.
    let from = match style {
        Style::Literal | Style::Folded => block_header(text, scalar.start).unwrap_or(scalar.start),
        _ => scalar.start,
    };
    let raw = text.get(from..scalar.end).unwrap_or("");
    match source_offset(raw, style, decoded, offset) {
        Some(at) => {
            let start = from + at;
            let len = text
                .get(start..)
                .and_then(|t| t.chars().next())
                .map_or(0, char::len_utf8);
            Span::new(start, start + len)
        }
        None => super::yaml::first_line(text, scalar),
    }
}

/// Where the header (`|-`, `>`) of a block scalar whose content starts at `content` would be:
/// at the end of the last line before the content's first line that is not blank, after any
/// `- ` or `key:`.
pub(crate) fn block_header(text: &str, content: usize) -> Option<usize> {
    let mut line_start = text.get(..content)?.rfind('\n')?;
    let (header_start, header) = loop {
        let start = text[..line_start].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[start..line_start];
        if !line.trim().is_empty() {
            break (start, line.trim_end_matches('\r'));
        }
        line_start = start.checked_sub(1)?;
    };
    let without_comment = header
        .find(" #")
        .map_or(header, |i| &header[..i])
        .trim_end();
    let at = without_comment.rfind(['|', '>'])?;
    without_comment[at + 1..]
        .chars()
        .all(|c| matches!(c, '-' | '+' | '1'..='9'))
        .then_some(header_start + at)
}

/// Decoded text, the source offset of each decoded byte, and the offset where content ends.
type Decoded = (String, Vec<usize>, usize);

fn push(out: &mut String, map: &mut Vec<usize>, c: char, at: usize) {
    out.push(c);
    map.extend(std::iter::repeat_n(at, c.len_utf8()));
}

/// Folds the line break at `raw[i..]` (YAML flow folding): trailing literal blanks before it are
/// dropped, leading blanks after it skipped, one break becomes a space and `n` breaks `n - 1`
/// newlines. Returns the index after the folded run.
fn fold(
    raw: &str,
    mut i: usize,
    out: &mut String,
    map: &mut Vec<usize>,
    literal_tail: usize,
) -> usize {
    let at = i;
    out.truncate(out.len() - literal_tail);
    map.truncate(out.len());
    let bytes = raw.as_bytes();
    let mut breaks = 0;
    loop {
        match bytes.get(i) {
            Some(b'\r') if bytes.get(i + 1) == Some(&b'\n') => {
                breaks += 1;
                i += 2;
            }
            Some(b'\n' | b'\r') => {
                breaks += 1;
                i += 1;
            }
            Some(b' ' | b'\t') => i += 1,
            _ => break,
        }
    }
    if breaks == 1 {
        push(out, map, ' ', at);
    } else {
        for _ in 1..breaks {
            push(out, map, '\n', at);
        }
    }
    i
}

fn decode_flow(raw: &str, double: bool) -> Option<Decoded> {
    let quote = if double { '"' } else { '\'' };
    if !raw.starts_with(quote) {
        return None;
    }
    let mut out = String::new();
    let mut map = Vec::new();
    // Bytes at the end of `out` that are literal blanks, dropped if a line break follows.
    let mut literal_tail = 0;
    let mut i = 1;
    while let Some(c) = raw[i..].chars().next() {
        match c {
            '\'' if !double => {
                if raw[i + 1..].starts_with('\'') {
                    push(&mut out, &mut map, '\'', i);
                    literal_tail = 0;
                    i += 2;
                } else {
                    return Some((out, map, i));
                }
            }
            '"' if double => return Some((out, map, i)),
            '\\' if double => {
                let esc_at = i;
                let e = raw[i + 1..].chars().next()?;
                i += 1 + e.len_utf8();
                literal_tail = 0;
                let decoded = match e {
                    '\n' | '\r' => {
                        // An escaped line break joins the lines without a space.
                        if e == '\r' && raw[i..].starts_with('\n') {
                            i += 1;
                        }
                        while raw[i..].starts_with([' ', '\t']) {
                            i += 1;
                        }
                        continue;
                    }
                    'x' | 'u' | 'U' => {
                        let n = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let hex = raw.get(i..i + n)?;
                        i += n;
                        char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
                    }
                    '0' => '\0',
                    'a' => '\u{7}',
                    'b' => '\u{8}',
                    't' | '\t' => '\t',
                    'n' => '\n',
                    'v' => '\u{b}',
                    'f' => '\u{c}',
                    'r' => '\r',
                    'e' => '\u{1b}',
                    ' ' => ' ',
                    '"' => '"',
                    '/' => '/',
                    '\\' => '\\',
                    'N' => '\u{85}',
                    '_' => '\u{a0}',
                    'L' => '\u{2028}',
                    'P' => '\u{2029}',
                    _ => return None,
                };
                push(&mut out, &mut map, decoded, esc_at);
            }
            '\n' | '\r' => {
                i = fold(raw, i, &mut out, &mut map, literal_tail);
                literal_tail = 0;
            }
            _ => {
                push(&mut out, &mut map, c, i);
                literal_tail = if c == ' ' || c == '\t' {
                    literal_tail + 1
                } else {
                    0
                };
                i += c.len_utf8();
            }
        }
    }
    None
}

/// A block scalar (`|`, `>`) whose indentation is found from its first line and that has no
/// more-indented line when folded: the lines less their indentation, joined by `\n` (literal)
/// or folded (one break is a space, a break and `n` empty lines are `n` newlines). Final line
/// breaks are left to the caller. `None` for any other form.
fn decode_block(raw: &str, folded: bool) -> Option<Decoded> {
    let header_end = raw.find('\n')?;
    let header = raw[..header_end].trim_end_matches('\r');
    let indicators = header.split('#').next().unwrap_or("").trim_end();
    // `|`, `>-`, `|+`; an explicit indentation digit depends on the parent's: not followed.
    if indicators.len() > 2 || indicators.chars().skip(1).any(|c| c != '-' && c != '+') {
        return None;
    }
    let mut out = String::new();
    let mut map = Vec::new();
    let mut indent = None;
    let mut pending_breaks: Vec<usize> = Vec::new();
    let mut seen_text = false;
    let mut end = raw.len();
    let mut start = header_end + 1;
    while start < raw.len() {
        let line_end = raw[start..].find('\n').map_or(raw.len(), |i| start + i);
        let line = raw[start..line_end].trim_end_matches('\r');
        let spaces = line.len() - line.trim_start_matches(' ').len();
        if line.trim_start_matches(' ').is_empty() {
            pending_breaks.push(line_end);
            start = line_end + 1;
            continue;
        }
        let width = *indent.get_or_insert(spaces);
        if spaces < width {
            break;
        }
        if folded && (spaces > width || line[width..].starts_with('\t')) {
            return None;
        }
        // The breaks before this line: the one that ended the previous text line, then one
        // per empty line.
        if seen_text {
            if folded && pending_breaks.len() == 1 {
                push(&mut out, &mut map, ' ', pending_breaks[0]);
            } else {
                let skip = usize::from(folded);
                for &at in &pending_breaks[skip..] {
                    push(&mut out, &mut map, '\n', at);
                }
            }
        } else {
            for &at in &pending_breaks {
                push(&mut out, &mut map, '\n', at);
            }
        }
        pending_breaks.clear();
        for (i, c) in line[width..].char_indices() {
            push(&mut out, &mut map, c, start + width + i);
        }
        seen_text = true;
        end = start + line.len();
        pending_breaks.push(line_end);
        start = line_end + 1;
    }
    Some((out, map, end))
}

fn decode_plain(raw: &str) -> Decoded {
    let mut out = String::new();
    let mut map = Vec::new();
    let mut literal_tail = 0;
    let mut i = 0;
    while let Some(c) = raw[i..].chars().next() {
        if c == '\n' || c == '\r' {
            i = fold(raw, i, &mut out, &mut map, literal_tail);
            literal_tail = 0;
        } else {
            push(&mut out, &mut map, c, i);
            literal_tail = if c == ' ' || c == '\t' {
                literal_tail + 1
            } else {
                0
            };
            i += c.len_utf8();
        }
    }
    // A plain scalar's span ends at its last character.
    let end = raw.trim_end().len();
    (out, map, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raw: &str, style: Style, decoded: &str, offset: usize) -> Option<usize> {
        source_offset(raw, style, decoded, offset)
    }

    #[test]
    fn double_quoted_offset_skips_the_quote() {
        assert_eq!(at("\"$.a\"", Style::DoubleQuoted, "$.a", 0), Some(1));
        assert_eq!(at("\"$.a\"", Style::DoubleQuoted, "$.a", 2), Some(3));
    }

    #[test]
    fn double_quoted_escapes_take_their_source_width() {
        // `\"User\"` in the source is `"User"` decoded: decoded offset 9 (`U`) is source 11.
        let raw = r#""$[?(@.t == \"User\")]""#;
        let decoded = r#"$[?(@.t == "User")]"#;
        assert_eq!(&decoded[12..13], "U");
        assert_eq!(at(raw, Style::DoubleQuoted, decoded, 12), Some(14));
        assert_eq!(&raw[14..15], "U");
    }

    #[test]
    fn escaped_backslash_maps_to_its_escape() {
        let raw = r#""a\\d+""#;
        assert_eq!(at(raw, Style::DoubleQuoted, r"a\d+", 1), Some(2));
        assert_eq!(at(raw, Style::DoubleQuoted, r"a\d+", 2), Some(4));
    }

    #[test]
    fn escaped_line_break_joins_lines() {
        // As written by Jackson for long strings (§1.11).
        let raw = "\"ab\\\n    cd\"";
        assert_eq!(at(raw, Style::DoubleQuoted, "abcd", 2), Some(9));
        assert_eq!(&raw[9..10], "c");
    }

    #[test]
    fn unescaped_line_break_folds_to_a_space() {
        let raw = "\"ab  \n   cd\"";
        assert_eq!(at(raw, Style::DoubleQuoted, "ab cd", 3), Some(9));
    }

    #[test]
    fn unicode_escape_maps_every_byte_to_the_escape() {
        let raw = "\"\\u00e9x\"";
        assert_eq!(at(raw, Style::DoubleQuoted, "éx", 0), Some(1));
        assert_eq!(at(raw, Style::DoubleQuoted, "éx", 2), Some(7));
    }

    #[test]
    fn single_quoted_doubled_quote_is_one_character() {
        let raw = "'$[''a'']'";
        assert_eq!(at(raw, Style::SingleQuoted, "$['a']", 3), Some(5));
    }

    #[test]
    fn plain_scalar_maps_one_to_one() {
        assert_eq!(at("$..email", Style::Plain, "$..email", 3), Some(3));
    }

    #[test]
    fn mismatch_gives_none() {
        assert_eq!(at("\"abc\"", Style::DoubleQuoted, "abd", 0), None);
        assert_eq!(at("|2\n  abc\n", Style::Literal, "abc\n", 0), None);
        assert_eq!(at("|\n  abc\n", Style::Literal, "abd\n", 0), None);
    }

    #[test]
    fn block_scalars_map_through_their_indentation_and_folding() {
        let raw = "|-\n    $.a\n    $.b = 1\n";
        assert_eq!(at(raw, Style::Literal, "$.a\n$.b = 1", 0), Some(7));
        assert_eq!(at(raw, Style::Literal, "$.a\n$.b = 1", 8), Some(19));
        assert_eq!(&raw[19..20], "=");
        // Folded: one break is a space; a break and an empty line are one newline.
        let raw = ">\n  $..from..[?(@.t\n  != 'bot')].id\n\n  x\n";
        let decoded = "$..from..[?(@.t != 'bot')].id\nx\n";
        assert_eq!(at(raw, Style::Folded, decoded, 16), Some(22));
        assert_eq!(&raw[22..24], "!=");
        assert_eq!(at(raw, Style::Folded, decoded, 30), Some(39));
        assert_eq!(&raw[39..40], "x");
        // A final newline kept by the chomping indicator, and the end, are the content's end.
        assert_eq!(at(raw, Style::Folded, decoded, 31), Some(40));
        assert_eq!(at(raw, Style::Folded, decoded, 32), Some(40));
        // A more-indented line keeps its break when folded: not followed.
        assert_eq!(at(">\n  a\n    b\n", Style::Folded, "a\n  b\n", 0), None);
    }

    #[test]
    fn offset_at_end_maps_to_closing_quote() {
        assert_eq!(at("\"ab\"", Style::DoubleQuoted, "ab", 2), Some(3));
    }
}
