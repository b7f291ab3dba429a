#!/usr/bin/env node
// serve.mjs — `node scripts/serve.mjs [dir] [port]`: serve the built site and print its URL.
import { startStaticServer } from './static-server.mjs';

const [root = 'dist', portText = process.env.PORT ?? '8080'] = process.argv.slice(2);
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`serve: port must be a whole number 0-65535, got '${portText}'`);
  process.exit(2);
}
startStaticServer(root, port).then(
  ({ url }) => console.log(`lmlab is being served at ${url} (Ctrl-C to stop)`),
  (err) => {
    console.error(`serve: cannot listen on 127.0.0.1:${port}: ${err.message}`);
    process.exit(1);
  },
);
