import { TaskState, type Task } from "@a2a-js/sdk";
import { ServerCallContext, type User } from "@a2a-js/sdk/server";
import { describe, expect, it } from "vitest";
import { BoundedTaskStore } from "./a2a-tasks.js";

const as = (userName: string) => new ServerCallContext({ user: { isAuthenticated: true, userName } satisfies User });
const task = (id: string): Task => ({
  id,
  contextId: "c",
  status: { state: TaskState.TASK_STATE_COMPLETED, message: undefined, timestamp: new Date().toISOString() },
  artifacts: [],
  history: [],
  metadata: undefined,
});

describe("BoundedTaskStore", () => {
  it("keeps at most max tasks (the oldest go) and shows each only to its owner", async () => {
    const store = new BoundedTaskStore(2);
    for (const id of ["t1", "t2", "t3"]) await store.save(task(id), as("agt_a/chef"));
    expect(await store.load("t1", as("agt_a/chef"))).toBeUndefined();
    expect((await store.load("t3", as("agt_a/chef")))?.id).toBe("t3");
    expect(await store.load("t3", as("agt_b/chef"))).toBeUndefined();
    expect((await store.list({} as never, as("agt_a/chef"))).tasks.map((t) => t.id).sort()).toEqual(["t2", "t3"]);
  });
});
