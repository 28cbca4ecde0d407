//! lentera-api: Lentera over HTTP (the JSON API and the pages) and the `lentera` command
//! line. HTTP only: a handler parses the request, calls one operation of `lentera-domain`,
//! and renders what comes back. It never speaks to the database (this crate does not
//! depend on `lentera-store`).

pub(crate) mod api;
pub(crate) mod auth;
pub mod cli;
pub(crate) mod client;
pub(crate) mod cookies;
pub(crate) mod error;
pub(crate) mod extract;
pub(crate) mod i18n;
pub(crate) mod metrics;
pub(crate) mod multipart;
pub mod openapi;
pub(crate) mod pages;
pub(crate) mod respond;
pub(crate) mod routing;
pub(crate) mod shared_pages;
pub mod startup;
pub(crate) mod state;
pub(crate) mod templates;
pub(crate) mod web_ops;

pub use lentera_domain::Config;
pub use startup::Application;
