import net from "node:net";
import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOKEN_PATTERN } from "../../src/log/index.js";
import { bearer, startApiHarness, type ApiHarness } from "../helpers/api.js";

/** Replay a failure with FUZZ_SEED=<seed printed in the failure>; FUZZ_RUNS raises the case count. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
/** FUZZ_COUNT=1: run every case and print how many break the rule, by status, instead of stopping at the first. */
const COUNT = process.env.FUZZ_COUNT === "1";
const TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OTA.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB";

let h: ApiHarness;
let childKey: string;
beforeAll(async () => {
  h = await startApiHarness();
  childKey = h.keys.issue("fuzzchild", "child");
  h.setDiscord({ send: async () => ({ message_ids: ["1"], warnings: [] }), members: async () => [] });
  for (const name of ["Alpha", "Beta"]) {
    const res = await h.app.inject({ method: "POST", url: "/api/registry/agents", headers: bearer(h.bobbKey), payload: { name, persona: "p" } });
    expect(res.statusCode).toBe(201);
  }
});
afterAll(async () => {
  await h?.close();
});

/** Percent-encodes the UTF-8 bytes (encodeURIComponent throws on a lone surrogate). */
const pct = (s: string) =>
  Array.from(Buffer.from(s, "utf8"), (b) => {
    const c = String.fromCharCode(b);
    return /[A-Za-z0-9_.~-]/.test(c) ? c : `%${b.toString(16).padStart(2, "0").toUpperCase()}`;
  }).join("");

/** Text a person or a model might send, hostile parts included. */
const nastyText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom(
    "",
    " ",
    "Alpha",
    "ALPHA",
    "alpha ",
    "A\u0301",
    "\u00c1",
    "x\u001b[2J",
    "nul\u0000",
    "c1\u0085",
    "\ud800",
    "\udc00x",
    "tab\tname",
    "line\nname",
    "a".repeat(65),
    TOKEN,
  ),
  fc.string({ minLength: 8000, maxLength: 9000 }).map((s) => s.slice(0, 8193)),
);
const segment = fc.oneof(
  fc.constantFrom("alpha", "beta", "pending", "search", "nope", "%zz", "%", "%E0%A4%A", "..", ".", "%2F", "a%00b", "x".repeat(101), "y".repeat(300)),
  fc.string({ unit: "binary", maxLength: 30 }).map(pct),
  fc.string({ maxLength: 20 }).map((s) => s.replace(/[?#/\s]/g, "")),
);
const query = fc.oneof(
  fc.constant(""),
  fc.tuple(fc.constantFrom("q", "channel_id", "q[x]", "%zz", "q"), nastyText).map(([k, v]) => `?${k}=${pct(v)}`),
  fc.constantFrom("?q=a&q=b", "?q=%zz", "?channel_id=123", "?channel_id=abc", "?%", "?q"),
);
const path = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "/api/registry/agents",
      "/api/registry/agents/alpha",
      "/api/registry/agents/search",
      "/api/discord/send",
      "/api/discord/members",
    ),
  },
  fc.constantFrom(
    "/api/health",
    "/api/registry/agents",
    "/api/registry/agents/pending",
    "/api/registry/agents/search",
    "/api/discord/send",
    "/api/discord/members",
    "/",
    "/api",
    "/api/registry",
    "//api/health",
  ),
  segment.map((s) => `/api/registry/agents/${s}`),
  fc.array(segment, { maxLength: 4 }).map((parts) => `/${parts.join("/")}`),
);
const snowflakeish = fc.oneof(fc.constantFrom("123", "1".repeat(21), "abc", ""), fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String));
const plainName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ]{0,20}$/);
const createBody = fc.record(
  {
    name: fc.oneof(plainName, nastyText),
    persona: fc.oneof(plainName, nastyText),
    id: fc.oneof(nastyText, fc.constantFrom("admin", "bobb", "_template", "alpha", "ok-id")),
    created_by: snowflakeish,
  },
  { requiredKeys: [] },
);
const updateBody = fc.record(
  {
    name: fc.oneof(plainName, nastyText),
    persona: fc.oneof(plainName, nastyText),
    status: fc.oneof(fc.constantFrom("pending_token", "ready_to_start", "active", "disabled", "running"), nastyText),
    token: fc.oneof(fc.constant(TOKEN), nastyText),
  },
  { requiredKeys: [] },
);
const sendBody = fc.record(
  { channel_id: snowflakeish, content: nastyText, reply_to: snowflakeish, mention_bots: fc.array(nastyText, { maxLength: 12 }) },
  { requiredKeys: [] },
);
const body = fc.oneof(
  fc.constant(undefined),
  { weight: 2, arbitrary: fc.record({ name: plainName, persona: plainName }).map((b) => JSON.stringify(b)) },
  createBody.map((b) => JSON.stringify(b)),
  updateBody.map((b) => JSON.stringify(b)),
  sendBody.map((b) => JSON.stringify(b)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 100 }),
  fc.constantFrom("{", "null", '{"__proto__":{"a":1}}', '{"constructor":{"prototype":{"a":1}}}', "x".repeat(70 * 1024)),
);
const request = fc.record({
  method: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"),
  path,
  query,
  auth: fc.oneof({ weight: 6, arbitrary: fc.constantFrom("admin", "bobb") }, fc.constantFrom("child", "none", "Bearer nope", "Basic abc", "Bearer")),
  contentType: fc.constantFrom(
    "application/json",
    "application/json",
    "application/json",
    "application/json; charset=utf-8",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "",
    "application/xml",
  ),
  body,
});

/** The one documented error body: {"error":{"code","message"}} and nothing else. */
function expectDocumentedError(status: number, text: string): void {
  const json = JSON.parse(text) as unknown;
  expect(json, `status ${status}`).toEqual({ error: { code: expect.stringMatching(/^[A-Z][A-Z0-9_]*$/), message: expect.any(String) } });
}

type FuzzRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

/** Sends one generated request; throws when the answer breaks the rule. */
async function checkOne(r: FuzzRequest): Promise<number> {
  const keyFor = { admin: h.adminKey, bobb: h.bobbKey, child: childKey } as Record<string, string>;
  const headers: Record<string, string> = {};
  if (keyFor[r.auth]) headers.authorization = `Bearer ${keyFor[r.auth]}`;
  else if (r.auth !== "none") headers.authorization = r.auth;
  if (r.contentType && r.body !== undefined) headers["content-type"] = r.contentType;
  const res = await h.app.inject({
    method: r.method as "GET",
    url: r.path + r.query,
    headers,
    ...(r.body !== undefined && r.method !== "GET" && r.method !== "HEAD" ? { payload: r.body } : {}),
  });
  const where = `${r.method} ${(r.path + r.query).slice(0, 120)} → ${res.statusCode} ${res.body.slice(0, 200)}`;
  expect(res.statusCode < 300 || (res.statusCode >= 400 && res.statusCode < 500), where).toBe(true);
  // A stored token never comes back; a caller's own token-shaped input may be echoed in an error.
  const sent = new Set([...(r.path + r.query + (r.body ?? "")).matchAll(new RegExp(TOKEN_PATTERN.source, "g"))].map((m) => m[0]));
  const leaked = [...res.body.matchAll(new RegExp(TOKEN_PATTERN.source, "g"))].filter((m) => !sent.has(m[0]) || m[0] === TOKEN);
  expect(leaked.length === 0 || r.method === "HEAD", `token in response: ${where}`).toBe(true);
  if (r.method === "HEAD") return res.statusCode;
  if (res.statusCode >= 400) expectDocumentedError(res.statusCode, res.body);
  else expect(() => JSON.parse(res.body), where).not.toThrow();
  return res.statusCode;
}

describe("tool API fuzz (fast-check, app.inject)", () => {
  it(`answers every request with a 2xx or a documented 4xx (${RUNS} cases, seed ${SEED})`, async () => {
    const broken = new Map<string, number>();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        try {
          const status = await checkOne(r);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        } catch (err) {
          if (!COUNT) throw err;
          const key = String((err as Error).message)
            .split("\n")[0]!
            .replace(/ [^ ]*→/, " →")
            .slice(0, 100);
          broken.set(key, (broken.get(key) ?? 0) + 1);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    if (COUNT) {
      const total = [...broken.values()].reduce((a, b) => a + b, 0);
      console.log(`fuzz seed ${SEED}: ${total} of ${RUNS} answers break the rule`, Object.fromEntries(broken), "statuses", Object.fromEntries(statuses));
      expect(total).toBe(0);
    }
  }, 300_000);
});

/** Sends raw bytes on a real socket and returns the status and body of the first response. */
async function raw(port: number, data: string): Promise<{ status: number; body: string }> {
  const socket = net.connect(port, "127.0.0.1");
  const chunks: Buffer[] = [];
  socket.on("data", (c: Buffer) => chunks.push(c));
  socket.write(data);
  await new Promise<void>((resolve, reject) => {
    socket.on("close", () => resolve());
    socket.on("error", (err: NodeJS.ErrnoException) => (err.code === "ECONNRESET" ? resolve() : reject(err)));
    setTimeout(() => socket.end(), 2000).unref();
  });
  const text = Buffer.concat(chunks).toString("utf8");
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  const head = text.indexOf("\r\n\r\n");
  const length = Number(/content-length: (\d+)/i.exec(text.slice(0, head))?.[1] ?? 0);
  return { status, body: text.slice(head + 4, head + 4 + length) };
}

describe("tool API on a real socket", () => {
  let port: number;
  let app: FastifyInstance;
  beforeAll(async () => {
    app = h.app;
    await app.listen({ host: "127.0.0.1", port: 0 });
    port = (app.server.address() as net.AddressInfo).port;
  });

  const auth = () => `Authorization: Bearer ${h.adminKey}\r\n`;
  const cases: Array<[what: string, request: () => string, status: number]> = [
    ["a 300-character id", () => `GET /api/registry/agents/${"x".repeat(300)} HTTP/1.1\r\nHost: x\r\n${auth()}Connection: close\r\n\r\n`, 414],
    ["a bad percent-encoding", () => `GET /api/registry/agents/%zz HTTP/1.1\r\nHost: x\r\n${auth()}Connection: close\r\n\r\n`, 400],
    ["a 20 KB header", () => `GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${"b".repeat(20_000)}\r\nConnection: close\r\n\r\n`, 431],
    ["a 20 KB URL", () => `GET /api/registry/agents/search?q=${"q".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n${auth()}Connection: close\r\n\r\n`, 431],
    ["a broken request line", () => `GARBAGE\r\n\r\n`, 400],
    ["a bad header", () => `GET /api/health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n`, 400],
  ];
  for (const [what, request, status] of cases) {
    it(`answers ${what} with ${status} and the documented body`, async () => {
      const res = await raw(port, request());
      expect(res.status).toBe(status);
      expectDocumentedError(res.status, res.body);
    });
  }
});
