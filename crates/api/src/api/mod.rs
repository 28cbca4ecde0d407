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

/// Routes with a dynamic prefix are grouped in scopes, so matching a request (done with a
/// regular expression per dynamic pattern, and again for the log's route name) tries a
/// handful of patterns instead of every one; the most requested come first.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::scope("/certificates").route("/{code}.pdf", web::get().to(certificates::pdf)));
    cfg.service(
        web::scope("/api/v1")
            .service(
                web::scope("/courses/{slug}")
                    .route("", web::get().to(courses::outline))
                    .route("/lessons/{lesson}", web::get().to(courses::lesson))
                    .route(
                        "/lessons/{lesson}/complete",
                        web::post().to(courses::complete_lesson),
                    )
                    .route("/quizzes/{quiz}/attempts", web::post().to(attempts::start))
                    .route("/quizzes/{quiz}", web::get().to(attempts::quiz))
                    .route("/enrollment", web::post().to(courses::enroll))
                    .route("/quizzes/{quiz}/key", web::get().to(attempts::key))
                    .route(
                        "/quizzes/{quiz}/statistics",
                        web::get().to(attempts::statistics),
                    )
                    .route("/versions", web::get().to(instructor::versions))
                    .route("/publish", web::post().to(instructor::publish))
                    .route("/unpublish", web::post().to(instructor::unpublish))
                    .route("/rollback", web::post().to(instructor::rollback))
                    .route("/enrollments", web::get().to(instructor::enrollments))
                    .route("/editors", web::post().to(instructor::add_editor))
                    .route(
                        "/lessons/{lesson}/source",
                        web::get().to(instructor::lesson_source),
                    )
                    .route(
                        "/lessons/{lesson}/source",
                        web::put().to(instructor::edit_lesson),
                    ),
            )
            .service(
                web::scope("/attempts/{id}")
                    .route("", web::get().to(attempts::show))
                    .route("/responses", web::put().to(attempts::save))
                    .route("/submit", web::post().to(attempts::submit)),
            )
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
            .route("/grading", web::get().to(attempts::grading_queue))
            .route("/grading/{id}", web::get().to(attempts::grading_show))
            .route("/grading/{id}", web::post().to(attempts::grading_submit))
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
            .route(
                "/reports/certificates.zip",
                web::get().to(reports::certificates_zip),
            )
            .route("/certificates/keys", web::get().to(certificates::keys))
            .route("/certificates/{code}/revoke", web::post().to(admin::revoke))
            .route(
                "/certificates/{code}/badge",
                web::get().to(certificates::badge),
            )
            .route("/certificates/{code}", web::get().to(certificates::lookup)),
    );
}
