//! `samlscope metadata FILE|-`: what an IdP's metadata says (entity ID, endpoints and bindings,
//! NameID formats, signing certificates with their facts), or for an SP's metadata what to enter
//! on the IdP's SSO tab, and the lints with fix hints.
//!
//! Input in any form `decode` accepts. Metadata is read whole: an aggregate
//! (`EntitiesDescriptor`, nested ones too) lists every role descriptor of every entity; the text
//! shows the first [`SHOWN`] and says how many it did not show. Exit 0 when no lint failed (in
//! any entity, shown or not), 1 when one did, 2 when the input holds no readable metadata.
//! `--json` prints one object per role descriptor (one line each, all of them): `role`
//! (`identity_provider` or `service_provider`) and the facts of that role.

use std::fmt::Write as _;
use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;

use samlscope_core::metadata::{
    AcsEndpoint, Binding, EntityInfo, MetadataInfo, SpMetadataInfo, inspect_entities,
};
use samlscope_core::report::Check;
use samlscope_core::saml::time::Instant;
use samlscope_core::trust::CertificateInfo;

use crate::error::CliError;
use crate::input::read_messages;
use crate::render::{Painter, emit};

const CONTEXT: &str = "metadata";

/// Entities the text output shows per document; a federation aggregate holds thousands.
const SHOWN: usize = 50;

#[derive(clap::Args)]
pub struct Args {
    /// IdP or SP metadata to inspect (file or `-` for stdin; raw XML, base64, …).
    pub input: PathBuf,
    /// Print the facts and lints as JSON.
    #[arg(long)]
    pub json: bool,
    /// Judge certificate validity as of this time (RFC 3339, UTC) instead of now.
    #[arg(long)]
    pub now: Option<String>,
}

pub fn run(args: &Args) -> Result<ExitCode, CliError> {
    let now = crate::clock::now(args.now.as_deref(), CONTEXT)?;
    let messages = read_messages(&args.input)
        .map_err(|e| CliError::input(CONTEXT, e))?
        .messages;
    let mut infos = Vec::new();
    // Per document: where its descriptors start in `infos`, and how many it has.
    let mut documents = Vec::new();
    let mut first_error = None;
    for m in &messages {
        match inspect_entities(m.xml.as_bytes(), now) {
            Ok(found) => {
                documents.push((infos.len(), found.len()));
                infos.extend(found);
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if infos.is_empty() {
        let reason = first_error.map_or_else(|| "no metadata found".to_owned(), |e| e.to_string());
        return Err(CliError::input(CONTEXT, reason));
    }
    let mut out = String::new();
    let painter = Painter {
        color: !args.json && std::io::stdout().is_terminal(),
    };
    for &(start, total) in &documents {
        let document = infos.get(start..start + total).unwrap_or_default();
        if args.json {
            for info in document {
                let v = samlscope_core::report::json_line_safe(
                    serde_json::to_string(info).map_err(|e| CliError::input(CONTEXT, e))?,
                );
                out.push_str(&v);
                out.push('\n');
            }
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        if total > 1 {
            let _ = writeln!(
                out,
                "Metadata aggregate: {total} IdP/SP descriptors, in document order\n"
            );
        }
        for (i, info) in document.iter().take(SHOWN).enumerate() {
            if i > 0 {
                out.push('\n');
            }
            match info {
                EntityInfo::IdentityProvider(i) => text(&mut out, i, painter),
                EntityInfo::ServiceProvider(i) => sp_text(&mut out, i, painter),
            }
        }
        let rest = document.get(SHOWN..).unwrap_or_default();
        if !rest.is_empty() {
            let failing = rest.iter().filter(|i| i.has_failures()).count();
            let _ = writeln!(
                out,
                "\n… and {} more of the {total} descriptors not shown ({failing} of them with a failed lint); --json lists every one",
                rest.len()
            );
        }
    }
    emit(&out);
    Ok(if infos.iter().any(EntityInfo::has_failures) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn text(out: &mut String, info: &MetadataInfo, painter: Painter) {
    let _ = writeln!(out, "Entity ID:  {}", info.entity_id);
    if let Some(v) = &info.valid_until {
        let _ = writeln!(out, "Valid until: {v}");
    }
    if let Some(w) = info.want_authn_requests_signed {
        let _ = writeln!(out, "Wants signed AuthnRequests: {}", yes_no(w));
    }
    endpoints(out, "SSO endpoints", &info.sso_endpoints);
    endpoints(out, "SLO endpoints", &info.slo_endpoints);
    formats(out, &info.name_id_formats);
    certificates(out, "Signing certificates", &info.signing_certificates);
    lints(out, &info.lints, painter);
}

/// An SP's metadata: what to enter in the IdP first, then the facts and lints.
fn sp_text(out: &mut String, info: &SpMetadataInfo, painter: Painter) {
    let _ = writeln!(out, "Service provider: {}", info.entity_id);
    if let Some(v) = &info.valid_until {
        let _ = writeln!(out, "Valid until: {v}");
    }
    if info.idp_settings.is_empty() {
        let _ = writeln!(out, "Enter in the IdP: (nothing usable in this metadata)");
    } else {
        let _ = writeln!(
            out,
            "Enter in the IdP (JumpCloud: the application's SSO tab):"
        );
        for s in &info.idp_settings {
            for (k, v) in s.values.iter().enumerate() {
                let field = if k == 0 { s.field } else { "" };
                let _ = writeln!(out, "  {field:<26} {v}");
            }
            let _ = writeln!(out, "  {:<26} ({})", "", s.why);
        }
    }
    let _ = writeln!(out, "ACS endpoints:");
    if info.acs_endpoints.is_empty() {
        let _ = writeln!(out, "  (none)");
    }
    for e in &info.acs_endpoints {
        acs(out, e);
    }
    if let Some(v) = info.authn_requests_signed {
        let _ = writeln!(out, "Signs its AuthnRequests: {}", yes_no(v));
    }
    if let Some(v) = info.want_assertions_signed {
        let _ = writeln!(out, "Wants signed assertions: {}", yes_no(v));
    }
    formats(out, &info.name_id_formats);
    certificates(out, "Signing certificates", &info.signing_certificates);
    certificates(
        out,
        "Encryption certificates",
        &info.encryption_certificates,
    );
    lints(out, &info.lints, painter);
}

fn acs(out: &mut String, e: &AcsEndpoint) {
    let mut tail = String::new();
    if let Some(i) = e.index {
        let _ = write!(tail, " (index {i}");
        tail.push_str(if e.is_default { ", default)" } else { ")" });
    } else if e.is_default {
        tail.push_str(" (default)");
    }
    let _ = writeln!(
        out,
        "  {:<14} {}{tail}",
        binding_name(e.binding, &e.binding_uri),
        e.location
    );
}

fn binding_name(b: Binding, uri: &str) -> &str {
    match b {
        Binding::Other => uri,
        b => b.as_str(),
    }
}

fn endpoints(out: &mut String, title: &str, list: &[samlscope_core::metadata::Endpoint]) {
    if list.is_empty() {
        let _ = writeln!(out, "{title}: (none)");
        return;
    }
    let _ = writeln!(out, "{title}:");
    for e in list {
        let _ = writeln!(
            out,
            "  {:<14} {}",
            binding_name(e.binding, &e.binding_uri),
            e.location
        );
    }
}

fn lints(out: &mut String, list: &[Check], painter: Painter) {
    let _ = writeln!(out, "Lints:");
    for c in list {
        painter.check(out, c);
    }
}

fn formats(out: &mut String, list: &[String]) {
    if list.is_empty() {
        let _ = writeln!(out, "NameID formats: (none declared)");
        return;
    }
    let _ = writeln!(out, "NameID formats:");
    for f in list {
        let _ = writeln!(out, "  {f}");
    }
}

fn certificates(out: &mut String, title: &str, list: &[CertificateInfo]) {
    if list.is_empty() {
        let _ = writeln!(out, "{title}: (none)");
        return;
    }
    let _ = writeln!(out, "{title}:");
    for c in list {
        certificate(out, c);
    }
}

fn certificate(out: &mut String, c: &CertificateInfo) {
    let _ = writeln!(out, "  Subject:  {}", c.subject);
    if c.self_signed {
        let _ = writeln!(out, "  Issuer:   (self-signed)");
    } else {
        let _ = writeln!(out, "  Issuer:   {}", c.issuer);
    }
    let _ = writeln!(
        out,
        "  Valid:    {} → {}",
        Instant::from_unix_seconds(c.not_before).to_rfc3339(),
        Instant::from_unix_seconds(c.not_after).to_rfc3339()
    );
    let _ = writeln!(out, "  Key:      {} {} bits", c.key_algorithm, c.key_bits);
    let _ = writeln!(out, "  SHA-256:  {}", c.sha256_fingerprint);
    let _ = writeln!(out, "  SHA-1:    {}", c.sha1_fingerprint);
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}
