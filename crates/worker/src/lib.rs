//! The background worker: apalis job consumers (email, account purge) and scheduled clean-ups.
