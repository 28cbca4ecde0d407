//! Configuration from the environment (the CLI flags mirror it).

use std::net::IpAddr;
use std::path::PathBuf;

use anyhow::{Context, bail};

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://PATH` (created if missing) or `postgres://...`.
    pub database_url: String,
    /// Address to listen on; port 0 picks a free port (tests).
    pub bind: String,
    /// Keys and other instance files.
    pub data_dir: PathBuf,
    /// The public base URL, for links and QR codes.
    pub public_url: String,
    /// The name that issues certificates (the regional government or agency).
    pub issuer: String,
    /// A fixed JWT secret for replicas behind a load balancer; else one is kept in data_dir.
    pub jwt_secret: Option<String>,
    /// A fixed certificate signing key (64 hex digits) for replicas; else one is kept in data_dir.
    pub signing_key: Option<String>,
    /// A fixed key for quiz option ids (64 hex digits) for replicas; else one is kept in data_dir.
    pub quiz_key: Option<String>,
    /// The bearer token `/metrics` asks for; without one, `/metrics` answers only on
    /// loopback.
    pub metrics_token: Option<String>,
    /// How long a sign-in lasts.
    pub session_hours: i64,
    /// Login attempts allowed per minute for one account, and for one client address.
    pub login_per_account_per_minute: u32,
    pub login_per_address_per_minute: u32,
    /// Public certificate look-ups (page, API, PDF, badge) per client address.
    pub verify_per_address_per_minute: u32,
    /// Actix worker threads; 0 = one per core.
    pub workers: usize,
    /// Reverse proxies in front of Lentera: for a request from one of these, the client's
    /// address is taken from `X-Forwarded-For` (for the rate limits and the audit log).
    pub trusted_proxies: Vec<IpAddr>,
    /// A read replica for reports (`LENTERA_REPORTS_DATABASE_URL`); the primary when unset.
    pub reports_database_url: Option<String>,
    /// After SIGTERM, how long `/readyz` says 503 while requests are still served, so the
    /// load balancer stops sending new ones before the server stops (`LENTERA_DRAIN_SECONDS`).
    pub drain_seconds: u32,
    /// E-mail: the SMTP server and sender, and how the outbox worker paces itself.
    pub mail: crate::mail::MailConfig,
    /// `LENTERA_JP_REMINDER_MONTH` (1-12, October unless set): the month in which everyone
    /// still short of 20 JP this year is reminded by e-mail.
    pub jp_reminder_month: u32,
    /// xAPI: the Learning Record Store (`LENTERA_XAPI_*`), and how the worker paces itself.
    pub xapi: crate::xapi::XapiConfig,
}

impl Config {
    /// Reads `DATABASE_URL`, `LENTERA_BIND`, `LENTERA_DATA_DIR`, `LENTERA_PUBLIC_URL`,
    /// `LENTERA_ISSUER`, `LENTERA_JWT_SECRET`, `LENTERA_SIGNING_KEY`, `LENTERA_WORKERS`,
    /// `LENTERA_LOGIN_PER_ACCOUNT`, `LENTERA_LOGIN_PER_ADDRESS`, `LENTERA_VERIFY_PER_ADDRESS`,
    /// `LENTERA_TRUSTED_PROXIES`, `LENTERA_SMTP_URL`, `LENTERA_MAIL_FROM` and `LENTERA_XAPI_*`. A value that
    /// cannot be read is an error naming it.
    pub fn from_env() -> anyhow::Result<Config> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// [`Config::from_env`] with the variables from `var`.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> anyhow::Result<Config> {
        let var = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let within = |name: &str, default: u32, min: u32, max: u32| -> anyhow::Result<u32> {
            match var(name) {
                None => Ok(default),
                Some(v) => match v.trim().parse::<u32>() {
                    Ok(n) if (min..=max).contains(&n) => Ok(n),
                    _ => bail!("{name}: expected a whole number from {min} to {max}, got '{v}'"),
                },
            }
        };
        let number = |name: &str, default: u32, max: u32| within(name, default, 1, max);
        let data_dir = PathBuf::from(var("LENTERA_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let bind = var("LENTERA_BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        let database_url = var("DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("lentera.db").display()));
        let public_url = var("LENTERA_PUBLIC_URL").unwrap_or_else(|| format!("http://{bind}"));
        let workers = match var("LENTERA_WORKERS") {
            None => 0,
            Some(_) => number("LENTERA_WORKERS", 1, 1024)? as usize,
        };
        let trusted_proxies = var("LENTERA_TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(|a| {
                a.parse::<IpAddr>()
                    .with_context(|| format!("LENTERA_TRUSTED_PROXIES: '{a}' is not an IP address"))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Config {
            database_url,
            bind,
            data_dir,
            public_url: public_url.trim_end_matches('/').to_owned(),
            issuer: var("LENTERA_ISSUER").unwrap_or_else(|| "Lentera".into()),
            jwt_secret: secret(&var, "LENTERA_JWT_SECRET")?,
            signing_key: hex_key(&var, "LENTERA_SIGNING_KEY")?,
            quiz_key: hex_key(&var, "LENTERA_QUIZ_KEY")?,
            metrics_token: secret(&var, "LENTERA_METRICS_TOKEN")?,
            session_hours: 12,
            login_per_account_per_minute: number("LENTERA_LOGIN_PER_ACCOUNT", 10, 100_000)?,
            login_per_address_per_minute: number("LENTERA_LOGIN_PER_ADDRESS", 60, 100_000)?,
            verify_per_address_per_minute: number("LENTERA_VERIFY_PER_ADDRESS", 30, 100_000)?,
            workers,
            trusted_proxies,
            reports_database_url: var("LENTERA_REPORTS_DATABASE_URL"),
            drain_seconds: within("LENTERA_DRAIN_SECONDS", 5, 0, 600)?,
            mail: crate::mail::MailConfig::from_vars(
                var("LENTERA_SMTP_URL"),
                var("LENTERA_MAIL_FROM"),
            )?,
            jp_reminder_month: within("LENTERA_JP_REMINDER_MONTH", 10, 1, 12)?,
            xapi: crate::xapi::XapiConfig::from_vars(var)?,
        })
    }
}

/// A text secret from `name`, checked ([`crate::secrets::check_text`]).
fn secret(var: &impl Fn(&str) -> Option<String>, name: &str) -> anyhow::Result<Option<String>> {
    var(name)
        .map(|v| crate::secrets::check_text(name, &v).map(|()| v))
        .transpose()
}

/// A 64-hex-digit key from `name`, checked ([`crate::secrets::check_hex_key`]).
fn hex_key(var: &impl Fn(&str) -> Option<String>, name: &str) -> anyhow::Result<Option<String>> {
    var(name)
        .map(|v| crate::secrets::check_hex_key(name, &v).map(|_| v.trim().to_owned()))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> anyhow::Result<Config> {
        Config::from_vars(|name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn defaults_and_overrides() -> anyhow::Result<()> {
        let c = config(&[])?;
        assert_eq!(
            (
                c.login_per_account_per_minute,
                c.login_per_address_per_minute,
                c.verify_per_address_per_minute,
                c.workers
            ),
            (10, 60, 30, 0)
        );
        assert!(c.trusted_proxies.is_empty());
        let c = config(&[
            ("LENTERA_LOGIN_PER_ADDRESS", " 600 "),
            ("LENTERA_TRUSTED_PROXIES", "10.0.0.2, ::1"),
            ("LENTERA_WORKERS", "4"),
        ])?;
        assert_eq!(c.login_per_address_per_minute, 600);
        assert_eq!(c.workers, 4);
        assert_eq!(
            c.trusted_proxies,
            vec!["10.0.0.2".parse::<IpAddr>()?, "::1".parse::<IpAddr>()?]
        );
        Ok(())
    }

    #[test]
    fn the_jp_reminder_month_is_october_unless_set_and_checked() -> anyhow::Result<()> {
        assert_eq!(config(&[])?.jp_reminder_month, 10);
        assert_eq!(
            config(&[("LENTERA_JP_REMINDER_MONTH", "9")])?.jp_reminder_month,
            9
        );
        for bad in ["0", "13", "oktober"] {
            let err = config(&[("LENTERA_JP_REMINDER_MONTH", bad)])
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(
                err.contains("LENTERA_JP_REMINDER_MONTH") && err.contains("1 to 12"),
                "{bad}: {err}"
            );
        }
        Ok(())
    }

    #[test]
    fn mail_is_off_without_a_server_and_its_password_never_shows() -> anyhow::Result<()> {
        assert!(config(&[])?.mail.smtp.is_none());
        // A sender without a server is no use, and a server without a sender is refused.
        assert!(config(&[("LENTERA_SMTP_URL", "smtp://127.0.0.1:2525")]).is_err());
        let c = config(&[
            (
                "LENTERA_SMTP_URL",
                "smtps://lentera:rahasia-smtp-99@mail.bungokab.go.id:465",
            ),
            (
                "LENTERA_MAIL_FROM",
                "Lentera Bungo <lentera@bungokab.go.id>",
            ),
        ])?;
        let smtp = c
            .mail
            .smtp
            .as_ref()
            .map(|s| s.to_string())
            .unwrap_or_default();
        assert_eq!(smtp, "smtps://lentera:***@mail.bungokab.go.id:465");
        let shown = format!("{c:?}");
        assert!(!shown.contains("rahasia-smtp-99"), "{shown}");
        assert!(shown.contains("mail.bungokab.go.id"), "{shown}");
        Ok(())
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (name, value) in [
            ("LENTERA_LOGIN_PER_ADDRESS", "banyak"),
            ("LENTERA_LOGIN_PER_ACCOUNT", "0"),
            ("LENTERA_VERIFY_PER_ADDRESS", "-5"),
            ("LENTERA_WORKERS", "dua"),
            ("LENTERA_TRUSTED_PROXIES", "10.0.0.2, proxy.local"),
            ("LENTERA_JWT_SECRET", "a"),
            ("LENTERA_JWT_SECRET", "change-me-to-a-long-random-secret"),
            ("LENTERA_SIGNING_KEY", "1234"),
            ("LENTERA_QUIZ_KEY", "bukan-heksadesimal"),
            ("LENTERA_METRICS_TOKEN", "pendek"),
            ("LENTERA_SMTP_URL", "http://mail.bungokab.go.id"),
            ("LENTERA_SMTP_URL", "smtp://"),
            ("LENTERA_MAIL_FROM", "bukan alamat"),
        ] {
            match config(&[(name, value)]) {
                Ok(_) => panic!("{name}={value} was accepted"),
                Err(err) => assert!(err.to_string().starts_with(name), "{err}"),
            }
        }
    }
}
