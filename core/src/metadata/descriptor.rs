//! What IdP and SP metadata share: finding the entity's role descriptor (in an
//! `EntityDescriptor`, or the first entity with that role in an `EntitiesDescriptor`
//! aggregate), reading the certificates of its `KeyDescriptor`s, and judging one.

use super::InspectError;
use crate::checks::CheckId;
use crate::crypto::KeyType;
use crate::report::Check;
use crate::saml::time::{Instant, Zone};
use crate::trust::{Certificate, CertificateInfo};
use crate::xml::ns::{DS, MD};
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

/// The `metadata.valid_until` lints of a role descriptor: the `validUntil` and `cacheDuration`
/// of the descriptor, its entity and every aggregate around it (SAML metadata §2.3.1-2.3.2:
/// an element is valid no longer than its parent). Each time is parsed strictly: one that does
/// not parse is a failure naming the attribute and element, as whether the metadata may still
/// be used cannot be told; one that has passed is a failure saying `consequence` (who refuses
/// it) and `fix` (where fresh metadata comes from). A pass says until when, if any says.
pub(super) fn lint_validity(
    doc: &Document,
    descriptor: NodeId,
    now: Instant,
    consequence: &str,
    fix: &str,
) -> Vec<Check> {
    let id = CheckId::MetadataValidUntil;
    let mut out = Vec::new();
    let mut earliest: Option<(Instant, String)> = None;
    let mut node = Some(descriptor);
    while let Some(n) = node {
        node = doc.parent(n);
        let Some(el) = doc.element(n) else { continue };
        if el.ns.as_deref() != Some(MD) {
            continue;
        }
        let at = format!("<{}>", el.qname());
        if let Some(v) = el.attr("validUntil") {
            match Instant::parse(v.trim()) {
                Err(e) => out.push(
                    Check::fail(
                        id,
                        format!("validUntil on {at} cannot be read ({e}): whether this metadata may still be used cannot be told"),
                    )
                    .found(v)
                    .fix(format!("{fix} If it still carries this value, its publisher must write validUntil as an xs:dateTime in UTC (YYYY-MM-DDThh:mm:ssZ).")),
                ),
                Ok((t, zone)) => {
                    if zone == Zone::Missing {
                        out.push(
                            Check::warn(
                                id,
                                format!("validUntil on {at} has no time zone: read as UTC, other software may read it as local time"),
                            )
                            .found(v)
                            .fix("SAML times are UTC with a Z (SAML core §1.3.3): the publisher should write YYYY-MM-DDThh:mm:ssZ."),
                        );
                    }
                    if t < now {
                        out.push(
                            Check::fail(
                                id,
                                format!("the metadata expired (validUntil {v} on {at}); {consequence}"),
                            )
                            .found(v)
                            .fix(fix),
                        );
                    } else if earliest.as_ref().is_none_or(|(e, _)| t < *e) {
                        earliest = Some((t, at.clone()));
                    }
                }
            }
        }
        if let Some(v) = el.attr("cacheDuration")
            && !is_xs_duration(v.trim())
        {
            out.push(
                Check::fail(
                    id,
                    format!("cacheDuration on {at} is not an xs:duration (such as PT6H or P1D): how long the metadata may be cached cannot be told"),
                )
                .found(v)
                .fix(format!("{fix} If it still carries this value, its publisher must write cacheDuration as an xs:duration.")),
            );
        }
    }
    if out.iter().all(|c| c.status != crate::report::Status::Fail)
        && let Some((t, at)) = earliest
    {
        out.push(
            Check::pass(
                id,
                format!("the metadata is valid until {} ({at})", t.to_rfc3339()),
            )
            .found(t.to_rfc3339()),
        );
    }
    out
}

/// Whether `s` is an xs:duration (XML Schema 2 §3.2.6): `-?P`, then years, months, days and
/// after `T` hours, minutes, seconds (fractional), each optional but in that order, at least
/// one of them, and a `T` only with a time part after it.
pub(super) fn is_xs_duration(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let Some(rest) = s.strip_prefix('P') else {
        return false;
    };
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    let mut parts = 0;
    let date_ok = designated(date, &['Y', 'M', 'D'], false, &mut parts);
    let time_ok = match time {
        None => true,
        Some(t) => {
            let before = parts;
            designated(t, &['H', 'M', 'S'], true, &mut parts) && parts > before
        }
    };
    date_ok && time_ok && parts > 0
}

/// `text` as numbers each followed by one of `designators`, in their order, each at most once;
/// only the last (seconds) may have a fraction when `fraction_last`. Counts the parts read.
fn designated(text: &str, designators: &[char], fraction_last: bool, parts: &mut usize) -> bool {
    let mut rest = text;
    let mut next = 0;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        let mut number = digits;
        let mut fraction = false;
        if rest.as_bytes().get(digits) == Some(&b'.') {
            let more = rest
                .get(digits + 1..)
                .map_or(0, |r| r.bytes().take_while(u8::is_ascii_digit).count());
            if more == 0 {
                return false;
            }
            number = digits + 1 + more;
            fraction = true;
        }
        let Some(d) = rest.get(number..).and_then(|r| r.chars().next()) else {
            return false;
        };
        let Some(at) = designators.iter().skip(next).position(|&x| x == d) else {
            return false;
        };
        let index = next + at;
        if fraction && !(fraction_last && index == designators.len() - 1) {
            return false;
        }
        next = index + 1;
        *parts += 1;
        rest = rest.get(number + d.len_utf8()..).unwrap_or_default();
    }
    true
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
    let c = if info.key_algorithm != KeyType::Rsa {
        // Every SignatureMethod and key transport samlscope (and JumpCloud) accepts is RSA.
        Check::fail(
            CheckId::MetadataCertificate,
            format!(
                "the {what} {} has key type {}: not supported for SAML signatures or encryption here (RSA only)",
                info.subject, info.key_algorithm
            ),
        )
        .fix("Publish an RSA certificate (2048 bits or more) in its place: SAML's signature methods here, and JumpCloud's, are RSA.")
    } else if now > info.not_after {
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

#[cfg(test)]
mod tests {
    use super::is_xs_duration;

    #[test]
    fn durations_parse_strictly() {
        for ok in [
            "P1D",
            "PT6H",
            "P1Y2M3DT4H5M6S",
            "PT0.5S",
            "-P1D",
            "P0Y",
            "PT1M",
            "P1DT2S",
        ] {
            assert!(is_xs_duration(ok), "{ok}");
        }
        for bad in [
            "", "P", "PT", "1D", "P1DT", "P1H", "PT1D", "P1M1Y", "P1D1D", "P1.5D", "PT1.S", "P-1D",
            "P 1D", "6h", "P1DT1H ", "PT1S1M",
        ] {
            assert!(!is_xs_duration(bad), "{bad}");
        }
    }
}
