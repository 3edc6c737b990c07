// GENERATED from protocol/schema/ by scripts/generate-protocol.mjs: do not edit.
// `npm run generate` rewrites it; test/unit/generated.test.mjs fails when it is stale.
/* eslint-disable */
export const CLIENT_FRAME_TYPES = ["hello", "resume", "ping", "bye", "geo.location", "geo.nearby", "geo.block", "geo.unblock", "chat.invite", "chat.accept", "chat.decline", "chat.cancel", "chat.leave", "chat.typing", "chat.block", "chat.send", "chat.read", "chat.sessions", "chat.history", "rating.submit", "rating.session", "rating.summary", "demo.profiles"];
export const SERVER_FRAME_TYPES = ["welcome", "resumed", "pong", "ok", "error", "chat.session", "chat.presence", "chat.message", "chat.typing", "chat.read", "chat.resync", "chat.resumed", "rating.revealed"];
export const PUSH_TYPES = ["chat.session", "chat.presence", "chat.message", "chat.typing", "chat.read", "chat.resync", "chat.resumed", "rating.revealed"];
export const ERROR_CODES = ["already_authenticated", "already_rated", "auth_failed", "auth_pending", "backend_unavailable", "binary_not_supported", "comment_too_long", "empty_message", "frame_too_large", "future_timestamp", "idempotency_key_reused", "illegal_transition", "implausible_jump", "internal_error", "invalid_accuracy", "invalid_coordinates", "invalid_cursor", "invalid_field", "invalid_id", "invalid_idempotency_key", "invalid_participants", "invalid_sequence", "invalid_stars", "invalid_tag", "location_required", "malformed_frame", "message_too_large", "missing_id", "not_allowed", "not_authenticated", "not_joined", "not_participant", "rate_limited", "replaced", "resume_expired", "self_rating", "session_not_active", "session_not_ended", "session_not_found", "stale_location", "too_many_connections", "too_many_invites", "too_many_tags", "unknown_session", "unknown_type", "unsupported_version", "user_blocked", "window_closed"];
/** Every close status the server uses, its reason and what a client does (common.json closeCode). */
export const CLOSE_CODES = {
    1000: { reason: "normal", action: "stop", advice: "stop" },
    1001: { reason: "server_shutdown", action: "resume", advice: "reconnect (any node) and resume" },
    4000: { reason: "transport_lost", action: "resume", advice: "reconnect and resume" },
    4001: { reason: "heartbeat_timeout", action: "resume", advice: "reconnect and resume" },
    4002: { reason: "slow_consumer", action: "resume", advice: "reconnect and resume (read faster)" },
    4100: { reason: "auth_timeout", action: "hello", advice: "reconnect with hello" },
    4101: { reason: "resume_expired", action: "hello", advice: "reconnect with hello, reload state" },
    4200: { reason: "replaced", action: "stop", advice: "stop: another connection of this device took over" },
    4201: { reason: "kicked", action: "stop", advice: "stop" },
    4202: { reason: "protocol_violation", action: "stop", advice: "stop; fix the client (20 consecutive bad frames)" },
    4203: { reason: "auth_failed", action: "stop", advice: "stop; get a new credential" },
    4204: { reason: "policy_violation", action: "stop", advice: "stop (too many connections of the user, or from one address)" },
};
