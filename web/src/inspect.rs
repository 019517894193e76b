//! What the page computes from its inputs, with no DOM: the same function runs natively in
//! `cargo test` and as WebAssembly in the page. Everything here is local; nothing is sent.

use crate::trust::TrustSetup;
use samlscope_core::decode::{self, DecodeLimits, Decoded};
use samlscope_core::metadata::{
    AuthnRequestInfo, EntityInfo, MetadataInfo, RedirectSignature, RequestPolicy, SpMetadataInfo,
    inspect_authn_request, inspect_entity, verify_authn_request,
};
use samlscope_core::report::Report;
use samlscope_core::saml::MessageKind;
use samlscope_core::saml::time::Instant;
use samlscope_core::trust::TrustStore;
use samlscope_core::validate::{Policy, valid_when_issued, validate, validate_document};
use samlscope_core::xenc::DecryptionKey;
use samlscope_core::xml;

/// The SP side of the check, as the admin types it. Persisted in local storage (no keys).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The IdP's entity ID (JumpCloud: `jumpcloud-<org>`); blank: the metadata's, when it
    /// holds a single IdP.
    pub idp_entity_id: String,
    pub sp_entity_id: String,
    pub acs_url: String,
    pub request_id: String,
    pub skew_seconds: i64,
    pub allow_sha1: bool,
    /// Check the message as of this xs:dateTime instead of now (blank: now).
    pub check_at: String,
    /// The trust box (metadata, certificates or fingerprints: public material).
    pub trust: String,
    /// The SP's signing certificate(s), PEM, or the SP's metadata: verifies signed
    /// AuthnRequests as the IdP does (JumpCloud: SP Certificate). Public material.
    pub sp_certificate: String,
    /// The SP does not sign its requests: with an SP certificate given, an unsigned request is
    /// then "not checked" instead of failing (a half-stripped or wrapped one still fails).
    pub allow_unsigned_requests: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            idp_entity_id: String::new(),
            sp_entity_id: String::new(),
            acs_url: String::new(),
            request_id: String::new(),
            skew_seconds: 180,
            allow_sha1: false,
            check_at: String::new(),
            trust: String::new(),
            sp_certificate: String::new(),
            allow_unsigned_requests: false,
        }
    }
}

/// One message found in the paste, for the picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageLabel {
    pub label: String,
}

/// What is shown for the selected message.
#[derive(Debug)]
pub enum Outcome {
    /// Nothing pasted yet.
    Empty,
    /// The paste held no decodable SAML: why.
    Undecodable(String),
    /// A Response (or bare Assertion, or anything else the validator judges).
    Verdict(Box<Report>),
    Metadata {
        xml: String,
        info: Result<Box<MetadataInfo>, String>,
    },
    /// A service provider's metadata: what to enter in the IdP.
    SpMetadata {
        xml: String,
        info: Box<SpMetadataInfo>,
    },
    Request {
        xml: String,
        info: Result<Box<AuthnRequestInfo>, String>,
        relay_state: Option<String>,
        redirect_signed: bool,
    },
}

/// The page's whole view model for one set of inputs.
#[derive(Debug)]
pub struct Inspection {
    pub messages: Vec<MessageLabel>,
    /// Index into `messages` actually shown (clamped).
    pub selected: usize,
    /// Non-fatal notes from decoding (redacted values in a HAR, …).
    pub findings: Vec<String>,
    pub trust: Result<String, String>,
    /// Why the "check at" or SP key input was not used, if so.
    pub input_errors: Vec<String>,
    pub outcome: Outcome,
    /// For an invalid response judged as of now: its IssueInstant, when it is valid as of
    /// then (old, not misconfigured; see `validate::valid_when_issued`).
    pub valid_when_issued: Option<String>,
}

/// The inputs that are not settings: the paste, the optional SP key, the clock, the picker.
pub struct Inputs<'a> {
    pub paste: &'a str,
    pub settings: &'a Settings,
    /// PEM of the SP's private key; in memory only.
    pub sp_key: &'a str,
    pub now: Instant,
    pub selected: usize,
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

fn label(i: usize, m: &Decoded, root: Option<String>) -> String {
    let root = root.unwrap_or_else(|| "not well-formed XML".into());
    let param = m
        .parameter
        .map(|p| format!(" {}", p.as_str()))
        .unwrap_or_default();
    let dup = m
        .duplicate_of
        .map(|d| format!(" (same as #{})", d + 1))
        .unwrap_or_default();
    format!("#{} {}{param}: {root}{dup}", i + 1, m.binding.as_str())
}

fn root_name(doc: &xml::Document) -> Option<String> {
    doc.element(doc.root()).map(|e| e.qname())
}

/// The trust the policy uses and the IdP it expects. The IdP Entity ID field, when set, is the
/// expected IdP (over the metadata's single entity) and binds what the trust box gave without
/// an entity (pinned certificates, fingerprints) to it, as `check --idp-entity-id` binds
/// `--idp-cert`: a key the admin pinned for A must not vouch for a message claiming B.
struct BoundTrust {
    store: TrustStore,
    idp_entity_id: Option<String>,
    /// What the field did to the trust box, said after its summary.
    note: Option<String>,
}

fn bind_trust(settings: &Settings, trust: &TrustSetup) -> BoundTrust {
    // The store shares its parsed certificates (and their public keys) between runs: binding
    // a clone is cheap, and the cached parse of the trust box stays as it was pasted.
    let mut store = trust.store.clone();
    let before = store.entities().len();
    let Some(id) = non_empty(&settings.idp_entity_id) else {
        let note = (!store.is_empty() && before == 0).then(|| {
            "Trusted for any issuer: set the IdP Entity ID to bind it to one IdP.".to_owned()
        });
        return BoundTrust {
            store,
            idp_entity_id: trust.idp_entity_id.clone(),
            note,
        };
    };
    let known = store.entities().contains(&id.as_str());
    store.bind_unbound(&id);
    let note = if store.is_empty() {
        None
    } else if store.entities().len() > before {
        Some(format!(
            "Bound to the IdP Entity ID {id}: trusted only for its messages."
        ))
    } else if !known {
        Some(format!(
            "None of these keys is trusted for the IdP Entity ID {id}: no signature can be \
             trusted for it."
        ))
    } else if before > 1 {
        Some(format!("IdP Entity ID {id}: only its keys are accepted."))
    } else {
        None
    };
    BoundTrust {
        store,
        idp_entity_id: Some(id),
        note,
    }
}

/// Builds the policy from the settings; returns the problems with optional inputs separately
/// (a bad "check at" time falls back to now, loudly).
fn policy(inputs: &Inputs<'_>, trust: BoundTrust, errors: &mut Vec<String>) -> Policy {
    let s = inputs.settings;
    let now = match non_empty(&s.check_at) {
        Some(t) => match Instant::parse(&t) {
            Ok((at, _)) => at,
            Err(e) => {
                errors.push(format!("Check at: {e}; checking as of now."));
                inputs.now
            }
        },
        None => inputs.now,
    };
    let mut p = Policy::new(trust.store, now);
    p.idp_entity_id = trust.idp_entity_id;
    p.sp_entity_id = non_empty(&s.sp_entity_id);
    p.acs_url = non_empty(&s.acs_url);
    p.request_id = non_empty(&s.request_id);
    p.skew_seconds = s.skew_seconds.clamp(0, 24 * 3600);
    p.allow_sha1 = s.allow_sha1;
    if let Some(pem) = non_empty(inputs.sp_key) {
        match DecryptionKey::from_pem(&pem) {
            Ok(k) => p.sp_key = Some(k),
            Err(e) => errors.push(format!("SP private key not usable: {e}")),
        }
    }
    p
}

/// The SP keys of the settings (PEM or DER certificates given without an SP, or the SP's
/// metadata with each key bound to its entity), or `None` when the field is blank or unusable
/// (then said in `errors`).
fn sp_trust(s: &Settings, errors: &mut Vec<String>) -> Option<TrustStore> {
    let text = non_empty(&s.sp_certificate)?;
    samlscope_core::metadata::sp_trust(text.as_bytes())
        .map_err(|e| errors.push(format!("SP certificate not usable: {e}")))
        .ok()
}

/// Decodes the paste, picks the message, and judges it. `trust` is
/// [`crate::trust::parse_trust`] of the
/// trust box, computed once per edit of that box (the page caches it).
pub fn inspect(inputs: &Inputs<'_>, trust: &Result<TrustSetup, String>) -> Inspection {
    let mut input_errors = Vec::new();
    let no_trust = TrustSetup::default();
    let (bound, trust_summary) = match trust {
        Ok(t) => {
            let bound = bind_trust(inputs.settings, t);
            let summary = match &bound.note {
                Some(note) => format!("{} {note}", t.summary),
                None => t.summary.clone(),
            };
            (bound, Ok(summary))
        }
        Err(e) => (bind_trust(inputs.settings, &no_trust), Err(e.clone())),
    };
    let mut inspection = Inspection {
        messages: Vec::new(),
        selected: 0,
        findings: Vec::new(),
        trust: trust_summary,
        input_errors: Vec::new(),
        outcome: Outcome::Empty,
        valid_when_issued: None,
    };
    if inputs.paste.trim().is_empty() {
        return inspection;
    }
    let decoding = match decode::decode_all(inputs.paste.as_bytes(), &DecodeLimits::default()) {
        Ok(d) => d,
        Err(e) => {
            inspection.outcome = Outcome::Undecodable(e.to_string());
            return inspection;
        }
    };
    inspection.findings = decoding.findings.iter().map(ToString::to_string).collect();
    let selected = inputs
        .selected
        .min(decoding.messages.len().saturating_sub(1));
    inspection.selected = selected;
    let Some(message) = decoding.messages.get(selected) else {
        inspection.outcome = Outcome::Undecodable("no SAML message found".into());
        return inspection;
    };
    // The selected message is parsed once: for its label, its kind and the validation.
    let parsed = xml::parse(message.xml.as_bytes());
    inspection.messages = decoding
        .messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let root = if i == selected {
                parsed.as_ref().ok().and_then(root_name)
            } else {
                xml::parse(m.xml.as_bytes())
                    .ok()
                    .as_ref()
                    .and_then(root_name)
            };
            MessageLabel {
                label: label(i, m, root),
            }
        })
        .collect();
    let kind = parsed
        .as_ref()
        .map(MessageKind::of)
        .unwrap_or(MessageKind::Other);
    inspection.outcome = match kind {
        MessageKind::EntityDescriptor | MessageKind::EntitiesDescriptor => {
            let xml = message.xml.clone();
            match inspect_entity(message.xml.as_bytes(), inputs.now) {
                Ok(EntityInfo::IdentityProvider(info)) => Outcome::Metadata {
                    xml,
                    info: Ok(Box::new(info)),
                },
                Ok(EntityInfo::ServiceProvider(info)) => Outcome::SpMetadata {
                    xml,
                    info: Box::new(info),
                },
                Err(e) => Outcome::Metadata {
                    xml,
                    info: Err(e.to_string()),
                },
            }
        }
        MessageKind::AuthnRequest => Outcome::Request {
            xml: message.xml.clone(),
            info: match sp_trust(inputs.settings, &mut input_errors) {
                Some(sp) => verify_authn_request(
                    message.xml.as_bytes(),
                    RedirectSignature::of(message),
                    &sp,
                    &RequestPolicy::new(
                        !inputs.settings.allow_unsigned_requests,
                        inputs.settings.allow_sha1,
                    ),
                ),
                None => inspect_authn_request(message.xml.as_bytes()),
            }
            .map(Box::new)
            .map_err(|e| e.to_string()),
            relay_state: message.relay_state.clone(),
            redirect_signed: message.signature.is_some(),
        },
        _ => {
            let policy = policy(inputs, bound, &mut input_errors);
            let report = match &parsed {
                Ok(doc) => validate_document(doc, &policy),
                // The validator turns the parse error into its rejection report.
                Err(_) => validate(message.xml.as_bytes(), &policy),
            };
            // Only when the page's clock judged it: a "check at" time is the admin's choice.
            if policy.now == inputs.now {
                inspection.valid_when_issued = valid_when_issued(&report, &policy);
            }
            Outcome::Verdict(Box::new(report))
        }
    };
    inspection.input_errors = input_errors;
    inspection
}

#[cfg(test)]
mod tests;
