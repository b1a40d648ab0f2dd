//! The PKI files the api writes: the broker certificate (re-issued only when it must be), the
//! CRL rebuilt from the database, `pki-init` as a whole, and the wait for the broker's reload.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use api::pki_files::{ensure_broker_cert, publish_crl, refresh_crl_if_due};
use sqlx::PgPool;

fn ca() -> &'static pki::Ca {
    static CA: OnceLock<pki::Ca> = OnceLock::new();
    CA.get_or_init(|| pki::Ca::generate(2048).unwrap())
}

fn crl_serials(path: &Path) -> Vec<String> {
    let pem = std::fs::read_to_string(path).unwrap();
    let (_, p) = x509_parser::pem::parse_x509_pem(pem.as_bytes()).unwrap();
    let (_, crl) = x509_parser::parse_x509_crl(&p.contents).unwrap();
    let mut v: Vec<String> = crl
        .iter_revoked_certificates()
        .map(|r| r.serial().to_str_radix(10))
        .collect();
    v.sort();
    v
}

#[test]
fn broker_certificate_is_reissued_only_when_it_must_be() {
    let dir = tempfile::tempdir().unwrap();
    let hosts = vec!["mqtt.example.org".to_string()];
    assert!(ensure_broker_cert(ca(), dir.path(), &hosts).unwrap());
    let cert = std::fs::read_to_string(dir.path().join("broker.crt")).unwrap();
    let info = pki::cert_info(&cert).unwrap();
    assert!(info
        .subject_alt_names
        .contains(&"mqtt.example.org".to_string()));
    assert!(ca().signed(&cert));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("ca.crt")).unwrap(),
        ca().cert_pem()
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir.path().join("broker.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);

    // Same CA, same hosts, years left: left alone.
    assert!(!ensure_broker_cert(ca(), dir.path(), &hosts).unwrap());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("broker.crt")).unwrap(),
        cert
    );

    // A new public host name, a missing key, another CA: each re-issues.
    let more = vec!["broker.example.org".to_string()];
    assert!(ensure_broker_cert(ca(), dir.path(), &more).unwrap());
    std::fs::remove_file(dir.path().join("broker.key")).unwrap();
    assert!(ensure_broker_cert(ca(), dir.path(), &more).unwrap());
    let other = pki::Ca::generate(2048).unwrap();
    assert!(ensure_broker_cert(&other, dir.path(), &more).unwrap());
    let cert = std::fs::read_to_string(dir.path().join("broker.crt")).unwrap();
    assert!(other.signed(&cert) && !ca().signed(&cert));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("ca.crt")).unwrap(),
        other.cert_pem()
    );
}

async fn add_serial(pool: &PgPool, serial: &str, revoked: bool) {
    // A live serial needs a player row; a revoked one is one whose player is gone.
    let player_id: Option<uuid::Uuid> = if revoked {
        None
    } else {
        Some(
            sqlx::query_scalar(
                "insert into players (player_key) values (gen_random_uuid()) returning id",
            )
            .fetch_one(pool)
            .await
            .unwrap(),
        )
    };
    sqlx::query(
        "insert into player_cert_serials (serial, player_id, player_key, expires_at)
         values ($1, $2, gen_random_uuid(), now() + interval '1 year')",
    )
    .bind(serial)
    .bind(player_id)
    .execute(pool)
    .await
    .unwrap();
}

#[sqlx::test(migrations = "../../migrations")]
async fn the_crl_lists_exactly_the_revoked_serials(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let crl = dir.path().join("sub/crl.pem");
    add_serial(&pool, "1001", true).await;
    add_serial(&pool, "1002", false).await;
    add_serial(&pool, "987654321987654321987654321", true).await;

    assert_eq!(publish_crl(&pool, ca(), &crl).await.unwrap(), 2);
    assert_eq!(
        crl_serials(&crl),
        vec!["1001", "987654321987654321987654321"]
    );

    // Fresh: not due. Gone: re-signed from the database again.
    assert!(!refresh_crl_if_due(&pool, ca(), &crl).await.unwrap());
    std::fs::remove_file(&crl).unwrap();
    assert!(refresh_crl_if_due(&pool, ca(), &crl).await.unwrap());
    assert_eq!(crl_serials(&crl).len(), 2);

    // Concurrent rebuilds serialise on the lock and the last one is complete.
    add_serial(&pool, "1003", true).await;
    let (a, b) = tokio::join!(
        publish_crl(&pool, ca(), &crl),
        publish_crl(&pool, ca(), &crl)
    );
    assert_eq!((a.unwrap(), b.unwrap()), (3, 3));
    assert_eq!(crl_serials(&crl).len(), 3);
}

#[sqlx::test(migrations = "../../migrations")]
async fn pki_init_creates_everything_once(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    let pki_dir = dir.path().join("pki");
    let broker_dir = dir.path().join("broker");
    let m: HashMap<String, String> = HashMap::from([
        ("JWT_SECRET_KEY".into(), "x".repeat(40)),
        ("MAKAPIX_IP_HASH_SALT".into(), "salt".into()),
        ("PKI_DIR".into(), pki_dir.to_str().unwrap().into()),
        (
            "MQTT_CRL_FILE".into(),
            broker_dir.join("crl.pem").to_str().unwrap().into(),
        ),
        ("MQTT_PUBLIC_HOST".into(), "players.example.org".into()),
    ]);
    let cfg = config::Config::from_source(&m).unwrap();
    add_serial(&pool, "4242", true).await;
    api::pki_files::init(&cfg, &pool).await.unwrap();

    let ca = pki::Ca::load(&pki_dir).unwrap();
    for f in ["ca.crt", "broker.crt", "broker.key", "crl.pem"] {
        assert!(broker_dir.join(f).exists(), "{f}");
    }
    assert!(
        !broker_dir.join("ca.key").exists(),
        "the CA key must stay in PKI_DIR"
    );
    let broker = std::fs::read_to_string(broker_dir.join("broker.crt")).unwrap();
    assert!(ca.signed(&broker));
    assert!(pki::cert_info(&broker)
        .unwrap()
        .subject_alt_names
        .contains(&"players.example.org".to_string()));
    assert_eq!(crl_serials(&broker_dir.join("crl.pem")), vec!["4242"]);

    // Again: the same CA and broker certificate.
    api::pki_files::init(&cfg, &pool).await.unwrap();
    assert_eq!(pki::Ca::load(&pki_dir).unwrap().cert_pem(), ca.cert_pem());
    assert_eq!(
        std::fs::read_to_string(broker_dir.join("broker.crt")).unwrap(),
        broker
    );
}

#[tokio::test]
async fn waiting_for_the_reload_follows_the_marker() {
    let dir = tempfile::tempdir().unwrap();
    let crl = dir.path().join("crl.pem");
    let marker = dir.path().join("crl.pem.loaded");
    std::fs::write(&crl, "crl one").unwrap();
    let hash = |s: &str| {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(s.as_bytes()))
    };
    let short = Duration::from_millis(300);
    assert!(!api::mqtt_kick::wait_crl_loaded(&crl, short).await);
    std::fs::write(&marker, format!("{}\n", hash("crl one"))).unwrap();
    assert!(api::mqtt_kick::wait_crl_loaded(&crl, short).await);

    // A newer CRL is not loaded until the marker says so, even if it arrives while waiting.
    std::fs::write(&crl, "crl two").unwrap();
    assert!(!api::mqtt_kick::wait_crl_loaded(&crl, short).await);
    let m2 = marker.clone();
    let two = hash("crl two");
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        std::fs::write(m2, two).unwrap();
    });
    assert!(api::mqtt_kick::wait_crl_loaded(&crl, Duration::from_secs(3)).await);
}
