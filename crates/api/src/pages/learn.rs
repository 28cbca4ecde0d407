//! Pages of the learner's journey outside quizzes: sign-in, home, catalogue, course,
//! lessons, certificates and public verification.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use lentera_content::ItemKind;
use serde::Deserialize;
use serde_json::json;

use super::LANG_COOKIE;
use super::forms::{check_csrf, safe_next};
use super::page::{Page, PageResult, signed_in};
use crate::auth::PageUser;
use crate::client::client_address;
use crate::cookies::Cookies;
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::respond::redirect;
use crate::state::AppState;
use lentera_domain::ErrorCode;
use lentera_domain::certificates;
use lentera_domain::learning::{self as journey, OutlineEntry};
use lentera_domain::ledger::{self, JP_TARGET};
use lentera_domain::{catalog, login, sessions};

pub async fn home(state: web::Data<AppState>, req: HttpRequest, user: PageUser) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let me = me.user;
    let courses = journey::my_progress(&state, &me).await?;
    let (year, earned) = ledger::jp_this_year(&state, &me).await?;
    let jp_percent = (i64::from(earned.0) * 100 / i64::from(JP_TARGET.0).max(1)).min(100);
    page.render(&state, "home.html", StatusCode::OK, json!({
        "courses": courses, "jp": {"year": year, "earned": earned, "target": JP_TARGET, "percent": jp_percent},
    }))
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
    let page = Page::new(&req, user.0)?;
    if page.user.is_some() {
        return Ok(redirect(&safe_next(q.next.as_deref())));
    }
    page.render(
        &state,
        "login.html",
        StatusCode::OK,
        json!({"next": safe_next(q.next.as_deref()), "username": ""}),
    )
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
    check_csrf(&req, &form.csrf)?;
    let page = Page::new(&req, None)?;
    let next = safe_next(form.next.as_deref());
    let address = client_address(&req, &state.config.trusted_proxies);
    match login::sign_in(&state, &address, &form.username, form.password).await {
        Ok((token, _)) => {
            let cookie = Cookies::of(&req).session(token);
            Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, next))
                .cookie(cookie)
                .finish())
        }
        Err(err) if crate::error::status_of(err.code).is_client_error() => {
            // Re-show the form with the message next to the fields and the username kept.
            let message = page
                .t(&state.locales, &format!("error.{}", err.code))
                .to_owned();
            page.render(
                &state,
                "login.html",
                crate::error::status_of(err.code),
                json!({"next": next, "username": form.username, "error": message}),
            )
        }
        Err(err) => Err(ApiError::from(err)),
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
    check_csrf(&req, &form.csrf)?;
    if let Some(u) = user.0 {
        sessions::sign_out(&state, &u).await?;
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
    check_csrf(&req, &form.csrf)?;
    let lang = Lang::parse(&path)
        .ok_or_else(|| ApiError::new(ErrorCode::UnknownLanguage, "Unknown language"))?;
    if let Some(u) = &user.0 {
        sessions::set_language(&state, u, lang.code()).await?;
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
    let list: Vec<_> = catalog::published(&state)
        .await?
        .into_iter()
        .map(|c| json!({"slug": c.slug, "title": c.title, "summary": c.summary, "category": c.category, "jp": c.jp}))
        .collect();
    page.render(
        &state,
        "catalog.html",
        StatusCode::OK,
        json!({"courses": list}),
    )
}

pub async fn course(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<String>,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let me = me.user;
    let (head, compiled) = journey::course(&state, &path).await?;
    let (enrolled, progress) = journey::course_view(&state, &me, &head, &compiled).await?;
    let mut modules: Vec<serde_json::Value> = Vec::new();
    for OutlineEntry {
        kind,
        slug,
        title,
        required,
        module,
    } in journey::outline(&compiled)
    {
        let done = match kind {
            ItemKind::Lesson => progress.done_lessons.contains(&slug),
            ItemKind::Quiz => progress.passed.contains(&slug),
        };
        let href = item_href(&head.slug, kind, &slug);
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
}

pub async fn enroll(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> PageResult {
    check_csrf(&req, &form.csrf)?;
    let (_, me) = signed_in(&req, user)?;
    let me = me.user;
    let (head, compiled) = journey::course(&state, &path).await?;
    journey::enroll(&state, &me, &head).await?;
    let first = journey::outline(&compiled).into_iter().next();
    Ok(redirect(&match first {
        Some(e) if e.kind == ItemKind::Lesson => item_href(&head.slug, e.kind, &e.slug),
        _ => format!("/kursus/{}", head.slug),
    }))
}

/// Where an outline item's page is.
fn item_href(course: &str, kind: ItemKind, slug: &str) -> String {
    match kind {
        ItemKind::Lesson => format!("/kursus/{course}/materi/{slug}"),
        ItemKind::Quiz => format!("/kursus/{course}/kuis/{slug}"),
    }
}

/// Previous and next outline items around the lesson `slug`, as links.
fn neighbours(
    course_slug: &str,
    items: &[OutlineEntry],
    slug: &str,
) -> (Option<serde_json::Value>, Option<serde_json::Value>) {
    let link = |e: &OutlineEntry| json!({"href": item_href(course_slug, e.kind, &e.slug), "title": e.title});
    let pos = items
        .iter()
        .position(|i| i.kind == ItemKind::Lesson && i.slug == slug);
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
    let (head, compiled) = journey::course(&state, &slug).await?;
    let lesson = compiled
        .course
        .lesson(&lesson_slug)
        .ok_or_else(|| ApiError::new(ErrorCode::LessonNotFound, "No such lesson"))?;
    let Some(done) = journey::lessons_done(&state, &me, &head)
        .await?
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
}

pub async fn complete_lesson(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<(String, String)>,
    form: web::Form<CsrfForm>,
) -> PageResult {
    check_csrf(&req, &form.csrf)?;
    let (slug, lesson_slug) = path.into_inner();
    let (_, me) = signed_in(&req, user)?;
    let me = me.user;
    let (head, compiled) = journey::course(&state, &slug).await?;
    let (_, certificate) =
        journey::complete_lesson(&state, &me, &head, &compiled, &lesson_slug).await?;
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
    _req: HttpRequest,
    user: PageUser,
    path: web::Path<(String, String)>,
) -> PageResult {
    let (slug, file) = path.into_inner();
    let (content_type, bytes) = catalog::asset(&state, user.0.as_ref(), &slug, &file).await?;
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
    let certs = certificates::mine(&state, &me).await?;
    let me = me.user;
    let list: Vec<_> = certs
        .iter()
        .map(|c| json!({"number": c.number, "code": c.code, "course_title": c.course_title, "jp": c.jp, "issued_at": c.issued_at.format("%d-%m-%Y").to_string(), "revoked": c.revoked_at.is_some()}))
        .collect();
    let ledger = ledger::ledger(&state, &me, ledger::this_year()).await?;
    page.render(
        &state,
        "certificates.html",
        StatusCode::OK,
        json!({"certificates": list, "ledger": ledger}),
    )
}

/// All of the learner's certificates as PDFs in one zip.
pub async fn certificates_zip(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
) -> PageResult {
    let (_, me) = signed_in(&req, user)?;
    let bytes = certificates::zip_mine(&state, &me).await?;
    Ok(crate::respond::zip(bytes, "sertifikat-saya"))
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
    let page = Page::new(&req, user.0)?;
    page.render(
        &state,
        "verify.html",
        StatusCode::OK,
        json!({"asked": false}),
    )
}

pub async fn verify(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    path: web::Path<String>,
) -> PageResult {
    let page = Page::new(&req, user.0)?;
    certificates::check_rate(&state, &client_address(&req, &state.config.trusted_proxies))?;
    let found = certificates::find(&state, &path).await?;
    let (status, ctx) = match found {
        Some(c) => (
            StatusCode::OK,
            json!({
                "asked": true, "found": true, "revoked": c.revoked_at.is_some(),
                "revoked_at": c.revoked_at.map(|d| d.format("%d-%m-%Y").to_string()),
                "revocation_reason": c.revocation_reason,
                "certificate": certificates::payload(&c), "issued_on": c.issued_at.format("%d-%m-%Y").to_string(),
            }),
        ),
        None => (
            StatusCode::NOT_FOUND,
            json!({"asked": true, "found": false, "code": path.as_str()}),
        ),
    };
    page.render(&state, "verify.html", status, ctx)
}
