import { Role, TaskState, type Message, type SendMessageResult, type Task } from "@a2a-js/sdk";
import { ClientFactory, ClientFactoryOptions, JsonRpcTransportFactory, type Client } from "@a2a-js/sdk/client";

/** The SDK's own A2A client for a bot's card URL, sending the key as a bearer header (or none). */
export async function a2aClient(cardUrl: string, key?: string): Promise<Client> {
  const authed: typeof fetch = (input, init) =>
    fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string> | undefined), ...(key ? { authorization: `Bearer ${key}` } : {}) } });
  const options = ClientFactoryOptions.createFrom(ClientFactoryOptions.default, { transports: [new JsonRpcTransportFactory({ fetchImpl: authed })] });
  return new ClientFactory(options).createFromUrl(cardUrl, "");
}

/** A user message with one text part, as the SDK's types want it. */
export function userMessage(text: string, contextId = ""): Message {
  return {
    messageId: crypto.randomUUID(),
    contextId,
    taskId: "",
    role: Role.ROLE_USER,
    parts: [{ content: { $case: "text", value: text }, metadata: undefined, filename: "", mediaType: "text/plain" }],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}

/** SendMessage's params: the message, optionally answered at once (`returnImmediately`). */
export function sendParams(text: string, returnImmediately = false) {
  return {
    tenant: "",
    message: userMessage(text),
    configuration: { acceptedOutputModes: ["text/plain"], taskPushNotificationConfig: undefined, returnImmediately },
    metadata: undefined,
  };
}

export function asTask(result: SendMessageResult): Task {
  if (!("status" in result)) throw new Error(`expected a task, got a message: ${JSON.stringify(result)}`);
  return result;
}

/** The text of a task's status message and of its artifacts. */
export function statusText(task: Task): string {
  return (task.status?.message?.parts ?? []).map((p) => (p.content?.$case === "text" ? p.content.value : "")).join("");
}
export function artifactText(task: Task): string {
  return task.artifacts
    .flatMap((a) => a.parts)
    .map((p) => (p.content?.$case === "text" ? p.content.value : ""))
    .join("");
}

export { TaskState };
