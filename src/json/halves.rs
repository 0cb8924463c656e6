//! Where a large document can be parsed in two parts at once: a comma between two elements of
//! the outermost array open at a given offset (`middle`, for the parser 4/7 of the document),
//! found by a scan that only follows strings and brackets.

use memchr::memchr2;

/// A comma of a large array, after which a second parser can read the array's remaining
/// elements while the first reads up to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Cut {
    /// Offset of the comma.
    pub comma: usize,
    /// Containers around the array; the array is the container at this index, counted from
    /// the top-level value's.
    pub depth: usize,
}

/// The first comma at or after `middle` directly inside the outermost array open at `middle`,
/// in the value that starts at `from` (a `{` or `[`); `None` when the value ends first, or no
/// array is open there.
///
/// The scan trusts the text: it tells strings and brackets apart, nothing more. That is
/// enough for a text that is JSON up to the comma, which is the only case where the comma is
/// used: the parser takes the cut when it stands at this comma inside an array at this depth,
/// having read everything before it without error.
pub(super) fn find_cut(bytes: &[u8], from: usize, middle: usize) -> Option<Cut> {
    if !matches!(bytes.get(from), Some(b'{' | b'[')) {
        return None;
    }
    // Whether each open container is an array.
    let mut open: Vec<bool> = Vec::new();
    let mut target: Option<usize> = None;
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        if target.is_none() && i >= middle {
            target = Some(open.iter().position(|&array| array)?);
        }
        match b {
            b'"' => {
                i = string_end(bytes, i + 1)?;
                continue;
            }
            b'[' | b'{' => open.push(b == b'['),
            b']' | b'}' => {
                open.pop()?;
                if open.len() <= target.unwrap_or(0) {
                    // The array, or the whole value, ended before a comma was found.
                    return None;
                }
            }
            b',' => {
                if let Some(depth) = target
                    && open.len() == depth + 1
                {
                    return Some(Cut { comma: i, depth });
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The offset after the quote that closes a string whose text starts at `from`.
fn string_end(bytes: &[u8], mut from: usize) -> Option<usize> {
    loop {
        let at = from + memchr2(b'"', b'\\', bytes.get(from..)?)?;
        if bytes[at] == b'"' {
            return Some(at + 1);
        }
        // An escape: the next byte is part of it, even a quote.
        from = at + 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str, middle: usize) -> Option<Cut> {
        find_cut(text.as_bytes(), 0, middle)
    }

    #[test]
    fn the_cut_is_the_first_comma_of_the_outermost_array_after_the_middle() {
        let text = r#"{"a":{"list":[[1,2],[3,4],[5,6]]}}"#;
        let middle = text.find("[3").expect("in the text");
        let c = cut(text, middle).expect("a cut");
        assert_eq!(
            c,
            Cut {
                comma: text.find("],[5").expect("in the text") + 1,
                depth: 2,
            }
        );
    }

    #[test]
    fn commas_in_strings_and_escaped_quotes_are_not_cuts() {
        let text = r#"["x,\",y", "a\\", "b,c", 7]"#;
        let c = cut(text, 2).expect("a cut");
        assert_eq!(&text[c.comma..], r#", "a\\", "b,c", 7]"#);
        let c = cut(text, c.comma + 1).expect("a cut");
        assert_eq!(&text[c.comma..], r#", "b,c", 7]"#);
        let c = cut(text, c.comma + 1).expect("a cut");
        assert_eq!(&text[c.comma..], ", 7]");
    }

    #[test]
    fn no_cut_when_the_array_or_the_value_ends_first() {
        // The middle falls in the last element of the array.
        assert_eq!(cut("[1,2,[3]]", 6), None);
        // No array is open at the middle.
        assert_eq!(cut(r#"{"a":1,"b":2}"#, 7), None);
        // The value ends before the middle; what follows is another value.
        assert_eq!(cut("[1,2] [3,4,5,6]", 9), None);
        // A scalar top-level value, and an unterminated string.
        assert_eq!(cut(r#""a,b,c""#, 2), None);
        assert_eq!(cut(r#"["a,b,c"#, 3), None);
    }

    #[test]
    fn the_scan_starts_where_it_is_told() {
        let text = "[9] [1,2,3]";
        let c = find_cut(text.as_bytes(), 4, 5).expect("a cut");
        assert_eq!(c, Cut { comma: 6, depth: 0 });
    }
}
