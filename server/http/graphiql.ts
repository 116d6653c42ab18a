import express, { type Router } from 'express';
import path from 'node:path';

const ASSETS: Record<string, string> = {
  'react.js': 'react/umd/react.production.min.js',
  'react-dom.js': 'react-dom/umd/react-dom.production.min.js',
  'graphiql.js': 'graphiql/graphiql.min.js',
  'graphiql.css': 'graphiql/graphiql.min.css',
};

const DEFAULT_QUERY = `# 红盾 Hongdun GraphQL API
# 1. Log in (demo logins are in the README), copy the token,
# 2. open "Headers" below and set {"Authorization": "Bearer <token>"}.
mutation Login {
  login(username: "sd-admin", password: "hongdun-demo") { token expiresAt viewer { name role jurisdiction } }
}

query Shops {
  shops(first: 10, filter: { regionCode: "3701" }) {
    totalCount
    nodes { id name platform filingStatus region { fullName } entity { name uscc } responsibleUnit { name } }
    pageInfo { hasNextPage endCursor }
  }
}
`;

/**
 * The GraphiQL page's Content-Security-Policy: scripts from this origin and the page's one inline script (its
 * nonce); styles from this origin and inline (GraphiQL's editors set them); requests to this origin only.
 */
export function graphiqlCsp(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The GraphiQL page, served from the project's own node_modules (no CDN); `nonce` admits its inline script. */
export function graphiqlPage(endpoint: string, assetBase: string, nonce: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8" />
<title>红盾 Hongdun · GraphiQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1" />
<link rel="stylesheet" href="${assetBase}/graphiql.css" />
<style>body{margin:0;height:100vh}#graphiql{height:100vh}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="${assetBase}/react.js"></script>
<script src="${assetBase}/react-dom.js"></script>
<script src="${assetBase}/graphiql.js"></script>
<script nonce="${nonce}">
  const fetcher = GraphiQL.createFetcher({ url: ${JSON.stringify(endpoint)} });
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, { fetcher, defaultQuery: ${JSON.stringify(DEFAULT_QUERY)}, isHeadersEditorEnabled: true, defaultEditorToolsVisibility: 'headers' })
  );
</script>
</body>
</html>`;
}

/** Static GraphiQL assets from node_modules. */
export function graphiqlAssets(): Router {
  const router = express.Router();
  for (const [name, file] of Object.entries(ASSETS)) {
    const [pkg, ...rest] = file.split('/');
    const full = path.join(path.dirname(require.resolve(`${pkg}/package.json`)), ...rest);
    router.get(`/${name}`, (_req, res) => {
      res.sendFile(path.resolve(full), { maxAge: '1d' });
    });
  }
  return router;
}
