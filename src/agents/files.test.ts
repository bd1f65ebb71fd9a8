import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { captureLogs } from "../../test/helpers/logs.js";
import { tempDir } from "../../test/helpers/temp.js";
import { written } from "../fs/write-barrier.js";
import type { Agent } from "../registry/index.js";
import { TemplateAgentFiles } from "./files.js";

const agent = (persona: string) => ({ id: "chef", name: "Chef Bot", persona }) as Agent;

describe("TemplateAgentFiles", () => {
  it("a reader that waits with written() sees a rewrite already started, not the old persona", async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await mkdir(path.join(dir, "_template"), { recursive: true });
      await writeFile(path.join(dir, "_template", "AGENTS.md"), "# {{name}}\n\n{{persona}}\n");
      const files = new TemplateAgentFiles(dir, captureLogs().logger);
      const file = path.join(dir, "chef", "AGENTS.md");
      await files.write(agent("A cook of risotto."));
      // The rewrite is started (as the reconciler does on another host's edit) and not awaited; a prompt reads next.
      const rewrite = files.write(agent("A sailor who says ahoy."));
      await written(file);
      expect(await readFile(file, "utf8")).toContain("A sailor who says ahoy.");
      await rewrite;
    } finally {
      await cleanup();
    }
  });
});
