//! `loadbench`: see `lentera_loadbench::Args` and docs/performance.md.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = lentera_loadbench::Args::parse();
    match lentera_loadbench::run(args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("loadbench: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
