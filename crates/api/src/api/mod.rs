//! The JSON API under `/api/v1`: one small handler per endpoint.

pub mod admin;
mod attempts;
mod auth;
mod certificates;
mod courses;
mod instructor;
mod me;
mod reports;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/certificates/{code}.pdf", web::get().to(certificates::pdf));
    cfg.service(
        web::scope("/api/v1")
            .route("/auth/login", web::post().to(auth::login))
            .route("/auth/logout", web::post().to(auth::logout))
            .route("/me", web::get().to(me::me))
            .route("/me/password", web::put().to(auth::change_password))
            .route("/me/progress", web::get().to(me::progress))
            .route("/me/certificates", web::get().to(me::certificates))
            .route("/me/certificates.zip", web::get().to(me::certificates_zip))
            .route("/me/jp", web::get().to(me::jp))
            .route("/courses", web::get().to(courses::list))
            .route("/courses", web::post().to(instructor::upload))
            .route("/instructor/courses", web::get().to(instructor::mine))
            .route("/preview", web::post().to(instructor::preview))
            .route(
                "/courses/{slug}/versions",
                web::get().to(instructor::versions),
            )
            .route(
                "/courses/{slug}/publish",
                web::post().to(instructor::publish),
            )
            .route(
                "/courses/{slug}/unpublish",
                web::post().to(instructor::unpublish),
            )
            .route(
                "/courses/{slug}/rollback",
                web::post().to(instructor::rollback),
            )
            .route(
                "/courses/{slug}/enrollments",
                web::get().to(instructor::enrollments),
            )
            .route(
                "/courses/{slug}/editors",
                web::post().to(instructor::add_editor),
            )
            .route(
                "/courses/{slug}/lessons/{lesson}/source",
                web::get().to(instructor::lesson_source),
            )
            .route(
                "/courses/{slug}/lessons/{lesson}/source",
                web::put().to(instructor::edit_lesson),
            )
            .route("/courses/{slug}", web::get().to(courses::outline))
            .route(
                "/courses/{slug}/enrollment",
                web::post().to(courses::enroll),
            )
            .route(
                "/courses/{slug}/lessons/{lesson}",
                web::get().to(courses::lesson),
            )
            .route(
                "/courses/{slug}/lessons/{lesson}/complete",
                web::post().to(courses::complete_lesson),
            )
            .route(
                "/courses/{slug}/quizzes/{quiz}/attempts",
                web::post().to(attempts::start),
            )
            .route(
                "/courses/{slug}/quizzes/{quiz}/key",
                web::get().to(attempts::key),
            )
            .route(
                "/courses/{slug}/quizzes/{quiz}",
                web::get().to(attempts::quiz),
            )
            .route(
                "/courses/{slug}/quizzes/{quiz}/statistics",
                web::get().to(attempts::statistics),
            )
            .route("/grading", web::get().to(attempts::grading_queue))
            .route("/grading/{id}", web::get().to(attempts::grading_show))
            .route("/grading/{id}", web::post().to(attempts::grading_submit))
            .route("/attempts/{id}", web::get().to(attempts::show))
            .route("/attempts/{id}/responses", web::put().to(attempts::save))
            .route("/attempts/{id}/submit", web::post().to(attempts::submit))
            .route("/units", web::get().to(admin::units))
            .route("/units", web::post().to(admin::create_unit))
            .route("/units/{code}", web::put().to(admin::update_unit))
            .route("/users", web::get().to(admin::users))
            .route("/users", web::post().to(admin::create_user))
            .route("/users/import", web::post().to(admin::import_users))
            .route("/users/{username}", web::put().to(admin::update_user))
            .route("/users/{username}/jp", web::post().to(admin::add_jp))
            .route("/reports/jp", web::get().to(reports::jp))
            .route("/reports/completions", web::get().to(reports::completions))
            .route(
                "/reports/certificates",
                web::get().to(reports::certificates),
            )
            .route("/certificates/{code}/revoke", web::post().to(admin::revoke))
            .route(
                "/reports/certificates.zip",
                web::get().to(reports::certificates_zip),
            )
            .route(
                "/certificates/{code}/badge",
                web::get().to(certificates::badge),
            )
            .route("/certificates/keys", web::get().to(certificates::keys))
            .route("/certificates/{code}", web::get().to(certificates::lookup)),
    );
}
