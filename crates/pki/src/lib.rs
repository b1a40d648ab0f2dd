//! The players' PKI: a self-signed RSA CA, player client certificates (player-protocol.md §1.4),
//! the broker's server certificate and the CRL Mosquitto reads (§2.4). Pure: no database, the
//! only IO is reading and atomically writing PEM files.
use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Utc};

mod ca;
mod crl;
mod keys;

pub use ca::{Ca, CA_CERT_FILE, CA_KEY_FILE};
pub use crl::{crl_due, crl_next_update, lock_crl, CrlLock};

/// Lifetime of player (and broker) certificates: now → now + 1095 days, as the original mints.
pub const CERT_VALIDITY_DAYS: i64 = 1095;
/// Lifetime of the self-signed CA.
pub const CA_VALIDITY_DAYS: i64 = 3650;
/// A CRL is valid this long; it is re-signed well before (api start-up, daily worker job).
pub const CRL_VALIDITY_DAYS: i64 = 30;
/// Key size of player keys: the p3a needs RSA-2048 in PKCS#8.
pub const PLAYER_KEY_BITS: usize = 2048;

#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    #[error("key generation failed: {0}")]
    KeyGen(String),
    #[error("certificate or CRL signing failed: {0}")]
    Sign(#[from] rcgen::Error),
    #[error("invalid PEM or DER: {0}")]
    Parse(String),
    #[error("the CA key does not match the CA certificate")]
    KeyMismatch,
    #[error(
        "invalid serial number {0:?} (expected a positive decimal integer of at most 20 bytes)"
    )]
    Serial(String),
    #[error("{0}")]
    Incomplete(String),
    #[error("file error on {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl PkiError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

/// A freshly issued certificate with its private key (unencrypted PKCS#8 PEM).
#[derive(Debug, Clone)]
pub struct IssuedCert {
    pub cert_pem: String,
    pub key_pem: String,
    /// Positive decimal integer, as stored in `player_cert_serials.serial`.
    pub serial: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
}

/// One CRL entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revoked {
    /// Decimal, as stored in the database.
    pub serial: String,
    pub revoked_at: DateTime<Utc>,
}

/// What the api needs to know about a certificate it finds on disk (the broker's).
#[derive(Debug, Clone)]
pub struct CertInfo {
    pub not_after: DateTime<Utc>,
    /// DNS names and IP addresses of the subjectAltName extension, as text.
    pub subject_alt_names: Vec<String>,
}

/// Reads the validity end and the SANs of a PEM certificate.
pub fn cert_info(cert_pem: &str) -> Result<CertInfo, PkiError> {
    ca::cert_info(cert_pem)
}

/// Writes `bytes` to `path` so that readers see either the old or the new content, never a
/// half-written file: a temporary file in the same directory, flushed, then renamed over.
/// `mode` (e.g. 0o600 for keys) is set before the content is written.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};

    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "no file name"))?;
    let tmp = dir.join(format!(
        ".{}.{}.{:08x}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        rand::random::<u32>()
    ));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)?;
        // The umask may have narrowed the mode; readers such as Mosquitto need exactly it.
        f.set_permissions(std::fs::Permissions::from_mode(mode))?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        // Make the rename itself durable.
        std::fs::File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
