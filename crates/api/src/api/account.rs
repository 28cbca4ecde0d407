//! The e-mail outbox as admins see it. The rules are in `lentera_domain::account`.

use actix_web::web;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::ApiAdmin;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use lentera_domain::account::{self, OutboxView};

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
