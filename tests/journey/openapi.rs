//! The OpenAPI description covers every API route, is served, and Swagger UI comes from the
//! binary. (That every JSON body the tests receive matches its schema is checked in
//! `lentera_tests::check_against_description`, on every call.)

use lentera_tests::spawn_app;

#[tokio::test]
async fn every_api_route_is_described_and_the_description_is_served() {
    let doc =
        serde_json::to_value(lentera_api::openapi::description()).unwrap_or_else(|e| panic!("{e}"));
    let mut missing = Vec::new();
    for route in lentera_api::startup::route_table() {
        let api = route.path.starts_with("/api/v1/")
            || route.path.starts_with("/certificates/")
            || route.path == "/healthz";
        if !api {
            continue;
        }
        let method = route.method.as_str().to_ascii_lowercase();
        if doc["paths"][&route.path][&method].is_null() {
            missing.push(route.to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "routes not in the description: {missing:?}"
    );

    let app = spawn_app().await;
    let res = app
        .api
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 200);
    let served: serde_json::Value = res.json().await.unwrap_or_default();
    assert!(
        served["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        served["openapi"]
    );
    assert_eq!(served["paths"], doc["paths"]);
    // Swagger UI, from the binary: its page loads scripts from this server only.
    let res = app
        .api
        .get(app.url("/api/docs/"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap_or_default();
    assert!(
        html.contains("swagger-ui-bundle.js") && !html.contains("://"),
        "{html}"
    );
    let res = app
        .api
        .get(app.url("/api/docs/swagger-initializer.js"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        res.text()
            .await
            .unwrap_or_default()
            .contains("/api/v1/openapi.json")
    );
}
