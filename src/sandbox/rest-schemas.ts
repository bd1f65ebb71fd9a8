import { z } from "zod";

// Request bodies of Discord's REST API that several route files share.

export const snowflake = z.string().regex(/^\d{17,20}$/);
export const allowedMentions = z.looseObject({
  parse: z.array(z.enum(["users", "roles", "everyone"])).optional(),
  users: z.array(z.string()).max(100).optional(),
  roles: z.array(z.string()).max(100).optional(),
  replied_user: z.boolean().optional(),
});
export const messageBody = z.looseObject({
  content: z.string().nullable().optional(),
  embeds: z.array(z.record(z.string(), z.unknown())).max(10).nullable().optional(),
  nonce: z
    .union([z.string().max(25), z.number().int()])
    .nullable()
    .optional(),
  enforce_nonce: z.boolean().optional(),
  tts: z.boolean().optional(),
  allowed_mentions: allowedMentions.nullable().optional(),
  message_reference: z
    .looseObject({ message_id: snowflake, channel_id: snowflake.optional(), fail_if_not_exists: z.boolean().optional() })
    .nullable()
    .optional(),
  components: z.array(z.record(z.string(), z.unknown())).nullable().optional(),
  flags: z.number().int().nullable().optional(),
});
export const webhookBody = messageBody.extend({ username: z.string().optional(), avatar_url: z.string().max(2048).optional() });
