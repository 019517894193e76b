//! IdP metadata and AuthnRequest inspection: what the admin pasted, read into facts, lints with
//! fix hints, and (for metadata) the trust material for validation.

mod authn_request;
mod entity;

pub use authn_request::{AuthnRequestInfo, inspect_authn_request};
pub use entity::{Endpoint, MetadataInfo, inspect_metadata, trust_from_metadata};

/// SAML binding URNs samlscope knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Binding {
    HttpPost,
    HttpRedirect,
    HttpArtifact,
    Soap,
    Other,
}

impl Binding {
    pub const POST: &'static str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
    pub const REDIRECT: &'static str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
    pub const ARTIFACT: &'static str = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact";
    pub const SOAP: &'static str = "urn:oasis:names:tc:SAML:2.0:bindings:SOAP";

    pub fn from_uri(uri: &str) -> Self {
        match uri {
            Self::POST => Self::HttpPost,
            Self::REDIRECT => Self::HttpRedirect,
            Self::ARTIFACT => Self::HttpArtifact,
            Self::SOAP => Self::Soap,
            _ => Self::Other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::HttpPost => "HTTP-POST",
            Self::HttpRedirect => "HTTP-Redirect",
            Self::HttpArtifact => "HTTP-Artifact",
            Self::Soap => "SOAP",
            Self::Other => "other",
        }
    }
}

/// Why a document could not be inspected at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InspectError {
    #[error(transparent)]
    Xml(#[from] crate::xml::XmlError),
    #[error("the root element is <{0}>, not {1}")]
    WrongRoot(String, &'static str),
    #[error("the metadata has no IDPSSODescriptor: it does not describe an identity provider")]
    NotAnIdp,
}
