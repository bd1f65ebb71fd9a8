/**
 * Fencing: a host's write about an agent counts only while that host still holds the agent's lease
 * at the generation it was granted. Every such write puts `fenceCondition` in its WHERE clause (same
 * statement, so PostgreSQL checks it atomically) and throws LeaseLostError when no row was written.
 */
export interface Fence {
  nodeId: string;
  /** The lease's generation when this host was granted it. */
  generation: number;
}

/** Where a store asks for the fence of an agent; undefined = no lease mode (one host), writes are not fenced. */
export type FenceOf = (agentId: string) => Fence | undefined;

export class LeaseLostError extends Error {
  readonly code = "LEASE_LOST";
  constructor(
    readonly agentId: string,
    readonly fence: Fence,
  ) {
    super(`this host (${fence.nodeId}) no longer holds the lease of agent ${agentId} (generation ${fence.generation}); the write was refused`);
    this.name = "LeaseLostError";
  }
}

/**
 * SQL that is true only while (agent, node, generation) still holds an unexpired lease. The three
 * numbers are the positions of the agent id, node id and generation parameters.
 */
export function fenceCondition(agentParam: number, nodeParam: number, generationParam: number): string {
  return `EXISTS (SELECT 1 FROM leases f WHERE f.agent_id = $${agentParam} AND f.node_id = $${nodeParam} AND f.generation = $${generationParam} AND f.expires_at > now())`;
}
