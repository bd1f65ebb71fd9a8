export { TemplateAgentFiles, renderPersona, isGenerated, ensureBuilderFiles, archiveAgentFolder, REMOVED_DIR } from "./files.js";
export { TokenIntake, type IntakeOptions } from "./intake.js";
export { IntakeError, type IntakeErrorCode } from "./errors.js";
export { INTAKE_TEXT } from "./messages.js";
export { validateToken, tagOf, type TokenOwner, type TokenCheck } from "./validate-token.js";
export { Reconciler, type ReconcilerOptions } from "./reconciler.js";
export { SignalWatcher, writeSignal } from "./signals.js";
export { intakeMessage } from "./intake-message.js";
export type { AgentRuntime, AgentBots, AgentFolders, RuntimeAgent, IntakeMessage, FailureEvents, ActivationEvents, ActivationOutcome } from "./ports.js";
