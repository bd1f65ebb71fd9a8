export { createApi } from "./app.js";
export type { ApiDeps, RouteOptions } from "./deps.js";
export { ApiError, STATUS_BY_CODE } from "./errors.js";
export { KeyStore, type KeyRole, type KeyIdentity } from "./keys.js";
export { ensureAdminKey } from "./admin-key.js";
export type { DiscordActions, SendRequest, SendResult, Member, AgentFiles, ActivationSignals } from "./ports.js";
