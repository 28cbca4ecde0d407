//! The signed-in learner: profile, progress, certificates.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::auth::ApiUser;
use crate::error::AppResult;
use crate::journey::{self, JP_TARGET};
use crate::state::AppState;
use lentera_store::learning;

pub async fn me(user: ApiUser) -> HttpResponse {
    let u = &user.0.user;
    HttpResponse::Ok().json(json!({
        "id": u.id, "username": u.username, "name": u.name, "nip": u.nip,
        "email": u.email, "roles": u.roles, "language": u.language,
    }))
}

pub async fn progress(state: web::Data<AppState>, user: ApiUser) -> AppResult<HttpResponse> {
    let courses = journey::my_progress(&state, &user.0.user).await?;
    let (year, earned) = journey::jp_this_year(&state, &user.0.user).await?;
    Ok(HttpResponse::Ok().json(json!({
        "courses": courses,
        "jp": {"year": year, "earned": earned, "target": JP_TARGET},
    })))
}

pub async fn certificates(state: web::Data<AppState>, user: ApiUser) -> AppResult<HttpResponse> {
    let certs = learning::certificates_of(&state.db, user.0.user.id).await?;
    let list: Vec<_> = certs
        .iter()
        .map(|c| journey::certificate_json(&state, c))
        .collect();
    Ok(HttpResponse::Ok().json(json!({"certificates": list})))
}
