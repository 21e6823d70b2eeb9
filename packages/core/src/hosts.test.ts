import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { HostPool, parseHosts } from './hosts.js';

describe('parseHosts', () => {
  it('parses comma-separated URLs', () => {
    expect(parseHosts(' http://h1:8529 , https://H2.example:8530/ ')).toEqual([
      { raw: 'http://h1:8529', url: 'http://h1:8529', scheme: 'http', host: 'h1', port: 8529 },
      {
        raw: 'https://H2.example:8530/',
        url: 'https://h2.example:8530',
        scheme: 'https',
        host: 'h2.example',
        port: 8530,
      },
    ]);
  });

  it('parses host:port with the default scheme, and arrays (with commas inside)', () => {
    const eps = parseHosts(['alpha1:9080', 'alpha2:9080,alpha3:9081'], { scheme: 'dgraph' });
    expect(eps.map((e) => e.url)).toEqual([
      'dgraph://alpha1:9080',
      'dgraph://alpha2:9080',
      'dgraph://alpha3:9081',
    ]);
    expect(parseHosts('h1:9080')[0]).toMatchObject({ scheme: 'http', host: 'h1', port: 9080 });
  });

  it('fills the default port, then the scheme’s well-known port', () => {
    expect(parseHosts('localhost', { port: 8529 })[0]!.url).toBe('http://localhost:8529');
    expect(parseHosts('http://localhost', { port: 8529 })[0]!.port).toBe(8529);
    expect(parseHosts('http://localhost:80', { port: 8529 })[0]!.port).toBe(80);
    expect(parseHosts('https://db.example')[0]!.port).toBe(443);
    expect(parseHosts('db.example')[0]!.port).toBe(80);
  });

  it('parses IPv6 and IPv4 addresses', () => {
    expect(parseHosts('[::1]:80')[0]).toEqual({
      raw: '[::1]:80',
      url: 'http://[::1]:80',
      scheme: 'http',
      host: '::1',
      port: 80,
    });
    expect(parseHosts('bolt://[2001:DB8::7]:7687')[0]).toMatchObject({ host: '2001:db8::7', port: 7687 });
    expect(parseHosts('::1', { port: 9080 })[0]).toMatchObject({
      host: '::1',
      port: 9080,
      url: 'http://[::1]:9080',
    });
    expect(parseHosts('[fe80::1]', { port: 1 })[0]!.url).toBe('http://[fe80::1]:1');
    expect(parseHosts('10.0.0.7:10800')[0]).toMatchObject({ host: '10.0.0.7', port: 10800 });
  });

  it('keeps a path, drops trailing slashes, skips empty segments and duplicates', () => {
    expect(parseHosts('https://proxy:443/arango/')[0]!.url).toBe('https://proxy:443/arango');
    expect(parseHosts('h1:1,,h2:2,').map((e) => e.host)).toEqual(['h1', 'h2']);
    expect(parseHosts(['h1:1', 'http://h1:1']).length).toBe(1);
  });

  it.each([
    ['', /no hosts given/],
    ['  , ,', /no hosts given/],
    [[], /no hosts given/],
    ['h1:0', /out of range/],
    ['h1:65536', /out of range/],
    ['h1:80a', /invalid port/],
    ['h1:', /invalid port/],
    ['http://', /no host name/],
    ['http://:8529', /invalid host name/],
    ['bad host:80', /invalid host name/],
    ['-h:80', /invalid host name/],
    ['[::zz]:80', /invalid IPv6/],
    ['[::1', /invalid IPv6/],
    ['1:2:3', /IPv6/],
    ['http://root:pw@db:8529', /must not contain credentials/],
    ['http://db:8529/?x=1', /query or fragment/],
    ['1http://db:80', /invalid scheme/],
    ['noport', /no port/],
  ] as const)('rejects %j', (input, message) => {
    let err: unknown;
    try {
      parseHosts(input as string, input === 'noport' ? { scheme: 'tcp' } : undefined);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).code).toBe('ERR_INVALID_HOST');
    expect((err as Error).message).toMatch(message);
  });

  it('never echoes a password from a rejected URL', () => {
    expect(() => parseHosts('http://root:Sup3r-Secret@db:8529')).toThrow(/^(?!.*Sup3r-Secret)/);
  });

  it('rejects wrong input types and bad defaults', () => {
    expect(() => parseHosts(42 as unknown as string)).toThrow(/string or an array/);
    expect(() => parseHosts(null as unknown as string)).toThrow(/got null/);
    expect(() => parseHosts(['h:1', 7] as unknown as string[])).toThrow(
      /each host must be a string, got number/,
    );
    expect(() => parseHosts('h', { port: 0 })).toThrow(UsageError);
    expect(() => parseHosts('h:1', { scheme: '1x' })).toThrow(/default scheme/);
  });
});

describe('HostPool', () => {
  const hosts = ['a', 'b', 'c'] as const;

  function clock(start = 0) {
    const c = { t: start, now: () => c.t };
    return c;
  }

  it('round-robin cycles in order', () => {
    const pool = new HostPool(hosts);
    expect(pool.size).toBe(3);
    expect(pool.hosts).toEqual(['a', 'b', 'c']);
    expect(Object.isFrozen(pool.hosts)).toBe(true);
    expect(Array.from({ length: 7 }, () => pool.next())).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
  });

  it('random picks by the injected random', () => {
    const seq = [0, 0.5, 0.99, 0.34, 1, -1, Number.NaN];
    let i = 0;
    const pool = new HostPool(hosts, { resolver: 'random', random: () => seq[i++]! });
    expect(Array.from({ length: seq.length }, () => pool.next())).toEqual([
      'a',
      'b',
      'c',
      'b',
      'c',
      'a',
      'a',
    ]);
  });

  it('random skips marked-down hosts', () => {
    const c = clock();
    let r = 0;
    const pool = new HostPool(hosts, { resolver: 'random', random: () => r, now: c.now });
    pool.markDown('a');
    r = 0;
    expect(pool.next()).toBe('b');
    r = 0.99;
    expect(pool.next()).toBe('c');
    pool.markDown('c');
    r = 0.99;
    expect(pool.next()).toBe('b');
  });

  it('round-robin skips marked-down hosts and brings them back after markDownMs', () => {
    const c = clock(1000);
    const pool = new HostPool(hosts, { now: c.now, markDownMs: 5000 });
    pool.markDown('b');
    expect(pool.isDown('b')).toBe(true);
    expect(Array.from({ length: 4 }, () => pool.next())).toEqual(['a', 'c', 'a', 'c']);
    c.t += 4999;
    expect(pool.next()).toBe('a');
    expect(pool.isDown('b')).toBe(true);
    c.t += 1;
    expect(pool.isDown('b')).toBe(false);
    expect(Array.from({ length: 3 }, () => pool.next())).toEqual(['b', 'c', 'a']);
  });

  it('recovery is noticed by next() itself, and per-call ms overrides the default', () => {
    const c = clock();
    const pool = new HostPool(hosts, { now: c.now });
    pool.markDown('a', 100);
    expect(pool.next()).toBe('b');
    c.t = 100;
    expect(pool.next()).toBe('c');
    expect(pool.next()).toBe('a');
  });

  it('all down: returns the host that recovers soonest', () => {
    const c = clock();
    const pool = new HostPool(hosts, { now: c.now });
    pool.markDown('a', 300);
    pool.markDown('b', 100);
    pool.markDown('c', 200);
    expect(pool.next()).toBe('b');
    expect(pool.next()).toBe('b');
    c.t = 150;
    expect(pool.next()).toBe('b');
    expect(pool.order()).toEqual(['b', 'c', 'a']);
  });

  it('markUp restores a host at once; unknown hosts are ignored', () => {
    const pool = new HostPool(hosts);
    pool.markDown('a');
    pool.markUp('a');
    expect(pool.isDown('a')).toBe(false);
    pool.markDown('zzz' as 'a');
    expect(pool.isDown('zzz' as 'a')).toBe(false);
    expect(pool.next()).toBe('a');
  });

  it('order(): next() first, then the other up hosts, then down hosts by recovery time', () => {
    const c = clock();
    const pool = new HostPool(['a', 'b', 'c', 'd', 'e'], { now: c.now });
    expect(pool.order()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(pool.order()).toEqual(['b', 'c', 'd', 'e', 'a']);
    pool.markDown('d', 500);
    pool.markDown('a', 200);
    expect(pool.order()).toEqual(['c', 'e', 'b', 'a', 'd']);
    expect(pool.next()).toBe('e');
  });

  it('works with endpoint objects by identity', () => {
    const eps = parseHosts('h1:1,h2:2');
    const pool = new HostPool(eps);
    const first = pool.next();
    pool.markDown(first);
    expect(pool.next()).toBe(eps[1]);
    expect(pool.next()).toBe(eps[1]);
  });

  it('validates its options', () => {
    expect(() => new HostPool([])).toThrow(UsageError);
    expect(() => new HostPool(undefined as unknown as string[])).toThrow(/at least one host/);
    expect(() => new HostPool(['a'], { resolver: 'fastest' as 'random' })).toThrow(/unknown host resolver/);
    expect(() => new HostPool(['a'], { markDownMs: -1 })).toThrow(/markDownMs/);
    expect(() => new HostPool(['a']).markDown('a', Number.NaN)).toThrow(UsageError);
  });
});
