import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attachmentKind, prepareAttachments } from "./attachments.js";

/** A real HTTP server stands in for Discord's CDN (the sandbox serves attachments the same way). */
let server: Server;
let base = "";
const bodies: Record<string, Buffer> = {
  "/cat.png": Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]),
  "/notes.txt": Buffer.from("buy eggs and flour\n"),
  "/binary.txt": Buffer.from([0xff, 0xfe, 0, 1]),
  "/liar.txt": Buffer.alloc(500, 0x61),
  "/secret.txt": Buffer.from("token: MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789"),
};
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/slow.txt") return void setTimeout(() => res.end("late"), 2_000).unref();
    const body = bodies[req.url ?? ""];
    if (!body) return void res.writeHead(404).end();
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));

const limits = { textBytes: 100, imageBytes: 1_000, timeoutMs: 300 };

describe("attachments for the model", () => {
  it("a token in a text file is redacted before it reaches the model", async () => {
    const got = await prepareAttachments([{ name: "secret.txt", size: 82, contentType: "text/plain", url: `${base}/secret.txt` }], limits);
    const text = Buffer.from(got.files[0]!.url.split(",")[1]!, "base64").toString("utf8");
    expect(text).not.toContain("MTIzNDU2Nzg5MDEyMzQ1Njc4OQ");
    expect(text.startsWith("token: ")).toBe(true);
  });

  it("classifies by content type, else by name", () => {
    expect(attachmentKind({ name: "a.bin", contentType: "image/png" })).toEqual({ kind: "image", mime: "image/png" });
    expect(attachmentKind({ name: "a", contentType: "text/markdown; charset=utf-8" })).toEqual({ kind: "text", mime: "text/plain" });
    expect(attachmentKind({ name: "data.json", contentType: null })).toEqual({ kind: "text", mime: "text/plain" });
    expect(attachmentKind({ name: "photo.JPG", contentType: null })).toEqual({ kind: "image", mime: "image/jpeg" });
    expect(attachmentKind({ name: "song.mp3", contentType: "audio/mpeg" }).kind).toBe("other");
    // An SVG is XML text: read as text, not shown as an image.
    expect(attachmentKind({ name: "pic.svg", contentType: "image/svg+xml" }).kind).toBe("text");
  });

  it("sends images and text as data URLs and names what it does not send, with the reason", async () => {
    const got = await prepareAttachments(
      [
        { name: "cat.png", size: 7, contentType: "image/png", url: `${base}/cat.png` },
        { name: "notes.txt", size: 19, contentType: "text/plain; charset=utf-8", url: `${base}/notes.txt` },
        { name: "big.txt", size: 101, contentType: "text/plain", url: `${base}/never` },
        { name: "song.mp3", size: 5, contentType: "audio/mpeg", url: `${base}/never` },
        { name: "binary.txt", size: 4, contentType: null, url: `${base}/binary.txt` },
        { name: "liar.txt", size: 5, contentType: "text/plain", url: `${base}/liar.txt` },
        { name: "gone.txt", size: 5, contentType: "text/plain", url: `${base}/gone.txt` },
        { name: "slow.txt", size: 4, contentType: "text/plain", url: `${base}/slow.txt` },
      ],
      limits,
    );
    expect(got.files).toEqual([
      { mime: "image/png", filename: "cat.png", url: `data:image/png;base64,${bodies["/cat.png"]!.toString("base64")}` },
      { mime: "text/plain", filename: "notes.txt", url: `data:text/plain;base64,${bodies["/notes.txt"]!.toString("base64")}` },
    ]);
    expect(got.listed.map((l) => `${l.name}: ${l.status}`)).toEqual([
      "cat.png: sent as an image",
      "notes.txt: sent as text",
      "big.txt: not sent: too large (limit 100 bytes)",
      "song.mp3: not sent: unsupported type",
      "binary.txt: not sent: unsupported type (not UTF-8 text)",
      // The listed size said 5 bytes; the download stops at the limit.
      "liar.txt: not sent: too large (limit 100 bytes)",
      "gone.txt: not sent: download failed (HTTP 404)",
      "slow.txt: not sent: download timed out after 300 ms",
    ]);
  });
});
