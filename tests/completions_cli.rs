//! `shiplabel completions SHELL` and `shiplabel man`: both come from the clap definition, so every
//! command must appear in them. The bash script is loaded into a real bash and asked to complete.

use std::process::Command;

use crate::common::cli::{ok, shiplabel};

/// Every subcommand, as `shiplabel --help` lists them (the completions and the manual must know each).
fn subcommands() -> Vec<String> {
    let help = ok(&shiplabel(&["--help"]));
    let commands = help
        .split("Commands:")
        .nth(1)
        .expect("a Commands section")
        .split("Options:")
        .next()
        .unwrap();
    let names: Vec<String> = commands
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect();
    assert!(names.len() >= 15, "too few commands in --help: {names:?}");
    names
}

#[test]
fn bash_completes_the_commands_and_their_options() {
    let script = ok(&shiplabel(&["completions", "bash"]));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shiplabel.bash");
    std::fs::write(&path, &script).unwrap();
    // Load the script and run the completion function the way bash would for `shiplabel <TAB>` and
    // `shiplabel render --t<TAB>`.
    let complete = |words: &str, cword: usize| {
        let program = format!(
            "source {path}; COMP_WORDS=({words}); COMP_CWORD={cword}; \
             _shiplabel shiplabel \"${{COMP_WORDS[$COMP_CWORD]}}\" \"${{COMP_WORDS[$COMP_CWORD-1]}}\"; \
             printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            path = path.display()
        );
        let out = Command::new("bash")
            .args(["--norc", "-c", &program])
            .output()
            .expect("run bash");
        ok(&out)
    };
    let first = complete("shiplabel ''", 1);
    for name in subcommands() {
        assert!(
            first.lines().any(|l| l == name),
            "{name} not offered: {first}"
        );
    }
    let options = complete("shiplabel render --t", 2);
    assert!(
        options.lines().any(|l| l == "--template") && options.lines().any(|l| l == "--timestamp"),
        "render --t completes to {options:?}"
    );
}

#[test]
fn every_shell_gets_a_script_naming_every_command() {
    let names = subcommands();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = ok(&shiplabel(&["completions", shell]));
        for name in &names {
            assert!(script.contains(name.as_str()), "{shell}: {name} missing");
        }
    }
    let bad = shiplabel(&["completions", "tcsh"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("tcsh"));
}

#[test]
fn the_man_page_renders_and_lists_every_command() {
    let page = ok(&shiplabel(&["man"]));
    assert!(
        page.starts_with(".ie") || page.contains(".TH shiplabel 1"),
        "{page}"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shiplabel.1");
    std::fs::write(&path, &page).unwrap();
    if !crate::common::tool_available("groff") {
        return;
    }
    // groff formats it as man(1) would; warnings (bad requests, unknown macros) make it fail.
    let out = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .arg(&path)
        .output()
        .expect("groff");
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "groff: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = Command::new("groff")
        .args(["-man", "-Tascii", "-P", "-c", "-P", "-b", "-P", "-u"])
        .arg(&path)
        .output()
        .expect("groff");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("SUBCOMMANDS"), "{text}");
    for name in subcommands() {
        assert!(
            text.contains(&format!("shiplabel-{name}")),
            "{name} missing from the man page"
        );
    }
}
