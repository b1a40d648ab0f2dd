//! The only place errors become HTTP. `/v1` answers `{"error":{"code","message","details"?}}`
//! with stable snake_case codes; 5xx causes are logged inside the request span, never sent.
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: Option<Value>,
    retry_after: Option<u64>,
    www_authenticate: bool,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: None,
            retry_after: None,
            www_authenticate: false,
        }
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    /// Same error with another status (e.g. a missing field answered as 400, as the spec says).
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    pub fn bad_request(msg: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", msg)
    }
    pub fn unauthorized(msg: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", msg)
    }
    /// 401 that also tells the client to send a bearer token.
    pub fn auth_required() -> Self {
        let mut e = Self::unauthorized("Authentication required");
        e.www_authenticate = true;
        e
    }
    pub fn forbidden(msg: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", msg)
    }
    pub fn not_found(msg: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", msg)
    }
    pub fn conflict(msg: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", msg)
    }
    pub fn token_invalid(status: StatusCode, msg: impl Into<String>) -> Self {
        Self::new(status, "token_invalid", msg)
    }
    pub fn rate_limited(retry_after_secs: u64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Too many requests. Please try again later.",
        );
        e.retry_after = Some(retry_after_secs.max(1));
        e
    }
    /// 422 with a list of `{loc, msg, type}` entries, like the original's validation errors.
    pub fn validation(errors: Vec<Value>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_error",
            "Request validation failed",
        )
        .with_details(json!({ "errors": errors }))
    }
    /// 422 for one field.
    pub fn invalid_field(field: &str, msg: impl Into<String>) -> Self {
        let msg = msg.into();
        Self::validation(vec![
            json!({"loc": ["body", field], "msg": msg, "type": "value_error"}),
        ])
    }
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Internal server error",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut err = json!({ "code": self.code, "message": self.message });
        if let Some(d) = self.details {
            err["details"] = d;
        }
        let mut resp = (self.status, axum::Json(json!({ "error": err }))).into_response();
        if let Some(secs) = self.retry_after {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.www_authenticate {
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        resp
    }
}

impl From<db::DbError> for ApiError {
    fn from(e: db::DbError) -> Self {
        match e {
            db::DbError::NotFound => Self::not_found("Not found"),
            other => Self::internal(other),
        }
    }
}

impl From<kv::KvError> for ApiError {
    fn from(e: kv::KvError) -> Self {
        Self::internal(e)
    }
}

impl From<jobs::JobError> for ApiError {
    fn from(e: jobs::JobError) -> Self {
        Self::internal(e)
    }
}

impl From<auth::AuthError> for ApiError {
    fn from(e: auth::AuthError) -> Self {
        match e {
            auth::AuthError::InvalidToken => Self::unauthorized("Invalid token"),
            other => Self::internal(other),
        }
    }
}

impl From<vault::VaultError> for ApiError {
    fn from(e: vault::VaultError) -> Self {
        match e {
            vault::VaultError::Full => Self::new(
                StatusCode::INSUFFICIENT_STORAGE,
                "insufficient_storage",
                "Storage is full; try again later",
            ),
            other => Self::internal(other),
        }
    }
}

impl From<domain::DomainError> for ApiError {
    fn from(e: domain::DomainError) -> Self {
        match e {
            domain::DomainError::Invalid { field, message } => Self::invalid_field(field, message),
            domain::DomainError::WeakPassword { message } => {
                Self::new(StatusCode::BAD_REQUEST, "weak_password", message)
                    .with_details(json!({ "field": "password" }))
            }
        }
    }
}

/// Maps a status to the generic code of §1.3 (used for framework-level rejections).
pub fn code_for_status(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 | 405 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        409 => "conflict",
        413 => "file_too_large",
        422 => "validation_error",
        429 => "rate_limited",
        _ => "internal_error",
    }
}
