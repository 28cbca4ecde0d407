//! [`Page`]: what every page knows about its request (language, visitor, CSRF token) and
//! how it renders, alone or from the shared-page store.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use std::sync::Arc;

use super::LANG_COOKIE;
use crate::cookies::Cookies;
use crate::error::{ApiError, ApiResult};
use crate::i18n::{Lang, Locales};
use crate::shared_pages::SharedKey;
use crate::state::AppState;
use lentera_domain::ErrorCode;
use lentera_domain::policy::Role;
use lentera_domain::sessions::CurrentUser;

/// Where the page's body goes in a template rendered by [`Page::render_shared`].
pub const BODY_MARKER: &str = "<!--lentera:body-->";

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

    /// Renders a template with the page's own context (a `Serialize` view) and the base
    /// context (language, path, CSRF token, user) beside it.
    pub fn render(
        &self,
        state: &AppState,
        template: &str,
        status: StatusCode,
        ctx: impl Serialize,
    ) -> ApiResult<HttpResponse> {
        let user = self.user.as_ref().map(|u| NavUser {
            name: Some(&u.user.name),
            username: Some(&u.user.username),
            roles: u.user.roles.clone(),
        });
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
    pub fn render_shared<C: Serialize>(
        &self,
        state: &AppState,
        key: &str,
        template: &str,
        ctx: impl FnOnce() -> C,
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
                let user = self.user.as_ref().map(|_| NavUser {
                    name: None,
                    username: None,
                    roles: NAV_ROLES
                        .iter()
                        .enumerate()
                        .filter(|(bit, _)| roles & (1 << bit) != 0)
                        .map(|(_, role)| *role)
                        .collect(),
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

    /// The base context (language, path, CSRF token, user) with the page's own beside it.
    fn context<'a, C: Serialize>(
        &'a self,
        csrf: &'a str,
        user: Option<NavUser<'a>>,
        page: C,
    ) -> Context<'a, C> {
        Context {
            lang: self.lang.code(),
            other_lang: if self.lang == Lang::Id { "en" } else { "id" },
            csrf,
            path: &self.path,
            user,
            page,
        }
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

/// What every template sees: the page's own context flattened beside the base.
#[derive(Serialize)]
struct Context<'a, C> {
    lang: &'static str,
    other_lang: &'static str,
    csrf: &'a str,
    path: &'a str,
    user: Option<NavUser<'a>>,
    #[serde(flatten)]
    page: C,
}

/// The signed-in visitor as the header shows them. A shared page carries the roles only.
#[derive(Serialize)]
struct NavUser<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<&'a str>,
    roles: Vec<Role>,
}

/// The roles the page header has links for (teaching, reports, administration).
const NAV_ROLES: [Role; 3] = [Role::Instructor, Role::Manager, Role::Admin];

/// Where the visitor's CSRF token goes in a shared page: control characters, which HTML
/// escaping leaves alone and no title or lesson is expected to hold.
const CSRF_GAP: &str = "\u{1}csrf\u{1}";

pub(super) fn language(req: &HttpRequest, user: Option<&CurrentUser>) -> Lang {
    req.cookie(LANG_COOKIE)
        .and_then(|c| Lang::parse(c.value()))
        .or_else(|| user.and_then(|u| Lang::parse(&u.user.language)))
        .unwrap_or(Lang::Id)
}

/// The page context and the signed-in user of a page that needs one; a visitor who is
/// not signed in is sent to the sign-in page (the error handler turns `sign_in_required`
/// into that redirect).
pub fn signed_in(
    req: &HttpRequest,
    user: impl Into<crate::auth::PageUser>,
) -> ApiResult<(Page, CurrentUser)> {
    let page = Page::new(req, user.into().0)?;
    let me = page.require_user()?;
    Ok((page, me))
}

pub type PageResult = ApiResult<HttpResponse>;
