//! Where rules values were written: byte spans, values that carry one, and the source file they
//! index into.

use std::borrow::Cow;
use std::fmt;
use std::ops::{Deref, Range};
use std::sync::OnceLock;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Serialize, Serializer};

use crate::diag::{LineStarts, Location};

/// A byte range in the text of a rules file. Spans of values built by default (not written in the
/// file) are empty and start at 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }

    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(self) -> bool {
        self.end <= self.start
    }

    /// The span from the start of `self` to the end of `other`.
    #[must_use]
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start, other.end.max(self.start))
    }
}

impl From<Range<usize>> for Span {
    fn from(range: Range<usize>) -> Span {
        Span::new(range.start, range.end)
    }
}

/// A value and the span of the text it was read from.
///
/// The span is the value's own node: a scalar's span covers its quotes, a mapping's span starts at
/// its tag or first key. A value in a mapping of names (`properties`, `definitions`, parameter
/// schemas) is located from its name, and a key reported as having no effect at the key. Equality and ordering look at the value only, so rules read from different
/// files (or a YAML and a JSON spelling of the same rules) compare equal. In the JSON Schema a
/// `Located<T>` is exactly `T`.
#[derive(Debug, Clone, Default)]
pub struct Located<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Located<T> {
    pub const fn new(value: T, span: Span) -> Located<T> {
        Located { value, span }
    }

    /// A value that was not written in the file (a default).
    pub fn unlocated(value: T) -> Located<T> {
        Located {
            value,
            span: Span::default(),
        }
    }
}

impl Located<String> {
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

impl AsRef<str> for Located<String> {
    fn as_ref(&self) -> &str {
        &self.value
    }
}

impl<T> Deref for Located<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: PartialEq> PartialEq for Located<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for Located<T> {}

impl<T: PartialOrd> PartialOrd for Located<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        self.value.partial_cmp(&other.value)
    }
}

impl<T: Ord> Ord for Located<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}

impl<T: fmt::Display> fmt::Display for Located<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T: Serialize> Serialize for Located<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

// Transparent: the schema of `Located<T>` is the schema of `T`.
impl<T: JsonSchema> JsonSchema for Located<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

/// The name and text of a rules file, kept with the loaded rules so later phases can report
/// problems as `file:line:col`.
#[derive(Debug, Clone, Default)]
pub struct SourceFile {
    name: String,
    text: String,
    /// Where its lines start, made on first use: a file with many endpoints has many places
    /// to report.
    lines: OnceLock<LineStarts>,
}

impl PartialEq for SourceFile {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.text == other.text
    }
}

impl Eq for SourceFile {}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        SourceFile {
            name: name.into(),
            text: text.into(),
            lines: OnceLock::new(),
        }
    }

    /// The file name as given to the loader.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The diagnostic location of `span` in this file.
    pub fn location(&self, span: Span) -> Location {
        let end = span.end.min(self.text.len()).max(span.start);
        let lines = self.lines.get_or_init(|| LineStarts::new(&self.text));
        let place = lines.line_col(&self.text, span.start);
        Location::at(self.name.clone(), place, span.start..end)
    }
}
