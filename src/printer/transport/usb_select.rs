//! Choosing the printer interface and its endpoints from a USB configuration, on plain descriptor data so
//! the choice is testable without hardware.
//!
//! A printer interface is class 7, subclass 1, protocol 1 (unidirectional: bulk OUT only) or 2
//! (bidirectional: bulk OUT and bulk IN). Composite devices also carry mass-storage or vendor interfaces,
//! which must never be claimed. Protocol 2 is preferred because only it can answer status queries.

/// USB class code of printers.
pub const CLASS_PRINTER: u8 = 7;
/// Subclass of printers.
pub const SUBCLASS_PRINTER: u8 = 1;

/// One endpoint of an interface setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndpointInfo {
    /// Endpoint address; bit 7 set = IN (device to host).
    pub address: u8,
    /// Whether it is a bulk endpoint.
    pub bulk: bool,
}

impl EndpointInfo {
    fn is_in(&self) -> bool {
        self.address & 0x80 != 0
    }
}

/// One alternate setting of one interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceInfo {
    /// bInterfaceNumber.
    pub number: u8,
    /// bAlternateSetting.
    pub alt_setting: u8,
    /// bInterfaceClass.
    pub class: u8,
    /// bInterfaceSubClass.
    pub subclass: u8,
    /// bInterfaceProtocol.
    pub protocol: u8,
    /// Its endpoints.
    pub endpoints: Vec<EndpointInfo>,
}

/// The interface to claim and the endpoints to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrinterInterface {
    /// Interface number.
    pub number: u8,
    /// Alternate setting to select.
    pub alt_setting: u8,
    /// 1 = unidirectional, 2 = bidirectional.
    pub protocol: u8,
    /// Bulk OUT endpoint address.
    pub out_endpoint: u8,
    /// Bulk IN endpoint address, for status replies (bidirectional only).
    pub in_endpoint: Option<u8>,
}

/// Picks the printer interface: the one numbered `wanted` if given, else the first bidirectional one,
/// else the first unidirectional one. The error says what the device offers instead.
pub fn select(
    interfaces: &[InterfaceInfo],
    wanted: Option<u8>,
) -> Result<PrinterInterface, String> {
    let usable = |i: &InterfaceInfo| -> Option<PrinterInterface> {
        if i.class != CLASS_PRINTER
            || i.subclass != SUBCLASS_PRINTER
            || !matches!(i.protocol, 1 | 2)
        {
            return None;
        }
        let out_endpoint = i.endpoints.iter().find(|e| e.bulk && !e.is_in())?.address;
        let in_endpoint = if i.protocol == 2 {
            i.endpoints
                .iter()
                .find(|e| e.bulk && e.is_in())
                .map(|e| e.address)
        } else {
            None
        };
        Some(PrinterInterface {
            number: i.number,
            alt_setting: i.alt_setting,
            protocol: i.protocol,
            out_endpoint,
            in_endpoint,
        })
    };
    let mut candidates: Vec<PrinterInterface> = interfaces
        .iter()
        .filter(|i| wanted.is_none_or(|w| i.number == w))
        .filter_map(usable)
        .collect();
    // Bidirectional before unidirectional, then the lowest interface and setting.
    candidates.sort_by_key(|c| (c.in_endpoint.is_none(), c.number, c.alt_setting));
    if let Some(best) = candidates.first() {
        return Ok(*best);
    }
    let offered: Vec<String> = interfaces
        .iter()
        .map(|i| {
            format!(
                "interface {} alt {} class {:02x}/{:02x}/{:02x}",
                i.number, i.alt_setting, i.class, i.subclass, i.protocol
            )
        })
        .collect();
    let offered = if offered.is_empty() {
        "no interfaces".to_string()
    } else {
        offered.join(", ")
    };
    Err(match wanted {
        Some(w) => format!("interface {w} is not a printer interface with a bulk OUT endpoint ({offered})"),
        None => format!("no printer interface (class 07/01, protocol 1 or 2, with a bulk OUT endpoint): {offered}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iface(number: u8, alt: u8, class: (u8, u8, u8), endpoints: &[(u8, bool)]) -> InterfaceInfo {
        InterfaceInfo {
            number,
            alt_setting: alt,
            class: class.0,
            subclass: class.1,
            protocol: class.2,
            endpoints: endpoints
                .iter()
                .map(|&(address, bulk)| EndpointInfo { address, bulk })
                .collect(),
        }
    }

    #[test]
    fn the_gadget_printer() {
        let got = select(
            &[iface(0, 0, (7, 1, 2), &[(0x81, true), (0x02, true)])],
            None,
        )
        .unwrap();
        assert_eq!(
            got,
            PrinterInterface {
                number: 0,
                alt_setting: 0,
                protocol: 2,
                out_endpoint: 0x02,
                in_endpoint: Some(0x81)
            }
        );
    }

    #[test]
    fn composite_device_with_mass_storage_first() {
        // Munbyn-style: interface 0 mass storage with bulk IN+OUT, interface 1 the printer.
        let ifaces = [
            iface(0, 0, (8, 6, 0x50), &[(0x01, true), (0x82, true)]),
            iface(1, 0, (7, 1, 2), &[(0x03, true), (0x83, true)]),
        ];
        let got = select(&ifaces, None).unwrap();
        assert_eq!(
            (got.number, got.out_endpoint, got.in_endpoint),
            (1, 0x03, Some(0x83))
        );
    }

    #[test]
    fn prefers_bidirectional_alt_setting() {
        let ifaces = [
            iface(0, 0, (7, 1, 1), &[(0x01, true)]),
            iface(0, 1, (7, 1, 2), &[(0x01, true), (0x82, true)]),
            iface(0, 2, (7, 1, 4), &[(0x03, true), (0x84, true)]),
        ];
        let got = select(&ifaces, None).unwrap();
        assert_eq!(
            (got.alt_setting, got.protocol, got.in_endpoint),
            (1, 2, Some(0x82))
        );
    }

    #[test]
    fn unidirectional_has_no_in_endpoint_and_interrupt_endpoints_are_ignored() {
        let ifaces = [iface(0, 0, (7, 1, 1), &[(0x83, false), (0x01, true)])];
        let got = select(&ifaces, None).unwrap();
        assert_eq!((got.out_endpoint, got.in_endpoint), (0x01, None));
        // Bidirectional but with only an interrupt IN: writes still work, no status.
        let ifaces = [iface(0, 0, (7, 1, 2), &[(0x83, false), (0x01, true)])];
        assert_eq!(select(&ifaces, None).unwrap().in_endpoint, None);
    }

    #[test]
    fn refusals_say_what_the_device_offers() {
        let ifaces = [
            iface(0, 0, (8, 6, 0x50), &[(0x01, true), (0x82, true)]),
            iface(1, 0, (7, 1, 2), &[(0x82, true)]),
        ];
        let err = select(&ifaces, None).unwrap_err();
        assert!(err.contains("interface 0 alt 0 class 08/06/50"), "{err}");
        assert!(err.contains("interface 1 alt 0 class 07/01/02"), "{err}");
        let err = select(&[iface(1, 0, (7, 1, 2), &[(0x02, true)])], Some(0)).unwrap_err();
        assert!(
            err.starts_with("interface 0 is not a printer interface"),
            "{err}"
        );
        assert!(select(&[iface(1, 0, (7, 1, 2), &[(0x02, true)])], Some(1)).is_ok());
        assert!(select(&[], None).unwrap_err().contains("no interfaces"));
    }
}
