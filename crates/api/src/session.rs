//! Sessions: an access JWT plus an opaque refresh token in a family. Rotation keeps the old
//! token usable for a 60 s grace (racing tabs); presenting it later, or after its successor
//! was itself rotated, is reuse and revokes the whole family.
use axum_extra::extract::cookie::{Cookie, SameSite};
use chrono::{DateTime, Duration, Utc};
use db::users::UserRow;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub const REFRESH_COOKIE: &str = "refresh_token";
pub const ROTATION_GRACE_SECS: i64 = 60;

pub struct Session {
    pub access_token: String,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_token: String,
}

fn mint_access(state: &AppState, user: &UserRow) -> ApiResult<(String, DateTime<Utc>)> {
    Ok(state.jwt.issue(
        &user.public_sqid,
        &user.user_key.to_string(),
        &user.roles,
        Utc::now(),
    )?)
}

async fn insert_refresh(
    conn: &mut db::PgConnection,
    state: &AppState,
    user_id: i32,
    family: Uuid,
) -> ApiResult<(i64, String)> {
    let raw = auth::secrets::random_token();
    let expires = Utc::now() + Duration::days(state.config.refresh_token_days);
    let id = db::refresh::insert(
        conn,
        user_id,
        family,
        &auth::secrets::sha256(raw.as_bytes()),
        expires,
    )
    .await?;
    Ok((id, raw))
}

/// Starts a new sign-in family for the user.
pub async fn start(state: &AppState, user: &UserRow) -> ApiResult<Session> {
    let mut conn = state.db.acquire().await.map_err(ApiError::internal)?;
    let (_, refresh_token) = insert_refresh(&mut conn, state, user.id, Uuid::new_v4()).await?;
    let (access_token, access_expires_at) = mint_access(state, user)?;
    Ok(Session {
        access_token,
        access_expires_at,
        refresh_token,
    })
}

fn invalid() -> ApiError {
    ApiError::token_invalid(
        axum::http::StatusCode::UNAUTHORIZED,
        "Invalid or expired refresh token",
    )
}

/// Rotates a presented refresh token. Reuse revokes the family (committed even though the
/// request fails, so the attacker's copy dies with it).
pub async fn rotate(state: &AppState, raw: &str) -> ApiResult<(UserRow, Session)> {
    let hash = auth::secrets::sha256(raw.as_bytes());
    let mut tx = state.db.begin().await.map_err(ApiError::internal)?;
    let Some(tok) = db::refresh::lock_by_hash(&mut tx, &hash).await? else {
        return Err(invalid());
    };
    let now = Utc::now();
    if tok.revoked_at.is_some() {
        return Err(invalid());
    }
    if let Some(rotated) = tok.rotated_at {
        let past_grace = now > rotated + Duration::seconds(ROTATION_GRACE_SECS);
        if past_grace || tok.successor_rotated {
            let n = db::refresh::revoke_family(&mut tx, tok.family_id).await?;
            tx.commit().await.map_err(ApiError::internal)?;
            tracing::warn!(
                user_id = tok.user_id,
                revoked = n,
                "refresh token reuse; family revoked"
            );
            metrics::counter!("refresh_token_reuse_total").increment(1);
            return Err(invalid());
        }
    }
    if tok.expires_at <= now {
        return Err(invalid());
    }
    let user = db::users::find_by_id(&mut *tx, tok.user_id)
        .await?
        .ok_or_else(invalid)?;
    if user.deactivated {
        return Err(ApiError::unauthorized("Account deactivated"));
    }
    if user.is_banned(now) {
        return Err(ApiError::unauthorized("Account banned"));
    }
    let (new_id, refresh_token) = insert_refresh(&mut tx, state, user.id, tok.family_id).await?;
    db::refresh::mark_rotated(&mut tx, tok.id, new_id).await?;
    tx.commit().await.map_err(ApiError::internal)?;
    let (access_token, access_expires_at) = mint_access(state, &user)?;
    Ok((
        user,
        Session {
            access_token,
            access_expires_at,
            refresh_token,
        },
    ))
}

/// The HttpOnly refresh cookie (30 days, Path=/, SameSite=Lax; Secure on https).
pub fn refresh_cookie(state: &AppState, token: String) -> Cookie<'static> {
    let mut c = Cookie::build((REFRESH_COOKIE, token))
        .http_only(true)
        .path("/")
        .same_site(SameSite::Lax)
        .secure(state.config.cookie_secure)
        .max_age(time_days(state.config.refresh_token_days))
        .build();
    if let Some(d) = &state.config.cookie_domain {
        c.set_domain(d.clone());
    }
    c
}

/// An expired cookie that makes the browser drop the refresh token.
pub fn clear_refresh_cookie(state: &AppState) -> Cookie<'static> {
    let mut c = refresh_cookie(state, String::new());
    c.make_removal();
    c
}

fn time_days(days: i64) -> time::Duration {
    time::Duration::days(days)
}
