//! USB printer-class transport on nusb (pure Rust: usbfs on Linux, WinUSB on Windows, IOKit on macOS).
//!
//! The kernel's usblp driver owns printer interfaces on Linux: [`nusb::Device::detach_and_claim_interface`]
//! detaches it and claims the interface in one step, and nusb attaches it again when the interface is
//! released (when the last handle to it, ours and our endpoints', is dropped).
//!
//! Every bulk transfer goes through `Endpoint::transfer_blocking` with a timeout: a transfer that runs out of
//! time is cancelled, and the bytes the device took before that still count (the job's progress is exact).

use std::time::Duration;

use nusb::descriptors::{ConfigurationDescriptor, TransferType};
use nusb::transfer::{Buffer, Bulk, ControlIn, ControlType, In, Out, Recipient, TransferError};
use nusb::{Device, DeviceInfo, Endpoint, Interface, MaybeFuture};

use super::device_id::{self, DeviceId};
use super::usb_select::{self, EndpointInfo, InterfaceInfo, PrinterInterface};
use super::{
    collect_reply, write_in_pieces, Timeouts, Transport, TransportError, UsbError, WriteFailure,
};

/// Bytes per bulk write: small enough that a timeout reports progress, large enough to be efficient.
const CHUNK: usize = 16 * 1024;
/// Longest device ID the class specification allows.
const DEVICE_ID_MAX: u16 = 1023;
/// Timeout for control requests (device ID, port status).
const CONTROL_TIMEOUT: Duration = Duration::from_millis(1000);
/// The bulk IN transfer asks for at most this many bytes (rounded to the endpoint's packet size).
const READ_CHUNK: usize = 512;

/// USB printer-class requests (class, interface recipient, device to host).
const GET_DEVICE_ID: u8 = 0;
const GET_PORT_STATUS: u8 = 1;

impl From<nusb::Error> for UsbError {
    fn from(error: nusb::Error) -> UsbError {
        match error.kind() {
            nusb::ErrorKind::Disconnected => UsbError::NoDevice,
            nusb::ErrorKind::Busy => UsbError::Busy,
            nusb::ErrorKind::PermissionDenied => UsbError::Access,
            nusb::ErrorKind::Unsupported => UsbError::NotSupported,
            _ => UsbError::Other(error.to_string()),
        }
    }
}

impl From<TransferError> for UsbError {
    fn from(error: TransferError) -> UsbError {
        match error {
            // Our transfers are only ever cancelled by their own timeout.
            TransferError::Cancelled => UsbError::Timeout,
            TransferError::Stall => UsbError::Pipe,
            TransferError::Disconnected => UsbError::NoDevice,
            other => UsbError::Other(other.to_string()),
        }
    }
}

fn usb_error<E: Into<UsbError>>(action: String) -> impl FnOnce(E) -> TransportError {
    move |source| TransportError::Usb {
        action,
        source: source.into(),
    }
}

fn list_devices() -> Result<impl Iterator<Item = DeviceInfo>, TransportError> {
    nusb::list_devices()
        .wait()
        .map_err(|e| TransportError::NoUsb(e.into()))
}

/// The interfaces of one configuration as plain data, and the zero-based index GET_DEVICE_ID takes.
fn interfaces_of(config: &ConfigurationDescriptor<'_>, index: u8) -> (u8, Vec<InterfaceInfo>) {
    let interfaces = config
        .interface_alt_settings()
        .map(|setting| InterfaceInfo {
            number: setting.interface_number(),
            alt_setting: setting.alternate_setting(),
            class: setting.class(),
            subclass: setting.subclass(),
            protocol: setting.protocol(),
            endpoints: setting
                .endpoints()
                .map(|e| EndpointInfo {
                    address: e.address(),
                    bulk: e.transfer_type() == TransferType::Bulk,
                })
                .collect(),
        })
        .collect();
    (index, interfaces)
}

/// The interfaces of an open device's active configuration (or its first one).
fn device_interfaces(device: &Device) -> Option<(u8, Vec<InterfaceInfo>)> {
    let active = device.active_configuration().ok();
    let value = active.as_ref().map(|c| c.configuration_value());
    let (index, config) = device
        .configurations()
        .enumerate()
        .find(|(_, c)| Some(c.configuration_value()) == value)
        .or_else(|| device.configurations().next().map(|c| (0, c)))?;
    Some(interfaces_of(&config, u8::try_from(index).ok()?))
}

/// The same from sysfs, without opening the device (as libusb does): a printer the user may not open is
/// still listed, with the reason.
#[cfg(target_os = "linux")]
fn sysfs_interfaces(info: &DeviceInfo) -> Option<(u8, Vec<InterfaceInfo>)> {
    use std::io::Read;
    let dir = info.sysfs_path();
    let mut raw = Vec::new();
    std::fs::File::open(dir.join("descriptors"))
        .ok()?
        .take(64 * 1024)
        .read_to_end(&mut raw)
        .ok()?;
    let mut value = String::new();
    let active: Option<u8> = std::fs::File::open(dir.join("bConfigurationValue"))
        .and_then(|f| f.take(16).read_to_string(&mut value))
        .ok()
        .and_then(|_| value.trim().parse().ok());
    interfaces_from_descriptors(&raw, active)
}

/// sysfs's `descriptors`: the device descriptor, then each configuration with everything it holds
/// (wTotalLength bytes). The configuration whose value is `active` (else the first) as plain data.
#[cfg(any(target_os = "linux", test))]
fn interfaces_from_descriptors(raw: &[u8], active: Option<u8>) -> Option<(u8, Vec<InterfaceInfo>)> {
    let mut at = usize::from(*raw.first()?);
    let mut configs = Vec::new();
    while let Some(config) = raw.get(at..).and_then(ConfigurationDescriptor::new) {
        at += config.as_bytes().len().max(1);
        configs.push(config);
    }
    let index = configs
        .iter()
        .position(|c| Some(c.configuration_value()) == active)
        .unwrap_or(0);
    Some(interfaces_of(
        configs.get(index)?,
        u8::try_from(index).ok()?,
    ))
}

#[cfg(not(target_os = "linux"))]
fn sysfs_interfaces(_info: &DeviceInfo) -> Option<(u8, Vec<InterfaceInfo>)> {
    None
}

/// GET_DEVICE_ID through a claimed interface: wValue is the configuration index, wIndex the interface in
/// the high byte and the alternate setting in the low byte.
fn read_device_id(
    interface: &Interface,
    config_index: u8,
    printer: &PrinterInterface,
) -> Option<DeviceId> {
    let reply = interface
        .control_in(device_id_request(config_index, printer), CONTROL_TIMEOUT)
        .wait()
        .ok()?;
    device_id::parse_reply(&reply)
}

fn device_id_request(config_index: u8, printer: &PrinterInterface) -> ControlIn {
    ControlIn {
        control_type: ControlType::Class,
        recipient: Recipient::Interface,
        request: GET_DEVICE_ID,
        value: u16::from(config_index),
        index: (u16::from(printer.number) << 8) | u16::from(printer.alt_setting),
        length: DEVICE_ID_MAX,
    }
}

/// GET_DEVICE_ID on the device without claiming the interface (Linux lets this one class request through
/// while usblp holds it; Windows sends control requests only through a claimed interface).
#[cfg(not(windows))]
fn read_device_id_unclaimed(
    device: &Device,
    config_index: u8,
    printer: &PrinterInterface,
) -> Option<DeviceId> {
    let reply = device
        .control_in(device_id_request(config_index, printer), CONTROL_TIMEOUT)
        .wait()
        .ok()?;
    device_id::parse_reply(&reply)
}

#[cfg(windows)]
fn read_device_id_unclaimed(_: &Device, _: u8, _: &PrinterInterface) -> Option<DeviceId> {
    None
}

/// Whether a device may have a printer interface: one of its interfaces says so, or the OS did not list
/// them (Windows, for a device bound whole to one driver).
fn may_be_printer(info: &DeviceInfo) -> bool {
    info.class() == usb_select::CLASS_PRINTER
        || info.interfaces().next().is_none()
        || info
            .interfaces()
            .any(|i| i.class() == usb_select::CLASS_PRINTER)
}

/// A string descriptor: the OS's cached copy, else read from the device.
fn string_of(
    cached: Option<&str>,
    fetch: impl MaybeFuture<Output = Result<Option<String>, nusb::Error>>,
) -> Option<String> {
    match cached {
        Some(s) => Some(s.to_string()),
        None => fetch.wait().ok().flatten(),
    }
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
    let mut found = Vec::new();
    for info in list_devices()? {
        if !may_be_printer(&info) {
            continue;
        }
        let opened = info.open().wait();
        let config = sysfs_interfaces(&info).or_else(|| device_interfaces(opened.as_ref().ok()?));
        let Some((config_index, ifaces)) = config else {
            continue;
        };
        let Ok(interface) = usb_select::select(&ifaces, None) else {
            continue;
        };
        let mut printer = UsbPrinterInfo {
            vid: info.vendor_id(),
            pid: info.product_id(),
            serial: None,
            manufacturer: None,
            product: None,
            device_id: None,
            interface,
            note: None,
            uri: String::new(),
        };
        match opened {
            Ok(device) => {
                printer.manufacturer =
                    string_of(info.manufacturer_string(), info.get_manufacturer_string());
                printer.product = string_of(info.product_string(), info.get_product_string());
                printer.serial = string_of(info.serial_number(), info.get_serial_number_string());
                // The class request goes to the interface, which usblp may own: borrow it briefly (dropping
                // the claim gives it back to usblp).
                match device.detach_and_claim_interface(interface.number).wait() {
                    Ok(claimed) => {
                        printer.device_id = read_device_id(&claimed, config_index, &interface);
                    }
                    Err(e) => {
                        // Some stacks answer without a claim.
                        printer.device_id =
                            read_device_id_unclaimed(&device, config_index, &interface);
                        if printer.device_id.is_none() {
                            printer.note = Some(format!(
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
                // Without opening, only what the OS cached.
                printer.manufacturer = info.manufacturer_string().map(str::to_string);
                printer.product = info.product_string().map(str::to_string);
                printer.serial = info.serial_number().map(str::to_string);
                let e = UsbError::from(e);
                let hint = if e == UsbError::Access {
                    " (install the udev rule from docs/printing.md)"
                } else {
                    ""
                };
                printer.note = Some(format!("cannot open the device: {e}{hint}"))
            }
        }
        found.push(printer);
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
    // Dropping the endpoints and the interface releases the claim and gives the interface back to usblp.
    out: Endpoint<Bulk, Out>,
    input: Option<Endpoint<Bulk, In>>,
    claimed: Interface,
    /// Bytes of a bulk IN transfer that did not fit the caller's buffer.
    unread: Vec<u8>,
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
        let label = match serial {
            Some(s) => format!("{vid:04x}:{pid:04x} serial {s}"),
            None => format!("{vid:04x}:{pid:04x}"),
        };
        let mut last_error = None;
        for info in list_devices()? {
            if (info.vendor_id(), info.product_id()) != (vid, pid) {
                continue;
            }
            if let (Some(wanted), Some(actual)) = (serial, info.serial_number()) {
                if actual != wanted {
                    continue;
                }
            }
            let device = match info.open().wait() {
                Ok(d) => d,
                Err(e) => {
                    last_error = Some(TransportError::Usb {
                        action: format!("opening {label}"),
                        source: e.into(),
                    });
                    continue;
                }
            };
            if let Some(wanted) = serial {
                if info.serial_number().is_none() {
                    let actual = info.get_serial_number_string().wait().ok().flatten();
                    if actual.as_deref() != Some(wanted) {
                        continue;
                    }
                }
            }
            let (config_index, ifaces) =
                device_interfaces(&device).ok_or_else(|| TransportError::Usb {
                    action: format!("reading the configuration of {label}"),
                    source: UsbError::Other("no configuration descriptor".into()),
                })?;
            let chosen = usb_select::select(&ifaces, interface).map_err(|reason| {
                TransportError::NoPrinterInterface {
                    device: label.clone(),
                    reason,
                }
            })?;
            // Detaches usblp (Linux; elsewhere a plain claim) and claims the interface in one call.
            let claimed = device
                .detach_and_claim_interface(chosen.number)
                .wait()
                .map_err(usb_error(format!(
                    "claiming interface {} of {label}",
                    chosen.number
                )))?;
            if chosen.alt_setting != 0 {
                claimed
                    .set_alt_setting(chosen.alt_setting)
                    .wait()
                    .map_err(usb_error(format!(
                        "selecting setting {} of interface {} of {label}",
                        chosen.alt_setting, chosen.number
                    )))?;
            }
            let out = claimed
                .endpoint::<Bulk, Out>(chosen.out_endpoint)
                .map_err(usb_error(format!(
                    "opening endpoint {:#04x} of {label}",
                    chosen.out_endpoint
                )))?;
            let input = match chosen.in_endpoint {
                Some(address) => Some(claimed.endpoint::<Bulk, In>(address).map_err(usb_error(
                    format!("opening endpoint {address:#04x} of {label}"),
                ))?),
                None => None,
            };
            return Ok(UsbTransport {
                out,
                input,
                claimed,
                unread: Vec::new(),
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
        read_device_id(&self.claimed, self.config_index, &self.interface)
    }
}

/// One bulk IN transfer of up to [`READ_CHUNK`] bytes (a whole number of packets): `Ok(None)` when the
/// device sent nothing within `timeout`. Bytes that arrived before a timeout are kept.
fn read_bulk(
    endpoint: &mut Endpoint<Bulk, In>,
    timeout: Duration,
) -> Result<Option<Vec<u8>>, UsbError> {
    let packet = endpoint.max_packet_size().max(1);
    let length = packet * (READ_CHUNK / packet).max(1);
    let done = endpoint.transfer_blocking(Buffer::new(length), timeout);
    let received = done.buffer[..done.actual_len.min(done.buffer.len())].to_vec();
    match done.status {
        Ok(()) => Ok(Some(received)),
        Err(TransferError::Cancelled) if received.is_empty() => Ok(None),
        Err(TransferError::Cancelled) => Ok(Some(received)),
        Err(e) => Err(e.into()),
    }
}

impl Transport for UsbTransport {
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
        let (out, timeout) = (&mut self.out, self.timeouts.write);
        // A transfer that failed after the printer took part of it counts that part, then fails.
        let mut failed: Option<UsbError> = None;
        write_in_pieces(bytes, |rest| {
            if let Some(e) = failed.take() {
                return Err(WriteFailure::Usb(e));
            }
            let piece = &rest[..rest.len().min(CHUNK)];
            let done = out.transfer_blocking(Buffer::from(piece.to_vec()), timeout);
            let taken = done.actual_len.min(piece.len());
            match done.status {
                Ok(()) if taken > 0 => Ok(taken),
                Ok(()) => Err(WriteFailure::Usb(UsbError::Other(
                    "the printer took none of a bulk transfer".into(),
                ))),
                Err(e) if taken > 0 => {
                    failed = Some(e.into());
                    Ok(taken)
                }
                Err(e) => Err(WriteFailure::Usb(e.into())),
            }
        })
    }

    fn read_reply(
        &mut self,
        timeout: Duration,
        done: &dyn Fn(&[u8]) -> bool,
    ) -> Result<Vec<u8>, TransportError> {
        let Some(endpoint) = self.input.as_mut() else {
            return Ok(Vec::new());
        };
        let (unread, label) = (&mut self.unread, &self.label);
        collect_reply(timeout, done, |buf, left| {
            if unread.is_empty() {
                match read_bulk(endpoint, left) {
                    Ok(Some(bytes)) => *unread = bytes,
                    Ok(None) => return Ok(None),
                    Err(UsbError::NoDevice) => return Err(TransportError::closed()),
                    Err(source) => {
                        return Err(TransportError::Usb {
                            action: format!("reading status from {label}"),
                            source,
                        })
                    }
                }
            }
            let n = unread.len().min(buf.len());
            buf[..n].copy_from_slice(&unread[..n]);
            unread.drain(..n);
            Ok(Some(n))
        })
    }

    fn discard_input(&mut self) -> Result<(), TransportError> {
        self.unread.clear();
        let Some(endpoint) = self.input.as_mut() else {
            return Ok(());
        };
        // Stale replies are already queued on the device: a short timeout picks them up.
        for _ in 0..8 {
            match read_bulk(endpoint, Duration::from_millis(20)) {
                Ok(Some(bytes)) if !bytes.is_empty() => continue,
                Ok(_) => return Ok(()),
                Err(UsbError::NoDevice) => return Err(TransportError::closed()),
                // A printer that stalls IN reads simply has nothing to say.
                Err(_) => return Ok(()),
            }
        }
        Ok(())
    }

    fn port_status(&mut self) -> Result<Option<u8>, TransportError> {
        let request = ControlIn {
            control_type: ControlType::Class,
            recipient: Recipient::Interface,
            request: GET_PORT_STATUS,
            value: 0,
            index: u16::from(self.interface.number),
            length: 1,
        };
        match self.claimed.control_in(request, CONTROL_TIMEOUT).wait() {
            Ok(reply) if reply.len() == 1 => Ok(Some(reply[0])),
            Ok(_)
            | Err(TransferError::Cancelled)
            | Err(TransferError::Stall)
            | Err(TransferError::InvalidArgument) => Ok(None),
            Err(TransferError::Disconnected) => Err(TransportError::closed()),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A device descriptor and two configurations as sysfs gives them: configuration 1 a vendor interface,
    /// configuration 2 the printer gadget's interface (class 7/1/2, bulk IN 0x81 and bulk OUT 0x01).
    fn descriptors() -> Vec<u8> {
        let mut raw = vec![
            18, 1, 0, 2, 0, 0, 0, 64, 0x16, 0x04, 0x11, 0x50, 0, 1, 1, 2, 3, 2,
        ];
        raw.extend([9, 2, 25, 0, 1, 1, 0, 0xC0, 1]);
        raw.extend([9, 4, 0, 0, 1, 0xFF, 0, 0, 0]);
        raw.extend([7, 5, 0x02, 2, 0, 2, 0]);
        raw.extend([9, 2, 32, 0, 1, 2, 0, 0xC0, 1]);
        raw.extend([9, 4, 0, 0, 2, 7, 1, 2, 0]);
        raw.extend([7, 5, 0x81, 2, 0, 2, 0]);
        raw.extend([7, 5, 0x01, 2, 0, 2, 0]);
        raw
    }

    #[test]
    fn sysfs_descriptors_give_the_active_configuration() {
        let (index, interfaces) = interfaces_from_descriptors(&descriptors(), Some(2)).unwrap();
        assert_eq!(index, 1, "GET_DEVICE_ID takes the zero-based index");
        let printer = usb_select::select(&interfaces, None).unwrap();
        assert_eq!(
            (
                printer.number,
                printer.protocol,
                printer.out_endpoint,
                printer.in_endpoint
            ),
            (0, 2, 0x01, Some(0x81))
        );
        // Unconfigured or unreadable bConfigurationValue: the first configuration.
        let (index, interfaces) = interfaces_from_descriptors(&descriptors(), None).unwrap();
        assert_eq!(index, 0);
        assert!(usb_select::select(&interfaces, None).is_err());
    }

    #[test]
    fn truncated_descriptors_are_not_a_panic() {
        let raw = descriptors();
        for end in 0..raw.len() {
            let _ = interfaces_from_descriptors(&raw[..end], Some(2));
        }
        assert_eq!(interfaces_from_descriptors(&[], None), None);
    }
}
