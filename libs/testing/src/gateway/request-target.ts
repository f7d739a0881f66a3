/**
 * The request line's target, split the way API Gateway (REST) splits it: the path stays
 * percent-encoded (a live capture shows `path: "/capture/space%20value"` and `%2F` kept as is),
 * the query string is form-decoded (`+` is a space, `%2B` a plus).
 */

export interface RequestTarget {
  /** The path as received, stage included. */
  rawPath: string;
  /** The path after the stage, still percent-encoded; `null` when it is outside the stage. */
  path: string | null;
  /** Decoded query pairs in order; a key without `=` has the value `''`. */
  query: Array<[string, string]>;
  /** The query string as received, without `?` (what a SigV4 signature covers). */
  rawQuery: string;
}

/** Splits `req.url` (origin form, or absolute form from a proxy) into path and query. */
export function parseRequestTarget(target: string, stage: string): RequestTarget {
  let rawPath = target;
  let rawQuery = '';
  if (/^https?:\/\//i.test(target)) {
    const url = new URL(target);
    rawPath = url.pathname;
    rawQuery = url.search.slice(1);
  } else {
    const mark = target.indexOf('?');
    if (mark >= 0) {
      rawPath = target.slice(0, mark);
      rawQuery = target.slice(mark + 1);
    }
  }
  return { rawPath, path: stripStage(rawPath, stage), query: [...new URLSearchParams(rawQuery)], rawQuery };
}

/** `/dev` and `/dev/` are the root `/`; `/dev/x` is `/x`; anything else is outside the stage. */
export function stripStage(rawPath: string, stage: string): string | null {
  const prefix = `/${stage}`;
  if (rawPath === prefix) return '/';
  return rawPath.startsWith(`${prefix}/`) ? rawPath.slice(prefix.length) : null;
}
