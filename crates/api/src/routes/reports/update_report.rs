//! `PATCH /v1/report/{id}`: a moderator triages or resolves a report, optionally applying an
//! action to its target (see `actions`). The action, its audit entry and the report change
//! commit together; the reporter hears `report_resolved` when the report is first resolved.
use axum::extract::{Path, State};
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::actions::{apply, Action, Effect, Why};
use super::{report_not_found, Report, MAX_NOTES};
use crate::error::ApiResult;
use crate::extract::ValidJson;
use crate::notify::{notify, Kind, Notice};
use crate::routes::admin::{bounded, ModUser};
use crate::routes::users::{begin, commit};
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum NewStatus {
    Triaged,
    Resolved,
}

impl NewStatus {
    fn as_str(self) -> &'static str {
        match self {
            NewStatus::Triaged => "triaged",
            NewStatus::Resolved => "resolved",
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct UpdateReport {
    pub status: Option<NewStatus>,
    /// `hide`, `take_down` (or `delete`, stored as `take_down`), `ban` or `none`.
    pub action_taken: Option<Action>,
    /// Stored as `mod_notes`; the reporter's `notes` never change. At most 2000 characters.
    pub notes: Option<String>,
}

#[utoipa::path(patch, path = "/v1/report/{id}", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path, description = "Report UUID")),
    request_body = UpdateReport,
    responses((status = 200, body = Report),
              (status = 401, description = "Not signed in"),
              (status = 403, description = "Not a moderator, or the target account may not be sanctioned by the caller"),
              (status = 404, description = "Report (or its target) not found"),
              (status = 422, description = "validation_error, or an action that does not apply to the target")))]
pub async fn update_report(
    State(state): State<AppState>,
    ModUser(actor): ModUser,
    Path(id): Path<String>,
    ValidJson(body): ValidJson<UpdateReport>,
) -> ApiResult<Json<Report>> {
    let id = Uuid::parse_str(&id).map_err(|_| report_not_found())?;
    let mod_notes = bounded("notes", body.notes.as_deref(), MAX_NOTES)?;
    let mut tx = begin(&state).await?;
    let report = db::reports::lock(&mut tx, id)
        .await?
        .ok_or_else(report_not_found)?;
    let fallback = format!("Action taken via report {id}");
    let note = mod_notes
        .or(report.mod_notes.as_deref())
        .unwrap_or(&fallback)
        .to_string();
    let why = Why {
        actor: &actor,
        report: &report,
        note: &note,
    };
    let effect = match body.action_taken {
        Some(action) => apply(&mut tx, &state, &why, action).await?,
        None => Effect::Nothing,
    };
    let newly_resolved = body.status == Some(NewStatus::Resolved) && report.status != "resolved";
    if newly_resolved {
        let entry = db::audit::AuditEntry {
            actor_id: Some(actor.id),
            action: "resolve_report",
            target_type: "report",
            target_id: &id.to_string(),
            reason_code: Some(&report.reason_code),
            note: mod_notes,
        };
        db::audit::record(&mut tx, entry).await?;
    }
    let change = db::reports::ReportUpdate {
        status: body.status.map(NewStatus::as_str),
        action_taken: body.action_taken.map(Action::as_str),
        mod_notes,
    };
    let updated = db::reports::update(&mut tx, id, &change).await?;
    commit(tx).await?;
    match effect {
        Effect::Post(post_id) => crate::cache::post_changed(&state, post_id).await,
        Effect::CommentOn(post_id) => crate::cache::post_counters_changed(&state, post_id).await,
        Effect::Account => {
            crate::cache::feeds_changed(&state).await;
            crate::cache::players_changed(&state).await;
        }
        Effect::Nothing => {}
    }
    // A moderator resolving their own report needs no notice of it.
    if let Some(reporter) = report
        .reporter_id
        .filter(|r| newly_resolved && *r != actor.id)
    {
        notify(&state, Notice::new(reporter, Kind::ReportResolved, None)).await;
    }
    Ok(Json(Report::from(updated)))
}
