//! A deterministic byte stream over caller-provided seed bytes, shaped as the RNG `rsa` wants.
//!
//! Core has no RNG of its own (sans-IO, same code on wasm32 without getrandom). Decryption uses
//! this stream for RSA blinding with a seed derived from the private key and the ciphertext
//! (unpredictable to anyone without the key, like RFC 6979's deterministic nonces). It is public
//! so that an encryptor can draw its content key, IV and OAEP seed from its caller's randomness
//! the same way.

use core::convert::Infallible;

use rsa::rand_core::{TryCryptoRng, TryRng};
use sha2::{Digest as _, Sha256};

/// SHA-256 in counter mode: block *i* = SHA-256(domain ‖ len(seed) ‖ seed ‖ i).
pub struct SeedStream {
    key: [u8; 32],
    counter: u64,
    block: [u8; 32],
    used: usize,
}

impl SeedStream {
    /// `domain` separates the uses of one seed (content key, OAEP seed, blinding, …).
    pub fn new(domain: &str, seed: &[u8]) -> Self {
        let mut h = Sha256::new();
        h.update(b"samlscope-xenc-stream\0");
        h.update(domain.as_bytes());
        h.update([0]);
        h.update((seed.len() as u64).to_be_bytes());
        h.update(seed);
        Self {
            key: h.finalize().into(),
            counter: 0,
            block: [0; 32],
            used: 32,
        }
    }

    /// Fills `dst` with the next bytes of the stream.
    pub fn fill(&mut self, dst: &mut [u8]) {
        for b in dst {
            if self.used == self.block.len() {
                let mut h = Sha256::new();
                h.update(self.key);
                h.update(self.counter.to_be_bytes());
                self.block = h.finalize().into();
                self.counter = self.counter.wrapping_add(1);
                self.used = 0;
            }
            *b = self.block[self.used];
            self.used += 1;
        }
    }

    /// The next `n` bytes of the stream.
    pub fn take(&mut self, n: usize) -> Vec<u8> {
        let mut v = vec![0; n];
        self.fill(&mut v);
        v
    }
}

impl core::fmt::Debug for SeedStream {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SeedStream { .. }")
    }
}

impl TryRng for SeedStream {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0; 4];
        self.fill(&mut b);
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0; 8];
        self.fill(&mut b);
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        self.fill(dst);
        Ok(())
    }
}

impl TryCryptoRng for SeedStream {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_domain_separated() {
        let a = SeedStream::new("k", b"seed").take(70);
        assert_eq!(a, SeedStream::new("k", b"seed").take(70));
        assert_ne!(a, SeedStream::new("iv", b"seed").take(70));
        assert_ne!(a, SeedStream::new("k", b"seed2").take(70));
        // Reading in pieces gives the same stream as reading at once.
        let mut s = SeedStream::new("k", b"seed");
        let mut b = s.take(33);
        b.extend(s.take(37));
        assert_eq!(a, b);
    }
}
