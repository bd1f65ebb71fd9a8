import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

/** The opencode-<platform>-<arch>[-baseline][-musl] package names to try, best first. */
function nativePackages(): string[] {
  const platform = process.platform === "win32" ? "windows" : process.platform;
  const base = `opencode-${platform}-${process.arch}`;
  const musl = process.platform === "linux" && !existsSync("/lib64/ld-linux-x86-64.so.2") && !existsSync("/lib/ld-linux-aarch64.so.1");
  let avx2 = true;
  if (process.platform === "linux" && process.arch === "x64") {
    try {
      avx2 = /(^|\s)avx2(\s|$)/i.test(readFileSync("/proc/cpuinfo", "utf8"));
    } catch {
      avx2 = false;
    }
  }
  const order = avx2 ? ["", "-baseline"] : ["-baseline", ""];
  return order.map((v) => `${base}${v}${musl ? "-musl" : ""}`);
}

/**
 * The command that runs OpenCode. OPENCODE_COMMAND (passed as `override`) wins; else the
 * native binary from the opencode-ai package's platform dependency, spawned directly so a
 * process-group kill reaches the real server (a wrapper script could leave it orphaned);
 * else `opencode` on PATH.
 */
export function resolveOpencodeCommand(override?: string): string {
  if (override) return override;
  const exe = process.platform === "win32" ? "opencode.exe" : "opencode";
  for (const name of nativePackages()) {
    try {
      const file = path.join(path.dirname(require.resolve(`${name}/package.json`)), "bin", exe);
      if (existsSync(file)) return file;
    } catch {
      // not installed for this platform
    }
  }
  try {
    // opencode-ai's postinstall copies the native binary over its bin entry.
    const file = path.join(path.dirname(require.resolve("opencode-ai/package.json")), "bin", "opencode.exe");
    if (existsSync(file)) return file;
  } catch {
    // not installed
  }
  return "opencode";
}
