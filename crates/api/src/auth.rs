//! The extractors that give handlers the caller: [`ApiUser`] (a bearer token, the API only,
//! so the API needs no CSRF protection), [`PageUser`] (the session cookie, pages only) and
//! [`MaybeUser`] (either or nobody, for public resources that show more to the entitled),
//! and the role-stating ones built on them: [`ApiTeacher`], [`ApiAdmin`], [`ApiManager`],
//! [`PageTeacher`], [`PageAdmin`], [`PageManager`].
//!
//! A user an admin gave a one-time password is refused by all of these
//! (`password_change_required`, which pages turn into a redirect to the change-password
//! page) until they chose their own: only [`ApiAccount`] and [`PageAccount`], which the
//! password change and signing out take, let them through.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};

use crate::cookies::Cookies;
use crate::error::ApiError;
use crate::state::AppState;
use lentera_domain::policy::{self, Action, Resource, Scope};
use lentera_domain::sessions::{CurrentUser, user_for_token};
use lentera_domain::{Error, ErrorCode};

fn app_state(req: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| Error::internal("AppState missing").into())
}

/// An API caller authenticated with `Authorization: Bearer TOKEN`. Cookies are not
/// accepted here, so the JSON API needs no CSRF protection.
pub struct ApiUser(pub CurrentUser);

impl FromRequest for ApiUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let account = ApiAccount::from_request(req, payload);
        Box::pin(async move {
            let user = account.await?.0;
            policy::own_password_chosen(&user)?;
            Ok(ApiUser(user))
        })
    }
}

/// An API caller authenticated with a bearer token, even one who must change the one-time
/// password an admin gave before anything else: only for that change and for signing out.
pub struct ApiAccount(pub CurrentUser);

impl FromRequest for ApiAccount {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = app_state(&req)?;
            let header = req
                .headers()
                .get(actix_web::http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let Some(token) = header
                .strip_prefix("Bearer ")
                .map(str::trim)
                .filter(|t| !t.is_empty())
            else {
                return Err(ApiError::new(
                    ErrorCode::Unauthenticated,
                    "Sign in first: send Authorization: Bearer TOKEN",
                ));
            };
            match user_for_token(&state, token).await? {
                Some(user) => {
                    req.extensions_mut().insert(user.user.id);
                    Ok(ApiAccount(user))
                }
                None => Err(ApiError::new(
                    ErrorCode::InvalidToken,
                    "The token is invalid, expired or signed out",
                )),
            }
        })
    }
}

/// Whoever asks, signed in through a bearer token or the session cookie, or nobody: for
/// public resources that show more to those entitled to it (a certificate's PDF).
pub struct MaybeUser(pub Option<CurrentUser>);

impl FromRequest for MaybeUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = app_state(&req)?;
            let bearer = req
                .headers()
                .get(actix_web::http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(|t| t.trim().to_owned());
            let token = bearer.or_else(|| Cookies::of(&req).read_session(&req));
            let user = match token {
                Some(t) if !t.is_empty() => user_for_token(&state, &t).await?,
                _ => None,
            };
            // Until a one-time password is changed, public resources show what anybody sees.
            Ok(MaybeUser(
                user.filter(|u| policy::own_password_chosen(u).is_ok()),
            ))
        })
    }
}

/// A page visitor, signed in through the session cookie or not.
pub struct PageUser(pub Option<CurrentUser>);

impl FromRequest for PageUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let account = PageAccount::from_request(req, payload);
        Box::pin(async move {
            let user = account.await?.0;
            if let Some(u) = &user {
                policy::own_password_chosen(u)?;
            }
            Ok(PageUser(user))
        })
    }
}

/// A page visitor, signed in or not, even one who must change the one-time password an
/// admin gave before anything else: only for the change-password page, signing out and
/// the language switch.
pub struct PageAccount(pub Option<CurrentUser>);

impl FromRequest for PageAccount {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = app_state(&req)?;
            let Some(token) = Cookies::of(&req).read_session(&req) else {
                return Ok(PageAccount(None));
            };
            Ok(PageAccount(user_for_token(&state, &token).await?))
        })
    }
}

impl From<PageAccount> for PageUser {
    fn from(account: PageAccount) -> PageUser {
        PageUser(account.0)
    }
}

/// Extractors that state in a handler's signature which role it serves: the caller is
/// authenticated as [`ApiUser`] or [`PageUser`] and then checked by the one policy
/// (`lentera_domain::policy`) before the handler runs, so a request the role may not make
/// is refused before its body is read. Domain operations check again, for the object.
macro_rules! gated {
    ($(#[$doc:meta])* $name:ident, page = $page:tt, $check:path) => {
        $(#[$doc])*
        pub struct $name(pub CurrentUser);

        impl FromRequest for $name {
            type Error = ApiError;
            type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

            fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
                let req = req.clone();
                let who = gated!(@who $page, &req, payload);
                Box::pin(async move {
                    let user = who.await?;
                    let state = app_state(&req)?;
                    $check(&state, &user).await?;
                    Ok($name(user))
                })
            }
        }

        impl From<$name> for PageUser {
            fn from(gated: $name) -> PageUser {
                PageUser(Some(gated.0))
            }
        }
    };
    (@who true, $req:expr, $payload:expr) => {{
        let page = PageUser::from_request($req, $payload);
        async move {
            page.await?.0.ok_or_else(|| {
                ApiError::new(ErrorCode::SignInRequired, "Sign in to see this page")
            })
        }
    }};
    (@who false, $req:expr, $payload:expr) => {{
        let api = ApiUser::from_request($req, $payload);
        async move { api.await.map(|u| u.0) }
    }};
}

async fn may_teach(state: &AppState, who: &CurrentUser) -> Result<(), ApiError> {
    policy::authorize(state, who, Action::Teach, Resource::Instance).await?;
    Ok(())
}

async fn may_administer(state: &AppState, who: &CurrentUser) -> Result<(), ApiError> {
    policy::authorize(state, who, Action::Administer, Resource::Instance).await?;
    Ok(())
}

gated!(
    /// An API caller who may teach: an instructor or an admin.
    ApiTeacher, page = false, may_teach
);
gated!(
    /// An API caller who may administer the instance: an admin.
    ApiAdmin, page = false, may_administer
);
gated!(
    /// A signed-in page visitor who may teach: an instructor or an admin.
    PageTeacher, page = true, may_teach
);
gated!(
    /// A signed-in page visitor who may administer the instance: an admin.
    PageAdmin, page = true, may_administer
);

/// A caller who sees units and their people (a manager or an admin), with the units the
/// policy lets them see.
macro_rules! scoped {
    ($(#[$doc:meta])* $name:ident, page = $page:tt) => {
        $(#[$doc])*
        pub struct $name(pub CurrentUser, pub Scope);

        impl FromRequest for $name {
            type Error = ApiError;
            type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

            fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
                let req = req.clone();
                let who = gated!(@who $page, &req, payload);
                Box::pin(async move {
                    let user = who.await?;
                    let state = app_state(&req)?;
                    let scope = policy::scope(&state, &user).await?;
                    Ok($name(user, scope))
                })
            }
        }
    };
}

scoped!(
    /// An API caller who sees units and their people: a manager or an admin.
    ApiManager, page = false
);
scoped!(
    /// A signed-in page visitor who sees units and their people: a manager or an admin.
    PageManager, page = true
);
