//! RSA PKCS#1 v1.5 signature verification with samlscope's own public-key operation:
//! `s^e mod n` by Montgomery multiplication on 32-bit limbs with 64-bit products.
//!
//! Why: in wasm32 the `rsa` crate's constant-time big integers spend about 0.6 ms per RSA-2048
//! verification in Chromium, most of the page's validation time. Verification handles only
//! public values (signature, modulus, exponent, digest), so nothing here needs to be constant
//! time, and 32-bit limbs with `u64` products map directly onto wasm's 64-bit instructions.
//!
//! Fail closed: a signature of the wrong length, a value not below the modulus, an even
//! modulus, an exponent that is not odd and above 1, or any byte of the encoded message that
//! differs from the expected `00 01 FF… 00 DigestInfo(hash)` is a failure. The expected
//! encoding is built and compared whole (RFC 8017 §8.2.2 step 4), never parsed.

use crate::dsig::DigestAlgorithm;

/// A public key ready for repeated verification (Montgomery constants precomputed).
#[derive(Debug, Clone)]
pub struct RsaPublic {
    /// Modulus, little-endian 32-bit limbs, no leading zero limb.
    n: Vec<u32>,
    /// `-n⁻¹ mod 2³²`.
    n0_inv: u32,
    /// `R² mod n` with `R = 2^(32·limbs)`.
    r2: Vec<u32>,
    /// Public exponent (JumpCloud and every IdP seen use 65537; anything up to 2⁶⁴−1 works).
    e: u64,
    /// Modulus length in bytes: the length a signature must have.
    k: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RsaPublicError {
    /// The key cannot be used (even modulus, tiny modulus, exponent out of range).
    Key(&'static str),
    /// The signature does not verify.
    Bad,
}

/// Big-endian bytes (leading zeros allowed) to little-endian limbs without leading zero limbs.
fn limbs(be: &[u8]) -> Vec<u32> {
    let be = &be[be.iter().take_while(|&&b| b == 0).count()..];
    let mut out: Vec<u32> = be
        .rchunks(4)
        .map(|c| c.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)))
        .collect();
    while out.last() == Some(&0) {
        out.pop();
    }
    out
}

/// `a >= b` for equal-length limb slices.
fn geq(a: &[u32], b: &[u32]) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x > y;
        }
    }
    true
}

/// `a -= b` (equal lengths), returns the borrow.
fn sub_in_place(a: &mut [u32], b: &[u32]) -> bool {
    let mut borrow = 0u64;
    for (x, &y) in a.iter_mut().zip(b) {
        let d = u64::from(*x)
            .wrapping_sub(u64::from(y))
            .wrapping_sub(borrow);
        *x = d as u32;
        borrow = (d >> 63) & 1;
    }
    borrow == 1
}

impl RsaPublic {
    /// From the modulus and exponent as big-endian unsigned integers (PKCS#1 `RSAPublicKey`).
    pub fn new(modulus: &[u8], exponent: &[u8]) -> Result<Self, RsaPublicError> {
        let n = limbs(modulus);
        if n.len() < 16 {
            return Err(RsaPublicError::Key("modulus shorter than 512 bits"));
        }
        if n[0] & 1 == 0 {
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
        // Newton iteration doubles the correct low bits each step: 1 → 2 → … → 32.
        let mut inv: u32 = 1;
        for _ in 0..5 {
            inv = inv.wrapping_mul(2u32.wrapping_sub(n[0].wrapping_mul(inv)));
        }
        let bits = n.len() * 32 - n.last().map_or(32, |l| l.leading_zeros() as usize);
        let k = bits.div_ceil(8);
        let mut key = Self {
            r2: Vec::new(),
            n0_inv: inv.wrapping_neg(),
            e,
            k,
            n,
        };
        key.r2 = key.r_squared();
        Ok(key)
    }

    /// `R² mod n` by doubling 1 modulo n, 2·32·limbs times (once per key).
    fn r_squared(&self) -> Vec<u32> {
        let len = self.n.len();
        let mut x = vec![0u32; len];
        x[0] = 1;
        for _ in 0..(64 * len) {
            // x = 2x mod n, with x < n before and after.
            let carry = x[len - 1] >> 31;
            for i in (1..len).rev() {
                x[i] = (x[i] << 1) | (x[i - 1] >> 31);
            }
            x[0] <<= 1;
            if carry == 1 || geq(&x, &self.n) {
                sub_in_place(&mut x, &self.n);
            }
        }
        x
    }

    /// Montgomery product `a·b·R⁻¹ mod n` (CIOS), inputs and output below n.
    fn mont_mul(&self, a: &[u32], b: &[u32], t: &mut Vec<u32>) -> Vec<u32> {
        let n = &self.n;
        let len = n.len();
        t.clear();
        t.resize(len + 2, 0);
        for &bi in b.iter() {
            let bi = u64::from(bi);
            let mut carry = 0u64;
            for j in 0..len {
                let s = u64::from(t[j]) + u64::from(a[j]) * bi + carry;
                t[j] = s as u32;
                carry = s >> 32;
            }
            let s = u64::from(t[len]) + carry;
            t[len] = s as u32;
            t[len + 1] = (s >> 32) as u32;
            let m = u64::from(t[0].wrapping_mul(self.n0_inv));
            let s = u64::from(t[0]) + m * u64::from(n[0]);
            let mut carry = s >> 32;
            for j in 1..len {
                let s = u64::from(t[j]) + m * u64::from(n[j]) + carry;
                t[j - 1] = s as u32;
                carry = s >> 32;
            }
            let s = u64::from(t[len]) + carry;
            t[len - 1] = s as u32;
            t[len] = t[len + 1] + (s >> 32) as u32;
        }
        let mut out = t[..len].to_vec();
        if t[len] != 0 || geq(&out, n) {
            sub_in_place(&mut out, n);
        }
        out
    }

    /// `s^e mod n` as k big-endian bytes, or `None` when `s` is not below n.
    fn public_op(&self, signature: &[u8]) -> Option<Vec<u8>> {
        let len = self.n.len();
        let mut s = limbs(signature);
        if s.len() > len {
            return None;
        }
        s.resize(len, 0);
        if geq(&s, &self.n) {
            return None;
        }
        let mut scratch = Vec::with_capacity(len + 2);
        let base = self.mont_mul(&s, &self.r2, &mut scratch);
        let mut acc = base.clone();
        let top = 63 - self.e.leading_zeros();
        for bit in (0..top).rev() {
            acc = self.mont_mul(&acc, &acc, &mut scratch);
            if (self.e >> bit) & 1 == 1 {
                acc = self.mont_mul(&acc, &base, &mut scratch);
            }
        }
        let mut one = vec![0u32; len];
        one[0] = 1;
        let plain = self.mont_mul(&acc, &one, &mut scratch);
        let mut be = vec![0u8; len * 4];
        for (i, limb) in plain.iter().enumerate() {
            let at = be.len() - 4 * (i + 1);
            be[at..at + 4].copy_from_slice(&limb.to_be_bytes());
        }
        Some(be[be.len() - self.k..].to_vec())
    }

    /// RSASSA-PKCS1-v1_5 verification of a precomputed digest (RFC 8017 §8.2.2).
    pub fn verify_digest(
        &self,
        hash: DigestAlgorithm,
        digest: &[u8],
        signature: &[u8],
    ) -> Result<(), RsaPublicError> {
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

    #[test]
    fn limbs_and_comparisons() {
        assert_eq!(limbs(&[0, 0, 1, 2, 3, 4, 5]), vec![0x0203_0405, 0x01]);
        assert_eq!(limbs(&[0, 0]), Vec::<u32>::new());
        let mut a = vec![0, 1];
        assert!(!sub_in_place(&mut a, &[1, 0]));
        assert_eq!(a, vec![u32::MAX, 0]);
        assert!(geq(&[5, 1], &[7, 0]));
        assert!(!geq(&[5, 0], &[7, 0]));
    }

    #[test]
    fn unusable_keys_are_refused() {
        let mut even = vec![0xc5u8; 256];
        even[255] = 0x10;
        assert_eq!(
            RsaPublic::new(&even, &[1, 0, 1]).unwrap_err(),
            RsaPublicError::Key("even modulus")
        );
        let odd = vec![0xc5u8; 256];
        assert!(RsaPublic::new(&odd, &[2]).is_err());
        assert!(RsaPublic::new(&odd, &[1]).is_err());
        assert!(RsaPublic::new(&odd, &[1; 9]).is_err());
        assert!(RsaPublic::new(&[0xc5; 32], &[1, 0, 1]).is_err());
        assert!(RsaPublic::new(&odd, &[1, 0, 1]).is_ok());
    }

    /// Small known values: n = 3233 = 61·53 padded to 512 bits is not possible, so the public
    /// operation is checked against u128 arithmetic on a 512-bit modulus built from limbs.
    #[test]
    fn public_op_matches_naive_modexp_on_small_exponents() {
        // n = 2^511 + 187 (odd; primality irrelevant for modexp), s = 12345…
        let mut n_be = vec![0u8; 64];
        n_be[0] = 0x80;
        n_be[63] = 187;
        for e in [3u64, 17, 65537] {
            let key = RsaPublic::new(&n_be, &e.to_be_bytes()).unwrap();
            for s_small in [2u64, 3, 12345, 0xdead_beef] {
                let mut s_be = vec![0u8; 64];
                s_be[56..].copy_from_slice(&s_small.to_be_bytes());
                let got = key.public_op(&s_be).unwrap();
                // Naive: repeated multiplication mod n with schoolbook big integers.
                let want = naive_modexp(&n_be, s_small, e);
                assert_eq!(got, want, "e={e} s={s_small}");
            }
        }
    }

    fn naive_modexp(n_be: &[u8], s: u64, e: u64) -> Vec<u8> {
        // Square-and-multiply on byte vectors via u32 limbs and shift-subtract reduction.
        let n = limbs(n_be);
        let len = n.len();
        let mul_mod = |a: &[u32], b: &[u32]| -> Vec<u32> {
            let mut prod = vec![0u32; 2 * len + 1];
            for (i, &x) in a.iter().enumerate() {
                let mut c = 0u64;
                for (j, &y) in b.iter().enumerate() {
                    let t = u64::from(prod[i + j]) + u64::from(x) * u64::from(y) + c;
                    prod[i + j] = t as u32;
                    c = t >> 32;
                }
                prod[i + len] = c as u32;
            }
            // Reduce bit by bit from the top.
            let mut r = vec![0u32; len + 1];
            for bit in (0..prod.len() * 32).rev() {
                let carry = r[len] >> 31;
                for k in (1..=len).rev() {
                    r[k] = (r[k] << 1) | (r[k - 1] >> 31);
                }
                r[0] = (r[0] << 1) | ((prod[bit / 32] >> (bit % 32)) & 1);
                let mut nn = n.clone();
                nn.push(0);
                if carry == 1 || geq(&r, &nn) {
                    sub_in_place(&mut r, &nn);
                }
            }
            r.truncate(len);
            r
        };
        let mut base = vec![0u32; len];
        base[0] = s as u32;
        base[1] = (s >> 32) as u32;
        let mut acc = vec![0u32; len];
        acc[0] = 1;
        for bit in (0..64).rev() {
            acc = mul_mod(&acc, &acc);
            if (e >> bit) & 1 == 1 {
                acc = mul_mod(&acc, &base);
            }
        }
        let mut be = vec![0u8; len * 4];
        for (i, limb) in acc.iter().enumerate() {
            let at = be.len() - 4 * (i + 1);
            be[at..at + 4].copy_from_slice(&limb.to_be_bytes());
        }
        be
    }

    #[test]
    fn signature_not_below_modulus_or_wrong_length_fails() {
        let mut n_be = vec![0u8; 64];
        n_be[0] = 0x80;
        n_be[63] = 187;
        let key = RsaPublic::new(&n_be, &[1, 0, 1]).unwrap();
        assert_eq!(key.public_op(&n_be), None);
        assert_eq!(key.public_op(&[0xff; 64]), None);
        assert_eq!(
            key.verify_digest(DigestAlgorithm::Sha256, &[0; 32], &[1; 63]),
            Err(RsaPublicError::Bad)
        );
    }
}
