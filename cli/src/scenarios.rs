//! `samlscope scenarios`: the mock IdP's scenario catalogue (valid responses, policy failures and
//! every attack of the catalogue) with the verdict a correct SP must reach.

use crate::error::CliError;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Print JSON (the same list as GET /api/scenarios).
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args) -> Result<ExitCode, CliError> {
    let list = samlscope_idp::scenarios();
    if args.json {
        let text =
            serde_json::to_string_pretty(&list).map_err(|e| CliError::input("scenarios", e))?;
        println!("{text}");
    } else {
        for s in list {
            println!(
                "{:<28} {:<7} {:<8} {:<32} {}",
                s.name,
                s.category,
                s.expected_sp_verdict.as_str(),
                s.expected_check.unwrap_or("-"),
                s.description
            );
        }
        println!("{} scenarios", list.len());
    }
    Ok(ExitCode::SUCCESS)
}
