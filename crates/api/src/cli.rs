//! The `lentera` command line: serve, demo, migrate, content, user, unit, certificate,
//! seed. It parses arguments and prints; the operations are the domain's
//! (`lentera_domain::console`).

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::startup::Application;
use lentera_domain::console::{self, DEMO_PASSWORD, DEMO_USERS, DEMO_WORK, NewAccount};
use lentera_domain::importer::Imported;
use lentera_domain::keys::random_bytes;
use lentera_domain::{Config, Lentera};

#[derive(Parser)]
#[command(
    name = "lentera",
    version,
    about = "Lentera: self-paced e-learning for ASN"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the server (migrates the database first).
    Serve,
    /// Run the server with the shipped courses and one demo account per role.
    Demo {
        /// Folder of course folders to publish before serving.
        #[arg(long, env = "LENTERA_CONTENT_DIR", default_value = "content")]
        content: PathBuf,
        /// Serve the demo on an address other machines reach. Its accounts have a published
        /// password, so this is refused unless asked for.
        #[arg(long)]
        allow_public: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Copy the SQLite database to FILE while Lentera keeps serving (a consistent snapshot;
    /// restore by pointing DATABASE_URL at the copy). PostgreSQL: use pg_dump.
    Backup {
        /// The copy to write; it must not exist yet.
        file: std::path::PathBuf,
    },
    /// Check or import course folders.
    #[command(subcommand)]
    Content(ContentCommand),
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage units (instansi and unit kerja).
    #[command(subcommand)]
    Unit(UnitCommand),
    /// Work with certificates.
    #[command(subcommand)]
    Certificate(CertificateCommand),
    /// Fill a fresh database with a synthetic regional government (benchmarks).
    Seed(SeedCmd),
    /// Time the managers' reports on a seeded database.
    BenchReports,
    /// Reminder e-mails (assignments due or overdue, the yearly JP shortfall).
    #[command(subcommand)]
    Reminders(RemindersCommand),
}

#[derive(Subcommand)]
pub enum RemindersCommand {
    /// Queue the reminders due on a day (today in WIB unless given) that were not sent
    /// before; the servers' outbox workers send them. What each server does every hour.
    Run {
        /// YYYY-MM-DD.
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum CertificateCommand {
    /// Check a certificate's signature offline: FILE is the JSON of
    /// `GET /api/v1/certificates/{code}` or an Open Badges credential (`.../badge`); the
    /// keys come from --keys (the JSON of `GET /api/v1/certificates/keys`) or this
    /// instance's own key. Exit status: 0 valid, 1 invalid, 3 valid but revoked.
    Verify {
        file: PathBuf,
        #[arg(long)]
        keys: Option<PathBuf>,
        /// For a badge: the status list its credentialStatus names (the JSON of
        /// `GET /api/v1/certificates/status/{n}`), to check revocation offline.
        #[arg(long)]
        status_list: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum ContentCommand {
    /// Validate course folders; prints every problem as file:line:column.
    Check {
        dir: PathBuf,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// Validate and publish course folders as new versions.
    Import { dir: PathBuf },
}

#[derive(Subcommand)]
pub enum UserCommand {
    Create(UserCreate),
}

#[derive(Args)]
pub struct UserCreate {
    /// Login name: the NIP for ASN, or an admin-chosen login.
    #[arg(long)]
    username: String,
    #[arg(long)]
    name: String,
    /// learner, instructor, manager or admin; repeat or separate with commas.
    #[arg(long = "role", value_delimiter = ',', required = true)]
    roles: Vec<String>,
    #[arg(long)]
    unit: Option<String>,
    #[arg(long)]
    nip: Option<String>,
    #[arg(long)]
    email: Option<String>,
    /// Read the password from standard input (else one is generated and printed once).
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Subcommand)]
pub enum UnitCommand {
    Create {
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        parent: Option<String>,
    },
}

/// How much `lentera seed` makes.
#[derive(Debug, Clone, Args)]
pub struct SeedCmd {
    /// Number of ASN to create.
    #[arg(long, default_value_t = 50_000)]
    pub people: usize,
    /// Number of synthetic courses (5 lessons and a quiz each).
    #[arg(long, default_value_t = 200)]
    pub courses: usize,
    /// Approximate number of lesson progress rows.
    #[arg(long, default_value_t = 1_000_000)]
    pub progress: usize,
    /// Number of unit kerja under the instansi (each gets 4 sub-units).
    #[arg(long, default_value_t = 40)]
    pub units: usize,
}

/// Runs a command; the `Err` message is printed by `main` and the exit code is 1.
pub async fn run(cli: Cli) -> anyhow::Result<i32> {
    let config = Config::from_env()?;
    match cli.command {
        Command::Serve => {
            let app = Application::build(config.clone()).await?;
            tracing::info!(port = app.port(), url = %config.public_url, "Lentera is listening");
            app.run_until_signalled().await?;
            Ok(0)
        }
        Command::Demo {
            content,
            allow_public,
        } => demo(config, &content, allow_public).await,
        Command::Seed(args) => {
            let lentera = Lentera::open(config).await?;
            let args = lentera_domain::seeding::SeedArgs {
                people: args.people,
                courses: args.courses,
                progress: args.progress,
                units: args.units,
            };
            lentera_domain::seeding::seed(&lentera, &args).await?;
            Ok(0)
        }
        Command::BenchReports => {
            let lentera = Lentera::open(config).await?;
            lentera_domain::seeding::bench_reports(&lentera).await?;
            Ok(0)
        }
        Command::Migrate => {
            let url = redact(&config.database_url);
            drop(Lentera::open(config).await?);
            println!("database migrated: {url}");
            Ok(0)
        }
        Command::Backup { file } => {
            console::backup(&config, &file).await?;
            println!(
                "backed up {} to {}",
                redact(&config.database_url),
                file.display()
            );
            Ok(0)
        }
        Command::Content(ContentCommand::Check { dir, json }) => Ok(content_check(&dir, json)),
        Command::Content(ContentCommand::Import { dir }) => {
            let lentera = Lentera::open(config).await?;
            let (published, problems) = console::import(&lentera, &dir).await?;
            report_imports(&published);
            for p in &problems {
                eprintln!("{p}");
            }
            Ok(if problems.is_empty() { 0 } else { 1 })
        }
        Command::User(UserCommand::Create(args)) => user_create(config, args).await,
        Command::Certificate(CertificateCommand::Verify {
            file,
            keys,
            status_list,
        }) => Ok(certificate_verify(
            &config,
            &file,
            keys.as_deref(),
            status_list.as_deref(),
        )),
        Command::Reminders(RemindersCommand::Run { date }) => reminders_run(config, date).await,
        Command::Unit(UnitCommand::Create { code, name, parent }) => {
            let lentera = Lentera::open(config).await?;
            let unit = console::create_unit(&lentera, &code, &name, parent.as_deref()).await?;
            println!("unit {} created", unit.code);
            Ok(0)
        }
    }
}

/// A database URL without its password, for printing.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://***{}", &url[..scheme], &url[at..])
        }
        _ => url.to_owned(),
    }
}

fn report_imports(published: &[(String, Imported)]) {
    for (slug, imported) in published {
        match imported {
            Imported::Published { version } => println!("published {slug} version {version}"),
            Imported::Unchanged { version } => println!("unchanged {slug} (version {version})"),
            Imported::Draft { version } => println!("draft {slug} version {version}"),
        }
    }
}

fn content_check(dir: &Path, json: bool) -> i32 {
    let (summaries, problems) = match console::check_content(dir) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("{}: {e}", dir.display());
            return 2;
        }
    };
    if json {
        println!(
            "{}",
            serde_json::json!({"courses": summaries, "errors": problems})
        );
    } else {
        for p in &problems {
            println!("{p}");
        }
        for s in &summaries {
            let questions: usize = s.quizzes.iter().map(|q| q.questions).sum();
            println!(
                "ok {}: {} JP, {} lessons, {} quizzes, {} questions",
                s.slug,
                s.jp,
                s.lessons,
                s.quizzes.len(),
                questions
            );
        }
        println!(
            "{} courses ok, {} problems",
            summaries.len(),
            problems.len()
        );
    }
    if problems.is_empty() { 0 } else { 1 }
}

fn certificate_verify(
    config: &Config,
    file: &Path,
    keys: Option<&Path>,
    status_list: Option<&Path>,
) -> i32 {
    if let Ok(json) = console::read_json(file)
        && json.get("proof").is_some()
    {
        return badge_verify(config, &json, keys, status_list);
    }
    let checked = console::read_json(file).and_then(|json| {
        let keys = console::verification_keys(config, keys)?;
        console::verify_report(&json, &keys)
    });
    match checked {
        Ok(message) => {
            println!("{message}");
            0
        }
        Err(message) => {
            eprintln!("INVALID: {message}");
            1
        }
    }
}

fn badge_verify(
    config: &Config,
    credential: &serde_json::Value,
    keys: Option<&Path>,
    status_list: Option<&Path>,
) -> i32 {
    let checked = console::controller_document(config, keys).and_then(|controller| {
        let list = status_list.map(console::read_json).transpose()?;
        console::verify_badge_report(credential, &controller, list.as_ref())
    });
    match checked {
        Ok(console::BadgeVerdict { report, revoked }) => {
            println!("{report}");
            if revoked == Some(true) { 3 } else { 0 }
        }
        Err(message) => {
            eprintln!("INVALID: {message}");
            1
        }
    }
}

async fn user_create(config: Config, args: UserCreate) -> anyhow::Result<i32> {
    let (password, generated) = if args.password_stdin {
        let mut buf = String::new();
        std::io::stdin().read_to_string(&mut buf)?;
        (buf.trim_end_matches(['\n', '\r']).to_owned(), false)
    } else {
        (hex::encode(random_bytes::<9>()?), true)
    };
    let lentera = Lentera::open(config).await?;
    let user = console::create_user(
        &lentera,
        NewAccount {
            username: args.username,
            name: args.name,
            roles: args.roles,
            unit: args.unit,
            nip: args.nip,
            email: args.email,
            password: password.clone(),
        },
    )
    .await?;
    println!("user {} created (id {})", user.username, user.id);
    if generated {
        println!("password: {password}");
    }
    Ok(0)
}

async fn reminders_run(config: Config, date: Option<String>) -> anyhow::Result<i32> {
    let day = match date {
        Some(d) => chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
            .map_err(|_| anyhow::anyhow!("--date: expected YYYY-MM-DD, got '{d}'"))?,
        None => lentera_domain::assignments::today(),
    };
    let lentera = Lentera::open(config).await?;
    if !lentera.mail.enabled() {
        println!("no reminders: LENTERA_SMTP_URL is not set");
        return Ok(0);
    }
    let sent = lentera_domain::reminders::run_once(&lentera, day)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    println!(
        "reminders for {day}: {} due in 7 days, {} due tomorrow, {} overdue, {} JP shortfall, {} events tomorrow",
        sent.due_7, sent.due_1, sent.overdue, sent.jp_shortfall, sent.event_tomorrow
    );
    Ok(0)
}

/// Whether `bind` (host:port) listens on loopback only.
fn loopback_only(bind: &str) -> bool {
    let host = bind.rsplit_once(':').map_or(bind, |(h, _)| h);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

async fn demo(config: Config, content: &Path, allow_public: bool) -> anyhow::Result<i32> {
    if !loopback_only(&config.bind) && !allow_public {
        anyhow::bail!(
            "LENTERA_BIND={} is reachable from other machines, and the demo accounts' password \
             ({DEMO_PASSWORD}) is published in the README. Bind to 127.0.0.1, or pass \
             --allow-public if this machine is a closed demo.",
            config.bind
        );
    }
    if !loopback_only(&config.bind) {
        tracing::warn!(
            bind = %config.bind,
            "the demo accounts, with their published password, are reachable from other machines"
        );
    }
    let lentera = Lentera::open(config.clone()).await?;
    let (published, problems) = console::demo(&lentera, content).await?;
    report_imports(&published);
    for p in &problems {
        eprintln!("{p}");
    }
    let app = Application::build_with(lentera)?;
    let url = public_url(&config, app.port());
    println!();
    println!("Lentera demo is running at {url}");
    println!("Accounts (password for all: {DEMO_PASSWORD}):");
    for (username, name, role, _, _) in DEMO_USERS {
        println!("  {role:<10} {username:<20} {name}");
    }
    println!("Learners with work in progress (same password):");
    // The demo learner is listed with the accounts above already.
    let mut shown: std::collections::BTreeSet<&str> =
        DEMO_USERS.iter().map(|(username, ..)| *username).collect();
    for (username, name, unit, _, _) in DEMO_WORK {
        if shown.insert(*username) {
            println!("  learner    {username:<20} {name} ({unit})");
        }
    }
    println!("Stop with Ctrl+C.");
    app.run_until_signalled().await?;
    Ok(0)
}

fn public_url(config: &Config, port: u16) -> String {
    if std::env::var("LENTERA_PUBLIC_URL").is_ok() {
        return config.public_url.clone();
    }
    let host = config.bind.rsplit_once(':').map_or("127.0.0.1", |(h, _)| h);
    let host = if host == "0.0.0.0" { "127.0.0.1" } else { host };
    format!("http://{host}:{port}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_loopback_binds_are_private() {
        for private in [
            "127.0.0.1:8080",
            "localhost:8080",
            "[::1]:8080",
            "127.0.0.1:0",
        ] {
            assert!(super::loopback_only(private), "{private}");
        }
        for public in [
            "0.0.0.0:8080",
            "[::]:8080",
            "10.1.2.3:80",
            "lentera.go.id:80",
        ] {
            assert!(!super::loopback_only(public), "{public}");
        }
    }
}
