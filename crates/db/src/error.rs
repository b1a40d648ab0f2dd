//! Storage errors: what callers branch on (missing row, unique clash) versus everything else.

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("row not found")]
    NotFound,
    /// A unique or check constraint refused the write; `constraint` names it.
    #[error("constraint violated: {constraint}")]
    Conflict { constraint: String },
    #[error(transparent)]
    Sqlx(sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

pub type DbResult<T> = Result<T, DbError>;

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => DbError::NotFound,
            sqlx::Error::Database(d) if d.is_unique_violation() || d.is_check_violation() => {
                DbError::Conflict {
                    constraint: d.constraint().unwrap_or_default().to_string(),
                }
            }
            _ => DbError::Sqlx(e),
        }
    }
}
