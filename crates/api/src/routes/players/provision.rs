//! `POST /player/provision`: a device asks for an identity. Creates a pending player with a
//! fresh key and a 6-character code (15 minutes) that its owner types in on the web. The p3a
//! accepts only 201 and reads the reply into a 2 KiB buffer.
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{broker, https_api};
use crate::dto::player::{BrokerInfo, HttpsApiInfo};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ClientIp, RateLimiter};
use crate::limits::PLAYER_PROVISION;
use crate::routes::posts::edits::optional_json;
use crate::state::AppState;

pub const CODE_TTL_MINUTES: i64 = 15;
const MAX_DEVICE_MODEL: usize = 100;
const MAX_FIRMWARE_VERSION: usize = 50;
/// A clash of 6-character codes is rare (31^6 codes, few pending); a handful of tries suffices.
const CODE_ATTEMPTS: usize = 8;

/// Both fields are optional (the p3a sends `"p3a"` and its version); an empty body is allowed.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ProvisionRequest {
    pub device_model: Option<String>,
    pub firmware_version: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Provisioned {
    pub player_key: Uuid,
    pub registration_code: String,
    pub registration_code_expires_at: DateTime<Utc>,
    pub mqtt_broker: BrokerInfo,
    pub https_api: HttpsApiInfo,
}

fn check_len(field: &str, value: Option<&str>, max: usize) -> ApiResult<()> {
    match value {
        Some(v) if v.chars().count() > max => Err(ApiError::invalid_field(
            field,
            format!("At most {max} characters"),
        )),
        _ => Ok(()),
    }
}

#[utoipa::path(post, path = "/player/provision", tag = "players",
    request_body(content = ProvisionRequest, description = "Optional; an empty body is allowed"),
    responses((status = 201, body = Provisioned),
              (status = 422, description = "device_model over 100 or firmware_version over 50 characters"),
              (status = 429, description = "More than 10 provisions per hour from this address")))]
pub async fn provision(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    limiter: RateLimiter,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Provisioned>)> {
    limiter.check(PLAYER_PROVISION, &ip.to_string()).await?;
    let req: ProvisionRequest = optional_json(&body)?;
    check_len(
        "device_model",
        req.device_model.as_deref(),
        MAX_DEVICE_MODEL,
    )?;
    check_len(
        "firmware_version",
        req.firmware_version.as_deref(),
        MAX_FIRMWARE_VERSION,
    )?;
    let player_key = Uuid::new_v4();
    let expires_at = Utc::now() + Duration::minutes(CODE_TTL_MINUTES);
    for _ in 0..CODE_ATTEMPTS {
        let code = auth::device::new_registration_code();
        let created = db::players::create_pending(
            &state.db,
            player_key,
            &code,
            expires_at,
            req.device_model.as_deref(),
            req.firmware_version.as_deref(),
        )
        .await;
        match created {
            Ok(_) => {
                let body = Provisioned {
                    player_key,
                    registration_code: code,
                    registration_code_expires_at: expires_at,
                    mqtt_broker: broker(&state),
                    https_api: https_api(&state),
                };
                return Ok((StatusCode::CREATED, Json(body)));
            }
            Err(db::DbError::Conflict { constraint })
                if constraint == "players_registration_code" =>
            {
                tracing::debug!("registration code clash; drawing another");
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::internal(
        "no free registration code after several attempts",
    ))
}
