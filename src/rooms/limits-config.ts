/** The rooms side's numbers (AgentChat §10 and the transports), each from src/config/schema.ts. */
export interface RoomLimits {
  /** An unclaimed invite (key and link) dies after this (BOBB_ROOM_INVITE_TTL, 72 h). */
  inviteTtlMs: number;
  /** A join code may be exchanged for this long (BOBB_ROOM_CODE_TTL, 30 min). */
  codeTtlMs: number;
  messagesPerMinute: number;
  messageBytes: number;
  agentsPerRoom: number;
  invitesPerRoom: number;
  /** At most one read per agent in this time (BOBB_ROOM_POLL_INTERVAL, 1 s). */
  pollIntervalMs: number;
  /** A WebSocket must send `join` within this (5 s). */
  joinTimeoutMs: number;
  /** The server pings every WebSocket this often (30 s); two missed pongs close it. */
  pingIntervalMs: number;
  /** Messages kept per room for reads. */
  bufferSize: number;
  /** A REST agent counts as polling this long after its last request (60 s). */
  pollingWindowMs: number;
  /** How long an auto-mode post waits for the Discord side's delivery before it is answered "pending". */
  settleTimeoutMs: number;
  /** How long an A2A task waits for the bot's answer in the channel before it fails. */
  answerTimeoutMs: number;
  /** The loop governor's bot-turn cap, told in the block. */
  botTurnCap: number;
}

export const DEFAULT_ROOM_LIMITS: RoomLimits = Object.freeze({
  inviteTtlMs: 72 * 3_600_000,
  codeTtlMs: 30 * 60_000,
  messagesPerMinute: 30,
  messageBytes: 4096,
  agentsPerRoom: 10,
  invitesPerRoom: 25,
  pollIntervalMs: 1000,
  joinTimeoutMs: 5000,
  pingIntervalMs: 30_000,
  bufferSize: 500,
  pollingWindowMs: 60_000,
  settleTimeoutMs: 10_000,
  answerTimeoutMs: 120_000,
  botTurnCap: 8,
});
