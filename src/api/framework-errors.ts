import http from "node:http";
import type { Duplex } from "node:stream";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { STATUS_BY_CODE, type ApiCode } from "./errors.js";

/** The documented error body; every 4xx and 5xx the API sends has this shape. */
export const errorBody = (code: ApiCode, message: string) => ({ error: { code, message } });

/**
 * Fastify's `frameworkErrors`: errors raised while routing, before any route or hook runs
 * (a bad percent-encoding, a path segment over maxParamLength). Without it Fastify answers
 * with a body of its own.
 */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  if (err.code === "FST_ERR_BAD_URL") {
    void reply.code(STATUS_BY_CODE.BAD_URL).send(errorBody("BAD_URL", "the URL is not valid: check its percent-encoding (%XX with two hex digits, UTF-8)"));
  } else if (err.code === "FST_ERR_MAX_PARAM_LENGTH") {
    void reply.code(STATUS_BY_CODE.URI_TOO_LONG).send(errorBody("URI_TOO_LONG", "a path segment is too long (at most 100 characters)"));
  } else {
    void reply.code(STATUS_BY_CODE.BAD_REQUEST).send(errorBody("BAD_REQUEST", "the request could not be routed"));
  }
}

const CLIENT_ERRORS: Readonly<Record<string, [code: ApiCode, message: string]>> = {
  HPE_HEADER_OVERFLOW: ["HEADERS_TOO_LARGE", "the request line and headers are too large (at most 16 KB)"],
  ERR_HTTP_REQUEST_TIMEOUT: ["REQUEST_TIMEOUT", "the request took too long to arrive"],
};

/**
 * Fastify's `clientErrorHandler`: requests Node's HTTP parser refuses before Fastify sees
 * them (oversized headers or URL, a malformed request line or header). Same body as every
 * other error, then the connection is closed, as Node does.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  const [code, message] = CLIENT_ERRORS[err.code ?? ""] ?? ["BAD_REQUEST", "the request is not valid HTTP"];
  const status = STATUS_BY_CODE[code];
  if (socket.writable) {
    const body = JSON.stringify(errorBody(code, message));
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
