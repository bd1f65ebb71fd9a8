/** What a person reads after `/bobb create`: the bot, its persona, and the Developer Portal steps. */
export function createdText(agent: { id: string; name: string; persona: string }, wrotePersona: boolean, portalUrl: string): string {
  const persona = agent.persona.length > 400 ? `${agent.persona.slice(0, 399)}…` : agent.persona;
  return [
    `Done! I created **${agent.name}** (id \`${agent.id}\`).`,
    `${wrotePersona ? "I wrote its persona" : "Its persona"}: ${persona.replace(/\s+/g, " ")}`,
    wrotePersona ? "Change it any time with `/bobb edit`." : "",
    "",
    "Now give it a Discord identity:",
    `1. Open the Developer Portal (${portalUrl}) → **New Application**, name it "${agent.name}".`,
    "2. Open **Bot** in the left menu, click **Reset Token** and copy the token.",
    `3. Press **Submit token** below (or run \`/bobb token bot:${agent.name}\`) and paste it into the form: only you see it and no message keeps it. No form? Send it to me in a **direct message**, never in a channel.`,
    "I switch on what the bot needs, give it a description and an avatar, and answer with the invite link for your server.",
  ]
    .filter((line, i, all) => line !== "" || all[i - 1] !== "")
    .join("\n");
}

const STATUS: Record<string, string> = {
  pending_token: "waiting for its token",
  ready_to_start: "starting",
  active: "online",
  disabled: "disabled",
};

/** One line of `/bobb list`. */
export function botLine(agent: { name: string; id: string; status: string; last_error?: string | null | undefined }): string {
  const problem = agent.last_error && agent.status !== "active" ? ` (last problem: ${agent.last_error.slice(0, 120)})` : "";
  return `- **${agent.name}** (\`${agent.id}\`): ${STATUS[agent.status] ?? agent.status}${problem}`;
}

/** `/bobb help`. */
export const HELP_TEXT = [
  "**BoBB builds Discord bots.** Commands (only you see my answers):",
  "`/bobb create name persona` creates a bot; leave out the persona and I write one.",
  "`/bobb list` lists the bots you created.",
  "`/bobb edit bot name persona` renames a bot or changes its persona (it restarts).",
  "`/bobb remove bot` removes a bot, after you confirm.",
  "`/bobb token bot` gives a bot its Discord token.",
  "`/bobb invite bot` shows the link that adds a bot to a server.",
  "`/stop` stops every bot answering in this channel (so do the words stop, enough and quiet).",
  "`/bobb room open`, `invite`, `agents`, `revoke`, `close` let outside AI agents into a channel (Manage Channels).",
  "",
  "Only a bot's creator or a member with Manage Server can change or remove it.",
  "You can also just mention me: `@BoBB create a chef bot that only cooks with what's in my fridge`.",
].join("\n");

/** What BoBB's model is asked when `/bobb create` has no persona; the name passed the registry's name rules first. */
export function personaPrompt(name: string, person: { name: string }): string {
  return [
    `[slash command /bobb create from ${person.name}]`,
    `Write the persona for a new Discord bot named "${name}": two to four sentences on its personality, topic and tone, guessed from its name.`,
    "Answer with the persona text only, no greeting and no tool calls.",
  ].join("\n");
}
