//! What IdP and SP metadata share: finding the entity's role descriptor (in an
//! `EntityDescriptor`, or the first entity with that role in an `EntitiesDescriptor`
//! aggregate), reading the certificates of its `KeyDescriptor`s, and judging one.

use super::InspectError;
use crate::checks::CheckId;
use crate::crypto::KeyType;
use crate::report::Check;
use crate::saml::ns::{DS, MD};
use crate::saml::time::Instant;
use crate::trust::{Certificate, CertificateInfo};
use crate::xml::{Document, NodeId};

/// Why a role descriptor was not found.
pub(super) enum Missing {
    /// The root is not metadata: its qualified name.
    WrongRoot(String),
    /// Metadata without this role.
    NoRole,
}

impl Missing {
    /// As an [`InspectError`], `no_role` standing for metadata without the role.
    pub(super) fn into_error(self, no_role: InspectError) -> InspectError {
        match self {
            Self::WrongRoot(found) => InspectError::WrongRoot(found, "md:EntityDescriptor"),
            Self::NoRole => no_role,
        }
    }
}

/// The descriptor's entity: its `entityID` ("" when absent) and `validUntil`.
pub(super) fn entity_facts(doc: &Document, descriptor: NodeId) -> (String, Option<String>) {
    let entity = doc.element(doc.parent(descriptor).unwrap_or(doc.root()));
    let attr = |name| entity.and_then(|e| e.attr(name)).map(str::to_owned);
    (attr("entityID").unwrap_or_default(), attr("validUntil"))
}

/// An entity ID copied from documentation rather than from the real configuration.
pub(super) fn looks_like_placeholder(id: &str) -> bool {
    let lower = id.to_ascii_lowercase();
    ["example", "changeme", "your-", "<", "placeholder", "todo"]
        .iter()
        .any(|p| lower.contains(p))
}

/// The `metadata.entity_id` failure of metadata whose `validUntil` has passed: `consequence`
/// says who refuses it, `fix` where fresh metadata comes from.
pub(super) fn lint_valid_until(
    valid_until: Option<&str>,
    now: Instant,
    consequence: &str,
    fix: &str,
) -> Option<Check> {
    let v = valid_until?;
    let (t, _) = Instant::parse(v).ok()?;
    (t < now).then(|| {
        Check::fail(
            CheckId::MetadataEntityId,
            format!("the metadata expired (validUntil {v}); {consequence}"),
        )
        .fix(fix)
    })
}

/// The `md:{role}` element (`IDPSSODescriptor`, `SPSSODescriptor`) of the document's entity.
pub(super) fn role_descriptor(doc: &Document, role: &str) -> Result<NodeId, Missing> {
    let root = doc.root();
    let has_role = |e: NodeId| doc.children_named(e, MD, role).next();
    if doc.is(root, MD, "EntityDescriptor") {
        has_role(root).ok_or(Missing::NoRole)
    } else if doc.is(root, MD, "EntitiesDescriptor") {
        doc.children_named(root, MD, "EntityDescriptor")
            .find_map(has_role)
            .ok_or(Missing::NoRole)
    } else {
        Err(Missing::WrongRoot(
            doc.element(root).map(|e| e.qname()).unwrap_or_default(),
        ))
    }
}

/// Every `md:{role}` element of the document: of its `EntityDescriptor`, or of every entity of
/// an `EntitiesDescriptor`, nested aggregates included, in document order.
pub(super) fn role_descriptors(doc: &Document, role: &str) -> Vec<NodeId> {
    let mut out = Vec::new();
    let mut pending = vec![doc.root()];
    while let Some(n) = pending.pop() {
        if doc.is(n, MD, "EntityDescriptor") {
            out.extend(doc.children_named(n, MD, role));
        } else if doc.is(n, MD, "EntitiesDescriptor") {
            // Reversed onto the stack so entities come out in document order.
            let mut inner: Vec<NodeId> = doc
                .children_named(n, MD, "EntityDescriptor")
                .chain(doc.children_named(n, MD, "EntitiesDescriptor"))
                .collect();
            inner.sort_by_key(|&c| doc.span(c).start);
            pending.extend(inner.into_iter().rev());
        }
    }
    out
}

/// Certificates of the descriptor's KeyDescriptors with `use` = `wanted`, or no `use` (then a
/// key serves both signing and encryption, SAML metadata §2.4.1.1).
pub(super) fn key_certificates(
    doc: &Document,
    descriptor: NodeId,
    wanted: &str,
) -> Vec<Result<Certificate, String>> {
    doc.children_named(descriptor, MD, "KeyDescriptor")
        .filter(|&k| {
            doc.element(k)
                .and_then(|e| e.attr("use"))
                .is_none_or(|u| u == wanted)
        })
        .flat_map(|k| doc.children_named(k, DS, "KeyInfo").collect::<Vec<_>>())
        .flat_map(|ki| doc.children_named(ki, DS, "X509Data").collect::<Vec<_>>())
        .flat_map(|d| {
            doc.children_named(d, DS, "X509Certificate")
                .collect::<Vec<_>>()
        })
        .map(|c| Certificate::from_base64(&doc.text_cow(c)).map_err(|e| e.to_string()))
        .collect()
}

/// The `metadata.certificate` lint of one certificate as of `now`: `what` names it in the
/// message ("signing certificate", "SP's encryption certificate"), `fix` is the way to a new
/// one for whoever owns it.
pub(super) fn lint_certificate(
    what: &str,
    info: &CertificateInfo,
    now: Instant,
    fix: &str,
) -> Check {
    let now = now.unix_seconds();
    let c = if now > info.not_after {
        Check::fail(
            CheckId::MetadataCertificate,
            format!("the {what} {} has expired", info.subject),
        )
        .fix(fix)
    } else if now < info.not_before {
        Check::fail(
            CheckId::MetadataCertificate,
            format!("the {what} {} is not valid yet", info.subject),
        )
        .fix(fix)
    } else if info.not_after - now < 30 * 86_400 {
        Check::warn(
            CheckId::MetadataCertificate,
            format!("the {what} {} expires within 30 days", info.subject),
        )
        .fix(fix)
    } else if info.key_algorithm != KeyType::Rsa {
        // Every SignatureMethod and key transport samlscope (and JumpCloud) accepts is RSA.
        Check::fail(
            CheckId::MetadataCertificate,
            format!(
                "the {what} {} has an {} key: not supported for SAML signatures or encryption here (RSA only)",
                info.subject, info.key_algorithm
            ),
        )
        .fix(fix)
    } else if info.key_bits < 2048 {
        Check::warn(
            CheckId::MetadataCertificate,
            format!("the {what} has a key of only {} bits", info.key_bits),
        )
        .fix(fix)
    } else {
        Check::pass(
            CheckId::MetadataCertificate,
            format!("the {what} {} is valid", info.subject),
        )
    };
    c.found(Instant::from_unix_seconds(info.not_after).to_rfc3339())
}
