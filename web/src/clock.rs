//! The page's clock: the browser's in wasm, the system's natively (tests). Core has no clock.

use samlscope_core::saml::time::Instant;

#[cfg(target_arch = "wasm32")]
pub fn now() -> Instant {
    // Date.now() is milliseconds since the epoch as an integral f64.
    Instant(js_sys::Date::now() as i64)
}

#[cfg(not(target_arch = "wasm32"))]
pub fn now() -> Instant {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    Instant(i64::try_from(ms).unwrap_or(i64::MAX))
}

/// A monotonic millisecond counter for timing validation (performance.now() in the page).
#[cfg(target_arch = "wasm32")]
pub fn millis() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

#[cfg(not(target_arch = "wasm32"))]
pub fn millis() -> f64 {
    use std::sync::OnceLock;
    static START: OnceLock<std::time::Instant> = OnceLock::new();
    START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_secs_f64()
        * 1000.0
}
