#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| smcroute_fuzz::router::router(data));
