//! The pages in Indonesian and English conventions, read as HTML (no browser needed):
//! numbers and dates written as each language writes them, titles without markup, the
//! public verification page without jargon up front.

use lentera_tests::{LEARNER, OTHER_LEARNER, TestApp, spawn_app};
use serde_json::{Value, json};

/// A page as a signed-in person (the session cookie holds the API's token) in `lang`.
async fn page(app: &TestApp, path: &str, token: Option<&str>, lang: &str) -> (u16, String) {
    let mut cookie = format!("lentera_lang={lang}");
    if let Some(t) = token {
        cookie.push_str(&format!("; lentera_session={t}"));
    }
    let res = app
        .api
        .get(app.url(path))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    let status = res.status().as_u16();
    (status, res.text().await.unwrap_or_default())
}

/// The text of the page's `<title>`.
fn title(html: &str) -> &str {
    html.split_once("<title>")
        .and_then(|(_, rest)| rest.split_once("</title>"))
        .map_or("", |(t, _)| t)
}

/// A learner's attempt at the fixture quiz with 1.5 of 7 points: question q1 right and
/// half of the multiple choice q4. Returns the attempt's id.
async fn partly_right(app: &TestApp, token: &str) -> i64 {
    app.post("/api/v1/courses/kursus-uji/enrollment", token, None)
        .await;
    let (status, attempt) = app
        .post(
            "/api/v1/courses/kursus-uji/quizzes/kuis-akhir/attempts",
            token,
            None,
        )
        .await;
    assert_eq!(status, 201, "{attempt}");
    let key = app.answer_key("kuis-akhir").await;
    let pick = |q: &str| {
        key.as_array()
            .into_iter()
            .flatten()
            .find(|r| r["question"] == q)
            .cloned()
            .unwrap_or_else(|| panic!("no {q} in {key}"))
    };
    let mut half = pick("q4");
    let first: Vec<Value> = half["choices"]
        .as_array()
        .into_iter()
        .flatten()
        .take(1)
        .cloned()
        .collect();
    half["choices"] = json!(first);
    let id = attempt["id"].as_i64().unwrap_or_default();
    let (status, result) = app
        .post(
            &format!("/api/v1/attempts/{id}/submit"),
            token,
            Some(json!({"responses": [pick("q1"), half]})),
        )
        .await;
    assert_eq!(status, 200, "{result}");
    assert_eq!(result["score"], json!(1.5), "{result}");
    id
}

const BULAN: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Today `hours` east of UTC (certificates are dated in UTC, attempts shown in WIB, +7)
/// as each language writes a date.
fn today(hours: i64) -> (String, String) {
    use chrono::Datelike;
    let d = (chrono::Utc::now() + chrono::Duration::hours(hours)).date_naive();
    let m = d.month0() as usize;
    (
        format!("{} {} {}", d.day(), BULAN[m], d.year()),
        format!("{} {}, {}", MONTHS[m], d.day(), d.year()),
    )
}

/// Defect 10: decimal comma and dot, `30 November 2026` and `November 30, 2026`.
#[tokio::test]
async fn numbers_and_dates_are_written_as_each_language_writes_them() {
    let app = spawn_app().await;
    let learner = app.login(LEARNER).await;
    let id = partly_right(&app, &learner).await;
    let result = format!("/percobaan/{id}/hasil");
    let (status, html) = page(&app, &result, Some(&learner), "id").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("(1,5 / 7 poin)") && html.contains("<strong>21,4%</strong>"),
        "Indonesian: decimal comma: {html}"
    );
    assert!(!html.contains("1.5") && !html.contains("1.50"), "{html}");
    let (_, html) = page(&app, &result, Some(&learner), "en").await;
    assert!(
        html.contains("(1.5 / 7 points)"),
        "English: decimal point: {html}"
    );
    // The quiz page lists the attempt with its date and time.
    let (_, html) = page(
        &app,
        "/kursus/kursus-uji/kuis/kuis-akhir",
        Some(&learner),
        "id",
    )
    .await;
    let (id_date, en_date) = today(7);
    assert!(
        html.contains(&format!("{id_date} pukul ")),
        "Indonesian date and time: {html}"
    );
    let (_, html) = page(
        &app,
        "/kursus/kursus-uji/kuis/kuis-akhir",
        Some(&learner),
        "en",
    )
    .await;
    assert!(html.contains(&format!("{en_date}, ")), "{html}");

    // A certificate's date, and a statistic with one decimal.
    let other = app.login(OTHER_LEARNER).await;
    let certificate = app.complete_fixture_course(&other).await;
    let (_, html) = page(&app, "/sertifikat", Some(&other), "id").await;
    let (id_date, en_date) = today(0);
    assert!(html.contains(&id_date), "`{id_date}` in {html}");
    let (_, html) = page(&app, "/sertifikat", Some(&other), "en").await;
    assert!(html.contains(&en_date), "`{en_date}` in {html}");
    let code = certificate["code"].as_str().unwrap_or_default();
    let (_, html) = page(&app, &format!("/verifikasi/{code}"), None, "id").await;
    assert!(html.contains(&id_date), "`{id_date}` in {html}");
    // Average of 21.4% and 100%: 60.7%.
    let admin = app.login("admin").await;
    let stats = "/pengajar/kursus/kursus-uji/kuis/kuis-akhir/statistik";
    let (_, html) = page(&app, stats, Some(&admin), "id").await;
    assert!(html.contains("60,7%"), "{html}");
    let (_, html) = page(&app, stats, Some(&admin), "en").await;
    assert!(html.contains("60.7%"), "{html}");
}

/// Defect 10: the certificates page's title held the ledger's HTML.
#[tokio::test]
async fn page_titles_are_plain_text() {
    let app = spawn_app().await;
    let learner = app.login(LEARNER).await;
    app.complete_fixture_course(&learner).await;
    for (lang, expected) in [
        ("id", "Sertifikat saya · Lentera"),
        ("en", "My certificates · Lentera"),
    ] {
        let (status, html) = page(&app, "/sertifikat", Some(&learner), lang).await;
        assert_eq!(status, 200);
        assert_eq!(title(&html), expected, "{html}");
    }
    for path in ["/", "/katalog", "/kursus/kursus-uji", "/verifikasi"] {
        let (_, html) = page(&app, path, Some(&learner), "id").await;
        let t = title(&html);
        assert!(
            !t.is_empty() && !t.contains(['<', '>']),
            "{path}: `{t}` is plain text"
        );
    }
}

/// Defect 10: the public verification page says what a visitor needs; the signature's
/// algorithm and the keys' address are in a collapsed technical section.
#[tokio::test]
async fn the_verification_page_keeps_its_jargon_in_a_technical_section() {
    let app = spawn_app().await;
    let learner = app.login(LEARNER).await;
    let certificate = app.complete_fixture_course(&learner).await;
    let code = certificate["code"].as_str().unwrap_or_default();
    for lang in ["id", "en"] {
        let (status, html) = page(&app, &format!("/verifikasi/{code}"), None, lang).await;
        assert_eq!(status, 200);
        let (before, details) = html
            .split_once("<details")
            .unwrap_or_else(|| panic!("a technical section: {html}"));
        assert!(
            !details.contains("<details open") && !details.starts_with(" open"),
            "collapsed"
        );
        let details = details.split("</details>").next().unwrap_or_default();
        for jargon in ["Ed25519", "/api/v1/certificates/keys"] {
            assert!(!before.contains(jargon), "`{jargon}` before the details");
            assert!(details.contains(jargon), "`{jargon}` in the details");
        }
    }
}
