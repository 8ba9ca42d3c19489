import { MenuOutlined } from '@ant-design/icons';
import { Button, Drawer, Grid, Layout, Menu, Typography, theme, type MenuProps } from 'antd';
import { Suspense, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { PageSpin } from '../components/PageSpin';
import type { Area } from '../lib/area';
import { useCan, type Action } from '../lib/permissions';
import { LanguageSwitch } from './LanguageSwitch';
import { UserMenu } from './UserMenu';

/**
 * A menu item; with `action`, shown only to roles the permission table allows it (lib/permissions). With
 * `children` it is a group (its `path` only names it), shown when one of its items is.
 */
export type NavItem = { path: string; icon: ReactNode; label: string; action?: Action; children?: NavItem[] };

/**
 * The signed-in frame of both areas: a side menu on wide screens; below 992 px the menu moves into a
 * drawer behind a burger button, so the content keeps the whole width down to 360 px.
 */
export function Shell({ area, nav, headerExtra }: { area: Area; nav: NavItem[]; headerExtra?: ReactNode }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const screens = Grid.useBreakpoint();
  const narrow = !screens.lg;
  const [drawerOpen, setDrawerOpen] = useState(false);
  const location = useLocation();
  const navigate = useNavigate();
  const can = useCan();
  const permitted = (items: NavItem[]): NavItem[] => items
    .filter((item) => !item.action || can(item.action))
    .map((item) => (item.children ? { ...item, children: permitted(item.children) } : item))
    .filter((item) => !item.children || item.children.length > 0);
  const allowed = permitted(nav);

  const pages = allowed.flatMap((item) => item.children ?? [item]);
  const selected = pages.find((item) => location.pathname.startsWith(item.path))?.path;
  const openGroup = allowed.find((item) => item.children?.some((child) => child.path === selected))?.path;
  const toMenuItem = (item: NavItem): NonNullable<MenuProps['items']>[number] =>
    item.children
      ? { key: item.path, icon: item.icon, label: item.label, children: item.children.map(toMenuItem) }
      : { key: item.path, icon: item.icon, label: item.label };
  const items: MenuProps['items'] = allowed.map(toMenuItem);
  const menu = (
    <Menu
      mode="inline"
      selectedKeys={selected ? [selected] : []}
      defaultOpenKeys={openGroup ? [openGroup] : []}
      items={items}
      style={{ borderInlineEnd: 'none' }}
      onClick={({ key }) => {
        setDrawerOpen(false);
        void navigate(key);
      }}
    />
  );
  const brand = (
    <Typography.Text strong style={{ fontSize: 18, whiteSpace: 'nowrap' }}>
      Tessera {area === 'console' && <Typography.Text type="secondary">{t('layout.console')}</Typography.Text>}
    </Typography.Text>
  );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {!narrow && (
        <Layout.Sider theme="light" width={280} style={{ borderInlineEnd: `1px solid ${token.colorBorderSecondary}` }}>
          <div style={{ padding: '16px 24px' }}>{brand}</div>
          <nav aria-label={t('layout.navigation')}>{menu}</nav>
        </Layout.Sider>
      )}
      <Layout>
        <Layout.Header
          style={{
            display: 'flex', alignItems: 'center', gap: 8, paddingInline: narrow ? 8 : 24,
            background: token.colorBgContainer, borderBottom: `1px solid ${token.colorBorderSecondary}`,
          }}
        >
          {narrow && (
            <Button type="text" icon={<MenuOutlined />} aria-label={t('layout.openMenu')} onClick={() => setDrawerOpen(true)} />
          )}
          <div style={{ flex: 1, minWidth: 0, display: 'flex', alignItems: 'center' }}>{headerExtra}</div>
          <LanguageSwitch />
          <UserMenu area={area} />
        </Layout.Header>
        <Layout.Content style={{ padding: narrow ? 12 : 24, minWidth: 0 }}>
          <Suspense fallback={<PageSpin />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
      <Drawer
        open={narrow && drawerOpen}
        placement="left"
        size={280}
        title={brand}
        onClose={() => setDrawerOpen(false)}
        styles={{ body: { padding: 0 } }}
      >
        <nav aria-label={t('layout.navigation')}>{menu}</nav>
      </Drawer>
    </Layout>
  );
}
