//! `DELETE /u/{sqid}/player/{player_id}`: removes one of the caller's players. In one
//! transaction every serial it was ever issued is revoked and the row deleted (its tokens and
//! command log go with it); then, after the response, the CRL is rebuilt and the live MQTT
//! session dropped. Afterwards its key, certificates and token are all refused.
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::{owned_player, player_not_found};
use crate::error::{ApiError, ApiResult};
use crate::extract::AuthUser;
use crate::state::AppState;

#[utoipa::path(delete, path = "/u/{sqid}/player/{player_id}", tag = "players",
    security(("bearer" = [])),
    params(("sqid" = String, Path, description = "The signed-in user's public sqid"),
           ("player_id" = String, Path, description = "The player's id")),
    responses((status = 204, description = "Deleted; its certificates are revoked"),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "The sqid is not the caller's"),
              (status = 404, description = "No such player of the caller")))]
pub async fn delete_player(
    State(state): State<AppState>,
    AuthUser(me): AuthUser,
    Path((sqid, player_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let player = owned_player(&state, &me, &sqid, &player_id).await?;
    let mut tx = state.db.begin().await.map_err(ApiError::internal)?;
    let revoked = db::players::revoke_serials(&mut *tx, player.id).await?;
    let target = player.id.to_string();
    let note = player.player_key.to_string();
    let entry = db::audit::AuditEntry {
        actor_id: Some(me.id),
        action: "remove_device",
        target_type: "player",
        target_id: &target,
        reason_code: None,
        note: Some(&note),
    };
    db::audit::record(&mut tx, entry).await?;
    // A concurrent delete got there first: nothing of ours to commit.
    if !db::players::delete(&mut *tx, player.id).await? {
        return Err(player_not_found());
    }
    tx.commit().await.map_err(ApiError::internal)?;
    crate::cache::players_changed(&state).await;
    tracing::info!(player_id = %player.id, revoked, "player deleted");
    super::issue::spawn_teardown(&state, vec![player.player_key]);
    Ok(StatusCode::NO_CONTENT)
}
