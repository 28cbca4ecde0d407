//! Server-rendered pages: the learner's journey without JavaScript, in Bahasa Indonesia
//! by default and English on request.
//!
//! Every form carries a CSRF token (double-submit: a random cookie and the same value in
//! a hidden field, compared in constant time), and state changes happen only on POST.

mod admin;
mod grading;
mod learn;
mod quiz;
mod reports;
mod teach;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::cookies::Cookies;
use crate::error::{ApiError, ApiResult};
use crate::i18n::{Lang, Locales};
use crate::routing::Routes;
use crate::state::AppState;
use lentera_domain::ErrorCode;
use lentera_domain::policy::Role;
use lentera_domain::sessions::CurrentUser;

pub const LANG_COOKIE: &str = "lentera_lang";
/// Where [`Page::render_shared`] puts the body; a comment, so nothing shows if unused.
pub const BODY_MARKER: &str = "<!--lentera:body-->";

/// The course and attempt pages are scopes, first: a request then tries a few patterns
/// (each a regular expression) instead of all of them.
pub fn routes(r: &mut Routes) {
    r.scope("/kursus/{slug}", |s| {
        s.get("", learn::course);
        s.get("/materi/{lesson}", learn::lesson);
        s.post("/materi/{lesson}/selesai", learn::complete_lesson);
        s.post("/daftar", learn::enroll);
        s.get("/aset/{file:.+}", learn::asset);
        s.get("/kuis/{quiz}", quiz::intro);
        s.post("/kuis/{quiz}/mulai", quiz::start);
    });
    r.scope("/percobaan/{id}", |s| {
        s.get("", quiz::show);
        s.post("", quiz::answer);
        s.get("/hasil", quiz::result);
    });
    r.get("/", learn::home);
    r.get("/masuk", learn::login_form);
    r.post("/masuk", learn::login_submit);
    r.post("/keluar", learn::logout);
    r.post("/bahasa/{lang}", learn::switch_language);
    r.get("/katalog", learn::catalog);
    r.get("/sertifikat", learn::certificates);
    r.get("/verifikasi", learn::verify_form);
    r.get("/verifikasi/{code}", learn::verify);
    r.get("/admin", admin::home);
    r.post("/admin/unit", admin::create_unit);
    r.post("/admin/pengguna", admin::create_user);
    r.post("/admin/impor", admin::import);
    r.post("/admin/cabut", admin::revoke);
    r.get("/admin/pengguna/{username}", admin::user_page);
    r.post("/admin/pengguna/{username}", admin::update_user);
    r.post("/admin/pengguna/{username}/jp", admin::add_jp);
    r.get("/laporan", reports::page);
    r.get("/laporan/unduh", reports::download);
    r.get("/laporan/sertifikat.zip", reports::certificates_zip);
    r.get("/sertifikat/semua.zip", learn::certificates_zip);
    r.get("/pengajar", teach::home);
    r.get("/pengajar/penilaian", grading::queue);
    r.get("/pengajar/penilaian/{id}", grading::form);
    r.post("/pengajar/penilaian/{id}", grading::submit);
    r.get(
        "/pengajar/kursus/{slug}/kuis/{quiz}/statistik",
        grading::statistics,
    );
    r.post("/pengajar/unggah", teach::upload);
    r.get("/pengajar/kursus/{slug}", teach::course);
    r.get(
        "/pengajar/kursus/{slug}/materi/{lesson}",
        teach::edit_lesson,
    );
    r.post(
        "/pengajar/kursus/{slug}/materi/{lesson}",
        teach::save_lesson,
    );
    r.post("/pengajar/kursus/{slug}/{action}", teach::action);
}

/// What every page knows about its request: language, visitor, CSRF token.
pub struct Page {
    pub lang: Lang,
    pub user: Option<CurrentUser>,
    csrf: String,
    new_csrf: bool,
    path: String,
}

impl Page {
    pub fn new(req: &HttpRequest, user: Option<CurrentUser>) -> ApiResult<Page> {
        let lang = language(req, user.as_ref());
        let existing = Cookies::of(req)
            .read_csrf(req)
            .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()));
        let (csrf, new_csrf) = match existing {
            Some(v) => (v, false),
            None => (
                hex::encode(
                    lentera_domain::keys::random_bytes::<16>()
                        .map_err(lentera_domain::Error::internal)?,
                ),
                true,
            ),
        };
        Ok(Page {
            lang,
            user,
            csrf,
            new_csrf,
            path: req.path().to_owned(),
        })
    }

    /// The signed-in user, or a redirect to the sign-in page that comes back here.
    pub fn require_user(&self) -> ApiResult<CurrentUser> {
        self.user
            .clone()
            .ok_or_else(|| ApiError::new(ErrorCode::SignInRequired, "Sign in to see this page"))
    }

    pub fn t<'a>(&self, locales: &'a Locales, key: &'a str) -> &'a str {
        locales.get(self.lang, key)
    }

    /// Renders a template with the base context (language, user, CSRF token) merged in.
    pub fn render(
        &self,
        state: &AppState,
        template: &str,
        status: StatusCode,
        ctx: Value,
    ) -> ApiResult<HttpResponse> {
        let user = self.user.as_ref().map(
            |u| json!({"name": u.user.name, "username": u.user.username, "roles": u.user.roles}),
        );
        let html = state
            .templates
            .render(template, self.context(&self.csrf, user, ctx))?;
        Ok(self.respond(state, status, html))
    }

    /// A page that every visitor with the same `key`, language and roles sees alike but for
    /// the CSRF token (a lesson): rendered once, then served from [`SharedPages`] with the
    /// visitor's token put in. `key` must name everything `ctx` and `body` depend on (a
    /// course version, not a course). The template sees the user's roles only, never a
    /// name, so nothing of one visitor can reach another. `body` (trusted, sanitised
    /// HTML) goes where the template writes [`BODY_MARKER`] rather than through the
    /// context: a lesson is most of its page.
    pub fn render_shared(
        &self,
        state: &AppState,
        key: &str,
        template: &str,
        ctx: impl FnOnce() -> Value,
        body: &str,
    ) -> ApiResult<HttpResponse> {
        let roles = self.nav_roles();
        let key = SharedKey {
            key: format!("{template}\n{}\n{key}", self.path),
            lang: self.lang,
            roles,
        };
        let pieces = match state.shared_pages.get(&key) {
            Some(found) => found,
            None => {
                let user = self.user.as_ref().map(|_| {
                    let names: Vec<&str> = NAV_ROLES
                        .iter()
                        .enumerate()
                        .filter(|(bit, _)| roles & (1 << bit) != 0)
                        .map(|(_, role)| role.as_str())
                        .collect();
                    json!({ "roles": names })
                });
                let html = state
                    .templates
                    .render(template, self.context(CSRF_GAP, user, ctx()))?;
                let pieces: Arc<[String]> = html
                    .split(CSRF_GAP)
                    .map(|piece| match piece.find(BODY_MARKER) {
                        Some(at) => [&piece[..at], body, &piece[at + BODY_MARKER.len()..]].concat(),
                        None => piece.to_owned(),
                    })
                    .collect();
                state.shared_pages.put(key, pieces.clone());
                pieces
            }
        };
        let len = pieces.iter().map(String::len).sum::<usize>() + pieces.len() * self.csrf.len();
        let mut html = String::with_capacity(len);
        for (i, piece) in pieces.iter().enumerate() {
            if i > 0 {
                html.push_str(&self.csrf);
            }
            html.push_str(piece);
        }
        Ok(self.respond(state, StatusCode::OK, html))
    }

    /// The roles the navigation shows links for, as bits of [`NAV_ROLES`], and the top bit
    /// for a signed-in visitor (whose header differs from a visitor's even without roles).
    fn nav_roles(&self) -> u8 {
        self.user.as_ref().map_or(0, |u| {
            NAV_ROLES
                .iter()
                .enumerate()
                .filter(|(_, role)| u.has(**role))
                .fold(0x80, |mask, (bit, _)| mask | (1 << bit))
        })
    }

    /// The base context (language, path, CSRF token, user) with the page's own merged in.
    fn context(&self, csrf: &str, user: Option<Value>, ctx: Value) -> Value {
        let mut base = json!({
            "lang": self.lang.code(),
            "other_lang": if self.lang == Lang::Id { "en" } else { "id" },
            "csrf": csrf,
            "path": self.path,
            "user": user,
        });
        if let (Some(base_map), Value::Object(extra)) = (base.as_object_mut(), ctx) {
            base_map.extend(extra);
        }
        base
    }

    fn respond(&self, state: &AppState, status: StatusCode, html: String) -> HttpResponse {
        let mut res = HttpResponse::build(status);
        res.content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-store"));
        if self.new_csrf {
            res.cookie(Cookies::for_url(&state.config.public_url).csrf(self.csrf.clone()));
        }
        res.body(html)
    }
}

/// The roles the page header has links for (teaching, reports, administration).
const NAV_ROLES: [Role; 3] = [Role::Instructor, Role::Manager, Role::Admin];

/// Where the visitor's CSRF token goes in a shared page: control characters, which HTML
/// escaping leaves alone and no title or lesson is expected to hold.
const CSRF_GAP: &str = "\u{1}csrf\u{1}";

/// At most this many shared pages are kept, holding at most [`SHARED_PAGES_BYTES`]; past
/// either the store starts again (a version change leaves old keys behind, and odd
/// spellings of a path make new ones).
const SHARED_PAGES_MAX: usize = 1024;
const SHARED_PAGES_BYTES: usize = 64 << 20;

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SharedKey {
    key: String,
    lang: Lang,
    roles: u8,
}

/// A shared page, split where each visitor's CSRF token goes.
type Pieces = Arc<[String]>;

/// Pages rendered once for many visitors ([`Page::render_shared`]), split where each
/// visitor's CSRF token goes.
#[derive(Default)]
pub struct SharedPages {
    map: RwLock<(HashMap<SharedKey, Pieces>, usize)>,
}

impl SharedPages {
    /// Pages held, and their bytes.
    pub fn size(&self) -> (usize, usize) {
        self.map.read().map_or((0, 0), |m| (m.0.len(), m.1))
    }

    fn get(&self, key: &SharedKey) -> Option<Arc<[String]>> {
        self.map.read().ok()?.0.get(key).cloned()
    }

    fn put(&self, key: SharedKey, pieces: Arc<[String]>) {
        let weigh =
            |pieces: &[String]| key.key.len() + pieces.iter().map(|p| p.len() + 24).sum::<usize>();
        let bytes = weigh(&pieces);
        if let Ok(mut guard) = self.map.write() {
            let (map, total) = &mut *guard;
            if map.len() >= SHARED_PAGES_MAX || *total + bytes > SHARED_PAGES_BYTES {
                map.clear();
                *total = 0;
            }
            let old = map.get(&key).map(|old| weigh(old));
            map.insert(key, pieces);
            *total = *total - old.unwrap_or(0) + bytes;
        }
    }
}

fn language(req: &HttpRequest, user: Option<&CurrentUser>) -> Lang {
    req.cookie(LANG_COOKIE)
        .and_then(|c| Lang::parse(c.value()))
        .or_else(|| user.and_then(|u| Lang::parse(&u.user.language)))
        .unwrap_or(Lang::Id)
}

/// A form field's value, for handlers that take the form as name/value pairs (repeated
/// names, names made from question ids).
pub fn form_field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Checks the form's CSRF token against the cookie, in constant time.
pub fn check_csrf(req: &HttpRequest, submitted: &str) -> lentera_domain::Result<()> {
    let cookie = Cookies::of(req).read_csrf(req).unwrap_or_default();
    let a = cookie.as_bytes();
    let b = submitted.as_bytes();
    let same = a.len() == b.len()
        && !a.is_empty()
        && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0;
    if same {
        Ok(())
    } else {
        Err(lentera_domain::Error::new(
            ErrorCode::CsrfFailed,
            "The form expired; reload the page and try again",
        ))
    }
}

pub use crate::respond::redirect;

/// Only paths on this site are places to return to (no open redirect, see
/// [`crate::respond::is_local_path`]); anything else is the home page.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if crate::respond::is_local_path(n) => n.to_owned(),
        _ => "/".to_owned(),
    }
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

/// The page context and the signed-in user of a page that needs one; a visitor who is
/// not signed in is sent to the sign-in page (the error handler turns `sign_in_required`
/// into that redirect).
pub fn signed_in(req: &HttpRequest, user: crate::auth::PageUser) -> ApiResult<(Page, CurrentUser)> {
    let page = Page::new(req, user.0)?;
    let me = page.require_user()?;
    Ok((page, me))
}

pub type PageResult = ApiResult<HttpResponse>;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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
/// that comes back. The API keeps the JSON error shape.
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
    } else {
        error_page(&req, &error)
    };
    Ok(actix_web::dev::ServiceResponse::new(req, response))
}

/// A minimal page that needs no template, so it renders even when rendering broke.
fn error_page(req: &HttpRequest, e: &lentera_domain::Error) -> HttpResponse {
    let lang = language(req, None);
    let locales = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.locales.clone());
    let key = format!("error.{}", e.code);
    let (title, message) = match &locales {
        Some(l) => {
            let text = l.get(lang, &key);
            let message = if text == key {
                e.message.clone()
            } else {
                text.to_owned()
            };
            (l.get(lang, "error.title").to_owned(), message)
        }
        None => ("Error".to_owned(), e.message.clone()),
    };
    let home = if lang == Lang::Id {
        "Kembali ke beranda"
    } else {
        "Back to home"
    };
    let html = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title><link rel=\"stylesheet\" href=\"/static/style.css\"></head><body><main class=\"wrap\"><h1>{}</h1><p class=\"error-message\">{}</p><p><a href=\"/\">{}</a></p></main></body></html>",
        lang.code(),
        escape(&title),
        escape(&title),
        escape(&message),
        home
    );
    HttpResponse::build(crate::error::status_of(e.code))
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(html)
}
