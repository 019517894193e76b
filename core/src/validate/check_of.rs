//! Which check each lower layer's failure belongs to.
//!
//! Check ids are the report's vocabulary: the parser, the signature verifier and the SAML
//! structure rules return their own errors and know nothing of checks, so the mapping lives here,
//! next to the pipeline that files each failure under its check.

use crate::algorithm::{AlgorithmError, AlgorithmRole};
use crate::c14n::C14nError;
use crate::checks::CheckId;
use crate::dsig::SignatureError;
use crate::saml::{ConsumeError, StructureError};
use crate::xml::{XmlError, XmlErrorKind as K};

impl XmlError {
    /// The check this parse failure belongs to.
    pub fn check_id(&self) -> CheckId {
        match self.kind {
            K::Doctype => CheckId::XmlDoctype,
            K::ProcessingInstruction(_) => CheckId::XmlProcessingInstruction,
            K::TooLarge { .. }
            | K::TooDeep { .. }
            | K::TooManyNodes { .. }
            | K::TooManyAttributes { .. } => CheckId::XmlLimits,
            K::UndeclaredPrefix(_)
            | K::ReservedPrefix(_)
            | K::ReservedNamespace(_)
            | K::RelativeNamespace(_)
            | K::InvalidNamespaceUri(_)
            | K::EmptyPrefixBinding(_)
            | K::XmlXmlnsAttribute => CheckId::XmlNamespaces,
            _ => CheckId::XmlWellFormed,
        }
    }
}

impl SignatureError {
    /// The check this failure belongs to.
    pub fn check_id(&self) -> CheckId {
        match self {
            Self::ParentWithoutId { .. }
            | Self::ReferenceUri { .. }
            | Self::ReferenceWithoutUri => CheckId::SignatureReference,
            Self::NoParent
            | Self::UnexpectedElement { .. }
            | Self::ObjectInSignature
            | Self::UnexpectedText { .. }
            | Self::Missing(_)
            | Self::Duplicate(_)
            | Self::MissingAttribute { .. }
            | Self::NotPlainText { .. }
            | Self::Base64 { .. }
            | Self::DigestLength { .. } => CheckId::SignatureStructure,
            Self::Algorithm(
                AlgorithmError::Refused {
                    role: AlgorithmRole::Transform,
                    ..
                }
                | AlgorithmError::Unknown {
                    role: AlgorithmRole::Transform,
                    ..
                },
            ) => CheckId::SignatureTransforms,
            Self::Algorithm(_) | Self::WeakAlgorithm(_) => CheckId::SignatureAlgorithms,
            Self::Transforms { .. }
            | Self::PrefixListWithInclusive {
                role: AlgorithmRole::Transform,
                ..
            } => CheckId::SignatureTransforms,
            Self::PrefixListWithInclusive { .. } => CheckId::SignatureAlgorithms,
            Self::DuplicateId { .. } => CheckId::StructureUniqueIds,
            Self::NoTrustedKey
            | Self::UntrustedKey(_)
            | Self::KeyTooSmall { .. }
            | Self::UnsupportedKey { .. }
            | Self::BadSignature { .. } => CheckId::SignatureTrusted,
            Self::DigestMismatch => CheckId::SignatureDigest,
            // The algorithm cannot be applied to this document as samlscope implements it.
            Self::C14n(
                C14nError::PrefixListWithInclusive
                | C14nError::InheritedXmlBase { .. }
                | C14nError::EmptyXmlBase,
            ) => CheckId::SignatureAlgorithms,
            Self::C14n(C14nError::NotElement) => CheckId::SignatureDigest,
        }
    }
}

impl StructureError {
    /// The check this failure belongs to.
    pub fn check_id(&self) -> CheckId {
        match self {
            Self::NotAResponse(_)
            | Self::NotAnAssertion(_)
            | Self::MissingAttribute { .. }
            | Self::Version(_) => CheckId::StructureMessage,
            Self::UnexpectedElement { .. } | Self::UnexpectedText { .. } | Self::Missing { .. } => {
                CheckId::StructureSchema
            }
            Self::AssertionCount(_) => CheckId::StructureAssertionCount,
            Self::DuplicateId { .. } | Self::NamespacedId(_) => CheckId::StructureUniqueIds,
            Self::MisplacedSignature(_) => CheckId::StructureSignaturePosition,
            Self::HiddenAssertion(_) => CheckId::StructureHiddenAssertion,
        }
    }
}

impl ConsumeError {
    /// The check this failure belongs to.
    pub fn check_id(&self) -> CheckId {
        match self {
            Self::Structure(e) => e.check_id(),
            Self::ResponseSignature(e) | Self::AssertionSignature(e) => e.check_id(),
            Self::NoAssertion => CheckId::StructureAssertionCount,
            Self::Encrypted => CheckId::AssertionEncrypted,
            Self::Unsigned | Self::ResponseNotSigned | Self::AssertionNotSigned => {
                CheckId::SignaturePresent
            }
        }
    }
}
