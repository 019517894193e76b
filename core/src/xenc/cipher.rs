//! The cryptographic operations: AES-GCM / AES-CBC content encryption in XML Enc's wire formats
//! and RSA-OAEP key transport. Every decryption failure here is [`XencError::DecryptionFailed`].

use aes_gcm::aead::{Aead, KeyInit, Nonce};
use cbc::cipher::{Block, BlockModeDecrypt, BlockModeEncrypt, BlockSizeUser, KeyIvInit};
use rsa::oaep::Oaep;
use sha2::digest::{Digest, FixedOutputReset};

use super::rng::SeedStream;
use super::{DataEncryption, KeyTransport, OaepDigest, XencError};

/// GCM authentication tag length (XML Enc 1.1 §5.2.4: 128 bits).
const GCM_TAG: usize = 16;
const AES_BLOCK: usize = 16;

/// Decrypts `IV ‖ ciphertext (‖ tag)`.
pub(crate) fn content_decrypt(
    alg: DataEncryption,
    key: &[u8],
    data: &[u8],
) -> Result<Vec<u8>, XencError> {
    let out = match alg {
        DataEncryption::Aes128Gcm => gcm_decrypt::<aes_gcm::Aes128Gcm>(key, data),
        DataEncryption::Aes256Gcm => gcm_decrypt::<aes_gcm::Aes256Gcm>(key, data),
        DataEncryption::Aes128Cbc => cbc_decrypt::<cbc::Decryptor<aes::Aes128>>(key, data),
        DataEncryption::Aes256Cbc => cbc_decrypt::<cbc::Decryptor<aes::Aes256>>(key, data),
    };
    out.ok_or(XencError::DecryptionFailed)
}

/// Encrypts to `IV ‖ ciphertext (‖ tag)`; `iv` must have [`DataEncryption::iv_len`] bytes.
pub(crate) fn content_encrypt(
    alg: DataEncryption,
    key: &[u8],
    iv: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, XencError> {
    let out = match alg {
        DataEncryption::Aes128Gcm => gcm_encrypt::<aes_gcm::Aes128Gcm>(key, iv, plaintext),
        DataEncryption::Aes256Gcm => gcm_encrypt::<aes_gcm::Aes256Gcm>(key, iv, plaintext),
        DataEncryption::Aes128Cbc => cbc_encrypt::<cbc::Encryptor<aes::Aes128>>(key, iv, plaintext),
        DataEncryption::Aes256Cbc => cbc_encrypt::<cbc::Encryptor<aes::Aes256>>(key, iv, plaintext),
    };
    out.ok_or_else(|| XencError::EncryptionFailed(format!("{alg:?} rejected key or IV")))
}

fn gcm_decrypt<C: KeyInit + Aead>(key: &[u8], data: &[u8]) -> Option<Vec<u8>> {
    const IV: usize = 12;
    if data.len() < IV + GCM_TAG {
        return None;
    }
    let (iv, ct) = data.split_at(IV);
    let cipher = C::new_from_slice(key).ok()?;
    let nonce = Nonce::<C>::try_from(iv).ok()?;
    cipher.decrypt(&nonce, ct).ok()
}

fn gcm_encrypt<C: KeyInit + Aead>(key: &[u8], iv: &[u8], plaintext: &[u8]) -> Option<Vec<u8>> {
    let cipher = C::new_from_slice(key).ok()?;
    let nonce = Nonce::<C>::try_from(iv).ok()?;
    let ct = cipher.encrypt(&nonce, plaintext).ok()?;
    let mut out = Vec::with_capacity(iv.len() + ct.len());
    out.extend_from_slice(iv);
    out.extend_from_slice(&ct);
    Some(out)
}

/// CBC with XML Enc padding (XML Enc 1.0 §5.2): the last byte is the pad length (1..=16); the
/// other pad bytes are arbitrary and not checked. Any failure is `None` — the caller maps it to
/// the one uniform error (the padding oracle is exactly what must not leak).
fn cbc_decrypt<C: KeyIvInit + BlockModeDecrypt>(key: &[u8], data: &[u8]) -> Option<Vec<u8>> {
    let bs = <C as BlockSizeUser>::block_size();
    if bs != AES_BLOCK || data.len() < 2 * bs || !data.len().is_multiple_of(bs) {
        return None;
    }
    let (iv, ct) = data.split_at(bs);
    let mut dec = C::new_from_slices(key, iv).ok()?;
    let mut buf = ct.to_vec();
    for chunk in buf.chunks_exact_mut(bs) {
        let block: &mut Block<C> = chunk.try_into().ok()?;
        dec.decrypt_block(block);
    }
    let pad = usize::from(*buf.last()?);
    if pad == 0 || pad > bs {
        return None;
    }
    buf.truncate(buf.len() - pad);
    Some(buf)
}

fn cbc_encrypt<C: KeyIvInit + BlockModeEncrypt>(
    key: &[u8],
    iv: &[u8],
    plaintext: &[u8],
) -> Option<Vec<u8>> {
    let bs = <C as BlockSizeUser>::block_size();
    let mut enc = C::new_from_slices(key, iv).ok()?;
    // PKCS#7-style bytes satisfy XML Enc's rule (only the last byte counts) and any stricter
    // decryptor as well.
    let pad = bs - plaintext.len() % bs;
    let mut buf = Vec::with_capacity(iv.len() + plaintext.len() + pad);
    buf.extend_from_slice(iv);
    buf.extend_from_slice(plaintext);
    buf.resize(iv.len() + plaintext.len() + pad, u8::try_from(pad).ok()?);
    for chunk in buf[iv.len()..].chunks_exact_mut(bs) {
        let block: &mut Block<C> = chunk.try_into().ok()?;
        enc.encrypt_block(block);
    }
    Some(buf)
}

fn scheme<D, M>(label: Option<Box<[u8]>>) -> Oaep<D, M>
where
    D: Digest + FixedOutputReset,
    M: Digest + FixedOutputReset,
{
    Oaep {
        digest: D::new(),
        mgf_digest: M::new(),
        label,
    }
}

/// Expands `$body` with `$p` bound to the `Oaep<D, M>` for the transport's two hashes.
macro_rules! with_oaep {
    ($transport:expr, $label:expr, |$p:ident| $body:expr) => {{
        use OaepDigest::{Sha1 as S1, Sha256 as S256, Sha384 as S384, Sha512 as S512};
        use sha1::Sha1;
        use sha2::{Sha256, Sha384, Sha512};
        let t: KeyTransport = $transport;
        let label: Option<Box<[u8]>> = $label;
        match (t.digest(), t.mgf()) {
            (S1, S1) => {
                let $p = scheme::<Sha1, Sha1>(label);
                $body
            }
            (S1, S256) => {
                let $p = scheme::<Sha1, Sha256>(label);
                $body
            }
            (S1, S384) => {
                let $p = scheme::<Sha1, Sha384>(label);
                $body
            }
            (S1, S512) => {
                let $p = scheme::<Sha1, Sha512>(label);
                $body
            }
            (S256, S1) => {
                let $p = scheme::<Sha256, Sha1>(label);
                $body
            }
            (S256, S256) => {
                let $p = scheme::<Sha256, Sha256>(label);
                $body
            }
            (S256, S384) => {
                let $p = scheme::<Sha256, Sha384>(label);
                $body
            }
            (S256, S512) => {
                let $p = scheme::<Sha256, Sha512>(label);
                $body
            }
            (S384, S1) => {
                let $p = scheme::<Sha384, Sha1>(label);
                $body
            }
            (S384, S256) => {
                let $p = scheme::<Sha384, Sha256>(label);
                $body
            }
            (S384, S384) => {
                let $p = scheme::<Sha384, Sha384>(label);
                $body
            }
            (S384, S512) => {
                let $p = scheme::<Sha384, Sha512>(label);
                $body
            }
            (S512, S1) => {
                let $p = scheme::<Sha512, Sha1>(label);
                $body
            }
            (S512, S256) => {
                let $p = scheme::<Sha512, Sha256>(label);
                $body
            }
            (S512, S384) => {
                let $p = scheme::<Sha512, Sha384>(label);
                $body
            }
            (S512, S512) => {
                let $p = scheme::<Sha512, Sha512>(label);
                $body
            }
        }
    }};
}

/// Unwraps the content key. RSA is blinded with `blinding` (derived, not random: see `rng`).
pub(crate) fn oaep_decrypt(
    key: &rsa::PrivateKey,
    transport: KeyTransport,
    label: Option<Box<[u8]>>,
    blinding: &mut SeedStream,
    ciphertext: &[u8],
) -> Result<Vec<u8>, XencError> {
    with_oaep!(transport, label, |p| key
        .decrypt_blinded(blinding, p, ciphertext))
    .map_err(|_| XencError::DecryptionFailed)
}

pub(crate) fn oaep_encrypt(
    key: &rsa::PublicKey,
    transport: KeyTransport,
    rng: &mut SeedStream,
    msg: &[u8],
) -> Result<Vec<u8>, XencError> {
    with_oaep!(transport, None, |p| key.encrypt(rng, p, msg))
        .map_err(|e| XencError::EncryptionFailed(format!("RSA-OAEP: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
