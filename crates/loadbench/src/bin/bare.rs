//! The yardstick: a bare actix-web server answering `GET /` with "ok".
//!
//! It uses the workspace's actix-web and picks its worker count exactly as `lentera serve`
//! does: `LENTERA_WORKERS` when set and above zero, else actix's default (one per core).
//! Listens on `LENTERA_BIND` (default `127.0.0.1:8090`).

use actix_web::{App, HttpResponse, HttpServer, web};

async fn ok() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::var("LENTERA_BIND").unwrap_or_else(|_| "127.0.0.1:8090".into());
    let workers = std::env::var("LENTERA_WORKERS")
        .ok()
        .and_then(|w| w.parse::<usize>().ok())
        .unwrap_or(0);
    let mut server = HttpServer::new(|| App::new().route("/", web::get().to(ok))).bind(&bind)?;
    if workers > 0 {
        server = server.workers(workers);
    }
    server.run().await
}
