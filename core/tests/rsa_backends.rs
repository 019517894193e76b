#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code
//! Every RSA backend agrees, signature by signature: what one accepts all accept, what one
//! refuses all refuse. The fixed test keys (2048, 2048, 2048 attacker, 1024 legacy) sign
//! seeded random messages with every allowed hash; then each backend verifies the signature,
//! bit-flipped copies, a changed message, wrong lengths, a value not below the modulus, and the
//! wrong key.

use rand::{Rng as _, SeedableRng as _};
use samlscope_core::algorithm::SignatureAlgorithm;
use samlscope_core::crypto::{Backend, PrivateKey, backends};
use samlscope_core::trust::Certificate;

const KEYS: [&str; 4] = ["idp", "idp2", "attacker", "legacy1024"];
const ALGORITHMS: [SignatureAlgorithm; 4] = [
    SignatureAlgorithm::RsaSha1,
    SignatureAlgorithm::RsaSha256,
    SignatureAlgorithm::RsaSha384,
    SignatureAlgorithm::RsaSha512,
];

fn key(name: &str) -> PrivateKey {
    let path = format!(
        "{}/tests/data/keys/{name}.key.pem",
        env!("CARGO_MANIFEST_DIR")
    );
    PrivateKey::from_pem(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn cert(name: &str) -> Certificate {
    let file = if name == "attacker" {
        "attacker-lookalike"
    } else {
        name
    };
    let path = format!(
        "{}/tests/data/keys/{file}.crt.pem",
        env!("CARGO_MANIFEST_DIR")
    );
    Certificate::all_from_pem(&std::fs::read_to_string(path).unwrap())
        .unwrap()
        .remove(0)
}

/// The verdict of every backend; panics if they disagree.
fn agreed(cert: &Certificate, alg: SignatureAlgorithm, msg: &[u8], sig: &[u8]) -> bool {
    let results: Vec<(Backend, bool)> = backends()
        .iter()
        .map(|&b| (b, cert.public_key().verify(b, alg, msg, sig).is_ok()))
        .collect();
    assert!(
        results.iter().all(|r| r.1 == results[0].1),
        "backends disagree on {alg:?}: {results:?}"
    );
    results[0].1
}

#[test]
fn backends_agree_on_good_and_bad_signatures() {
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
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut checked = 0;
    for name in KEYS {
        let private = key(name);
        let public = cert(name);
        let other = cert(if name == "idp" { "idp2" } else { "idp" });
        for alg in ALGORITHMS {
            // ring has no SHA-384 for keys under 2048 bits (a legacy 1024-bit key is accepted
            // only below the default policy floor anyway, and then with SHA-1/256/512).
            if name == "legacy1024" && alg == SignatureAlgorithm::RsaSha384 {
                continue;
            }
            for _ in 0..6 {
                let len = rng.random_range(0..2000);
                let msg: Vec<u8> = (0..len).map(|_| rng.random()).collect();
                let sig = private.sign(alg, &msg).unwrap();
                assert!(
                    agreed(&public, alg, &msg, &sig),
                    "{name} {alg:?} good signature"
                );
                assert!(!agreed(&other, alg, &msg, &sig), "{name} {alg:?} wrong key");
                let mut flipped = sig.clone();
                let bit = rng.random_range(0..flipped.len() * 8);
                flipped[bit / 8] ^= 1 << (bit % 8);
                assert!(
                    !agreed(&public, alg, &msg, &flipped),
                    "{name} {alg:?} flipped bit {bit}"
                );
                let mut changed = msg.clone();
                changed.push(0);
                assert!(
                    !agreed(&public, alg, &changed, &sig),
                    "{name} {alg:?} changed message"
                );
                let mut longer = vec![0u8];
                longer.extend_from_slice(&sig);
                assert!(
                    !agreed(&public, alg, &msg, &longer),
                    "{name} {alg:?} leading zero"
                );
                assert!(
                    !agreed(&public, alg, &msg, &sig[1..]),
                    "{name} {alg:?} truncated"
                );
                assert!(
                    !agreed(&public, alg, &msg, &vec![0xff; sig.len()]),
                    "{name} {alg:?} ≥ n"
                );
                assert!(
                    !agreed(&public, alg, &msg, &vec![0; sig.len()]),
                    "{name} {alg:?} zero"
                );
                let other_alg = if alg == SignatureAlgorithm::RsaSha256 {
                    SignatureAlgorithm::RsaSha512
                } else {
                    SignatureAlgorithm::RsaSha256
                };
                assert!(
                    !agreed(&public, other_alg, &msg, &sig),
                    "{name} {alg:?} as {other_alg:?}"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, (KEYS.len() * ALGORITHMS.len() - 1) * 6);
}
