//! sea-orm entities, one module per table. They never leave this crate.

pub mod attempt_response;
pub mod audit_entry;
pub mod certificate;
pub mod completion;
pub mod course;
pub mod course_editor;
pub mod course_file;
pub mod course_version;
pub mod enrollment;
pub mod event;
pub mod event_registration;
pub mod instansi_settings;
pub mod jp_entry;
pub mod learning_path;
pub mod learning_path_course;
pub mod lesson_progress;
pub mod mail_outbox;
pub mod manual_grade;
pub mod partner;
pub mod password_reset;
pub mod quiz_attempt;
pub mod session;
pub mod unit;
pub mod user;
pub mod user_role;
pub mod xapi_outbox;
