//! Entry point of the page: `web.js` (made by wasm-bindgen) calls `main` when the module loads.

#[cfg(target_arch = "wasm32")]
fn main() {
    yew::Renderer::<samlscope_web::App>::new().render();
}

// Natively there is no DOM; the binary exists so the crate builds and tests everywhere.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("samlscope-web is a page: build it with `cargo xtask web` and open dist/index.html");
}
