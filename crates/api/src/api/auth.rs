//! Sign-in, sign-out and password change.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use crate::auth::{self, ApiUser};
use crate::error::{AppError, AppResult};
use crate::extract::NoBody;
use crate::login;
use crate::state::AppState;
use lentera_store::{audit, people};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Login {
    username: String,
    password: String,
}

pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<Login>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    let (token, user) = login::sign_in(&state, &req, &body.username, body.password).await?;
    Ok(HttpResponse::Ok().json(json!({
        "token": token,
        "user": {"id": user.id, "username": user.username, "name": user.name, "roles": user.roles},
    })))
}

pub async fn logout(
    state: web::Data<AppState>,
    user: ApiUser,
    _: NoBody,
) -> AppResult<HttpResponse> {
    people::revoke_session(&state.db, &user.0.session_id).await?;
    state.sessions.forget_session(&user.0.session_id);
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    current_password: String,
    new_password: String,
}

/// Changing the password ends every session, this one included: the client signs in again.
pub async fn change_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: ApiUser,
    body: web::Json<ChangePassword>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    let me = &user.0.user;
    login::check_new_password(&body.new_password)?;
    // Each change checks the current password: limited like sign-in, or a stolen session
    // could guess the password at leisure.
    login::check_password_rate(&state, &req, me)?;
    let creds = people::credentials(&state.db, &me.username).await?;
    if !auth::verify_password(body.current_password, creds.map(|c| c.password_hash)).await? {
        return Err(AppError::unauthorized(
            "invalid_credentials",
            "The current password is wrong",
        ));
    }
    let hash = auth::hash_password(body.new_password).await?;
    people::set_password(&state.db, me.id, &hash).await?;
    state.sessions.forget_user(me.id);
    audit::record(
        &state.db,
        Some(me.id),
        "user.password_changed",
        &format!("user:{}", me.id),
        None,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
