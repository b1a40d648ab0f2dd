//! The p3a's TLS: the stored CA as the only root, the client certificate and PKCS#8 key, the
//! server name taken from the host (an IP address or a DNS name), rustls with the ring provider.
use std::sync::Arc;

use rumqttc::{TlsConfiguration, Transport};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use super::{SimConfig, SimError};

pub(super) fn transport(cfg: &SimConfig) -> Result<Transport, SimError> {
    let bad = |e: &dyn std::fmt::Display| SimError::Tls(e.to_string());
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pemfile::certs(&mut cfg.ca_pem.as_bytes()) {
        roots.add(cert.map_err(|e| bad(&e))?).map_err(|e| bad(&e))?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS12, &rustls::version::TLS13])
        .map_err(|e| bad(&e))?
        .with_root_certificates(roots);
    let config = if cfg.present_client_cert {
        let chain: Vec<CertificateDer<'static>> =
            rustls_pemfile::certs(&mut cfg.cert_pem.as_bytes())
                .collect::<Result<_, _>>()
                .map_err(|e| bad(&e))?;
        let key: PrivateKeyDer<'static> = rustls_pemfile::private_key(&mut cfg.key_pem.as_bytes())
            .map_err(|e| bad(&e))?
            .ok_or_else(|| SimError::Tls("no private key in key_pem".into()))?;
        builder
            .with_client_auth_cert(chain, key)
            .map_err(|e| bad(&e))?
    } else {
        builder.with_no_client_auth()
    };
    Ok(Transport::tls_with_config(TlsConfiguration::Rustls(
        Arc::new(config),
    )))
}
