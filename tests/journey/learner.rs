//! The learner's side of "people on a phone": verification by the printed number with the
//! holder's NIP, error pages like every other page.

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
