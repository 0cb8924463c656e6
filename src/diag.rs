//! Findings: a stable code, a severity, a place, a message and a fix. Every phase reports in
//! this one type; the renderers print it for people, as JSON, or as GitHub annotations.

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::ops::Range;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// Where a finding is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Location {
    /// A place in a text file (a rules or cases file). `line` and `column` are 1-based, the
    /// column counted in characters; `span` is the byte range in the file's text.
    Source {
        file: String,
        line: u32,
        column: u32,
        #[serde(skip)]
        span: Range<usize>,
    },
    /// A place in a JSON document, as an RFC 6901 JSON Pointer.
    Pointer {
        file: Option<String>,
        pointer: String,
    },
    /// A whole file, with no finer place.
    File { file: String },
}

impl Location {
    /// The location of byte `span` in `text`, the contents of `file`.
    pub fn in_source(file: impl Into<String>, text: &str, span: Range<usize>) -> Location {
        Location::at(file, line_col(text, span.start), span)
    }

    /// The location of byte `span` at `(line, column)` of `file`.
    pub fn at(file: impl Into<String>, (line, column): (u32, u32), span: Range<usize>) -> Location {
        Location::Source {
            file: file.into(),
            line,
            column,
            span,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Source {
                file, line, column, ..
            } => write!(f, "{file}:{line}:{column}"),
            Location::Pointer {
                file: Some(file),
                pointer,
            } => write!(f, "{file}#{pointer}"),
            Location::Pointer {
                file: None,
                pointer,
            } => write!(f, "#{pointer}"),
            Location::File { file } => f.write_str(file),
        }
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`. Lines end at LF, CR LF
/// or a lone CR, as the YAML and JSON readers count them; a byte order mark at the start is not
/// a column: editors do not show it.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let bytes = text.as_bytes();
    let mut line = 1;
    let mut line_start = if text.starts_with('\u{FEFF}') {
        '\u{FEFF}'.len_utf8().min(offset)
    } else {
        0
    };
    for i in memchr::memchr2_iter(b'\n', b'\r', &bytes[..offset]) {
        // A CR directly followed by LF ends the line at the LF.
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            continue;
        }
        line += 1;
        line_start = i + 1;
    }
    let column = text
        .get(line_start..offset)
        .map_or(offset - line_start, |s| s.chars().count())
        + 1;
    (line as u32, column as u32)
}

/// Where the lines of a text start, for the line numbers of many places at once (what
/// [`line_col`] counts for one place from the start of the text).
#[derive(Debug, Clone)]
pub struct LineStarts {
    starts: Vec<usize>,
}

impl LineStarts {
    pub fn new(text: &str) -> LineStarts {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            // A CR directly followed by LF ends the line at the LF.
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                continue;
            }
            starts.push(i + 1);
        }
        LineStarts { starts }
    }

    /// The 1-based line of byte `offset`, as [`line_col`] gives it.
    pub fn line(&self, offset: usize) -> u32 {
        // The line whose start is the last one at or before `offset`; a line break's own
        // byte belongs to the line it ends.
        self.starts.partition_point(|&start| start <= offset) as u32
    }

    /// [`line_col`] of byte `offset` in `text`, the text these line starts were made from.
    pub fn line_col(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(text.len());
        let line = self.line(offset);
        let mut start = self.starts[line as usize - 1];
        if line == 1 && text.starts_with('\u{FEFF}') {
            start = '\u{FEFF}'.len_utf8().min(offset);
        }
        let column = text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        (line, column as u32)
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Diagnostic {
    /// Stable code: `R0xx` rules, `P0xx` paths, `S0xx` sanitize, `H0xx` harness.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub location: Option<Location>,
    /// How to fix it, when that is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            location: None,
            help: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    #[must_use]
    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// This finding without an excerpt of its file, for a file that names none of the keys of
    /// `format` (`"the rules format"`): likely a salt, a key or a response body given in the
    /// place of a rules or case file, whose text may be a secret or personal data. Its line
    /// and column move into the message.
    #[must_use]
    pub fn unquoted(mut self, format: &str) -> Self {
        if let Some(Location::Source {
            file, line, column, ..
        }) = &self.location
        {
            self.message = format!(
                "{} (at {line}:{column}); the file names none of the keys of {format}: likely \
                 a secret or a response body, which is not quoted",
                self.message
            );
            self.location = Some(Location::File { file: file.clone() });
        }
        self
    }
}

impl fmt::Display for Diagnostic {
    /// The one-line form: `FILE:LINE:COL: error[R012]: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = &self.location {
            write!(f, "{loc}: ")?;
        }
        write!(f, "{}[{}]: {}", self.severity, self.code, self.message)
    }
}

/// How findings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// `FILE:LINE:COL: error[CODE]: message`, a source excerpt and a `help:` line.
    #[default]
    Human,
    /// One JSON array of all findings.
    Json,
    /// GitHub Actions workflow commands (`::error file=…,line=…,col=…,title=CODE::message`).
    Github,
}

/// `text` with its control characters escaped (`\n`, `\r`, `\t`, others as `\u001b`), for
/// printing text that comes from files: a raw control character could move a terminal's cursor
/// or colour its text, or start a line of its own, which GitHub Actions reads as a workflow
/// command when it starts with `::`.
pub fn printable(text: &str) -> Cow<'_, str> {
    escape_controls(text, false)
}

/// Characters of a text from a file that a message quotes before it is cut.
pub const QUOTED_CHARS: usize = 100;

/// `text` as a message quotes it: cut after [`QUOTED_CHARS`] characters with `…`, and
/// [`printable`]. A pointer, request or key of any length keeps a message to a line.
pub fn quoted(text: &str) -> String {
    match text.char_indices().nth(QUOTED_CHARS) {
        Some((end, _)) => format!("{}…", printable(&text[..end])),
        None => printable(text).into_owned(),
    }
}

/// [`printable`] for a text of several lines: its line breaks (LF) are kept.
pub fn printable_lines(text: &str) -> Cow<'_, str> {
    escape_controls(text, true)
}

/// Whether `c` shows nothing where it stands: a soft hyphen, a zero-width space or joiner, a
/// direction mark or override, a variation selector, a byte order mark, or a letter that is a
/// blank filler. It can hide in a value, or split one, without changing how it reads.
pub(crate) fn shows_nothing(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
    )
}

/// Whether `c` is escaped in text from files: a control character, a line or paragraph
/// separator, or one that shows nothing ([`shows_nothing`]), with which two lines of a diff
/// look the same or a line shows what it does not hold. Joiners (U+200C, U+200D) and
/// variation selectors are kept: scripts and emoji need them.
fn is_escaped_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}')
        || (shows_nothing(c)
            && !matches!(
                c,
                '\u{200C}' | '\u{200D}' | '\u{180B}'..='\u{180D}' | '\u{180F}' | '\u{FE00}'..='\u{FE0F}'
            ))
}

fn escape_controls(text: &str, keep_lf: bool) -> Cow<'_, str> {
    let is_escaped = |c: char| is_escaped_char(c) && !(keep_lf && c == '\n');
    if !text.chars().any(is_escaped) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_escaped(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn push_escaped(out: &mut String, c: char) {
    let _ = match c {
        '\n' => write!(out, "\\n"),
        '\r' => write!(out, "\\r"),
        '\t' => write!(out, "\\t"),
        c => write!(out, "\\u{:04x}", u32::from(c)),
    };
}

/// An excerpt line made [`printable`], with `range` moved to the same characters. Tabs are
/// kept: the renderer shows them as spaces.
fn printable_excerpt(line: &str, range: Range<usize>) -> (String, Range<usize>) {
    let mut out = String::with_capacity(line.len());
    let (mut start, mut end) = (None, None);
    for (i, c) in line.char_indices() {
        if i == range.start {
            start = Some(out.len());
        }
        if i == range.end {
            end = Some(out.len());
        }
        if is_escaped_char(c) && c != '\t' {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    let start = start.unwrap_or(out.len());
    let end = end.unwrap_or(out.len()).max(start);
    (out, start..end)
}

/// Whether output is coloured (ANSI escapes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Paint {
    pub color: bool,
}

impl Paint {
    pub(crate) fn wrap(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    pub(crate) fn red(self, text: &str) -> String {
        self.wrap("1;31", text)
    }

    pub(crate) fn green(self, text: &str) -> String {
        self.wrap("1;32", text)
    }

    pub(crate) fn cyan(self, text: &str) -> String {
        self.wrap("36", text)
    }

    /// A unified diff with removed lines red and added lines green.
    pub(crate) fn diff(self, text: &str) -> String {
        if !self.color {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len());
        for line in text.split_inclusive('\n') {
            let body = line.strip_suffix('\n').unwrap_or(line);
            let styled = if body.starts_with("---") || body.starts_with("+++") {
                self.wrap("1", body)
            } else if body.starts_with("@@") {
                self.cyan(body)
            } else if body.starts_with('-') {
                self.wrap("31", body)
            } else if body.starts_with('+') {
                self.wrap("32", body)
            } else {
                body.to_owned()
            };
            out.push_str(&styled);
            if line.ends_with('\n') {
                out.push('\n');
            }
        }
        out
    }
}

/// Renders one finding for people. `source` is the text of the file the finding is in; without
/// it (or for a finding without a source place) only the header and help lines are printed.
/// Control characters of the message, place, help and excerpt are escaped ([`printable`]).
pub fn render_human(d: &Diagnostic, source: Option<&str>) -> String {
    render_human_painted(d, source, Paint::default())
}

/// [`render_human`], coloured when `paint` says so: the severity and code red (errors) or
/// yellow (warnings), the place and message bold, the excerpt as the snippet renderer styles it.
pub fn render_human_painted(d: &Diagnostic, source: Option<&str>, paint: Paint) -> String {
    use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

    // The one-line form, each part made printable on its own and painted.
    let place = d
        .location
        .as_ref()
        .map_or_else(String::new, |loc| format!("{loc}: "));
    let kind = format!("{}[{}]", d.severity, d.code);
    let kind = match d.severity {
        Severity::Error => paint.red(&kind),
        Severity::Warning => paint.wrap("1;33", &kind),
    };
    let mut out = format!(
        "{}{kind}{}",
        paint.wrap("1", &printable(&place)),
        paint.wrap("1", &printable(&format!(": {}", d.message)))
    );
    out.push('\n');
    let excerpt = match (&d.location, source) {
        (Some(Location::Source { line, span, .. }), Some(text)) => {
            excerpt(text, span.clone()).map(|(lines, range)| {
                let (lines, range) = printable_excerpt(&lines, range);
                (lines, range, *line)
            })
        }
        _ => None,
    };
    let help = d.help.as_deref().map(printable);
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let mut group = Group::with_level(level.clone());
    let mut has_elements = false;
    if let Some((lines, range, line)) = &excerpt {
        group = group.element(
            Snippet::source(lines.as_str())
                .line_start(*line as usize)
                .annotation(AnnotationKind::Primary.span(range.clone())),
        );
        has_elements = true;
    }
    if let Some(help) = &help {
        group = group.element(Level::HELP.message(help.as_ref()));
        has_elements = true;
    }
    if has_elements {
        let renderer = if paint.color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        out.push_str(&renderer.render(&[group]));
        out.push('\n');
    }
    out
}

/// Bytes of a long line shown before and after the annotated span.
const EXCERPT_CONTEXT: usize = 60;

/// The source line holding `span` (clipped to that line, and to a window around the span when the
/// line is long), and the span within it.
fn excerpt(text: &str, span: Range<usize>) -> Option<(String, Range<usize>)> {
    let start = span.start.min(text.len());
    if !text.is_char_boundary(start) {
        return None;
    }
    // Lines end at LF, CR LF or a lone CR, as `line_col` counts them.
    let mut line_start = text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let mut line_end = text[start..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| start + i);
    // The whole line with a secret's value blanked, byte for byte: the offsets stay.
    let (whole_start, whole_end) = (line_start, line_end);
    let mut end = span.end.clamp(start, line_end.max(start));
    end = end.min(start + 2 * EXCERPT_CONTEXT);
    while !text.is_char_boundary(end) {
        end += 1;
    }
    let (mut prefix, mut suffix) = ("", "");
    if start - line_start > EXCERPT_CONTEXT {
        line_start = start - EXCERPT_CONTEXT;
        while !text.is_char_boundary(line_start) {
            line_start += 1;
        }
        prefix = "...";
    }
    if line_end > end + EXCERPT_CONTEXT {
        line_end = end + EXCERPT_CONTEXT;
        while !text.is_char_boundary(line_end) {
            line_end += 1;
        }
        suffix = "...";
    }
    let anchors = SecretAnchors::new(text);
    let whole_line = &text[whole_start..whole_end];
    let whole = if continues_secret(text, whole_start, &anchors) {
        // Everything after the indentation.
        blank_after(whole_line, indentation(whole_line))
    } else if let Some(after) = anchored_value(whole_line, &anchors) {
        blank_after(whole_line, after)
    } else {
        match mask_secret_value(whole_line) {
            std::borrow::Cow::Borrowed(line) => mask_commented_assignments(line),
            std::borrow::Cow::Owned(line) => mask_commented_assignments(&line).into_owned().into(),
        }
    };
    let shown = &whole[line_start - whole_start..line_end - whole_start];
    let line = format!("{prefix}{shown}{suffix}");
    let offset = prefix.len();
    let mut range = (start - line_start + offset)..(end - line_start + offset);
    if range.is_empty() {
        // Point at one character (or just past the end of the line).
        let width = line[range.start..].chars().next().map_or(0, char::len_utf8);
        range.end = range.start + width;
    }
    Some((line, range))
}

/// `line` with the value of each key that names a secret (`salt:`, `encryptionKey:`,
/// `"PSOXY_SALT":`, `password:`, ...) replaced by one `*` per byte, wherever the key stands: at
/// the start of a block mapping's line, or inside a flow mapping or a JSON object. Other lines
/// are returned as they are.
fn mask_secret_value(line: &str) -> std::borrow::Cow<'_, str> {
    let bytes = line.as_bytes();
    // Byte ranges to blank.
    let mut values: Vec<Range<usize>> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let key_start = i;
        let key_end = match bytes[i] {
            b'"' | b'\'' => quoted_end(bytes, i),
            c if is_plain_key_byte(c) => {
                while i < bytes.len() && is_plain_key_byte(bytes[i]) {
                    i += 1;
                }
                i
            }
            _ => {
                i += 1;
                continue;
            }
        };
        i = key_end;
        let mut colon = key_end;
        while matches!(bytes.get(colon), Some(b' ' | b'\t')) {
            colon += 1;
        }
        if bytes.get(colon) != Some(&b':') || !names_secret(&line[key_start..key_end]) {
            continue;
        }
        let mut value_start = colon + 1;
        while matches!(bytes.get(value_start), Some(b' ' | b'\t')) {
            value_start += 1;
        }
        let value_end = match bytes.get(value_start) {
            None => break,
            Some(b'"' | b'\'') => quoted_end(bytes, value_start),
            // A plain value in a block mapping runs to the end of the line; in a flow mapping or
            // an object, to the next separator.
            Some(_)
                if line[..key_start]
                    .trim_start_matches([' ', '\t', '-'])
                    .is_empty() =>
            {
                bytes.len()
            }
            Some(_) => bytes[value_start..]
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']'))
                .map_or(bytes.len(), |n| value_start + n),
        };
        values.push(value_start..value_end);
        i = value_end;
    }
    blank_ranges(line, &values)
}

/// `line` with the bytes of each of `values` (in order, apart) replaced by one `*` each.
fn blank_ranges<'l>(line: &'l str, values: &[Range<usize>]) -> std::borrow::Cow<'l, str> {
    if values.is_empty() {
        return line.into();
    }
    let mut masked = String::with_capacity(line.len());
    let mut kept = 0;
    for value in values {
        masked.push_str(&line[kept..value.start]);
        masked.extend(std::iter::repeat_n('*', value.len()));
        kept = value.end;
    }
    masked.push_str(&line[kept..]);
    masked.into()
}

/// `line` with its bytes from `start` on replaced by one `*` each.
fn blank_after(line: &str, start: usize) -> std::borrow::Cow<'_, str> {
    blank_ranges(line, std::slice::from_ref(&(start..line.len())))
}

/// Whether the line that starts at `line_start` belongs to the value of a key that names a
/// secret on a line above it: the text of a block scalar (`salt: |`), a plain or quoted value
/// folded onto more lines, or anything nested under the key. Such a line is more indented than
/// the key; the keys it is nested under are found going up, each less indented than the last.
fn continues_secret(text: &str, line_start: usize, anchors: &SecretAnchors<'_>) -> bool {
    let line = text[line_start..]
        .split(['\n', '\r'])
        .next()
        .unwrap_or_default();
    if line.trim().is_empty() {
        return false;
    }
    // Lines above must start left of this to hold the line's value.
    let mut limit = indentation(line);
    for above in text[..line_start].split(['\n', '\r']).rev() {
        if limit == 0 {
            break;
        }
        let content = above.trim_start_matches([' ', '\t']);
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        // The key of `- key: value` stands after the dash.
        let key = content.trim_start_matches(['-', ' ', '\t']);
        let key_column = above.len() - key.len();
        if key_column >= limit {
            continue;
        }
        if is_block_key(key) {
            let name = key.split(':').next().unwrap_or_default().trim_end();
            if names_secret(name) {
                return true;
            }
        }
        if anchored_value(above, anchors).is_some() {
            return true;
        }
        limit = indentation(above);
    }
    false
}

/// The anchors of a text whose value a key that names a secret takes by alias (`salt: *prod`),
/// so that the value is blanked where it is written (`x: &prod value`) as well. They are looked
/// for in the whole text once a line shown defines an anchor, and only then.
struct SecretAnchors<'t> {
    text: &'t str,
    names: std::cell::OnceCell<Vec<&'t str>>,
}

impl<'t> SecretAnchors<'t> {
    fn new(text: &'t str) -> Self {
        SecretAnchors {
            text,
            names: std::cell::OnceCell::new(),
        }
    }
}

/// The anchors of `text` that a key that names a secret takes by alias.
fn secret_anchors(text: &str) -> Vec<&str> {
    if !text.contains('*') {
        return Vec::new();
    }
    let mut anchors = Vec::new();
    for line in text.split(['\n', '\r']) {
        // `key: *name`, also inside a flow mapping: `{salt: *name}`.
        let mut rest = line;
        while let Some(star) = rest.find('*') {
            let (before, after) = (&rest[..star], &rest[star + 1..]);
            rest = after;
            let Some(key) = before.trim_end_matches([' ', '\t']).strip_suffix(':') else {
                continue;
            };
            let key = key
                .rsplit(['{', ','])
                .next()
                .unwrap_or_default()
                .trim_start_matches([' ', '\t', '-']);
            let name = anchor_name(after);
            if names_secret(key) && !name.is_empty() {
                anchors.push(name);
            }
        }
    }
    anchors
}

/// The anchor or alias name at the start of `text` (after its `&` or `*`).
fn anchor_name(text: &str) -> &str {
    let end = text
        .find(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}'))
        .unwrap_or(text.len());
    &text[..end]
}

/// Where the value that follows one of `anchors` on `line` starts (just past `&name`), if the
/// line defines one of them.
fn anchored_value(line: &str, anchors: &SecretAnchors<'_>) -> Option<usize> {
    if !line.contains('&') {
        return None;
    }
    let anchors = anchors.names.get_or_init(|| secret_anchors(anchors.text));
    if anchors.is_empty() {
        return None;
    }
    let mut from = 0;
    while let Some(amp) = line[from..].find('&') {
        let start = from + amp + 1;
        let name = anchor_name(&line[start..]);
        if anchors.contains(&name) {
            return Some(start + name.len());
        }
        from = start;
    }
    None
}

/// Spaces and tabs at the start of `line`.
fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

/// Whether `content` (a line without its indentation) opens with a key and its colon.
fn is_block_key(content: &str) -> bool {
    let bytes = content.as_bytes();
    let end = match bytes.first() {
        Some(b'"' | b'\'') => quoted_end(bytes, 0),
        Some(_) => bytes
            .iter()
            .position(|&b| !is_plain_key_byte(b))
            .unwrap_or(bytes.len()),
        None => return false,
    };
    content[end..]
        .trim_start_matches([' ', '\t'])
        .starts_with(':')
}

/// Whether a byte can be part of a key written without quotes.
fn is_plain_key_byte(b: u8) -> bool {
    !matches!(
        b,
        b' ' | b'\t' | b',' | b'{' | b'}' | b'[' | b']' | b':' | b'"' | b'\'' | b'#'
    )
}

/// The end (just past the closing quote, or the end of the line) of the quoted text that opens
/// at `start`: a `\` escapes the next byte in double quotes, `''` is a quote in single quotes.
fn quoted_end(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b if b == quote && quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Whether a key (quoted or not) names a secret: a salt, a key, a password...
fn names_secret(key: &str) -> bool {
    const SECRETS: [&str; 7] = [
        "salt",
        "encryptionkey",
        "secret",
        "password",
        "passwd",
        "privatekey",
        "apikey",
    ];
    let key: String = key
        .trim_matches(['"', '\''])
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect();
    // `key`, `token` and names ending in `token` (`accessToken`) too, but not `tokenize`.
    SECRETS.iter().any(|s| key.contains(s))
        || key == "key"
        || key.ends_with("token")
        || key.ends_with("credentials")
}

/// `line` with the values that a comment assigns to a secret's name blanked, one `*` per
/// byte: `# PSOXY_SALT=…`, `# export API_TOKEN="…"`, as notes on how a file was made may hold
/// them. Outside comments, `name=` is text of the rules (a regex, a URL) and is shown.
fn mask_commented_assignments(line: &str) -> std::borrow::Cow<'_, str> {
    let bytes = line.as_bytes();
    // The comment's start: a `#` at the start of the line or after a space, outside quotes.
    let mut i = 0;
    let mut comment = None;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'\'' => i = quoted_end(bytes, i),
            b'#' if i == 0 || matches!(bytes[i - 1], b' ' | b'\t') => {
                comment = Some(i);
                break;
            }
            _ => i += 1,
        }
    }
    let Some(comment) = comment else {
        return line.into();
    };
    let mut values: Vec<Range<usize>> = Vec::new();
    for (eq, _) in line[comment..].match_indices('=') {
        let eq = comment + eq;
        let name_start = line[..eq]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
            .map_or(0, |j| j + 1);
        let name = &line[name_start..eq];
        let start = eq + 1;
        if name.is_empty() || !names_secret(name) || values.last().is_some_and(|v| v.end > eq) {
            continue;
        }
        let end = match bytes.get(start) {
            Some(b'"' | b'\'') => quoted_end(bytes, start),
            _ => line[start..]
                .find(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '&'))
                .map_or(line.len(), |n| start + n),
        };
        if end > start {
            values.push(start..end);
        }
    }
    blank_ranges(line, &values)
}

/// Renders findings as one JSON array (`code`, `severity`, `message`, `location`, `help`).
pub fn render_json(diags: &[Diagnostic]) -> String {
    let mut text = serde_json::to_string_pretty(diags).unwrap_or_else(|_| "[]".to_owned());
    text.push('\n');
    text
}

/// Renders one finding as a GitHub Actions workflow command, which the runner shows as an
/// annotation on the file.
pub fn render_github(d: &Diagnostic) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut props = Vec::new();
    // Control characters from files are escaped as in the human form, where a terminal shows
    // the annotations of a log.
    let mut message = printable_lines(&d.message).into_owned();
    match &d.location {
        // Standard input is no file of the repository to annotate: its place goes in the text.
        Some(Location::Source {
            file, line, column, ..
        }) if file == "-" => {
            message = format!("{message} (standard input, line {line}, column {column})");
        }
        Some(Location::Source {
            file, line, column, ..
        }) => {
            props.push(format!("file={}", file_property(file)));
            props.push(format!("line={line}"));
            props.push(format!("col={column}"));
        }
        Some(
            Location::Pointer {
                file: Some(file), ..
            }
            | Location::File { file },
        ) if file == "-" => {}
        Some(
            Location::Pointer {
                file: Some(file), ..
            }
            | Location::File { file },
        ) => props.push(format!("file={}", file_property(file))),
        _ => {}
    }
    props.push(format!("title={}", escape_property(d.code)));
    match &d.location {
        Some(Location::Pointer { pointer, .. }) if pointer.is_empty() => {
            message = format!("{message} (the whole document)");
        }
        Some(Location::Pointer { pointer, .. }) => {
            message = format!("{message} (at {})", printable(pointer));
        }
        _ => {}
    }
    if let Some(help) = &d.help {
        message = format!("{message}\nhelp: {}", printable_lines(help));
    }
    format!(
        "::{command} {}::{}\n",
        props.join(","),
        escape_data(&message)
    )
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The `file` property of an annotation: the path as GitHub decodes it back, line breaks in a
/// name included; a name with other control characters shows them escaped, as messages do.
fn file_property(file: &str) -> String {
    if file
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r')
    {
        escape_property(&printable(file))
    } else {
        escape_property(file)
    }
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_starts_give_the_places_of_line_col() {
        for text in ["a\nbc\r\nd\re\n\n\r\r\nf", "\u{FEFF}ab\nçd\r\n\u{FEFF}é"] {
            let starts = LineStarts::new(text);
            for offset in
                (0..=text.len() + 2).filter(|&o| o >= text.len() || text.is_char_boundary(o))
            {
                assert_eq!(starts.line(offset), line_col(text, offset).0, "{offset}");
                assert_eq!(
                    starts.line_col(text, offset),
                    line_col(text, offset),
                    "{offset}"
                );
            }
        }
    }

    #[test]
    fn line_col_counts_lines_and_characters_from_one() {
        let text = "ab\ncé d\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        // 'é' is two bytes but one column.
        assert_eq!(line_col(text, 6), (2, 3));
    }

    #[test]
    fn lines_end_at_lf_crlf_or_a_lone_cr() {
        let text = "a\r\nb\rc\nd";
        for (c, expected) in [('a', (1, 1)), ('b', (2, 1)), ('c', (3, 1)), ('d', (4, 1))] {
            assert_eq!(line_col(text, text.find(c).unwrap_or(0)), expected, "{c}");
        }
        // The excerpt is the line alone, whatever ends it.
        let (line, range) = excerpt(text, 5..6).expect("an excerpt");
        assert_eq!((line.as_str(), range), ("c", 0..1));
    }

    #[test]
    fn excerpts_blank_the_values_of_keys_that_name_secrets() {
        let text = "transforms:\n  - !<redact>\n    salt: \"Süper-Secret 1\"\n    PSOXY_ENCRYPTION_KEY: k3y\n    jsonPaths: [\"$.a\"]\n";
        let at = text.find("salt").expect("there");
        let (line, range) = excerpt(text, at..at + 4).expect("an excerpt");
        // One `*` per byte: `ü` takes two.
        assert_eq!(line, format!("    salt: {}", "*".repeat(17)));
        assert_eq!(&line[range], "salt");
        // A span inside the value keeps its place.
        let at = text.find("k3y").expect("there");
        let (line, range) = excerpt(text, at..at + 3).expect("an excerpt");
        assert_eq!(line, "    PSOXY_ENCRYPTION_KEY: ***");
        assert_eq!(range, 26..29);
        let at = text.find("jsonPaths").expect("there");
        assert_eq!(
            excerpt(text, at..at + 9).expect("an excerpt").0,
            "    jsonPaths: [\"$.a\"]"
        );
    }

    #[test]
    fn excerpts_blank_secrets_in_flow_mappings_and_json_objects() {
        let masked = |line: &str| mask_secret_value(line).into_owned();
        assert_eq!(
            masked(r#"    {"pathTemplate": "/v1/users", "salt": "Pr0d\"Salt!"}"#),
            r#"    {"pathTemplate": "/v1/users", "salt": *************}"#
        );
        assert_eq!(
            masked(r#"{"endpoints": [], "PSOXY_SALT": "TopSecret", "encryption_key": "K3y"}"#),
            r#"{"endpoints": [], "PSOXY_SALT": ***********, "encryption_key": *****}"#
        );
        assert_eq!(
            masked("- {pathTemplate: /x, salt: s3cr3t, jsonPaths: [$.a]}"),
            "- {pathTemplate: /x, salt: ******, jsonPaths: [$.a]}"
        );
        assert_eq!(
            masked("{rules: r.yaml, salt: 'it''s', encryptionKey: \"k\", cases: []}"),
            "{rules: r.yaml, salt: *******, encryptionKey: ***, cases: []}"
        );
        // In a block mapping a plain value runs to the end of the line, commas included.
        assert_eq!(masked("  - salt: a,b}c"), "  - salt: *****");
        // A secret's name inside a quoted value is no key.
        for line in [r#"regex: "salt: (.*)""#, "jsonPaths: ['$.salt']", "salt:"] {
            assert_eq!(masked(line), line);
        }
    }

    #[test]
    fn excerpts_blank_secret_values_continued_on_later_lines() {
        let shown = |text: &str, needle: &str| {
            let at = text.find(needle).expect("there");
            excerpt(text, at..at + needle.len()).expect("an excerpt").0
        };
        let text = "cases:\n  - name: a\n    salt: |\n      Pr0d-Salt\n\n      \
                    more\n    rules: r.yaml\n  - encryptionKey:\n      \"K3y\"\n    name: b\n";
        assert_eq!(shown(text, "Pr0d"), "      *********");
        // A blank line does not end the block scalar.
        assert_eq!(shown(text, "more"), "      ****");
        // The next key of the same mapping, and of the next item, is shown.
        assert_eq!(shown(text, "rules"), "    rules: r.yaml");
        assert_eq!(shown(text, "K3y"), "      *****");
        assert_eq!(shown(text, "name: b"), "    name: b");
        // A plain value folded onto the next line, and a value nested deeper under the key.
        let text = "PSOXY_SALT: first\n  second\nsecrets:\n  main:\n    value: x\nother:\n  y\n";
        assert_eq!(shown(text, "second"), "  ******");
        assert_eq!(shown(text, "value"), "    ********");
        assert_eq!(shown(text, "y"), "  y");
        // A comment line at a smaller indentation does not hide the key above it.
        let text = "salt: >\n# note\n    folded\n";
        assert_eq!(shown(text, "folded"), "    ******");
    }

    #[test]
    fn excerpts_blank_keys_and_tokens_and_what_comments_assign_to_secrets() {
        let masked = |line: &str| mask_secret_value(line).into_owned();
        assert_eq!(masked("key: abc"), "key: ***");
        assert_eq!(masked("  accessToken: \"x1\""), "  accessToken: ****");
        assert_eq!(
            masked("- {token: t, api_credentials: c}"),
            "- {token: *, api_credentials: *}"
        );
        // Keys of the format that only hold such a word are shown.
        for line in ["tokenize: x", "keys: [a]", "tokens_seen: 2", "monkey: 1"] {
            assert_eq!(masked(line), line);
        }
        let text = "# PSOXY_SALT=Pr0d-Salt export API_TOKEN=\"t 1\" mode=fast\n\
                    regex: \"token=([^&]+)\" # SALT_IP='s2',x\nname: a#PSOXY_SALT=kept\n";
        let line = |n: usize| {
            let start = text
                .split_inclusive('\n')
                .take(n)
                .map(str::len)
                .sum::<usize>();
            excerpt(text, start..start + 1).expect("an excerpt").0
        };
        assert_eq!(
            line(0),
            "# PSOXY_SALT=********* export API_TOKEN=***** mode=fast"
        );
        // In the rules, `token=` is a regex; in the comment after it, `SALT_IP=` is a secret.
        assert_eq!(line(1), "regex: \"token=([^&]+)\" # SALT_IP=****,x");
        // A `#` inside a plain value starts no comment.
        assert_eq!(line(2), "name: a#PSOXY_SALT=kept");
    }

    #[test]
    fn excerpts_blank_values_that_a_secret_takes_by_alias() {
        let shown = |text: &str, needle: &str| {
            let at = text.find(needle).expect("there");
            excerpt(text, at..at + needle.len()).expect("an excerpt").0
        };
        let text = "defaults:\n  prod: &prod Pr0d-Salt\n  long: &key |\n    K3y\n  \
                    note: &n text\ncases:\n  - {name: a, salt: *prod}\n  - encryptionKey: *key\n\
                    \x20   label: *n\n";
        assert_eq!(shown(text, "prod:"), "  prod: &prod**********");
        assert_eq!(shown(text, "K3y"), "    ***");
        // An anchor no secret takes is shown; an alias is a secret's value, blanked as any.
        assert_eq!(shown(text, "note"), "  note: &n text");
        assert_eq!(shown(text, "label"), "    label: *n");
        assert_eq!(shown(text, "name: a"), "  - {name: a, salt: *****}");
    }

    #[test]
    fn excerpts_at_the_end_of_a_text_of_line_breaks_do_not_panic() {
        for text in ["\r\r", "\r\n", "\n\r", "x\r"] {
            for start in 0..=text.len() {
                let d =
                    Diagnostic::error("R013", "m").at(Location::in_source("f", text, start..start));
                let _ = render_human(&d, Some(text));
            }
        }
    }

    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let text = "\u{FEFF}endpoints: 5\nx: 1\n";
        assert_eq!(line_col(text, 3), (1, 1));
        assert_eq!(line_col(text, text.find('5').unwrap_or(0)), (1, 12));
        assert_eq!(line_col(text, text.find('x').unwrap_or(0)), (2, 1));
    }

    fn sample() -> Diagnostic {
        Diagnostic::error("R012", "unknown key `methods`")
            .at(Location::in_source(
                "zoom.yaml",
                "a: 1\nb:\n  methods: [GET]\n",
                10..17,
            ))
            .with_help("did you mean `allowedMethods`?")
    }

    #[test]
    fn human_form_has_header_excerpt_and_help() {
        let text = "a: 1\nb:\n  methods: [GET]\n";
        let out = render_human(&sample(), Some(text));
        assert_eq!(
            out,
            "zoom.yaml:3:3: error[R012]: unknown key `methods`\n  |\n3 |   methods: [GET]\n  |   ^^^^^^^\n  |\n  = help: did you mean `allowedMethods`?\n"
        );
    }

    #[test]
    fn quoted_text_is_cut_after_a_hundred_characters() {
        let long = "é".repeat(QUOTED_CHARS + 1);
        assert_eq!(quoted(&long), format!("{}…", "é".repeat(QUOTED_CHARS)));
        assert_eq!(quoted(&long[2..]), long[2..]);
        assert_eq!(quoted("a\u{1b}b"), r"a\u001bb");
    }

    #[test]
    fn control_characters_are_printed_escaped() {
        assert_eq!(
            printable("a\nb\r\tc\u{1b}[2J\0\u{9b}"),
            r"a\nb\r\tc\u001b[2J\u0000\u009b"
        );
        assert_eq!(printable_lines("a\u{7}\nb"), "a\\u0007\nb");
        assert!(matches!(printable("plain ü"), Cow::Borrowed(_)));
    }

    #[test]
    fn characters_that_show_nothing_or_reorder_text_are_printed_escaped() {
        // A byte order mark, as an editor adds it, would make two lines of a diff look alike.
        assert_eq!(printable_lines("-\u{feff}{\n+{"), "-\\ufeff{\n+{");
        assert_eq!(
            printable("Bo\u{200b}b \u{202e}cba\u{2066}"),
            r"Bo\u200bb \u202ecba\u2066"
        );
        // Soft hyphens, fillers that show as blanks, a direction mark, a line separator.
        assert_eq!(
            printable("a\u{ad}b\u{3164}c\u{2800}d\u{61c}e\u{2028}f\u{115f}"),
            r"a\u00adb\u3164c\u2800d\u061ce\u2028f\u115f"
        );
        // Joiners stay, as in emoji sequences, and so do variation selectors.
        assert!(matches!(printable("👩\u{200d}💻"), Cow::Borrowed(_)));
        assert!(matches!(printable("❤\u{fe0f}"), Cow::Borrowed(_)));
    }

    #[test]
    fn human_form_escapes_control_characters_and_keeps_the_caret_on_its_characters() {
        let text = "a: \"x\u{1b}y\"\nb: 1\n";
        let d = Diagnostic::error("H003", "bad `\n::error::forged`")
            .at(Location::in_source("c\u{1b}.yaml", text, 5..7))
            .with_help("not \u{7}");
        assert_eq!(
            render_human(&d, Some(text)),
            "c\\u001b.yaml:1:6: error[H003]: bad `\\n::error::forged`\n  |\n1 | a: \"x\\u001by\"\n  |      ^^^^^^^\n  |\n  = help: not \\u0007\n"
        );
    }

    #[test]
    fn human_form_without_source_keeps_header_and_help() {
        let out = render_human(&sample(), None);
        assert_eq!(
            out,
            "zoom.yaml:3:3: error[R012]: unknown key `methods`\n = help: did you mean `allowedMethods`?\n"
        );
    }

    #[test]
    fn github_form_escapes_properties_and_message() {
        let d = Diagnostic::warning("R039", "50% done\nnext").at(Location::File {
            file: "a,b:c.yaml".into(),
        });
        assert_eq!(
            render_github(&d),
            "::warning file=a%2Cb%3Ac.yaml,title=R039::50%25 done%0Anext\n"
        );
    }

    #[test]
    fn github_form_escapes_control_characters_from_files() {
        let d = Diagnostic::error("H006", "cannot read the original a\u{1b}[31mX")
            .at(Location::File {
                file: "x\u{1b}[31m.json".into(),
            })
            .with_help("check \u{7}this");
        assert_eq!(
            render_github(&d),
            "::error file=x\\u001b[31m.json,title=H006::cannot read the original \
             a\\u001b[31mX%0Ahelp: check \\u0007this\n"
        );
    }

    #[test]
    fn github_form_names_a_file_with_a_line_break_by_its_path() {
        let d = Diagnostic::error("R004", "x").at(Location::File {
            file: "new\nline.yaml".into(),
        });
        // GitHub decodes `%0A` back into the line break of the name.
        assert_eq!(
            render_github(&d),
            "::error file=new%0Aline.yaml,title=R004::x\n"
        );
    }

    #[test]
    fn github_form_gives_no_file_for_standard_input() {
        let d = Diagnostic::error("S003", "the body is not valid JSON").at(Location::Source {
            file: "-".into(),
            line: 2,
            column: 1,
            span: 0..1,
        });
        assert_eq!(
            render_github(&d),
            "::error title=S003::the body is not valid JSON (standard input, line 2, column 1)\n"
        );
        let d = Diagnostic::error("S010", "cannot read").at(Location::File { file: "-".into() });
        assert_eq!(render_github(&d), "::error title=S010::cannot read\n");
    }

    #[test]
    fn json_form_lists_location_without_span() {
        let out = render_json(&[sample()]);
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        assert_eq!(v[0]["code"], "R012");
        assert_eq!(v[0]["location"]["line"], 3);
        assert!(v[0]["location"].get("span").is_none());
    }

    #[test]
    fn one_line_form_has_place_severity_and_code() {
        let d = Diagnostic::error("R012", "unknown key `methods`").at(Location::Source {
            file: "zoom.yaml".into(),
            line: 3,
            column: 5,
            span: 0..1,
        });
        assert_eq!(
            d.to_string(),
            "zoom.yaml:3:5: error[R012]: unknown key `methods`"
        );
    }
}
