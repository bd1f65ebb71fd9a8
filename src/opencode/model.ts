/** Which model the agents talk to. Keys stay here and reach OpenCode only through its environment. */
export type ModelSettings =
  | { kind: "anthropic"; model: string; apiKey: string }
  | { kind: "openai-compatible"; baseUrl: string; model: string; apiKey?: string; images?: boolean }
  | { kind: "demo"; baseUrl: string };

/** A custom model's capabilities in opencode.json when it reads images. */
const IMAGE_INPUT = { attachment: true, modalities: { input: ["text", "image"], output: ["text"] } };

/** The `provider`/`model` part of an agent's opencode.json; never contains a key. */
export function providerConfig(model: ModelSettings, agentId: string): Record<string, unknown> {
  switch (model.kind) {
    case "anthropic":
      // OpenCode's built-in anthropic provider reads ANTHROPIC_API_KEY from the server environment.
      return { model: model.model, small_model: model.model };
    case "openai-compatible": {
      const [provider, ...rest] = model.model.split("/");
      const name = rest.join("/") || "default";
      const id = provider || "local";
      return {
        model: `${id}/${name}`,
        small_model: `${id}/${name}`,
        provider: {
          [id]: {
            npm: "@ai-sdk/openai-compatible",
            name: id,
            // {env:...} is substituted by OpenCode at load time, so the key never sits in the file.
            options: { baseURL: model.baseUrl, ...(model.apiKey ? { apiKey: "{env:BOBB_MODEL_API_KEY}" } : {}) },
            // OpenCode gives a custom model text input only unless told it sees images (then image parts reach it).
            models: { [name]: { name, tool_call: true, ...(model.images ? IMAGE_INPUT : {}) } },
          },
        },
      };
    }
    case "demo":
      return {
        model: "demo/demo",
        small_model: "demo/demo",
        provider: {
          demo: {
            npm: "@ai-sdk/openai-compatible",
            name: "BoBB demo model",
            // The header tells the scripted model which agent is asking (no secret in it).
            options: { baseURL: model.baseUrl, headers: { "X-Bobb-Agent": agentId } },
            // The demo model "sees" images (it names them), so OpenCode sends image parts to it.
            models: { demo: { name: "demo", tool_call: true, ...IMAGE_INPUT } },
          },
        },
      };
  }
}

/** Environment variables that carry the model's key to the OpenCode server. */
export function modelEnv(model: ModelSettings): Record<string, string> {
  if (model.kind === "anthropic") return { ANTHROPIC_API_KEY: model.apiKey };
  if (model.kind === "openai-compatible" && model.apiKey) return { BOBB_MODEL_API_KEY: model.apiKey };
  return {};
}
