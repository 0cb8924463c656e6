//! The few pieces of Java `BigDecimal` that filters need (§6.3.9): parsing decimal text,
//! value comparison, and `toString`.

use std::cmp::Ordering;
use std::fmt;

/// A decimal number as Java's `BigDecimal`: value = ±`digits` × 10^(−`scale`).
///
/// `digits` has no leading zeros (`"0"` for zero) and zero is never negative. The derived
/// equality is Java's `equals` (scale-sensitive: `1.0` ≠ `1.00`); use [`Decimal::compare`]
/// for numeric comparison.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decimal {
    negative: bool,
    digits: String,
    scale: i64,
}

impl Decimal {
    /// Parses text the way `new BigDecimal(String)` does: an optional sign, digits with an
    /// optional `.` (at least one digit in total), an optional exponent `e`/`E` with an
    /// optional sign. `None` where Java throws `NumberFormatException`.
    pub fn parse(text: &str) -> Option<Decimal> {
        let bytes = text.as_bytes();
        let mut i = 0;
        let mut negative = false;
        if let Some(&sign @ (b'+' | b'-')) = bytes.first() {
            negative = sign == b'-';
            i = 1;
        }
        let mut digits = String::new();
        let mut fraction_len: i64 = 0;
        let mut seen_point = false;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'0'..=b'9' => {
                    digits.push(char::from(b));
                    if seen_point {
                        fraction_len += 1;
                    }
                }
                b'.' if !seen_point => seen_point = true,
                _ => break,
            }
            i += 1;
        }
        if digits.is_empty() {
            return None;
        }
        let mut exponent: i64 = 0;
        if let Some(b'e' | b'E') = bytes.get(i) {
            let rest = &text[i + 1..];
            let unsigned = rest.strip_prefix(['+', '-']).unwrap_or(rest);
            // Java keeps the scale in an `int`: past leading zeros, longer exponents cannot be
            // valid.
            let significant = unsigned.trim_start_matches('0');
            if unsigned.is_empty()
                || significant.len() > 10
                || !unsigned.bytes().all(|b| b.is_ascii_digit())
            {
                return None;
            }
            exponent = significant.parse().unwrap_or(0);
            if rest.starts_with('-') {
                exponent = -exponent;
            }
            i = bytes.len();
        }
        if i != bytes.len() {
            return None;
        }
        let scale = fraction_len - exponent;
        if i32::try_from(scale).is_err() {
            return None;
        }
        let trimmed = digits.trim_start_matches('0');
        let digits = if trimmed.is_empty() {
            "0".to_owned()
        } else {
            trimmed.to_owned()
        };
        Some(Decimal {
            negative: negative && digits != "0",
            digits,
            scale,
        })
    }

    pub fn is_zero(&self) -> bool {
        self.digits == "0"
    }

    fn signum(&self) -> i8 {
        if self.is_zero() {
            0
        } else if self.negative {
            -1
        } else {
            1
        }
    }

    /// `BigDecimal.compareTo`: numeric order, ignoring scale (`1.0` equals `1.00`).
    pub fn compare(&self, other: &Decimal) -> Ordering {
        let (a, b) = (self.signum(), other.signum());
        if a != b || a == 0 {
            return a.cmp(&b);
        }
        let magnitude = self.compare_magnitude(other);
        if self.negative {
            magnitude.reverse()
        } else {
            magnitude
        }
    }

    /// Compares absolute values of two non-zero decimals.
    fn compare_magnitude(&self, other: &Decimal) -> Ordering {
        // The position of the leading digit decides first; digits have no leading zeros.
        let adjusted = |d: &Decimal| d.digits.len() as i64 - 1 - d.scale;
        adjusted(self).cmp(&adjusted(other)).then_with(|| {
            let (a, b) = (self.digits.as_bytes(), other.digits.as_bytes());
            (0..a.len().max(b.len()))
                .map(|k| {
                    let x = a.get(k).copied().unwrap_or(b'0');
                    let y = b.get(k).copied().unwrap_or(b'0');
                    x.cmp(&y)
                })
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
        })
    }
}

/// `BigDecimal.toString()`: plain notation when the scale is non-negative and the leading
/// digit is at most six places after the point, else scientific (`1.0E+7`, `1E-7`).
impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.negative {
            f.write_str("-")?;
        }
        let coeff = self.digits.as_str();
        let len = coeff.len() as i64;
        if self.scale == 0 {
            return f.write_str(coeff);
        }
        let adjusted = len - 1 - self.scale;
        if self.scale > 0 && adjusted >= -6 {
            if self.scale >= len {
                f.write_str("0.")?;
                for _ in 0..self.scale - len {
                    f.write_str("0")?;
                }
                f.write_str(coeff)
            } else {
                let point = (len - self.scale) as usize;
                write!(f, "{}.{}", &coeff[..point], &coeff[point..])
            }
        } else {
            f.write_str(&coeff[..1])?;
            if coeff.len() > 1 {
                write!(f, ".{}", &coeff[1..])?;
            }
            if adjusted != 0 {
                let sign = if adjusted > 0 { "+" } else { "" };
                write!(f, "E{sign}{adjusted}")?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).expect("test number is valid")
    }

    #[test]
    fn to_string_of_java_double_text_uses_exponent_with_plus() {
        assert_eq!(d("1.0E7").to_string(), "1.0E+7");
        assert_eq!(d("1.23456789E7").to_string(), "12345678.9");
        assert_eq!(d("1.0E-4").to_string(), "0.00010");
        assert_eq!(d("1.0E-10").to_string(), "1.0E-10");
        assert_eq!(d("1.0E25").to_string(), "1.0E+25");
    }

    #[test]
    fn to_string_keeps_scale_and_drops_negative_zero() {
        assert_eq!(d("1.10").to_string(), "1.10");
        assert_eq!(d("-0.0").to_string(), "0.0");
        assert_eq!(d("007").to_string(), "7");
        assert_eq!(d("-12.5").to_string(), "-12.5");
        assert_eq!(d("0E+3").to_string(), "0E+3");
        assert_eq!(d(".5").to_string(), "0.5");
    }

    #[test]
    fn compare_ignores_scale() {
        assert_eq!(d("1").compare(&d("1.00")), Ordering::Equal);
        assert_ne!(d("1"), d("1.00"));
        assert_eq!(d("-0").compare(&d("0.0")), Ordering::Equal);
    }

    #[test]
    fn compare_orders_by_sign_then_magnitude() {
        assert_eq!(d("-2").compare(&d("1")), Ordering::Less);
        assert_eq!(d("-2").compare(&d("-10")), Ordering::Greater);
        assert_eq!(d("9.99").compare(&d("10")), Ordering::Less);
        assert_eq!(d("1E+3").compare(&d("999.9")), Ordering::Greater);
        assert_eq!(d("0.001").compare(&d("0.0009")), Ordering::Greater);
    }

    #[test]
    fn parse_rejects_what_java_rejects() {
        for bad in [
            "", "-", ".", "1..2", "1e", "1e+", "abc", " 1", "1 ", "1.2.3", "NaN",
        ] {
            assert_eq!(Decimal::parse(bad), None, "{bad:?}");
        }
        assert!(Decimal::parse("1.").is_some());
        assert!(Decimal::parse("+1e-3").is_some());
    }

    #[test]
    fn exponent_leading_zeros_do_not_count_toward_its_length() {
        assert_eq!(d("-81E00000000000000000000011").to_string(), "-8.1E+12");
        assert_eq!(d("1e-0000000000003").to_string(), "0.001");
        assert_eq!(Decimal::parse("1e12345678901"), None);
    }
}
