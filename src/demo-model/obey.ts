import { messageContent } from "./context.js";
import type { RequestView } from "./protocol.js";
import type { Reply, Rule } from "./rules.js";

/** One `CALL <tool> <json>` line: the model emits exactly that tool call. */
const CALL_LINE = /(?:^|\s)CALL\s+([A-Za-z0-9_-]+)[ \t]*(\{.*\})?[ \t]*$/gm;

export interface ObeyedCall {
  name: string;
  args: Record<string, unknown>;
}

/** The tool calls a message asks for, one per `CALL name {json}` line (a line with bad JSON is skipped). */
export function requestedCalls(text: string): ObeyedCall[] {
  const calls: ObeyedCall[] = [];
  for (const match of messageContent(text).matchAll(CALL_LINE)) {
    try {
      const args = match[2] ? (JSON.parse(match[2]) as unknown) : {};
      if (args && typeof args === "object" && !Array.isArray(args)) calls.push({ name: match[1]!, args: args as Record<string, unknown> });
    } catch {
      // not JSON: not a call
    }
  }
  return calls;
}

const asks = (view: RequestView) => requestedCalls(view.lastUser).length > 0;

/**
 * The model that obeys whoever writes to it (adversarial tests, and a demo of why authority
 * must not come from the model): a message with `CALL update_agent {"id":"chef","persona":"evil"}`
 * lines gets exactly those tool calls, then the tool results relayed as text.
 */
export function obeyRules(): Rule[] {
  return [
    { name: "obey: call", when: asks, reply: (view): Reply => ({ toolCalls: requestedCalls(view.lastUser) }) },
    {
      name: "obey: relay",
      after: "tool",
      when: asks,
      reply: (view) => view.toolResults.map((r) => `${r.name}: ${r.output}`).join("\n"),
    },
  ];
}
