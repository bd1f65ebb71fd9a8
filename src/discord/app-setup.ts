import { ApplicationFlags, DiscordAPIError, REST, Routes, type APIApplication, type APIUser } from "discord.js";
import type { Logger } from "../log/index.js";
import { avatarDataUri } from "./avatar.js";

/** Discord's limit for an application's description. */
export const DESCRIPTION_MAX = 400;

/** What BoBB sets up on a new bot's application with the bot's own token. */
export interface AppSetupSpec {
  agentId: string;
  name: string;
  persona: string;
  token: string;
}

/** How the MESSAGE CONTENT intent stands after the setup: on already, switched on now, refused by Discord, or unknown (Discord did not answer). */
export type IntentOutcome = "already" | "switched" | "refused" | "unknown";

export interface AppSetupReport {
  intent: IntentOutcome;
  description: "set" | "unchanged" | "failed";
  avatar: "set" | "kept" | "failed";
}

const CONTENT_INTENT = ApplicationFlags.GatewayMessageContent | ApplicationFlags.GatewayMessageContentLimited;

/** The persona as an app description: whitespace collapsed, at most 400 characters, cut at a word with "…". */
export function descriptionOf(persona: string): string {
  const flat = persona.replace(/\s+/g, " ").trim();
  if (flat.length <= DESCRIPTION_MAX) return flat;
  let cut = flat.slice(0, DESCRIPTION_MAX - 1);
  // Never end on half a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const space = cut.lastIndexOf(" ");
  return `${space > DESCRIPTION_MAX / 2 ? cut.slice(0, space) : cut}…`;
}

/**
 * Finishes a new bot's app the way a person would in the Developer Portal, through Discord's API
 * with the bot's own token: the MESSAGE CONTENT intent (`PATCH /applications/@me` with the
 * `GATEWAY_MESSAGE_CONTENT_LIMITED` flag, other flags kept), the description from the persona,
 * and an avatar made from the name unless the bot has one. Idempotent: only what differs is sent.
 * Never throws; what failed is in the report (and logged without the token or the request body).
 */
export class AppSetup {
  readonly #log: Logger;

  constructor(
    private readonly apiUrl: string | undefined,
    logger: Logger,
    private readonly timeoutMs = 10_000,
  ) {
    this.#log = logger.child({ component: "app-setup" });
  }

  async prepare(spec: AppSetupSpec): Promise<AppSetupReport> {
    const rest = new REST({
      ...(this.apiUrl ? { api: this.apiUrl.replace(/\/$/, "") } : {}),
      version: "10",
      timeout: this.timeoutMs,
      retries: 0,
      rejectOnRateLimit: () => true,
    }).setToken(spec.token);
    const log = this.#log.child({ agent: spec.agentId });
    try {
      const app = (await rest.get(Routes.currentApplication()).catch((err: unknown) => failed(log, "could not read the application", err))) as
        APIApplication | undefined;
      const report: AppSetupReport = { intent: "unknown", description: "failed", avatar: "failed" };
      if (app) {
        report.intent = await this.#intent(rest, app, log);
        report.description = await this.#description(rest, app, spec.persona, log);
      }
      report.avatar = await this.#avatar(rest, spec.name, log);
      log.info(report, "application set up");
      return report;
    } finally {
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    }
  }

  async #intent(rest: REST, app: APIApplication, log: Logger): Promise<IntentOutcome> {
    const flags = app.flags ?? 0;
    if ((flags & CONTENT_INTENT) !== 0) return "already";
    try {
      await rest.patch(Routes.currentApplication(), { body: { flags: flags | ApplicationFlags.GatewayMessageContentLimited } });
      return "switched";
    } catch (err) {
      // Discord answers 400/50035 with an error on `flags` when the app may not set it itself (a verified app).
      if (err instanceof DiscordAPIError && err.status === 400 && hasFieldError(err, "flags")) {
        log.warn({ code: err.code }, "Discord refused to switch on the MESSAGE CONTENT intent; the portal step is needed");
        return "refused";
      }
      failed(log, "could not switch on the MESSAGE CONTENT intent", err);
      return "unknown";
    }
  }

  async #description(rest: REST, app: APIApplication, persona: string, log: Logger): Promise<AppSetupReport["description"]> {
    const description = descriptionOf(persona);
    if (!description || app.description === description) return "unchanged";
    return rest.patch(Routes.currentApplication(), { body: { description } }).then(
      () => "set" as const,
      (err: unknown) => (failed(log, "could not set the description", err), "failed" as const),
    );
  }

  async #avatar(rest: REST, name: string, log: Logger): Promise<AppSetupReport["avatar"]> {
    try {
      const me = (await rest.get(Routes.user())) as APIUser;
      if (me.avatar) return "kept";
      await rest.patch(Routes.user(), { body: { avatar: avatarDataUri(name) } });
      return "set";
    } catch (err) {
      failed(log, "could not set the avatar", err);
      return "failed";
    }
  }
}

/** Logs a failed call by status and code only: discord.js errors carry the request body (a data URI, say). */
function failed(log: Logger, what: string, err: unknown): undefined {
  const detail = err instanceof DiscordAPIError ? { status: err.status, code: err.code, message: err.message } : { message: (err as Error).message };
  log.warn(detail, what);
  return undefined;
}

function hasFieldError(err: DiscordAPIError, field: string): boolean {
  const raw = err.rawError as { errors?: Record<string, unknown> };
  return raw.errors !== undefined && field in raw.errors;
}
