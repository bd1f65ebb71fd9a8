/** Every user-facing line of token intake, in one place so they can be read and reviewed together. */
export const INTAKE_TEXT = {
  rejected: "That token was rejected by Discord; copy it again from Bot → Reset Token in the Developer Portal and send it to me here.",
  notABot: "That token belongs to a user account, not a bot. Open your application in the Developer Portal, go to Bot → Reset Token, and send me that token.",
  unreachable: "I could not reach Discord to check that token. Nothing was stored; please try again in a minute.",
  noPending: "Thanks, but I have no bot waiting for a token from you. Mention me in a channel and ask me to create one first. Nothing was stored.",
  inUse: (name: string) => `That token's bot is already connected as **${name}**. Create a new application for a new bot. Nothing was stored.`,
  which: (names: string[]) =>
    `You have ${names.length} bots waiting for a token: ${names.map((n) => `**${n}**`).join(", ")}. Which one is this token for? Reply with its name.`,
  whichAgain: (names: string[]) => `I did not recognise that name. Reply with one of: ${names.map((n) => `**${n}**`).join(", ")} (or "cancel").`,
  cancelled: "OK, I dropped that token without storing it.",
  activated: (name: string, invite: string) => `**${name}** is online: invite it with ${invite}\nThen mention it in a channel to talk to it.`,
  startFailed: (name: string, reason: string) =>
    `**${name}** did not start: ${reason}. When that is fixed, send me its token here again (the same one, or a new one after Reset Token).`,
  startTimeout: "it did not come online within 5 minutes (Discord or the bot's model server may be down)",
  exposed: (authorId: string, deleted: boolean) =>
    deleted
      ? `<@${authorId}> that looked like a bot token, posted where others can see it. I deleted the message and did not store the token. Reset it now in the Developer Portal (Bot → Reset Token), then send the new token to me by DM.`
      : `<@${authorId}> that looked like a bot token, posted where others can see it. I could not delete the message (I lack the Manage Messages permission here), so please delete it yourself. I did not store it. Reset it now in the Developer Portal (Bot → Reset Token), then send the new token to me by DM.`,
  malformed: "That looks like a token but is not a Discord bot token (copy it again from Bot → Reset Token in the Developer Portal). Nothing was stored.",
  notForThisServer:
    "That does not look like a bot token for this server, so I did not store it or pass it on. Copy the bot's token again (Bot → Reset Token in the Developer Portal) and send it to me here on its own.",
  tooMany: "That is more tokens than I check in a minute. I did not check this one; wait a minute and try again.",
  notForMe:
    "That looks like a bot token. Send tokens to BoBB by DM, not to me; I did not store it. Reset it now in the Developer Portal (Bot → Reset Token), since it went to the wrong bot, and send the new one to BoBB.",
  intentPortalStep:
    "Discord did not let me switch on its MESSAGE CONTENT intent myself (verified apps must do it by hand). In the Developer Portal open the app → Bot → Privileged Gateway Intents, turn on MESSAGE CONTENT INTENT and save",
  dmKeepsToken:
    "This DM still holds your token, and I cannot delete your messages here: delete it yourself (hover over your message, or long-press it on a phone → **Delete Message**). Next time use the **Submit token** button or `/bobb token`: the form keeps no message.",
  formNotYours: (name: string) => `Only the person who created **${name}** can submit its token. Nothing was stored.`,
  formNotWaiting: (name: string) => `**${name}** is not waiting for a token. Nothing was stored.`,
  formPrompt: (names: string[]) =>
    `${names.map((n) => `**${n}**`).join(", ")} ${names.length === 1 ? "is" : "are"} waiting for a token: press **Submit token** and paste it into the form (only you see it). No button? Send it to me by DM, never in a channel.`,
  formGone: "That bot no longer exists. Nothing was stored.",
  /**
   * The same answers after the token form: the form's answer shows in the channel it was opened
   * from, so it never says "send it here" (that would invite the token into the channel).
   */
  viaForm: {
    rejected:
      "That token was rejected by Discord; copy it again from Bot → Reset Token in the Developer Portal and paste it into the form again (**Submit token** or `/bobb token`). Nothing was stored.",
    notABot:
      "That token belongs to a user account, not a bot. Open your application in the Developer Portal, go to Bot → Reset Token, and paste that token into the form (**Submit token** or `/bobb token`).",
    notForThisServer:
      "That does not look like a bot token for this server, so I did not store it or pass it on. Copy the bot's token again (Bot → Reset Token in the Developer Portal) and paste it into the form again.",
    startFailed: (name: string, reason: string) =>
      `**${name}** did not start: ${reason}. When that is fixed, give me its token again with \`/bobb token bot:${name}\` (the same one, or a new one after Reset Token).`,
  },
  modelNotice: (agentId: string) =>
    `[a token for agent ${agentId} was received and validated; the system tells the person when the bot is online, or why it did not start]`,
} as const;
