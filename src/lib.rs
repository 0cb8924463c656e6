//! Validate, compile and apply Psoxy REST pseudonymization rules, byte for byte as the proxy does.
//!
//! Load a rules file (with every finding located), then sanitize a response for a request:
//!
//! ```
//! use std::sync::Arc;
//! use psoxy_rules::pseudonym::{
//!     DomainHandling, EmailCanonicalization, Pseudonymizer, SecretValues, Secrets,
//! };
//! use psoxy_rules::sanitize::{Engine, Output, Sanitizer};
//!
//! let rules = r#"
//! endpoints:
//!   - pathTemplate: "/v2/users"
//!     transforms:
//!       - !<pseudonymize>
//!         jsonPaths:
//!           - "$.users[*].email"
//!       - !<redact>
//!         jsonPaths:
//!           - "$..display_name"
//! "#;
//! let (rules, warnings) = psoxy_rules::rules::load_str("zoom.yaml", rules).expect("valid rules");
//! assert!(warnings.is_empty());
//!
//! let secrets = Secrets::new(SecretValues {
//!     salt: Some("salt".into()),
//!     ..SecretValues::default()
//! });
//! let pseudonymizer =
//!     Pseudonymizer::new(secrets, EmailCanonicalization::Strict, DomainHandling::Preserve);
//! let sanitizer = Sanitizer::new(Arc::new(rules), pseudonymizer, Engine::Plan);
//!
//! let body = br#"{"users":[{"email":"alice@acme.com","display_name":"Alice"}]}"#;
//! let out = sanitizer.sanitize("GET", "https://api.zoom.us/v2/users", body, Output::Compact)?;
//! assert_eq!(
//!     String::from_utf8(out)?,
//!     r#"{"users":[{"email":"t~UFdK0TvVTvZ23c6QslyCy0o2MSq2DRtDjEXfTPJyyMk@acme.com"}]}"#
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod cli;
mod code_docs;
pub mod diag;
pub mod endpoint;
mod files;
pub mod filter;
pub mod harness;
pub mod jregex;
pub mod json;
pub mod jsonpath;
pub mod plan;
pub mod pseudonym;
pub mod rules;
pub mod sanitize;
mod threads;
pub mod transform;
