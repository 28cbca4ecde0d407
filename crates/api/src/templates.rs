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
    "teach_preview.html",
    "teach_lesson.html",
    "grading.html",
    "grade.html",
    "statistics.html",
    "admin.html",
    "admin_menu.html",
    "admin_new_user.html",
    "admin_import.html",
    "admin_units.html",
    "admin_revoke.html",
    "admin_audit.html",
    "admin_instansi.html",
    "admin_user.html",
    "reports.html",
    "account_password.html",
    "account_forgot.html",
    "account_reset.html",
    "account_admin_reset.html",
    "error.html",
    "events.html",
    "events_show.html",
    "events_manage.html",
    "events_partners.html",
    "events_new.html",
    "assignments.html",
    "account_reminders.html",
    "paths.html",
    "path.html",
];

pub struct Templates {
    env: Environment<'static>,
}

/// The language of the page being rendered (`lang` is in every page's context).
fn page_lang(state: &State) -> Lang {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::parse))
        .unwrap_or(Lang::Id)
}

/// A number given as a number or as the text of one (`"70.0"`, as handlers round), with
/// the decimals it was written with (`None` for a float: as many as it needs, up to 2).
fn numeric(value: &Value) -> Option<(f64, Option<usize>)> {
    if let Some(text) = value.as_str() {
        let text = text.trim();
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = whole.strip_prefix('-').unwrap_or(whole);
        let plain = !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && fraction.bytes().all(|b| b.is_ascii_digit())
            && !text.ends_with('.');
        return plain
            .then(|| text.parse::<f64>().ok())
            .flatten()
            .map(|n| (n, Some(fraction.len())));
    }
    if !value.is_number() {
        return None;
    }
    if let Some(n) = value.as_i64() {
        return Some((n as f64, Some(0)));
    }
    f64::try_from(value.clone())
        .ok()
        .filter(|n| n.is_finite())
        .map(|n| (n, None))
}

/// `value` with the page language's thousands and decimal separators (`1.234,5` or
/// `1,234.5`); `decimals` fixes the digits after the separator. Anything that is not a
/// number (`"—"`, none) is shown as it is.
fn number(lang: Lang, value: &Value, decimals: Option<usize>) -> String {
    let Some((n, written)) = numeric(value) else {
        return if value.is_none() || value.is_undefined() {
            String::new()
        } else {
            value.to_string()
        };
    };
    let text = match decimals.or(written) {
        Some(d) => format!("{:.*}", d.min(6), n.abs()),
        None => {
            let t = format!("{:.2}", n.abs());
            t.trim_end_matches('0').trim_end_matches('.').to_owned()
        }
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let (group, point) = match lang {
        Lang::Id => ('.', ','),
        Lang::En => (',', '.'),
    };
    let mut out = String::with_capacity(text.len() + 4);
    if n < 0.0 && text.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        out.push('-');
    }
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(group);
        }
        out.push(digit);
    }
    if !fraction.is_empty() {
        out.push(point);
        out.push_str(fraction);
    }
    out
}

/// A percentage: the number and `%`, written together in both languages (as PUEBI and
/// CLDR write it: `70,0%`, `70.0%`).
fn percent(lang: Lang, value: &Value, decimals: Option<usize>) -> String {
    let shown = number(lang, value, decimals);
    if numeric(value).is_some() {
        format!("{shown}%")
    } else {
        shown
    }
}

/// A date, and maybe a time and its zone, as the handlers write them: `30-11-2026`,
/// `2026-11-30`, `30-11-2026 14:05 WIB`, or RFC 3339 (`2026-11-30T07:05:00Z`, shown in
/// WIB).
fn parse_when(text: &str) -> Option<(chrono::NaiveDate, Option<chrono::NaiveTime>, String)> {
    use chrono::{NaiveDate, NaiveTime};
    let text = text.trim();
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(text) {
        let wib = at.naive_utc() + chrono::Duration::hours(7);
        return Some((wib.date(), Some(wib.time()), "WIB".to_owned()));
    }
    let mut parts = text.split_whitespace();
    let day = parts.next()?;
    let date = NaiveDate::parse_from_str(day, "%d-%m-%Y")
        .or_else(|_| NaiveDate::parse_from_str(day, "%Y-%m-%d"))
        .ok()?;
    let time = match parts.next() {
        Some(t) => Some(
            NaiveTime::parse_from_str(t, "%H:%M")
                .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M:%S"))
                .ok()?,
        ),
        None => None,
    };
    let zone = parts.next().unwrap_or_default();
    if parts.next().is_some() || zone.len() > 5 || !zone.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    Some((date, time, zone.to_owned()))
}

/// `30 November 2026` / `November 30, 2026`, with the time when `with_time` and there is
/// one: `30 November 2026 pukul 14.05 WIB` / `November 30, 2026, 2:05 PM WIB`. Text that
/// is no date is shown as it is.
fn when(lang: Lang, value: &Value, with_time: bool) -> String {
    use chrono::Timelike;
    let Some(text) = value.as_str() else {
        return if value.is_none() || value.is_undefined() {
            String::new()
        } else {
            value.to_string()
        };
    };
    let Some((date, time, zone)) = parse_when(text) else {
        return text.to_owned();
    };
    let mut out = match lang {
        Lang::Id => lentera_certificate::tanggal_indonesia(date),
        Lang::En => date.format("%B %-d, %Y").to_string(),
    };
    if let (true, Some(t)) = (with_time, time) {
        match lang {
            Lang::Id => out.push_str(&format!(" pukul {:02}.{:02}", t.hour(), t.minute())),
            Lang::En => {
                let (pm, hour) = t.hour12();
                let half = if pm { "PM" } else { "AM" };
                out.push_str(&format!(", {hour}:{:02} {half}", t.minute()));
            }
        }
        if !zone.is_empty() {
            out.push(' ');
            out.push_str(&zone);
        }
    }
    out
}

impl Templates {
    pub fn new(locales: Arc<Locales>) -> anyhow::Result<Templates> {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            env.add_template(name, source)?;
        }
        // `t("key")` looks the string up in the language of the page being rendered.
        env.add_function("t", move |state: &State, key: String| -> String {
            locales.get(page_lang(state), &key).to_owned()
        });
        // Numbers and dates as the page's language writes them: `70,0%` and
        // `30 November 2026` in Indonesian, `70.0%` and `November 30, 2026` in English.
        env.add_filter(
            "number",
            |state: &State, value: Value, decimals: Option<usize>| {
                number(page_lang(state), &value, decimals)
            },
        );
        env.add_filter(
            "percent",
            |state: &State, value: Value, decimals: Option<usize>| {
                percent(page_lang(state), &value, decimals)
            },
        );
        env.add_filter("date", |state: &State, value: Value| {
            when(page_lang(state), &value, false)
        });
        env.add_filter("datetime", |state: &State, value: Value| {
            when(page_lang(state), &value, true)
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

#[cfg(test)]
mod tests {
    use super::{Lang, number, percent, when};
    use minijinja::Value;

    #[test]
    fn numbers_are_written_as_each_language_writes_them() {
        let n = |lang, v: Value, d| number(lang, &v, d);
        assert_eq!(n(Lang::Id, Value::from("70.0"), None), "70,0");
        assert_eq!(n(Lang::En, Value::from("70.0"), None), "70.0");
        assert_eq!(n(Lang::Id, Value::from(1_234_567), None), "1.234.567");
        assert_eq!(n(Lang::En, Value::from(1_234_567), None), "1,234,567");
        assert_eq!(n(Lang::Id, Value::from(4.5), None), "4,5");
        assert_eq!(n(Lang::Id, Value::from(2.0), None), "2");
        assert_eq!(n(Lang::Id, Value::from(1.0 / 3.0), None), "0,33");
        assert_eq!(n(Lang::Id, Value::from(-1234.5), Some(2)), "-1.234,50");
        assert_eq!(n(Lang::En, Value::from("3.50"), None), "3.50");
        assert_eq!(n(Lang::Id, Value::from(-0.001), Some(1)), "0,0");
        assert_eq!(n(Lang::Id, Value::from(999), None), "999");
        assert_eq!(n(Lang::Id, Value::from("—"), None), "—");
        assert_eq!(n(Lang::Id, Value::from("12a"), None), "12a");
        assert_eq!(n(Lang::Id, Value::from(()), None), "");
        assert_eq!(percent(Lang::Id, &Value::from("70.0"), None), "70,0%");
        assert_eq!(percent(Lang::En, &Value::from(70.0), Some(1)), "70.0%");
        assert_eq!(percent(Lang::Id, &Value::from(100), None), "100%");
        assert_eq!(percent(Lang::Id, &Value::from("—"), None), "—");
    }

    #[test]
    fn dates_are_written_as_each_language_writes_them() {
        let d = |lang, v: &str, t| when(lang, &Value::from(v), t);
        assert_eq!(d(Lang::Id, "30-11-2026", false), "30 November 2026");
        assert_eq!(d(Lang::En, "30-11-2026", false), "November 30, 2026");
        assert_eq!(d(Lang::Id, "2026-08-17", false), "17 Agustus 2026");
        assert_eq!(d(Lang::En, "2026-08-07", false), "August 7, 2026");
        assert_eq!(
            d(Lang::Id, "01-02-2026 14:05 WIB", true),
            "1 Februari 2026 pukul 14.05 WIB"
        );
        assert_eq!(
            d(Lang::En, "01-02-2026 14:05 WIB", true),
            "February 1, 2026, 2:05 PM WIB"
        );
        assert_eq!(
            d(Lang::Id, "01-02-2026 14:05 WIB", false),
            "1 Februari 2026"
        );
        assert_eq!(
            d(Lang::En, "01-02-2026 00:30", true),
            "February 1, 2026, 12:30 AM"
        );
        assert_eq!(
            d(Lang::Id, "2026-11-30T20:00:00Z", true),
            "1 Desember 2026 pukul 03.00 WIB"
        );
        assert_eq!(d(Lang::Id, "kemarin", false), "kemarin");
        assert_eq!(when(Lang::Id, &Value::from(()), false), "");
    }
}
