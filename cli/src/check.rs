//! `samlscope check`: validate SAML Responses against the SP's settings and print the Report.
//!
//! Batch mode: several FILE arguments, or `-` with one message per line on stdin (each line in
//! any form `decode` accepts), all in one process; `--json` prints one compact Report per line
//! (`--json-full`: the whole Report, with the XML its spans point into). Inputs are read and
//! decoded in order on the main thread, under the run's caps and inflate budget; the messages
//! are validated and rendered on every core (see [`pool`]) and printed strictly in input order.
//! `cargo xtask bench-batch` times it end to end against python-xmlsec.

use crate::error::CliError;
use crate::input::{explain, read_bounded, read_input, read_line_bounded};
use crate::pool;
use samlscope_core::decode::{DecodeError, DecodeLimits, InflateBudget, decode_within};
use samlscope_core::metadata::trust_from_metadata;
use samlscope_core::report::{
    CertificateCard, Check, Report, SignedRegion, Status, TimeWindow, Verdict, json_line_safe,
};
use samlscope_core::saml::{Identity, MessageKind};
use samlscope_core::trust::{Certificate, Fingerprint, TrustSource, TrustStore};
use samlscope_core::validate::{Policy, undecodable, valid_when_issued, validate};
use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

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
    /// Print a compact Report as JSON, one object per line: verdict, checks, identity,
    /// certificates, time window — no document text.
    #[arg(long, conflicts_with = "json_full")]
    json: bool,
    /// Print the full Report as JSON, one object per line: also the decoded XML (and the
    /// decrypted assertion) that the spans point into, and the spans.
    #[arg(long)]
    json_full: bool,
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

/// Why an input produced no messages to check.
enum Unchecked {
    /// Nothing in it could be read: the input counts as unreadable and the run goes on.
    Unreadable(String),
    /// An aggregate limit was reached: the run stops with exit 2, since checking only part of
    /// the input could pass a forged message that sits beyond the limit.
    Refused(String),
}

/// Everything one input yields: each message's XML, to validate, and each message that was
/// found but could not be read (redacted, undecodable), which counts against the run as
/// unreadable.
struct Decoded {
    messages: Vec<String>,
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
    /// Decodes one input, in input order, under the run's caps (an input with no decodable
    /// message is unreadable). Validation happens elsewhere, in parallel.
    fn decode(&mut self, bytes: &[u8]) -> Result<Decoded, Unchecked> {
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
        Ok(Decoded {
            messages: decoding.messages.into_iter().map(|m| m.xml).collect(),
            unread,
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    /// `--json`: [`Compact`].
    Json,
    /// `--json-full`: the Report as it is.
    JsonFull,
}

/// Turns a message into its output; shared by the workers.
struct Render<'a> {
    policy: &'a Policy,
    format: Format,
    /// The policy, when it judged messages by the wall clock (human output only): an invalid
    /// message is then checked again as of its own IssueInstant ([`valid_when_issued`]).
    wall_clock: bool,
    color: bool,
}

/// One entry of the output, in input order: what it counts as and what it prints.
struct Entry {
    counts: Counts,
    /// For stdout.
    text: String,
}

enum Counts {
    Verdict(Verdict),
    /// Unreadable: `input: why`, for stderr.
    Unreadable(String),
}

/// A message to validate: which input it came from and its XML.
struct Job {
    input: Arc<str>,
    xml: String,
}

impl Render<'_> {
    /// Validates one message and renders its report (runs on a worker).
    fn message(&self, job: &Job) -> Entry {
        let r = validate(job.xml.as_bytes(), self.policy);
        Entry {
            counts: Counts::Verdict(r.verdict),
            text: self.report(&job.input, &r),
        }
    }

    /// An input of a batch with no SAML message in it. It counts as unreadable, not invalid;
    /// with `--json` it still gets its line (a failing `input.decode` check) so a consumer
    /// reading one object per input stays aligned.
    fn unreadable(&self, input: &str, why: &str) -> Entry {
        Entry {
            counts: Counts::Unreadable(format!("{input}: {why}")),
            text: match self.format {
                Format::Text => String::new(),
                Format::Json | Format::JsonFull => self.report(input, &undecodable(why)),
            },
        }
    }

    fn report(&self, input: &str, r: &Report) -> String {
        match self.format {
            Format::Json => compact_line(input, r),
            Format::JsonFull => full_line(input, r),
            Format::Text => self.text(input, r),
        }
    }

    fn text(&self, input: &str, r: &Report) -> String {
        let painter = crate::render::Painter { color: self.color };
        let head = match (r.verdict, &r.name_id) {
            (Verdict::Valid, Some(n)) => painter.paint("1;32", &format!("VALID — {n}")),
            (Verdict::Valid, None) => painter.paint("1;32", "VALID"),
            (Verdict::Invalid, _) => painter.paint("1;31", "INVALID"),
        };
        let mut text = format!("{input}: {head}{}\n", summary(r));
        if let Some(issued) = Some(self.policy)
            .filter(|_| self.wall_clock)
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
        text
    }
}

/// The full Report as one JSON line with the input's name added as `"input"`: the Report is
/// serialized straight to text and the name spliced in after its opening brace (building a
/// `serde_json::Value` first, to insert the key, cost as much as validating).
fn full_line(input: &str, r: &Report) -> String {
    let report = r.to_json();
    let Some(fields) = report.strip_prefix('{') else {
        // Not reached: a Report serializes as an object.
        return format!("{report}\n");
    };
    let name = json_line_safe(serde_json::Value::from(input).to_string());
    format!("{{\"input\":{name},{fields}\n")
}

/// `--json`: the Report without the document text — no `xml`, no `decrypted_assertion` —
/// and otherwise the same fields under the same names, so a reader of the compact report reads
/// the full one too. Its spans still say where each finding is: in the XML that `--json-full`
/// carries and `samlscope decode` prints.
#[derive(serde::Serialize)]
struct Compact<'a> {
    input: &'a str,
    verdict: Verdict,
    message_kind: MessageKind,
    name_id: Option<&'a str>,
    identity: Option<&'a Identity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unverified_identity: Option<&'a Identity>,
    issuer: Option<&'a str>,
    jumpcloud: bool,
    checks: &'a [Check],
    certificates: &'a [CertificateCard],
    signed_regions: &'a [SignedRegion],
    #[serde(skip_serializing_if = "Option::is_none")]
    time_window: Option<&'a TimeWindow>,
}

fn compact_line(input: &str, r: &Report) -> String {
    let compact = Compact {
        input,
        verdict: r.verdict,
        message_kind: r.message_kind,
        name_id: r.name_id.as_deref(),
        identity: r.identity.as_ref(),
        unverified_identity: r.unverified_identity.as_ref(),
        issuer: r.issuer.as_deref(),
        jumpcloud: r.jumpcloud,
        checks: &r.checks,
        certificates: &r.certificates,
        signed_regions: &r.signed_regions,
        time_window: r.time_window.as_ref(),
    };
    let mut line =
        serde_json::to_string(&compact).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    if has_line_separator(line.as_bytes()) {
        line = json_line_safe(line);
    }
    line.push('\n');
    line
}

/// Whether UTF-8 text holds U+2028 or U+2029 (E2 80 A8 / E2 80 A9): a memchr for E2 is much
/// faster than a search for the two characters, and E2 is rare outside dashes and quotes.
fn has_line_separator(text: &[u8]) -> bool {
    memchr::memchr_iter(0xE2, text).any(|i| {
        text.get(i + 1..i + 3)
            .is_some_and(|t| matches!(t, [0x80, 0xA8 | 0xA9]))
    })
}

struct Out {
    /// Buffered: a batch writes thousands of lines, and line-buffered stdout searched every
    /// write for a newline and issued a write per line. 1 MiB: a `--json` line is about 7 KB,
    /// so a write call carries some 140 of them. Flushed when the batch ends.
    stdout: std::io::BufWriter<std::io::StdoutLock<'static>>,
    valid: usize,
    invalid: usize,
    errors: usize,
}

impl Out {
    fn emit(&mut self, e: Entry) {
        match e.counts {
            Counts::Verdict(Verdict::Valid) => self.valid += 1,
            Counts::Verdict(Verdict::Invalid) => self.invalid += 1,
            Counts::Unreadable(why) => {
                self.errors += 1;
                eprintln!("samlscope: {why}");
            }
        }
        let _ = self.stdout.write_all(e.text.as_bytes());
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

/// Why the reading loop stopped before the end.
enum Stop {
    /// A limit or a failed read: the run is an input error whatever came before.
    Input(String),
    /// The single input of a non-batch run was unreadable.
    Unreadable(String),
    Worker,
}

impl From<pool::WorkerFailed> for Stop {
    fn from(_: pool::WorkerFailed) -> Self {
        Self::Worker
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
    let format = match (args.json, args.json_full) {
        (_, true) => Format::JsonFull,
        (true, false) => Format::Json,
        (false, false) => Format::Text,
    };
    let render = Render {
        policy: &policy,
        format,
        // Only when the wall clock judged the message: with --now the admin chose the moment.
        wall_clock: args.now.is_none() && format == Format::Text,
        color: format == Format::Text && std::io::stdout().is_terminal(),
    };
    let mut out = Out {
        stdout: std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock()),
        valid: 0,
        invalid: 0,
        errors: 0,
    };
    let batch = args.inputs.len() > 1 || args.inputs.iter().any(|p| p.as_os_str() == "-");
    let stopped = pool::scope(
        pool::workers(),
        |chunk: Vec<Job>| chunk.iter().map(|job| render.message(job)).collect(),
        |ordered: &mut Ordered| {
            let mut emit = |entries: Vec<Entry>| entries.into_iter().for_each(|e| out.emit(e));
            let mut feed = Feed {
                ordered,
                render: &render,
                emit: &mut emit,
                chunk: Vec::new(),
            };
            let stop = read_all(args, batch, &mut run, &mut feed);
            // Whatever stopped the run, every message before it is checked and printed first,
            // in order.
            let sent = feed.send();
            let drained = ordered.drain(&mut emit);
            match (stop, sent, drained) {
                (Err(stop), _, _) | (Ok(()), Err(stop), _) => Err(stop),
                (Ok(()), Ok(()), Err(w)) => Err(Stop::from(w)),
                (Ok(()), Ok(()), Ok(())) => Ok(()),
            }
        },
    );
    let _ = out.stdout.flush();
    match stopped {
        Ok(()) => {}
        Err(Stop::Input(why) | Stop::Unreadable(why)) => {
            return Err(CliError::input(CONTEXT, why));
        }
        Err(Stop::Worker) => {
            return Err(CliError::input(
                CONTEXT,
                "internal error: a message could not be checked (a worker thread failed)",
            ));
        }
    }
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

/// Messages validated by one worker in one go: fewer hand-offs between threads (each costs a
/// few microseconds of wake-ups, against about 70 of validating a message), while a batch
/// still spreads over every core.
const CHUNK: usize = 16;

/// What goes to a worker, and what comes back, in input order.
type Ordered = pool::Ordered<Vec<Job>, Vec<Entry>>;

/// The queue as the reading loop fills it: messages are gathered into chunks, and an entry
/// that needs no worker (an unreadable input) first sends the chunk before it, so that the
/// order is kept.
struct Feed<'a, 'r, E> {
    ordered: &'a mut Ordered,
    render: &'a Render<'r>,
    emit: &'a mut E,
    chunk: Vec<Job>,
}

impl<E: FnMut(Vec<Entry>)> Feed<'_, '_, E> {
    fn message(&mut self, job: Job) -> Result<(), Stop> {
        self.chunk.push(job);
        if self.chunk.len() >= CHUNK {
            self.send()?;
        }
        Ok(())
    }

    fn unreadable(&mut self, input: &str, why: &str) -> Result<(), Stop> {
        self.send()?;
        let entry = self.render.unreadable(input, why);
        self.ordered.ready(vec![entry], self.emit);
        Ok(())
    }

    fn send(&mut self) -> Result<(), Stop> {
        if !self.chunk.is_empty() {
            let chunk = std::mem::take(&mut self.chunk);
            self.ordered.submit(chunk, self.emit)?;
        }
        Ok(())
    }

    /// One input's messages and unread ones, in order.
    fn decoded(&mut self, name: &str, d: Decoded) -> Result<(), Stop> {
        let input: Arc<str> = Arc::from(name);
        for xml in d.messages {
            self.message(Job {
                input: Arc::clone(&input),
                xml,
            })?;
        }
        for why in &d.unread {
            self.unreadable(name, why)?;
        }
        Ok(())
    }
}

/// Reads and decodes every input in order, queueing each message for the workers and each
/// unreadable input in its place.
fn read_all<E: FnMut(Vec<Entry>)>(
    args: &Args,
    batch: bool,
    run: &mut Run,
    feed: &mut Feed<'_, '_, E>,
) -> Result<(), Stop> {
    let limits = run.limits;
    for path in &args.inputs {
        if path.as_os_str() == "-" {
            // One message per line, streamed: memory stays bounded by one line (cut at the input
            // limit) and the window.
            // A line is kilobytes of base64: a 1 MiB buffer reads many lines per system call
            // (stdin's own 8 KiB took one or two per line), and the line's buffer is reused.
            let mut stdin = std::io::BufReader::with_capacity(1 << 20, std::io::stdin().lock());
            let mut line = Vec::new();
            let mut messages = 0usize;
            for i in 1.. {
                let Some(read) = read_line_bounded(&mut stdin, &mut line, limits.max_input)
                    .map_err(|e| Stop::Input(e.to_string()))?
                else {
                    break;
                };
                let name = format!("stdin:{i}");
                if read.blank {
                    continue;
                }
                messages += 1;
                if read.len > limits.max_input {
                    let why = format!(
                        "line of {} bytes, above the input limit of {} bytes",
                        read.len, limits.max_input
                    );
                    feed.unreadable(&name, &why)?;
                    continue;
                }
                match run.decode(&line) {
                    Ok(d) => feed.decoded(&name, d)?,
                    Err(Unchecked::Unreadable(e)) => feed.unreadable(&name, &e)?,
                    Err(Unchecked::Refused(e)) => return Err(Stop::Input(format!("{name}: {e}"))),
                }
            }
            // An empty pipe (a failed `curl`, a wrong file name in a script) is an input
            // error, never exit 0: a CI step that checks nothing must not pass.
            if messages == 0 {
                feed.unreadable(
                    "stdin",
                    "no message: standard input was empty or only blank lines",
                )?;
            }
        } else {
            let name = path.display().to_string();
            let bytes = read_input(path, limits.max_input).map_err(Stop::Input)?;
            match run.decode(&bytes) {
                Ok(d) => feed.decoded(&name, d)?,
                Err(Unchecked::Unreadable(e)) if !batch => {
                    return Err(Stop::Unreadable(format!("{name}: {e}")));
                }
                Err(Unchecked::Unreadable(e)) => feed.unreadable(&name, &e)?,
                Err(Unchecked::Refused(e)) => return Err(Stop::Input(format!("{name}: {e}"))),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use samlscope_core::checks::CheckId as C;

    fn report(verdict: Verdict, checks: Vec<Check>) -> Report {
        let mut r = Report::rejected(Check::pass(C::InputDecode, "read"), String::new());
        r.verdict = verdict;
        r.checks = checks;
        r
    }

    #[test]
    fn line_separators_are_found_and_dashes_are_not() {
        assert!(has_line_separator("a\u{2028}b".as_bytes()));
        assert!(has_line_separator("— \u{2029}".as_bytes()));
        assert!(!has_line_separator("VALID — “quoted” …".as_bytes()));
        assert!(!has_line_separator(b"\xE2\x80"));
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
