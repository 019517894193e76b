//! The XML-DSig algorithm identifiers (SignatureMethod, DigestMethod, CanonicalizationMethod,
//! Transform) as allow-lists of enums, below both the keys that use them and the signature
//! syntax that names them. An URI that is not on a list is a typed rejection, never a
//! fallthrough: HMAC (key confusion, GHSA-c27r-x354-4m68), DSA, MD5, XSLT and XPath transforms are
//! recognized only to say precisely why they are refused.

use std::fmt;

/// Why an algorithm URI was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AlgorithmError {
    #[error("{role} {uri:?} is refused: {reason}")]
    Refused {
        role: AlgorithmRole,
        uri: String,
        reason: &'static str,
    },
    #[error("{role} {uri:?} is not supported")]
    Unknown { role: AlgorithmRole, uri: String },
}

/// Where in SignedInfo an algorithm URI appeared (for messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum AlgorithmRole {
    SignatureMethod,
    DigestMethod,
    CanonicalizationMethod,
    Transform,
}

impl fmt::Display for AlgorithmRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::SignatureMethod => "SignatureMethod",
            Self::DigestMethod => "DigestMethod",
            Self::CanonicalizationMethod => "CanonicalizationMethod",
            Self::Transform => "Transform",
        })
    }
}

fn refused(role: AlgorithmRole, uri: &str, reason: &'static str) -> AlgorithmError {
    AlgorithmError::Refused {
        role,
        uri: uri.to_owned(),
        reason,
    }
}

/// Digest algorithms of `ds:DigestMethod`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum DigestAlgorithm {
    /// Accepted only when the policy allows SHA-1, and then reported as weak.
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl DigestAlgorithm {
    pub const SHA1_URI: &'static str = "http://www.w3.org/2000/09/xmldsig#sha1";
    pub const SHA256_URI: &'static str = "http://www.w3.org/2001/04/xmlenc#sha256";
    pub const SHA384_URI: &'static str = "http://www.w3.org/2001/04/xmldsig-more#sha384";
    pub const SHA512_URI: &'static str = "http://www.w3.org/2001/04/xmlenc#sha512";

    pub fn from_uri(uri: &str) -> Result<Self, AlgorithmError> {
        let role = AlgorithmRole::DigestMethod;
        match uri {
            Self::SHA1_URI => Ok(Self::Sha1),
            Self::SHA256_URI => Ok(Self::Sha256),
            Self::SHA384_URI => Ok(Self::Sha384),
            Self::SHA512_URI => Ok(Self::Sha512),
            "http://www.w3.org/2001/04/xmldsig-more#md5" => {
                Err(refused(role, uri, "MD5 is broken"))
            }
            _ => Err(AlgorithmError::Unknown {
                role,
                uri: uri.to_owned(),
            }),
        }
    }

    pub fn as_uri(self) -> &'static str {
        match self {
            Self::Sha1 => Self::SHA1_URI,
            Self::Sha256 => Self::SHA256_URI,
            Self::Sha384 => Self::SHA384_URI,
            Self::Sha512 => Self::SHA512_URI,
        }
    }

    pub fn is_weak(self) -> bool {
        self == Self::Sha1
    }

    /// Hashes `data` (one place, so verify and sign cannot disagree).
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        use sha2::Digest as _;
        match self {
            Self::Sha1 => sha1::Sha1::digest(data).to_vec(),
            Self::Sha256 => sha2::Sha256::digest(data).to_vec(),
            Self::Sha384 => sha2::Sha384::digest(data).to_vec(),
            Self::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }

    /// An incremental hasher that canonical bytes can be written into (see
    /// [`crate::c14n::canonicalize_into`]).
    pub fn hasher(self) -> Hasher {
        use sha2::Digest as _;
        Hasher {
            state: match self {
                Self::Sha1 => HashState::Sha1(sha1::Sha1::new()),
                Self::Sha256 => HashState::Sha256(sha2::Sha256::new()),
                Self::Sha384 => HashState::Sha384(sha2::Sha384::new()),
                Self::Sha512 => HashState::Sha512(sha2::Sha512::new()),
            },
            buf: [0; Hasher::BUF],
            len: 0,
        }
    }

    pub fn output_len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }
}

enum HashState {
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl HashState {
    fn update(&mut self, data: &[u8]) {
        use sha2::Digest as _;
        match self {
            Self::Sha1(h) => h.update(data),
            Self::Sha256(h) => h.update(data),
            Self::Sha384(h) => h.update(data),
            Self::Sha512(h) => h.update(data),
        }
    }
}

/// A digest being computed. Canonicalization writes many tiny pieces (`<`, a name, `="`…), so
/// they are gathered into a small buffer and hashed in blocks.
///
/// The buffer is inline, not on the heap: an allocation of a kilobyte or more makes glibc's
/// malloc consolidate its free lists, which showed in profiles.
pub struct Hasher {
    state: HashState,
    buf: [u8; Hasher::BUF],
    len: usize,
}

impl Hasher {
    const BUF: usize = 512;

    pub fn finish(mut self) -> Vec<u8> {
        use sha2::Digest as _;
        self.state.update(self.buf.get(..self.len).unwrap_or(&[]));
        match self.state {
            HashState::Sha1(h) => h.finalize().to_vec(),
            HashState::Sha256(h) => h.finalize().to_vec(),
            HashState::Sha384(h) => h.finalize().to_vec(),
            HashState::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

impl crate::c14n::Output for Hasher {
    // Inlined so the fixed pieces canonicalization writes (`<`, `="`, `</`…) are copied with
    // constant-size moves instead of a `memcpy` call each.
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        if let Some(dst) = self.buf.get_mut(self.len..end) {
            copy_short(dst, bytes);
            self.len = end;
            return;
        }
        self.flush_and_put(bytes);
    }
}

/// `dst.copy_from_slice(src)` (equal lengths). Most pieces canonicalization writes are names,
/// prefixes and short values of at most 32 bytes; a variable-length `copy_from_slice` is a
/// `memcpy` call each (hundreds per message, which showed in profiles), where two
/// fixed-size copies that overlap in the middle cover any length from `n` to `2n`.
/// The page's wasm copies with `copy_from_slice` (a `memory.copy`, no call into a libc): there
/// the inlined cases only grew the bundle.
#[inline]
fn copy_short(dst: &mut [u8], src: &[u8]) {
    if cfg!(target_arch = "wasm32") {
        dst.copy_from_slice(src);
        return;
    }
    fn two<const N: usize>(dst: &mut [u8], src: &[u8]) {
        let len = src.len();
        if let (Some(d), Some(s)) = (dst.get_mut(..N), src.get(..N)) {
            d.copy_from_slice(s);
        }
        let tail = len.saturating_sub(N);
        if let (Some(d), Some(s)) = (dst.get_mut(tail..len), src.get(tail..len))
            && d.len() == N
        {
            d.copy_from_slice(s);
        }
    }
    match src.len() {
        0 => {}
        1..4 => {
            let last = src.len() - 1;
            if let (Some(d), Some(s)) = (dst.get_mut(..=last), src.get(..=last)) {
                d[0] = s[0];
                d[last / 2] = s[last / 2];
                d[last] = s[last];
            }
        }
        4..8 => two::<4>(dst, src),
        8..16 => two::<8>(dst, src),
        16..=32 => two::<16>(dst, src),
        _ => dst.copy_from_slice(src),
    }
}

impl Hasher {
    /// The slow half of `put`: the buffer is full.
    #[inline(never)]
    fn flush_and_put(&mut self, bytes: &[u8]) {
        self.state.update(self.buf.get(..self.len).unwrap_or(&[]));
        self.len = 0;
        if let Some(dst) = self.buf.get_mut(..bytes.len()) {
            dst.copy_from_slice(bytes);
            self.len = bytes.len();
        } else {
            self.state.update(bytes);
        }
    }
}

impl DigestAlgorithm {
    /// The name reports show (`SHA-256`): what `Display` writes.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA-1",
            Self::Sha256 => "SHA-256",
            Self::Sha384 => "SHA-384",
            Self::Sha512 => "SHA-512",
        }
    }
}

impl fmt::Display for DigestAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Signature algorithms of `ds:SignatureMethod`. Only public-key methods: a symmetric method
/// with the IdP's public key as the "secret" is the classic key-confusion forgery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum SignatureAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-1: only with the SHA-1 policy, reported as weak.
    RsaSha1,
    RsaSha256,
    RsaSha384,
    RsaSha512,
}

impl SignatureAlgorithm {
    pub const RSA_SHA1_URI: &'static str = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
    pub const RSA_SHA256_URI: &'static str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    pub const RSA_SHA384_URI: &'static str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384";
    pub const RSA_SHA512_URI: &'static str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512";

    pub fn from_uri(uri: &str) -> Result<Self, AlgorithmError> {
        let role = AlgorithmRole::SignatureMethod;
        match uri {
            Self::RSA_SHA1_URI => Ok(Self::RsaSha1),
            Self::RSA_SHA256_URI => Ok(Self::RsaSha256),
            Self::RSA_SHA384_URI => Ok(Self::RsaSha384),
            Self::RSA_SHA512_URI => Ok(Self::RsaSha512),
            u if u.contains("hmac") => Err(refused(
                role,
                uri,
                "HMAC is a symmetric method; with a public key as secret anyone can forge it",
            )),
            u if u.contains("dsa-") && !u.contains("ecdsa") => {
                Err(refused(role, uri, "DSA signatures are not accepted"))
            }
            u if u.contains("md5") => Err(refused(role, uri, "MD5 is broken")),
            _ => Err(AlgorithmError::Unknown {
                role,
                uri: uri.to_owned(),
            }),
        }
    }

    pub fn as_uri(self) -> &'static str {
        match self {
            Self::RsaSha1 => Self::RSA_SHA1_URI,
            Self::RsaSha256 => Self::RSA_SHA256_URI,
            Self::RsaSha384 => Self::RSA_SHA384_URI,
            Self::RsaSha512 => Self::RSA_SHA512_URI,
        }
    }

    /// The hash the signature is computed over.
    pub fn hash(self) -> DigestAlgorithm {
        match self {
            Self::RsaSha1 => DigestAlgorithm::Sha1,
            Self::RsaSha256 => DigestAlgorithm::Sha256,
            Self::RsaSha384 => DigestAlgorithm::Sha384,
            Self::RsaSha512 => DigestAlgorithm::Sha512,
        }
    }

    pub fn is_weak(self) -> bool {
        self.hash().is_weak()
    }
}

impl SignatureAlgorithm {
    /// The name reports show (`RSA-SHA-256`: RSA over [`DigestAlgorithm::name`]): what
    /// `Display` writes, as a constant so that a report's messages need no formatting for it.
    pub fn name(self) -> &'static str {
        match self {
            Self::RsaSha1 => "RSA-SHA-1",
            Self::RsaSha256 => "RSA-SHA-256",
            Self::RsaSha384 => "RSA-SHA-384",
            Self::RsaSha512 => "RSA-SHA-512",
        }
    }
}

impl fmt::Display for SignatureAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Canonicalization of SignedInfo and the reference transform. SAML core §5.4.3 says exclusive
/// C14N SHOULD be used, not must: inclusive C14N 1.0 and 1.1 are valid signatures that some IdPs
/// produce, so they are verified and reported as a warning, never refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Canonicalization {
    Exclusive,
    ExclusiveWithComments,
    /// Canonical XML 1.0: reported as a warning.
    Inclusive,
    InclusiveWithComments,
    /// Canonical XML 1.1: reported as a warning.
    Inclusive11,
    Inclusive11WithComments,
}

impl Canonicalization {
    pub const EXC_URI: &'static str = "http://www.w3.org/2001/10/xml-exc-c14n#";
    pub const EXC_WITH_COMMENTS_URI: &'static str =
        "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";
    pub const C14N10_URI: &'static str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
    pub const C14N10_WITH_COMMENTS_URI: &'static str =
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
    pub const C14N11_URI: &'static str = "http://www.w3.org/2006/12/xml-c14n11";
    pub const C14N11_WITH_COMMENTS_URI: &'static str =
        "http://www.w3.org/2006/12/xml-c14n11#WithComments";

    pub const ALL: [Self; 6] = [
        Self::Exclusive,
        Self::ExclusiveWithComments,
        Self::Inclusive,
        Self::InclusiveWithComments,
        Self::Inclusive11,
        Self::Inclusive11WithComments,
    ];

    pub fn from_uri(uri: &str, role: AlgorithmRole) -> Result<Self, AlgorithmError> {
        match uri {
            Self::EXC_URI => Ok(Self::Exclusive),
            Self::EXC_WITH_COMMENTS_URI => Ok(Self::ExclusiveWithComments),
            Self::C14N10_URI => Ok(Self::Inclusive),
            Self::C14N10_WITH_COMMENTS_URI => Ok(Self::InclusiveWithComments),
            Self::C14N11_URI => Ok(Self::Inclusive11),
            Self::C14N11_WITH_COMMENTS_URI => Ok(Self::Inclusive11WithComments),
            "http://www.w3.org/2010/xml-c14n2" => Err(refused(
                role,
                uri,
                "Canonical XML 2.0 is not part of XML Signature 1.x and is not implemented",
            )),
            _ => Err(AlgorithmError::Unknown {
                role,
                uri: uri.to_owned(),
            }),
        }
    }

    pub fn as_uri(self) -> &'static str {
        match self {
            Self::Exclusive => Self::EXC_URI,
            Self::ExclusiveWithComments => Self::EXC_WITH_COMMENTS_URI,
            Self::Inclusive => Self::C14N10_URI,
            Self::InclusiveWithComments => Self::C14N10_WITH_COMMENTS_URI,
            Self::Inclusive11 => Self::C14N11_URI,
            Self::Inclusive11WithComments => Self::C14N11_WITH_COMMENTS_URI,
        }
    }

    pub fn with_comments(self) -> bool {
        matches!(
            self,
            Self::ExclusiveWithComments
                | Self::InclusiveWithComments
                | Self::Inclusive11WithComments
        )
    }

    /// The canonicalizer that computes it.
    pub fn method(self) -> crate::c14n::Method {
        use crate::c14n::Method;
        match self {
            Self::Exclusive | Self::ExclusiveWithComments => Method::Exclusive,
            Self::Inclusive | Self::InclusiveWithComments => Method::Inclusive10,
            Self::Inclusive11 | Self::Inclusive11WithComments => Method::Inclusive11,
        }
    }

    /// Not exclusive C14N, which SAML core §5.4.3 says SHOULD be used: reported as a warning.
    pub fn is_inclusive(self) -> bool {
        self.method() != crate::c14n::Method::Exclusive
    }

    /// The name reports show.
    pub fn name(self) -> &'static str {
        match self {
            Self::Exclusive => "exclusive C14N",
            Self::ExclusiveWithComments => "exclusive C14N with comments",
            Self::Inclusive => "inclusive C14N 1.0",
            Self::InclusiveWithComments => "inclusive C14N 1.0 with comments",
            Self::Inclusive11 => "inclusive C14N 1.1",
            Self::Inclusive11WithComments => "inclusive C14N 1.1 with comments",
        }
    }
}

impl fmt::Display for Canonicalization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The transforms of a SAML Reference: enveloped-signature, then a canonicalization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Transform {
    EnvelopedSignature,
    C14n(Canonicalization),
}

impl Transform {
    pub const ENVELOPED_URI: &'static str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

    pub fn from_uri(uri: &str) -> Result<Self, AlgorithmError> {
        let role = AlgorithmRole::Transform;
        match uri {
            Self::ENVELOPED_URI => Ok(Self::EnvelopedSignature),
            "http://www.w3.org/TR/1999/REC-xslt-19991116" => Err(refused(
                role,
                uri,
                "XSLT transforms run attacker-supplied programs",
            )),
            "http://www.w3.org/TR/1999/REC-xpath-19991116"
            | "http://www.w3.org/2002/06/xmldsig-filter2" => Err(refused(
                role,
                uri,
                "XPath transforms let the signer choose what is covered",
            )),
            "http://www.w3.org/2000/09/xmldsig#base64" => Err(refused(
                role,
                uri,
                "the base64 transform is not part of the SAML profile",
            )),
            other => Canonicalization::from_uri(other, role).map(Self::C14n),
        }
    }

    pub fn as_uri(self) -> &'static str {
        match self {
            Self::EnvelopedSignature => Self::ENVELOPED_URI,
            Self::C14n(c) => c.as_uri(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_names_are_rsa_over_the_digest_name() {
        for a in [
            SignatureAlgorithm::RsaSha1,
            SignatureAlgorithm::RsaSha256,
            SignatureAlgorithm::RsaSha384,
            SignatureAlgorithm::RsaSha512,
        ] {
            assert_eq!(a.to_string(), format!("RSA-{}", a.hash().name()));
        }
    }

    #[test]
    fn round_trips_every_allowed_uri() {
        for a in [
            SignatureAlgorithm::RsaSha1,
            SignatureAlgorithm::RsaSha256,
            SignatureAlgorithm::RsaSha384,
            SignatureAlgorithm::RsaSha512,
        ] {
            assert_eq!(SignatureAlgorithm::from_uri(a.as_uri()), Ok(a));
        }
        for d in [
            DigestAlgorithm::Sha1,
            DigestAlgorithm::Sha256,
            DigestAlgorithm::Sha384,
            DigestAlgorithm::Sha512,
        ] {
            assert_eq!(DigestAlgorithm::from_uri(d.as_uri()), Ok(d));
            assert_eq!(d.digest(b"abc").len(), d.output_len());
        }
        assert_eq!(
            Transform::from_uri(Transform::EnvelopedSignature.as_uri()),
            Ok(Transform::EnvelopedSignature)
        );
        for c in Canonicalization::ALL {
            assert_eq!(Transform::from_uri(c.as_uri()), Ok(Transform::C14n(c)));
            assert_eq!(
                Canonicalization::from_uri(c.as_uri(), AlgorithmRole::CanonicalizationMethod),
                Ok(c)
            );
            assert_eq!(c.is_inclusive(), !c.as_uri().contains("exc-c14n"));
        }
    }

    #[test]
    fn refuses_dangerous_uris_with_a_reason() {
        for uri in [
            "http://www.w3.org/2000/09/xmldsig#hmac-sha1",
            "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256",
            "http://www.w3.org/2000/09/xmldsig#dsa-sha1",
            "http://www.w3.org/2001/04/xmldsig-more#rsa-md5",
        ] {
            assert!(matches!(
                SignatureAlgorithm::from_uri(uri),
                Err(AlgorithmError::Refused { .. })
            ));
        }
        assert!(matches!(
            Transform::from_uri("http://www.w3.org/TR/1999/REC-xslt-19991116"),
            Err(AlgorithmError::Refused { .. })
        ));
        assert!(matches!(
            Transform::from_uri("http://www.w3.org/2010/xml-c14n2"),
            Err(AlgorithmError::Refused { .. })
        ));
        // Near misses of the inclusive URIs are not them.
        for uri in [
            "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#",
            "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#withcomments",
            "http://www.w3.org/2006/12/xml-c14n11#",
            "http://www.w3.org/2006/12/xml-c14n-11",
        ] {
            assert!(matches!(
                Transform::from_uri(uri),
                Err(AlgorithmError::Unknown { .. })
            ));
        }
        assert!(matches!(
            DigestAlgorithm::from_uri("http://example.com/sha256"),
            Err(AlgorithmError::Unknown { .. })
        ));
        // Case and whitespace variants are not the same URI.
        assert!(
            SignatureAlgorithm::from_uri(" http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
                .is_err()
        );
    }

    #[test]
    fn short_copies_copy_exactly_the_piece() {
        let src: Vec<u8> = (1..=40).collect();
        for len in 0..=40 {
            for at in [0, 1, 7] {
                let mut buf = [0u8; 64];
                let end = at + len;
                super::copy_short(&mut buf[at..end], &src[..len]);
                let mut want = [0u8; 64];
                want[at..end].copy_from_slice(&src[..len]);
                assert_eq!(buf, want, "length {len} at {at}");
            }
        }
    }

    #[test]
    fn a_digest_does_not_depend_on_how_the_bytes_are_cut() {
        use crate::c14n::Output as _;
        let data: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
        let want = DigestAlgorithm::Sha256.digest(&data);
        for piece in [1, 3, 5, 8, 13, 16, 31, 32, 33, 511, 512, 513, 4096] {
            let mut h = DigestAlgorithm::Sha256.hasher();
            data.chunks(piece).for_each(|c| h.put(c));
            assert_eq!(h.finish(), want, "pieces of {piece}");
        }
    }
}
