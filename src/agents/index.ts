export { TemplateAgentFiles, renderPersona, isGenerated, ensureBuilderFiles, archiveAgentFolder, REMOVED_DIR } from "./files.js";
export { TokenIntake, type IntakeOptions, type FormSubmission } from "./intake.js";
export { tokenForms, createdInTurn, type TurnFacts } from "./token-forms.js";
export { IntakeError, type IntakeErrorCode } from "./errors.js";
export { INTAKE_TEXT } from "./messages.js";
export { validateToken, tagOf, type TokenOwner, type TokenCheck, type TokenCheckOptions } from "./validate-token.js";
export { Reconciler, type ReconcilerOptions } from "./reconciler.js";
export { SignalWatcher, writeSignal } from "./signals.js";
export { intakeMessage } from "./intake-message.js";
export type {
  AgentRuntime,
  AgentBots,
  AgentFolders,
  AppPreparation,
  RuntimeAgent,
  IntakeMessage,
  FailureEvents,
  ActivationEvents,
  ActivationOutcome,
} from "./ports.js";
