//! Sets of code points for Java character classes: the algebra (union, intersection,
//! complement, case closure), Java's predefined classes and its `\p{..}` property names.

use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, HirKind};

/// A set of Unicode scalar values. Java strings may hold lone surrogates; Rust strings cannot,
/// so surrogate code points are silently dropped from every set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CharSet(ClassUnicode);

impl CharSet {
    pub(crate) fn empty() -> CharSet {
        CharSet(ClassUnicode::empty())
    }

    pub(crate) fn all() -> CharSet {
        CharSet::range(0, 0x10_FFFF)
    }

    pub(crate) fn single(c: u32) -> CharSet {
        CharSet::range(c, c)
    }

    /// The code points `lo..=hi`, minus surrogates.
    pub(crate) fn range(lo: u32, hi: u32) -> CharSet {
        let mut set = ClassUnicode::empty();
        // Split around the surrogate gap, which `char` cannot represent.
        for (a, b) in [(lo, hi.min(0xD7FF)), (lo.max(0xE000), hi.min(0x10_FFFF))] {
            if let (Some(a), Some(b)) = (char::from_u32(a), char::from_u32(b))
                && a <= b
            {
                set.push(ClassUnicodeRange::new(a, b));
            }
        }
        CharSet(set)
    }

    fn of(ranges: &[(u32, u32)]) -> CharSet {
        let mut set = CharSet::empty();
        for &(a, b) in ranges {
            set.union_with(&CharSet::range(a, b));
        }
        set
    }

    pub(crate) fn union_with(&mut self, other: &CharSet) {
        self.0.union(&other.0);
    }

    pub(crate) fn union(mut self, other: &CharSet) -> CharSet {
        self.union_with(other);
        self
    }

    pub(crate) fn intersect(mut self, other: &CharSet) -> CharSet {
        self.0.intersect(&other.0);
        self
    }

    pub(crate) fn negate(mut self) -> CharSet {
        self.0.negate();
        self
    }

    pub(crate) fn contains(&self, c: u32) -> bool {
        self.ranges().any(|(a, b)| a <= c && c <= b)
    }

    /// `(start, end)` code point pairs, sorted and non-overlapping.
    pub(crate) fn ranges(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.0
            .ranges()
            .iter()
            .map(|r| (u32::from(r.start()), u32::from(r.end())))
    }

    /// The only member, if there is exactly one.
    pub(crate) fn as_single(&self) -> Option<u32> {
        match self.0.ranges() {
            [r] if r.start() == r.end() => Some(u32::from(r.start())),
            _ => None,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.ranges().is_empty()
    }

    /// Java's ASCII-only case folding (`CASE_INSENSITIVE` without `UNICODE_CASE`): an ASCII
    /// letter matches when either of its cases is in the set.
    pub(crate) fn ascii_case_closure(mut self) -> CharSet {
        let mut extra = CharSet::empty();
        for lower in u32::from(b'a')..=u32::from(b'z') {
            let upper = lower - 0x20;
            if self.contains(lower) || self.contains(upper) {
                extra.union_with(&CharSet::single(lower));
                extra.union_with(&CharSet::single(upper));
            }
        }
        self.union_with(&extra);
        self
    }

    /// Unicode case folding (`CASE_INSENSITIVE` with `UNICODE_CASE`). Java compares
    /// `toLowerCase(toUpperCase(c))`; Unicode simple case folding gives the same classes except
    /// that Java also relates `i`/`I` with dotted `İ` and dotless `ı`, added here.
    pub(crate) fn unicode_case_closure(mut self) -> CharSet {
        // Fails only without regex-syntax's case tables; then ASCII folding is the best left.
        if self.0.try_case_fold_simple().is_err() {
            return self.ascii_case_closure();
        }
        if [0x49, 0x69, 0x130, 0x131].iter().any(|&c| self.contains(c)) {
            self.union_with(&CharSet::of(&[(0x49, 0x49), (0x69, 0x69), (0x130, 0x131)]));
        }
        self
    }
}

/// Builds a set from a regex-syntax Unicode class expression such as `\p{gc=Lu}`.
fn unicode(expr: &str) -> Option<CharSet> {
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(expr)
        .ok()?;
    match hir.kind() {
        HirKind::Class(Class::Unicode(class)) => Some(CharSet(class.clone())),
        _ => None,
    }
}

fn unicode_all(exprs: &[&str]) -> Option<CharSet> {
    let mut set = CharSet::empty();
    for e in exprs {
        set.union_with(&unicode(e)?);
    }
    Some(set)
}

/// `\d` (ASCII unless `UNICODE_CHARACTER_CLASS`, then `Nd`).
pub(crate) fn digit(unicode_classes: bool) -> CharSet {
    if unicode_classes {
        unicode(r"\p{gc=Nd}").unwrap_or_else(ascii_digit)
    } else {
        ascii_digit()
    }
}

fn ascii_digit() -> CharSet {
    CharSet::range(0x30, 0x39)
}

/// `\s`: ASCII `[ \t\n\x0B\f\r]`, or Java's White_Space.
pub(crate) fn space(unicode_classes: bool) -> CharSet {
    if unicode_classes {
        unicode(r"\p{White_Space}").unwrap_or_else(ascii_space)
    } else {
        ascii_space()
    }
}

fn ascii_space() -> CharSet {
    CharSet::of(&[(0x09, 0x0D), (0x20, 0x20)])
}

/// `\w`: ASCII `[a-zA-Z_0-9]`, or Java's Unicode word class (Alphabetic, marks, `Nd`, `Pc`,
/// Join_Control).
pub(crate) fn word(unicode_classes: bool) -> CharSet {
    if unicode_classes {
        unicode_all(&[
            r"\p{Alphabetic}",
            r"\p{gc=Mn}",
            r"\p{gc=Me}",
            r"\p{gc=Mc}",
            r"\p{gc=Nd}",
            r"\p{gc=Pc}",
            r"\p{Join_Control}",
        ])
        .unwrap_or_else(ascii_word)
    } else {
        ascii_word()
    }
}

pub(crate) fn ascii_word() -> CharSet {
    CharSet::of(&[(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)])
}

/// `\h`: horizontal whitespace (the same in both modes).
pub(crate) fn horizontal_space() -> CharSet {
    CharSet::of(&[
        (0x09, 0x09),
        (0x20, 0x20),
        (0xA0, 0xA0),
        (0x1680, 0x1680),
        (0x180E, 0x180E),
        (0x2000, 0x200A),
        (0x202F, 0x202F),
        (0x205F, 0x205F),
        (0x3000, 0x3000),
    ])
}

/// `\v`: vertical whitespace.
pub(crate) fn vertical_space() -> CharSet {
    CharSet::of(&[(0x0A, 0x0D), (0x85, 0x85), (0x2028, 0x2029)])
}

/// Java line terminators, which `.` excludes: `\n \r U+0085 U+2028 U+2029`.
pub(crate) fn line_terminators() -> CharSet {
    CharSet::of(&[(0x0A, 0x0A), (0x0D, 0x0D), (0x85, 0x85), (0x2028, 0x2029)])
}

/// Why a `\p{..}` name was not accepted.
#[derive(Debug)]
pub(crate) enum PropertyError {
    /// Java does not know the name either.
    Unknown,
    /// Java knows it, but it cannot be translated.
    Unsupported(&'static str),
}

/// Resolves the name inside `\p{..}` as Java's `Pattern` does (before any `\P` complement).
/// `case_insensitive` widens the case properties as Java does under `CASE_INSENSITIVE`.
pub(crate) fn property(
    name: &str,
    case_insensitive: bool,
    unicode_classes: bool,
) -> Result<CharSet, PropertyError> {
    if let Some((key, value)) = name.split_once('=') {
        let found = match key.to_ascii_lowercase().as_str() {
            "sc" | "script" => script(value),
            "blk" | "block" => {
                return Err(PropertyError::Unsupported(
                    "Unicode blocks (`\\p{block=..}`, `\\p{In..}`) are not supported",
                ));
            }
            "gc" | "general_category" => category(value, case_insensitive),
            _ => None,
        };
        return found.ok_or(PropertyError::Unknown);
    }
    if name.strip_prefix("In").is_some() {
        return Err(PropertyError::Unsupported(
            "Unicode blocks (`\\p{In..}`, `\\p{block=..}`) are not supported",
        ));
    }
    if let Some(short) = name.strip_prefix("Is") {
        return binary_property(short, case_insensitive)
            .or_else(|| category(short, case_insensitive))
            .or_else(|| script(short))
            .ok_or(PropertyError::Unknown);
    }
    if unicode_classes && let Some(set) = posix_unicode(&name.to_uppercase(), case_insensitive) {
        return Ok(set);
    }
    if name.starts_with("java") {
        return java_property(name, case_insensitive);
    }
    category(name, case_insensitive).ok_or(PropertyError::Unknown)
}

/// `\p{IsAlphabetic}`-style binary properties (Java's `forUnicodeProperty`), falling back to the
/// POSIX names under their Unicode definitions.
fn binary_property(name: &str, ci: bool) -> Option<CharSet> {
    let upper = name.to_uppercase();
    let cased = |base: &str| {
        if ci {
            unicode_all(&[r"\p{Lowercase}", r"\p{Uppercase}", r"\p{gc=Lt}"])
        } else {
            unicode(base)
        }
    };
    match upper.as_str() {
        "ALPHABETIC" => unicode(r"\p{Alphabetic}"),
        "ASSIGNED" => unicode(r"\P{gc=Cn}"),
        "CONTROL" => unicode(r"\p{gc=Cc}"),
        "EMOJI" => unicode(r"\p{Emoji}"),
        "EMOJI_PRESENTATION" => unicode(r"\p{Emoji_Presentation}"),
        "EMOJI_MODIFIER" => unicode(r"\p{Emoji_Modifier}"),
        "EMOJI_MODIFIER_BASE" => unicode(r"\p{Emoji_Modifier_Base}"),
        "EMOJI_COMPONENT" => unicode(r"\p{Emoji_Component}"),
        "EXTENDED_PICTOGRAPHIC" => unicode(r"\p{Extended_Pictographic}"),
        "HEXDIGIT" | "HEX_DIGIT" => hex_digit(),
        "IDEOGRAPHIC" => unicode(r"\p{Ideographic}"),
        "JOINCONTROL" | "JOIN_CONTROL" => unicode(r"\p{Join_Control}"),
        "LETTER" => unicode(r"\p{gc=L}"),
        "LOWERCASE" => cased(r"\p{Lowercase}"),
        "NONCHARACTERCODEPOINT" | "NONCHARACTER_CODE_POINT" => {
            unicode(r"\p{Noncharacter_Code_Point}")
        }
        "TITLECASE" => cased(r"\p{gc=Lt}"),
        "PUNCTUATION" => unicode(r"\p{gc=P}"),
        "UPPERCASE" => cased(r"\p{Uppercase}"),
        "WHITESPACE" | "WHITE_SPACE" => unicode(r"\p{White_Space}"),
        "WORD" => Some(word(true)),
        _ => posix_unicode(&upper, ci),
    }
}

fn hex_digit() -> Option<CharSet> {
    Some(unicode(r"\p{gc=Nd}")?.union(&CharSet::of(&[
        (0x41, 0x46),
        (0x61, 0x66),
        (0xFF21, 0xFF26),
        (0xFF41, 0xFF46),
    ])))
}

/// POSIX names under `UNICODE_CHARACTER_CLASS` (Java's `getPosixPredicate`).
fn posix_unicode(upper: &str, ci: bool) -> Option<CharSet> {
    let graph = || unicode_all(&[r"\p{gc=Z}", r"\p{gc=Cc}", r"\p{gc=Cn}"]).map(CharSet::negate);
    let blank = || Some(unicode(r"\p{gc=Zs}")?.union(&CharSet::single(0x09)));
    let cased = || unicode_all(&[r"\p{Lowercase}", r"\p{Uppercase}", r"\p{gc=Lt}"]);
    match upper {
        "ALPHA" => unicode(r"\p{Alphabetic}"),
        "LOWER" | "UPPER" if ci => cased(),
        "LOWER" => unicode(r"\p{Lowercase}"),
        "UPPER" => unicode(r"\p{Uppercase}"),
        "SPACE" => unicode(r"\p{White_Space}"),
        "PUNCT" => unicode(r"\p{gc=P}"),
        "XDIGIT" => hex_digit(),
        "ALNUM" => unicode_all(&[r"\p{Alphabetic}", r"\p{gc=Nd}"]),
        "CNTRL" => unicode(r"\p{gc=Cc}"),
        "DIGIT" => unicode(r"\p{gc=Nd}"),
        "BLANK" => blank(),
        "GRAPH" => graph(),
        "PRINT" => Some(graph()?.union(&blank()?).intersect(&unicode(r"\P{gc=Cc}")?)),
        _ => None,
    }
}

/// `\p{sc=Greek}`, `\p{IsGreek}`: the Script property (not Script_Extensions), as Java's
/// `Character.UnicodeScript.of`. Name matching is looser than Java's (it also ignores spaces,
/// hyphens and underscores).
fn script(name: &str) -> Option<CharSet> {
    // Java takes the name upper-cased as it is (`OLD_ITALIC`), where the table lookup here
    // ignores underscores: one at either end, or two together, is no name in Java.
    if name.is_empty()
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        || name.starts_with('_')
        || name.ends_with('_')
        || name.contains("__")
    {
        return None;
    }
    unicode(&format!(r"\p{{Script={name}}}"))
}

/// General categories and Java's POSIX (ASCII) names (`forProperty`).
fn category(name: &str, ci: bool) -> Option<CharSet> {
    let cased = || unicode_all(&[r"\p{gc=Lu}", r"\p{gc=Ll}", r"\p{gc=Lt}"]);
    let ascii_alpha = || CharSet::of(&[(0x41, 0x5A), (0x61, 0x7A)]);
    let ascii_punct = || CharSet::of(&[(0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)]);
    match name {
        "Lu" | "Ll" | "Lt" if ci => cased(),
        "Cn" | "Lu" | "Ll" | "Lt" | "Lm" | "Lo" | "Mn" | "Me" | "Mc" | "Nd" | "Nl" | "No"
        | "Zs" | "Zl" | "Zp" | "Cc" | "Cf" | "Co" | "Pd" | "Ps" | "Pe" | "Pc" | "Po" | "Sm"
        | "Sc" | "Sk" | "So" | "Pi" | "Pf" | "L" | "M" | "N" | "Z" | "P" | "S" | "LC" => {
            unicode(&format!(r"\p{{gc={name}}}"))
        }
        // Surrogates never occur in Rust strings.
        "Cs" => Some(CharSet::empty()),
        "C" => unicode_all(&[r"\p{gc=Cc}", r"\p{gc=Cf}", r"\p{gc=Co}", r"\p{gc=Cn}"]),
        "LD" => unicode_all(&[r"\p{gc=L}", r"\p{gc=Nd}"]),
        "L1" => Some(CharSet::range(0, 0xFF)),
        "all" => Some(CharSet::all()),
        "ASCII" => Some(CharSet::range(0, 0x7F)),
        "Alnum" => Some(ascii_alpha().union(&ascii_digit())),
        "Alpha" => Some(ascii_alpha()),
        "Blank" => Some(CharSet::of(&[(0x09, 0x09), (0x20, 0x20)])),
        "Cntrl" => Some(CharSet::of(&[(0x00, 0x1F), (0x7F, 0x7F)])),
        "Digit" => Some(ascii_digit()),
        "Graph" => Some(CharSet::range(0x21, 0x7E)),
        "Lower" | "Upper" if ci => Some(ascii_alpha()),
        "Lower" => Some(CharSet::range(0x61, 0x7A)),
        "Print" => Some(CharSet::range(0x20, 0x7E)),
        "Punct" => Some(ascii_punct()),
        "Space" => Some(ascii_space()),
        "Upper" => Some(CharSet::range(0x41, 0x5A)),
        "XDigit" => Some(CharSet::of(&[(0x30, 0x39), (0x41, 0x46), (0x61, 0x66)])),
        _ => None,
    }
}

/// `\p{javaLowerCase}` and friends: the `java.lang.Character` predicates that have a Unicode
/// property equivalent.
fn java_property(name: &str, ci: bool) -> Result<CharSet, PropertyError> {
    let cased = || unicode_all(&[r"\p{Lowercase}", r"\p{Uppercase}", r"\p{gc=Lt}"]);
    let found = match name {
        "javaLowerCase" | "javaUpperCase" | "javaTitleCase" if ci => cased(),
        "javaLowerCase" => unicode(r"\p{Lowercase}"),
        "javaUpperCase" => unicode(r"\p{Uppercase}"),
        "javaTitleCase" => unicode(r"\p{gc=Lt}"),
        "javaAlphabetic" => unicode(r"\p{Alphabetic}"),
        "javaIdeographic" => unicode(r"\p{Ideographic}"),
        "javaDigit" => unicode(r"\p{gc=Nd}"),
        "javaDefined" => unicode(r"\P{gc=Cn}"),
        "javaLetter" => unicode(r"\p{gc=L}"),
        "javaLetterOrDigit" => unicode_all(&[r"\p{gc=L}", r"\p{gc=Nd}"]),
        "javaSpaceChar" => unicode(r"\p{gc=Z}"),
        "javaISOControl" => Some(CharSet::of(&[(0x00, 0x1F), (0x7F, 0x9F)])),
        "javaMirrored" => {
            return Err(PropertyError::Unsupported(
                "`\\p{javaMirrored}` is not supported",
            ));
        }
        "javaWhitespace" => Some(
            unicode(r"\p{gc=Z}")
                .ok_or(PropertyError::Unknown)?
                .intersect(
                    &CharSet::of(&[(0xA0, 0xA0), (0x2007, 0x2007), (0x202F, 0x202F)]).negate(),
                )
                .union(&CharSet::of(&[(0x09, 0x0D), (0x1C, 0x1F)])),
        ),
        "javaJavaIdentifierStart"
        | "javaJavaIdentifierPart"
        | "javaUnicodeIdentifierStart"
        | "javaUnicodeIdentifierPart"
        | "javaIdentifierIgnorable" => {
            return Err(PropertyError::Unsupported(
                "Java identifier properties (`\\p{javaJavaIdentifierStart}` and similar) are not supported",
            ));
        }
        _ => return Err(PropertyError::Unknown),
    };
    found.ok_or(PropertyError::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_drops_surrogates() {
        let set = CharSet::range(0xD700, 0xE001);
        let ranges: Vec<_> = set.ranges().collect();
        assert_eq!(ranges, vec![(0xD700, 0xD7FF), (0xE000, 0xE001)]);
    }

    #[test]
    fn ascii_closure_pairs_letters_only() {
        let set = CharSet::of(&[(0x5B, 0x61)]).ascii_case_closure(); // `[` .. `a`
        assert!(set.contains(u32::from('A')));
        assert!(!set.contains(u32::from('B')));
        assert!(set.contains(u32::from('_')));
    }

    #[test]
    fn unicode_closure_relates_dotted_and_dotless_i() {
        let set = CharSet::single(u32::from('I')).unicode_case_closure();
        assert!(set.contains(0x131));
        assert!(set.contains(0x130));
        assert!(set.contains(u32::from('i')));
    }

    #[test]
    fn unicode_closure_folds_e_acute() {
        let set = CharSet::single(0xE9).unicode_case_closure();
        assert!(set.contains(0xC9));
    }

    #[test]
    fn posix_lower_is_ascii_by_default() {
        let set = property("Lower", false, false).unwrap_or_else(|_| CharSet::empty());
        assert!(set.contains(u32::from('q')));
        assert!(!set.contains(0xE9));
    }

    #[test]
    fn unassigned_category_resolves() {
        let set = property("Cn", false, false).unwrap_or_else(|_| CharSet::empty());
        assert!(set.contains(0x0378));
        assert!(!set.contains(u32::from('a')));
    }

    #[test]
    fn script_property_resolves_greek() {
        let set = property("IsGreek", false, false).unwrap_or_else(|_| CharSet::empty());
        assert!(set.contains(0x3B1));
        assert!(!set.contains(u32::from('a')));
    }

    #[test]
    fn blocks_are_reported_as_unsupported() {
        assert!(matches!(
            property("InGreek", false, false),
            Err(PropertyError::Unsupported(_))
        ));
    }

    #[test]
    fn unknown_property_is_unknown() {
        assert!(matches!(
            property("Bogus", false, false),
            Err(PropertyError::Unknown)
        ));
    }
}
