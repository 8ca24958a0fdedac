//! `winspool://PRINTER NAME`: a printer installed in Windows (with its vendor's driver, or the
//! "Generic / Text Only" one), sent our bytes as a RAW document through the spooler: OpenPrinterW,
//! StartDocPrinterW with datatype "RAW", WritePrinter, EndDocPrinter. RAW skips the driver's rendering,
//! so the TSPL, ZPL or ESC/POS job reaches the port monitor (USB001, a TCP port) unchanged, and no driver
//! swap (WinUSB) or USB permission is needed. Every `write_all` is one spooler document.
//!
//! The spooler says when it took the document; it does not say the printer printed it (that is the port
//! monitor's business), so a job here is "sent", like a raw TCP one.

use std::time::Duration;

use windows_sys::Win32::Foundation::GetLastError;
use windows_sys::Win32::Graphics::Printing::{
    ClosePrinter, EndDocPrinter, EndPagePrinter, EnumPrintersW, OpenPrinterW, StartDocPrinterW,
    StartPagePrinter, WritePrinter, DOC_INFO_1W, PRINTER_ENUM_CONNECTIONS, PRINTER_ENUM_LOCAL,
    PRINTER_HANDLE, PRINTER_INFO_4W,
};

use super::{Transport, TransportError};

/// An open Windows printer.
pub struct WinspoolTransport {
    name: String,
    handle: PRINTER_HANDLE,
    jobs: u32,
}

// SAFETY: a printer handle may be used from any thread, one at a time; `&mut self` ensures that.
unsafe impl Send for WinspoolTransport {}

impl std::fmt::Debug for WinspoolTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WinspoolTransport")
            .field("name", &self.name)
            .finish()
    }
}

fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain(std::iter::once(0)).collect()
}

fn last_error(what: String, accepted: bool) -> TransportError {
    // SAFETY: reads the calling thread's last error code.
    let code = unsafe { GetLastError() };
    let io = std::io::Error::from_raw_os_error(code as i32);
    TransportError::Spooler {
        message: format!("{what}: {io}"),
        accepted,
    }
}

impl WinspoolTransport {
    /// Opens the printer as Windows names it (Settings → Printers & scanners).
    pub fn open(name: &str) -> Result<WinspoolTransport, TransportError> {
        let wide_name = wide(name);
        let mut handle = PRINTER_HANDLE::default();
        // SAFETY: a NUL-terminated name, a handle to fill, no defaults.
        let ok = unsafe { OpenPrinterW(wide_name.as_ptr(), &mut handle, std::ptr::null()) };
        if ok == 0 {
            let mut err = last_error(format!("cannot open Windows printer \"{name}\""), false);
            if let TransportError::Spooler { message, .. } = &mut err {
                if let Ok(names) = list_printers() {
                    message.push_str(&format!(" (installed: {})", names.join(", ")));
                }
            }
            return Err(err);
        }
        Ok(WinspoolTransport {
            name: name.to_string(),
            handle,
            jobs: 0,
        })
    }
}

impl Transport for WinspoolTransport {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
        self.jobs += 1;
        let mut doc_name = wide(&format!("shiplabel {}", self.jobs));
        let mut datatype = wide("RAW");
        let info = DOC_INFO_1W {
            pDocName: doc_name.as_mut_ptr(),
            pOutputFile: std::ptr::null_mut(),
            pDatatype: datatype.as_mut_ptr(),
        };
        let name = &self.name;
        // SAFETY: an open handle and a DOC_INFO_1W whose strings outlive the call.
        let job = unsafe { StartDocPrinterW(self.handle, 1, &info) };
        if job == 0 {
            return Err(last_error(
                format!("Windows printer \"{name}\" refused the document"),
                false,
            ));
        }
        // SAFETY: a document was started on this handle.
        unsafe { StartPagePrinter(self.handle) };
        let mut sent = 0usize;
        let mut failure = None;
        while sent < bytes.len() {
            let chunk = &bytes[sent..(sent + (1 << 20)).min(bytes.len())];
            let mut written = 0u32;
            // SAFETY: the buffer and its length are valid for the call.
            let ok = unsafe {
                WritePrinter(
                    self.handle,
                    chunk.as_ptr().cast(),
                    chunk.len() as u32,
                    &mut written,
                )
            };
            if ok == 0 || written == 0 {
                failure = Some(last_error(
                    format!(
                        "Windows printer \"{name}\", job {job}: write failed after {sent} of {} bytes",
                        bytes.len()
                    ),
                    sent > 0,
                ));
                break;
            }
            sent += written as usize;
        }
        // SAFETY: ends the page and the document started above, also after a failed write, so the
        // spooler does not keep a half document open.
        let ended = unsafe {
            EndPagePrinter(self.handle);
            EndDocPrinter(self.handle)
        };
        if let Some(e) = failure {
            return Err(e);
        }
        if ended == 0 {
            return Err(last_error(
                format!("Windows printer \"{name}\", job {job}: ending the document failed"),
                true,
            ));
        }
        Ok(())
    }

    fn read_reply(
        &mut self,
        _timeout: Duration,
        _done: &dyn Fn(&[u8]) -> bool,
    ) -> Result<Vec<u8>, TransportError> {
        Ok(Vec::new())
    }

    /// The spooler's port monitor owns the link; status queries cannot go through it.
    fn can_read(&self) -> bool {
        false
    }
}

impl Drop for WinspoolTransport {
    fn drop(&mut self) {
        // SAFETY: the handle was opened by OpenPrinterW and is closed once.
        unsafe { ClosePrinter(self.handle) };
    }
}

/// The names of the printers Windows knows (local and connected).
pub fn list_printers() -> Result<Vec<String>, TransportError> {
    let flags = PRINTER_ENUM_LOCAL | PRINTER_ENUM_CONNECTIONS;
    let (mut needed, mut count) = (0u32, 0u32);
    // SAFETY: a size query with an empty buffer.
    unsafe {
        EnumPrintersW(
            flags,
            std::ptr::null(),
            4,
            std::ptr::null_mut(),
            0,
            &mut needed,
            &mut count,
        )
    };
    if needed == 0 {
        return Ok(Vec::new());
    }
    // u64 storage keeps the PRINTER_INFO_4W records aligned.
    let mut buf = vec![0u64; (needed as usize).div_ceil(8)];
    // SAFETY: the buffer is `needed` bytes long as the first call asked.
    let ok = unsafe {
        EnumPrintersW(
            flags,
            std::ptr::null(),
            4,
            buf.as_mut_ptr().cast(),
            needed,
            &mut needed,
            &mut count,
        )
    };
    if ok == 0 {
        return Err(last_error("listing the Windows printers".into(), false));
    }
    let records = buf.as_ptr().cast::<PRINTER_INFO_4W>();
    let mut names = Vec::with_capacity(count as usize);
    for i in 0..count as usize {
        // SAFETY: EnumPrintersW wrote `count` records at the start of the buffer, their strings after.
        let name = unsafe { (*records.add(i)).pPrinterName };
        if name.is_null() {
            continue;
        }
        // SAFETY: a NUL-terminated UTF-16 string inside the buffer.
        let len = (0..).take_while(|&k| unsafe { *name.add(k) } != 0).count();
        let units = unsafe { std::slice::from_raw_parts(name, len) };
        names.push(String::from_utf16_lossy(units));
    }
    Ok(names)
}
