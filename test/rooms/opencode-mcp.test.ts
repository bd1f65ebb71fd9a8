import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import getPort from "get-port";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScriptedModel, type ScriptedModel } from "../../src/demo-model/index.js";
import { resolveOpencodeCommand } from "../../src/opencode/binary.js";
import { prepareOpencodeHome, serverEnv } from "../../src/opencode/env.js";
import { providerConfig } from "../../src/opencode/model.js";
import { OpencodeServer } from "../../src/opencode/server.js";
import { RUNTIME_LIMITS, testLogger } from "../helpers/opencode.js";
import { CHANNEL, startRoomsHarness, type RoomsHarness } from "../helpers/rooms.js";
import { tempDir } from "../helpers/temp.js";

const SEND = "bobb-room_send_message";
const READ = "bobb-room_read_messages";

/**
 * A real agent from outside the project joins: the real `opencode` binary, configured only
 * from the pasted block's OpenCode lines (plus its own model), calls the room's MCP tools.
 */
describe("an outside OpenCode joins a room over MCP (real opencode, scripted model)", () => {
  let h: RoomsHarness;
  let model: ScriptedModel;
  let server: OpencodeServer;
  let work: { dir: string; cleanup(): Promise<void> };
  let roomId: string;

  beforeAll(async () => {
    h = await startRoomsHarness();
    roomId = (await h.handle.rooms.open(CHANNEL, "900000000000000001")).id;
    const invite = await h.handle.rooms.createInvite(roomId, { label: "Olga's OpenCode", mode: "auto" }, "900000000000000001");
    // What the person pastes: the block's OpenCode JSON, as is, plus their own model.
    const pasted = JSON.parse(/```json\n(.+)\n```/.exec(invite.block)![1]!);
    expect(pasted.mcp["bobb-room"]).toEqual({ type: "remote", url: invite.transports.mcp.url_with_key });

    model = await createScriptedModel({ demo: false });
    work = await tempDir("bobb-oc-mcp-");
    const project = path.join(work.dir, "project");
    const dataDir = path.join(work.dir, "data");
    const demo = { kind: "demo" as const, baseUrl: model.url };
    await mkdir(project, { recursive: true });
    await writeFile(path.join(project, "opencode.json"), JSON.stringify({ ...pasted, ...providerConfig(demo, "outside") }, null, 2));
    await prepareOpencodeHome(dataDir);
    server = new OpencodeServer({
      name: "outside",
      command: resolveOpencodeCommand(process.env.OPENCODE_COMMAND),
      cwd: project,
      port: await getPort(),
      env: serverEnv({ dataDir, stateKey: "outside", model: demo, apiUrl: "http://127.0.0.1:9" }),
      healthTimeoutMs: RUNTIME_LIMITS.healthTimeoutMs,
      logger: testLogger(),
    });
    await server.start();
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await model?.close();
    await h?.close();
    await work?.cleanup();
  });

  async function prompt(sessionId: string, text: string): Promise<void> {
    const res = await server.client().session.prompt({
      path: { id: sessionId },
      body: { parts: [{ type: "text", text }], model: { providerID: "demo", modelID: "demo" } },
    });
    expect(res.error, JSON.stringify(res.error)).toBeUndefined();
  }

  it("posts into the room with send_message, then reads a bot's answer with read_messages", async () => {
    model.setRules([
      { name: "send", user: "say hello", reply: { toolCalls: [{ name: SEND, args: { content: "hello from opencode" } }] } },
      { name: "sent", after: "tool", tool: SEND, reply: "Posted." },
      { name: "read", user: "read the room", reply: { toolCalls: [{ name: READ, args: {} }] } },
      { name: "read back", after: "tool", tool: READ, reply: "Read." },
    ]);
    const session = await server.client().session.create({ body: { title: "room" } });
    const id = session.data!.id;

    await prompt(id, "Please say hello in the room.");
    const first = model.requests.find((r) => r.rule === "send")!;
    expect(first.view.tools).toEqual(expect.arrayContaining([SEND, READ, "bobb-room_room_info", "bobb-room_list_participants"]));
    expect(h.posts).toEqual([expect.objectContaining({ channel_id: CHANNEL.id, name: "Olga's OpenCode", content: "hello from opencode" })]);
    const sent = JSON.parse(model.requests.find((r) => r.rule === "sent")!.view.toolResults.at(-1)!.output);
    expect(sent).toMatchObject({ room_id: roomId, status: "delivered", content: "hello from opencode" });

    h.say("Ciao! Pasta tonight.", { id: "700", name: "Chef Bot", kind: "bot" }, [sent.agent_id]);
    await prompt(id, "Now read the room.");
    const read = JSON.parse(model.requests.find((r) => r.rule === "read back")!.view.toolResults.at(-1)!.output);
    expect(read.messages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ from_name: "Olga's OpenCode", kind: "agent", content: "hello from opencode" }),
        expect.objectContaining({ from_name: "Chef Bot", kind: "bot", content: "Ciao! Pasta tonight.", mentions: [sent.agent_id] }),
      ]),
    );
  }, 120_000);
});
