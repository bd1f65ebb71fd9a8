import { describe, expect, it } from "vitest";
import { AgentGate } from "./agent-gate.js";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("AgentGate", () => {
  it("runs at most `concurrency` tasks of one agent at once, the rest in order; other agents are not held up", async () => {
    const gate = new AgentGate(2);
    const never = new AbortController().signal;
    const started: string[] = [];
    const done = [deferred(), deferred(), deferred(), deferred()];
    const runs = done.map((d, i) => gate.run("chef", never, async () => (started.push(`chef${i}`), d.promise)));
    const other = gate.run("pirate", never, async () => void started.push("pirate"));
    await other;
    expect(started).toEqual(["chef0", "chef1", "pirate"]);
    expect(gate.running("chef")).toBe(2);
    done[1]!.resolve();
    await runs[1];
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(["chef0", "chef1", "pirate", "chef2"]);
    for (const d of done) d.resolve();
    await Promise.all(runs);
    expect(started.at(-1)).toBe("chef3");
    expect(gate.running("chef")).toBe(0);
  });

  it("a running task is not cut short by its signal: the task's own handling decides", async () => {
    const gate = new AgentGate(1);
    const controller = new AbortController();
    const hold = deferred();
    const run = gate.run("chef", controller.signal, async () => (await hold.promise, "finished"));
    await new Promise((r) => setImmediate(r));
    controller.abort("TIMEOUT");
    hold.resolve();
    expect(await run).toBe("finished");
  });

  it("a waiting task leaves when its signal aborts", async () => {
    const gate = new AgentGate(1);
    const hold = deferred();
    const first = gate.run("chef", new AbortController().signal, () => hold.promise);
    const controller = new AbortController();
    const second = gate.run("chef", controller.signal, async () => "ran");
    controller.abort("ABORTED");
    await expect(second).rejects.toBe("ABORTED");
    hold.resolve();
    await first;
  });
});
