/**
 * Stop commands: a human message that is nothing but "stop", "enough" or "quiet".
 *
 * Decisions:
 * - Only the whole message counts. "stop the music" or "don't stop me now" are sentences,
 *   not commands, and must not silence a channel.
 * - Typed mentions (`<@id>`, `<@!id>`, `<@&id>`), @everyone/@here, custom emoji,
 *   punctuation, symbols (emoji included), markdown and whitespace around the word are
 *   ignored: "<@1> stop.", "**STOP!!**", "@everyone quiet 🛑" are all commands.
 * - Repeating stop words is still a command: "stop stop", "stop, enough!" → true. Any
 *   other word, a number or a plain-text "@Chef Bot" name makes it a sentence → false.
 */

export const STOP_WORDS: readonly string[] = ["stop", "enough", "quiet"];

// Far longer than any stop command; keeps the work bounded on 4,000-character messages.
const MAX_COMMAND_LENGTH = 300;

const MENTION = /<@[!&]?\d+>|@everyone|@here|<a?:\w+:\d+>/gi;
// Everything that is not a letter or digit separates words (punctuation, emoji, markdown).
const NON_WORD = /[^\p{L}\p{N}]+/gu;

/** True when the message is only a stop word ("stop", "enough", "quiet"), mentions and punctuation. */
export function isStopCommand(content: string): boolean {
  if (content.length > MAX_COMMAND_LENGTH) return false;
  const words = content.replace(MENTION, " ").replace(NON_WORD, " ").trim().toLowerCase().split(" ");
  if (words.length === 0 || words[0] === "") return false;
  return words.every((word) => STOP_WORDS.includes(word));
}
