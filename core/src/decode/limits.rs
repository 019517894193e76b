//! How much one input may expand into: per message, per input and, shared by a run's inputs,
//! the inflate budget.

use serde::Serialize;

/// Size limits, each enforced before the expansion it bounds.
///
/// One input can hold many messages (a HAR, a SAML-tracer export, a page with several forms),
/// and compressed ones multiply: a few kilobytes of DEFLATE inflate to a megabyte. So besides the
/// per-message limits an input has two aggregate ones, and reaching either refuses the whole
/// input ([`DecodeError::TooManyMessages`], [`DecodeError::InflateBudget`]): checking only the
/// first messages would let a forged one hide behind the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DecodeLimits {
    /// Whole input (HAR files are big).
    pub max_input: usize,
    /// One decoded XML message, and one base64-decoded value.
    pub max_message: usize,
    /// Output of one inflate (CVE-2025-25293: deflate bombs).
    pub max_inflate: usize,
    /// Messages in one input; above it the input is refused, naming the count.
    pub max_messages: usize,
    /// Inflated bytes of all the messages of one input together.
    pub max_inflated_total: usize,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        Self {
            max_input: 64 << 20,
            max_message: 1 << 20,
            max_inflate: 1 << 20,
            max_messages: 64,
            max_inflated_total: 4 << 20,
        }
    }
}

/// Inflated bytes still allowed across several inputs (the lines of `check -`): each input
/// spends what its messages inflate to, on top of its own [`DecodeLimits::max_inflated_total`].
/// A caller grants more as it reads more input, so a stream's work stays proportional to its
/// size however well its messages compress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InflateBudget {
    remaining: usize,
    /// Everything granted so far (for the error).
    granted: usize,
}

impl InflateBudget {
    pub fn new(bytes: usize) -> Self {
        Self {
            remaining: bytes,
            granted: bytes,
        }
    }

    /// Adds `bytes` to what may still be inflated.
    pub fn grant(&mut self, bytes: usize) {
        self.remaining = self.remaining.saturating_add(bytes);
        self.granted = self.granted.saturating_add(bytes);
    }

    pub fn remaining(&self) -> usize {
        self.remaining
    }

    /// Takes `bytes` (inflated by one input) from what is left.
    pub(super) fn spend(&mut self, bytes: usize) {
        self.remaining = self.remaining.saturating_sub(bytes);
    }

    pub fn granted(&self) -> usize {
        self.granted
    }
}
