//! The inspector page. Built for wasm32 by `cargo xtask web`.
