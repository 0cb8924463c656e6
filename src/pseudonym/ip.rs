//! Canonical text of IP address literals (§2.11), as Java's
//! `InetAddress.getByName(v).getHostAddress()` gives it for a literal.

use std::fmt::Write as _;

/// The canonical form of `s` if it is an IP literal the proxy accepts, else `None`.
///
/// - `s` must match `^([0-9]{1,3}\.){3}[0-9]{1,3}$` or `^[0-9a-fA-F:.]+$`. Every string matching
///   the first also matches the second, so admission is "non-empty, only hex digits, `:`, `.`".
/// - Java then treats `s` as a literal only if it starts with a hex digit or `:`; otherwise, and
///   whenever the literal parsers below reject it, Java would resolve it through DNS. Here that
///   is "not an IP" (`None`).
/// - IPv4 is tried first, then IPv6. IPv4-mapped IPv6 addresses come out as IPv4.
pub fn canonical_ip(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let first = *bytes.first()?;
    if !bytes
        .iter()
        .all(|&b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
    {
        return None;
    }
    if !(first.is_ascii_hexdigit() || first == b':') {
        return None;
    }
    if let Some(v4) = parse_v4(bytes) {
        return Some(format_v4(v4));
    }
    match parse_v6(bytes)? {
        Parsed6::MappedV4(v4) => Some(format_v4(v4)),
        Parsed6::V6(v6) => Some(format_v6(&v6)),
    }
}

/// Java's IPv4 literal forms (`IPAddressUtil.textToNumericFormatV4`): one to four decimal parts
/// (`a`, `a.b`, `a.b.c`, `a.b.c.d`), the last part filling all remaining bytes, every other
/// part one byte. Leading zeros are decimal. At most 15 characters.
fn parse_v4(s: &[u8]) -> Option<[u8; 4]> {
    if s.is_empty() || s.len() > 15 {
        return None;
    }
    let mut out = [0u8; 4];
    let mut filled = 0;
    let mut value: u64 = 0;
    let mut new_part = true;
    for &c in s {
        if c == b'.' {
            if new_part || value > 0xff || filled == 3 {
                return None;
            }
            out[filled] = value as u8;
            filled += 1;
            value = 0;
            new_part = true;
        } else {
            let digit = (c as char).to_digit(10)?;
            // 15 characters of digits stay far below u64::MAX.
            value = value * 10 + u64::from(digit);
            new_part = false;
        }
    }
    if new_part || value >= 1u64 << ((4 - filled) * 8) {
        return None;
    }
    for (i, byte) in out.iter_mut().enumerate().skip(filled) {
        *byte = (value >> ((3 - i) * 8)) as u8;
    }
    Some(out)
}

enum Parsed6 {
    V6([u8; 16]),
    MappedV4([u8; 4]),
}

/// Java's IPv6 literal parser (`IPAddressUtil.textToNumericFormatV6`), without zone ids (`%`
/// is not admitted). Groups of any number of hex digits up to the value `ffff`, at most one
/// `::`, and an optional dotted IPv4 tail of exactly four parts.
fn parse_v6(s: &[u8]) -> Option<Parsed6> {
    const SIZE: usize = 16;
    if s.len() < 2 {
        return None;
    }
    let mut dst = [0u8; SIZE];
    let mut i = 0;
    // A leading `::` needs special handling; a single leading `:` is an error.
    if s[0] == b':' {
        i = 1;
        if s[1] != b':' {
            return None;
        }
    }
    let mut gap: Option<usize> = None;
    let mut token_start = i;
    let mut saw_digit = false;
    let mut value: u32 = 0;
    let mut j = 0;
    while i < s.len() {
        let c = s[i];
        i += 1;
        if let Some(digit) = (c as char).to_digit(16) {
            value = (value << 4) | digit;
            if value > 0xffff {
                return None;
            }
            saw_digit = true;
            continue;
        }
        if c == b':' {
            token_start = i;
            if !saw_digit {
                if gap.is_some() {
                    return None;
                }
                gap = Some(j);
                continue;
            }
            if i == s.len() || j + 2 > SIZE {
                return None;
            }
            dst[j] = (value >> 8) as u8;
            dst[j + 1] = value as u8;
            j += 2;
            saw_digit = false;
            value = 0;
            continue;
        }
        if c == b'.' && j + 4 <= SIZE {
            let tail = &s[token_start..];
            if memchr::memchr_iter(b'.', tail).count() != 3 {
                return None;
            }
            dst[j..j + 4].copy_from_slice(&parse_v4(tail)?);
            j += 4;
            saw_digit = false;
            break;
        }
        return None;
    }
    if saw_digit {
        if j + 2 > SIZE {
            return None;
        }
        dst[j] = (value >> 8) as u8;
        dst[j + 1] = value as u8;
        j += 2;
    }
    if let Some(gap) = gap {
        if j == SIZE {
            return None;
        }
        // Move the groups after `::` to the end; the gap becomes zeros.
        let moved = j - gap;
        dst.copy_within(gap..j, SIZE - moved);
        dst[gap..SIZE - moved].fill(0);
        j = SIZE;
    }
    if j != SIZE {
        return None;
    }
    if dst[..10].iter().all(|&b| b == 0) && dst[10] == 0xff && dst[11] == 0xff {
        let mut v4 = [0u8; 4];
        v4.copy_from_slice(&dst[12..]);
        return Some(Parsed6::MappedV4(v4));
    }
    Some(Parsed6::V6(dst))
}

fn format_v4(a: [u8; 4]) -> String {
    format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])
}

/// Eight groups of lower-case hex without leading zeros, and no `::` compression.
fn format_v6(a: &[u8; 16]) -> String {
    let mut out = String::with_capacity(39);
    for (i, pair) in a.chunks_exact(2).enumerate() {
        if i > 0 {
            out.push(':');
        }
        let group = (u16::from(pair[0]) << 8) | u16::from(pair[1]);
        // Writing to a String cannot fail.
        let _ = write!(out, "{group:x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<String> {
        canonical_ip(s)
    }

    // The canonicalization table of §2.11.

    #[test]
    fn ipv4_leading_zeros_are_decimal() {
        assert_eq!(ip("192.168.001.1").as_deref(), Some("192.168.1.1"));
    }

    #[test]
    fn ipv6_is_eight_uncompressed_lower_case_groups() {
        assert_eq!(
            ip("2001:0db8:0000:0000:0000:0000:0000:0001").as_deref(),
            Some("2001:db8:0:0:0:0:0:1")
        );
        assert_eq!(ip("2001:DB8::1").as_deref(), Some("2001:db8:0:0:0:0:0:1"));
    }

    #[test]
    fn unspecified_address_is_all_zero_groups() {
        assert_eq!(ip("::").as_deref(), Some("0:0:0:0:0:0:0:0"));
    }

    #[test]
    fn ipv4_mapped_ipv6_becomes_ipv4() {
        assert_eq!(ip("::ffff:1.2.3.4").as_deref(), Some("1.2.3.4"));
        assert_eq!(ip("0:0:0:0:0:ffff:0102:0304").as_deref(), Some("1.2.3.4"));
    }

    #[test]
    fn ipv6_with_ipv4_tail_keeps_the_tail_as_two_groups() {
        assert_eq!(ip("::1.2.3.4").as_deref(), Some("0:0:0:0:0:0:102:304"));
        assert_eq!(
            ip("64:ff9b::192.0.2.33").as_deref(),
            Some("64:ff9b:0:0:0:0:c000:221")
        );
    }

    #[test]
    fn short_ipv4_forms_fill_the_last_part() {
        assert_eq!(ip("1.2.3").as_deref(), Some("1.2.0.3"));
        assert_eq!(ip("123").as_deref(), Some("0.0.0.123"));
        assert_eq!(ip("1.65536").as_deref(), Some("1.1.0.0"));
    }

    #[test]
    fn invalid_literals_are_not_ips() {
        for s in [
            "999.1.1.1",
            "1.2.3.4.5",
            "1.2.3.",
            ".1.2.3",
            "1..2",
            "256.1.1.1",
            "1.16777216",
            "1:2:3:4:5:6:7:8:9",
            "1::2::3",
            ":1::",
            "1:2:3:4:5:6:7:8::",
            "12345::",
            "::1.2.3",
            "::ffff:1.2.3.256",
            "1:",
            "abc",
            "",
        ] {
            assert_eq!(ip(s), None, "{s:?}");
        }
    }

    #[test]
    fn strings_outside_the_admitted_characters_are_not_ips() {
        for s in [
            "localhost",
            "1.2.3.4 ",
            "fe80::1%eth0",
            "[::1]",
            "1.2.3.4\n",
        ] {
            assert_eq!(ip(s), None, "{s:?}");
        }
    }

    #[test]
    fn more_than_fifteen_characters_is_not_ipv4() {
        assert_eq!(ip("000000000000001"), Some("0.0.0.1".to_owned()));
        assert_eq!(ip("0000000000000001"), None);
    }

    #[test]
    fn hex_groups_may_have_extra_leading_zeros() {
        assert_eq!(ip("00000001::").as_deref(), Some("1:0:0:0:0:0:0:0"));
    }

    #[test]
    fn trailing_single_colon_is_rejected_but_trailing_gap_is_not() {
        assert_eq!(ip("1:2:3:4:5:6:7:"), None);
        assert_eq!(ip("1:2:3:4:5:6:7::").as_deref(), Some("1:2:3:4:5:6:7:0"));
    }
}
