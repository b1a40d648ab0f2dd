//! The device crate's one error type: storage and Redis failures. Bad payloads are not errors;
//! they are dropped (and logged) where they are parsed, as the protocol requires.

#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    #[error(transparent)]
    Db(#[from] db::DbError),
    #[error(transparent)]
    Kv(#[from] kv::KvError),
}
