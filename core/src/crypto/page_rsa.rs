//! The page's RSA verifier: RSASSA-PKCS1-v1_5 with samlscope's own public-key operation,
//! `s^e mod n` by Montgomery multiplication on 32-bit limbs (`montgomery`). It verifies in
//! wasm32, where no native crypto library runs; natively it is compiled for the tests only,
//! which hold it to aws-lc signature by signature.
//!
//! Why its own: the `rsa` crate's constant-time big integers are built for private keys.
//! Verification handles only public values (signature, modulus, exponent, digest), so nothing
//! here needs to be constant time, and the key's Montgomery constants are computed once per
//! certificate.
//!
//! Fail closed: a signature of the wrong length, a value not below the modulus, an even
//! modulus, an exponent that is not odd and above 1, or any byte of the encoded message that
//! differs from the expected `00 01 FF… 00 DigestInfo(hash)` is a failure. The expected
//! encoding is built and compared whole (RFC 8017 §8.2.2 step 4), never parsed.

mod montgomery;

use crate::algorithm::DigestAlgorithm;
use montgomery::Modulus;

/// A public key ready for repeated verification (Montgomery constants precomputed).
#[derive(Debug, Clone)]
pub struct RsaPublic {
    modulus: Modulus,
    /// Public exponent (JumpCloud and every IdP seen use 65537; anything up to 2⁶⁴−1 works).
    e: u64,
    /// Modulus length in bytes: the length a signature must have.
    k: usize,
    bits: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RsaPublicError {
    /// The key cannot be used (even modulus, tiny modulus, exponent out of range).
    Key(&'static str),
    /// The signature does not verify.
    Bad,
}

impl RsaPublic {
    /// From the modulus and exponent as big-endian unsigned integers (PKCS#1 `RSAPublicKey`).
    pub fn new(modulus: &[u8], exponent: &[u8]) -> Result<Self, RsaPublicError> {
        let n = montgomery::from_be(modulus);
        let bits = montgomery::bits(&n);
        if bits < 512 {
            return Err(RsaPublicError::Key("modulus shorter than 512 bits"));
        }
        // The same ceiling as ring: no IdP signs with more, and a hostile certificate with a
        // huge modulus must not buy seconds of set-up and exponentiation (the page runs this).
        if bits > 8192 {
            return Err(RsaPublicError::Key("modulus longer than 8192 bits"));
        }
        if n.first().is_none_or(|l| l & 1 == 0) {
            return Err(RsaPublicError::Key("even modulus"));
        }
        let e_bytes = &exponent[exponent.iter().take_while(|&&b| b == 0).count()..];
        if e_bytes.len() > 8 {
            return Err(RsaPublicError::Key("public exponent above 2^64"));
        }
        let e = e_bytes
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        if e < 3 || e & 1 == 0 {
            return Err(RsaPublicError::Key("public exponent not odd and above 1"));
        }
        // The R² set-up (thousands of doublings) comes last, once the key is known usable.
        let modulus = Modulus::new(n).ok_or(RsaPublicError::Key("even modulus"))?;
        Ok(Self {
            modulus,
            e,
            k: bits.div_ceil(8),
            bits,
        })
    }

    /// `s^e mod n` as k big-endian bytes, or `None` when `s` is not below n.
    fn public_op(&self, signature: &[u8]) -> Option<Vec<u8>> {
        let n = self.modulus.limbs();
        let mut s = montgomery::from_be(signature);
        if s.len() > n.len() {
            return None;
        }
        s.resize(n.len(), 0);
        if montgomery::geq(&s, n) {
            return None;
        }
        self.modulus.pow(&mut s, self.e);
        let mut be = montgomery::to_be(&s);
        // The limbs hold at most three leading zero bytes above the k-byte value.
        be.drain(..be.len() - self.k);
        Some(be)
    }

    /// RSASSA-PKCS1-v1_5 verification of a precomputed digest (RFC 8017 §8.2.2).
    pub fn verify_digest(
        &self,
        hash: DigestAlgorithm,
        digest: &[u8],
        signature: &[u8],
    ) -> Result<(), RsaPublicError> {
        if self.bits < min_key_bits(hash) {
            return Err(RsaPublicError::Key(
                "key too short for this hash (SHA-384 needs 2048 bits, the others 1024)",
            ));
        }
        if signature.len() != self.k {
            return Err(RsaPublicError::Bad);
        }
        let em = self.public_op(signature).ok_or(RsaPublicError::Bad)?;
        let prefix = digest_info_prefix(hash);
        let t_len = prefix.len() + digest.len();
        if self.k < t_len + 11 {
            return Err(RsaPublicError::Bad);
        }
        let mut expected = Vec::with_capacity(self.k);
        expected.extend_from_slice(&[0x00, 0x01]);
        expected.resize(self.k - t_len - 1, 0xff);
        expected.push(0x00);
        expected.extend_from_slice(prefix);
        expected.extend_from_slice(digest);
        if em == expected {
            Ok(())
        } else {
            Err(RsaPublicError::Bad)
        }
    }
}

/// The shortest key each hash is verified with: aws-lc's floors (its SHA-384 parameters start
/// at 2048 bits, the others at 1024), so that the page and the native build refuse the same
/// keys whatever `--min-rsa-bits` allows (the differential test holds them equal).
fn min_key_bits(hash: DigestAlgorithm) -> usize {
    match hash {
        DigestAlgorithm::Sha384 => 2048,
        DigestAlgorithm::Sha1 | DigestAlgorithm::Sha256 | DigestAlgorithm::Sha512 => 1024,
    }
}

/// DER of `DigestInfo` up to the digest octets (RFC 8017 §9.2, note 1).
fn digest_info_prefix(hash: DigestAlgorithm) -> &'static [u8] {
    match hash {
        DigestAlgorithm::Sha1 => &[
            0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04,
            0x14,
        ],
        DigestAlgorithm::Sha256 => &[
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x01, 0x05, 0x00, 0x04, 0x20,
        ],
        DigestAlgorithm::Sha384 => &[
            0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x02, 0x05, 0x00, 0x04, 0x30,
        ],
        DigestAlgorithm::Sha512 => &[
            0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x03, 0x05, 0x00, 0x04, 0x40,
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// n = 2^511 + 187 (odd; primality irrelevant for modexp).
    fn n512() -> Vec<u8> {
        let mut n_be = vec![0u8; 64];
        n_be[0] = 0x80;
        n_be[63] = 187;
        n_be
    }

    #[test]
    fn unusable_keys_are_refused() {
        let mut even = vec![0xc5u8; 256];
        even[255] = 0x10;
        assert_eq!(
            RsaPublic::new(&even, &[1, 0, 1]).unwrap_err(),
            RsaPublicError::Key("even modulus")
        );
        // Evenness is reported first, as before the exponent.
        assert_eq!(
            RsaPublic::new(&even, &[2]).unwrap_err(),
            RsaPublicError::Key("even modulus")
        );
        let odd = vec![0xc5u8; 256];
        assert!(RsaPublic::new(&odd, &[2]).is_err());
        assert!(RsaPublic::new(&odd, &[1]).is_err());
        assert!(RsaPublic::new(&odd, &[]).is_err());
        assert!(RsaPublic::new(&odd, &[1; 9]).is_err());
        assert!(RsaPublic::new(&odd, &[0, 0, 0, 1, 0, 1]).is_ok());
        assert!(RsaPublic::new(&[0xc5; 32], &[1, 0, 1]).is_err());
        assert!(RsaPublic::new(&[], &[1, 0, 1]).is_err());
        assert!(RsaPublic::new(&odd, &[1, 0, 1]).is_ok());
        // The floor is 512 bits, counted in bits (a 511-bit modulus fills 16 limbs too).
        let mut n511 = vec![0xffu8; 64];
        n511[0] = 0x7f;
        assert_eq!(
            RsaPublic::new(&n511, &[3]).unwrap_err(),
            RsaPublicError::Key("modulus shorter than 512 bits")
        );
        assert!(RsaPublic::new(&n512(), &[3]).is_ok());
        // The ceiling: 8192 bits pass, one more bit does not.
        let n8192 = vec![0xffu8; 1024];
        assert!(RsaPublic::new(&n8192, &[1, 0, 1]).is_ok());
        let mut n8193 = vec![0xffu8; 1025];
        n8193[0] = 0x01;
        assert_eq!(
            RsaPublic::new(&n8193, &[1, 0, 1]).unwrap_err(),
            RsaPublicError::Key("modulus longer than 8192 bits")
        );
    }

    /// The public operation against square-and-multiply with schoolbook big integers and
    /// shift-subtract reduction, on a 512-bit modulus.
    #[test]
    fn public_op_matches_naive_modexp() {
        let n_be = n512();
        for e in [3u64, 17, 65537] {
            let key = RsaPublic::new(&n_be, &e.to_be_bytes()).unwrap();
            for s_small in [2u64, 3, 12345, 0xdead_beef, u64::MAX] {
                let mut s_be = vec![0u8; 64];
                s_be[56..].copy_from_slice(&s_small.to_be_bytes());
                let got = key.public_op(&s_be).unwrap();
                let want = naive_modexp(&n_be, s_small, e);
                assert_eq!(got, want, "e={e} s={s_small}");
            }
        }
    }

    /// `s^e mod n` by the shift-and-subtract reference of the Montgomery tests, as many
    /// big-endian bytes as n has 32-bit limbs.
    fn naive_modexp(n_be: &[u8], s: u64, e: u64) -> Vec<u8> {
        let n = montgomery::from_be(n_be);
        let mut base = vec![0u32; n.len()];
        base[0] = s as u32;
        base[1] = (s >> 32) as u32;
        montgomery::to_be(&montgomery::tests::naive_pow(&base, e, &n))
    }

    #[test]
    fn signature_not_below_modulus_or_wrong_length_fails() {
        let n_be = n512();
        let key = RsaPublic::new(&n_be, &[1, 0, 1]).unwrap();
        assert_eq!(key.public_op(&n_be), None);
        assert_eq!(key.public_op(&[0xff; 64]), None);
        assert_eq!(key.public_op(&[0xff; 65]), None);
        let mut below = n_be.clone();
        below[63] -= 1;
        assert!(key.public_op(&below).is_some());
        // A 512-bit key computes, but verifies nothing: below every hash's floor (signature
        // lengths k ± 1 are covered by the differential test's real-size keys).
        for hash in [DigestAlgorithm::Sha256, DigestAlgorithm::Sha384] {
            assert!(matches!(
                key.verify_digest(hash, &[0; 32], &[1; 64]),
                Err(RsaPublicError::Key(_))
            ));
        }
    }

    /// A modulus whose byte length is not a multiple of the limb size (1025 bits, 129 bytes):
    /// the result is exactly k bytes, the value the naive reference computes.
    #[test]
    fn odd_sized_modulus_gives_k_bytes() {
        let mut n_be = vec![0x9bu8; 129];
        n_be[0] = 0x01;
        let key = RsaPublic::new(&n_be, &[1, 0, 1]).unwrap();
        assert_eq!(key.k, 129);
        let mut s = vec![0x5au8; 129];
        s[0] = 0;
        let got = key.public_op(&s).unwrap();
        let n = montgomery::from_be(&n_be);
        let mut base = montgomery::from_be(&s);
        base.resize(n.len(), 0);
        let want = montgomery::to_be(&montgomery::tests::naive_pow(&base, 65537, &n));
        assert_eq!(got.len(), 129);
        assert_eq!(got, want[want.len() - 129..]);
    }
}
