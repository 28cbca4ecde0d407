//! The account's password pages: changing it (every signed-in person, and the only page a
//! person with a one-time password from an admin may see), "Lupa kata sandi?" (a link by
//! e-mail, or whom to ask), the page a mailed link opens, and an admin's reset of someone's
//! password (a one-time password, shown once).

use std::collections::HashMap;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::forms::check_csrf;
use super::page::{Page, PageResult, signed_in};
use crate::auth::{PageAccount, PageAdmin, PageUser};
use crate::client::client_address;
use crate::cookies::Cookies;
use crate::error::{ApiError, status_of};
use crate::state::AppState;
use lentera_domain::{Error, ErrorCode, account, login};

/// The change-password page.
pub const CHANGE_PATH: &str = "/akun/sandi";

/// A refused form's messages by field (`_` for the form as a whole), in the page's
/// language: the page's own text for the code (`account.error.CODE`), else the general one.
fn messages(page: &Page, state: &AppState, e: &Error) -> HashMap<String, String> {
    let mut text = e.message.clone();
    for key in [
        format!("account.error_{}", e.code),
        format!("error.{}", e.code),
    ] {
        let found = page.t(&state.locales, &key);
        if found != key {
            text = found.to_owned();
            break;
        }
    }
    HashMap::from([(e.field.clone().unwrap_or_else(|| "_".to_owned()), text)])
}

/// Errors about what was typed are shown on the form; anything else (a refusal of the
/// person, a broken server) is the error page.
fn on_form(e: &Error) -> bool {
    status_of(e.code).is_client_error() && e.code != ErrorCode::CsrfFailed
}

/// The change-password form, or the news that it was changed.
#[derive(Serialize, Default)]
struct ChangePage {
    /// An admin gave a one-time password: this comes first.
    forced: bool,
    done: bool,
    errors: HashMap<String, String>,
    /// What was typed, shown again after a refusal (the page goes only to the person who
    /// typed it and is never cached): nothing is lost.
    typed: HashMap<String, String>,
}

#[derive(Deserialize)]
pub struct DoneQuery {
    selesai: Option<String>,
}

pub async fn change_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAccount,
    q: web::Query<DoneQuery>,
) -> PageResult {
    let (page, me) = signed_in(&req, user)?;
    let view = ChangePage {
        forced: me.user.must_change_password,
        done: q.selesai.is_some() && !me.user.must_change_password,
        ..ChangePage::default()
    };
    page.render(&state, "account_password.html", StatusCode::OK, view)
}

#[derive(Deserialize)]
pub struct ChangeForm {
    csrf: String,
    current_password: String,
    new_password: String,
    repeat_password: String,
}

impl ChangeForm {
    fn typed(&self) -> HashMap<String, String> {
        [
            ("current_password", &self.current_password),
            ("new_password", &self.new_password),
            ("repeat_password", &self.repeat_password),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value.clone()))
        .collect()
    }
}

/// Changes the password; this browser stays signed in with a new session, every other
/// session ends.
pub async fn change_submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAccount,
    form: web::Form<ChangeForm>,
) -> PageResult {
    let form = form.into_inner();
    check_csrf(&req, &form.csrf)?;
    let (page, me) = signed_in(&req, user)?;
    let address = client_address(&req, &state.config.trusted_proxies);
    let changed = login::change_password_and_stay(
        &state,
        &me,
        &address,
        form.current_password.clone(),
        form.new_password.clone(),
        &form.repeat_password,
    )
    .await;
    match changed {
        Ok(token) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("{CHANGE_PATH}?selesai=1")))
            .cookie(Cookies::of(&req).session(token))
            .finish()),
        Err(e) if on_form(&e) => {
            let view = ChangePage {
                forced: me.user.must_change_password,
                done: false,
                errors: messages(&page, &state, &e),
                typed: form.typed(),
            };
            page.render(&state, "account_password.html", status_of(e.code), view)
        }
        Err(e) => Err(ApiError::from(e)),
    }
}

/// "Lupa kata sandi?": the form (with mail on), the answer after it, or whom to ask.
#[derive(Serialize)]
struct ForgotPage<'a> {
    by_mail: bool,
    sent: bool,
    username: &'a str,
    errors: HashMap<String, String>,
}

pub async fn forgot_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
) -> PageResult {
    let page = Page::new(&req, user.0)?;
    let view = ForgotPage {
        by_mail: account::reset_by_mail(&state),
        sent: false,
        username: "",
        errors: HashMap::new(),
    };
    page.render(&state, "account_forgot.html", StatusCode::OK, view)
}

#[derive(Deserialize)]
pub struct ForgotForm {
    csrf: String,
    username: String,
}

/// Asks for a reset link. The answer is the same whether the account exists or not.
pub async fn forgot_submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    form: web::Form<ForgotForm>,
) -> PageResult {
    check_csrf(&req, &form.csrf)?;
    let page = Page::new(&req, user.0)?;
    let address = client_address(&req, &state.config.trusted_proxies);
    let (status, errors) =
        match account::request_reset(state.clone().into_inner(), &address, &form.username).await {
            Ok(()) => (StatusCode::OK, HashMap::new()),
            Err(e) if on_form(&e) => (status_of(e.code), messages(&page, &state, &e)),
            Err(e) => return Err(ApiError::from(e)),
        };
    let view = ForgotPage {
        by_mail: account::reset_by_mail(&state),
        sent: errors.is_empty(),
        username: &form.username,
        errors,
    };
    page.render(&state, "account_forgot.html", status, view)
}

/// The page a mailed link opens: the new-password form, the news that it was set, or that
/// the link is no good.
#[derive(Serialize, Default)]
struct ResetPage {
    valid: bool,
    done: bool,
    token: String,
    errors: HashMap<String, String>,
    typed: HashMap<String, String>,
}

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

pub async fn reset_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    q: web::Query<TokenQuery>,
) -> PageResult {
    let page = Page::new(&req, user.0)?;
    let token = q.into_inner().token.unwrap_or_default();
    let (status, view) = match account::check_link(&state, &token).await {
        Ok(()) => (
            StatusCode::OK,
            ResetPage {
                valid: true,
                token,
                ..ResetPage::default()
            },
        ),
        Err(e) if e.code == ErrorCode::ResetLinkInvalid => (StatusCode::GONE, ResetPage::default()),
        Err(e) => return Err(ApiError::from(e)),
    };
    page.render(&state, "account_reset.html", status, view)
}

#[derive(Deserialize)]
pub struct ResetForm {
    csrf: String,
    token: String,
    new_password: String,
    repeat_password: String,
}

/// Sets the new password through the link; every session of the person ends, and they
/// sign in with the new password.
pub async fn reset_submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageUser,
    form: web::Form<ResetForm>,
) -> PageResult {
    let form = form.into_inner();
    check_csrf(&req, &form.csrf)?;
    let page = Page::new(&req, user.0)?;
    let address = client_address(&req, &state.config.trusted_proxies);
    let result = account::reset_with_link(
        &state,
        &address,
        &form.token,
        form.new_password.clone(),
        &form.repeat_password,
    )
    .await;
    let (status, view) = match result {
        Ok(()) => (
            StatusCode::OK,
            ResetPage {
                done: true,
                ..ResetPage::default()
            },
        ),
        Err(e) if e.code == ErrorCode::ResetLinkInvalid => (StatusCode::GONE, ResetPage::default()),
        Err(e) if on_form(&e) => {
            let typed = [
                ("new_password", &form.new_password),
                ("repeat_password", &form.repeat_password),
            ]
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value.clone()))
            .collect();
            let view = ResetPage {
                valid: true,
                token: form.token.clone(),
                errors: messages(&page, &state, &e),
                typed,
                ..ResetPage::default()
            };
            (status_of(e.code), view)
        }
        Err(e) => return Err(ApiError::from(e)),
    };
    let mut res = page.render(&state, "account_reset.html", status, view)?;
    if status == StatusCode::OK {
        // The sessions ended: this browser's cookie is of no use any more.
        res.add_cookie(&Cookies::of(&req).session_removal())
            .map_err(lentera_domain::Error::internal)?;
    }
    Ok(res)
}

/// A one-time password an admin gave, shown once.
#[derive(Serialize)]
struct AdminResetPage {
    username: String,
    name: String,
    password: String,
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// An admin resets a person's password: a one-time password, shown once on this answer,
/// that the person must change at their next sign-in.
pub async fn admin_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: PageAdmin,
    path: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> PageResult {
    check_csrf(&req, &form.csrf)?;
    let (page, me) = signed_in(&req, user)?;
    let (target, password) = account::reset_by_admin(&state, &me, &path).await?;
    let view = AdminResetPage {
        username: target.username,
        name: target.name,
        password,
    };
    page.render(&state, "account_admin_reset.html", StatusCode::OK, view)
}
