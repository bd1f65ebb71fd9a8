import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import type { Logger } from "pino";
import { DEMO_MARK, demoRules, isHousekeeping } from "./demo.js";
import { chatRequestSchema, completionBody, streamChunks, viewOf, type RequestView } from "./protocol.js";
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

  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: MAX_BODY_BYTES });
  // Every body is kept as the exact text received (recorded for token canaries), parsed below.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));
  app.addHook("onRequest", async (_request, reply) => {
    reply.header("x-bobb-demo-model", "true");
  });
  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split("?")[0] ?? "/";
    return openAiError(reply, 404, `no route ${request.method} ${pathname}`, "not_found");
  });
  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) log?.error({ err: error }, "demo model request failed");
    return openAiError(reply, status, status >= 500 ? String(error) : error.message, status >= 500 ? "server_error" : "invalid_request_error");
  });

  app.get("/v1/models", async () => ({ object: "list", data: [{ id: DEMO_MODEL_ID, object: "model", created: 0, owned_by: "bobb-demo" }] }));
  app.post("/v1/chat/completions", (request, reply) => complete(request, reply));

  async function complete(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const raw = typeof request.body === "string" ? request.body : "";
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return openAiError(reply, 400, "body is not JSON", "invalid_request_error");
    }
    const parsed = chatRequestSchema.safeParse(json);
    if (!parsed.success) return openAiError(reply, 400, parsed.error.message, "invalid_request_error");
    const agentHeader = request.headers["x-bobb-agent"];
    const view = viewOf(parsed.data, typeof agentHeader === "string" ? agentHeader : undefined);
    const agent = view.agent;
    const decision = choose(view);
    const apiKey = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    const entry: RecordedRequest = { at: Date.now(), agent, view, raw, stream: parsed.data.stream === true, rule: decision.rule, aborted: false, apiKey };
    const res = reply.raw;
    let gone = false;
    res.on("close", () => {
      if (res.writableFinished) return;
      gone = true;
      entry.aborted = true;
    });
    record(entry);
    log?.debug({ agent, rule: decision.rule, demo: true }, "demo model request");
    if (!instant && decision.delayMs > 0) await waitUnless(decision.delayMs, () => gone, res);
    // The client went away: nothing to answer, and Fastify must not try.
    if (gone) return reply.hijack();
    if (decision.kind === "error") return openAiError(reply, decision.status, decision.message, "scripted_error");
    if (entry.stream) {
      const events = [...streamChunks(decision.answer, parsed.data.model)].map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`);
      return reply
        .header("content-type", "text/event-stream")
        .header("cache-control", "no-cache")
        .header("connection", "keep-alive")
        .send(Readable.from([...events, "data: [DONE]\n\n"]));
    }
    return reply.send(completionBody(decision.answer, parsed.data.model));
  }

  const host = options.host ?? "127.0.0.1";
  await app.listen({ port: options.port ?? 0, host });
  const port = (app.server.address() as AddressInfo).port;
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
    close: async () => {
      await app.close();
    },
  };
}

/** An OpenAI-style error body. */
function openAiError(reply: FastifyReply, status: number, message: string, type: string): FastifyReply {
  return reply.code(status).send({ error: { message, type } });
}

/** Waits `ms`, returning early when the client disconnects. */
function waitUnless(ms: number, gone: () => boolean, res: FastifyReply["raw"]): Promise<void> {
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
