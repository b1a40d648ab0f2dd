//! Typed configuration, read once from environment variables (the names `.stack/env` uses).
//! Secrets are wrapped in [`Secret`] so that `Debug` output never shows them.
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use ipnet::IpNet;

/// A configuration value that must never be printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("missing required environment variable {0}")]
    Missing(&'static str),
    #[error("environment variable {key} is invalid: {reason}")]
    Invalid { key: &'static str, reason: String },
}

/// How the mail transport connects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    None,
    StartTls,
    Tls,
}

#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<Secret>,
    pub from: String,
}

#[derive(Debug, Clone)]
pub struct GithubConfig {
    pub client_id: String,
    pub client_secret: Secret,
    pub redirect_uri: String,
    pub authorize_url: String,
    pub token_url: String,
    pub api_url: String,
    pub native_redirect_uris: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: Secret,
    pub redis_url: Secret,
    /// Prefix of every Redis key this deployment writes (cache, limits, queues).
    pub redis_prefix: String,
    pub api_bind: SocketAddr,
    pub api_metrics_bind: SocketAddr,
    pub worker_metrics_bind: SocketAddr,
    pub site_url: String,
    pub api_url: String,
    pub vault_public_base_url: String,
    pub vault_dir: String,
    /// Writes that would leave less free disk than this fail with 507.
    pub vault_min_free_bytes: u64,
    pub jwt_secret: Secret,
    pub access_token_minutes: i64,
    pub refresh_token_days: i64,
    pub sqids_alphabet: String,
    pub ip_hash_salt: Secret,
    pub cors_origins: Vec<String>,
    pub trusted_proxies: Vec<IpNet>,
    pub cookie_secure: bool,
    pub cookie_domain: Option<String>,
    pub smtp: SmtpConfig,
    pub owner_email: Option<String>,
    pub owner_password: Option<Secret>,
    pub github: Option<GithubConfig>,
    pub moderation_alert_email: Option<String>,
    /// Upper bound on request bodies that are not file uploads.
    pub json_body_limit: usize,
    /// Per-client-address edge limit: sustained requests per second and burst.
    pub edge_rate_per_second: u32,
    pub edge_burst: u32,
    /// The broker's internal listener, where the backend (api, mqtt-bridge) connects.
    pub mqtt_broker_host: String,
    pub mqtt_broker_port: u16,
    pub mqtt_username: String,
    pub mqtt_password: Secret,
    /// The mTLS listener players are told to use (provisioning and credentials).
    pub mqtt_public_host: String,
    pub mqtt_public_port: u16,
    /// CA certificate and key, broker certificate; `mqtt_crl_file` is what Mosquitto reads.
    pub pki_dir: String,
    pub mqtt_crl_file: String,
    /// Base URL devices are given for HTTPS calls (`https_api.base_url`).
    pub player_https_base_url: String,
    /// Device and owner certificate renewal is allowed this many days before expiry.
    pub cert_renewal_threshold_days: i64,
    pub mqtt_bridge_metrics_bind: SocketAddr,
    /// Shared-subscription group of the bridges (`$share/<group>/...`).
    pub mqtt_bridge_group: String,
}

/// Source of raw values; the process environment in production, a map in tests.
pub trait Source {
    fn get(&self, key: &str) -> Option<String>;
}

pub struct Env;

impl Source for Env {
    fn get(&self, key: &str) -> Option<String> {
        std::env::var(key).ok().filter(|v| !v.is_empty())
    }
}

impl Source for HashMap<String, String> {
    fn get(&self, key: &str) -> Option<String> {
        HashMap::get(self, key).cloned().filter(|v| !v.is_empty())
    }
}

pub const DEFAULT_SQIDS_ALPHABET: &str =
    "k3G7QAe51FCsPW92uEOyq4Bg6Sp8YzVTmnU0liwDdHXLajZrfxNhobJIRcMvKt";

fn required(src: &dyn Source, key: &'static str) -> Result<String, ConfigError> {
    src.get(key).ok_or(ConfigError::Missing(key))
}

fn or(src: &dyn Source, key: &str, default: &str) -> String {
    src.get(key).unwrap_or_else(|| default.to_string())
}

fn parsed<T: std::str::FromStr>(
    src: &dyn Source,
    key: &'static str,
    default: &str,
) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    or(src, key, default)
        .parse()
        .map_err(|e: T::Err| ConfigError::Invalid {
            key,
            reason: e.to_string(),
        })
}

fn list(src: &dyn Source, key: &str, default: &str) -> Vec<String> {
    or(src, key, default)
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn proxies(src: &dyn Source) -> Result<Vec<IpNet>, ConfigError> {
    list(src, "TRUSTED_PROXIES", "")
        .into_iter()
        .map(|p| {
            p.parse::<IpNet>()
                .or_else(|_| p.parse::<IpAddr>().map(IpNet::from))
                .map_err(|e| ConfigError::Invalid {
                    key: "TRUSTED_PROXIES",
                    reason: e.to_string(),
                })
        })
        .collect()
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_source(&Env)
    }

    pub fn from_source(src: &dyn Source) -> Result<Self, ConfigError> {
        let jwt_secret = required(src, "JWT_SECRET_KEY")?;
        if jwt_secret.len() < 32 {
            return Err(ConfigError::Invalid {
                key: "JWT_SECRET_KEY",
                reason: "must be at least 32 characters".into(),
            });
        }
        let site_url = or(src, "SITE_URL", "http://127.0.0.1:8080");
        let player_https_base_url = or(src, "PLAYER_HTTPS_BASE_URL", &format!("{site_url}/api"));
        let smtp_tls = match or(src, "SMTP_TLS", "none").as_str() {
            "none" => SmtpTls::None,
            "starttls" => SmtpTls::StartTls,
            "tls" => SmtpTls::Tls,
            other => {
                return Err(ConfigError::Invalid {
                    key: "SMTP_TLS",
                    reason: format!("{other}: expected none, starttls or tls"),
                })
            }
        };
        let github = match src.get("GITHUB_OAUTH_CLIENT_ID") {
            None => None,
            Some(client_id) => Some(GithubConfig {
                client_id,
                client_secret: Secret::new(required(src, "GITHUB_OAUTH_CLIENT_SECRET")?),
                redirect_uri: or(
                    src,
                    "GITHUB_REDIRECT_URI",
                    &format!("{site_url}/api/v1/auth/github/callback"),
                ),
                authorize_url: or(
                    src,
                    "GITHUB_AUTHORIZE_URL",
                    "https://github.com/login/oauth/authorize",
                ),
                token_url: or(
                    src,
                    "GITHUB_TOKEN_URL",
                    "https://github.com/login/oauth/access_token",
                ),
                api_url: or(src, "GITHUB_API_URL", "https://api.github.com"),
                native_redirect_uris: list(
                    src,
                    "NATIVE_OAUTH_REDIRECT_URIS",
                    "club.makapix.app://oauth/github",
                ),
            }),
        };
        Ok(Self {
            database_url: Secret::new(or(
                src,
                "DATABASE_URL",
                "postgres://postgres@127.0.0.1:5432/makapix",
            )),
            redis_url: Secret::new(or(src, "REDIS_URL", "redis://127.0.0.1:6379/0")),
            redis_prefix: or(src, "REDIS_PREFIX", "mpx"),
            api_bind: parsed(src, "API_BIND", "127.0.0.1:8000")?,
            api_metrics_bind: parsed(src, "API_METRICS_BIND", "127.0.0.1:9100")?,
            worker_metrics_bind: parsed(src, "WORKER_METRICS_BIND", "127.0.0.1:9101")?,
            cookie_secure: site_url.starts_with("https://"),
            site_url,
            api_url: or(src, "API_URL", "http://127.0.0.1:8000"),
            vault_public_base_url: or(src, "VAULT_PUBLIC_BASE_URL", "http://127.0.0.1:8081"),
            vault_dir: or(src, "VAULT_DIR", ".stack/vault"),
            vault_min_free_bytes: parsed(src, "MAKAPIX_VAULT_MIN_FREE_BYTES", "524288000")?,
            jwt_secret: Secret::new(jwt_secret),
            access_token_minutes: parsed(src, "JWT_ACCESS_TOKEN_EXPIRE_MINUTES", "60")?,
            refresh_token_days: parsed(src, "JWT_REFRESH_TOKEN_EXPIRE_DAYS", "30")?,
            sqids_alphabet: or(src, "SQIDS_ALPHABET", DEFAULT_SQIDS_ALPHABET),
            ip_hash_salt: Secret::new(required(src, "MAKAPIX_IP_HASH_SALT")?),
            cors_origins: list(
                src,
                "CORS_ORIGINS",
                "http://localhost:3000,http://127.0.0.1:3000,http://127.0.0.1:8080",
            ),
            trusted_proxies: proxies(src)?,
            cookie_domain: src.get("COOKIE_DOMAIN"),
            smtp: SmtpConfig {
                host: or(src, "SMTP_HOST", "127.0.0.1"),
                port: parsed(src, "SMTP_PORT", "2525")?,
                tls: smtp_tls,
                username: src.get("SMTP_USERNAME"),
                password: src.get("SMTP_PASSWORD").map(Secret::new),
                from: or(src, "MAIL_FROM", "Makapix Club <noreply@makapix.local>"),
            },
            owner_email: src.get("MAKAPIX_OWNER_EMAIL"),
            owner_password: src.get("MAKAPIX_OWNER_PASSWORD").map(Secret::new),
            github,
            moderation_alert_email: src.get("MODERATION_ALERT_EMAIL"),
            json_body_limit: parsed(src, "JSON_BODY_LIMIT_BYTES", "1048576")?,
            edge_rate_per_second: parsed(src, "EDGE_RATE_PER_SECOND", "50")?,
            edge_burst: parsed(src, "EDGE_BURST", "200")?,
            mqtt_broker_host: or(src, "MQTT_BROKER_HOST", "127.0.0.1"),
            mqtt_broker_port: parsed(src, "MQTT_BROKER_PORT", "1884")?,
            mqtt_username: or(src, "MQTT_USERNAME", "svc_backend"),
            mqtt_password: Secret::new(or(src, "MQTT_PASSWORD", "")),
            mqtt_public_host: or(src, "MQTT_PUBLIC_HOST", "127.0.0.1"),
            mqtt_public_port: parsed(src, "MQTT_PUBLIC_PORT", "8883")?,
            pki_dir: or(src, "PKI_DIR", ".stack/pki"),
            mqtt_crl_file: or(src, "MQTT_CRL_FILE", ".stack/pki/crl.pem"),
            player_https_base_url,
            cert_renewal_threshold_days: parsed(src, "CERT_RENEWAL_THRESHOLD_DAYS", "90")?,
            mqtt_bridge_metrics_bind: parsed(src, "MQTT_BRIDGE_METRICS_BIND", "127.0.0.1:9102")?,
            mqtt_bridge_group: or(src, "MQTT_BRIDGE_GROUP", "bridge"),
        })
    }

    /// True when a connecting peer is a proxy whose `X-Forwarded-For` is believed.
    pub fn is_trusted_proxy(&self, ip: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|n| n.contains(&ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> HashMap<String, String> {
        HashMap::from([
            ("JWT_SECRET_KEY".to_string(), "x".repeat(40)),
            ("MAKAPIX_IP_HASH_SALT".to_string(), "salt".to_string()),
            (
                "DATABASE_URL".to_string(),
                "postgres://u:hunter2@h/db".to_string(),
            ),
            (
                "TRUSTED_PROXIES".to_string(),
                "127.0.0.1, 10.0.0.0/8".to_string(),
            ),
        ])
    }

    #[test]
    fn debug_redacts_secrets() {
        let c = Config::from_source(&base()).unwrap();
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("hunter2"));
        assert!(!dbg.contains(&"x".repeat(40)));
    }

    #[test]
    fn short_jwt_secret_is_refused() {
        let mut m = base();
        m.insert("JWT_SECRET_KEY".into(), "short".into());
        assert!(matches!(
            Config::from_source(&m),
            Err(ConfigError::Invalid {
                key: "JWT_SECRET_KEY",
                ..
            })
        ));
    }

    #[test]
    fn trusted_proxies_parse_ips_and_nets() {
        let c = Config::from_source(&base()).unwrap();
        assert!(c.is_trusted_proxy("127.0.0.1".parse().unwrap()));
        assert!(c.is_trusted_proxy("10.1.2.3".parse().unwrap()));
        assert!(!c.is_trusted_proxy("127.0.0.2".parse().unwrap()));
    }
}
