//! The pseudonymizer: from a value to its pseudonymized identity (§3) and its URL-safe token,
//! plus the whole-string token of `tokenize` (§2.9) and the IP pseudonyms (§2.11).

use std::borrow::Cow;

use super::config::{DomainHandling, EmailCanonicalization};
use super::email::EmailGrammar;
use super::error::{PseudonymError, SecretPurpose};
use super::hash::{Hash32, hash_email, hash_text};
use super::ip::canonical_ip;
use super::secrets::Secrets;
use super::token::{ciphertext_len, encoded_len, push_base64, push_reversible};

/// Prefix of a deterministic (hash-only) token.
const HASH_PREFIX: &str = "t~";
/// Prefix of a reversible token.
const REVERSIBLE_PREFIX: &str = "p~";
/// Prefix of a tokenized domain (§3.6).
const TOKENIZED_DOMAIN_PREFIX: &str = "h~";
/// Prefix of an encrypted domain (§3.6).
const ENCRYPTED_DOMAIN_PREFIX: &str = "e~";

/// A value to pseudonymize (§2.2): a JSON string, or a JSON number given as Java's `toString`
/// of it (§3.8: `1`, `1.0`, `1.23456789E7`, …). Numbers are never emails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PseudonymInput<'a> {
    Text(&'a str),
    Number(&'a str),
}

impl<'a> PseudonymInput<'a> {
    /// The text that is hashed (if not an email) and encrypted.
    pub fn text(self) -> &'a str {
        match self {
            PseudonymInput::Text(s) | PseudonymInput::Number(s) => s,
        }
    }
}

/// The pseudonym of one value (§3.7). Members are declared in the order in which the proxy
/// serializes them: `domain`, `hash`, `original`, `reversible`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PseudonymizedIdentity {
    /// The email's domain after domain handling (§3.6); `None` for non-emails and under `REDACT`.
    pub domain: Option<String>,
    /// base64url of the hash, 43 characters.
    pub hash: String,
    /// The input text, when requested.
    pub original: Option<String>,
    /// The full reversible token `p~…[@domain]`, when requested.
    pub reversible: Option<String>,
}

impl PseudonymizedIdentity {
    /// The `URL_SAFE_TOKEN` encoding (§2.2): the reversible token if present, else
    /// `t~` + hash, plus `@` + domain when there is a domain.
    pub fn url_safe_token(&self) -> String {
        if let Some(reversible) = &self.reversible {
            return reversible.clone();
        }
        let mut out = String::with_capacity(
            HASH_PREFIX.len() + self.hash.len() + self.domain.as_ref().map_or(0, |d| d.len() + 1),
        );
        out.push_str(HASH_PREFIX);
        out.push_str(&self.hash);
        push_domain(&mut out, self.domain.as_deref());
        out
    }
}

fn push_domain(out: &mut String, domain: Option<&str>) {
    if let Some(domain) = domain {
        out.push('@');
        out.push_str(domain);
    }
}

/// Computes pseudonyms byte for byte as the proxy does. Cheap to clone; clones share the secrets
/// and their derived keys. `Send + Sync`.
#[derive(Debug, Clone)]
pub struct Pseudonymizer {
    secrets: Secrets,
    grammar: &'static EmailGrammar,
    canonicalization: EmailCanonicalization,
    domain_handling: DomainHandling,
}

/// What every pseudonym of a value is built from.
struct Analysis<'a> {
    hash: Hash32,
    /// The domain suffix after domain handling, if the value is an email with a domain to show.
    domain: Option<Cow<'a, str>>,
}

impl Pseudonymizer {
    /// Missing salts and keys are reported when a pseudonym needs them, and the email grammar
    /// is compiled as far as values need it.
    pub fn new(
        secrets: Secrets,
        canonicalization: EmailCanonicalization,
        domain_handling: DomainHandling,
    ) -> Self {
        Pseudonymizer {
            secrets,
            grammar: EmailGrammar::shared(),
            canonicalization,
            domain_handling,
        }
    }

    /// The email grammar, for `pseudonymizeEmailHeader` (§2.3).
    pub fn email_grammar(&self) -> &'static EmailGrammar {
        self.grammar
    }

    /// The full pseudonymized identity of a value (§3.7).
    pub fn pseudonymize(
        &self,
        input: PseudonymInput<'_>,
        include_reversible: bool,
        include_original: bool,
    ) -> Result<PseudonymizedIdentity, PseudonymError> {
        let analysis = self.analyse(input)?;
        let mut hash = String::with_capacity(encoded_len(analysis.hash.len()));
        push_base64(&mut hash, &analysis.hash);
        let reversible = if include_reversible {
            Some(self.reversible_token(input, &analysis)?)
        } else {
            None
        };
        Ok(PseudonymizedIdentity {
            domain: analysis.domain.map(Cow::into_owned),
            hash,
            original: include_original.then(|| input.text().to_owned()),
            reversible,
        })
    }

    /// The identities of the addresses of an email header (§2.3), in order, or `None` if the
    /// header is not a valid address list. Each address is reformatted
    /// ([`super::Mailbox::to_header_string`]) and pseudonymized again as text, never with
    /// reversible or original.
    pub fn email_header_identities(
        &self,
        header: &str,
    ) -> Result<Option<Vec<PseudonymizedIdentity>>, PseudonymError> {
        let Some(addresses) = self.grammar.parse_address_list(header)? else {
            return Ok(None);
        };
        addresses
            .iter()
            .map(|a| self.pseudonymize(PseudonymInput::Text(&a.to_header_string()), false, false))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// The `URL_SAFE_TOKEN` encoding of a value (§2.2) in one allocation; equal to
    /// `pseudonymize(input, include_reversible, false)?.url_safe_token()`.
    pub fn url_safe_token(
        &self,
        input: PseudonymInput<'_>,
        include_reversible: bool,
    ) -> Result<String, PseudonymError> {
        let mut out = String::new();
        self.push_url_safe_token(input, include_reversible, &mut out)?;
        Ok(out)
    }

    /// [`Pseudonymizer::url_safe_token`] appended to `out`, for callers that reuse a buffer.
    /// On error `out` is left as it was.
    pub fn push_url_safe_token(
        &self,
        input: PseudonymInput<'_>,
        include_reversible: bool,
        out: &mut String,
    ) -> Result<(), PseudonymError> {
        let analysis = self.analyse(input)?;
        if include_reversible {
            return self.push_reversible_token(input, &analysis, out);
        }
        let domain = analysis.domain.as_deref();
        out.reserve(
            HASH_PREFIX.len()
                + encoded_len(analysis.hash.len())
                + domain.map_or(0, |d| d.len() + 1),
        );
        out.push_str(HASH_PREFIX);
        push_base64(out, &analysis.hash);
        push_domain(out, domain);
        Ok(())
    }

    /// The `URL_SAFE_HASH_ONLY` encoding of a value (§2.2): the 43-character hash alone. The
    /// domain is still computed, so that a domain key missing under `ENCRYPT` fails as in Java.
    pub fn url_safe_hash(&self, input: PseudonymInput<'_>) -> Result<String, PseudonymError> {
        let hash = self.analyse(input)?.hash;
        let mut out = String::with_capacity(encoded_len(hash.len()));
        push_base64(&mut out, &hash);
        Ok(out)
    }

    /// `tokenize` without a regex (§2.9): the reversible token of the whole string, with no
    /// canonicalization and no domain, even for emails.
    pub fn tokenize(&self, s: &str) -> Result<String, PseudonymError> {
        self.reversible_of_text(SecretPurpose::Main, s)
    }

    /// `hashIp` (§2.11): `t~` + the hash of the canonical IP with the IP salt, or `None` if `s` is
    /// not an IP literal.
    pub fn hash_ip(&self, s: &str) -> Result<Option<String>, PseudonymError> {
        let Some(ip) = canonical_ip(s) else {
            return Ok(None);
        };
        let hash = hash_text(&ip, self.secrets.row(SecretPurpose::Ip).salt()?);
        let mut out = String::with_capacity(HASH_PREFIX.len() + encoded_len(hash.len()));
        out.push_str(HASH_PREFIX);
        push_base64(&mut out, &hash);
        Ok(Some(out))
    }

    /// `encryptIp` (§2.11): the reversible token of the canonical IP with the IP salt and key, or
    /// `None` if `s` is not an IP literal.
    pub fn encrypt_ip(&self, s: &str) -> Result<Option<String>, PseudonymError> {
        let Some(ip) = canonical_ip(s) else {
            return Ok(None);
        };
        self.reversible_of_text(SecretPurpose::Ip, &ip).map(Some)
    }

    /// The hash of a value (of its canonical email form (§3.3) if it is an email, else of the
    /// text as is) and the domain suffix of an email.
    fn analyse<'a>(&self, input: PseudonymInput<'a>) -> Result<Analysis<'a>, PseudonymError> {
        let salt = self.secrets.row(SecretPurpose::Main).salt()?;
        let mailbox = match input {
            PseudonymInput::Text(s) => self.grammar.mailbox_parts(s)?,
            PseudonymInput::Number(_) => None,
        };
        let Some(mailbox) = mailbox else {
            return Ok(Analysis {
                hash: hash_text(input.text(), salt),
                domain: None,
            });
        };
        Ok(Analysis {
            hash: hash_email(mailbox.local, mailbox.domain, self.canonicalization, salt),
            domain: self.domain_suffix(mailbox.domain)?,
        })
    }

    /// The domain shown after `@` under the configured domain handling (§3.6).
    fn domain_suffix<'a>(&self, domain: &'a str) -> Result<Option<Cow<'a, str>>, PseudonymError> {
        Ok(match self.domain_handling {
            DomainHandling::Preserve => Some(Cow::Borrowed(domain)),
            DomainHandling::Redact => None,
            DomainHandling::Tokenize => {
                let row = self.secrets.row(SecretPurpose::EmailDomains);
                let hash = hash_text(domain, row.salt()?);
                let mut out =
                    String::with_capacity(TOKENIZED_DOMAIN_PREFIX.len() + encoded_len(hash.len()));
                out.push_str(TOKENIZED_DOMAIN_PREFIX);
                push_base64(&mut out, &hash);
                Some(Cow::Owned(out))
            }
            DomainHandling::Encrypt => {
                let row = self.secrets.row(SecretPurpose::EmailDomains);
                let hash = hash_text(domain, row.salt()?);
                let cipher = row.cipher()?;
                let mut out = String::with_capacity(
                    ENCRYPTED_DOMAIN_PREFIX.len()
                        + encoded_len(hash.len() + ciphertext_len(domain.len())),
                );
                out.push_str(ENCRYPTED_DOMAIN_PREFIX);
                push_reversible(&mut out, &hash, cipher, domain.as_bytes());
                Some(Cow::Owned(out))
            }
        })
    }

    /// `p~` + base64url(hash ‖ AES-CBC(original text)) [+ `@` + domain] (§3.5).
    fn reversible_token(
        &self,
        input: PseudonymInput<'_>,
        analysis: &Analysis<'_>,
    ) -> Result<String, PseudonymError> {
        let mut out = String::new();
        self.push_reversible_token(input, analysis, &mut out)?;
        Ok(out)
    }

    /// [`Pseudonymizer::reversible_token`] appended to `out`; on error `out` is unchanged.
    fn push_reversible_token(
        &self,
        input: PseudonymInput<'_>,
        analysis: &Analysis<'_>,
        out: &mut String,
    ) -> Result<(), PseudonymError> {
        let cipher = self.secrets.row(SecretPurpose::Main).cipher()?;
        let plaintext = input.text().as_bytes();
        let domain = analysis.domain.as_deref();
        out.reserve(
            REVERSIBLE_PREFIX.len()
                + encoded_len(analysis.hash.len() + ciphertext_len(plaintext.len()))
                + domain.map_or(0, |d| d.len() + 1),
        );
        out.push_str(REVERSIBLE_PREFIX);
        push_reversible(out, &analysis.hash, cipher, plaintext);
        push_domain(out, domain);
        Ok(())
    }

    /// `p~` + base64url(hash ‖ AES-CBC(text)), hashing `text` as is with the row's secrets.
    fn reversible_of_text(
        &self,
        purpose: SecretPurpose,
        text: &str,
    ) -> Result<String, PseudonymError> {
        let row = self.secrets.row(purpose);
        let hash = hash_text(text, row.salt()?);
        let cipher = row.cipher()?;
        let mut out = String::with_capacity(
            REVERSIBLE_PREFIX.len() + encoded_len(hash.len() + ciphertext_len(text.len())),
        );
        out.push_str(REVERSIBLE_PREFIX);
        push_reversible(&mut out, &hash, cipher, text.as_bytes());
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pseudonym::SecretValues;

    fn with_values(values: SecretValues, domains: DomainHandling) -> Pseudonymizer {
        Pseudonymizer::new(Secrets::new(values), EmailCanonicalization::Strict, domains)
    }

    /// The secrets and settings of the proxy's golden files (§3.1).
    fn golden() -> Pseudonymizer {
        with_values(
            SecretValues {
                salt: Some("salt".into()),
                encryption_key: Some("secret".into()),
                ..SecretValues::default()
            },
            DomainHandling::Preserve,
        )
    }

    /// The `URL_SAFE_TOKEN` of `input`, checked to agree with the identity's own encoding.
    fn token(p: &Pseudonymizer, input: PseudonymInput<'_>, reversible: bool) -> String {
        let direct = p.url_safe_token(input, reversible).expect("pseudonym");
        let via_identity = p
            .pseudonymize(input, reversible, false)
            .expect("pseudonym")
            .url_safe_token();
        assert_eq!(direct, via_identity);
        direct
    }

    fn text(s: &str) -> PseudonymInput<'_> {
        PseudonymInput::Text(s)
    }

    fn number(s: &str) -> PseudonymInput<'_> {
        PseudonymInput::Number(s)
    }

    // §3.9, one test per row.

    #[test]
    fn zoom_host_id_hash() {
        assert_eq!(
            token(&golden(), text("abckjdfhsdkjf"), false),
            "t~YCq-iwWo1b500r_AH_4tKLuP0oBLrlwoHEpY7DSxi8c"
        );
    }

    #[test]
    fn blah_hash() {
        assert_eq!(
            token(&golden(), text("blah"), false),
            "t~nVPSMYD7ZO_ptGIMJ65TAFo5_vVVQQ2af5Bfg7bW0Jo"
        );
    }

    #[test]
    fn blah_reversible() {
        assert_eq!(
            token(&golden(), text("blah"), true),
            "p~nVPSMYD7ZO_ptGIMJ65TAFo5_vVVQQ2af5Bfg7bW0Jq9JIOXfBWhts_zA5Ns0r4m"
        );
    }

    #[test]
    fn single_character_hash() {
        assert_eq!(
            token(&golden(), text("x"), false),
            "t~WQmOLnSb7LdOUB4gdj7blLCUM-IMKv8OvJoGG7kkSOY"
        );
    }

    #[test]
    fn integer_number_hash() {
        assert_eq!(
            token(&golden(), number("1"), false),
            "t~0zPKqEd-CtbCLB1ZSwX6Zo7uAWUvkpfHGzv9-cuYwZc"
        );
    }

    #[test]
    fn double_numbers_hash_their_java_text() {
        assert_eq!(
            token(&golden(), number("1.0"), false),
            "t~jkOHVuC6CUAt5MHD_T5d5cZF-tI39tBX74qyDlHRorA"
        );
        // `1e3` is the Double 1000.0.
        assert_eq!(
            token(&golden(), number("1000.0"), false),
            "t~6iMsiQV7DhJGXCdWDlbU9yZrSvo9D_hR8xLqg62E6g4"
        );
    }

    #[test]
    fn email_hash_keeps_the_domain() {
        assert_eq!(
            token(&golden(), text("alice@acme.com"), false),
            "t~UFdK0TvVTvZ23c6QslyCy0o2MSq2DRtDjEXfTPJyyMk@acme.com"
        );
    }

    #[test]
    fn email_hash_ignores_case_but_domain_keeps_it() {
        assert_eq!(
            token(&golden(), text("Alice@Acme.COM"), false),
            "t~UFdK0TvVTvZ23c6QslyCy0o2MSq2DRtDjEXfTPJyyMk@Acme.COM"
        );
    }

    #[test]
    fn email_reversible() {
        assert_eq!(
            token(&golden(), text("alice@acme.com"), true),
            "p~UFdK0TvVTvZ23c6QslyCy0o2MSq2DRtDjEXfTPJyyMnKYUk8FJevl3wvFyZY0eF-@acme.com"
        );
    }

    #[test]
    fn email_reversible_encrypts_the_original_case() {
        assert_eq!(
            token(&golden(), text("Alice@Acme.COM"), true),
            "p~UFdK0TvVTvZ23c6QslyCy0o2MSq2DRtDjEXfTPJyyMnD-iukYfQVA_xqdZmzK3qx@Acme.COM"
        );
    }

    #[test]
    fn email_reversible_of_two_cipher_blocks() {
        assert_eq!(
            token(&golden(), text("juan@worklytics.co"), true),
            "p~FLIM5xLgQ5m5vrONCMIiijaoUeFSBBLdaKBXGHqa5OQcZWU39HniZ3phdmegLotuacdckYPaf9zpKnrv9Ez-SQ@worklytics.co"
        );
    }

    #[test]
    fn zoom_list_users_email() {
        assert_eq!(
            token(&golden(), text("example@example.com"), false),
            "t~8ZuLJANBU0hIFqmaE8RjwHZqRb4MezRyGZ6rLZUkKSg@example.com"
        );
    }

    #[test]
    fn zoom_list_users_id_reversible() {
        assert_eq!(
            token(&golden(), text("z8yAAAAA8bbbQ"), true),
            "p~JzXCV2FA272NOeqHYQbR4PewwSZI9hznATn7Wse3j8GpsoD91NC0nDg1vNKrhPEc"
        );
    }

    #[test]
    fn zoom_list_users_pmi_number_reversible() {
        assert_eq!(
            token(&golden(), number("111111111"), true),
            "p~LKW3WIP3bZzEQFelvQBi0lpLDZtk-1qJbWe3rHfhYhdfeki-8voee3S0wopon6Y3"
        );
    }

    #[test]
    fn github_login_reversible() {
        assert_eq!(
            token(&golden(), text("octocat"), true),
            "p~IAUEqSLLtP3EjjkzslH-S1ULJZRLQnH9hT54jiI1gbN_fPDYrPH3aBnAoR5-ec6f"
        );
    }

    #[test]
    fn tokenize_is_the_reversible_token_of_the_whole_string() {
        // Also the §2.9 example.
        assert_eq!(
            golden().tokenize("justice-league").expect("pseudonym"),
            "p~eYln4_iIXDr2mXHBaE6frCg5VHOxdR9iRQUcIRUh2DOpBUifPKLi7XWYsIueuR8f"
        );
    }

    #[test]
    fn pseudonyms_are_pseudonymized_again() {
        assert_eq!(
            token(
                &golden(),
                text("t~WQmOLnSb7LdOUB4gdj7blLCUM-IMKv8OvJoGG7kkSOY"),
                false
            ),
            "t~DdXabZMokJcTtUzLkCxYE6ufknNzbu-klPZt_bV1r8A"
        );
    }

    // Other worked examples.

    #[test]
    fn identity_members_for_original_and_reversible() {
        // §3.7.
        assert_eq!(
            golden()
                .pseudonymize(text("Alice@Acme.COM"), true, true)
                .expect("pseudonym"),
            PseudonymizedIdentity {
                domain: Some("Acme.COM".into()),
                hash: "UFdK0TvVTvZ23c6QslyCy0o2MSq2DRtDjEXfTPJyyMk".into(),
                original: Some("Alice@Acme.COM".into()),
                reversible: Some(
                    "p~UFdK0TvVTvZ23c6QslyCy0o2MSq2DRtDjEXfTPJyyMnD-iukYfQVA_xqdZmzK3qx@Acme.COM"
                        .into()
                ),
            }
        );
    }

    #[test]
    fn identity_of_a_non_email_has_no_domain() {
        assert_eq!(
            golden()
                .pseudonymize(number("1"), false, false)
                .expect("pseudonym"),
            PseudonymizedIdentity {
                domain: None,
                hash: "0zPKqEd-CtbCLB1ZSwX6Zo7uAWUvkpfHGzv9-cuYwZc".into(),
                original: None,
                reversible: None,
            }
        );
    }

    #[test]
    fn hash_only_encoding_is_the_bare_hash() {
        assert_eq!(
            golden()
                .url_safe_hash(text("Alice@Acme.COM"))
                .expect("pseudonym"),
            "UFdK0TvVTvZ23c6QslyCy0o2MSq2DRtDjEXfTPJyyMk"
        );
    }

    #[test]
    fn display_name_and_tag_do_not_change_the_hash() {
        // §3.3: `"Alice Ex" <Al.Ice+tag@Acme.COM>` canonicalizes to `al.ice@acme.com`.
        let p = golden();
        assert_eq!(
            token(&p, text("\"Alice Ex\" <Al.Ice+tag@Acme.COM>"), false),
            token(&p, text("al.ice@acme.com"), false).replace("@acme.com", "@Acme.COM")
        );
    }

    #[test]
    fn regex_match_group_example_of_2_4() {
        assert_eq!(
            token(&golden(), text("Alice@Acme.com"), false),
            "t~UFdK0TvVTvZ23c6QslyCy0o2MSq2DRtDjEXfTPJyyMk@Acme.com"
        );
        assert!(token(&golden(), text("alice"), false).starts_with("t~3YAo"));
        assert!(token(&golden(), text("bob.x"), false).starts_with("t~o-_S"));
    }

    #[test]
    fn email_header_example_of_2_3() {
        let tokens: Vec<String> = golden()
            .email_header_identities("Alice <alice@acme.com>, \"Bob\" <bob@acme.com>")
            .expect("pseudonym")
            .expect("a valid address list")
            .iter()
            .map(PseudonymizedIdentity::url_safe_token)
            .collect();
        assert_eq!(
            tokens.join(","),
            "t~UFdK0TvVTvZ23c6QslyCy0o2MSq2DRtDjEXfTPJyyMk@acme.com,\
             t~-U7WKf4bQgfCSqtg28kpp672BXIc8kZN6Gmtg2iKn14@acme.com"
        );
    }

    #[test]
    fn email_header_identities_use_the_reparsed_address() {
        // `" alice"@x.co` keeps a leading space in its local part; written back to a header it
        // reparses as `alice@x.co`, as in the proxy.
        let p = golden();
        let header = p
            .email_header_identities("\" alice\"@acme.com")
            .expect("pseudonym")
            .expect("a valid address list");
        let direct = p
            .pseudonymize(text("\" alice\"@acme.com"), false, false)
            .expect("pseudonym");
        assert_eq!(
            header[0].hash,
            "UFdK0TvVTvZ23c6QslyCy0o2MSq2DRtDjEXfTPJyyMk"
        );
        assert_ne!(direct.hash, header[0].hash);
    }

    #[test]
    fn invalid_email_header_has_no_identities() {
        assert_eq!(
            golden().email_header_identities("a@acme.com,,b@acme.com"),
            Ok(None)
        );
    }

    #[test]
    fn numbers_are_never_emails() {
        let p = golden();
        // Upper case shows whether the text was canonicalized as an email.
        let as_number = p
            .pseudonymize(number("A@b.co"), false, false)
            .expect("pseudonym");
        let as_text = p
            .pseudonymize(text("A@b.co"), false, false)
            .expect("pseudonym");
        assert_eq!(as_number.domain, None);
        assert_eq!(as_text.domain.as_deref(), Some("b.co"));
        assert_ne!(as_number.hash, as_text.hash);
    }

    #[test]
    fn non_email_text_is_hashed_without_trimming() {
        let p = golden();
        assert_ne!(
            token(&p, text(" blah"), false),
            token(&p, text("blah"), false)
        );
    }

    #[test]
    fn ignore_dots_removes_dots_from_the_local_part() {
        let p = Pseudonymizer::new(
            golden().secrets.clone(),
            EmailCanonicalization::IgnoreDots,
            DomainHandling::Preserve,
        );
        assert_eq!(
            token(&p, text("A.lice+x@acme.com"), false),
            "t~UFdK0TvVTvZ23c6QslyCy0o2MSq2DRtDjEXfTPJyyMk@acme.com"
        );
    }

    // §2.11.

    #[test]
    fn hash_ip_hashes_the_canonical_form() {
        assert_eq!(
            golden()
                .hash_ip("192.168.001.1")
                .expect("pseudonym")
                .as_deref(),
            Some("t~bM9zoRr1licJxelPc7-Ov8rxoyduS7zE5b9aZ-ktGdo")
        );
    }

    #[test]
    fn encrypt_ip_is_a_reversible_token_without_domain() {
        assert_eq!(
            golden()
                .encrypt_ip("10.0.0.1")
                .expect("pseudonym")
                .as_deref(),
            Some("p~3BU4goNN07w3ofq8v5ig2enxSWj9xnAnPOThel4mHTmrZBJVaY3CjxNEDJYfGEk_")
        );
    }

    #[test]
    fn non_ip_strings_give_no_ip_pseudonym() {
        assert_eq!(golden().hash_ip("localhost"), Ok(None));
        assert_eq!(golden().encrypt_ip("999.1.1.1"), Ok(None));
    }

    #[test]
    fn ip_salt_overrides_the_main_salt() {
        let p = with_values(
            SecretValues {
                salt: Some("salt".into()),
                ip_salt: Some("other".into()),
                ..SecretValues::default()
            },
            DomainHandling::Preserve,
        );
        let expected = {
            let mut out = "t~".to_owned();
            push_base64(&mut out, &hash_text("192.168.1.1", "other"));
            out
        };
        assert_eq!(p.hash_ip("192.168.001.1"), Ok(Some(expected)));
    }

    // §3.6.

    fn with_domain_secrets(domains: DomainHandling) -> Pseudonymizer {
        with_values(
            SecretValues {
                salt: Some("salt".into()),
                encryption_key: Some("secret".into()),
                email_domain_salt: Some("salt-domains".into()),
                email_domain_encryption_key: Some("asdfasdf".into()),
                ..SecretValues::default()
            },
            domains,
        )
    }

    #[test]
    fn tokenized_domain_vector() {
        let p = with_domain_secrets(DomainHandling::Tokenize);
        assert_eq!(
            token(&p, text("alice@acme.com"), false),
            "t~UFdK0TvVTvZ23c6QslyCy0o2MSq2DRtDjEXfTPJyyMk@h~XeVeXr3msNs83nxpGuEjUO0Cv7JfkmYhnprXIY-BEgs"
        );
    }

    #[test]
    fn encrypted_domain_vector() {
        let p = with_domain_secrets(DomainHandling::Encrypt);
        assert_eq!(
            p.pseudonymize(text("alice@acme.com"), false, false)
                .expect("pseudonym")
                .domain
                .as_deref(),
            Some("e~XeVeXr3msNs83nxpGuEjUO0Cv7JfkmYhnprXIY-BEgtyvcXqtDujwfr0b5vLmXHQ")
        );
    }

    #[test]
    fn redacted_domain_leaves_no_suffix() {
        let p = with_domain_secrets(DomainHandling::Redact);
        assert_eq!(
            token(&p, text("alice@acme.com"), true),
            "p~UFdK0TvVTvZ23c6QslyCy0o2MSq2DRtDjEXfTPJyyMnKYUk8FJevl3wvFyZY0eF-"
        );
    }

    #[test]
    fn reversible_token_carries_the_handled_domain() {
        let p = with_domain_secrets(DomainHandling::Tokenize);
        assert_eq!(
            token(&p, text("alice@acme.com"), true),
            "p~UFdK0TvVTvZ23c6QslyCy0o2MSq2DRtDjEXfTPJyyMnKYUk8FJevl3wvFyZY0eF-\
             @h~XeVeXr3msNs83nxpGuEjUO0Cv7JfkmYhnprXIY-BEgs"
        );
    }

    // Secrets at use.

    #[test]
    fn without_a_key_hashes_work_and_reversible_tokens_fail() {
        let p = with_values(
            SecretValues {
                salt: Some("salt".into()),
                ..SecretValues::default()
            },
            DomainHandling::Preserve,
        );
        assert_eq!(
            token(&p, text("blah"), false),
            "t~nVPSMYD7ZO_ptGIMJ65TAFo5_vVVQQ2af5Bfg7bW0Jo"
        );
        let err = p.url_safe_token(text("blah"), true).expect_err("must fail");
        assert_eq!(
            err,
            PseudonymError::MissingKey {
                purpose: SecretPurpose::Main
            }
        );
        assert_eq!(
            err.to_string(),
            "reversible pseudonyms need an encryption key, but none is configured; \
             set PSOXY_ENCRYPTION_KEY"
        );
        assert!(matches!(
            p.tokenize("x"),
            Err(PseudonymError::MissingKey { .. })
        ));
    }

    #[test]
    fn without_a_salt_nothing_is_hashed() {
        let p = with_values(SecretValues::default(), DomainHandling::Preserve);
        assert_eq!(
            p.url_safe_token(text("blah"), false),
            Err(PseudonymError::MissingSalt {
                purpose: SecretPurpose::Main
            })
        );
    }

    #[test]
    fn errors_do_not_contain_the_value() {
        let p = with_values(SecretValues::default(), DomainHandling::Preserve);
        let err = p
            .url_safe_token(text("private-value-42"), true)
            .expect_err("must fail");
        assert!(!err.to_string().contains("private-value-42"));
    }

    #[test]
    fn pseudonymizer_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<Pseudonymizer>();
    }

    #[test]
    #[ignore = "timing; run with `cargo test --release --lib timing -- --ignored --nocapture`"]
    fn timing_per_call() {
        use std::hint::black_box;
        use std::time::Instant;

        let started = Instant::now();
        EmailGrammar::new()
            .compile_all()
            .expect("the grammar compiles");
        eprintln!("email grammar compilation: {:?}", started.elapsed());
        let p = golden();
        let started = Instant::now();
        p.url_safe_token(text("x"), true).expect("derives the key");
        eprintln!("key derivation: {:?}", started.elapsed());

        let cases = [
            ("email", text("alice.smith@example.com"), false),
            ("email, reversible", text("alice.smith@example.com"), true),
            ("id", text("z8yAAAAA8bbbQ"), false),
            ("id, reversible", text("z8yAAAAA8bbbQ"), true),
            ("number, reversible", number("111111111"), true),
            (
                "email with display name",
                text("\"Alice Ex\" <Al.Ice+tag@Acme.COM>"),
                false,
            ),
            (
                "text with @ and spaces",
                text("ping  me at  alice@acme.com  today"),
                false,
            ),
        ];
        for (name, input, reversible) in cases {
            let rounds: u32 = 200_000;
            let started = Instant::now();
            for _ in 0..rounds {
                black_box(
                    p.url_safe_token(black_box(input), reversible)
                        .expect("pseudonym"),
                );
            }
            let per_call = started.elapsed() / rounds;
            eprintln!("{name}: {} ns per call", per_call.as_nanos());
            assert!(per_call.as_micros() < 100, "{name}: {per_call:?}");
        }
    }
}
