//! Posting statuses and substatuses as the Ozon Seller API spells them.
//!
//! Both enums keep an `Unknown(String)` variant: the marketplace keeps adding values
//! (`cancelled_from_split_pending`, `ship_failed`, …), and a value this code has never seen must survive
//! an import and an export unchanged instead of failing the whole file.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Declares a string-valued enum with an `Unknown(String)` fallback, its API spelling, `Display`
/// and serde as that spelling. One macro serves both enums so their behaviour cannot drift apart.
macro_rules! api_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version does not know; kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// Every known value, in the order of the API reference.
            pub const KNOWN: &'static [$name] = &[ $( $name::$variant, )+ ];

            /// The API's snake_case spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )+
                    $name::Unknown(text) => text,
                }
            }

            /// Parses the API's spelling; anything else becomes `Unknown` with the text kept.
            pub fn parse(text: &str) -> Self {
                match text {
                    $( $text => $name::$variant, )+
                    other => $name::Unknown(other.to_owned()),
                }
            }

            /// Whether this is a value the reference lists.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Unknown(_))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Ok($name::parse(text))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
                Ok($name::parse(&text))
            }
        }
    };
}

api_enum! {
    /// The status of a posting (`status` in the API).
    Status {
        /// ожидает регистрации
        AwaitingRegistration = "awaiting_registration",
        /// идёт приёмка
        AcceptanceInProgress = "acceptance_in_progress",
        /// ожидает подтверждения
        AwaitingApprove = "awaiting_approve",
        /// ожидает упаковки: the seller has to pack it.
        AwaitingPackaging = "awaiting_packaging",
        /// ожидает отгрузки: packed, labels can be downloaded.
        AwaitingDeliver = "awaiting_deliver",
        /// создано
        AwaitingVerification = "awaiting_verification",
        /// арбитраж: the seller's dispute.
        Arbitration = "arbitration",
        /// клиентский арбитраж доставки
        ClientArbitration = "client_arbitration",
        /// доставляется: handed over, in transit.
        Delivering = "delivering",
        /// у водителя
        DriverPickup = "driver_pickup",
        /// доставлено
        Delivered = "delivered",
        /// отменено
        Cancelled = "cancelled",
        /// отменено из-за разделения отправления
        CancelledFromSplitPending = "cancelled_from_split_pending",
        /// не принято на сортировочном центре
        NotAccepted = "not_accepted",
        /// отправлено продавцом (cross-border first mile)
        SentBySeller = "sent_by_seller",
    }
}

api_enum! {
    /// The substatus of a posting (`substatus` in the API).
    Substatus {
        /// идёт приёмка
        PostingAcceptanceInProgress = "posting_acceptance_in_progress",
        /// в арбитраже
        PostingInArbitration = "posting_in_arbitration",
        /// создано
        PostingCreated = "posting_created",
        /// в перевозке
        PostingInCarriage = "posting_in_carriage",
        /// не добавлено в перевозку
        PostingNotInCarriage = "posting_not_in_carriage",
        /// зарегистрировано
        PostingRegistered = "posting_registered",
        /// передаётся в доставку (or to the courier)
        PostingTransferringToDelivery = "posting_transferring_to_delivery",
        /// ожидает паспортных данных: the cross-border passport gate is closed.
        PostingAwaitingPassportData = "posting_awaiting_passport_data",
        /// ожидает регистрации
        PostingAwaitingRegistration = "posting_awaiting_registration",
        /// ошибка регистрации
        PostingRegistrationError = "posting_registration_error",
        /// ожидает разделения
        PostingSplitPending = "posting_split_pending",
        /// отменено
        PostingCanceled = "posting_canceled",
        /// в клиентском арбитраже
        PostingInClientArbitration = "posting_in_client_arbitration",
        /// доставлено
        PostingDelivered = "posting_delivered",
        /// получено
        PostingReceived = "posting_received",
        /// условно доставлено
        PostingConditionallyDelivered = "posting_conditionally_delivered",
        /// курьер в пути
        PostingInCourierService = "posting_in_courier_service",
        /// в пункте выдачи
        PostingInPickupPoint = "posting_in_pickup_point",
        /// в пути в город
        PostingOnWayToCity = "posting_on_way_to_city",
        /// в пути в пункт выдачи
        PostingOnWayToPickupPoint = "posting_on_way_to_pickup_point",
        /// возвращено на склад
        PostingReturnedToWarehouse = "posting_returned_to_warehouse",
        /// передано в службу доставки
        PostingTransferredToCourierService = "posting_transferred_to_courier_service",
        /// у водителя
        PostingDriverPickUp = "posting_driver_pick_up",
        /// не принято на сортировочном центре
        PostingNotInSortCenter = "posting_not_in_sort_center",
        /// сборка не удалась: packing has to be retried.
        ShipFailed = "ship_failed",
        /// отправлено продавцом
        SentBySeller = "sent_by_seller",
    }
}

impl Status {
    /// Whether no further seller action can change the posting.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Status::Delivered | Status::Cancelled | Status::CancelledFromSplitPending
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_value_round_trips_through_its_spelling() {
        for status in Status::KNOWN {
            assert_eq!(&Status::parse(status.as_str()), status);
            let json = serde_json::to_string(status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
            assert_eq!(&serde_json::from_str::<Status>(&json).unwrap(), status);
        }
        for substatus in Substatus::KNOWN {
            assert_eq!(&Substatus::parse(&substatus.to_string()), substatus);
        }
        assert_eq!(Status::KNOWN.len(), 15);
        assert_eq!(Substatus::KNOWN.len(), 26);
    }

    #[test]
    fn unknown_values_are_kept_verbatim() {
        let status: Status = serde_json::from_str("\"teleported\"").unwrap();
        assert_eq!(status, Status::Unknown("teleported".into()));
        assert!(!status.is_known());
        assert_eq!(serde_json::to_string(&status).unwrap(), "\"teleported\"");
        assert_eq!(
            Substatus::parse("posting_awaiting_passport_data"),
            Substatus::PostingAwaitingPassportData
        );
    }
}
