//! Shared test helpers: a label with two Code 128 symbols drawn by rxing's own writer, a stream decoder
//! for the three printer languages written for the tests, and a fake printer on a loopback TCP port.
#![allow(dead_code)]

pub mod decode;
pub mod fake_printer;
pub mod label;
