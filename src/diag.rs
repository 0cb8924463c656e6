//! Findings: a stable code, a severity, a place, a message and a fix. Every phase reports in
//! this one type; the renderers print it for people, as JSON, or as GitHub annotations.

use std::fmt;
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
        let (line, column) = line_col(text, span.start);
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

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = text
        .get(line_start..offset)
        .map_or(offset - line_start, |s| s.chars().count())
        + 1;
    (line as u32, column as u32)
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_lines_and_characters_from_one() {
        let text = "ab\ncé d\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        // 'é' is two bytes but one column.
        assert_eq!(line_col(text, 6), (2, 3));
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
