import { describe, expect, it } from "vitest";
import { KeyStore } from "./keys.js";

describe("KeyStore", () => {
  it("keeps roles apart: an agent with the operator's or BoBB's id neither replaces nor revokes their keys", () => {
    const keys = new KeyStore();
    const admin = keys.register("operator-key-0123456789", "admin", "admin");
    const bobb = keys.issue("bobb", "bobb");
    const child = keys.issue("admin", "child");
    const twin = keys.issue("bobb", "child");
    expect(keys.resolve(admin)).toEqual({ agentId: "admin", role: "admin" });
    expect(keys.resolve(bobb)).toEqual({ agentId: "bobb", role: "bobb" });
    expect(keys.resolve(child)).toEqual({ agentId: "admin", role: "child" });
    keys.revoke("admin");
    keys.revoke("bobb");
    expect(keys.resolve(admin)?.role).toBe("admin");
    expect(keys.resolve(bobb)?.role).toBe("bobb");
    expect(keys.resolve(child)).toBeUndefined();
    expect(keys.resolve(twin)).toBeUndefined();
  });
});
