import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer, startApiHarness, type ApiHarness } from "../helpers/api.js";

let h: ApiHarness;
beforeEach(async () => {
  h = await startApiHarness();
});
afterEach(async () => {
  await h.close();
});

const post = (payload: string) =>
  h.app.inject({ method: "POST", url: "/api/registry/agents", headers: { ...bearer(h.bobbKey), "content-type": "application/json" }, payload });
const put = (id: string, body: object) => h.app.inject({ method: "PUT", url: `/api/registry/agents/${id}`, headers: bearer(h.bobbKey), payload: body });

describe("names and personas are clean text", () => {
  for (const [what, payload] of [
    ["an ESC in a name", JSON.stringify({ name: "Evil\u001b[2J", persona: "p" })],
    ["a NUL in a name", JSON.stringify({ name: "nul\u0000", persona: "p" })],
    ["a newline in a name", JSON.stringify({ name: "two\nlines", persona: "p" })],
    ["a C1 control in a persona", JSON.stringify({ name: "C1", persona: "next line\u0085" })],
    ["a NUL in a persona", JSON.stringify({ name: "Nul", persona: "a\u0000b" })],
    ["a lone surrogate in a name", '{"name":"half \\ud800","persona":"p"}'],
    ["a lone surrogate in a persona", '{"name":"Half","persona":"half \\udc00"}'],
  ] as const) {
    it(`refuses ${what} with a 400 naming the field`, async () => {
      const res = await post(payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: "VALIDATION_ERROR", message: expect.stringMatching(/body field "(name|persona)"/) });
    });
  }

  it("keeps newlines and tabs in a persona", async () => {
    const res = await post(JSON.stringify({ name: "Poet", persona: "line one\n\tline two" }));
    expect(res.statusCode).toBe(201);
  });

  it("stores names NFC-normalised and refuses the same name in another form, on create and on update", async () => {
    const decomposed = await post(JSON.stringify({ name: "Cafe\u0301 Bot", persona: "p" }));
    expect(decomposed.statusCode).toBe(201);
    expect(decomposed.json().agent.name).toBe("Caf\u00e9 Bot");
    const composed = await post(JSON.stringify({ name: "CAF\u00c9 BOT", persona: "p" }));
    expect(composed.statusCode).toBe(409);

    const other = await post(JSON.stringify({ name: "Other", persona: "p" }));
    expect(other.statusCode).toBe(201);
    const rename = await put("other", { name: "cafe\u0301 bot" });
    expect(rename.statusCode).toBe(409);
    expect(rename.json().error.code).toBe("AGENT_EXISTS");
    const self = await put("other", { name: "OTHER" });
    expect(self.statusCode).toBe(200);
    expect(self.json().agent.name).toBe("OTHER");
  });
});
