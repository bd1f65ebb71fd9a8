export { createScriptedModel, DEMO_MODEL_ID, type ScriptedModel, type ScriptedModelOptions, type RecordedRequest } from "./server.js";
export { RuleBook, matches, type Rule, type Reply, type Matcher } from "./rules.js";
export { demoRules, personaOf, botNameFrom, messageContent, waitingMessages, DEMO_MARK, DEBATE_PACE_MS } from "./demo.js";
export { debateTurn, mentionedBots } from "./debate.js";
export { obeyRules, requestedCalls, type ObeyedCall } from "./obey.js";
export type { RequestView, ToolResultSeen } from "./protocol.js";
