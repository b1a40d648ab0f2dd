//! `POST /v1/auth/logout`: revokes the cookie's refresh family and clears the cookie.
use axum::extract::State;
use axum::http::StatusCode;
use axum_extra::extract::CookieJar;

use crate::error::{ApiError, ApiResult};
use crate::extract::AuthUser;
use crate::session::{self, REFRESH_COOKIE};
use crate::state::AppState;

#[utoipa::path(post, path = "/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204, description = "Signed out"), (status = 401, description = "unauthorized")))]
pub async fn logout(
    State(state): State<AppState>,
    AuthUser(_user): AuthUser,
    jar: CookieJar,
) -> ApiResult<(StatusCode, CookieJar)> {
    if let Some(c) = jar.get(REFRESH_COOKIE) {
        let hash = auth::secrets::sha256(c.value().as_bytes());
        let mut tx = state.db.begin().await.map_err(ApiError::internal)?;
        if let Some(family) = db::refresh::revoke_by_hash(&mut tx, &hash).await? {
            db::refresh::revoke_family(&mut tx, family).await?;
        }
        tx.commit().await.map_err(ApiError::internal)?;
    }
    let jar = jar.add(session::clear_refresh_cookie(&state));
    Ok((StatusCode::NO_CONTENT, jar))
}
