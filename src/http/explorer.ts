import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * The schema explorer for development: GraphiQL 3 served from npm packages by this server — no CDN
 * (government intranets have none) and no front-end build (GraphiQL 3's UMD bundle runs from plain
 * script tags; GraphiQL 5 needs a bundler and Monaco's web workers). Subscriptions go over
 * graphql-ws's own browser build. Off in production, as introspection is.
 */
export const EXPLORER_PATH = "/graphiql";

const require = createRequire(import.meta.url);
/** Each asset: its package and the file in it (read from the package's folder: not every file is in its `exports`). */
const ASSETS: Record<string, { pkg: string; file: string; type: string }> = {
  "react.js": { pkg: "react", file: "umd/react.production.min.js", type: "text/javascript" },
  "react-dom.js": { pkg: "react-dom", file: "umd/react-dom.production.min.js", type: "text/javascript" },
  "graphiql.js": { pkg: "graphiql", file: "graphiql.min.js", type: "text/javascript" },
  "graphiql.css": { pkg: "graphiql", file: "graphiql.min.css", type: "text/css" },
  "graphql-ws.js": { pkg: "graphql-ws", file: "umd/graphql-ws.min.js", type: "text/javascript" },
};
const cache = new Map<string, Buffer>();

/** Example operations per audience, opened as tabs (tokens: the start banner prints them). */
export const EXPLORER_TABS = [
  {
    query: `# 求职者 (portal, no credential): search open postings\nquery Search($q: String) {\n  searchPostings(query: $q, first: 10) {\n    totalCount\n    edges { node { id title salaryMin salaryMax employer { name } region { name } } }\n    pageInfo { hasNextPage endCursor }\n  }\n}`,
    variables: `{ "q": "会计" }`,
  },
  {
    query: `# 用人单位 (employer token): draft a posting\nmutation Draft {\n  createPosting(input: { title: "电商运营专员", description: "负责店铺日常运营", minEducation: ASSOCIATE, regionCode: "350102", headcount: 3, kind: REGULAR, validUntil: "2027-06-30T00:00:00Z" }) { id status }\n}`,
    headers: `{ "Authorization": "Bearer <EMPLOYER token from the start banner>" }`,
  },
  {
    query: `# 合作平台 (partner key): push postings, idempotent by externalId\nmutation Push {\n  upsertPartnerPostings(postings: [{ externalId: "job-1", title: "Java开发工程师", minEducation: BACHELOR, regionCode: "350102", validUntil: "2030-06-30T00:00:00Z", employer: { name: "某科技有限公司", creditCode: "91350100M000100Y43", regionCode: "350102" } }]) {\n    created updated unchanged rejected\n    items { externalId outcome error { code field message } }\n  }\n}`,
    headers: `{ "X-Api-Key": "<demo partner key from the start banner>" }`,
  },
  {
    query: `# 经办人 (caseworker token): who is still below the minimum\nquery Compliance {\n  referralCompliance {\n    total atMinimum belowMinimum\n    belowPeople(first: 20) {\n      edges { node { person { id name } required counted remaining lastRunReason } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n}`,
    headers: `{ "Authorization": "Bearer <CASEWORKER token from the start banner>" }`,
  },
];

function page(graphqlPath: string): string {
  const tabs = JSON.stringify(EXPLORER_TABS).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>就业帮扶 API · GraphiQL</title>
<link rel="stylesheet" href="${EXPLORER_PATH}/assets/graphiql.css">
<style>body{margin:0;height:100vh}#graphiql{height:100vh}</style></head>
<body><div id="graphiql">Loading…</div>
<script>addEventListener("error", (e) => { document.getElementById("graphiql").textContent += " The explorer failed: " + e.message + " (" + e.filename + ":" + e.lineno + ")"; });</script>
<script src="${EXPLORER_PATH}/assets/react.js"></script>
<script src="${EXPLORER_PATH}/assets/react-dom.js"></script>
<script src="${EXPLORER_PATH}/assets/graphql-ws.js"></script>
<script src="${EXPLORER_PATH}/assets/graphiql.js"></script>
<script>
  const url = new URL(${JSON.stringify(graphqlPath)}, location.href);
  const wsUrl = url.href.replace(/^http/, "ws");
  const fetcher = GraphiQL.createFetcher({ url: url.href, wsClient: graphqlWs.createClient({ url: wsUrl, lazy: true }) });
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, { fetcher, defaultTabs: ${tabs}, defaultEditorToolsVisibility: true, shouldPersistHeaders: false }),
  );
</script></body></html>`;
}

/** Serves the explorer and its assets; false when the path is not the explorer's. */
export async function serveExplorer(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> {
  if (pathname !== EXPLORER_PATH && !pathname.startsWith(`${EXPLORER_PATH}/assets/`)) return false;
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET" }).end();
    return true;
  }
  if (pathname === EXPLORER_PATH) {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(page("/graphql"));
    return true;
  }
  const name = pathname.slice(`${EXPLORER_PATH}/assets/`.length);
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!asset) {
    res.writeHead(404).end();
    return true;
  }
  const key = `${asset.pkg}/${asset.file}`;
  let body = cache.get(key);
  if (!body) cache.set(key, (body = await readFile(join(dirname(require.resolve(`${asset.pkg}/package.json`)), asset.file))));
  res.writeHead(200, { "content-type": `${asset.type}; charset=utf-8`, "cache-control": "public, max-age=86400" });
  res.end(body);
  return true;
}
