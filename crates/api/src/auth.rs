//! The extractors that give handlers the caller: [`ApiUser`] (a bearer token, the API only,
//! so the API needs no CSRF protection), [`PageUser`] (the session cookie, pages only) and
//! [`MaybeUser`] (either or nobody, for public resources that show more to the entitled).

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};

use crate::cookies::Cookies;
use crate::error::ApiError;
use crate::state::AppState;
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
                    Ok(ApiUser(user))
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
            Ok(MaybeUser(match token {
                Some(t) if !t.is_empty() => user_for_token(&state, &t).await?,
                _ => None,
            }))
        })
    }
}

/// A page visitor, signed in through the session cookie or not.
pub struct PageUser(pub Option<CurrentUser>);

impl FromRequest for PageUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = app_state(&req)?;
            let Some(token) = Cookies::of(&req).read_session(&req) else {
                return Ok(PageUser(None));
            };
            Ok(PageUser(user_for_token(&state, &token).await?))
        })
    }
}
