/**
 * Route selection as API Gateway HTTP APIs do it: on the raw path (`//` and `/../` are not normalized away),
 * the method must match (or be ANY), literal segments win over `{param}`, which wins over a greedy
 * `{proxy+}`, and `$default` catches the rest. A path whose percent-escapes do not decode is a client error.
 */
export interface RouteMatch {
  routeKey: string;
  pathParameters?: Record<string, string>;
}

interface CompiledRoute {
  routeKey: string;
  method: string;
  segments: string[];
  /** Higher is more specific. */
  rank: number;
}

/** `/a//b/` → ['a', '', 'b', '']: every segment kept, so only the exact path matches a route. */
const segmentsOf = (path: string) => path.split('/').slice(1);

const compile = (routeKey: string): CompiledRoute => {
  const [method = '', path = ''] = routeKey.split(' ');
  const segments = segmentsOf(path);
  const rank = segments.reduce((sum, segment) => {
    if (segment.endsWith('+}')) return sum;
    return sum + (segment.startsWith('{') ? 1 : 2);
  }, 0);
  return { routeKey, method, segments, rank };
};

function matchSegments(route: string[], path: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [index, segment] of route.entries()) {
    const greedy = /^\{(\w+)\+\}$/.exec(segment);
    if (greedy?.[1]) {
      if (index >= path.length) return undefined;
      params[greedy[1]] = path.slice(index).join('/');
      return params;
    }
    const value = path[index];
    if (value === undefined) return undefined;
    const param = /^\{(\w+)\}$/.exec(segment);
    if (param?.[1]) {
      if (!value) return undefined;
      params[param[1]] = decodeURIComponent(value);
    } else if (segment !== value) return undefined;
  }
  return route.length === path.length ? params : undefined;
}

export function createRouter(routeKeys: readonly string[]) {
  const routes = routeKeys
    .filter((key) => key !== '$default')
    .map(compile)
    .sort((a, b) => b.rank - a.rank);
  const hasDefault = routeKeys.includes('$default');

  return (method: string, rawPath: string): RouteMatch | 'malformed' | undefined => {
    const segments = segmentsOf(rawPath);
    try {
      for (const segment of segments) decodeURIComponent(segment);
    } catch {
      return 'malformed';
    }
    for (const route of routes) {
      if (route.method !== method && route.method !== 'ANY') continue;
      const params = matchSegments(route.segments, segments);
      if (params) {
        return Object.keys(params).length
          ? { routeKey: route.routeKey, pathParameters: params }
          : { routeKey: route.routeKey };
      }
    }
    return hasDefault ? { routeKey: '$default' } : undefined;
  };
}
