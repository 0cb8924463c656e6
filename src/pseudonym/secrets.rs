//! The salts and AES passwords of §3.1 with their fallbacks, and the AES-256 keys derived from
//! them lazily, once per row, on first use.

use std::fmt;
use std::sync::{Arc, OnceLock};

use aes::Aes256Enc;
use aes::cipher::KeyInit;
use aes::cipher::array::Array;
use sha2::Sha256;

use super::error::{PseudonymError, SecretPurpose};

/// PBKDF2 iterations of the proxy's AES key derivation (§3.1).
pub const KEY_DERIVATION_ITERATIONS: u32 = 65_536;

/// The six settings of §3.1 as given, before fallbacks. `None` means unset.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretValues {
    /// `PSOXY_SALT`.
    pub salt: Option<String>,
    /// `PSOXY_ENCRYPTION_KEY`, the AES password.
    pub encryption_key: Option<String>,
    /// `SALT_IP`.
    pub ip_salt: Option<String>,
    /// `ENCRYPTION_KEY_IP`.
    pub ip_encryption_key: Option<String>,
    /// `SALT_EMAIL_DOMAINS`.
    pub email_domain_salt: Option<String>,
    /// `ENCRYPTION_KEY_EMAIL_DOMAINS`.
    pub email_domain_encryption_key: Option<String>,
}

impl SecretValues {
    /// Reads the six settings through `lookup`, for example `|k| std::env::var(k).ok()`.
    pub fn from_env_with(lookup: impl Fn(&str) -> Option<String>) -> Self {
        SecretValues {
            salt: lookup("PSOXY_SALT"),
            encryption_key: lookup("PSOXY_ENCRYPTION_KEY"),
            ip_salt: lookup("SALT_IP"),
            ip_encryption_key: lookup("ENCRYPTION_KEY_IP"),
            email_domain_salt: lookup("SALT_EMAIL_DOMAINS"),
            email_domain_encryption_key: lookup("ENCRYPTION_KEY_EMAIL_DOMAINS"),
        }
    }
}

impl fmt::Debug for SecretValues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretValues")
            .field("salt", &Redacted(self.salt.is_some()))
            .field("encryption_key", &Redacted(self.encryption_key.is_some()))
            .field("ip_salt", &Redacted(self.ip_salt.is_some()))
            .field(
                "ip_encryption_key",
                &Redacted(self.ip_encryption_key.is_some()),
            )
            .field(
                "email_domain_salt",
                &Redacted(self.email_domain_salt.is_some()),
            )
            .field(
                "email_domain_encryption_key",
                &Redacted(self.email_domain_encryption_key.is_some()),
            )
            .finish()
    }
}

/// Prints `<redacted>` for a set secret and `<unset>` otherwise.
struct Redacted(bool);

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0 { "<redacted>" } else { "<unset>" })
    }
}

/// One row of §3.1: a salt, an AES password, and the key derived from both on first use.
pub(crate) struct SecretRow {
    purpose: SecretPurpose,
    salt: Option<String>,
    password: Option<String>,
    /// Shared between rows with the same salt and password, so that the key is derived once.
    key: Arc<OnceLock<Aes256Enc>>,
}

impl SecretRow {
    pub(crate) fn salt(&self) -> Result<&str, PseudonymError> {
        self.salt.as_deref().ok_or(PseudonymError::MissingSalt {
            purpose: self.purpose,
        })
    }

    /// The AES-256 cipher, its key derived on the first call (65,536 PBKDF2 rounds).
    pub(crate) fn cipher(&self) -> Result<&Aes256Enc, PseudonymError> {
        if let Some(cipher) = self.key.get() {
            return Ok(cipher);
        }
        let password = self.password.as_deref().ok_or(PseudonymError::MissingKey {
            purpose: self.purpose,
        })?;
        let salt = self.salt()?;
        Ok(self
            .key
            .get_or_init(|| Aes256Enc::new(&Array::from(derive_key(password, salt)))))
    }
}

impl fmt::Debug for SecretRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretRow")
            .field("purpose", &self.purpose)
            .field("salt", &Redacted(self.salt.is_some()))
            .field("encryption_key", &Redacted(self.password.is_some()))
            .field("key_derived", &self.key.get().is_some())
            .finish()
    }
}

/// The AES-256 key of §3.1: PBKDF2-HMAC-SHA256 over the UTF-8 bytes of password and salt.
pub(crate) fn derive_key(password: &str, salt: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(
        password.as_bytes(),
        salt.as_bytes(),
        KEY_DERIVATION_ITERATIONS,
        &mut key,
    );
    key
}

/// The three rows of §3.1 after fallbacks. Cheap to clone; clones share derived keys.
#[derive(Clone, Debug)]
pub struct Secrets {
    main: Arc<SecretRow>,
    ip: Arc<SecretRow>,
    email_domains: Arc<SecretRow>,
}

impl Secrets {
    /// Applies the fallbacks of §3.1: the IP and email-domain salts and passwords each default to
    /// the main ones, independently.
    pub fn new(values: SecretValues) -> Self {
        let SecretValues {
            salt,
            encryption_key,
            ip_salt,
            ip_encryption_key,
            email_domain_salt,
            email_domain_encryption_key,
        } = values;
        let main_key = Arc::new(OnceLock::new());
        let row = |purpose, row_salt: Option<String>, row_password: Option<String>| {
            let row_salt = row_salt.or_else(|| salt.clone());
            let row_password = row_password.or_else(|| encryption_key.clone());
            let key = if row_salt == salt && row_password == encryption_key {
                Arc::clone(&main_key)
            } else {
                Arc::new(OnceLock::new())
            };
            Arc::new(SecretRow {
                purpose,
                salt: row_salt,
                password: row_password,
                key,
            })
        };
        Secrets {
            ip: row(SecretPurpose::Ip, ip_salt, ip_encryption_key),
            email_domains: row(
                SecretPurpose::EmailDomains,
                email_domain_salt,
                email_domain_encryption_key,
            ),
            main: row(SecretPurpose::Main, None, None),
        }
    }

    /// Reads the six settings of §3.1 through `lookup` (the CLI passes `std::env::var`).
    pub fn from_env_with(lookup: impl Fn(&str) -> Option<String>) -> Self {
        Self::new(SecretValues::from_env_with(lookup))
    }

    pub(crate) fn row(&self, purpose: SecretPurpose) -> &SecretRow {
        match purpose {
            SecretPurpose::Main => &self.main,
            SecretPurpose::Ip => &self.ip,
            SecretPurpose::EmailDomains => &self.email_domains,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> Secrets {
        let map: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Secrets::from_env_with(|k| {
            map.iter()
                .find(|(name, _)| name == k)
                .map(|(_, v)| v.clone())
        })
    }

    fn hex(bytes: &[u8]) -> String {
        use std::fmt::Write as _;
        bytes.iter().fold(String::new(), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
    }

    #[test]
    fn key_derivation_matches_the_reference_vector() {
        assert_eq!(
            hex(&derive_key("secret", "salt")),
            "7a687b1daaf63cbface7cd89bcb4ae546a1292ec83ffcdf55cb7af7d4fe5618d"
        );
    }

    #[test]
    fn ip_and_domain_rows_fall_back_to_the_main_salt_and_key() {
        let secrets = values(&[("PSOXY_SALT", "salt"), ("PSOXY_ENCRYPTION_KEY", "secret")]);
        for purpose in [SecretPurpose::Ip, SecretPurpose::EmailDomains] {
            let row = secrets.row(purpose);
            assert_eq!(row.salt(), Ok("salt"));
            assert_eq!(row.password.as_deref(), Some("secret"));
            assert!(Arc::ptr_eq(&row.key, &secrets.main.key), "{purpose:?}");
        }
    }

    #[test]
    fn each_fallback_applies_independently() {
        let secrets = values(&[
            ("PSOXY_SALT", "salt"),
            ("PSOXY_ENCRYPTION_KEY", "secret"),
            ("SALT_IP", "ip-salt"),
            ("ENCRYPTION_KEY_EMAIL_DOMAINS", "domain-key"),
        ]);
        let ip = secrets.row(SecretPurpose::Ip);
        assert_eq!(
            (ip.salt(), ip.password.as_deref()),
            (Ok("ip-salt"), Some("secret"))
        );
        let domains = secrets.row(SecretPurpose::EmailDomains);
        assert_eq!(
            (domains.salt(), domains.password.as_deref()),
            (Ok("salt"), Some("domain-key"))
        );
        assert!(!Arc::ptr_eq(&ip.key, &secrets.main.key));
    }

    #[test]
    fn key_is_not_derived_until_first_use() {
        let secrets = values(&[("PSOXY_SALT", "salt"), ("PSOXY_ENCRYPTION_KEY", "secret")]);
        assert!(secrets.main.key.get().is_none());
        assert!(secrets.row(SecretPurpose::Main).cipher().is_ok());
        assert!(secrets.main.key.get().is_some());
    }

    #[test]
    fn missing_password_is_an_error_only_when_a_key_is_needed() {
        let secrets = values(&[("PSOXY_SALT", "salt")]);
        let row = secrets.row(SecretPurpose::Ip);
        assert_eq!(row.salt(), Ok("salt"));
        assert_eq!(
            row.cipher().err(),
            Some(PseudonymError::MissingKey {
                purpose: SecretPurpose::Ip
            })
        );
    }

    #[test]
    fn missing_salt_names_the_settings_to_set() {
        let secrets = values(&[]);
        let err = secrets
            .row(SecretPurpose::EmailDomains)
            .salt()
            .expect_err("no salt");
        assert_eq!(
            err.to_string(),
            "no salt is configured for email domains; set SALT_EMAIL_DOMAINS or PSOXY_SALT"
        );
    }

    #[test]
    fn debug_output_does_not_show_secrets() {
        let secrets = values(&[
            ("PSOXY_SALT", "pepper-x1"),
            ("PSOXY_ENCRYPTION_KEY", "hunter-x2"),
        ]);
        let printed = format!(
            "{secrets:?} {:?}",
            SecretValues::from_env_with(|_| Some("pepper-x1".to_owned()))
        );
        assert!(
            !printed.contains("pepper-x1") && !printed.contains("hunter-x2"),
            "{printed}"
        );
        assert!(printed.contains("<redacted>"), "{printed}");
    }
}
