//! The rules format (§1): the typed model, loading with source spans, the JSON Schema, and the
//! structural and semantic checks, all reported as located findings.

mod check;
pub mod codes;
mod load;
pub mod model;
mod scalar;
pub mod schema;
pub mod span;
pub mod summary;
pub(crate) mod yaml;

pub use codes::Code;
pub use load::{LoadResult, MAX_FILE_BYTES, findings_not_shown, load, load_bytes, load_str};
pub use model::{
    Augment, AugmentKind, DEFAULT_DELIMITER, Encoding, Endpoint, FilterTokenByRegexOptions,
    Ignored, ParameterSchema, ParameterType, PseudonymizeEmailHeaderOptions, PseudonymizeOptions,
    PseudonymizeRegexMatchesOptions, QueryParameterSchema, RedactExceptPhrasesOptions,
    RedactExceptSubstringsOptions, RedactRegexMatchesOptions, RequestBody, Rules, SchemaFilter,
    SchemaType, SentenceMetadataOptions, TextDigestAugmentOptions, TextDigestOptions,
    TokenizeOptions, Transform, TransformKind,
};
pub use span::{Located, SourceFile, Span};
