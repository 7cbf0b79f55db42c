import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../src/build/csp.ts';

const directives = (policy: string) => new Map(policy.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]));

describe('Content-Security-Policy', () => {
  it('lets nothing leave the origin: images, scripts, styles, connections, frames and objects', () => {
    const policy = directives(contentSecurityPolicy());
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
    expect(policy.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(policy.get('style-src')).toEqual(["'self'"]);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    expect(policy.get('frame-src')).toEqual(["'none'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'self'"]);
    expect(policy.get('worker-src')).toEqual(["'self'"]);
  });

  it('adds a configured sync origin to connections only', () => {
    const policy = directives(contentSecurityPolicy({ connectOrigins: ['https://sync.example.com'] }));
    expect(policy.get('connect-src')).toEqual(["'self'", 'https://sync.example.com']);
    expect(policy.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
  });

  it.each(['*', 'https://*.example.com', 'https://sync.example.com/path', 'ftp://x.example.com'])('refuses %s as a sync origin', (origin) => {
    expect(() => contentSecurityPolicy({ connectOrigins: [origin] })).toThrow(/one exact origin/);
  });
});
