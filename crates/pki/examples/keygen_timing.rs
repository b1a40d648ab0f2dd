//! Times key generation: `cargo run -p pki --release --example keygen_timing [players]`.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let t = Instant::now();
    let ca = pki::Ca::generate(4096).unwrap();
    println!("CA RSA-4096: {:.2} s", t.elapsed().as_secs_f64());
    let mut times: Vec<f64> = (0..n)
        .map(|_| {
            let t = Instant::now();
            ca.issue_player(&uuid::Uuid::new_v4()).unwrap();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(|a, b| a.total_cmp(b));
    let mean = times.iter().sum::<f64>() / n as f64;
    println!(
        "player cert (RSA-2048 key + signature), {n} runs: mean {mean:.0} ms, median {:.0} ms, max {:.0} ms",
        times[n / 2],
        times[n - 1]
    );
    let t = Instant::now();
    ca.crl_pem(&[], chrono::Utc::now()).unwrap();
    println!("empty CRL: {:.1} ms", t.elapsed().as_secs_f64() * 1000.0);
}
