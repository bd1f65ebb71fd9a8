import type { AgentWrites } from "../../api/index.js";
import type { Logger } from "../../log/index.js";
import type { Registry } from "../../registry/index.js";
import type { RoomsPort } from "../rooms/ports.js";

/** The person a command came from, as Discord told the supervisor. */
export interface CommandPerson {
  id: string;
  name: string;
}

/** What BoBB's commands need from the rest of the product (app.ts wires the real ones). */
export interface CommandDeps {
  /** The tool API's own create/update/remove, with its validation, owner rules and change limit. */
  writes: Pick<AgentWrites, "checkNewName" | "create" | "update" | "remove" | "target">;
  registry: () => Registry;
  /** BoBB's model writes a persona for a new bot; the text is only a persona, it decides nothing. */
  writePersona: (name: string, person: CommandPerson, signal: AbortSignal) => Promise<string>;
  /** OAuth2 invite link of a bot user. */
  inviteUrl: (botUserId: string) => string;
  /** Where people create applications (the Developer Portal, or the sandbox's). */
  portalUrl: string;
  /** Runs the stop path for a channel; resolves with the agents it stopped. */
  stopChannel: (channelId: string, authorId: string) => Promise<string[]>;
  /** Why this person may not give this agent a token now (not waiting for one, not theirs), or undefined. */
  tokenRefusal?: (agentId: string, userId: string) => string | undefined;
  /** A registry agent's display name ("BoBB" for bobb). */
  agentName: (agentId: string) => string;
  /** Rooms for outside agents (`/bobb room …`); without it those commands say rooms are not set up. */
  rooms?: RoomCommandSide | undefined;
  logger: Logger;
}

/** What `/bobb room …` needs: the rooms core and the Discord side's own bookkeeping. */
export interface RoomCommandSide {
  port: RoomsPort;
  /** Makes (or finds) the channel's webhook now, so a missing permission shows at open rather than at the first post. */
  prepare(channelId: string): Promise<void>;
  /** Who created an invite: that person may decide the held posts of the agent that joins with it. */
  invited(roomId: string, label: string, userId: string): void;
  /** The room closed: forget the channel's webhook and held posts. */
  closed(channelId: string): void;
}
