import type { ButtonInteraction, ChatInputCommandInteraction, Interaction, ModalSubmitInteraction } from "discord.js";
import { CodedError } from "../../errors.js";
import type { Logger } from "../../log/index.js";
import { CommandError, sayError } from "./reply.js";

export type CommandHandler = (interaction: ChatInputCommandInteraction) => Promise<void>;
export type ComponentHandler = (interaction: ButtonInteraction) => Promise<void>;
export type ModalHandler = (interaction: ModalSubmitInteraction) => Promise<void>;

/** The command an interaction runs, as "bobb create" or "stop". */
export function commandKey(interaction: ChatInputCommandInteraction): string {
  const group = interaction.options.getSubcommandGroup(false);
  const sub = interaction.options.getSubcommand(false);
  return [interaction.commandName, group, sub].filter(Boolean).join(" ");
}

/**
 * Sends each of BoBB's interactions to its handler: slash commands by name ("bobb create"),
 * buttons and modal submits by the prefix of their custom_id (the longest registered prefix
 * wins). A handler that throws is logged and the person told, ephemerally.
 */
export class InteractionRouter {
  readonly #commands = new Map<string, CommandHandler>();
  readonly #components = new Map<string, ComponentHandler>();
  readonly #modals = new Map<string, ModalHandler>();
  readonly #log: Logger;

  constructor(logger: Logger) {
    this.#log = logger.child({ component: "interactions" });
  }

  registerCommand(key: string, handler: CommandHandler): void {
    this.#commands.set(key, handler);
  }

  /** Buttons whose custom_id starts with `prefix` (e.g. "bobb-remove:") go to `handler`. */
  registerComponentHandler(prefix: string, handler: ComponentHandler): void {
    this.#components.set(prefix, handler);
  }

  /** Modal submits whose custom_id starts with `prefix` (e.g. "bobb-token:") go to `handler`. */
  registerModalHandler(prefix: string, handler: ModalHandler): void {
    this.#modals.set(prefix, handler);
  }

  /** Handles one interaction; never throws. */
  async handle(interaction: Interaction): Promise<void> {
    const run = this.#pick(interaction);
    if (!run) {
      if (interaction.isRepliable())
        await sayError(interaction, new CommandError("I do not know that command or button (any more). `/bobb help` lists what I can do.")).catch(
          () => undefined,
        );
      this.#log.warn({ interaction: interaction.id, type: interaction.type }, "no handler for this interaction");
      return;
    }
    const where = { interaction: interaction.id, what: run.what, user: interaction.user.id, guild: interaction.guildId };
    this.#log.debug(where, "interaction");
    try {
      await run.handler();
    } catch (err) {
      // A refusal (not yours, unknown bot, bad option) is the person's answer, not a fault of ours.
      if (err instanceof CodedError) this.#log.info({ ...where, code: err.code }, `refused: ${err.message}`);
      else this.#log.error({ err, ...where }, "interaction handler failed");
      // A handler that answered already (answerWithin tells the person itself) is not answered twice.
      if (interaction.isRepliable() && !interaction.replied) await sayError(interaction, err).catch(() => undefined);
    }
  }

  #pick(interaction: Interaction): { what: string; handler: () => Promise<void> } | undefined {
    if (interaction.isChatInputCommand()) {
      const key = commandKey(interaction);
      const handler = this.#commands.get(key);
      return handler && { what: `/${key}`, handler: () => handler(interaction) };
    }
    if (interaction.isButton()) {
      const handler = byPrefix(this.#components, interaction.customId);
      return handler && { what: `button ${interaction.customId}`, handler: () => handler(interaction) };
    }
    if (interaction.isModalSubmit()) {
      const handler = byPrefix(this.#modals, interaction.customId);
      return handler && { what: `modal ${interaction.customId}`, handler: () => handler(interaction) };
    }
    return undefined;
  }
}

function byPrefix<H>(handlers: Map<string, H>, customId: string): H | undefined {
  let best: string | undefined;
  for (const prefix of handlers.keys()) if (customId.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = prefix;
  return best === undefined ? undefined : handlers.get(best);
}
