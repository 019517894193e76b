//! Human output shared by `check`, `metadata` and `request`: one line per check (✔ pass, ✖ fail,
//! ! warning, - skipped) with expected / found / fix under failures and warnings; colours only
//! on a terminal.

use std::fmt::Write as _;

use samlscope_core::report::{Check, Status};

#[derive(Clone, Copy)]
pub struct Painter {
    pub color: bool,
}

impl Painter {
    pub fn paint(self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }

    pub fn check(self, out: &mut String, c: &Check) {
        let mark = match c.status {
            Status::Pass => self.paint("32", "✔"),
            Status::Fail => self.paint("31", "✖"),
            Status::Warn => self.paint("33", "!"),
            Status::Skipped => "-".to_owned(),
        };
        let _ = writeln!(out, "  {mark} {:<28} {}", c.id.as_str(), c.message);
        if matches!(c.status, Status::Fail | Status::Warn) {
            if let Some(e) = &c.expected {
                let _ = writeln!(out, "      expected: {e}");
            }
            if let Some(f) = &c.found {
                let _ = writeln!(out, "      found:    {f}");
            }
            if let Some(f) = &c.fix {
                let _ = writeln!(out, "      fix:      {f}");
            }
        }
    }
}

/// Writes `s` to stdout; a closed pipe (`| head`) is not an error worth a message.
pub fn emit(s: &str) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(s.as_bytes()).and_then(|()| stdout.flush());
}
