//! The learner's side of "people on a phone": a result page that leads with the news and
//! marks each question, verification by the printed number with the holder's NIP, an
//! attempt page that says which attempt it is and counts right, wayfinding (continue,
//! "Materi 2 dari 6", a notice after "Tandai selesai", one measure of progress, a
//! catalogue search), error pages like every other page, and essays graded said so.

use crate::pages::{pair, signed_in};
use lentera_tests::{LEARNER, OTHER_LEARNER, TestApp, error_code, spawn_app};
use serde_json::{Value, json};

/// A page fetched with a session cookie (the API's token) in `lang`, without JavaScript.
async fn page(app: &TestApp, path: &str, token: Option<&str>, lang: &str) -> (u16, String) {
    let mut cookie = format!("lentera_lang={lang}");
    if let Some(t) = token {
        cookie.push_str(&format!("; lentera_session={t}"));
    }
    let res = app
        .api
        .get(app.url(path))
        .header("cookie", cookie)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    let status = res.status().as_u16();
    (status, plain(&res.text().await.unwrap_or_default()))
}

/// The page with the slashes the template escaper writes as `&#x2f;` in links put back.
fn plain(html: &str) -> String {
    html.replace("&#x2f;", "/")
}

/// The text between `start` and the next `end` after it (empty when absent).
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    html.split_once(start)
        .and_then(|(_, rest)| rest.split_once(end))
        .map_or("", |(inside, _)| inside)
}

/// Where `needle` is in `html`, for "this comes before that".
fn at(html: &str, needle: &str) -> usize {
    html.find(needle)
        .unwrap_or_else(|| panic!("{needle} not on the page: {html}"))
}

/// The printed number and the holder's NIP find the certificate, as the code does; a number
/// alone, or with another NIP, or one that does not exist, finds nothing, all alike.
#[tokio::test]
async fn the_printed_number_with_the_nip_verifies_a_certificate() {
    let app = spawn_app().await;
    let learner = app.login(LEARNER).await;
    let certificate = app.complete_fixture_course(&learner).await;
    let code = certificate["code"].as_str().unwrap_or_default().to_owned();
    let number = certificate["number"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(number.starts_with("LNT-"), "{certificate}");

    // "Sertifikat saya" shows the number.
    let (_, mine) = page(&app, "/sertifikat", Some(&learner), "id").await;
    assert!(mine.contains(&number), "{mine}");

    // API: the same answer as by code, with the number typed in lower case and the NIP in
    // groups, as people type them.
    let (status, by_code) = app
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/certificates/{code}"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 200, "{by_code}");
    let typed = number.to_lowercase().replace('-', " ");
    let path = format!(
        "/api/v1/certificates/lookup?number={}&nip={}",
        typed.replace(' ', "%20"),
        "19850315%20201001%201%20003"
    );
    let (status, by_number) = app.call(reqwest::Method::GET, &path, None, None).await;
    assert_eq!(status, 200, "{by_number}");
    assert_eq!(by_number, by_code);

    // Another NIP and a number that does not exist: the same 404, word for word.
    let other = format!("/api/v1/certificates/lookup?number={number}&nip={OTHER_LEARNER}");
    let (status, wrong_nip) = app.call(reqwest::Method::GET, &other, None, None).await;
    assert_eq!(
        (status, error_code(&wrong_nip)),
        (404, "certificate_not_found".into())
    );
    let none = format!("/api/v1/certificates/lookup?number=LNT-2026-999999&nip={LEARNER}");
    let (status, no_number) = app.call(reqwest::Method::GET, &none, None, None).await;
    assert_eq!(status, 404);
    assert_eq!(
        wrong_nip, no_number,
        "nothing tells whether the number exists"
    );
    // A number without its NIP is a broken request.
    let (status, _) = app
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/certificates/lookup?number={number}"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 400);

    // The page: number and NIP beside the code field.
    let (status, form) = page(&app, "/verifikasi", None, "id").await;
    assert_eq!(status, 200);
    assert!(
        form.contains("name=\"kode\"")
            && form.contains("name=\"nomor\"")
            && form.contains("name=\"nip\""),
        "{form}"
    );
    let (status, found) = page(
        &app,
        &format!(
            "/verifikasi?nomor={}&nip=19850315+201001+1+003",
            typed.replace(' ', "+")
        ),
        None,
        "id",
    )
    .await;
    assert_eq!(status, 200, "{found}");
    assert!(
        found.contains("class=\"ok verdict\"") && found.contains(&number),
        "{found}"
    );
    let (s1, wrong) = page(
        &app,
        &format!("/verifikasi?nomor={number}&nip={OTHER_LEARNER}"),
        None,
        "id",
    )
    .await;
    let (s2, missing) = page(
        &app,
        &format!("/verifikasi?nomor=LNT-2026-999999&nip={OTHER_LEARNER}"),
        None,
        "id",
    )
    .await;
    assert_eq!((s1, s2), (404, 404));
    let verdict = |html: &str| between(html, "id=\"verdict\">", "<").to_owned();
    assert!(!verdict(&wrong).is_empty(), "{wrong}");
    assert_eq!(verdict(&wrong), verdict(&missing));
    assert!(
        !wrong.contains("Kursus Uji Lentera"),
        "nothing of the certificate shown"
    );
    // The printed number typed where the code goes: asked for the NIP, the number kept.
    let (status, ask) = page(&app, &format!("/verifikasi?kode={number}"), None, "id").await;
    assert_eq!(status, 422, "{ask}");
    assert!(
        ask.contains("id=\"nip-error\"") && ask.contains(&format!("value=\"{number}\"")),
        "{ask}"
    );
}

/// The number look-up is rate-limited together with the code look-up.
#[tokio::test]
async fn looking_up_numbers_is_rate_limited_like_codes() {
    let app = spawn_app().await;
    let mut last = 0;
    for i in 0..200 {
        let (status, _) = app
            .call(
                reqwest::Method::GET,
                &format!("/api/v1/certificates/lookup?number=LNT-2026-{i:06}&nip={LEARNER}"),
                None,
                None,
            )
            .await;
        last = status;
        if status == 429 {
            break;
        }
        assert_eq!(status, 404);
    }
    assert_eq!(last, 429, "guessing NIPs is as slow as guessing codes");
    let (status, _) = app
        .call(
            reqwest::Method::GET,
            "/api/v1/certificates/ABCDEFGH",
            None,
            None,
        )
        .await;
    assert_eq!(status, 429, "one limit for both look-ups");
}

/// The result page: the outcome and what to do next first; each question marked right,
/// partly right or wrong in words and a sign; the right answer only where the learner's
/// differs; matching as pairs, ordering as an ordered list.
#[tokio::test]
async fn the_result_leads_with_the_outcome_and_marks_each_question() {
    let app = spawn_app().await;
    let learner = app.login(LEARNER).await;
    app.post("/api/v1/courses/kursus-uji/enrollment", &learner, None)
        .await;
    let (_, attempt) = app
        .post(
            "/api/v1/courses/kursus-uji/quizzes/kuis-akhir/attempts",
            &learner,
            None,
        )
        .await;
    let id = attempt["id"].as_i64().unwrap_or_default();
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
    half["choices"] = json!([half["choices"][0].clone()]);
    let (status, result) = app
        .post(
            &format!("/api/v1/attempts/{id}/submit"),
            &learner,
            Some(json!({"responses": [pick("q1"), half]})),
        )
        .await;
    assert_eq!(status, 200, "{result}");

    let (status, html) = page(
        &app,
        &format!("/percobaan/{id}/hasil"),
        Some(&learner),
        "id",
    )
    .await;
    assert_eq!(status, 200, "{html}");
    // The news first: failed, then the next step (try again; what is left), then the review.
    assert!(at(&html, "id=\"failed\"") < at(&html, "id=\"next-step\""));
    assert!(at(&html, "id=\"next-step\"") < at(&html, "id=\"review-q1\""));
    assert!(html.contains("id=\"retry\""), "another attempt offered");
    let remaining = between(&html, "id=\"remaining\">", "</ul>");
    assert!(
        remaining.contains("/kursus/kursus-uji/materi/pengantar")
            && remaining.contains("/kursus/kursus-uji/kuis/kuis-akhir"),
        "{remaining}"
    );
    assert!(html.contains("Percobaan ke-1"), "the attempt is named");
    // Marks in words and a sign.
    assert!(
        between(&html, "id=\"mark-q1\">", "</p>").contains("✓ Benar"),
        "{html}"
    );
    assert!(between(&html, "id=\"mark-q4\">", "</p>").contains("Sebagian benar"));
    assert!(between(&html, "id=\"mark-q2\">", "</p>").contains("✗ Salah"));
    // The right answer where the learner's was not right, and only there.
    assert!(
        !html.contains("id=\"correct-q1\""),
        "q1 was right: no second copy"
    );
    assert!(html.contains("id=\"correct-q4\"") && html.contains("id=\"correct-q2\""));
    let matching = between(&html, "id=\"correct-q6\">", "</ul>");
    assert!(matching.contains("<ul class=\"pairs\">"), "{matching}");
    assert!(
        matching.contains("<div><p>Prabencana</p>") && matching.contains("<div><p>Mitigasi</p>"),
        "{matching}"
    );
    let ordering = between(&html, "id=\"correct-q7\">", "</div>");
    assert!(
        ordering.contains("<ol class=\"answers\">")
            && at(ordering, "Prabencana") < at(ordering, "Tanggap darurat")
            && at(ordering, "Tanggap darurat") < at(ordering, "<p>Pascabencana"),
        "{ordering}"
    );

    // The second attempt completes the course: the page says so, with the certificate.
    app.post(
        "/api/v1/courses/kursus-uji/lessons/pengantar/complete",
        &learner,
        None,
    )
    .await;
    let (_, second) = app
        .post(
            "/api/v1/courses/kursus-uji/quizzes/kuis-akhir/attempts",
            &learner,
            None,
        )
        .await;
    let second = second["id"].as_i64().unwrap_or_default();
    let (status, done) = app
        .post(
            &format!("/api/v1/attempts/{second}/submit"),
            &learner,
            Some(json!({"responses": key})),
        )
        .await;
    assert_eq!(status, 200, "{done}");
    let code = done["certificate"]["code"].as_str().unwrap_or_default();
    let number = done["certificate"]["number"].as_str().unwrap_or_default();
    let (_, html) = page(
        &app,
        &format!("/percobaan/{second}/hasil"),
        Some(&learner),
        "en",
    )
    .await;
    assert!(at(&html, "id=\"passed\"") < at(&html, "id=\"course-completed\""));
    assert!(at(&html, "id=\"course-completed\"") < at(&html, "id=\"review-q1\""));
    let link = between(&html, "id=\"certificate-link\"", "</a>");
    assert!(link.contains(number), "{link}");
    assert!(
        html.contains(&format!("href=\"/certificates/{code}.pdf\"")),
        "{html}"
    );
    assert!(!html.contains("id=\"retry\""));
    assert!(html.contains("Attempt 2"), "in English too");
    assert!(
        !html.contains("id=\"correct-"),
        "all right: no right answers repeated"
    );
}

/// An essay waiting for its grade: the result says so first and offers no new attempt;
/// once graded, the learner's home and quiz page say so, with a link to the result.
#[tokio::test]
async fn an_essay_waits_for_its_grade_and_the_learner_is_told_when_graded() {
    let app = spawn_app().await;
    app.import_fixture("kursus-esai", "instruktur").await;
    let learner = app.login(LEARNER).await;
    app.post("/api/v1/courses/kursus-esai/enrollment", &learner, None)
        .await;
    let key = app.answer_key_of("kursus-esai", "tugas-esai").await;
    let (_, essay) = app
        .post(
            "/api/v1/courses/kursus-esai/quizzes/tugas-esai/attempts",
            &learner,
            None,
        )
        .await;
    let id = essay["id"].as_i64().unwrap_or_default();
    // The essay answered, the questions drawn from the bank left unanswered (wrong).
    let essay_only: Vec<Value> = lentera_tests::drawn_only(&key, &essay)
        .into_iter()
        .filter(|r| r["question"] == "e1")
        .collect();
    let (status, result) = app
        .post(
            &format!("/api/v1/attempts/{id}/submit"),
            &learner,
            Some(json!({ "responses": essay_only })),
        )
        .await;
    assert_eq!((status, &result["state"]), (200, &json!("pending_review")));
    let (_, html) = page(
        &app,
        &format!("/percobaan/{id}/hasil"),
        Some(&learner),
        "id",
    )
    .await;
    assert!(
        at(&html, "id=\"pending\"") < at(&html, "id=\"next-step\""),
        "{html}"
    );
    assert!(between(&html, "id=\"pending\"", "</p>").contains("Menunggu penilaian"));
    assert!(
        html.contains("mark-pending"),
        "the essay itself is marked as waiting"
    );
    assert!(
        !html.contains("id=\"retry\""),
        "no new attempt while one waits for its grade"
    );
    // This quiz shows the right answers only after the last attempt: none yet, though the
    // questions from the bank were not answered (marked wrong).
    assert!(html.contains("mark-wrong"), "{html}");
    assert!(!html.contains("id=\"correct-"), "{html}");
    let (_, home) = page(&app, "/", Some(&learner), "id").await;
    assert!(!home.contains("id=\"graded\""), "nothing graded yet");

    let admin = app.login("admin").await;
    let (_, view) = app.get(&format!("/api/v1/grading/{id}"), &admin).await;
    let grades: Vec<Value> = view["essays"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| json!({"question": e["question"], "score": e["points"]}))
        .collect();
    let (status, graded) = app
        .post(
            &format!("/api/v1/grading/{id}"),
            &admin,
            Some(json!({ "grades": grades })),
        )
        .await;
    assert_eq!(status, 200, "{graded}");

    let link = format!("href=\"/percobaan/{id}/hasil\"");
    let (_, home) = page(&app, "/", Some(&learner), "id").await;
    let news = between(&home, "id=\"graded\"", "</section>");
    assert!(
        news.contains(&link) && news.contains("Tugas Esai"),
        "{home}"
    );
    let (_, quiz) = page(
        &app,
        "/kursus/kursus-esai/kuis/tugas-esai",
        Some(&learner),
        "en",
    )
    .await;
    assert!(
        between(&quiz, "id=\"graded\"", "</section>").contains(&link),
        "{quiz}"
    );
    // Another learner sees no one else's news.
    let other = app.login(OTHER_LEARNER).await;
    let (_, theirs) = page(&app, "/", Some(&other), "id").await;
    assert!(!theirs.contains("id=\"graded\""));
}

/// The attempt page names the attempt, counts answered questions as saved on each page of
/// the navigator, and its error summary lists refused answers on other pages too, each
/// linked to its page and field (what was valid is saved and counted).
#[tokio::test]
async fn the_attempt_page_names_the_attempt_and_counts_and_summarises_right() {
    let app = spawn_app().await;
    // Eight questions in a fixed order: h1-h5 on page 1, h6, h7 and the short answer t1
    // on page 2.
    app.import_fixture("kursus-angka", "instruktur").await;
    let (b, csrf) = signed_in(&app, LEARNER).await;
    let (status, _, _) = b
        .post("/kursus/kursus-angka/daftar", &[pair("csrf", &csrf)])
        .await;
    assert_eq!(status, 303);
    let (status, attempt, _) = b
        .post(
            "/kursus/kursus-angka/kuis/hitung/mulai",
            &[pair("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, 303, "{attempt}");
    let first = plain(&b.get(&attempt).await.2);
    assert!(
        between(&first, "id=\"attempt-number\">", "<").contains("Percobaan ke-1"),
        "{first}"
    );
    assert!(!first.contains("#1<"), "not a bare #1");
    let shown = |page: &[&str]| -> Vec<(String, String)> {
        page.iter().map(|q| pair("shown", q)).collect()
    };
    let one = ["h1", "h2", "h3", "h4", "h5"];
    assert!(one.iter().all(|q| first.contains(&format!("id=\"q-{q}\""))));

    // Two answers on page 1, then on to page 2: the navigator counts them on page 1.
    let mut form = vec![pair("csrf", &csrf), pair("halaman", "1"), pair("ke", "2")];
    form.extend(shown(&one));
    form.push(pair("a.h1", "2"));
    form.push(pair("a.h2", "3"));
    let (status, to, _) = b.post(&attempt, &form).await;
    assert_eq!(status, 303);
    let html = plain(&b.get(&to).await.2);
    let nav = between(&html, "aria-label=\"Halaman soal\"", "</nav>");
    assert!(nav.contains("1 <small>(2/5)</small>"), "{nav}");
    assert!(
        nav.contains("2 <small id=\"answered-here\" data-total=\"3\">(0/3)</small>"),
        "{nav}"
    );
    assert!(
        between(&html, "id=\"answered-count\"", "</span>").ends_with(">2"),
        "{html}"
    );

    // A short answer given, then cleared on its page: saved empty, no longer counted.
    let two = ["h6", "h7", "t1"];
    for (typed, counted) in [("JP", "(1/3)"), ("", "(0/3)")] {
        let mut form = vec![
            pair("csrf", &csrf),
            pair("halaman", "2"),
            pair("action", "simpan"),
        ];
        form.extend(shown(&two));
        form.push(pair("a.t1", typed));
        let (status, to, _) = b.post(&attempt, &form).await;
        assert_eq!(status, 303);
        let html = plain(&b.get(&to).await.2);
        let nav = between(&html, "aria-label=\"Halaman soal\"", "</nav>");
        assert!(nav.contains(counted), "{typed:?}: {nav}");
    }

    // A number that is not one on page 1 and on page 2: the summary lists both, the one
    // on the other page linked to that page and its field; what was valid is kept.
    let mut form = vec![
        pair("csrf", &csrf),
        pair("halaman", "2"),
        pair("action", "simpan"),
    ];
    form.extend(shown(&["h1", "h2", "h3", "h4", "h5", "h6", "h7", "t1"]));
    form.push(pair("a.h3", "tiga"));
    form.push(pair("a.h7", "delapan"));
    form.push(pair("a.h6", "7"));
    let (status, _, html) = b.post(&attempt, &form).await;
    let html = plain(&html);
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("id=\"q-h3\""),
        "the first page with a refusal is shown"
    );
    let summary = between(&html, "id=\"error-summary\"", "</ul>");
    assert!(summary.contains("href=\"#a-h3\""), "{summary}");
    assert!(summary.contains("href=\"?halaman=2#a-h7\""), "{summary}");
    let nav = between(&html, "aria-label=\"Halaman soal\"", "</nav>");
    assert!(nav.contains("(1/3)"), "h6 saved and counted: {nav}");
}

/// Wayfinding: "Lanjutkan" to the next undone item, one measure of progress, the lesson's
/// place among the lessons, and a notice after "Tandai selesai" on the next page.
#[tokio::test]
async fn the_learner_always_knows_where_they_are_and_where_to_go_on() {
    let app = spawn_app().await;
    let (b, csrf) = signed_in(&app, LEARNER).await;
    b.post("/kursus/kursus-uji/daftar", &[pair("csrf", &csrf)])
        .await;
    let home = plain(&b.get("/").await.2);
    let card = between(&home, "class=\"card course-card\"", "</li>");
    assert!(
        card.contains("0/2 materi dan kuis wajib selesai · 0%"),
        "{card}"
    );
    assert!(
        card.contains(
            "class=\"button primary continue\" href=\"/kursus/kursus-uji/materi/pengantar\""
        ),
        "{card}"
    );
    let (_, _, lesson) = b.get("/kursus/kursus-uji/materi/pengantar").await;
    assert!(
        between(&lesson, "id=\"position\">", "</span>").contains("Materi 1 dari 2"),
        "{lesson}"
    );
    assert!(!lesson.contains("id=\"just-done\""));
    assert!(!lesson.contains("<script"), "no script on a lesson page");

    // "Tandai selesai": on to the next item, which says the lesson was marked done.
    let (status, to, _) = b
        .post(
            "/kursus/kursus-uji/materi/pengantar/selesai",
            &[pair("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, 303);
    assert_eq!(
        to,
        "/kursus/kursus-uji/materi/bacaan-tambahan?selesai=pengantar"
    );
    let (_, _, next) = b.get(&to).await;
    assert!(
        between(&next, "id=\"just-done\"", "</p>").contains("Ditandai selesai"),
        "{next}"
    );
    assert!(next.contains("Materi 2 dari 2"));
    // A notice for a lesson that is not the course's is not shown.
    let (status, _, odd) = b
        .get("/kursus/kursus-uji/materi/bacaan-tambahan?selesai=%3Cb%3E")
        .await;
    assert_eq!(status, 200);
    assert!(!odd.contains("id=\"just-done\""));

    // Home: one measure, and "Lanjutkan" now leads to the quiz (the optional lesson can wait).
    let home = plain(&b.get("/").await.2);
    let card = between(&home, "class=\"card course-card\"", "</li>");
    assert!(
        card.contains("1/2 materi dan kuis wajib selesai · 50%"),
        "{card}"
    );
    assert!(
        card.contains("href=\"/kursus/kursus-uji/kuis/kuis-akhir\""),
        "{card}"
    );
    assert!(
        !card.contains("1/2 materi ·"),
        "no lessons-only count beside the percentage"
    );
}

/// The catalogue: a search box (title and summary), a category filter, the learner's state
/// in each course and its length, all through a GET form.
#[tokio::test]
async fn the_catalogue_is_searched_and_says_where_the_learner_stands() {
    let app = spawn_app().await;
    app.import_fixture("kursus-esai", "instruktur").await;
    let learner = app.login(LEARNER).await;
    let (_, html) = page(&app, "/katalog", Some(&learner), "id").await;
    assert!(
        html.contains("<form method=\"get\" action=\"/katalog\""),
        "{html}"
    );
    assert!(html.contains("name=\"cari\"") && html.contains("name=\"kategori\""));
    assert!(html.contains("2 JP · ± 1,5 jam"), "JP and hours: {html}");
    assert!(!html.contains("class=\"tag"), "not enrolled anywhere yet");

    let (_, found) = page(
        &app,
        "/katalog?cari=PENGUJIAN+otomatis",
        Some(&learner),
        "id",
    )
    .await;
    assert!(
        found.contains("/kursus/kursus-uji\"") && !found.contains("/kursus/kursus-esai\""),
        "{found}"
    );
    assert!(
        found.contains("value=\"PENGUJIAN otomatis\""),
        "the search is kept"
    );
    let (_, none) = page(
        &app,
        "/katalog?cari=tidak-ada-yang-cocok",
        Some(&learner),
        "id",
    )
    .await;
    assert!(!none.contains("/kursus/kursus-uji\"") && none.contains("Tidak ada kursus yang cocok"));
    let (status, by_category) = page(
        &app,
        "/katalog?kategori=kategori-lain",
        Some(&learner),
        "id",
    )
    .await;
    assert_eq!(status, 200);
    assert!(!by_category.contains("/kursus/kursus-uji\""));
    let (_, by_category) = page(
        &app,
        "/katalog?kategori=pengembangan-diri",
        Some(&learner),
        "id",
    )
    .await;
    assert!(by_category.contains("/kursus/kursus-uji\""));

    app.post("/api/v1/courses/kursus-esai/enrollment", &learner, None)
        .await;
    app.complete_fixture_course(&learner).await;
    let (_, html) = page(&app, "/katalog", Some(&learner), "id").await;
    let card = |slug: &str| between(&html, &format!("href=\"/kursus/{slug}\""), "</li>").to_owned();
    assert!(card("kursus-uji").contains("✓ Selesai"), "{html}");
    assert!(card("kursus-esai").contains(">Terdaftar<"), "{html}");
}

/// An error page is a page like every other: header, navigation, skip link and footer,
/// in the visitor's language.
#[tokio::test]
async fn error_pages_are_pages_like_every_other() {
    let app = spawn_app().await;
    let learner = app.login(LEARNER).await;
    let (status, html) = page(&app, "/kursus/tidak-ada", Some(&learner), "en").await;
    assert_eq!(status, 404);
    assert!(html.contains("class=\"skip\""), "skip link: {html}");
    assert!(html.contains("<footer") && html.contains("<nav"), "{html}");
    assert!(html.contains("lang=\"en\""), "{html}");
    assert!(html.contains("id=\"error-message\""), "{html}");
    assert!(
        html.contains("href=\"/katalog\""),
        "the learner's own navigation"
    );
    let (status, html) = page(&app, "/kursus/tidak-ada", Some(&learner), "id").await;
    assert_eq!(status, 404);
    assert!(html.contains("lang=\"id\""), "{html}");
}

/// A description (Moodle's text between questions) reads as text on the attempt page: not a
/// numbered question worth 0 points, and not counted among the questions to answer.
#[tokio::test]
async fn descriptions_between_questions_read_as_text_not_questions() {
    let app = spawn_app().await;
    // Kasus A (text), a1, Kasus B (text), b1, in that order.
    app.import_fixture("kursus-deskripsi", "instruktur").await;
    let (b, csrf) = signed_in(&app, LEARNER).await;
    let (status, _, _) = b
        .post("/kursus/kursus-deskripsi/daftar", &[pair("csrf", &csrf)])
        .await;
    assert_eq!(status, 303);
    let (status, attempt, _) = b
        .post(
            "/kursus/kursus-deskripsi/kuis/kasus/mulai",
            &[pair("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, 303, "{attempt}");
    let html = b.get(&attempt).await.2;
    let text = plain(&html);
    assert!(text.contains("Kasus A: antrean loket"), "{text}");
    assert!(text.contains("Soal 1") && text.contains("Soal 2"), "{text}");
    assert!(
        !text.contains("Soal 3"),
        "two questions, numbered 1 and 2: {text}"
    );
    assert!(
        !text.contains("0 poin"),
        "a text is worth no points and says nothing of it"
    );
    let description = between(&html, "id=\"q-kasus-a\"", "</div></div>");
    assert!(
        !description.contains("<legend") && !description.contains("<input"),
        "{description}"
    );
    let progress = between(&text, "id=\"progress\"", "</p>");
    assert!(
        progress.contains(">0</span> dari 2 soal terjawab"),
        "{progress}"
    );
}
