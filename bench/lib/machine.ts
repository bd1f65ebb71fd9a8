import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { resolveOpencodeCommand } from "../../src/opencode/binary.js";

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  opencode: string;
  discordJs: string;
}

/** What the figures were measured on. */
export function machine(): Machine {
  let opencode = "unknown";
  try {
    opencode = execFileSync(resolveOpencodeCommand(), ["--version"], { encoding: "utf8", timeout: 20_000 }).trim();
  } catch {
    // reported as unknown
  }
  let discordJs = "unknown";
  try {
    discordJs = (JSON.parse(readFileSync(new URL("../../node_modules/discord.js/package.json", import.meta.url), "utf8")) as { version: string }).version;
  } catch {
    // reported as unknown
  }
  return {
    cpu: os.cpus()[0]?.model.trim() ?? "unknown",
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    opencode,
    discordJs,
  };
}
