//! Mock JumpCloud IdP: JumpCloud's configuration model (apps with their SSO-tab fields, users,
//! user groups, assignments), its SAML endpoints and flows, a scenario API that emits valid
//! responses, policy failures and every attack of core's catalogue, and a demo SP whose ACS
//! validates with core.
//!
//! As a library (Rust tests): [`start`] runs it on an ephemeral 127.0.0.1 port. As a server
//! (`samlscope serve`): [`serve`] with [`ServeArgs`].

mod admin;
pub mod admin_error;
mod api;
pub mod authn;
pub mod banner;
pub mod config;
pub mod directory_file;
pub mod directory_ops;
pub mod error;
pub mod events;
mod events_page;
pub mod form;
pub mod fresh;
pub mod http;
pub mod idp;
pub mod keys;
mod pages;
mod portal;
pub mod scenarios;
pub mod session;
mod signing;
pub mod sp;
mod sso;
pub mod token;
pub mod totp;
pub mod web;
mod wire;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

pub use admin::peer_allowed;
pub use admin_error::AdminError;
pub use config::{Config, ConfigError};
pub use directory_file::DirectoryFileError;
pub use http::router;
pub use idp::{Idp, IdpError, Made, SharedIdp, Wanted};
pub use keys::{KeyStore, default_state_dir};
pub use scenarios::{Scenario, scenarios};
pub use token::{AdminToken, TokenOrigin};
pub use web::WebPage;

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
    #[error(transparent)]
    SavedDirectory(#[from] DirectoryFileError),
    #[error(transparent)]
    Token(#[from] token::TokenError),
    #[error("cannot listen on {addr}: {why}")]
    Bind { addr: String, why: String },
    #[error(transparent)]
    Web(#[from] web::NoPageIn),
    #[error("server failed: {0}")]
    Serve(String),
}

/// A running IdP (library use). Shuts the server down when dropped.
#[derive(Debug)]
pub struct RunningIdp {
    idp: SharedIdp,
    addr: SocketAddr,
    admin_token: AdminToken,
    token_origin: TokenOrigin,
    directory_origin: DirectoryOrigin,
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

    /// The IdP itself, whose methods include the admin operations the HTTP API calls
    /// (`create_app`, `update_app`, `assign_group`, `add_member`, …; see `directory_ops`).
    pub fn idp(&self) -> &SharedIdp {
        &self.idp
    }

    /// The admin API's token (`Authorization: Bearer …`).
    pub fn admin_token(&self) -> &str {
        self.admin_token.as_str()
    }

    pub fn token_origin(&self) -> &TokenOrigin {
        &self.token_origin
    }

    /// Whether the directory served is the configuration given or the one saved earlier.
    pub fn directory_origin(&self) -> &DirectoryOrigin {
        &self.directory_origin
    }

    /// The event log: every SSO attempt and scenario-API response, as `GET /api/events` lists
    /// them ([`events::EventLog::list`]).
    pub fn events(&self) -> &events::EventLog {
        &self.idp.events
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

/// Which directory a server runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirectoryOrigin {
    /// The configuration passed to [`start_with`] (`--config` or the bundled default). With a
    /// state directory, it is saved there on the first admin change and runs from then on.
    Given,
    /// The directory saved in the state directory by the admin API (the configuration passed
    /// in is not used).
    Saved(PathBuf),
}

/// Starts the IdP on 127.0.0.1 with an ephemeral port and keys cached in memory for the
/// process (one key per app label, made on first use). Nothing is written to disk; the admin
/// token is new for each start ([`RunningIdp::admin_token`]) unless the configuration sets one.
/// Must be called inside a tokio runtime.
pub async fn start(config: Config) -> Result<RunningIdp, StartError> {
    start_with(config, KeyStore::Memory, "127.0.0.1:0".parse().ok(), None).await
}

/// [`start`] with a key store, address and web bundle of choice. With [`KeyStore::Dir`], a
/// directory saved there by the admin API (`directory.json`) is what runs, in place of
/// `config`; a saved directory that cannot be read or is invalid is an error, never replaced.
/// The web bundle is served when it holds an index.html.
pub async fn start_with(
    config: Config,
    store: KeyStore,
    addr: Option<SocketAddr>,
    web_dist: Option<PathBuf>,
) -> Result<RunningIdp, StartError> {
    start_with_page(config, store, addr, WebPage::from_dir(web_dist)).await
}

/// [`start_with`] serving the page from the source given (see [`WebPage::choose`]).
pub async fn start_with_page(
    config: Config,
    store: KeyStore,
    addr: Option<SocketAddr>,
    web: WebPage,
) -> Result<RunningIdp, StartError> {
    let (config, directory_origin) = match &store {
        KeyStore::Dir(dir) => match directory_file::load(dir)? {
            Some(saved) => (saved, DirectoryOrigin::Saved(directory_file::path_in(dir))),
            None => (config, DirectoryOrigin::Given),
        },
        KeyStore::Memory => (config, DirectoryOrigin::Given),
    };
    config.validate()?;
    let (admin_token, token_origin) = AdminToken::resolve(&config, &store)?;
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
    let app = router(idp.clone(), &web, admin_token.clone());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        // With the peer's address: the admin API answers loopback peers only by default.
        let server = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = rx.await;
        });
        if let Err(e) = server.await {
            tracing::error!("mock IdP server stopped: {e}");
        }
    });
    Ok(RunningIdp {
        idp,
        addr: local,
        admin_token,
        token_origin,
        directory_origin,
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
    /// The web inspector bundle, which must hold an index.html; `None` = the page built into
    /// the binary, else `./dist` when it holds one (see [`WebPage::choose`]).
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
    let web = WebPage::choose(args.web_dist.as_deref())?;
    let running = start_with_page(
        config,
        KeyStore::Dir(state_dir.clone()),
        Some(args.addr),
        web.clone(),
    )
    .await?;
    println!("{}", urls(&running, &state_dir, &web));
    let _ = tokio::signal::ctrl_c().await;
    println!("shutting down");
    drop(running);
    Ok(())
}

/// The banner `serve` prints.
pub fn urls(running: &RunningIdp, state_dir: &std::path::Path, web: &WebPage) -> String {
    let base = running.base_url();
    let mut s = format!("samlscope mock JumpCloud IdP listening on {base}\n");
    let what = match web {
        WebPage::Missing => "index:          ",
        WebPage::Embedded(_) | WebPage::Dir(_) => "inspector (web):",
    };
    s.push_str(&format!("  {what}   {base}/   ({})\n", web.describe()));
    s.push_str(&format!("  demo SP:           {base}/sp/\n"));
    s.push_str(&format!("  user portal:       {base}/portal\n"));
    s.push_str(&format!("  scenarios (JSON):  {base}/api/scenarios\n"));
    s.push_str(&format!(
        "  events:            {base}/events   (JSON: {base}/api/events)\n"
    ));
    for a in &running.idp.config().apps {
        s.push_str(&format!(
            "  app {:<14} IDP URL {}  metadata {}\n",
            a.label,
            running.idp.sso_url(&a.label),
            running.idp.metadata_url(&a.label)
        ));
    }
    s.push_str(&format!("  state (keys):      {}\n", state_dir.display()));
    match running.directory_origin() {
        DirectoryOrigin::Saved(p) => s.push_str(&format!(
            "  directory:         {} (saved by the admin API; --config is not read: remove the file to start again from it)\n",
            p.display()
        )),
        DirectoryOrigin::Given => s.push_str(&format!(
            "  directory:         --config (or the bundled default); the first admin API change saves it to {} and it runs from then on\n",
            directory_file::path_in(state_dir).display()
        )),
    }
    s.push_str(&format!(
        "  admin API:         {base}/api/admin/  ({})\n",
        if running.idp.config().allow_remote_admin {
            "any peer: allow_remote_admin is set"
        } else {
            "loopback peers only"
        }
    ));
    s.push_str(&format!(
        "  admin token:       {}  ({})\n",
        running.admin_token(),
        running.token_origin()
    ));
    // From the directory that runs: a saved one or another configuration has its own users.
    for (i, line) in banner::user_lines(&running.idp.config()).iter().enumerate() {
        let head = if i == 0 { "users:" } else { "" };
        s.push_str(&format!("  {head:<18} {line}\n"));
    }
    s.truncate(s.trim_end().len());
    s
}
