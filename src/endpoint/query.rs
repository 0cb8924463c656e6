//! Query strings as the proxy parses them (§5.4): HTML-form encoding, `&` and `;` separators.

/// One query parameter: the decoded name, and the decoded value (`None` without `=`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryParam {
    pub name: String,
    pub value: Option<String>,
}

/// Parses a raw query string: pairs separated by `&` or `;`, names and values percent-decoded
/// as UTF-8 with `+` as space; pairs with an empty name are skipped.
pub fn parse_query(raw: &str) -> Vec<QueryParam> {
    raw.split(['&', ';'])
        .filter_map(|pair| {
            let (name, value) = match pair.split_once('=') {
                Some((n, v)) => (n, Some(form_decode(v))),
                None => (pair, None),
            };
            let name = form_decode(name);
            (!name.is_empty()).then_some(QueryParam { name, value })
        })
        .collect()
}

/// Percent-decoding of form fields: `+` is a space, `%XY` a byte, a `%` not followed by two hex
/// digits stays literal; the bytes are read as UTF-8 (invalid sequences become U+FFFD).
pub fn form_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' if i + 2 < bytes.len()
                && hex(bytes[i + 1]).is_some()
                && hex(bytes[i + 2]).is_some() =>
            {
                let hi = hex(bytes[i + 1]).unwrap_or(0);
                let lo = hex(bytes[i + 2]).unwrap_or(0);
                out.push(hi << 4 | lo);
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(raw: &str) -> Vec<String> {
        parse_query(raw).into_iter().map(|p| p.name).collect()
    }

    #[test]
    fn names_are_decoded() {
        assert_eq!(names("%24select=a&%24top=5"), ["$select", "$top"]);
    }

    #[test]
    fn semicolon_separates_too_and_empty_names_are_skipped() {
        assert_eq!(names("a=1;b=2&&=3&c"), ["a", "b", "c"]);
    }

    #[test]
    fn pair_without_equals_has_no_value() {
        let q = parse_query("flag&x=");
        assert_eq!(q[0].value, None);
        assert_eq!(q[1].value.as_deref(), Some(""));
    }

    #[test]
    fn plus_is_space_and_bad_escapes_stay_literal() {
        assert_eq!(form_decode("a+b%20c%zz%4"), "a b c%zz%4");
        assert_eq!(form_decode("caf%C3%A9"), "café");
    }
}
