//! sea-orm entities, one module per table. They never leave this crate.

pub mod unit;
pub mod user;
pub mod user_role;
pub mod session;
pub mod course;
pub mod course_version;
pub mod course_asset;
pub mod enrollment;
pub mod lesson_progress;
pub mod quiz_attempt;
pub mod attempt_response;
pub mod completion;
pub mod certificate;
pub mod audit_entry;
