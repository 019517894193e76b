//! Public-key operations behind one typed interface, so the verification logic never touches a
//! crypto library directly and the RSA implementation can differ per target without the logic
//! changing.
//!
//! One RSA verifier per target: aws-lc natively (OpenSSL's x86-64 assembly, the key parsed once
//! per certificate and signature algorithm), and in wasm32, where no native library runs, the
//! page's own public operation ([`page_rsa`]). The page's verifier is compiled natively for the
//! tests too, where a differential test holds it to aws-lc signature by signature.

#[cfg(any(target_arch = "wasm32", test))]
mod page_rsa;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod page_rsa_vs_aws_lc;

use crate::algorithm::SignatureAlgorithm;

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

/// The prepared key is built on first use: its set-up costs more than parsing the certificate,
/// and KeyInfo certificates are parsed only to be compared and shown.
#[derive(Debug, Clone)]
struct RsaKey {
    /// PKCS#1 `RSAPublicKey` DER (the SPKI's BIT STRING), the form aws-lc takes.
    #[cfg(not(target_arch = "wasm32"))]
    pkcs1: Vec<u8>,
    /// Big-endian modulus and exponent, for the page's verifier.
    #[cfg(target_arch = "wasm32")]
    modulus: Vec<u8>,
    #[cfg(target_arch = "wasm32")]
    exponent: Vec<u8>,
    #[cfg(target_arch = "wasm32")]
    prepared: std::sync::OnceLock<Result<page_rsa::RsaPublic, &'static str>>,
    /// aws-lc binds a parsed key to one signature algorithm: one slot per algorithm.
    #[cfg(not(target_arch = "wasm32"))]
    aws_lc: [std::sync::OnceLock<Result<aws_lc_rs::signature::ParsedPublicKey, String>>; 4],
}

impl RsaKey {
    #[cfg(not(target_arch = "wasm32"))]
    fn new(pkcs1: &[u8], _: &x509_parser::public_key::RSAPublicKey<'_>) -> Self {
        Self {
            pkcs1: pkcs1.to_vec(),
            aws_lc: Default::default(),
        }
    }

    #[cfg(target_arch = "wasm32")]
    fn new(_: &[u8], k: &x509_parser::public_key::RSAPublicKey<'_>) -> Self {
        Self {
            modulus: k.modulus.to_vec(),
            exponent: k.exponent.to_vec(),
            prepared: std::sync::OnceLock::new(),
        }
    }

    /// aws-lc, the key parsed once per signature algorithm and cached with the certificate.
    #[cfg(not(target_arch = "wasm32"))]
    fn verify(
        &self,
        algorithm: SignatureAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoError> {
        use aws_lc_rs::signature as als;
        // aws-lc's floor is 1024 bits (2048 for SHA-384); samlscope's own minimum (policy) is
        // checked before any verification.
        let (slot, params): (usize, &'static als::RsaParameters) = match algorithm {
            SignatureAlgorithm::RsaSha1 => (0, &als::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY),
            SignatureAlgorithm::RsaSha256 => {
                (1, &als::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY)
            }
            SignatureAlgorithm::RsaSha384 => (2, &als::RSA_PKCS1_2048_8192_SHA384),
            SignatureAlgorithm::RsaSha512 => {
                (3, &als::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY)
            }
        };
        let parsed = self.aws_lc[slot]
            .get_or_init(|| {
                als::ParsedPublicKey::new(params, &self.pkcs1).map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|why| CryptoError::UnusableKey(why.clone()))?;
        parsed
            .verify_sig(message, signature)
            .map_err(|_| CryptoError::BadSignature)
    }

    /// The page's verifier, its prepared key built on first use and cached with the certificate
    /// (its R² costs thousands of modular doublings).
    #[cfg(target_arch = "wasm32")]
    fn verify(
        &self,
        algorithm: SignatureAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoError> {
        let prepared = self
            .prepared
            .get_or_init(|| {
                page_rsa::RsaPublic::new(&self.modulus, &self.exponent).map_err(|e| match e {
                    page_rsa::RsaPublicError::Key(why) => why,
                    page_rsa::RsaPublicError::Bad => "unusable key",
                })
            })
            .as_ref()
            .map_err(|why| CryptoError::UnusableKey((*why).to_owned()))?;
        let hashed = algorithm.hash().digest(message);
        prepared
            .verify_digest(algorithm.hash(), &hashed, signature)
            .map_err(|e| match e {
                page_rsa::RsaPublicError::Key(why) => CryptoError::UnusableKey(why.to_owned()),
                page_rsa::RsaPublicError::Bad => CryptoError::BadSignature,
            })
    }
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
}

impl PublicKey {
    /// From a SubjectPublicKeyInfo (DER).
    pub fn from_spki_der(spki: &[u8]) -> Result<Self, String> {
        use x509_parser::prelude::FromDer as _;
        let (_, parsed) =
            x509_parser::x509::SubjectPublicKeyInfo::from_der(spki).map_err(|e| e.to_string())?;
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
            x509_parser::public_key::PublicKey::RSA(ref k) => {
                KeyKind::Rsa(Box::new(RsaKey::new(&parsed.subject_public_key.data, k)))
            }
            _ => KeyKind::Other(key_type),
        };
        Ok(Self { kind, bits })
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
        algorithm: SignatureAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoError> {
        let key = match &self.kind {
            KeyKind::Rsa(key) => key,
            KeyKind::Other(t) => return Err(CryptoError::KeyTypeMismatch(*t)),
        };
        key.verify(algorithm, message, signature)
    }
}
