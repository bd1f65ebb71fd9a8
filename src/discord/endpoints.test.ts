import { describe, expect, it } from "vitest";
import { botInviteUrl, discordEndpoints, portalUrl } from "./endpoints.js";

describe("discordEndpoints", () => {
  it("defaults to Discord itself, API v10", () => {
    const e = discordEndpoints(undefined);
    expect(e).toEqual({ apiUrl: "https://discord.com/api", apiVersion: 10, webUrl: "https://discord.com" });
    expect(botInviteUrl(e, "123")).toBe("https://discord.com/oauth2/authorize?client_id=123&scope=bot&permissions=274877991936");
  });

  it("derives the invite origin from another server's API base", () => {
    expect(discordEndpoints("http://127.0.0.1:8080/api/").webUrl).toBe("http://127.0.0.1:8080");
    expect(discordEndpoints("http://127.0.0.1:8080/api/v9", 9).webUrl).toBe("http://127.0.0.1:8080");
    expect(discordEndpoints("https://chat.example/discord/api").webUrl).toBe("https://chat.example/discord");
    expect(botInviteUrl(discordEndpoints("http://127.0.0.1:8080/api"), "42")).toMatch(/^http:\/\/127\.0\.0\.1:8080\/oauth2\/authorize\?client_id=42&/);
  });

  it("uses DISCORD_WEB_URL when it is set", () => {
    const e = discordEndpoints("http://127.0.0.1:8080/api", 10, "https://web.example/");
    expect(botInviteUrl(e, "7")).toMatch(/^https:\/\/web\.example\/oauth2\/authorize\?client_id=7&/);
  });
});

describe("portalUrl", () => {
  it("is Discord's Developer Portal by default and follows DISCORD_WEB_URL or the API base elsewhere", () => {
    expect(portalUrl(discordEndpoints(undefined))).toBe("https://discord.com/developers/applications");
    expect(portalUrl(discordEndpoints("http://127.0.0.1:8080/api"))).toBe("http://127.0.0.1:8080/developers/applications");
    expect(portalUrl(discordEndpoints("https://api.example.org/api", 10, "https://chat.example.org/"))).toBe(
      "https://chat.example.org/developers/applications",
    );
  });
});
