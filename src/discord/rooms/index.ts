import type { ButtonInteraction, Client, Message } from "discord.js";
import type { Logger } from "../../log/index.js";
import type { RoomCommandSide } from "../commands/ports.js";
import type { InteractionRouter } from "../commands/router.js";
import type { BotDirectory } from "../directory.js";
import { RoomFanIn } from "./fan-in.js";
import type { RoomsPort } from "./ports.js";
import { HELD_PREFIX, RoomPosts } from "./posts.js";
import { ServerBots } from "./server-bots.js";
import { RoomWebhooks } from "./webhooks.js";

export type * from "./ports.js";
export { HELD_PREFIX } from "./posts.js";
export { ROOM_WEBHOOK_NAME } from "./webhooks.js";
export { resolveAgentText, agentsNamed } from "./mentions.js";

export interface RoomsDiscordOptions {
  port: RoomsPort;
  /** BoBB's client while it is online: it owns the webhooks and shows held posts. */
  bobb: () => Client | undefined;
  directory: BotDirectory;
  /** A picture URL for an agent's name, when something serves one (else Discord's default avatar). */
  avatarUrl?: (name: string) => string | undefined;
  logger: Logger;
}

/** The Discord side of rooms: outside agents' posts in, everything said out, stop and resume, `/bobb room …`. */
export interface RoomsDiscord {
  /** What `/bobb room …` needs (CommandDeps.rooms). */
  readonly commands: RoomCommandSide;
  /** The Approve / Reject buttons of held posts, on BoBB's interaction router. */
  register(router: InteractionRouter): void;
  /** Every message any bot client sees (bot manager's onMessage). */
  observe(message: Message): void;
  /** BoBB's client is ready: every room's buffer is refilled from its channel's history (after a restart). */
  ready(client: Client): Promise<void>;
  /** `/stop` in a channel: its room pauses as for the stop word. */
  stopped(channelId: string, by: { id: string; name: string }): void;
  /** The room agent a bot means by `name` in a channel (`mention_bots`), as its display name. */
  agentNamed(channelId: string, name: string): Promise<string | undefined>;
  /** Our bots that are members of a channel's server (Discord user id and name). */
  botsIn(channelId: string): Promise<Array<{ id: string; name: string }>>;
  /** Resolves once the messages seen so far reached the core (tests). */
  settled(): Promise<void>;
  close(): void;
}

export function createRoomsDiscord(options: RoomsDiscordOptions): RoomsDiscord {
  const { port, directory } = options;
  const logger = options.logger.child({ component: "rooms-discord" });
  const webhooks = new RoomWebhooks(options.bobb, logger);
  const inviters = new Map<string, string>();
  const serverBots = new ServerBots(options.bobb, directory);
  const botsIn = (channelId: string) => serverBots.in(channelId);
  const posts = new RoomPosts({
    port,
    webhooks,
    botsIn,
    bobb: options.bobb,
    avatarUrl: options.avatarUrl,
    logger,
    inviterOf: async (roomId, memberId) => {
      const agent = (await port.agents(roomId)).find((a) => a.id === memberId);
      return agent ? inviters.get(`${roomId}:${agent.label}`) : undefined;
    },
  });
  posts.start();
  const fanIn = new RoomFanIn({
    port,
    directory,
    logger,
    isAgentPost: (m) => webhooks.isOurs(m),
    memberOf: (channelId, name) => posts.memberOf(channelId, name),
    bobbUserId: () => options.bobb()?.user?.id,
  });
  return {
    commands: {
      port,
      prepare: (channelId) => webhooks.prepare(channelId),
      invited: (roomId, label, userId) => void inviters.set(`${roomId}:${label}`, userId),
      closed: (channelId) => webhooks.forget(channelId),
    },
    register: (router) => router.registerComponentHandler(HELD_PREFIX, (i: ButtonInteraction) => posts.decide(i)),
    observe: (message) => fanIn.observe(message),
    ready: async (client) => {
      for (const room of port.list()) {
        const passed = await fanIn.backfill(client, room).catch((err: unknown) => {
          logger.warn({ err, room: room.id, channel: room.channel_id }, "could not read the room's channel history");
          return 0;
        });
        logger.debug({ room: room.id, messages: passed }, "room backfilled from channel history");
      }
    },
    stopped: (channelId, by) => {
      if (port.roomOfChannel(channelId)) port.pause(channelId, by);
    },
    agentNamed: async (channelId, name) => {
      const room = port.roomOfChannel(channelId);
      if (!room) return undefined;
      const wanted = name.trim().replace(/^@/, "").toLowerCase();
      return (await port.agents(room.id)).find((a) => a.name.toLowerCase() === wanted)?.name;
    },
    botsIn,
    settled: () => fanIn.settled(),
    close: () => posts.close(),
  };
}
