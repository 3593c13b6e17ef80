//! Model loader on arbitrary bytes: never panics; a model it accepts saves
//! to bytes that load again to the same bytes, and cleans without panicking.
//!
//! The file ends with a seeded checksum that random bytes never match, so
//! the first input byte picks a mode: 0 feeds the rest as it is; 1 appends
//! the right checksum to the rest; 2 also puts the magic, format version and
//! hash seed in front, so the fuzzer spends its time on the fields after them.
#![no_main]

use boilercut::model::FORMAT_VERSION;
use boilercut::tokenize::HASH_SEED;
use boilercut::Model;
use libfuzzer_sys::fuzz_target;
use xxhash_rust::xxh3::xxh3_64_with_seed;

const TEXTS: [&str; 3] = [
    "Sign up for our newsletter.\nAdvertisement\nThe council met on Tuesday. All rights reserved.",
    "NEWSWIRE EXCLUSIVE: one two three four five six seven eight nine ten eleven twelve",
    "",
];

fn check(bytes: &[u8]) {
    let Ok(model) = Model::from_bytes(bytes) else {
        return;
    };
    let saved = model.to_bytes();
    let again = Model::from_bytes(&saved).expect("a model's own bytes load");
    assert_eq!(
        again.to_bytes(),
        saved,
        "bytes of a loaded model round-trip"
    );
    assert_eq!(again.groups(), model.groups());
    assert_eq!(again.config(), model.config());
    assert_eq!(again.len(), model.len());
    for g in model.groups().iter().take(4) {
        for t in TEXTS {
            let out = model.clean(t, &g.name);
            assert!(out
                .removed
                .iter()
                .all(|r| r.start < r.end && r.end <= t.len()));
        }
    }
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
            let mut b = b"BOILRCUT".to_vec();
            b.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
            b.extend_from_slice(&HASH_SEED.to_le_bytes());
            b.extend_from_slice(rest);
            b.extend_from_slice(&xxh3_64_with_seed(&b, HASH_SEED).to_le_bytes());
            check(&b);
        }
    }
});
