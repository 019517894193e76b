//! The cryptographic operations of decryption: AES-GCM / AES-CBC content decryption in XML Enc's
//! wire formats and RSA-OAEP key transport. Every decryption failure here is [`XencError::DecryptionFailed`].

use aes_gcm::aead::{Aead, KeyInit, Nonce};
use cbc::cipher::{Block, BlockModeDecrypt, BlockSizeUser, KeyIvInit};
use rsa::oaep::Oaep;
use sha2::digest::{Digest, FixedOutputReset};

use super::rng::SeedStream;
use super::{DataEncryption, KeyTransport, OaepDigest, XencError};

/// GCM authentication tag length (XML Enc 1.1 §5.2.4: 128 bits).
const GCM_TAG: usize = 16;
const AES_BLOCK: usize = 16;

/// Decrypts `IV ‖ ciphertext (‖ tag)` (the `CipherValue` of `EncryptedData`); every failure is
/// the one [`XencError::DecryptionFailed`].
pub fn content_decrypt(alg: DataEncryption, key: &[u8], data: &[u8]) -> Result<Vec<u8>, XencError> {
    let out = match alg {
        DataEncryption::Aes128Gcm => gcm_decrypt::<aes_gcm::Aes128Gcm>(key, data),
        DataEncryption::Aes256Gcm => gcm_decrypt::<aes_gcm::Aes256Gcm>(key, data),
        DataEncryption::Aes128Cbc => cbc_decrypt::<cbc::Decryptor<aes::Aes128>>(key, data),
        DataEncryption::Aes256Cbc => cbc_decrypt::<cbc::Decryptor<aes::Aes256>>(key, data),
    };
    out.ok_or(XencError::DecryptionFailed)
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
