//! The route × identity authorization matrix: every route of the server's route table,
//! called as every kind of person, answers what `tests/data/authz.toml` says.

use std::collections::HashSet;

use crate::world::{IDENTITIES, World, matrix, meets};

#[tokio::test]
async fn every_route_answers_every_identity_as_the_matrix_says() {
    let rows = matrix();
    let table = lentera_api::startup::route_table();

    // Every route has a row, and every row names a route.
    let named: HashSet<String> = rows.iter().map(|r| r.route.clone()).collect();
    let routes: HashSet<String> = table.iter().map(|r| r.to_string()).collect();
    let missing: Vec<&String> = routes.iter().filter(|r| !named.contains(*r)).collect();
    let stale: Vec<&String> = named.iter().filter(|r| !routes.contains(*r)).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "routes without a row in tests/data/authz.toml: {missing:?}; rows naming no route: {stale:?}"
    );
    assert_eq!(named.len(), rows.len(), "a route has two rows");

    let world = World::new().await;
    let mut wrong = Vec::new();
    for row in &rows {
        let expected: Vec<&str> = row.expect.split_whitespace().collect();
        assert_eq!(expected.len(), IDENTITIES.len(), "{}: expect", row.route);
        let path = world.fill(row.path.as_deref().unwrap_or(row.pattern()));
        for (i, who) in IDENTITIES.iter().enumerate() {
            let token = if row.fresh_session {
                world.fresh_token(i).await
            } else {
                world.tokens[i].clone()
            };
            let (status, body) = world.call(row, token.as_deref(), &path, None).await;
            if !meets(expected[i], status) {
                let excerpt: String = body.chars().take(160).collect();
                wrong.push(format!(
                    "{} as {who}: expected {}, got {status} {excerpt}",
                    row.route, expected[i]
                ));
            }
            if status >= 500 {
                wrong.push(format!("{} as {who}: server error {status}", row.route));
            }
            if let Some(restore) = &row.restore {
                let (method, restore_path) = restore.split_once(' ').unwrap_or_default();
                let admin = world.tokens[IDENTITIES.len() - 1].as_deref();
                let res = world
                    .app
                    .api
                    .request(
                        method.parse().unwrap_or_default(),
                        world.app.url(restore_path),
                    )
                    .bearer_auth(admin.unwrap_or_default())
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("{restore}: {e}"));
                assert!(res.status().is_success(), "{restore}: {}", res.status());
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} answers differ from tests/data/authz.toml:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
