//! Mock JumpCloud IdP: JumpCloud's configuration model (apps with their SSO-tab fields, users,
//! user groups, assignments), its SAML endpoints and flows, a scenario API that emits valid
//! responses, policy failures and every attack of core's catalogue, and a demo SP whose ACS
//! validates with core.
//!
//! As a library (Rust tests): [`start`] runs it on an ephemeral 127.0.0.1 port. As a server
//! (`samlscope serve`): [`serve`] with [`ServeArgs`].

mod api;
pub mod config;
pub mod error;
pub mod form;
pub mod http;
pub mod idp;
pub mod keys;
mod pages;
pub mod scenarios;
mod signing;
pub mod sp;
mod sso;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

pub use config::{Config, ConfigError};
pub use http::router;
pub use idp::{Idp, IdpError, Made, SharedIdp, Wanted};
pub use keys::{KeyStore, default_state_dir};
pub use scenarios::{Scenario, scenarios};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("reading the configuration {path}: {why}")]
    ConfigFile { path: PathBuf, why: String },
    #[error(transparent)]
    Keys(#[from] keys::KeyError),
    #[error(transparent)]
    Idp(#[from] IdpError),
    #[error("cannot listen on {addr}: {why}")]
    Bind { addr: String, why: String },
    #[error("server failed: {0}")]
    Serve(String),
}

/// A running IdP (library use). Shuts the server down when dropped.
#[derive(Debug)]
pub struct RunningIdp {
    idp: SharedIdp,
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl RunningIdp {
    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn base_url(&self) -> String {
        self.idp.base_url.clone()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn idp(&self) -> &SharedIdp {
        &self.idp
    }

    /// The Metadata URL's document for `app`.
    pub fn metadata(&self, app: &str) -> Result<String, IdpError> {
        self.idp.metadata(app)
    }

    /// A scenario's response for `user`, as XML (IdP-initiated: no InResponseTo).
    pub fn response(&self, app: &str, user: &str, scenario: &str) -> Result<Made, IdpError> {
        self.response_to(app, user, scenario, None)
    }

    /// Like [`Self::response`], answering the AuthnRequest `in_response_to`.
    pub fn response_to(
        &self,
        app: &str,
        user: &str,
        scenario: &str,
        in_response_to: Option<&str>,
    ) -> Result<Made, IdpError> {
        let s = scenarios::find(scenario)
            .ok_or_else(|| IdpError::UnknownScenario(scenario.to_owned()))?;
        self.idp.response(app, user, None, in_response_to, Some(s))
    }
}

impl Drop for RunningIdp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Starts the IdP on 127.0.0.1 with an ephemeral port and keys cached in memory for the
/// process (one key per app label, made on first use). Must be called inside a tokio runtime.
pub async fn start(config: Config) -> Result<RunningIdp, StartError> {
    start_with(config, KeyStore::Memory, "127.0.0.1:0".parse().ok(), None).await
}

/// [`start`] with a key store, address and web bundle of choice.
pub async fn start_with(
    config: Config,
    store: KeyStore,
    addr: Option<SocketAddr>,
    web_dist: Option<PathBuf>,
) -> Result<RunningIdp, StartError> {
    config.validate()?;
    let addr = addr.unwrap_or(SocketAddr::from(([127, 0, 0, 1], 0)));
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| StartError::Bind {
            addr: addr.to_string(),
            why: e.to_string(),
        })?;
    let local = listener.local_addr().map_err(|e| StartError::Bind {
        addr: addr.to_string(),
        why: e.to_string(),
    })?;
    let base_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{local}"));
    let idp = tokio::task::spawn_blocking(move || Idp::new(config, &base_url, store))
        .await
        .map_err(|e| StartError::Serve(e.to_string()))??;
    let idp = Arc::new(idp);
    let app = router(idp.clone(), web_dist);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let server = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = rx.await;
        });
        if let Err(e) = server.await {
            tracing::error!("mock IdP server stopped: {e}");
        }
    });
    Ok(RunningIdp {
        idp,
        addr: local,
        shutdown: Some(tx),
    })
}

/// What `samlscope serve` parses.
#[derive(Debug, Clone)]
pub struct ServeArgs {
    /// TOML configuration; `None` = the bundled Avoma/JumpCloud default.
    pub config: Option<PathBuf>,
    /// Listen address, e.g. `127.0.0.1:8080`.
    pub addr: SocketAddr,
    /// Key material; `None` = [`default_state_dir`].
    pub state_dir: Option<PathBuf>,
    /// The web inspector bundle (served at `/` when it has an index.html); `None` = `./dist`.
    pub web_dist: Option<PathBuf>,
}

impl Default for ServeArgs {
    fn default() -> Self {
        Self {
            config: None,
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            state_dir: None,
            web_dist: None,
        }
    }
}

/// Reads the configuration file (or the bundled default) and validates it.
pub fn load_config(path: Option<&std::path::Path>) -> Result<Config, StartError> {
    match path {
        None => Ok(Config::bundled()?),
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| StartError::ConfigFile {
                path: p.to_owned(),
                why: e.to_string(),
            })?;
            Config::from_toml(&text).map_err(|e| StartError::ConfigFile {
                path: p.to_owned(),
                why: e.to_string(),
            })
        }
    }
}

/// Runs the server until Ctrl-C, after printing its URLs. For `samlscope serve`.
pub async fn serve(args: ServeArgs) -> Result<(), StartError> {
    let config = load_config(args.config.as_deref())?;
    let state_dir = args.state_dir.clone().unwrap_or_else(default_state_dir);
    let web_dist = args
        .web_dist
        .clone()
        .unwrap_or_else(|| PathBuf::from("dist"));
    let has_web = web_dist.join("index.html").is_file();
    let running = start_with(
        config,
        KeyStore::Dir(state_dir.clone()),
        Some(args.addr),
        Some(web_dist.clone()),
    )
    .await?;
    println!(
        "{}",
        urls(&running, &state_dir, has_web.then_some(&web_dist))
    );
    let _ = tokio::signal::ctrl_c().await;
    println!("shutting down");
    drop(running);
    Ok(())
}

/// The banner `serve` prints.
pub fn urls(running: &RunningIdp, state_dir: &std::path::Path, web: Option<&PathBuf>) -> String {
    let base = running.base_url();
    let mut s = format!("samlscope mock JumpCloud IdP listening on {base}\n");
    match web {
        Some(d) => s.push_str(&format!(
            "  inspector (web):   {base}/   (from {})\n",
            d.display()
        )),
        None => s.push_str(&format!(
            "  index:             {base}/   (the web inspector is not built yet)\n"
        )),
    }
    s.push_str(&format!("  demo SP:           {base}/sp/\n"));
    s.push_str(&format!("  user portal:       {base}/portal\n"));
    s.push_str(&format!("  scenarios (JSON):  {base}/api/scenarios\n"));
    for a in &running.idp.config().apps {
        s.push_str(&format!(
            "  app {:<14} IDP URL {}  metadata {}\n",
            a.label,
            running.idp.sso_url(&a.label),
            running.idp.metadata_url(&a.label)
        ));
    }
    s.push_str(&format!("  state (keys):      {}\n", state_dir.display()));
    s.push_str("  users: alice@acmecorp.com / alice-password (assigned), mallory@acmecorp.com / mallory-password (not assigned)");
    s
}
