import { SandboxError } from "./errors.js";
import { Intent, type SandboxContext } from "./events.js";
import type { ApplicationRecord, ChannelRecord, GuildRecord, RoleRecord, UserRecord } from "./model.js";
import { channelPayload, memberPayload, rolePayload } from "./payloads.js";
import { BOT_ROLE_PERMISSIONS, EVERYONE_PERMISSIONS, Permission } from "./permissions.js";
import { mintBotToken } from "./token.js";

/** Privileged intent switches of an application, as the Developer Portal's Bot page shows them. */
export interface IntentSettings {
  message_content_intent?: boolean | undefined;
  server_members_intent?: boolean | undefined;
  presence_intent?: boolean | undefined;
}

/** What the portal returns for a new application. */
export interface CreatedApplication {
  application_id: string;
  bot_user_id: string;
  token: string;
}

const NAME_PATTERN = /^[\p{L}\p{N}_.\- ]{2,32}$/u;

/** Users, applications, guild membership and DM channels (the portal's and control API's domain). */
export class Accounts {
  constructor(private readonly ctx: SandboxContext) {}

  /** Creates a human user; usernames are unique, case-insensitively, as on Discord. */
  createHuman(username: string): UserRecord {
    const name = username.trim();
    if (!NAME_PATTERN.test(name)) throw new SandboxError(400, "invalid_username", "username must be 2-32 letters, digits, _ . - or spaces");
    if (this.ctx.store.userByName(name)) throw new SandboxError(409, "username_taken", `username ${name} is taken`);
    const user: UserRecord = { id: this.ctx.ids.next(), username: name, globalName: name, discriminator: "0", bot: false, avatar: null };
    this.ctx.store.addUser(user);
    return user;
  }

  /** Creates an application with its bot user and first token (privileged intents off, as on Discord). */
  createApplication(name: string, intents: IntentSettings = {}): CreatedApplication {
    const trimmed = name.trim();
    if (!NAME_PATTERN.test(trimmed)) throw new SandboxError(400, "invalid_name", "name must be 2-32 letters, digits, _ . - or spaces");
    const appId = this.ctx.ids.next();
    const botId = this.ctx.ids.next();
    // Bots keep four-digit discriminators on Discord; derive one so it is stable.
    const discriminator = String(Number(BigInt(botId) % 9000n) + 1000);
    this.ctx.store.addUser({ id: botId, username: trimmed, globalName: null, discriminator, bot: true, avatar: null });
    const app: ApplicationRecord = {
      id: appId,
      name: trimmed,
      botUserId: botId,
      token: mintBotToken(this.ctx.tokenStyle ?? "discord", botId, this.ctx.secret, this.ctx.now()),
      messageContentIntent: intents.message_content_intent ?? false,
      membersIntent: intents.server_members_intent ?? false,
      presenceIntent: intents.presence_intent ?? false,
      description: "",
      verified: false,
    };
    this.ctx.store.addApplication(app);
    return { application_id: appId, bot_user_id: botId, token: app.token };
  }

  application(applicationId: string): ApplicationRecord {
    const app = this.ctx.store.applications.get(applicationId);
    if (!app) throw new SandboxError(404, "unknown_application", `no application ${applicationId}`);
    return app;
  }

  /** Issues a new token; the old one stops working at once (the caller closes live sessions). */
  resetToken(applicationId: string): string {
    const app = this.application(applicationId);
    this.ctx.store.setToken(app, mintBotToken(this.ctx.tokenStyle ?? "discord", app.botUserId, this.ctx.secret, this.ctx.now()));
    return app.token;
  }

  /** Flips privileged intent switches; connected clients keep their session, as on Discord. */
  updateIntents(applicationId: string, settings: IntentSettings): ApplicationRecord {
    const app = this.application(applicationId);
    if (settings.message_content_intent !== undefined) app.messageContentIntent = settings.message_content_intent;
    if (settings.server_members_intent !== undefined) app.membersIntent = settings.server_members_intent;
    if (settings.presence_intent !== undefined) app.presenceIntent = settings.presence_intent;
    this.ctx.store.touch();
    return app;
  }

  guild(guildId: string): GuildRecord {
    const guild = this.ctx.store.guilds.get(guildId);
    if (!guild) throw new SandboxError(404, "unknown_guild", `no guild ${guildId}`);
    return guild;
  }

  user(userId: string): UserRecord {
    const user = this.ctx.store.users.get(userId);
    if (!user) throw new SandboxError(404, "unknown_user", `no user ${userId}`);
    return user;
  }

  /** Adds a user to a guild (bots get their managed role, like the OAuth invite); false if already in. */
  addMember(guildId: string, userId: string): boolean {
    const guild = this.guild(guildId);
    const user = this.user(userId);
    if (guild.members.some((m) => m.userId === userId)) return false;
    const roleIds: string[] = [];
    if (user.bot) {
      const role: RoleRecord = {
        id: this.ctx.ids.next(),
        name: user.username,
        permissions: BOT_ROLE_PERMISSIONS.toString(),
        position: guild.roles.length,
        managed: true,
        botId: user.id,
        mentionable: false,
      };
      guild.roles.push(role);
      roleIds.push(role.id);
      this.ctx.bus.emit({ t: "GUILD_ROLE_CREATE", d: { guild_id: guild.id, role: rolePayload(role) }, guildId: guild.id, userIds: [], intent: Intent.Guilds });
    }
    const member = { userId, joinedAt: new Date(this.ctx.now()).toISOString(), roleIds, nick: null };
    guild.members.push(member);
    this.ctx.store.touch();
    this.ctx.bus.emit({
      t: "GUILD_MEMBER_ADD",
      d: { guild_id: guild.id, ...memberPayload(member, user) },
      guildId: guild.id,
      userIds: [],
      intent: Intent.GuildMembers,
    });
    return true;
  }

  /** Grants or removes Manage Messages on a bot's managed role (to provoke 403/50013 in tests). */
  setManageMessages(guildId: string, botUserId: string, allowed: boolean): void {
    const guild = this.guild(guildId);
    const role = guild.roles.find((r) => r.botId === botUserId);
    if (!role) throw new SandboxError(404, "unknown_member", `bot ${botUserId} is not in guild ${guildId}`);
    const bits = BigInt(role.permissions);
    role.permissions = (allowed ? bits | Permission.ManageMessages : bits & ~Permission.ManageMessages).toString();
    this.ctx.store.touch();
    this.ctx.bus.emit({ t: "GUILD_ROLE_UPDATE", d: { guild_id: guild.id, role: rolePayload(role) }, guildId: guild.id, userIds: [], intent: Intent.Guilds });
  }

  /** The DM channel between two users, created (and announced with CHANNEL_CREATE) if needed. */
  openDm(userId: string, recipientId: string): ChannelRecord {
    const a = this.user(userId);
    const b = this.user(recipientId);
    if (a.id === b.id) throw new SandboxError(400, "invalid_recipient", "cannot open a DM with oneself");
    const existing = this.ctx.store.dmBetween(a.id, b.id);
    if (existing) return existing;
    const channel: ChannelRecord = {
      id: this.ctx.ids.next(),
      type: 1,
      guildId: null,
      name: null,
      topic: null,
      position: 0,
      recipientIds: [a.id, b.id],
      lastMessageId: null,
      thread: null,
    };
    this.ctx.store.addChannel(channel);
    for (const viewer of [a, b]) {
      this.ctx.bus.emit({ t: "CHANNEL_CREATE", d: channelPayload(this.ctx.store, channel, viewer.id), guildId: null, userIds: [viewer.id], intent: 0 });
    }
    return channel;
  }

  /** Creates the seeded guild "BoBB Sandbox" with #general and #debate, owned by a human (default "sandbox-owner"). */
  seed(ownerName = "sandbox-owner"): void {
    const owner = this.ctx.store.userByName(ownerName) ?? this.createHuman(ownerName);
    this.createGuild("BoBB Sandbox", owner.id);
  }

  /** Creates a guild with #general and #debate, owned by a human who is its first member. */
  createGuild(name: string, ownerId: string): GuildRecord {
    const owner = this.user(ownerId);
    const guildId = this.ctx.ids.next();
    const everyone: RoleRecord = {
      id: guildId,
      name: "@everyone",
      permissions: EVERYONE_PERMISSIONS.toString(),
      position: 0,
      managed: false,
      botId: null,
      mentionable: false,
    };
    this.ctx.store.addGuild({
      id: guildId,
      name,
      ownerId: owner.id,
      roles: [everyone],
      members: [{ userId: owner.id, joinedAt: new Date(this.ctx.now()).toISOString(), roleIds: [], nick: null }],
      channelIds: [],
    });
    for (const [position, channelName] of ["general", "debate"].entries()) {
      this.ctx.store.addChannel({
        id: this.ctx.ids.next(),
        type: 0,
        guildId,
        name: channelName,
        topic: null,
        position,
        recipientIds: [],
        lastMessageId: null,
        thread: null,
      });
    }
    return this.guild(guildId);
  }
}
