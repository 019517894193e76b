//! IdP and SP metadata and AuthnRequest inspection: what the admin pasted, read into facts,
//! lints with fix hints, and (for IdP metadata) the trust material for validation.

mod authn_request;
mod descriptor;
mod entity;
mod request_signature;
mod sp;

pub use authn_request::{AuthnRequestInfo, inspect_authn_request, verify_authn_request};
pub use entity::{Endpoint, MetadataInfo, inspect_metadata, trust_from_metadata};

pub use request_signature::{RedirectSignature, RequestPolicy};
pub use sp::{
    AcsEndpoint, IdpSetting, SpMetadataInfo, inspect_sp_metadata, sp_trust, sp_trust_from_metadata,
};

/// Metadata of either role, as an admin may paste either.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum EntityInfo {
    /// An identity provider (IDPSSODescriptor): what the SP needs, and the trust.
    IdentityProvider(MetadataInfo),
    /// A service provider (SPSSODescriptor): what to enter in the IdP.
    ServiceProvider(SpMetadataInfo),
}

impl EntityInfo {
    /// Whether any lint failed.
    pub fn has_failures(&self) -> bool {
        match self {
            Self::IdentityProvider(i) => i.has_failures(),
            Self::ServiceProvider(i) => i.has_failures(),
        }
    }
}

/// Reads metadata of either role: the IdP role when the entity has one (what validation
/// needs), else the SP role. The document is parsed once for both attempts.
pub fn inspect_entity(
    xml: &[u8],
    now: crate::saml::time::Instant,
) -> Result<EntityInfo, InspectError> {
    let doc = crate::xml::parse(xml)?;
    match descriptor::role_descriptor(&doc, entity::IDP_ROLE) {
        Ok(idp) => Ok(EntityInfo::IdentityProvider(entity::inspect_idp(
            &doc, idp, now,
        ))),
        Err(descriptor::Missing::NoRole) => descriptor::role_descriptor(&doc, sp::SP_ROLE)
            .map(|sp| EntityInfo::ServiceProvider(sp::inspect_sp(&doc, sp, now)))
            .map_err(|m| m.into_error(InspectError::NoRole)),
        Err(m) => Err(m.into_error(InspectError::NotAnIdp)),
    }
}

/// Reads metadata whole: every role descriptor (IdP and SP) of every entity, in document
/// order — one entity, or every entity of an `EntitiesDescriptor` aggregate, nested ones
/// included — each with its own facts and lints. An aggregate is what a federation publishes;
/// reading its first entity only would hide every other one from the admin.
pub fn inspect_entities(
    xml: &[u8],
    now: crate::saml::time::Instant,
) -> Result<Vec<EntityInfo>, InspectError> {
    let doc = crate::xml::parse(xml)?;
    let mut found: Vec<(usize, EntityInfo)> = Vec::new();
    for idp in descriptor::role_descriptors(&doc, entity::IDP_ROLE) {
        let info = EntityInfo::IdentityProvider(entity::inspect_idp(&doc, idp, now));
        found.push((doc.span(idp).start, info));
    }
    for sp in descriptor::role_descriptors(&doc, sp::SP_ROLE) {
        let info = EntityInfo::ServiceProvider(sp::inspect_sp(&doc, sp, now));
        found.push((doc.span(sp).start, info));
    }
    if found.is_empty() {
        // The same refusal as for one entity: not metadata, or metadata of neither role.
        return match descriptor::role_descriptor(&doc, entity::IDP_ROLE) {
            Err(descriptor::Missing::WrongRoot(r)) => {
                Err(InspectError::WrongRoot(r, "md:EntityDescriptor"))
            }
            _ => Err(InspectError::NoRole),
        };
    }
    found.sort_by_key(|(start, _)| *start);
    Ok(found.into_iter().map(|(_, info)| info).collect())
}

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
    #[error(
        "this is a service provider's metadata (SPSSODescriptor), not the identity provider's: \
         trust comes from the IdP's metadata (in JumpCloud: Export Metadata on the application's SSO tab)"
    )]
    SpNotIdp,
    #[error("the metadata has no SPSSODescriptor: it does not describe a service provider")]
    NotAnSp,
    #[error(
        "the metadata describes neither an identity provider (IDPSSODescriptor) nor a service \
         provider (SPSSODescriptor)"
    )]
    NoRole,
    #[error("neither PEM certificates ({pem}) nor SP metadata ({metadata})")]
    NotSpCertificates { pem: String, metadata: String },
    #[error("SP certificate: {0}")]
    SpCertificate(#[from] crate::trust::CertificateError),
    #[error(
        "an {role} in the metadata has no entityID: its keys cannot be bound to the issuer \
         they sign for"
    )]
    NoEntityId { role: &'static str },
    #[error("no signing certificate in the SP's metadata")]
    NoSigningCertificate,
}
