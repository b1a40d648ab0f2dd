//! `POST /player/register`: the signed-in user claims a pending player by its code. The client
//! certificate is minted at once, after the claim committed: a failure to mint is logged and
//! leaves the player registered without certificate (its credentials stay 404).
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use domain::limits::MAX_PLAYERS_PER_USER;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{player_not_found, valid_name};
use crate::dto::player::PlayerPublic;
use crate::error::{ApiError, ApiResult};
use crate::extract::{AuthUser, ValidJson};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct RegisterRequest {
    /// The 6 characters the device shows; case does not matter.
    pub registration_code: String,
    /// 1 to 100 characters after trimming.
    pub name: String,
}

fn invalid_code() -> ApiError {
    ApiError::not_found("Invalid or expired registration code")
}

fn limit_reached() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "player_limit_reached",
        format!("You can register at most {MAX_PLAYERS_PER_USER} players"),
    )
}

#[utoipa::path(post, path = "/player/register", operation_id = "register_player", tag = "players", security(("bearer" = [])),
    request_body = RegisterRequest,
    responses((status = 201, body = PlayerPublic),
              (status = 400, description = "Already 128 players (`player_limit_reached`)"),
              (status = 401, description = "Not signed in"),
              (status = 404, description = "Unknown, expired or already used code"),
              (status = 422, description = "Code not 6 characters, or name not 1 to 100")))]
pub async fn register(
    State(state): State<AppState>,
    AuthUser(me): AuthUser,
    ValidJson(req): ValidJson<RegisterRequest>,
) -> ApiResult<(StatusCode, Json<PlayerPublic>)> {
    let code = req.registration_code.trim().to_uppercase();
    if code.chars().count() != 6 {
        return Err(ApiError::invalid_field(
            "registration_code",
            "The registration code has 6 characters",
        ));
    }
    let name = valid_name(&req.name)?;
    let mut tx = state.db.begin().await.map_err(ApiError::internal)?;
    let id = db::players::lock_pending_by_code(&mut tx, &code)
        .await?
        .ok_or_else(invalid_code)?;
    if db::players::count_owned_locked(&mut tx, me.id).await? >= MAX_PLAYERS_PER_USER {
        return Err(limit_reached());
    }
    db::players::register(&mut tx, id, me.id, &name).await?;
    let target = id.to_string();
    let entry = db::audit::AuditEntry {
        actor_id: Some(me.id),
        action: "add_device",
        target_type: "player",
        target_id: &target,
        reason_code: None,
        note: Some(&name),
    };
    db::audit::record(&mut tx, entry).await?;
    tx.commit().await.map_err(ApiError::internal)?;

    let player = db::players::find_owned(&state.db, me.id, id)
        .await?
        .ok_or_else(player_not_found)?;
    if let Err(e) = super::issue::issue_and_store(&state, id, player.player_key).await {
        tracing::error!(player_id = %id, error = %e, "player registered without a certificate");
    }
    // Read again so `cert_expires_at` reflects the certificate just stored.
    let player = db::players::find_owned(&state.db, me.id, id)
        .await?
        .ok_or_else(player_not_found)?;
    Ok((StatusCode::CREATED, Json(PlayerPublic::from(player))))
}
