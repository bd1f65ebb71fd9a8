// Small fetch helpers for the sandbox's JSON routes; errors carry the server's message.

/** Thrown when a route answers with an error body `{ error: { code, message } }`. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function request(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 204) return undefined;
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = data && data.error ? data.error : {};
    throw new ApiError(response.status, error.code ?? "http_" + response.status, error.message ?? response.statusText);
  }
  return data;
}

export const getJson = (path) => request("GET", path);
export const postJson = (path, body = {}) => request("POST", path, body);
export const patchJson = (path, body) => request("PATCH", path, body);
export const deleteJson = (path) => request("DELETE", path);
