//! `samlscope` — the command line face of samlscope-core.
//!
//! One module per subcommand (`decode`, `check`, `metadata`, `request`, `serve`, `scenarios`); shared
//! plumbing in `input` (bounded reads of FILE or stdin) and `error` (exit codes).
//!
//! Exit codes: 0 success (for `check`: valid), 1 invalid (for `check`), 2 usage or input error.

mod check;
mod clock;
mod decode;
mod error;
mod input;
mod metadata;
mod pool;
mod pretty;
mod render;
mod request;
mod scenarios;
mod serve;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc instead of the system allocator: validating one response makes a few hundred small
/// allocations (the tree, the checks, the report) and frees them again, which mimalloc serves
/// in about half glibc's time. The validate bench runs with the same allocator, so its numbers
/// are what this binary does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "samlscope",
    version,
    about = "Inspect and validate SAML messages (JumpCloud-aware)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Find and decode every SAML message in a paste: XML, base64, URL, POST body, HTML, HAR,
    /// SAML-tracer export.
    Decode(decode::Args),
    /// Validate SAML Responses: signature and trust, what was signed, times, audience,
    /// recipient, destination, issuer — with the IdP console field to fix. Exit 0 valid, 1
    /// invalid, 2 usage/input error.
    Check(check::Args),
    /// Inspect IdP metadata: entity ID, endpoints and bindings, NameID formats, signing
    /// certificates, and lints with fix hints. Exit 0 no lint failed, 1 one did, 2 input error.
    Metadata(metadata::Args),
    /// Inspect an AuthnRequest (e.g. the Redirect URL): issuer, ACS URL, NameID policy, and the
    /// ID to pass as `check --request-id`. Exit 0 no lint failed, 1 one did, 2 input error.
    Request(request::Args),
    /// Run the mock JumpCloud IdP, the demo SP and the inspector page (prints the URLs).
    Serve(serve::Args),
    /// List the mock IdP's scenarios (valid, policy failures, attacks) with the expected verdict.
    Scenarios(scenarios::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Decode(args) => decode::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Metadata(args) => metadata::run(&args),
        Command::Request(args) => request::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Scenarios(args) => scenarios::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => e.report(),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
