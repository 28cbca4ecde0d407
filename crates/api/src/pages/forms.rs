//! Form helpers: CSRF checking (double-submit, compared in constant time), fields of forms
//! read as name/value pairs, and the places a form may send the visitor back to.

use actix_web::HttpRequest;

use crate::cookies::Cookies;
use lentera_domain::ErrorCode;

/// A form field's value, for handlers that take the form as name/value pairs (repeated
/// names, names made from question ids).
pub fn form_field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// [`check_csrf`] for a form read as name/value pairs (its `csrf` field).
pub fn check_csrf_field(
    req: &HttpRequest,
    fields: &[(String, String)],
) -> lentera_domain::Result<()> {
    check_csrf(req, form_field(fields, "csrf").unwrap_or(""))
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

/// Only paths on this site are places to return to (no open redirect, see
/// [`crate::respond::is_local_path`]); anything else is the home page.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if crate::respond::is_local_path(n) => n.to_owned(),
        _ => "/".to_owned(),
    }
}
