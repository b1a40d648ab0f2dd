//! `GET /v1/user/browse`: the user directory, for signed-in users only. Unverified users and
//! the owner never appear; non-moderators do not see hidden, banned or deactivated users;
//! users the viewer blocked are left out.
use axum::extract::State;
use axum::Json;
use db::user_views::{BrowseQuery, BrowseSort};
use db::users::UserRow;
use domain::role::can_moderate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::page;
use crate::dto::user::UserPublic;
use crate::error::ApiResult;
use crate::extract::{AuthUser, ValidQuery};
use crate::state::AppState;

#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    #[default]
    Alphabetical,
    Recent,
    Reputation,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BrowseParams {
    /// Part of a handle (case-insensitive).
    pub q: Option<String>,
    #[param(inline)]
    pub sort: Option<Sort>,
    pub cursor: Option<String>,
    /// 1-200, default 50.
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<UserPublic>,
    pub next_cursor: Option<String>,
}

/// The cursor value of a row for the chosen order.
fn sort_value(sort: Sort, u: &UserRow) -> Value {
    match sort {
        Sort::Alphabetical => Value::String(u.handle.clone()),
        Sort::Recent => Value::String(u.created_at.to_rfc3339()),
        Sort::Reputation => Value::from(u.reputation),
    }
}

/// The key `db::user_views::browse` compares against, when the cursor's value fits the order;
/// a cursor of another order (or garbage) means the first page.
fn after_key(sort: Sort, raw: Option<&str>) -> Option<(String, i32)> {
    let (id, v) = page::decode(raw)?;
    let key = match (sort, v) {
        (Sort::Alphabetical, Value::String(s)) => s,
        (Sort::Recent, Value::String(s)) => {
            chrono::DateTime::parse_from_rfc3339(&s).ok()?;
            s
        }
        (Sort::Reputation, Value::Number(n)) => i32::try_from(n.as_i64()?).ok()?.to_string(),
        _ => return None,
    };
    Some((key, id))
}

#[utoipa::path(get, path = "/v1/user/browse", tag = "users", security(("bearer" = [])),
    params(BrowseParams),
    responses((status = 200, body = UserPage),
              (status = 401, description = "Not signed in"),
              (status = 422, description = "Unknown sort or limit out of range")))]
pub async fn browse(
    State(state): State<AppState>,
    AuthUser(viewer): AuthUser,
    ValidQuery(p): ValidQuery<BrowseParams>,
) -> ApiResult<Json<UserPage>> {
    let limit = page::limit(p.limit)?;
    let sort = p.sort.unwrap_or_default();
    let q = p.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let query = BrowseQuery {
        q,
        sort: match sort {
            Sort::Alphabetical => BrowseSort::Alphabetical,
            Sort::Recent => BrowseSort::Recent,
            Sort::Reputation => BrowseSort::Reputation,
        },
        include_hidden: can_moderate(&viewer.roles),
        viewer_id: viewer.id,
        after: after_key(sort, p.cursor.as_deref()),
        limit: limit + 1,
    };
    let rows = db::user_views::browse(&state.db, &query).await?;
    let (rows, more) = page::split(rows, limit);
    let next_cursor = rows
        .last()
        .filter(|_| more)
        .map(|u| page::encode(u.id, sort_value(sort, u)));
    Ok(Json(UserPage {
        items: rows.iter().map(UserPublic::from).collect(),
        next_cursor,
    }))
}
