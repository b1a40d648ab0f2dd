//! Real email in tests: an in-process SMTP sink plus the worker's queue consumers, so a test can
//! sign up through the api and then read the code or link that was actually mailed.
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use config::SmtpTls;
use tokio::task::JoinHandle;

use crate::TestApp;

/// The sink's mail directory and switches. Dropping it stops the sink and the consumers.
pub struct MailBox {
    pub control: Arc<smtp_sink::Control>,
    pub dir: PathBuf,
    /// Files already handed out by `wait_for`, so successive calls return successive mails.
    taken: Mutex<HashSet<PathBuf>>,
    tasks: Vec<JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl Drop for MailBox {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
}

impl Mail {
    /// The 6-digit code in the body.
    pub fn code(&self) -> String {
        self.text
            .split(|c: char| !c.is_ascii_digit())
            .find(|w| w.len() == 6)
            .unwrap_or_else(|| panic!("no 6-digit code in mail {:?}:\n{}", self.subject, self.text))
            .to_string()
    }

    /// The `token=` query value of the link in the body.
    pub fn link_token(&self) -> String {
        let start =
            self.text.find("token=").unwrap_or_else(|| {
                panic!("no link token in mail {:?}:\n{}", self.subject, self.text)
            }) + "token=".len();
        self.text[start..]
            .split(|c: char| c.is_whitespace() || c == '&' || c == '#')
            .next()
            .unwrap_or_default()
            .to_string()
    }
}

impl TestApp {
    /// Starts an SMTP sink on a free port and the worker's consumers on this app's queues,
    /// with mail pointed at the sink.
    pub async fn start_worker(&self) -> MailBox {
        let dir = tempfile::tempdir().expect("mail dir");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("sink port");
        let port = listener.local_addr().expect("sink address").port();
        let control = Arc::new(smtp_sink::Control::default());
        let sink = tokio::spawn({
            let (path, control) = (dir.path().to_path_buf(), control.clone());
            async move {
                if let Err(e) = smtp_sink::serve(listener, path, control).await {
                    eprintln!("smtp sink stopped: {e}");
                }
            }
        });

        let mut config = (*self.state.config).clone();
        config.smtp.host = "127.0.0.1".into();
        config.smtp.port = port;
        config.smtp.tls = SmtpTls::None;
        config.smtp.username = None;
        config.smtp.password = None;
        let deps = worker::Deps {
            pool: self.state.db.clone(),
            config: Arc::new(config),
            kv: self.state.kv.clone(),
            vault: self.state.vault.clone(),
        };
        let consumers = tokio::spawn(async move {
            if let Err(e) = worker::run_consumers(deps).await {
                eprintln!("worker consumers stopped: {e:#}");
            }
        });
        MailBox {
            control,
            dir: dir.path().to_path_buf(),
            taken: Mutex::new(HashSet::new()),
            tasks: vec![sink, consumers],
            _dir: dir,
        }
    }
}

impl MailBox {
    /// The oldest mail to `to` not returned by an earlier call; panics after `timeout`.
    pub async fn wait_for(&self, to: &str, timeout: Duration) -> Mail {
        let start = Instant::now();
        loop {
            for (path, mail) in self.read_all() {
                if !mail.to.eq_ignore_ascii_case(to) {
                    continue;
                }
                if self.taken.lock().unwrap().insert(path) {
                    return mail;
                }
            }
            if start.elapsed() >= timeout {
                let seen: Vec<String> = self.all().into_iter().map(|m| m.to).collect();
                panic!("no new mail to {to} within {timeout:?}; mail so far went to {seen:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Every stored mail, oldest first.
    pub fn all(&self) -> Vec<Mail> {
        self.read_all().into_iter().map(|(_, m)| m).collect()
    }

    /// How many mails reached `to` so far.
    pub fn count_for(&self, to: &str) -> usize {
        self.all()
            .iter()
            .filter(|m| m.to.eq_ignore_ascii_case(to))
            .count()
    }

    fn read_all(&self) -> Vec<(PathBuf, Mail)> {
        // The sink names files `{millis}-{uuid}.eml` and renames them into place when complete.
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|x| x == "eml"));
        files.sort();
        files
            .into_iter()
            .filter_map(|p| parse(&p).map(|m| (p, m)))
            .collect()
    }
}

fn parse(path: &Path) -> Option<Mail> {
    let raw = std::fs::read(path).ok()?;
    let msg = mail_parser::MessageParser::default().parse(&raw)?;
    Some(Mail {
        to: msg
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or_default()
            .to_string(),
        subject: msg.subject().unwrap_or_default().to_string(),
        text: msg.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jobs::{EmailKind, SendEmail};

    fn mail(text: &str) -> Mail {
        Mail {
            to: "a@example.com".into(),
            subject: "s".into(),
            text: text.into(),
        }
    }

    #[test]
    fn code_and_token_are_found() {
        let m = mail("valid for 10 minutes:\n\n004217\n\nlink http://x/verify?token=Ab-9_z&x=1\n");
        assert_eq!(m.code(), "004217");
        assert_eq!(m.link_token(), "Ab-9_z");
    }

    #[sqlx::test(migrations = "../../migrations")]
    async fn queued_mail_reaches_the_mailbox_in_order(pool: db::PgPool) {
        let app = TestApp::new(pool).await;
        let mailbox = app.start_worker().await;
        for (i, email) in [
            EmailKind::VerifyLink {
                url: "http://127.0.0.1:8080/verify-email?token=t0k3n".into(),
                generated_password: Some("Pw12345x".into()),
            },
            EmailKind::VerifyOtp {
                code: "000123".into(),
            },
        ]
        .into_iter()
        .enumerate()
        {
            app.state
                .queues
                .send_email(SendEmail {
                    id: uuid::Uuid::new_v4(),
                    to: "New@Example.com".into(),
                    handle: format!("pixel{i}"),
                    email,
                })
                .await
                .unwrap();
            // One at a time, so arrival order is the enqueue order.
            if i == 0 {
                let link = mailbox
                    .wait_for("new@example.com", Duration::from_secs(20))
                    .await;
                assert_eq!(link.subject, "Verify your Makapix Club email");
                assert_eq!(link.link_token(), "t0k3n");
                assert!(link.text.contains("Pw12345x"));
            }
        }
        let otp = mailbox
            .wait_for("new@example.com", Duration::from_secs(20))
            .await;
        assert_eq!(otp.subject, "Your Makapix verification code");
        assert_eq!(otp.code(), "000123");
        assert_eq!(mailbox.count_for("new@example.com"), 2);
    }
}
