// Public face of the sandbox: a local Discord-compatible server for tests and the offline demo.
export { createSandbox, type Sandbox, type SandboxOptions } from "./sandbox.js";
export type { SandboxControl, PortalGuild, ApplicationInfo, ApplicationSettings, ControlCommand, HumanMessageOptions, ObservedEvent } from "./control.js";
export type { Invocation } from "./command-invocation.js";
export type { CreatedApplication, IntentSettings } from "./accounts.js";
export type { SandboxLogger } from "./events.js";
export type { RateLimit, RateLimitOptions } from "./ratelimit.js";
export type { FaultMatch } from "./faults.js";
export type { TokenStyle } from "./token.js";
export type { AllowedMentions } from "./mentions.js";
export { DiscordError, SandboxError } from "./errors.js";
