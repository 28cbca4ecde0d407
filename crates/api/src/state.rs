//! `AppState`: the domain's state and what only the HTTP layer needs (templates, strings,
//! shared pages, metrics), built once at start-up. It dereferences to the domain's
//! [`Lentera`], so handlers pass it to domain operations as is.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use lentera_domain::Lentera;

use crate::i18n::Locales;
use crate::metrics::Metrics;
use crate::templates::Templates;

pub struct AppState {
    pub lentera: Lentera,
    pub templates: Templates,
    pub locales: Arc<Locales>,
    /// Lesson pages rendered once per version, language and roles.
    pub shared_pages: crate::shared_pages::SharedPages,
    pub metrics: Metrics,
    /// False once the server is draining (after SIGTERM): `/readyz` answers 503 so the load
    /// balancer sends no more, while requests still being made are served.
    pub ready: AtomicBool,
}

impl AppState {
    pub fn new(lentera: Lentera) -> anyhow::Result<AppState> {
        let locales = Arc::new(Locales::load()?);
        Ok(AppState {
            templates: Templates::new(locales.clone())?,
            locales,
            shared_pages: crate::shared_pages::SharedPages::default(),
            metrics: Metrics::new()?,
            ready: AtomicBool::new(true),
            lentera,
        })
    }
}

impl std::ops::Deref for AppState {
    type Target = Lentera;

    fn deref(&self) -> &Lentera {
        &self.lentera
    }
}
