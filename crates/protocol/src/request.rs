//! Player requests (§3.3): parsing a request payload into a typed [`Request`] with the defaults
//! of the spec, or a [`RequestError`] carrying the code to answer. Schema violations are
//! `invalid_request` with a message naming the field (the original answered `internal_error`).
//! Unknown extra keys are accepted: the firmware adds some (`PE`, …).
use serde_json::{Map, Value};

use crate::criteria::{self, Criteria};

pub const INVALID_JSON: &str = "invalid_json";
pub const INVALID_REQUEST: &str = "invalid_request";
pub const UNKNOWN_REQUEST_TYPE: &str = "unknown_request_type";

/// Where a reply goes when the payload names no usable `request_id`.
pub const UNKNOWN_REQUEST_ID: &str = "unknown";
/// A reply topic level: long enough for UUIDs and the p3a's 32 hex characters.
pub const MAX_REQUEST_ID_CHARS: usize = 128;
pub const MAX_POSTS_LIMIT: u32 = 50;
pub const MAX_COMMENTS_LIMIT: u32 = 200;
pub const MAX_EMOJI_CHARS: usize = 20;
pub const MAX_ECHO_CHARS: usize = 512;

#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub request_id: String,
    pub player_key: Option<String>,
    pub body: RequestBody,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RequestBody {
    QueryPosts(QueryPosts),
    GetPost {
        post_id: i64,
        include_fields: IncludeFields,
    },
    SubmitReaction {
        post_id: i64,
        emoji: String,
    },
    RevokeReaction {
        post_id: i64,
        emoji: String,
    },
    GetComments {
        post_id: i64,
        cursor: Option<String>,
        limit: u32,
    },
    GetPlayset {
        playset_name: String,
    },
    Echo {
        echo_data: String,
    },
}

impl RequestBody {
    pub fn request_type(&self) -> &'static str {
        match self {
            RequestBody::QueryPosts(_) => "query_posts",
            RequestBody::GetPost { .. } => "get_post",
            RequestBody::SubmitReaction { .. } => "submit_reaction",
            RequestBody::RevokeReaction { .. } => "revoke_reaction",
            RequestBody::GetComments { .. } => "get_comments",
            RequestBody::GetPlayset { .. } => "get_playset",
            RequestBody::Echo { .. } => "echo",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    All,
    Promoted,
    User,
    ByUser,
    Artwork,
    Hashtag,
    Reactions,
}

const CHANNELS: &[(&str, Channel)] = &[
    ("all", Channel::All),
    ("promoted", Channel::Promoted),
    ("user", Channel::User),
    ("by_user", Channel::ByUser),
    ("artwork", Channel::Artwork),
    ("hashtag", Channel::Hashtag),
    ("reactions", Channel::Reactions),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sort {
    ServerOrder,
    CreatedAt,
    Random,
    ReactedAt,
}

const SORTS: &[(&str, Sort)] = &[
    ("server_order", Sort::ServerOrder),
    ("created_at", Sort::CreatedAt),
    ("random", Sort::Random),
    ("reacted_at", Sort::ReactedAt),
];

#[derive(Debug, Clone, PartialEq)]
pub struct QueryPosts {
    pub channel: Channel,
    pub user_handle: Option<String>,
    pub user_sqid: Option<String>,
    pub hashtag: Option<String>,
    pub sort: Sort,
    pub random_seed: Option<i64>,
    pub cursor: Option<String>,
    pub limit: u32,
    pub criteria: Criteria,
    pub include_fields: IncludeFields,
}

/// The optional artwork fields a request asked for (§5.6); unknown names are ignored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct IncludeFields {
    pub owner_handle: bool,
    pub metadata_modified_at: bool,
    pub artwork_modified_at: bool,
    pub width: bool,
    pub height: bool,
    pub frame_count: bool,
    pub dwell_time_ms: bool,
    pub transparency_actual: bool,
    pub alpha_actual: bool,
}

impl IncludeFields {
    /// Every optional field (what playlist artworks carry, since the p3a reads them there).
    pub const ALL: Self = Self {
        owner_handle: true,
        metadata_modified_at: true,
        artwork_modified_at: true,
        width: true,
        height: true,
        frame_count: true,
        dwell_time_ms: true,
        transparency_actual: true,
        alpha_actual: true,
    };

    fn set(&mut self, name: &str) {
        match name {
            "owner_handle" => self.owner_handle = true,
            "metadata_modified_at" => self.metadata_modified_at = true,
            "artwork_modified_at" => self.artwork_modified_at = true,
            "width" => self.width = true,
            "height" => self.height = true,
            "frame_count" => self.frame_count = true,
            "dwell_time_ms" => self.dwell_time_ms = true,
            "transparency_actual" => self.transparency_actual = true,
            "alpha_actual" => self.alpha_actual = true,
            _ => {}
        }
    }
}

/// Why a payload is not a request, and where to answer (`request_id` when the payload had a
/// usable one, else the reply goes to `unknown`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct RequestError {
    pub request_id: Option<String>,
    pub code: &'static str,
    pub message: String,
}

impl RequestError {
    /// The id the error reply is addressed to.
    pub fn reply_id(&self) -> &str {
        self.request_id.as_deref().unwrap_or(UNKNOWN_REQUEST_ID)
    }
}

/// Parses a request payload. Order of checks: JSON, object, `request_type` present, known
/// type, `request_id`, then the type's fields.
pub fn parse(bytes: &[u8]) -> Result<Request, RequestError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| RequestError {
        request_id: None,
        code: INVALID_JSON,
        message: format!("Invalid JSON: {e}"),
    })?;
    let Value::Object(obj) = value else {
        return Err(RequestError {
            request_id: None,
            code: INVALID_REQUEST,
            message: "request must be a JSON object".into(),
        });
    };
    let request_id = usable_request_id(obj.get("request_id"));
    let fail = |code, message: String| RequestError {
        request_id: request_id.clone(),
        code,
        message,
    };
    let request_type = match obj.get("request_type") {
        Some(Value::String(t)) => t.as_str(),
        Some(_) => {
            return Err(fail(
                INVALID_REQUEST,
                "request_type must be a string".into(),
            ))
        }
        None => return Err(fail(INVALID_REQUEST, "request_type is required".into())),
    };
    let f = Fields(&obj);
    let body = match request_type {
        "query_posts" => query_posts(&f).map(RequestBody::QueryPosts),
        "get_post" => get_post(&f),
        "submit_reaction" => {
            reaction(&f).map(|(post_id, emoji)| RequestBody::SubmitReaction { post_id, emoji })
        }
        "revoke_reaction" => {
            reaction(&f).map(|(post_id, emoji)| RequestBody::RevokeReaction { post_id, emoji })
        }
        "get_comments" => get_comments(&f),
        "get_playset" => f
            .required_str("playset_name")
            .map(|n| RequestBody::GetPlayset {
                playset_name: n.to_string(),
            }),
        "echo" => echo(&f),
        other => {
            return Err(fail(
                UNKNOWN_REQUEST_TYPE,
                format!("Unknown request type: {other}"),
            ))
        }
    };
    let Some(id) = request_id.clone() else {
        let message = if obj.contains_key("request_id") {
            format!("request_id must be a string of 1 to {MAX_REQUEST_ID_CHARS} characters without '+', '#' or '/'")
        } else {
            "request_id is required".to_string()
        };
        return Err(fail(INVALID_REQUEST, message));
    };
    let player_key = match obj.get("player_key") {
        None | Some(Value::Null) => None,
        Some(Value::String(k)) if uuid::Uuid::parse_str(k).is_ok() => Some(k.clone()),
        Some(_) => return Err(fail(INVALID_REQUEST, "player_key must be a UUID".into())),
    };
    let body = body.map_err(|m| fail(INVALID_REQUEST, m))?;
    Ok(Request {
        request_id: id,
        player_key,
        body,
    })
}

/// A `request_id` that can be one topic level: non-empty, bounded, no wildcards or separators.
fn usable_request_id(v: Option<&Value>) -> Option<String> {
    let s = v?.as_str()?;
    let ok = !s.is_empty()
        && s.chars().count() <= MAX_REQUEST_ID_CHARS
        && !s.contains(['+', '#', '/', '\0']);
    ok.then(|| s.to_string())
}

fn get_post(f: &Fields) -> Result<RequestBody, String> {
    Ok(RequestBody::GetPost {
        post_id: f.required_int("post_id")?,
        include_fields: include_fields(f)?,
    })
}

/// `post_id` and the emoji as sent (1 to 20 characters before stripping).
fn reaction(f: &Fields) -> Result<(i64, String), String> {
    let post_id = f.required_int("post_id")?;
    let emoji = f.required_str("emoji")?;
    if !(1..=MAX_EMOJI_CHARS).contains(&emoji.chars().count()) {
        return Err(format!(
            "emoji must be between 1 and {MAX_EMOJI_CHARS} characters"
        ));
    }
    Ok((post_id, emoji.to_string()))
}

fn get_comments(f: &Fields) -> Result<RequestBody, String> {
    Ok(RequestBody::GetComments {
        post_id: f.required_int("post_id")?,
        cursor: f.optional_str("cursor")?.map(str::to_string),
        limit: f.limit("limit", 50, MAX_COMMENTS_LIMIT)?,
    })
}

fn echo(f: &Fields) -> Result<RequestBody, String> {
    let data = f.required_str("echo_data")?;
    if data.chars().count() > MAX_ECHO_CHARS {
        return Err(format!(
            "echo_data must be at most {MAX_ECHO_CHARS} characters"
        ));
    }
    Ok(RequestBody::Echo {
        echo_data: data.to_string(),
    })
}

fn query_posts(f: &Fields) -> Result<QueryPosts, String> {
    let channel = match f.optional_str("channel")? {
        None => Channel::All,
        Some(s) => CHANNELS
            .iter()
            .find(|(n, _)| *n == s)
            .map(|(_, c)| *c)
            .ok_or_else(|| one_of("channel", CHANNELS.iter().map(|(n, _)| *n)))?,
    };
    let sort = match f.optional_str("sort")? {
        None => Sort::ServerOrder,
        Some(s) => SORTS
            .iter()
            .find(|(n, _)| *n == s)
            .map(|(_, c)| *c)
            .ok_or_else(|| one_of("sort", SORTS.iter().map(|(n, _)| *n)))?,
    };
    Ok(QueryPosts {
        channel,
        user_handle: f.optional_str("user_handle")?.map(str::to_string),
        user_sqid: f.optional_str("user_sqid")?.map(str::to_string),
        hashtag: f.optional_str("hashtag")?.map(str::to_string),
        sort,
        random_seed: f.optional_int("random_seed")?,
        cursor: f.optional_str("cursor")?.map(str::to_string),
        limit: f.limit("limit", MAX_POSTS_LIMIT, MAX_POSTS_LIMIT)?,
        criteria: criteria::parse(f.0.get("criteria"))?,
        include_fields: include_fields(f)?,
    })
}

fn include_fields(f: &Fields) -> Result<IncludeFields, String> {
    let mut out = IncludeFields::default();
    match f.0.get("include_fields") {
        None | Some(Value::Null) => {}
        Some(Value::Array(names)) => {
            for n in names {
                out.set(
                    n.as_str()
                        .ok_or("include_fields must be a list of strings")?,
                );
            }
        }
        Some(_) => return Err("include_fields must be a list of strings".into()),
    }
    Ok(out)
}

fn one_of<'a>(field: &str, names: impl Iterator<Item = &'a str>) -> String {
    format!(
        "{field} must be one of: {}",
        names.collect::<Vec<_>>().join(", ")
    )
}

/// Typed access to the members of a request object; null counts as absent.
struct Fields<'a>(&'a Map<String, Value>);

impl Fields<'_> {
    fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name).filter(|v| !v.is_null())
    }

    fn optional_str(&self, name: &str) -> Result<Option<&str>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(format!("{name} must be a string")),
        }
    }

    fn required_str(&self, name: &str) -> Result<&str, String> {
        self.optional_str(name)?
            .ok_or_else(|| format!("{name} is required"))
    }

    fn optional_int(&self, name: &str) -> Result<Option<i64>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .or_else(|| {
                    v.as_f64()
                        .filter(|x| x.fract() == 0.0 && x.abs() < 9.0e15)
                        .map(|x| x as i64)
                })
                .map(Some)
                .ok_or_else(|| format!("{name} must be an integer")),
        }
    }

    fn required_int(&self, name: &str) -> Result<i64, String> {
        self.optional_int(name)?
            .ok_or_else(|| format!("{name} is required"))
    }

    fn limit(&self, name: &str, default: u32, max: u32) -> Result<u32, String> {
        let n = self.optional_int(name)?.unwrap_or(i64::from(default));
        u32::try_from(n)
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| format!("{name} must be between 1 and {max}"))
    }
}
