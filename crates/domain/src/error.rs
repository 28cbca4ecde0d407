//! One error type for every operation: an [`ErrorCode`] (serialised in snake_case, so a UI
//! can translate it), a message, and, as data, the form field it is about and any details a
//! client needs (the problems of a course, the result of an attempt graded earlier). Internal
//! causes are logged where they happen and never shown.

use serde::Serialize;
use utoipa::ToSchema;

use lentera_store::StoreError;

/// What kind of failure a code is; the HTTP layer maps each to its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    Gone,
    PayloadTooLarge,
    UnsupportedMediaType,
    Unprocessable,
    TooManyRequests,
    Internal,
    Unavailable,
}

impl Kind {
    /// The HTTP status of this kind.
    pub fn status(self) -> u16 {
        match self {
            Kind::BadRequest => 400,
            Kind::Unauthorized => 401,
            Kind::Forbidden => 403,
            Kind::NotFound => 404,
            Kind::Conflict => 409,
            Kind::Gone => 410,
            Kind::PayloadTooLarge => 413,
            Kind::UnsupportedMediaType => 415,
            Kind::Unprocessable => 422,
            Kind::TooManyRequests => 429,
            Kind::Internal => 500,
            Kind::Unavailable => 503,
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $name:literal => $kind:ident,)*) => {
        /// Every error code Lentera answers with.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        pub enum ErrorCode {
            $(#[serde(rename = $name)] $variant,)*
        }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The snake_case name clients see.
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $name,)* }
            }

            pub fn kind(self) -> Kind {
                match self { $(ErrorCode::$variant => Kind::$kind,)* }
            }
        }
    };
}

codes! {
    // The request itself.
    MalformedJson = "malformed_json" => BadRequest,
    InvalidBody = "invalid_body" => BadRequest,
    UnexpectedBody = "unexpected_body" => BadRequest,
    InvalidPath = "invalid_path" => BadRequest,
    InvalidQuery = "invalid_query" => BadRequest,
    InvalidForm = "invalid_form" => BadRequest,
    InvalidMultipart = "invalid_multipart" => BadRequest,
    InvalidText = "invalid_text" => BadRequest,
    MissingFile = "missing_file" => BadRequest,
    MissingQuery = "missing_query" => BadRequest,
    InvalidYear = "invalid_year" => BadRequest,
    InvalidFormat = "invalid_format" => BadRequest,
    PayloadTooLarge = "payload_too_large" => PayloadTooLarge,
    UnsupportedMediaType = "unsupported_media_type" => UnsupportedMediaType,
    // Who is asking.
    Unauthenticated = "unauthenticated" => Unauthorized,
    InvalidToken = "invalid_token" => Unauthorized,
    InvalidCredentials = "invalid_credentials" => Unauthorized,
    SignInRequired = "sign_in_required" => Unauthorized,
    MissingCredentials = "missing_credentials" => Unprocessable,
    WeakPassword = "weak_password" => Unprocessable,
    PasswordsDiffer = "passwords_differ" => Unprocessable,
    PasswordChangeRequired = "password_change_required" => Forbidden,
    TooManyRequests = "too_many_requests" => TooManyRequests,
    Forbidden = "forbidden" => Forbidden,
    CsrfFailed = "csrf_failed" => Forbidden,
    NotCourseEditor = "not_course_editor" => Forbidden,
    NotEnrolled = "not_enrolled" => Forbidden,
    NoUnit = "no_unit" => Forbidden,
    // What is asked for.
    NotFound = "not_found" => NotFound,
    PageNotFound = "page_not_found" => NotFound,
    CourseNotFound = "course_not_found" => NotFound,
    LessonNotFound = "lesson_not_found" => NotFound,
    QuizNotFound = "quiz_not_found" => NotFound,
    AttemptNotFound = "attempt_not_found" => NotFound,
    VersionNotFound = "version_not_found" => NotFound,
    AssetNotFound = "asset_not_found" => NotFound,
    CertificateNotFound = "certificate_not_found" => NotFound,
    UnitNotFound = "unit_not_found" => NotFound,
    UserNotFound = "user_not_found" => NotFound,
    UnknownLanguage = "unknown_language" => NotFound,
    AssignmentNotFound = "assignment_not_found" => NotFound,
    CertificateRevoked = "certificate_revoked" => Gone,
    ResetLinkInvalid = "reset_link_invalid" => Gone,
    PartnerNotFound = "partner_not_found" => NotFound,
    EventNotFound = "event_not_found" => NotFound,
    PathNotFound = "path_not_found" => NotFound,
    // The state of things.
    Conflict = "conflict" => Conflict,
    UnitExists = "unit_exists" => Conflict,
    UserExists = "user_exists" => Conflict,
    AlreadyRevoked = "already_revoked" => Conflict,
    NoAttemptsLeft = "no_attempts_left" => Conflict,
    Cooldown = "cooldown" => Conflict,
    AttemptInProgress = "attempt_in_progress" => Conflict,
    AttemptAlreadySubmitted = "attempt_already_submitted" => Conflict,
    AttemptClosed = "attempt_closed" => Conflict,
    AttemptOpen = "attempt_open" => Conflict,
    DeadlinePassed = "deadline_passed" => Conflict,
    PartnerExists = "partner_exists" => Conflict,
    AlreadyRegistered = "already_registered" => Conflict,
    NotRegistered = "not_registered" => Conflict,
    EventOver = "event_over" => Conflict,
    CheckInClosed = "check_in_closed" => Conflict,
    CourseLocked = "course_locked" => Conflict,
    // What was sent.
    InvalidCourse = "invalid_course" => Unprocessable,
    InvalidResponse = "invalid_response" => Unprocessable,
    InvalidGrade = "invalid_grade" => Unprocessable,
    InvalidComment = "invalid_comment" => Unprocessable,
    InvalidUnit = "invalid_unit" => Unprocessable,
    InvalidInstansi = "invalid_instansi" => Unprocessable,
    InvalidLogo = "invalid_logo" => Unprocessable,
    LogoNotFound = "logo_not_found" => NotFound,
    NotAnInstansi = "not_an_instansi" => Unprocessable,
    UnknownParent = "unknown_parent" => Unprocessable,
    InvalidParent = "invalid_parent" => Unprocessable,
    InvalidUser = "invalid_user" => Unprocessable,
    InvalidJp = "invalid_jp" => Unprocessable,
    InvalidReason = "invalid_reason" => Unprocessable,
    InvalidCsv = "invalid_csv" => Unprocessable,
    NotAnInstructor = "not_an_instructor" => Unprocessable,
    TooManyCertificates = "too_many_certificates" => Unprocessable,
    InvalidPartner = "invalid_partner" => Unprocessable,
    InvalidEvent = "invalid_event" => Unprocessable,
    WrongCheckInCode = "wrong_check_in_code" => Unprocessable,
    InvalidAssignment = "invalid_assignment" => Unprocessable,
    InvalidLearningPath = "invalid_learning_path" => Unprocessable,
    // The server.
    InternalError = "internal_error" => Internal,
    Busy = "busy" => Unavailable,
    TooLong = "too_long" => Unavailable,
    DatabaseUnavailable = "database_unavailable" => Unavailable,
    Draining = "draining" => Unavailable,
}

// Written by hand: the derive does not see the names the macro gives the variants.
impl utoipa::PartialSchema for ErrorCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("A snake_case code a UI can translate"))
            .enum_values(Some(ErrorCode::ALL.iter().map(|c| c.as_str())))
            .into()
    }
}

impl ToSchema for ErrorCode {}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// More than a code and a message, for the client to act on.
#[derive(Debug, Clone)]
pub enum Details {
    /// Every problem of a course or a text, by file, line and column.
    Problems(Vec<lentera_content::Problem>),
    /// The result of an attempt another request graded first.
    Result(Box<crate::learning::AttemptResult>),
    /// The refused rows of a CSV import.
    Rejected(Vec<crate::org::RowProblem>),
    /// Why a NIP is not one (the field is `nip`).
    Nip(crate::nip::NipError),
    /// When the next attempt may start (RFC 3339).
    AvailableAt(String),
}

/// An operation that could not be done, and why.
#[derive(Debug, Clone)]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
    /// The form field the error is about, if it is about one.
    pub field: Option<String>,
    pub details: Option<Details>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            field: None,
            details: None,
        }
    }

    /// Something broke that the client cannot fix. The cause goes to the log only.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(ErrorCode::InternalError, "Internal error")
    }

    /// The form field this error is about.
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn details(mut self, details: Details) -> Self {
        self.details = Some(details);
        self
    }

    pub fn kind(&self) -> Kind {
        self.code.kind()
    }

    /// Whether the error is about what was sent (shown next to the form's field), rather than
    /// about who sent it or the server.
    pub fn is_about_input(&self) -> bool {
        matches!(
            self.kind(),
            Kind::BadRequest | Kind::Unprocessable | Kind::Conflict | Kind::PayloadTooLarge
        )
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

impl From<StoreError> for Error {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict(what) => {
                Error::new(ErrorCode::Conflict, format!("{what} already exists"))
            }
            StoreError::InvalidText => Error::new(
                ErrorCode::InvalidText,
                "The request holds characters that cannot be stored (such as NUL)",
            ),
            StoreError::Db(e) => Error::internal(e),
        }
    }
}

/// A unique-constraint refusal as the error the caller chooses (`user_exists`...); any other
/// store error as usual. The one place unique violations become client errors.
pub fn unique(code: ErrorCode, message: impl Into<String>) -> impl FnOnce(StoreError) -> Error {
    let message = message.into();
    move |err| match err {
        StoreError::Conflict(_) => Error::new(code, message),
        other => other.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::{ErrorCode, Kind};

    #[test]
    fn every_code_serialises_to_its_name() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(code).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert!(
                code.as_str()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_')
            );
        }
        assert_eq!(ErrorCode::NotCourseEditor.kind(), Kind::Forbidden);
    }
}
