//! The RFC 2822 address grammar of §3.2 as regular-expression text, built from the spec's
//! building blocks with the proxy's default criteria (quoted identifiers and parentheses in a
//! quoted local part allowed; no domain literals; no `.` or square brackets in atext).

/// Whether the two atomic groups of the reference grammar are kept.
///
/// The matcher uses [`Atomic::Dropped`]: the result is then a plain regular expression, matched in
/// linear time. Kept, the atomic groups force a backtracking matcher whose running time is
/// exponential in the number of whitespace runs (`a  a  a …@x` needs over a million steps at ten
/// words). Dropping them changes neither the accepted strings nor any capture, because:
/// - `localPartQcontent = (?>localPartQtext|quotedPair)`: both branches match in exactly one way
///   and they start with different characters (`\` is not localPartQtext), so there is never a
///   second way to backtrack into;
/// - `(?>(?:fwsp)?qcontent)` inside a quoted string: a `\` always starts a quoted pair, so the
///   closing `"` of a quoted string is fixed by its opening one, and the content between them is
///   only ever captured whole. What remains is whether the greedy, committed split of a space
///   run between fwsp and qtext can reject content that another split accepts. It cannot: a
///   suffix of quoted content that starts right after a qcontent parses on its own (fwsp needs
///   no preceding character), and any cut the committed split makes inside another split's fwsp
///   leaves a valid fwsp behind (`wsp* CRLF wsp+` or `wsp+`).
///
/// The unit tests check this claim against a backtracking matcher that keeps the atomic groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Atomic {
    #[cfg_attr(not(test), allow(dead_code))] // only the equivalence tests build the reference form
    Kept,
    Dropped,
}

/// The pattern texts the parser needs. Group numbers inside `mailbox` are those listed in §3.2.
#[derive(Debug, Clone)]
pub(crate) struct Patterns {
    /// `mailbox`, 14 capture groups.
    pub mailbox: String,
    /// `addrSpec`, 4 capture groups.
    pub addr_spec: String,
    /// `address` with named groups: `mailbox` (the mailbox branch, whose 14 groups follow it),
    /// `group` (the group branch) and `members` (the mailbox list inside a group).
    pub address: String,
    /// `comment`, no capture groups.
    pub comment: String,
    /// `quotedStringWOCFWS`, no capture groups.
    pub quoted_string_wo_cfws: String,
}

/// Non-capturing group around `s`, so that concatenation and repetition bind as intended.
fn nc(s: &str) -> String {
    format!("(?:{s})")
}

impl Patterns {
    pub(crate) fn new(atomic: Atomic) -> Self {
        let atomic_open = match atomic {
            Atomic::Kept => "(?>",
            Atomic::Dropped => "(?:",
        };

        let wsp = "[ \\t]";
        let fwsp = format!("(?:{wsp}*\\r\\n)?{wsp}+");
        let opt_fwsp = format!("{}?", nc(&fwsp));
        // Control characters other than whitespace, spelled for use inside a class.
        let no_ws_ctl = "\\x01-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F";
        let ascii_text = "[\\x01-\\x09\\x0B\\x0C\\x0E-\\x7F]";
        let quoted_pair = format!("(?:\\\\{ascii_text})");
        let ctext = format!("[{no_ws_ctl}!-'*-\\[\\]-~]");
        // No group around the alternation (§3.2): the optional fwsp before `ccontent` in
        // `comment` binds to ctext alone, so a quoted pair never follows folding whitespace.
        let ccontent = format!("{ctext}|{quoted_pair}");
        let comment = format!("\\((?:{opt_fwsp}{ccontent})*{opt_fwsp}\\)");
        let cfws = format!(
            "(?:{opt_fwsp}{comment})*(?:(?:{opt_fwsp}{comment})|{})",
            nc(&fwsp)
        );
        let opt_cfws = format!("{}?", nc(&cfws));
        let atext = "[a-zA-Z0-9!#-'*+\\-/=?^-`{-~]";
        let atom = format!("{opt_cfws}{atext}+{opt_cfws}");
        let dot_atom_text = format!("{atext}+(?:\\.{atext}+)*");
        let cap_dot_atom_no_cfws = format!("{opt_cfws}({dot_atom_text}){opt_cfws}");
        // Any character but an ASCII control, `\` or `"`: Java's `[^\p{Cntrl}\\"]`.
        let qtext = "[^\\x00-\\x1F\\x7F\\\\\"]";
        let local_part_qtext = format!("[{no_ws_ctl}!#-\\[\\]-~]");
        let qcontent = format!("(?:{qtext}|{quoted_pair})");
        let local_part_qcontent = format!("{atomic_open}{local_part_qtext}|{quoted_pair})");
        let quoted_string_wo_cfws = format!("\"{atomic_open}{opt_fwsp}{qcontent})*{opt_fwsp}\"");
        let quoted_string = format!("{opt_cfws}{quoted_string_wo_cfws}{opt_cfws}");
        let local_part_quoted_string =
            format!("{opt_cfws}(\"(?:{opt_fwsp}{local_part_qcontent})*{opt_fwsp}\"){opt_cfws}");
        let word = format!("(?:{}|{})", nc(&atom), nc(&quoted_string));
        let phrase = format!("{word}(?:{}{word})*", nc(&fwsp));
        let rfc_label = "[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?";
        let domain_name = format!("{rfc_label}(?:\\.{rfc_label})*\\.[a-zA-Z]{{2,26}}");
        let domain = format!("{opt_cfws}({domain_name}){opt_cfws}");
        let cap_cfws_domain = format!("{opt_cfws}({domain_name})({cfws})?");
        let local_part = format!("({cap_dot_atom_no_cfws}|{local_part_quoted_string})");
        let addr_spec = format!("{local_part}@{domain}");
        let unique_addr_spec = format!("{local_part}@{cap_cfws_domain}");
        let angle_addr = format!("{opt_cfws}<{addr_spec}>({cfws})?");
        let name_addr = format!("({phrase})??({angle_addr})");
        let mailbox = format!("({name_addr})|({unique_addr_spec})");
        let mailbox_list = format!("{}(?:,{})*", nc(&mailbox), nc(&mailbox));
        let group = format!("{phrase}:(?:{cfws}|(?P<members>{mailbox_list}))?;{opt_cfws}");
        let address = format!("(?P<mailbox>{mailbox})|(?P<group>{group})");

        Patterns {
            mailbox,
            addr_spec,
            address,
            comment,
            quoted_string_wo_cfws,
        }
    }
}
