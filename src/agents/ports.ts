import type { Agent } from "../registry/index.js";

/** An agent as the runtime needs it to run. */
export interface RuntimeAgent {
  id: string;
  name: string;
  persona: string;
  port: number;
  role: "bobb" | "child";
}

/** Tells that an agent's bot or server failed for good. */
export interface FailureEvents {
  on(event: "failure", listener: (agentId: string, reason: string) => void): unknown;
  off(event: "failure", listener: (agentId: string, reason: string) => void): unknown;
}

/** The OpenCode side of a running agent. */
export interface AgentRuntime extends FailureEvents {
  /** Makes the agent's directory, config and server ready; idempotent. */
  ensureAgent(agent: RuntimeAgent, apiKey: string): Promise<void>;
  stopAgent(agentId: string): Promise<void>;
  /** The agent was removed: also forget its sessions (stored and on its server). */
  removeAgent(agentId: string): Promise<{ sessions: number }>;
}

/** Agent folders: AGENTS.md written from the template, and kept aside when an agent is removed. */
export interface AgentFolders {
  write(agent: Agent): Promise<void>;
  /** Moves the folder under agents/.removed/; returns where it went (relative), or undefined if there was none. */
  archive(agentId: string): Promise<string | undefined>;
}

/** The Discord side of a running agent. */
export interface AgentBots extends FailureEvents {
  start(spec: { agentId: string; name: string; token: string }): Promise<{ client: { user: { id: string } } }>;
  stop(agentId: string): Promise<void>;
}

/** Sets up a bot's Discord application with its own token before it logs in (intent, description, avatar); never throws. */
export interface AppPreparation {
  prepare(spec: { agentId: string; name: string; persona: string; token: string }): Promise<{ intent: "already" | "switched" | "refused" | "unknown" }>;
}

/** A message as token intake sees it: who wrote what where, and how to answer or remove it. */
export interface IntakeMessage {
  /** The Discord message id. */
  readonly id: string;
  readonly authorId: string;
  readonly authorIsBot: boolean;
  readonly content: string;
  readonly channelId: string;
  /** A direct message (no guild). */
  readonly inDm: boolean;
  /** Deletes the message (as any of our bots that may); resolves false, without asking Discord, when none may. */
  delete(): Promise<boolean>;
  /** Posts in the message's channel; only `mentionUsers` may be pinged. */
  send(text: string, mentionUsers?: readonly string[]): Promise<void>;
  /** Shows BoBB typing in the message's channel (while a start is checked); optional. */
  typing?(): Promise<void>;
}

/** How one start of an agent ended: its bot logged in and its OpenCode server is ready, or why not. */
export type ActivationOutcome = { agentId: string; ok: true; botUserId: string } | { agentId: string; ok: false; reason: string };

/** Tells how each start of an agent ended (the reconciler). */
export interface ActivationEvents {
  on(event: "activation", listener: (outcome: ActivationOutcome) => void): unknown;
  off(event: "activation", listener: (outcome: ActivationOutcome) => void): unknown;
}
