//! `shiplabel barcode`: one symbol on its own, as PNG (dot-exact at a printer resolution) or SVG.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::CliError;
use shiplabel::barcode::gs1::GS;
use shiplabel::barcode::{self, encode, fit, Symbology};
use shiplabel::units::mm_to_dots;

/// Module size used when neither `--module-dots` nor `--width-mm` is given: 0.25 mm (10 mil) for linear
/// symbols, 0.5 mm for QR and DataMatrix.
const DEFAULT_MODULE_MM: f64 = 0.25;
const DEFAULT_MATRIX_MODULE_MM: f64 = 0.5;
/// The box a symbol must fit when the command is not given one: a metre, far beyond any label.
const MAX_BOX_MM: f64 = 1000.0;

/// Arguments of `shiplabel barcode`.
#[derive(Debug, Args)]
pub struct BarcodeArgs {
    /// The value to encode. For gs1-128 and gs1-datamatrix: AIs in parentheses, `(01)04601234567893(21)ABC`,
    /// or the raw element string with `\x1d` (written as those four characters) for the group separator.
    pub data: String,

    /// Symbology: code128, gs1-128, ean13, ean8, upca, upce, itf14, itf14-frame, code39, code39-mod43, qr,
    /// datamatrix, gs1-datamatrix. EAN-13, UPC-A and UPC-E take an EAN-2 or EAN-5 add-on after a `+`.
    #[arg(long = "type", short = 't', value_name = "TYPE")]
    pub symbology: Symbology,

    /// GS1 data: turns `--type code128` into gs1-128 and `--type datamatrix` into gs1-datamatrix.
    #[arg(long)]
    pub gs1: bool,

    /// Printer resolution in dots per inch. PNG output always has one (default 203); SVG without it is sized
    /// in exact millimetres.
    #[arg(long, value_parser = super::render::parse_dpi)]
    pub dpi: Option<u32>,

    /// Dots per module (the X dimension on the printer's grid); needs a resolution.
    #[arg(long, value_name = "N")]
    pub module_dots: Option<u32>,

    /// Fit the symbol and its quiet zones into this width: the largest whole number of dots per module.
    #[arg(long, value_name = "MM")]
    pub width_mm: Option<f64>,

    /// Bar height of linear symbols in millimetres (QR and DataMatrix are square cells).
    #[arg(long, value_name = "H", default_value_t = 15.0)]
    pub height_mm: f64,

    /// Print the human-readable line under the symbol.
    #[arg(long)]
    pub text: bool,

    /// Output file: `.png` or `.svg`.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
}

/// Output formats, from the file name's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Png,
    Svg,
}

/// Runs the command: encode, size, render, write atomically.
pub fn run(args: BarcodeArgs) -> Result<ExitCode, CliError> {
    let format = match args
        .output
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("png") => Format::Png,
        Some("svg") => Format::Svg,
        _ => {
            return Err(format!("output {} must end in .png or .svg", args.output.display()).into())
        }
    };
    let symbology = match (args.symbology, args.gs1) {
        (Symbology::Code128, true) => Symbology::Gs1_128,
        (Symbology::DataMatrix, true) => Symbology::Gs1DataMatrix,
        (s, _) => s,
    };
    let gs1 = matches!(symbology, Symbology::Gs1_128 | Symbology::Gs1DataMatrix);
    // Backslash is not in the GS1 character set, so `\x1d` cannot be data there.
    let data = if gs1 {
        args.data
            .replace("\\x1d", &GS.to_string())
            .replace("\\x1D", &GS.to_string())
    } else {
        args.data.clone()
    };
    let symbol = encode(symbology, &data)?;
    if !(args.height_mm > 0.0 && args.height_mm <= MAX_BOX_MM) {
        return Err(format!(
            "--height-mm {} is outside (0, {MAX_BOX_MM}]",
            args.height_mm
        )
        .into());
    }
    // NaN must be caught here: `min` below would silently turn it into a metre.
    if let Some(width) = args.width_mm.filter(|w| w.is_nan() || *w <= 0.0) {
        return Err(format!("--width-mm {width} must be more than 0").into());
    }

    let dpi = match (format, args.dpi) {
        (Format::Png, None) => Some(203),
        (_, dpi) => dpi,
    };
    let default_mm = if symbology.is_matrix() {
        DEFAULT_MATRIX_MODULE_MM
    } else {
        DEFAULT_MODULE_MM
    };
    let (module_dots, box_mm) = match (args.width_mm, args.module_dots, dpi) {
        (Some(width), dots, _) => (dots, width.min(MAX_BOX_MM)),
        (None, Some(dots), _) => (Some(dots), MAX_BOX_MM),
        (None, None, Some(dpi)) => {
            let dots = mm_to_dots(default_mm, dpi).round().max(1.0) as u32;
            (Some(dots), MAX_BOX_MM)
        }
        (None, None, None) => (None, default_mm * f64::from(symbol.total_width_modules())),
    };
    let box_height = if symbology.is_matrix() {
        box_mm
    } else {
        args.height_mm
    };
    let size = fit(&symbol, box_mm, box_height, dpi, module_dots)?;

    let bytes = match (format, size.module_dots, dpi) {
        (Format::Png, Some(x), Some(dpi)) => {
            let bar_height = mm_to_dots(args.height_mm, dpi).round().max(1.0) as u32;
            barcode::raster(&symbol, x, bar_height, dpi, args.text).to_png(Some(dpi))
        }
        _ => barcode::svg(&symbol, size.module_mm, args.height_mm, args.text).into_bytes(),
    };
    shiplabel::output::write_atomic(&args.output, &bytes)
        .map_err(|e| format!("cannot write {}: {e}", args.output.display()))?;
    match size.module_dots {
        Some(x) => eprintln!(
            "{}: {} modules, {} dot(s) per module ({:.3} mm) at {} dpi, {:.2} mm wide with quiet zones",
            args.output.display(),
            symbol.total_width_modules(),
            x,
            size.module_mm,
            dpi.unwrap_or_default(),
            size.total_width_mm
        ),
        None => eprintln!(
            "{}: {} modules, {:.3} mm per module, {:.2} mm wide with quiet zones",
            args.output.display(),
            symbol.total_width_modules(),
            size.module_mm,
            size.total_width_mm
        ),
    }
    Ok(ExitCode::SUCCESS)
}
