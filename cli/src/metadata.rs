//! `samlscope metadata FILE|-`: what an IdP's metadata says (entity ID, endpoints and bindings,
//! NameID formats, signing certificates with their facts) and its lints with fix hints.
//!
//! Input in any form `decode` accepts. Exit 0 when no lint failed, 1 when one did, 2 when the
//! input holds no readable IdP metadata. `--json` prints one `MetadataInfo` object per document
//! (one line each).

use std::fmt::Write as _;
use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;

use samlscope_core::metadata::{Endpoint, MetadataInfo, inspect_metadata};
use samlscope_core::saml::time::Instant;
use samlscope_core::trust::CertificateInfo;

use crate::error::CliError;
use crate::input::read_messages;
use crate::render::{Painter, emit};

const CONTEXT: &str = "metadata";

#[derive(clap::Args)]
pub struct Args {
    /// IdP metadata to inspect (file or `-` for stdin; raw XML, base64, …).
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
    let messages = read_messages(&args.input).map_err(|e| CliError::input(CONTEXT, e))?;
    let mut infos = Vec::new();
    let mut first_error = None;
    for m in &messages {
        match inspect_metadata(m.xml.as_bytes(), now) {
            Ok(info) => infos.push(info),
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
    for (i, info) in infos.iter().enumerate() {
        if args.json {
            let v = serde_json::to_string(info).map_err(|e| CliError::input(CONTEXT, e))?;
            out.push_str(&v);
            out.push('\n');
        } else {
            if i > 0 {
                out.push('\n');
            }
            text(&mut out, info, painter);
        }
    }
    emit(&out);
    Ok(if infos.iter().any(MetadataInfo::has_failures) {
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
    if info.name_id_formats.is_empty() {
        let _ = writeln!(out, "NameID formats: (none declared)");
    } else {
        let _ = writeln!(out, "NameID formats:");
        for f in &info.name_id_formats {
            let _ = writeln!(out, "  {f}");
        }
    }
    if info.signing_certificates.is_empty() {
        let _ = writeln!(out, "Signing certificates: (none)");
    } else {
        let _ = writeln!(out, "Signing certificates:");
        for c in &info.signing_certificates {
            certificate(out, c);
        }
    }
    let _ = writeln!(out, "Lints:");
    for c in &info.lints {
        painter.check(out, c);
    }
}

fn endpoints(out: &mut String, title: &str, list: &[Endpoint]) {
    if list.is_empty() {
        let _ = writeln!(out, "{title}: (none)");
        return;
    }
    let _ = writeln!(out, "{title}:");
    for e in list {
        let binding = match e.binding {
            samlscope_core::metadata::Binding::Other => e.binding_uri.as_str(),
            b => b.as_str(),
        };
        let _ = writeln!(out, "  {binding:<14} {}", e.location);
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
