//! Units, users, CSV import, manager scoping, reports and exports, outside JP,
//! certificate PDFs, badges and revocation.

use std::io::Read;

use lentera_tests::{LEARNER, OTHER_LEARNER, TestApp, error_code, pdf_text, spawn_app};
use serde_json::{Value, json};

/// BUNGO (seeded, holds the two seeded learners)
///   ├─ BUNGO-DINKES ── BUNGO-DINKES-PKM (a Puskesmas)
///   └─ BUNGO-BKPSDM
/// SAWAHLUNTO (another regency)
async fn build_tree(app: &TestApp, admin: &str) {
    for (code, name, parent) in [
        ("BUNGO-DINKES", "Dinas Kesehatan", Some("BUNGO")),
        (
            "BUNGO-DINKES-PKM",
            "Puskesmas Muara Bungo",
            Some("BUNGO-DINKES"),
        ),
        ("BUNGO-BKPSDM", "BKPSDM Kabupaten Bungo", Some("BUNGO")),
        ("SAWAHLUNTO", "Pemerintah Kota Sawahlunto", None),
    ] {
        let (status, body) = app
            .post(
                "/api/v1/units",
                admin,
                Some(json!({"code": code, "name": name, "parent": parent})),
            )
            .await;
        assert_eq!(status, 201, "{code}: {body}");
    }
}

/// Creates a user through the API and signs in with the initial password.
async fn new_user(
    app: &TestApp,
    admin: &str,
    nip: &str,
    name: &str,
    unit: &str,
    roles: &[&str],
) -> String {
    let (status, body) = app
        .post(
            "/api/v1/users",
            admin,
            Some(json!({"nip": nip, "name": name, "unit": unit, "roles": roles})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["username"], nip);
    let password = body["initial_password"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(password.len(), 12);
    app.login_with(nip, &password).await
}

fn nips(report: &Value) -> Vec<String> {
    let mut out: Vec<String> = report["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["nip"].as_str().map(str::to_owned))
        .collect();
    out.sort();
    out
}

const PKM_NURSE: &str = "199203142018012002";
const BKPSDM_STAFF: &str = "198811202012121001";
const SAWAHLUNTO_STAFF: &str = "197905052005011004";
const DINKES_HEAD: &str = "197501012000031001";
const BUNGO_HEAD: &str = "197002021995031002";

#[tokio::test]
async fn managers_see_exactly_their_units_in_reports_and_exports() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    build_tree(&app, &admin).await;
    let nurse = new_user(
        &app,
        &admin,
        PKM_NURSE,
        "Ns. Dewi Lestari",
        "BUNGO-DINKES-PKM",
        &["learner"],
    )
    .await;
    let _ = new_user(
        &app,
        &admin,
        BKPSDM_STAFF,
        "Andi Saputra",
        "BUNGO-BKPSDM",
        &["learner"],
    )
    .await;
    let far = new_user(
        &app,
        &admin,
        SAWAHLUNTO_STAFF,
        "Yusuf Efendi",
        "SAWAHLUNTO",
        &["learner"],
    )
    .await;
    let dinkes = new_user(
        &app,
        &admin,
        DINKES_HEAD,
        "dr. Hendra Gunawan",
        "BUNGO-DINKES",
        &["manager"],
    )
    .await;
    let bungo = new_user(
        &app,
        &admin,
        BUNGO_HEAD,
        "Drs. Syamsul Bahri",
        "BUNGO",
        &["manager"],
    )
    .await;

    // The nurse and the far learner complete the fixture course (2 JP).
    app.complete_fixture_course(&nurse).await;
    app.complete_fixture_course(&far).await;
    let learner = app.login(LEARNER).await;
    app.complete_fixture_course(&learner).await;

    // The Dinkes manager sees Dinkes and its Puskesmas: the nurse and themself.
    let (status, report) = app.get("/api/v1/reports/jp", &dinkes).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(nips(&report), vec![DINKES_HEAD, PKM_NURSE]);
    let nurse_row = report["rows"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["nip"] == PKM_NURSE))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (
            nurse_row["jp"].as_i64(),
            nurse_row["target"].as_i64(),
            nurse_row["short"].as_i64()
        ),
        (Some(2), Some(20), Some(18))
    );
    assert_eq!(nurse_row["unit"], "BUNGO-DINKES-PKM");
    assert_eq!(
        (
            nurse_row["courses_completed"].as_i64(),
            nurse_row["courses_in_progress"].as_i64(),
            nurse_row["courses_not_started"].as_i64()
        ),
        (Some(1), Some(0), Some(0))
    );
    // ...and nothing of its parent or siblings, not even by naming them.
    for unit in ["BUNGO", "BUNGO-BKPSDM", "SAWAHLUNTO"] {
        let (status, body) = app
            .get(&format!("/api/v1/reports/jp?unit={unit}"), &dinkes)
            .await;
        assert_eq!(
            (status, error_code(&body).as_str()),
            (404, "unit_not_found"),
            "{unit}"
        );
        let (status, _) = app
            .get(
                &format!("/api/v1/reports/completions?course=kursus-uji&unit={unit}"),
                &dinkes,
            )
            .await;
        assert_eq!(status, 404);
    }
    let (status, body) = app
        .get("/api/v1/reports/certificates?q=198503152010011003", &dinkes)
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["certificates"],
        json!([]),
        "a certificate outside the units is not found"
    );
    let (_, users) = app.get("/api/v1/users", &dinkes).await;
    assert_eq!(users["total"], 2);

    // The Bungo manager sees the whole regency, not Sawahlunto.
    let (_, report) = app.get("/api/v1/reports/jp", &bungo).await;
    let mut expected = vec![
        BUNGO_HEAD,
        BKPSDM_STAFF,
        DINKES_HEAD,
        PKM_NURSE,
        LEARNER,
        OTHER_LEARNER,
    ];
    expected.sort();
    assert_eq!(nips(&report), expected);
    let (_, sub) = app
        .get("/api/v1/reports/jp?unit=BUNGO-DINKES", &bungo)
        .await;
    assert_eq!(nips(&sub), vec![DINKES_HEAD, PKM_NURSE]);
    let (_, short) = app.get("/api/v1/reports/jp?short=1", &bungo).await;
    assert_eq!(nips(&short).len(), 6, "everyone is short of 20 JP");
    let (_, last_year) = app.get("/api/v1/reports/jp?year=2020", &bungo).await;
    assert!(
        last_year["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|r| r["jp"] == 0)
    );
    let (status, body) = app.get("/api/v1/reports/jp?year=20261", &bungo).await;
    assert_eq!((status, error_code(&body).as_str()), (400, "invalid_year"));

    // Course states and completion rates.
    let (_, states) = app
        .get("/api/v1/reports/completions?course=kursus-uji", &bungo)
        .await;
    // Everyone active in the units counts, staff accounts included (the seeded instructors
    // and admin work in BUNGO too): 2 completed of 9.
    assert_eq!(
        states["summary"],
        json!({"completed": 2, "in_progress": 0, "not_started": 7})
    );
    let (_, rates) = app.get("/api/v1/reports/completions", &bungo).await;
    assert_eq!(rates["courses"][0]["course"], "kursus-uji");
    assert_eq!(
        (
            rates["courses"][0]["enrolled"].as_i64(),
            rates["courses"][0]["completed"].as_i64()
        ),
        (Some(2), Some(2))
    );
    let (_, cert) = app
        .get(
            &format!("/api/v1/reports/certificates?q={PKM_NURSE}"),
            &bungo,
        )
        .await;
    assert_eq!(cert["certificates"].as_array().map(Vec::len), Some(1));

    // Exports hold the same rows.
    let (status, kind, csv) = app
        .get_bytes(
            "/api/v1/reports/jp?unit=BUNGO-DINKES&format=csv",
            Some(&dinkes),
        )
        .await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/csv"));
    let csv = String::from_utf8(csv).unwrap_or_default();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "nip,nama,unit,nama_unit,jp,jp_kursus,jp_luar,target,kurang,sertifikat,kursus_selesai,kursus_berjalan,kursus_belum_mulai"
    );
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        csv.contains(&format!(
            "{PKM_NURSE},Ns. Dewi Lestari,BUNGO-DINKES-PKM,Puskesmas Muara Bungo,2,2,0,20,18,1,1,0,0"
        )),
        "{csv}"
    );
    let (status, kind, xlsx) = app
        .get_bytes("/api/v1/reports/jp?format=xlsx", Some(&dinkes))
        .await;
    assert_eq!(status, 200);
    assert!(kind.contains("spreadsheetml"));
    let mut book =
        zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap_or_else(|e| panic!("xlsx: {e}"));
    let mut strings = String::new();
    book.by_name("xl/sharedStrings.xml")
        .unwrap_or_else(|e| panic!("{e}"))
        .read_to_string(&mut strings)
        .unwrap_or_default();
    assert!(strings.contains("Ns. Dewi Lestari") && strings.contains(PKM_NURSE));
    assert!(
        !strings.contains("Rahmat Hidayat"),
        "nobody outside the units"
    );
    let (status, _, csv) = app
        .get_bytes(
            "/api/v1/reports/completions?course=kursus-uji&format=csv",
            Some(&dinkes),
        )
        .await;
    assert_eq!(status, 200);
    let csv = String::from_utf8(csv).unwrap_or_default();
    assert!(
        csv.contains(&format!(
            "{PKM_NURSE},Ns. Dewi Lestari,BUNGO-DINKES-PKM,completed"
        )),
        "{csv}"
    );

    // A zip of the unit's certificate PDFs.
    let (status, kind, zipped) = app
        .get_bytes(
            "/api/v1/reports/certificates.zip?unit=BUNGO-DINKES",
            Some(&dinkes),
        )
        .await;
    assert_eq!((status, kind.as_str()), (200, "application/zip"));
    let archive =
        zip::ZipArchive::new(std::io::Cursor::new(zipped)).unwrap_or_else(|e| panic!("zip: {e}"));
    assert_eq!(archive.len(), 1);

    // Learners and instructors get no reports.
    for token in [&nurse, &app.login("instruktur").await] {
        let (status, body) = app.get("/api/v1/reports/jp", token).await;
        assert_eq!((status, error_code(&body).as_str()), (403, "forbidden"));
        let (status, _) = app.get("/api/v1/users", token).await;
        assert_eq!(status, 403);
    }
    // Managers read but do not administer.
    let (status, _) = app
        .post(
            "/api/v1/units",
            &bungo,
            Some(json!({"code": "X-1", "name": "X"})),
        )
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn admins_manage_units_and_users_and_bad_input_is_named() {
    let app = spawn_app().await;
    let admin = app.login("admin").await;
    build_tree(&app, &admin).await;
    let (status, body) = app
        .post(
            "/api/v1/units",
            &admin,
            Some(json!({"code": "BUNGO-DINKES", "name": "Lagi"})),
        )
        .await;
    assert_eq!((status, error_code(&body).as_str()), (409, "unit_exists"));
    let (status, body) = app
        .post(
            "/api/v1/units",
            &admin,
            Some(json!({"code": "a b", "name": "Spasi"})),
        )
        .await;
    assert_eq!((status, body["field"].as_str()), (422, Some("code")));
    // A unit cannot move below its own sub-unit.
    let (status, body) = app
        .put(
            "/api/v1/units/BUNGO-DINKES",
            &admin,
            json!({"name": "Dinas Kesehatan", "parent": "BUNGO-DINKES-PKM"}),
        )
        .await;
    assert_eq!((status, body["field"].as_str()), (422, Some("parent")));
    let (status, units) = app.get("/api/v1/units", &admin).await;
    assert_eq!(status, 200);
    let pkm = units["units"]
        .as_array()
        .and_then(|u| u.iter().find(|u| u["code"] == "BUNGO-DINKES-PKM"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (pkm["depth"].as_i64(), pkm["parent"].as_str()),
        (Some(2), Some("BUNGO-DINKES"))
    );

    for (body, field) in [
        (
            json!({"nip": "12345", "name": "X", "unit": "BUNGO", "roles": ["learner"]}),
            "nip",
        ),
        (
            json!({"nip": "199203142018012002", "name": "", "unit": "BUNGO", "roles": ["learner"]}),
            "name",
        ),
        (
            json!({"nip": "199203142018012002", "name": "X", "unit": "NOPE", "roles": ["learner"]}),
            "unit",
        ),
        (
            json!({"nip": "199203142018012002", "name": "X", "unit": "BUNGO", "roles": ["raja"]}),
            "roles",
        ),
        (
            json!({"nip": "199203142018012002", "name": "X", "roles": ["manager"]}),
            "unit",
        ),
        (
            json!({"nip": "199203142018012002", "name": "X", "email": "tanpa-at", "roles": ["learner"]}),
            "email",
        ),
    ] {
        let (status, res) = app.post("/api/v1/users", &admin, Some(body.clone())).await;
        assert_eq!(
            (status, res["field"].as_str()),
            (422, Some(field)),
            "{body}: {res}"
        );
    }
    let (status, res) = app
        .post(
            "/api/v1/users",
            &admin,
            Some(json!({"nip": LEARNER, "name": "Dobel", "roles": ["learner"]})),
        )
        .await;
    assert_eq!((status, error_code(&res).as_str()), (409, "user_exists"));

    // Deactivating a user ends their sessions at once.
    let other = app.login(OTHER_LEARNER).await;
    let (status, _) = app
        .put(
            &format!("/api/v1/users/{OTHER_LEARNER}"),
            &admin,
            json!({"name": "Siti Aminah", "unit": "BUNGO-BKPSDM", "roles": ["learner"], "active": false}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = app.get("/api/v1/me", &other).await;
    assert_eq!(status, 401);
    // An admin cannot lock themself out.
    let (status, res) = app
        .put(
            "/api/v1/users/admin",
            &admin,
            json!({"name": "Admin", "roles": ["learner"]}),
        )
        .await;
    assert_eq!((status, res["field"].as_str()), (422, Some("roles")));

    // Bulk import: good rows in, bad rows listed with line and reason.
    let csv = format!(
        "nip,name,email,unit_code,roles\n\
{PKM_NURSE},Ns. Dewi Lestari,dewi@dinkes.bungokab.go.id,BUNGO-DINKES-PKM,learner\n\
19920314201801200,NIP Pendek,,BUNGO-DINKES,learner\n\
199213142018012002,Bulan Salah,,BUNGO-DINKES,learner\n\
199203142018013002,Kelamin Salah,,BUNGO-DINKES,learner\n\
{BKPSDM_STAFF},Andi Saputra,,BUNGO-BKPSDM,learner;manager\n\
{LEARNER},Sudah Terdaftar,,BUNGO,learner\n\
{DINKES_HEAD},Unit Tak Dikenal,,BUNGO-XYZ,learner\n\
{PKM_NURSE},Baris Ganda,,BUNGO-DINKES-PKM,learner\n"
    );
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("asn.csv"),
    );
    let res = app
        .api
        .post(app.url("/api/v1/users/import"))
        .bearer_auth(&admin)
        .multipart(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 200);
    let report: Value = res.json().await.unwrap_or_default();
    let imported: Vec<&str> = report["imported"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["username"].as_str())
        .collect();
    assert_eq!(imported, vec![PKM_NURSE, BKPSDM_STAFF]);
    let rejected: Vec<(i64, String)> = report["rejected"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r["line"].as_i64().unwrap_or_default(),
                r["pesan"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let lines: Vec<i64> = rejected.iter().map(|r| r.0).collect();
    assert_eq!(lines, vec![3, 4, 5, 7, 8, 9], "{report}");
    assert!(
        rejected[0].1.contains("18 angka")
            && rejected[1].1.contains("tanggal lahir")
            && rejected[2].1.contains("jenis kelamin")
    );
    assert!(
        rejected[3].1.contains("sudah ada")
            && rejected[4].1.contains("BUNGO-XYZ")
            && rejected[5].1.contains("baris 2")
    );
    // The imported users can sign in with their initial password, with their roles.
    let password = report["imported"][1]["initial_password"]
        .as_str()
        .unwrap_or_default();
    let andi = app.login_with(BKPSDM_STAFF, password).await;
    let (_, me) = app.get("/api/v1/me", &andi).await;
    assert!(me["roles"].as_array().is_some_and(|r| r.len() == 2), "{me}");
    // Nothing was half-imported: the bad rows' NIPs do not exist.
    let (_, users) = app
        .get(&format!("/api/v1/users?q={DINKES_HEAD}"), &admin)
        .await;
    assert_eq!(users["total"], 0);
    // A page number far past the end is an empty page, not an overflow.
    let (status, users) = app
        .get("/api/v1/users?page=18446744073709551615", &admin)
        .await;
    assert_eq!((status, users["users"].clone()), (200, json!([])));
}

#[tokio::test]
async fn certificates_come_as_pdf_and_badge_and_revocation_shows_at_once() {
    let app = spawn_app().await;
    let learner = app.login(LEARNER).await;
    let cert = app.complete_fixture_course(&learner).await;
    let code = cert["code"].as_str().unwrap_or_default().to_owned();
    let number = cert["number"].as_str().unwrap_or_default().to_owned();
    assert_eq!(
        cert["pdf_url"],
        format!("http://lentera.test/certificates/{code}.pdf")
    );

    // The PDF: A4 landscape with the holder, NIP, number and JP in its text (the whole NIP
    // for the holder, signed in; the public document masks it).
    let (status, kind, pdf) = app
        .get_bytes(&format!("/certificates/{code}.pdf"), Some(&learner))
        .await;
    assert_eq!((status, kind.as_str()), (200, "application/pdf"));
    assert!(pdf.starts_with(b"%PDF-"));
    if let Some(text) = pdf_text(&pdf) {
        for expected in [
            "Rahmat Hidayat",
            LEARNER,
            number.as_str(),
            "2 JP",
            "Kursus Uji Lentera",
            "Pemerintah Kabupaten Bungo",
        ] {
            assert!(
                text.contains(expected),
                "`{expected}` missing from the PDF text:\n{text}"
            );
        }
    }
    let (status, _, zipped) = app
        .get_bytes("/api/v1/me/certificates.zip", Some(&learner))
        .await;
    assert_eq!(status, 200);
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(zipped)).unwrap_or_else(|e| panic!("zip: {e}"));
    let first = archive
        .by_index(0)
        .ok()
        .and_then(|f| f.name().ok().map(|n| n.to_string()));
    assert_eq!(first, Some(format!("{number}.pdf")));

    // The Open Badges 3.0 credential verifies with the published key.
    let (status, badge) = app
        .get(&format!("/api/v1/certificates/{code}/badge"), &learner)
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        badge["type"],
        json!(["VerifiableCredential", "OpenBadgeCredential"])
    );
    let (_, keys) = app.get("/api/v1/certificates/keys", &learner).await;
    let public = keys["keys"][0]["public_key"].as_str().unwrap_or_default();
    use base64::Engine;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(public)
        .unwrap_or_default();
    let key: [u8; 32] = raw.try_into().unwrap_or([0; 32]);
    assert!(lentera_certificate::verify_open_badge(&badge, &key).is_ok());
    let mut forged = badge.clone();
    forged["credentialSubject"]["achievement"]["name"] = json!("Kursus Lain");
    assert!(lentera_certificate::verify_open_badge(&forged, &key).is_err());

    // Only admins revoke, with a reason; the look-up and the ledger change at once.
    let (status, _) = app
        .post(
            &format!("/api/v1/certificates/{code}/revoke"),
            &learner,
            Some(json!({"reason": "Data pelatihan tidak benar"})),
        )
        .await;
    assert_eq!(status, 403);
    let admin = app.login("admin").await;
    let (status, body) = app
        .post(
            &format!("/api/v1/certificates/{code}/revoke"),
            &admin,
            Some(json!({"reason": "x"})),
        )
        .await;
    assert_eq!((status, body["field"].as_str()), (422, Some("reason")));
    let (status, body) = app
        .post(
            &format!("/api/v1/certificates/{number}/revoke"),
            &admin,
            Some(json!({"reason": "Data pelatihan tidak benar"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app
        .post(
            &format!("/api/v1/certificates/{code}/revoke"),
            &admin,
            Some(json!({"reason": "Sekali lagi"})),
        )
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (409, "already_revoked")
    );
    let (_, lookup) = app
        .get(&format!("/api/v1/certificates/{code}"), &learner)
        .await;
    assert_eq!(
        (lookup["valid"].as_bool(), lookup["revoked"].as_bool()),
        (Some(false), Some(true))
    );
    assert_eq!(lookup["revocation_reason"], "Data pelatihan tidak benar");
    let (_, progress) = app.get("/api/v1/me/progress", &learner).await;
    assert_eq!(
        progress["jp"]["earned"], 0,
        "a revoked certificate credits no JP"
    );
    let (status, _) = app
        .get(&format!("/api/v1/certificates/{code}/badge"), &learner)
        .await;
    assert_eq!(status, 410);
    if let Some(text) = pdf_text(
        &app.get_bytes(&format!("/certificates/{code}.pdf"), None)
            .await
            .2,
    ) {
        assert!(text.contains("DICABUT"), "{text}");
    }
    let page = app
        .api
        .get(app.url(&format!("/verifikasi/{code}")))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let html = page.text().await.unwrap_or_default();
    assert!(html.contains("DICABUT") && html.contains("Data pelatihan tidak benar"));

    // JP from outside Lentera counts in the ledger.
    let (status, body) = app
        .post(
            &format!("/api/v1/users/{LEARNER}/jp"),
            &admin,
            Some(json!({"jp": 8, "title": "Diklat Kepemimpinan Pengawas (klasikal)", "kind": "pelatihan_klasikal",
                        "document_ref": "800/123/BKPSDM/2026", "held_on": "2026-03-10"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = app
        .post(
            &format!("/api/v1/users/{LEARNER}/jp"),
            &admin,
            Some(json!({"jp": 0, "title": "X", "kind": "seminar", "document_ref": "1", "held_on": "2026-03-10"})),
        )
        .await;
    assert_eq!((status, body["field"].as_str()), (422, Some("jp")));
    let (_, ledger) = app.get("/api/v1/me/jp?year=2026", &learner).await;
    assert_eq!(ledger["earned"], 8, "{ledger}");
    assert_eq!(ledger["outside"][0]["document_ref"], "800/123/BKPSDM/2026");
    assert_eq!(ledger["courses"][0]["revoked"], true);

    // Every admin action is in the audit log.
    let db = app.db().await;
    let actions = audit_actions(&db).await;
    for a in ["certificate.revoked", "jp.recorded"] {
        assert!(
            actions.iter().any(|x| x == a),
            "{a} not audited: {actions:?}"
        );
    }
}

#[tokio::test]
async fn certificate_look_ups_are_rate_limited_per_address() {
    let app = spawn_app().await;
    // 60 a minute, one back each second: under a loaded machine a look-up or two may be
    // given back before the 61st, so a few more are sent; the first 60 always pass.
    let mut statuses = Vec::new();
    for _ in 0..70 {
        let (status, _) = app
            .call(
                reqwest::Method::GET,
                "/api/v1/certificates/ABCDEFGHJKLMNPQRSTUVWXYZ",
                None,
                None,
            )
            .await;
        statuses.push(status);
    }
    assert!(statuses[..60].iter().all(|s| *s == 404), "{statuses:?}");
    assert!(statuses[60..].contains(&429), "{statuses:?}");
}

async fn audit_actions(db: &lentera_store::Db) -> Vec<String> {
    lentera_store::audit::recent(db, 100)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|e| e.action)
        .collect()
}
