//! Learning path pages: `/jalur` (every path with the learner's progress) and
//! `/jalur/{slug}` (the path's courses in order, each with its state and a way in), and
//! enrolment through a path, refused while the course the path requires first is not done.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, web};
use serde::{Deserialize, Serialize};

use super::forms::check_csrf;
use super::page::{PageResult, signed_in};
use crate::auth::PageUser;
use crate::respond::redirect;
use crate::state::AppState;
use lentera_domain::paths::{self, PathList, PathView};

pub async fn list(state: web::Data<AppState>, req: HttpRequest, user: PageUser) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let list: PathList = paths::list(&state, &me.user).await?;
    page.render(&state, "paths.html", StatusCode::OK, list)
}

#[derive(Serialize)]
struct PathPage {
    path: PathView,
}

pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    slug: web::Path<String>,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let path = paths::view(&state, &me.user, &slug).await?;
    page.render(&state, "path.html", StatusCode::OK, PathPage { path })
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// Enrols through the path and goes to the course; a locked course is refused with
/// `course_locked`, shown on the error page with its message.
pub async fn enroll(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<(String, String)>,
    form: web::Form<CsrfForm>,
) -> PageResult {
    check_csrf(&req, &form.csrf)?;
    let (_, me) = signed_in(&req, user)?;
    let (slug, course) = path.into_inner();
    let (head, _) = paths::enroll(&state, &me.user, &slug, &course).await?;
    Ok(redirect(&format!("/kursus/{}", head.slug)))
}
