//! The `lentera` binary: parses the command line and runs it.

use clap::Parser;
use tracing_subscriber::EnvFilter;

use lentera_api::cli::{self, Cli};

fn init_tracing() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    // Structured request logs: JSON lines for log collectors, readable lines otherwise.
    if std::env::var("LENTERA_LOG_FORMAT").is_ok_and(|f| f == "json") {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_target(false)
            .compact()
            .init();
    }
}

#[actix_web::main]
async fn main() {
    init_tracing();
    let cli = Cli::parse();
    let code = match cli::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            1
        }
    };
    std::process::exit(code);
}
