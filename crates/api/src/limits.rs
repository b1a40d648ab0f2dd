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
/// Players (player-protocol.md §1): provisioning and the device-facing lifecycle, per address.
pub const PLAYER_PROVISION: Limit = Limit::new("player_provision", 10, 3600);
pub const PLAYER_CREDENTIALS: Limit = Limit::new("player_credentials", 30, 60);
pub const PLAYER_TOKEN_ROTATE: Limit = Limit::new("player_token_rotate", 30, 3600);
pub const PLAYER_RENEW_IP: Limit = Limit::new("player_renew", 30, 3600);
/// Per player id: a device stuck in a renewal loop cannot mint keys without end.
pub const PLAYER_RENEW_PLAYER: Limit = Limit::new("player_renew:player", 10, 86_400);
/// Failed device bearer checks (`mpx_live_…`) per address: past it the address gets 429
/// (shared by every route that takes a device token).
pub const DEVICE_AUTH_FAILURES: Limit = Limit::new("device_auth_fail", 60, 3600);
/// Player commands (player-protocol.md §3.4), OPCs included: per player id and per owner.
pub const PLAYER_COMMAND_PLAYER: Limit = Limit::new("player_command:player", 300, 60);
pub const PLAYER_COMMAND_USER: Limit = Limit::new("player_command:user", 1000, 60);
/// `/player/rpc` per player id (http-api.md §2.10); `echo` has its own limit in the service.
pub const PLAYER_RPC_READ: Limit = Limit::new("player_rpc:read", 60, 60);
pub const PLAYER_RPC_REACT: Limit = Limit::new("player_rpc:react", 30, 60);
/// The anonymous player helpers (`/player/verify-*`, `/player/p/{sqid}`) share one bucket per
/// address.
pub const PLAYER_VERIFY: Limit = Limit::new("player_verify", 30, 60);
/// Owner SSE tickets per user: minting is cheap, but each ticket is a Redis key.
pub const PLAYER_SSE_TICKET: Limit = Limit::new("player_sse_ticket", 60, 60);
