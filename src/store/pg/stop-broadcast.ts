import pg from "pg";
import { z } from "zod";
import type { Logger } from "../../log/index.js";

/** A person's stop by slash command reaches only the host running BoBB; this tells every other host. */
export const STOP_CHANNEL = "bobb_stop";

const Payload = z.object({ node: z.string(), channel: z.string(), author: z.string() });

export interface StopBroadcastOptions {
  url: string;
  nodeId: string;
  logger: Logger;
  /** Another host's stop: stop every bot of that channel here too. */
  onStop: (channelId: string, authorId: string) => void;
  /** How long a host without BoBB in the channel lets BoBB's host acknowledge a stop word first (default 1 s). */
  deferMs?: number;
}

/** Stops of a channel shared by every host through LISTEN/NOTIFY (stop words need none: every host sees the message). */
export class StopBroadcast {
  #client: pg.Client | undefined;
  readonly #log: Logger;

  constructor(private readonly options: StopBroadcastOptions) {
    this.#log = options.logger.child({ component: "stop-broadcast" });
  }

  async open(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.url });
    client.on("error", (err) => this.#log.warn({ err }, "lost the connection that shares stops between hosts"));
    client.on("notification", (n) => {
      if (n.channel !== STOP_CHANNEL || !n.payload) return;
      const parsed = Payload.safeParse(JSON.parse(n.payload));
      if (!parsed.success || parsed.data.node === this.options.nodeId) return;
      this.#log.info({ channel: parsed.data.channel, from: parsed.data.node }, "stop from another host");
      this.options.onStop(parsed.data.channel, parsed.data.author);
    });
    await client.connect();
    await client.query(`LISTEN ${STOP_CHANNEL}`);
    this.#client = client;
  }

  /** Tells the other hosts; a failure is logged (this host's own stop has already happened). */
  async send(channelId: string, authorId: string): Promise<void> {
    const payload = JSON.stringify({ node: this.options.nodeId, channel: channelId, author: authorId });
    await this.#client
      ?.query("SELECT pg_notify($1, $2)", [STOP_CHANNEL, payload])
      .catch((err: unknown) => this.#log.warn({ err }, "could not tell the other hosts of a stop"));
  }

  /**
   * Whether this host acknowledges a stop word (every host sees it): the first to claim the message
   * does. A host that cannot acknowledge as BoBB gives BoBB's host `deferMs` to claim first. When the
   * database cannot say, this host acknowledges (two reactions rather than none).
   */
  async claimAck(messageId: string, asBobb: boolean): Promise<boolean> {
    const client = this.#client;
    if (!client) return true;
    if (!asBobb) await new Promise((r) => setTimeout(r, this.options.deferMs ?? 1_000));
    try {
      const { rowCount } = await client.query("INSERT INTO stop_acks (message_id) VALUES ($1) ON CONFLICT DO NOTHING", [messageId]);
      void client.query("DELETE FROM stop_acks WHERE at < now() - interval '1 day'").catch(() => undefined);
      return rowCount === 1;
    } catch (err) {
      this.#log.warn({ err }, "could not share the acknowledgement of a stop");
      return true;
    }
  }

  async close(): Promise<void> {
    await this.#client?.end().catch(() => undefined);
    this.#client = undefined;
  }
}
