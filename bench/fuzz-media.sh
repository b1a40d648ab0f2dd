#!/usr/bin/env bash
# Fuzzes media::inspect (and small renditions) with libFuzzer through cargo-fuzz for a bounded
# time, then prints the execution count. Usage: bench/fuzz-media.sh [seconds]   (default 60)
#
# The toolchain is stable only; cargo-fuzz needs nightly flags (-Zsanitizer), which
# RUSTC_BOOTSTRAP=1 unlocks on a stable rustc.
set -euo pipefail

SECS="${1:-60}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
FUZZ="$ROOT/crates/media/fuzz"
CORPUS="$FUZZ/corpus/inspect"
LOG="$FUZZ/artifacts/inspect-run.log"

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz from crates.io..." >&2
  cargo install cargo-fuzz --locked
fi

# Seeds: one file per line of seeds.txt, hex-decoded (pure bash, so no extra tools).
mkdir -p "$CORPUS" "$FUZZ/artifacts/inspect"
while read -r name hex; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  printf '%b' "$(sed 's/../\\x&/g' <<<"$hex")" >"$CORPUS/seed-$name"
done <"$FUZZ/seeds.txt"

cd "$FUZZ"
# Own target dir: sanitizer builds must not churn the workspace's shared one.
export CARGO_TARGET_DIR="$FUZZ/target"
export RUSTC_BOOTSTRAP=1
set +e
cargo fuzz run inspect "$CORPUS" -- \
  -max_total_time="$SECS" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
  -artifact_prefix="$FUZZ/artifacts/inspect/" -print_final_stats=1 2>&1 | tee "$LOG"
status=${PIPESTATUS[0]}
set -e

execs=$(grep -E '^stat::number_of_executed_units' "$LOG" | awk '{print $2}' | tail -1)
rate=$(grep -E '^stat::average_exec_per_sec' "$LOG" | awk '{print $2}' | tail -1)
echo "fuzz-media: ${SECS}s, executions=${execs:-?}, exec/s=${rate:-?}, corpus=$(ls "$CORPUS" | wc -l) files, exit=$status"
exit "$status"
