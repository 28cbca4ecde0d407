//! Pages of the learner's journey outside quizzes: sign-in, home, catalogue, course,
//! lessons, certificates and public verification.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use lentera_content::ItemKind;
use serde::Deserialize;
use serde_json::json;

use super::{LANG_COOKIE, Page, PageResult, check_csrf, page_err, redirect, safe_next, signed_in};
use crate::auth::PageUser;
use crate::cookies::Cookies;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::journey::{self, JP_TARGET};
use crate::policy::{self, Action, Resource};
use crate::state::AppState;
use crate::{login, verify};
use lentera_store::courses;
use lentera_store::learning;

pub async fn home(state: web::Data<AppState>, req: HttpRequest, user: PageUser) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let me = me.user;
    let courses = journey::my_progress(&state, &me)
        .await
        .map_err(page_err(&req))?;
    let (year, earned) = journey::jp_this_year(&state, &me)
        .await
        .map_err(page_err(&req))?;
    let jp_percent = (earned * 100 / JP_TARGET).min(100);
    page.render(&state, "home.html", StatusCode::OK, json!({
        "courses": courses, "jp": {"year": year, "earned": earned, "target": JP_TARGET, "percent": jp_percent},
    }))
    .map_err(page_err(&req))
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    q: web::Query<NextQuery>,
) -> PageResult {
    let page = Page::new(&req, user.0).map_err(page_err(&req))?;
    if page.user.is_some() {
        return Ok(redirect(&safe_next(q.next.as_deref())));
    }
    page.render(
        &state,
        "login.html",
        StatusCode::OK,
        json!({"next": safe_next(q.next.as_deref()), "username": ""}),
    )
    .map_err(page_err(&req))
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    csrf: String,
    next: Option<String>,
}

pub async fn login_submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> PageResult {
    let form = form.into_inner();
    check_csrf(&req, &form.csrf).map_err(page_err(&req))?;
    let page = Page::new(&req, None).map_err(page_err(&req))?;
    let next = safe_next(form.next.as_deref());
    match login::sign_in(&state, &req, &form.username, form.password).await {
        Ok((token, _)) => {
            let cookie = Cookies::of(&req).session(token);
            Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, next))
                .cookie(cookie)
                .finish())
        }
        Err(err) if err.status.is_client_error() => {
            // Re-show the form with the message next to the fields and the username kept.
            let message = page
                .t(&state.locales, &format!("error.{}", err.code))
                .to_owned();
            page.render(
                &state,
                "login.html",
                err.status,
                json!({"next": next, "username": form.username, "error": message}),
            )
            .map_err(page_err(&req))
        }
        Err(err) => Err(page_err(&req)(err)),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    form: web::Form<CsrfForm>,
) -> PageResult {
    check_csrf(&req, &form.csrf).map_err(page_err(&req))?;
    if let Some(u) = user.0 {
        lentera_store::people::revoke_session(&state.db, &u.session_id)
            .await
            .map_err(|e| page_err(&req)(e.into()))?;
        state.sessions.forget_session(&u.session_id);
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/masuk"))
        .cookie(Cookies::of(&req).session_removal())
        .finish())
}

#[derive(Deserialize)]
pub struct LanguageForm {
    csrf: String,
    next: Option<String>,
}

/// The language switch (a POST: it changes the account's stored language): remembered in a
/// cookie, and on the account when signed in.
pub async fn switch_language(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<String>,
    form: web::Form<LanguageForm>,
) -> PageResult {
    check_csrf(&req, &form.csrf).map_err(page_err(&req))?;
    let lang = Lang::parse(&path).ok_or_else(|| {
        page_err(&req)(AppError::not_found("unknown_language", "Unknown language"))
    })?;
    if let Some(u) = &user.0 {
        lentera_store::people::set_language(&state.db, u.user.id, lang.code())
            .await
            .map_err(|e| page_err(&req)(e.into()))?;
        state.sessions.forget_user(u.user.id);
    }
    let cookie = Cookie::build(LANG_COOKIE, lang.code())
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish();
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, safe_next(form.next.as_deref())))
        .cookie(cookie)
        .finish())
}

pub async fn catalog(state: web::Data<AppState>, req: HttpRequest, user: PageUser) -> PageResult {
    let (page, _) = signed_in(&req, user)?;
    let list: Vec<_> = courses::list_published(&state.db)
        .await
        .map_err(|e| page_err(&req)(e.into()))?
        .into_iter()
        .map(|c| json!({"slug": c.slug, "title": c.title, "summary": c.summary, "category": c.category, "jp": c.jp}))
        .collect();
    page.render(
        &state,
        "catalog.html",
        StatusCode::OK,
        json!({"courses": list}),
    )
    .map_err(page_err(&req))
}

pub async fn course(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<String>,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let me = me.user;
    let (head, compiled) = journey::course(&state, &path)
        .await
        .map_err(page_err(&req))?;
    let (enrolled, progress) = journey::course_view(&state, &me, &head, &compiled)
        .await
        .map_err(page_err(&req))?;
    let mut modules: Vec<serde_json::Value> = Vec::new();
    for (kind, slug, title, required, module) in journey::outline(&compiled) {
        let done = match kind {
            ItemKind::Lesson => progress.done_lessons.contains(&slug),
            ItemKind::Quiz => progress.passed.contains(&slug),
        };
        let href = match kind {
            ItemKind::Lesson => format!("/kursus/{}/materi/{slug}", head.slug),
            ItemKind::Quiz => format!("/kursus/{}/kuis/{slug}", head.slug),
        };
        let item =
            json!({"kind": kind, "title": title, "required": required, "done": done, "href": href});
        match modules.last_mut() {
            Some(m) if m["title"] == module => {
                if let Some(items) = m["items"].as_array_mut() {
                    items.push(item);
                }
            }
            _ => modules.push(json!({"title": module, "items": [item]})),
        }
    }
    let c = &compiled.course;
    page.render(&state, "course.html", StatusCode::OK, json!({
        "course": {"slug": head.slug, "title": head.title, "summary": head.summary, "jp": head.jp, "category": head.category,
                   "level": c.level, "authors": c.authors, "partner": c.partner, "estimated_hours": c.estimated_hours, "version": head.version},
        "modules": modules, "enrolled": enrolled, "progress": progress,
    }))
    .map_err(page_err(&req))
}

pub async fn enroll(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> PageResult {
    check_csrf(&req, &form.csrf).map_err(page_err(&req))?;
    let (_, me) = signed_in(&req, user)?;
    let me = me.user;
    let (head, compiled) = journey::course(&state, &path)
        .await
        .map_err(page_err(&req))?;
    journey::enroll(&state, &me, &head)
        .await
        .map_err(page_err(&req))?;
    let first = journey::outline(&compiled).into_iter().next();
    Ok(redirect(&match first {
        Some((ItemKind::Lesson, slug, ..)) => format!("/kursus/{}/materi/{slug}", head.slug),
        _ => format!("/kursus/{}", head.slug),
    }))
}

/// Previous and next outline items around `slug`, as links.
fn neighbours(
    course_slug: &str,
    items: &[(ItemKind, String, String, bool, String)],
    slug: &str,
) -> (Option<serde_json::Value>, Option<serde_json::Value>) {
    let link = |(kind, s, title, _, _): &(ItemKind, String, String, bool, String)| {
        let kind_path = if *kind == ItemKind::Lesson {
            "materi"
        } else {
            "kuis"
        };
        json!({"href": format!("/kursus/{course_slug}/{kind_path}/{s}"), "title": title})
    };
    let pos = items
        .iter()
        .position(|i| i.0 == ItemKind::Lesson && i.1 == slug);
    match pos {
        Some(p) => (
            p.checked_sub(1).and_then(|q| items.get(q)).map(link),
            items.get(p + 1).map(link),
        ),
        None => (None, None),
    }
}

pub async fn lesson(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<(String, String)>,
) -> PageResult {
    let (slug, lesson_slug) = path.into_inner();
    let (page, me) = signed_in(&req, user)?;
    let me = me.user;
    let (head, compiled) = journey::course(&state, &slug)
        .await
        .map_err(page_err(&req))?;
    let lesson = compiled
        .course
        .lesson(&lesson_slug)
        .ok_or_else(|| page_err(&req)(AppError::not_found("lesson_not_found", "No such lesson")))?;
    let Some(done) = state
        .progress
        .get(&state.db, me.id, head.id)
        .await
        .map_err(page_err(&req))?
        .map(|done| done.contains(&lesson.slug))
    else {
        return Ok(redirect(&format!("/kursus/{}", head.slug)));
    };
    // Everything on the page but the CSRF token follows from the version, the lesson and
    // whether it is done: it is rendered once for all learners.
    let key = format!("{} {} {done}", compiled.version_id, lesson.slug);
    let ctx = || {
        let items = journey::outline(&compiled);
        let (prev, next) = neighbours(&head.slug, &items, &lesson.slug);
        json!({
            "course": {"slug": head.slug, "title": head.title},
            "lesson": {"slug": lesson.slug, "title": lesson.title, "minutes": lesson.minutes,
                       // Most lessons open with their own `# Title`; the page then adds no second one.
                       "has_heading": lesson.html.trim_start().starts_with("<h1")},
            "done": done, "prev": prev, "next": next,
        })
    };
    page.render_shared(&state, &key, "lesson.html", ctx, &lesson.html)
        .map_err(page_err(&req))
}

pub async fn complete_lesson(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<(String, String)>,
    form: web::Form<CsrfForm>,
) -> PageResult {
    check_csrf(&req, &form.csrf).map_err(page_err(&req))?;
    let (slug, lesson_slug) = path.into_inner();
    let (_, me) = signed_in(&req, user)?;
    let me = me.user;
    let (head, compiled) = journey::course(&state, &slug)
        .await
        .map_err(page_err(&req))?;
    let (_, certificate) = journey::complete_lesson(&state, &me, &head, &compiled, &lesson_slug)
        .await
        .map_err(page_err(&req))?;
    if certificate.is_some() {
        return Ok(redirect("/sertifikat"));
    }
    let items = journey::outline(&compiled);
    let (_, next) = neighbours(&head.slug, &items, &lesson_slug);
    Ok(redirect(
        next.as_ref()
            .and_then(|n| n["href"].as_str())
            .unwrap_or(&format!("/kursus/{}", head.slug)),
    ))
}

/// Course images, served from the current version with a long cache lifetime.
pub async fn asset(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<(String, String)>,
) -> PageResult {
    let (slug, file) = path.into_inner();
    let not_found = || page_err(&req)(AppError::not_found("asset_not_found", "No such file"));
    let head = courses::by_slug(&state.db, &slug)
        .await
        .map_err(|e| page_err(&req)(e.into()))?
        .ok_or_else(not_found)?;
    // A hidden course's files are for its editors (the lesson preview), not for anyone
    // who guesses the slug.
    if !head.published {
        let editor = match &user.0 {
            Some(u) => policy::authorize(&state, u, Action::EditCourse, Resource::Course(head.id))
                .await
                .is_ok(),
            None => false,
        };
        if !editor {
            return Err(not_found());
        }
    }
    let (content_type, bytes) =
        courses::file(&state.db, head.version_id, &format!("assets/{file}"))
            .await
            .map_err(|e| page_err(&req)(e.into()))?
            .ok_or_else(not_found)?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        // An SVG opened directly must not run anything, whatever it contains.
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        ))
        .body(bytes))
}

pub async fn certificates(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let me = me.user;
    let certs = learning::certificates_of(&state.db, me.id)
        .await
        .map_err(|e| page_err(&req)(e.into()))?;
    let list: Vec<_> = certs
        .iter()
        .map(|c| json!({"number": c.number, "code": c.code, "course_title": c.course_title, "jp": c.jp, "issued_at": c.issued_at.format("%d-%m-%Y").to_string(), "revoked": c.revoked_at.is_some()}))
        .collect();
    let ledger = journey::ledger_json(&state, &me, crate::reports::this_year())
        .await
        .map_err(page_err(&req))?;
    page.render(
        &state,
        "certificates.html",
        StatusCode::OK,
        json!({"certificates": list, "ledger": ledger}),
    )
    .map_err(page_err(&req))
}

/// All of the learner's certificates as PDFs in one zip.
pub async fn certificates_zip(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
) -> PageResult {
    let (_, me) = signed_in(&req, user)?;
    let certs = learning::certificates_of(&state.db, me.user.id)
        .await
        .map_err(|e| page_err(&req)(e.into()))?;
    let own = policy::authorize(
        &state,
        &me,
        Action::ReadFullCertificate,
        Resource::Certificate { holder: me.user.id },
    )
    .await
    .map_err(page_err(&req))?;
    let bytes = crate::verify::zip_of(&state, &certs, crate::verify::Nip::Full(own))
        .await
        .map_err(page_err(&req))?;
    Ok(crate::verify::zip_response(bytes, "sertifikat-saya"))
}

#[derive(Deserialize)]
pub struct CodeQuery {
    kode: Option<String>,
}

pub async fn verify_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    q: web::Query<CodeQuery>,
) -> PageResult {
    if let Some(code) = q.kode.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        let code: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
        return Ok(redirect(&format!("/verifikasi/{code}")));
    }
    let page = Page::new(&req, user.0).map_err(page_err(&req))?;
    page.render(
        &state,
        "verify.html",
        StatusCode::OK,
        json!({"asked": false}),
    )
    .map_err(page_err(&req))
}

pub async fn verify(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<String>,
) -> PageResult {
    let page = Page::new(&req, user.0).map_err(page_err(&req))?;
    verify::check_rate(&state, &req).map_err(page_err(&req))?;
    let found = verify::find(&state, &path).await.map_err(page_err(&req))?;
    let (status, ctx) = match found {
        Some(c) => (
            StatusCode::OK,
            json!({
                "asked": true, "found": true, "revoked": c.revoked_at.is_some(),
                "revoked_at": c.revoked_at.map(|d| d.format("%d-%m-%Y").to_string()),
                "revocation_reason": c.revocation_reason,
                "certificate": verify::payload(&c), "issued_on": c.issued_at.format("%d-%m-%Y").to_string(),
            }),
        ),
        None => (
            StatusCode::NOT_FOUND,
            json!({"asked": true, "found": false, "code": path.as_str()}),
        ),
    };
    page.render(&state, "verify.html", status, ctx)
        .map_err(page_err(&req))
}
