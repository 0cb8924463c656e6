//! Errors of pseudonymization. Messages name the missing setting, never a value or a secret.

use std::fmt;

/// Which row of the secrets table of §3.1 a salt or key belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretPurpose {
    /// `pseudonymize`, `pseudonymizeRegexMatches`, `pseudonymizeEmailHeader`, `tokenize`.
    Main,
    /// `hashIp`, `encryptIp`.
    Ip,
    /// Email domains under `TOKENIZE` or `ENCRYPT` domain handling.
    EmailDomains,
}

impl SecretPurpose {
    /// The settings that provide this row's salt, in lookup order.
    pub fn salt_settings(self) -> &'static str {
        match self {
            SecretPurpose::Main => "PSOXY_SALT",
            SecretPurpose::Ip => "SALT_IP or PSOXY_SALT",
            SecretPurpose::EmailDomains => "SALT_EMAIL_DOMAINS or PSOXY_SALT",
        }
    }

    /// The settings that provide this row's AES password, in lookup order.
    pub fn key_settings(self) -> &'static str {
        match self {
            SecretPurpose::Main => "PSOXY_ENCRYPTION_KEY",
            SecretPurpose::Ip => "ENCRYPTION_KEY_IP or PSOXY_ENCRYPTION_KEY",
            SecretPurpose::EmailDomains => "ENCRYPTION_KEY_EMAIL_DOMAINS or PSOXY_ENCRYPTION_KEY",
        }
    }
}

impl fmt::Display for SecretPurpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SecretPurpose::Main => "pseudonyms",
            SecretPurpose::Ip => "IP addresses",
            SecretPurpose::EmailDomains => "email domains",
        })
    }
}

/// Why a pseudonym could not be computed, or a setting could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PseudonymError {
    /// A hash was needed but no salt is configured for its purpose.
    #[error("no salt is configured for {purpose}; set {}", purpose.salt_settings())]
    MissingSalt { purpose: SecretPurpose },
    /// A reversible token was needed but no AES password is configured for its purpose.
    #[error(
        "reversible {purpose} need an encryption key, but none is configured; set {}",
        purpose.key_settings()
    )]
    MissingKey { purpose: SecretPurpose },
    /// A configuration setting has a value the proxy does not accept.
    #[error("{setting} must be one of {accepted}, not {value}")]
    InvalidSetting {
        setting: &'static str,
        value: String,
        accepted: &'static str,
    },
    /// The built-in email grammar failed to compile (a defect, not a data problem).
    #[error("the email address grammar failed to compile: {0}")]
    EmailGrammar(String),
}
