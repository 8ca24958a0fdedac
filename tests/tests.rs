//! The integration tests, one binary (as ripgrep does): the heavy oracles (rxing, labelize) are linked
//! once instead of once per file. Each module is a part of the tool seen from outside.

mod common;
mod station;

mod bad_input_cli;
mod barcode_corpus;
mod barcode_decode;
mod barcode_errors;
mod barcode_gs1_vectors;
mod barcode_native;
mod calibrate_cli;
mod cli_print;
mod completions_cli;
mod config_cli;
mod cups;
mod import_cli;
mod journal_owner;
mod module_order;
mod one_truth;
mod orders_cli;
mod output_safety;
#[cfg(feature = "ozon")]
mod ozon;
mod printer;
mod printer_faults;
mod render_cli;
mod render_lib;
mod seller_day_cli;
#[cfg(feature = "serve")]
mod serve;
mod station_cli;
mod station_cluster;
mod station_journal;
mod station_store;
#[cfg(feature = "postgres-tls")]
mod station_tls;
mod usb_rig;
