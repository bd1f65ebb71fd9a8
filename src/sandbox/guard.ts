import type { IncomingHttpHeaders } from "node:http";
import { networkInterfaces } from "node:os";

// The sandbox has no authentication: it serves only the person at this machine. A web page they
// visit can still reach loopback, either by DNS rebinding (its own name resolving to 127.0.0.1:
// the request then carries a foreign Host) or by a cross-site form or fetch (a foreign Origin).
// So every request must be addressed to one of the sandbox's own addresses, and a write (or a
// WebSocket upgrade, which CORS does not guard) with an Origin must come from one of them too.
// discord.js sends Host 127.0.0.1:PORT and no Origin; the web chat sends its own origin.

/** Why a request was refused: the code and a message that names the offending header value. */
export interface Refusal {
  code: "foreign_host" | "foreign_origin";
  message: string;
}

/** The request fields the guard looks at. */
export interface GuardedRequest {
  method?: string | undefined;
  headers: IncomingHttpHeaders;
}

const WILDCARDS = new Set(["0.0.0.0", "::", ""]);
const READS = new Set(["GET", "HEAD"]);

/** Host and Origin checks for a sandbox listening on `host` (the port is set once it listens). */
export class LocalGuard {
  #allowed = new Set<string>();
  #shown = "";

  constructor(private readonly host: string) {}

  /** Sets the port the sandbox listens on; the allowed addresses are its loopback names plus the configured host. */
  listening(port: number): void {
    const names = ["127.0.0.1", "localhost", "::1"];
    if (WILDCARDS.has(this.host)) {
      // Listening on every interface: each of this machine's addresses is one of the sandbox's own.
      for (const address of Object.values(networkInterfaces()).flat()) if (address) names.push(address.address);
    } else {
      names.push(this.host);
    }
    const authorities = names.map((name) => (name.includes(":") ? `[${name.toLowerCase()}]` : name.toLowerCase()));
    this.#allowed = new Set(authorities.flatMap((authority) => (port === 80 ? [`${authority}:80`, authority] : [`${authority}:${port}`])));
    this.#shown = authorities
      .slice(0, 3)
      .map((authority) => `${authority}:${port}`)
      .join(", ");
  }

  /** The refusal for a request, or null when it may proceed; `upgrade` checks the Origin of reads too. */
  check(request: GuardedRequest, upgrade = false): Refusal | null {
    const host = request.headers.host?.toLowerCase();
    if (!host || !this.#allowed.has(host)) {
      return {
        code: "foreign_host",
        message: `the sandbox answers only requests addressed to this machine (${this.#shown}); this one was addressed to ${quote(request.headers.host)}`,
      };
    }
    const origin = request.headers.origin;
    if (origin === undefined || (!upgrade && READS.has(request.method ?? "GET"))) return null;
    if (this.#isOwnOrigin(origin)) return null;
    return {
      code: "foreign_origin",
      message: `the sandbox accepts ${upgrade ? "connections" : "changes"} only from its own pages (http://${this.#shown.split(", ")[0] ?? ""} and its other local addresses); this one came from ${quote(origin)}`,
    };
  }

  #isOwnOrigin(origin: string): boolean {
    try {
      const url = new URL(origin);
      return url.protocol === "http:" && this.#allowed.has(url.host.toLowerCase()) && url.origin === origin.toLowerCase();
    } catch {
      return false;
    }
  }
}

/** The header value for a message: quoted, bounded, printable only. */
function quote(value: string | undefined): string {
  if (value === undefined) return "no Host";
  return JSON.stringify(value.replace(/[^\x20-\x7e]/g, "?").slice(0, 100));
}

/** The raw HTTP answer that refuses a WebSocket upgrade, with the same JSON body as an HTTP refusal. */
export function upgradeRefusal(refusal: Refusal): string {
  const body = JSON.stringify({ error: refusal });
  return `HTTP/1.1 403 Forbidden\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}
