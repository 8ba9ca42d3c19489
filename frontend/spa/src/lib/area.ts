/** The two halves of the SPA: the vendor's staff console and the customers' app. */
export type Area = 'console' | 'app';

export function areaOf(pathname: string): Area {
  return pathname === '/console' || pathname.startsWith('/console/') ? 'console' : 'app';
}

export function areaHome(area: Area): string {
  return area === 'console' ? '/console/dashboard' : '/app/team';
}

/**
 * Only same-origin paths inside an area are followed after sign-in: anything else (another site,
 * `//host`, the sign-in page itself) falls back to the area's home.
 */
export function safeReturnTo(value: string | null | undefined, area: Area): string {
  if (!value || !value.startsWith(`/${area}`) || value.startsWith('//') || value.includes('\\')) return areaHome(area);
  if (value.startsWith(`/${area}/login`)) return areaHome(area);
  return value;
}

export function signInPath(area: Area, returnTo?: string): string {
  const path = `/${area}/login`;
  return returnTo ? `${path}?return_to=${encodeURIComponent(returnTo)}` : path;
}
