//! `shiplabel db`: set up a station database (`init`: a warehouse's PostgreSQL schema in one command)
//! and move one station's data into another database (`copy`: a SQLite station into PostgreSQL).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::station::open_store;
use super::CliError;
use shiplabel::store::{Actor, Store};

/// Set up or copy a station database.
#[derive(Debug, clap::Args)]
pub struct DbArgs {
    #[command(subcommand)]
    command: DbCommand,
}

#[derive(Debug, clap::Subcommand)]
enum DbCommand {
    /// Create the database's schema, or migrate it to this version (`--db postgres://user@host/db`
    /// for a warehouse's server, or a SQLite path); prints the schema version.
    Init,
    /// Copy every posting, package, history entry, job and sync note from one database into another,
    /// new one (e.g. a station's SQLite file into the warehouse's PostgreSQL server). The target's
    /// schema is created first; a target that already holds postings or jobs is refused, and so is a
    /// source some process is printing from.
    Copy {
        /// The database to copy from (a SQLite path or a postgres:// URL).
        #[arg(long)]
        from: PathBuf,
        /// The database to copy into (a postgres:// URL or a SQLite path).
        #[arg(long)]
        to: PathBuf,
    },
}

pub fn run(args: DbArgs, db: Option<&Path>) -> Result<ExitCode, CliError> {
    match args.command {
        DbCommand::Init => {
            let store = open_store(db, "db init")?;
            println!(
                "{}: schema version {}",
                store.location(),
                store.schema_version()?
            );
        }
        DbCommand::Copy { from, to } => {
            let source = Store::open_existing(&from, Actor::new("db copy"))?;
            let mut target = Store::open(&to, Actor::new("db copy"))?;
            let copied = source.copy_into(&mut target)?;
            let counts: Vec<String> = copied.iter().map(|(t, n)| format!("{n} {t}")).collect();
            println!(
                "copied {} into {}: {}",
                source.location(),
                target.location(),
                counts.join(", ")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
