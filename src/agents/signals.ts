import { mkdir, readdir, readFile, unlink } from "node:fs/promises";
import path from "node:path";
import { watch, type FSWatcher } from "chokidar";
import { writeFileAtomic } from "../fs/atomic-write.js";
import type { Logger } from "../log/index.js";

const SUFFIX = ".signal";

/** Writes an activation signal file `<dir>/<agentId>.signal` (the spec's START step). */
export async function writeSignal(dir: string, agentId: string, reason: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(path.join(dir, `${agentId}${SUFFIX}`), JSON.stringify({ agent: agentId, reason, at: new Date().toISOString() }) + "\n", 0o600);
}

/** Watches the signal directory; each signal file is consumed (deleted) and handed to `onSignal`. */
export class SignalWatcher {
  #watcher: FSWatcher | undefined;

  constructor(
    private readonly dir: string,
    private readonly onSignal: (agentId: string, reason: string) => void,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    this.#watcher = watch(this.dir, { ignoreInitial: true, depth: 0 });
    this.#watcher.on("add", (file) => void this.#consume(file));
    this.#watcher.on("change", (file) => void this.#consume(file));
    await new Promise<void>((resolve) => this.#watcher!.once("ready", () => resolve()));
    // Signals written while the supervisor was down are still honoured.
    for (const name of await readdir(this.dir)) await this.#consume(path.join(this.dir, name));
  }

  async #consume(file: string): Promise<void> {
    const name = path.basename(file);
    if (!name.endsWith(SUFFIX)) return;
    const agentId = name.slice(0, -SUFFIX.length);
    let reason = "signal file";
    try {
      const body = JSON.parse(await readFile(file, "utf8")) as { reason?: unknown };
      if (typeof body.reason === "string") reason = body.reason;
    } catch {
      // A half-read or hand-written file still counts as a signal for that agent.
    }
    const removed = await unlink(file).then(
      () => true,
      () => false,
    );
    // Only the watcher event that removed the file acts on it, so one file is one signal.
    if (!removed) return;
    this.logger.debug({ agent: agentId, reason }, "activation signal");
    this.onSignal(agentId, reason);
  }

  async close(): Promise<void> {
    await this.#watcher?.close();
    this.#watcher = undefined;
  }
}
