//! Where the inspector page comes from: built into the binary (`cargo xtask dist`), a built
//! folder on disk (`--web-dist`, or `./dist`), or nowhere. [`WebPage::choose`] decides once, at
//! start; the router serves what it chose and the banner says which it was.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use crate::error::HttpError;
use crate::idp::SharedIdp;

/// One file of the page, as the build embedded it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebFile {
    /// Path below the page root, `/`-separated (`index.html`, `web_bg.wasm`).
    pub name: &'static str,
    pub bytes: &'static [u8],
}

/// The page this binary carries: filled by `build.rs` when `SAMLSCOPE_EMBED_WEB` named a built
/// page folder at build time, empty otherwise.
pub const EMBEDDED: &[WebFile] = include!(concat!(env!("OUT_DIR"), "/embedded_web.rs"));

/// The folder `serve` looks in when neither a flag nor the binary provides the page.
pub const DEFAULT_DIST: &str = "dist";

/// The page's source for one server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebPage {
    /// Served from these files (this binary's [`EMBEDDED`] in production).
    Embedded(&'static [WebFile]),
    /// Served from a folder holding an `index.html`.
    Dir(PathBuf),
    /// No page: `/` is the IdP's index, saying how to get the page.
    Missing,
}

/// `--web-dist` named a folder without a page in it.
#[derive(Debug, thiserror::Error)]
#[error(
    "--web-dist {}: no index.html there (build the page with `cargo xtask web`, which writes dist/)",
    .0.display()
)]
pub struct NoPageIn(pub PathBuf);

impl WebPage {
    /// The one decision: an explicit folder wins (and must hold the page), then the page built
    /// into this binary, then `./dist` when it holds one, else none.
    pub fn choose(explicit: Option<&Path>) -> Result<Self, NoPageIn> {
        Self::choose_from(explicit, EMBEDDED, Path::new(DEFAULT_DIST))
    }

    /// [`Self::choose`] with the embedded table and the default folder given (for tests).
    pub fn choose_from(
        explicit: Option<&Path>,
        embedded: &'static [WebFile],
        default_dir: &Path,
    ) -> Result<Self, NoPageIn> {
        if let Some(dir) = explicit {
            return if has_page(dir) {
                Ok(Self::Dir(dir.to_owned()))
            } else {
                Err(NoPageIn(dir.to_owned()))
            };
        }
        if embedded.iter().any(|f| f.name == "index.html") {
            return Ok(Self::Embedded(embedded));
        }
        if has_page(default_dir) {
            return Ok(Self::Dir(default_dir.to_owned()));
        }
        Ok(Self::Missing)
    }

    /// A folder if it holds the page, else none (the library's `start_with`).
    pub fn from_dir(dir: Option<PathBuf>) -> Self {
        dir.filter(|d| has_page(d)).map_or(Self::Missing, Self::Dir)
    }

    /// For the banner: where `/` comes from.
    pub fn describe(&self) -> String {
        match self {
            Self::Embedded(files) => format!(
                "embedded in this binary: {} files, {} KB",
                files.len(),
                files.iter().map(|f| f.bytes.len()).sum::<usize>() / 1024
            ),
            Self::Dir(dir) => format!("from {}", dir.display()),
            Self::Missing => format!("the inspector page is {HOW_TO_GET}"),
        }
    }

    /// Adds what serves the page (or the index without it) to the router.
    pub(crate) fn serve(
        &self,
        router: Router<SharedIdp>,
        index: axum::routing::MethodRouter<SharedIdp>,
    ) -> Router<SharedIdp> {
        match self {
            Self::Embedded(files) => {
                let files: &'static [WebFile] = files;
                router.fallback(move |method: Method, uri: Uri| async move {
                    embedded_file(files, &method, &uri)
                })
            }
            Self::Dir(dir) => router.fallback_service(tower_http::services::ServeDir::new(dir)),
            Self::Missing => router.route("/", index).fallback(crate::error::not_found),
        }
    }
}

/// What the index and the banner say when there is no page ("the inspector page is …").
pub const HOW_TO_GET: &str = "not in this binary and no dist/ folder was found: build it with \
`cargo xtask web` (it writes dist/ in the checkout; `samlscope serve --web-dist PATH/TO/dist` serves \
it from anywhere), or use the release archive of `cargo xtask dist`, whose binary carries the page";

fn has_page(dir: &Path) -> bool {
    dir.join("index.html").is_file()
}

/// Answers a GET or HEAD with an embedded file (a path ending in `/` means its `index.html`).
fn embedded_file(files: &[WebFile], method: &Method, uri: &Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    let name = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_owned()
    };
    match files.iter().find(|f| f.name == name) {
        Some(_) if method != Method::GET && method != Method::HEAD => HttpError::Api(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{method} is not allowed on {}", uri.path()),
        )
        .into_response(),
        Some(f) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(content_type(f.name)),
                ),
                // The page's files change only with the binary: revalidate rather than cache
                // a page from an older binary on the same port.
                (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            ],
            f.bytes,
        )
            .into_response(),
        None => HttpError::Api(
            StatusCode::NOT_FOUND,
            format!("nothing at {}; GET / lists the URLs", uri.path()),
        )
        .into_response(),
    }
}

/// The type browsers need: `application/wasm`, or `WebAssembly.instantiateStreaming` refuses
/// the module; module scripts must be a JavaScript type.
pub fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::content_type;

    #[test]
    fn the_page_files_get_their_types() {
        assert_eq!(content_type("web_bg.wasm"), "application/wasm");
        assert_eq!(content_type("web.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("README"), "application/octet-stream");
    }
}
