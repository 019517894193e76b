//! `samlscope scenarios`: the mock IdP's scenario catalogue (valid responses, policy failures and
//! every attack of the catalogue) with the verdict a correct SP must reach and what an SP that
//! accepts it lets happen (impact). The JSON adds the rule broken, references and the SP settings
//! under which a correct SP accepts it.

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
                "{:<24} {:<7} {:<8} {:<8} {:<28} {}",
                s.name,
                s.category,
                s.impact,
                s.expected_sp_verdict.as_str(),
                s.expected_check.unwrap_or("-"),
                s.description
            );
        }
        println!("{} scenarios", list.len());
    }
    Ok(ExitCode::SUCCESS)
}
