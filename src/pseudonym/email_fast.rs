//! Deciding "is this an email?" (§3.2) without the full grammar for the common shapes: most
//! candidate values either have no `@` or are a plain `local@domain.tld`.

/// What the fast check could decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fast<'a> {
    /// Certainly not a mailbox.
    NotEmail,
    /// Certainly a mailbox of the plain `dotAtomText@domainName` shape, with these parts and no
    /// personal name.
    Plain { local: &'a str, domain: &'a str },
    /// Needs the full grammar.
    Undecided,
}

/// Decides the easy cases of "`s` fully matches `mailbox`".
///
/// Why this is exact:
/// - every branch of `mailbox` contains a literal `@` outside any quoted string or comment, so a
///   string without `@` never matches;
/// - if `s` has no `(`, no `"`, no `<` and no space or tab, it contains no comment, no quoted
///   string, no angle address and no folding whitespace (fwsp needs at least one space or tab),
///   hence no CFWS either. `mailbox` then reduces to its addr-spec branch with a dot-atom local
///   part and no CFWS: exactly `dotAtomText@domainName`, which is checked by hand below.
///
/// Each part is checked in one pass; the five bytes that lead to the grammar, none of which a
/// plain address holds, are looked for only in a value that is not one.
pub(crate) fn classify(s: &str) -> Fast<'_> {
    let bytes = s.as_bytes();
    let Some(at) = memchr::memchr(b'@', bytes) else {
        return Fast::NotEmail;
    };
    if is_dot_atom_text(&bytes[..at]) && is_domain_name(&bytes[at + 1..]) {
        return Fast::Plain {
            local: &s[..at],
            domain: &s[at + 1..],
        };
    }
    if bytes.iter().any(|&b| has(b, GRAMMAR)) {
        Fast::Undecided
    } else {
        Fast::NotEmail
    }
}

/// Byte classes, as bits of [`CLASS`].
const ATEXT: u8 = 1;
const ALNUM: u8 = 2;
const ALPHA: u8 = 4;
/// A byte that may start a comment, quoted string, angle address or folding whitespace.
const GRAMMAR: u8 = 8;

static CLASS: [u8; 256] = classes();

const fn classes() -> [u8; 256] {
    let mut table = [0; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let mut class = 0;
        if is_atext(b) {
            class |= ATEXT;
        }
        if b.is_ascii_alphanumeric() {
            class |= ALNUM;
        }
        if b.is_ascii_alphabetic() {
            class |= ALPHA;
        }
        if matches!(b, b'(' | b'"' | b'<' | b' ' | b'\t') {
            class |= GRAMMAR;
        }
        table[i] = class;
        i += 1;
    }
    table
}

fn has(b: u8, class: u8) -> bool {
    CLASS[usize::from(b)] & class != 0
}

/// `atext` of §3.2: `[a-zA-Z0-9!#-'*+\-/=?^-`{-~]`.
pub(crate) const fn is_atext(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#'..=b'\'' | b'*' | b'+' | b'-' | b'/' | b'=' | b'?'
        )
        || matches!(b, b'^'..=b'`' | b'{'..=b'~')
}

/// `dotAtomText = atext+(?:\.atext+)*`: non-empty atext runs separated by single dots.
fn is_dot_atom_text(s: &[u8]) -> bool {
    // The byte before, a dot at the start: a dot may follow neither.
    let mut before = b'.';
    for &b in s {
        if !has(b, ATEXT) && (b != b'.' || before == b'.') {
            return false;
        }
        before = b;
    }
    before != b'.'
}

/// `domainName = rfcLabel(?:\.rfcLabel)*\.[a-zA-Z]{2,26}`, with `rfcLabel =
/// [a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?`. Labels cannot contain dots, so the dots
/// are the only places the pattern can split the name: each part but the last is a label,
/// and the last, the top-level domain, has letters only.
fn is_domain_name(s: &[u8]) -> bool {
    let mut dots = 0;
    // The current part: its length, whether it has only letters, its last byte.
    let mut len = 0;
    let mut letters = true;
    let mut last = b'.';
    for &b in s {
        if b == b'.' {
            if len == 0 || len > 63 || !has(last, ALNUM) {
                return false;
            }
            dots += 1;
            len = 0;
            letters = true;
        } else if has(b, ALNUM) {
            letters &= has(b, ALPHA);
            len += 1;
        } else if b == b'-' && len > 0 {
            letters = false;
            len += 1;
        } else {
            return false;
        }
        last = b;
    }
    dots > 0 && letters && (2..=26).contains(&len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_without_at_is_not_an_email() {
        assert_eq!(classify("Alice (alice) \"x\" <y>"), Fast::NotEmail);
    }

    #[test]
    fn plain_address_is_split_at_the_at_sign() {
        assert_eq!(
            classify("Al.Ice+tag@Acme.COM"),
            Fast::Plain {
                local: "Al.Ice+tag",
                domain: "Acme.COM"
            }
        );
    }

    #[test]
    fn plain_shape_with_bad_tld_is_not_an_email() {
        assert_eq!(classify("user@acme.c0m"), Fast::NotEmail);
        assert_eq!(classify("a@b.c"), Fast::NotEmail);
        assert_eq!(classify(&format!("a@b.{}", "x".repeat(27))), Fast::NotEmail);
    }

    #[test]
    fn plain_shape_with_bad_local_is_not_an_email() {
        assert_eq!(classify("alice.@acme.com"), Fast::NotEmail);
        assert_eq!(classify("a..b@acme.com"), Fast::NotEmail);
        assert_eq!(classify("üser@acme.com"), Fast::NotEmail);
    }

    #[test]
    fn labels_longer_than_63_are_rejected() {
        let ok = format!("a@{}.com", "b".repeat(63));
        let too_long = format!("a@{}.com", "b".repeat(64));
        assert!(matches!(classify(&ok), Fast::Plain { .. }));
        assert_eq!(classify(&too_long), Fast::NotEmail);
    }

    #[test]
    fn labels_must_not_start_or_end_with_hyphen() {
        assert_eq!(classify("a@-acme.com"), Fast::NotEmail);
        assert_eq!(classify("a@acme-.com"), Fast::NotEmail);
        assert!(matches!(
            classify("a@xn--bcher-kva.com"),
            Fast::Plain { .. }
        ));
    }

    #[test]
    fn quotes_spaces_comments_and_angles_go_to_the_grammar() {
        for s in [
            "\"a\"@b.co",
            " a@b.co",
            "a@b.co (x)",
            "<a@b.co>",
            "a@b.co\t",
        ] {
            assert_eq!(classify(s), Fast::Undecided, "{s:?}");
        }
    }
}
