export { RegistryStore, type RegistryStoreOptions } from "./store.js";
export type { RegistryPort, RegistryHealth, RegistryEvents, ChangeOrigin, UpdateOptions, WriteFence } from "./port.js";
export { RegistryError, type RegistryErrorCode } from "./errors.js";
export { allocatePort, isPortFree } from "./port-allocation.js";
export { diffRegistries, type RegistryChange } from "./diff.js";
export { parseRegistry, serializeRegistry } from "./parse.js";
export {
  agentSchema,
  registrySchema,
  toPublicAgent,
  emptyRegistry,
  AGENT_STATUSES,
  AGENT_ID_PATTERN,
  MAX_PERSONA_BYTES,
  type Agent,
  type AgentStatus,
  type Registry,
  type PublicAgent,
} from "./schema.js";
export { slugify, addAgent, findByName, searchAgents, pendingAgents, agentUsingToken, RESERVED_IDS, type NewAgent } from "./agents.js";
export { withToken, activationReason, failedToStart } from "./status.js";
export { nameProblem, personaProblem, normalizeName } from "./text-rules.js";
