import getPort from "get-port";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScriptedModel, type ScriptedModel } from "../../src/demo-model/index.js";
import { prepareAttachments, type AttachmentInput } from "../../src/discord/attachments.js";
import { formatMessageContext } from "../../src/discord/context.js";
import { createOpencodeRuntime, type OpencodeRuntime, type RuntimeAgent } from "../../src/opencode/index.js";
import { createSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { childAgentsMd, makeAgentTree, testLogger, type AgentTree, RUNTIME_LIMITS } from "../helpers/opencode.js";
import { startToolApi, type ToolApi } from "../helpers/api.js";
import { discPng } from "../helpers/png.js";

const chef: RuntimeAgent = { id: "chef", name: "Chef Bot", persona: "cooks pasta", port: 0, role: "child" };

/**
 * A message's files on their way to the model: posted in the sandbox (which serves them as
 * Discord's CDN does), downloaded and classified as the product does, sent through the real
 * opencode binary to the scripted model, whose recorded request shows what arrived.
 */
describe("attachments reach the model (real opencode, scripted model)", () => {
  let tree: AgentTree;
  let model: ScriptedModel;
  let api: ToolApi;
  let runtime: OpencodeRuntime;
  let sandbox: Sandbox;
  const png = Buffer.from(discPng([200, 60, 60], [255, 255, 255], 16).split(",")[1]!, "base64");

  beforeAll(async () => {
    tree = await makeAgentTree({ chef: childAgentsMd("Chef Bot", "A cheerful Italian chef.") });
    model = await createScriptedModel();
    api = await startToolApi();
    sandbox = await createSandbox();
    runtime = createOpencodeRuntime({
      ...RUNTIME_LIMITS,
      mode: "shared",
      dataDir: tree.dataDir,
      agentsDir: tree.agentsDir,
      basePort: await getPort(),
      model: { kind: "demo", baseUrl: model.url },
      apiUrl: api.url,
      logger: testLogger(),
    });
    await runtime.ensureAgent(chef, api.issue("chef", "child"));
  }, 120_000);

  afterAll(async () => {
    await runtime?.close();
    await model?.close();
    await api?.close();
    await sandbox?.close();
    await tree?.cleanup();
  });

  /** Posts the files in the sandbox and prompts the chef with the product's context and files. */
  async function send(conversation: string, content: string, files: { filename: string; contentType: string | null; data: Buffer }[]) {
    const human = sandbox.control.createUser(`ann-${conversation}`).id;
    const posted = sandbox.control.postMessage(sandbox.control.channelId("general"), human, content, { files });
    const attachments = (posted["attachments"] as { filename: string; size: number; content_type?: string; url: string }[]).map((a): AttachmentInput => ({
      name: a.filename,
      size: a.size,
      contentType: a.content_type ?? null,
      url: a.url,
    }));
    const prepared = await prepareAttachments(attachments, { textBytes: 1_000, imageBytes: 100_000, timeoutMs: 5_000 });
    const prompt = formatMessageContext({
      self: { id: "1", name: "Chef Bot", tag: "chef" },
      channel: { id: conversation, isDm: false },
      message: { id: String(posted["id"]), content, author: { id: human, tag: "ann", name: "Ann", isBot: false }, attachments: prepared.listed },
      history: [],
      now: Date.now(),
    });
    model.clearRequests();
    const result = await runtime.prompt("chef", conversation, prompt, { files: prepared.files, usedTools: false });
    const request = model.requests.find((r) => r.agent === "chef" && r.view.tools.length > 0)!;
    return { result, request, prompt, body: JSON.parse(request.raw) as { messages: { role: string; content: unknown }[] } };
  }

  it("an attached image reaches the model request as an image part", async () => {
    const { result, body } = await send("img", "what do you see?", [{ filename: "cat.png", contentType: "image/png", data: png }]);
    const user = body.messages.filter((m) => m.role === "user").at(-1)!;
    const parts = user.content as { type: string; image_url?: { url: string } }[];
    expect(parts.filter((p) => p.type === "image_url").map((p) => p.image_url?.url)).toEqual([`data:image/png;base64,${png.toString("base64")}`]);
    expect(result.text).toBe("Hey ann! Chef Bot here (demo model). I got your image cat.png.");
  });

  it("a text file reaches the model as text; an oversized file is named in the context, not sent", async () => {
    const { result, body, prompt, request } = await send("txt", "read this", [
      { filename: "notes.txt", contentType: "text/plain", data: Buffer.from("Buy eggs, flour and basil for the pesto tonight.\n") },
      { filename: "huge.log", contentType: "text/plain", data: Buffer.alloc(5_000, 0x61) },
    ]);
    const user = body.messages.filter((m) => m.role === "user").at(-1)!;
    const texts = (user.content as { type: string; text?: string }[]).map((p) => `${p.type}:${p.text ?? ""}`);
    // OpenCode inlines a text/plain file part as text: the read line, then the file's text; no image or file part.
    expect(texts.slice(1)).toEqual([
      `text:Called the Read tool with the following input: {"filePath":"notes.txt"}`,
      "text:Buy eggs, flour and basil for the pesto tonight.\n",
    ]);
    expect(prompt).toContain("- huge.log (text/plain; charset=utf-8, 4.9 KB) — not sent: too large (limit 1000 bytes)");
    expect(request.raw).not.toContain("a".repeat(1_000));
    expect(result.text).toBe(
      'Hey ann! Chef Bot here (demo model). I read notes.txt: "Buy eggs, flour and basil for the pesto…". huge.log did not reach me (too large (limit 1000 bytes)).',
    );
  });

  it("a model OpenCode knows as text-only gets a line saying it cannot read the image, not the image", async () => {
    // The same scripted model as a plain OpenAI-compatible one (BOBB_MODEL_BASE_URL without BOBB_MODEL_IMAGES).
    const textOnly = createOpencodeRuntime({
      ...RUNTIME_LIMITS,
      mode: "shared",
      dataDir: `${tree.dataDir}/text-only`,
      agentsDir: tree.agentsDir,
      basePort: await getPort(),
      model: { kind: "openai-compatible", baseUrl: model.url, model: "local/plain" },
      apiUrl: api.url,
      logger: testLogger(),
    });
    try {
      await textOnly.ensureAgent(chef, api.issue("chef", "child"));
      model.clearRequests();
      const image = { mime: "image/png", filename: "cat.png", url: `data:image/png;base64,${png.toString("base64")}` };
      await textOnly.prompt("chef", "plain", "what is this?", { files: [image], usedTools: false });
      const request = model.requests.find((r) => r.view.model === "plain" && r.view.tools.length > 0)!;
      expect(request.raw).not.toContain('"image_url"');
      expect(request.raw).toContain('Cannot read \\"cat.png\\" (this model does not support image input)');
    } finally {
      await textOnly.close();
    }
  }, 90_000);
});
