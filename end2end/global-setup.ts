// Starts the GitHub stand-in and the real `wharf` (both built by the set-up) on free ports
// with a throw-away data directory, Wharf pointed at the stand-in as its GitHub, and stops
// both after the suite. Each also stops by itself if this process dies: they are started
// with --stop-on-stdin-eof and their stdin is our pipe.
import { spawn, ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** Starts `bin args…` and resolves with the URL it prints ("listening on http://…"). */
function start(bin: string, args: string[], env: NodeJS.ProcessEnv): Promise<[ChildProcess, string]> {
  const child: ChildProcess = spawn(bin, args, { env, stdio: ["pipe", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`${bin} did not start: ${seen}`)), 30_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      const m = seen.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve([child, m[1]]);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${bin} exited with ${code} before listening: ${seen}`));
    });
  });
}

async function stop(child: ChildProcess) {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const bin = process.env.WHARF_BIN;
  if (!bin || !existsSync(bin)) {
    throw new Error(`WHARF_BIN must name the built wharf binary (got ${bin}); run scripts/test.sh`);
  }
  const standinBin = join(dirname(bin), "github-standin");
  const [standin, github] = await start(
    standinBin,
    [
      "--listen",
      "127.0.0.1:0",
      "--asset-listen",
      "127.0.0.1:0",
      "--stop-on-stdin-eof",
      // Benchmarks load the stand-in with more data (e.g. "--generate 2000:20").
      ...(process.env.WHARF_STANDIN_ARGS ?? "").split(" ").filter((a) => a),
    ],
    process.env,
  );
  const dataDir = mkdtempSync(join(tmpdir(), "wharf-e2e-"));
  const [wharf, url] = await start(bin, ["serve", "--stop-on-stdin-eof"], {
    ...process.env,
    WHARF_LISTEN: "127.0.0.1:0",
    WHARF_DATA_DIR: dataDir,
    WHARF_LOG: process.env.WHARF_LOG ?? "warn",
    WHARF_GITHUB_WEB_URL: github,
    WHARF_GITHUB_API_URL: github,
    WHARF_GITHUB_CLIENT_ID: "wharf-demo",
    WHARF_GITHUB_CLIENT_SECRET: "wharf-demo-secret",
  });
  process.env.WHARF_URL = url;
  process.env.GITHUB_STANDIN_URL = github;
  process.env.WHARF_DATA_DIR_E2E = dataDir;
  return async () => {
    await stop(wharf);
    await stop(standin);
    rmSync(dataDir, { recursive: true, force: true });
  };
}
