//! The algorithm allow-lists: one enum per role, one `from_uri`/`as_uri` pair each. An unknown
//! URI is a typed error, never a fallthrough to some default.

use super::XencError;

/// Content encryption of the assertion (`EncryptedData/EncryptionMethod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum DataEncryption {
    Aes128Gcm,
    Aes256Gcm,
    /// Only under [`super::XencRules::allow_cbc`], and then reported weak (padding oracle).
    Aes128Cbc,
    /// Only under [`super::XencRules::allow_cbc`], and then reported weak (padding oracle).
    Aes256Cbc,
}

impl DataEncryption {
    pub const ALL: [Self; 4] = [
        Self::Aes128Gcm,
        Self::Aes256Gcm,
        Self::Aes128Cbc,
        Self::Aes256Cbc,
    ];

    pub fn from_uri(uri: &str) -> Result<Self, XencError> {
        const ROLE: &str = "content encryption";
        match uri {
            "http://www.w3.org/2009/xmlenc11#aes128-gcm" => Ok(Self::Aes128Gcm),
            "http://www.w3.org/2009/xmlenc11#aes256-gcm" => Ok(Self::Aes256Gcm),
            "http://www.w3.org/2001/04/xmlenc#aes128-cbc" => Ok(Self::Aes128Cbc),
            "http://www.w3.org/2001/04/xmlenc#aes256-cbc" => Ok(Self::Aes256Cbc),
            "http://www.w3.org/2001/04/xmlenc#tripledes-cbc"
            | "http://www.w3.org/2001/04/xmlenc#aes192-cbc" => Err(XencError::Refused {
                role: ROLE,
                uri: uri.into(),
                reason: "only AES-128/256 in GCM (or CBC under policy) are accepted",
            }),
            _ => Err(XencError::Unsupported {
                role: ROLE,
                uri: uri.into(),
            }),
        }
    }

    pub fn as_uri(self) -> &'static str {
        match self {
            Self::Aes128Gcm => "http://www.w3.org/2009/xmlenc11#aes128-gcm",
            Self::Aes256Gcm => "http://www.w3.org/2009/xmlenc11#aes256-gcm",
            Self::Aes128Cbc => "http://www.w3.org/2001/04/xmlenc#aes128-cbc",
            Self::Aes256Cbc => "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
        }
    }

    /// The AES key length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            Self::Aes128Gcm | Self::Aes128Cbc => 16,
            Self::Aes256Gcm | Self::Aes256Cbc => 32,
        }
    }

    /// IV length in bytes: 96-bit GCM nonce, one AES block for CBC.
    pub fn iv_len(self) -> usize {
        if self.is_cbc() { 16 } else { 12 }
    }

    pub fn is_cbc(self) -> bool {
        matches!(self, Self::Aes128Cbc | Self::Aes256Cbc)
    }

    /// Whether a plaintext that decrypts is authenticated (AEAD): only someone holding the
    /// content key can have produced it, so what is wrong with it may be said. Listed per
    /// variant, so that a new algorithm is unauthenticated until someone says otherwise.
    pub fn is_authenticated(self) -> bool {
        match self {
            Self::Aes128Gcm | Self::Aes256Gcm => true,
            Self::Aes128Cbc | Self::Aes256Cbc => false,
        }
    }
}

/// A hash used by RSA-OAEP, either for the label (`ds:DigestMethod`) or inside MGF1
/// (`xenc11:MGF`). SHA-1 is fine here: OAEP relies on the hash as a random oracle, not on
/// collision resistance, and it is the default of both key transport URIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum OaepDigest {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl OaepDigest {
    /// From a `ds:DigestMethod` Algorithm (XML-DSig / XML Enc digest URIs).
    pub fn from_digest_uri(uri: &str) -> Result<Self, XencError> {
        match uri {
            "http://www.w3.org/2000/09/xmldsig#sha1" => Ok(Self::Sha1),
            "http://www.w3.org/2001/04/xmlenc#sha256" => Ok(Self::Sha256),
            "http://www.w3.org/2001/04/xmldsig-more#sha384" => Ok(Self::Sha384),
            "http://www.w3.org/2001/04/xmlenc#sha512" => Ok(Self::Sha512),
            _ => Err(XencError::Unsupported {
                role: "OAEP digest",
                uri: uri.into(),
            }),
        }
    }

    pub fn as_digest_uri(self) -> &'static str {
        match self {
            Self::Sha1 => "http://www.w3.org/2000/09/xmldsig#sha1",
            Self::Sha256 => "http://www.w3.org/2001/04/xmlenc#sha256",
            Self::Sha384 => "http://www.w3.org/2001/04/xmldsig-more#sha384",
            Self::Sha512 => "http://www.w3.org/2001/04/xmlenc#sha512",
        }
    }

    /// From an `xenc11:MGF` Algorithm.
    pub fn from_mgf_uri(uri: &str) -> Result<Self, XencError> {
        match uri {
            "http://www.w3.org/2009/xmlenc11#mgf1sha1" => Ok(Self::Sha1),
            "http://www.w3.org/2009/xmlenc11#mgf1sha256" => Ok(Self::Sha256),
            "http://www.w3.org/2009/xmlenc11#mgf1sha384" => Ok(Self::Sha384),
            "http://www.w3.org/2009/xmlenc11#mgf1sha512" => Ok(Self::Sha512),
            _ => Err(XencError::Unsupported {
                role: "OAEP MGF",
                uri: uri.into(),
            }),
        }
    }

    pub fn as_mgf_uri(self) -> &'static str {
        match self {
            Self::Sha1 => "http://www.w3.org/2009/xmlenc11#mgf1sha1",
            Self::Sha256 => "http://www.w3.org/2009/xmlenc11#mgf1sha256",
            Self::Sha384 => "http://www.w3.org/2009/xmlenc11#mgf1sha384",
            Self::Sha512 => "http://www.w3.org/2009/xmlenc11#mgf1sha512",
        }
    }
}

/// Key transport of the content key (`EncryptedKey/EncryptionMethod`). RSA-OAEP only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum KeyTransport {
    /// `xmlenc#rsa-oaep-mgf1p`: MGF1 is always SHA-1; an optional `ds:DigestMethod` child
    /// selects the OAEP digest (SHA-1 when absent).
    RsaOaepMgf1p { digest: OaepDigest },
    /// `xmlenc11#rsa-oaep`: optional `ds:DigestMethod` (default SHA-1) and `xenc11:MGF`
    /// (default MGF1 with SHA-1) children.
    RsaOaep { digest: OaepDigest, mgf: OaepDigest },
}

impl KeyTransport {
    /// `rsa-oaep-mgf1p` with its defaults (SHA-1, MGF1-SHA-1): what most IdPs send.
    pub const RSA_OAEP_MGF1P: Self = Self::RsaOaepMgf1p {
        digest: OaepDigest::Sha1,
    };
    /// `xenc11#rsa-oaep` with SHA-256 for both the digest and MGF1.
    pub const RSA_OAEP_SHA256: Self = Self::RsaOaep {
        digest: OaepDigest::Sha256,
        mgf: OaepDigest::Sha256,
    };

    /// The algorithm with the defaults of its URI (the parameter children refine it).
    pub fn from_uri(uri: &str) -> Result<Self, XencError> {
        const ROLE: &str = "key transport";
        match uri {
            "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p" => Ok(Self::RSA_OAEP_MGF1P),
            "http://www.w3.org/2009/xmlenc11#rsa-oaep" => Ok(Self::RsaOaep {
                digest: OaepDigest::Sha1,
                mgf: OaepDigest::Sha1,
            }),
            "http://www.w3.org/2001/04/xmlenc#rsa-1_5" => Err(XencError::Refused {
                role: ROLE,
                uri: uri.into(),
                reason: "RSA PKCS#1 v1.5 encryption is open to Bleichenbacher's attack; use RSA-OAEP",
            }),
            _ => Err(XencError::Unsupported {
                role: ROLE,
                uri: uri.into(),
            }),
        }
    }

    pub fn as_uri(self) -> &'static str {
        match self {
            Self::RsaOaepMgf1p { .. } => "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
            Self::RsaOaep { .. } => "http://www.w3.org/2009/xmlenc11#rsa-oaep",
        }
    }

    /// The OAEP digest (hashes the label).
    pub fn digest(self) -> OaepDigest {
        match self {
            Self::RsaOaepMgf1p { digest } | Self::RsaOaep { digest, .. } => digest,
        }
    }

    /// The hash inside MGF1.
    pub fn mgf(self) -> OaepDigest {
        match self {
            Self::RsaOaepMgf1p { .. } => OaepDigest::Sha1,
            Self::RsaOaep { mgf, .. } => mgf,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_round_trip() {
        for d in DataEncryption::ALL {
            assert_eq!(DataEncryption::from_uri(d.as_uri()), Ok(d));
        }
        for t in [
            KeyTransport::RSA_OAEP_MGF1P,
            KeyTransport::from_uri("http://www.w3.org/2009/xmlenc11#rsa-oaep").unwrap(),
        ] {
            assert_eq!(KeyTransport::from_uri(t.as_uri()), Ok(t));
        }
        for h in [
            OaepDigest::Sha1,
            OaepDigest::Sha256,
            OaepDigest::Sha384,
            OaepDigest::Sha512,
        ] {
            assert_eq!(OaepDigest::from_digest_uri(h.as_digest_uri()), Ok(h));
            assert_eq!(OaepDigest::from_mgf_uri(h.as_mgf_uri()), Ok(h));
        }
    }

    #[test]
    fn unknown_and_refused_are_typed_errors() {
        assert!(matches!(
            KeyTransport::from_uri("http://www.w3.org/2001/04/xmlenc#rsa-1_5"),
            Err(XencError::Refused { .. })
        ));
        assert!(matches!(
            DataEncryption::from_uri("http://www.w3.org/2001/04/xmlenc#tripledes-cbc"),
            Err(XencError::Refused { .. })
        ));
        assert!(matches!(
            DataEncryption::from_uri("http://www.w3.org/2009/xmlenc11#aes128-GCM"),
            Err(XencError::Unsupported { .. })
        ));
        assert!(matches!(
            OaepDigest::from_digest_uri("http://www.w3.org/2001/04/xmldsig-more#md5"),
            Err(XencError::Unsupported { .. })
        ));
    }
}
