//! Black-box tests: the real server on a random port, a fresh database per test, driven
//! over HTTP (and through a real headless Chromium in `browser`).

mod account;
mod api;
mod assignments;
mod authz;
mod backup;
mod badges;
mod browser;
mod errors;
mod events;
mod hostile;
mod interchange;
mod learner;
mod migrations;
mod openapi;
mod org;
mod pages;
mod paths;
mod phone;
mod publish;
mod quiz_rules;
mod security;
mod staff;
mod ui;
mod world;
mod xapi;
