//! Public-key operations behind one typed interface, so the verification logic never touches a
//! crypto library directly and the backend can differ per target without the logic changing.
//!
//! Backends: samlscope's own RSA public operation (`rsa_public`) on 32-bit limbs (everywhere;
//! the page's default in wasm32, where it is several times faster than the alternatives) and on
//! 64-bit limbs (native only: faster than ring because the key's Montgomery constants are
//! computed once per certificate, where ring recomputes them on every call), the pure-Rust `rsa`
//! crate (everywhere), ring (native only) and aws-lc (native only, the native default: OpenSSL's
//! x86-64 assembly with the key parsed once per certificate, the fastest of them; see the
//! validate bench). All of them run the same test suites.

mod montgomery;
mod rsa_public;

use crate::algorithm::{DigestAlgorithm, SignatureAlgorithm};
use base64::Engine as _;
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _};

/// Byte comparison whose time does not depend on where the inputs differ (digest comparison:
/// SimpleSAMLphp 201809-01 shows what loose comparison does).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut diff = 0u8;
    for (x, y) in a.iter().zip(b) {
        diff |= x ^ y;
    }
    diff == 0
}

/// A public key from a certificate. Non-RSA keys are kept so they can be reported, but nothing
/// verifies with them.
#[derive(Debug, Clone)]
pub struct PublicKey {
    kind: KeyKind,
    bits: usize,
    /// PKCS#1 `RSAPublicKey` DER (the SPKI's BIT STRING), the form ring and aws-lc take.
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    rsa_pkcs1: Vec<u8>,
}

/// Which implementation verifies RSA signatures. The default is aws-lc natively and samlscope's
/// own public operation on 32-bit limbs in wasm32.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, Default)]
pub enum Backend {
    /// The pure-Rust `rsa` crate.
    RustCrypto,
    /// samlscope's own `s^e mod n` on 32-bit limbs (public values only): the page's backend.
    #[cfg_attr(target_arch = "wasm32", default)]
    Limbs32,
    /// ring.
    #[cfg(not(target_arch = "wasm32"))]
    Ring,
    /// The same public operation on 64-bit limbs with 128-bit products (wasm32 has no
    /// 64×64→128 multiply, so there it would be slower than `Limbs32`).
    #[cfg(not(target_arch = "wasm32"))]
    Limbs64,
    /// aws-lc (OpenSSL's assembly with mulx/adx): native builds' default.
    #[cfg(not(target_arch = "wasm32"))]
    #[default]
    AwsLc,
}

/// Every backend available on this target (tests run each of them).
pub fn backends() -> &'static [Backend] {
    #[cfg(not(target_arch = "wasm32"))]
    {
        &[
            Backend::AwsLc,
            Backend::Limbs64,
            Backend::RustCrypto,
            Backend::Ring,
            Backend::Limbs32,
        ]
    }
    #[cfg(target_arch = "wasm32")]
    {
        &[Backend::Limbs32, Backend::RustCrypto]
    }
}

#[derive(Debug, Clone)]
enum KeyKind {
    Rsa(Box<RsaKey>),
    Other(KeyType),
}

/// The kind of a certificate's public key, named as an admin reads it in a certificate viewer.
/// SAML signatures here are RSA (the SignatureMethods samlscope accepts are all `rsa-sha*`):
/// every other kind is named so that the report can say "not supported" rather than "signed
/// with another key".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    Rsa,
    /// An RSA key restricted to RSASSA-PSS (RFC 4055): the PKCS#1 v1.5 `rsa-sha*` methods
    /// SAML uses cannot use it.
    RsaPss,
    EcP256,
    EcP384,
    EcP521,
    /// An elliptic-curve key on a curve other than the NIST ones above.
    EcOther,
    Ed25519,
    Ed448,
    Dsa,
    /// An algorithm OID samlscope does not know.
    Unknown,
}

impl KeyType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rsa => "RSA",
            Self::RsaPss => "RSA-PSS",
            Self::EcP256 => "EC P-256",
            Self::EcP384 => "EC P-384",
            Self::EcP521 => "EC P-521",
            Self::EcOther => "EC (other curve)",
            Self::Ed25519 => "Ed25519",
            Self::Ed448 => "Ed448",
            Self::Dsa => "DSA",
            Self::Unknown => "unknown key type",
        }
    }

    /// From the SubjectPublicKeyInfo's algorithm OID and, for EC, its named-curve parameter
    /// (RFC 5480 §2.1.1; RFC 8410 §3 for the Edwards curves; RFC 3279 §2.3.2 for DSA).
    fn from_oids(algorithm: &str, curve: Option<&str>) -> Self {
        match (algorithm, curve) {
            ("1.2.840.113549.1.1.1", _) => Self::Rsa,
            ("1.2.840.113549.1.1.10", _) => Self::RsaPss,
            ("1.2.840.10045.2.1", Some("1.2.840.10045.3.1.7")) => Self::EcP256,
            ("1.2.840.10045.2.1", Some("1.3.132.0.34")) => Self::EcP384,
            ("1.2.840.10045.2.1", Some("1.3.132.0.35")) => Self::EcP521,
            ("1.2.840.10045.2.1", _) => Self::EcOther,
            ("1.3.101.112", _) => Self::Ed25519,
            ("1.3.101.113", _) => Self::Ed448,
            ("1.2.840.10040.4.1", _) => Self::Dsa,
            _ => Self::Unknown,
        }
    }

    /// The key size an admin compares, where the key encoding does not say it plainly.
    fn nominal_bits(self) -> Option<usize> {
        match self {
            Self::EcP256 | Self::Ed25519 => Some(256),
            Self::EcP384 => Some(384),
            Self::EcP521 => Some(521),
            Self::Ed448 => Some(448),
            _ => None,
        }
    }
}

/// Bits of a big-endian unsigned integer, leading zero bytes and bits left out.
fn bit_length(be: &[u8]) -> usize {
    let trimmed: &[u8] = match be.iter().position(|&b| b != 0) {
        Some(i) => be.get(i..).unwrap_or_default(),
        None => &[],
    };
    match trimmed.first() {
        Some(&top) => trimmed.len() * 8 - top.leading_zeros() as usize,
        None => 0,
    }
}

impl std::fmt::Display for KeyType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for KeyType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The prepared keys are built on first use: their Montgomery set-up costs more than parsing
/// the certificate, and KeyInfo certificates are parsed only to be compared and shown.
#[derive(Debug, Clone)]
struct RsaKey {
    spki: Vec<u8>,
    parsed: std::sync::OnceLock<Result<rsa::PublicKey, String>>,
    /// Big-endian modulus and exponent, for the own backends.
    modulus: Vec<u8>,
    exponent: Vec<u8>,
    limbs32: std::sync::OnceLock<Result<rsa_public::RsaPublic<u32>, &'static str>>,
    #[cfg(not(target_arch = "wasm32"))]
    limbs64: std::sync::OnceLock<Result<rsa_public::RsaPublic<u64>, &'static str>>,
    /// aws-lc binds a parsed key to one signature algorithm: one slot per algorithm.
    #[cfg(not(target_arch = "wasm32"))]
    aws_lc: [std::sync::OnceLock<Result<aws_lc_rs::signature::ParsedPublicKey, String>>; 4],
}

/// Why a signature did not verify. Deliberately coarse: the caller reports "does not verify
/// with any trusted key", and no error is ever read as success.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("signature does not verify")]
    BadSignature,
    #[error("the key is {0}, but the signature method needs RSA")]
    KeyTypeMismatch(KeyType),
    #[error("the RSA key is not usable: {0}")]
    UnusableKey(String),
    #[error("signing failed: {0}")]
    Signing(String),
    #[error("private key could not be read: {0}")]
    PrivateKey(String),
}

impl PublicKey {
    /// From a SubjectPublicKeyInfo (DER).
    pub fn from_spki_der(spki: &[u8]) -> Result<Self, String> {
        use x509_parser::prelude::FromDer as _;
        let (_, parsed) =
            x509_parser::x509::SubjectPublicKeyInfo::from_der(spki).map_err(|e| e.to_string())?;
        let rsa_pkcs1 = parsed.subject_public_key.data.to_vec();
        let pk = parsed.parsed().map_err(|e| e.to_string())?;
        let curve = parsed
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.as_oid().ok())
            .map(|o| o.to_id_string());
        let key_type =
            KeyType::from_oids(&parsed.algorithm.algorithm.to_id_string(), curve.as_deref());
        let bits = match key_type {
            // A DSA key's size is its prime p's (FIPS 186-4 §4.2), in the parameters; the
            // public value alone may be a byte shorter or carry a sign byte.
            KeyType::Dsa => parsed
                .algorithm
                .parameters
                .as_ref()
                .and_then(|params| {
                    x509_parser::der_parser::der::parse_der_integer(params.data).ok()
                })
                .and_then(|(_, p)| p.as_slice().ok().map(bit_length))
                .unwrap_or_else(|| pk.key_size()),
            t => t.nominal_bits().unwrap_or_else(|| pk.key_size()),
        };
        let kind = match pk {
            x509_parser::public_key::PublicKey::RSA(ref k) => KeyKind::Rsa(Box::new(RsaKey {
                spki: spki.to_vec(),
                parsed: std::sync::OnceLock::new(),
                modulus: k.modulus.to_vec(),
                exponent: k.exponent.to_vec(),
                limbs32: std::sync::OnceLock::new(),
                #[cfg(not(target_arch = "wasm32"))]
                limbs64: std::sync::OnceLock::new(),
                #[cfg(not(target_arch = "wasm32"))]
                aws_lc: Default::default(),
            })),
            _ => KeyKind::Other(key_type),
        };
        Ok(Self {
            kind,
            bits,
            rsa_pkcs1,
        })
    }

    pub fn key_type(&self) -> KeyType {
        match self.kind {
            KeyKind::Rsa(_) => KeyType::Rsa,
            KeyKind::Other(t) => t,
        }
    }

    /// Whether a SAML signature can be verified with this key here (RSA only).
    pub fn is_supported(&self) -> bool {
        matches!(self.kind, KeyKind::Rsa(_))
    }

    pub fn bits(&self) -> usize {
        self.bits
    }

    /// Verifies `signature` over `message` with `algorithm`. Every library error is a failure.
    pub fn verify(
        &self,
        backend: Backend,
        algorithm: SignatureAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoError> {
        let key = match &self.kind {
            KeyKind::Rsa(key) => key,
            KeyKind::Other(t) => return Err(CryptoError::KeyTypeMismatch(*t)),
        };
        match backend {
            Backend::Limbs32 => verify_own(&key.limbs32, key, algorithm, message, signature),
            #[cfg(not(target_arch = "wasm32"))]
            Backend::Limbs64 => verify_own(&key.limbs64, key, algorithm, message, signature),
            Backend::RustCrypto => {
                let key = key
                    .parsed
                    .get_or_init(|| {
                        rsa::PublicKey::from_public_key_der(&key.spki).map_err(|e| e.to_string())
                    })
                    .as_ref()
                    .map_err(|why| CryptoError::UnusableKey(why.clone()))?;
                let hashed = algorithm.hash().digest(message);
                key.verify(pkcs1v15_scheme(algorithm.hash()), &hashed, signature)
                    .map_err(|_| CryptoError::BadSignature)
            }
            #[cfg(not(target_arch = "wasm32"))]
            Backend::Ring => {
                use ring::signature as rs;
                // The 1024-bit floor is ring's; samlscope's own minimum (policy) is checked
                // before any backend is called.
                let params: &rs::RsaParameters = match algorithm {
                    SignatureAlgorithm::RsaSha1 => {
                        &rs::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY
                    }
                    SignatureAlgorithm::RsaSha256 => {
                        &rs::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY
                    }
                    SignatureAlgorithm::RsaSha384 => &rs::RSA_PKCS1_2048_8192_SHA384,
                    SignatureAlgorithm::RsaSha512 => {
                        &rs::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY
                    }
                };
                rs::UnparsedPublicKey::new(params, &self.rsa_pkcs1)
                    .verify(message, signature)
                    .map_err(|_| CryptoError::BadSignature)
            }
            #[cfg(not(target_arch = "wasm32"))]
            Backend::AwsLc => {
                use aws_lc_rs::signature as als;
                // The same parameter choice as ring's above: samlscope's minimum key size is
                // checked before any backend runs.
                let (slot, params): (usize, &'static als::RsaParameters) = match algorithm {
                    SignatureAlgorithm::RsaSha1 => {
                        (0, &als::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY)
                    }
                    SignatureAlgorithm::RsaSha256 => {
                        (1, &als::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY)
                    }
                    SignatureAlgorithm::RsaSha384 => (2, &als::RSA_PKCS1_2048_8192_SHA384),
                    SignatureAlgorithm::RsaSha512 => {
                        (3, &als::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY)
                    }
                };
                let parsed = key.aws_lc[slot]
                    .get_or_init(|| {
                        als::ParsedPublicKey::new(params, &self.rsa_pkcs1)
                            .map_err(|e| e.to_string())
                    })
                    .as_ref()
                    .map_err(|why| CryptoError::UnusableKey(why.clone()))?;
                parsed
                    .verify_sig(message, signature)
                    .map_err(|_| CryptoError::BadSignature)
            }
        }
    }
}

/// Verification with samlscope's own public operation, the prepared key built on first use
/// and cached with the certificate (its R² costs thousands of modular doublings).
fn verify_own<L: montgomery::Limb>(
    cache: &std::sync::OnceLock<Result<rsa_public::RsaPublic<L>, &'static str>>,
    rsa: &RsaKey,
    algorithm: SignatureAlgorithm,
    message: &[u8],
    signature: &[u8],
) -> Result<(), CryptoError> {
    let key = cache
        .get_or_init(|| {
            rsa_public::RsaPublic::new(&rsa.modulus, &rsa.exponent).map_err(|e| match e {
                rsa_public::RsaPublicError::Key(why) => why,
                rsa_public::RsaPublicError::Bad => "unusable key",
            })
        })
        .as_ref()
        .map_err(|why| CryptoError::UnusableKey((*why).to_owned()))?;
    let hashed = algorithm.hash().digest(message);
    key.verify_digest(algorithm.hash(), &hashed, signature)
        .map_err(|_| CryptoError::BadSignature)
}

fn pkcs1v15_scheme(hash: DigestAlgorithm) -> rsa::pkcs1v15::Pkcs1v15Sign {
    use rsa::pkcs1v15::Pkcs1v15Sign;
    match hash {
        DigestAlgorithm::Sha1 => Pkcs1v15Sign::new::<sha1::Sha1>(),
        DigestAlgorithm::Sha256 => Pkcs1v15Sign::new::<sha2::Sha256>(),
        DigestAlgorithm::Sha384 => Pkcs1v15Sign::new::<sha2::Sha384>(),
        DigestAlgorithm::Sha512 => Pkcs1v15Sign::new::<sha2::Sha512>(),
    }
}

/// An RSA private key for signing (the mock IdP, test generation).
#[derive(Debug, Clone)]
pub struct PrivateKey {
    key: rsa::PrivateKey,
}

impl PrivateKey {
    /// From PKCS#8 or PKCS#1 DER.
    pub fn from_der(der: &[u8]) -> Result<Self, CryptoError> {
        let key = rsa::PrivateKey::from_pkcs8_der(der)
            .or_else(|_| rsa::PrivateKey::from_pkcs1_der(der))
            .map_err(|e| CryptoError::PrivateKey(e.to_string()))?;
        Ok(Self { key })
    }

    /// From a `BEGIN PRIVATE KEY` (PKCS#8) or `BEGIN RSA PRIVATE KEY` (PKCS#1) PEM block.
    pub fn from_pem(pem: &str) -> Result<Self, CryptoError> {
        let body = pem_body(pem)
            .ok_or_else(|| CryptoError::PrivateKey("no PRIVATE KEY PEM block found".into()))?;
        let der = base64::engine::general_purpose::STANDARD
            .decode(body.as_bytes())
            .map_err(|e| CryptoError::PrivateKey(e.to_string()))?;
        Self::from_der(&der)
    }

    pub fn from_rsa(key: rsa::PrivateKey) -> Self {
        Self { key }
    }

    pub fn rsa(&self) -> &rsa::PrivateKey {
        &self.key
    }

    /// PKCS#1 v1.5 signature over `message`. Deterministic (no RNG in core).
    pub fn sign(
        &self,
        algorithm: SignatureAlgorithm,
        message: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let hashed = algorithm.hash().digest(message);
        self.key
            .sign(pkcs1v15_scheme(algorithm.hash()), &hashed)
            .map_err(|e| CryptoError::Signing(e.to_string()))
    }
}

/// The base64 body of the first `-----BEGIN … PRIVATE KEY-----` block, whitespace removed.
fn pem_body(pem: &str) -> Option<String> {
    let start = pem.find("-----BEGIN ")?;
    let after_begin = &pem[start..];
    let header_end = after_begin.find("-----\n").or_else(|| {
        after_begin
            .get(11..)
            .and_then(|s| s.find("-----"))
            .map(|i| i + 11)
    })?;
    let body_start = start + header_end + 5;
    let end = pem[body_start..].find("-----END ")? + body_start;
    let header = &pem[start..body_start];
    if !header.contains("PRIVATE KEY") {
        return None;
    }
    Some(
        pem[body_start..end]
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect(),
    )
}
