//! The inspector page. Built for wasm32 by `cargo xtask web` into `dist/`; the same code
//! compiles natively so `cargo test --workspace` covers everything but the DOM.
//!
//! The pipeline (decode → parse → verify → profile checks → report) is samlscope-core, run
//! locally: a paste is never sent anywhere. The only requests the page makes are for its own
//! files and, when served by `samlscope serve`, the mock IdP's example scenarios and app
//! metadata. A response opened from a link arrives in the URL fragment, which is never sent.

pub mod app;
pub mod clock;
pub mod examples;
pub mod inspect;
pub mod link;
pub mod trust;
pub mod views;
pub mod xml_view;

pub use app::App;
