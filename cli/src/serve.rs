//! `samlscope serve`: the mock JumpCloud IdP, the demo SP and (when built) the inspector page
//! on one server.

use crate::error::CliError;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// TOML configuration (apps, users, groups, assignments); default: the bundled JumpCloud
    /// "avoma" setup plus the demo SP app.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Listen address (loopback by default).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Where per-app signing keys are kept so metadata stays stable across restarts.
    #[arg(long)]
    state_dir: Option<PathBuf>,
    /// The built web inspector (served at `/` when it holds an index.html).
    #[arg(long)]
    web_dist: Option<PathBuf>,
}

pub fn run(args: &Args) -> Result<ExitCode, CliError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::input("serve", e))?;
    runtime
        .block_on(samlscope_idp::serve(samlscope_idp::ServeArgs {
            config: args.config.clone(),
            addr: args.addr,
            state_dir: args.state_dir.clone(),
            web_dist: args.web_dist.clone(),
        }))
        .map_err(|e| CliError::input("serve", e))?;
    Ok(ExitCode::SUCCESS)
}
