import { MessageFlags, type ActionRowBuilder, type ButtonBuilder, type ChatInputCommandInteraction, type RepliableInteraction } from "discord.js";
import { CodedError } from "../../errors.js";
import { redactTokens } from "../../log/index.js";

/** What a command answers: text (at most 2,000 characters) and optional button rows. */
export interface Answer {
  content: string;
  components?: ActionRowBuilder<ButtonBuilder>[];
}

/** Discord's deadline is 3 s from the interaction; past this much work the answer is deferred ("BoBB is thinking…"). */
export const DEFER_AFTER_MS = 1_500;

/** A failure a person can act on: its message is shown as is (ephemeral). */
export class CommandError extends CodedError<"BAD_COMMAND"> {
  constructor(message: string) {
    super("BAD_COMMAND", message);
  }
}

/**
 * Answers within Discord's deadline: `work`'s answer when it comes quickly, else a deferred
 * reply first and the answer as its edit. A thrown CodedError's message becomes the answer; any
 * other error is rethrown after the person was told something went wrong.
 */
export async function answerWithin(
  interaction: ChatInputCommandInteraction,
  ephemeral: boolean,
  work: () => Promise<Answer>,
  deferAfterMs = DEFER_AFTER_MS,
): Promise<void> {
  const flags = ephemeral ? MessageFlags.Ephemeral : undefined;
  // Settles with the deferral's failure, if any, so it is never an unhandled rejection while the work runs.
  let deferred: Promise<unknown> | undefined;
  const timer = setTimeout(() => {
    deferred = interaction.deferReply(flags === undefined ? {} : { flags }).then(
      () => undefined,
      (err: unknown) => err ?? new Error("deferReply failed"),
    );
  }, deferAfterMs);
  let answer: Answer;
  let unexpected: unknown;
  try {
    answer = await work();
  } catch (err) {
    answer = errorAnswer(err);
    if (!(err instanceof CodedError)) unexpected = err;
  } finally {
    clearTimeout(timer);
  }
  const safe = { content: redactTokens(answer.content).slice(0, 2_000), components: answer.components ?? [], allowedMentions: { parse: [] } };
  if (deferred) {
    const failed = await deferred;
    if (failed) throw failed;
    await interaction.editReply(safe);
  } else {
    await interaction.reply(flags === undefined ? safe : { ...safe, flags });
  }
  if (unexpected) throw unexpected;
}

/** The person-facing text of a failure. */
export function errorAnswer(err: unknown): Answer {
  // The API's wording ("body field "name": …") reads as the command's option here.
  if (err instanceof CodedError) return { content: `${capitalize(err.message.replace(/^body field "([^"]+)"/, 'option "$1"'))}.`.replace(/([.!?])\.$/, "$1") };
  return { content: "Sorry, something went wrong on my side; nothing was changed. The supervisor log has the details." };
}

/** Tells the person about a failure however far the interaction got (reply, edit or follow-up), always ephemeral. */
export async function sayError(interaction: RepliableInteraction, err: unknown): Promise<void> {
  const { content } = errorAnswer(err);
  const body = { content, allowedMentions: { parse: [] as [] } };
  if (interaction.deferred && !interaction.replied) await interaction.editReply(body);
  else if (interaction.replied) await interaction.followUp({ ...body, flags: MessageFlags.Ephemeral });
  else await interaction.reply({ ...body, flags: MessageFlags.Ephemeral });
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
