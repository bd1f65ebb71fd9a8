import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFileAtomic } from "./atomic-write.js";

describe("writeFileAtomic", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "bobb-atomic-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("writes the content with the given mode, creating the directory, and leaves no temp file", async () => {
    const file = path.join(dir, "sub", "secret.json");
    await writeFileAtomic(file, "one", 0o600);
    await writeFileAtomic(file, "two", 0o600);
    expect(await readFile(file, "utf8")).toBe("two");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(path.dirname(file))).toEqual(["secret.json"]);
    await writeFileAtomic(file, "three", 0o644);
    expect((await stat(file)).mode & 0o777).toBe(0o644);
  });

  it("fails without touching the target or leaving a temp file when the rename cannot happen", async () => {
    const target = path.join(dir, "target");
    await writeFileAtomic(path.join(target, "inside"), "x", 0o600); // target is now a non-empty directory
    await expect(writeFileAtomic(target, "y", 0o600)).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(["target"]);
  });
});
