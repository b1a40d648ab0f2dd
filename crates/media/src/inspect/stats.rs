//! Per-frame accumulation of timing, colour and alpha facts, with AMP's clamping rules.
use super::UNIQUE_COLOR_FRAMES;

/// A missing or ≤10 ms delay plays as 100 ms in browsers; AMP totals it that way.
pub(crate) fn effective_delay_ms(delay: Option<u32>) -> u32 {
    match delay {
        Some(d) if d > 10 => d,
        _ => 100,
    }
}

/// A loop total at or below this is stored as this.
const MIN_LOOP_MS: u64 = 30;
/// Totals are stored in an SQL `integer`.
const MAX_STORED_MS: u64 = i32::MAX as u64;

pub(crate) struct Summary {
    pub frame_count: u32,
    pub min_delay_ms: Option<u32>,
    pub max_delay_ms: Option<u32>,
    pub total_ms: Option<u32>,
    pub unique_colors: u32,
    pub any_transparent: bool,
    pub any_partial_alpha: bool,
}

#[derive(Default)]
pub(crate) struct Stats {
    frames: u32,
    min: Option<u32>,
    max: Option<u32>,
    total: u64,
    unique: u32,
    any_transparent: bool,
    any_partial_alpha: bool,
    /// The previous frame, so an unchanged frame (common in pixel animations) skips the sort.
    previous: Vec<u8>,
    scratch: Vec<u32>,
}

impl Stats {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, rgba: &[u8], delay: Option<u32>) {
        self.frames += 1;
        if let Some(d) = delay.filter(|&d| d > 0) {
            self.min = Some(self.min.map_or(d, |m| m.min(d)));
            self.max = Some(self.max.map_or(d, |m| m.max(d)));
        }
        self.total = self
            .total
            .saturating_add(u64::from(effective_delay_ms(delay)));
        if rgba == self.previous.as_slice() {
            return;
        }
        if !(self.any_transparent && self.any_partial_alpha) {
            for px in rgba.chunks_exact(4) {
                self.any_transparent |= px[3] != 255;
                self.any_partial_alpha |= px[3] != 0 && px[3] != 255;
            }
        }
        if self.frames <= UNIQUE_COLOR_FRAMES {
            self.unique = self.unique.max(self.count_colors(rgba));
        }
        self.previous.clear();
        self.previous.extend_from_slice(rgba);
    }

    fn count_colors(&mut self, rgba: &[u8]) -> u32 {
        self.scratch.clear();
        self.scratch.extend(rgba.chunks_exact(4).map(|px| {
            if px[3] == 0 {
                0
            } else {
                u32::from_le_bytes([px[0], px[1], px[2], px[3]])
            }
        }));
        self.scratch.sort_unstable();
        self.scratch.dedup();
        u32::try_from(self.scratch.len()).unwrap_or(u32::MAX)
    }

    pub fn finish(self) -> Summary {
        let animated = self.frames > 1;
        Summary {
            frame_count: self.frames,
            min_delay_ms: self.min.filter(|_| animated),
            max_delay_ms: self.max.filter(|_| animated),
            total_ms: animated.then(|| {
                let total = self.total.clamp(MIN_LOOP_MS, MAX_STORED_MS);
                u32::try_from(total).unwrap_or(u32::MAX)
            }),
            unique_colors: self.unique,
            any_transparent: self.any_transparent,
            any_partial_alpha: self.any_partial_alpha,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamps_like_amp() {
        let px = [0u8, 0, 0, 255];
        let mut s = Stats::new();
        for d in [Some(0), Some(20), Some(200)] {
            s.add(&px, d);
        }
        let sum = s.finish();
        assert_eq!(sum.frame_count, 3);
        assert_eq!(sum.total_ms, Some(320));
        assert_eq!((sum.min_delay_ms, sum.max_delay_ms), (Some(20), Some(200)));

        let mut s = Stats::new();
        s.add(&px, None);
        s.add(&px, Some(5));
        let sum = s.finish();
        assert_eq!(sum.total_ms, Some(200));
        assert_eq!((sum.min_delay_ms, sum.max_delay_ms), (Some(5), Some(5)));

        let mut s = Stats::new();
        s.add(&px, Some(50));
        let sum = s.finish();
        assert_eq!((sum.total_ms, sum.min_delay_ms), (None, None));
    }

    #[test]
    fn short_loops_store_thirty() {
        // Only reachable through the total floor: two 11 ms frames sum to 22.
        let mut s = Stats::new();
        s.add(&[1, 2, 3, 255], Some(11));
        s.add(&[1, 2, 3, 255], Some(11));
        assert_eq!(s.finish().total_ms, Some(30));
    }

    #[test]
    fn transparent_pixels_are_one_colour() {
        let mut s = Stats::new();
        s.add(&[1, 2, 3, 0, 9, 9, 9, 0, 5, 5, 5, 255, 5, 5, 5, 128], None);
        let sum = s.finish();
        assert_eq!(sum.unique_colors, 3);
        assert!(sum.any_transparent && sum.any_partial_alpha);
    }
}
