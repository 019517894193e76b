//! The one place the CLI reads the wall clock: core never does (it is sans-IO), so every command
//! that judges times takes `--now` or this.

use samlscope_core::saml::time::Instant;

use crate::error::CliError;

/// `--now` when given (RFC 3339), else the system clock.
pub fn now(arg: Option<&str>, context: &'static str) -> Result<Instant, CliError> {
    match arg {
        Some(t) => Ok(Instant::parse(t)
            .map_err(|e| CliError::input(context, e))?
            .0),
        None => {
            let millis = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_err(|e| CliError::input(context, e))?
                .as_millis();
            Ok(Instant(i64::try_from(millis).unwrap_or(i64::MAX)))
        }
    }
}
