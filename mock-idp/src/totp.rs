//! TOTP (RFC 6238) as JumpCloud's authenticator-app MFA uses it: HMAC-SHA1, 30-second steps,
//! 6 digits, a secret shared as base32 (RFC 4648) — what authenticator apps scan from a QR code.

use std::collections::HashMap;
use std::sync::Mutex;

use aws_lc_rs::hmac;

/// RFC 6238 §4.1: X, the step. Authenticator apps assume 30 s.
pub const STEP_SECONDS: i64 = 30;
/// The code length authenticator apps show.
pub const DIGITS: u32 = 6;
/// Steps accepted either side of the current one (RFC 6238 §5.2 recommends at most one
/// step of network delay): a code typed just before its step ended still works.
pub const TOLERANCE_STEPS: u64 = 1;
/// The shortest secret accepted: 80 bits. RFC 4226 §4 asks for 128 bits, but 80-bit secrets
/// (16 base32 characters, as in authenticator apps' own examples) are common in the field and a
/// mock must accept what admins paste; shorter ones are refused as a configuration error.
pub const MIN_SECRET_BYTES: usize = 10;

/// A user's shared secret, decoded.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl std::fmt::Debug for TotpSecret {
    // A secret never goes to logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TotpSecret({} bytes)", self.0.len())
    }
}

/// Why a configured secret is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("is not base32 (RFC 4648: letters A-Z and digits 2-7, optional '=' padding): {0:?}")]
    NotBase32(char),
    #[error("is {0} bits long; at least {bits} bits (16 base32 characters) are needed", bits = MIN_SECRET_BYTES * 8)]
    TooShort(usize),
}

impl TotpSecret {
    /// Parses a base32 secret as admins paste it: case-insensitive, spaces and trailing `=`
    /// padding ignored (apps show secrets in groups of four).
    pub fn from_base32(text: &str) -> Result<Self, SecretError> {
        let mut bits: u64 = 0;
        let mut nbits = 0u32;
        let mut out = Vec::with_capacity(text.len() * 5 / 8);
        let trimmed = text.trim_end_matches(['=', ' ']);
        for c in trimmed.chars().filter(|c| *c != ' ') {
            let v = match c.to_ascii_uppercase() {
                u @ 'A'..='Z' => u as u64 - 'A' as u64,
                d @ '2'..='7' => d as u64 - '2' as u64 + 26,
                other => return Err(SecretError::NotBase32(other)),
            };
            bits = (bits << 5) | v;
            nbits += 5;
            if nbits >= 8 {
                nbits -= 8;
                out.push(((bits >> nbits) & 0xff) as u8);
            }
        }
        if out.len() < MIN_SECRET_BYTES {
            return Err(SecretError::TooShort(out.len() * 8));
        }
        Ok(Self(out))
    }

    /// Raw bytes (RFC 6238's test vectors give ASCII secrets, not base32).
    pub fn from_bytes(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }

    /// HOTP (RFC 4226 §5.3) of time step `step` with `digits` digits, zero-padded.
    pub fn code_at_step(&self, step: u64, digits: u32) -> String {
        let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, &self.0);
        let tag = hmac::sign(&key, &step.to_be_bytes());
        let mac = tag.as_ref();
        // Dynamic truncation: the low nibble of the last byte picks four bytes.
        let offset = usize::from(mac.last().copied().unwrap_or(0) & 0x0f);
        let word = mac
            .get(offset..offset + 4)
            .map(|b| u32::from_be_bytes([b[0] & 0x7f, b[1], b[2], b[3]]))
            .unwrap_or(0);
        let modulus = 10u32.saturating_pow(digits.min(9));
        format!("{:0width$}", word % modulus, width = digits as usize)
    }

    /// The 6-digit code for Unix time `unix_seconds`.
    pub fn code_at(&self, unix_seconds: i64) -> String {
        self.code_at_step(step_of(unix_seconds), DIGITS)
    }
}

/// The time step containing `unix_seconds` (T0 = 0); times before the epoch are step 0.
pub fn step_of(unix_seconds: i64) -> u64 {
    u64::try_from(unix_seconds.div_euclid(STEP_SECONDS)).unwrap_or(0)
}

/// Why a code was not accepted (the login page says only "wrong code": the reasons are for tests
/// and logs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeRefusal {
    #[error("no authenticator code was given")]
    Missing,
    #[error("the authenticator code is wrong or expired")]
    Wrong,
    #[error("the authenticator code was already used")]
    Replayed,
    #[error("too many recent MFA logins to remember; try again in a minute")]
    Busy,
}

/// Equal-length comparison that does not stop at the first difference, so the response time
/// says nothing about how many leading characters of a guess were right.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Which step `code` belongs to within ±[`TOLERANCE_STEPS`] of `unix_seconds`. Every candidate
/// step is computed and compared, whichever matches.
pub fn matching_step(secret: &TotpSecret, code: &str, unix_seconds: i64) -> Option<u64> {
    let now = step_of(unix_seconds);
    let mut found = None;
    for step in now.saturating_sub(TOLERANCE_STEPS)..=now.saturating_add(TOLERANCE_STEPS) {
        let expected = secret.code_at_step(step, DIGITS);
        if constant_time_eq(expected.as_bytes(), code.as_bytes()) && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// Most users remembered before old entries are pruned (see [`ReplayGuard::accept`]).
pub const REPLAY_GUARD_CAP: usize = 10_000;

/// The last accepted step per user: a code (and any code of an earlier step) is accepted at most
/// once, so a code seen over a shoulder or in a proxy log cannot be replayed within its window
/// (RFC 6238 §5.2: "the verifier MUST NOT accept the second attempt of the OTP").
#[derive(Debug, Default)]
pub struct ReplayGuard {
    last: Mutex<HashMap<String, u64>>,
}

impl ReplayGuard {
    /// Checks `code` for `user` (an email, compared case-insensitively) at `unix_seconds`, and
    /// remembers its step when accepted.
    pub fn accept(
        &self,
        user: &str,
        secret: &TotpSecret,
        code: Option<&str>,
        unix_seconds: i64,
    ) -> Result<(), CodeRefusal> {
        let code = code.map(str::trim).filter(|c| !c.is_empty());
        let Some(code) = code else {
            return Err(CodeRefusal::Missing);
        };
        let step = matching_step(secret, code, unix_seconds).ok_or(CodeRefusal::Wrong)?;
        let key = user.to_ascii_lowercase();
        let mut last = match self.last.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        if last.get(&key).is_some_and(|&l| step <= l) {
            return Err(CodeRefusal::Replayed);
        }
        if last.len() >= REPLAY_GUARD_CAP && !last.contains_key(&key) {
            // An entry older than the tolerance window guards nothing: its codes are refused as
            // expired anyway. Dropping those keeps the map bounded without reopening a replay.
            let oldest_live = step_of(unix_seconds).saturating_sub(TOLERANCE_STEPS);
            last.retain(|_, s| *s >= oldest_live);
            if last.len() >= REPLAY_GUARD_CAP {
                // Still full of live entries: refuse rather than forget one (fail closed).
                return Err(CodeRefusal::Busy);
            }
        }
        last.insert(key, step);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
    use super::*;

    /// RFC 6238 Appendix B, the SHA-1 rows: secret "12345678901234567890", 8 digits.
    #[test]
    fn rfc6238_appendix_b_sha1_vectors() {
        let secret = TotpSecret::from_bytes(b"12345678901234567890");
        let rows = [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ];
        for (t, want) in rows {
            assert_eq!(secret.code_at_step(step_of(t), 8), want, "T = {t}");
        }
        // The 6-digit code is the same number mod 10^6 (RFC 4226 §5.3).
        assert_eq!(secret.code_at(59), "287082");
    }

    #[test]
    fn base32_secrets_decode_and_bad_ones_are_refused() {
        // "Hello!\xde\xad\xbe\xef" is JBSWY3DPEHPK3PXP (the common example secret).
        let s = TotpSecret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(s, TotpSecret::from_bytes(b"Hello!\xde\xad\xbe\xef"));
        assert_eq!(TotpSecret::from_base32("jbsw y3dp ehpk 3pxp").unwrap(), s);
        // RFC 4648 §10: BASE32("foobar") = "MZXW6YTBOI======"; too short as a secret.
        assert_eq!(
            TotpSecret::from_base32("MZXW6YTBOI======"),
            Err(SecretError::TooShort(48))
        );
        assert_eq!(
            TotpSecret::from_base32("JBSWY3DPEHPK3PX1"),
            Err(SecretError::NotBase32('1'))
        );
        assert!(matches!(
            TotpSecret::from_base32(""),
            Err(SecretError::TooShort(0))
        ));
    }

    #[test]
    fn codes_are_accepted_within_one_step_and_once() {
        let secret = TotpSecret::from_bytes(b"12345678901234567890");
        let t = 1_111_111_111;
        let guard = ReplayGuard::default();
        let previous = secret.code_at(t - STEP_SECONDS);
        let current = secret.code_at(t);
        let too_old = secret.code_at(t - 2 * STEP_SECONDS);
        assert_eq!(
            guard.accept("a@x", &secret, Some(&too_old), t),
            Err(CodeRefusal::Wrong)
        );
        assert_eq!(
            guard.accept("a@x", &secret, None, t),
            Err(CodeRefusal::Missing)
        );
        assert_eq!(
            guard.accept("a@x", &secret, Some("000000x"), t),
            Err(CodeRefusal::Wrong)
        );
        assert_eq!(guard.accept("a@x", &secret, Some(&previous), t), Ok(()));
        assert_eq!(guard.accept("A@X", &secret, Some(&current), t), Ok(()));
        // The same code again, or an earlier step's, is a replay.
        assert_eq!(
            guard.accept("a@x", &secret, Some(&current), t),
            Err(CodeRefusal::Replayed)
        );
        assert_eq!(
            guard.accept("a@x", &secret, Some(&previous), t),
            Err(CodeRefusal::Replayed)
        );
        // Another user is not affected.
        assert_eq!(guard.accept("b@x", &secret, Some(&current), t), Ok(()));
        let next = secret.code_at(t + STEP_SECONDS);
        assert_eq!(guard.accept("a@x", &secret, Some(&next), t), Ok(()));
    }
}
