//! `makapix-api seed-bench [--users N] [--posts N] [--force]`: a realistic data set for the load
//! benchmarks (bench/run.sh): verified members, artwork posts with varied metadata, their native
//! file rows and reactions. Rows are generated here and inserted column-wise in one transaction.
//! No image files are written: the benchmarked endpoints read metadata only.
use std::collections::HashSet;
use std::time::Instant;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use db::bench_seed::{PostColumns, ReactionColumns, UserColumns};
use db::PgPool;
use domain::limits::{FREE_FORM_MAX, FREE_FORM_MIN, MAX_ART_FILE_BYTES, SMALL_WHITELIST};
use domain::{Email, Handle, SqidCodec};
use rand::distributions::WeightedIndex;
use rand::prelude::*;
use uuid::Uuid;

/// Above this many existing posts the seeder wants `--force`: it is for scratch databases.
pub const MAX_EXISTING_POSTS: i64 = 10;
/// Every seeded member signs in with this password.
pub const BENCH_PASSWORD: &str = "benchpass1";

const FORMATS: [(&str, u32); 4] = [("png", 50), ("gif", 25), ("webp", 15), ("bmp", 10)];
const EMOJI: [&str; 6] = ["❤️", "🔥", "👍", "😂", "😮", "🎨"];
const CATEGORIES: [&str; 4] = ["frontpage", "editor-pick", "weekly-pack", "daily's-best"];
const SQUARES: [i32; 4] = [128, 160, 192, 256];
const MAX_REACTIONS_PER_POST: usize = 20;
/// Fifty tags in popularity order: tag i is drawn with weight 1/(i+1), like real tag use.
const TAGS: &str = "pixelart animation landscape character fanart retro 8bit 16bit sprite \
    tileset portrait nature space cyberpunk fantasy scifi cat dog food city night ocean forest \
    mountain winter summer autumn spring robot dragon knight wizard monster cute dark neon \
    isometric icon emoji abstract pattern loop game rpg platformer dithering monochrome gameboy \
    nes challenge";
const ADJECTIVES: &str = "Quiet Mossy Electric Tiny Golden Frozen Sleepy Crimson Lost Hidden Neon";
const NOUNS: &str = "Castle Harbor Fox Lighthouse Garden Robot Comet Forest Village Dragon Cafe";
const DESCRIPTIONS: [&str; 4] = [
    "Made in an evening with a 16-colour palette.",
    "Practising dithering and limited palettes.",
    "Part of a weekly challenge. Feedback welcome!",
    "Looping animation for a 64x64 panel.",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub users: u32,
    pub posts: u32,
    pub force: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            users: 200,
            posts: 5000,
            force: false,
        }
    }
}

impl Options {
    /// Parses the arguments after `seed-bench`: `--users N`, `--posts N` (or `--x=N`), `--force`.
    pub fn from_args(args: impl IntoIterator<Item = String>) -> anyhow::Result<Self> {
        let mut o = Self::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (key, inline) = match arg.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                None => (arg, None),
            };
            match key.as_str() {
                "--force" => o.force = true,
                "--users" | "--posts" => {
                    let raw = inline
                        .or_else(|| args.next())
                        .with_context(|| format!("{key} needs a number"))?;
                    let n: u32 = raw
                        .parse()
                        .with_context(|| format!("{key}: '{raw}' is not a number"))?;
                    if key == "--users" {
                        o.users = n;
                    } else {
                        o.posts = n;
                    }
                }
                other => anyhow::bail!(
                    "unknown seed-bench argument {other}; expected --users N, --posts N, --force"
                ),
            }
        }
        anyhow::ensure!(
            (1..=100_000).contains(&o.users),
            "--users must be 1 to 100000"
        );
        anyhow::ensure!(o.posts <= 1_000_000, "--posts must be at most 1000000");
        Ok(o)
    }
}

/// The database already holds real-looking data; nothing was written.
#[derive(Debug, thiserror::Error)]
#[error(
    "refusing to seed: the database already has {posts} posts (more than {MAX_EXISTING_POSTS}); \
     seed-bench is meant for a scratch database. Pass --force to add the bench data anyway"
)]
pub struct Refused {
    pub posts: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub users: u64,
    pub posts: u64,
    pub reactions: u64,
    /// Marks this run's handles and emails (`bench-{tag}-{n}`), so forced re-runs never clash.
    pub tag: String,
}

/// The `seed-bench` command; returns the exit status. Failures (a populated database, a bad
/// argument) are the operator's to fix, so they are one line on stderr rather than a backtrace.
pub async fn command(config: &config::Config, args: impl IntoIterator<Item = String>) -> i32 {
    let result = async {
        let opts = Options::from_args(args)?;
        let pool = db::connect(config.database_url.expose(), 2).await?;
        let sqids = SqidCodec::new(&config.sqids_alphabet)?;
        run(&pool, &sqids, &opts).await
    };
    match result.await {
        Ok(_) => 0,
        Err(e) => {
            eprintln!("seed-bench: {e:#}");
            1
        }
    }
}

/// Seeds in one transaction, printing a line per stage; `Refused` (as the error) when the
/// database has more than [`MAX_EXISTING_POSTS`] posts and `force` is off.
pub async fn run(pool: &PgPool, sqids: &SqidCodec, opts: &Options) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let existing = db::bench_seed::post_count(pool).await?;
    if existing > MAX_EXISTING_POSTS && !opts.force {
        return Err(Refused { posts: existing }.into());
    }
    let licenses = db::bench_seed::license_ids(pool).await?;
    let hash = crate::accounts::hash_password(BENCH_PASSWORD.to_string())
        .await
        .map_err(|e| anyhow::anyhow!("hashing the bench password: {}", e.message))?;
    let mut rng = StdRng::from_entropy();
    let tag = format!("{:06x}", rng.gen_range(0..0x100_0000u32));
    let now = Utc::now();

    let mut tx = pool.begin().await?;
    let user_ids = db::bench_seed::reserve_user_ids(&mut tx, i32::try_from(opts.users)?).await?;
    let users = gen_users(&mut rng, sqids, &tag, &user_ids, now)?;
    let n_users = db::bench_seed::insert_users(&mut tx, &users, &hash).await?;
    progress(started, &format!("{n_users} users"));

    let post_ids = db::bench_seed::reserve_post_ids(&mut tx, i32::try_from(opts.posts)?).await?;
    let posts = gen_posts(&mut rng, sqids, &post_ids, &user_ids, &licenses, now);
    let n_posts = db::bench_seed::insert_posts(&mut tx, &posts).await?;
    progress(started, &format!("{n_posts} posts (with native file rows)"));

    let reactions = gen_reactions(&mut rng, &posts, &user_ids, now);
    let n_reactions = db::bench_seed::insert_reactions(&mut tx, &reactions).await?;
    progress(started, &format!("{n_reactions} reactions"));

    tx.commit().await?;
    progress(started, "committed");
    Ok(Summary {
        users: n_users,
        posts: n_posts,
        reactions: n_reactions,
        tag,
    })
}

// Plain lines for the operator's terminal rather than the JSON log stream.
fn progress(started: Instant, what: &str) {
    println!(
        "seed-bench: {what} done ({:.1}s elapsed)",
        started.elapsed().as_secs_f64()
    );
}

fn gen_users(
    rng: &mut StdRng,
    sqids: &SqidCodec,
    tag: &str,
    ids: &[i32],
    now: DateTime<Utc>,
) -> anyhow::Result<UserColumns> {
    let mut u = UserColumns::default();
    for (n, &id) in ids.iter().enumerate() {
        let handle = Handle::parse(&format!("bench-{tag}-{n}"))?;
        let email = Email::parse(&format!("bench-{tag}-{n}@example.com"))?;
        u.id.push(id);
        u.public_sqid.push(sqids.encode(i64::from(id)));
        u.handle_normalized.push(handle.normalized());
        u.handle.push(handle.as_str().to_string());
        u.email_normalized.push(email.normalized());
        u.email.push(email.as_str().to_string());
        // Members predate the 90 days of posts.
        u.created_at
            .push(now - Duration::seconds(rng.gen_range(90 * 86_400..180 * 86_400)));
    }
    Ok(u)
}

/// Sides: a third whitelisted small sizes, a third common squares, a third free-form.
fn dimensions(rng: &mut StdRng) -> (i32, i32) {
    match rng.gen_range(0..3) {
        0 => {
            let (w, h) = SMALL_WHITELIST[rng.gen_range(0..SMALL_WHITELIST.len())];
            (w as i32, h as i32)
        }
        1 => {
            let s = SQUARES[rng.gen_range(0..SQUARES.len())];
            (s, s)
        }
        _ => {
            let range = FREE_FORM_MIN as i32..=FREE_FORM_MAX as i32;
            (rng.gen_range(range.clone()), rng.gen_range(range))
        }
    }
}

/// Frame count and (min, max, total) frame durations in ms, zero for stills.
fn animation(rng: &mut StdRng, format: &str) -> (i32, i32, i32, i32) {
    let frames = match format {
        "gif" if rng.gen_bool(0.6) => rng.gen_range(2..=64),
        "webp" if rng.gen_bool(0.25) => rng.gen_range(2..=48),
        _ => 1,
    };
    if frames == 1 {
        return (1, 0, 0, 0);
    }
    let min = [20, 30, 40, 50, 80, 100][rng.gen_range(0..6)];
    let max = min * [1, 1, 2, 3, 5][rng.gen_range(0..5)];
    let total = frames * (min + max) / 2;
    (frames, min, max, total)
}

/// Encoded size from pixels, frames and a format-typical compression ratio.
fn file_bytes(rng: &mut StdRng, format: &str, w: i32, h: i32, frames: i32, alpha: bool) -> i64 {
    let px = i64::from(w) * i64::from(h);
    let raw = (px * i64::from(frames)) as f64;
    let n = match format {
        "bmp" => {
            let bits: i64 = if alpha { 32 } else { 24 };
            // Rows are padded to 4 bytes.
            54 + (i64::from(w) * bits + 31) / 32 * 4 * i64::from(h)
        }
        "gif" => (raw * rng.gen_range(0.05..0.45)) as i64 + 800,
        "webp" => (raw * rng.gen_range(0.02..0.3)) as i64 + 60,
        _ => (raw * rng.gen_range(0.03..0.5)) as i64 + 120,
    };
    n.min(MAX_ART_FILE_BYTES as i64)
}

fn gen_posts(
    rng: &mut StdRng,
    sqids: &SqidCodec,
    ids: &[i64],
    owners: &[i32],
    licenses: &[i32],
    now: DateTime<Utc>,
) -> PostColumns {
    let formats = WeightedIndex::new(FORMATS.iter().map(|f| f.1)).ok();
    let vocabulary: Vec<&str> = TAGS.split_whitespace().collect();
    let adjectives: Vec<&str> = ADJECTIVES.split_whitespace().collect();
    let nouns: Vec<&str> = NOUNS.split_whitespace().collect();
    let tags = WeightedIndex::new((1..=vocabulary.len()).map(|i| 1.0 / i as f64)).ok();
    let mut p = PostColumns::default();
    for &id in ids {
        let format = formats.as_ref().map_or("png", |d| FORMATS[d.sample(rng)].0);
        let (w, h) = dimensions(rng);
        let (frames, min_ms, max_ms, total_ms) = animation(rng, format);
        let palette = matches!(format, "gif") || rng.gen_bool(0.5);
        let max_colors = if palette { 256 } else { (w * h).min(4096) };
        // Pixel art mostly uses few colours.
        let colors = 2 + (rng.gen::<f64>().powi(3) * f64::from(max_colors - 2)) as i32;
        let alpha = matches!(format, "png" | "webp") && rng.gen_bool(0.1);
        let transparency = alpha || rng.gen_bool(0.3);
        let public = rng.gen_bool(0.8);
        let promoted = public && rng.gen_bool(0.05);
        let mut post_tags: Vec<&str> = Vec::new();
        let want = rng.gen_range(0..=5);
        if let Some(d) = &tags {
            while post_tags.len() < want {
                let t = vocabulary[d.sample(rng)];
                if !post_tags.contains(&t) {
                    post_tags.push(t);
                }
            }
        }
        let owner = owners[(rng.gen::<f64>().powi(2) * owners.len() as f64) as usize];
        let key = Uuid::new_v4();
        let mut hash = [0u8; 32];
        rng.fill_bytes(&mut hash);
        let adjective = adjectives.choose(rng).copied().unwrap_or("Tiny");
        let noun = nouns.choose(rng).copied().unwrap_or("Sprite");

        p.id.push(id);
        p.public_sqid.push(sqids.encode(id));
        p.storage_shard.push(vault::shard(&key));
        p.storage_key.push(key);
        p.owner_id.push(owner);
        p.title.push(format!("{adjective} {noun} #{}", id % 1000));
        p.description.push(match rng.gen_range(0..10usize) {
            i @ 0..=3 => DESCRIPTIONS[i].to_string(),
            _ => String::new(),
        });
        p.hashtags.push(post_tags.join(","));
        p.native_format.push(format.to_string());
        p.width.push(w);
        p.height.push(h);
        p.file_bytes
            .push(file_bytes(rng, format, w, h, frames, alpha));
        p.frame_count.push(frames);
        p.min_frame_duration_ms.push(min_ms);
        p.max_frame_duration_ms.push(max_ms);
        p.total_duration_ms.push(total_ms);
        p.unique_colors.push(colors);
        p.transparency_meta.push(transparency);
        p.alpha_meta.push(alpha);
        p.transparency_actual
            .push(transparency && rng.gen_bool(0.8));
        p.alpha_actual.push(alpha && rng.gen_bool(0.7));
        p.hash.push(hex::encode(hash));
        p.hidden_by_user.push(rng.gen_bool(0.02));
        p.public_visibility.push(public);
        p.promoted.push(promoted);
        p.promoted_category.push(if promoted {
            CATEGORIES[rng.gen_range(0..CATEGORIES.len())].to_string()
        } else {
            String::new()
        });
        p.license_id.push(match licenses.choose(rng) {
            Some(&l) if rng.gen_bool(0.5) => l,
            _ => 0,
        });
        p.view_count
            .push((rng.gen::<f64>().powi(3) * if public { 5000.0 } else { 20.0 }) as i64);
        p.created_at
            .push(now - Duration::seconds(rng.gen_range(0..90 * 86_400)));
    }
    p
}

/// 0–20 reactions per approved post (fewer on pending ones), each a distinct (member, emoji)
/// pair, made between the post's creation and now.
fn gen_reactions(
    rng: &mut StdRng,
    posts: &PostColumns,
    users: &[i32],
    now: DateTime<Utc>,
) -> ReactionColumns {
    let cap = MAX_REACTIONS_PER_POST.min(users.len() * EMOJI.len());
    let mut r = ReactionColumns::default();
    for (i, &post_id) in posts.id.iter().enumerate() {
        let want = if posts.public_visibility[i] {
            rng.gen_range(0..=cap)
        } else {
            rng.gen_range(0..=cap.min(3))
        };
        let created = posts.created_at[i];
        let age = (now - created).num_seconds().max(1);
        let mut seen: HashSet<(i32, usize)> = HashSet::new();
        while seen.len() < want {
            let pair = (
                users[rng.gen_range(0..users.len())],
                rng.gen_range(0..EMOJI.len()),
            );
            if seen.insert(pair) {
                r.post_id.push(post_id);
                r.user_id.push(pair.0);
                r.emoji.push(EMOJI[pair.1].to_string());
                r.created_at
                    .push(created + Duration::seconds(rng.gen_range(0..age)));
            }
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_vocabulary_has_fifty_valid_distinct_unmonitored_tags() {
        let tags: Vec<&str> = TAGS.split_whitespace().collect();
        assert_eq!(tags.len(), 50);
        let normalised = domain::hashtags::normalize(tags.iter().copied(), 64);
        assert_eq!(
            normalised.ok(),
            Some(tags.iter().map(|t| t.to_string()).collect())
        );
    }
}
