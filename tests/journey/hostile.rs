//! Hostile input over every route of the route table: broken, huge and deeply nested
//! bodies on every write, control characters and absurd values in every path parameter and
//! query. Never a 5xx; a broken body is a 400 (in the JSON error shape on the API) and
//! changes nothing.

use sea_orm::{ConnectionTrait, Statement};

use crate::world::{Body, IDENTITIES, Row, World, is_error_shape, matrix};

/// The identity a row authorizes best (the last whose expected status is not a refusal):
/// a broken body must be refused on its own, not because of who sent it.
fn allowed_identity(row: &Row) -> usize {
    let expected: Vec<&str> = row.expect.split_whitespace().collect();
    expected
        .iter()
        .rposition(|e| !["401", "403", "404", "303"].contains(e))
        .unwrap_or(IDENTITIES.len() - 1)
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/certificates/")
}

/// Counts of what requests could change, to show that refused ones changed nothing.
async fn snapshot(world: &World) -> Vec<(String, i64)> {
    let db = world.app.db().await;
    let mut out = Vec::new();
    for (name, sql) in [
        ("users", "SELECT COUNT(*) FROM users"),
        ("units", "SELECT COUNT(*) FROM units"),
        ("enrollments", "SELECT COUNT(*) FROM enrollments"),
        ("lessons done", "SELECT COUNT(*) FROM lesson_progress"),
        ("attempts", "SELECT COUNT(*) FROM quiz_attempts"),
        (
            "open attempts",
            "SELECT COUNT(*) FROM quiz_attempts WHERE state = 'open'",
        ),
        ("responses", "SELECT COUNT(*) FROM attempt_responses"),
        ("essay grades", "SELECT COUNT(*) FROM manual_grades"),
        ("versions", "SELECT COUNT(*) FROM course_versions"),
        (
            "published",
            "SELECT COUNT(*) FROM courses WHERE published = TRUE",
        ),
        ("editors", "SELECT COUNT(*) FROM course_editors"),
        (
            "revoked",
            "SELECT COUNT(*) FROM certificates WHERE revoked_at IS NOT NULL",
        ),
        ("jp entries", "SELECT COUNT(*) FROM jp_entries"),
        (
            "live sessions",
            "SELECT COUNT(*) FROM sessions WHERE revoked_at IS NULL",
        ),
        ("audit", "SELECT COUNT(*) FROM audit_log"),
    ] {
        let row = db
            .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .unwrap_or_else(|| panic!("{sql}: no row"));
        let n: i64 = row
            .try_get_by_index(0)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        out.push((name.to_owned(), n));
    }
    out
}

#[tokio::test]
async fn broken_huge_and_nested_bodies_are_refused_on_every_write_and_change_nothing() {
    let world = World::new().await;
    let rows: Vec<Row> = matrix()
        .into_iter()
        .filter(|r| matches!(r.method().as_str(), "POST" | "PUT" | "DELETE"))
        .collect();
    assert!(rows.len() > 30, "{} write routes", rows.len());
    let before = snapshot(&world).await;
    let nested = "[".repeat(100_000);
    let huge = format!("{{\"markdown\": \"{}\"}}", "a".repeat(3 * 1024 * 1024));
    let mut wrong = Vec::new();
    for row in &rows {
        let who = allowed_identity(row);
        let token = world.tokens[who].as_deref();
        let path = world.fill(row.path.as_deref().unwrap_or(row.pattern()));
        let api = is_api(&path);
        let broken: Vec<(&str, Body)> = if row.multipart {
            vec![(
                "broken multipart",
                Body::Raw(
                    "multipart/form-data; boundary=batas",
                    format!(
                        "--batas\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n\
                         --batas\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nsetengah",
                        crate::world::CSRF
                    )
                    .into_bytes(),
                ),
            )]
        } else if api {
            vec![
                (
                    "broken JSON",
                    Body::Raw("application/json", b"{\"broken\": ".to_vec()),
                ),
                (
                    "deeply nested JSON",
                    Body::Raw("application/json", nested.clone().into_bytes()),
                ),
            ]
        } else {
            vec![(
                "JSON to a form",
                Body::Raw("application/json", b"{\"csrf\": 1}".to_vec()),
            )]
        };
        for (what, body) in broken {
            let (status, text) = world.call(row, token, &path, Some(body)).await;
            // A nested body too long for an endpoint that takes none may be 413 instead.
            let refused = status == 400 || (what == "deeply nested JSON" && status == 413);
            if !refused || (api && !is_error_shape(&text)) {
                let excerpt: String = text.chars().take(160).collect();
                wrong.push(format!(
                    "{} as {}: {what} answered {status} {excerpt}",
                    row.route, IDENTITIES[who]
                ));
            }
        }
        // Every text of a well-formed body with a NUL and a control character in it.
        if let Some(json) = &row.body {
            let poisoned = poison(&serde_json::from_str(json).unwrap_or_default());
            let (status, text) = world
                .call(row, token, &path, Some(Body::Json(poisoned.to_string())))
                .await;
            if status >= 500 || (api && !is_error_shape(&text) && status >= 400) {
                wrong.push(format!(
                    "{} as {}: NUL in the text answered {status}",
                    row.route, IDENTITIES[who]
                ));
            }
        }
        // Too large for any write.
        let (status, text) = world
            .call(
                row,
                token,
                &path,
                Some(Body::Raw("application/json", huge.clone().into_bytes())),
            )
            .await;
        if !(status == 413 || status == 400) || (api && !is_error_shape(&text)) {
            wrong.push(format!(
                "{} as {}: 3 MiB body answered {status}",
                row.route, IDENTITIES[who]
            ));
        }
    }
    let after = snapshot(&world).await;
    assert!(
        wrong.is_empty(),
        "{} broken bodies were not refused:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(before, after, "a refused request changed something");
}

/// `value` with every string replaced by one holding a NUL and an escape character.
fn poison(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(s) => Value::String(format!("{s}\u{0}\u{1b}x")),
        Value::Array(items) => Value::Array(items.iter().map(poison).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), poison(v))).collect())
        }
        other => other.clone(),
    }
}

/// Values for path parameters and queries that no real client sends.
const HOSTILE: &[&str] = &[
    "%00",
    "x%0D%0ALocation:%20https://jahat.example",
    "%09%2F%2Fjahat.example",
    "..%2F..%2Fetc%2Fpasswd",
    "%C0%AF%FF",
    "%7F%1B%5B31m",
    "-1",
    "99999999999999999999999",
    "%F0%9F%92%A5%E2%80%AE",
];

#[tokio::test]
async fn control_characters_and_absurd_values_never_break_a_route() {
    let world = World::new().await;
    let long = "x".repeat(5000);
    let mut values: Vec<String> = HOSTILE.iter().map(|v| (*v).to_owned()).collect();
    values.push(long);
    let mut wrong = Vec::new();
    for row in &matrix() {
        let who = allowed_identity(row);
        let token = world.tokens[who].as_deref();
        let pattern = row.pattern();
        // Every path parameter in turn, the others as the matrix fills them.
        let full = world.fill(row.path.as_deref().unwrap_or(pattern));
        let (concrete, query) = match full.split_once('?') {
            Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
            None => (full.clone(), None),
        };
        let pattern_parts: Vec<&str> = pattern.split('/').collect();
        let concrete_parts: Vec<&str> = concrete.split('/').collect();
        let mut paths = Vec::new();
        if pattern_parts.len() == concrete_parts.len() {
            for (i, part) in pattern_parts.iter().enumerate() {
                if !part.contains('{') {
                    continue;
                }
                for value in &values {
                    let mut parts: Vec<String> =
                        concrete_parts.iter().map(|p| (*p).to_owned()).collect();
                    // Keep a literal suffix such as `.pdf` after the parameter.
                    let suffix = part.rsplit_once('}').map_or("", |(_, s)| s);
                    parts[i] = format!("{value}{suffix}");
                    paths.push(parts.join("/"));
                }
            }
        }
        // The matrix's own query values, each with a control character after it (a unit
        // code followed by a vertical tab is trimmed to a unit that exists, and its name then
        // went into a file name header).
        if let Some(query) = &query {
            for tail in ["%0B", "%0C", "%0D%0ASet-Cookie:%20x=1", "%00"] {
                let poisoned: Vec<String> = query
                    .split('&')
                    .map(|pair| format!("{pair}{tail}"))
                    .collect();
                paths.push(format!("{concrete}?{}", poisoned.join("&")));
            }
        }
        // Every query parameter the server reads, with each value (the long one on its own).
        paths.push(format!("{concrete}?next={0}&unit={0}", "y".repeat(3000)));
        for value in HOSTILE {
            let query = [
                "next", "unit", "format", "year", "tahun", "q", "cari", "kode", "hal", "page",
                "halaman", "kursus", "course", "short", "kurang", "jenis", "versi", "disimpan",
            ]
            .iter()
            .map(|k| format!("{k}={value}"))
            .collect::<Vec<_>>()
            .join("&");
            paths.push(format!("{concrete}?{query}"));
        }
        for path in paths {
            let (status, text) = world.call(row, token, &path, None).await;
            let api = is_api(&path);
            if status >= 500 || (api && status >= 400 && !is_error_shape(&text)) {
                let excerpt: String = text.chars().take(120).collect();
                let path: String = path.chars().take(200).collect();
                wrong.push(format!("{} {path}: {status} {excerpt}", row.method()));
            }
        }
    }
    // Headers a client controls, on a page and on the API.
    for (name, value) in [
        ("accept-language", "\t\u{ff}\u{fe}"),
        ("x-forwarded-for", "\t, 999.1.1.1, ::ffff:zz"),
        ("authorization", "Bearer \t\u{ff}"),
        (
            "cookie",
            "lentera_session=\u{ff}\t; lentera_lang=\u{fe}; lentera_csrf=;",
        ),
        ("content-type", "application/json; charset=\u{ff}"),
    ] {
        for path in ["/", "/masuk", "/api/v1/me", "/api/v1/courses"] {
            let res = world
                .app
                .api
                .get(world.app.url(path))
                .header(
                    name,
                    reqwest::header::HeaderValue::from_bytes(value.as_bytes())
                        .unwrap_or_else(|e| panic!("{name}: {e}")),
                )
                .send()
                .await
                .unwrap_or_else(|e| panic!("{path}: {e}"));
            if res.status().is_server_error() {
                wrong.push(format!("{path} with {name}: {}", res.status()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} hostile requests broke a route:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
