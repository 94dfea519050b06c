// A small JSON client for tests: one call, status and parsed body back.
export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export type Caller = (
  method: string,
  path: string,
  options?: { token?: string; body?: unknown; headers?: Record<string, string> },
) => Promise<Answer>;

/** Calls `base + path`, or an in-process Hono app when given one. */
export function caller(target: string | { request: (path: string, init: RequestInit) => Response | Promise<Response> }): Caller {
  return async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const init: RequestInit = { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) };
    const res = typeof target === 'string' ? await fetch(target + path, init) : await target.request(path, init);
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body, headers: res.headers };
  };
}
