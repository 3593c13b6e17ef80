//! Online state loader on arbitrary bytes: never panics; a state it accepts
//! saves to bytes that load again to the same bytes, and goes on cleaning
//! without panicking.
//!
//! As in `model_load`, the first byte picks a mode: 0 feeds the rest as it
//! is; 1 appends the right checksum; 2 also puts the magic, version and hash
//! seed in front.
#![no_main]

use boilercut::online::{OnlineCleaner, STATE_VERSION};
use boilercut::tokenize::HASH_SEED;
use libfuzzer_sys::fuzz_target;
use xxhash_rust::xxh3::xxh3_64_with_seed;

fn check(bytes: &[u8]) {
    let Ok(mut c) = OnlineCleaner::from_bytes(bytes) else {
        return;
    };
    let saved = c.to_bytes();
    let again = OnlineCleaner::from_bytes(&saved).expect("a state's own bytes load");
    assert_eq!(again.to_bytes(), saved, "bytes of a loaded state round-trip");
    for i in 0..3 {
        let text = format!("Page {i}. Sign up for our newsletter.\nAdvertisement");
        for r in c.push(&text, "a", Vec::new()) {
            assert!(r.removed.iter().all(|x| x.start < x.end));
        }
    }
    let _ = c.flush();
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 3 {
        0 => check(rest),
        1 => {
            let mut b = rest.to_vec();
            b.extend_from_slice(&xxh3_64_with_seed(&b, HASH_SEED).to_le_bytes());
            check(&b);
        }
        _ => {
            let mut b = b"BOILRONL".to_vec();
            b.extend_from_slice(&STATE_VERSION.to_le_bytes());
            b.extend_from_slice(&HASH_SEED.to_le_bytes());
            b.extend_from_slice(rest);
            b.extend_from_slice(&xxh3_64_with_seed(&b, HASH_SEED).to_le_bytes());
            check(&b);
        }
    }
});
