import { randomUUID } from "node:crypto";
import { z } from "zod";

/** The parts of an OpenAI chat-completions request the scripted model reads; the rest passes through. */
const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });
const toolCall = z.looseObject({
  id: z.string().optional(),
  type: z.string().optional(),
  function: z.looseObject({ name: z.string(), arguments: z.string().optional() }),
});
const message = z.looseObject({
  role: z.string(),
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
  tool_calls: z.array(toolCall).optional(),
  tool_call_id: z.string().optional(),
});
export const chatRequestSchema = z.looseObject({
  model: z.string(),
  messages: z.array(message).min(1),
  stream: z.boolean().optional(),
  tools: z.array(z.looseObject({ type: z.string().optional(), function: z.looseObject({ name: z.string() }).optional() })).optional(),
});

export type ChatRequest = z.output<typeof chatRequestSchema>;
export type ChatMessage = ChatRequest["messages"][number];

/** A tool result the model has received since the last user message. */
export interface ToolResultSeen {
  name: string;
  output: string;
}

/** What rules match on, derived once per request. */
export interface RequestView {
  system: string;
  lastUser: string;
  /** Tool results after the last user message, in order (empty in a fresh user turn). */
  toolResults: ToolResultSeen[];
  /** Names of the tools the request offers. */
  tools: string[];
  /** The agent id: from a `<!-- bobb-agent: id -->` marker in the system prompt (one project for many bots), else the X-Bobb-Agent header. */
  agent: string | undefined;
  model: string;
  /** Files in the last user message: image parts counted, text files as OpenCode inlines them (name and text). */
  received?: ReceivedFiles;
}

export interface ReceivedFiles {
  images: number;
  texts: { name: string; text: string }[];
}

/** OpenCode inlines a text/plain file part as this line (with the file's name) followed by the text. */
const READ_CALL = /^Called the Read tool with the following input: (\{.*\})$/s;

/** The last user message split into its own text and the files it carries. */
export function userMessageOf(content: ChatMessage["content"]): { text: string; received: ReceivedFiles } {
  const received: ReceivedFiles = { images: 0, texts: [] };
  if (!Array.isArray(content)) return { text: textOf(content), received };
  const own: string[] = [];
  for (let i = 0; i < content.length; i++) {
    const part = content[i]!;
    if (part.type === "image_url" || (part.type === "file" && !part.text)) {
      received.images += 1;
      continue;
    }
    const read = READ_CALL.exec(part.text ?? "");
    const next = content[i + 1];
    if (read && next?.type === "text") {
      received.texts.push({ name: fileNameOf(read[1]!), text: next.text ?? "" });
      i += 1;
      continue;
    }
    own.push(part.text ?? "");
  }
  return { text: own.join(""), received };
}

function fileNameOf(json: string): string {
  try {
    const parsed = JSON.parse(json) as { filePath?: unknown };
    return typeof parsed.filePath === "string" ? parsed.filePath : "file";
  } catch {
    return "file";
  }
}

/** Flattens string or part-array content to text. */
export function textOf(content: ChatMessage["content"]): string {
  if (typeof content === "string") return content;
  if (!content) return "";
  return content.map((p) => p.text ?? "").join("");
}

/** The marker a shared system prompt starts with to name its bot: `<!-- bobb-agent: chef -->`. */
const PROJECT_AGENT = /<!-- bobb-agent: ([A-Za-z0-9_-]+) -->/;

/** Builds the view rules match on. */
export function viewOf(request: ChatRequest, agent: string | undefined): RequestView {
  const messages = request.messages;
  const system = messages
    .filter((m) => m.role === "system")
    .map((m) => textOf(m.content))
    .join("\n");
  let lastUserIndex = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.role === "user") {
      lastUserIndex = i;
      break;
    }
  }
  const { text: lastUser, received } = lastUserIndex >= 0 ? userMessageOf(messages[lastUserIndex]!.content) : userMessageOf("");
  const names = new Map<string, string>();
  const toolResults: ToolResultSeen[] = [];
  for (const m of messages.slice(lastUserIndex + 1)) {
    for (const call of m.tool_calls ?? []) if (call.id) names.set(call.id, call.function.name);
    if (m.role === "tool") {
      toolResults.push({ name: names.get(m.tool_call_id ?? "") ?? "unknown", output: textOf(m.content) });
    }
  }
  const tools = (request.tools ?? []).flatMap((t) => (t.function ? [t.function.name] : []));
  // One project for many bots (BoBB's project mode): the header names the project, the system prompt the bot.
  const named = PROJECT_AGENT.exec(system)?.[1];
  return { system, lastUser, toolResults, tools, agent: named ?? agent, model: request.model, received };
}

/** A finished answer: text, tool calls, or both. */
export interface Answer {
  text: string;
  toolCalls: { name: string; args: Record<string, unknown> }[];
}

const usage = { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 };

/** The non-streaming response body. */
export function completionBody(answer: Answer, model: string): Record<string, unknown> {
  const calls = answer.toolCalls.map((c) => ({
    id: `call_${randomUUID().slice(0, 8)}`,
    type: "function",
    function: { name: c.name, arguments: JSON.stringify(c.args) },
  }));
  return {
    id: `chatcmpl-demo-${randomUUID()}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    system_fingerprint: "bobb-demo-model",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: answer.text, ...(calls.length ? { tool_calls: calls } : {}) },
        finish_reason: calls.length ? "tool_calls" : "stop",
      },
    ],
    usage,
  };
}

/** The streaming response as SSE `data:` payloads (without the final `[DONE]`). */
export function streamChunks(answer: Answer, model: string): Record<string, unknown>[] {
  const id = `chatcmpl-demo-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    id,
    object: "chat.completion.chunk",
    created,
    model,
    system_fingerprint: "bobb-demo-model",
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...extra,
  });
  const out: Record<string, unknown>[] = [chunk({ role: "assistant", content: "" }, null)];
  // A few words a chunk, so streaming clients see real deltas.
  const words = answer.text.match(/\S+\s*|\s+/g) ?? [];
  for (let i = 0; i < words.length; i += 4) out.push(chunk({ content: words.slice(i, i + 4).join("") }, null));
  answer.toolCalls.forEach((c, index) => {
    out.push(
      chunk(
        {
          tool_calls: [{ index, id: `call_${randomUUID().slice(0, 8)}`, type: "function", function: { name: c.name, arguments: JSON.stringify(c.args) } }],
        },
        null,
      ),
    );
  });
  out.push(chunk({}, answer.toolCalls.length ? "tool_calls" : "stop"));
  out.push({ id, object: "chat.completion.chunk", created, model, choices: [], usage });
  return out;
}
