//! The moderators' alert about a new report: one email to `MODERATION_ALERT_EMAIL` and a
//! `new_report` notification per moderator, at most once per target per 6 hours, so a pile-on
//! of reports about one post makes one alert. Best effort: the report is already stored.
use db::reports::ReportRow;
use db::users::UserRow;
use jobs::{EmailKind, SendEmail};

use super::create_report::Located;
use crate::notify::{notify, Kind, Notice};
use crate::state::AppState;

pub const ALERT_WINDOW_SECS: u64 = 6 * 3600;

/// The Redis key that mutes further alerts about one target.
pub fn alert_key(target_type: &str, target_id: &str) -> String {
    format!("report_alert:{target_type}:{target_id}")
}

/// True when this report opens a new alert window for its target. Redis being down means
/// alerting: a duplicate alert is better than a missed one.
async fn first_in_window(state: &AppState, report: &ReportRow) -> bool {
    let key = alert_key(&report.target_type, &report.target_id);
    match state
        .kv
        .set_nx_ex(&key, &report.id.to_string(), ALERT_WINDOW_SECS)
        .await
    {
        Ok(first) => first,
        Err(e) => {
            tracing::warn!(error = %e, "report alert throttle unavailable; alerting");
            true
        }
    }
}

pub async fn alert_moderators(
    state: &AppState,
    report: &ReportRow,
    reporter: Option<&UserRow>,
    located: &Located,
) {
    if !first_in_window(state, report).await {
        return;
    }
    if let Some(to) = &state.config.moderation_alert_email {
        let job = SendEmail {
            // The report id doubles as the idempotency key: one alert per report at most.
            id: report.id,
            to: to.clone(),
            handle: "moderators".to_string(),
            email: EmailKind::ReportAlert {
                target_type: report.target_type.clone(),
                target_id: report.target_id.clone(),
                reason_code: report.reason_code.clone(),
                notes: report.notes.clone(),
                reporter_handle: reporter.map(|u| u.handle.clone()),
            },
        };
        if let Err(e) = state.queues.send_email(job).await {
            tracing::warn!(error = %e, report_id = %report.id, "report alert email not queued");
        }
    }
    let moderators = match db::moderation::moderator_ids(&state.db).await {
        Ok(ids) => ids,
        Err(e) => {
            tracing::warn!(error = %e, "moderators not loaded; no new_report notifications");
            return;
        }
    };
    // No actor: moderators should not learn who reported from the notification, and an
    // anonymous report has nobody to name.
    for id in moderators
        .into_iter()
        .filter(|id| Some(*id) != reporter.map(|u| u.id))
    {
        let mut notice = Notice::new(id, Kind::NewReport, None);
        notice.post_id = located.post_id;
        notice.comment_id = located.comment_id;
        notify(state, notice).await;
    }
}
