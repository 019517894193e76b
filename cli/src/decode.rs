//! `samlscope decode FILE|-`: every SAML message in a paste, with the facts about how it was
//! found and the XML.
//!
//! Text output (default): per message a header line `#N <binding> <parameter> — <origin>`, then
//! RelayState / SigAlg / Signature / signed-octets facts, the layers peeled, and the XML
//! pretty-printed (only inter-element whitespace re-indented; `--raw` prints it as decoded).
//!
//! `--json`: one JSON array on stdout; each element is an object with `index` (0-based) and the
//! fields of `samlscope_core::decode::Decoded` (`xml` exactly as decoded, `binding`, `parameter`,
//! `relay_state`, `sig_alg`, `signature`, `signed_query`, `origin`, `layers`, `duplicate_of`).
//!
//! Findings that did not stop decoding (redacted values, skipped values, SAML-tracer fallbacks)
//! go to stderr as `samlscope: note: …` in both modes. Exit 0 when at least one message was
//! decoded, 2 with a one-line reason otherwise.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use samlscope_core::decode::{DecodeLimits, Decoded, decode_all};

use crate::error::CliError;
use crate::input::{explain, read_input};
use crate::pretty::pretty;

const CONTEXT: &str = "cannot decode input";

#[derive(clap::Args)]
pub struct Args {
    /// File to read, or `-` for stdin: XML, base64, URL, POST body, HTML page, HAR, SAML-tracer
    /// export.
    pub input: PathBuf,
    /// Print a JSON array of messages instead of text.
    #[arg(long)]
    pub json: bool,
    /// Print the XML exactly as decoded instead of re-indenting it.
    #[arg(long)]
    pub raw: bool,
}

pub fn run(args: &Args) -> Result<ExitCode, CliError> {
    let limits = DecodeLimits::default();
    let bytes =
        read_input(&args.input, limits.max_input).map_err(|e| CliError::input(CONTEXT, e))?;
    let decoding = decode_all(&bytes, &limits).map_err(|e| CliError::input(CONTEXT, explain(e)))?;

    let out = if args.json {
        json(&decoding.messages)?
    } else {
        text(&decoding.messages, args.raw)
    };
    for f in &decoding.findings {
        eprintln!("samlscope: note: {f}");
    }
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush());
    Ok(ExitCode::SUCCESS)
}

fn json(messages: &[Decoded]) -> Result<String, CliError> {
    let mut arr = Vec::with_capacity(messages.len());
    for (index, m) in messages.iter().enumerate() {
        let mut v = serde_json::to_value(m).map_err(|e| CliError::input(CONTEXT, e))?;
        if let Some(obj) = v.as_object_mut() {
            obj.insert("index".into(), index.into());
        }
        arr.push(v);
    }
    let mut s = samlscope_core::report::json_line_safe(
        serde_json::to_string_pretty(&arr).map_err(|e| CliError::input(CONTEXT, e))?,
    );
    s.push('\n');
    Ok(s)
}

fn text(messages: &[Decoded], raw: bool) -> String {
    let mut out = String::new();
    for (i, m) in messages.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let param = m
            .parameter
            .map_or(String::new(), |p| format!(" {}", p.as_str()));
        let _ = writeln!(
            out,
            "#{} {}{} — {}",
            i + 1,
            m.binding.as_str(),
            param,
            m.origin
        );
        if let Some(r) = &m.relay_state {
            let _ = writeln!(out, "  RelayState: {r}");
        }
        if let Some(a) = &m.sig_alg {
            let _ = writeln!(out, "  SigAlg:     {a}");
        }
        if let Some(s) = &m.signature {
            let _ = writeln!(
                out,
                "  Signature:  {} ({} base64 chars)",
                abbreviate(s, 48),
                s.len()
            );
        }
        if let Some(q) = &m.signed_query {
            let _ = writeln!(
                out,
                "  Signed:     {} ({} chars)",
                abbreviate(q, 48),
                q.len()
            );
        }
        let layers: Vec<&str> = m.layers.iter().map(|l| l.as_str()).collect();
        let layers = if layers.is_empty() {
            "none (raw XML)".to_string()
        } else {
            layers.join(" → ")
        };
        let _ = writeln!(out, "  Layers:     {layers}");
        if let Some(d) = m.duplicate_of {
            let _ = writeln!(out, "  Same XML as #{}", d + 1);
        }
        out.push('\n');
        match (raw, pretty(&m.xml)) {
            (false, Some(p)) => out.push_str(&p),
            (false, None) => {
                let _ = writeln!(
                    out,
                    "  (not well-formed for the pretty-printer; shown as decoded)"
                );
                push_raw(&mut out, &m.xml);
            }
            (true, _) => push_raw(&mut out, &m.xml),
        }
    }
    out
}

fn push_raw(out: &mut String, xml: &str) {
    out.push_str(xml);
    if !xml.ends_with('\n') {
        out.push('\n');
    }
}

fn abbreviate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let head: String = s.chars().take(max).collect();
    format!("{head}…")
}
