//! CLI failures: one line on stderr, a documented exit code.

use std::process::ExitCode;

/// Exit code for usage or input errors (DESIGN.md: 0 valid, 1 invalid, 2 usage/input error).
pub const EXIT_INPUT: u8 = 2;

/// A failure that ends the command: printed as `samlscope: {context}: {reason}` on one line.
#[derive(Debug)]
pub struct CliError {
    pub context: &'static str,
    pub reason: String,
    pub code: u8,
}

impl CliError {
    pub fn input(context: &'static str, reason: impl std::fmt::Display) -> Self {
        Self {
            context,
            reason: reason.to_string(),
            code: EXIT_INPUT,
        }
    }

    pub fn report(&self) -> ExitCode {
        // One line, whatever the reason contains.
        let reason = self.reason.replace(['\n', '\r'], " ");
        eprintln!("samlscope: {}: {reason}", self.context);
        ExitCode::from(self.code)
    }
}
