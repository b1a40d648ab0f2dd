//! `GET /v1/auth/github/login`: redirects to GitHub. The state nonce is also set in the
//! `oauth_state` cookie and compared by the callback. Native apps pass an allow-listed
//! `redirect_uri` and a PKCE S256 challenge.
use axum::extract::State;
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;
use utoipa::IntoParams;

use super::github::{self, NativeRequest, OAuthState, STATE_COOKIE};
use crate::error::{ApiError, ApiResult};
use crate::extract::ValidQuery;
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LoginQuery {
    pub redirect_uri: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub state: Option<String>,
}

#[utoipa::path(get, path = "/v1/auth/github/login", tag = "auth", params(LoginQuery),
    responses((status = 302, description = "Redirect to GitHub"), (status = 400, description = "Bad native request")))]
pub async fn github_login(
    State(state): State<AppState>,
    jar: CookieJar,
    ValidQuery(q): ValidQuery<LoginQuery>,
) -> ApiResult<Response> {
    let gh = github::config(&state)?;
    let native = match q.redirect_uri {
        None => None,
        Some(uri) => {
            if !gh.native_redirect_uris.iter().any(|a| a == &uri) {
                return Err(ApiError::bad_request("redirect_uri is not allowed"));
            }
            let challenge = q.code_challenge.filter(|c| (43..=128).contains(&c.len()));
            let (Some(challenge), Some("S256")) = (challenge, q.code_challenge_method.as_deref())
            else {
                return Err(ApiError::bad_request(
                    "PKCE with code_challenge_method=S256 is required",
                ));
            };
            Some(NativeRequest {
                redirect_uri: uri,
                code_challenge: challenge,
                app_state: q.state,
            })
        }
    };
    let nonce = auth::secrets::random_token();
    let st = OAuthState {
        nonce: nonce.clone(),
        native,
    };
    let encoded = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&st).map_err(ApiError::internal)?);
    let mut url = url::Url::parse(&gh.authorize_url).map_err(ApiError::internal)?;
    url.query_pairs_mut()
        .append_pair("client_id", &gh.client_id)
        .append_pair("redirect_uri", &gh.redirect_uri)
        .append_pair("scope", "user:email")
        .append_pair("state", &encoded);
    let cookie = Cookie::build((STATE_COOKIE, nonce))
        .http_only(true)
        .path("/")
        .same_site(SameSite::None)
        .secure(true)
        .max_age(time::Duration::minutes(10))
        .build();
    Ok((
        jar.add(cookie),
        (StatusCode::FOUND, [(LOCATION, url.to_string())]),
    )
        .into_response())
}
