//! The page's RSA verifier against aws-lc, signature by signature: on seeded random keys of
//! 1024 to 4096 bits and seeded random messages, what one accepts the other accepts and what
//! one refuses the other refuses — and each case has the outcome it must have. The page runs
//! the one and the CLI and server the other, so a disagreement is a message judged differently
//! by two faces of samlscope.
//!
//! `RSA_SEED=<n>` replays a run (the seed is printed).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::PublicKey;
use super::page_rsa::RsaPublic;
use crate::algorithm::{DigestAlgorithm, SignatureAlgorithm};
use rand::{Rng as _, RngCore as _, SeedableRng as _};
use rsa::pkcs1v15::Pkcs1v15Sign;
use rsa::pkcs8::EncodePublicKey as _;

const ALGORITHMS: [SignatureAlgorithm; 4] = [
    SignatureAlgorithm::RsaSha1,
    SignatureAlgorithm::RsaSha256,
    SignatureAlgorithm::RsaSha384,
    SignatureAlgorithm::RsaSha512,
];

/// The seeded generator in the shape the `rsa` crate's key generation takes.
struct Seeded(rand_chacha::ChaCha8Rng);

impl rsa::rand_core::TryRng for Seeded {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(self.0.next_u32())
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(self.0.next_u64())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        self.0.fill_bytes(dst);
        Ok(())
    }
}

impl rsa::rand_core::TryCryptoRng for Seeded {}

/// One key under both verifiers.
struct Pair {
    private: rsa::PrivateKey,
    aws_lc: PublicKey,
    page: RsaPublic,
    /// The modulus, big-endian, k bytes.
    modulus: Vec<u8>,
    bits: usize,
}

impl Pair {
    fn new(rng: &mut Seeded, bits: usize, exponent: u64) -> Self {
        let private = rsa::PrivateKey::new_with_exp(rng, bits, exponent.into()).unwrap();
        let spki = private.to_public_key().to_public_key_der().unwrap();
        let aws_lc = PublicKey::from_spki_der(spki.as_bytes()).unwrap();
        use x509_parser::prelude::FromDer as _;
        let (_, info) = x509_parser::x509::SubjectPublicKeyInfo::from_der(spki.as_bytes()).unwrap();
        let Ok(x509_parser::public_key::PublicKey::RSA(rsa)) = info.parsed() else {
            panic!("not an RSA key");
        };
        let page = RsaPublic::new(rsa.modulus, rsa.exponent).unwrap();
        let modulus = rsa.modulus[rsa.modulus.iter().take_while(|&&b| b == 0).count()..].to_vec();
        Self {
            private,
            aws_lc,
            page,
            modulus,
            bits,
        }
    }

    fn k(&self) -> usize {
        self.bits.div_ceil(8)
    }

    /// Both verdicts; fails the test when they differ or differ from `want`.
    fn check(&self, what: &str, alg: SignatureAlgorithm, msg: &[u8], sig: &[u8], want: bool) {
        let aws_lc = self.aws_lc.verify(alg, msg, sig).is_ok();
        let digest = alg.hash().digest(msg);
        let page = self.page.verify_digest(alg.hash(), &digest, sig).is_ok();
        assert!(
            aws_lc == page && page == want,
            "{what}, {alg}, {} bits: aws-lc {aws_lc}, page {page}, expected {want}\n\
             message {msg:02x?}\nsignature {sig:02x?}",
            self.bits
        );
    }

    /// The PKCS#1 v1.5 encoding `00 01 FF… 00 t` signed with the private key: any `t`,
    /// well-formed DigestInfo or not.
    fn sign_raw(&self, t: &[u8]) -> Vec<u8> {
        self.private
            .sign(Pkcs1v15Sign::new_unprefixed(), t)
            .unwrap()
    }
}

/// DER of `DigestInfo` up to the digest octets (RFC 8017 §9.2, note 1).
fn digest_info_prefix(hash: DigestAlgorithm) -> Vec<u8> {
    let oid_last = match hash {
        DigestAlgorithm::Sha1 => {
            return vec![
                0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04,
                0x14,
            ];
        }
        DigestAlgorithm::Sha256 => 0x01,
        DigestAlgorithm::Sha384 => 0x02,
        DigestAlgorithm::Sha512 => 0x03,
    };
    let len = hash.output_len() as u8;
    vec![
        0x30,
        0x11 + len,
        0x30,
        0x0d,
        0x06,
        0x09,
        0x60,
        0x86,
        0x48,
        0x01,
        0x65,
        0x03,
        0x04,
        0x02,
        oid_last,
        0x05,
        0x00,
        0x04,
        len,
    ]
}

#[test]
fn the_page_verifier_and_aws_lc_agree() {
    let seed: u64 = std::env::var("RSA_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    eprintln!("RSA_SEED={seed}");
    let mut rng = Seeded(rand_chacha::ChaCha8Rng::seed_from_u64(seed));
    // Sizes whose byte length is and is not a whole number of limbs, the smallest aws-lc takes
    // and the largest IdPs use; e = 3 as well as 65537.
    let keys: Vec<Pair> = [
        (1024, 65537),
        (2047, 65537),
        (2048, 3),
        (3072, 65537),
        (4096, 65537),
    ]
    .into_iter()
    .map(|(bits, e)| Pair::new(&mut rng, bits, e))
    .collect();
    let mut checked = 0;
    for key in &keys {
        let k = key.k();
        for alg in ALGORITHMS {
            // aws-lc takes SHA-384 only from keys of 2048 bits or more: both refuse the rest.
            if key.bits < 2048 && alg == SignatureAlgorithm::RsaSha384 {
                let msg = b"any message";
                let digest = alg.hash().digest(msg);
                let sig = key.sign_raw(&[digest_info_prefix(alg.hash()), digest].concat());
                key.check("SHA-384 from a short key", alg, msg, &sig, false);
                checked += 1;
                continue;
            }
            let hash = alg.hash();
            for _ in 0..3 {
                let len = rng.0.random_range(0..300);
                let msg: Vec<u8> = (0..len).map(|_| rng.0.random()).collect();
                let digest = hash.digest(&msg);
                let good = key.private.sign(pkcs1v15_scheme(hash), &digest).unwrap();
                assert_eq!(good.len(), k);
                key.check("valid", alg, &msg, &good, true);

                // The same encoding built by hand: the DigestInfo here is the one verified.
                let mut t = digest_info_prefix(hash);
                t.extend_from_slice(&digest);
                key.check("hand-built valid", alg, &msg, &key.sign_raw(&t), true);

                for other in ALGORITHMS.into_iter().filter(|&o| o != alg) {
                    key.check("other hash", other, &msg, &good, false);
                }
                let mut changed = msg.clone();
                changed.push(0);
                key.check("changed message", alg, &changed, &good, false);

                for _ in 0..4 {
                    let mut flipped = good.clone();
                    let at = rng.0.random_range(0..flipped.len());
                    flipped[at] ^= 1 << rng.0.random_range(0..8);
                    key.check("bit flip", alg, &msg, &flipped, false);
                }

                // Wrong length, same value: RFC 8017 §8.2.2 step 1 wants exactly k bytes.
                let mut longer = vec![0];
                longer.extend_from_slice(&good);
                key.check("k+1 bytes", alg, &msg, &longer, false);
                key.check("k−1 bytes", alg, &msg, &good[1..], false);
                key.check("empty", alg, &msg, &[], false);

                // Not below the modulus (RFC 8017 §5.2.2 step 1).
                key.check("s = n", alg, &msg, &key.modulus, false);
                key.check("s = 2^8k − 1", alg, &msg, &vec![0xff; k], false);
                // n + 1, big-endian with the carry.
                let mut above = key.modulus.clone();
                for byte in above.iter_mut().rev() {
                    *byte = byte.wrapping_add(1);
                    if *byte != 0 {
                        break;
                    }
                }
                key.check("s = n + 1", alg, &msg, &above, false);

                // Bad encodings under a real signature: data after the digest (Bleichenbacher
                // 2006), the separator moved into the padding, DigestInfo without its NULL
                // parameters, another algorithm's OID, a digest cut short.
                let prefix = digest_info_prefix(hash);
                let mut trailing = t.clone();
                trailing.extend_from_slice(&[0x00, 0x01]);
                key.check(
                    "data after the digest",
                    alg,
                    &msg,
                    &key.sign_raw(&trailing),
                    false,
                );
                let mut moved = vec![0xff; 4];
                moved.push(0x00);
                moved.extend_from_slice(&t);
                key.check(
                    "separator in the padding",
                    alg,
                    &msg,
                    &key.sign_raw(&moved),
                    false,
                );
                if hash != DigestAlgorithm::Sha1 {
                    let mut no_null = prefix.clone();
                    no_null.drain(15..17);
                    no_null[1] -= 2;
                    no_null[3] -= 2;
                    no_null.extend_from_slice(&digest);
                    key.check(
                        "no NULL parameters",
                        alg,
                        &msg,
                        &key.sign_raw(&no_null),
                        false,
                    );
                    let mut other_oid = t.clone();
                    other_oid[14] ^= 0x07;
                    key.check(
                        "other hash OID",
                        alg,
                        &msg,
                        &key.sign_raw(&other_oid),
                        false,
                    );
                }
                let mut short = prefix.clone();
                short.extend_from_slice(&digest[..digest.len() - 1]);
                key.check("digest cut short", alg, &msg, &key.sign_raw(&short), false);
                checked += 1;
            }
        }
    }
    // 3 messages × (4 algorithms for the keys of 2048 bits or more, 3 below), and SHA-384
    // refused once for each key below 2048 bits.
    assert_eq!(checked, 3 * (4 * 3 + 3 * 2) + 2);
}

#[test]
fn a_signature_from_another_key_fails_on_both() {
    let mut rng = Seeded(rand_chacha::ChaCha8Rng::seed_from_u64(7));
    let a = Pair::new(&mut rng, 2048, 65537);
    let b = Pair::new(&mut rng, 2048, 65537);
    let msg = b"<ds:SignedInfo/>";
    for alg in ALGORITHMS {
        let sig = a
            .private
            .sign(pkcs1v15_scheme(alg.hash()), &alg.hash().digest(msg))
            .unwrap();
        a.check("own key", alg, msg, &sig, true);
        b.check("another key", alg, msg, &sig, false);
    }
}

/// The reference signer's padding: the `rsa` crate's PKCS#1 v1.5 with the DigestInfo of `hash`.
fn pkcs1v15_scheme(hash: DigestAlgorithm) -> Pkcs1v15Sign {
    match hash {
        DigestAlgorithm::Sha1 => Pkcs1v15Sign::new::<sha1::Sha1>(),
        DigestAlgorithm::Sha256 => Pkcs1v15Sign::new::<sha2::Sha256>(),
        DigestAlgorithm::Sha384 => Pkcs1v15Sign::new::<sha2::Sha384>(),
        DigestAlgorithm::Sha512 => Pkcs1v15Sign::new::<sha2::Sha512>(),
    }
}
