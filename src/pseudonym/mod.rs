//! Pseudonyms byte for byte (§3): email parsing, canonicalization, hashes, reversible tokens.
//!
//! Build a [`Pseudonymizer`] from [`Secrets`] and the two settings, then ask it for pseudonyms.

#[cfg(test)]
mod compat_tests;
mod config;
mod email;
#[cfg(test)]
mod email_equivalence;
mod email_fast;
mod email_grammar;
mod error;
mod hash;
mod ip;
mod pseudonymizer;
mod secrets;
mod token;

pub use config::{DomainHandling, EmailCanonicalization};
pub use email::{EmailGrammar, Mailbox};
pub use error::{PseudonymError, SecretPurpose};
pub use ip::canonical_ip;
pub use pseudonymizer::{PseudonymInput, PseudonymizedIdentity, Pseudonymizer};
pub use secrets::{KEY_DERIVATION_ITERATIONS, SecretValues, Secrets};
