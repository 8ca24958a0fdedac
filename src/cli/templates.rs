//! `shiplabel templates`: the built-in label templates and the fields templates can use.

use std::process::ExitCode;

use clap::Args;

use super::CliError;
use shiplabel::label::Field;
use shiplabel::template::{builtin_names, builtin_source, Template, DEFAULT_TEMPLATE};

/// List the built-in label templates.
#[derive(Debug, Args)]
pub struct TemplatesArgs {
    /// Also list the fields a template can bind (`{name}`).
    #[arg(long)]
    pub fields: bool,
    /// Print the TOML source of one built-in template (a starting point for your own).
    #[arg(long, value_name = "NAME")]
    pub show: Option<String>,
}

/// Runs the command.
pub fn run(args: TemplatesArgs) -> Result<ExitCode, CliError> {
    if let Some(name) = &args.show {
        let source =
            builtin_source(name).ok_or_else(|| format!("no built-in template {name:?}"))?;
        print!("{source}");
        return Ok(ExitCode::SUCCESS);
    }
    for name in builtin_names() {
        let t = Template::builtin(name)?;
        let default = if name == DEFAULT_TEMPLATE {
            " (default)"
        } else {
            ""
        };
        println!(
            "{name:<20} {:>5} × {:<5} mm  {}{default}",
            t.page.width_mm, t.page.height_mm, t.description
        );
    }
    if args.fields {
        println!();
        for field in Field::ALL {
            println!("{{{:<16}}} {}", field.name(), field.description());
        }
    }
    Ok(ExitCode::SUCCESS)
}
