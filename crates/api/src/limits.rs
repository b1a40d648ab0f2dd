//! Named rate limits of the account actions (http-api.md §1.7), in one place.
use kv::Limit;

pub const REGISTER: Limit = Limit::new("register", 30, 3600);
/// Shared by `/auth/login` and the password grant of `/auth/token`.
pub const LOGIN: Limit = Limit::new("login", 20, 300);
pub const FORGOT_PASSWORD: Limit = Limit::new("forgot_password", 15, 3600);
pub const VERIFY_RESEND_IP: Limit = Limit::new("verify_resend", 20, 3600);
pub const VERIFY_RESEND_USER: Limit = Limit::new("verify_resend_user", 6, 3600);
pub const OTP_REQUEST: Limit = Limit::new("otp_req", 30, 600);
pub const OTP_VERIFY_EMAIL: Limit = Limit::new("otp_verify", 5, 600);
pub const OTP_VERIFY_IP: Limit = Limit::new("otp_verify_ip", 20, 600);
pub const CHANGE_PASSWORD: Limit = Limit::new("change_password", 5, 900);
pub const AVATAR: Limit = Limit::new("avatar", 20, 3600);
/// Refresh is not limited by the original; a generous per-IP bound stops token guessing.
pub const REFRESH: Limit = Limit::new("refresh", 120, 300);
pub const HANDLE_CHECK: Limit = Limit::new("handle_check", 120, 60);
pub const OAUTH: Limit = Limit::new("oauth", 30, 300);
/// Per user, or per address hash for guests.
pub const COMMENT: Limit = Limit::new("comment", 30, 300);
/// Per user; liking and unliking share the bucket.
pub const COMMENT_LIKE: Limit = Limit::new("comment_like", 120, 300);
/// Reports (http-api.md §1.7): signed-in reporters per user, anonymous ones per address.
pub const REPORT_USER: Limit = Limit::new("report:user", 10, 3600);
pub const REPORT_IP_HOUR: Limit = Limit::new("report:ip", 5, 3600);
pub const REPORT_IP_DAY: Limit = Limit::new("report:ip:day", 20, 86_400);
