// What the deployment tests share: free ports, and the servers they start.
import net from 'node:net';

// A port nobody listens on now.
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Resolves when `child` has written a line matching `re` on stderr.
export function waitForStderr(child, re, what) {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${text}`)), 20000);
    child.stderr.on('data', (chunk) => {
      text += chunk;
      const m = text.match(re);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.on('exit', (code) => reject(new Error(`${what} exited with ${code}: ${text}`)));
  });
}

export function exited(child) {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((r) => child.once('exit', r));
}
