//! JSON as the reference proxy reads and writes it: Jackson's parser typing (§7.1), its compact
//! writer (§7.2), Java number formatting (§7.3), json-smart's writer (§7.4) and the golden
//! pretty form of sanitized example files (§7.5).

mod double;
pub mod value;

pub use double::{java_double_to_string, java_number_string, write_java_double};
pub use value::{Map, Value};
