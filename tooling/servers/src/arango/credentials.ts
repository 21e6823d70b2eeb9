/**
 * The ArangoDB credentials of the suites and the demo: root with docker-compose's
 * `ARANGO_ROOT_PASSWORD` (dbwire-test), unless `ARANGO_USERNAME` / `ARANGO_PASSWORD` say otherwise.
 * The replay server accepts any credentials but, like arangod with authentication on, answers 401
 * to a request without them; using the real server's password everywhere keeps one code path.
 */
export const ARANGO_ROOT_PASSWORD = 'dbwire-test';

export function arangoCredentials(): { username: string; password: string } {
  return {
    username: process.env.ARANGO_USERNAME ?? 'root',
    password: process.env.ARANGO_PASSWORD ?? ARANGO_ROOT_PASSWORD,
  };
}
