// What a person does in the sandbox's web chat, for the browser journeys: pick a channel, type
// with @mentions from the autocomplete, run a slash command from the "/" picker, read messages.
import type { Locator, Page } from "playwright-core";

/** The composer's text box. */
export const messageBox = (page: Page) => page.getByRole("textbox", { name: "Message" });

/** The rendered messages of the open channel by one author name. */
export const messagesBy = (page: Page, author: string): Locator => page.locator(".message").filter({ has: page.locator(".author", { hasText: author }) });

export async function openChannel(page: Page, name: string): Promise<void> {
  await page.locator("#channels .channel", { hasText: name }).click();
  await page.locator(".channel-header", { hasText: name }).waitFor();
}

/** Types text where `@Prefix` picks a member from the autocomplete, as a person does. */
export async function typeWithMentions(page: Page, parts: Array<string | { mention: string }>): Promise<void> {
  const box = messageBox(page);
  for (const part of parts) {
    if (typeof part === "string") {
      await box.pressSequentially(part);
      continue;
    }
    await box.pressSequentially(`@${part.mention.slice(0, 4)}`);
    await page.locator(".autocomplete-item.selected", { hasText: part.mention }).waitFor();
    await box.press("Enter");
  }
}

/** Sends a message as the person `meId` and resolves with its id once the chat shows it. */
export async function send(page: Page, meId: string, parts: Array<string | { mention: string }>): Promise<string> {
  const mine = page.locator(`.message[data-author-id="${meId}"]`);
  const before = await mine.count();
  await typeWithMentions(page, parts);
  await messageBox(page).press("Enter");
  await mine.nth(before).waitFor();
  return (await mine.nth(before).getAttribute("data-id"))!;
}

/**
 * Types `/` and the start of a command, waits for the picker to offer `/<path>` and chooses it
 * with Enter; the composer turns into the command's option fields. `beforeChoose` runs while the
 * picker is open (a screenshot).
 */
export async function pickCommand(page: Page, typed: string, path: string, beforeChoose?: () => Promise<void>): Promise<void> {
  await messageBox(page).pressSequentially(`/${typed}`);
  await page.locator(".command-item.selected", { hasText: `/${path}` }).waitFor();
  await beforeChoose?.();
  await messageBox(page).press("Enter");
  await page.locator(".command-chip", { hasText: `/${path}` }).waitFor();
}

/** Fills the chosen command's option fields (by option name) and runs it; resolves once the picker closed. */
export async function runPicked(page: Page, values: Record<string, string>, beforeRun?: () => Promise<void>): Promise<void> {
  for (const [name, value] of Object.entries(values)) await page.locator(`#command-option-${name}`).fill(value);
  await beforeRun?.();
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await page.locator(".command-chip").waitFor({ state: "detached" });
}

/** Messages rendered after the one with `id`, as { id, author, text, bot }. */
export async function messagesAfter(page: Page, id: string): Promise<{ id: string; author: string; text: string; bot: boolean }[]> {
  return page.locator(".message").evaluateAll((nodes, after) => {
    let author = "";
    let bot = false;
    const all = nodes.map((n) => {
      // Grouped messages have no header: they belong to the author above.
      const header = n.querySelector(".header .author");
      if (header) {
        author = header.textContent ?? "";
        bot = n.querySelector(".header .bot-tag") !== null;
      }
      return { id: (n as HTMLElement).dataset["id"] ?? "", author, bot, text: n.querySelector(".content")?.textContent ?? "" };
    });
    return all.slice(nodes.findIndex((n) => (n as HTMLElement).dataset["id"] === after) + 1);
  }, id);
}
