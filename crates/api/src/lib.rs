//! lentera-api: Lentera over HTTP (the JSON API and the pages) and the `lentera` command
//! line. HTTP only: a handler parses the request, calls one operation of `lentera-domain`,
//! and renders what comes back. It never speaks to the database (this crate does not
//! depend on `lentera-store`).

pub mod api;
pub mod auth;
pub mod cli;
pub mod client;
pub mod cookies;
pub mod error;
pub mod extract;
pub mod i18n;
pub mod metrics;
pub mod multipart;
pub mod openapi;
pub mod pages;
pub mod respond;
pub mod routing;
pub mod startup;
pub mod state;
pub mod templates;
pub mod web_ops;

pub use lentera_domain::Config;
pub use startup::Application;
