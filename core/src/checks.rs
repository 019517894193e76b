//! Stable identifiers of every check samlscope performs. They are the contract shared by the
//! report, the CLI's JSON, the page's `data-testid`s and the mock IdP's scenario catalogue, so
//! they are an enum with one `as_str`, never free strings.

use std::fmt;

macro_rules! check_ids {
    ($($variant:ident => $id:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum CheckId { $($variant,)* }

        impl CheckId {
            pub const ALL: &'static [CheckId] = &[$(CheckId::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(CheckId::$variant => $id,)* }
            }

            pub fn from_id(s: &str) -> Option<Self> {
                match s { $($id => Some(CheckId::$variant),)* _ => None }
            }
        }
    };
}

check_ids! {
    InputDecode => "input.decode",
    XmlWellFormed => "xml.well_formed",
    XmlDoctype => "xml.doctype",
    XmlProcessingInstruction => "xml.processing_instruction",
    XmlLimits => "xml.limits",
    XmlNamespaces => "xml.namespaces",
    StructureMessage => "structure.message",
    StructureSchema => "structure.schema",
    StructureAssertionCount => "structure.assertion_count",
    StructureUniqueIds => "structure.unique_ids",
    StructureSignaturePosition => "structure.signature_position",
    StructureHiddenAssertion => "structure.hidden_assertion",
    SignaturePresent => "signature.present",
    SignatureStructure => "signature.structure",
    SignatureAlgorithms => "signature.algorithms",
    SignatureReference => "signature.reference",
    SignatureTransforms => "signature.transforms",
    SignatureTrusted => "signature.trusted",
    SignatureDigest => "signature.digest",
    SignatureKeyInfo => "signature.keyinfo",
    AssertionEncrypted => "assertion.encrypted",
    AttributesEncrypted => "attributes.encrypted",
    ResponseStatus => "response.status",
    ResponseIssuer => "response.issuer",
    ResponseDestination => "response.destination",
    ResponseInResponseTo => "response.in_response_to",
    AssertionIssuer => "assertion.issuer",
    SubjectNameId => "subject.name_id",
    SubjectNameIdFormat => "subject.name_id_format",
    SubjectConfirmation => "subject.confirmation",
    SubjectRecipient => "subject.recipient",
    SubjectInResponseTo => "subject.in_response_to",
    ConditionsAudience => "conditions.audience",
    ConditionsWindow => "conditions.window",
    ConditionsUnknown => "conditions.unknown",
    AuthnStatement => "authn.statement",
    AuthnSession => "authn.session",
    TimeIssueInstant => "time.issue_instant",
    ValueComments => "xml.comments_in_values",
    CertificateValidity => "certificate.validity",
    Replay => "replay",
    MetadataEntityId => "metadata.entity_id",
    MetadataCertificate => "metadata.certificate",
    MetadataEndpoints => "metadata.endpoints",
    MetadataValidUntil => "metadata.valid_until",
    RequestId => "request.id",
    RequestIssuer => "request.issuer",
    RequestAcsUrl => "request.acs_url",
    RequestSignature => "request.signature",
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for CheckId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for &c in CheckId::ALL {
            assert!(seen.insert(c.as_str()), "duplicate id {c}");
            assert_eq!(CheckId::from_id(c.as_str()), Some(c));
        }
        assert_eq!(CheckId::from_id("nope"), None);
    }
}
