//! Pseudonymization settings that are not secrets: email canonicalization (§3.3) and email
//! domain handling (§3.6), spelled as the proxy's configuration spells them.

use std::fmt;
use std::str::FromStr;

use super::error::PseudonymError;

/// How the local part of an email is canonicalized before hashing (§3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EmailCanonicalization {
    /// Lower-case, cut at the first `+`; dots are kept. The proxy's default.
    #[default]
    Strict,
    /// As `Strict`, and every `.` is removed from the local part.
    IgnoreDots,
}

/// What follows the `@` of an email pseudonym (§3.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DomainHandling {
    /// The domain as parsed, case kept. The proxy's default.
    #[default]
    Preserve,
    /// No domain.
    Redact,
    /// `h~` + a hash of the domain.
    Tokenize,
    /// `e~` + a reversible token of the domain.
    Encrypt,
}

impl EmailCanonicalization {
    /// The setting this is read from.
    pub const SETTING: &'static str = "EMAIL_CANONICALIZATION";

    /// Reads [`Self::SETTING`] through `lookup` (for example `|k| std::env::var(k).ok()`); the
    /// default when it is unset.
    pub fn from_env_with(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, PseudonymError> {
        lookup(Self::SETTING).map_or(Ok(Self::default()), |v| v.parse())
    }

    fn as_str(self) -> &'static str {
        match self {
            EmailCanonicalization::Strict => "STRICT",
            EmailCanonicalization::IgnoreDots => "IGNORE_DOTS",
        }
    }
}

impl DomainHandling {
    /// The setting this is read from.
    pub const SETTING: &'static str = "EMAIL_DOMAIN_HANDLING";

    /// Reads [`Self::SETTING`] through `lookup`; the default when it is unset.
    pub fn from_env_with(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, PseudonymError> {
        lookup(Self::SETTING).map_or(Ok(Self::default()), |v| v.parse())
    }

    fn as_str(self) -> &'static str {
        match self {
            DomainHandling::Preserve => "PRESERVE",
            DomainHandling::Redact => "REDACT",
            DomainHandling::Tokenize => "TOKENIZE",
            DomainHandling::Encrypt => "ENCRYPT",
        }
    }
}

/// How an unaccepted setting is quoted: as it is when it is an accepted name in other letter
/// case or with space around it (`preserve`); otherwise not at all, as it may be a secret set
/// in the wrong variable.
fn shown_setting(value: &str, accepted: &str) -> String {
    if accepted
        .split(", ")
        .any(|name| name.eq_ignore_ascii_case(value.trim()))
    {
        format!("`{value}`")
    } else {
        "the value set (not shown: it may be a secret set in the wrong variable)".to_owned()
    }
}

/// Accepts the exact enum constant names, as the proxy's `valueOf` does.
impl FromStr for EmailCanonicalization {
    type Err = PseudonymError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "STRICT" => Ok(EmailCanonicalization::Strict),
            "IGNORE_DOTS" => Ok(EmailCanonicalization::IgnoreDots),
            _ => Err(PseudonymError::InvalidSetting {
                setting: Self::SETTING,
                value: shown_setting(s, "STRICT, IGNORE_DOTS"),
                accepted: "STRICT, IGNORE_DOTS",
            }),
        }
    }
}

/// Accepts the exact enum constant names, as the proxy's `valueOf` does.
impl FromStr for DomainHandling {
    type Err = PseudonymError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "PRESERVE" => Ok(DomainHandling::Preserve),
            "REDACT" => Ok(DomainHandling::Redact),
            "TOKENIZE" => Ok(DomainHandling::Tokenize),
            "ENCRYPT" => Ok(DomainHandling::Encrypt),
            _ => Err(PseudonymError::InvalidSetting {
                setting: Self::SETTING,
                value: shown_setting(s, "PRESERVE, REDACT, TOKENIZE, ENCRYPT"),
                accepted: "PRESERVE, REDACT, TOKENIZE, ENCRYPT",
            }),
        }
    }
}

impl fmt::Display for EmailCanonicalization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for DomainHandling {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_strict_and_preserve() {
        assert_eq!(
            EmailCanonicalization::from_env_with(|_| None),
            Ok(EmailCanonicalization::Strict)
        );
        assert_eq!(
            DomainHandling::from_env_with(|_| None),
            Ok(DomainHandling::Preserve)
        );
    }

    #[test]
    fn proxy_spellings_parse_and_print_back() {
        for c in [
            EmailCanonicalization::Strict,
            EmailCanonicalization::IgnoreDots,
        ] {
            assert_eq!(c.to_string().parse(), Ok(c));
        }
        for d in [
            DomainHandling::Preserve,
            DomainHandling::Redact,
            DomainHandling::Tokenize,
            DomainHandling::Encrypt,
        ] {
            assert_eq!(d.to_string().parse(), Ok(d));
        }
    }

    #[test]
    fn settings_are_read_by_their_names() {
        let lookup = |k: &str| match k {
            "EMAIL_CANONICALIZATION" => Some("IGNORE_DOTS".to_owned()),
            "EMAIL_DOMAIN_HANDLING" => Some("TOKENIZE".to_owned()),
            _ => None,
        };
        assert_eq!(
            EmailCanonicalization::from_env_with(lookup),
            Ok(EmailCanonicalization::IgnoreDots)
        );
        assert_eq!(
            DomainHandling::from_env_with(lookup),
            Ok(DomainHandling::Tokenize)
        );
    }

    #[test]
    fn unknown_spelling_is_rejected_with_the_accepted_values() {
        let err = "preserve"
            .parse::<DomainHandling>()
            .expect_err("not a proxy spelling");
        assert_eq!(
            err.to_string(),
            "EMAIL_DOMAIN_HANDLING must be one of PRESERVE, REDACT, TOKENIZE, ENCRYPT, not `preserve`"
        );
        let err = "KEYCANARY456"
            .parse::<EmailCanonicalization>()
            .expect_err("no setting");
        assert_eq!(
            err.to_string(),
            "EMAIL_CANONICALIZATION must be one of STRICT, IGNORE_DOTS, not the value set (not \
             shown: it may be a secret set in the wrong variable)"
        );
    }
}
