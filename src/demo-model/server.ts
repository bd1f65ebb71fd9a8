import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { DEMO_MARK, demoRules, isHousekeeping } from "./demo.js";
import { chatRequestSchema, completionBody, streamChunks, viewOf, type Answer, type RequestView } from "./protocol.js";
import { RuleBook, type Decision, type Rule } from "./rules.js";

const MAX_BODY_BYTES = 8 * 1024 * 1024;
export const DEMO_MODEL_ID = "demo";

export interface ScriptedModelOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  rules?: Rule[];
  /** Fall back to the demo behaviour when no rule matches (default true); else answer "(no rule matched)". */
  demo?: boolean;
  /** Ignore every delay: for benchmarks. */
  instant?: boolean;
  logger?: Logger;
  /** How many requests to keep (oldest dropped first); default 2000. */
  maxRecorded?: number;
}

/** One request the model received, kept for assertions (and token canaries). */
export interface RecordedRequest {
  at: number;
  agent: string | undefined;
  view: RequestView;
  /** The raw request body, exactly as received. */
  raw: string;
  stream: boolean;
  rule: string;
  /** The client went away before the answer was complete. */
  aborted: boolean;
  /** The bearer key the client sent, if any (to check a provider key reached the model). */
  apiKey: string | undefined;
}

/** A running scripted model server. */
export interface ScriptedModel {
  /** Base URL for an OpenAI-compatible client, ending in /v1. */
  readonly url: string;
  readonly port: number;
  readonly requests: readonly RecordedRequest[];
  setRules(rules: Rule[]): void;
  prependRules(...rules: Rule[]): void;
  setInstant(instant: boolean): void;
  clearRequests(): void;
  /** Resolves with the first recorded request (past or future) the predicate accepts. */
  waitForRequest(predicate: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

/** Starts the OpenAI-compatible scripted model on a loopback port. */
export async function createScriptedModel(options: ScriptedModelOptions = {}): Promise<ScriptedModel> {
  const book = new RuleBook(options.rules ?? []);
  const fallback = new RuleBook(options.demo === false ? [] : demoRules());
  const requests: RecordedRequest[] = [];
  const waiters = new Set<{ predicate: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void }>();
  const maxRecorded = options.maxRecorded ?? 2000;
  let instant = options.instant ?? false;
  const log = options.logger?.child({ component: "demo-model" });

  const record = (entry: RecordedRequest) => {
    requests.push(entry);
    if (requests.length > maxRecorded) requests.shift();
    for (const w of waiters) {
      if (!w.predicate(entry)) continue;
      waiters.delete(w);
      w.resolve(entry);
    }
  };

  const choose = (view: RequestView): Decision => {
    if (isHousekeeping(view)) return { kind: "answer", answer: { text: "Demo chat", toolCalls: [] }, delayMs: 0, rule: "housekeeping" };
    return (
      book.pick(view) ?? fallback.pick(view) ?? { kind: "answer", answer: { text: `(no rule matched) ${DEMO_MARK}`, toolCalls: [] }, delayMs: 0, rule: "none" }
    );
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log?.error({ err: error }, "demo model request failed");
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(error), type: "server_error" } });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method === "GET" && url.pathname === "/v1/models") {
      return sendJson(res, 200, { object: "list", data: [{ id: DEMO_MODEL_ID, object: "model", created: 0, owned_by: "bobb-demo" }] });
    }
    if (req.method !== "POST" || url.pathname !== "/v1/chat/completions") {
      return sendJson(res, 404, { error: { message: `no route ${req.method} ${url.pathname}`, type: "not_found" } });
    }
    const raw = await readBody(req);
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return sendJson(res, 400, { error: { message: "body is not JSON", type: "invalid_request_error" } });
    }
    const parsed = chatRequestSchema.safeParse(json);
    if (!parsed.success) return sendJson(res, 400, { error: { message: parsed.error.message, type: "invalid_request_error" } });
    const agentHeader = req.headers["x-bobb-agent"];
    const agent = typeof agentHeader === "string" ? agentHeader : undefined;
    const view = viewOf(parsed.data, agent);
    const decision = choose(view);
    const apiKey = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const entry: RecordedRequest = { at: Date.now(), agent, view, raw, stream: parsed.data.stream === true, rule: decision.rule, aborted: false, apiKey };
    let gone = false;
    res.on("close", () => {
      if (res.writableFinished) return;
      gone = true;
      entry.aborted = true;
    });
    record(entry);
    log?.debug({ agent, rule: decision.rule, demo: true }, "demo model request");
    if (!instant && decision.delayMs > 0) await waitUnless(decision.delayMs, () => gone, res);
    if (gone) return;
    if (decision.kind === "error") return sendJson(res, decision.status, { error: { message: decision.message, type: "scripted_error" } });
    if (entry.stream) return sendStream(res, decision.answer, parsed.data.model);
    sendJson(res, 200, completionBody(decision.answer, parsed.data.model));
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? "127.0.0.1";
  log?.info({ port, demo: true }, "scripted demo model listening");

  return {
    url: `http://${host}:${port}/v1`,
    port,
    requests,
    setRules: (rules) => book.set(rules),
    prependRules: (...rules) => book.prepend(...rules),
    setInstant: (value) => void (instant = value),
    clearRequests: () => void requests.splice(0),
    waitForRequest(predicate, timeoutMs = 30_000) {
      const found = requests.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { predicate, resolve: (r: RecordedRequest) => (clearTimeout(timer), resolve(r)) };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching model request within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("request body too large"));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "x-bobb-demo-model": "true" });
  res.end(JSON.stringify(body));
}

function sendStream(res: ServerResponse, answer: Answer, model: string): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive", "x-bobb-demo-model": "true" });
  for (const chunk of streamChunks(answer, model)) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  res.end("data: [DONE]\n\n");
}

/** Waits `ms`, returning early when the client disconnects. */
function waitUnless(ms: number, gone: () => boolean, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (gone()) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      res.off("close", done);
      resolve();
    }
    res.on("close", done);
  });
}
