import getPort from "get-port";
import type { Registry } from "./schema.js";
import { RegistryError } from "./errors.js";

/** True when nothing listens on the port on loopback. */
export async function isPortFree(port: number): Promise<boolean> {
  return (await getPort({ port, host: "127.0.0.1" })) === port;
}

/**
 * Picks the next port for a new agent, starting at next_port and skipping ports held by
 * other agents, reserved ones (the API, BoBB's OpenCode) and ports something already listens on.
 */
export async function allocatePort(
  registry: Registry,
  reserved: ReadonlySet<number>,
  isFree: (port: number) => Promise<boolean> = isPortFree,
): Promise<number> {
  const taken = new Set(Object.values(registry.agents).map((a) => a.port));
  for (let port = registry.next_port; port <= 65535; port++) {
    if (taken.has(port) || reserved.has(port)) continue;
    if (await isFree(port)) return port;
  }
  throw new RegistryError("NO_FREE_PORT", `no free port at or above ${registry.next_port}`);
}
