//! `stall`: `/healthz` latency while the heaviest requests run (see `lentera_loadbench::stall`).

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = lentera_loadbench::stall::StallArgs::parse();
    match lentera_loadbench::stall::run(args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("stall: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
