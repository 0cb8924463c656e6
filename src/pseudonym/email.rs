//! Email addresses as the proxy recognises them (§3.2): the mailbox test with its extraction
//! rules, the address lists of email headers, and how a header address is written back (§2.3).

use std::sync::OnceLock;

use regex::{Captures, Regex, RegexBuilder};

use super::email_fast::{self, Fast};
use super::email_grammar::{Atomic, Patterns};
use super::error::PseudonymError;

/// One mailbox of §3.2: the local part and domain as parsed (case kept), and the personal name
/// if the address had one (a phrase before `<…>`, or a comment after the address).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub local: String,
    pub domain: String,
    pub personal: Option<String>,
}

impl Mailbox {
    /// The address as a header writes it (§2.3): `Personal <local@domain>` with a personal name,
    /// `local@domain` without.
    ///
    /// The personal name is written the way `javax.mail.internet.InternetAddress` writes a
    /// phrase. A name with a character MIME counts as non-ASCII (a control other than tab, CR
    /// and LF, DEL, or beyond) becomes one encoded word, `=?UTF-8?Q?…?=`, an atom. Otherwise
    /// it is written as is when it needs no quoting, in double quotes when it contains an
    /// RFC 822 special, and in double quotes with `"` and `\` backslash-escaped when it contains
    /// either of those. Only the local part and the domain reach a pseudonym; what matters is
    /// that every form reparses as a mailbox with the same local part and domain (a quoted
    /// control would not: `qtext` excludes it).
    pub fn to_header_string(&self) -> String {
        let mut out = String::with_capacity(
            self.local.len()
                + self.domain.len()
                + self.personal.as_ref().map_or(0, |p| p.len() + 6),
        );
        if let Some(personal) = &self.personal {
            push_phrase(&mut out, personal);
            out.push_str(" <");
        }
        out.push_str(&self.local);
        out.push('@');
        out.push_str(&self.domain);
        if self.personal.is_some() {
            out.push('>');
        }
        out
    }
}

/// Appends `phrase`, quoted only if needed (see [`Mailbox::to_header_string`]).
fn push_phrase(out: &mut String, phrase: &str) {
    // RFC 822 specials without space and tab, which InternetAddress leaves unquoted.
    const SPECIALS: &[char] = &['(', ')', '<', '>', '@', ',', ';', ':', '.', '[', ']'];
    let mime_non_ascii = |c: char| (c < ' ' && !matches!(c, '\r' | '\n' | '\t')) || c >= '\x7F';
    if phrase.chars().any(mime_non_ascii) {
        push_encoded_word(out, phrase);
    } else if phrase.contains(['"', '\\']) {
        out.push('"');
        for c in phrase.chars() {
            if matches!(c, '"' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
    } else if phrase.contains(SPECIALS) {
        out.push('"');
        out.push_str(phrase);
        out.push('"');
    } else {
        out.push_str(phrase);
    }
}

/// Appends `text` as one RFC 2047 encoded word in the Q encoding: letters, digits and `!*+-/`
/// as they are, space as `_`, every other UTF-8 byte as `=XX`.
fn push_encoded_word(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push_str("=?UTF-8?Q?");
    for &b in text.as_bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'!' | b'*' | b'+' | b'-' | b'/' => {
                out.push(char::from(b));
            }
            b' ' => out.push('_'),
            _ => {
                out.push('=');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xF)]));
            }
        }
    }
    out.push_str("?=");
}

/// The parts of a mailbox the pseudonymizer needs, borrowed from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MailboxParts<'a> {
    pub local: &'a str,
    pub domain: &'a str,
    personal: PersonalSource<'a>,
}

/// Where the personal name comes from, before the clean-up of §3.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PersonalSource<'a> {
    None,
    /// The display-name phrase (group 2).
    Phrase(&'a str),
    /// The CFWS after `>` or after the domain (group 8 or 14); its first comment is the name.
    Cfws(&'a str),
}

/// One pattern of the grammar, compiled the first time it is used: most runs meet only plain
/// addresses, which the fast path decides, and compiling all of them costs ~10 ms per process.
struct LazyRegex {
    pattern: String,
    compiled: OnceLock<Result<Regex, PseudonymError>>,
}

impl LazyRegex {
    fn new(pattern: String) -> Self {
        LazyRegex {
            pattern,
            compiled: OnceLock::new(),
        }
    }

    fn get(&self) -> Result<&Regex, PseudonymError> {
        self.compiled
            .get_or_init(|| {
                RegexBuilder::new(&self.pattern)
                    // The address pattern holds the mailbox grammar three times.
                    .size_limit(64 << 20)
                    .build()
                    .map_err(|err| PseudonymError::EmailGrammar(err.to_string()))
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// The grammar of §3.2. Build it once ([`EmailGrammar::shared`]) and share it: each pattern is
/// compiled on first use and kept.
pub struct EmailGrammar {
    /// `\A(?:mailbox)\z`.
    mailbox: LazyRegex,
    /// `\A(?:mailbox)`, for the members of a group.
    mailbox_prefix: LazyRegex,
    /// `\A(?:addrSpec)\z`.
    addr_spec: LazyRegex,
    /// `\A(?:address)`, anchored at the start only, as Java's `lookingAt`.
    address: LazyRegex,
    /// `comment`, unanchored.
    comment: LazyRegex,
    /// `\A(?:quotedStringWOCFWS)\z`.
    quoted_string: LazyRegex,
}

impl Default for EmailGrammar {
    fn default() -> Self {
        Self::new()
    }
}

/// The patterns are long; printing them helps no one.
impl std::fmt::Debug for EmailGrammar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmailGrammar").finish_non_exhaustive()
    }
}

/// Capture-group numbers inside `mailbox`, as listed in §3.2.
mod group {
    pub const NAME_ADDR: usize = 1;
    pub const PHRASE: usize = 2;
    pub const NAME_ADDR_DOT_ATOM_LOCAL: usize = 5;
    pub const NAME_ADDR_QUOTED_LOCAL: usize = 6;
    pub const NAME_ADDR_DOMAIN: usize = 7;
    pub const CFWS_AFTER_ANGLE: usize = 8;
    pub const ADDR_SPEC_DOT_ATOM_LOCAL: usize = 11;
    pub const ADDR_SPEC_QUOTED_LOCAL: usize = 12;
    pub const ADDR_SPEC_DOMAIN: usize = 13;
    pub const CFWS_AFTER_DOMAIN: usize = 14;
}

/// In the `address` pattern the mailbox groups follow the named group `mailbox` (group 1).
const ADDRESS_MAILBOX_OFFSET: usize = 1;

impl EmailGrammar {
    /// The grammar, with no pattern compiled yet. Prefer [`EmailGrammar::shared`], whose
    /// patterns are compiled once per process.
    pub fn new() -> Self {
        let p = Patterns::new(Atomic::Dropped);
        EmailGrammar {
            mailbox: LazyRegex::new(format!("\\A(?:{})\\z", p.mailbox)),
            mailbox_prefix: LazyRegex::new(format!("\\A(?:{})", p.mailbox)),
            addr_spec: LazyRegex::new(format!("\\A(?:{})\\z", p.addr_spec)),
            address: LazyRegex::new(format!("\\A(?:{})", p.address)),
            comment: LazyRegex::new(p.comment),
            quoted_string: LazyRegex::new(format!("\\A(?:{})\\z", p.quoted_string_wo_cfws)),
        }
    }

    /// The process-wide grammar.
    #[must_use]
    pub fn shared() -> &'static Self {
        static SHARED: OnceLock<EmailGrammar> = OnceLock::new();
        SHARED.get_or_init(Self::new)
    }

    /// Compiles every pattern now rather than on first use; fails if one does not compile.
    pub fn compile_all(&self) -> Result<(), PseudonymError> {
        for pattern in self.patterns() {
            pattern.get()?;
        }
        Ok(())
    }

    /// The patterns, in field order.
    fn patterns(&self) -> [&LazyRegex; 6] {
        [
            &self.mailbox,
            &self.mailbox_prefix,
            &self.addr_spec,
            &self.address,
            &self.comment,
            &self.quoted_string,
        ]
    }

    /// Whether `s` is an email: the whole string matches `mailbox` (§3.2). Fails only if a
    /// pattern of the grammar does not compile.
    pub fn is_email(&self, s: &str) -> Result<bool, PseudonymError> {
        Ok(self.mailbox_parts(s)?.is_some())
    }

    /// Parses `s` as one mailbox (the whole string must match), or `None` if it is not an email.
    pub fn parse_mailbox(&self, s: &str) -> Result<Option<Mailbox>, PseudonymError> {
        match self.mailbox_parts(s)? {
            Some(parts) => self.to_mailbox(parts).map(Some),
            None => Ok(None),
        }
    }

    /// Parses an email header value as an RFC 2822 address list (§3.2 "valid address list"),
    /// flattening groups (`name: a, b;`) in order. `None` if the list is not valid.
    ///
    /// From the start, one `address` is matched at the current position, taking the first match
    /// in the grammar's priority order as Java's `lookingAt` does, not the longest. The input must
    /// then end, or continue with `,` and another address. The members of a group are read the
    /// same way, one mailbox at a time.
    pub fn parse_address_list(&self, s: &str) -> Result<Option<Vec<Mailbox>>, PseudonymError> {
        let address = self.address.get()?;
        let mut out = Vec::new();
        let mut pos = 0;
        loop {
            let Some(caps) = address.captures(&s[pos..]) else {
                return Ok(None);
            };
            if caps.name("mailbox").is_some() {
                let Some(parts) = self.parts_from_captures(&caps, ADDRESS_MAILBOX_OFFSET)? else {
                    return Ok(None);
                };
                out.push(self.to_mailbox(parts)?);
            } else if let Some(members) = caps.name("members")
                && !self.push_group_members(members.as_str(), &mut out)?
            {
                return Ok(None);
            }
            let end = pos + caps.get(0).map_or(0, |m| m.end());
            match s.as_bytes().get(end) {
                None => return Ok(Some(out)),
                Some(b',') => pos = end + 1,
                Some(_) => return Ok(None),
            }
        }
    }

    /// Reads the `mailboxList` of a group, one mailbox after another separated by `,`; false
    /// if it is not one.
    fn push_group_members(
        &self,
        members: &str,
        out: &mut Vec<Mailbox>,
    ) -> Result<bool, PseudonymError> {
        let mailbox_prefix = self.mailbox_prefix.get()?;
        let mut pos = 0;
        loop {
            let Some(caps) = mailbox_prefix.captures(&members[pos..]) else {
                return Ok(false);
            };
            let Some(parts) = self.parts_from_captures(&caps, 0)? else {
                return Ok(false);
            };
            out.push(self.to_mailbox(parts)?);
            let end = pos + caps.get(0).map_or(0, |m| m.end());
            match members.as_bytes().get(end) {
                None => return Ok(true),
                Some(b',') => pos = end + 1,
                Some(_) => return Ok(false),
            }
        }
    }

    /// The local part and domain of `s` if it is an email, trying the fast path first.
    pub(crate) fn mailbox_parts<'a>(
        &self,
        s: &'a str,
    ) -> Result<Option<MailboxParts<'a>>, PseudonymError> {
        match email_fast::classify(s) {
            Fast::NotEmail => Ok(None),
            Fast::Plain { local, domain } => Ok(Some(MailboxParts {
                local,
                domain,
                personal: PersonalSource::None,
            })),
            Fast::Undecided => match self.mailbox.get()?.captures(s) {
                Some(caps) => self.parts_from_captures(&caps, 0),
                None => Ok(None),
            },
        }
    }

    /// Applies the extraction rules of §3.2 to a `mailbox` match whose group 1 is group
    /// `offset + 1` of `caps`.
    fn parts_from_captures<'a>(
        &self,
        caps: &Captures<'a>,
        offset: usize,
    ) -> Result<Option<MailboxParts<'a>>, PseudonymError> {
        let g = |i: usize| caps.get(offset + i).map(|m| m.as_str());
        let (local, domain, personal) = if g(group::NAME_ADDR).is_some() {
            let personal = match (g(group::PHRASE), g(group::CFWS_AFTER_ANGLE)) {
                (Some(phrase), _) => PersonalSource::Phrase(phrase),
                (None, Some(cfws)) => PersonalSource::Cfws(cfws),
                (None, None) => PersonalSource::None,
            };
            let local = g(group::NAME_ADDR_DOT_ATOM_LOCAL).or(g(group::NAME_ADDR_QUOTED_LOCAL));
            (local, g(group::NAME_ADDR_DOMAIN), personal)
        } else {
            let personal =
                g(group::CFWS_AFTER_DOMAIN).map_or(PersonalSource::None, PersonalSource::Cfws);
            let local = g(group::ADDR_SPEC_DOT_ATOM_LOCAL).or(g(group::ADDR_SPEC_QUOTED_LOCAL));
            (local, g(group::ADDR_SPEC_DOMAIN), personal)
        };
        let (Some(local), Some(domain)) = (local, domain) else {
            return Ok(None);
        };
        let domain = java_trim(domain);
        let local = self.unquote_local(java_trim(local), domain)?;
        Ok(Some(MailboxParts {
            local,
            domain,
            personal,
        }))
    }

    /// A quoted local part loses its quotes when `unquoted@domain` is itself an `addrSpec`
    /// (§3.2): `"alice"@acme.com` has local part `alice`, `"al ice"@acme.com` keeps `"al ice"`.
    fn unquote_local<'a>(&self, local: &'a str, domain: &str) -> Result<&'a str, PseudonymError> {
        let Some(inner) = local
            .strip_prefix('"')
            .and_then(|rest| rest.strip_suffix('"'))
        else {
            // Without surrounding quotes there is nothing to remove, whatever the test says.
            return Ok(local);
        };
        let candidate = format!("{inner}@{domain}");
        Ok(if self.addr_spec.get()?.is_match(&candidate) {
            inner
        } else {
            local
        })
    }

    fn to_mailbox(&self, parts: MailboxParts<'_>) -> Result<Mailbox, PseudonymError> {
        Ok(Mailbox {
            local: parts.local.to_owned(),
            domain: parts.domain.to_owned(),
            personal: self.personal(parts.personal)?,
        })
    }

    /// The personal name (§3.2): the phrase, or else the first comment of the trailing CFWS
    /// without its parentheses; trimmed, and unquoted if it is one whole quoted string.
    fn personal(&self, source: PersonalSource<'_>) -> Result<Option<String>, PseudonymError> {
        let raw = match source {
            PersonalSource::None => return Ok(None),
            PersonalSource::Phrase(phrase) => phrase,
            PersonalSource::Cfws(cfws) => {
                let comment = self.comment.get()?.find(cfws).map(|m| m.as_str());
                match comment.and_then(|c| c.strip_prefix('(')?.strip_suffix(')')) {
                    Some(inner) => inner,
                    None => return Ok(None),
                }
            }
        };
        let trimmed = java_trim(raw);
        if !self.quoted_string.get()?.is_match(trimmed) {
            return Ok(Some(trimmed.to_owned()));
        }
        Ok(trimmed
            .strip_prefix('"')
            .and_then(|rest| rest.strip_suffix('"'))
            .map(|inner| java_trim(&unescape_quoted(inner)).to_owned()))
    }
}

/// Replaces the quoted pairs `\\` and `\"` by the character they quote; other quoted pairs keep
/// their backslash. The input is the content of a valid quoted string, so every `\` starts a pair.
fn unescape_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(q @ ('\\' | '"')) => out.push(q),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Java's `String.trim`: strips characters up to U+0020 at both ends.
pub(crate) fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grammar() -> &'static EmailGrammar {
        EmailGrammar::shared()
    }

    fn mailbox(s: &str) -> Option<Mailbox> {
        grammar().parse_mailbox(s).expect("the grammar compiles")
    }

    fn address_list(s: &str) -> Option<Vec<Mailbox>> {
        grammar()
            .parse_address_list(s)
            .expect("the grammar compiles")
    }

    /// Which patterns of `g` have been compiled, in field order.
    fn compiled(g: &EmailGrammar) -> [bool; 6] {
        g.patterns().map(|p| p.compiled.get().is_some())
    }

    #[test]
    fn every_pattern_compiles() {
        let g = EmailGrammar::new();
        g.compile_all().expect("the grammar compiles");
        assert_eq!(compiled(&g), [true; 6]);
    }

    #[test]
    fn patterns_are_compiled_only_when_a_value_needs_them() {
        let g = EmailGrammar::new();
        // Plain addresses and non-addresses are decided without the grammar.
        assert!(g.is_email("alice@acme.com").expect("compiles"));
        assert!(!g.is_email("not an email").expect("compiles"));
        assert_eq!(compiled(&g), [false; 6]);
        // A display name needs the mailbox pattern, and its cleanup the quoted-string one.
        let parsed = g
            .parse_mailbox("Alice <alice@acme.com>")
            .expect("compiles")
            .expect("an email");
        assert_eq!(parsed.personal.as_deref(), Some("Alice"));
        assert_eq!(compiled(&g), [true, false, false, false, false, true]);
        // A header needs the address pattern.
        let list = g
            .parse_address_list("a@acme.com, b@acme.com")
            .expect("compiles")
            .expect("a list");
        assert_eq!(list.len(), 2);
        assert_eq!(compiled(&g), [true, false, false, true, false, true]);
    }

    fn mb(local: &str, domain: &str, personal: Option<&str>) -> Mailbox {
        Mailbox {
            local: local.into(),
            domain: domain.into(),
            personal: personal.map(Into::into),
        }
    }

    // §3.2 "Verified outcomes", one test per row.

    #[test]
    fn plain_addresses_are_emails() {
        assert_eq!(
            mailbox("alice@acme.com"),
            Some(mb("alice", "acme.com", None))
        );
        assert_eq!(mailbox("a@b.co"), Some(mb("a", "b.co", None)));
        assert_eq!(
            mailbox(" alice@acme.com "),
            Some(mb("alice", "acme.com", None))
        );
    }

    #[test]
    fn display_name_is_the_personal_name() {
        assert_eq!(
            mailbox("Alice <alice@acme.com>"),
            Some(mb("alice", "acme.com", Some("Alice")))
        );
    }

    #[test]
    fn quoted_display_name_is_unquoted_and_case_is_kept() {
        assert_eq!(
            mailbox("\"Alice Ex\" <Al.Ice+tag@Acme.COM>"),
            Some(mb("Al.Ice+tag", "Acme.COM", Some("Alice Ex")))
        );
    }

    #[test]
    fn bare_angle_address_is_an_email_without_personal_name() {
        assert_eq!(
            mailbox("<alice@acme.com>"),
            Some(mb("alice", "acme.com", None))
        );
    }

    #[test]
    fn trailing_comment_is_the_personal_name() {
        assert_eq!(
            mailbox("alice@acme.com (Alice)"),
            Some(mb("alice", "acme.com", Some("Alice")))
        );
    }

    #[test]
    fn punycode_domain_is_an_email() {
        assert_eq!(
            mailbox("user@xn--bcher-kva.com"),
            Some(mb("user", "xn--bcher-kva.com", None))
        );
    }

    #[test]
    fn quoted_local_part_with_space_keeps_its_quotes() {
        assert_eq!(
            mailbox("\"al ice\"@acme.com"),
            Some(mb("\"al ice\"", "acme.com", None))
        );
    }

    #[test]
    fn quoted_local_part_that_needs_no_quotes_loses_them() {
        assert_eq!(
            mailbox("\"alice\"@acme.com"),
            Some(mb("alice", "acme.com", None))
        );
    }

    #[test]
    fn local_part_may_start_with_plus() {
        assert_eq!(mailbox("+x@acme.com"), Some(mb("+x", "acme.com", None)));
    }

    #[test]
    fn bad_domains_and_tlds_are_not_emails() {
        let long_tld = format!("a@b.{}", "x".repeat(27));
        for s in [
            "alice@acme",
            "alice@localhost",
            "a@b.c",
            "a@1.2.3.4",
            "user@acme.c0m",
            long_tld.as_str(),
        ] {
            assert_eq!(mailbox(s), None, "{s:?}");
        }
    }

    #[test]
    fn bad_local_parts_and_phrases_are_not_emails() {
        for s in [
            "alice.@acme.com",
            "a..b@acme.com",
            "al ice@acme.com",
            "üser@acme.com",
            "Bob K. Smith <b@acme.com>",
        ] {
            assert_eq!(mailbox(s), None, "{s:?}");
        }
    }

    #[test]
    fn lists_and_groups_are_not_single_mailboxes() {
        assert_eq!(mailbox("alice@acme.com, bob@acme.com"), None);
        assert_eq!(mailbox("Group: a@acme.com, b@acme.com;"), None);
    }

    #[test]
    fn list_of_two_addresses_is_a_valid_address_list() {
        assert_eq!(
            address_list("alice@acme.com, bob@acme.com"),
            Some(vec![
                mb("alice", "acme.com", None),
                mb("bob", "acme.com", None)
            ])
        );
    }

    #[test]
    fn group_members_are_flattened_in_order() {
        assert_eq!(
            address_list("Group: a@acme.com, b@acme.com;"),
            Some(vec![mb("a", "acme.com", None), mb("b", "acme.com", None)])
        );
    }

    #[test]
    fn groups_and_mailboxes_mix_in_a_list() {
        assert_eq!(
            address_list("x@acme.com, Team: Ann <a@acme.com>;, y@acme.com"),
            Some(vec![
                mb("x", "acme.com", None),
                mb("a", "acme.com", Some("Ann")),
                mb("y", "acme.com", None)
            ])
        );
    }

    #[test]
    fn empty_group_contributes_no_address() {
        assert_eq!(address_list("Undisclosed recipients:;"), Some(vec![]));
    }

    #[test]
    fn empty_list_elements_are_rejected() {
        assert_eq!(address_list("a@acme.com,,b@acme.com"), None);
        assert_eq!(address_list("a@acme.com,"), None);
        assert_eq!(address_list(""), None);
    }

    #[test]
    fn text_after_an_address_invalidates_the_list() {
        assert_eq!(address_list("a@acme.com; b@acme.com"), None);
    }

    #[test]
    fn header_example_of_2_3_parses_with_personal_names() {
        assert_eq!(
            address_list("Alice <alice@acme.com>, \"Bob\" <bob@acme.com>"),
            Some(vec![
                mb("alice", "acme.com", Some("Alice")),
                mb("bob", "acme.com", Some("Bob"))
            ])
        );
    }

    #[test]
    fn comment_after_angle_address_is_the_personal_name() {
        assert_eq!(
            mailbox("<alice@acme.com> (Alice A)"),
            Some(mb("alice", "acme.com", Some("Alice A")))
        );
    }

    #[test]
    fn quoted_personal_name_unescapes_backslash_and_quote_only() {
        assert_eq!(
            mailbox(r#""A \"B\" \\ \x" <a@acme.com>"#),
            Some(mb("a", "acme.com", Some(r#"A "B" \ \x"#)))
        );
    }

    #[test]
    fn phrase_of_several_quoted_words_is_kept_as_written() {
        assert_eq!(
            mailbox("\"Alice\" \"Ex\" <a@acme.com>"),
            Some(mb("a", "acme.com", Some("\"Alice\" \"Ex\"")))
        );
    }

    #[test]
    fn folding_whitespace_in_a_comment_precedes_only_ctext() {
        // `ccontent` is `ctext|quotedPair` without a group, so `(?:fwsp)?` binds to ctext
        // alone: a quoted pair right after folding whitespace ends the comment's content.
        for s in [
            "a@acme.com ( \\a)",
            "a@acme.com (x \\))",
            "( \\a) a@acme.com",
            "A <a@acme.com> (\t\\\")",
        ] {
            assert_eq!(mailbox(s), None, "{s:?}");
        }
        for s in [
            "a@acme.com (\\a)",
            "a@acme.com (x\\) )",
            "a@acme.com ( x\\a )",
            "(\\a) a@acme.com",
        ] {
            assert!(mailbox(s).is_some(), "{s:?}");
        }
        assert_eq!(address_list("a@acme.com ( \\a), b@acme.com"), None);
    }

    #[test]
    fn reformat_without_personal_is_the_bare_address() {
        assert_eq!(
            mb("alice", "Acme.COM", None).to_header_string(),
            "alice@Acme.COM"
        );
    }

    #[test]
    fn reformat_keeps_a_plain_personal_name_unquoted() {
        assert_eq!(
            mb("al.ice", "acme.com", Some("Alice Ex")).to_header_string(),
            "Alice Ex <al.ice@acme.com>"
        );
    }

    #[test]
    fn reformat_quotes_a_personal_name_with_specials() {
        assert_eq!(
            mb("b", "acme.com", Some("Bob K. Smith")).to_header_string(),
            "\"Bob K. Smith\" <b@acme.com>"
        );
    }

    #[test]
    fn reformat_escapes_quotes_and_backslashes() {
        assert_eq!(
            mb("a", "acme.com", Some(r#"A "B" \"#)).to_header_string(),
            r#""A \"B\" \\" <a@acme.com>"#
        );
    }

    #[test]
    fn reformat_encodes_a_personal_name_with_controls_or_non_ascii() {
        assert_eq!(
            mb("a", "acme.com", Some("x\u{1}y z")).to_header_string(),
            "=?UTF-8?Q?x=01y_z?= <a@acme.com>"
        );
        assert_eq!(
            mb("j", "acme.com", Some("Jürgen")).to_header_string(),
            "=?UTF-8?Q?J=C3=BCrgen?= <j@acme.com>"
        );
    }

    #[test]
    fn reformatted_addresses_parse_back_to_the_same_parts() {
        for s in [
            "a@acme.com (x\u{1}y)",
            "\"a\\\u{7f}b\" <a@acme.com>",
            "\"Bob K. Smith\" <b@acme.com>",
            "(Al \"x\" ice) <a@acme.com>",
            "a@acme.com (Al\\\" ice)",
            "\"Jürgen\" <j@acme.com>",
            "\"al ice\"@acme.com (x)",
        ] {
            let first = mailbox(s).expect("an email");
            let again = mailbox(&first.to_header_string()).expect("still an email");
            assert_eq!(
                (&again.local, &again.domain),
                (&first.local, &first.domain),
                "{s:?}"
            );
        }
    }
}
