import type { Config } from "./config/index.js";
import type { RootLogger } from "./log/index.js";
import type { ModelSettings } from "./opencode/index.js";

export const DEFAULT_ANTHROPIC_MODEL = "anthropic/claude-sonnet-4-20250514";

/** The model every agent talks to, and how to stop it when it runs in this process. */
export interface AgentModel {
  settings: ModelSettings;
  /** The offline demo model's URL when it was started here. */
  demoUrl: string | undefined;
  close(): Promise<void>;
}

/**
 * Picks the agents' model: `override` (a test's scripted model), else Anthropic or an
 * OpenAI-compatible server when configured, else the offline demo model, started here.
 */
export async function startAgentModel(config: Pick<Config, "env" | "modelSource">, root: RootLogger, override?: string): Promise<AgentModel> {
  const none = async () => undefined;
  if (override) return { settings: { kind: "demo", baseUrl: override }, demoUrl: undefined, close: none };
  const configured = configuredModel(config);
  if (configured) return { settings: configured, demoUrl: undefined, close: none };
  // Loaded only when it runs: the supervisor's start does not pay for it with a real model.
  const { createScriptedModel } = await import("./demo-model/index.js");
  const demo = await createScriptedModel({ logger: root.logger });
  return { settings: { kind: "demo", baseUrl: demo.url }, demoUrl: demo.url, close: () => demo.close() };
}

/** Model settings from the configuration, or undefined when no real model is configured. */
export function configuredModel(config: Pick<Config, "env" | "modelSource">): Exclude<ModelSettings, { kind: "demo" }> | undefined {
  const env = config.env;
  if (config.modelSource === "openai-compatible" && env.BOBB_MODEL_BASE_URL) {
    return {
      kind: "openai-compatible",
      baseUrl: env.BOBB_MODEL_BASE_URL,
      model: env.BOBB_MODEL ?? "local/default",
      ...(env.BOBB_MODEL_API_KEY ? { apiKey: env.BOBB_MODEL_API_KEY } : {}),
      ...(env.BOBB_MODEL_IMAGES ? { images: true } : {}),
    };
  }
  if (config.modelSource === "anthropic" && env.ANTHROPIC_API_KEY) {
    return { kind: "anthropic", model: env.BOBB_MODEL ?? DEFAULT_ANTHROPIC_MODEL, apiKey: env.ANTHROPIC_API_KEY };
  }
  return undefined;
}
