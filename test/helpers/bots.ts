import {
  BotActions,
  BotDirectory,
  BotManager,
  ChannelGovernor,
  Conversations,
  SharedMessages,
  NoteBoard,
  SystemVoice,
  TurnTracker,
  type AgentBrain,
  type ConversationOptions,
  type GovernorOptions,
  type KnownBot,
} from "../../src/discord/index.js";
import { createSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { captureLogs } from "./logs.js";

export interface HarnessBot extends KnownBot {
  token: string;
  applicationId: string;
  userId: string;
}

/**
 * The Discord side of the product on a real sandbox with real discord.js clients; the
 * agent brain is supplied by the test (a real OpenCode runtime, or a scripted function).
 */
export interface BotsHarness {
  sandbox: Sandbox;
  bots: BotManager;
  actions: BotActions;
  turns: TurnTracker;
  governor: ChannelGovernor;
  conversations: Conversations;
  logs: string[];
  failures: Array<{ agentId: string; reason: string }>;
  humanId: string;
  general: string;
  /** Creates an application in the sandbox portal and starts the bot in the manager. */
  addBot(agentId: string, name: string): Promise<HarnessBot>;
  /** Root logger whose lines land in `logs`. */
  logger: import("../../src/log/index.js").Logger;
  close(): Promise<void>;
}

export interface BotsHarnessOptions {
  governor?: GovernorOptions;
  /** Token intake or any other interceptor, given the harness's notes. */
  intercept?: ConversationOptions["intercept"];
  notes?: NoteBoard;
  /** Guilds where a mention in a channel is answered in a new thread (BOBB_AUTO_THREAD). */
  autoThread?: ConversationOptions["autoThread"];
}

export async function startBotsHarness(brain: AgentBrain, options: BotsHarnessOptions = {}): Promise<BotsHarness> {
  const sandbox = await createSandbox();
  const root = captureLogs("debug");
  const known: HarnessBot[] = [];
  const directory = new BotDirectory(() => known);
  const turns = new TurnTracker();
  const governor = new ChannelGovernor(options.governor ?? {});
  const shared = new SharedMessages();
  const conversations: Conversations = new Conversations({
    brain,
    shared,
    governor,
    directory,
    turns,
    logger: root.logger,
    notes: options.notes ?? new NoteBoard(),
    // As in app.ts: the bot with agent id "bobb", when a test starts one, speaks for the system.
    system: new SystemVoice(() => bots.get("bobb")?.client),
    ...(options.intercept ? { intercept: options.intercept } : {}),
    ...(options.autoThread ? { autoThread: options.autoThread } : {}),
  });
  const failures: Array<{ agentId: string; reason: string }> = [];
  const bots: BotManager = new BotManager({
    logger: root.logger,
    apiUrl: `${sandbox.url}/api`,
    loginSpacingMs: 0,
    onMessage: (bot, message) => conversations.handle(bot, message),
    // As in app.ts: the bot "bobb" reads every message, the others what is about them.
    sharing: { messages: shared, full: (agentId) => agentId === "bobb", skipped: (agentId, channelId, id) => conversations.seen(agentId, channelId, id) },
  });
  bots.on("failure", (agentId, reason) => void failures.push({ agentId, reason }));
  const actions = new BotActions(bots, directory, turns);
  const humanId = sandbox.control.createUser("chris").id;
  return {
    sandbox,
    bots,
    actions,
    turns,
    governor,
    conversations,
    logs: root.lines,
    logger: root.logger,
    failures,
    humanId,
    general: sandbox.control.channelId("general"),
    addBot: async (agentId, name) => {
      const app = sandbox.control.createApplication(name, { message_content_intent: true });
      sandbox.control.addBotToGuild(sandbox.control.guildId(), app.application_id);
      const bot: HarnessBot = { agentId, name, userId: app.bot_user_id, token: app.token, applicationId: app.application_id };
      known.push(bot);
      await bots.start({ agentId, name, token: app.token });
      return bot;
    },
    close: async () => {
      await bots.close();
      await sandbox.close();
    },
  };
}
