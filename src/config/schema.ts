import { z } from "zod";

const port = (fallback: number) =>
  z.coerce
    .number({ error: "a port number from 1 to 65535" })
    .int("a port number from 1 to 65535")
    .min(1, "a port from 1 to 65535")
    .max(65535, "a port from 1 to 65535")
    .default(fallback);
const ms = (fallback: number, min = 0) =>
  z.coerce.number({ error: "a whole number of milliseconds" }).int("a whole number of milliseconds").min(min, `at least ${min} ms`).default(fallback);
const count = (fallback: number, min = 1) => z.coerce.number({ error: "a whole number" }).int("a whole number").min(min, `at least ${min}`).default(fallback);
const flag = z
  .enum(["true", "false", "1", "0", "yes", "no", ""], { error: "true or false" })
  .default("false")
  .transform((v) => v === "true" || v === "1" || v === "yes");
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));
const optionalUrl = optionalText.pipe(z.url({ protocol: /^https?$/, error: "an http(s) URL such as http://127.0.0.1:11434/v1" }).optional());

/** Secret variables: their values never appear in error messages or logs. */
export const SECRET_VARIABLES = new Set(["BOBB_DISCORD_TOKEN", "ANTHROPIC_API_KEY", "BOBB_API_KEY", "BOBB_MODEL_API_KEY", "BOBB_DATABASE_URL"]);

/** Every environment variable the product reads, with its default. */
export const envSchema = z.object({
  // The spec's table
  BOBB_DISCORD_TOKEN: optionalText,
  ANTHROPIC_API_KEY: optionalText,
  BOBB_OPENCODE_PORT: port(4096),
  BOBB_CHILD_PORT_START: port(4097),
  OPENCODE_COMMAND: optionalText,
  OPENCODE_HEALTH_TIMEOUT: ms(30_000, 1000),
  // Tool API
  BOBB_API_HOST: z.string().default("127.0.0.1"),
  BOBB_API_PORT: port(3456),
  BOBB_API_ALLOW_REMOTE: flag,
  BOBB_API_KEY: optionalText.pipe(z.string().min(16, "at least 16 characters").optional()),
  // Files
  BOBB_DATA_DIR: z.string().min(1).default("data"),
  BOBB_REGISTRY_PATH: z.string().min(1).default("registry.json"),
  BOBB_AGENTS_DIR: z.string().min(1).default("agents"),
  // Several hosts (issue 19): the registry in PostgreSQL instead of registry.json; unset = the file
  BOBB_DATABASE_URL: optionalText.pipe(
    z.url({ protocol: /^postgres(ql)?$/, error: "a postgresql:// URL such as postgresql://bobb:secret@db.example.org:5432/bobb" }).optional(),
  ),
  // This host's name among the supervisors sharing BOBB_DATABASE_URL; default hostname-pid (one per process)
  BOBB_NODE_ID: optionalText.pipe(
    z
      .string()
      .regex(/^[\w.:-]{1,100}$/, "1 to 100 letters, digits, '.', ':', '_' or '-', e.g. host-a")
      .optional(),
  ),
  // How long a host's lease on an agent lasts without renewal (renewed every third of it)
  BOBB_LEASE_TTL: ms(30_000, 1500),
  LOG_LEVEL: z
    .enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"], { error: "one of trace, debug, info, warn, error, fatal, silent" })
    .default("info"),
  // OpenCode
  BOBB_OPENCODE_MODE: z.enum(["project", "isolated", "shared"], { error: "project, isolated or shared" }).default("project"),
  BOBB_MODEL: optionalText.pipe(
    z
      .string()
      .regex(/^[\w.-]+\/[\w.:@-]+$/, "provider/model, e.g. anthropic/claude-sonnet-4-20250514")
      .optional(),
  ),
  BOBB_MODEL_BASE_URL: optionalUrl,
  BOBB_MODEL_API_KEY: optionalText,
  BOBB_PROMPT_TIMEOUT: ms(120_000, 1000),
  BOBB_QUEUE_LIMIT: count(8),
  // Nothing lost (issue 20): mentions waiting per conversation, and how far back a restart looks
  BOBB_WAITING_LIMIT: count(100),
  BOBB_RESUME_WINDOW: ms(600_000, 1000),
  BOBB_RESUME_MESSAGES: count(50),
  BOBB_AGENT_CONCURRENCY: count(4),
  BOBB_SESSION_IDLE: ms(7 * 24 * 3_600_000, 60_000),
  // Discord
  DISCORD_API_URL: optionalUrl,
  // Another Discord-compatible server: its API version (discord.js's REST and gateway, the token check) and the
  // web origin that serves /oauth2/authorize for invite links (default: DISCORD_API_URL without its /api).
  DISCORD_API_VERSION: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.coerce
      .number({ error: "a whole number such as 10 (the Discord API version)" })
      .int("a whole number such as 10 (the Discord API version)")
      .min(1, "a whole number such as 10 (the Discord API version)")
      .default(10),
  ),
  DISCORD_WEB_URL: optionalUrl,
  SANDBOX_PORT: port(3457),
  // Each bot is its own application with its own identify budget: no spacing between different bots' logins.
  BOBB_LOGIN_SPACING: ms(0),
  BOBB_REPLY_RETRY_WINDOW: ms(600_000),
  BOBB_TOKEN_CHECKS_PER_MINUTE: count(5),
  // A bot whose client crashed inside discord.js is restarted with backoff; past this many crashes in 10 minutes it is reported failed.
  BOBB_CLIENT_RESTART_LIMIT: count(5, 0),
  // Loop governor
  BOBB_BOT_TURN_CAP: count(8),
  BOBB_PAIR_BUDGET: count(12),
  BOBB_PAIR_BUDGET_ALL: count(24),
  BOBB_PAIR_WINDOW: ms(600_000, 1000),
  BOBB_GOVERNOR_COOLDOWN: ms(60_000),
  BOBB_TURN_POST_LIMIT: count(3),
  // Threads and attachments (issue 15)
  BOBB_AUTO_THREAD: optionalText.pipe(
    z
      .string()
      .regex(/^(all|\d{1,20}(\s*,\s*\d{1,20})*)$/i, 'guild ids separated by commas, or "all"')
      .optional(),
  ),
  BOBB_ATTACHMENT_TEXT_LIMIT: count(100_000),
  BOBB_ATTACHMENT_IMAGE_LIMIT: count(5_000_000),
  BOBB_ATTACHMENT_TIMEOUT: ms(10_000, 100),
  BOBB_MODEL_IMAGES: flag,
  BOBB_CHANGE_LIMIT: count(5),
  // Rooms (issue 16): the listener for outside agents, the URL written into invite blocks, AgentChat's limits
  BOBB_ROOMS_HOST: z.string().min(1).default("127.0.0.1"),
  BOBB_ROOMS_PORT: port(3458),
  BOBB_PUBLIC_URL: optionalText.pipe(
    z.url({ protocol: /^https?$/, error: "an http(s) URL such as https://bobb.example.org (where agents reach the rooms listener)" }).optional(),
  ),
  BOBB_ROOM_INVITE_TTL: ms(72 * 3_600_000, 60_000),
  BOBB_ROOM_CODE_TTL: ms(30 * 60_000, 10_000),
  BOBB_ROOM_MESSAGES_PER_MINUTE: count(30),
  BOBB_ROOM_MESSAGE_BYTES: count(4096, 64),
  BOBB_ROOM_AGENTS: count(10),
  BOBB_ROOM_INVITES: count(25),
  BOBB_ROOM_POLL_INTERVAL: ms(1000, 100),
  BOBB_ROOM_PING_INTERVAL: ms(30_000, 1000),
  BOBB_ROOM_BUFFER: count(500, 10),
});

export type Env = z.output<typeof envSchema>;
