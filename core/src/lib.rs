//! samlscope-core: turns anything an admin pastes into a verdict.
//!
//! Sans-IO on purpose: no files, no clock, no randomness. Callers pass bytes, policy and `now`;
//! the exact same code runs natively (CLI, server, tests) and as WebAssembly in the page.
#![forbid(unsafe_code)]

pub mod decode;
pub mod xml;
