//! `POST /v1/auth/check-handle-availability`: always 200; invalid handles are unavailable.
use axum::extract::State;
use axum::Json;
use domain::Handle;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiResult;
use crate::extract::{ClientIp, MaybeAuthUser, RateLimiter, ValidJson};
use crate::limits;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
pub struct CheckHandleBody {
    pub handle: String,
}

#[derive(Serialize, ToSchema)]
pub struct CheckHandleResponse {
    pub handle: String,
    pub available: bool,
    pub message: String,
}

#[utoipa::path(post, path = "/v1/auth/check-handle-availability", tag = "auth", request_body = CheckHandleBody,
    responses((status = 200, body = CheckHandleResponse)))]
pub async fn check_handle(
    State(state): State<AppState>,
    MaybeAuthUser(viewer): MaybeAuthUser,
    ClientIp(ip): ClientIp,
    limiter: RateLimiter,
    ValidJson(body): ValidJson<CheckHandleBody>,
) -> ApiResult<Json<CheckHandleResponse>> {
    limiter.check(limits::HANDLE_CHECK, &ip.to_string()).await?;
    let (available, message) = match Handle::parse(&body.handle) {
        Err(e) => (false, e.to_string()),
        Ok(h) => {
            let taken =
                db::users::handle_taken(&state.db, &h.normalized(), viewer.as_ref().map(|u| u.id))
                    .await?;
            if taken {
                (false, "This handle is already taken".to_string())
            } else {
                (true, "Handle is available".to_string())
            }
        }
    };
    Ok(Json(CheckHandleResponse {
        handle: body.handle,
        available,
        message,
    }))
}
