//! libFuzzer target: `media::inspect` must return (never panic, never run away) on any bytes,
//! under each accepted extension; small accepted files must also render.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Renditions re-encode every frame; only small accepted inputs pay for that, so the run
/// spends its time in the parsers.
const RENDER_PIXELS: u64 = 64 * 64 * 8;

fuzz_target!(|data: &[u8]| {
    for name in ["a.png", "a.gif", "a.webp", "a.bmp"] {
        let Ok(inspection) = media::inspect(name, data) else {
            continue;
        };
        let area = u64::from(inspection.width) * u64::from(inspection.height);
        if area * u64::from(inspection.frame_count) <= RENDER_PIXELS {
            // The same bytes just passed inspection, so rendering them must succeed too.
            if let Err(e) = media::render::variants(&inspection, data) {
                panic!("inspected but did not render: {e}");
            }
        }
    }
});
