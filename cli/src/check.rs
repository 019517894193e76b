//! `samlscope check`: validate SAML Responses against the SP's settings and print the Report.
//!
//! Batch mode: several FILE arguments, or `-` with one message per line on stdin (each line in
//! any form `decode` accepts), all in one process; `--json` prints one Report per line. Time
//! N responses with e.g.
//! `yes "$(base64 -w0 resp.xml)" | head -n 10000 | samlscope check - --idp-cert idp.pem --sp-entity-id … --acs-url … --json > /dev/null`.

use crate::error::CliError;
use crate::input::{explain, read_bounded, read_input};
use samlscope_core::decode::{DecodeError, DecodeLimits, InflateBudget, decode_within};
use samlscope_core::metadata::trust_from_metadata;
use samlscope_core::report::{Report, Status, Verdict, json_line_safe};
use samlscope_core::trust::{Certificate, Fingerprint, TrustSource, TrustStore};
use samlscope_core::validate::{Policy, undecodable, valid_when_issued, validate};
use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

const CONTEXT: &str = "check";

#[derive(clap::Args)]
pub struct Args {
    /// Files to check (any paste form; a HAR may hold several responses), or `-` for one
    /// message per line on stdin.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// IdP metadata (trusted signing certificates and the IdP entity ID). Repeatable.
    #[arg(long)]
    metadata: Vec<PathBuf>,
    /// A trusted IdP certificate (PEM, bare base64 or DER). Repeatable (rollover).
    #[arg(long)]
    idp_cert: Vec<PathBuf>,
    /// A trusted certificate fingerprint (SHA-256 hex; SHA-1 accepted and reported weak).
    #[arg(long)]
    fingerprint: Vec<String>,
    /// The SP's entity ID (the Audience).
    #[arg(long)]
    sp_entity_id: String,
    /// The SP's ACS URL (Destination and Recipient).
    #[arg(long)]
    acs_url: String,
    /// The IdP's entity ID (default: from --metadata).
    #[arg(long)]
    idp_entity_id: Option<String>,
    /// Check as of this time (RFC 3339, UTC) instead of now.
    #[arg(long)]
    now: Option<String>,
    /// Allowed clock skew in seconds (0 to 86400).
    #[arg(long, default_value_t = 180, value_parser = clap::value_parser!(i64).range(0..=samlscope_core::validate::Policy::MAX_SKEW_SECONDS))]
    skew: i64,
    /// The ID of the AuthnRequest this response answers (else InResponseTo is "not checked").
    #[arg(long)]
    request_id: Option<String>,
    /// The SP private key (PEM) for encrypted assertions, NameIDs (EncryptedID) and attributes.
    #[arg(long)]
    sp_key: Option<PathBuf>,
    /// Accept RSA-SHA1 / SHA-1 (reported as weak).
    #[arg(long)]
    allow_sha1: bool,
    /// Minimum RSA key size.
    #[arg(long, default_value_t = 2048, value_parser = clap::value_parser!(u64).range(1024..=16384))]
    min_rsa_bits: u64,
    /// Require the Assertion to be signed.
    #[arg(long)]
    require_signed_assertion: bool,
    /// Require the Response to be signed.
    #[arg(long)]
    require_signed_response: bool,
    /// Do not check the trusted certificate's own validity period.
    #[arg(long)]
    no_cert_validity: bool,
    /// Print the Report as JSON (one object per line).
    #[arg(long)]
    json: bool,
    /// Messages checked in one run, all inputs and `-` lines together; above it the run stops
    /// with exit 2 (one input alone holds at most 64).
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..))]
    max_messages: u64,
    /// Inflated bytes allowed per byte of input read, across the run (after a 4 MiB allowance):
    /// DEFLATEd messages multiply, so a run's work stays proportional to its input. Above it
    /// the run stops with exit 2.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..=1024))]
    inflate_ratio: u64,
}

fn policy(args: &Args) -> Result<Policy, CliError> {
    let mut trust = TrustStore::new();
    let limits = DecodeLimits::default();
    // Each metadata file's keys stay bound to its own entities (several IdPs, or a federation
    // aggregate): IdP B's key never verifies a message that claims to come from IdP A.
    let mut entities: Vec<String> = Vec::new();
    for m in &args.metadata {
        let bytes = read_bounded(m, limits.max_message).map_err(|e| CliError::input(CONTEXT, e))?;
        let (t, found) = trust_from_metadata(&bytes)
            .map_err(|e| CliError::input(CONTEXT, format!("{}: {e}", m.display())))?;
        trust.extend(&t);
        entities.extend(
            found
                .into_iter()
                .filter(|e| !entities.contains(e))
                .collect::<Vec<_>>(),
        );
    }
    for c in &args.idp_cert {
        let bytes = read_bounded(c, limits.max_message).map_err(|e| CliError::input(CONTEXT, e))?;
        for cert in Certificate::all_from_bytes(&bytes)
            .map_err(|e| CliError::input(CONTEXT, format!("{}: {e}", c.display())))?
        {
            trust.add_certificate(cert, TrustSource::PinnedCertificate);
        }
    }
    for f in &args.fingerprint {
        trust.add_fingerprint(Fingerprint::parse(f).map_err(|e| CliError::input(CONTEXT, e))?);
    }
    // A bare certificate or fingerprint signs for the IdP the admin named; with metadata of a
    // single IdP, that IdP is the expected issuer. Several IdPs and no --idp-entity-id: each
    // key's own entity decides.
    let idp_entity_id = match (&args.idp_entity_id, entities.as_slice()) {
        (Some(id), _) => {
            trust.bind_unbound(id);
            Some(id.clone())
        }
        (None, [only]) => Some(only.clone()),
        (None, _) => None,
    };
    if trust.is_empty() {
        return Err(CliError::input(
            CONTEXT,
            "no trust given: pass --metadata, --idp-cert or --fingerprint",
        ));
    }
    let sp_key = match &args.sp_key {
        Some(path) => {
            let bytes =
                read_bounded(path, limits.max_message).map_err(|e| CliError::input(CONTEXT, e))?;
            Some(
                samlscope_core::xenc::DecryptionKey::from_pem(&String::from_utf8_lossy(&bytes))
                    .map_err(|e| CliError::input(CONTEXT, format!("{}: {e}", path.display())))?,
            )
        }
        None => None,
    };
    let now = crate::clock::now(args.now.as_deref(), CONTEXT)?;
    let mut p = Policy::new(trust, now);
    p.idp_entity_id = idp_entity_id;
    p.sp_entity_id = Some(args.sp_entity_id.clone());
    p.acs_url = Some(args.acs_url.clone());
    p.skew_seconds = args.skew;
    p.request_id = args.request_id.clone();
    p.allow_sha1 = args.allow_sha1;
    p.min_rsa_bits = usize::try_from(args.min_rsa_bits).unwrap_or(usize::MAX);
    p.require_signed_assertion = args.require_signed_assertion;
    p.require_signed_response = args.require_signed_response;
    p.check_certificate_validity = !args.no_cert_validity;
    p.sp_key = sp_key;
    Ok(p)
}

/// Why an input produced no report.
enum Unchecked {
    /// Nothing in it could be read: the input counts as unreadable and the run goes on.
    Unreadable(String),
    /// An aggregate limit was reached: the run stops with exit 2, since checking only part of
    /// the input could pass a forged message that sits beyond the limit.
    Refused(String),
}

/// Everything one input yields: a report per message, and each message that was found but
/// could not be read (redacted, undecodable), which counts against the run as unreadable.
struct Checked {
    reports: Vec<Report>,
    unread: Vec<String>,
}

/// The limits of one run: the per-input ones, and the inflate budget its inputs share.
struct Run {
    limits: DecodeLimits,
    budget: InflateBudget,
    inflate_ratio: usize,
    max_messages: usize,
    messages: usize,
}

impl Run {
    /// Checks every message found in one input (an input with no decodable message is
    /// unreadable).
    fn check(&mut self, bytes: &[u8], policy: &Policy) -> Result<Checked, Unchecked> {
        self.budget
            .grant(bytes.len().saturating_mul(self.inflate_ratio));
        let decoding = match decode_within(bytes, &self.limits, &mut self.budget) {
            Ok(d) => d,
            Err(e @ (DecodeError::TooManyMessages { .. } | DecodeError::InflateBudget { .. })) => {
                return Err(Unchecked::Refused(e.to_string()));
            }
            Err(e) => return Err(Unchecked::Unreadable(explain(e))),
        };
        let unread: Vec<String> = decoding
            .findings
            .iter()
            .filter(|f| f.is_unread_message())
            .map(|f| format!("a message was found but not checked: {f}"))
            .collect();
        self.messages = self
            .messages
            .saturating_add(decoding.messages.len() + unread.len());
        if self.messages > self.max_messages {
            return Err(Unchecked::Refused(format!(
                "more than {} messages in this run (--max-messages): stopped at {}",
                self.max_messages, self.messages
            )));
        }
        let reports = decoding
            .messages
            .iter()
            .map(|m| validate(m.xml.as_bytes(), policy))
            .collect();
        Ok(Checked { reports, unread })
    }
}

struct Out {
    /// Buffered: a batch writes thousands of lines, and line-buffered stdout searched every
    /// write for a newline and issued a write per line. Flushed when the batch ends.
    stdout: std::io::BufWriter<std::io::StdoutLock<'static>>,
    json: bool,
    /// The policy, when it judged messages by the wall clock (human output only): an invalid
    /// message is then checked again as of its own IssueInstant ([`valid_when_issued`]).
    wall_clock: Option<Policy>,
    color: bool,
    valid: usize,
    invalid: usize,
    errors: usize,
}

impl Out {
    fn report(&mut self, input: &str, r: &Report) {
        match r.verdict {
            Verdict::Valid => self.valid += 1,
            Verdict::Invalid => self.invalid += 1,
        }
        if self.json {
            self.json_line(input, r);
            return;
        }
        let painter = crate::render::Painter { color: self.color };
        let head = match (r.verdict, &r.name_id) {
            (Verdict::Valid, Some(n)) => painter.paint("1;32", &format!("VALID — {n}")),
            (Verdict::Valid, None) => painter.paint("1;32", "VALID"),
            (Verdict::Invalid, _) => painter.paint("1;31", "INVALID"),
        };
        let mut text = format!("{input}: {head}{}\n", summary(r));
        if let Some(issued) = self
            .wall_clock
            .as_ref()
            .and_then(|p| valid_when_issued(r, p))
        {
            text.push_str(&format!(
                "  note: as of its IssueInstant it passes every check: the message is old, not \
                 misconfigured (inspect it as of then with --now {issued})\n"
            ));
        }
        for c in &r.checks {
            painter.check(&mut text, c);
        }
        let _ = self.stdout.write_all(text.as_bytes());
    }

    /// An input of a batch with no SAML message in it. It counts as unreadable, not invalid;
    /// with `--json` it still gets its line (a failing `input.decode` check) so a consumer
    /// reading one object per input stays aligned.
    fn checked(&mut self, input: &str, c: &Checked) {
        c.reports.iter().for_each(|r| self.report(input, r));
        c.unread.iter().for_each(|why| self.unreadable(input, why));
    }

    fn unreadable(&mut self, input: &str, why: &str) {
        self.errors += 1;
        eprintln!("samlscope: {input}: {why}");
        if self.json {
            self.json_line(input, &undecodable(why));
        }
    }

    /// Ends the run at an aggregate limit: what was printed stays (flushed), and the run is an
    /// input error whatever came before.
    fn refuse(&mut self, input: &str, why: &str) -> Result<ExitCode, CliError> {
        let _ = self.stdout.flush();
        Err(CliError::input(CONTEXT, format!("{input}: {why}")))
    }

    /// The Report as one JSON object with the input's name added as `"input"`: the Report is
    /// serialized straight to text and the name spliced in after its opening brace (building a
    /// `serde_json::Value` first, to insert the key, cost as much as validating).
    fn json_line(&mut self, input: &str, r: &Report) {
        let report = r.to_json();
        let Some(fields) = report.strip_prefix('{') else {
            // Not reached: a Report serializes as an object.
            let _ = writeln!(self.stdout, "{report}");
            return;
        };
        let name = json_line_safe(serde_json::Value::from(input).to_string());
        let _ = writeln!(self.stdout, "{{\"input\":{name},{fields}");
    }
}

/// What the verdict line says after VALID / INVALID: which checks failed (or warned), so a person
/// scanning a batch sees the cause without reading every check. Never the user of an invalid
/// message: it is not verified, and printed beside the verdict it would read as if it were.
fn summary(r: &Report) -> String {
    let status = match r.verdict {
        Verdict::Invalid => Status::Fail,
        Verdict::Valid => Status::Warn,
    };
    let mut ids: Vec<&str> = Vec::new();
    for c in r.checks.iter().filter(|c| c.status == status) {
        if !ids.contains(&c.id.as_str()) {
            ids.push(c.id.as_str());
        }
    }
    let list = ids.join(", ");
    match (r.verdict, ids.len()) {
        (_, 0) => String::new(),
        (Verdict::Invalid, 1) => format!(" — 1 check failed: {list}"),
        (Verdict::Invalid, n) => format!(" — {n} checks failed: {list}"),
        (Verdict::Valid, 1) => format!(" (1 warning: {list})"),
        (Verdict::Valid, n) => format!(" ({n} warnings: {list})"),
    }
}

pub fn run(args: &Args) -> Result<ExitCode, CliError> {
    let policy = policy(args)?;
    let limits = DecodeLimits::default();
    let mut run = Run {
        limits,
        budget: InflateBudget::new(limits.max_inflated_total),
        inflate_ratio: usize::try_from(args.inflate_ratio).unwrap_or(usize::MAX),
        max_messages: usize::try_from(args.max_messages).unwrap_or(usize::MAX),
        messages: 0,
    };
    let mut out = Out {
        stdout: std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock()),
        json: args.json,
        // Only when the wall clock judged the message: with --now the admin chose the moment.
        wall_clock: (args.now.is_none() && !args.json).then(|| policy.clone()),
        color: !args.json && std::io::stdout().is_terminal(),
        valid: 0,
        invalid: 0,
        errors: 0,
    };
    let batch = args.inputs.len() > 1 || args.inputs.iter().any(|p| p.as_os_str() == "-");
    for path in &args.inputs {
        if path.as_os_str() == "-" {
            // One message per line, streamed: memory stays bounded by one line.
            let stdin = std::io::stdin().lock();
            let mut messages = 0usize;
            for (i, line) in stdin.split(b'\n').enumerate() {
                let line = line.map_err(|e| CliError::input(CONTEXT, e))?;
                let name = format!("stdin:{}", i + 1);
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                messages += 1;
                if line.len() > limits.max_input {
                    out.unreadable(
                        &name,
                        &format!(
                            "line of {} bytes, above the input limit of {} bytes",
                            line.len(),
                            limits.max_input
                        ),
                    );
                    continue;
                }
                match run.check(&line, &policy) {
                    Ok(c) => out.checked(&name, &c),
                    Err(Unchecked::Unreadable(e)) => out.unreadable(&name, &e),
                    Err(Unchecked::Refused(e)) => return out.refuse(&name, &e),
                }
            }
            // An empty pipe (a failed `curl`, a wrong file name in a script) is an input
            // error, never exit 0: a CI step that checks nothing must not pass.
            if messages == 0 {
                out.unreadable(
                    "stdin",
                    "no message: standard input was empty or only blank lines",
                );
            }
        } else {
            let name = path.display().to_string();
            let bytes =
                read_input(path, limits.max_input).map_err(|e| CliError::input(CONTEXT, e))?;
            match run.check(&bytes, &policy) {
                Ok(c) => out.checked(&name, &c),
                Err(Unchecked::Unreadable(e)) if !batch => {
                    return Err(CliError::input(CONTEXT, format!("{name}: {e}")));
                }
                Err(Unchecked::Unreadable(e)) => out.unreadable(&name, &e),
                Err(Unchecked::Refused(e)) => return out.refuse(&name, &e),
            }
        }
    }
    let _ = out.stdout.flush();
    if batch {
        eprintln!(
            "samlscope: {} checked: {} valid, {} invalid, {} unreadable",
            out.valid + out.invalid,
            out.valid,
            out.invalid,
            out.errors
        );
    }
    Ok(if out.errors > 0 && out.valid + out.invalid == 0 {
        ExitCode::from(crate::error::EXIT_INPUT)
    } else if out.invalid > 0 || out.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use samlscope_core::checks::CheckId as C;
    use samlscope_core::report::Check;

    fn report(verdict: Verdict, checks: Vec<Check>) -> Report {
        let mut r = Report::rejected(Check::pass(C::InputDecode, "read"), String::new());
        r.verdict = verdict;
        r.checks = checks;
        r
    }

    #[test]
    fn the_verdict_line_names_failed_or_warned_checks_once_each() {
        let cases = [
            (
                Verdict::Valid,
                vec![Check::pass(C::XmlWellFormed, "ok")],
                "",
            ),
            (
                Verdict::Valid,
                vec![
                    Check::warn(C::SignatureAlgorithms, "SHA-1"),
                    Check::pass(C::XmlWellFormed, "ok"),
                    // The same id twice (Response and Assertion signature) is named once.
                    Check::warn(C::SignatureAlgorithms, "SHA-1"),
                ],
                " (1 warning: signature.algorithms)",
            ),
            (
                Verdict::Invalid,
                vec![
                    Check::fail(C::ConditionsAudience, "no"),
                    Check::warn(C::SignatureAlgorithms, "SHA-1"),
                    Check::fail(C::ConditionsWindow, "expired"),
                ],
                " — 2 checks failed: conditions.audience, conditions.window",
            ),
            (
                Verdict::Invalid,
                vec![Check::fail(C::SignatureTrusted, "no")],
                " — 1 check failed: signature.trusted",
            ),
            (
                Verdict::Valid,
                vec![
                    Check::warn(C::SignatureAlgorithms, "SHA-1"),
                    Check::warn(C::CertificateValidity, "expires soon"),
                ],
                " (2 warnings: signature.algorithms, certificate.validity)",
            ),
        ];
        for (verdict, checks, want) in cases {
            assert_eq!(summary(&report(verdict, checks)), want);
        }
    }
}
