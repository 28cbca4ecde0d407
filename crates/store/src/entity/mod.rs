//! sea-orm entities, one module per table. They never leave this crate.

pub mod assignment;
pub mod assignment_user;
pub mod attempt_response;
pub mod audit_entry;
pub mod certificate;
pub mod completion;
pub mod course;
pub mod course_editor;
pub mod course_file;
pub mod course_version;
pub mod enrollment;
pub mod instansi_settings;
pub mod jp_entry;
pub mod lesson_progress;
pub mod mail_outbox;
pub mod manual_grade;
pub mod password_reset;
pub mod quiz_attempt;
pub mod reminder_opt_out;
pub mod reminder_sent;
pub mod session;
pub mod unit;
pub mod user;
pub mod user_role;
