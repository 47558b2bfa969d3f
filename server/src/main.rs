//! `wharf`: runs the server, and administers accounts.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use server::infra::config::{Config, LogFormat};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(name = "wharf", version, about = "The package host you run yourself")]
struct Cli {
    /// A TOML configuration file (default: $WHARF_CONFIG). Environment variables
    /// (WHARF_LISTEN, WHARF_DATA_DIR, WHARF_PUBLIC_URL, …) override it.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve {
        /// Stop when standard input closes, so a supervising process that dies takes the
        /// server with it.
        #[arg(long)]
        stop_on_stdin_eof: bool,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
    /// Remove blobs nothing uses any more (files deleted, discarded or overridden; Docker
    /// layers of deleted images) and abandoned uploads. Safe while the server runs.
    Gc {
        /// Keep unreferenced blobs younger than this (default: the configured
        /// gc_grace_seconds), so pushes in progress keep theirs.
        #[arg(long, value_name = "SECONDS")]
        grace_seconds: Option<u64>,
    },
    /// Copy this (embedded) instance's database and blobs into PostgreSQL and an object
    /// store, verifying counts and checksums; safe to run again.
    Migrate {
        /// The target database: postgres://USER[:PASSWORD]@HOST:PORT/DB
        #[arg(long, value_name = "DATABASE_URL")]
        to: String,
        /// The target blob store: s3://BUCKET[/PREFIX] (WHARF_S3_ENDPOINT and the AWS
        /// variables say where and as whom) or file://PATH
        #[arg(long, value_name = "BLOB_STORE")]
        blobs: String,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account. The password comes from $WHARF_PASSWORD or is asked for; the
    /// new account's API key is printed as the last line of standard output.
    Add {
        name: String,
        /// May administer the server.
        #[arg(long)]
        admin: bool,
        /// A Premium plan (private GitHub repositories can be imported).
        #[arg(long)]
        premium: bool,
    },
    /// Put an account on the Premium or the Free plan.
    Plan {
        name: String,
        #[arg(value_enum)]
        plan: Plan,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Plan {
    Free,
    Premium,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let env: BTreeMap<String, String> = std::env::vars().collect();
    let config = match Config::load(cli.config.as_deref(), &env) {
        Ok(c) => c,
        Err(e) => return fail(format!("invalid configuration: {e}")),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(format!("cannot start the async runtime: {e}")),
    };
    let result = match cli.command.unwrap_or(Command::Serve {
        stop_on_stdin_eof: false,
    }) {
        Command::Serve { stop_on_stdin_eof } => {
            init_logging(config.log_format, "info,sqlx=warn");
            runtime.block_on(run_server(config, stop_on_stdin_eof))
        }
        Command::User {
            action:
                UserCommand::Add {
                    name,
                    admin,
                    premium,
                },
        } => {
            init_logging(config.log_format, "warn");
            runtime.block_on(add_user(config, &name, admin, premium, &env))
        }
        Command::User {
            action: UserCommand::Plan { name, plan },
        } => {
            init_logging(config.log_format, "warn");
            runtime.block_on(set_plan(config, &name, matches!(plan, Plan::Premium)))
        }
        Command::Migrate { to, blobs } => {
            init_logging(config.log_format, "warn");
            runtime.block_on(async {
                let report = server::migrate_to(&config, &to, &blobs).await?;
                println!("Migrated: {report}.");
                println!("Start the new replicas with WHARF_DATABASE_URL and WHARF_BLOB_STORE set to these, and this data directory's secret.key.");
                Ok(())
            })
        }
        Command::Gc { grace_seconds } => {
            init_logging(config.log_format, "warn");
            let grace =
                std::time::Duration::from_secs(grace_seconds.unwrap_or(config.gc_grace_seconds));
            runtime.block_on(async {
                let report = server::collect_garbage(&config, grace).await?;
                println!("Garbage collection: {report}.");
                Ok(())
            })
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(message),
    }
}

/// One clear line on standard error and a non-zero exit, never a panic.
fn fail(message: String) -> ExitCode {
    eprintln!("wharf: {message}");
    ExitCode::FAILURE
}

fn init_logging(format: LogFormat, default_filter: &str) {
    let filter = EnvFilter::try_from_env("WHARF_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| EnvFilter::new(default_filter));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

async fn run_server(config: Config, stop_on_stdin_eof: bool) -> Result<(), String> {
    // The port first: a taken port should fail before anything is written to disk.
    let listen = config.listen;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let state = server::start(config).await.map_err(|e| e.to_string())?;
    let bound = listener
        .local_addr()
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    // Scripts and tests read this line to learn the port (WHARF_LISTEN may say port 0).
    println!("Wharf is listening on http://{bound}");
    let public = state.config.public_base_url(bound);
    if public != format!("http://{bound}") {
        println!("Users reach it at {public}");
    }
    let _ = std::io::stdout().flush();
    tracing::info!(address = %bound, public_url = %public, "listening");
    let shutdown = async move {
        if stop_on_stdin_eof {
            tokio::select! {
                () = server::infra::shutdown::signal() => {}
                () = server::infra::shutdown::stdin_closed() => {}
            }
        } else {
            server::infra::shutdown::signal().await;
        }
    };
    server::serve(listener, state, shutdown)
        .await
        .map_err(|e| format!("the server stopped with an error: {e}"))?;
    tracing::info!("stopped");
    Ok(())
}

async fn set_plan(config: Config, name: &str, premium: bool) -> Result<(), String> {
    let (db, _) = server::open_storage(&config)
        .await
        .map_err(|e| e.to_string())?;
    let user = match db.find_user_by_name(&name.to_ascii_lowercase()).await {
        Ok(u) => u,
        Err(server::infra::db::DbError::NotFound) => {
            return Err(format!("no user is called {name:?}"))
        }
        Err(e) => return Err(format!("cannot read user {name:?}: {e}")),
    };
    db.set_premium(user.id, premium)
        .await
        .map_err(|e| format!("cannot change the plan of {name:?}: {e}"))?;
    db.close().await;
    let plan = if premium { "Premium" } else { "Free" };
    println!("{} is now on the {plan} plan.", user.name);
    Ok(())
}

async fn add_user(
    config: Config,
    name: &str,
    admin: bool,
    premium: bool,
    env: &BTreeMap<String, String>,
) -> Result<(), String> {
    let password = match env.get("WHARF_PASSWORD") {
        Some(p) => p.clone(),
        None => ask_password()?,
    };
    let (db, secrets) = server::open_storage(&config)
        .await
        .map_err(|e| e.to_string())?;
    let (user, key) =
        server::domain::accounts::create_user(&db, &secrets, name, &password, admin, premium)
            .await
            .map_err(|e| format!("cannot create user {name:?}: {e}"))?;
    db.close().await;
    let mut roles = Vec::new();
    if user.is_admin {
        roles.push("admin");
    }
    roles.push(if user.is_premium {
        "premium"
    } else {
        "free plan"
    });
    println!(
        "Created user {} ({}). API key:",
        user.name,
        roles.join(", ")
    );
    println!("{}", key.expose());
    Ok(())
}

fn ask_password() -> Result<String, String> {
    if !std::io::stdin().is_terminal() {
        return Err(
            "no password: set WHARF_PASSWORD, or run the command in a terminal to be asked"
                .to_owned(),
        );
    }
    let first = rpassword::prompt_password("Password: ").map_err(|e| e.to_string())?;
    let second = rpassword::prompt_password("Password again: ").map_err(|e| e.to_string())?;
    if first != second {
        return Err("the two passwords differ".to_owned());
    }
    Ok(first)
}
