//! The domain's one error type on the wire. The API renders it as
//! `{"error":{"code","message"}}` (with `field` and any details beside it); on a page the
//! same error is rendered as a page in the visitor's language by one handler,
//! [`crate::pages::render_errors`]. Internal causes were logged where they happened.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use lentera_domain::{Details, Error, ErrorCode};

/// A domain error as an HTTP response.
#[derive(Debug)]
pub struct ApiError(pub Error);

pub type ApiResult<T> = Result<T, ApiError>;

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError(Error::new(code, message))
    }
}

/// The error body: `{"error":{"code","message"}}`, the field it is about and any details.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorInfo,
    /// The form field the error is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every problem of a course or text (`invalid_course`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problems: Option<Vec<lentera_content::Problem>>,
    /// The result of the attempt, graded by an earlier request (`attempt_already_submitted`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<lentera_domain::learning::AttemptResult>,
    /// Refused rows of a CSV (`invalid_csv`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejected: Option<Vec<lentera_domain::org::RowProblem>>,
    /// When the next attempt may start (`cooldown`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available_at: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorInfo {
    pub code: ErrorCode,
    pub message: String,
}

impl ErrorBody {
    pub fn of(e: &Error) -> ErrorBody {
        let mut body = ErrorBody {
            error: ErrorInfo {
                code: e.code,
                message: e.message.clone(),
            },
            field: e.field.clone(),
            problems: None,
            result: None,
            rejected: None,
            available_at: None,
        };
        match &e.details {
            Some(Details::Problems(p)) => body.problems = Some(p.clone()),
            Some(Details::Result(r)) => body.result = Some((**r).clone()),
            Some(Details::Rejected(r)) => body.rejected = Some(r.clone()),
            Some(Details::AvailableAt(at)) => body.available_at = Some(at.clone()),
            // The field (`nip`) and the message say it; pages word it from the reason.
            Some(Details::Nip(_)) | None => {}
        }
        body
    }
}

/// The HTTP status of an error code.
pub fn status_of(code: ErrorCode) -> StatusCode {
    StatusCode::from_u16(code.kind().status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        status_of(self.0.code)
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code()).json(ErrorBody::of(&self.0))
    }
}
