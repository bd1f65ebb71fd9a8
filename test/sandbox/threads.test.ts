import { ChannelType, DiscordAPIError, Routes, Events, GatewayIntentBits, ThreadAutoArchiveDuration, type TextChannel, type ThreadChannel } from "discord.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { controlCall, rejectionOf, startSandbox, waitForClientEvent, type SandboxHarness } from "../helpers/sandbox.js";

let h: SandboxHarness;
let general: string;
let alice: string;
beforeAll(async () => {
  h = await startSandbox();
  general = h.sandbox.control.channelId("general");
  alice = h.sandbox.control.createUser("alice").id;
});
afterEach(() => h.stopClients());
afterAll(() => h.stop());

const WITH_MEMBERS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.GuildMembers];

describe("sandbox threads", () => {
  it("a person starts a thread from a message: the bot gets THREAD_CREATE, sees the thread on the message and answers in it", async () => {
    const bot = await h.startBot("Threader");
    const starter = h.sandbox.control.postMessage(general, alice, "let's discuss");
    const created = waitForClientEvent(bot.client, Events.ThreadCreate);
    const updated = waitForClientEvent(bot.client, Events.MessageUpdate, (_old, m) => m.id === starter["id"]);
    const thread = h.sandbox.control.createThread(general, alice, { name: "Discussion", message_id: String(starter["id"]) });
    expect(thread).toMatchObject({ id: starter["id"], type: 11, parent_id: general, owner_id: alice, member_count: 1 });
    const [seen, newlyCreated] = await created;
    expect(seen.isThread()).toBe(true);
    expect(seen.parentId).toBe(general);
    expect(seen.ownerId).toBe(alice);
    expect(seen.name).toBe("Discussion");
    expect(newlyCreated).toBe(true);
    const [, message] = await updated;
    expect(message.hasThread).toBe(true);
    expect(message.thread?.id).toBe(starter["id"]);

    const inThread = waitForClientEvent(bot.client, Events.MessageCreate, (m) => m.channelId === seen.id);
    h.sandbox.control.postMessage(seen.id, alice, `hello <@${bot.bot_user_id}>`);
    const [asked] = await inThread;
    expect(asked.channel.isThread()).toBe(true);
    expect(asked.guildId).toBe(h.sandbox.control.guildId());
    expect(asked.channel.isThread() && asked.channel.parentId).toBe(general);
    const answer = await asked.reply("answering in the thread");
    expect(answer.channelId).toBe(seen.id);
    const stored = h.sandbox.control.listMessages(seen.id);
    expect(stored.map((m) => m["content"])).toEqual([`hello <@${bot.bot_user_id}>`, "answering in the thread"]);
    const fetched = (await bot.client.channels.fetch(seen.id, { force: true })) as ThreadChannel;
    expect(fetched.messageCount).toBe(2);
    expect(fetched.memberCount).toBe(2); // alice (creator) and the bot (posting joins)
    expect(() => h.sandbox.control.createThread(general, alice, { name: "again", message_id: String(starter["id"]) })).toThrow(/already been created/);
  });

  it("a second thread from the same message is refused with 160004", async () => {
    const bot = await h.startBot("Twice");
    const channel = (await bot.client.channels.fetch(general)) as TextChannel;
    const message = await channel.send("start here");
    const thread = await message.startThread({ name: "first", autoArchiveDuration: ThreadAutoArchiveDuration.OneHour });
    expect(thread.type).toBe(ChannelType.PublicThread);
    expect(thread.autoArchiveDuration).toBe(60);
    // discord.js refuses locally once it knows of the thread; Discord's own answer is 160004.
    const error = await rejectionOf(bot.client.rest.post(Routes.threads(general, message.id), { body: { name: "second" } }));
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as unknown as DiscordAPIError).code).toBe(160004);
  });

  it("a bot creates a standalone public and a private thread; the private one reaches only its members and managers", async () => {
    const bot = await h.startBot("Maker");
    const watcher = await h.startBot("Watcher"); // bots' invite role has Manage Threads: they see private threads
    const channel = (await bot.client.channels.fetch(general)) as TextChannel;
    const publicSeen = waitForClientEvent(watcher.client, Events.ThreadCreate, (t) => t.name === "open talk");
    const open = await channel.threads.create({ name: "open talk" });
    expect(open.type).toBe(ChannelType.PublicThread);
    expect((await publicSeen)[0].parentId).toBe(general);

    const secret = await channel.threads.create({ name: "secret", type: ChannelType.PrivateThread, invitable: false });
    expect(secret.type).toBe(ChannelType.PrivateThread);
    expect(h.sandbox.control.threads(general, alice).map((t) => t["id"])).not.toContain(secret.id);
    const refused = await controlCall(h.sandbox, "POST", `/control/channels/${secret.id}/messages`, { author_id: alice, content: "may I?" });
    expect(refused.json).toMatchObject({ error: { code: "discord_50001" } });
    // Added, alice sees it (THREAD_CREATE to her alone) and can post.
    await secret.members.add(alice);
    expect(h.sandbox.control.threads(general, alice).map((t) => t["id"])).toContain(secret.id);
    const posted = waitForClientEvent(watcher.client, Events.MessageCreate, (m) => m.channelId === secret.id);
    h.sandbox.control.postMessage(secret.id, alice, "I am in");
    expect((await posted)[0].content).toBe("I am in");
    const active = await channel.guild.channels.fetchActiveThreads();
    expect(active.threads.has(secret.id)).toBe(true);
    expect(active.threads.has(open.id)).toBe(true);
  });

  it("archive, a post unarchives it; locked and archived refuses the post with 160005", async () => {
    const owner = await h.startBot("Archivist");
    const channel = (await owner.client.channels.fetch(general)) as TextChannel;
    const thread = await channel.threads.create({ name: "to archive" });
    const archived = waitForClientEvent(owner.client, Events.ThreadUpdate, (_old, t) => t.id === thread.id && t.archived === true);
    await thread.setArchived(true);
    await archived;
    const unarchived = waitForClientEvent(owner.client, Events.ThreadUpdate, (_old, t) => t.id === thread.id && t.archived === false);
    h.sandbox.control.postMessage(thread.id, alice, "waking it up");
    await unarchived;
    await thread.setLocked(true);
    await thread.setArchived(true);
    const { status, json } = await controlCall(h.sandbox, "POST", `/control/channels/${thread.id}/messages`, { author_id: alice, content: "let me in" });
    expect(status).toBe(403);
    expect(json).toMatchObject({ error: { code: "discord_160005" } });
    // Alice (no Manage Threads) cannot unlock it either.
    const edit = await controlCall(h.sandbox, "PATCH", `/control/channels/${thread.id}`, { author_id: alice, archived: false });
    expect(edit.status).toBe(403);
    const error = await rejectionOf(thread.setName("renamed while archived"));
    expect((error as unknown as DiscordAPIError).code).toBe(50083);
  });

  it("join, leave and list members; THREAD_MEMBERS_UPDATE reaches bots with GUILD_MEMBERS, and the member who joined", async () => {
    const owner = await h.startBot("Host", { intents: WITH_MEMBERS, serverMembers: true });
    const guest = await h.startBot("Guest");
    const channel = (await owner.client.channels.fetch(general)) as TextChannel;
    const thread = await channel.threads.create({ name: "members" });
    const seenByOwner = waitForClientEvent(owner.client, Events.ThreadMembersUpdate, (added) => added.has(guest.bot_user_id));
    const seenByGuest = waitForClientEvent(guest.client, Events.ThreadMembersUpdate, (added) => added.has(guest.bot_user_id));
    const guestThread = (await guest.client.channels.fetch(thread.id)) as ThreadChannel;
    await guestThread.join();
    await seenByOwner;
    await seenByGuest;
    const members = await thread.members.fetch();
    expect([...members.keys()].sort()).toEqual([owner.bot_user_id, guest.bot_user_id].sort());
    // Without the Server Members intent the member list is refused, as on Discord.
    expect(((await rejectionOf(guestThread.members.fetch({ cache: false }))) as unknown as DiscordAPIError).code).toBe(50001);
    const left = waitForClientEvent(owner.client, Events.ThreadMembersUpdate, (_added, removed) => removed.has(guest.bot_user_id));
    await guestThread.leave();
    await left;
    expect((await thread.members.fetch()).size).toBe(1);
  });

  it("a bot that logs in later finds active threads in GUILD_CREATE", async () => {
    const thread = h.sandbox.control.createThread(general, alice, { name: "already there" });
    const late = await h.startBot("Latecomer");
    const cached = late.client.channels.cache.get(String(thread["id"]));
    expect(cached?.isThread()).toBe(true);
  });
});
