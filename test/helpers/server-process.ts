import { spawn, execFile, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { projectRoot } from "../../src/paths.js";
import { parsePosition, type LogPosition } from "../../src/search/change-log.js";

/** Where the server is compiled for tests that run it as separate processes (git-ignored). */
const buildDir = join(projectRoot, ".replica-build");
let built: Promise<void> | undefined;

/** Compiles the server once per test run (swc, as `npm run build` does, into its own folder). */
export function buildServer(): Promise<void> {
  built ??= promisify(execFile)(process.execPath, [join(projectRoot, "src/tools/build.mjs"), "--out", ".replica-build"], {
    cwd: projectRoot,
  }).then(() => undefined);
  return built;
}

export interface ServerProcess {
  name: string;
  /** The GraphQL endpoint. */
  url: string;
  child: ChildProcess;
  /** What the process wrote (its log lines). */
  output: string[];
  /** How far its search index has followed the change log (from /readyz). */
  searchPosition(): Promise<LogPosition | null>;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<{ data?: T | null; errors?: { message: string; extensions?: { code?: string } }[] }>;
  /** SIGTERM and wait (the server drains); `kill` is SIGKILL, no goodbye. */
  stop(): Promise<void>;
  kill(): Promise<void>;
}

/** Starts the compiled server as its own process on a free port, with `env` over test defaults. */
export async function startServerProcess(name: string, env: Record<string, string>): Promise<ServerProcess> {
  await buildServer();
  const child = spawn(process.execPath, [join(buildDir, "src/main.js")], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "test",
      PORT: "0",
      LOG_LEVEL: "info",
      SEED_DEMO: "never",
      POSTING_EXPIRY_SWEEP_SECONDS: "0",
      CAMPAIGN_RUN_INTERVAL_MS: "0",
      CATEGORY_REEVALUATION_INTERVAL_MS: "0",
      // Tests deliver notifications themselves (app.notifications.drain(clock)).
      NOTIFICATION_INTERVAL_MS: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let pending = "";
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 60 s:\n${output.join("\n").slice(-2000)}`)), 60_000);
    const take = (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) {
        output.push(line);
        if (!line.startsWith("{")) continue;
        try {
          const entry = JSON.parse(line) as { step?: string; url?: string };
          if (entry.step === "listening" && entry.url) {
            clearTimeout(timer);
            resolve(entry.url);
          }
        } catch {
          // not a log line
        }
      }
    };
    child.stdout!.on("data", take);
    child.stderr!.on("data", (chunk: Buffer) => output.push(chunk.toString("utf8")));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before listening:\n${output.join("\n").slice(-2000)}`));
    });
  });
  const base = url.replace(/\/graphql$/, "");
  return {
    name,
    url,
    child,
    output,
    async searchPosition() {
      const body = (await (await fetch(`${base}/readyz`)).json()) as { search?: { position?: string | null } };
      return body.search?.position ? parsePosition(body.search.position) : null;
    },
    async gql<T>(query: string, variables?: Record<string, unknown>, token?: string) {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as { data?: T | null; errors?: { message: string; extensions?: { code?: string } }[] };
    },
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}
