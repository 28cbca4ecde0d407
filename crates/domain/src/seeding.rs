//! `lentera seed`: a synthetic regional government (units, ASN, courses, enrolments,
//! progress, completions and certificates) for load and report benchmarks, and
//! `lentera bench-reports`, which times the managers' reports on it.

use std::path::Path;
use std::time::Instant;

use chrono::{Duration, NaiveDate, Utc};

use crate::importer;
use lentera_store::{courses, org, people, reports, seed};

/// The password of every seeded person.
pub const SEED_PASSWORD: &str = "lentera-seed-2026";

/// How much to seed.
#[derive(Debug, Clone)]
pub struct SeedArgs {
    /// Number of ASN to create.
    pub people: usize,
    /// Number of synthetic courses (5 lessons and a quiz each).
    pub courses: usize,
    /// Approximate number of lesson progress rows.
    pub progress: usize,
    /// Number of unit kerja under the instansi (each gets 4 sub-units).
    pub units: usize,
}

const FIRST: &[&str] = &[
    "Ahmad", "Siti", "Budi", "Dewi", "Rahmat", "Nur", "Agus", "Sri", "Hendra", "Rina", "Yusuf",
    "Fitri", "Andi", "Wahyuni", "Bambang", "Lestari", "Dedi", "Ratna", "Eko", "Maya",
];
const LAST: &[&str] = &[
    "Hidayat",
    "Aminah",
    "Santoso",
    "Saputra",
    "Wijaya",
    "Lestari",
    "Gunawan",
    "Syahputra",
    "Nasution",
    "Siregar",
    "Pratama",
    "Kurniawan",
    "Rahayu",
    "Hasibuan",
    "Putri",
    "Setiawan",
];

/// A structurally valid NIP, distinct for every `i` below 12 million.
pub fn seed_nip(i: usize) -> String {
    let birth = NaiveDate::from_ymd_opt(1965, 1, 1).unwrap_or_default()
        + Duration::days(i64::try_from(i % 12_000).unwrap_or(0));
    let appointed_year = 1990 + (i % 30);
    let appointed_month = 1 + (i % 12);
    let sex = 1 + (i % 2);
    let seq = (i / 12_000) % 1000 + 1;
    format!(
        "{}{appointed_year:04}{appointed_month:02}{sex}{seq:03}",
        birth.format("%Y%m%d")
    )
}

fn write_course(root: &Path, n: usize) -> anyhow::Result<()> {
    let slug = format!("sintetis-{n:03}");
    let dir = root.join(&slug);
    std::fs::create_dir_all(dir.join("lessons"))?;
    std::fs::create_dir_all(dir.join("quizzes"))?;
    let categories = lentera_content::CATEGORIES;
    let category = categories[n % categories.len()];
    let jp = 2 + n % 5;
    let mut toml = format!(
        "slug = \"{slug}\"\ntitle = \"Kursus Sintetis {n:03}\"\nsummary = \"Kursus buatan untuk uji beban dan laporan.\"\n\
         category = \"{category}\"\njp = {jp}\nlevel = \"dasar\"\nlanguage = \"id\"\nauthors = [\"Tim Lentera\"]\ntags = [\"sintetis\"]\n\n\
         [[modules]]\nslug = \"modul-1\"\ntitle = \"Modul 1\"\n"
    );
    for l in 1..=5 {
        toml.push_str(&format!(
            "\n  [[modules.items]]\n  lesson = \"materi-{l}\"\n"
        ));
        let body = format!(
            "+++\nslug = \"materi-{l}\"\ntitle = \"Materi {l}\"\nminutes = 10\n+++\n\n# Materi {l}\n\n\
             Materi sintetis untuk uji beban Lentera. Setiap ASN mengembangkan kompetensinya \
             paling sedikit 20 JP setahun; materi ini hanya pengisi data.\n"
        );
        std::fs::write(dir.join("lessons").join(format!("materi-{l}.md")), body)?;
    }
    toml.push_str("\n  [[modules.items]]\n  quiz = \"kuis\"\n");
    std::fs::write(dir.join("course.toml"), toml)?;
    std::fs::write(
        dir.join("quizzes/kuis.toml"),
        "slug = \"kuis\"\ntitle = \"Kuis\"\npass_percent = 60\n\n\
         [[questions]]\nid = \"q1\"\nkind = \"single_choice\"\nprompt = \"Berapa JP target tahunan ASN?\"\n\
         options = [ { id = \"a\", text = \"20 JP\", correct = true }, { id = \"b\", text = \"10 JP\" } ]\n\n\
         [[questions]]\nid = \"q2\"\nkind = \"true_false\"\nprompt = \"Satu JP adalah 45 menit.\"\nanswer = true\n",
    )?;
    Ok(())
}

/// Seeds a fresh database; refuses one that was seeded before.
pub async fn seed(lentera: &crate::Lentera, args: &SeedArgs) -> anyhow::Result<()> {
    let (db, issuer) = (&lentera.db, lentera.config.issuer.as_str());
    if people::unit_by_code(db, "SEED").await?.is_some() {
        anyhow::bail!("this database is seeded already (unit SEED exists); use a fresh one");
    }
    let started = Instant::now();
    let root = people::create_unit(db, "SEED", "Pemerintah Kabupaten Contoh", None).await?;
    let mut leaves = vec![root.id];
    for u in 1..=args.units {
        let unit = people::create_unit(
            db,
            &format!("SEED-U{u:03}"),
            &format!("Unit Kerja {u:03}"),
            Some(root.id),
        )
        .await?;
        leaves.push(unit.id);
        for s in 1..=4 {
            let sub = people::create_unit(
                db,
                &format!("SEED-U{u:03}-{s}"),
                &format!("Sub-unit {u:03}.{s}"),
                Some(unit.id),
            )
            .await?;
            leaves.push(sub.id);
        }
    }
    println!("units: {} in {:.1?}", leaves.len(), started.elapsed());

    let t = Instant::now();
    let dir = tempfile::tempdir()?;
    for n in 1..=args.courses {
        write_course(dir.path(), n)?;
    }
    let (published, problems) = importer::import_dir(db, dir.path(), None).await?;
    if let Some(p) = problems.first() {
        anyhow::bail!("synthetic course problem: {p}");
    }
    let mut heads = Vec::new();
    for (slug, _) in &published {
        if let Some(h) = courses::by_slug(db, slug).await? {
            heads.push(h);
        }
    }
    println!("courses: {} in {:.1?}", heads.len(), t.elapsed());
    if heads.is_empty() {
        anyhow::bail!("no courses to enrol people in");
    }

    let t = Instant::now();
    let hash = crate::sessions::hash_password_blocking(SEED_PASSWORD)?;
    let people_rows: Vec<seed::SeedUser> = (0..args.people)
        .map(|i| {
            let nip = crate::Nip::parse(&seed_nip(i))
                .map_err(|e| anyhow::anyhow!("seed NIP {i}: {e}"))?;
            Ok(seed::SeedUser {
                username: nip.to_string(),
                nip,
                name: format!(
                    "{} {}",
                    FIRST[i % FIRST.len()],
                    LAST[(i / FIRST.len()) % LAST.len()]
                ),
                unit_id: leaves[i % leaves.len()],
            })
        })
        .collect::<anyhow::Result<_>>()?;
    let ids = seed::users(db, &people_rows, &hash).await?;
    println!("people: {} in {:.1?}", ids.len(), t.elapsed());

    // Each person takes `per_person` courses and has done 1-5 of their 5 lessons (3 on
    // average); those with all 5 completed the course and hold its certificate, dated in
    // this year or the last.
    let t = Instant::now();
    let per_lessons = args.people.max(1) * 3;
    let per_person = ((args.progress + per_lessons / 2) / per_lessons).clamp(1, heads.len());
    let now = Utc::now();
    let mut enrolments = Vec::new();
    let mut progress = Vec::new();
    let mut done = Vec::new();
    for (i, (&user_id, person)) in ids.iter().zip(&people_rows).enumerate() {
        for j in 0..per_person {
            let head = &heads[(i * 7 + j * 13) % heads.len()];
            let at = now - Duration::days(i64::try_from((i + j) % 500).unwrap_or(0));
            enrolments.push((user_id, head.id, at));
            let lessons = (i + j) % 5 + 1;
            for l in 1..=lessons {
                progress.push((user_id, head.id, format!("materi-{l}"), at));
            }
            if lessons == 5 {
                let code =
                    lentera_certificate::verification_code(&crate::keys::random_bytes::<15>()?);
                done.push(seed::SeedCompletion {
                    user_id,
                    course_id: head.id,
                    course_version_id: head.version_id,
                    version: head.version,
                    jp: head.jp,
                    completed_at: at,
                    holder_name: person.name.clone(),
                    holder_nip: person.nip.clone(),
                    course_slug: head.slug.clone(),
                    course_title: head.title.clone(),
                    issuer: issuer.to_owned(),
                    code,
                });
            }
        }
    }
    seed::enrollments(db, &enrolments).await?;
    println!("enrolments: {} in {:.1?}", enrolments.len(), t.elapsed());
    let t = Instant::now();
    seed::progress(db, &progress).await?;
    println!(
        "lesson progress rows: {} in {:.1?}",
        progress.len(),
        t.elapsed()
    );
    let t = Instant::now();
    seed::completions(db, &done).await?;
    println!(
        "completions and certificates: {} in {:.1?}",
        done.len(),
        t.elapsed()
    );
    println!(
        "seeded in {:.1?}; every person signs in with their NIP and the password {SEED_PASSWORD}",
        started.elapsed()
    );
    if let Some(first) = people_rows.first() {
        println!("for example: {} ({})", first.username, first.name);
    }
    Ok(())
}

/// Times each report on the seeded data, several runs each, and prints a table.
pub async fn bench_reports(lentera: &crate::Lentera) -> anyhow::Result<()> {
    let db = &lentera.db;
    let units = org::all_units(db).await?;
    let root = units
        .iter()
        .find(|u| u.code == "SEED")
        .ok_or_else(|| anyhow::anyhow!("run `lentera seed` first"))?;
    let all = org::subtree(&units, root.id);
    let one = units
        .iter()
        .find(|u| u.code == "SEED-U001")
        .map(|u| org::subtree(&units, u.id))
        .unwrap_or_default();
    let course = courses::by_slug(db, "sintetis-001")
        .await?
        .ok_or_else(|| anyhow::anyhow!("course sintetis-001 missing"))?;
    let year = chrono::Datelike::year(&Utc::now());
    let nip = seed_nip(4);
    println!("backend: {}", lentera_store::backend_name(db));
    println!(
        "{:<52} {:>8} {:>10} {:>10}",
        "report", "rows", "min ms", "median ms"
    );
    macro_rules! time {
        ($name:expr, $body:expr) => {{
            let mut times = Vec::new();
            let mut rows = 0usize;
            for _ in 0..5 {
                let t = Instant::now();
                rows = $body.await?.len();
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            times.sort_by(f64::total_cmp);
            println!(
                "{:<52} {:>8} {:>10.1} {:>10.1}",
                $name, rows, times[0], times[2]
            );
        }};
    }
    time!(
        "JP per person, whole instansi, this year",
        reports::jp_report(db, &all, year)
    );
    time!(
        "JP per person, one unit kerja with sub-units",
        reports::jp_report(db, &one, year)
    );
    time!(
        "course states, one course, whole instansi",
        reports::course_states(db, &all, course.id)
    );
    time!(
        "completion rates per course, whole instansi",
        reports::completion_rates(db, &all)
    );
    time!(
        "certificate look-up by NIP, whole instansi",
        reports::certificates_in(db, &all, Some(&nip), None)
    );
    time!("users page 1 with search, whole instansi", async {
        org::users_in(db, Some(&all), Some("Siti"), 0, 50)
            .await
            .map(|(u, _)| u)
    });
    Ok(())
}
