//! Java's text form of numbers (§7.3, §3.8): `Double.toString` as specified since JDK 19, and
//! the `toString` of the integer types.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::Value;

/// Java `Double.toString(x)` (JDK 19 and later, §7.3).
///
/// ```
/// use psoxy_rules::json::java_double_to_string;
/// assert_eq!(java_double_to_string(1000.0), "1000.0");
/// assert_eq!(java_double_to_string(12345678.9), "1.23456789E7");
/// assert_eq!(java_double_to_string(f64::from_bits(1)), "4.9E-324");
/// ```
pub fn java_double_to_string(x: f64) -> String {
    let mut out = Vec::with_capacity(24);
    write_java_double(x, &mut out);
    // Only ASCII is written, so the byte-to-char mapping is the identity.
    out.into_iter().map(char::from).collect()
}

/// Appends Java `Double.toString(x)` to `out`.
pub fn write_java_double(x: f64, out: &mut Vec<u8>) {
    if x.is_nan() {
        out.extend_from_slice(b"NaN");
        return;
    }
    if x.is_sign_negative() {
        out.push(b'-');
    }
    if x.is_infinite() {
        out.extend_from_slice(b"Infinity");
        return;
    }
    if x == 0.0 {
        out.extend_from_slice(b"0.0");
        return;
    }
    let decimal = Decimal::of(x.abs());
    decimal.write_java(out);
}

/// Java `toString` of a number value: digits for `Integer`/`Long`/`BigInteger`, the
/// `Double.toString` form for doubles (§3.8), the held text of a `BigDecimal`. `None` for
/// anything that is not a number.
pub fn java_number_string<'v>(v: &'v Value<'_>) -> Option<Cow<'v, str>> {
    match v {
        Value::Int(i) => Some(Cow::Owned(i.to_string())),
        Value::BigInt(s) | Value::Decimal(s) => Some(Cow::Borrowed(s)),
        Value::Double(d) => Some(Cow::Owned(java_double_to_string(*d))),
        _ => None,
    }
}

/// A positive decimal `0.d₁d₂…dₙ × 10^point` with no leading or trailing zero digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Decimal {
    digits: [u8; 17],
    len: usize,
    point: i32,
}

impl Decimal {
    /// The decimal Java selects for a positive finite `x`.
    ///
    /// Java picks the shortest decimal that rounds to `x`, the closest one among several, which
    /// is what `ryu` computes. When that shortest decimal has a single digit, Java instead picks
    /// the closest among all decimals of one *or two* digits that round to `x`. That can only
    /// differ for subnormals so small that their rounding interval spans several two-digit
    /// decimals (`Double.MIN_VALUE` is `4.9E-324`, not `5.0E-324`).
    fn of(x: f64) -> Decimal {
        let mut buffer = ryu::Buffer::new();
        let shortest = Decimal::parse_ryu(buffer.format_finite(x));
        if shortest.len == 1 && x < f64::MIN_POSITIVE {
            closest_two_digit(x.to_bits(), shortest.point)
        } else {
            shortest
        }
    }

    /// Reads ryu's output (`1.5e-7`, `1e16`, `0.001`, `123.0`, ...) back into digits and a
    /// decimal point position, so the Java layout can be applied whatever ryu's layout is.
    fn parse_ryu(text: &str) -> Decimal {
        let (mantissa, exponent) = match text.split_once(['e', 'E']) {
            Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
            None => (text, 0),
        };
        let mut digits = [0u8; 17];
        let mut len = 0;
        let mut point = 0i32;
        let mut seen_point = false;
        for b in mantissa.bytes() {
            match b {
                b'.' => seen_point = true,
                b'0'..=b'9' => {
                    if len == 0 && b == b'0' {
                        // A leading zero moves the point left when it is a fraction digit.
                        if seen_point {
                            point -= 1;
                        }
                        continue;
                    }
                    if len < digits.len() {
                        digits[len] = b - b'0';
                        len += 1;
                    }
                    if !seen_point {
                        point += 1;
                    }
                }
                _ => {}
            }
        }
        while len > 1 && digits[len - 1] == 0 {
            len -= 1;
        }
        Decimal {
            digits,
            len,
            point: point + exponent,
        }
    }

    /// Java's layout: plain for 10⁻³ ≤ x < 10⁷, computerized scientific otherwise, always with
    /// at least one fraction digit.
    fn write_java(&self, out: &mut Vec<u8>) {
        let digits = &self.digits[..self.len];
        let ascii = |d: u8| b'0' + d;
        let e = self.point;
        if 0 < e && e <= 7 {
            let int_len = e as usize;
            for i in 0..int_len {
                out.push(ascii(digits.get(i).copied().unwrap_or(0)));
            }
            out.push(b'.');
            if digits.len() > int_len {
                out.extend(digits[int_len..].iter().map(|&d| ascii(d)));
            } else {
                out.push(b'0');
            }
        } else if -3 < e && e <= 0 {
            out.extend_from_slice(b"0.");
            for _ in 0..-e {
                out.push(b'0');
            }
            out.extend(digits.iter().map(|&d| ascii(d)));
        } else {
            out.push(ascii(digits[0]));
            out.push(b'.');
            if digits.len() > 1 {
                out.extend(digits[1..].iter().map(|&d| ascii(d)));
            } else {
                out.push(b'0');
            }
            out.push(b'E');
            out.extend_from_slice((e - 1).to_string().as_bytes());
        }
    }
}

/// The decimal of one or two digits closest to the subnormal `t × 2⁻¹⁰⁷⁴`, ties to an even
/// last digit. `point` is the decimal point of the one-digit shortest decimal, which lies
/// within a factor of ten of `x`.
///
/// Every decimal of at most two digits is a two-digit decimal `c × 10^g` (10 ≤ c ≤ 99), so the
/// closest one is one of the two that bracket `x` on the grid of `x`'s own decade. It rounds to
/// `x` because the one-digit shortest decimal does and is no closer.
fn closest_two_digit(t: u64, point: i32) -> Decimal {
    // n = floor(log10(x)), found from the one-digit estimate 10^(point-1).
    let mut n = point - 1;
    while cmp_decimal_to_subnormal(1, n, t) == Ordering::Greater {
        n -= 1;
    }
    while cmp_decimal_to_subnormal(1, n + 1, t) != Ordering::Greater {
        n += 1;
    }
    let g = n - 1;
    // The largest c in 10..=99 with c × 10^g ≤ x.
    let (mut lo, mut hi) = (10u64, 100u64);
    while hi - lo > 1 {
        let mid = u64::midpoint(lo, hi);
        if cmp_decimal_to_subnormal(mid, g, t) == Ordering::Greater {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    // Compare x with the midpoint (lo + ½) × 10^g, i.e. 2x with (2·lo + 1) × 10^g.
    let take_lo = match cmp_decimal_to_subnormal(2 * lo + 1, g, 2 * t) {
        Ordering::Greater => true,
        Ordering::Less => false,
        Ordering::Equal => lo % 2 == 0,
    };
    let chosen = if take_lo { lo } else { lo + 1 };
    let mut digits = [0u8; 17];
    if chosen == 100 {
        digits[0] = 1;
        return Decimal {
            digits,
            len: 1,
            point: g + 3,
        };
    }
    digits[0] = (chosen / 10) as u8;
    digits[1] = (chosen % 10) as u8;
    Decimal {
        digits,
        len: if digits[1] == 0 { 1 } else { 2 },
        point: g + 2,
    }
}

/// Compares `c × 10^p` with `t × 2⁻¹⁰⁷⁴` exactly, for the small `p` of subnormals:
/// equivalently `c × 2¹⁰⁷⁴` with `t × 10^(−p)`.
fn cmp_decimal_to_subnormal(c: u64, p: i32, t: u64) -> Ordering {
    let mut left = BigUint::from_u64(c);
    let mut right = BigUint::from_u64(t);
    left.shl(1074);
    if p < 0 {
        right.mul_pow10(p.unsigned_abs());
    } else {
        left.mul_pow10(p.unsigned_abs());
    }
    left.cmp(&right)
}

/// Just enough unsigned big integer for [`cmp_decimal_to_subnormal`]: little-endian 32-bit limbs.
#[derive(Debug, PartialEq, Eq)]
struct BigUint {
    limbs: Vec<u32>,
}

impl BigUint {
    fn from_u64(v: u64) -> BigUint {
        let mut b = BigUint {
            limbs: vec![v as u32, (v >> 32) as u32],
        };
        b.trim();
        b
    }

    fn trim(&mut self) {
        while self.limbs.last() == Some(&0) {
            self.limbs.pop();
        }
    }

    fn mul_small(&mut self, m: u32) {
        let mut carry = 0u64;
        for limb in &mut self.limbs {
            let v = u64::from(*limb) * u64::from(m) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.limbs.push(carry as u32);
        }
    }

    fn mul_pow10(&mut self, mut k: u32) {
        while k >= 9 {
            self.mul_small(1_000_000_000);
            k -= 9;
        }
        if k > 0 {
            self.mul_small(10u32.pow(k));
        }
    }

    fn shl(&mut self, bits: u32) {
        let words = (bits / 32) as usize;
        let rest = bits % 32;
        if rest > 0 {
            let mut carry = 0u32;
            for limb in &mut self.limbs {
                let v = (*limb << rest) | carry;
                carry = *limb >> (32 - rest);
                *limb = v;
            }
            if carry > 0 {
                self.limbs.push(carry);
            }
        }
        self.limbs.splice(0..0, std::iter::repeat_n(0, words));
    }

    fn cmp(&self, other: &BigUint) -> Ordering {
        self.limbs
            .len()
            .cmp(&other.limbs.len())
            .then_with(|| self.limbs.iter().rev().cmp(other.limbs.iter().rev()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn s(x: f64) -> String {
        java_double_to_string(x)
    }

    #[test]
    fn plain_range_has_at_least_one_fraction_digit() {
        assert_eq!(s(1000.0), "1000.0");
        assert_eq!(s(1.1), "1.1");
        assert_eq!(s(0.001), "0.001");
        assert_eq!(s(100.5), "100.5");
        assert_eq!(s(1.0), "1.0");
        assert_eq!(s(123_456.789), "123456.789");
    }

    #[test]
    fn scientific_outside_plain_range() {
        assert_eq!(s(12_345_678.9), "1.23456789E7");
        assert_eq!(s(1.0e-4), "1.0E-4");
        assert_eq!(s(1.0e25), "1.0E25");
        assert_eq!(s(1_718_000_000.123_456), "1.718000000123456E9");
        assert_eq!(s(1.0e-5), "1.0E-5");
    }

    #[test]
    fn plain_range_boundaries() {
        assert_eq!(s(1.0e7), "1.0E7");
        assert_eq!(s(9_999_999.0), "9999999.0");
        assert_eq!(s(0.001), "0.001");
        assert_eq!(s(9.99e-4), "9.99E-4");
    }

    #[test]
    fn extreme_finite_values() {
        assert_eq!(s(f64::MAX), "1.7976931348623157E308");
        assert_eq!(s(f64::MIN_POSITIVE), "2.2250738585072014E-308");
        assert_eq!(s(-f64::MAX), "-1.7976931348623157E308");
    }

    #[test]
    fn shortest_digits_that_round_trip() {
        assert_eq!(s(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(s(1.1e10), "1.1E10");
    }

    #[test]
    fn zeros_and_non_finite() {
        assert_eq!(s(0.0), "0.0");
        assert_eq!(s(-0.0), "-0.0");
        assert_eq!(s(f64::NAN), "NaN");
        assert_eq!(s(f64::INFINITY), "Infinity");
        assert_eq!(s(f64::NEG_INFINITY), "-Infinity");
    }

    #[test]
    fn min_value_uses_two_digits() {
        assert_eq!(s(f64::from_bits(1)), "4.9E-324");
        assert_eq!(s(-f64::from_bits(1)), "-4.9E-324");
    }

    #[test]
    fn twice_min_value_picks_closest_two_digit_decimal() {
        // 2^-1073 = 9.88e-324; 1.0E-323 is shortest but 9.9E-324 is closer.
        assert_eq!(s(f64::from_bits(2)), "9.9E-324");
    }

    #[test]
    fn one_digit_subnormal_whose_two_digit_neighbour_is_itself() {
        // 4 × 2^-1074 = 1.976e-323: 2.0E-323 is both the shortest and the closest.
        assert_eq!(s(f64::from_bits(4)), "2.0E-323");
    }

    #[test]
    fn two_digit_subnormal_unchanged() {
        // 3 × 2^-1074 = 1.482e-323: the shortest already has two digits.
        assert_eq!(s(f64::from_bits(3)), "1.5E-323");
    }

    #[test]
    fn subnormal_one_digit_shortest_becomes_closer_two_digit_decimal() {
        // 20 × 2^-1074 = 9.881e-323: 1.0E-322 rounds to it, 9.9E-323 is closer.
        assert_eq!(s(f64::from_bits(20)), "9.9E-323");
    }

    #[test]
    fn subnormal_closest_two_digit_decimal_can_be_the_next_power_of_ten() {
        // 202 × 2^-1074 = 9.980e-322: the closest on the 10^-323 grid is 100 × 10^-323.
        assert_eq!(s(f64::from_bits(202)), "1.0E-321");
    }

    #[test]
    fn subnormal_whose_shortest_has_two_digits_is_unchanged() {
        // 5 × 2^-1074 = 2.470e-323: no one-digit decimal rounds to it.
        assert_eq!(s(f64::from_bits(5)), "2.5E-323");
        // 6 × 2^-1074 = 2.964e-323: one digit suffices and 3.0 is the closest two-digit form.
        assert_eq!(s(f64::from_bits(6)), "3.0E-323");
    }

    #[test]
    fn java_number_string_of_each_number_type() {
        assert_eq!(
            java_number_string(&Value::Int(111_111_111)).as_deref(),
            Some("111111111")
        );
        assert_eq!(
            java_number_string(&Value::BigInt(Cow::Borrowed("12345678901234567890"))).as_deref(),
            Some("12345678901234567890")
        );
        assert_eq!(
            java_number_string(&Value::Double(1.0)).as_deref(),
            Some("1.0")
        );
        assert_eq!(
            java_number_string(&Value::Double(1000.0)).as_deref(),
            Some("1000.0")
        );
        assert_eq!(
            java_number_string(&Value::Double(-0.0)).as_deref(),
            Some("-0.0")
        );
        assert_eq!(
            java_number_string(&Value::Double(1.1)).as_deref(),
            Some("1.1")
        );
        assert_eq!(java_number_string(&Value::string("1")), None);
        assert_eq!(java_number_string(&Value::Null), None);
    }

    #[test]
    fn bignum_compare_is_exact_at_min_value() {
        // 4.9e-324 < 2^-1074 < 5e-324.
        assert_eq!(cmp_decimal_to_subnormal(49, -325, 1), Ordering::Less);
        assert_eq!(cmp_decimal_to_subnormal(5, -324, 1), Ordering::Greater);
    }

    proptest! {
        #[test]
        fn every_finite_double_round_trips(bits in any::<u64>()) {
            let x = f64::from_bits(bits);
            prop_assume!(x.is_finite());
            let text = java_double_to_string(x);
            prop_assert_eq!(text.parse::<f64>().ok().map(f64::to_bits), Some(x.to_bits()), "{}", text);
        }

        #[test]
        fn every_subnormal_round_trips(t in 1u64..(1u64 << 52)) {
            let x = f64::from_bits(t);
            let text = java_double_to_string(x);
            prop_assert_eq!(text.parse::<f64>().ok(), Some(x), "{}", text);
        }
    }
}
