import { access } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { avatarUrl, type SandboxControl } from "./control.js";
import { SandboxError } from "./errors.js";
import type { SandboxStore } from "./store.js";

// The browser side of the sandbox: the web chat at /, the mock Developer Portal at /portal and
// the OAuth2 invite page, plain files from ./web served as they are (no build step, no CDN).

const WEB_DIR = new URL("./web/", import.meta.url);
const PAGES: Record<string, string> = { "/": "index.html", "/portal": "portal.html", "/oauth2/authorize": "authorize.html" };
const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
};
// Only plain file names: no path separators, so nothing outside ./web can be asked for.
const ASSET = /^[\w-]+\.(js|css|svg)$/;

/** What the embedding app tells the web chat. */
export interface WebOptions {
  /** Text of the banner at the top of the chat (e.g. "Replies come from the offline demo model…"); none when null. */
  banner: string | null;
  /** Human account the chat signs in as; created (and persisted with the state) if missing. */
  humanName: string | null;
}

/** The human the chat uses by default, as GET /control/config returns it. */
export interface WebHuman {
  id: string;
  username: string;
}

/** Registers the web pages, their assets and the small read routes they need; returns the default human, if any. */
export function registerWeb(app: FastifyInstance, deps: { control: SandboxControl; store: SandboxStore }, options: WebOptions): WebHuman | null {
  const { control, store } = deps;
  const human = options.humanName ? ensureHuman(store, control, options.humanName) : null;

  // @fastify/static sends the files (streams, ETag, ranges); our routes decide which ones.
  void app.register(fastifyStatic, {
    root: fileURLToPath(WEB_DIR),
    serve: false,
    // no-cache: the files are edited in place during development and are tiny anyway.
    cacheControl: false,
    contentType: false,
    setHeaders: (res, file) => {
      res.setHeader("content-type", TYPES[file.slice(file.lastIndexOf(".") + 1)] ?? "application/octet-stream");
      res.setHeader("cache-control", "no-cache");
      res.setHeader("x-content-type-options", "nosniff");
    },
  });
  for (const [path, file] of Object.entries(PAGES)) app.get(path, (_request, reply) => reply.sendFile(file));
  app.get("/web/:file", async (request, reply) => {
    const file = (request.params as { file?: string }).file ?? "";
    if (!ASSET.test(file)) throw new SandboxError(404, "not_found", "no such file");
    await access(new URL(file, WEB_DIR)).catch(() => {
      throw new SandboxError(404, "not_found", "no such file");
    });
    return reply.sendFile(file);
  });

  app.get("/control/config", async () => ({ banner: options.banner, human }));
  app.get("/control/users/:id", async (request) => {
    const user = store.users.get((request.params as { id?: string }).id ?? "");
    if (!user) throw new SandboxError(404, "unknown_user", "no such user");
    return { id: user.id, username: user.username, bot: user.bot, avatar: user.avatar };
  });
  // The profile card of the web chat: name, avatar, the app's description as "About Me", roles and presence in a guild.
  app.get("/control/users/:id/profile", async (request) => {
    const user = store.users.get((request.params as { id?: string }).id ?? "");
    if (!user) throw new SandboxError(404, "unknown_user", "no such user");
    const guildId = (request.query as { guild_id?: unknown }).guild_id;
    const guild = typeof guildId === "string" ? store.guilds.get(guildId) : undefined;
    const member = guild?.members.find((m) => m.userId === user.id);
    const roles = (member?.roleIds ?? []).flatMap((roleId) => {
      const role = guild?.roles.find((r) => r.id === roleId && r.id !== guild.id);
      return role ? [{ id: role.id, name: role.name }] : [];
    });
    const app = user.bot ? store.applicationByBot(user.id) : undefined;
    return {
      id: user.id,
      username: user.username,
      global_name: user.globalName,
      bot: user.bot,
      avatar_url: avatarUrl(user.id, user.avatar),
      about: app?.description ?? "",
      has_commands: app && guild ? control.guildCommands(guild.id).some((c) => c.application_id === app.id) : false,
      online: user.bot ? control.isOnline(user.id) : true,
      joined_at: member?.joinedAt ?? null,
      roles,
    };
  });
  // The web chat's "Direct Messages" list: every DM channel of the user, with the other side.
  app.get("/control/users/:id/dms", async (request) => {
    const userId = (request.params as { id?: string }).id ?? "";
    if (!store.users.has(userId)) throw new SandboxError(404, "unknown_user", "no such user");
    return [...store.channels.values()].flatMap((channel) => {
      if (channel.type !== 1 || !channel.recipientIds.includes(userId)) return [];
      const other = store.users.get(channel.recipientIds.find((id) => id !== userId) ?? "");
      if (!other) return [];
      return [
        {
          channel_id: channel.id,
          last_message_id: channel.lastMessageId,
          recipient: { id: other.id, username: other.username, bot: other.bot, avatar: other.avatar },
        },
      ];
    });
  });
  return human;
}

/** The human named `name`, created if missing (users persist with the state, so it is the same account after a restart). */
function ensureHuman(store: SandboxStore, control: SandboxControl, name: string): WebHuman {
  const existing = store.userByName(name);
  if (existing?.bot) throw new SandboxError(409, "username_taken", `the default human "${name}" is the name of a bot`);
  const id = existing?.id ?? control.createUser(name).id;
  return { id, username: store.users.get(id)?.username ?? name };
}
