//! The cookies of the pages: the session (the JWT) and the CSRF token. Both are HttpOnly.
//! Served over HTTPS their names carry the `__Host-` prefix, which browsers accept only
//! from a secure origin, with `Secure`, `Path=/` and no `Domain`: a sibling subdomain or a
//! man in the middle on plain HTTP cannot plant or overwrite them.

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::web;

use crate::state::AppState;

#[derive(Debug, Clone, Copy)]
pub struct Cookies {
    secure: bool,
}

impl Cookies {
    /// The cookies of an instance served at `public_url`.
    pub fn for_url(public_url: &str) -> Cookies {
        Cookies {
            secure: public_url.starts_with("https://"),
        }
    }

    /// The cookies of the instance serving `req`.
    pub fn of(req: &HttpRequest) -> Cookies {
        req.app_data::<web::Data<AppState>>()
            .map_or(Cookies { secure: false }, |s| {
                Cookies::for_url(&s.config.public_url)
            })
    }

    fn session_name(self) -> &'static str {
        if self.secure {
            "__Host-lentera_session"
        } else {
            "lentera_session"
        }
    }

    fn csrf_name(self) -> &'static str {
        if self.secure {
            "__Host-lentera_csrf"
        } else {
            "lentera_csrf"
        }
    }

    fn build(self, name: &'static str, value: String, same_site: SameSite) -> Cookie<'static> {
        Cookie::build(name, value)
            .path("/")
            .http_only(true)
            .same_site(same_site)
            .secure(self.secure)
            .finish()
    }

    /// The session cookie holding `token`. `Lax`: a link from elsewhere opens the page
    /// signed in; a form posted from elsewhere also fails the CSRF check.
    pub fn session(self, token: String) -> Cookie<'static> {
        self.build(self.session_name(), token, SameSite::Lax)
    }

    /// What signs the browser out.
    pub fn session_removal(self) -> Cookie<'static> {
        let mut gone = self.build(self.session_name(), String::new(), SameSite::Lax);
        gone.make_removal();
        gone
    }

    pub fn csrf(self, token: String) -> Cookie<'static> {
        self.build(self.csrf_name(), token, SameSite::Strict)
    }

    pub fn read_session(self, req: &HttpRequest) -> Option<String> {
        req.cookie(self.session_name())
            .map(|c| c.value().to_owned())
    }

    pub fn read_csrf(self, req: &HttpRequest) -> Option<String> {
        req.cookie(self.csrf_name()).map(|c| c.value().to_owned())
    }
}
