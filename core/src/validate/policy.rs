//! What the SP expects: the input of a validation besides the message itself.

use crate::dsig::AlgorithmRules;
use crate::saml::SignatureRules;
use crate::saml::time::Instant;
use crate::trust::TrustStore;
use crate::xenc::XencRules;

/// Everything a check needs to know about the SP and the moment of checking: one flat value
/// each front end builds in one place. The layers below take the slices they need
/// ([`Policy::signature_rules`], [`Policy::decryption_rules`]).
#[derive(Debug, Clone)]
pub struct Policy {
    pub trust: TrustStore,
    /// Expected IdP entity ID (from metadata when not given; then the Issuer is only reported).
    pub idp_entity_id: Option<String>,
    /// The SP's entity ID: the Audience.
    pub sp_entity_id: Option<String>,
    /// The SP's ACS URL: Destination and bearer Recipient.
    pub acs_url: Option<String>,
    /// The moment of checking (core has no clock).
    pub now: Instant,
    /// Allowed clock difference, seconds (default 180, as crewjam/saml; at most
    /// [`Policy::MAX_SKEW_SECONDS`]).
    pub skew_seconds: i64,
    /// The ID of the AuthnRequest this answers; `None` means InResponseTo is "not checked".
    pub request_id: Option<String>,
    /// IssueInstant may be at most this old (seconds); `None` disables the check.
    pub max_issue_age_seconds: Option<i64>,
    /// Accept RSA-SHA1 and SHA-1 digests (reported as weak). Default: false.
    pub allow_sha1: bool,
    /// The smallest RSA key a signature may be verified with. Default: 2048 bits.
    pub min_rsa_bits: usize,
    /// The Response itself must carry a verified signature.
    pub require_signed_response: bool,
    /// The Assertion itself must carry a verified signature.
    pub require_signed_assertion: bool,
    /// Check the trusted certificate's own validity period (most SPs ignore it).
    pub check_certificate_validity: bool,
    /// Accept comments inside NameID/attribute values (they are always read in full).
    pub allow_comments_in_values: bool,
    /// The SP's private key, to decrypt an EncryptedAssertion, EncryptedID or EncryptedAttribute
    /// (kept in memory only).
    pub sp_key: Option<crate::xenc::DecryptionKey>,
    /// Accept AES-CBC content encryption (reported as weak). Default: true (see [`XencRules`]).
    pub allow_cbc: bool,
}

impl Policy {
    /// The largest clock skew a check applies (one day); larger values are clamped.
    pub const MAX_SKEW_SECONDS: i64 = 86_400;

    /// Defaults with the given trust and clock.
    pub fn new(trust: TrustStore, now: Instant) -> Self {
        let AlgorithmRules {
            allow_sha1,
            min_rsa_bits,
        } = AlgorithmRules::default();
        Self {
            trust,
            idp_entity_id: None,
            sp_entity_id: None,
            acs_url: None,
            now,
            skew_seconds: 180,
            request_id: None,
            max_issue_age_seconds: Some(15 * 60),
            allow_sha1,
            min_rsa_bits,
            require_signed_response: false,
            require_signed_assertion: false,
            check_certificate_validity: true,
            allow_comments_in_values: false,
            sp_key: None,
            allow_cbc: XencRules::default().allow_cbc,
        }
    }

    /// What signatures are required and the algorithm rules they are verified under.
    pub fn signature_rules(&self) -> SignatureRules {
        SignatureRules {
            allow_sha1: self.allow_sha1,
            min_rsa_bits: self.min_rsa_bits,
            require_signed_response: self.require_signed_response,
            require_signed_assertion: self.require_signed_assertion,
        }
    }

    /// What encrypted parts may use.
    pub fn decryption_rules(&self) -> XencRules {
        XencRules {
            allow_cbc: self.allow_cbc,
        }
    }
}
