//! Multipart forms (course uploads, CSV imports), read with limits and, on pages, with the
//! CSRF token checked before the file.

use futures_util::StreamExt;

use lentera_domain::{Error, ErrorCode, Result};

/// At most this many fields in a multipart form (a page form has a token, a file and a few
/// choices).
const MAX_FIELDS: usize = 8;
/// At most this many bytes in a text field of a multipart form.
const MAX_TEXT_FIELD: usize = 4096;

fn too_large(what: &str) -> Error {
    Error::new(
        ErrorCode::PayloadTooLarge,
        format!("The {what} is too large"),
    )
}

/// Reads a multipart form: its text fields (at most 8, each at most 4 KiB) and the bytes
/// of its `file` field (at most `max_file`), refusing anything more as it arrives. Call it
/// only once the caller is authorized. For a page form (`csrf` given) the CSRF token must
/// come before the file, and is checked as soon as it arrives: a forged form is refused
/// before a byte of its file is read.
pub async fn read_multipart(
    mut form: actix_multipart::Multipart,
    max_file: usize,
    csrf: Option<&actix_web::HttpRequest>,
) -> Result<(Vec<(String, String)>, Option<Vec<u8>>)> {
    let mut fields = Vec::new();
    let mut file = None;
    let mut count = 0;
    let mut csrf_checked = csrf.is_none();
    while let Some(item) = form.next().await {
        let mut field = item.map_err(|e| Error::new(ErrorCode::InvalidMultipart, e.to_string()))?;
        count += 1;
        if count > MAX_FIELDS {
            return Err(Error::new(
                ErrorCode::InvalidMultipart,
                format!("A form has at most {MAX_FIELDS} fields"),
            ));
        }
        let name = field.name().unwrap_or_default().to_owned();
        let is_file = name == "file";
        if is_file && !csrf_checked {
            return Err(Error::new(
                ErrorCode::CsrfFailed,
                "The form expired; reload the page and try again",
            ));
        }
        let limit = if is_file { max_file } else { MAX_TEXT_FIELD };
        let mut data = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk =
                chunk.map_err(|e| Error::new(ErrorCode::InvalidMultipart, e.to_string()))?;
            if data.len() + chunk.len() > limit {
                return Err(if is_file {
                    Error::new(
                        ErrorCode::PayloadTooLarge,
                        if max_file >= 1024 * 1024 {
                            format!("Uploads are limited to {} MiB", max_file / 1024 / 1024)
                        } else {
                            format!("Uploads are limited to {} KiB", max_file / 1024)
                        },
                    )
                } else {
                    too_large("form field")
                });
            }
            data.extend_from_slice(&chunk);
        }
        if is_file {
            if file.is_some() {
                return Err(Error::new(ErrorCode::InvalidMultipart, "Send one file"));
            }
            file = Some(data);
        } else {
            let value = String::from_utf8_lossy(&data).into_owned();
            if name == "csrf"
                && let Some(req) = csrf
            {
                crate::pages::forms::check_csrf(req, &value)?;
                csrf_checked = true;
            }
            fields.push((name, value));
        }
    }
    if !csrf_checked {
        return Err(Error::new(
            ErrorCode::CsrfFailed,
            "The form expired; reload the page and try again",
        ));
    }
    Ok((fields, file))
}
