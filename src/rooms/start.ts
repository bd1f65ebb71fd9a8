import path from "node:path";
import getPort from "get-port";
import type { FastifyInstance } from "fastify";
import type { Logger } from "../log/index.js";
import type { RoomLimits } from "./limits-config.js";
import { createRoomsListener } from "./listener.js";
import { Rooms, type RoomsOptions } from "./service.js";
import { FileRoomStore, type RoomStore } from "./store.js";

export interface StartRoomsOptions {
  dataDir: string;
  host: string;
  port: number;
  /** BOBB_PUBLIC_URL; default http://host:port (the port actually bound). */
  publicUrl?: string | undefined;
  limits: RoomLimits;
  logger: Logger;
  reservedNames: (channelId: string) => readonly string[];
  /** The bots in a channel (A2A agents of its room). */
  botsOf?: RoomsOptions["botsOf"];
  /** Default: data/rooms.json. */
  store?: RoomStore;
  now?: () => number;
}

export interface RoomsHandle {
  rooms: Rooms;
  listener: FastifyInstance;
  /** Where the listener is bound. */
  url: string;
  close(): Promise<void>;
}

/** Loads the rooms and starts their listener (app.ts calls it; tests too, with port 0 for a free port). */
export async function startRooms(o: StartRoomsOptions): Promise<RoomsHandle> {
  const store = o.store ?? new FileRoomStore(path.join(o.dataDir, "rooms.json"));
  const port = o.port === 0 ? await getPort({ host: o.host }) : o.port;
  const host = o.host.includes(":") ? `[${o.host}]` : o.host;
  const url = `http://${host}:${port}`;
  const rooms = new Rooms({
    store,
    logger: o.logger,
    publicUrl: o.publicUrl ?? url,
    limits: o.limits,
    reservedNames: o.reservedNames,
    ...(o.botsOf ? { botsOf: o.botsOf } : {}),
    ...(o.now ? { now: o.now } : {}),
  });
  await rooms.load();
  const listener = await createRoomsListener(rooms, o.logger);
  try {
    await listener.listen({ host: o.host, port });
  } catch (err) {
    await rooms.shutdown();
    throw err;
  }
  o.logger.child({ component: "rooms" }).info({ url, public: rooms.publicUrl }, `rooms listener on ${url}`);
  return {
    rooms,
    listener,
    url,
    close: async () => {
      await rooms.shutdown();
      await listener.close();
    },
  };
}
