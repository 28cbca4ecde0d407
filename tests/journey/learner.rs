//! The learner's side of "people on a phone": verification by the printed number with the
//! holder's NIP, error pages like every other page, an attempt page that says which
//! attempt it is and counts right, wayfinding (continue, "Materi 2 dari 6", a notice after
//! "Tandai selesai", one measure of progress, a catalogue search).

use crate::pages::{pair, signed_in};
use lentera_tests::{LEARNER, OTHER_LEARNER, TestApp, error_code, spawn_app};

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
