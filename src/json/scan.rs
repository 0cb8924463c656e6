//! Eight-bytes-at-a-time tests for the bytes that end a plain run of string text, shared by
//! the parser and the writers.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Whether any byte of `x` is below `n` (exact for `n` ≤ 128).
const fn has_less(x: u64, n: u8) -> bool {
    x.wrapping_sub(ONES * n as u64) & !x & HIGHS != 0
}

const fn has_byte(x: u64, b: u8) -> bool {
    let y = x ^ (ONES * b as u64);
    y.wrapping_sub(ONES) & !y & HIGHS != 0
}

/// The eight bytes at `i`, if there are that many.
pub(super) fn chunk_at(bytes: &[u8], i: usize) -> Option<u64> {
    let chunk = bytes.get(i..i + 8)?;
    <[u8; 8]>::try_from(chunk).ok().map(u64::from_le_bytes)
}

/// No `"`, `\` or control byte: text that JSON strings carry unchanged.
pub(super) const fn is_plain(x: u64) -> bool {
    !(has_less(x, 0x20) || has_byte(x, b'"') || has_byte(x, b'\\'))
}

/// Plain and also printable ASCII only (no DEL, no multi-byte characters).
pub(super) const fn is_plain_ascii(x: u64) -> bool {
    x & HIGHS == 0 && is_plain(x) && !has_byte(x, 0x7f)
}

/// Index of the first `"`, `\` or control byte in `bytes` at or after `from`.
pub(super) fn find_special(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(x) = chunk_at(bytes, i) {
        if !is_plain(x) {
            break;
        }
        i += 8;
    }
    bytes
        .get(i..)?
        .iter()
        .position(|&b| b < 0x20 || b == b'"' || b == b'\\')
        .map(|j| i + j)
}

/// Whether two texts are equal, compared in place for the short keys of JSON objects: a call
/// to `memcmp` per same-length key was a tenth of the time of a walk over many small objects.
#[inline]
pub fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    match n {
        0 => true,
        1..4 => a.iter().zip(b).all(|(x, y)| x == y),
        4..8 => word4(a, 0) == word4(b, 0) && word4(a, n - 4) == word4(b, n - 4),
        8..=16 => word8(a, 0) == word8(b, 0) && word8(a, n - 8) == word8(b, n - 8),
        _ => a == b,
    }
}

/// The four bytes at `i` (`i + 4` is within `s`).
#[inline]
fn word4(s: &[u8], i: usize) -> u32 {
    let mut w = [0; 4];
    w.copy_from_slice(&s[i..i + 4]);
    u32::from_ne_bytes(w)
}

/// The eight bytes at `i` (`i + 8` is within `s`).
#[inline]
fn word8(s: &[u8], i: usize) -> u64 {
    let mut w = [0; 8];
    w.copy_from_slice(&s[i..i + 8]);
    u64::from_ne_bytes(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(bytes: [u8; 8]) -> u64 {
        u64::from_le_bytes(bytes)
    }

    #[test]
    fn plain_chunks_have_no_quote_backslash_or_control() {
        assert!(is_plain(word(*b"abc xyz~")));
        assert!(is_plain(word([
            0xc3, 0xa9, 0x7f, b' ', b'!', b'#', b'[', b']'
        ])));
        for special in [b'"', b'\\', 0x00, 0x1f, b'\n'] {
            for pos in 0..8 {
                let mut bytes = *b"aaaaaaaa";
                bytes[pos] = special;
                assert!(!is_plain(word(bytes)), "{special:#x} at {pos}");
            }
        }
    }

    #[test]
    fn plain_ascii_excludes_delete_and_non_ascii() {
        assert!(is_plain_ascii(word(*b"hello wo")));
        assert!(!is_plain_ascii(word(*b"hello w\x7f")));
        assert!(!is_plain_ascii(word([
            b'a', 0xc2, 0x80, b'b', b'c', b'd', b'e', b'f'
        ])));
    }

    #[test]
    fn same_text_compares_every_byte_at_every_length() {
        let base: String = ('a'..='z').collect();
        for n in 0..=base.len() {
            let a = &base[..n];
            assert!(same_text(a, a), "length {n}");
            if n > 0 {
                assert!(!same_text(a, &base[..n - 1]), "length {n}, shorter");
            }
            for pos in 0..n {
                let mut other = a.as_bytes().to_vec();
                other[pos] = b'_';
                let other = String::from_utf8(other).expect("ASCII");
                assert!(!same_text(a, &other), "length {n}, byte {pos}");
            }
        }
        assert!(same_text("né", "né"));
        assert!(!same_text("né", "ne"));
    }

    #[test]
    fn find_special_returns_first_stop_byte() {
        assert_eq!(find_special(b"0123456789abcdef\"x", 0), Some(16));
        assert_eq!(find_special(b"01234\\6789", 0), Some(5));
        assert_eq!(find_special(b"0123456789\x01", 3), Some(10));
        assert_eq!(find_special(b"0123456789", 0), None);
        assert_eq!(find_special(b"\"", 1), None);
    }
}
