//! The CA: created once (RSA, self-signed, 10 years), read back from `ca.crt`/`ca.key`, and the
//! certificates it signs.
use std::fmt;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

use chrono::{Duration, Utc};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, DnValue, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use x509_parser::extensions::{GeneralName, ParsedExtension};

use crate::keys::{generate_rsa, random_serial, signing_key, to_time, whole_seconds};
use crate::{CertInfo, IssuedCert, PkiError, CA_VALIDITY_DAYS, CERT_VALIDITY_DAYS};

pub const CA_CERT_FILE: &str = "ca.crt";
pub const CA_KEY_FILE: &str = "ca.key";
const CA_COMMON_NAME: &str = "Makapix CA";
/// The broker certificate and the CA are dated an hour back, so that a device whose clock lags
/// a little does not refuse a freshly created one. Player certificates start now (§1.4).
const BACKDATE: Duration = Duration::hours(1);
/// The broker key signs every handshake; 2048 bits keeps that cheap and is what the p3a's
/// mbedTLS verifies fastest.
const BROKER_KEY_BITS: usize = 2048;

/// The signing CA. Cheap to clone.
#[derive(Clone)]
pub struct Ca {
    inner: Arc<Inner>,
}

struct Inner {
    cert_pem: String,
    cert_der: Vec<u8>,
    /// The CA certificate's subjectKeyIdentifier: a CRL's authorityKeyIdentifier must equal it
    /// or OpenSSL does not accept the CRL as the CA's (every handshake would then fail).
    key_id: Option<Vec<u8>>,
    issuer: Issuer<'static, KeyPair>,
}

impl fmt::Debug for Ca {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ca").finish_non_exhaustive()
    }
}

fn pem_contents(pem: &str, what: &str) -> Result<Vec<u8>, PkiError> {
    let (_, pem) = x509_parser::pem::parse_x509_pem(pem.as_bytes())
        .map_err(|e| PkiError::Parse(format!("{what}: {e}")))?;
    Ok(pem.contents)
}

fn parse_cert<'a>(
    der: &'a [u8],
    what: &str,
) -> Result<x509_parser::certificate::X509Certificate<'a>, PkiError> {
    x509_parser::parse_x509_certificate(der)
        .map(|(_, c)| c)
        .map_err(|e| PkiError::Parse(format!("{what}: {e}")))
}

impl Ca {
    /// A new self-signed RSA CA of `bits` bits, `CN=Makapix CA`, valid 3650 days.
    pub fn generate(bits: usize) -> Result<Ca, PkiError> {
        let (key_pem, key) = generate_rsa(bits)?;
        let mut params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::OrganizationName, "Makapix");
        dn.push(DnType::CommonName, CA_COMMON_NAME);
        params.distinguished_name = dn;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let now = whole_seconds(Utc::now());
        params.not_before = to_time(now - BACKDATE)?;
        params.not_after = to_time(now + Duration::days(CA_VALIDITY_DAYS))?;
        params.serial_number = Some(random_serial().0);
        let cert = params.self_signed(&key)?;
        Self::from_pem(&cert.pem(), &key_pem)
    }

    /// The CA from its certificate and PKCS#8 key; refuses a key that is not the certificate's.
    pub fn from_pem(cert_pem: &str, key_pem: &str) -> Result<Ca, PkiError> {
        let key = signing_key(key_pem)?;
        let cert_der = pem_contents(cert_pem, "CA certificate")?;
        let key_id = {
            let cert = parse_cert(&cert_der, "CA certificate")?;
            if cert.public_key().subject_public_key.data.as_ref() != key.public_key_raw() {
                return Err(PkiError::KeyMismatch);
            }
            let id = cert
                .iter_extensions()
                .find_map(|ext| match ext.parsed_extension() {
                    ParsedExtension::SubjectKeyIdentifier(id) => Some(id.0.to_vec()),
                    _ => None,
                });
            id
        };
        let issuer = Issuer::from_ca_cert_pem(cert_pem, key)?;
        Ok(Ca {
            inner: Arc::new(Inner {
                cert_pem: cert_pem.to_string(),
                cert_der,
                key_id,
                issuer,
            }),
        })
    }

    /// Reads `dir/ca.crt` and `dir/ca.key`; both must exist.
    pub fn load(dir: &Path) -> Result<Ca, PkiError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path).map_err(|e| PkiError::io(&path, e))
        };
        Self::from_pem(&read(CA_CERT_FILE)?, &read(CA_KEY_FILE)?)
    }

    /// Loads the CA from `dir`, creating it (and `dir`) the first time. The key is written with
    /// mode 0600 before the certificate, each atomically, under a lock so that two processes
    /// starting together do not make two CAs. A lone key or certificate is an error rather than
    /// something to overwrite.
    pub fn load_or_create(dir: &Path, bits: usize) -> Result<Ca, PkiError> {
        std::fs::create_dir_all(dir).map_err(|e| PkiError::io(dir, e))?;
        let lock_path = dir.join(".ca.lock");
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| PkiError::io(&lock_path, e))?;
        lock.lock().map_err(|e| PkiError::io(&lock_path, e))?;
        let cert_path = dir.join(CA_CERT_FILE);
        let key_path = dir.join(CA_KEY_FILE);
        match (cert_path.exists(), key_path.exists()) {
            (true, true) => Self::load(dir),
            (false, false) => {
                let ca = Self::generate(bits)?;
                let key_pem = ca.inner.issuer.key().serialize_pem();
                crate::write_atomic(&key_path, key_pem.as_bytes(), 0o600)
                    .map_err(|e| PkiError::io(&key_path, e))?;
                crate::write_atomic(&cert_path, ca.cert_pem().as_bytes(), 0o644)
                    .map_err(|e| PkiError::io(&cert_path, e))?;
                Ok(ca)
            }
            (cert, _) => Err(PkiError::Incomplete(format!(
                "{} exists without {}; restore the pair or remove it to create a new CA",
                if cert { &cert_path } else { &key_path }.display(),
                if cert { &key_path } else { &cert_path }.display(),
            ))),
        }
    }

    pub fn cert_pem(&self) -> &str {
        &self.inner.cert_pem
    }

    pub(crate) fn issuer(&self) -> &Issuer<'static, KeyPair> {
        &self.inner.issuer
    }

    pub(crate) fn key_id(&self) -> Option<&[u8]> {
        self.inner.key_id.as_deref()
    }

    /// A player client certificate (player-protocol.md §1.4): new RSA-2048 key, subject
    /// `C=US, O=Makapix, CN=<player_key>`, SAN `DNS:player-<player_key>` and no other extension,
    /// random serial, valid now → now + 1095 days.
    pub fn issue_player(&self, player_key: &uuid::Uuid) -> Result<IssuedCert, PkiError> {
        let key = player_key.hyphenated().to_string();
        let mut dn = DistinguishedName::new();
        dn.push(
            DnType::CountryName,
            DnValue::PrintableString("US".try_into()?),
        );
        dn.push(DnType::OrganizationName, "Makapix");
        dn.push(DnType::CommonName, key.as_str());
        let san = SanType::DnsName(format!("player-{key}").try_into()?);
        self.issue(dn, vec![san], Duration::zero(), crate::PLAYER_KEY_BITS)
    }

    /// The broker's server certificate: `CN=<first host>`, SAN each host (DNS name or IP
    /// address) plus `localhost` and `127.0.0.1`.
    pub fn issue_broker(&self, hosts: &[String]) -> Result<IssuedCert, PkiError> {
        let mut names: Vec<String> = Vec::new();
        for h in hosts
            .iter()
            .map(|h| h.trim())
            .chain(["localhost", "127.0.0.1"])
        {
            if !h.is_empty() && !names.iter().any(|n| n.eq_ignore_ascii_case(h)) {
                names.push(h.to_string());
            }
        }
        let sans = names
            .iter()
            .map(|n| match n.parse::<IpAddr>() {
                Ok(ip) => Ok(SanType::IpAddress(ip)),
                Err(_) => Ok(SanType::DnsName(n.clone().try_into()?)),
            })
            .collect::<Result<Vec<_>, PkiError>>()?;
        let mut dn = DistinguishedName::new();
        dn.push(DnType::OrganizationName, "Makapix");
        dn.push(DnType::CommonName, names[0].as_str());
        self.issue(dn, sans, BACKDATE, BROKER_KEY_BITS)
    }

    fn issue(
        &self,
        dn: DistinguishedName,
        sans: Vec<SanType>,
        backdate: Duration,
        bits: usize,
    ) -> Result<IssuedCert, PkiError> {
        let (key_pem, key) = generate_rsa(bits)?;
        let now = whole_seconds(Utc::now());
        let not_before = now - backdate;
        let not_after = now + Duration::days(CERT_VALIDITY_DAYS);
        let (serial_number, serial) = random_serial();
        let mut params = CertificateParams::default();
        params.distinguished_name = dn;
        params.subject_alt_names = sans;
        params.not_before = to_time(not_before)?;
        params.not_after = to_time(not_after)?;
        params.serial_number = Some(serial_number);
        let cert = params.signed_by(&key, self.issuer())?;
        Ok(IssuedCert {
            cert_pem: cert.pem(),
            key_pem,
            serial,
            not_before,
            not_after,
        })
    }

    /// True when `cert_pem` carries a signature of this CA (e.g. a broker certificate left
    /// over from an earlier CA is not).
    pub fn signed(&self, cert_pem: &str) -> bool {
        let Ok(der) = pem_contents(cert_pem, "certificate") else {
            return false;
        };
        let (Ok(cert), Ok(ca)) = (
            parse_cert(&der, "certificate"),
            parse_cert(&self.inner.cert_der, "CA certificate"),
        ) else {
            return false;
        };
        cert.verify_signature(Some(ca.public_key())).is_ok()
    }
}

pub(crate) fn cert_info(cert_pem: &str) -> Result<CertInfo, PkiError> {
    let der = pem_contents(cert_pem, "certificate")?;
    let cert = parse_cert(&der, "certificate")?;
    let not_after = chrono::DateTime::from_timestamp(cert.validity().not_after.timestamp(), 0)
        .ok_or_else(|| PkiError::Parse("certificate end date out of range".into()))?;
    let mut subject_alt_names = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for name in &san.value.general_names {
            match name {
                GeneralName::DNSName(s) => subject_alt_names.push(s.to_string()),
                GeneralName::IPAddress(b) => {
                    if let Ok(v4) = <[u8; 4]>::try_from(*b) {
                        subject_alt_names.push(IpAddr::from(v4).to_string());
                    } else if let Ok(v6) = <[u8; 16]>::try_from(*b) {
                        subject_alt_names.push(IpAddr::from(v6).to_string());
                    }
                }
                _ => {}
            }
        }
    }
    Ok(CertInfo {
        not_after,
        subject_alt_names,
    })
}
