//! Account operations shared by several handlers and the seeder: creating users with their
//! public sqid, issuing verification and reset secrets and queueing their emails.
use chrono::{Duration, Utc};
use db::one_time::Purpose;
use db::users::{NewUser, UserRow};
use db::PgConnection;
use domain::Email;
use jobs::{EmailKind, SendEmail};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub const VERIFY_LINK_HOURS: i64 = 24;
pub const OTP_MINUTES: i64 = 10;
pub const RESET_LINK_HOURS: i64 = 1;

pub struct CreateUser<'a> {
    pub email: &'a Email,
    pub handle: &'a str,
    pub handle_normalized: &'a str,
    pub password_hash: Option<&'a str>,
    pub email_verified: bool,
    pub roles: &'a [String],
}

/// Inserts a user with its sqid in one statement. A unique clash maps to 409.
pub async fn create_user(
    conn: &mut PgConnection,
    state: &AppState,
    c: CreateUser<'_>,
) -> ApiResult<UserRow> {
    let id = db::users::next_id(conn).await?;
    let sqid = state.sqids.encode(i64::from(id));
    let res = db::users::insert(
        conn,
        NewUser {
            id,
            public_sqid: &sqid,
            handle: c.handle,
            handle_normalized: c.handle_normalized,
            email: c.email.as_str(),
            email_normalized: &c.email.normalized(),
            password_hash: c.password_hash,
            email_verified: c.email_verified,
            roles: c.roles,
        },
    )
    .await;
    match res {
        Ok(u) => Ok(u),
        Err(db::DbError::Conflict { constraint }) if constraint.contains("email") => Err(
            ApiError::conflict("An account with this email already exists"),
        ),
        Err(db::DbError::Conflict { constraint }) if constraint.contains("handle") => {
            Err(ApiError::conflict("This handle is already taken"))
        }
        Err(e) => Err(e.into()),
    }
}

/// A default handle `makapix-user-N` that is not taken yet.
pub async fn default_handle(conn: &mut PgConnection) -> ApiResult<(String, String)> {
    loop {
        let n = db::users::next_handle_number(conn).await?;
        let handle = format!("makapix-user-{n}");
        let norm = domain::handle::normalize_handle(&handle);
        if !db::users::handle_taken(&mut *conn, &norm, None).await? {
            return Ok((handle, norm));
        }
    }
}

/// Hashes a password off the async executor (argon2id is deliberately slow).
pub async fn hash_password(password: String) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || auth::password::hash(&password))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::from)
}

pub async fn verify_password(password: String, stored: Option<String>) -> ApiResult<bool> {
    tokio::task::spawn_blocking(move || match stored {
        Some(h) => auth::password::verify(&password, &h),
        None => {
            auth::password::dummy_verify(&password);
            false
        }
    })
    .await
    .map_err(ApiError::internal)
}

/// The hash stored for a 6-digit code: keyed, so the table alone cannot be brute-forced.
pub fn code_hash(state: &AppState, user_id: i32, code: &str) -> Vec<u8> {
    let msg = format!("{user_id}:{code}");
    auth::secrets::keyed_hash(state.config.jwt_secret.expose().as_bytes(), msg.as_bytes())
}

/// What to send: a link or a code, for verification or reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Link,
    Code,
}

/// Issues a fresh secret (superseding older ones of the same kind) and queues its email.
/// Runs inside the caller's transaction; the email is queued after the insert succeeds.
pub async fn issue_secret(
    conn: &mut PgConnection,
    state: &AppState,
    user: &UserRow,
    email: &str,
    purpose: Purpose,
    generated_password: Option<String>,
) -> ApiResult<()> {
    let (expires, kind, secret_hash) = match purpose {
        Purpose::VerifyLink | Purpose::ResetLink => {
            let token = auth::secrets::random_token();
            let (hours, path) = if purpose == Purpose::VerifyLink {
                (VERIFY_LINK_HOURS, "verify-email")
            } else {
                (RESET_LINK_HOURS, "reset-password")
            };
            let url = format!("{}/{path}?token={token}", state.config.site_url);
            let kind = if purpose == Purpose::VerifyLink {
                EmailKind::VerifyLink {
                    url,
                    generated_password,
                }
            } else {
                EmailKind::ResetLink { url }
            };
            (
                Utc::now() + Duration::hours(hours),
                kind,
                auth::secrets::sha256(token.as_bytes()),
            )
        }
        Purpose::VerifyOtp | Purpose::ResetOtp => {
            let code = auth::secrets::random_code();
            let hash = code_hash(state, user.id, &code);
            let kind = if purpose == Purpose::VerifyOtp {
                EmailKind::VerifyOtp { code }
            } else {
                EmailKind::ResetOtp { code }
            };
            (Utc::now() + Duration::minutes(OTP_MINUTES), kind, hash)
        }
    };
    db::one_time::invalidate(conn, user.id, &[purpose]).await?;
    db::one_time::insert(conn, user.id, purpose, email, &secret_hash, expires).await?;
    state
        .queues
        .send_email(SendEmail {
            id: Uuid::new_v4(),
            to: email.to_string(),
            handle: user.handle.clone(),
            email: kind,
        })
        .await?;
    Ok(())
}

/// Consumes the newest live code of the purpose if it matches (constant-time). A wrong or
/// expired code is 400 `token_invalid`.
pub async fn consume_code(
    conn: &mut PgConnection,
    state: &AppState,
    user_id: i32,
    purpose: Purpose,
    code: &str,
) -> ApiResult<db::one_time::OneTimeRow> {
    let invalid = || {
        ApiError::token_invalid(
            axum::http::StatusCode::BAD_REQUEST,
            "Invalid or expired code",
        )
    };
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let row = db::one_time::lock_latest_code(conn, user_id, purpose)
        .await?
        .ok_or_else(invalid)?;
    if !auth::secrets::ct_eq(&row.secret_hash, &code_hash(state, user_id, code)) {
        return Err(invalid());
    }
    db::one_time::mark_used(conn, row.id).await?;
    Ok(row)
}

/// A reset (link or code) sets the password, retires outstanding reset secrets and signs out
/// every session, since whoever held the old password may hold a session too.
pub async fn apply_password_reset(
    conn: &mut PgConnection,
    user_id: i32,
    hash: &str,
) -> ApiResult<()> {
    db::users::set_password(conn, user_id, hash).await?;
    db::one_time::invalidate(conn, user_id, &[Purpose::ResetLink, Purpose::ResetOtp]).await?;
    db::refresh::revoke_all_for_user(conn, user_id).await?;
    Ok(())
}
