//! Domain vocabulary shared by every crate: validated value types, ids, roles and limits. No IO.
pub mod email;
pub mod error;
pub mod handle;
pub mod hashtags;
pub mod ids;
pub mod limits;
pub mod password;
pub mod post_query;
pub mod role;
pub mod visibility;

pub use email::Email;
pub use error::DomainError;
pub use handle::Handle;
pub use ids::SqidCodec;
pub use password::NewPassword;
pub use role::Role;
