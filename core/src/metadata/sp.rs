//! `md:EntityDescriptor` of a service provider: what the admin types into the IdP.
//!
//! Setting up an app in JumpCloud starts from the SP's metadata (or its help page): the SP
//! Entity ID and the ACS URLs come from it, and so do the NameID format, whether assertions
//! must be signed and the certificate the SP signs its requests with. This reads those facts
//! into [`IdpSetting`]s named after the JumpCloud SSO-tab fields, and lints what would break the
//! login (no POST ACS: JumpCloud answers with HTTP-POST only; a placeholder entity ID; an
//! expired certificate).

use super::descriptor;
use super::{Binding, InspectError};
use crate::checks::CheckId;
use crate::report::{Check, Status};
use crate::saml::time::Instant;
use crate::trust::{Certificate, CertificateInfo, TrustSource, TrustStore};
use crate::xml::ns::MD;
use crate::xml::{Document, NodeId, parse};

/// One `md:AssertionConsumerService`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AcsEndpoint {
    pub binding: Binding,
    pub binding_uri: String,
    pub location: String,
    pub index: Option<u32>,
    pub is_default: bool,
}

/// A field of the IdP's application settings and what to put in it, with why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IdpSetting {
    /// The field's name on JumpCloud's SSO tab.
    pub field: &'static str,
    /// The value(s) to enter, in order.
    pub values: Vec<String>,
    /// Where the value comes from, in the admin's words.
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SpMetadataInfo {
    pub entity_id: String,
    pub valid_until: Option<String>,
    /// In the order the metadata lists them.
    pub acs_endpoints: Vec<AcsEndpoint>,
    pub authn_requests_signed: Option<bool>,
    pub want_assertions_signed: Option<bool>,
    pub name_id_formats: Vec<String>,
    pub signing_certificates: Vec<CertificateInfo>,
    pub encryption_certificates: Vec<CertificateInfo>,
    /// What to enter in the IdP's application settings.
    pub idp_settings: Vec<IdpSetting>,
    /// Lints, each a pass, warn or fail with a hint.
    pub lints: Vec<Check>,
}

impl SpMetadataInfo {
    /// Whether any lint failed.
    pub fn has_failures(&self) -> bool {
        self.lints.iter().any(|c| c.status == Status::Fail)
    }

    /// The ACS URL the IdP should post to by default: the `isDefault` HTTP-POST endpoint, else
    /// the POST endpoint with the lowest index, else the first POST endpoint (SAML metadata
    /// §2.2.3).
    pub fn default_acs(&self) -> Option<&AcsEndpoint> {
        posted(&self.acs_endpoints).first().copied()
    }
}

/// The HTTP-POST ACS endpoints, the default first, then by index, then in document order.
fn posted(acs: &[AcsEndpoint]) -> Vec<&AcsEndpoint> {
    let key = |e: &AcsEndpoint| (!e.is_default, e.index.unwrap_or(u32::MAX));
    // An insertion sort, stable (document order breaks ties): a handful of endpoints, and the
    // page's size budget has no room for another instantiation of the standard sort.
    let mut post: Vec<&AcsEndpoint> = Vec::new();
    for e in acs.iter().filter(|e| e.binding == Binding::HttpPost) {
        let at = post
            .iter()
            .position(|p| key(p) > key(e))
            .unwrap_or(post.len());
        post.insert(at, e);
    }
    post
}

/// The SP role's descriptor element.
pub(super) const SP_ROLE: &str = "SPSSODescriptor";

fn flag(doc: &Document, n: NodeId, name: &str) -> Option<bool> {
    doc.element(n)
        .and_then(|e| e.attr(name))
        .map(|v| matches!(v.trim(), "true" | "1"))
}

/// Reads SP metadata and lints it against `now`.
pub(super) fn inspect_sp(doc: &Document, sp: NodeId, now: Instant) -> SpMetadataInfo {
    let (entity_id, valid_until) = descriptor::entity_facts(doc, sp);
    let acs_endpoints: Vec<AcsEndpoint> = doc
        .children_named(sp, MD, "AssertionConsumerService")
        .filter_map(|n| doc.element(n))
        .map(|e| {
            let uri = e.attr("Binding").unwrap_or_default();
            AcsEndpoint {
                binding: Binding::from_uri(uri),
                binding_uri: uri.to_owned(),
                location: e.attr("Location").unwrap_or_default().to_owned(),
                index: e.attr("index").and_then(|i| i.trim().parse().ok()),
                is_default: matches!(e.attr("isDefault").map(str::trim), Some("true" | "1")),
            }
        })
        .collect();
    let name_id_formats: Vec<String> = doc
        .children_named(sp, MD, "NameIDFormat")
        .map(|n| doc.text_cow(n).trim().to_owned())
        .filter(|f| !f.is_empty())
        .collect();
    let authn_requests_signed = flag(doc, sp, "AuthnRequestsSigned");
    let want_assertions_signed = flag(doc, sp, "WantAssertionsSigned");

    let mut lints = Vec::new();
    lint_entity_id(&entity_id, &mut lints);
    lint_acs(&acs_endpoints, &mut lints);
    lints.extend(descriptor::lint_validity(
        doc,
        sp,
        now,
        "IdPs that honour it refuse it",
        "Download fresh metadata from the service provider.",
    ));
    let mut read = |role: &'static str| {
        let mut infos = Vec::new();
        for c in descriptor::key_certificates(doc, sp, role) {
            match c {
                Ok(c) => {
                    lints.push(descriptor::lint_certificate(
                        &format!("SP's {role} certificate"),
                        c.info(),
                        now,
                        "Ask the service provider for metadata with its current certificate (it renews its own).",
                    ));
                    infos.push(c.info().clone());
                }
                Err(e) => lints.push(Check::fail(
                    CheckId::MetadataCertificate,
                    format!("a {role} certificate cannot be read: {e}"),
                )),
            }
        }
        infos
    };
    let signing_certificates = read("signing");
    let encryption_certificates = read("encryption");
    if authn_requests_signed == Some(true) && signing_certificates.is_empty() {
        lints.push(
            Check::fail(
                CheckId::MetadataCertificate,
                "AuthnRequestsSigned is true but no signing certificate is published: the IdP cannot check the SP's requests",
            )
            .fix("Ask the service provider for metadata that includes its signing certificate (KeyDescriptor use=\"signing\")."),
        );
    }

    let mut info = SpMetadataInfo {
        entity_id,
        valid_until,
        acs_endpoints,
        authn_requests_signed,
        want_assertions_signed,
        name_id_formats,
        signing_certificates,
        encryption_certificates,
        idp_settings: Vec::new(),
        lints,
    };
    info.idp_settings = settings(&info);
    info
}

/// What to enter on JumpCloud's SSO tab, field by field, from the SP's metadata.
fn settings(info: &SpMetadataInfo) -> Vec<IdpSetting> {
    let mut out = Vec::new();
    if !info.entity_id.is_empty() {
        out.push(IdpSetting {
            field: "SP Entity ID",
            values: vec![info.entity_id.clone()],
            why: "the metadata's entityID: it is sent as the Audience, and must match exactly"
                .into(),
        });
    }
    let post = posted(&info.acs_endpoints);
    if !post.is_empty() {
        out.push(IdpSetting {
            field: "ACS URLs",
            values: post.iter().map(|e| e.location.clone()).collect(),
            why: "the HTTP-POST AssertionConsumerService locations, default first: JumpCloud posts the response there".into(),
        });
    }
    if let Some(first) = info.name_id_formats.first() {
        out.push(IdpSetting {
            field: "SAMLSubject NameID Format",
            values: vec![first.clone()],
            why: if info.name_id_formats.len() > 1 {
                format!(
                    "the first NameIDFormat the SP lists; it also accepts {}",
                    info.name_id_formats.get(1..).unwrap_or_default().join(", ")
                )
            } else {
                "the NameIDFormat the SP lists".into()
            },
        });
    }
    if info.want_assertions_signed == Some(true) {
        out.push(IdpSetting {
            field: "Sign",
            values: vec!["Assertion".into()],
            why:
                "WantAssertionsSigned is true: the SP wants signed assertions, so Assertion or Both"
                    .into(),
        });
    }
    if info.authn_requests_signed == Some(true)
        && let Some(c) = info.signing_certificates.first()
    {
        out.push(IdpSetting {
            field: "SP Certificate",
            values: vec![c.subject.clone()],
            why: "AuthnRequestsSigned is true: upload the SP's signing certificate so its requests can be checked".into(),
        });
    }
    out
}

fn lint_entity_id(id: &str, out: &mut Vec<Check>) {
    let placeholder = descriptor::looks_like_placeholder(id);
    out.push(if id.trim().is_empty() {
        Check::fail(CheckId::MetadataEntityId, "the SP's entityID is empty")
            .fix("Ask the service provider for its entity ID (often labelled Entity ID, Audience or Issuer in its SAML settings).")
    } else if placeholder {
        Check::fail(
            CheckId::MetadataEntityId,
            format!("the SP's entityID {id:?} looks like a placeholder"),
        )
        .found(id)
        .fix("Download the metadata from the service provider's own SAML settings page, not a sample from its documentation.")
    } else if !id.contains(':') {
        Check::warn(
            CheckId::MetadataEntityId,
            format!("the SP's entityID {id:?} is not a URI; SAML requires one"),
        )
        .found(id)
        .fix("Enter it in the SP Entity ID field exactly as it is; if logins fail on the audience, ask the service provider which value it expects.")
    } else {
        Check::pass(CheckId::MetadataEntityId, "the SP's entityID is a URI").found(id)
    });
}

fn lint_acs(acs: &[AcsEndpoint], out: &mut Vec<Check>) {
    if acs.is_empty() {
        out.push(
            Check::fail(
                CheckId::MetadataEndpoints,
                "no AssertionConsumerService: the IdP has nowhere to send the login",
            )
            .fix("Ask the service provider for its ACS URL (also called Reply URL or SSO URL) and enter it in ACS URLs."),
        );
        return;
    }
    let post = posted(acs);
    out.push(if post.is_empty() {
        Check::fail(
            CheckId::MetadataEndpoints,
            "no HTTP-POST AssertionConsumerService: JumpCloud (like most IdPs) sends the response with HTTP-POST only",
        )
        .fix("Ask the service provider for an HTTP-POST ACS URL; the other bindings it lists cannot receive JumpCloud's response.")
    } else {
        Check::pass(
            CheckId::MetadataEndpoints,
            format!("{} HTTP-POST ACS URL{}", post.len(), if post.len() == 1 { "" } else { "s" }),
        )
    });
    for e in acs {
        if !e.location.starts_with("https://") {
            out.push(
                Check::warn(
                    CheckId::MetadataEndpoints,
                    format!(
                        "ACS URL {} is not HTTPS: the login crosses the network in the clear",
                        e.location
                    ),
                )
                .found(&e.location),
            );
        }
    }
}

/// Reads SP metadata (an entity with an SPSSODescriptor) and lints it against `now`.
pub fn inspect_sp_metadata(xml: &[u8], now: Instant) -> Result<SpMetadataInfo, InspectError> {
    let doc = parse(xml)?;
    let sp = descriptor::role_descriptor(&doc, SP_ROLE)
        .map_err(|m| m.into_error(InspectError::NotAnSp))?;
    Ok(inspect_sp(&doc, sp, now))
}

/// The SP keys of SP metadata, read whole: the signing certificates (KeyDescriptors with
/// `use="signing"` or no `use`) of every `SPSSODescriptor` of every entity (an
/// `EntityDescriptor`, or every one of an `EntitiesDescriptor` aggregate, nested ones
/// included), each bound to its own `entityID`; and those entity IDs in document order. What
/// an IdP verifies signed AuthnRequests with: SP B's key verifies only requests whose Issuer
/// is B. Unreadable certificates are left out (they verify nothing); an SP entity without an
/// `entityID` is refused, as its keys could not be bound.
pub fn sp_trust_from_metadata(xml: &[u8]) -> Result<(TrustStore, Vec<String>), InspectError> {
    let doc = parse(xml)?;
    // For the error: not metadata at all, or metadata without an SP.
    descriptor::role_descriptor(&doc, SP_ROLE).map_err(|m| m.into_error(InspectError::NotAnSp))?;
    let mut trust = TrustStore::new();
    let mut entities: Vec<String> = Vec::new();
    for sp in descriptor::role_descriptors(&doc, SP_ROLE) {
        let (entity_id, _) = descriptor::entity_facts(&doc, sp);
        if entity_id.trim().is_empty() {
            return Err(InspectError::NoEntityId {
                role: "service provider",
            });
        }
        for c in descriptor::key_certificates(&doc, sp, "signing")
            .into_iter()
            .flatten()
        {
            trust.add_entity_certificate(c, TrustSource::Metadata, &entity_id);
        }
        if !entities.contains(&entity_id) {
            entities.push(entity_id);
        }
    }
    if trust.is_empty() {
        return Err(InspectError::NoSigningCertificate);
    }
    Ok((trust, entities))
}

/// The SP keys from what an admin has at hand: the SP's metadata (every SP entity in it, each
/// key bound to its entity: see [`sp_trust_from_metadata`]), or its certificate(s) as PEM,
/// bare base64 or DER, given without an SP (they verify a request from any Issuer unless bound
/// with [`TrustStore::bind_unbound`]). What a signed AuthnRequest is verified with.
pub fn sp_trust(input: &[u8]) -> Result<TrustStore, InspectError> {
    let text = std::str::from_utf8(input).ok();
    let trimmed = text.map(|t| t.trim_start_matches('\u{feff}').trim_start());
    if trimmed.is_some_and(|t| t.starts_with('<')) {
        return sp_trust_from_metadata(input).map(|(trust, _)| trust);
    }
    let certificates = match Certificate::all_from_bytes(input) {
        Ok(c) => c,
        // PEM of another kind, or DER: what it is says more than a metadata parse error.
        Err(e) if text.is_none_or(|t| t.contains("-----BEGIN ")) => return Err(e.into()),
        Err(pem) => {
            return sp_trust_from_metadata(input)
                .map(|(trust, _)| trust)
                .map_err(|md| InspectError::NotSpCertificates {
                    pem: pem.to_string(),
                    metadata: md.to_string(),
                });
        }
    };
    if certificates.is_empty() {
        return Err(InspectError::NoSigningCertificate);
    }
    let mut trust = TrustStore::new();
    for c in certificates {
        trust.add_certificate(c, TrustSource::PinnedCertificate);
    }
    Ok(trust)
}
