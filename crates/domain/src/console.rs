//! What the operator does at the machine's console (`lentera ...`): import course folders,
//! create units and users, seed the demo, check content, verify a certificate offline. The
//! person at the console runs the instance, so these are allowed without a sign-in; each is
//! in the audit log with no actor.

use std::path::Path;

use lentera_assessment::QuestionKind;
use lentera_content::ItemKind;
use lentera_store::courses::{self, CourseHead, Imported};
use lentera_store::people::{self, NewUser, Unit, User};

use crate::catalog::CompiledCourse;
use crate::learning;
use crate::sessions::CurrentUser;

use crate::error::{Error, ErrorCode, Result};

use crate::Lentera;
use crate::importer;
use crate::nip::Nip;
use crate::policy::Role;

/// Publishes every course folder under `dir` (or `dir` itself) as new versions.
pub async fn import(
    state: &Lentera,
    dir: &Path,
) -> anyhow::Result<(Vec<(String, Imported)>, Vec<lentera_content::Problem>)> {
    importer::import_dir(&state.db, dir, None).await
}

/// Creates a unit (an instansi, or a unit kerja under `parent`).
pub async fn create_unit(
    state: &Lentera,
    code: &str,
    name: &str,
    parent: Option<&str>,
) -> Result<Unit> {
    let code = code.trim();
    crate::admin::check_unit_fields(Some(code), name)?;
    let parent_id = match parent {
        Some(p) => Some(
            people::unit_by_code(&state.db, p)
                .await?
                .ok_or_else(|| {
                    Error::new(ErrorCode::UnknownParent, format!("no unit with code '{p}'"))
                })?
                .id,
        ),
        None => None,
    };
    let unit = people::create_unit(&state.db, code, name.trim(), parent_id)
        .await
        .map_err(crate::error::unique(
            ErrorCode::UnitExists,
            format!("a unit '{code}' exists already"),
        ))?;
    lentera_store::audit::record(
        &state.db,
        None,
        lentera_store::AuditAction::UnitCreated,
        &format!("unit:{}", unit.code),
        Some("console".into()),
    )
    .await?;
    Ok(unit)
}

/// `lentera backup FILE`: a consistent copy of the SQLite database while the server keeps
/// serving. Restore by pointing `DATABASE_URL` at the copy (or moving it into place while
/// the server is stopped).
pub async fn backup(config: &crate::Config, file: &Path) -> anyhow::Result<()> {
    let db = lentera_store::connect(&config.database_url).await?;
    lentera_store::backup_sqlite(&db, file).await?;
    Ok(())
}

/// A user as the console creates one.
pub struct NewAccount {
    pub username: String,
    pub name: String,
    pub roles: Vec<String>,
    pub unit: Option<String>,
    pub nip: Option<String>,
    pub email: Option<String>,
    pub password: String,
}

/// Creates a user with the given password (the console generates one when none is typed).
pub async fn create_user(state: &Lentera, account: NewAccount) -> Result<User> {
    let bad = |m: String| Error::new(ErrorCode::InvalidUser, m);
    let mut roles = Vec::new();
    for role in &account.roles {
        roles.push(
            Role::parse(role)
                .ok_or_else(|| bad(format!("unknown role '{role}': use {}", Role::names())))?,
        );
    }
    let nip = match &account.nip {
        Some(n) => Some(Nip::parse(n).map_err(|e| bad(format!("--nip: {e}")))?),
        None => Nip::parse(&account.username).ok(),
    };
    if !crate::text::is_line(&account.name, 1, 200) {
        return Err(bad("--name: 1-200 characters, one line".into()));
    }
    crate::login::check_new_password(&account.password)?;
    let unit_id = match &account.unit {
        Some(code) => Some(
            people::unit_by_code(&state.db, code)
                .await?
                .ok_or_else(|| {
                    Error::new(
                        ErrorCode::UnitNotFound,
                        format!("no unit with code '{code}'"),
                    )
                })?
                .id,
        ),
        None => None,
    };
    let hash = crate::sessions::hash_password(account.password).await?;
    let username = account.username.trim().to_owned();
    let user = people::create_user(
        &state.db,
        NewUser {
            username: username.clone(),
            nip,
            name: account.name.trim().to_owned(),
            email: account.email,
            unit_id,
            password_hash: hash,
            roles,
            language: "id".into(),
        },
    )
    .await
    .map_err(crate::error::unique(
        ErrorCode::UserExists,
        format!("a user '{username}' (or that NIP) already exists"),
    ))?;
    lentera_store::audit::record(
        &state.db,
        None,
        lentera_store::AuditAction::UserCreated,
        &format!("user:{}", user.id),
        Some(format!("roles={}", Role::join(&user.roles))),
    )
    .await?;
    Ok(user)
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
pub const DEMO_USERS: &[(&str, &str, Role, &str, Option<&str>)] = &[
    (
        "198503152010011003",
        "Rahmat Hidayat",
        Role::Learner,
        "BUNGO-BPBD",
        Some("198503152010011003"),
    ),
    (
        "instruktur",
        "Dr. Sri Wahyuni, M.Si.",
        Role::Instructor,
        "BKL-BPSDM",
        None,
    ),
    (
        "instruktur2",
        "Ir. Bambang Sutrisno",
        Role::Instructor,
        "BUNGO-BKPSDM",
        None,
    ),
    ("manajer", "Yusuf Lamadi", Role::Manager, "MALUT", None),
    ("admin", "Admin Lentera", Role::Admin, "BUNGO", None),
];

/// How far a demo learner got in a course.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoStage {
    /// Enrolled, nothing done.
    NotStarted,
    /// The first module done (its lessons read, its quiz passed).
    InProgress,
    /// Everything done and the final essay submitted: it waits for the instructor.
    EssayPending,
    /// Everything done, the essay graded: completed, with a certificate.
    Completed,
}

/// The course the demo instructor owns, and the one they co-author with `instruktur2`.
pub const DEMO_OWNED_COURSE: &str = "kepemimpinan-pelayanan-publik";
pub const DEMO_CO_AUTHORED_COURSE: &str = "standar-pelayanan-publik";

/// The demo learners and their work: (NIP = username, name, unit, course, stage). The
/// first four work in the demo manager's instansi (MALUT), at every stage; the demo
/// learner (Rahmat) has a certificate and a course under way. All are short of 20 JP.
pub const DEMO_WORK: &[(&str, &str, &str, &str, DemoStage)] = &[
    (
        "199203142018032001",
        "Nur Aminah",
        "MALUT-BKD",
        DEMO_OWNED_COURSE,
        DemoStage::NotStarted,
    ),
    (
        "198807212012121002",
        "Agus Santoso",
        "MALUT-BKD",
        DEMO_OWNED_COURSE,
        DemoStage::InProgress,
    ),
    (
        "199011052015032003",
        "Fitri Wijaya",
        "MALUT-DISKOMINFO",
        DEMO_OWNED_COURSE,
        DemoStage::Completed,
    ),
    (
        "199011052015032003",
        "Fitri Wijaya",
        "MALUT-DISKOMINFO",
        DEMO_CO_AUTHORED_COURSE,
        DemoStage::InProgress,
    ),
    (
        "198602282011011004",
        "Hendra Siregar",
        "MALUT-DISKOMINFO",
        DEMO_OWNED_COURSE,
        DemoStage::EssayPending,
    ),
    (
        "198503152010011003",
        "Rahmat Hidayat",
        "BUNGO-BPBD",
        DEMO_CO_AUTHORED_COURSE,
        DemoStage::Completed,
    ),
    (
        "198503152010011003",
        "Rahmat Hidayat",
        "BUNGO-BPBD",
        DEMO_OWNED_COURSE,
        DemoStage::InProgress,
    ),
];

/// Who signs the demo instansi's certificates: (unit code, name, jabatan, NIP).
pub const DEMO_SIGNATORIES: &[(&str, &str, &str, &str)] = &[
    (
        "MALUT",
        "Dr. H. Samsuddin Abdul Kadir, M.Si.",
        "Sekretaris Daerah Provinsi Maluku Utara",
        "196805121994031007",
    ),
    (
        "BUNGO",
        "H. Mashuri, S.P., M.E.",
        "Bupati Bungo",
        "197002141996031003",
    ),
];

/// What a demo learner writes for an essay.
const DEMO_ESSAY: &str = "Unit kami di BKD menerima rata-rata 40 pengaduan per bulan tentang \
lamanya penerbitan surat keterangan; standar pelayanannya 3 hari, kenyataannya 9 hari. \
Akar masalahnya: berkas diperiksa tiga kali oleh tiga orang tanpa daftar periksa bersama. \
Jangka pendek kami menyusun satu daftar periksa, jangka menengah memindahkan pemeriksaan \
ke loket, jangka panjang memasukkannya ke SOP dan standar pelayanan yang diumumkan.";

/// The password of every demo account. The demo is for trying Lentera, never for real data.
pub const DEMO_PASSWORD: &str = "lentera-demo-2026";

/// Creates the demo organisation and accounts (what is there already is left alone) and
/// publishes the courses in `content`.
pub async fn demo(
    state: &Lentera,
    content: &Path,
) -> anyhow::Result<(Vec<(String, Imported)>, Vec<lentera_content::Problem>)> {
    let db = &state.db;
    for (code, name, parent) in DEMO_UNITS {
        if people::unit_by_code(db, code).await?.is_some() {
            continue;
        }
        let parent_id = match parent {
            Some(p) => people::unit_by_code(db, p).await?.map(|u| u.id),
            None => None,
        };
        people::create_unit(db, code, name, parent_id).await?;
    }
    let hash = crate::sessions::hash_password(DEMO_PASSWORD.to_owned()).await?;
    for (username, name, role, unit, nip) in DEMO_USERS {
        if people::credentials(db, username).await?.is_some() {
            continue;
        }
        let unit_id = people::unit_by_code(db, unit).await?.map(|u| u.id);
        people::create_user(
            db,
            NewUser {
                username: (*username).into(),
                nip: nip.and_then(|n| Nip::parse(n).ok()),
                name: (*name).into(),
                email: None,
                unit_id,
                password_hash: hash.clone(),
                roles: vec![*role],
                language: "id".into(),
            },
        )
        .await?;
    }
    let imported = importer::import_dir(db, content, None).await?;
    demo_work(state).await?;
    demo_development(state).await?;
    Ok(imported)
}

/// Gives the demo's rooms something in them: the instructors own and co-author courses,
/// learners are at every stage, an essay waits for its grade, certificates are issued.
/// Work already there (a learner enrolled in the course) is left alone, so a second start
/// adds nothing.
async fn demo_work(state: &Lentera) -> anyhow::Result<()> {
    let db = &state.db;
    let account = |username: &'static str| async move {
        people::credentials(db, username)
            .await?
            .map(|c| c.user)
            .ok_or_else(|| anyhow::anyhow!("demo account {username} missing"))
    };
    let instructor = account("instruktur").await?;
    let co_author = account("instruktur2").await?;
    let admin = account("admin").await?;
    let Some(owned) = courses::by_slug(db, DEMO_OWNED_COURSE).await? else {
        // The demo was started with other content: there is nothing to work on.
        return Ok(());
    };
    courses::claim_owner(db, owned.id, instructor.id).await?;
    if let Some(shared) = courses::by_slug(db, DEMO_CO_AUTHORED_COURSE).await? {
        courses::claim_owner(db, shared.id, co_author.id).await?;
        courses::add_editor(db, shared.id, instructor.id).await?;
    }
    for (code, name, jabatan, nip) in DEMO_SIGNATORIES {
        let Some(unit) = people::unit_by_code(db, code).await? else {
            continue;
        };
        if lentera_store::org::instansi_settings(db, unit.id)
            .await?
            .is_none()
        {
            lentera_store::org::set_instansi_settings(
                db,
                &lentera_store::org::InstansiSettings {
                    unit_id: unit.id,
                    signatory: Some(((*name).into(), (*jabatan).into(), Some((*nip).into()))),
                    thresholds: None,
                },
            )
            .await?;
        }
    }
    let hash = crate::sessions::hash_password(DEMO_PASSWORD.to_owned()).await?;
    for (nip, name, unit, slug, stage) in DEMO_WORK {
        let learner = match people::credentials(db, nip).await? {
            Some(c) => c.user,
            None => {
                let unit_id = people::unit_by_code(db, unit).await?.map(|u| u.id);
                people::create_user(
                    db,
                    NewUser {
                        username: (*nip).into(),
                        nip: Nip::parse(nip).ok(),
                        name: (*name).into(),
                        email: None,
                        unit_id,
                        password_hash: hash.clone(),
                        roles: vec![Role::Learner],
                        language: "id".into(),
                    },
                )
                .await?
            }
        };
        let Ok((head, compiled)) = learning::course(state, slug).await else {
            continue;
        };
        if learning::is_enrolled(state, &learner, &head).await? {
            continue;
        }
        // The owner grades their own course; the admin grades the co-authored one.
        let grader = if *slug == DEMO_OWNED_COURSE {
            &instructor
        } else {
            &admin
        };
        let grader = CurrentUser {
            user: grader.clone(),
            session_id: String::new(),
        };
        work_through(state, &learner, &head, &compiled, *stage, &grader).await?;
    }
    Ok(())
}

/// The managers' side of the demo, through the same operations people use: a partner
/// university, its seminar for Bungo's ASN next week with the demo learner registered, a
/// classroom training of the demo manager's instansi, and the manager's assignment of the
/// instructor's course to their instansi. Seeded once: when the partner exists, nothing.
async fn demo_development(state: &Lentera) -> anyhow::Result<()> {
    let db = &state.db;
    if lentera_store::events::partner_by_code(db, "UNJA")
        .await?
        .is_some()
    {
        return Ok(());
    }
    let signed = |username: &'static str| async move {
        people::credentials(db, username)
            .await?
            .map(|c| CurrentUser {
                user: c.user,
                session_id: String::new(),
            })
            .ok_or_else(|| anyhow::anyhow!("demo account {username} missing"))
    };
    let admin = signed("admin").await?;
    let manager = signed("manajer").await?;
    let learner = signed("198503152010011003").await?;
    let fail = |e: Error| anyhow::anyhow!("{}", e.message);
    crate::partners::create(
        state,
        &admin,
        &crate::partners::PartnerBody {
            code: "UNJA".into(),
            name: "Universitas Jambi".into(),
            kind: "universitas".into(),
        },
    )
    .await
    .map_err(fail)?;
    // Times as typed at the venue: 09.00 WIB a week from today, 08.00 WIT in two weeks.
    let at = |days: i64, hour: u32, offset: &str| {
        let day = (chrono::Utc::now() + chrono::Duration::days(days)).date_naive();
        format!("{day}T{hour:02}:00:00{offset}")
    };
    let seminar = crate::events::create(
        state,
        &admin,
        &crate::events::EventBody {
            title: "Seminar Inovasi Pelayanan Publik bagi ASN Kabupaten Bungo".into(),
            kind: "seminar".into(),
            start: at(7, 9, "+07:00"),
            end: at(7, 12, "+07:00"),
            timezone: "WIB".into(),
            place: Some("Aula Kantor Bupati Bungo, Muara Bungo".into()),
            online_url: None,
            capacity: 100,
            jp: 3,
            organiser: "UNJA".into(),
            audience: Some("BUNGO".into()),
            description: "Universitas Jambi memaparkan contoh inovasi pelayanan publik dan \
                cara menyusunnya dari keluhan warga; peserta membawa satu masalah layanan di \
                unit kerjanya dan pulang dengan rancangan perbaikan."
                .into(),
        },
    )
    .await
    .map_err(fail)?;
    crate::events::register(state, &learner, seminar.id)
        .await
        .map_err(fail)?;
    crate::events::create(
        state,
        &manager,
        &crate::events::EventBody {
            title: "Pelatihan Klasikal Penyusunan SOP Pelayanan".into(),
            kind: "pelatihan".into(),
            start: at(14, 8, "+09:00"),
            end: at(14, 16, "+09:00"),
            timezone: "WIT".into(),
            place: Some("Aula Kantor Gubernur Maluku Utara, Sofifi".into()),
            online_url: None,
            capacity: 30,
            jp: 6,
            organiser: "MALUT".into(),
            audience: Some("MALUT".into()),
            description: "Satu hari berlatih memetakan alur layanan dan menuliskannya \
                sebagai SOP yang dapat diuji."
                .into(),
        },
    )
    .await
    .map_err(fail)?;
    let due = (chrono::Utc::now() + chrono::Duration::days(30)).date_naive();
    let scope = crate::policy::scope(state, &manager).await.map_err(fail)?;
    crate::assignments::create(
        state,
        &manager,
        &scope,
        &crate::assignments::AssignmentBody {
            course: Some(DEMO_OWNED_COURSE.into()),
            path: None,
            unit: Some("MALUT".into()),
            users: None,
            due: due.to_string(),
            note: Some("Wajib bagi seluruh pegawai sebelum akhir tahun.".into()),
        },
    )
    .await
    .map_err(fail)?;
    Ok(())
}

/// Does a learner's work in a course up to `stage`, through the same operations a learner
/// and a grader use.
async fn work_through(
    state: &Lentera,
    learner: &User,
    head: &CourseHead,
    compiled: &CompiledCourse,
    stage: DemoStage,
    grader: &CurrentUser,
) -> Result<()> {
    learning::enroll(state, learner, head).await?;
    let modules = &compiled.course.modules;
    let take = match stage {
        DemoStage::NotStarted => 0,
        DemoStage::InProgress => 1,
        DemoStage::EssayPending | DemoStage::Completed => modules.len(),
    };
    for module in modules.iter().take(take) {
        for item in &module.items {
            match item.kind {
                ItemKind::Lesson => {
                    learning::complete_lesson(state, learner, head, compiled, &item.slug).await?;
                }
                ItemKind::Quiz => {
                    let grade = stage == DemoStage::Completed;
                    take_quiz(
                        state,
                        learner,
                        head,
                        compiled,
                        &item.slug,
                        grade.then_some(grader),
                    )
                    .await?;
                }
            }
        }
    }
    Ok(())
}

/// Answers a quiz with its answer key (essays with a plausible text) and submits it; with a
/// grader, grades the essays at 80 %.
async fn take_quiz(
    state: &Lentera,
    learner: &User,
    head: &CourseHead,
    compiled: &CompiledCourse,
    slug: &str,
    grader: Option<&CurrentUser>,
) -> Result<()> {
    let (attempt, _) = learning::start_attempt(state, learner, head, compiled, slug).await?;
    let quiz = compiled
        .quiz(slug)
        .ok_or_else(|| Error::internal("demo quiz missing"))?;
    let shown = quiz.for_layout(&learning::layout_of(&attempt)?);
    let is_essay = |id: &str| {
        shown
            .questions
            .iter()
            .any(|q| q.id == id && matches!(q.kind, QuestionKind::Essay))
    };
    let mut answers = lentera_assessment::answer_key(&shown, &state.keys.quiz_salt);
    for answer in answers.iter_mut() {
        if is_essay(&answer.question) {
            answer.text = Some(DEMO_ESSAY.into());
        }
    }
    let result = learning::submit(state, learner, &attempt, quiz, &answers).await?;
    if let Some(grader) = grader
        && result.state == crate::AttemptState::PendingReview
    {
        let (attempt, quiz, granted) =
            learning::attempt_for_grading(state, grader, attempt.id).await?;
        let grades: Vec<learning::GradeEntry> = shown
            .questions
            .iter()
            .filter(|q| matches!(q.kind, QuestionKind::Essay))
            .map(|q| learning::GradeEntry {
                question: q.id.clone(),
                score: q.points * 0.8,
                comment: Some(
                    "Masalah terukur dan didukung data; perjelas peta pemangku kepentingan.".into(),
                ),
            })
            .collect();
        learning::grade_essays(state, granted, grader, &attempt, &quiz, &grades).await?;
    }
    Ok(())
}

/// Checks every course folder under `dir` (or `dir` itself) as publishing would: a summary
/// of each good course, and every problem of the others by file, line and column.
pub fn check_content(
    dir: &Path,
) -> std::io::Result<(Vec<importer::CourseSummary>, Vec<lentera_content::Problem>)> {
    let root = dir.parent().unwrap_or(dir);
    let dirs = importer::course_dirs(dir)?;
    let mut summaries = Vec::new();
    let mut problems = Vec::new();
    for course_dir in &dirs {
        match importer::check_course(course_dir, root) {
            Ok(checked) => summaries.push(checked.summary()),
            Err(errors) => problems.extend(errors),
        }
    }
    // Learning path files are checked as files here; whether their courses are published
    // is checked when they are imported.
    for (_, loaded) in lentera_content::load_paths(dir, root) {
        if let Err(errors) = loaded {
            problems.extend(errors);
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
    Ok((summaries, problems))
}

/// Reads a JSON file; errors carry file:line:column.
pub fn read_json(path: &Path) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text)
        .map_err(|e| format!("{}:{}:{}: {e}", path.display(), e.line(), e.column()))
}

/// (key id, raw public key) pairs from a keys file, or this instance's key.
pub fn verification_keys(
    config: &crate::Config,
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
                crate::keys::load_signing_key(config.signing_key.as_deref(), &config.data_dir)
                    .map_err(|e| e.to_string())?;
            Ok(vec![(key.key_id(), key.public_key().to_vec())])
        }
    }
}

/// The issuer's controlled identifier document: from a file (`GET
/// /api/v1/certificates/keys` saved), or this instance's own.
pub fn controller_document(
    config: &crate::Config,
    file: Option<&Path>,
) -> Result<serde_json::Value, String> {
    match file {
        Some(path) => read_json(path),
        None => {
            let key =
                crate::keys::load_signing_key(config.signing_key.as_deref(), &config.data_dir)
                    .map_err(|e| e.to_string())?;
            Ok(lentera_certificate::controller_document(
                &config.public_url,
                &[key.public_key()],
            ))
        }
    }
}

/// What `lentera certificate verify` found in an Open Badges credential whose proof holds.
pub struct BadgeVerdict {
    pub report: String,
    /// What the status list said; `None` when none was given.
    pub revoked: Option<bool>,
}

/// Checks an Open Badges credential offline: its proof against the key its
/// `verificationMethod` names in `controller`, and with `status_list` (`GET
/// /api/v1/certificates/status/{n}` saved) its revocation bit, the list's own proof
/// checked the same way.
pub fn verify_badge_report(
    credential: &serde_json::Value,
    controller: &serde_json::Value,
    status_list: Option<&serde_json::Value>,
) -> Result<BadgeVerdict, String> {
    lentera_certificate::verify_open_badge_with_controller(credential, controller)
        .map_err(|e| e.to_string())?;
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("?").to_owned();
    let achievement = &credential["credentialSubject"]["achievement"];
    let mut report = format!(
        "proof valid: Open Badges credential {} ({}) is exactly as its issuer signed it.\n",
        text(&credential["id"]),
        text(&achievement["name"]),
    );
    let revoked = match status_list {
        None => {
            report.push_str(
                "REVOCATION NOT CHECKED: pass --status-list with the list its credentialStatus names.",
            );
            None
        }
        Some(list) => {
            let status = lentera_certificate::check_revocation_with_controller(
                credential,
                list,
                controller,
                &chrono::Utc::now(),
            )
            .map_err(|e| format!("status list: {e}"))?;
            let since = status.list_valid_from.unwrap_or_else(|| "?".into());
            if status.revoked {
                report.push_str(&format!("REVOKED according to the status list of {since}."));
            } else {
                report.push_str(&format!(
                    "Not revoked according to the status list of {since} (a newer list may say otherwise)."
                ));
            }
            Some(status.revoked)
        }
    };
    Ok(BadgeVerdict { report, revoked })
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
}
