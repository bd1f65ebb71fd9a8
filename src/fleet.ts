import { hostname } from "node:os";
import type { Config } from "./config/index.js";
import type { Logger, RootLogger } from "./log/index.js";
import { LeaseManager } from "./store/pg/lease-manager.js";
import { StopBroadcast } from "./store/pg/stop-broadcast.js";

/** Several hosts sharing BOBB_DATABASE_URL: this host's leases and the stops shared with the others. */
export interface Fleet {
  readonly nodeId: string;
  readonly leases: LeaseManager;
  readonly stops: StopBroadcast;
}

export interface FleetHooks {
  /** Stops an agent's bot (BoBB's included) before its lease is given up. */
  stop: (agentId: string) => Promise<void>;
  /** Another host's /stop of a channel. */
  onStop: (channelId: string, authorId: string) => void;
}

/** Lease mode when BOBB_DATABASE_URL is set; undefined in file mode (one host runs everything). */
export function createFleet(config: Config, root: RootLogger, hooks: FleetHooks): Fleet | undefined {
  const url = config.env.BOBB_DATABASE_URL;
  if (!url) return undefined;
  const nodeId = config.env.BOBB_NODE_ID ?? `${hostname()}-${process.pid}`;
  const leases = new LeaseManager({ url, nodeId, ttlMs: config.env.BOBB_LEASE_TTL, logger: root.logger, stop: hooks.stop });
  const stops = new StopBroadcast({ url, nodeId, logger: root.logger, onStop: hooks.onStop });
  return { nodeId, leases, stops };
}

export interface FleetStart {
  startBobb: () => Promise<unknown>;
  stopBobb: () => Promise<void>;
  reconciler: { reconcile(agentId: string): Promise<void>; leaseLost(agentId: string): Promise<void> };
  registry: { on(event: "change", listener: () => void): unknown };
  track: (close: () => Promise<void>) => void;
  logger: Logger;
}

/**
 * Runs what this host holds: a lease gained starts the bot, a lease lost stops it at once. Returns
 * once the first share is online. BoBB's start and stop take turns, so a stop never overtakes a login.
 */
export async function startFleet(fleet: Fleet, hooks: FleetStart): Promise<void> {
  const { leases } = fleet;
  let bobb: Promise<unknown> = Promise.resolve();
  const bobbTurn = (fn: () => Promise<unknown>) =>
    (bobb = bobb.then(fn, fn).catch((err: unknown) => hooks.logger.error({ err }, "BoBB's start or stop failed")));
  let first: Promise<unknown>[] | undefined = [];
  leases.on("gained", (lease) => {
    const started =
      lease.agentId === "bobb" ? bobbTurn(() => (leases.holds("bobb") ? hooks.startBobb() : Promise.resolve())) : hooks.reconciler.reconcile(lease.agentId);
    first?.push(started);
  });
  leases.on("lost", (agentId) => {
    if (agentId !== "bobb") return void hooks.reconciler.leaseLost(agentId);
    void hooks.stopBobb();
    void bobbTurn(() => hooks.stopBobb());
  });
  // A new or re-enabled agent may be this host's to run: look at once rather than at the next round.
  hooks.registry.on("change", () => leases.poke());
  await fleet.stops.open();
  hooks.track(() => fleet.stops.close());
  await leases.start();
  // Closed first (tracked last): the bots stop, then the leases are given up for the other hosts.
  hooks.track(() => leases.close());
  const starts = first;
  first = undefined;
  await Promise.all(starts);
  hooks.logger.info({ node: fleet.nodeId, agents: leases.held() }, `running ${leases.held().length} agents held by this host`);
}
