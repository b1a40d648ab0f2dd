//! The CRL Mosquitto checks every player handshake against (player-protocol.md §2.4). It is
//! always rebuilt whole from the database's revoked serials, so no revocation depends on an
//! earlier file.
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use rcgen::{CertificateRevocationListParams, KeyIdMethod, RevokedCertParams, SerialNumber};

use crate::keys::{serial_bytes, to_time, whole_seconds};
use crate::{Ca, PkiError, Revoked, CRL_VALIDITY_DAYS};

impl Ca {
    /// A signed CRL (PEM) listing exactly `revoked`, issued `now`, nextUpdate now + 30 days.
    /// The CRL number is `now` in Unix seconds, so later CRLs have larger numbers.
    pub fn crl_pem(&self, revoked: &[Revoked], now: DateTime<Utc>) -> Result<String, PkiError> {
        let now = whole_seconds(now);
        let revoked_certs = revoked
            .iter()
            .map(|r| {
                Ok(RevokedCertParams {
                    serial_number: SerialNumber::from_slice(&serial_bytes(&r.serial)?),
                    revocation_time: to_time(whole_seconds(r.revoked_at))?,
                    reason_code: None,
                    invalidity_date: None,
                })
            })
            .collect::<Result<Vec<_>, PkiError>>()?;
        let crl_number = u64::try_from(now.timestamp())
            .map_err(|_| PkiError::Parse("CRL date before 1970".into()))?;
        let params = CertificateRevocationListParams {
            this_update: to_time(now)?,
            next_update: to_time(now + Duration::days(CRL_VALIDITY_DAYS))?,
            crl_number: SerialNumber::from(crl_number),
            issuing_distribution_point: None,
            revoked_certs,
            key_identifier_method: match self.key_id() {
                Some(id) => KeyIdMethod::PreSpecified(id.to_vec()),
                None => KeyIdMethod::Sha256,
            },
        };
        Ok(params.signed_by(self.issuer())?.pem()?)
    }
}

/// The nextUpdate of a PEM CRL; `None` when it cannot be read or has none (treated as "renew
/// now" by callers).
pub fn crl_next_update(crl_pem: &str) -> Option<DateTime<Utc>> {
    let (_, pem) = x509_parser::pem::parse_x509_pem(crl_pem.as_bytes()).ok()?;
    let (_, crl) = x509_parser::parse_x509_crl(&pem.contents).ok()?;
    DateTime::from_timestamp(crl.next_update()?.timestamp(), 0)
}

/// True when the CRL at `path` must be re-signed: missing, unreadable, without nextUpdate, or
/// nextUpdate at most `within_days` after `now` (Mosquitto refuses every handshake once the
/// CRL it holds has expired).
pub fn crl_due(path: &Path, now: DateTime<Utc>, within_days: i64) -> bool {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|pem| crl_next_update(&pem))
        .is_none_or(|next| next - now <= Duration::days(within_days))
}

/// An exclusive advisory lock on `<crl>.lock`, held from reading the revoked serials until the
/// new CRL is written. The api (on deletion) and the worker (daily) both rebuild the file; the
/// lock keeps a writer that read the database earlier from replacing a newer CRL.
#[derive(Debug)]
pub struct CrlLock {
    _file: std::fs::File,
}

/// Blocks until the lock is held (run it off the async threads). Creates the CRL's directory
/// when it does not exist yet.
pub fn lock_crl(crl_path: &Path) -> std::io::Result<CrlLock> {
    if let Some(dir) = crl_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut name = crl_path.as_os_str().to_owned();
    name.push(".lock");
    let path = PathBuf::from(name);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)?;
    file.lock()?;
    Ok(CrlLock { _file: file })
}
