//! The API described as OpenAPI 3.1, generated from the handlers and their types
//! (`#[utoipa::path]` on each handler), served at `GET /api/v1/openapi.json`, with Swagger UI
//! served from the binary at `/api/docs/` (no CDN; its files pass the CSP). A test checks
//! that every route of the router is described, and that the bodies the test suite receives
//! match their schemas.

use std::sync::{Arc, OnceLock};

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api;
use crate::routing::Routes;

/// The bearer token of `POST /api/v1/auth/login`.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lentera API",
        description = "Self-paced e-learning for Indonesian civil servants (ASN): courses, quizzes, certificates, the 20 JP ledger, managers' reports. Errors are `{\"error\":{\"code\",\"message\"}}` with a snake_case code.",
        license(name = "AGPL-3.0-or-later")
    ),
    modifiers(&BearerToken),
    paths(
        crate::web_ops::healthz,
        crate::web_ops::readyz,
        api::auth::login, api::auth::logout, api::auth::change_password,
        api::me::me, api::me::progress, api::me::certificates, api::me::certificates_zip, api::me::jp,
        api::courses::list, api::courses::outline, api::courses::enroll, api::courses::lesson,
        api::courses::complete_lesson,
        api::attempts::start, api::attempts::show, api::attempts::save, api::attempts::submit,
        api::attempts::quiz, api::attempts::key, api::attempts::export, api::attempts::statistics,
        api::attempts::grading_queue, api::attempts::grading_show, api::attempts::grading_submit,
        api::instructor::upload, api::instructor::mine, api::instructor::versions,
        api::instructor::publish, api::instructor::unpublish, api::instructor::rollback,
        api::instructor::enrollments, api::instructor::lesson_source, api::instructor::edit_lesson,
        api::instructor::preview, api::instructor::add_editor,
        api::admin::units, api::admin::create_unit, api::admin::update_unit, api::admin::users,
        api::admin::instansi, api::admin::set_instansi, api::admin::instansi_logo,
        api::admin::set_instansi_logo, api::admin::remove_instansi_logo,
        api::admin::create_user, api::admin::update_user, api::admin::import_users,
        api::admin::add_jp, api::admin::revoke,
        api::account::reset_password, api::account::outbox, api::account::xapi_outbox,
        api::reports::jp, api::reports::completions, api::reports::certificates,
        api::reports::certificates_zip,
        api::certificates::lookup, api::certificates::keys, api::certificates::status_list,
        api::certificates::pdf, api::certificates::badge, api::certificates::lookup_by_number,
        api::assignments::create, api::assignments::list, api::assignments::show,
        api::assignments::withdraw, api::assignments::mine, api::assignments::report,
        api::assignments::preferences,
        api::paths::list, api::paths::show, api::paths::enroll, api::paths::upload,
        openapi_json,
        api::events::create_partner, api::events::partners, api::events::create,
        api::events::list, api::events::show, api::events::calendar, api::events::register,
        api::events::cancel, api::events::registrations, api::events::attendance,
        api::events::check_in,
    ),
    tags(
        (name = "auth", description = "Signing in and out"),
        (name = "me", description = "The signed-in person"),
        (name = "learning", description = "Courses, lessons, enrolment"),
        (name = "quizzes", description = "Quiz attempts"),
        (name = "teaching", description = "Publishing and grading, for a course's authors"),
        (name = "organisation", description = "Units and people, for admins and managers"),
        (name = "reports", description = "Managers' reports, scoped to their units"),
        (name = "certificates", description = "Public verification"),
        (name = "operations", description = "Health and the description itself"),
        (name = "events", description = "Seminars, workshops, classroom training, partner institutions"),
        (name = "assignments", description = "Courses managers require of their people, by a due date"),
    )
)]
pub struct ApiDoc;

/// The description, built once.
/// The description, and Swagger UI from the binary.
pub fn routes(r: &mut Routes) {
    r.get("/api/v1/openapi.json", openapi_json);
    r.get("/api/docs", docs_root);
    r.scope("/api/docs", |s| {
        s.get("/{file:.*}", docs);
    });
}

pub fn description() -> &'static utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(ApiDoc::openapi)
}

/// This API as OpenAPI 3.1.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations",
    responses((status = 200, content_type = "application/json", body = Object)))]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .json(description())
}

/// Swagger UI's files, from the binary, reading `/api/v1/openapi.json`.
pub async fn docs(path: web::Path<String>) -> Result<HttpResponse, crate::error::ApiError> {
    static CONFIG: OnceLock<Arc<utoipa_swagger_ui::Config<'static>>> = OnceLock::new();
    let config = CONFIG
        .get_or_init(|| Arc::new(utoipa_swagger_ui::Config::from("/api/v1/openapi.json")))
        .clone();
    match utoipa_swagger_ui::serve(&path, config) {
        Ok(Some(file)) => {
            let mut res = HttpResponse::Ok();
            res.content_type(file.content_type)
                .insert_header((header::CACHE_CONTROL, "public, max-age=86400"));
            if file.gzpipped {
                res.insert_header((header::CONTENT_ENCODING, "gzip"));
            }
            Ok(res.body(file.bytes.to_vec()))
        }
        _ => Err(crate::error::ApiError::new(
            lentera_domain::ErrorCode::NotFound,
            "No such file of the API's documentation",
        )),
    }
}

/// `/api/docs` without the slash: Swagger UI's relative links need it.
pub async fn docs_root() -> HttpResponse {
    crate::respond::redirect("/api/docs/")
}
