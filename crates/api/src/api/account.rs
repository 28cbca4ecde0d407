//! An admin's side of password self-service: resetting someone's password to a one-time
//! one, and the e-mail outbox. The rules are in `lentera_domain::account`.

use actix_web::web;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::ApiAdmin;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::NoBody;
use crate::state::AppState;
use lentera_domain::account::{self, OutboxView};

/// A one-time password an admin gave, shown once.
#[derive(Serialize, ToSchema)]
pub struct PasswordReset {
    pub username: String,
    /// Give it to the person: they must choose their own at their next sign-in. It is not
    /// stored in clear and cannot be shown again.
    pub one_time_password: String,
    pub must_change_password: bool,
}

/// Resets a user's password to a one-time one (admins): every session of the user ends,
/// and until they choose their own password nothing else is allowed them
/// (`password_change_required`). Audit-logged.
#[utoipa::path(post, path = "/api/v1/users/{username}/password-reset", tag = "organisation",
    security(("bearer" = [])), params(("username" = String, Path, description = "The user")),
    responses((status = 200, body = PasswordReset), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reset_password(
    state: web::Data<AppState>,
    user: ApiAdmin,
    path: web::Path<String>,
    _: NoBody,
) -> ApiResult<web::Json<PasswordReset>> {
    let (target, password) = account::reset_by_admin(&state, &user.0, &path).await?;
    Ok(web::Json(PasswordReset {
        username: target.username,
        one_time_password: password,
        must_change_password: target.must_change_password,
    }))
}

#[derive(Deserialize, IntoParams)]
pub struct OutboxQuery {
    /// Only mails in this state: `pending`, `sending`, `sent` or `failed`.
    pub state: Option<String>,
}

/// The e-mail outbox (admins): whether mail is configured, how many mails are in each
/// state, and the latest ones with their tries and last error (never their text).
#[utoipa::path(get, path = "/api/v1/mail/outbox", tag = "organisation", security(("bearer" = [])),
    params(OutboxQuery),
    responses((status = 200, body = OutboxView), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn outbox(
    state: web::Data<AppState>,
    user: ApiAdmin,
    q: web::Query<OutboxQuery>,
) -> ApiResult<web::Json<OutboxView>> {
    Ok(web::Json(
        account::outbox(&state, &user.0, q.state.as_deref()).await?,
    ))
}

/// The xAPI outbox (admins): whether an LRS is configured, how many statements are in
/// each state, and the latest ones with their tries and the LRS's last refusal.
#[utoipa::path(get, path = "/api/v1/xapi/outbox", tag = "organisation", security(("bearer" = [])),
    params(OutboxQuery),
    responses((status = 200, body = lentera_domain::xapi::StatementOutbox), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn xapi_outbox(
    state: web::Data<AppState>,
    user: ApiAdmin,
    q: web::Query<OutboxQuery>,
) -> ApiResult<web::Json<lentera_domain::xapi::StatementOutbox>> {
    Ok(web::Json(
        lentera_domain::xapi::outbox_view(&state, &user.0, q.state.as_deref()).await?,
    ))
}
