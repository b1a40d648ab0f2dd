//! JSON bodies: malformed syntax, wrong types and unknown fields all become 422
//! `validation_error` with a list of errors, and nothing is written.
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::error::ApiError;

pub struct ValidJson<T>(pub T);

impl<S, T> FromRequest<S> for ValidJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(rej) => Err(json_rejection(rej)),
        }
    }
}

fn json_rejection(rej: JsonRejection) -> ApiError {
    let (kind, msg) = match &rej {
        JsonRejection::JsonDataError(e) => ("type_error", e.body_text()),
        JsonRejection::JsonSyntaxError(_) => ("json_invalid", "Body is not valid JSON".to_string()),
        JsonRejection::MissingJsonContentType(_) => (
            "content_type",
            "Expected Content-Type: application/json".to_string(),
        ),
        JsonRejection::BytesRejection(b) if b.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "file_too_large",
                "Request body is too large",
            )
        }
        other => ("body", other.body_text()),
    };
    ApiError::validation(vec![json!({"loc": ["body"], "msg": msg, "type": kind})])
}
