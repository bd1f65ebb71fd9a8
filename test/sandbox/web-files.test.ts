import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type SandboxHarness } from "../helpers/sandbox.js";

// The web chat's files over plain HTTP (the browser tests cover what the pages do).
describe("sandbox web files", () => {
  let h: SandboxHarness;
  beforeAll(async () => {
    h = await startSandbox();
  });
  afterAll(() => h.stop());

  it("serves the pages and assets with their types, no-cache and nosniff", async () => {
    for (const [route, type] of [
      ["/", "text/html; charset=utf-8"],
      ["/portal", "text/html; charset=utf-8"],
      ["/oauth2/authorize", "text/html; charset=utf-8"],
      ["/web/chat.js", "text/javascript; charset=utf-8"],
      ["/web/chat.css", "text/css; charset=utf-8"],
      ["/web/favicon.svg", "image/svg+xml"],
    ] as const) {
      const res = await fetch(`${h.sandbox.url}${route}`);
      expect(res.status, route).toBe(200);
      expect(res.headers.get("content-type"), route).toBe(type);
      expect(res.headers.get("cache-control"), route).toBe("no-cache");
      expect(res.headers.get("x-content-type-options"), route).toBe("nosniff");
      expect((await res.text()).length, route).toBeGreaterThan(0);
    }
  });

  it("answers 404 for anything but a plain asset name in ./web", async () => {
    for (const route of ["/web/nope.js", "/web/index.html", "/web/..%2Fsandbox.ts", "/web/%2E%2E%2Fpersist.ts"]) {
      const res = await fetch(`${h.sandbox.url}${route}`);
      expect(res.status, route).toBe(404);
      expect(await res.json(), route).toEqual({ error: { code: "not_found", message: "no such file" } });
    }
  });
});
