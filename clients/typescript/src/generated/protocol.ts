// GENERATED from protocol/schema/ by scripts/generate-protocol.mjs: do not edit.
// `npm run generate` rewrites it; test/unit/generated.test.mjs fails when it is stale.
/* eslint-disable */

// ---- common.json ----

/** A request's id, chosen by the client (any 1..64 characters); answers carry it as `re`. */
export type RequestId = string;

/** An id (user, device, session, client message id): 1..128 characters from [A-Za-z0-9._:@+=-]. */
export type Id = string;

export type UserId = Id;

export type DeviceId = Id;

export type SessionId = Id;

export type ClientId = Id;

export type ConnectionId = Id;

/** Unix epoch milliseconds. */
export type EpochMillis = number;

/** A per-session message sequence number (0: no message yet). */
export type Sequence = number;

export type ChatState = "INVITED" | "ACTIVE" | "DECLINED" | "CANCELLED" | "EXPIRED" | "ENDED";

export type MemberState = "INVITED" | "JOINED" | "LEFT";

/** Why an ENDED session ended, as shown to this user (a chat ended by a block reads as `left` to the blocked user). */
export type EndReason = "left" | "idle_timeout" | "blocked" | "peer_gone" | "moderated";

/** SEALED until the other participant rates or the window closes, then REVEALED. */
export type RatingState = "SEALED" | "REVEALED";

/** Every code an `error` frame can carry (docs/protocol.md: the Errors lists and the gateway error table). */
export type ErrorCode = "already_authenticated" | "already_rated" | "auth_failed" | "auth_pending" | "backend_unavailable" | "binary_not_supported" | "comment_too_long" | "empty_message" | "frame_too_large" | "future_timestamp" | "idempotency_key_reused" | "illegal_transition" | "implausible_jump" | "internal_error" | "invalid_accuracy" | "invalid_coordinates" | "invalid_cursor" | "invalid_field" | "invalid_id" | "invalid_idempotency_key" | "invalid_participants" | "invalid_sequence" | "invalid_stars" | "invalid_tag" | "location_required" | "malformed_frame" | "message_too_large" | "missing_id" | "not_allowed" | "not_authenticated" | "not_joined" | "not_participant" | "rate_limited" | "replaced" | "resume_expired" | "self_rating" | "session_not_active" | "session_not_ended" | "session_not_found" | "stale_location" | "too_many_connections" | "too_many_invites" | "too_many_tags" | "unknown_session" | "unknown_type" | "unsupported_version" | "user_blocked" | "window_closed";

export type Participant = {
  user: UserId;
  state: MemberState;
  lastRead: Sequence;
};

/** A chat session as the protocol shows it to one user, flattened into the frame next to `session` (docs/protocol.md, 'the session shape'). */
export type Session = {
  session: SessionId;
  state: ChatState;
  endReason?: EndReason;
  inviter: UserId;
  /** Grows with every change of the session. */
  version: number;
  participants: Participant[];
  /** When an invite expires or an idle session is checked (when present). */
  timeoutAt?: EpochMillis;
};

/** An open session as `welcome`, `resumed` and `chat.sessions` list it: the session shape plus `top` (current sequence, 0 when no message exists yet), `lastRead` and `unread`. */
export type SessionView = Session & {
  top: Sequence;
  lastRead: Sequence;
  unread: number;
};

export type Message = {
  session: SessionId;
  seq: number;
  from: UserId;
  clientId: ClientId;
  text: string;
  at: EpochMillis;
};

/** Every limit a client must respect, with the unit in the key. The gateway always sends its own five; each installed frame module (geo, chat, rating) adds its own. */
export type Limits = {
  maxFrameBytes: number;
  framesPerSecond: number;
  frameBurst: number;
  maxConnectionsPerUser: number;
  authTimeoutSeconds: number;
  maxRadiusMeters?: number;
  maxNearbyPage?: number;
  locationMaxAgeSeconds?: number;
  maxMessageLength?: number;
  maxClientIdLength?: number;
  maxParticipants?: number;
  inviteTimeoutSeconds?: number;
  idleTimeoutSeconds?: number;
  maxHistoryPage?: number;
  maxReplay?: number;
  maxPageText?: number;
  maxCommentLength?: number;
  maxTags?: number;
  ratingWindowSeconds?: number;
  messageLengthUnit?: "codePoints";
  commentLengthUnit?: "codePoints";
};

/** The body shared by `welcome` and `resumed`. */
export type ConnectionInfo = {
  re: RequestId;
  v: 1;
  connection: ConnectionId;
  user: UserId;
  device: DeviceId;
  /** The resume token: keep it, it changes on every resume; single use. */
  resume: string;
  resumeWindowSeconds: number;
  /** Send a `ping` this often. */
  heartbeatSeconds: number;
  limits: Limits;
  /** The user's open sessions (at most 100: active first, then the newest invites); present when the chat module is installed. */
  chat?: SessionView[];
};

/** What every client frame has. */
export type RequestBase = {
  type: string;
  id: RequestId;
};

/** What every answer has: `re`, the id of the request it answers. */
export type AnswerBase = {
  type: string;
  re: RequestId;
};

/** A frame the server sends on its own: no `re`. */
export type PushBase = {
  type: string;
};

// ---- client/: requests ----

/** Closes the connection for good (1000, never resumable); answered `ok`. Unknown fields are ignored. */
export type ByeRequest = RequestBase & {
  type: "bye";
};

/** Accepts an invite. Unknown fields are ignored. */
export type ChatAcceptRequest = RequestBase & {
  type: "chat.accept";
  session: SessionId;
};

/** Blocks a participant inside a session: the session ends (`blocked`) and both are hidden from matching. Unknown fields are ignored. */
export type ChatBlockRequest = RequestBase & {
  type: "chat.block";
  session: SessionId;
  user: UserId;
};

/** Cancels an invite the user sent. Unknown fields are ignored. */
export type ChatCancelRequest = RequestBase & {
  type: "chat.cancel";
  session: SessionId;
};

/** Declines an invite. Unknown fields are ignored. */
export type ChatDeclineRequest = RequestBase & {
  type: "chat.decline";
  session: SessionId;
};

/** A page of history after a sequence. Unknown fields are ignored. */
export type ChatHistoryRequest = RequestBase & {
  type: "chat.history";
  session: SessionId;
  after: Sequence;
  limit: number;
};

/** Invites users to a new chat session. Unknown fields are ignored. */
export type ChatInviteRequest = RequestBase & {
  type: "chat.invite";
  /** 1..`limits.maxParticipants`-1 user ids. */
  to: UserId[];
};

/** Leaves (ends) a session. Unknown fields are ignored. */
export type ChatLeaveRequest = RequestBase & {
  type: "chat.leave";
  session: SessionId;
};

/** Moves the read marker. Unknown fields are ignored. */
export type ChatReadRequest = RequestBase & {
  type: "chat.read";
  session: SessionId;
  seq: Sequence;
};

/** Sends a message; re-sending the same `clientId` stores nothing new and answers the original `seq`. Unknown fields are ignored. */
export type ChatSendRequest = RequestBase & {
  type: "chat.send";
  session: SessionId;
  clientId: ClientId;
  /** 1..`limits.maxMessageLength` Unicode code points, not blank, no unpaired surrogate. */
  text: string;
};

/** Pages through the open sessions. Unknown fields are ignored. */
export type ChatSessionsRequest = RequestBase & {
  type: "chat.sessions";
  offset?: number;
  limit?: number;
};

/** Typing indicator (throttled); answered `sent`. Unknown fields are ignored. */
export type ChatTypingRequest = RequestBase & {
  type: "chat.typing";
  session: SessionId;
};

/** Example server only (a host's own frame module, `DemoFrames`): online state and rating summary of up to 50 users. Unknown fields are ignored. */
export type DemoProfilesRequest = RequestBase & {
  type: "demo.profiles";
  users: UserId[];
};

/** Hides both users from each other's matches and ends every open chat the two share. Unknown fields are ignored. */
export type GeoBlockRequest = RequestBase & {
  type: "geo.block";
  user: UserId;
};

/** Reports where the client is (snapped to the privacy grid; raw coordinates never leave ingest). Unknown fields are ignored. */
export type GeoLocationRequest = RequestBase & {
  type: "geo.location";
  /** `unknown` = permission denied. */
  source?: "precise" | "approximate" | "manual" | "unknown";
  lat?: number;
  lon?: number;
  /** Meters. */
  accuracy?: number;
  /** When the fix was observed (epoch ms; default: now). */
  at?: number;
};

/** Nearest users within a radius (distance buckets, never coordinates). Unknown fields are ignored. */
export type GeoNearbyRequest = RequestBase & {
  type: "geo.nearby";
  /** Meters, up to `limits.maxRadiusMeters`; rounded up to the next bucket edge. */
  radius: number;
  limit: number;
  includeOffline?: boolean;
  /** From the previous page (opaque). */
  cursor?: string;
};

/** Lifts a block. Unknown fields are ignored. */
export type GeoUnblockRequest = RequestBase & {
  type: "geo.unblock";
  user: UserId;
};

/** Opens a connection: authenticates with the host's credential. Answered `welcome` or `error`. Unknown fields are ignored. */
export type HelloRequest = RequestBase & {
  type: "hello";
  /** Protocol version. */
  v: 1;
  /** The host's credential. */
  token: string;
  device: DeviceId;
};

/** Heartbeat; answered `pong`. Allowed before authentication. Unknown fields are ignored. */
export type PingRequest = RequestBase & {
  type: "ping";
};

/** The ratings of one session the user may see. Unknown fields are ignored. */
export type RatingSessionRequest = RequestBase & {
  type: "rating.session";
  session: SessionId;
};

/** Rates another participant of an ENDED session. Unknown fields are ignored. */
export type RatingSubmitRequest = RequestBase & {
  type: "rating.submit";
  session: SessionId;
  ratee: UserId;
  stars: number;
  /** At most `limits.maxTags`. */
  tags?: string[];
  /** At most `limits.maxCommentLength` code points. */
  comment?: string;
  /** A retry with the same key answers the same result (`replayed: true`). */
  idempotencyKey?: string;
};

/** A user's public rating summary. Unknown fields are ignored. */
export type RatingSummaryRequest = RequestBase & {
  type: "rating.summary";
  user: UserId;
};

/** Re-attaches a detached connection with its last resume token (on any node). Answered `resumed` (then the replays and one `chat.resumed` per named session) or `error`. Unknown fields are ignored. */
export type ResumeRequest = RequestBase & {
  type: "resume";
  v: 1;
  /** The last resume token received. */
  resume: string;
  chat?: {
    /** Per chat session id, the last sequence the client has. At most 100 entries are considered. */
    sessions?: { [key: string]: number };
  };
};

// ---- server/: answers and pushes ----

/** A message (live, gap fill or resume replay). Clients must ignore fields they do not know. */
export type ChatMessagePush = Message & PushBase & {
  type: "chat.message";
  /** Present (true) only when the message came from history (resume replay or gap fill). */
  replayed?: true;
};

/** A member's connection dropped (`away`; they may resume) or is back (`online`). Clients must ignore fields they do not know. */
export type ChatPresencePush = PushBase & {
  type: "chat.presence";
  session: SessionId;
  user: UserId;
  state: "away" | "online";
};

/** A member's read marker advanced. Clients must ignore fields they do not know. */
export type ChatReadPush = PushBase & {
  type: "chat.read";
  session: SessionId;
  user: UserId;
  seq: Sequence;
};

/** After `resumed`, one per session named in the resume's `chat.sessions`: the session's current state and whether the missed messages were replayed. Clients must ignore fields they do not know. */
export type ChatResumedPush = PushBase & {
  type: "chat.resumed";
  session: SessionId;
  recovered: boolean;
  top?: Sequence;
  /** How many `chat.message` pushes (replayed: true) preceded this one. */
  replayed?: number;
  /** More than `limits.maxReplay` messages or `limits.maxPageText` units of text were missed: reload with chat.history. */
  reason?: "too_many_missed";
  /** The session cannot be resumed by this user; the state fields are then left out. */
  code?: "unknown_session" | "not_participant" | "not_joined";
} & Partial<Session>;

/** A gap could not be filled from history: reload the session (chat.history) up to `top`. Clients must ignore fields they do not know. */
export type ChatResyncPush = PushBase & {
  type: "chat.resync";
  session: SessionId;
  top: Sequence;
};

/** A session changed (state or membership): its session shape. Clients must ignore fields they do not know. */
export type ChatSessionPush = Session & PushBase & {
  type: "chat.session";
};

/** A member is typing until `until`. Clients must ignore fields they do not know. */
export type ChatTypingPush = PushBase & {
  type: "chat.typing";
  session: SessionId;
  user: UserId;
  until: EpochMillis;
};

/** A refused request (or an unreadable frame: then `re` is null). Clients must ignore fields they do not know. */
export type ErrorFrame = {
  type: "error";
  /** The id of the refused request; null when none could be read. */
  re: (RequestId | null);
  code: ErrorCode;
  /** For humans; not stable. */
  message: string;
  /** Only on `rate_limited`: the milliseconds until the same request would be admitted. */
  retryAfterMs?: number;
};

/** The answer to a request that succeeded; its other fields depend on the request (server/ok/<request type>.json). Clients must ignore fields they do not know. */
export type OkFrame = AnswerBase & {
  type: "ok";
};

/** The answer to `ping`. Clients must ignore fields they do not know. */
export type PongFrame = AnswerBase & {
  type: "pong";
};

/** A sealed rating became visible (to the rater and the ratee). Clients must ignore fields they do not know. */
export type RatingRevealedPush = PushBase & {
  type: "rating.revealed";
  session: SessionId;
  rater: UserId;
  ratee: UserId;
};

/** The answer to `resume`, with every field of `welcome` (`resume` is the next token). Clients must ignore fields they do not know. */
export type ResumedFrame = ConnectionInfo & {
  type: "resumed";
};

/** The answer to `hello`. Clients must ignore fields they do not know. */
export type WelcomeFrame = ConnectionInfo & {
  type: "welcome";
};

// ---- server/ok/: the ok answer of each request ----

/** Nothing but `re`; the connection is then closed with 1000. */
export type ByeOk = OkFrame;

/** The session shape after the action (its `version` is the one of the `chat.session` push it caused). */
export type ChatAcceptOk = OkFrame & Session;

/** The session shape after the action (its `version` is the one of the `chat.session` push it caused). */
export type ChatBlockOk = OkFrame & Session;

/** The session shape after the action (its `version` is the one of the `chat.session` push it caused). */
export type ChatCancelOk = OkFrame & Session;

/** The session shape after the action (its `version` is the one of the `chat.session` push it caused). */
export type ChatDeclineOk = OkFrame & Session;

/** At most `limit` messages and at most `limits.maxPageText` units of text; `complete: false` when history was trimmed (then `oldestRetained`). */
export type ChatHistoryOk = OkFrame & {
  messages: Message[];
  top: Sequence;
  complete: boolean;
  oldestRetained?: Sequence;
};

/** The session shape after the action (its `version` is the one of the `chat.session` push it caused). */
export type ChatInviteOk = OkFrame & Session;

/** The session shape after the action (its `version` is the one of the `chat.session` push it caused). */
export type ChatLeaveOk = OkFrame & Session;

/** The session shape after the action (its `version` is the one of the `chat.session` push it caused). */
export type ChatReadOk = OkFrame & Session;

/** The server-assigned sequence; `duplicate: true` when this `clientId` was stored before (the original `seq`). */
export type ChatSendOk = OkFrame & {
  seq: number;
  duplicate: boolean;
};

/** One page of open sessions; `more: true`: ask again from `offset + limit`. */
export type ChatSessionsOk = OkFrame & {
  sessions: SessionView[];
  more: boolean;
};

/** `sent: false` when throttled or when the user is not a joined member. */
export type ChatTypingOk = OkFrame & {
  sent: boolean;
};

/** Example server only: per asked user, presence and rating summary. */
export type DemoProfilesOk = OkFrame & {
  profiles: Array<{
    user: UserId;
    online: boolean;
    simulated: boolean;
    ratings: number;
    shown: boolean;
    score?: number;
  }>;
};

/** Nothing but `re`. */
export type GeoBlockOk = OkFrame;

/** Whether the fix was taken (`accepted: false` with `reason: "superseded"` when an older fix arrived after a newer one) and whether the user is discoverable. */
export type GeoLocationOk = OkFrame & {
  accepted: boolean;
  discoverable?: boolean;
  reason?: "superseded";
};

/** One page of nearby users, nearest bucket first; `cursor` when there is a next page. */
export type GeoNearbyOk = OkFrame & {
  users: Array<{
    user: UserId;
    /** A bucket label such as `< 500 m`, `1-2 km`; never exact. */
    distance: string;
    bucket: number;
    online: boolean;
    /** The host's score used for ranking; left out when the host gives none. */
    score?: number;
  }>;
  /** Opaque, signed; expires (10 minutes by default). */
  cursor?: string;
};

/** Nothing but `re`. */
export type GeoUnblockOk = OkFrame;

/** `given`: your ratings in this session; `received`: ratings about you, only once revealed. */
export type RatingSessionOk = OkFrame & {
  session: SessionId;
  given: Array<{
    rater: UserId;
    ratee: UserId;
    stars: number;
    state: RatingState;
    /** false for a sealed rating, or a revealed one that does not count in the aggregate. */
    counted: boolean;
    tags: string[];
    comment?: string;
  }>;
  received: Array<{
    rater: UserId;
    ratee: UserId;
    stars: number;
    state: RatingState;
    /** false for a sealed rating, or a revealed one that does not count in the aggregate. */
    counted: boolean;
    tags: string[];
    comment?: string;
  } & {
    state?: "REVEALED";
  }>;
};

/** The rating's state; `replayed: true` when answered from an earlier submit with the same idempotency key. */
export type RatingSubmitOk = OkFrame & {
  state: RatingState;
  replayed: boolean;
};

/** A user's public summary; `mean`, `score` (Bayesian mean) and `rankingScore` (lower bound) only when `shown`. */
export type RatingSummaryOk = OkFrame & {
  user: UserId;
  count: number;
  shown: boolean;
  mean?: number;
  score?: number;
  rankingScore?: number;
};

// ---- frame unions and tables ----

/** Any frame a client sends (client-frame.json). */
export type ClientFrame =
  | HelloRequest
  | ResumeRequest
  | PingRequest
  | ByeRequest
  | GeoLocationRequest
  | GeoNearbyRequest
  | GeoBlockRequest
  | GeoUnblockRequest
  | ChatInviteRequest
  | ChatAcceptRequest
  | ChatDeclineRequest
  | ChatCancelRequest
  | ChatLeaveRequest
  | ChatTypingRequest
  | ChatBlockRequest
  | ChatSendRequest
  | ChatReadRequest
  | ChatSessionsRequest
  | ChatHistoryRequest
  | RatingSubmitRequest
  | RatingSessionRequest
  | RatingSummaryRequest
  | DemoProfilesRequest;

/** Any frame the server sends (server-frame.json). */
export type ServerFrame =
  | WelcomeFrame
  | ResumedFrame
  | PongFrame
  | OkFrame
  | ErrorFrame
  | ChatSessionPush
  | ChatPresencePush
  | ChatMessagePush
  | ChatTypingPush
  | ChatReadPush
  | ChatResyncPush
  | ChatResumedPush
  | RatingRevealedPush;

/** Frames the server sends on its own (no `re`). */
export type PushFrame =
  | ChatSessionPush
  | ChatPresencePush
  | ChatMessagePush
  | ChatTypingPush
  | ChatReadPush
  | ChatResyncPush
  | ChatResumedPush
  | RatingRevealedPush;

export const CLIENT_FRAME_TYPES = ["hello","resume","ping","bye","geo.location","geo.nearby","geo.block","geo.unblock","chat.invite","chat.accept","chat.decline","chat.cancel","chat.leave","chat.typing","chat.block","chat.send","chat.read","chat.sessions","chat.history","rating.submit","rating.session","rating.summary","demo.profiles"] as const;
export const SERVER_FRAME_TYPES = ["welcome","resumed","pong","ok","error","chat.session","chat.presence","chat.message","chat.typing","chat.read","chat.resync","chat.resumed","rating.revealed"] as const;
export const PUSH_TYPES = ["chat.session","chat.presence","chat.message","chat.typing","chat.read","chat.resync","chat.resumed","rating.revealed"] as const;
export const ERROR_CODES = ["already_authenticated","already_rated","auth_failed","auth_pending","backend_unavailable","binary_not_supported","comment_too_long","empty_message","frame_too_large","future_timestamp","idempotency_key_reused","illegal_transition","implausible_jump","internal_error","invalid_accuracy","invalid_coordinates","invalid_cursor","invalid_field","invalid_id","invalid_idempotency_key","invalid_participants","invalid_sequence","invalid_stars","invalid_tag","location_required","malformed_frame","message_too_large","missing_id","not_allowed","not_authenticated","not_joined","not_participant","rate_limited","replaced","resume_expired","self_rating","session_not_active","session_not_ended","session_not_found","stale_location","too_many_connections","too_many_invites","too_many_tags","unknown_session","unknown_type","unsupported_version","user_blocked","window_closed"] as const;

/** Per request type: the request frame and the frame answering it when it succeeds. */
export interface Requests {
  "hello": { request: HelloRequest; answer: WelcomeFrame };
  "resume": { request: ResumeRequest; answer: ResumedFrame };
  "ping": { request: PingRequest; answer: PongFrame };
  "bye": { request: ByeRequest; answer: ByeOk };
  "geo.location": { request: GeoLocationRequest; answer: GeoLocationOk };
  "geo.nearby": { request: GeoNearbyRequest; answer: GeoNearbyOk };
  "geo.block": { request: GeoBlockRequest; answer: GeoBlockOk };
  "geo.unblock": { request: GeoUnblockRequest; answer: GeoUnblockOk };
  "chat.invite": { request: ChatInviteRequest; answer: ChatInviteOk };
  "chat.accept": { request: ChatAcceptRequest; answer: ChatAcceptOk };
  "chat.decline": { request: ChatDeclineRequest; answer: ChatDeclineOk };
  "chat.cancel": { request: ChatCancelRequest; answer: ChatCancelOk };
  "chat.leave": { request: ChatLeaveRequest; answer: ChatLeaveOk };
  "chat.typing": { request: ChatTypingRequest; answer: ChatTypingOk };
  "chat.block": { request: ChatBlockRequest; answer: ChatBlockOk };
  "chat.send": { request: ChatSendRequest; answer: ChatSendOk };
  "chat.read": { request: ChatReadRequest; answer: ChatReadOk };
  "chat.sessions": { request: ChatSessionsRequest; answer: ChatSessionsOk };
  "chat.history": { request: ChatHistoryRequest; answer: ChatHistoryOk };
  "rating.submit": { request: RatingSubmitRequest; answer: RatingSubmitOk };
  "rating.session": { request: RatingSessionRequest; answer: RatingSessionOk };
  "rating.summary": { request: RatingSummaryRequest; answer: RatingSummaryOk };
  "demo.profiles": { request: DemoProfilesRequest; answer: DemoProfilesOk };
}

/** What a client does after the server closed the socket with this status (common.json closeCode). */
export type CloseAction = 'stop' | 'resume' | 'hello';

/** Every close status the server uses, its reason and what a client does (common.json closeCode). */
export const CLOSE_CODES: Readonly<Record<number, { readonly reason: string; readonly action: CloseAction; readonly advice: string }>> = {
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
