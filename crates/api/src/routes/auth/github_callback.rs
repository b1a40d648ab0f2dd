//! `GET /v1/auth/github/callback`: GitHub returns here. The web gets a refresh cookie and a
//! page that continues to the site; native apps get a 302 to their scheme with a one-time code.
use axum::extract::State;
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::CookieJar;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;
use utoipa::IntoParams;

use super::github::{self, OAuthState, STATE_COOKIE};
use crate::extract::{ClientIp, RateLimiter, ValidQuery};
use crate::state::AppState;
use crate::{limits, session};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackQuery {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1><p>{body}</p></body></html>"
    );
    (status, Html(html)).into_response()
}

#[utoipa::path(get, path = "/v1/auth/github/callback", tag = "auth", params(CallbackQuery),
    responses((status = 200, description = "HTML page; refresh cookie set"), (status = 302, description = "Native redirect"),
              (status = 400, description = "Invalid OAuth state or code")))]
pub async fn github_callback(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    limiter: RateLimiter,
    jar: CookieJar,
    ValidQuery(q): ValidQuery<CallbackQuery>,
) -> Response {
    if let Err(e) = limiter.check(limits::OAUTH, &ip.to_string()).await {
        return e.into_response();
    }
    let bad_state = || {
        page(
            StatusCode::BAD_REQUEST,
            "Sign-in failed",
            "Invalid OAuth state. Please start again.",
        )
    };
    let (Some(code), Some(raw_state)) = (q.code, q.state) else {
        return page(
            StatusCode::BAD_REQUEST,
            "Sign-in failed",
            "GitHub did not return a code.",
        );
    };
    let Some(st) = URL_SAFE_NO_PAD
        .decode(raw_state.as_bytes())
        .ok()
        .and_then(|b| serde_json::from_slice::<OAuthState>(&b).ok())
    else {
        return bad_state();
    };
    let cookie_nonce = jar
        .get(STATE_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    if cookie_nonce.is_empty()
        || !auth::secrets::ct_eq(cookie_nonce.as_bytes(), st.nonce.as_bytes())
    {
        return bad_state();
    }
    let jar = jar.remove(axum_extra::extract::cookie::Cookie::build(STATE_COOKIE).path("/"));
    let Ok(gh) = github::config(&state) else {
        return bad_state();
    };
    let redirect = gh.redirect_uri.clone();
    let user = match github::sign_in_with_code(&state, &code, &redirect).await {
        Ok(u) => u,
        Err(e) => return page(e.status, "Sign-in failed", &e.message),
    };
    if let Some(native) = st.native {
        let code = match github::mint_native_code(&state, &user, &native.code_challenge).await {
            Ok(c) => c,
            Err(e) => return page(e.status, "Sign-in failed", &e.message),
        };
        let mut target = format!("{}?code={}", native.redirect_uri, code);
        if let Some(s) = native.app_state {
            target.push_str("&state=");
            target
                .push_str(&url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>());
        }
        return (jar, (StatusCode::FOUND, [(LOCATION, target)])).into_response();
    }
    match session::start(&state, &user).await {
        Ok(s) => {
            let jar = jar.add(session::refresh_cookie(&state, s.refresh_token));
            let site = &state.config.site_url;
            let html = format!(
                "<!doctype html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url={site}/\"><title>Signed in</title></head><body><p>Signed in as {}. <a href=\"{site}/\">Continue</a></p></body></html>",
                user.handle
            );
            (jar, Html(html)).into_response()
        }
        Err(e) => page(e.status, "Sign-in failed", &e.message),
    }
}
