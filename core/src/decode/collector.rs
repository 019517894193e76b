//! The one place decoded messages are collected: it counts every message found (past the cap
//! too), spends the inflate budget and records findings, so no entry point can skip a limit.

use super::*;

/// A SAML parameter value on its way to becoming a [`Decoded`].
pub(super) struct Candidate<'a> {
    pub(super) at: Where,
    /// `None`: infer from the layers (DEFLATEd → Redirect, else POST).
    pub(super) binding: Option<Binding>,
    /// Base64 text, transport decoding already applied.
    pub(super) value: Cow<'a, [u8]>,
    pub(super) layers: Vec<Layer>,
    pub(super) expect: Expect,
    pub(super) relay_state: Option<String>,
    pub(super) sig_alg: Option<String>,
    pub(super) signature: Option<String>,
    pub(super) signed_query: Option<String>,
}

/// How strictly a value is peeled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Whole {
    /// As one value may be sent: data after a DEFLATE stream is ignored.
    Lenient,
    /// As lines taken together must be to count as one value ([`payload::peel_whole`]).
    Required,
}

/// The outcome of peeling one value.
pub(super) enum Peeled {
    Xml(String),
    Failed(PeelError),
    /// The input's inflate budget is spent: the input is refused.
    OverBudget,
}

pub(super) struct Collector<'l> {
    pub(super) limits: &'l DecodeLimits,
    pub(super) out: Decoding,
    /// SAML values found, including those beyond `max_messages` (counted, not decoded).
    pub(super) seen: usize,
    /// Inflated bytes this input may still produce.
    pub(super) inflate_left: usize,
    /// A message would have inflated past `inflate_left`.
    pub(super) over_budget: bool,
}

impl Collector<'_> {
    /// Whether no further message is decoded: the count is over its limit or the inflate
    /// budget is spent. Scanning goes on only to count what the refusal reports.
    pub(super) fn full(&self) -> bool {
        self.seen > self.limits.max_messages || self.over_budget
    }

    /// Counts a decoded message and keeps it unless the input is already refused.
    pub(super) fn push(&mut self, d: Decoded) {
        self.seen += 1;
        if !self.full() {
            self.keep(d);
        }
    }

    pub(super) fn keep(&mut self, mut d: Decoded) {
        d.duplicate_of = self.out.messages.iter().position(|m| m.xml == d.xml);
        self.out.messages.push(d);
    }

    /// Counts a message that was found but cannot be read.
    pub(super) fn unread(&mut self, at: Where, error: PeelError) {
        self.seen += 1;
        if !self.full() {
            self.out.findings.push(Finding::Undecodable { at, error });
        }
    }

    /// One XML document of a paste of several.
    pub(super) fn xml(&mut self, text: &str, origin: Origin) {
        self.seen += 1;
        if self.full() {
            return;
        }
        let mut layers = Vec::new();
        match payload::xml_text(text.as_bytes().to_vec(), "input", self.limits, &mut layers) {
            Ok(xml) => self.keep(raw(xml, origin, layers)),
            Err(error) => self.out.findings.push(Finding::Undecodable {
                at: Where {
                    origin,
                    parameter: None,
                },
                error,
            }),
        }
    }

    /// A paste of base64 lines and blank lines taken whole: kept when it is exactly one
    /// message. Returns whether it was.
    pub(super) fn whole(&mut self, text: &str, origin: Origin) -> bool {
        let (value, url_decoded) = form::base64_param(text);
        let mut layers = if url_decoded {
            vec![Layer::UrlDecoded]
        } else {
            Vec::new()
        };
        match self.peel(&value, Expect::Plain, &mut layers, Whole::Required) {
            Peeled::Failed(_) => false,
            peeled => {
                self.seen += 1;
                self.record(bare(text, origin), layers, peeled);
                true
            }
        }
    }

    /// Peels one value within what the input may still inflate; inflated output is spent from
    /// it only when the value decodes.
    pub(super) fn peel(
        &mut self,
        value: &[u8],
        expect: Expect,
        layers: &mut Vec<Layer>,
        whole: Whole,
    ) -> Peeled {
        // One message inflates at most to the smaller of its own limit and what the input has
        // left; reaching the input's bound refuses the input, not just this value.
        let budgeted = self.inflate_left < self.limits.max_inflate;
        let limits = DecodeLimits {
            max_inflate: self.limits.max_inflate.min(self.inflate_left),
            ..*self.limits
        };
        let result = match whole {
            Whole::Lenient => payload::peel_base64(value, expect, &limits, layers),
            Whole::Required => payload::peel_whole(value, &limits, layers),
        };
        match result {
            Ok(xml) => {
                if layers
                    .iter()
                    .any(|l| matches!(l, Layer::Inflated | Layer::ZlibInflated))
                {
                    self.inflate_left = self.inflate_left.saturating_sub(xml.len());
                }
                Peeled::Xml(xml)
            }
            Err(PeelError::InflateLimit { .. }) if budgeted => {
                self.over_budget = true;
                Peeled::OverBudget
            }
            Err(error) => Peeled::Failed(error),
        }
    }

    /// Keeps a peeled value as a message, or its failure as a finding (the value has been
    /// counted by the caller).
    pub(super) fn record(
        &mut self,
        cand: Candidate<'_>,
        layers: Vec<Layer>,
        peeled: Peeled,
    ) -> bool {
        match peeled {
            Peeled::Xml(xml) if !self.full() => {
                let inflated = layers
                    .iter()
                    .any(|l| matches!(l, Layer::Inflated | Layer::ZlibInflated));
                let binding = cand.binding.unwrap_or(if inflated {
                    Binding::Redirect
                } else {
                    Binding::Post
                });
                self.keep(Decoded {
                    xml,
                    binding,
                    parameter: cand.at.parameter,
                    relay_state: cand.relay_state,
                    sig_alg: cand.sig_alg,
                    signature: cand.signature,
                    signed_query: cand.signed_query,
                    origin: cand.at.origin,
                    layers,
                    duplicate_of: None,
                });
                true
            }
            Peeled::Failed(error) if !self.full() => {
                self.out
                    .findings
                    .push(Finding::Undecodable { at: cand.at, error });
                false
            }
            _ => false,
        }
    }

    /// Peels one candidate; failures become findings (the caller decides at the end).
    pub(super) fn take(&mut self, cand: Candidate<'_>) -> bool {
        self.seen += 1;
        if self.full() {
            return false;
        }
        let placeholder = core::str::from_utf8(&cand.value)
            .ok()
            .filter(|v| payload::redaction_placeholder(v));
        if let Some(p) = placeholder {
            self.out.findings.push(Finding::Redacted {
                at: cand.at,
                placeholder: p.trim().to_string(),
            });
            return false;
        }
        let mut layers = cand.layers.clone();
        let peeled = self.peel(&cand.value, cand.expect, &mut layers, Whole::Lenient);
        self.record(cand, layers, peeled)
    }

    pub(super) fn finish(self, what: impl FnOnce() -> String) -> Result<Decoding, DecodeError> {
        if !self.out.messages.is_empty() {
            return Ok(self.out);
        }
        let mut undecodable = None;
        for f in self.out.findings {
            match f {
                Finding::Redacted { at, placeholder } => {
                    return Err(DecodeError::Redacted { at, placeholder });
                }
                Finding::Undecodable { at, error } => {
                    undecodable.get_or_insert(DecodeError::Peel { at, source: error });
                }
                Finding::TracerFallback { .. } | Finding::HtmlEscapedQuery { .. } => {}
            }
        }
        Err(undecodable.unwrap_or_else(|| DecodeError::NoSaml { what: what() }))
    }
}
