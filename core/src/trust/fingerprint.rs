//! Certificate fingerprints as admins copy them from consoles: hex, any case, with or without
//! colons or spaces. SHA-1 pins are accepted but always reported as weak.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum FingerprintAlgorithm {
    Sha1,
    Sha256,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fingerprint {
    pub algorithm: FingerprintAlgorithm,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FingerprintError {
    #[error("fingerprint contains {0:?}, which is not a hex digit")]
    NotHex(char),
    #[error("fingerprint has {0} hex digits; SHA-256 has 64 and SHA-1 has 40")]
    WrongLength(usize),
}

impl Fingerprint {
    /// Parses `AB:CD:…`, `abcd…` or `ab cd …`; the length decides the algorithm.
    pub fn parse(text: &str) -> Result<Self, FingerprintError> {
        let mut digits = Vec::with_capacity(64);
        let text = text.trim();
        // Consoles and openssl prefix the value with a label ("SHA256 Fingerprint=").
        let text = text.rsplit_once('=').map_or(text, |(_, v)| v);
        for c in text.chars() {
            match c {
                ':' | ' ' | '-' => {}
                c if c.is_ascii_hexdigit() => digits.push(c as u8),
                c => return Err(FingerprintError::NotHex(c)),
            }
        }
        let algorithm = match digits.len() {
            64 => FingerprintAlgorithm::Sha256,
            40 => FingerprintAlgorithm::Sha1,
            n => return Err(FingerprintError::WrongLength(n)),
        };
        let bytes = digits
            .chunks(2)
            .map(|p| (hex_val(p[0]) << 4) | hex_val(p[1]))
            .collect();
        Ok(Self { algorithm, bytes })
    }

    /// The fingerprint of DER bytes.
    pub fn of(algorithm: FingerprintAlgorithm, der: &[u8]) -> Self {
        use sha2::Digest as _;
        let bytes = match algorithm {
            FingerprintAlgorithm::Sha1 => sha1::Sha1::digest(der).to_vec(),
            FingerprintAlgorithm::Sha256 => sha2::Sha256::digest(der).to_vec(),
        };
        Self { algorithm, bytes }
    }

    /// Whether `der` has this fingerprint.
    pub fn matches(&self, der: &[u8]) -> bool {
        crate::crypto::constant_time_eq(&Self::of(self.algorithm, der).bytes, &self.bytes)
    }
}

fn hex_val(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

/// `AB:CD:…` — the form openssl and IdP consoles print.
impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.bytes.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_console_forms() {
        let colon = "AB:".repeat(31) + "AB";
        let f = Fingerprint::parse(&colon).unwrap();
        assert_eq!(f.algorithm, FingerprintAlgorithm::Sha256);
        assert_eq!(f.bytes, vec![0xAB; 32]);
        let f = Fingerprint::parse(&format!("SHA1 Fingerprint={}", "0f".repeat(20))).unwrap();
        assert_eq!(f.algorithm, FingerprintAlgorithm::Sha1);
        assert_eq!(f.to_string(), "0F:".repeat(19) + "0F");
        assert_eq!(
            Fingerprint::parse("abcd"),
            Err(FingerprintError::WrongLength(4))
        );
        assert_eq!(
            Fingerprint::parse(&"zz".repeat(32)),
            Err(FingerprintError::NotHex('z'))
        );
    }
}
