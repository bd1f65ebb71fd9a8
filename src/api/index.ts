export { createApi } from "./app.js";
export { AgentWrites, type AgentWritesOptions, type WriteActor, type RemovalResult } from "./agent-writes.js";
export { assertMayChange } from "./authority.js";
export type { ApiDeps, RouteOptions } from "./deps.js";
export { ApiError, STATUS_BY_CODE, type ApiCode, type ApiOwnCode } from "./errors.js";
export { KeyStore, type KeyRole, type KeyIdentity } from "./keys.js";
export { ensureAdminKey } from "./admin-key.js";
export { DiscordSideError, ROOMS_ADMIN_CODES } from "./ports.js";
export type {
  DiscordActions,
  DiscordActionCode,
  SendRequest,
  SendResult,
  Member,
  AgentFiles,
  LiveTurn,
  TurnLookup,
  AgentRemovals,
  RemovalReport,
  ChannelInfo,
  RoomsAdmin,
  RoomsAdminCode,
} from "./ports.js";
export { SESSION_HEADER } from "./turn-binding.js";
