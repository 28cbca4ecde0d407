//! A quiz exported as Moodle's GIFT: for those who may read its answer key only, and what
//! is exported reads back into the same questions (every shipped quiz, round trip).

use lentera_assessment::{QuizSettings, parse_gift, quiz_from_questions, to_gift};
use lentera_tests::{error_code, spawn_app_with};
use serde_json::Value;

/// The GIFT without its comment lines (the header names the quiz's title, and a left-out
/// question is named in a comment: neither is read back) and blank lines.
fn body(gift: &str) -> Vec<&str> {
    gift.lines()
        .filter(|l| !l.starts_with("//") && !l.trim().is_empty())
        .collect()
}

/// The first line where two GIFT bodies differ, for a failure message that fits a screen.
fn first_difference(a: &[&str], b: &[&str]) -> Option<String> {
    let at = a.iter().zip(b).position(|(x, y)| x != y);
    match at {
        Some(i) => Some(format!("line {}: {:?} vs {:?}", i + 1, a[i], b[i])),
        None if a.len() != b.len() => Some(format!("{} lines vs {}", a.len(), b.len())),
        None => None,
    }
}

#[tokio::test]
async fn every_shipped_quiz_exports_as_gift_and_reads_back_the_same() {
    let app = spawn_app_with(true).await;
    let admin = app.login("admin").await;
    let (_, courses) = app.get("/api/v1/courses", &admin).await;
    let slugs: Vec<String> = courses["courses"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["slug"].as_str().map(str::to_owned))
        .collect();
    let mut quizzes = 0;
    let mut questions = 0;
    let mut left_out = 0;
    for slug in &slugs {
        let (_, outline) = app.get(&format!("/api/v1/courses/{slug}"), &admin).await;
        let items: Vec<String> = outline["quizzes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|i| i["slug"].as_str().map(str::to_owned))
            .collect();
        for quiz in items {
            let (_, _, bytes) = app
                .get_bytes(
                    &format!("/api/v1/courses/{slug}/quizzes/{quiz}/export?format=gift"),
                    Some(&admin),
                )
                .await;
            let exported = String::from_utf8(bytes).unwrap_or_else(|e| panic!("{e}"));
            let parsed = parse_gift(&exported).unwrap_or_else(|p| {
                panic!("{slug}/{quiz}: the export does not read back: {p:?}\n{exported}")
            });
            let (status, key) = app
                .get(
                    &format!("/api/v1/courses/{slug}/quizzes/{quiz}/key"),
                    &admin,
                )
                .await;
            assert_eq!(status, 200, "{key}");
            let kinds = |qs: &[Value]| -> Vec<String> {
                qs.iter()
                    .filter_map(|q| q["kind"].as_str().map(str::to_owned))
                    .collect()
            };
            let all_kinds = kinds(key["questions"].as_array().map_or(&[][..], |v| v));
            // GIFT has no ordering questions: they are left out, each with a comment saying so.
            let ordering = all_kinds.iter().filter(|k| *k == "ordering").count();
            assert_eq!(
                exported.matches("(ordering) is left out").count(),
                ordering,
                "{slug}/{quiz}: each ordering question left out says so"
            );
            left_out += ordering;
            let key_kinds: Vec<String> =
                all_kinds.into_iter().filter(|k| k != "ordering").collect();
            let read_kinds: Vec<String> = parsed
                .iter()
                .filter(|q| !q.is_description())
                .map(|q| q.kind.kind_name().to_owned())
                .collect();
            assert_eq!(
                read_kinds, key_kinds,
                "{slug}/{quiz}: the same questions, in order"
            );
            questions += read_kinds.len();
            let again = quiz_from_questions(&quiz, &QuizSettings::default(), parsed)
                .unwrap_or_else(|p| panic!("{slug}/{quiz}: {p:?}"));
            let written_again = to_gift(&again);
            let difference = first_difference(&body(&written_again), &body(&exported));
            assert!(
                difference.is_none(),
                "{slug}/{quiz}: exporting what was read back gives other GIFT: {difference:?}"
            );
            quizzes += 1;
        }
    }
    eprintln!(
        "{quizzes} shipped quizzes ({questions} questions) exported and read back unchanged; \
         {left_out} ordering questions left out (GIFT has none)"
    );
    assert!(quizzes >= 6, "every shipped course has a quiz: {quizzes}");
}

#[tokio::test]
async fn only_those_who_may_read_the_key_export_and_only_as_gift() {
    let app = spawn_app_with(false).await;
    // The fixture course has no owner: its key is the admins'.
    let owner = app.login("admin").await;
    let stranger = app.login("instruktur").await;
    let learner = app.login(lentera_tests::LEARNER).await;
    let url = "/api/v1/courses/kursus-uji/quizzes/kuis-akhir/export";
    let (status, kind, bytes) = app.get_bytes(url, Some(&owner)).await;
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/plain"), "{kind}");
    assert!(
        String::from_utf8_lossy(&bytes).contains('{'),
        "GIFT questions"
    );
    let (status, _, _) = app.get_bytes(url, Some(&learner)).await;
    assert_eq!(status, 403, "a learner never sees the answers");
    let (status, _, _) = app.get_bytes(url, Some(&stranger)).await;
    assert_eq!(status, 403, "nor an instructor of other courses");
    let (status, body) = app.get(&format!("{url}?format=qti"), &owner).await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (400, "invalid_format")
    );
    let (status, body) = app
        .get(
            "/api/v1/courses/kursus-uji/quizzes/tidak-ada/export",
            &owner,
        )
        .await;
    assert_eq!(
        (status, error_code(&body).as_str()),
        (404, "quiz_not_found")
    );
}
