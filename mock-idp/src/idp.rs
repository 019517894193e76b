//! The IdP's state and the making of responses: content from the configuration (NameID,
//! attributes, groups, session, conditions window, InResponseTo), signatures as the app's Sign
//! option says, and the scenario variants.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, RwLock};

use axum::http::StatusCode;
use samlscope_core::algorithm;
use samlscope_core::saml::time::Instant;
use samlscope_core::trust::Certificate;
use samlscope_core::xml::escape_attr;
use samlscope_forge::attacks::Fixture;
use samlscope_forge::build::{self, ResponseSpec, STATUS_SUCCESS};
use samlscope_forge::sign::{SignOptions, sign_enveloped};

use crate::authn::{Authn, AuthnMethod};
use crate::config::{App, Config, ConfigError, Sign, SignatureAlgorithm, User};
use crate::directory_file::{self, DirectoryFileError};
use crate::error::HttpError;
use crate::events::EventLog;
use crate::fresh::{now, random_id};
use crate::keys::{KeyError, KeyMaterial, KeyName, KeyStore};
use crate::scenarios::{Kind, PolicyFailure, Scenario};
use crate::session::SessionStore;
use crate::signing::Signers;
use crate::totp::ReplayGuard;

/// The state every route holds: one IdP shared by the handlers of all requests.
pub type SharedIdp = Arc<Idp>;

/// Everything the handlers share.
#[derive(Debug)]
pub struct Idp {
    pub base_url: String,
    /// The directory as it is now: read as one snapshot per request, replaced whole on a change
    /// (so a request never sees half an edit).
    live: RwLock<Arc<Directory>>,
    /// Serializes changes: each starts from the directory the previous one left.
    changing: Mutex<()>,
    attacker: Arc<KeyMaterial>,
    /// The demo SP's own key pair (see `App::encrypt_assertion`).
    demo_sp: Arc<KeyMaterial>,
    store: KeyStore,
    signers: Signers,
    /// Demo SP: RelayState token → AuthnRequest ID it sent (bounded).
    pub(crate) sp_pending: Mutex<VecDeque<(String, String)>>,
    /// Who is logged in (the session cookie's server side).
    pub sessions: SessionStore,
    /// The last accepted TOTP step per user (no code is accepted twice).
    pub totp_replay: ReplayGuard,
    /// Every SSO attempt and scenario-API response (bounded ring buffer).
    pub events: EventLog,
}

/// The configuration with what is derived from it: one consistent snapshot.
#[derive(Debug)]
pub struct Directory {
    /// The configuration with `{base_url}` already substituted.
    pub config: Arc<Config>,
    /// The configuration as written (`{base_url}` kept): what changes edit and what is saved,
    /// so a restart on another address still substitutes its own URL.
    pub source: Arc<Config>,
    keys: HashMap<String, Arc<KeyMaterial>>,
    /// Per app that encrypts assertions: the SP certificate to encrypt for, parsed once (a
    /// configuration error stays the error of every response).
    encrypt_for: HashMap<String, Result<Certificate, String>>,
}

impl Directory {
    /// `config` made ready to serve: `{base_url}` substituted, apps that encrypt for the demo
    /// SP without naming a certificate given its own (as if the admin had uploaded the SP's
    /// certificate; decided before `{base_url}` is replaced), a key for every app (kept from
    /// `kept` while its label lives, else loaded or made), encryption certificates parsed.
    fn prepare(
        config: Config,
        base_url: &str,
        store: &KeyStore,
        demo_sp: &KeyMaterial,
        kept: &HashMap<String, Arc<KeyMaterial>>,
    ) -> Result<Self, IdpError> {
        let source = Arc::new(config.clone());
        let for_demo_sp: Vec<String> = config
            .apps
            .iter()
            .filter(|a| a.encrypt_assertion && a.sp_certificate.is_none() && a.is_demo_sp())
            .map(|a| a.label.clone())
            .collect();
        let mut config = config.with_base_url(base_url);
        for app in &mut config.apps {
            if for_demo_sp.contains(&app.label) {
                app.sp_certificate = Some(demo_sp.cert_pem.clone());
            }
        }
        let mut keys = HashMap::new();
        for app in &config.apps {
            let k = match kept.get(&app.label) {
                Some(k) => Arc::clone(k),
                None => store.load_or_create(KeyName::App(&app.label), &common_name(app))?,
            };
            keys.insert(app.label.clone(), k);
        }
        let encrypt_for = config
            .apps
            .iter()
            .filter(|a| a.encrypt_assertion)
            .map(|a| (a.label.clone(), encryption_certificate(a)))
            .collect();
        Ok(Self {
            config: Arc::new(config),
            source,
            keys,
            encrypt_for,
        })
    }

    pub fn app(&self, label: &str) -> Result<&App, IdpError> {
        self.config
            .app(label)
            .ok_or_else(|| IdpError::UnknownApp(label.to_owned()))
    }

    pub fn keys(&self, label: &str) -> Result<Arc<KeyMaterial>, IdpError> {
        self.keys
            .get(label)
            .cloned()
            .ok_or_else(|| IdpError::UnknownApp(label.to_owned()))
    }
}

/// Why a response could not be made.
#[derive(Debug, thiserror::Error)]
pub enum IdpError {
    #[error("no application with IDP URL label {0:?}")]
    UnknownApp(String),
    #[error("no user {0:?} in the directory")]
    UnknownUser(String),
    #[error("no scenario {0:?} (GET /api/scenarios lists them)")]
    UnknownScenario(String),
    #[error("{0}")]
    Keys(#[from] KeyError),
    #[error(transparent)]
    Config(ConfigError),
    #[error("building the response failed: {0}")]
    Build(String),
    #[error(transparent)]
    Save(#[from] DirectoryFileError),
}

/// What [`Idp::response_off_reactor`] makes: [`Idp::response`]'s arguments, owned.
#[derive(Debug, Clone)]
pub struct Wanted {
    pub label: String,
    pub email: String,
    pub acs_url: Option<String>,
    pub in_response_to: Option<String>,
    pub scenario: Option<&'static Scenario>,
    /// The IdP session the response speaks for; `None`: a login right now, by password, in a
    /// session of its own (scenario responses made through the API).
    pub authn: Option<Authn>,
}

/// A response ready to post.
#[derive(Debug, Clone)]
pub struct Made {
    pub xml: String,
    /// The Response's `ID`.
    pub response_id: String,
    pub acs_url: String,
    /// The identity the IdP signed into the response.
    pub name_id: String,
    /// For attacks: the identity the attacker planted.
    pub evil_name_id: Option<String>,
}

impl Idp {
    /// Loads or creates every app's key, the attacker's and the demo SP's.
    pub fn new(config: Config, base_url: &str, store: KeyStore) -> Result<Self, IdpError> {
        let base_url = base_url.trim_end_matches('/').to_owned();
        // The attacker's certificate copies the IdP's subject (a look-alike): only the key
        // differs, which is what an SP that trusts KeyInfo by name would miss.
        let attacker = store.load_or_create(KeyName::Attacker, "JumpCloud")?;
        let demo_sp = store.load_or_create(KeyName::DemoSp, "samlscope demo SP")?;
        let directory = Directory::prepare(config, &base_url, &store, &demo_sp, &HashMap::new())?;
        Ok(Self {
            base_url,
            live: RwLock::new(Arc::new(directory)),
            changing: Mutex::new(()),
            attacker,
            demo_sp,
            store,
            signers: Signers::new(),
            sp_pending: Mutex::new(VecDeque::new()),
            sessions: SessionStore::default(),
            totp_replay: ReplayGuard::default(),
            events: EventLog::new(),
        })
    }

    /// The directory now: one snapshot, for everything one request reads.
    pub fn directory(&self) -> Arc<Directory> {
        match self.live.read() {
            Ok(d) => Arc::clone(&d),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// The configuration now (`{base_url}` substituted).
    pub fn config(&self) -> Arc<Config> {
        Arc::clone(&self.directory().config)
    }

    /// The configuration as written (`{base_url}` kept): what [`Self::change`] edits.
    pub fn source(&self) -> Arc<Config> {
        Arc::clone(&self.directory().source)
    }

    /// Replaces the whole configuration at once: validated first, keys made for new apps
    /// (an app keeps its key while its label lives), saved to the state directory when there
    /// is one, then swapped in, so every request sees either the old directory or the new one.
    /// `change` gets the configuration as written (`{base_url}` kept, see [`Self::source`]) and
    /// edits it; changes are serialized, and so are their writes to disk, in the same order.
    pub fn change<T>(
        &self,
        change: impl FnOnce(&mut Config) -> Result<T, IdpError>,
    ) -> Result<T, IdpError> {
        self.change_with(change)
    }

    /// [`Self::change`] for callers with their own error type.
    pub fn change_with<T, E: From<IdpError>>(
        &self,
        change: impl FnOnce(&mut Config) -> Result<T, E>,
    ) -> Result<T, E> {
        let _one_at_a_time = match self.changing.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let now = self.directory();
        let mut config = Config::clone(&now.source);
        let out = change(&mut config)?;
        config.validate().map_err(IdpError::Config)?;
        let next = Directory::prepare(
            config,
            &self.base_url,
            &self.store,
            &self.demo_sp,
            &now.keys,
        )?;
        // Saved before it is served: a directory that could not be saved is refused whole, so
        // what runs is always what a restart runs.
        if let KeyStore::Dir(dir) = &self.store {
            directory_file::save(dir, &next.source).map_err(IdpError::from)?;
        }
        match self.live.write() {
            Ok(mut g) => *g = Arc::new(next),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(next),
        }
        Ok(out)
    }

    /// The demo SP's private key (PEM): apps that encrypt for the demo SP encrypt for it.
    pub fn demo_sp_key_pem(&self) -> &str {
        &self.demo_sp.key_pem
    }

    pub fn app(&self, label: &str) -> Result<App, IdpError> {
        self.directory().app(label).cloned()
    }

    pub fn keys(&self, label: &str) -> Result<Arc<KeyMaterial>, IdpError> {
        self.directory().keys(label)
    }

    /// "Regenerate certificate": a new key and certificate; the old ones are gone (JumpCloud
    /// has no overlap period).
    pub fn rotate(&self, label: &str) -> Result<Arc<KeyMaterial>, IdpError> {
        let _one_at_a_time = match self.changing.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let now = self.directory();
        let app = now.app(label)?;
        let k = self.store.create(KeyName::App(label), &common_name(app))?;
        let mut keys = now.keys.clone();
        keys.insert(label.to_owned(), k.clone());
        let next = Directory {
            config: Arc::clone(&now.config),
            source: Arc::clone(&now.source),
            keys,
            encrypt_for: now.encrypt_for.clone(),
        };
        match self.live.write() {
            Ok(mut g) => *g = Arc::new(next),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(next),
        }
        Ok(k)
    }

    /// `{base_url}/saml2/{label}`: the IDP URL (both bindings share it, like JumpCloud).
    pub fn sso_url(&self, label: &str) -> String {
        format!("{}/saml2/{label}", self.base_url)
    }

    pub fn metadata_url(&self, label: &str) -> String {
        format!("{}/saml2/{label}/metadata", self.base_url)
    }

    /// The Metadata URL's document.
    pub fn metadata(&self, label: &str) -> Result<String, IdpError> {
        let directory = self.directory();
        let app = directory.app(label)?;
        let keys = directory.keys(label)?;
        Ok(build::idp_metadata_xml(
            &app.idp_entity_id,
            &self.sso_url(label),
            &keys.certificate.to_base64(),
            app.declare_redirect_endpoint,
            &app.name_id_format,
        ))
    }

    fn options(app: &App) -> SignOptions {
        match app.signature_algorithm {
            SignatureAlgorithm::RsaSha256 => SignOptions::default(),
            SignatureAlgorithm::RsaSha1 => SignOptions {
                signature: algorithm::SignatureAlgorithm::RsaSha1,
                digest: algorithm::DigestAlgorithm::Sha1,
                ..SignOptions::default()
            },
        }
    }

    /// Signs as `sign` says: the assertion first, so a Response signature covers it signed; an
    /// assertion to encrypt (`encrypt_for`: the SP's certificate) is encrypted in between, so
    /// it is signed inside and the Response signature covers the EncryptedAssertion.
    fn sign(
        keys: &KeyMaterial,
        options: &SignOptions,
        spec: &ResponseSpec,
        xml: String,
        sign: Sign,
        encrypt_for: Option<&Certificate>,
    ) -> Result<String, IdpError> {
        let mut xml = xml;
        let has_assertion = spec.status == STATUS_SUCCESS;
        let sign_with = |xml: &str, id: &str| {
            sign_enveloped(xml, id, &keys.signer, options)
                .map_err(|e| IdpError::Build(e.to_string()))
        };
        if matches!(sign, Sign::Assertion | Sign::Both) && has_assertion {
            xml = sign_with(&xml, &spec.assertion_id)?;
        }
        if let (Some(cert), true) = (encrypt_for, has_assertion) {
            xml = encrypt_assertion_in(&xml, cert)?;
        }
        if matches!(sign, Sign::Response | Sign::Both) || !has_assertion {
            xml = sign_with(&xml, &spec.response_id)?;
        }
        Ok(xml)
    }

    /// [`Self::response`] on the signing threads ([`Signers`]), for the HTTP handlers: a
    /// response costs about 0.3 ms of CPU per RSA-2048 signature, which would otherwise hold an
    /// async worker, and every connection waiting on it, for that long.
    pub async fn response_off_reactor(self: &Arc<Self>, wanted: Wanted) -> Result<Made, IdpError> {
        let idp = Arc::clone(self);
        self.signers
            .run(move || {
                idp.response_in_session(
                    &wanted.label,
                    &wanted.email,
                    wanted.acs_url.as_deref(),
                    wanted.in_response_to.as_deref(),
                    wanted.scenario,
                    wanted.authn.as_ref(),
                )
            })
            .await
            .map_err(|_| IdpError::Build("the signing thread failed".into()))?
    }

    /// [`Self::no_passive`] on the signing threads.
    pub async fn no_passive_off_reactor(
        self: &Arc<Self>,
        label: String,
        acs_url: String,
        in_response_to: String,
    ) -> Result<Made, IdpError> {
        let idp = Arc::clone(self);
        self.signers
            .run(move || idp.no_passive(&label, &acs_url, &in_response_to))
            .await
            .map_err(|_| IdpError::Build("the signing thread failed".into()))?
    }

    /// The answer to an `IsPassive="true"` request the IdP cannot satisfy without showing a
    /// page (no session, or ForceAuthn as well): a signed Response with status Responder /
    /// NoPassive and no assertion (SAML core §3.4.1, §3.2.2.2), so the SP learns at once that
    /// the user is not logged in instead of waiting on a login page it asked not to get.
    pub fn no_passive(
        &self,
        label: &str,
        acs_url: &str,
        in_response_to: &str,
    ) -> Result<Made, IdpError> {
        let directory = self.directory();
        let app = directory.app(label)?;
        let keys = directory.keys(label)?;
        let now = now().to_rfc3339();
        let spec = ResponseSpec {
            response_id: random_id(),
            issue_instant: now.clone(),
            idp_entity_id: app.idp_entity_id.clone(),
            acs_url: acs_url.to_owned(),
            in_response_to: Some(in_response_to.to_owned()),
            status: build::STATUS_RESPONDER.to_owned(),
            sub_status: Some(build::STATUS_NO_PASSIVE.to_owned()),
            // No assertion is written for a non-success status: the rest stays empty.
            assertion_id: String::new(),
            not_before: now.clone(),
            not_on_or_after: now,
            session_not_on_or_after: None,
            sp_entity_id: app.sp_entity_id.clone(),
            name_id: String::new(),
            name_id_format: app.name_id_format.clone(),
            session_index: String::new(),
            attributes: Vec::new(),
            authn_instant: None,
            authn_context_class_ref: String::new(),
        };
        let xml = build::response_xml(&spec);
        let xml = Self::sign(&keys, &Self::options(app), &spec, xml, app.sign, None)?;
        Ok(Made {
            xml,
            response_id: spec.response_id,
            acs_url: acs_url.to_owned(),
            name_id: String::new(),
            evil_name_id: None,
        })
    }

    /// The normal response of the SSO flow (the app's Sign option), for a login right now.
    pub fn response(
        &self,
        label: &str,
        email: &str,
        acs_url: Option<&str>,
        in_response_to: Option<&str>,
        scenario: Option<&Scenario>,
    ) -> Result<Made, IdpError> {
        self.response_in_session(label, email, acs_url, in_response_to, scenario, None)
    }

    /// [`Self::response`] whose AuthnStatement speaks for the IdP session `authn`.
    pub fn response_in_session(
        &self,
        label: &str,
        email: &str,
        acs_url: Option<&str>,
        in_response_to: Option<&str>,
        scenario: Option<&Scenario>,
        authn: Option<&Authn>,
    ) -> Result<Made, IdpError> {
        let directory = self.directory();
        let config = &directory.config;
        let app = directory.app(label)?;
        let user = config
            .user(email)
            .ok_or_else(|| IdpError::UnknownUser(email.to_owned()))?;
        let acs = acs_url
            .or_else(|| app.acs_urls.first().map(String::as_str))
            .unwrap_or_default()
            .to_owned();
        let keys = directory.keys(label)?;
        let options = Self::options(app);
        // Attacks stay in the clear: they are about how the SP reads signatures, and an SP that
        // requires encryption refuses them for that alone.
        let encrypt_for = match directory.encrypt_for.get(label) {
            None => None,
            Some(Ok(cert)) => Some(cert),
            Some(Err(why)) => return Err(IdpError::Build(why.clone())),
        };
        let now = now();
        let fresh;
        let authn = match authn {
            Some(a) => a,
            None => {
                fresh = Authn {
                    instant: now,
                    session_index: random_id(),
                    not_on_or_after: now.plus_seconds(config.session_lifetime_seconds),
                    method: AuthnMethod::Password,
                };
                &fresh
            }
        };
        let mut spec = spec(config, app, user, &acs, in_response_to, now, authn);
        let mut response_id = spec.response_id.clone();
        let mut name_id = spec.name_id.clone();
        let mut evil_name_id = None;
        let kind = scenario.map(|s| s.kind).unwrap_or(Kind::Valid(app.sign));
        let xml = match kind {
            Kind::Valid(sign) => Self::sign(
                &keys,
                &options,
                &spec,
                build::response_xml(&spec),
                sign,
                encrypt_for,
            )?,
            Kind::Attack(attack) => {
                let domain = user.email.rsplit('@').next().unwrap_or("example.com");
                let fixture = Fixture {
                    spec,
                    idp: keys.signer.clone(),
                    attacker: self.attacker.signer.clone(),
                    options,
                    evil_name_id: format!("admin@{domain}"),
                };
                name_id = attack.signed_name_id(&fixture);
                evil_name_id = Some(fixture.evil_name_id.clone());
                let xml = attack
                    .build(&fixture)
                    .map_err(|e| IdpError::Build(format!("{}: {e}", attack.id)))?;
                // A wrapping attack may put another Response around the signed one.
                if let Some(id) = root_id(&xml) {
                    response_id = id.to_owned();
                }
                xml
            }
            Kind::Policy(p) => {
                let mut sign = app.sign;
                let shift = |spec: &mut ResponseSpec, by: i64| {
                    let w = config.assertion_lifetime_seconds;
                    let t = now.plus_seconds(by);
                    spec.issue_instant = t.to_rfc3339();
                    spec.not_before = t.plus_seconds(-w).to_rfc3339();
                    spec.not_on_or_after = t.plus_seconds(w).to_rfc3339();
                    // A response from another time, made at a login then.
                    spec.authn_instant = None;
                };
                let mut edit: Option<(String, String)> = None;
                match p {
                    PolicyFailure::Expired => shift(&mut spec, -7200),
                    PolicyFailure::NotYetValid => shift(&mut spec, 7200),
                    PolicyFailure::WrongAudience => {
                        spec.sp_entity_id = "https://evil.example.com/sp".into();
                    }
                    PolicyFailure::WrongIssuer => {
                        spec.idp_entity_id = format!("{}-impostor", app.idp_entity_id);
                    }
                    PolicyFailure::InResponseToMismatch => {
                        spec.in_response_to = Some(format!("_not_{}", random_id()));
                    }
                    PolicyFailure::ErrorStatus => {
                        spec.status = "urn:oasis:names:tc:SAML:2.0:status:Responder".into();
                    }
                    PolicyFailure::WrongRecipient => {
                        edit = Some((
                            format!("Recipient=\"{}\"", escape_attr(&acs)),
                            "Recipient=\"https://evil.example.com/acs\"".into(),
                        ));
                    }
                    PolicyFailure::WrongDestination => {
                        edit = Some((
                            format!("Destination=\"{}\"", escape_attr(&acs)),
                            "Destination=\"https://evil.example.com/acs\"".into(),
                        ));
                    }
                    PolicyFailure::Unsigned => {}
                }
                let mut xml = build::response_xml(&spec);
                if let Some((from, to)) = edit {
                    xml = xml.replacen(&from, &to, 1);
                }
                if p == PolicyFailure::Unsigned {
                    xml
                } else {
                    if p == PolicyFailure::ErrorStatus {
                        sign = Sign::Response;
                    }
                    Self::sign(&keys, &options, &spec, xml, sign, encrypt_for)?
                }
            }
        };
        Ok(Made {
            xml,
            response_id,
            acs_url: acs,
            name_id,
            evil_name_id,
        })
    }
}

/// The response content for `user` at `now`, in the IdP session `authn`, as configured.
pub fn spec(
    config: &Config,
    app: &App,
    user: &User,
    acs_url: &str,
    in_response_to: Option<&str>,
    now: Instant,
    authn: &Authn,
) -> ResponseSpec {
    let w = config.assertion_lifetime_seconds;
    let mut attributes: Vec<(String, Vec<String>)> = Vec::new();
    for m in &app.attributes {
        if let Some(v) = config.property(user, app, &m.value) {
            attributes.push((m.name.clone(), vec![v]));
        }
    }
    for c in &app.constant_attributes {
        attributes.push((c.name.clone(), vec![c.value.clone()]));
    }
    if app.include_group_attribute
        && let Some(name) = &app.group_attribute_name
    {
        let groups = config.groups_of(&user.email);
        if !groups.is_empty() {
            attributes.push((name.clone(), groups));
        }
    }
    ResponseSpec {
        response_id: random_id(),
        assertion_id: random_id(),
        issue_instant: now.to_rfc3339(),
        not_before: now.plus_seconds(-w).to_rfc3339(),
        not_on_or_after: now.plus_seconds(w).to_rfc3339(),
        session_not_on_or_after: Some(authn.not_on_or_after.to_rfc3339()),
        idp_entity_id: app.idp_entity_id.clone(),
        sp_entity_id: app.sp_entity_id.clone(),
        acs_url: acs_url.to_owned(),
        in_response_to: in_response_to.map(str::to_owned),
        name_id: config
            .property(user, app, &app.name_id_field)
            .unwrap_or_default(),
        name_id_format: app.name_id_format.clone(),
        session_index: authn.session_index.clone(),
        attributes,
        status: STATUS_SUCCESS.to_owned(),
        sub_status: None,
        authn_instant: Some(authn.instant.to_rfc3339()),
        authn_context_class_ref: authn.method.context_class_ref().to_owned(),
    }
}

/// The `ID` of the document's first element, read lexically: an attack's document may be one
/// the strict parser refuses (a DOCTYPE, a processing instruction).
fn root_id(xml: &str) -> Option<&str> {
    let mut rest = xml;
    loop {
        rest = &rest[rest.find('<')?..];
        let skip = if rest.starts_with("<?") {
            rest.find("?>")? + 2
        } else if rest.starts_with("<!--") {
            rest.find("-->")? + 3
        } else if rest.starts_with("<!") {
            // A DOCTYPE; the declarations of an internal subset are skipped one by one.
            rest.find('>')? + 1
        } else {
            break;
        };
        rest = &rest[skip..];
    }
    let tag = &rest[..rest.find('>')?];
    let mut from = 0;
    while let Some(i) = tag[from..].find("ID=") {
        let at = from + i;
        from = at + 3;
        if !tag[..at].ends_with(|c: char| c.is_ascii_whitespace()) {
            continue;
        }
        let quote = tag[from..].chars().next()?;
        if quote != '"' && quote != '\'' {
            continue;
        }
        let value = &tag[from + 1..];
        return value.find(quote).map(|end| &value[..end]);
    }
    None
}

/// The certificate an app that encrypts assertions encrypts for, or why there is none.
fn encryption_certificate(app: &App) -> Result<Certificate, String> {
    match &app.sp_certificate {
        Some(pem) => Certificate::all_from_pem(pem)
            .ok()
            .and_then(|v| v.into_iter().next())
            .ok_or_else(|| "sp_certificate is not a PEM certificate".into()),
        None => {
            Err("encrypt_assertion needs sp_certificate (the certificate to encrypt for)".into())
        }
    }
}

/// `xml` with its assertion replaced by an EncryptedAssertion for `cert`'s key: AES-256-GCM
/// content and RSA-OAEP (MGF1-SHA1) key transport, the combination SPs accept most widely
/// without the CBC padding oracle. Fresh randomness from the OS for every response.
fn encrypt_assertion_in(xml: &str, cert: &Certificate) -> Result<String, IdpError> {
    let mut randomness = [0u8; 32];
    getrandom::fill(&mut randomness)
        .map_err(|e| IdpError::Build(format!("no randomness to encrypt with: {e}")))?;
    samlscope_forge::encrypt::encrypt_in_place(
        samlscope_core::xenc::EncryptedElement::Assertion,
        xml,
        |_, _| true,
        cert.subject_public_key_info(),
        samlscope_core::xenc::DataEncryption::Aes256Gcm,
        samlscope_core::xenc::KeyTransport::RSA_OAEP_MGF1P,
        &randomness,
    )
    .map_err(|e| IdpError::Build(format!("encrypting the assertion: {e}")))
}

fn common_name(app: &App) -> String {
    // JumpCloud's certificates name the org/app; an SP shows this in its IdP settings.
    format!("JumpCloud {}", app.label)
}

/// The HTTP answer to an [`IdpError`]: JSON for the API, a page for browser flows.
pub(crate) fn api_err(e: IdpError) -> HttpError {
    let status = match e {
        IdpError::UnknownApp(_) | IdpError::UnknownScenario(_) => StatusCode::NOT_FOUND,
        IdpError::UnknownUser(_) | IdpError::Config(_) => StatusCode::BAD_REQUEST,
        IdpError::Keys(_) | IdpError::Build(_) | IdpError::Save(_) => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    HttpError::Api(status, e.to_string())
}

pub(crate) fn page_err(e: IdpError) -> HttpError {
    let status = match e {
        IdpError::UnknownApp(_) => StatusCode::NOT_FOUND,
        IdpError::UnknownUser(_) | IdpError::UnknownScenario(_) | IdpError::Config(_) => {
            StatusCode::BAD_REQUEST
        }
        IdpError::Keys(_) | IdpError::Build(_) | IdpError::Save(_) => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    HttpError::Page(status, "SAML error", e.to_string())
}

#[cfg(test)]
mod tests {
    use super::root_id;

    #[test]
    fn the_root_id_is_read_past_declarations_and_comments() {
        let doc = "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY e \"x\">]><!-- c --><samlp:Response xmlns:a=\"ID=no\"\n\tID='_r1' Version=\"2.0\"><a ID=\"_a\"/></samlp:Response>";
        assert_eq!(root_id(doc), Some("_r1"));
        assert_eq!(root_id("<r NoID=\"x\" ID=\"_y\"/>"), Some("_y"));
        assert_eq!(root_id("<r/>"), None);
        assert_eq!(root_id("no markup"), None);
    }
}
