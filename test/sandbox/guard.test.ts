// The sandbox serves only the person at this machine: a foreign Host (DNS rebinding) or a foreign
// Origin on a write (a web page the person visits) is refused on HTTP and on the gateway, and a
// percent-encoded path cannot slip past the loopback-only check of the portal and control API.
import { request as httpRequest } from "node:http";
import { networkInterfaces } from "node:os";
import { Events, type Message } from "discord.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { startSandbox, waitForClientEvent, type SandboxHarness } from "../helpers/sandbox.js";

interface Answer {
  status: number;
  json: { error?: { code: string; message: string } } & Record<string, unknown>;
}

function parseJson(text: string): Answer["json"] {
  try {
    return JSON.parse(text) as Answer["json"];
  } catch {
    return { text };
  }
}

/** A raw HTTP request, so the test controls Host and Origin exactly. */
function send(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<Answer> {
  const url = new URL(base);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: { ...(payload ? { "content-type": "application/json" } : {}), ...headers },
        timeout: 5_000,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, json: parseJson(text) }));
      },
    );
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.end(payload);
  });
}

/** Opens a gateway WebSocket; resolves with the HTTP status of a refused upgrade, or "open" with the first frame. */
function openGateway(url: string, headers: Record<string, string>): Promise<{ status: number | "open"; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, handshakeTimeout: 5_000 });
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on("message", (data: Buffer) => {
      resolve({ status: "open", body: data.toString("utf8") });
      ws.close();
    });
    ws.on("error", reject);
  });
}

describe("sandbox Host and Origin checks", () => {
  let h: SandboxHarness;
  let port = "";
  let own = "";
  beforeAll(async () => {
    h = await startSandbox({ humanName: "you" });
    own = h.sandbox.url;
    port = new URL(own).port;
  });
  afterEach(() => h.stopClients());
  afterAll(() => h?.stop());

  it("refuses a foreign Host on every kind of route, naming the Host", async () => {
    const foreign = { host: `rebind.example:${port}` };
    for (const [method, path] of [
      ["GET", "/"],
      ["GET", "/portal"],
      ["GET", "/portal/applications"],
      ["GET", "/control/config"],
      ["GET", "/control/events"],
      ["GET", "/api/v10/gateway/bot"],
      ["GET", "/api/v9/users/@me"],
      ["GET", "/oauth2/authorize"],
      ["GET", "/web/chat.js"],
      ["GET", "/no-such-route"],
    ] as const) {
      const answer = await send(own, method, path, foreign);
      expect(answer.status, `${method} ${path}`).toBe(403);
      expect(answer.json.error?.code, `${method} ${path}`).toBe("foreign_host");
      expect(answer.json.error?.message).toContain("rebind.example");
    }
    const created = await send(own, "POST", "/portal/applications", foreign, { name: "Rebound" });
    expect(created.status).toBe(403);
    expect(h.sandbox.control.applications().some((a) => a.name === "Rebound")).toBe(false);
  });

  it("accepts the sandbox's own addresses: 127.0.0.1, localhost and [::1] on its port", async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LocalHost:${port}`, `[::1]:${port}`]) {
      const answer = await send(own, "GET", "/control/config", { host });
      expect(answer.status, host).toBe(200);
    }
    expect((await send(own, "GET", "/control/config", { host: `127.0.0.1:${Number(port) + 1}` })).status).toBe(403);
  });

  it("refuses writes whose Origin is foreign, and lets the page's own origin write", async () => {
    const human = h.sandbox.human?.id ?? "";
    const general = h.sandbox.control.channelId("general");
    const before = h.sandbox.control.listMessages(general).length;
    for (const origin of ["http://evil.example", "null", `http://127.0.0.1.evil.example:${port}`, `https://127.0.0.1:${port}`]) {
      const answer = await send(own, "POST", `/control/channels/${general}/messages`, { origin }, { author_id: human, content: "from a web page" });
      expect(answer.status, origin).toBe(403);
      expect(answer.json.error?.code).toBe("foreign_origin");
      expect(answer.json.error?.message).toContain(origin);
    }
    const created = await send(own, "POST", "/portal/applications", { origin: "http://evil.example" }, { name: "Evil" });
    expect(created.status).toBe(403);
    expect(h.sandbox.control.listMessages(general)).toHaveLength(before);

    for (const origin of [own, `http://localhost:${port}`]) {
      const answer = await send(own, "POST", `/control/channels/${general}/messages`, { origin }, { author_id: human, content: `own page ${origin}` });
      expect(answer.status, origin).toBe(201);
    }
    // The slash-command, button and modal routes the web chat will use are guarded the same way.
    for (const path of ["/control/interactions", "/control/interactions/1/modal", `/control/messages/1/components`]) {
      const answer = await send(
        own,
        "POST",
        path,
        { origin: "http://evil.example" },
        { user_id: human, channel_id: general, command: "x", values: {}, custom_id: "x" },
      );
      expect(answer.json.error?.code, path).toBe("foreign_origin");
    }
    const ownPage = await send(own, "POST", "/control/interactions", { origin: own }, { user_id: human, channel_id: general, command: "nothing-registered" });
    expect(ownPage.json.error?.code).toBe("unknown_command");
    // Reads stay open to any Origin: the browser keeps a foreign page from reading the answer.
    expect((await send(own, "GET", "/control/config", { origin: "http://evil.example" })).status).toBe(200);
  });

  it("refuses the gateway upgrade for a foreign Host or Origin, and accepts a plain client", async () => {
    const gateway = h.sandbox.gatewayUrl + "?v=10&encoding=json";
    const rebound = await openGateway(gateway, { host: `rebind.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.body).toContain("foreign_host");
    const foreign = await openGateway(gateway, { origin: "http://evil.example" });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toContain("foreign_origin");
    const plain = await openGateway(gateway, {});
    expect(plain.status).toBe("open");
    expect(JSON.parse(plain.body)).toMatchObject({ op: 10 });
  });

  it("a normal discord.js bot still logs in, reads and posts", async () => {
    const bot = await h.startBot("Guarded Bot");
    const general = h.sandbox.control.channelId("general");
    const seen = waitForClientEvent(bot.client, Events.MessageCreate, (m: Message) => m.content === "hello bot");
    h.sandbox.control.postMessage(general, h.sandbox.human?.id ?? "", "hello bot");
    const [message] = await seen;
    const reply = await message.reply("hello person");
    expect(reply.content).toBe("hello person");
  });
});

const outside = Object.values(networkInterfaces())
  .flat()
  .find((address) => address && address.family === "IPv4" && !address.internal)?.address;

describe.skipIf(!outside)("sandbox on a host the person chose", () => {
  let h: SandboxHarness;
  let base = "";
  beforeAll(async () => {
    h = await startSandbox({ host: outside ?? "" });
    base = h.sandbox.url;
  });
  afterAll(() => h?.stop());

  it("accepts the configured host as its own address", async () => {
    const answer = await send(base, "GET", "/api/v10/gateway");
    expect(answer.status).toBe(200);
  });

  it("keeps the portal and control API loopback-only, however the path is spelled", async () => {
    for (const path of ["/portal/applications", "/%70ortal/applications", "/%63ontrol/users", "/control/%75sers", "/portal%2Fapplications"]) {
      const answer = await send(base, "POST", path, {}, { name: "Sneaky", username: "sneaky" });
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
      expect(answer.status, path).not.toBe(201);
    }
    const applications = await send(base, "GET", "/%70ortal/applications");
    expect(applications.status).toBe(403);
    expect(applications.json.error?.code).toBe("loopback_only");
    expect(h.sandbox.control.applications().some((a) => a.name === "Sneaky")).toBe(false);
  });
});
