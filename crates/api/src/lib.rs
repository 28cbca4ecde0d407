//! lentera-api: the Lentera server (JSON API and pages), its configuration, and the
//! `lentera` command line.
//!
//! A request flows: actix route -> extractor (auth, JSON/form parsing) -> handler in
//! `api/` or `pages/` -> domain operation in `journey` -> queries in `lentera-store`.

pub mod api;
pub mod auth;
pub mod cache;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod cookies;
pub mod error;
pub mod extract;
pub mod heavy;
pub mod i18n;
pub mod importer;
pub mod journey;
pub mod limits;
pub mod login;
pub mod metrics;
pub mod nip;
pub mod org;
pub mod pages;
pub mod passwords;
pub mod policy;
pub mod publishing;
pub mod reports;
pub mod respond;
pub mod routing;
pub mod secrets;
pub mod seeding;
pub mod startup;
pub mod state;
pub mod templates;
pub mod text;
pub mod upload;
pub mod verify;
pub mod web_ops;

pub use config::Config;
pub use startup::Application;
