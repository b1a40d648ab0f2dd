//! GitHub sign-in shared by the login, callback, exchange and token handlers: talking to the
//! provider (URLs from config, so tests use a local fake), resolving the Makapix account, and
//! the one-time codes minted for native apps (bound to a PKCE S256 challenge).
use axum::http::StatusCode;
use chrono::Utc;
use db::users::UserRow;
use domain::{Email, Handle};
use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, ClientSecret, RedirectUrl, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};

use crate::accounts::{self, CreateUser};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub const PROVIDER: &str = "github";
pub const STATE_COOKIE: &str = "oauth_state";
const NATIVE_CODE_TTL_SECS: u64 = 120;

pub fn config(state: &AppState) -> ApiResult<&config::GithubConfig> {
    state.config.github.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "GitHub sign-in is not configured",
        )
    })
}

/// What travels in the OAuth `state` parameter (base64url JSON).
#[derive(Serialize, Deserialize)]
pub struct OAuthState {
    pub nonce: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub native: Option<NativeRequest>,
}

#[derive(Serialize, Deserialize, Clone)]
pub struct NativeRequest {
    pub redirect_uri: String,
    pub code_challenge: String,
    #[serde(default)]
    pub app_state: Option<String>,
}

#[derive(Deserialize)]
struct GithubUser {
    id: i64,
    login: String,
}

#[derive(Deserialize)]
struct GithubEmail {
    email: String,
    primary: bool,
    verified: bool,
}

fn provider_error(e: impl std::fmt::Display) -> ApiError {
    tracing::warn!(error = %e, "github exchange failed");
    ApiError::token_invalid(
        StatusCode::BAD_REQUEST,
        "GitHub sign-in failed: invalid or expired code",
    )
}

/// Exchanges the provider's code and resolves (or creates) the Makapix user.
pub async fn sign_in_with_code(
    state: &AppState,
    code: &str,
    redirect_uri: &str,
) -> ApiResult<UserRow> {
    let gh = config(state)?;
    let client = BasicClient::new(ClientId::new(gh.client_id.clone()))
        .set_client_secret(ClientSecret::new(gh.client_secret.expose().to_string()))
        .set_auth_uri(AuthUrl::new(gh.authorize_url.clone()).map_err(ApiError::internal)?)
        .set_token_uri(TokenUrl::new(gh.token_url.clone()).map_err(ApiError::internal)?)
        .set_redirect_uri(
            RedirectUrl::new(redirect_uri.to_string())
                .map_err(|_| ApiError::bad_request("Invalid redirect_uri"))?,
        );
    let token = client
        .exchange_code(AuthorizationCode::new(code.to_string()))
        .request_async(&state.http)
        .await
        .map_err(provider_error)?;
    let bearer = token.access_token().secret().clone();
    let gh_user: GithubUser = api_get(state, &format!("{}/user", gh.api_url), &bearer).await?;
    let emails: Vec<GithubEmail> = api_get(state, &format!("{}/user/emails", gh.api_url), &bearer)
        .await
        .unwrap_or_default();
    let verified = emails
        .iter()
        .find(|e| e.primary && e.verified)
        .or_else(|| emails.iter().find(|e| e.verified));
    resolve_user(
        state,
        &gh_user,
        verified.map(|e| e.email.as_str()),
        emails.iter().map(|e| e.email.as_str()),
    )
    .await
}

async fn api_get<T: serde::de::DeserializeOwned>(
    state: &AppState,
    url: &str,
    bearer: &str,
) -> ApiResult<T> {
    let resp = state
        .http
        .get(url)
        .bearer_auth(bearer)
        .header("accept", "application/vnd.github+json")
        .send()
        .await
        .map_err(provider_error)?;
    if !resp.status().is_success() {
        return Err(provider_error(format!("{url} answered {}", resp.status())));
    }
    resp.json().await.map_err(provider_error)
}

async fn resolve_user<'a>(
    state: &AppState,
    gh: &GithubUser,
    verified_email: Option<&str>,
    all_emails: impl Iterator<Item = &'a str>,
) -> ApiResult<UserRow> {
    let provider_id = gh.id.to_string();
    let mut tx = state.db.begin().await.map_err(ApiError::internal)?;
    let user = if let Some(uid) =
        db::identities::find_user(&mut *tx, PROVIDER, &provider_id).await?
    {
        db::users::find_by_id(&mut *tx, uid)
            .await?
            .ok_or_else(|| ApiError::unauthorized("Account not found"))?
    } else if let Some(existing) = match verified_email.map(Email::parse) {
        Some(Ok(e)) => db::users::find_by_email(&mut *tx, &e.normalized()).await?,
        _ => None,
    } {
        // GitHub vouches for this address, so it also counts as verified here.
        if !existing.email_verified {
            db::users::mark_verified(&mut tx, existing.id, &existing.email).await?;
        }
        db::identities::link(&mut tx, existing.id, PROVIDER, &provider_id, &gh.login).await?;
        existing
    } else {
        for e in all_emails {
            if let Ok(e) = Email::parse(e) {
                if db::users::find_by_email(&mut *tx, &e.normalized())
                    .await?
                    .is_some()
                {
                    return Err(ApiError::conflict(
                        "An account with this GitHub email exists; sign in with your password and verify the email first",
                    ));
                }
            }
        }
        let email = match verified_email.map(Email::parse) {
            Some(Ok(e)) => e,
            _ => Email::parse(&format!("{}+{}@users.noreply.github.com", gh.id, gh.login))
                .map_err(|_| ApiError::bad_request("GitHub account has no usable email"))?,
        };
        let (handle, norm) = match Handle::parse(&gh.login) {
            Ok(h) if !db::users::handle_taken(&mut *tx, &h.normalized(), None).await? => {
                (h.as_str().to_string(), h.normalized())
            }
            _ => accounts::default_handle(&mut tx).await?,
        };
        let roles = vec!["user".to_string()];
        let u = accounts::create_user(
            &mut tx,
            state,
            CreateUser {
                email: &email,
                handle: &handle,
                handle_normalized: &norm,
                password_hash: None,
                email_verified: true,
                roles: &roles,
            },
        )
        .await?;
        db::identities::link(&mut tx, u.id, PROVIDER, &provider_id, &gh.login).await?;
        u
    };
    let user = db::users::find_by_id(&mut *tx, user.id)
        .await?
        .ok_or_else(|| ApiError::unauthorized("Account not found"))?;
    tx.commit().await.map_err(ApiError::internal)?;
    check_usable(&user)?;
    Ok(user)
}

pub fn check_usable(user: &UserRow) -> ApiResult<()> {
    if user.deactivated {
        return Err(ApiError::unauthorized("Account deactivated"));
    }
    if user.is_banned(Utc::now()) {
        return Err(ApiError::unauthorized("Account banned"));
    }
    Ok(())
}

#[derive(Serialize, Deserialize)]
struct NativeCode {
    user_id: i32,
    code_challenge: String,
}

/// Mints the single-use code a native app exchanges at `/auth/token` (120 s, PKCE-bound).
pub async fn mint_native_code(
    state: &AppState,
    user: &UserRow,
    challenge: &str,
) -> ApiResult<String> {
    let code = auth::secrets::random_token();
    let value = serde_json::to_string(&NativeCode {
        user_id: user.id,
        code_challenge: challenge.to_string(),
    })
    .map_err(ApiError::internal)?;
    state
        .kv
        .set_ex(
            &format!("oauth:mpxcode:{code}"),
            &value,
            NATIVE_CODE_TTL_SECS,
        )
        .await?;
    Ok(code)
}

/// Redeems a native code once; a wrong verifier burns the code as well.
pub async fn redeem_native_code(
    state: &AppState,
    code: &str,
    verifier: &str,
) -> ApiResult<UserRow> {
    let invalid = || {
        ApiError::token_invalid(
            StatusCode::BAD_REQUEST,
            "Invalid or expired authorization code",
        )
    };
    let raw = state
        .kv
        .get_del(&format!("oauth:mpxcode:{code}"))
        .await?
        .ok_or_else(invalid)?;
    let stored: NativeCode = serde_json::from_str(&raw).map_err(|_| invalid())?;
    if !auth::secrets::pkce_s256_matches(verifier, &stored.code_challenge) {
        return Err(invalid());
    }
    let user = db::users::find_by_id(&state.db, stored.user_id)
        .await?
        .ok_or_else(invalid)?;
    check_usable(&user)?;
    Ok(user)
}
