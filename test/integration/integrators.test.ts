import { buildClientSchema, getIntrospectionQuery, Kind, parse, printSchema, validate, type GraphQLScalarType, type IntrospectionQuery, type OperationDefinitionNode } from "graphql";
import { plainIntrospection, pricingContext } from "../../src/graphql/limits.js";
import { EXPLORER_TABS } from "../../src/http/explorer.js";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "@graphql-codegen/cli";
import ts from "typescript";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { getSchema } from "../../src/graphql/schema.js";
import { CHROMIUM, CHROMIUM_FLAGS, runChromium } from "../helpers/chromium.js";
import { codeOf, startTestApp, type TestApp } from "../helpers/test-app.js";
import { makePosting } from "../helpers/factories.js";
import { Role } from "../../src/auth/viewer.js";


/** What an integrator's tools do first, against a development server. */
describe("the integrator's first hour", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it("answers the standard introspection query (what codegen, GraphiQL, Inspector and Postman send) outside the cost limit, and a client schema built from it is the server's", async () => {
    const query = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true });
    const answer = await t.gql<IntrospectionQuery>(query);
    expect(answer.status).toBe(200);
    expect(answer.errors).toBeUndefined();
    const client = buildClientSchema(answer.data!);
    expect(printSchema(client)).toBe(printSchema(await getSchema()));
    // Custom scalars say which specification they follow (code generators type them from it).
    for (const name of ["LocalDate", "DateTimeISO"]) expect((client.getType(name) as GraphQLScalarType).specifiedByURL, name).toMatch(/^https:\/\/scalars\.graphql\.org\//);
  });

  it("prices an introspection query that nests more lists than the standard one, and one mixed with data", async () => {
    // Four lists nested (graphql-js's own introspection-depth rule lets it through: one `fields`).
    const deeper = await t.gql(`{ __schema { types { fields { args { type { enumValues { name } } } } } } }`);
    expect(codeOf(deeper), JSON.stringify(deeper.errors)).toBe("QUERY_TOO_COMPLEX");
    // Aliases cannot multiply the schema's answer: a third ask at the top is priced.
    const many = await t.gql(`{ a: __schema { types { fields { name } } } b: __schema { types { fields { name } } } c: __schema { types { fields { name } } } }`);
    expect(many.extensions?.cost).not.toEqual({ requested: 1, maximum: 12_000 });
    // Fragments spread over and over are not walked path by path: 3^24 paths here, judged within a visit budget.
    const fragments = Array.from({ length: 24 }, (_, i) => `fragment F${i} on Query { __typename ${i < 23 ? `...F${i + 1} ...F${i + 1} ...F${i + 1}` : ""} }`).join("\n");
    const document = parse(`query { __typename ...F0 }\n${fragments}`);
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    expect(plainIntrospection(operation, pricingContext(document).fragments)).toBe(false);
    // Three, as the standard query: answered.
    const three = await t.gql(`{ __schema { directives { args { type { fields { name } } } } } }`);
    expect(three.errors).toBeUndefined();
    const mixed = await t.gql(`{ __schema { types { name fields { name args { name } } } } searchPostings(first: 100) { edges { node { id employer { postings(first: 100) { edges { node { id } } } } } } } }`);
    expect(codeOf(mixed)).toBe("QUERY_TOO_COMPLEX");
  });

  it("lets a browser front end on an allowed origin call it: the preflight answered before CSRF checks, the answer readable; another origin refused", async () => {
    const origin = "http://localhost:5173";
    const preflight = await fetch(t.url, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type, authorization" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(origin);
    expect(preflight.headers.get("access-control-allow-headers")).toContain("authorization");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
    expect(preflight.headers.get("vary")).toContain("Origin");
    const answer = await fetch(t.url, { method: "POST", headers: { origin, "content-type": "application/json" }, body: JSON.stringify({ query: "{ __typename }" }) });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("access-control-allow-origin")).toBe(origin);
    expect(answer.headers.get("access-control-expose-headers")).toContain("x-request-id");
    const stranger = "https://evil.example";
    const refused = await fetch(t.url, { method: "OPTIONS", headers: { origin: stranger, "access-control-request-method": "POST" } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    const unread = await fetch(t.url, { method: "POST", headers: { origin: stranger, "content-type": "application/json" }, body: JSON.stringify({ query: "{ __typename }" }) });
    expect(unread.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("accepts a WebSocket from an allowed origin or none (not a browser), and refuses one from another origin", async () => {
    const ws = (origin?: string) =>
      new Promise<string>((resolve) => {
        const socket = new WebSocket(t.url.replace(/^http/, "ws"), "graphql-transport-ws", origin ? { headers: { origin } } : {});
        socket.on("open", () => (socket.close(), resolve("open")));
        socket.on("unexpected-response", (_req, res) => resolve(`refused ${res.statusCode}`));
        socket.on("error", (e) => resolve(`error ${e.message}`));
      });
    expect(await ws("http://localhost:5173")).toBe("open");
    expect(await ws()).toBe("open");
    expect(await ws("https://evil.example")).toBe("refused 401");
  });

  it("compresses answers above the threshold as the client accepts (br, else gzip), and leaves small ones alone", async () => {
    const query = `{ __schema { types { name description fields { name description } } } }`;
    const body = JSON.stringify({ query });
    const ask = (encoding: string) => new Promise<{ encoding: string | undefined; raw: Buffer }>((resolve, reject) => {
      const url = new URL(t.url);
      const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": "application/json", "accept-encoding": encoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ encoding: res.headers["content-encoding"], raw: Buffer.concat(chunks) }));
      });
      req.on("error", reject);
      req.end(body);
    });
    const plain = await ask("identity");
    expect(plain.encoding).toBeUndefined();
    expect(plain.raw.length).toBeGreaterThan(1024);
    const br = await ask("gzip, deflate, br");
    expect(br.encoding).toBe("br");
    expect(brotliDecompressSync(br.raw).toString()).toBe(plain.raw.toString());
    expect(br.raw.length).toBeLessThan(plain.raw.length / 3);
    const gz = await ask("gzip");
    expect(gz.encoding).toBe("gzip");
    expect(gunzipSync(gz.raw).toString()).toBe(plain.raw.toString());
    // Small: as it is.
    const small = await fetch(t.url, { method: "POST", headers: { "content-type": "application/json", "accept-encoding": "br" }, body: JSON.stringify({ query: "{ __typename }" }) });
    expect(small.headers.get("content-encoding")).toBeNull();
  });

  it("GraphQL Code Generator reads the running server's schema and types a front end's operations; the result compiles", async () => {
    const dir = mkdtempSync(join(tmpdir(), "codegen-"));
    try {
      writeFileSync(
        join(dir, "operations.graphql"),
        `query Search($q: String, $after: String) {
           searchPostings(query: $q, first: 5, after: $after) { totalCount edges { cursor node { id title salaryMin salaryMax employer { name } region { code name } } } pageInfo { hasNextPage endCursor } }
         }
         query Regions { regions(parentCode: "350000") { code name } }`,
      );
      await generate(
        {
          schema: t.url,
          documents: join(dir, "operations.graphql"),
          generates: { [join(dir, "graphql.ts")]: { plugins: ["typescript", "typescript-operations"] } },
          silent: true,
        },
        true,
      );
      const generated = readFileSync(join(dir, "graphql.ts"), "utf8");
      expect(generated).toContain("export type SearchQuery");
      // A front end's use of the types: compiled strictly.
      writeFileSync(
        join(dir, "use.ts"),
        `import type { SearchQuery } from "./graphql.js";
         export function titles(answer: SearchQuery): string[] { return answer.searchPostings.edges.map((e) => e.node.title); }`,
      );
      const program = ts.createProgram([join(dir, "use.ts")], { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, skipLibCheck: true });
      const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      expect(problems).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf(Boolean(CHROMIUM))("a page on another origin, in headless Chromium, calls the API over HTTP (preflighted) and WebSocket and shows the answers", async () => {
    const api = new URL(t.url);
    // The page's own server: another origin (localhost on another port) than the API's. The page
    // shows each answer and posts what it shows back to its server once it has both (the test waits
    // for that report, not for a time: a WebSocket does not hold Chromium's virtual time).
    const page = `<!doctype html><html><body><p id="http">…</p><p id="ws">…</p><script>
      const shown = {};
      const show = (id, text) => {
        document.getElementById(id).textContent = text;
        shown[id] = text;
        if (shown.http && shown.ws) fetch("/report", { method: "POST", body: JSON.stringify({ http: document.getElementById("http").textContent, ws: document.getElementById("ws").textContent }) });
      };
      fetch(${JSON.stringify(t.url)}, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ regions(parentCode: \\"350000\\") { name } }" }) })
        .then((r) => r.json()).then((j) => show("http", "http:" + j.data.regions.map((r) => r.name).join(",")))
        .catch((e) => show("http", "http-error:" + e));
      const ws = new WebSocket(${JSON.stringify(t.url.replace(/^http/, "ws"))}, "graphql-transport-ws");
      ws.onopen = () => ws.send(JSON.stringify({ type: "connection_init", payload: {} }));
      ws.onmessage = (m) => { show("ws", "ws:" + JSON.parse(m.data).type); ws.close(); };
      ws.onerror = () => show("ws", "ws-error");
    </script></body></html>`;
    let report: (shown: { http: string; ws: string }) => void = () => undefined;
    const reported = new Promise<{ http: string; ws: string }>((resolve) => (report = resolve));
    const server = createServer(async (req, res) => {
      if (req.method === "POST" && req.url === "/report") {
        let body = "";
        for await (const chunk of req) body += chunk;
        report(JSON.parse(body) as { http: string; ws: string });
        res.writeHead(204).end();
        return;
      }
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(page);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const pageUrl = `http://localhost:${(server.address() as AddressInfo).port}/`;
    expect(new URL(pageUrl).origin).not.toBe(api.origin);
    const browser = spawn(CHROMIUM!, [...CHROMIUM_FLAGS, `--user-data-dir=${mkdtempSync(join(tmpdir(), "chromium-"))}`, pageUrl], { stdio: "ignore" });
    try {
      const shown = await Promise.race([reported, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("the page reported nothing within 25 s")), 25_000))]);
      expect(shown.http).toMatch(/^http:.*福州市/);
      expect(shown.ws).toBe("ws:connection_ack");
    } finally {
      browser.kill("SIGKILL");
      server.closeAllConnections();
      server.close();
    }
  });

  it("answers the server's own refusals as application/graphql-response+json when the client asks for it", async () => {
    const ask = (accept?: string) =>
      fetch(t.url, { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer not-a-token", ...(accept ? { accept } : {}) }, body: JSON.stringify({ query: "{ __typename }" }) });
    const graphqlResponse = await ask("application/graphql-response+json, application/json;q=0.9");
    expect(graphqlResponse.status).toBe(401);
    expect(graphqlResponse.headers.get("content-type")).toBe("application/graphql-response+json; charset=utf-8");
    expect(((await graphqlResponse.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe("UNAUTHENTICATED");
    const plain = await ask();
    expect(plain.status).toBe(401);
    expect(plain.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const tooBig = await fetch(t.url, { method: "POST", headers: { "content-type": "application/json", accept: "application/graphql-response+json" }, body: JSON.stringify({ query: "{ __typename }", variables: { pad: "x".repeat(1_100_000) } }) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.headers.get("content-type")).toBe("application/graphql-response+json; charset=utf-8");
  });

  it("speaks Chinese by default and English when asked (Accept-Language), with the code and field unchanged — in resolvers, validation, limits and the server's own refusals", async () => {
    const post = async (body: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(t.url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
      return { res, body: (await res.json()) as { errors: { message: string; extensions: { code: string; field?: string } }[] } };
    };
    const cases: { body: unknown; headers?: Record<string, string>; code: string; zh: RegExp; en: RegExp; field?: string }[] = [
      // Argument validation (class-validator's own wording, said in Chinese).
      { body: { query: "{ searchPostings(query: \"会计\", filter: { salaryAtLeast: -1 }) { totalCount } }" }, code: "BAD_USER_INPUT", field: "filter.salaryAtLeast", zh: /^salaryAtLeast 不能小于 0$/, en: /^salaryAtLeast must not be less than 0$/ },
      { body: { query: "{ searchPostings(query: \"会计\", first: 0) { totalCount } }" }, code: "BAD_USER_INPUT", field: "first", zh: /^first 须在 1 至 100 之间$/, en: /^first must be 1–100$/ },
      // A resolver's DomainError (an id that is none).
      { body: { query: "{ posting(id: \"x\") { id } }" }, code: "BAD_USER_INPUT", field: "id", zh: /^id 不是有效的 ID$/, en: /^id is not a valid ID$/ },
      // The server's own refusal before GraphQL (a body that is not JSON).
      { body: "{not json", code: "BAD_REQUEST", zh: /^请求正文不是有效的 JSON$/, en: /^The request body is not valid JSON$/ },
      // A credential refused (401).
      { body: { query: "{ __typename }" }, headers: { authorization: "Bearer not-a-token" }, code: "UNAUTHENTICATED", zh: /[\u4e00-\u9fff]/, en: /^[\x20-\x7e–—’]+$/ },
      // The document limits (aliases).
      { body: { query: `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: __typename`).join(" ")} }` }, code: "TOO_MANY_ALIASES", zh: /查询使用了 40 个别名/, en: /^The query uses 40 aliases/ },
    ];
    for (const c of cases) {
      const zh = await post(c.body, c.headers);
      const en = await post(c.body, { ...c.headers, "accept-language": "en-GB,en;q=0.9,zh-CN;q=0.8" });
      for (const answer of [zh, en]) {
        expect(answer.body.errors[0]!.extensions.code).toBe(c.code);
        if (c.field) expect(answer.body.errors[0]!.extensions.field).toBe(c.field);
      }
      expect(zh.res.status).toBe(en.res.status);
      expect(zh.body.errors[0]!.message).toMatch(c.zh);
      expect(en.body.errors[0]!.message).toMatch(c.en);
      // An answer GraphQL made varies by language for caches.
      if (zh.res.status === 200) expect(zh.res.headers.get("vary") ?? "").toMatch(/Accept-Language/);
    }
    // Chinese weighted above English, or a language the server does not speak: Chinese.
    const preferZh = await post(cases[0]!.body, { "accept-language": "zh-CN,zh;q=0.9,en;q=0.8" });
    expect(preferZh.body.errors[0]!.message).toMatch(cases[0]!.zh);
    const other = await post(cases[0]!.body, { "accept-language": "fr-FR" });
    expect(other.body.errors[0]!.message).toMatch(cases[0]!.zh);
  });

  it("a field whose access varies by caller is null for one who may not see it, with the error at its path — the rest of the answer stands", async () => {
    const posting = await makePosting(t.db);
    const seeker = await t.token({ sub: "s", role: Role.SEEKER, personId: "00000000-0000-4000-8000-000000000001" });
    const admin = await t.token({ sub: "a", role: Role.ADMIN });
    const query = `query($id: ID!) { posting(id: $id) { id title referrals { id } } }`;
    const refused = await t.gql<{ posting: { id: string; title: string; referrals: unknown } | null }>(query, { id: posting.id }, { token: seeker });
    expect(refused.data?.posting).toEqual({ id: posting.id, title: posting.title, referrals: null });
    expect(refused.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([["FORBIDDEN", ["posting", "referrals"]]]);
    const allowed = await t.gql<{ posting: { referrals: unknown[] } }>(query, { id: posting.id }, { token: admin });
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data!.posting.referrals).toEqual([]);
  });

  it("does what the README says of GET, CSRF and 401", async () => {
    const get = (query: string, headers: Record<string, string> = {}) => fetch(`${t.url}?query=${encodeURIComponent(query)}`, { headers });
    // A plain GET (what a page on another site could make a browser send) is refused by CSRF prevention.
    const plain = await get("{ __typename }");
    expect(plain.status).toBe(400);
    expect(((await plain.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe("BAD_REQUEST");
    // With the preflight header, a query runs; a mutation never does over GET.
    const query = await get("{ __typename }", { "apollo-require-preflight": "true" });
    expect(query.status).toBe(200);
    expect(((await query.json()) as { data: unknown }).data).toEqual({ __typename: "Query" });
    const mutation = await get(`mutation { revokePartnerKey(keyId: "x") { id } }`, { "apollo-require-preflight": "true" });
    expect(mutation.status).toBe(405);
    // A wrong credential: 401 for the whole request. None at all: the public, a guarded field null with UNAUTHENTICATED at its path, in a 200.
    const wrong = await t.gql("{ __typename }", {}, { token: "not-a-token" });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("vary")).toMatch(/Accept-Language/); // worded in the request's language, so a cache keeps each apart
    const anonymous = await t.gql<{ __typename: string; viewer: { role: string } }>("{ __typename viewer { role } people(first: 1) { totalCount } }");
    expect(anonymous.status).toBe(200);
    expect(anonymous.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([["UNAUTHENTICATED", ["people"]]]);
  });

  it("says the limits in force and what is left (IETF RateLimit headers), and each operation's cost in its answer", async () => {
    const answer = await t.gql<{ regions: { name: string }[] }>(`{ regions(parentCode: "350000") { name } }`);
    expect(answer.errors).toBeUndefined();
    expect(answer.headers.get("ratelimit-policy")).toMatch(/^"requests";q=\d+;w=60, "cost";q=\d+;w=60$/);
    const first = /^"requests";r=(\d+);t=(\d+)$/.exec(answer.headers.get("ratelimit") ?? "");
    expect(first).not.toBeNull();
    const cost = answer.extensions?.cost as { requested: number; maximum: number } | undefined;
    expect(cost).toEqual({ requested: expect.any(Number), maximum: 12_000 });
    expect(cost!.requested).toBeGreaterThan(1);
    const again = await t.gql(`{ __typename }`);
    const second = /^"requests";r=(\d+);t=(\d+)$/.exec(again.headers.get("ratelimit") ?? "");
    expect(Number(second![1])).toBe(Number(first![1]) - 1);
  });

  it.runIf(Boolean(CHROMIUM))("serves an offline schema explorer (GraphiQL from npm, no CDN) that opens in Chromium with the audiences' examples; a browser opening /graphql is sent there", async () => {
    const base = t.url.replace(/\/graphql$/, "");
    const html = await (await fetch(`${base}/graphiql`)).text();
    // Every script and style from this server.
    for (const [, src] of html.matchAll(/(?:src|href)="([^"]+)"/g)) expect(src!.startsWith("/graphiql/assets/")).toBe(true);
    for (const name of ["react.js", "react-dom.js", "graphql-ws.js", "graphiql.js", "graphiql.css"]) {
      const asset = await fetch(`${base}/graphiql/assets/${name}`);
      expect(asset.status, name).toBe(200);
      expect(asset.headers.get("content-type")).toContain(name.endsWith(".css") ? "text/css" : "javascript");
    }
    expect((await fetch(`${base}/graphiql/assets/nothing.js`)).status).toBe(404);
    const opened = await fetch(t.url, { headers: { accept: "text/html" }, redirect: "manual" });
    expect(opened.status).toBe(302);
    expect(opened.headers.get("location")).toBe("/graphiql");
    const { stdout: dom } = await runChromium(["--virtual-time-budget=15000", "--dump-dom", `${base}/graphiql`], { timeout: 60_000, maxBuffer: 20_000_000 });
    expect(dom).toContain("graphiql-container");
    expect(dom).not.toMatch(/The explorer failed: Uncaught/);
    // The examples it opens with are valid operations of this schema.
    const schema = await getSchema();
    for (const tab of EXPLORER_TABS) expect(validate(schema, parse(tab.query)).map((e) => e.message), tab.query).toEqual([]);
  });
});
