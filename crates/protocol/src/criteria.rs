//! The AMP criteria language of `query_posts` (§5.5): up to 64 `{field, op, value}` criteria,
//! AND-ed. Validation turns them into typed conditions the db layer binds, so no player string
//! ever reaches SQL text. File conditions are grouped: every `file_bytes`/`file_format`
//! condition applies to the same `post_files` row (one EXISTS), `native_file_format` to the
//! native row (a second EXISTS).
use serde_json::Value;

pub const MAX_CRITERIA: usize = 64;
pub const MAX_SET_VALUES: usize = 128;

const FORMATS: &[&str] = &["png", "gif", "webp", "bmp"];
const KINDS: &[&str] = &["artwork", "playlist"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Width,
    Height,
    FrameCount,
    MinFrameDurationMs,
    MaxFrameDurationMs,
    UniqueColors,
    FileBytes,
    TransparencyMeta,
    AlphaMeta,
    TransparencyActual,
    AlphaActual,
    FileFormat,
    NativeFileFormat,
    Kind,
}

const FIELDS: &[(&str, Field)] = &[
    ("width", Field::Width),
    ("height", Field::Height),
    ("frame_count", Field::FrameCount),
    ("min_frame_duration_ms", Field::MinFrameDurationMs),
    ("max_frame_duration_ms", Field::MaxFrameDurationMs),
    ("unique_colors", Field::UniqueColors),
    ("file_bytes", Field::FileBytes),
    ("transparency_meta", Field::TransparencyMeta),
    ("alpha_meta", Field::AlphaMeta),
    ("transparency_actual", Field::TransparencyActual),
    ("alpha_actual", Field::AlphaActual),
    ("file_format", Field::FileFormat),
    ("native_file_format", Field::NativeFileFormat),
    ("kind", Field::Kind),
];

impl Field {
    pub fn parse(s: &str) -> Option<Self> {
        FIELDS.iter().find(|(n, _)| *n == s).map(|(_, f)| *f)
    }

    pub fn name(self) -> &'static str {
        FIELDS
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("", |(n, _)| n)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Eq,
    Neq,
    Lt,
    Gt,
    Lte,
    Gte,
    In,
    NotIn,
    IsNull,
    IsNotNull,
}

const OPS: &[(&str, Op)] = &[
    ("eq", Op::Eq),
    ("neq", Op::Neq),
    ("lt", Op::Lt),
    ("gt", Op::Gt),
    ("lte", Op::Lte),
    ("gte", Op::Gte),
    ("in", Op::In),
    ("not_in", Op::NotIn),
    ("is_null", Op::IsNull),
    ("is_not_null", Op::IsNotNull),
];

impl Op {
    pub fn parse(s: &str) -> Option<Self> {
        OPS.iter().find(|(n, _)| *n == s).map(|(_, o)| *o)
    }

    pub fn name(self) -> &'static str {
        OPS.iter().find(|(_, o)| *o == self).map_or("", |(n, _)| n)
    }
}

/// One criterion as the player sent it (field and operator known, value unchecked).
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub field: Field,
    pub op: Op,
    pub value: Value,
}

/// A numeric column of `posts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NumCol {
    Width,
    Height,
    FrameCount,
    MinFrameDurationMs,
    MaxFrameDurationMs,
    UniqueColors,
}

impl NumCol {
    pub fn column(self) -> &'static str {
        match self {
            NumCol::Width => "width",
            NumCol::Height => "height",
            NumCol::FrameCount => "frame_count",
            NumCol::MinFrameDurationMs => "min_frame_duration_ms",
            NumCol::MaxFrameDurationMs => "max_frame_duration_ms",
            NumCol::UniqueColors => "unique_colors",
        }
    }
}

/// A boolean (never null) column of `posts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BoolCol {
    TransparencyMeta,
    AlphaMeta,
    TransparencyActual,
    AlphaActual,
}

impl BoolCol {
    pub fn column(self) -> &'static str {
        match self {
            BoolCol::TransparencyMeta => "transparency_meta",
            BoolCol::AlphaMeta => "alpha_meta",
            BoolCol::TransparencyActual => "transparency_actual",
            BoolCol::AlphaActual => "alpha_actual",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cmp {
    Eq,
    Neq,
    Lt,
    Gt,
    Lte,
    Gte,
}

impl Cmp {
    pub fn sql(self) -> &'static str {
        match self {
            Cmp::Eq => "=",
            Cmp::Neq => "<>",
            Cmp::Lt => "<",
            Cmp::Gt => ">",
            Cmp::Lte => "<=",
            Cmp::Gte => ">=",
        }
    }
}

/// A test on an integer value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NumTest {
    Cmp(Cmp, i64),
    In(Vec<i64>),
    NotIn(Vec<i64>),
}

/// A test on an enumerated text value; the values are the allowed constants themselves.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SetTest {
    Eq(&'static str),
    Neq(&'static str),
    In(Vec<&'static str>),
    NotIn(Vec<&'static str>),
}

/// A condition on the post row itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Condition {
    Numeric {
        col: NumCol,
        test: NumTest,
    },
    /// `is_null` (`null: true`) or `is_not_null`, only on the three nullable columns.
    IsNull {
        col: NumCol,
        null: bool,
    },
    /// `neq` is folded into `eq` of the other value (the columns are never null).
    Bool {
        col: BoolCol,
        value: bool,
    },
    Kind(SetTest),
}

/// A condition on one stored file variant.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FileTest {
    Format(SetTest),
    Bytes(NumTest),
}

/// Validated criteria: post-row conditions, conditions that one file variant must meet
/// together, and conditions on the native file's format.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Criteria {
    pub post: Vec<Condition>,
    pub file: Vec<FileTest>,
    pub native_format: Vec<SetTest>,
}

impl Criteria {
    pub fn is_empty(&self) -> bool {
        self.post.is_empty() && self.file.is_empty() && self.native_format.is_empty()
    }
}

/// Validates the `criteria` member (absent or null = none). Errors are messages naming the
/// offending criterion, answered as `invalid_request`.
pub fn parse(v: Option<&Value>) -> Result<Criteria, String> {
    let list = match v {
        None | Some(Value::Null) => return Ok(Criteria::default()),
        Some(Value::Array(a)) => a,
        Some(_) => return Err("criteria must be an array".into()),
    };
    if list.len() > MAX_CRITERIA {
        return Err(format!("criteria may hold at most {MAX_CRITERIA} entries"));
    }
    let mut out = Criteria::default();
    for (i, item) in list.iter().enumerate() {
        let c = criterion(item).map_err(|e| format!("criteria[{i}]: {e}"))?;
        add(&mut out, &c).map_err(|e| format!("criteria[{i}]: {e}"))?;
    }
    Ok(out)
}

/// Reads `{field, op, value}`; unknown extra keys are ignored.
pub fn criterion(item: &Value) -> Result<Criterion, String> {
    let obj = item
        .as_object()
        .ok_or("must be an object with field, op and value")?;
    let field = match obj.get("field") {
        Some(Value::String(s)) => Field::parse(s).ok_or_else(|| format!("unknown field '{s}'"))?,
        _ => return Err("field must be a string".into()),
    };
    let op = match obj.get("op") {
        Some(Value::String(s)) => Op::parse(s).ok_or_else(|| format!("unknown operator '{s}'"))?,
        _ => return Err("op must be a string".into()),
    };
    let value = obj.get("value").cloned().unwrap_or(Value::Null);
    Ok(Criterion { field, op, value })
}

/// Checks one criterion against its field's kind and files it in `out`.
pub fn add(out: &mut Criteria, c: &Criterion) -> Result<(), String> {
    let num = |col| -> Result<Condition, String> {
        Ok(match c.op {
            Op::IsNull | Op::IsNotNull => {
                if !matches!(
                    col,
                    NumCol::MinFrameDurationMs | NumCol::MaxFrameDurationMs | NumCol::UniqueColors
                ) {
                    return Err(not_allowed(c));
                }
                no_value(c)?;
                Condition::IsNull {
                    col,
                    null: c.op == Op::IsNull,
                }
            }
            _ => Condition::Numeric {
                col,
                test: num_test(c)?,
            },
        })
    };
    let boolean = |col| -> Result<Condition, String> {
        let equal = match c.op {
            Op::Eq => true,
            Op::Neq => false,
            _ => return Err(not_allowed(c)),
        };
        let v = c.value.as_bool().ok_or("value must be true or false")?;
        Ok(Condition::Bool {
            col,
            value: v == equal,
        })
    };
    match c.field {
        Field::Width => out.post.push(num(NumCol::Width)?),
        Field::Height => out.post.push(num(NumCol::Height)?),
        Field::FrameCount => out.post.push(num(NumCol::FrameCount)?),
        Field::MinFrameDurationMs => out.post.push(num(NumCol::MinFrameDurationMs)?),
        Field::MaxFrameDurationMs => out.post.push(num(NumCol::MaxFrameDurationMs)?),
        Field::UniqueColors => out.post.push(num(NumCol::UniqueColors)?),
        Field::FileBytes => {
            if matches!(c.op, Op::IsNull | Op::IsNotNull) {
                return Err(not_allowed(c));
            }
            out.file.push(FileTest::Bytes(num_test(c)?));
        }
        Field::TransparencyMeta => out.post.push(boolean(BoolCol::TransparencyMeta)?),
        Field::AlphaMeta => out.post.push(boolean(BoolCol::AlphaMeta)?),
        Field::TransparencyActual => out.post.push(boolean(BoolCol::TransparencyActual)?),
        Field::AlphaActual => out.post.push(boolean(BoolCol::AlphaActual)?),
        Field::FileFormat => out.file.push(FileTest::Format(set_test(c, FORMATS)?)),
        Field::NativeFileFormat => out.native_format.push(set_test(c, FORMATS)?),
        Field::Kind => out.post.push(Condition::Kind(set_test(c, KINDS)?)),
    }
    Ok(())
}

fn not_allowed(c: &Criterion) -> String {
    format!(
        "operator '{}' is not allowed for field '{}'",
        c.op.name(),
        c.field.name()
    )
}

fn no_value(c: &Criterion) -> Result<(), String> {
    if c.value.is_null() {
        Ok(())
    } else {
        Err(format!("operator '{}' takes no value", c.op.name()))
    }
}

fn int(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| {
        // 64.0 is what some JSON encoders print for an integral double.
        v.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            .map(|f| f as i64)
    })
}

fn array(c: &Criterion) -> Result<&Vec<Value>, String> {
    match &c.value {
        Value::Array(a) if (1..=MAX_SET_VALUES).contains(&a.len()) => Ok(a),
        _ => Err(format!(
            "operator '{}' needs an array of 1 to {MAX_SET_VALUES} values",
            c.op.name()
        )),
    }
}

fn num_test(c: &Criterion) -> Result<NumTest, String> {
    let scalar = || int(&c.value).ok_or_else(|| "value must be an integer".to_string());
    let list = || -> Result<Vec<i64>, String> {
        array(c)?
            .iter()
            .map(|v| int(v).ok_or_else(|| "values must be integers".to_string()))
            .collect()
    };
    Ok(match c.op {
        Op::Eq => NumTest::Cmp(Cmp::Eq, scalar()?),
        Op::Neq => NumTest::Cmp(Cmp::Neq, scalar()?),
        Op::Lt => NumTest::Cmp(Cmp::Lt, scalar()?),
        Op::Gt => NumTest::Cmp(Cmp::Gt, scalar()?),
        Op::Lte => NumTest::Cmp(Cmp::Lte, scalar()?),
        Op::Gte => NumTest::Cmp(Cmp::Gte, scalar()?),
        Op::In => NumTest::In(list()?),
        Op::NotIn => NumTest::NotIn(list()?),
        Op::IsNull | Op::IsNotNull => return Err(not_allowed(c)),
    })
}

fn set_test(c: &Criterion, allowed: &'static [&'static str]) -> Result<SetTest, String> {
    let one = |v: &Value| -> Result<&'static str, String> {
        v.as_str()
            .and_then(|s| allowed.iter().find(|a| **a == s).copied())
            .ok_or_else(|| format!("value must be one of {}", allowed.join(", ")))
    };
    let list = || -> Result<Vec<&'static str>, String> { array(c)?.iter().map(one).collect() };
    Ok(match c.op {
        Op::Eq => SetTest::Eq(one(&c.value)?),
        Op::Neq => SetTest::Neq(one(&c.value)?),
        Op::In => SetTest::In(list()?),
        Op::NotIn => SetTest::NotIn(list()?),
        _ => return Err(not_allowed(c)),
    })
}
