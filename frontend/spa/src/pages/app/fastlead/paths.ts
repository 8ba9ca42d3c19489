/** A workspace's pages: /app/fastlead/<workspace id>/<tab>… */
export const WORKSPACE_TABS = ['leads', 'dashboard', 'widget', 'channels', 'calendar', 'settings'] as const;
export type WorkspaceTab = (typeof WORKSPACE_TABS)[number];

/** `/app/fastlead/<id>/<tab>…` → its workspace id and tab (the header's switcher keeps the tab). */
export function workspacePath(pathname: string): { workspaceId: string; tab: WorkspaceTab } | null {
  const match = /^\/app\/fastlead\/(ws_[^/]+)(?:\/([^/]+))?/.exec(pathname);
  if (!match) return null;
  const tab = WORKSPACE_TABS.includes(match[2] as WorkspaceTab) ? (match[2] as WorkspaceTab) : 'leads';
  return { workspaceId: match[1], tab };
}
