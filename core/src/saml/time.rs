//! xs:dateTime as SAML uses it (SAML core §1.3.3: UTC, no time zone offset). Parsed strictly into
//! Unix milliseconds; core has no clock, so "now" always comes from the caller.

use std::fmt;

/// A point in time, milliseconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Instant(pub i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    #[error("{0:?} is not an xs:dateTime (expected YYYY-MM-DDThh:mm:ssZ)")]
    Syntax(String),
    #[error("{0:?} is not a valid calendar date or time")]
    Range(String),
}

/// Whether a parsed time followed SAML's rule of UTC with `Z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    Utc,
    /// An explicit offset (valid xs:dateTime, but SAML says UTC): reported as a warning.
    Offset,
    /// No zone at all: interpreted as UTC, reported as a warning.
    Missing,
}

impl Instant {
    pub fn from_unix_seconds(s: i64) -> Self {
        Self(s.saturating_mul(1000))
    }

    pub fn unix_seconds(self) -> i64 {
        self.0.div_euclid(1000)
    }

    pub fn plus_seconds(self, s: i64) -> Self {
        Self(self.0.saturating_add(s.saturating_mul(1000)))
    }

    /// Parses an xs:dateTime; fractional seconds are kept to the millisecond.
    pub fn parse(text: &str) -> Result<(Self, Zone), TimeError> {
        let err = || TimeError::Syntax(text.chars().take(64).collect());
        let b = text.as_bytes();
        if b.len() < 19
            || b[4] != b'-'
            || b[7] != b'-'
            || b[10] != b'T'
            || b[13] != b':'
            || b[16] != b':'
        {
            return Err(err());
        }
        // Digits accumulated as read: at most four ASCII digits cannot overflow, and a non-digit
        // byte (a sign, a space, part of a multi-byte character) is a syntax error, as
        // `str::parse` after the digit check made it.
        let num = |r: std::ops::Range<usize>| -> Result<i64, TimeError> {
            b.get(r)
                .ok_or_else(err)?
                .iter()
                .try_fold(0i64, |n, &c| {
                    c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0'))
                })
                .ok_or_else(err)
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        let mut rest = &text[19..];
        let mut millis = 0i64;
        if let Some(frac) = rest.strip_prefix('.') {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(err());
            }
            for (i, c) in frac[..digits].bytes().take(3).enumerate() {
                millis += i64::from(c - b'0') * [100, 10, 1][i];
            }
            rest = &frac[digits..];
        }
        let (zone, offset_min) = match rest {
            "Z" => (Zone::Utc, 0),
            "" => (Zone::Missing, 0),
            z if z.len() == 6
                && (z.starts_with('+') || z.starts_with('-'))
                && z.as_bytes()[3] == b':'
                && [1, 2, 4, 5]
                    .iter()
                    .all(|&i| z.as_bytes()[i].is_ascii_digit()) =>
            {
                let hh: i64 = z[1..3].parse().map_err(|_| err())?;
                let mm: i64 = z[4..6].parse().map_err(|_| err())?;
                if hh > 14 || mm > 59 {
                    return Err(TimeError::Range(text.into()));
                }
                let sign = if z.starts_with('-') { -1 } else { 1 };
                (Zone::Offset, sign * (hh * 60 + mm))
            }
            _ => return Err(err()),
        };
        let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap(year) => 29,
            2 => 28,
            _ => return Err(TimeError::Range(text.into())),
        };
        if day < 1 || day > days_in_month || hour > 23 || minute > 59 || second > 59 {
            return Err(TimeError::Range(text.into()));
        }
        let days = days_from_civil(year, month, day);
        let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_min * 60;
        Ok((Self(secs * 1000 + millis), zone))
    }

    /// `YYYY-MM-DDThh:mm:ssZ` (or with milliseconds when there are any).
    pub fn to_rfc3339(self) -> String {
        let secs = self.0.div_euclid(1000);
        let millis = self.0.rem_euclid(1000);
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        if !(0..=9999).contains(&y) {
            let base = format!(
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
                sod / 3600,
                (sod / 60) % 60,
                sod % 60
            );
            return if millis == 0 {
                format!("{base}Z")
            } else {
                format!("{base}.{millis:03}Z")
            };
        }
        // Written digit by digit: reports show dozens of times, and `format!` with padding
        // was a visible share of a validation.
        let mut out = String::with_capacity(24);
        push_digits(&mut out, y, 4);
        out.push('-');
        push_digits(&mut out, m, 2);
        out.push('-');
        push_digits(&mut out, d, 2);
        out.push('T');
        push_digits(&mut out, sod / 3600, 2);
        out.push(':');
        push_digits(&mut out, (sod / 60) % 60, 2);
        out.push(':');
        push_digits(&mut out, sod % 60, 2);
        if millis != 0 {
            out.push('.');
            push_digits(&mut out, millis, 3);
        }
        out.push('Z');
        out
    }
}

/// `v` (0 ≤ v < 10^n, n ≤ 4) as exactly `n` decimal digits. Written right to left in `u32`:
/// unsigned division by ten is one multiplication, where a power of ten for each digit and
/// `i64` sign fix-ups made this most of the cost of `to_rfc3339`.
fn push_digits(out: &mut String, v: i64, n: usize) {
    let mut digits = [b'0'; 4];
    let mut v = u32::try_from(v).unwrap_or(0);
    let n = n.min(digits.len());
    for d in digits[..n].iter_mut().rev() {
        *d = b'0' + u8::try_from(v % 10).unwrap_or(0);
        v /= 10;
    }
    for &d in &digits[..n] {
        out.push(char::from(d));
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_saml_times() {
        let (t, z) = Instant::parse("2026-11-28T12:00:00Z").unwrap();
        assert_eq!(z, Zone::Utc);
        assert_eq!(t.unix_seconds(), 1_795_867_200);
        assert_eq!(t.to_rfc3339(), "2026-11-28T12:00:00Z");
        let (t2, _) = Instant::parse("2026-11-28T12:00:00.123456Z").unwrap();
        assert_eq!(t2.0 - t.0, 123);
        let (t3, z3) = Instant::parse("2026-11-28T13:00:00+01:00").unwrap();
        assert_eq!((t3, z3), (t, Zone::Offset));
        assert_eq!(
            Instant::parse("2026-11-28T12:00:00").unwrap().1,
            Zone::Missing
        );
        assert_eq!(
            Instant::parse("1970-01-01T00:00:00Z").unwrap().0,
            Instant(0)
        );
        assert_eq!(
            Instant::parse("2024-02-29T00:00:00Z")
                .unwrap()
                .0
                .to_rfc3339(),
            "2024-02-29T00:00:00Z"
        );
    }

    #[test]
    fn refuses_malformed_times() {
        for bad in [
            "",
            "2026-11-28",
            "2026-11-28 12:00:00Z",
            "2026-13-01T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2026-11-28T24:00:00Z",
            "2026-11-28T12:00:00.Z",
            "2026-11-28T12:00:00ZZ",
            "+026-11-28T12:00:00Z",
            "2026-11-28T12:00:00+1:00",
            "2026-11-28T12:00:0\u{e9}Z",
            "2026-11-28T12:0\u{e9}:00Z",
            "2026-11-28T12:00:-1Z",
            "2026-11-28T12:00: 1Z",
        ] {
            assert!(Instant::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn round_trips_many_days() {
        for d in (-700_000..2_900_000).step_by(997) {
            let t = Instant::from_unix_seconds(d * 86_400 + 3_723);
            assert_eq!(Instant::parse(&t.to_rfc3339()).unwrap().0, t);
        }
    }

    #[test]
    fn writes_digits_like_format_would() {
        for ms in [
            0,
            7,
            45,
            999,
            1_000,
            86_399_999,
            253_402_300_799_999,
            1_795_867_200_123,
        ] {
            let t = Instant(ms);
            let secs = ms.div_euclid(1000);
            let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
            let sod = secs.rem_euclid(86_400);
            let mut want = format!(
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
                sod / 3600,
                (sod / 60) % 60,
                sod % 60
            );
            if ms % 1000 != 0 {
                want.push_str(&format!(".{:03}", ms % 1000));
            }
            want.push('Z');
            assert_eq!(t.to_rfc3339(), want);
        }
        assert_eq!(Instant(5).to_rfc3339(), "1970-01-01T00:00:00.005Z");
        // Outside four-digit years the general path is used.
        assert!(
            Instant::from_unix_seconds(-62_200_000_000)
                .to_rfc3339()
                .starts_with('-')
        );
    }
}
