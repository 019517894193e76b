//! Per-application signing keys and certificates (JumpCloud generates one pair per app on
//! activation and regenerates both on "Regenerate certificate", reference/jumpcloud.md §1.6).
//!
//! RSA-2048 keys are generated and used through samlscope-forge's [`PrivateKey`] (aws-lc),
//! certificates come from rcgen. Key material is kept in the state directory so the metadata
//! stays the same across restarts.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use samlscope_core::trust::Certificate;
use samlscope_forge::key::PrivateKey;
use samlscope_forge::sign::Signer;

/// One key pair with its self-signed certificate, ready to sign.
pub struct KeyMaterial {
    /// The key and the certificate put in KeyInfo: signs the IdP's responses and the attack
    /// scenarios.
    pub signer: Signer,
    pub certificate: Certificate,
    pub key_pem: String,
    pub cert_pem: String,
}

impl std::fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyMaterial")
            .field("certificate", &self.certificate.info())
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("RSA key generation failed: {0}")]
    Generate(String),
    #[error("certificate generation failed: {0}")]
    Certificate(String),
    #[error("stored key material in {path} is unusable: {why}")]
    Stored { path: PathBuf, why: String },
    #[error("state directory {path}: {why}")]
    Io { path: PathBuf, why: String },
}

impl KeyMaterial {
    /// From PEM texts (PKCS#8 key + certificate).
    pub fn from_pem(key_pem: &str, cert_pem: &str) -> Result<Self, String> {
        let key = PrivateKey::from_pem(key_pem).map_err(|e| e.to_string())?;
        let certificate = Certificate::all_from_pem(cert_pem)
            .map_err(|e| e.to_string())?
            .into_iter()
            .next()
            .ok_or("no certificate in the PEM")?;
        Ok(Self {
            signer: Signer {
                key,
                certificate: Some(certificate.clone()),
            },
            certificate,
            key_pem: key_pem.to_owned(),
            cert_pem: cert_pem.to_owned(),
        })
    }

    /// A fresh RSA-2048 key and a self-signed certificate with this common name.
    pub fn generate(common_name: &str) -> Result<Self, KeyError> {
        let key = PrivateKey::generate_rsa2048().map_err(|e| KeyError::Generate(e.to_string()))?;
        let kp = rcgen::KeyPair::try_from(key.pkcs8_der())
            .map_err(|e| KeyError::Certificate(e.to_string()))?;
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new())
            .map_err(|e| KeyError::Certificate(e.to_string()))?;
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, common_name);
        params.distinguished_name.push(
            rcgen::DnType::OrganizationName,
            "JumpCloud (samlscope mock)",
        );
        // JumpCloud's app certificates are valid for years; SPs check expiry.
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::days(1);
        params.not_after = now + time::Duration::days(5 * 365);
        let cert = params
            .self_signed(&kp)
            .map_err(|e| KeyError::Certificate(e.to_string()))?;
        let key_pem = kp.serialize_pem();
        let cert_pem = cert.pem();
        Self::from_pem(&key_pem, &cert_pem).map_err(KeyError::Generate)
    }
}

/// Whose key pair: an app's IdP signing key, the attacker's look-alike, or the demo SP's own
/// (the key the IdP encrypts assertions for, when the demo app asks for encryption).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyName<'a> {
    App(&'a str),
    Attacker,
    DemoSp,
}

impl KeyName<'_> {
    /// The in-memory cache key (an app label can be any text, so it is kept apart).
    fn cache_key(self) -> String {
        match self {
            Self::App(label) => format!("app/{label}"),
            Self::Attacker => "attacker".into(),
            Self::DemoSp => "demo-sp".into(),
        }
    }

    /// `(key, certificate)` files under the state directory.
    fn paths(self, dir: &Path) -> (PathBuf, PathBuf) {
        let (d, stem) = match self {
            Self::App(label) => (dir.join("apps").join(label), "idp"),
            Self::Attacker => (dir.to_owned(), "attacker"),
            Self::DemoSp => (dir.to_owned(), "demo-sp"),
        };
        (
            d.join(format!("{stem}.key.pem")),
            d.join(format!("{stem}.crt.pem")),
        )
    }
}

/// Where key material lives.
#[derive(Debug, Clone)]
pub enum KeyStore {
    /// `<dir>/apps/<label>/{idp.key.pem,idp.crt.pem}`, `<dir>/attacker.*` and `<dir>/demo-sp.*`.
    Dir(PathBuf),
    /// Process-wide in-memory cache (library use in tests): keys made once per label per process.
    Memory,
}

type Cache = Mutex<HashMap<String, Arc<KeyMaterial>>>;
static MEMORY: std::sync::OnceLock<Cache> = std::sync::OnceLock::new();

/// The default state directory: `$XDG_DATA_HOME/samlscope`, else `~/.local/share/samlscope`.
pub fn default_state_dir() -> PathBuf {
    if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(x).join("samlscope");
    }
    if let Some(h) = std::env::var_os("HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(h).join(".local/share/samlscope");
    }
    PathBuf::from(".samlscope")
}

impl KeyStore {
    /// The key pair `name`, made on first use.
    pub fn load_or_create(
        &self,
        name: KeyName<'_>,
        common_name: &str,
    ) -> Result<Arc<KeyMaterial>, KeyError> {
        match self {
            Self::Memory => {
                let cache = MEMORY.get_or_init(Default::default);
                let key = name.cache_key();
                if let Some(k) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
                    return Ok(k);
                }
                let k = Arc::new(KeyMaterial::generate(common_name)?);
                if let Ok(mut c) = cache.lock() {
                    return Ok(c.entry(key).or_insert(k).clone());
                }
                Ok(k)
            }
            Self::Dir(dir) => {
                let (key_path, cert_path) = name.paths(dir);
                if key_path.exists() && cert_path.exists() {
                    let read = |p: &Path| {
                        std::fs::read_to_string(p).map_err(|e| KeyError::Io {
                            path: p.to_owned(),
                            why: e.to_string(),
                        })
                    };
                    let km = KeyMaterial::from_pem(&read(&key_path)?, &read(&cert_path)?).map_err(
                        |why| KeyError::Stored {
                            path: key_path.clone(),
                            why,
                        },
                    )?;
                    return Ok(Arc::new(km));
                }
                self.create(name, common_name)
            }
        }
    }

    /// Makes (or remakes: rotation) the key pair `name` and stores it.
    pub fn create(
        &self,
        name: KeyName<'_>,
        common_name: &str,
    ) -> Result<Arc<KeyMaterial>, KeyError> {
        let k = Arc::new(KeyMaterial::generate(common_name)?);
        match self {
            Self::Memory => {
                if let Some(Ok(mut c)) = MEMORY.get().map(|m| m.lock()) {
                    c.insert(name.cache_key(), k.clone());
                }
            }
            Self::Dir(dir) => {
                let (key_path, cert_path) = name.paths(dir);
                write_atomic(&key_path, &k.key_pem, true)?;
                write_atomic(&cert_path, &k.cert_pem, false)?;
            }
        }
        Ok(k)
    }
}

/// Writes via a temporary file and rename, so a crash never leaves half a key.
fn write_atomic(path: &Path, text: &str, secret: bool) -> Result<(), KeyError> {
    let io = |e: std::io::Error| KeyError::Io {
        path: path.to_owned(),
        why: e.to_string(),
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, text).map_err(io)?;
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600)).map_err(io)?;
    }
    #[cfg(not(unix))]
    let _ = secret;
    std::fs::rename(&tmp, path).map_err(io)
}
