//! `samlscope request FILE|-`: what an SP's AuthnRequest asks for, and the ID to pass as
//! `check --request-id`.
//!
//! Input in any form `decode` accepts; the typical paste is the Redirect-binding URL the browser
//! was sent to, whose signature (if any) travels in the query string rather than the XML. Exit 0
//! when no lint failed, 1 when one did, 2 when the input holds no readable AuthnRequest.
//! `--json` prints one object per request (one line each): the fields of `AuthnRequestInfo`
//! plus `binding` and, for the Redirect binding, `sig_alg` and `redirect_signed`.
//!
//! With `--sp-cert` the signature is verified as the IdP would (lint `request.signature`), and
//! signed means signed: an unsigned request fails unless `--allow-unsigned` says the SP does
//! not sign; a half-stripped query (SigAlg without Signature) or a signed element wrapped in
//! the request always fails. Keys from SP metadata verify only requests whose Issuer is their
//! entity; certificates given alone verify for any Issuer unless `--sp-entity-id` binds them.

use std::fmt::Write as _;
use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;

use samlscope_core::decode::{DecodeLimits, Decoded};
use samlscope_core::metadata::{
    AuthnRequestInfo, RedirectSignature, RequestPolicy, inspect_authn_request, sp_trust,
    verify_authn_request,
};
use samlscope_core::trust::TrustStore;

use crate::error::CliError;
use crate::input::{read_bounded, read_messages};
use crate::render::{Painter, emit};

const CONTEXT: &str = "request";

#[derive(clap::Args)]
pub struct Args {
    /// The AuthnRequest (file or `-` for stdin): Redirect URL, POST body, XML, base64, HAR, …
    pub input: PathBuf,
    /// Verify the request's signature (the Redirect query string's, or the POSTed XML
    /// signature) with the SP's signing certificate, as the IdP does with what is in its SP
    /// Certificate field: PEM or DER certificate(s), or the SP's metadata (every SP entity in
    /// it; each key verifies only requests whose Issuer is its entity). Repeatable.
    #[arg(long, value_name = "PEM|DER|METADATA")]
    pub sp_cert: Vec<PathBuf>,
    /// The SP entity the `--sp-cert` certificates given alone (not in metadata) belong to: they
    /// then verify only requests whose Issuer is this entity.
    #[arg(long, value_name = "ENTITY_ID", requires = "sp_cert")]
    pub sp_entity_id: Option<String>,
    /// The SP does not sign its requests: an unsigned request is "not checked" instead of a
    /// failure (a half-stripped query or a wrapped signature still fails).
    #[arg(long, requires = "sp_cert")]
    pub allow_unsigned: bool,
    /// Accept an RSA-SHA1 request signature (reported as weak).
    #[arg(long)]
    pub allow_sha1: bool,
    /// Print the facts and lints as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The SP keys from `--sp-cert` files (certificates, else SP metadata), the certificates given
/// alone bound to `--sp-entity-id` when it is given.
fn sp_keys(args: &Args) -> Result<TrustStore, CliError> {
    let mut trust = TrustStore::new();
    for path in &args.sp_cert {
        let bytes = read_bounded(path, DecodeLimits::default().max_message)
            .map_err(|e| CliError::input(CONTEXT, e))?;
        let found = sp_trust(&bytes)
            .map_err(|e| CliError::input(CONTEXT, format!("{}: {e}", path.display())))?;
        trust.extend(&found);
    }
    if let Some(entity) = &args.sp_entity_id {
        trust.bind_unbound(entity);
    }
    Ok(trust)
}

pub fn run(args: &Args) -> Result<ExitCode, CliError> {
    let sp_keys = sp_keys(args)?;
    let policy = RequestPolicy::new(!args.allow_unsigned, args.allow_sha1);
    let read = read_messages(&args.input).map_err(|e| CliError::input(CONTEXT, e))?;
    let messages = read.messages;
    let mut found: Vec<(&Decoded, AuthnRequestInfo)> = Vec::new();
    let mut first_error = None;
    for m in &messages {
        let inspected = if sp_keys.is_empty() {
            inspect_authn_request(m.xml.as_bytes())
        } else {
            verify_authn_request(
                m.xml.as_bytes(),
                RedirectSignature::of(m),
                &sp_keys,
                &policy,
            )
        };
        match inspected {
            Ok(info) => found.push((m, info)),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if found.is_empty() {
        let reason =
            first_error.map_or_else(|| "no AuthnRequest found".to_owned(), |e| e.to_string());
        return Err(CliError::input(CONTEXT, reason));
    }
    let painter = Painter {
        color: !args.json && std::io::stdout().is_terminal(),
    };
    let mut out = String::new();
    for (i, (m, info)) in found.iter().enumerate() {
        if args.json {
            let mut v = serde_json::to_value(info).map_err(|e| CliError::input(CONTEXT, e))?;
            if let Some(o) = v.as_object_mut() {
                o.insert("binding".into(), m.binding.as_str().into());
                o.insert("relay_state".into(), m.relay_state.clone().into());
                o.insert("sig_alg".into(), m.sig_alg.clone().into());
                o.insert("redirect_signed".into(), m.signature.is_some().into());
            }
            let _ = writeln!(out, "{v}");
        } else {
            if i > 0 {
                out.push('\n');
            }
            text(&mut out, m, info, painter);
        }
    }
    emit(&out);
    // Judging signatures (--sp-cert), a message of the paste that was not judged — unreadable,
    // or not an AuthnRequest — keeps the paste from passing: it is what the IdP would have read.
    let unjudged = read.unread + (messages.len() - found.len());
    if !sp_keys.is_empty() && unjudged > 0 {
        eprintln!(
            "samlscope: {CONTEXT}: {unjudged} message(s) of the input were found but not checked"
        );
        return Ok(ExitCode::from(1));
    }
    Ok(if found.iter().any(|(_, i)| i.has_failures()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn text(out: &mut String, m: &Decoded, info: &AuthnRequestInfo, painter: Painter) {
    let none = "(none)";
    let or_none = |v: &Option<String>| v.clone().unwrap_or_else(|| none.to_owned());
    let _ = writeln!(out, "AuthnRequest via {}", m.binding.as_str());
    let _ = writeln!(
        out,
        "  ID:               {}   (use as --request-id)",
        info.id
    );
    let _ = writeln!(out, "  Issuer:           {}", or_none(&info.issuer));
    let _ = writeln!(out, "  ACS URL:          {}", or_none(&info.acs_url));
    let _ = writeln!(
        out,
        "  ProtocolBinding:  {}",
        or_none(&info.protocol_binding)
    );
    let _ = writeln!(
        out,
        "  NameIDPolicy:     {}{}",
        or_none(&info.name_id_policy_format),
        info.allow_create
            .as_deref()
            .map_or(String::new(), |a| format!(" (AllowCreate={a})"))
    );
    let _ = writeln!(out, "  Destination:      {}", or_none(&info.destination));
    let _ = writeln!(out, "  IssueInstant:     {}", or_none(&info.issue_instant));
    let _ = writeln!(
        out,
        "  ForceAuthn:       {}   IsPassive: {}",
        info.force_authn, info.is_passive
    );
    if let Some(r) = &m.relay_state {
        let _ = writeln!(out, "  RelayState:       {r}");
    }
    // A Redirect-binding request is signed over the query string (SAML Bindings §3.4.4.1); a
    // POSTed one carries an enveloped XML signature. Presence here; with `--sp-cert` the
    // `request.signature` lint says whether it verifies.
    let signature = match (&m.signature, info.signed) {
        (Some(_), _) => format!(
            "query-string signature ({})",
            m.sig_alg.as_deref().unwrap_or("no SigAlg")
        ),
        (None, true) => "enveloped XML signature".to_owned(),
        (None, false) => "unsigned".to_owned(),
    };
    let _ = writeln!(out, "  Signature:        {signature}");
    let _ = writeln!(out, "Lints:");
    for c in &info.lints {
        painter.check(out, c);
    }
}
