// Message flags and the origin of a message an interaction created (shared by messages and interactions).

/** An app answering an interaction: the message is the bot's, tagged with the interaction, maybe ephemeral or loading. */
export interface InteractionOrigin {
  id: string;
  type: number;
  userId: string;
  name: string;
  applicationId: string;
  ephemeral: boolean;
  /** A deferred response's "is thinking…" placeholder (flag 128). */
  loading: boolean;
  /** Message type: 20 CHAT_INPUT_COMMAND for commands, 0 otherwise. */
  messageType: number;
}

/** Flags a sender may set (SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS); EPHEMERAL and LOADING come from interactions. */
export const SETTABLE_FLAGS = 4 | 4096;
export const EPHEMERAL = 64;
export const LOADING = 128;
