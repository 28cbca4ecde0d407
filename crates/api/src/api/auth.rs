//! Sign-in, sign-out and password change.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::ApiAccount;
use crate::client::client_address;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::NoBody;
use crate::state::AppState;
use lentera_domain::{Role, UserId};
use lentera_domain::{login, sessions};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    /// The NIP, or a login an admin chose.
    username: String,
    password: String,
}

/// Who signed in.
#[derive(Serialize, ToSchema)]
pub struct SignedInUser {
    pub id: UserId,
    pub username: String,
    pub name: String,
    pub roles: Vec<Role>,
    /// An admin reset the password: nothing but `PUT /api/v1/me/password` (and signing out)
    /// is allowed until the user chooses their own.
    pub must_change_password: bool,
}

#[derive(Serialize, ToSchema)]
pub struct LoginAnswer {
    /// Send it as `Authorization: Bearer TOKEN`.
    pub token: String,
    pub user: SignedInUser,
}

/// Signs in; rate-limited per account and per client address.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = Login,
    responses((status = 200, body = LoginAnswer), (status = 401, body = ErrorBody),
              (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<Login>,
) -> ApiResult<web::Json<LoginAnswer>> {
    let body = body.into_inner();
    let address = client_address(&req, &state.config.trusted_proxies);
    let (token, user) = login::sign_in(&state, &address, &body.username, body.password).await?;
    Ok(web::Json(LoginAnswer {
        token,
        user: SignedInUser {
            id: user.id,
            username: user.username,
            name: user.name,
            roles: user.roles,
            must_change_password: user.must_change_password,
        },
    }))
}

/// Ends this session: its token is refused from now on.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn logout(
    state: web::Data<AppState>,
    user: ApiAccount,
    _: NoBody,
) -> ApiResult<HttpResponse> {
    sessions::sign_out(&state, &user.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    current_password: String,
    /// At least 10 characters.
    new_password: String,
}

/// Changes the password; every session ends, this one included: sign in again. The one
/// request allowed to someone whose password an admin reset (besides signing out).
#[utoipa::path(put, path = "/api/v1/me/password", tag = "auth", security(("bearer" = [])),
    request_body = ChangePassword,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody),
              (status = 429, body = ErrorBody)))]
pub async fn change_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: ApiAccount,
    body: web::Json<ChangePassword>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let address = client_address(&req, &state.config.trusted_proxies);
    login::change_password(
        &state,
        &user.0,
        &address,
        body.current_password,
        body.new_password,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
