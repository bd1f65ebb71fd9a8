import type { ListTasksRequest, ListTasksResponse, Task } from "@a2a-js/sdk";
import { resolveUserScope, type ServerCallContext, type TaskStore } from "@a2a-js/sdk/server";
import { LRUCache } from "lru-cache";

/**
 * A2A tasks in memory, at most `max` (the oldest go first: the SDK's InMemoryTaskStore keeps every
 * task forever), each seen only by its owner (the calling agent and bot, RoomAgentUser).
 */
export class BoundedTaskStore implements TaskStore {
  readonly #tasks: LRUCache<string, Task>;

  constructor(max = 5000) {
    this.#tasks = new LRUCache({ max });
  }

  async load(taskId: string, context: ServerCallContext): Promise<Task | undefined> {
    const task = this.#tasks.get(keyOf(context, taskId));
    return task && structuredClone(task);
  }

  async save(task: Task, context: ServerCallContext): Promise<void> {
    this.#tasks.set(keyOf(context, task.id), structuredClone(task));
  }

  /** The owner's latest tasks (one page; filtered by context and state). */
  async list(params: ListTasksRequest, context: ServerCallContext): Promise<ListTasksResponse> {
    const prefix = keyOf(context, "");
    const mine = [...this.#tasks.entries()]
      .filter(([key, t]) => key.startsWith(prefix) && (!params.contextId || t.contextId === params.contextId))
      .map(([, t]) => t)
      .filter((t) => !params.status || t.status?.state === params.status)
      .sort((a, b) => (b.status?.timestamp ?? "").localeCompare(a.status?.timestamp ?? ""));
    const pageSize = Math.min(Math.max(params.pageSize ?? 50, 1), 100);
    const tasks = mine.slice(0, pageSize).map((t) => ({ ...structuredClone(t), ...(params.includeArtifacts ? {} : { artifacts: [] }) }));
    return { tasks, nextPageToken: "", pageSize, totalSize: mine.length };
  }
}

const keyOf = (context: ServerCallContext, taskId: string) => `${resolveUserScope(context)}\u0000${taskId}`;
