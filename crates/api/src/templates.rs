//! The minijinja environment with every template of `web/templates`, built once.
//! Templates are embedded in the binary so the server runs from any directory.

use std::sync::Arc;

use minijinja::{Environment, State, Value};
use serde::Serialize;

use crate::i18n::{Lang, Locales};

macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../../web/templates/", $name)))),*]
    };
}

const TEMPLATES: &[(&str, &str)] = templates![
    "base.html",
    "login.html",
    "home.html",
    "catalog.html",
    "course.html",
    "lesson.html",
    "quiz.html",
    "attempt.html",
    "result.html",
    "certificates.html",
    "verify.html",
    "teach.html",
    "teach_course.html",
    "teach_lesson.html",
    "grading.html",
    "grade.html",
    "statistics.html",
    "admin.html",
    "admin_user.html",
    "reports.html",
];

pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    pub fn new(locales: Arc<Locales>) -> anyhow::Result<Templates> {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            env.add_template(name, source)?;
        }
        // `t("key")` looks the string up in the language of the page being rendered.
        env.add_function("t", move |state: &State, key: String| -> String {
            let lang = state
                .lookup("lang")
                .and_then(|v| v.as_str().and_then(Lang::parse))
                .unwrap_or(Lang::Id);
            locales.get(lang, &key).to_owned()
        });
        Ok(Templates { env })
    }

    pub fn render<S: Serialize>(&self, name: &str, ctx: S) -> lentera_domain::Result<String> {
        let template = self
            .env
            .get_template(name)
            .map_err(lentera_domain::Error::internal)?;
        template
            .render(Value::from(minijinja::value::Serde(&ctx)))
            .map_err(lentera_domain::Error::internal)
    }
}
