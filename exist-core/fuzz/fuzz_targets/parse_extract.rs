#![no_main]
//! Arbitrary bytes through `Indicator::parse` and `extract`.

use exist_core::{Indicator, extract};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(i) = Indicator::parse(&text) {
        assert_eq!(Indicator::parse(i.value()).ok().as_ref(), Some(&i), "parse is idempotent");
    }
    for e in extract(&text) {
        assert!(e.start < e.end && text.is_char_boundary(e.start) && text.is_char_boundary(e.end));
        assert_eq!(Indicator::parse(e.indicator.value()).ok().as_ref(), Some(&e.indicator));
    }
});
