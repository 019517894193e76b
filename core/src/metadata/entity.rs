//! `md:EntityDescriptor` of an IdP (JumpCloud's Metadata URL serves one per application).

use super::descriptor;
use super::{Binding, InspectError};
use crate::checks::CheckId;
use crate::report::{Check, Status};
use crate::saml::time::Instant;
use crate::trust::{Certificate, CertificateInfo, TrustSource, TrustStore};
use crate::xml::ns::MD;
use crate::xml::{Document, NodeId, parse};

/// The IdP role's descriptor element.
pub(super) const IDP_ROLE: &str = "IDPSSODescriptor";

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Endpoint {
    pub binding: Binding,
    pub binding_uri: String,
    pub location: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MetadataInfo {
    pub entity_id: String,
    pub valid_until: Option<String>,
    pub want_authn_requests_signed: Option<bool>,
    pub sso_endpoints: Vec<Endpoint>,
    pub slo_endpoints: Vec<Endpoint>,
    pub name_id_formats: Vec<String>,
    pub signing_certificates: Vec<CertificateInfo>,
    /// Lints, each a warn or fail with a hint.
    pub lints: Vec<Check>,
}

fn idp_descriptor(doc: &Document) -> Result<NodeId, InspectError> {
    descriptor::role_descriptor(doc, IDP_ROLE).map_err(|m| {
        // An SP's metadata where the IdP's belongs is a common mix-up: say which it is.
        let sp = descriptor::role_descriptor(doc, super::sp::SP_ROLE).is_ok();
        m.into_error(if sp {
            InspectError::SpNotIdp
        } else {
            InspectError::NotAnIdp
        })
    })
}

/// Signing certificates: KeyDescriptor with `use="signing"` or no `use` (SAML metadata §2.4.1.1).
fn signing_certificates(doc: &Document, idp: NodeId) -> Vec<Result<Certificate, String>> {
    descriptor::key_certificates(doc, idp, "signing")
}

/// The trust a validation gets from IdP metadata: the signing keys of every identity provider
/// in it (an `EntityDescriptor`, or every one of an `EntitiesDescriptor` aggregate, nested ones
/// included), each bound to its own `entityID`, and those entity IDs in document order.
///
/// Binding is what keeps an aggregate honest: IdP B's key verifies only messages B issued,
/// never one that claims to come from A. An IdP entity without an `entityID` cannot be bound,
/// so it is refused rather than trusted for every issuer.
pub fn trust_from_metadata(xml: &[u8]) -> Result<(TrustStore, Vec<String>), InspectError> {
    let doc = parse(xml)?;
    // For the error: not metadata at all, SP metadata, or metadata without an IdP.
    idp_descriptor(&doc)?;
    let mut trust = TrustStore::new();
    let mut entities: Vec<String> = Vec::new();
    for idp in descriptor::role_descriptors(&doc, IDP_ROLE) {
        let (entity_id, _) = descriptor::entity_facts(&doc, idp);
        if entity_id.trim().is_empty() {
            return Err(InspectError::NoEntityId {
                role: "identity provider",
            });
        }
        for c in signing_certificates(&doc, idp).into_iter().flatten() {
            trust.add_entity_certificate(c, TrustSource::Metadata, &entity_id);
        }
        if !entities.contains(&entity_id) {
            entities.push(entity_id);
        }
    }
    Ok((trust, entities))
}

fn endpoints(doc: &Document, idp: NodeId, local: &str) -> Vec<Endpoint> {
    doc.children_named(idp, MD, local)
        .filter_map(|e| doc.element(e))
        .map(|e| {
            let uri = e.attr("Binding").unwrap_or_default();
            Endpoint {
                binding: Binding::from_uri(uri),
                binding_uri: uri.to_owned(),
                location: e.attr("Location").unwrap_or_default().to_owned(),
            }
        })
        .collect()
}

/// Reads IdP metadata and lints it against `now`.
pub fn inspect_metadata(xml: &[u8], now: Instant) -> Result<MetadataInfo, InspectError> {
    let doc = parse(xml)?;
    let idp = idp_descriptor(&doc)?;
    Ok(inspect_idp(&doc, idp, now))
}

/// The facts and lints of the IDPSSODescriptor `idp` of `doc`.
pub(super) fn inspect_idp(doc: &Document, idp: NodeId, now: Instant) -> MetadataInfo {
    let (entity_id, valid_until) = descriptor::entity_facts(doc, idp);
    // The entity's own text only: in an aggregate, another entity's endpoints say nothing
    // about this one, and searching the whole document per entity would be quadratic.
    let entity = doc.parent(idp).unwrap_or(idp);
    let text = doc
        .source()
        .get(doc.span(entity).start..doc.span(entity).end)
        .unwrap_or_default();
    let jumpcloud = entity_id.contains("jumpcloud") || text.contains("sso.jumpcloud.com");
    let sso = endpoints(doc, idp, "SingleSignOnService");
    let slo = endpoints(doc, idp, "SingleLogoutService");
    let formats: Vec<String> = doc
        .children_named(idp, MD, "NameIDFormat")
        .map(|n| doc.text_cow(n).trim().to_owned())
        .collect();
    let certs = signing_certificates(doc, idp);
    let mut lints = Vec::new();
    lint_entity_id(&entity_id, jumpcloud, &mut lints);
    let mut infos = Vec::new();
    for c in &certs {
        match c {
            Ok(c) => {
                lint_certificate(c.info(), now, jumpcloud, &mut lints);
                infos.push(c.info().clone());
            }
            Err(e) => lints.push(Check::fail(
                CheckId::MetadataCertificate,
                format!("a signing certificate cannot be read: {e}"),
            )),
        }
    }
    if certs.is_empty() {
        lints.push(
            Check::fail(
                CheckId::MetadataCertificate,
                "no signing certificate: no response from this IdP can be verified",
            )
            .fix("Publish the IdP's signing certificate in a KeyDescriptor (use=\"signing\")."),
        );
    }
    lint_endpoints(&sso, jumpcloud, &mut lints);
    lints.extend(descriptor::lint_validity(
        doc,
        idp,
        now,
        "SPs that honour it will refuse it",
        "Download fresh metadata from the IdP.",
    ));
    let want = doc
        .element(idp)
        .and_then(|e| e.attr("WantAuthnRequestsSigned"))
        .map(|v| v == "true" || v == "1");
    MetadataInfo {
        entity_id,
        valid_until,
        want_authn_requests_signed: want,
        sso_endpoints: sso,
        slo_endpoints: slo,
        name_id_formats: formats,
        signing_certificates: infos,
        lints,
    }
}

fn lint_entity_id(id: &str, jumpcloud: bool, out: &mut Vec<Check>) {
    let field = if jumpcloud {
        "IdP Entity ID on JumpCloud's SSO tab"
    } else {
        "the IdP's entity ID"
    };
    let placeholder = descriptor::looks_like_placeholder(id);
    let is_uri = id.contains(':');
    out.push(if id.trim().is_empty() {
        Check::fail(CheckId::MetadataEntityId, "the entityID is empty").fix(format!("Set the {field}."))
    } else if placeholder {
        Check::fail(CheckId::MetadataEntityId, format!("the entityID {id:?} looks like a placeholder"))
            .found(id)
            .fix(format!("Set the {field} to a real, unique value and configure the same value in the service provider."))
    } else if !is_uri {
        Check::warn(CheckId::MetadataEntityId, format!("the entityID {id:?} is not a URI; SAML requires one and strict SPs refuse it"))
            .found(id)
            .fix(format!("If the service provider refuses it, change the {field} to a URI (e.g. https://sso.jumpcloud.com/saml2/<label>) and update the SP."))
    } else {
        Check::pass(CheckId::MetadataEntityId, "the entityID is a URI").found(id)
    });
}

fn lint_certificate(info: &CertificateInfo, now: Instant, jumpcloud: bool, out: &mut Vec<Check>) {
    let regenerate = if jumpcloud {
        "Regenerate it in JumpCloud (IDP Certificate on the SSO tab) and upload the new certificate or metadata to the service provider at the same time."
    } else {
        "Roll the certificate over at the IdP and the service provider together."
    };
    out.push(descriptor::lint_certificate(
        "signing certificate",
        info,
        now,
        regenerate,
    ));
}

fn lint_endpoints(sso: &[Endpoint], jumpcloud: bool, out: &mut Vec<Check>) {
    if sso.is_empty() {
        out.push(
            Check::fail(
                CheckId::MetadataEndpoints,
                "no SingleSignOnService endpoint: service providers have nowhere to send users to log in",
            )
            .fix(if jumpcloud {
                "Download the metadata again from JumpCloud (Export Metadata on the application's SSO tab): it always lists the IdP URL as a SingleSignOnService."
            } else {
                "Download the IdP's metadata again; it must list a SingleSignOnService endpoint (the IdP's login URL)."
            }),
        );
        return;
    }
    let has_redirect = sso.iter().any(|e| e.binding == Binding::HttpRedirect);
    let has_post = sso.iter().any(|e| e.binding == Binding::HttpPost);
    out.push(if has_post && !has_redirect {
        Check::warn(
            CheckId::MetadataEndpoints,
            "POST binding only: service providers that send requests with HTTP-Redirect will not find an endpoint",
        )
        .fix(if jumpcloud {
            "If the service provider needs HTTP-Redirect, tick Declare Redirect Endpoint on JumpCloud's SSO tab and re-download the metadata."
        } else {
            "Publish an HTTP-Redirect SingleSignOnService if the service provider needs one."
        })
    } else {
        Check::pass(CheckId::MetadataEndpoints, "SSO endpoints for the common bindings")
    });
    for e in sso {
        if !e.location.starts_with("https://") {
            out.push(
                Check::warn(
                    CheckId::MetadataEndpoints,
                    format!("endpoint {} is not HTTPS", e.location),
                )
                .found(&e.location),
            );
        }
    }
}

impl MetadataInfo {
    /// Whether any lint failed.
    pub fn has_failures(&self) -> bool {
        self.lints.iter().any(|c| c.status == Status::Fail)
    }
}
