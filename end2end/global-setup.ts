// Starts the real `wharf` (built by the set-up) on a free port with a throw-away data
// directory, and stops it after the suite. The server also stops by itself if this
// process dies: it is started with --stop-on-stdin-eof and its stdin is our pipe.
import { spawn, ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default async function globalSetup(): Promise<() => Promise<void>> {
  const bin = process.env.WHARF_BIN;
  if (!bin || !existsSync(bin)) {
    throw new Error(`WHARF_BIN must name the built wharf binary (got ${bin}); run scripts/test.sh`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), "wharf-e2e-"));
  const child: ChildProcess = spawn(bin, ["serve", "--stop-on-stdin-eof"], {
    env: {
      ...process.env,
      WHARF_LISTEN: "127.0.0.1:0",
      WHARF_DATA_DIR: dataDir,
      WHARF_LOG: process.env.WHARF_LOG ?? "warn",
    },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`wharf did not start: ${seen}`)), 30_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      const m = seen.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`wharf exited with ${code} before listening: ${seen}`));
    });
  });
  process.env.WHARF_URL = url;
  process.env.WHARF_DATA_DIR_E2E = dataDir;
  return async () => {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    rmSync(dataDir, { recursive: true, force: true });
  };
}
