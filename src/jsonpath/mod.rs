//! The JSONPath dialect of the rules: Jayway JsonPath 2.9.0 syntax (§6.2), parsed by hand with
//! byte spans, printed in a canonical form, and evaluated with Jayway's selection rules (§6.3).

pub mod ast;
pub mod decimal;
pub mod filter;
mod lint;
mod parse;
mod print;
mod select;

use std::fmt;

pub use ast::{
    CompareOp, Filter, FilterPath, JsonPath, Literal, NumberLiteral, Operand, PathRoot,
    RegexLiteral, Selector, Step, StepKind,
};
pub use lint::{LintKind, PathLint, lints};
pub use parse::parse;
pub(crate) use select::{
    Found, REPEAT_BUDGET, Stop, effective_index, select_counted, select_distinct, slice_range,
};
pub use select::{Location, Segment, Selected};

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
