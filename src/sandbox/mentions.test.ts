import { describe, expect, it } from "vitest";
import { allowedMentionsError, parseMentions, resolveMentions } from "./mentions.js";

const A = "111111111111111111";
const B = "222222222222222222";
const R = "333333333333333333";

describe("parseMentions", () => {
  it("finds users in both forms, roles and everyone, without duplicates", () => {
    expect(parseMentions(`<@${A}> <@!${A}> <@${B}> <@&${R}> @here`)).toEqual({ userIds: [A, B], roleIds: [R], everyone: true });
  });
  it("ignores look-alikes", () => {
    expect(parseMentions(`@${A} <@abc> <#${A}> everyone`)).toEqual({ userIds: [], roleIds: [], everyone: false });
  });
});

describe("resolveMentions", () => {
  const parsed = { userIds: [A, B], roleIds: [R], everyone: true };
  it("without allowed_mentions pings everything typed and the replied user", () => {
    expect(resolveMentions(parsed, undefined, { isReply: true, canMentionEveryone: true })).toEqual({
      userIds: [A, B],
      roleIds: [R],
      everyone: true,
      repliedUser: true,
    });
  });
  it("with allowed_mentions pings only what is allowed; replies ping only with replied_user", () => {
    expect(resolveMentions(parsed, { users: [B] }, { isReply: true, canMentionEveryone: true })).toEqual({
      userIds: [B],
      roleIds: [],
      everyone: false,
      repliedUser: false,
    });
    expect(resolveMentions(parsed, { parse: ["users", "everyone"], replied_user: true }, { isReply: true, canMentionEveryone: false })).toEqual({
      userIds: [A, B],
      roleIds: [],
      everyone: false,
      repliedUser: true,
    });
  });
  it("refuses parse and an explicit list of the same kind", () => {
    expect(allowedMentionsError({ parse: ["users"], users: [A] })).toBe("users");
    expect(allowedMentionsError({ parse: ["users"], roles: [R] })).toBeNull();
  });
});
