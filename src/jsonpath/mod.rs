//! The JSONPath dialect of the rules: Jayway JsonPath 2.9.0 syntax (§6.2), parsed by hand with
//! byte spans, printed in a canonical form.

use std::fmt;

/// A path that does not parse, with the byte offset into the path text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    /// Byte offset into the path string where the problem starts.
    pub offset: usize,
    pub message: String,
    /// How to fix it, when that is known.
    pub help: Option<String>,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at offset {})", self.message, self.offset)
    }
}

impl std::error::Error for PathError {}

/// A parsed path. (Placeholder until the parser lands: keeps the text.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonPath {
    text: String,
}

impl fmt::Display for JsonPath {
    /// The canonical form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Parses a path of the rules' dialect.
pub fn parse(text: &str) -> Result<JsonPath, PathError> {
    if text.starts_with('$') {
        Ok(JsonPath {
            text: text.to_owned(),
        })
    } else {
        Err(PathError {
            offset: 0,
            message: "a path starts with `$`".to_owned(),
            help: None,
        })
    }
}
