//! Every HTTP route of the api, in one table. Each route also lands in the OpenAPI document.
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, Method};
use axum::routing::get;
use axum::{middleware, Json, Router};
use tower::ServiceBuilder;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};
use utoipa_axum::routes;

use crate::extract::rate::rate_limit_headers;
use crate::middleware::{self as mw, ShortRequestId, X_REQUEST_ID};
use crate::openapi::ApiDoc;
use crate::routes::{auth, feeds, posts, system};
use crate::state::AppState;

/// Artwork (5 MiB) plus the form's other fields and multipart framing.
const UPLOAD_BODY_LIMIT: usize = 6 * 1024 * 1024;

/// Raises the body limit of one route; every other route keeps the JSON limit.
fn body_limit(r: UtoipaMethodRouter<AppState>, bytes: usize) -> UtoipaMethodRouter<AppState> {
    let (schemas, paths, method_router) = r;
    (
        schemas,
        paths,
        method_router.layer(DefaultBodyLimit::max(bytes)),
    )
}

fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        // system
        .routes(routes!(system::health::health))
        .routes(routes!(system::ready::ready))
        .routes(routes!(system::config::get_config))
        .routes(routes!(
            crate::routes::licenses::list_licenses::list_licenses
        ))
        // auth
        .routes(routes!(auth::register::register))
        .routes(routes!(auth::login::login))
        .routes(routes!(auth::token::token))
        .routes(routes!(auth::refresh::refresh))
        .routes(routes!(auth::logout::logout))
        .routes(routes!(auth::me::me))
        .routes(routes!(auth::verify_email::verify_email))
        .routes(routes!(auth::request_verification::request_verification))
        .routes(routes!(auth::resend_verification::resend_verification))
        .routes(routes!(auth::email_otp_request::email_otp_request))
        .routes(routes!(auth::email_otp_verify::email_otp_verify))
        .routes(routes!(auth::password_otp_request::password_otp_request))
        .routes(routes!(auth::password_otp_confirm::password_otp_confirm))
        .routes(routes!(auth::forgot_password::forgot_password))
        .routes(routes!(auth::reset_password::reset_password))
        .routes(routes!(auth::change_password::change_password))
        .routes(routes!(auth::change_handle::change_handle))
        .routes(routes!(auth::check_handle::check_handle))
        .routes(routes!(auth::github_login::github_login))
        .routes(routes!(auth::github_callback::github_callback))
        .routes(routes!(auth::github_exchange::github_exchange))
        // posts
        .routes(body_limit(
            routes!(posts::upload::upload),
            UPLOAD_BODY_LIMIT,
        ))
        .routes(routes!(posts::get_post::get_post))
        // posts: listings and feeds
        .routes(routes!(posts::list_posts::list_posts))
        .routes(routes!(posts::recent::recent))
        .routes(routes!(feeds::promoted::promoted))
        .routes(routes!(feeds::following::following))
        .routes(routes!(feeds::hashtag_posts::hashtag_posts))
        // posts: edits and moderation
        .routes(routes!(posts::update_post::update_post))
        .routes(routes!(posts::delete_post::delete_post))
        .routes(routes!(posts::hide_post::hide_post))
        .routes(routes!(posts::unhide_post::unhide_post))
        .routes(routes!(posts::approve_public::approve_public))
        .routes(routes!(posts::revoke_public::revoke_public))
        .routes(routes!(posts::promote::promote))
        .routes(routes!(posts::demote::demote))
        .routes(routes!(posts::set_mod_hashtags::set_mod_hashtags))
        .routes(routes!(posts::delete_permanent::delete_permanent))
        // posts: files, replace, views
        .routes(routes!(posts::download::download))
        .routes(body_limit(
            routes!(posts::replace_artwork::replace_artwork),
            UPLOAD_BODY_LIMIT,
        ))
        .routes(routes!(posts::record_view::record_view))
        // reactions and comments
        .routes(routes!(
            crate::routes::reactions::add_reaction::add_reaction
        ))
        .routes(routes!(
            crate::routes::reactions::remove_reaction::remove_reaction
        ))
        .routes(routes!(
            crate::routes::reactions::get_reactions::get_reactions
        ))
        .routes(routes!(
            crate::routes::reactions::reaction_users::reaction_users
        ))
        .routes(routes!(crate::routes::reactions::widget_data::widget_data))
        .routes(routes!(
            crate::routes::comments::list_comments::list_comments
        ))
        .routes(routes!(
            crate::routes::comments::create_comment::create_comment
        ))
        .routes(routes!(
            crate::routes::comments::update_comment::update_comment
        ))
        .routes(routes!(
            crate::routes::comments::delete_comment::delete_comment
        ))
        .routes(routes!(crate::routes::comments::like_comment::like_comment))
        .routes(routes!(
            crate::routes::comments::like_comment::like_comment_post
        ))
        .routes(routes!(
            crate::routes::comments::unlike_comment::unlike_comment
        ))
        .routes(routes!(crate::routes::comments::hide_comment::hide_comment))
        .routes(routes!(
            crate::routes::comments::unhide_comment::unhide_comment
        ))
        // playlists, hashtags, search
        .routes(routes!(
            crate::routes::playlists::list_playlists::list_playlists
        ))
        .routes(routes!(
            crate::routes::playlists::create_playlist::create_playlist
        ))
        .routes(routes!(
            crate::routes::playlists::get_playlist::get_playlist
        ))
        .routes(routes!(
            crate::routes::playlists::update_playlist::update_playlist
        ))
        .routes(routes!(
            crate::routes::playlists::delete_playlist::delete_playlist
        ))
        .routes(routes!(
            crate::routes::hashtags::list_hashtags::list_hashtags
        ))
        .routes(routes!(crate::routes::search::search_all::search_all))
        // notifications and live delivery
        .routes(routes!(
            crate::routes::notifications::list_notifications::list_notifications
        ))
        .route(
            "/v1/social-notifications",
            get(crate::routes::notifications::list_notifications::list_notifications),
        )
        .routes(routes!(
            crate::routes::notifications::unread_count::unread_count
        ))
        .routes(routes!(crate::routes::notifications::mark_read::mark_read))
        .routes(routes!(
            crate::routes::notifications::mark_all_read::mark_all_read
        ))
        .routes(routes!(
            crate::routes::notifications::delete_notification::delete_notification
        ))
        .routes(routes!(
            crate::routes::realtime::stream_notifications::stream_notifications
        ))
        // users: highlights and reacted posts
        .routes(routes!(crate::routes::users::highlights::highlights))
        .routes(routes!(crate::routes::users::add_highlight::add_highlight))
        .routes(routes!(
            crate::routes::users::remove_highlight::remove_highlight
        ))
        .routes(routes!(
            crate::routes::users::reorder_highlights::reorder_highlights
        ))
        .routes(routes!(crate::routes::users::reacted_posts::reacted_posts))
        // reports and admin
        .routes(routes!(
            crate::routes::reports::create_report::create_report
        ))
        .routes(routes!(crate::routes::reports::list_reports::list_reports))
        .routes(routes!(
            crate::routes::reports::update_report::update_report
        ))
        .routes(routes!(
            crate::routes::admin::pending_approval::pending_approval
        ))
        .routes(routes!(crate::routes::admin::ban_user::ban_user))
        .routes(routes!(crate::routes::admin::unban_user::unban_user))
        .routes(routes!(crate::routes::admin::hide_user::hide_user))
        .routes(routes!(crate::routes::admin::unhide_user::unhide_user))
        .routes(routes!(
            crate::routes::admin::grant_auto_approval::grant_auto_approval
        ))
        .routes(routes!(
            crate::routes::admin::revoke_auto_approval::revoke_auto_approval
        ))
        .routes(routes!(
            crate::routes::admin::grant_moderator::grant_moderator
        ))
        .routes(routes!(
            crate::routes::admin::revoke_moderator::revoke_moderator
        ))
        .routes(routes!(crate::routes::admin::audit_log::audit_log))
        // users (profiles, browse, follows, blocks, avatar, deletion)
        .routes(routes!(crate::routes::users::get_canonical::get_canonical))
        .routes(routes!(crate::routes::users::get_user::get_user))
        .routes(routes!(crate::routes::users::get_profile::get_profile))
        .routes(routes!(crate::routes::users::update_user::update_user))
        .routes(body_limit(
            routes!(crate::routes::users::upload_avatar::upload_avatar),
            crate::routes::users::upload_avatar::AVATAR_BODY_LIMIT,
        ))
        .routes(routes!(crate::routes::users::delete_avatar::delete_avatar))
        .routes(routes!(crate::routes::users::browse::browse))
        .routes(routes!(crate::routes::users::follow::follow))
        .routes(routes!(crate::routes::users::unfollow::unfollow))
        .routes(routes!(crate::routes::users::followers::followers))
        .routes(routes!(crate::routes::users::following::following))
        .routes(routes!(crate::routes::users::block::block))
        .routes(routes!(crate::routes::users::unblock::unblock))
        .routes(routes!(crate::routes::users::list_blocks::list_blocks))
        .routes(routes!(
            crate::routes::users::delete_account::delete_account
        ))
}

/// The device plane: `/player/*` for devices, `/u/{sqid}/player/*` for their owners (never
/// versioned; errors as `{"detail"}`, see `device_errors`).
fn device_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        // players: device-facing
        .routes(routes!(crate::routes::players::provision::provision))
        .routes(routes!(crate::routes::players::register::register))
        .routes(routes!(crate::routes::players::credentials::credentials))
        .routes(routes!(crate::routes::players::rotate_token::rotate_token))
        .routes(routes!(crate::routes::players::renew_cert::renew_cert))
        // players: owner-facing
        .routes(routes!(crate::routes::players::list_players::list_players))
        .routes(routes!(
            crate::routes::players::get_player::get_player,
            crate::routes::players::rename_player::rename_player,
            crate::routes::players::delete_player::delete_player
        ))
        .routes(routes!(
            crate::routes::players::owner_rotate_token::owner_rotate_token
        ))
        .routes(routes!(
            crate::routes::players::owner_renew_cert::owner_renew_cert
        ))
        .routes(routes!(crate::routes::players::get_certs::get_certs))
        // players: commands and live state
        .routes(routes!(
            crate::routes::player_commands::send_command::send_command
        ))
        .routes(routes!(
            crate::routes::player_commands::send_command_all::send_command_all
        ))
        .routes(routes!(
            crate::routes::player_commands::set_paused::set_paused
        ))
        .routes(routes!(
            crate::routes::player_commands::set_brightness::set_brightness
        ))
        .routes(routes!(
            crate::routes::player_commands::set_rotation::set_rotation
        ))
        .routes(routes!(
            crate::routes::player_commands::set_mirror::set_mirror
        ))
        .routes(routes!(
            crate::routes::player_commands::sse_ticket::sse_ticket
        ))
        .routes(routes!(
            crate::routes::player_commands::player_events::player_events
        ))
        // players: rpc, views and public helpers
        .routes(routes!(crate::routes::player_device::rpc::rpc))
        .routes(routes!(
            crate::routes::player_device::view_event::view_event
        ))
        .routes(routes!(
            crate::routes::player_device::verify_user::verify_user
        ))
        .routes(routes!(
            crate::routes::player_device::verify_hashtag::verify_hashtag
        ))
        .routes(routes!(
            crate::routes::player_device::verify_reactions::verify_reactions
        ))
        .routes(routes!(
            crate::routes::player_device::public_post::public_post
        ))
}

pub fn build(state: AppState) -> Router {
    let (router, openapi) = api_routes().merge(device_routes()).split_for_parts();
    let openapi = Arc::new(openapi);
    let router = router
        .route(
            "/v1/openapi.json",
            get(move || {
                let doc = openapi.clone();
                async move { Json(doc.as_ref().clone()) }
            }),
        )
        .fallback(mw::fallback)
        .layer(middleware::from_fn(rate_limit_headers))
        .layer(DefaultBodyLimit::max(state.config.json_body_limit))
        .with_state(state.clone());

    let svc = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(X_REQUEST_ID.clone(), ShortRequestId))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &http::Request<_>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %id)
            }),
        )
        .layer(PropagateRequestIdLayer::new(X_REQUEST_ID.clone()))
        .layer(cors(&state))
        .layer(middleware::from_fn(mw::track_metrics))
        .layer(middleware::from_fn(mw::envelope_framework_errors))
        .layer(middleware::from_fn(crate::device_errors::device_error_shape))
        .into_inner();
    let router = crate::edge_limit::apply(router, state.config.clone());
    let mut app = router.layer(svc);
    for (name, value) in mw::security_headers(state.config.cookie_secure) {
        app = app.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    app
}

fn cors(state: &AppState) -> CorsLayer {
    let origins: Vec<HeaderValue> = state
        .config
        .cors_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_credentials(true)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::PATCH,
            Method::OPTIONS,
        ])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            header::ACCEPT,
            header::ORIGIN,
            header::HeaderName::from_static("x-requested-with"),
        ])
        .max_age(Duration::from_secs(600))
}
