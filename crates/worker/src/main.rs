//! `makapix-worker`: runs the job consumers and the schedule.
fn main() {}
