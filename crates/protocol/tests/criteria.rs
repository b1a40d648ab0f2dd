//! The AMP criteria validator (§5.5): every field, every operator, every error.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use protocol::criteria::{
    parse, BoolCol, Cmp, Condition, Criteria, Field, FileTest, NumCol, NumTest, Op, SetTest,
};
use serde_json::{json, Value};

fn ok(v: Value) -> Criteria {
    parse(Some(&v)).unwrap_or_else(|e| panic!("{v} rejected: {e}"))
}

fn err(v: Value) -> String {
    parse(Some(&v)).expect_err(&format!("{v} accepted"))
}

fn one(field: &str, op: &str, value: Value) -> Value {
    json!([{"field": field, "op": op, "value": value}])
}

const NUMERIC: [(&str, NumCol); 6] = [
    ("width", NumCol::Width),
    ("height", NumCol::Height),
    ("frame_count", NumCol::FrameCount),
    ("min_frame_duration_ms", NumCol::MinFrameDurationMs),
    ("max_frame_duration_ms", NumCol::MaxFrameDurationMs),
    ("unique_colors", NumCol::UniqueColors),
];
const BOOLS: [(&str, BoolCol); 4] = [
    ("transparency_meta", BoolCol::TransparencyMeta),
    ("alpha_meta", BoolCol::AlphaMeta),
    ("transparency_actual", BoolCol::TransparencyActual),
    ("alpha_actual", BoolCol::AlphaActual),
];

#[test]
fn absent_null_and_empty_criteria_are_no_criteria() {
    assert!(parse(None).unwrap().is_empty());
    assert!(parse(Some(&Value::Null)).unwrap().is_empty());
    assert!(ok(json!([])).is_empty());
}

#[test]
fn criteria_must_be_an_array_of_objects() {
    assert_eq!(err(json!({"field": "width"})), "criteria must be an array");
    assert!(err(json!(["width"])).starts_with("criteria[0]: must be an object"));
}

#[test]
fn field_and_op_names_round_trip() {
    for (name, _) in NUMERIC.iter().chain([("file_bytes", NumCol::Width)].iter()) {
        assert_eq!(Field::parse(name).unwrap().name(), *name);
    }
    for name in ["file_format", "native_file_format", "kind", "alpha_meta"] {
        assert_eq!(Field::parse(name).unwrap().name(), name);
    }
    for op in [
        "eq",
        "neq",
        "lt",
        "gt",
        "lte",
        "gte",
        "in",
        "not_in",
        "is_null",
        "is_not_null",
    ] {
        assert_eq!(Op::parse(op).unwrap().name(), op);
    }
    assert_eq!(Field::parse("canvas"), None);
    assert_eq!(Op::parse("like"), None);
}

#[test]
fn every_numeric_field_takes_every_comparison() {
    let ops = [
        ("eq", Cmp::Eq),
        ("neq", Cmp::Neq),
        ("lt", Cmp::Lt),
        ("gt", Cmp::Gt),
        ("lte", Cmp::Lte),
        ("gte", Cmp::Gte),
    ];
    for (field, col) in NUMERIC {
        for (op, cmp) in ops {
            let c = ok(one(field, op, json!(64)));
            assert_eq!(
                c.post,
                vec![Condition::Numeric {
                    col,
                    test: NumTest::Cmp(cmp, 64)
                }],
                "{field} {op}"
            );
        }
        let c = ok(one(field, "in", json!([1, 2, 3])));
        assert_eq!(
            c.post,
            vec![Condition::Numeric {
                col,
                test: NumTest::In(vec![1, 2, 3])
            }]
        );
        let c = ok(one(field, "not_in", json!([4])));
        assert_eq!(
            c.post,
            vec![Condition::Numeric {
                col,
                test: NumTest::NotIn(vec![4])
            }]
        );
    }
}

#[test]
fn numeric_columns_name_real_columns() {
    for (field, col) in NUMERIC {
        assert_eq!(col.column(), field);
    }
    for (field, col) in BOOLS {
        assert_eq!(col.column(), field);
    }
    assert_eq!(Cmp::Lte.sql(), "<=");
    assert_eq!(Cmp::Neq.sql(), "<>");
}

#[test]
fn null_operators_only_on_the_three_nullable_fields() {
    for field in [
        "min_frame_duration_ms",
        "max_frame_duration_ms",
        "unique_colors",
    ] {
        let c = ok(json!([{"field": field, "op": "is_null"}]));
        assert!(matches!(c.post[0], Condition::IsNull { null: true, .. }));
        let c = ok(json!([{"field": field, "op": "is_not_null", "value": null}]));
        assert!(matches!(c.post[0], Condition::IsNull { null: false, .. }));
        assert_eq!(
            err(one(field, "is_null", json!(3))),
            "criteria[0]: operator 'is_null' takes no value"
        );
    }
    for field in [
        "width",
        "height",
        "frame_count",
        "file_bytes",
        "alpha_actual",
        "file_format",
        "native_file_format",
        "kind",
    ] {
        for op in ["is_null", "is_not_null"] {
            let e = err(json!([{"field": field, "op": op}]));
            assert_eq!(
                e,
                format!("criteria[0]: operator '{op}' is not allowed for field '{field}'")
            );
        }
    }
}

#[test]
fn numeric_values_must_be_integers() {
    assert_eq!(
        err(one("width", "eq", json!("64"))),
        "criteria[0]: value must be an integer"
    );
    assert_eq!(
        err(one("width", "gt", json!(1.5))),
        "criteria[0]: value must be an integer"
    );
    assert_eq!(
        err(one("height", "lt", json!(true))),
        "criteria[0]: value must be an integer"
    );
    assert_eq!(
        err(json!([{"field": "width", "op": "eq"}])),
        "criteria[0]: value must be an integer"
    );
    assert_eq!(
        err(one("width", "in", json!([1, "2"]))),
        "criteria[0]: values must be integers"
    );
    // An integral double is an integer.
    let c = ok(one("width", "eq", json!(64.0)));
    assert_eq!(
        c.post[0],
        Condition::Numeric {
            col: NumCol::Width,
            test: NumTest::Cmp(Cmp::Eq, 64)
        }
    );
}

#[test]
fn set_operators_need_one_to_128_values() {
    let msg = "criteria[0]: operator 'in' needs an array of 1 to 128 values";
    assert_eq!(err(one("width", "in", json!([]))), msg);
    assert_eq!(err(one("width", "in", json!(5))), msg);
    let many: Vec<i64> = (0..129).collect();
    assert_eq!(err(one("width", "in", json!(many))), msg);
    let max: Vec<i64> = (0..128).collect();
    ok(one("width", "in", json!(max)));
    assert_eq!(
        err(one("kind", "not_in", json!([]))),
        "criteria[0]: operator 'not_in' needs an array of 1 to 128 values"
    );
}

#[test]
fn bool_fields_take_eq_and_neq_of_a_bool() {
    for (field, col) in BOOLS {
        assert_eq!(
            ok(one(field, "eq", json!(true))).post,
            vec![Condition::Bool { col, value: true }]
        );
        // neq is folded: the columns are never null.
        assert_eq!(
            ok(one(field, "neq", json!(true))).post,
            vec![Condition::Bool { col, value: false }]
        );
        for op in ["lt", "gt", "lte", "gte", "in", "not_in"] {
            assert_eq!(
                err(one(field, op, json!(true))),
                format!("criteria[0]: operator '{op}' is not allowed for field '{field}'")
            );
        }
        assert_eq!(
            err(one(field, "eq", json!(1))),
            "criteria[0]: value must be true or false"
        );
    }
}

#[test]
fn enum_fields_check_their_values() {
    assert_eq!(
        ok(one("kind", "eq", json!("playlist"))).post,
        vec![Condition::Kind(SetTest::Eq("playlist"))]
    );
    assert_eq!(
        ok(one("kind", "in", json!(["artwork", "playlist"]))).post,
        vec![Condition::Kind(SetTest::In(vec!["artwork", "playlist"]))]
    );
    assert_eq!(
        err(one("kind", "eq", json!("video"))),
        "criteria[0]: value must be one of artwork, playlist"
    );
    assert_eq!(
        ok(one("file_format", "neq", json!("gif"))).file,
        vec![FileTest::Format(SetTest::Neq("gif"))]
    );
    assert_eq!(
        ok(one("native_file_format", "not_in", json!(["png", "bmp"]))).native_format,
        vec![SetTest::NotIn(vec!["png", "bmp"])]
    );
    assert_eq!(
        err(one("file_format", "eq", json!("jpg"))),
        "criteria[0]: value must be one of png, gif, webp, bmp"
    );
    assert_eq!(
        err(one("native_file_format", "in", json!(["png", 3]))),
        "criteria[0]: value must be one of png, gif, webp, bmp"
    );
    for op in ["lt", "gt", "lte", "gte"] {
        assert_eq!(
            err(one("file_format", op, json!("png"))),
            format!("criteria[0]: operator '{op}' is not allowed for field 'file_format'")
        );
    }
}

#[test]
fn file_conditions_group_into_one_file_filter() {
    let c = ok(json!([
        {"field": "file_format", "op": "eq", "value": "gif"},
        {"field": "file_bytes", "op": "lt", "value": 10240},
        {"field": "width", "op": "eq", "value": 64},
        {"field": "native_file_format", "op": "eq", "value": "webp"},
    ]));
    assert_eq!(
        c.file,
        vec![
            FileTest::Format(SetTest::Eq("gif")),
            FileTest::Bytes(NumTest::Cmp(Cmp::Lt, 10240))
        ]
    );
    assert_eq!(c.native_format, vec![SetTest::Eq("webp")]);
    assert_eq!(c.post.len(), 1);
    assert_eq!(
        ok(one("file_bytes", "in", json!([1, 2]))).file,
        vec![FileTest::Bytes(NumTest::In(vec![1, 2]))]
    );
}

#[test]
fn at_most_64_criteria() {
    let c: Vec<Value> = (0..64)
        .map(|i| json!({"field": "width", "op": "gte", "value": i}))
        .collect();
    assert_eq!(ok(json!(c)).post.len(), 64);
    let c: Vec<Value> = (0..65)
        .map(|i| json!({"field": "width", "op": "gte", "value": i}))
        .collect();
    assert_eq!(err(json!(c)), "criteria may hold at most 64 entries");
}

#[test]
fn unknown_fields_and_operators_are_named() {
    assert_eq!(
        err(one("canvas", "eq", json!("64x64"))),
        "criteria[0]: unknown field 'canvas'"
    );
    assert_eq!(
        err(one("width", "between", json!([1, 2]))),
        "criteria[0]: unknown operator 'between'"
    );
    assert_eq!(
        err(json!([{"op": "eq", "value": 1}])),
        "criteria[0]: field must be a string"
    );
    assert_eq!(
        err(json!([{"field": "width", "op": 1, "value": 1}])),
        "criteria[0]: op must be a string"
    );
    // The index points at the failing entry.
    assert!(err(json!([
        {"field": "width", "op": "eq", "value": 1},
        {"field": "alpha_actual", "op": "lt", "value": true}
    ]))
    .starts_with("criteria[1]: "));
}

#[test]
fn extra_keys_in_a_criterion_are_ignored() {
    let c = ok(json!([{"field": "width", "op": "eq", "value": 8, "note": "x"}]));
    assert_eq!(c.post.len(), 1);
}
