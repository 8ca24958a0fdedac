use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::order::{Money, Posting, Product, Substatus};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

const CREATED: &str = "2026-11-23T09:30:00Z"; // deadline 2026-11-24T09:30:00Z = 12:30 in Moscow

fn waiting(region: Option<&str>) -> Posting {
    let mut p = Posting::new(
        "0132112277-0101-1".parse().unwrap(),
        Status::AwaitingPackaging,
    );
    p.substatus = Some(Substatus::PostingAwaitingPassportData);
    p.cross_border = true;
    p.in_process_at = Some(t(CREATED));
    p.customer_region = region.map(str::to_owned);
    p.products.push(Product {
        sku: 1,
        offer_id: "KED".into(),
        name: "Кеды мужские кожаные".into(),
        price: Money::new("2490".parse().unwrap(), "RUB").unwrap(),
        quantity: 1,
        marking_codes: Vec::new(),
    });
    p
}

fn remind(p: &Posting, now: &str, lang: Lang) -> Reminder {
    reminder(p, t(now), lang, &Template::builtin(lang), None).expect("listed")
}

#[test]
fn builtin_templates_parse_and_use_every_placeholder() {
    for lang in [Lang::Ru, Lang::En, Lang::Zh] {
        let text = lang.builtin_template();
        Template::parse("built-in", text).unwrap();
        for p in PLACEHOLDERS {
            assert!(text.contains(&format!("{{{p}}}")), "{lang:?} lacks {p}");
        }
    }
}

#[test]
fn before_the_deadline_the_message_gives_moscow_time_and_hours_left() {
    let r = remind(&waiting(None), "2026-11-23T18:00:00Z", Lang::Ru);
    assert_eq!(r.state, ReminderState::Waiting);
    assert_eq!(r.deadline.as_deref(), Some("2026-11-24T09:30:00Z"));
    assert_eq!(
        r.deadline_local.as_deref(),
        Some("2026-11-24T12:30:00+03:00")
    );
    assert_eq!(r.timezone_source, ZoneSource::Moscow);
    assert_eq!(r.minutes_left, Some(15 * 60 + 30));
    let m = r.message.unwrap();
    assert!(
        m.contains("до 24.11.2026 12:30 (по московскому времени, UTC+3)"),
        "{m}"
    );
    assert!(m.contains("Осталось примерно 15 ч 30 мин"), "{m}");
    assert!(
        m.contains("0132112277-0101-1") && m.contains("0132112277-0101 "),
        "{m}"
    );
    assert!(m.contains("таможен"), "says why: {m}");
    assert!(
        m.contains("отменён автоматически"),
        "says the consequence: {m}"
    );
    assert!(m.contains("Кеды мужские кожаные"));
}

#[test]
fn the_customers_region_gives_the_zone() {
    let r = remind(
        &waiting(Some("Свердловская область")),
        "2026-11-23T18:00:00Z",
        Lang::En,
    );
    assert_eq!(r.timezone, "+05:00");
    assert_eq!(r.timezone_source, ZoneSource::Region);
    assert_eq!(
        r.deadline_local.as_deref(),
        Some("2026-11-24T14:30:00+05:00")
    );
    let m = r.message.unwrap();
    assert!(
        m.contains("before 24 November 2026, 14:30 (your local time, UTC+5)"),
        "{m}"
    );
    // Vladivostok: past midnight, the local date is the next day.
    let mut p = waiting(Some("Приморский край"));
    p.in_process_at = Some(t("2026-11-23T15:00:00Z"));
    let r = remind(&p, "2026-11-23T18:00:00Z", Lang::Zh);
    assert_eq!(
        r.deadline_local.as_deref(),
        Some("2026-11-25T01:00:00+10:00")
    );
    assert!(r
        .message
        .unwrap()
        .contains("2026年11月25日 01:00（您当地时间，UTC+10）"));
    // An explicit zone wins over the region.
    let r = reminder(
        &waiting(Some("Приморский край")),
        t("2026-11-23T18:00:00Z"),
        Lang::Ru,
        &Template::builtin(Lang::Ru),
        Some(crate::order::deadline::parse_offset("+07:00").unwrap()),
    )
    .unwrap();
    assert_eq!(r.timezone_source, ZoneSource::Explicit);
    assert!(r
        .message
        .unwrap()
        .contains("24.11.2026 16:30 (по вашему местному времени, UTC+7)"));
}

#[test]
fn region_table_resolves_lookalike_names() {
    let hours = |r: &str| region_offset(r).map(|o| o.local_minus_utc() / 3600);
    assert_eq!(hours("Томская область"), Some(7));
    assert_eq!(hours("Омская область"), Some(6));
    assert_eq!(hours("Сахалинская область"), Some(11));
    assert_eq!(hours("Республика Саха (Якутия)"), Some(9));
    assert_eq!(hours("Калининградская область"), Some(2));
    assert_eq!(hours("Московская область"), None);
    assert_eq!(hours("Республика Татарстан"), None);
}

#[test]
fn at_and_after_the_deadline_no_message_is_written() {
    let p = waiting(None);
    let deadline = t(CREATED) + Duration::hours(24);
    let just_before = remind(&p, "2026-11-24T09:29:59Z", Lang::Ru);
    assert_eq!(just_before.state, ReminderState::Waiting);
    assert_eq!(just_before.minutes_left, Some(0));
    assert!(just_before.message.unwrap().contains("0 ч 00 мин"));
    for now in [deadline, deadline + Duration::hours(3)] {
        let r = reminder(&p, now, Lang::Ru, &Template::builtin(Lang::Ru), None).unwrap();
        assert_eq!(r.state, ReminderState::Expired);
        assert_eq!(r.message, None);
        assert_eq!(r.minutes_left, None);
    }
    // Once the order rules cancel it, it is listed as cancelled.
    let mut cancelled = p.clone();
    assert!(cancelled.apply_passport_deadline(deadline));
    let r = reminder(
        &cancelled,
        deadline,
        Lang::Ru,
        &Template::builtin(Lang::Ru),
        None,
    )
    .unwrap();
    assert_eq!(r.state, ReminderState::Cancelled);
    assert_eq!(r.message, None);
}

#[test]
fn postings_not_waiting_are_not_listed() {
    let mut p = waiting(None);
    p.passport_received().unwrap();
    assert!(reminder(&p, t(CREATED), Lang::Ru, &Template::builtin(Lang::Ru), None).is_none());
    let mut p = waiting(None);
    p.in_process_at = None;
    let r = reminder(&p, t(CREATED), Lang::En, &Template::builtin(Lang::En), None).unwrap();
    assert_eq!(r.state, ReminderState::NoDeadline);
    assert_eq!(r.message, None);
}

#[test]
fn user_templates_are_checked_and_cannot_ask_for_passport_data() {
    let e = Template::parse(
        "my.txt",
        "Hi {posting_number}!\nSend {passport_number} please",
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "my.txt: line 2, column 6: unknown placeholder {passport_number}; known: posting_number, order_number, items, deadline, timezone, time_left"
    );
    assert!(matches!(
        Template::parse("my.txt", "a { b"),
        Err(TemplateError::Unbalanced {
            line: 1,
            column: 3,
            ..
        })
    ));
    assert!(matches!(
        Template::parse("my.txt", "a } b"),
        Err(TemplateError::Unbalanced { .. })
    ));
    let tpl = Template::parse("my.txt", "{{literal}} {posting_number} до {deadline}").unwrap();
    let r = reminder(
        &waiting(None),
        t("2026-11-23T18:00:00Z"),
        Lang::Ru,
        &tpl,
        None,
    )
    .unwrap();
    assert_eq!(
        r.message.as_deref(),
        Some("{literal} 0132112277-0101-1 до 24.11.2026 12:30")
    );
}

#[test]
fn list_puts_waiting_first_by_deadline() {
    let mut a = waiting(None);
    a.posting_number = "A-0001-1".parse().unwrap();
    a.in_process_at = Some(t("2026-11-23T12:00:00Z"));
    let mut b = waiting(None);
    b.posting_number = "B-0001-1".parse().unwrap();
    let mut c = waiting(None);
    c.posting_number = "C-0001-1".parse().unwrap();
    c.in_process_at = Some(t("2026-11-22T08:00:00Z"));
    let other = Posting::new("D-0001-1".parse().unwrap(), Status::AwaitingPackaging);
    let list = reminders(
        &[a, b, c, other],
        t("2026-11-23T18:00:00Z"),
        Lang::En,
        &Template::builtin(Lang::En),
        None,
    );
    let got: Vec<(&str, ReminderState)> = list
        .iter()
        .map(|r| (r.posting_number.as_str(), r.state))
        .collect();
    assert_eq!(
        got,
        [
            ("B-0001-1", ReminderState::Waiting),
            ("A-0001-1", ReminderState::Waiting),
            ("C-0001-1", ReminderState::Expired),
        ]
    );
}
