import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { containsCredential, credentialWord, findBotTokens, redactCredentials } from "./credentials.js";

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
const body = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub: "1234567890123456789", iat: 1767225600 })}`;
const JWT = `${body}.${createHmac("sha256", "k").update(body).digest("base64url")}`;
const DISCORD = `${Buffer.from("123456789012345678").toString("base64url")}.GZxYzA.${"k".repeat(38)}`;
const KEY = `sk-${randomBytes(24).toString("base64url")}`;

describe("credential-shaped text", () => {
  it("finds Discord tokens and JWTs as bot tokens", () => {
    expect(findBotTokens(`a ${DISCORD} b ${JWT} c`)).toEqual([DISCORD, JWT]);
  });

  it("redacts JWTs, Discord tokens and long random keys, wherever they sit in a sentence", () => {
    const text = redactCredentials(`here: ${JWT}, and ${DISCORD}; key=${KEY}.`);
    for (const secret of [JWT, DISCORD, KEY]) expect(text).not.toContain(secret.slice(0, 16));
    expect(text).toContain("here:");
  });

  it("leaves ordinary text alone: words, paths, URLs, ids, version numbers", () => {
    for (const text of [
      "internationalization and counterrevolutionaries",
      "see /work/wt/h-robust/src/agents/intake-message.ts",
      "https://discord.com/oauth2/authorize?client_id=123456789012345678&scope=bot&permissions=274877991936",
      "user 123456789012345678 said hi at v1.2.3",
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1",
      "https://example.com/images/2026/photo-8f3a21.png and /tmp/bobb-e2e-Xa81b2/data/registry.json",
    ]) {
      expect(containsCredential(text), text).toBe(false);
      expect(redactCredentials(text)).toBe(text);
    }
  });

  it("takes a single pasted credential as a word, not a sentence", () => {
    expect(credentialWord(`  \`${JWT}\`  `)).toBe(JWT);
    expect(credentialWord(KEY)).toBe(KEY);
    expect(credentialWord(DISCORD)).toBe(DISCORD);
    expect(credentialWord(`my token is ${KEY}`)).toBeNull();
    expect(credentialWord("hello")).toBeNull();
  });
});
