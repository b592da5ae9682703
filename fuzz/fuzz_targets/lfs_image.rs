#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rustos_fuzz::lfs_image(data));
