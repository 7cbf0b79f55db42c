import type { Plugin } from 'vite';

/**
 * The app's Content-Security-Policy, built in one place for both the page's meta tag and
 * the preview server's header. Nothing may leave the origin: a later sync server is added
 * as exactly one explicit origin in `connectOrigins`, never a wildcard.
 */
export function contentSecurityPolicy(options: { connectOrigins?: readonly string[] } = {}): string {
  const connect = ["'self'", ...(options.connectOrigins ?? []).map(checkedOrigin)];
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    // 'wasm-unsafe-eval': the optimiser compiles fsrs-browser's WebAssembly; no JS eval is allowed.
    ['script-src', ["'self'", "'wasm-unsafe-eval'"]],
    // React sets style properties through the CSSOM (bar widths), which style-src does not govern,
    // so no 'unsafe-inline' is needed.
    ['style-src', ["'self'"]],
    ['connect-src', connect],
    ['frame-src', ["'none'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'self'"]],
    ['worker-src', ["'self'"]],
    ['form-action', ["'self'"]],
  ];
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}

function checkedOrigin(origin: string): string {
  if (!/^https?:\/\/[a-z0-9.-]+(:\d+)?$/i.test(origin) || new URL(origin).origin !== origin.toLowerCase()) {
    throw new Error(`connect-src takes one exact origin such as https://sync.example.com, not ${JSON.stringify(origin)}`);
  }
  return origin;
}

/** Adds the policy as the first element of the built page's head (the dev server keeps its inline preamble). */
export function cspMetaPlugin(policy: string): Plugin {
  return {
    name: 'rehearse-csp-meta',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: policy }, injectTo: 'head-prepend' }],
    },
  };
}
