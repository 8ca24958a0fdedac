//! USB printer-class transport on libusb (rusb).
//!
//! Always through an explicit [`rusb::Context`]: rusb's global helpers panic on a machine without USB.
//! The kernel's usblp driver owns printer interfaces on Linux; `set_auto_detach_kernel_driver(true)`
//! before claiming detaches it and gives it back when the interface is released (on drop).

use std::time::Duration;

use rusb::{Context, Device, DeviceHandle, Direction, TransferType, UsbContext};

use super::device_id::{self, DeviceId};
use super::usb_select::{self, EndpointInfo, InterfaceInfo, PrinterInterface};
use super::{collect_reply, write_in_pieces, Timeouts, Transport, TransportError, WriteFailure};

/// Bytes per bulk write: small enough that a timeout reports progress, large enough to be efficient.
const CHUNK: usize = 16 * 1024;
/// Longest device ID the class specification allows.
const DEVICE_ID_MAX: usize = 1023;
/// Timeout for control requests (device ID, port status, strings).
const CONTROL_TIMEOUT: Duration = Duration::from_millis(1000);

/// USB printer-class requests (class, interface recipient, device to host).
const REQUEST_TYPE_CLASS_IN: u8 = 0xA1;
const GET_DEVICE_ID: u8 = 0;
const GET_PORT_STATUS: u8 = 1;

fn context() -> Result<Context, TransportError> {
    Context::new().map_err(|e| TransportError::NoUsb(e.into()))
}

fn usb_error(action: String) -> impl FnOnce(rusb::Error) -> TransportError {
    move |source| TransportError::Usb {
        action,
        source: source.into(),
    }
}

/// The interfaces of a device's active configuration (or its first one), as plain data.
fn interfaces<T: UsbContext>(device: &Device<T>) -> Result<(u8, Vec<InterfaceInfo>), rusb::Error> {
    let config = device
        .active_config_descriptor()
        .or_else(|_| device.config_descriptor(0))?;
    let mut out = Vec::new();
    for interface in config.interfaces() {
        for setting in interface.descriptors() {
            out.push(InterfaceInfo {
                number: setting.interface_number(),
                alt_setting: setting.setting_number(),
                class: setting.class_code(),
                subclass: setting.sub_class_code(),
                protocol: setting.protocol_code(),
                endpoints: setting
                    .endpoint_descriptors()
                    .map(|e| EndpointInfo {
                        address: e.address(),
                        bulk: e.transfer_type() == TransferType::Bulk
                            && matches!(e.direction(), Direction::In | Direction::Out),
                    })
                    .collect(),
            });
        }
    }
    // wValue of GET_DEVICE_ID is the zero-based configuration index; the value is 1-based.
    Ok((config.number().saturating_sub(1), out))
}

fn read_device_id<T: UsbContext>(
    handle: &DeviceHandle<T>,
    config_index: u8,
    interface: &PrinterInterface,
) -> Option<DeviceId> {
    let mut buf = vec![0u8; DEVICE_ID_MAX];
    let index = (u16::from(interface.number) << 8) | u16::from(interface.alt_setting);
    let n = handle
        .read_control(
            REQUEST_TYPE_CLASS_IN,
            GET_DEVICE_ID,
            u16::from(config_index),
            index,
            &mut buf,
            CONTROL_TIMEOUT,
        )
        .ok()?;
    device_id::parse_reply(buf.get(..n)?)
}

/// A USB printer found by [`list_printers`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsbPrinterInfo {
    /// Vendor id.
    pub vid: u16,
    /// Product id.
    pub pid: u16,
    /// Serial number string, when readable.
    pub serial: Option<String>,
    /// Manufacturer string descriptor, when readable.
    pub manufacturer: Option<String>,
    /// Product string descriptor, when readable.
    pub product: Option<String>,
    /// The IEEE-1284 device ID, when readable.
    pub device_id: Option<DeviceId>,
    /// The interface a print job would use.
    pub interface: PrinterInterface,
    /// Why some of the above could not be read (e.g. no permission), if so.
    pub note: Option<String>,
    /// The URI that prints to this printer.
    pub uri: String,
}

/// Lists connected USB printers (devices with a printer-class interface). Fails with
/// [`TransportError::NoUsb`] on a machine without USB.
pub fn list_printers() -> Result<Vec<UsbPrinterInfo>, TransportError> {
    let context = context()?;
    let devices = context
        .devices()
        .map_err(usb_error("listing devices".to_string()))?;
    let mut found = Vec::new();
    for device in devices.iter() {
        let Ok(descriptor) = device.device_descriptor() else {
            continue;
        };
        let Ok((config_index, ifaces)) = interfaces(&device) else {
            continue;
        };
        let Ok(interface) = usb_select::select(&ifaces, None) else {
            continue;
        };
        let (vid, pid) = (descriptor.vendor_id(), descriptor.product_id());
        let mut info = UsbPrinterInfo {
            vid,
            pid,
            serial: None,
            manufacturer: None,
            product: None,
            device_id: None,
            interface,
            note: None,
            uri: String::new(),
        };
        match device.open() {
            Ok(handle) => {
                info.manufacturer = handle.read_manufacturer_string_ascii(&descriptor).ok();
                info.product = handle.read_product_string_ascii(&descriptor).ok();
                info.serial = handle.read_serial_number_string_ascii(&descriptor).ok();
                // The class request goes to the interface, which usblp may own: borrow it briefly.
                let _ = handle.set_auto_detach_kernel_driver(true);
                match handle.claim_interface(interface.number) {
                    Ok(()) => {
                        info.device_id = read_device_id(&handle, config_index, &interface);
                        let _ = handle.release_interface(interface.number);
                    }
                    Err(e) => {
                        // Some stacks answer without a claim.
                        info.device_id = read_device_id(&handle, config_index, &interface);
                        if info.device_id.is_none() {
                            info.note = Some(format!(
                                "device ID not read: {}",
                                TransportError::Usb {
                                    action: "claiming the interface".into(),
                                    source: e.into(),
                                }
                            ));
                        }
                    }
                }
            }
            Err(e) => {
                let hint = if e == rusb::Error::Access {
                    " (install the udev rule from docs/printing.md)"
                } else {
                    ""
                };
                info.note = Some(format!("cannot open the device: {e}{hint}"))
            }
        }
        found.push(info);
    }
    // Identical printers need their serial number in the URI to be told apart.
    let uris: Vec<String> = found
        .iter()
        .map(|p| {
            let twins = found
                .iter()
                .filter(|o| (o.vid, o.pid) == (p.vid, p.pid))
                .count();
            match (&p.serial, twins > 1) {
                (Some(serial), true) => {
                    format!("usb://{:04x}:{:04x}?serial={serial}", p.vid, p.pid)
                }
                _ => format!("usb://{:04x}:{:04x}", p.vid, p.pid),
            }
        })
        .collect();
    for (p, uri) in found.iter_mut().zip(uris) {
        p.uri = uri;
    }
    Ok(found)
}

/// A claimed USB printer interface.
pub struct UsbTransport {
    handle: DeviceHandle<Context>,
    interface: PrinterInterface,
    config_index: u8,
    timeouts: Timeouts,
    label: String,
}

impl std::fmt::Debug for UsbTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UsbTransport")
            .field("device", &self.label)
            .field("interface", &self.interface)
            .finish_non_exhaustive()
    }
}

impl UsbTransport {
    /// Opens the first connected device `vid:pid` (with that serial number, if given) and claims its
    /// printer interface (`interface`, if given).
    pub fn open(
        vid: u16,
        pid: u16,
        serial: Option<&str>,
        interface: Option<u8>,
        timeouts: Timeouts,
    ) -> Result<UsbTransport, TransportError> {
        let context = context()?;
        let label = match serial {
            Some(s) => format!("{vid:04x}:{pid:04x} serial {s}"),
            None => format!("{vid:04x}:{pid:04x}"),
        };
        let devices = context
            .devices()
            .map_err(usb_error("listing devices".to_string()))?;
        let mut last_error = None;
        for device in devices.iter() {
            let Ok(descriptor) = device.device_descriptor() else {
                continue;
            };
            if (descriptor.vendor_id(), descriptor.product_id()) != (vid, pid) {
                continue;
            }
            let (config_index, ifaces) = interfaces(&device)
                .map_err(usb_error(format!("reading the configuration of {label}")))?;
            let chosen = usb_select::select(&ifaces, interface).map_err(|reason| {
                TransportError::NoPrinterInterface {
                    device: label.clone(),
                    reason,
                }
            })?;
            let handle = match device.open() {
                Ok(h) => h,
                Err(e) => {
                    last_error = Some(TransportError::Usb {
                        action: format!("opening {label}"),
                        source: e.into(),
                    });
                    continue;
                }
            };
            if let Some(wanted) = serial {
                let actual = handle.read_serial_number_string_ascii(&descriptor).ok();
                if actual.as_deref() != Some(wanted) {
                    continue;
                }
            }
            // NotSupported on systems without kernel drivers to detach: nothing to do there.
            match handle.set_auto_detach_kernel_driver(true) {
                Ok(()) | Err(rusb::Error::NotSupported) => {}
                Err(e) => {
                    return Err(TransportError::Usb {
                        action: format!("detaching the kernel driver from {label}"),
                        source: e.into(),
                    })
                }
            }
            handle
                .claim_interface(chosen.number)
                .map_err(usb_error(format!(
                    "claiming interface {} of {label}",
                    chosen.number
                )))?;
            if chosen.alt_setting != 0 {
                if let Err(e) = handle.set_alternate_setting(chosen.number, chosen.alt_setting) {
                    let _ = handle.release_interface(chosen.number);
                    return Err(TransportError::Usb {
                        action: format!(
                            "selecting setting {} of interface {} of {label}",
                            chosen.alt_setting, chosen.number
                        ),
                        source: e.into(),
                    });
                }
            }
            return Ok(UsbTransport {
                handle,
                interface: chosen,
                config_index,
                timeouts,
                label,
            });
        }
        if let Some(e) = last_error {
            return Err(e);
        }
        let found = list_printers()
            .map(|list| list.into_iter().map(|p| p.uri).collect())
            .unwrap_or_default();
        Err(TransportError::UsbNotFound {
            wanted: label,
            found,
        })
    }

    /// The printer's IEEE-1284 device ID, if it answers.
    pub fn device_id(&self) -> Option<DeviceId> {
        read_device_id(&self.handle, self.config_index, &self.interface)
    }
}

impl Drop for UsbTransport {
    fn drop(&mut self) {
        // Releasing hands the interface back to usblp (auto-detach re-attaches it).
        let _ = self.handle.release_interface(self.interface.number);
    }
}

impl Transport for UsbTransport {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
        let (handle, endpoint, timeout) = (
            &self.handle,
            self.interface.out_endpoint,
            self.timeouts.write,
        );
        write_in_pieces(bytes, |rest| {
            let piece = &rest[..rest.len().min(CHUNK)];
            // A short write is not an error: the loop sends the rest.
            match handle.write_bulk(endpoint, piece, timeout) {
                Ok(0) => Err(WriteFailure::Usb(rusb::Error::Io.into())),
                Ok(n) => Ok(n),
                Err(rusb::Error::Interrupted) => Ok(0),
                Err(e) => Err(WriteFailure::Usb(e.into())),
            }
        })
    }

    fn read_reply(
        &mut self,
        timeout: Duration,
        done: &dyn Fn(&[u8]) -> bool,
    ) -> Result<Vec<u8>, TransportError> {
        let Some(endpoint) = self.interface.in_endpoint else {
            return Ok(Vec::new());
        };
        let (handle, label) = (&self.handle, &self.label);
        collect_reply(timeout, done, |buf, left| {
            match handle.read_bulk(endpoint, buf, left) {
                Ok(n) => Ok(Some(n)),
                Err(rusb::Error::Timeout) => Ok(None),
                Err(rusb::Error::Interrupted) => Ok(Some(0)),
                Err(rusb::Error::NoDevice) => Err(TransportError::closed()),
                Err(source) => Err(TransportError::Usb {
                    action: format!("reading status from {label}"),
                    source: source.into(),
                }),
            }
        })
    }

    fn discard_input(&mut self) -> Result<(), TransportError> {
        let Some(endpoint) = self.interface.in_endpoint else {
            return Ok(());
        };
        let mut buf = [0u8; 512];
        // Stale replies are already queued on the device: a short timeout picks them up.
        for _ in 0..8 {
            match self
                .handle
                .read_bulk(endpoint, &mut buf, Duration::from_millis(20))
            {
                Ok(n) if n > 0 => continue,
                Ok(_) | Err(rusb::Error::Timeout) => return Ok(()),
                Err(rusb::Error::NoDevice) => return Err(TransportError::closed()),
                // A printer that stalls IN reads simply has nothing to say.
                Err(_) => return Ok(()),
            }
        }
        Ok(())
    }

    fn port_status(&mut self) -> Result<Option<u8>, TransportError> {
        let mut buf = [0u8; 1];
        match self.handle.read_control(
            REQUEST_TYPE_CLASS_IN,
            GET_PORT_STATUS,
            0,
            u16::from(self.interface.number),
            &mut buf,
            CONTROL_TIMEOUT,
        ) {
            Ok(1) => Ok(Some(buf[0])),
            Ok(_)
            | Err(rusb::Error::Timeout)
            | Err(rusb::Error::Pipe)
            | Err(rusb::Error::NotSupported) => Ok(None),
            Err(rusb::Error::NoDevice) => Err(TransportError::closed()),
            Err(source) => Err(TransportError::Usb {
                action: format!("reading the port status of {}", self.label),
                source: source.into(),
            }),
        }
    }

    fn can_read(&self) -> bool {
        // A unidirectional printer has no IN endpoint: a query would only add bytes to the print stream.
        self.interface.in_endpoint.is_some()
    }
}
