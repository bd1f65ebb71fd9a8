import type { Message, SendableChannels } from "discord.js";
import type { RunningBot } from "./bot-manager.js";

const TYPING_EVERY_MS = 8_000;

/** Shows the bot typing in the channel until stopped or the signal aborts. */
export function keepTyping(channel: SendableChannels, signal: AbortSignal): { stop(): void } {
  const send = () => void channel.sendTyping().catch(() => undefined);
  send();
  const timer = setInterval(send, TYPING_EVERY_MS);
  const stop = () => clearInterval(timer);
  signal.addEventListener("abort", stop, { once: true });
  return { stop };
}

/** One bot's view of one message: the key of the messages it walked already. */
export function walkKey(bot: RunningBot, message: Message): string {
  return `${bot.spec.agentId}\u0000${message.id}`;
}
