//! `GET /v1/ready`: readiness; 503 unless PostgreSQL and Redis both answer.
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Readiness {
    status: &'static str,
    postgres: &'static str,
    redis: &'static str,
}

#[utoipa::path(get, path = "/v1/ready", tag = "system",
    responses((status = 200, body = Readiness), (status = 503, body = Readiness)))]
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let timeout = std::time::Duration::from_secs(2);
    let pg = tokio::time::timeout(timeout, sqlx_ping(&state))
        .await
        .unwrap_or(false);
    let redis = matches!(
        tokio::time::timeout(timeout, state.kv.ping()).await,
        Ok(Ok(()))
    );
    let word = |ok: bool| if ok { "ok" } else { "unavailable" };
    let status = if pg && redis {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(Readiness {
            status: word(pg && redis),
            postgres: word(pg),
            redis: word(redis),
        }),
    )
}

async fn sqlx_ping(state: &AppState) -> bool {
    state.db.acquire().await.is_ok()
}
