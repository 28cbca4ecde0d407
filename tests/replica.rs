//! `lentera` for the replica tests: the same command line as the `lentera` binary
//! (crates/api/src/main.rs), built with the tests so they can start, kill and restart real
//! server processes (`lentera-replica serve`).

use clap::Parser;
use tracing_subscriber::EnvFilter;

use lentera_api::cli::{self, Cli};

#[tokio::main]
async fn main() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("warn,sqlx=warn,sea_orm=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .compact()
        .init();
    let code = match cli::run(Cli::parse()).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            1
        }
    };
    std::process::exit(code);
}
