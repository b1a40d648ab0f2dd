//! The signed-in user. Every request reloads the row, so a ban or deactivation bites at once.
use axum::extract::{FromRef, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use chrono::Utc;
use db::users::UserRow;

use crate::error::ApiError;
use crate::state::AppState;

/// A valid access token for an active account is required.
#[derive(Debug, Clone)]
pub struct AuthUser(pub UserRow);

/// The user when a valid token is sent; anonymous otherwise (a bad token is never a 401).
#[derive(Debug, Clone)]
pub struct MaybeAuthUser(pub Option<UserRow>);

fn bearer(parts: &Parts) -> Option<&str> {
    let v = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

async fn load(state: &AppState, token: &str) -> Result<UserRow, ApiError> {
    let claims = state.jwt.verify(token)?;
    let id = state
        .sqids
        .decode_user(&claims.sub)
        .ok_or_else(|| ApiError::unauthorized("Invalid token"))?;
    let user = db::users::find_by_id(&state.db, id)
        .await?
        .filter(|u| u.public_sqid == claims.sub)
        .ok_or_else(|| ApiError::unauthorized("Invalid token"))?;
    if user.deactivated {
        return Err(ApiError::unauthorized("Account deactivated"));
    }
    if user.is_banned(Utc::now()) {
        return Err(ApiError::unauthorized("Account banned"));
    }
    Ok(user)
}

impl<S> FromRequestParts<S> for AuthUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let token = bearer(parts).ok_or_else(ApiError::auth_required)?;
        Ok(Self(load(&state, token).await?))
    }
}

impl<S> FromRequestParts<S> for MaybeAuthUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let Some(token) = bearer(parts) else {
            return Ok(Self(None));
        };
        match load(&state, token).await {
            Ok(u) => Ok(Self(Some(u))),
            Err(e) if e.status.is_server_error() => Err(e),
            Err(_) => Ok(Self(None)),
        }
    }
}
