export { decideRoute, mentionsUser, type RouteAction, type RouteDecision, type RouteInput, type RouteReason } from "./routing.js";
export {
  formatAge,
  formatMessageContext,
  resolveMentions,
  CONTENT_MAX,
  HISTORY_LIMIT,
  HISTORY_LINE_MAX,
  WAITING_END,
  WAITING_LINE_MAX,
  WAITING_START,
  type ContextUser,
  type HistoryMessage,
  type MentionNames,
  type MessageContextInput,
} from "./context.js";
export { splitForDiscord, planSplit, MIN_SPLIT_LIMIT, type SplitPart } from "./split.js";
export {
  ChannelGovernor,
  GOVERNOR_DEFAULTS,
  type BotTurn,
  type BotTurnVerdict,
  type GovernorOptions,
  type ObservedMessage,
  type RefusalReason,
} from "./governor.js";
export { isStopCommand, STOP_WORDS } from "./stop-words.js";
export { BotManager, type BotSpec, type RunningBot, type BotManagerOptions, type BotManagerEvents } from "./bot-manager.js";
export { Conversations, type ConversationOptions } from "./conversation.js";
export { SharedMessages } from "./shared-messages.js";
export { SystemVoice, subtext, STOP_REACTION, STOP_LINE } from "./system-voice.js";
export { BotActions } from "./actions.js";
export { BotDirectory } from "./directory.js";
export { TurnTracker, type Turn } from "./turns.js";
export { NoteBoard } from "./notes.js";
export { postText, neutralizeMentions, outgoingText } from "./post.js";
export { Outbox, isTransient, type OutgoingPost, type Delivery, type OutboxOptions } from "./outbox.js";
export { type AgentBrain, type BrainErrorCode, type KnownBot, type ReplyButtons } from "./ports.js";
export { BotLoginError, type BotLoginErrorCode, type DiscordErrorCode } from "./errors.js";
export { AppSetup, descriptionOf, DESCRIPTION_MAX, type AppSetupReport, type AppSetupSpec, type IntentOutcome } from "./app-setup.js";
export { avatarDataUri, avatarPng, initialsOf, colourOf } from "./avatar.js";
export {
  showTokenForm,
  tokenModal,
  tokenButtons,
  TOKEN_ID_PREFIX,
  TOKEN_BUTTON_PREFIX,
  TOKEN_MODAL_PREFIX,
  TOKEN_INPUT_ID,
  type TokenFormAgent,
  type TokenFormTrigger,
} from "./commands/token-form.js";
export { listenForTokenForms, handleTokenInteraction, type TokenFormHandlers, type TokenFormSubmission } from "./commands/token-interactions.js";
export { botInviteUrl, discordEndpoints, portalUrl, BOT_PERMISSIONS, DISCORD_API_URL, DISCORD_API_VERSION, type DiscordEndpoints } from "./endpoints.js";
export { autoThreadGuilds, threadName } from "./auto-thread.js";
export { prepareAttachments, DEFAULT_ATTACHMENT_LIMITS, type AttachmentLimits, type PromptFile } from "./attachments.js";
