//! Validate, compile and apply Psoxy REST pseudonymization rules, byte for byte as the proxy does.

pub mod cli;
pub mod diag;
pub mod endpoint;
pub mod filter;
pub mod harness;
pub mod jregex;
pub mod json;
pub mod jsonpath;
pub mod plan;
pub mod pseudonym;
pub mod rules;
pub mod sanitize;
pub mod transform;
