export { createOpencodeRuntime, type OpencodeRuntime, type OpencodeRuntimeOptions, type OpencodeRuntimeEvents, type OpencodeDiagnostics } from "./runtime.js";
export { type RuntimeAgent, type ServerStats, type RestartPolicy } from "./manager.js";
export { type PromptResult, type PromptOptions } from "./bridge.js";
export { BridgeError, ServerStartError, type BridgeErrorCode, type OpencodeErrorCode } from "./errors.js";
export { type ModelSettings } from "./model.js";
export { writeAgentConfig, agentConfig, BUILTIN_TOOLS, BOBB_TOOLS, CHILD_TOOLS, type AgentRole } from "./agent-config.js";
export { resolveOpencodeCommand } from "./binary.js";
export { type OpencodeServer } from "./server.js";
export { treeRss, processTree } from "./proc.js";
