//! Endpoint selection and request allow-listing (§5): path templates, `pathRegex`, query and
//! method allow-lists, parameter schemas.

pub mod closeness;
pub mod params;
pub mod query;
pub mod select;
pub mod template;
pub mod url;

pub use closeness::closest;
pub use params::{ParamError, validate};
pub use query::{QueryParam, parse_query};
pub use select::{
    CheckError, Matcher, MatcherError, Mismatch, is_token_char, java_equals_ignore_case,
    quoted_method, required_prefix, starts_with_ignoring_ascii_case,
};
pub use template::{template_parameters, template_regex};
pub use url::{RequestUrl, invalid_url_message, percent_decode, percent_decode_lossy};
