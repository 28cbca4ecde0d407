//! The `lentera` command line: serve, demo, migrate, content, user, unit.

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::auth::{hash_password_blocking, random_bytes};
use crate::config::Config;
use crate::importer;
use crate::nip::Nip;
use crate::policy::Role;
use crate::startup::Application;
use lentera_store::courses::Imported;
use lentera_store::people::{self, NewUser};
use lentera_store::{Db, StoreError};

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
    Seed(crate::seeding::SeedArgs),
    /// Time the managers' reports on a seeded database.
    BenchReports,
}

#[derive(Subcommand)]
pub enum CertificateCommand {
    /// Check a certificate's signature offline: FILE is the JSON of
    /// `GET /api/v1/certificates/{code}`; the keys come from --keys (the JSON of
    /// `GET /api/v1/certificates/keys`) or this instance's own key.
    Verify {
        file: PathBuf,
        #[arg(long)]
        keys: Option<PathBuf>,
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

/// Runs a command; the `Err` message is printed by `main` and the exit code is 1.
pub async fn run(cli: Cli) -> anyhow::Result<i32> {
    let config = Config::from_env()?;
    match cli.command {
        Command::Serve => {
            let app = Application::build(config.clone()).await?;
            tracing::info!(port = app.port(), url = %config.public_url, "Lentera is listening");
            app.run_until_stopped().await?;
            Ok(0)
        }
        Command::Demo {
            content,
            allow_public,
        } => demo(config, &content, allow_public).await,
        Command::Seed(args) => {
            let db = open(&config).await?;
            crate::seeding::seed(&db, &config.issuer, &args).await?;
            Ok(0)
        }
        Command::BenchReports => {
            let db = open(&config).await?;
            crate::seeding::bench_reports(&db).await?;
            Ok(0)
        }
        Command::Migrate => {
            let db = open(&config).await?;
            drop(db);
            println!("database migrated: {}", redact(&config.database_url));
            Ok(0)
        }
        Command::Content(ContentCommand::Check { dir, json }) => Ok(content_check(&dir, json)),
        Command::Content(ContentCommand::Import { dir }) => {
            let db = open(&config).await?;
            let (published, problems) = importer::import_dir(&db, &dir, None).await?;
            report_imports(&published);
            for p in &problems {
                eprintln!("{p}");
            }
            Ok(if problems.is_empty() { 0 } else { 1 })
        }
        Command::User(UserCommand::Create(args)) => user_create(&config, args).await,
        Command::Certificate(CertificateCommand::Verify { file, keys }) => {
            Ok(certificate_verify(&config, &file, keys.as_deref()))
        }
        Command::Unit(UnitCommand::Create { code, name, parent }) => {
            let db = open(&config).await?;
            let parent_id = match parent {
                Some(p) => Some(
                    people::unit_by_code(&db, &p)
                        .await?
                        .ok_or_else(|| anyhow::anyhow!("no unit with code '{p}'"))?
                        .id,
                ),
                None => None,
            };
            let unit = people::create_unit(&db, code.trim(), name.trim(), parent_id).await?;
            lentera_store::audit::record(
                &db,
                None,
                "unit.created",
                &format!("unit:{}", unit.code),
                Some("cli".into()),
            )
            .await?;
            println!("unit {} created", unit.code);
            Ok(0)
        }
    }
}

async fn open(config: &Config) -> anyhow::Result<Db> {
    if let Some(path) = config.database_url.strip_prefix("sqlite://")
        && let Some(parent) = Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)?;
    }
    let db = lentera_store::connect(&config.database_url).await?;
    lentera_store::migrate(&db).await?;
    Ok(db)
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
        }
    }
}

fn content_check(dir: &Path, json: bool) -> i32 {
    let root = dir.parent().unwrap_or(dir);
    let dirs = match importer::course_dirs(dir) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{}: {e}", dir.display());
            return 2;
        }
    };
    let mut summaries = Vec::new();
    let mut problems = Vec::new();
    for course_dir in &dirs {
        match importer::check_course(course_dir, root) {
            Ok(checked) => summaries.push(checked.summary()),
            Err(errors) => problems.extend(errors),
        }
    }
    if dirs.is_empty() {
        problems.push(lentera_content::Problem {
            file: dir.display().to_string(),
            line: 1,
            column: 1,
            message: "no course.toml here or in any subfolder".into(),
            pesan: "tidak ada course.toml di sini atau di subfolder mana pun".into(),
        });
    }
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

/// Reads a JSON file; errors carry file:line:column.
fn read_json(path: &Path) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text)
        .map_err(|e| format!("{}:{}:{}: {e}", path.display(), e.line(), e.column()))
}

/// (key id, raw public key) pairs from a keys file, or this instance's key.
fn verification_keys(
    config: &Config,
    keys: Option<&Path>,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    use base64::Engine;
    match keys {
        Some(path) => {
            let json = read_json(path)?;
            let list = json["keys"]
                .as_array()
                .ok_or_else(|| format!("{}: no \"keys\" list", path.display()))?;
            Ok(list
                .iter()
                .filter_map(|k| {
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(k["public_key"].as_str()?)
                        .ok()?;
                    Some((k["id"].as_str()?.to_owned(), bytes))
                })
                .collect())
        }
        None => {
            let path = config.data_dir.join("certificate-key");
            if !path.is_file() {
                return Err(format!(
                    "no --keys given and no instance key at {}",
                    path.display()
                ));
            }
            let key =
                crate::auth::load_signing_key(config.signing_key.as_deref(), &config.data_dir)
                    .map_err(|e| e.to_string())?;
            Ok(vec![(key.key_id(), key.public_key().to_vec())])
        }
    }
}

fn certificate_verify(config: &Config, file: &Path, keys: Option<&Path>) -> i32 {
    let checked = read_json(file).and_then(|json| {
        let keys = verification_keys(config, keys)?;
        verify_report(&json, &keys)
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

/// What `lentera certificate verify` says of a look-up answer: whether the signature holds,
/// and plainly that revocation is not something a signature can show.
pub fn verify_report(
    json: &serde_json::Value,
    keys: &[(String, Vec<u8>)],
) -> Result<String, String> {
    let signature = json["signature"]
        .as_str()
        .ok_or("the file has no signature")?;
    let key_id = json["key_id"].as_str().ok_or("the file names no key_id")?;
    let (_, public) = keys
        .iter()
        .find(|(id, _)| id == key_id)
        .ok_or_else(|| format!("no public key with id {key_id}"))?;
    lentera_certificate::verify(&json["certificate"], signature, public)
        .map_err(|e| e.to_string())?;
    let cert = &json["certificate"];
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("?").to_owned();
    let mut out = format!(
        "signature valid: certificate {} for {} ({}, {} JP, issued {}) is exactly as key {key_id} signed it.\n",
        text(&cert["number"]),
        text(&cert["holder_name"]),
        text(&cert["course_title"]),
        cert["jp"],
        text(&cert["issued_at"]),
    );
    out.push_str(
        "REVOCATION IS NOT CHECKED OFFLINE: a signature cannot show that a certificate was revoked later, and the file's \"revoked\" field is not signed (anyone can edit it).\n",
    );
    if json["revoked"].as_bool() == Some(true) {
        out.push_str("The file itself says this certificate was revoked.\n");
    }
    match json["verify_url"].as_str() {
        Some(url) => out.push_str(&format!("Check its current status online: {url}")),
        None => out.push_str(
            "Check its current status online on the issuer's verification page (/verifikasi/CODE).",
        ),
    }
    Ok(out)
}

async fn user_create(config: &Config, args: UserCreate) -> anyhow::Result<i32> {
    for role in &args.roles {
        if Role::parse(role).is_none() {
            anyhow::bail!("unknown role '{role}': use {}", Role::names());
        }
    }
    let nip = match &args.nip {
        Some(n) => Some(
            Nip::parse(n)
                .map_err(|e| anyhow::anyhow!("--nip: {e}"))?
                .as_str()
                .to_owned(),
        ),
        None => Nip::parse(&args.username)
            .ok()
            .map(|n| n.as_str().to_owned()),
    };
    let (password, generated) = if args.password_stdin {
        let mut buf = String::new();
        std::io::stdin().read_to_string(&mut buf)?;
        let pw = buf.trim_end_matches(['\n', '\r']).to_owned();
        if pw.chars().count() < 10 {
            anyhow::bail!("the password needs at least 10 characters");
        }
        (pw, false)
    } else {
        (hex::encode(random_bytes::<9>()?), true)
    };
    let db = open(config).await?;
    let unit_id = match &args.unit {
        Some(code) => Some(
            people::unit_by_code(&db, code)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no unit with code '{code}'"))?
                .id,
        ),
        None => None,
    };
    let user = people::create_user(
        &db,
        NewUser {
            username: args.username.trim().to_owned(),
            nip,
            name: args.name.trim().to_owned(),
            email: args.email,
            unit_id,
            password_hash: hash_password_blocking(&password)?,
            roles: args
                .roles
                .iter()
                .filter_map(|r| Role::parse(r))
                .map(|r| r.as_str().to_owned())
                .collect(),
            language: "id".into(),
        },
    )
    .await
    .map_err(|e| match e {
        StoreError::Conflict(_) => {
            anyhow::anyhow!("a user '{}' (or that NIP) already exists", args.username)
        }
        other => other.into(),
    })?;
    lentera_store::audit::record(
        &db,
        None,
        "user.created",
        &format!("user:{}", user.id),
        Some(format!("roles={}", user.roles.join(","))),
    )
    .await?;
    println!("user {} created (id {})", user.username, user.id);
    if generated {
        println!("password: {password}");
    }
    Ok(0)
}

/// The demo organisation: (code, name, parent code).
const DEMO_UNITS: &[(&str, &str, Option<&str>)] = &[
    ("BUNGO", "Pemerintah Kabupaten Bungo", None),
    ("BUNGO-BKPSDM", "BKPSDM Kabupaten Bungo", Some("BUNGO")),
    ("BUNGO-BPBD", "BPBD Kabupaten Bungo", Some("BUNGO")),
    ("SWL", "Pemerintah Kota Sawahlunto", None),
    (
        "SWL-DISKOMINFO",
        "Dinas Komunikasi dan Informatika Kota Sawahlunto",
        Some("SWL"),
    ),
    ("SWL-DPMPTSP", "DPMPTSP Kota Sawahlunto", Some("SWL")),
    ("BDG", "Pemerintah Kota Bandung", None),
    ("BDG-DISDUKCAPIL", "Disdukcapil Kota Bandung", Some("BDG")),
    ("BDG-BKPSDM", "BKPSDM Kota Bandung", Some("BDG")),
    ("BKL", "Pemerintah Provinsi Bengkulu", None),
    ("BKL-BPSDM", "BPSDM Provinsi Bengkulu", Some("BKL")),
    ("BKL-BPBD", "BPBD Provinsi Bengkulu", Some("BKL")),
    ("MALUT", "Pemerintah Provinsi Maluku Utara (Sofifi)", None),
    (
        "MALUT-BKD",
        "Badan Kepegawaian Daerah Provinsi Maluku Utara",
        Some("MALUT"),
    ),
    (
        "MALUT-DISKOMINFO",
        "Dinas Kominfo Provinsi Maluku Utara",
        Some("MALUT"),
    ),
];

/// The demo accounts: (username, name, role, unit, NIP).
pub const DEMO_USERS: &[(&str, &str, &str, &str, Option<&str>)] = &[
    (
        "198503152010011003",
        "Rahmat Hidayat",
        "learner",
        "BUNGO-BPBD",
        Some("198503152010011003"),
    ),
    (
        "instruktur",
        "Dr. Sri Wahyuni, M.Si.",
        "instructor",
        "BKL-BPSDM",
        None,
    ),
    ("manajer", "Yusuf Lamadi", "manager", "MALUT", None),
    ("admin", "Admin Lentera", "admin", "BUNGO", None),
];

/// The password of every demo account. The demo is for trying Lentera, never for real data.
pub const DEMO_PASSWORD: &str = "lentera-demo-2026";

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
    let db = open(&config).await?;
    for (code, name, parent) in DEMO_UNITS {
        if people::unit_by_code(&db, code).await?.is_some() {
            continue;
        }
        let parent_id = match parent {
            Some(p) => people::unit_by_code(&db, p).await?.map(|u| u.id),
            None => None,
        };
        people::create_unit(&db, code, name, parent_id).await?;
    }
    let hash = hash_password_blocking(DEMO_PASSWORD)?;
    for (username, name, role, unit, nip) in DEMO_USERS {
        if people::credentials(&db, username).await?.is_some() {
            continue;
        }
        let unit_id = people::unit_by_code(&db, unit).await?.map(|u| u.id);
        people::create_user(
            &db,
            NewUser {
                username: (*username).into(),
                nip: nip.map(str::to_owned),
                name: (*name).into(),
                email: None,
                unit_id,
                password_hash: hash.clone(),
                roles: vec![(*role).into()],
                language: "id".into(),
            },
        )
        .await?;
    }
    let (published, problems) = importer::import_dir(&db, content, None).await?;
    report_imports(&published);
    for p in &problems {
        eprintln!("{p}");
    }
    let app = Application::build_with(config.clone(), db)?;
    let url = public_url(&config, app.port());
    println!();
    println!("Lentera demo is running at {url}");
    println!("Accounts (password for all: {DEMO_PASSWORD}):");
    for (username, name, role, _, _) in DEMO_USERS {
        println!("  {role:<10} {username:<20} {name}");
    }
    println!("Stop with Ctrl+C.");
    app.run_until_stopped().await?;
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
    fn a_valid_signature_never_claims_the_certificate_is_not_revoked() {
        let key = lentera_certificate::SigningKey::from_bytes(&[7; 32]);
        let payload = lentera_certificate::CertificatePayload {
            number: "LNT-2026-000001".into(),
            holder_name: "Rahmat Hidayat".into(),
            nip_masked: None,
            course_title: "Kepemimpinan".into(),
            course_slug: "kepemimpinan".into(),
            course_version: 1,
            jp: 2,
            issued_at: "2026-11-30T00:00:00+00:00".into(),
            issuer: "Pemerintah Kabupaten Bungo".into(),
        };
        let signature = key.sign(&payload).unwrap_or_else(|e| panic!("{e}"));
        let cert = serde_json::to_value(&payload).unwrap_or_else(|e| panic!("{e}"));
        let keys = vec![(key.key_id(), key.public_key().to_vec())];
        // A revoked certificate whose file was edited to say it is not.
        let edited = serde_json::json!({"certificate": cert, "signature": signature, "key_id": key.key_id(),
            "revoked": false, "valid": true, "verify_url": "https://lentera.test/verifikasi/ABC"});
        let report = super::verify_report(&edited, &keys).unwrap_or_else(|e| panic!("{e}"));
        assert!(report.starts_with("signature valid"), "{report}");
        assert!(
            report.contains("REVOCATION IS NOT CHECKED OFFLINE"),
            "{report}"
        );
        assert!(
            report.contains("https://lentera.test/verifikasi/ABC"),
            "{report}"
        );
        let mut forged = edited.clone();
        forged["certificate"]["jp"] = serde_json::json!(20);
        assert!(super::verify_report(&forged, &keys).is_err());
    }

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
