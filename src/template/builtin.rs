//! The templates compiled into the binary, from `templates/*.toml`.

/// Built-in templates: name and TOML source. The first is the default.
pub const BUILTIN: &[(&str, &str)] = &[
    ("ozon-fbs", include_str!("../../templates/ozon-fbs.toml")),
    (
        "ozon-fbs-landscape",
        include_str!("../../templates/ozon-fbs-landscape.toml"),
    ),
    (
        "generic-100x150",
        include_str!("../../templates/generic-100x150.toml"),
    ),
    (
        "product-58x40",
        include_str!("../../templates/product-58x40.toml"),
    ),
];

/// Name of the template used when none is given.
pub const DEFAULT_TEMPLATE: &str = "ozon-fbs";

/// The names of the built-in templates, the default first.
pub fn builtin_names() -> Vec<&'static str> {
    BUILTIN.iter().map(|(name, _)| *name).collect()
}

/// The TOML source of the built-in template `name`, if there is one.
pub fn builtin_source(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}
