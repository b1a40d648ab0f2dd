//! The account emails: plain-text rendering (subjects and validity as the original sends them)
//! and delivery over SMTP. Links, codes and generated passwords only ever travel in the message
//! body; nothing here logs them.
use std::borrow::Cow;
use std::time::Duration;

use config::{SmtpConfig, SmtpTls};
use jobs::EmailKind;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

pub const VERIFY_LINK_SUBJECT: &str = "Verify your Makapix Club email";
pub const VERIFY_OTP_SUBJECT: &str = "Your Makapix verification code";
pub const RESET_LINK_SUBJECT: &str = "Reset your Makapix Club password";
pub const RESET_OTP_SUBJECT: &str = "Your Makapix password reset code";
/// Followed by `{type} {id}: {reason}`.
pub const REPORT_ALERT_SUBJECT_PREFIX: &str = "[MPX report]";

/// Bounds one SMTP conversation so a stuck server turns into a retry, not a hung job.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// A rendered email, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Fixed for account mail; the report alert names its target.
    pub subject: Cow<'static, str>,
    pub text: String,
}

/// A short, secret-free name for logs and metric labels.
pub fn kind_label(email: &EmailKind) -> &'static str {
    match email {
        EmailKind::VerifyLink { .. } => "verify_link",
        EmailKind::VerifyOtp { .. } => "verify_otp",
        EmailKind::ResetLink { .. } => "reset_link",
        EmailKind::ResetOtp { .. } => "reset_otp",
        EmailKind::ReportAlert { .. } => "report_alert",
    }
}

const SIGNATURE: &str = "-- \nMakapix Club\n";

pub fn render(handle: &str, email: &EmailKind) -> Rendered {
    match email {
        EmailKind::VerifyLink {
            url,
            generated_password,
        } => {
            let mut text = format!(
                "Hi {handle},\n\n\
                 Welcome to Makapix Club! Please confirm your email address by opening this link:\n\n\
                 {url}\n\n\
                 The link is valid for 24 hours and can be used once.\n\n"
            );
            if let Some(password) = generated_password {
                text.push_str(&format!(
                    "We created a password for you, so you can sign in with your email address:\n\n\
                     {password}\n\n\
                     Please change it in your account settings after signing in.\n\n"
                ));
            }
            text.push_str("If you did not sign up for Makapix Club, you can ignore this email.\n\n");
            text.push_str(SIGNATURE);
            Rendered {
                subject: VERIFY_LINK_SUBJECT.into(),
                text,
            }
        }
        EmailKind::VerifyOtp { code } => Rendered {
            subject: VERIFY_OTP_SUBJECT.into(),
            text: format!(
                "Hi {handle},\n\n\
                 Your Makapix Club verification code is:\n\n\
                 {code}\n\n\
                 The code is valid for 10 minutes. If you did not ask for it, you can ignore this email.\n\n\
                 {SIGNATURE}"
            ),
        },
        EmailKind::ResetLink { url } => Rendered {
            subject: RESET_LINK_SUBJECT.into(),
            text: format!(
                "Hi {handle},\n\n\
                 Someone asked to reset the password of your Makapix Club account. To choose a new \
                 password, open this link:\n\n\
                 {url}\n\n\
                 The link is valid for 1 hour and can be used once. If you did not ask for a reset, \
                 you can ignore this email; your password stays the same.\n\n\
                 {SIGNATURE}"
            ),
        },
        EmailKind::ResetOtp { code } => Rendered {
            subject: RESET_OTP_SUBJECT.into(),
            text: format!(
                "Hi {handle},\n\n\
                 Your Makapix Club password reset code is:\n\n\
                 {code}\n\n\
                 The code is valid for 10 minutes. If you did not ask for a reset, you can ignore \
                 this email; your password stays the same.\n\n\
                 {SIGNATURE}"
            ),
        },
        EmailKind::ReportAlert {
            target_type,
            target_id,
            reason_code,
            notes,
            reporter_handle,
        } => Rendered {
            subject: format!("{REPORT_ALERT_SUBJECT_PREFIX} {target_type} {target_id}: {reason_code}")
                .into(),
            text: format!(
                "A new report needs review.\n\n\
                 Target: {target_type} {target_id}\n\
                 Reason: {reason_code}\n\
                 Reporter: {}\n\n\
                 Notes:\n{}\n\n\
                 Further reports on this target within 6 hours are not mailed.\n\n\
                 {SIGNATURE}",
                reporter_handle.as_deref().unwrap_or("anonymous"),
                notes.as_deref().unwrap_or("(none)"),
            ),
        },
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid {which} address: {source}")]
    Address {
        which: &'static str,
        source: lettre::address::AddressError,
    },
    #[error("could not build the message: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("smtp: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
}

impl MailError {
    /// True when sending again cannot help (bad address, 5xx reply); such jobs are not retried.
    pub fn is_permanent(&self) -> bool {
        match self {
            MailError::Address { .. } | MailError::Build(_) => true,
            MailError::Smtp(e) => e.is_permanent(),
        }
    }
}

/// The SMTP transport plus the sender; cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub fn from_config(c: &SmtpConfig) -> Result<Self, MailError> {
        let builder = match c.tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&c.host),
            SmtpTls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&c.host)?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&c.host)?,
        }
        .port(c.port)
        .timeout(Some(SMTP_TIMEOUT));
        let builder = match (&c.username, &c.password) {
            (Some(user), Some(password)) => builder.credentials(Credentials::new(
                user.clone(),
                password.expose().to_string(),
            )),
            _ => builder,
        };
        let from = c.from.parse().map_err(|source| MailError::Address {
            which: "sender",
            source,
        })?;
        Ok(Self {
            transport: builder.build(),
            from,
        })
    }

    pub async fn send(&self, to: &str, mail: &Rendered) -> Result<(), MailError> {
        let to: Mailbox = to.parse().map_err(|source| MailError::Address {
            which: "recipient",
            source,
        })?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(mail.text.clone())?;
        self.transport.send(message).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(password: Option<&str>) -> EmailKind {
        EmailKind::VerifyLink {
            url: "http://127.0.0.1:8080/verify-email?token=abc".into(),
            generated_password: password.map(str::to_string),
        }
    }

    #[test]
    fn subjects_match_the_original() {
        let cases = [
            (link(None), VERIFY_LINK_SUBJECT),
            (
                EmailKind::VerifyOtp {
                    code: "012345".into(),
                },
                "Your Makapix verification code",
            ),
            (
                EmailKind::ResetLink {
                    url: "http://x/reset?token=t".into(),
                },
                "Reset your Makapix Club password",
            ),
            (
                EmailKind::ResetOtp {
                    code: "999999".into(),
                },
                "Your Makapix password reset code",
            ),
        ];
        for (kind, subject) in cases {
            assert_eq!(render("pixel", &kind).subject, subject);
        }
        assert_eq!(VERIFY_LINK_SUBJECT, "Verify your Makapix Club email");
    }

    #[test]
    fn verify_link_carries_url_validity_and_password_when_generated() {
        let with = render("pixel", &link(Some("Xy7kQ2pA")));
        assert!(with.text.contains("Hi pixel,"));
        assert!(with
            .text
            .contains("http://127.0.0.1:8080/verify-email?token=abc"));
        assert!(with.text.contains("24 hours"));
        assert!(with.text.contains("Xy7kQ2pA"));
        let without = render("pixel", &link(None));
        assert!(!without.text.contains("password"));
    }

    #[test]
    fn codes_carry_the_code_and_ten_minutes() {
        for kind in [
            EmailKind::VerifyOtp {
                code: "004217".into(),
            },
            EmailKind::ResetOtp {
                code: "004217".into(),
            },
        ] {
            let r = render("pixel", &kind);
            assert!(r.text.contains("\n004217\n"), "{}", r.text);
            assert!(r.text.contains("10 minutes"));
            assert!(!r.text.to_lowercase().contains("created a password"));
        }
    }

    #[test]
    fn reset_link_is_valid_one_hour() {
        let r = render(
            "pixel",
            &EmailKind::ResetLink {
                url: "http://x/reset-password?token=zz".into(),
            },
        );
        assert!(r.text.contains("http://x/reset-password?token=zz"));
        assert!(r.text.contains("1 hour"));
    }

    #[test]
    fn report_alert_names_target_and_reason() {
        let r = render(
            "moderators",
            &EmailKind::ReportAlert {
                target_type: "post".into(),
                target_id: "42".into(),
                reason_code: "spam".into(),
                notes: Some("buy now".into()),
                reporter_handle: None,
            },
        );
        assert_eq!(r.subject, "[MPX report] post 42: spam");
        assert!(r.text.contains("buy now"));
        assert!(r.text.contains("anonymous"));
    }

    #[test]
    fn permanent_errors_are_recognised() {
        let bad = "not an address".parse::<Mailbox>().unwrap_err();
        assert!(MailError::Address {
            which: "recipient",
            source: bad
        }
        .is_permanent());
    }

    #[test]
    fn transport_builds_for_every_tls_mode() {
        for tls in [SmtpTls::None, SmtpTls::StartTls, SmtpTls::Tls] {
            let c = SmtpConfig {
                host: "127.0.0.1".into(),
                port: 2525,
                tls,
                username: Some("u".into()),
                password: Some(config::Secret::new("p")),
                from: "Makapix Club <noreply@makapix.local>".into(),
            };
            assert!(Mailer::from_config(&c).is_ok());
        }
    }
}
