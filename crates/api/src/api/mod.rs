//! The JSON API under `/api/v1`: one small handler per endpoint.

pub(crate) mod account;
pub(crate) mod admin;
pub(crate) mod assignments;
pub(crate) mod attempts;
pub(crate) mod auth;
pub(crate) mod certificates;
pub(crate) mod courses;
pub(crate) mod events;
pub(crate) mod instructor;
pub(crate) mod me;
pub(crate) mod paths;
pub(crate) mod reports;

use crate::routing::Routes;

/// Routes with a dynamic prefix are grouped in scopes, so matching a request (done with a
/// regular expression per dynamic pattern, and again for the log's route name) tries a
/// handful of patterns instead of every one; the most requested come first.
pub fn routes(r: &mut Routes) {
    r.scope("/certificates", |s| {
        s.get("/{code}.pdf", certificates::pdf);
    });
    r.scope("/api/v1/courses/{slug}", |s| {
        s.get("", courses::outline);
        s.get("/lessons/{lesson}", courses::lesson);
        s.post("/lessons/{lesson}/complete", courses::complete_lesson);
        s.post("/quizzes/{quiz}/attempts", attempts::start);
        s.get("/quizzes/{quiz}", attempts::quiz);
        s.post("/enrollment", courses::enroll);
        s.get("/quizzes/{quiz}/key", attempts::key);
        s.get("/quizzes/{quiz}/export", attempts::export);
        s.get("/quizzes/{quiz}/statistics", attempts::statistics);
        s.get("/versions", instructor::versions);
        s.post("/publish", instructor::publish);
        s.post("/unpublish", instructor::unpublish);
        s.post("/rollback", instructor::rollback);
        s.get("/enrollments", instructor::enrollments);
        s.post("/editors", instructor::add_editor);
        s.get("/lessons/{lesson}/source", instructor::lesson_source);
        s.put("/lessons/{lesson}/source", instructor::edit_lesson);
    });
    r.scope("/api/v1/attempts/{id}", |s| {
        s.get("", attempts::show);
        s.put("/responses", attempts::save);
        s.post("/submit", attempts::submit);
    });
    r.scope("/api/v1/events", |s| {
        s.get("", events::list);
        s.post("", events::create);
        s.get("/{id}.ics", events::calendar);
        s.get("/{id}", events::show);
        s.post("/{id}/registration", events::register);
        s.delete("/{id}/registration", events::cancel);
        s.get("/{id}/registrations", events::registrations);
        s.post("/{id}/attendance", events::attendance);
        s.post("/{id}/check-in", events::check_in);
    });
    r.scope("/api/v1/partners", |s| {
        s.get("", events::partners);
        s.post("", events::create_partner);
    });
    r.scope("/api/v1", |s| {
        s.post("/auth/login", auth::login);
        s.post("/auth/logout", auth::logout);
        s.get("/me", me::me);
        s.put("/me/password", auth::change_password);
        s.get("/me/progress", me::progress);
        s.get("/me/certificates", me::certificates);
        s.get("/me/certificates.zip", me::certificates_zip);
        s.get("/me/jp", me::jp);
        s.get("/courses", courses::list);
        s.post("/courses", instructor::upload);
        s.get("/instructor/courses", instructor::mine);
        s.post("/preview", instructor::preview);
        s.get("/grading", attempts::grading_queue);
        s.get("/grading/{id}", attempts::grading_show);
        s.post("/grading/{id}", attempts::grading_submit);
        s.get("/units", admin::units);
        s.post("/units", admin::create_unit);
        s.put("/units/{code}", admin::update_unit);
        s.get("/units/{code}/instansi", admin::instansi);
        s.put("/units/{code}/instansi", admin::set_instansi);
        s.get("/units/{code}/instansi/logo", admin::instansi_logo);
        s.put("/units/{code}/instansi/logo", admin::set_instansi_logo);
        s.delete("/units/{code}/instansi/logo", admin::remove_instansi_logo);
        s.get("/users", admin::users);
        s.post("/users", admin::create_user);
        s.post("/users/import", admin::import_users);
        s.put("/users/{username}", admin::update_user);
        s.post("/users/{username}/jp", admin::add_jp);
        s.post("/users/{username}/password-reset", account::reset_password);
        s.get("/mail/outbox", account::outbox);
        s.get("/xapi/outbox", account::xapi_outbox);
        s.get("/reports/jp", reports::jp);
        s.get("/reports/completions", reports::completions);
        s.get("/reports/certificates", reports::certificates);
        s.get("/reports/certificates.zip", reports::certificates_zip);
        s.get("/certificates/keys", certificates::keys);
        s.get("/certificates/status/{list}", certificates::status_list);
        s.post("/certificates/{code}/revoke", admin::revoke);
        s.get("/certificates/{code}/badge", certificates::badge);
        s.get("/certificates/lookup", certificates::lookup_by_number);
        s.get("/certificates/{code}", certificates::lookup);
        s.get("/me/assignments", assignments::mine);
        s.get("/assignments", assignments::list);
        s.post("/assignments", assignments::create);
        s.get("/assignments/{id}", assignments::show);
        s.delete("/assignments/{id}", assignments::withdraw);
        s.get("/reports/assignments", assignments::report);
        s.put("/me/preferences", assignments::preferences);
        s.get("/paths", paths::list);
        s.post("/paths", paths::upload);
        s.get("/paths/{slug}", paths::show);
        s.post("/paths/{slug}/courses/{course}/enrollment", paths::enroll);
    });
}
