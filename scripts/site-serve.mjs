// A tiny static server for the built explorer (site/dist; npm run site builds first, then runs this).
// No dependencies: node:http, files only under the served folder, GET and HEAD, localhost only.
//
//   node scripts/site-serve.mjs [--port N] [--dir site/dist]
//
// --port 0 (or PORT=0) picks a free port; the default 8080 falls back to a free one when taken.
// Prints one line "explorer: http://127.0.0.1:PORT/" once it listens (the test reads it).
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const dir = resolve(root, arg('--dir') ?? join('site', 'dist'));
const requested = arg('--port') ?? process.env.PORT;
const port = requested == null ? 8080 : Number(requested);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`site-serve: --port must be an integer in [0, 65535], got ${requested}`);
  process.exit(1);
}
try {
  statSync(join(dir, 'index.html'));
} catch {
  console.error(`site-serve: ${join(dir, 'index.html')} is missing; build first: npm run site:build`);
  process.exit(1);
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.md': 'text/markdown; charset=utf-8',
};

const server = createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  let path;
  try {
    path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    res.writeHead(400).end('bad request');
    return;
  }
  if (path.endsWith('/')) path += 'index.html';
  const file = normalize(join(dir, path));
  if (file !== dir && !file.startsWith(dir + sep)) {
    res.writeHead(403).end('forbidden');
    return;
  }
  let stat;
  try {
    stat = statSync(file);
  } catch {
    stat = null;
  }
  if (stat == null || !stat.isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${path}`);
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': stat.size,
    'cache-control': 'no-cache',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
});

const listen = (p) => server.listen(p, '127.0.0.1');
server.on('error', (error) => {
  if (error.code === 'EADDRINUSE' && requested == null) {
    console.log(`site-serve: port ${port} is taken; using a free one`);
    listen(0);
    return;
  }
  console.error(`site-serve: ${error.message}`);
  process.exit(1);
});
server.on('listening', () => {
  const { port: actual } = server.address();
  console.log(`explorer: http://127.0.0.1:${actual}/`);
  console.log(`(serving ${dir}; Ctrl-C stops)`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
listen(port);
