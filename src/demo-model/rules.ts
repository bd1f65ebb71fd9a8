import type { Answer, RequestView } from "./protocol.js";

/** A string matches as a case-insensitive substring; a RegExp is tested as is. */
export type Matcher = string | RegExp;

/** What a rule answers: plain text, tool calls (optionally with text), or an HTTP error. */
export type Reply = string | { text?: string; toolCalls?: { name: string; args: Record<string, unknown> }[] } | { error: { status: number; message: string } };

/** One scripted behaviour: the first rule whose conditions all hold answers the request. */
export interface Rule {
  /** Shown in the request log, to tell which rule answered. */
  name?: string;
  /** Condition on the last user message. */
  user?: Matcher;
  /** Condition on the system prompt (where OpenCode puts the agent's AGENTS.md). */
  system?: Matcher;
  /** Condition on the agent id sent in the X-Bobb-Agent header. */
  agent?: string;
  /**
   * Which step of a turn: "user" (default) only before any tool result, so a rule that calls
   * a tool does not fire again on the follow-up request; "tool" only after a tool result
   * (optionally of the tool named in `tool`); "any" both.
   */
  after?: "user" | "tool" | "any";
  tool?: string;
  /** Any other condition on the request. */
  when?: (view: RequestView) => boolean;
  reply: Reply | ((view: RequestView) => Reply);
  /** Wait before answering (skipped in instant mode). */
  delayMs?: number;
  /** Stop matching after this many uses. */
  times?: number;
}

/** The decision for one request. */
export type Decision =
  { kind: "answer"; answer: Answer; delayMs: number; rule: string } | { kind: "error"; status: number; message: string; delayMs: number; rule: string };

/** True when the matcher accepts the text. */
export function matches(matcher: Matcher | undefined, text: string): boolean {
  if (matcher === undefined) return true;
  if (typeof matcher === "string") return text.toLowerCase().includes(matcher.toLowerCase());
  matcher.lastIndex = 0;
  return matcher.test(text);
}

/** True when every condition of the rule holds for the request. */
export function ruleApplies(rule: Rule, view: RequestView): boolean {
  const step = rule.after ?? "user";
  const lastTool = view.toolResults.at(-1);
  if (step === "user" && lastTool) return false;
  if (step === "tool" && (!lastTool || (rule.tool !== undefined && lastTool.name !== rule.tool))) return false;
  if (rule.agent !== undefined && rule.agent !== view.agent) return false;
  if (rule.when && !rule.when(view)) return false;
  return matches(rule.user, view.lastUser) && matches(rule.system, view.system);
}

/** Turns a reply into a decision. */
export function decide(reply: Reply, delayMs: number, rule: string): Decision {
  if (typeof reply === "string") return { kind: "answer", answer: { text: reply, toolCalls: [] }, delayMs, rule };
  if ("error" in reply) return { kind: "error", status: reply.error.status, message: reply.error.message, delayMs, rule };
  return { kind: "answer", answer: { text: reply.text ?? "", toolCalls: reply.toolCalls ?? [] }, delayMs, rule };
}

/** An ordered rule list with use counts. */
export class RuleBook {
  #rules: Rule[] = [];
  readonly #uses = new Map<Rule, number>();

  constructor(rules: Rule[] = []) {
    this.set(rules);
  }

  /** Replaces all rules. */
  set(rules: Rule[]): void {
    this.#rules = [...rules];
    this.#uses.clear();
  }

  /** Adds rules in front of the existing ones. */
  prepend(...rules: Rule[]): void {
    this.#rules.unshift(...rules);
  }

  /** The first applicable rule's decision, or undefined; counts the use. */
  pick(view: RequestView): Decision | undefined {
    for (const [index, rule] of this.#rules.entries()) {
      const used = this.#uses.get(rule) ?? 0;
      if (rule.times !== undefined && used >= rule.times) continue;
      if (!ruleApplies(rule, view)) continue;
      this.#uses.set(rule, used + 1);
      const reply = typeof rule.reply === "function" ? rule.reply(view) : rule.reply;
      return decide(reply, rule.delayMs ?? 0, rule.name ?? `rule ${index}`);
    }
    return undefined;
  }
}
