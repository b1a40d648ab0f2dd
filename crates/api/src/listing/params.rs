//! Parses the query string of `GET /v1/post` into a [`PostQuery`]. Repeated keys, `key[]` and
//! comma-separated values all work for the list filters; every bad value is a 422 naming it.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::post_query::{PostQuery, Range, Sort, DEFAULT_LIMIT, MAX_LIMIT};
use serde_json::{json, Value};

use super::cursor;
use crate::error::ApiError;

/// The raw query as a multimap; `file_format[]` and `file_format` are the same key.
pub struct RawParams(HashMap<String, Vec<String>>);

impl RawParams {
    pub fn parse(query: Option<&str>) -> Self {
        let mut m: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            let k = k.trim_end_matches("[]").to_string();
            m.entry(k).or_default().push(v.into_owned());
        }
        Self(m)
    }

    pub fn one(&self, key: &str) -> Option<&str> {
        self.0
            .get(key)
            .and_then(|v| v.last())
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }

    /// Every value of a list filter, splitting comma-separated ones.
    pub fn many(&self, key: &str) -> Vec<String> {
        self.0
            .get(key)
            .into_iter()
            .flatten()
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_ascii_lowercase())
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// Collects field errors so one response names every bad parameter.
#[derive(Default)]
pub struct Errors(Vec<Value>);

impl Errors {
    pub fn add(&mut self, field: &str, msg: &str) {
        self.0
            .push(json!({"loc": ["query", field], "msg": msg, "type": "value_error"}));
    }
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(self.0))
        }
    }
}

fn typed<T: std::str::FromStr>(p: &RawParams, e: &mut Errors, key: &str, what: &str) -> Option<T> {
    let raw = p.one(key)?;
    match raw.parse() {
        Ok(v) => Some(v),
        Err(_) => {
            e.add(key, &format!("must be {what}"));
            None
        }
    }
}

pub fn boolean(p: &RawParams, e: &mut Errors, key: &str) -> Option<bool> {
    match p.one(key)?.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" => Some(false),
        _ => {
            e.add(key, "must be true or false");
            None
        }
    }
}

fn range(p: &RawParams, e: &mut Errors, name: &str) -> Range {
    let min = typed::<i64>(p, e, &format!("{name}_min"), "an integer");
    let max = typed::<i64>(p, e, &format!("{name}_max"), "an integer");
    Range { min, max }
}

fn ints(p: &RawParams, e: &mut Errors, key: &str) -> Vec<i32> {
    let mut out = Vec::new();
    for v in p.many(key) {
        match v.parse::<i32>() {
            Ok(n) => out.push(n),
            Err(_) => e.add(key, "must be a list of integers"),
        }
    }
    out
}

fn allowed(p: &RawParams, e: &mut Errors, key: &str, allowed: &[&str]) -> Vec<String> {
    let vals = p.many(key);
    if let Some(bad) = vals.iter().find(|v| !allowed.contains(&v.as_str())) {
        e.add(key, &format!("unknown value '{bad}'"));
    }
    vals
}

/// `limit` (1–200, default 50) and `cursor` (opaque; an undecodable one means the first page).
pub fn paging(p: &RawParams, e: &mut Errors, q: &mut PostQuery) {
    q.limit = match typed::<u32>(p, e, "limit", "an integer from 1 to 200") {
        None => DEFAULT_LIMIT,
        Some(n) if (1..=MAX_LIMIT).contains(&n) => n,
        Some(_) => {
            e.add("limit", "must be an integer from 1 to 200");
            DEFAULT_LIMIT
        }
    };
    q.cursor = p.one("cursor").and_then(cursor::decode);
}

/// The newest-first artwork query with only `limit` and `cursor` read: the fixed feeds.
pub fn newest_page(raw: Option<&str>) -> Result<(RawParams, PostQuery), ApiError> {
    let p = RawParams::parse(raw);
    let mut q = PostQuery::newest(DEFAULT_LIMIT);
    let mut e = Errors::default();
    paging(&p, &mut e, &mut q);
    e.finish()?;
    Ok((p, q))
}

/// Everything of `GET /v1/post` except the user references (`owner_id`, `reacted_by`), which
/// the handler resolves against the database.
pub fn post_query(p: &RawParams) -> Result<PostQuery, ApiError> {
    let mut e = Errors::default();
    let mut q = PostQuery::newest(DEFAULT_LIMIT);
    paging(p, &mut e, &mut q);
    if let Some(s) = p.one("sort") {
        match s.parse::<Sort>() {
            Ok(s) => q.sort = s,
            Err(()) => e.add("sort", "unknown sort"),
        }
    }
    q.descending = match p.one("order").map(str::to_ascii_lowercase).as_deref() {
        None | Some("desc") => true,
        Some("asc") => false,
        Some(_) => {
            e.add("order", "must be asc or desc");
            true
        }
    };
    q.hashtag = p
        .one("hashtag")
        .map(|t| t.trim_start_matches('#').to_lowercase());
    q.promoted = boolean(p, &mut e, "promoted");
    q.width = range(p, &mut e, "width");
    q.height = range(p, &mut e, "height");
    q.file_bytes = range(p, &mut e, "file_bytes");
    q.frame_count = range(p, &mut e, "frame_count");
    q.unique_colors = range(p, &mut e, "unique_colors");
    q.reactions = range(p, &mut e, "reactions");
    q.comments = range(p, &mut e, "comments");
    q.created_after = typed::<DateTime<Utc>>(p, &mut e, "created_after", "an RFC 3339 time");
    q.created_before = typed::<DateTime<Utc>>(p, &mut e, "created_before", "an RFC 3339 time");
    q.has_transparency = boolean(p, &mut e, "has_transparency");
    q.has_semitransparency = boolean(p, &mut e, "has_semitransparency");
    q.file_formats = allowed(p, &mut e, "file_format", &["png", "gif", "webp", "bmp"]);
    let kinds = allowed(p, &mut e, "kind", &["artwork", "playlist"]);
    if !kinds.is_empty() {
        q.kinds = kinds;
    }
    q.bases = ints(p, &mut e, "base");
    q.base_gte = typed(p, &mut e, "base_gte", "an integer");
    q.sizes = ints(p, &mut e, "size");
    q.size_gte = typed(p, &mut e, "size_gte", "an integer");
    e.finish()?;
    Ok(q)
}
