//! The one error handler of the pages: errors become a page in the visitor's language.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use serde::Serialize;

use super::page::{Page, language};
use crate::cookies::Cookies;
use crate::error::ApiError;
use crate::respond::redirect;
use crate::state::AppState;
use lentera_domain::ErrorCode;
use lentera_domain::sessions::user_for_token;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn encode_next(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Whether `path` is a page (not the API, a file or an operations endpoint).
fn is_page(path: &str) -> bool {
    ![
        "/api/",
        "/certificates/",
        "/static/",
        "/healthz",
        "/metrics",
        "/readyz",
    ]
    .iter()
    .any(|p| path.starts_with(p))
}

/// The one error handler of the pages: an error a page handler (or an extractor, or the
/// router) answered with is shown as a page in the visitor's language, the message from
/// the locale file by its code; `sign_in_required` becomes a redirect to the sign-in page
/// that comes back, `password_change_required` one to the change-password page. The API
/// keeps the JSON error shape.
pub async fn render_errors(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> actix_web::Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>> {
    let page = is_page(req.path())
        && !req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("application/json") && !a.contains("text/html"));
    let res = next.call(req).await?;
    if !page {
        return Ok(res.map_into_boxed_body());
    }
    let Some(error) = res
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>())
        .map(|e| e.0.clone())
    else {
        return Ok(res.map_into_boxed_body());
    };
    let (req, _) = res.into_parts();
    let response = if error.code == ErrorCode::SignInRequired {
        redirect(&format!("/masuk?next={}", encode_next(req.path())))
    } else if error.code == ErrorCode::PasswordChangeRequired {
        // A one-time password from an admin: the visitor chooses their own first.
        redirect(super::account::CHANGE_PATH)
    } else {
        error_page(&req, &error).await
    };
    Ok(actix_web::dev::ServiceResponse::new(req, response))
}

/// What the error page says: the message for the code in the visitor's language.
#[derive(Serialize)]
struct ErrorPage {
    message: String,
    code: ErrorCode,
    status: u16,
}

/// The error as a page like every other (header, navigation, skip link, footer), in the
/// visitor's language, for the visitor as signed in; the page without a template when
/// rendering itself fails.
async fn error_page(req: &HttpRequest, e: &lentera_domain::Error) -> HttpResponse {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return bare_error_page(req, e);
    };
    // The header shows the visitor's own links; an error finding them (the database gone,
    // which may be this very error) leaves the header of a visitor not signed in.
    let user = match Cookies::of(req).read_session(req) {
        Some(token) => user_for_token(&state, &token).await.ok().flatten(),
        None => None,
    };
    let status = crate::error::status_of(e.code);
    let rendered = Page::new(req, user).and_then(|page| {
        let message = message_of(&state, page.lang, e);
        let view = ErrorPage {
            message,
            code: e.code,
            status: status.as_u16(),
        };
        page.render(&state, "error.html", status, view)
    });
    rendered.unwrap_or_else(|_| bare_error_page(req, e))
}

/// The locale's message for the error's code, or the error's own when the locale has none.
fn message_of(state: &AppState, lang: crate::i18n::Lang, e: &lentera_domain::Error) -> String {
    let key = format!("error.{}", e.code);
    let text = state.locales.get(lang, &key);
    if text == key {
        e.message.clone()
    } else {
        text.to_owned()
    }
}

/// A minimal page that needs no template, so it renders even when rendering broke.
fn bare_error_page(req: &HttpRequest, e: &lentera_domain::Error) -> HttpResponse {
    let lang = language(req, None);
    let locales = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.locales.clone());
    let key = format!("error.{}", e.code);
    let (title, message, home) = match &locales {
        Some(l) => {
            let text = l.get(lang, &key);
            let message = if text == key {
                e.message.clone()
            } else {
                text.to_owned()
            };
            (
                l.get(lang, "error.title").to_owned(),
                message,
                l.get(lang, "error.back_home").to_owned(),
            )
        }
        None => ("Error".to_owned(), e.message.clone(), "Home".to_owned()),
    };
    let html = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title><link rel=\"stylesheet\" href=\"/static/style.css\"></head><body><main class=\"wrap\"><h1>{}</h1><p class=\"error-message\">{}</p><p><a href=\"/\">{}</a></p></main></body></html>",
        lang.code(),
        escape(&title),
        escape(&title),
        escape(&message),
        escape(&home)
    );
    HttpResponse::build(crate::error::status_of(e.code))
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(html)
}
