//! What a pasted message is, decided from the parsed root element (namespace + local name).

use crate::xml::Document;
use crate::xml::ns::{MD, SAML, SAMLP};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    Response,
    Assertion,
    AuthnRequest,
    LogoutRequest,
    LogoutResponse,
    EntityDescriptor,
    EntitiesDescriptor,
    /// Well-formed XML that is not a SAML message samlscope knows.
    Other,
}

impl MessageKind {
    pub fn of(doc: &Document) -> Self {
        let Some(root) = doc.element(doc.root()) else {
            return Self::Other;
        };
        match (root.ns.as_deref(), &*root.local) {
            (Some(SAMLP), "Response") => Self::Response,
            (Some(SAML), "Assertion") => Self::Assertion,
            (Some(SAMLP), "AuthnRequest") => Self::AuthnRequest,
            (Some(SAMLP), "LogoutRequest") => Self::LogoutRequest,
            (Some(SAMLP), "LogoutResponse") => Self::LogoutResponse,
            (Some(MD), "EntityDescriptor") => Self::EntityDescriptor,
            (Some(MD), "EntitiesDescriptor") => Self::EntitiesDescriptor,
            _ => Self::Other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Response => "Response",
            Self::Assertion => "Assertion",
            Self::AuthnRequest => "AuthnRequest",
            Self::LogoutRequest => "LogoutRequest",
            Self::LogoutResponse => "LogoutResponse",
            Self::EntityDescriptor => "EntityDescriptor",
            Self::EntitiesDescriptor => "EntitiesDescriptor",
            Self::Other => "other XML",
        }
    }
}
