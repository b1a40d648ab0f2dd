//! The PKI files on disk: the CA in `PKI_DIR`, and beside `MQTT_CRL_FILE` what Mosquitto reads
//! (`ca.crt`, `broker.crt`, `broker.key`, the CRL). `makapix-api pki-init` creates them; the api
//! at start-up and the worker daily re-sign the CRL before it expires (player-protocol.md §2.4).
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{Duration, Utc};
use db::PgPool;

/// Key size of the CA `pki-init` creates.
pub const CA_KEY_BITS: usize = 4096;
/// The broker certificate is re-issued when fewer days than this remain.
pub const BROKER_RENEW_DAYS: i64 = 30;
/// The CRL (valid 30 days) is re-signed when this close to its nextUpdate.
pub const CRL_RENEW_DAYS: i64 = 7;
pub const BROKER_CERT_FILE: &str = "broker.crt";
pub const BROKER_KEY_FILE: &str = "broker.key";

/// The directory Mosquitto reads: the one holding the CRL.
pub fn broker_dir(cfg: &config::Config) -> PathBuf {
    match Path::new(&cfg.mqtt_crl_file).parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Rebuilds the CRL from every revoked serial in the database and writes it atomically;
/// returns how many serials it lists. Call it after the revocation is committed; Mosquitto
/// picks the file up through `mosquitto/watch-crl.sh`.
pub async fn publish_crl(db: &PgPool, ca: &pki::Ca, crl_path: &Path) -> anyhow::Result<usize> {
    let lock_path = crl_path.to_path_buf();
    let lock = tokio::task::spawn_blocking(move || pki::lock_crl(&lock_path))
        .await?
        .with_context(|| format!("locking {}", crl_path.display()))?;
    let revoked: Vec<pki::Revoked> = db::players::revoked_serials(db)
        .await?
        .into_iter()
        .map(|(serial, revoked_at)| pki::Revoked { serial, revoked_at })
        .collect();
    let n = revoked.len();
    let ca = ca.clone();
    let path = crl_path.to_path_buf();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let pem = ca.crl_pem(&revoked, Utc::now())?;
        pki::write_atomic(&path, pem.as_bytes(), 0o644)
            .with_context(|| format!("writing {}", path.display()))?;
        drop(lock);
        Ok(())
    })
    .await??;
    metrics::counter!("pki_crl_published_total").increment(1);
    tracing::info!(revoked = n, crl = %crl_path.display(), "CRL published");
    Ok(n)
}

/// Re-signs the CRL when it is missing, unreadable or at most [`CRL_RENEW_DAYS`] from its
/// nextUpdate; true when it did.
pub async fn refresh_crl_if_due(
    db: &PgPool,
    ca: &pki::Ca,
    crl_path: &Path,
) -> anyhow::Result<bool> {
    if !pki::crl_due(crl_path, Utc::now(), CRL_RENEW_DAYS) {
        return Ok(false);
    }
    publish_crl(db, ca, crl_path).await?;
    Ok(true)
}

/// Makes sure `dir` holds a broker certificate and key signed by `ca`, naming every host, with
/// more than [`BROKER_RENEW_DAYS`] left, plus a copy of the CA certificate when `dir` is not
/// the CA's own directory. True when it (re)issued the certificate.
pub fn ensure_broker_cert(ca: &pki::Ca, dir: &Path, hosts: &[String]) -> anyhow::Result<bool> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let ca_copy = dir.join(pki::CA_CERT_FILE);
    if std::fs::read_to_string(&ca_copy).ok().as_deref() != Some(ca.cert_pem()) {
        pki::write_atomic(&ca_copy, ca.cert_pem().as_bytes(), 0o644)
            .with_context(|| format!("writing {}", ca_copy.display()))?;
    }
    let cert_path = dir.join(BROKER_CERT_FILE);
    let key_path = dir.join(BROKER_KEY_FILE);
    let current = std::fs::read_to_string(&cert_path).ok();
    let reason = match (&current, key_path.exists()) {
        (None, _) | (_, false) => Some("missing"),
        (Some(pem), true) => match pki::cert_info(pem) {
            Err(_) => Some("unreadable"),
            Ok(_) if !ca.signed(pem) => Some("not signed by the current CA"),
            Ok(info) if info.not_after - Utc::now() < Duration::days(BROKER_RENEW_DAYS) => {
                Some("about to expire")
            }
            Ok(info)
                if hosts.iter().any(|h| {
                    !info
                        .subject_alt_names
                        .iter()
                        .any(|n| n.eq_ignore_ascii_case(h.trim()))
                }) =>
            {
                Some("missing a host name")
            }
            Ok(_) => None,
        },
    };
    let Some(reason) = reason else {
        return Ok(false);
    };
    let issued = ca.issue_broker(hosts)?;
    // Key first: a reader that sees the new certificate also finds its key.
    pki::write_atomic(&key_path, issued.key_pem.as_bytes(), 0o600)
        .with_context(|| format!("writing {}", key_path.display()))?;
    pki::write_atomic(&cert_path, issued.cert_pem.as_bytes(), 0o644)
        .with_context(|| format!("writing {}", cert_path.display()))?;
    tracing::info!(reason, cert = %cert_path.display(), not_after = %issued.not_after,
        "broker certificate issued");
    Ok(true)
}

/// `makapix-api pki-init`: the CA (created once), the broker certificate and a fresh CRL.
pub async fn init(cfg: &config::Config, db: &PgPool) -> anyhow::Result<()> {
    let dir = PathBuf::from(&cfg.pki_dir);
    let ca = tokio::task::spawn_blocking(move || pki::Ca::load_or_create(&dir, CA_KEY_BITS))
        .await?
        .context("loading or creating the CA")?;
    let broker = broker_dir(cfg);
    let hosts = vec![cfg.mqtt_public_host.clone()];
    let ca2 = ca.clone();
    tokio::task::spawn_blocking(move || ensure_broker_cert(&ca2, &broker, &hosts)).await??;
    let n = publish_crl(db, &ca, Path::new(&cfg.mqtt_crl_file)).await?;
    tracing::info!(pki_dir = %cfg.pki_dir, revoked = n, "PKI ready");
    Ok(())
}

/// At api start-up: re-sign the CRL if it is missing or close to expiry. A CA that does not
/// exist yet is not created here (that is `pki-init`'s job); failures are logged, not fatal.
pub async fn refresh_on_startup(cfg: &config::Config, db: &PgPool) {
    let dir = PathBuf::from(&cfg.pki_dir);
    let loaded = tokio::task::spawn_blocking(move || pki::Ca::load(&dir)).await;
    let ca = match loaded {
        Ok(Ok(ca)) => ca,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "no CA yet; run `makapix-api pki-init` (CRL not checked)");
            return;
        }
        Err(e) => {
            tracing::warn!(error = %e, "loading the CA failed");
            return;
        }
    };
    match refresh_crl_if_due(db, &ca, Path::new(&cfg.mqtt_crl_file)).await {
        Ok(true) => tracing::info!("CRL was missing or close to expiry; re-signed"),
        Ok(false) => {}
        Err(e) => tracing::error!(error = %e, "re-signing the CRL failed"),
    }
}
