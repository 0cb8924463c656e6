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

/// A pseudonymizer with the settings of the worked examples (§3.9) and of the reference cases:
/// salt `salt`, key `secret`, STRICT, PRESERVE.
#[cfg(test)]
pub(crate) fn reference_pseudonymizer() -> Pseudonymizer {
    Pseudonymizer::new(
        Secrets::new(SecretValues {
            salt: Some("salt".into()),
            encryption_key: Some("secret".into()),
            ..SecretValues::default()
        }),
        EmailCanonicalization::Strict,
        DomainHandling::Preserve,
    )
}
