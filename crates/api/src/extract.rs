//! Request bodies the standard extractors do not cover: none at all ([`NoBody`]) and an
//! optional JSON body ([`OptionalJson`]). A body that is present but not what the endpoint
//! takes is refused with 400 before the handler runs, so a malformed request changes
//! nothing (an `Option<Json<T>>` would take it for "no body" and go ahead).

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use lentera_domain::ErrorCode;

/// The most a body-less request may carry (whitespace, `{}` or `null`).
const NO_BODY_LIMIT: usize = 1024;
/// The most an optional JSON body may carry, as for required ones.
const JSON_LIMIT: usize = 512 * 1024;

/// Reads the whole body, at most `limit` bytes; more is 413.
async fn read_body(payload: &mut Payload, limit: usize) -> Result<web::Bytes, ApiError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::new(
                ErrorCode::InvalidBody,
                format!("The request body cannot be read: {e}"),
            )
        })?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::new(
                ErrorCode::PayloadTooLarge,
                "The request body is too large",
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Whether a body says nothing: empty, whitespace, `{}` or `null`.
fn is_nothing(bytes: &[u8]) -> bool {
    let text = bytes.trim_ascii();
    text.is_empty() || text == b"null" || {
        text.first() == Some(&b'{')
            && text.last() == Some(&b'}')
            && text[1..text.len() - 1].trim_ascii().is_empty()
    }
}

/// `application/json`, or a `+json` type, with any parameters.
fn json_content_type(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|m| {
            m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
        })
}

/// For endpoints that take no body: an empty body, `{}` or `null` passes; anything else is
/// 400 `unexpected_body`.
pub struct NoBody;

impl FromRequest for NoBody {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(_: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let mut payload = payload.take();
        Box::pin(async move {
            let bytes = read_body(&mut payload, NO_BODY_LIMIT).await?;
            if is_nothing(&bytes) {
                Ok(NoBody)
            } else {
                Err(ApiError::new(
                    ErrorCode::UnexpectedBody,
                    "This request takes no body (send none, or {})",
                ))
            }
        })
    }
}

/// An optional JSON body: `None` when the body is empty (or only whitespace), the parsed
/// value when it is JSON of the right shape, and 400 (or 415 without a JSON content type)
/// for anything else.
pub struct OptionalJson<T>(pub Option<T>);

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let bytes = read_body(&mut payload, JSON_LIMIT).await?;
            if bytes.trim_ascii().is_empty() {
                return Ok(OptionalJson(None));
            }
            if !json_content_type(&req) {
                return Err(ApiError::new(
                    ErrorCode::UnsupportedMediaType,
                    "Send JSON with Content-Type: application/json",
                ));
            }
            serde_json::from_slice(&bytes)
                .map(|v| OptionalJson(Some(v)))
                .map_err(|e| ApiError::new(ErrorCode::MalformedJson, e.to_string()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::is_nothing;

    #[test]
    fn only_empty_bodies_say_nothing() {
        for empty in ["", "  \n", "{}", "{ }", " null "] {
            assert!(is_nothing(empty.as_bytes()), "{empty:?}");
        }
        for body in ["{\"a\":1}", "x", "[]", "{", "nullx"] {
            assert!(!is_nothing(body.as_bytes()), "{body:?}");
        }
    }
}
