//! `shiplabel completions SHELL` and `shiplabel man`: both generated from the clap definition in
//! `cli/mod.rs`, so a new command or option reaches the shell and the manual without a second list.

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, CliError};

/// Arguments of `shiplabel completions`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Install, for example:\n  \
    bash: shiplabel completions bash > ~/.local/share/bash-completion/completions/shiplabel\n  \
    zsh:  shiplabel completions zsh > ~/.zfunc/_shiplabel   (with fpath+=~/.zfunc before compinit)\n  \
    fish: shiplabel completions fish > ~/.config/fish/completions/shiplabel.fish")]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: Shell,
}

/// Arguments of `shiplabel man`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {}

pub fn run_completions(args: CompletionsArgs) -> Result<ExitCode, CliError> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "shiplabel", &mut out);
    std::io::stdout().lock().write_all(&out)?;
    Ok(ExitCode::SUCCESS)
}

pub fn run_man(_args: ManArgs) -> Result<ExitCode, CliError> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    std::io::stdout().lock().write_all(&out)?;
    Ok(ExitCode::SUCCESS)
}
