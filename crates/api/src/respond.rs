//! Response headers built from values a request may have shaped (a redirect target, a
//! file name made from a unit code or a slug). Each is built so it is always a valid header
//! value: a control character can never turn into a plain-text 500 or a second header.

use actix_web::HttpResponse;
use actix_web::http::header::{self, HeaderValue};

/// `Content-Disposition` for a file named `name`: `inline` or as an attachment. The plain
/// `filename` keeps only letters, digits, `.`, `_` and `-` (so it is a valid header in any
/// client); `filename*` carries the whole name, control characters left out, as RFC 6266
/// and RFC 5987 describe.
pub fn disposition(inline: bool, name: &str) -> (header::HeaderName, HeaderValue) {
    let kind = if inline { "inline" } else { "attachment" };
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(150)
        .collect();
    let encoded: String = name
        .chars()
        .filter(|c| !c.is_control())
        .take(150)
        .collect::<String>()
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let value = format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    (
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("attachment")),
    )
}

/// A zip download named `{name}.zip`.
pub fn zip(bytes: Vec<u8>, name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header(disposition(false, &format!("{name}.zip")))
        .body(bytes)
}

/// A PDF shown in the browser, named `{name}.pdf`.
pub fn pdf(bytes: Vec<u8>, name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(disposition(true, &format!("{name}.pdf")))
        .body(bytes)
}

/// A CSV download named `{name}.csv`.
pub fn csv(bytes: Vec<u8>, name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(disposition(false, &format!("{name}.csv")))
        .body(bytes)
}

/// A UTF-8 text file download named `name`.
pub fn text_file(text: String, name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header(disposition(false, name))
        .body(text)
}

/// A file of a report (CSV or XLSX) named `{basename}.{extension}`.
pub fn file(file: lentera_domain::reports::File, basename: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(file.content_type)
        .insert_header(disposition(
            false,
            &format!("{basename}.{}", file.extension),
        ))
        .body(file.bytes)
}

/// A 303 to `to`, a path this server made. Should it ever not be a valid header value, the
/// visitor goes home instead of getting an error.
pub fn redirect(to: &str) -> HttpResponse {
    let location = HeaderValue::from_str(to).unwrap_or_else(|_| HeaderValue::from_static("/"));
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// Whether `next` is a path on this site to return to after signing in: it begins with one
/// `/`, holds no backslash, no whitespace and no control character (browsers drop tabs and
/// line breaks from a URL, so `/\t/evil.example` becomes `//evil.example`), and resolved
/// against this site it stays on this site.
pub fn is_local_path(next: &str) -> bool {
    let shape = next.len() < 500
        && next.starts_with('/')
        && !next.starts_with("//")
        && !next
            .chars()
            .any(|c| c == '\\' || c.is_whitespace() || c.is_control());
    shape
        && url::Url::parse("https://lentera.invalid/")
            .and_then(|base| base.join(next))
            .is_ok_and(|u| u.host_str() == Some("lentera.invalid") && u.scheme() == "https")
}

#[cfg(test)]
mod tests {
    use super::{disposition, is_local_path};

    #[test]
    fn only_paths_on_this_site_are_places_to_return_to() {
        for local in ["/", "/katalog", "/kursus/a/materi/b?x=1#top", "/%2F%2Fsini"] {
            assert!(is_local_path(local), "{local}");
        }
        for away in [
            "//jahat.example/x",
            "/\\jahat.example",
            "/\t/jahat.example/path",
            "/\n/jahat.example",
            "/ /jahat.example",
            "https://jahat.example",
            "jahat.example",
            "/\u{0}",
            "/\u{85}/jahat.example",
            "",
        ] {
            assert!(!is_local_path(away), "{away:?}");
        }
    }

    #[test]
    fn file_names_from_requests_are_always_valid_headers() {
        for name in [
            "jp-2026.csv",
            "sertifikat-BUNGO\r\nSet-Cookie: x=1.zip",
            "kursus-\u{0}\u{1b}.xlsx",
            "laporan \"unit\" Dinas Kominfo — 2026.csv",
        ] {
            let (_, value) = disposition(false, name);
            let text = value.to_str().unwrap_or_else(|e| panic!("{name:?}: {e}"));
            assert!(text.starts_with("attachment; filename=\""), "{text}");
            assert!(!text.contains('\r') && !text.contains('\n'), "{text}");
        }
    }
}
