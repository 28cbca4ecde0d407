//! Server-rendered pages: the learner's journey without JavaScript, in Bahasa Indonesia
//! by default and English on request.
//!
//! Every form carries a CSRF token (double-submit: a random cookie and the same value in
//! a hidden field, compared in constant time), and state changes happen only on POST.
//! [`page`] holds what every page knows and how it renders, [`forms`] the form helpers,
//! [`errors`] the one error handler; the rest are the pages by subject.

mod account;
mod admin;
mod assignments;
mod errors;
mod events;
pub(crate) mod forms;
mod grading;
mod learn;
pub(crate) mod page;
mod paths;
mod quiz;
mod reports;
mod teach;

pub use errors::render_errors;

use crate::routing::Routes;

pub const LANG_COOKIE: &str = "lentera_lang";

/// The course and attempt pages are scopes, first: a request then tries a few patterns
/// (each a regular expression) instead of all of them.
pub fn routes(r: &mut Routes) {
    r.scope("/kursus/{slug}", |s| {
        s.get("", learn::course);
        s.get("/materi/{lesson}", learn::lesson);
        s.post("/materi/{lesson}/selesai", learn::complete_lesson);
        s.post("/daftar", learn::enroll);
        s.get("/aset/{file:.+}", learn::asset);
        s.get("/kuis/{quiz}", quiz::intro);
        s.post("/kuis/{quiz}/mulai", quiz::start);
    });
    r.scope("/percobaan/{id}", |s| {
        s.get("", quiz::show);
        s.post("", quiz::answer);
        s.get("/hasil", quiz::result);
    });
    r.get("/", learn::home);
    r.get("/masuk", learn::login_form);
    r.post("/masuk", learn::login_submit);
    r.post("/keluar", learn::logout);
    r.post("/bahasa/{lang}", learn::switch_language);
    r.get("/katalog", learn::catalog);
    r.get("/sertifikat", learn::certificates);
    r.get("/verifikasi", learn::verify_form);
    r.get("/verifikasi/{code}", learn::verify);
    r.get(account::CHANGE_PATH, account::change_form);
    r.post(account::CHANGE_PATH, account::change_submit);
    r.get("/lupa-sandi", account::forgot_form);
    r.post("/lupa-sandi", account::forgot_submit);
    r.get(lentera_domain::account::RESET_PATH, account::reset_form);
    r.post(lentera_domain::account::RESET_PATH, account::reset_submit);
    r.post("/admin/pengguna/{username}/sandi", account::admin_reset);
    r.get("/admin", admin::home);
    r.get("/admin/pengguna-baru", admin::new_user);
    r.get("/admin/impor", admin::import_page);
    r.get("/admin/unit", admin::units);
    r.get("/admin/cabut", admin::revoke_page);
    r.get("/admin/audit", admin::audit);
    r.get("/admin/instansi/{code}", admin::instansi_page);
    r.post("/admin/instansi/{code}", admin::set_instansi);
    r.get("/admin/instansi/{code}/logo", admin::instansi_logo);
    r.post("/admin/instansi/{code}/logo", admin::set_instansi_logo);
    r.post(
        "/admin/instansi/{code}/logo/hapus",
        admin::remove_instansi_logo,
    );
    r.post("/admin/unit", admin::create_unit);
    r.post("/admin/pengguna", admin::create_user);
    r.post("/admin/impor", admin::import);
    r.post("/admin/cabut", admin::revoke);
    r.get("/admin/pengguna/{username}", admin::user_page);
    r.post("/admin/pengguna/{username}", admin::update_user);
    r.post("/admin/pengguna/{username}/jp", admin::add_jp);
    r.get("/laporan", reports::page);
    r.get("/laporan/unduh", reports::download);
    r.get("/laporan/sertifikat.zip", reports::certificates_zip);
    r.get("/sertifikat/semua.zip", learn::certificates_zip);
    r.get("/pengajar", teach::home);
    r.get("/pengajar/penilaian", grading::queue);
    r.get("/pengajar/penilaian/{id}", grading::form);
    r.post("/pengajar/penilaian/{id}", grading::submit);
    r.get(
        "/pengajar/kursus/{slug}/kuis/{quiz}/statistik",
        grading::statistics,
    );
    r.post("/pengajar/unggah", teach::upload);
    r.get("/pengajar/kursus/{slug}", teach::course);
    r.get("/pengajar/kursus/{slug}/pratinjau", teach::preview);
    r.get(
        "/pengajar/kursus/{slug}/pratinjau/materi/{lesson}",
        teach::preview_lesson,
    );
    r.get(
        "/pengajar/kursus/{slug}/pratinjau/kuis/{quiz}",
        teach::preview_quiz,
    );
    r.get(
        "/pengajar/kursus/{slug}/materi/{lesson}",
        teach::edit_lesson,
    );
    r.post(
        "/pengajar/kursus/{slug}/materi/{lesson}",
        teach::save_lesson,
    );
    r.post("/pengajar/kursus/{slug}/{action}", teach::action);
    r.get("/acara", events::list);
    r.get("/acara/baru", events::new_form);
    r.post("/acara/baru", events::create);
    r.scope("/acara/{id}", |s| {
        s.get("", events::show);
        s.post("/daftar", events::register);
        s.post("/batal", events::cancel);
        s.post("/presensi", events::check_in);
        s.get("/kelola", events::manage);
        s.post("/kelola", events::attendance);
    });
    r.get("/admin/mitra", events::partners_page);
    r.post("/admin/mitra", events::create_partner);
    r.get("/laporan/penugasan", assignments::page);
    r.post("/laporan/penugasan", assignments::create);
    r.get("/laporan/penugasan/unduh", assignments::download);
    r.post("/laporan/penugasan/{id}/tarik", assignments::withdraw);
    r.get("/akun/pengingat", assignments::reminders_page);
    r.post("/akun/pengingat", assignments::reminders_save);
    r.get("/jalur", paths::list);
    r.get("/jalur/{slug}", paths::show);
    r.post("/jalur/{slug}/kursus/{course}/daftar", paths::enroll);
}
