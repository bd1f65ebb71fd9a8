// `npm run sandbox`: the sandbox alone, for demos and manual testing.
import { createSandbox } from "./sandbox.js";

const port = Number(process.env["SANDBOX_PORT"] ?? 3457);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`SANDBOX_PORT must be a port number (0-65535), got "${process.env["SANDBOX_PORT"]}"`);
  process.exit(1);
}
const statePath = process.env["SANDBOX_STATE"] || undefined;

try {
  const sandbox = await createSandbox({ port, ...(statePath ? { statePath } : {}) });
  console.log(`sandbox listening on ${sandbox.url}`);
  const stop = () => {
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("sandbox: error while closing", error);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (error) {
  console.error(`sandbox: could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
