//! `github-standin --listen ADDR`: a GitHub stand-in (OAuth web flow, REST API, asset
//! host) seeded with demo data. The first line printed is `listening on http://ADDR`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use github_standin::{DataFile, StandIn, StandInConfig};
use tokio::io::AsyncReadExt;

#[derive(Parser)]
#[command(
    name = "github-standin",
    version,
    about = "A GitHub stand-in for Wharf's tests and demos"
)]
struct Cli {
    /// Web (OAuth) and API address.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// The asset host's address (default: the listen IP, any port).
    #[arg(long)]
    asset_listen: Option<SocketAddr>,
    /// The asset host's URL in redirects, if not http://<asset address>.
    #[arg(long)]
    asset_public_url: Option<String>,
    /// More users, repositories and releases (JSON; repeatable).
    #[arg(long, value_name = "FILE")]
    data: Vec<PathBuf>,
    /// Generate REPOS:RELEASES repositories with releases for the demo user.
    #[arg(long, value_name = "REPOS:RELEASES")]
    generate: Option<String>,
    #[arg(long, default_value = "wharf-demo")]
    client_id: String,
    #[arg(long, default_value = "wharf-demo-secret")]
    client_secret: String,
    /// The OAuth app's registered callback URL (default: any redirect_uri is accepted).
    #[arg(long)]
    callback_url: Option<String>,
    /// Requests per hour and account.
    #[arg(long, default_value_t = 5000)]
    rate_limit: u64,
    /// Start without the demo data.
    #[arg(long)]
    no_demo: bool,
    /// Stop when standard input closes.
    #[arg(long)]
    stop_on_stdin_eof: bool,
}

fn parse_generate(s: &str) -> Result<(usize, usize), String> {
    let (a, b) = s
        .split_once(':')
        .ok_or_else(|| format!("--generate wants REPOS:RELEASES, not {s:?}"))?;
    let n = |x: &str| {
        x.parse::<usize>()
            .map_err(|_| format!("--generate: {x:?} is not a number"))
    };
    Ok((n(a)?, n(b)?))
}

async fn run(cli: Cli) -> Result<(), String> {
    let mut data = Vec::new();
    for path in &cli.data {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        data.push(
            DataFile::from_json(&text)
                .map_err(|e| format!("{} is not a valid data file: {e}", path.display()))?,
        );
    }
    let config = StandInConfig {
        client_id: cli.client_id,
        client_secret: cli.client_secret,
        callback_url: cli.callback_url,
        demo: !cli.no_demo,
        data,
        generate: cli.generate.as_deref().map(parse_generate).transpose()?,
        rate_limit: cli.rate_limit,
        asset_public_url: cli.asset_public_url,
        ..StandInConfig::default()
    };
    let main = tokio::net::TcpListener::bind(cli.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", cli.listen))?;
    let asset_addr = cli
        .asset_listen
        .unwrap_or_else(|| SocketAddr::new(cli.listen.ip(), 0));
    let asset = tokio::net::TcpListener::bind(asset_addr)
        .await
        .map_err(|e| format!("cannot listen on {asset_addr}: {e}"))?;
    let main_addr = main.local_addr().map_err(|e| e.to_string())?;
    let asset_addr = asset.local_addr().map_err(|e| e.to_string())?;
    let standin =
        StandIn::new(config, &format!("http://{asset_addr}")).map_err(|e| e.to_string())?;
    println!("listening on http://{main_addr}");
    println!("assets on http://{asset_addr}");
    println!("api http://{main_addr} (also http://{main_addr}/api/v3)");
    let (client_id, _) = standin.client_credentials();
    println!("oauth client id {client_id}");
    let stop_on_eof = cli.stop_on_stdin_eof;
    standin
        .serve(main, asset, async move {
            if stop_on_eof {
                tokio::select! {
                    () = signal() => {}
                    () = stdin_closed() => {}
                }
            } else {
                signal().await;
            }
        })
        .await
        .map_err(|e| e.to_string())
}

/// Completes on Ctrl-C or SIGTERM. (The stand-in's own copy of `server::shutdown::signal`:
/// test tooling does not depend on the production crate.)
async fn signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

/// Completes when standard input reaches its end: a parent that dies without cleaning up
/// closes the pipe, and the stand-in stops by itself.
async fn stdin_closed() {
    let mut stdin = tokio::io::stdin();
    let mut buf = [0u8; 1024];
    loop {
        match stdin.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(_) => continue,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("github-standin: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("github-standin: {message}");
            ExitCode::FAILURE
        }
    }
}
