//! JSON as the reference proxy reads and writes it: Jackson's parser typing (§7.1), its compact
//! writer (§7.2), Java number formatting (§7.3), json-smart's writer (§7.4) and the golden
//! pretty form of sanitized example files (§7.5).

pub mod value;

pub use value::{Map, Value};
