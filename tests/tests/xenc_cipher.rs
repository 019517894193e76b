//! XML Enc content ciphers: what the forge encrypts, core decrypts, and every failure of
//! decryption (a flipped bit, a wrong key, bad CBC padding, a short input) is the one uniform
//! error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use samlscope_core::xenc::{DataEncryption, XencError, content_decrypt};
use samlscope_forge::encrypt::content_encrypt;

#[test]
fn content_round_trip_and_uniform_failures() {
    for alg in DataEncryption::ALL {
        let key = vec![7u8; alg.key_len()];
        let iv = vec![9u8; alg.iv_len()];
        for len in [0usize, 1, 15, 16, 17, 100] {
            let pt: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let ct = content_encrypt(alg, &key, &iv, &pt).unwrap();
            assert_eq!(
                content_decrypt(alg, &key, &ct).unwrap(),
                pt,
                "{alg:?} {len}"
            );
            if !alg.is_cbc() {
                // Any flipped bit (IV, body, tag) fails the tag.
                for i in [0, ct.len() / 2, ct.len() - 1] {
                    let mut bad = ct.clone();
                    bad[i] ^= 1;
                    assert_eq!(
                        content_decrypt(alg, &key, &bad),
                        Err(XencError::DecryptionFailed)
                    );
                }
            }
        }
        let wrong = vec![8u8; alg.key_len()];
        let ct = content_encrypt(alg, &key, &iv, b"<a/>").unwrap();
        if !alg.is_cbc() {
            assert_eq!(
                content_decrypt(alg, &wrong, &ct),
                Err(XencError::DecryptionFailed)
            );
        }
        // Truncated and empty inputs, wrong key length.
        assert_eq!(
            content_decrypt(alg, &key, &ct[..5]),
            Err(XencError::DecryptionFailed)
        );
        assert_eq!(
            content_decrypt(alg, &key, &[]),
            Err(XencError::DecryptionFailed)
        );
        assert_eq!(
            content_decrypt(alg, &key[..5], &ct),
            Err(XencError::DecryptionFailed)
        );
    }
}

#[test]
fn cbc_padding_rules() {
    let key = [1u8; 16];
    let iv = [2u8; 16];
    let dec_block = |last: u8| {
        // Build a one-block plaintext whose last byte is `last`, encrypt it raw (pad = 16
        // full block appended by content_encrypt is stripped first), then check decryption.
        let mut pt = [0xAAu8; 16];
        pt[15] = last;
        let ct = content_encrypt(DataEncryption::Aes128Cbc, &key, &iv, &pt).unwrap();
        // Drop the trailing full padding block so `pt` itself is the last block.
        content_decrypt(DataEncryption::Aes128Cbc, &key, &ct[..32])
    };
    assert_eq!(dec_block(0), Err(XencError::DecryptionFailed));
    assert_eq!(dec_block(17), Err(XencError::DecryptionFailed));
    // Arbitrary pad bytes are fine: only the last byte counts.
    assert_eq!(dec_block(3).unwrap(), vec![0xAA; 13]);
    assert_eq!(dec_block(16).unwrap(), Vec::<u8>::new());
}
