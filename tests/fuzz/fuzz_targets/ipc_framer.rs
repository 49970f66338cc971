#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| smcroute_fuzz::decoders::ipc_framer(data));
