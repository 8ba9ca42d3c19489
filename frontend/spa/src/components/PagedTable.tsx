import { useInfiniteQuery, type InfiniteData, type QueryKey, type UseInfiniteQueryResult } from '@tanstack/react-query';
import { Alert, Button, Empty, Flex, Grid, Table, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { ErrorState, describeError } from './errors';

/** A page of any list the API answers: `{items, next_cursor}`. */
export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

export type PagedQuery<T> = UseInfiniteQueryResult<InfiniteData<Page<T>>, Error>;

/** A cursor-paged list: each "Load more" fetches the page after `next_cursor`. */
export function usePagedQuery<T>(queryKey: QueryKey, fetchPage: (cursor?: string) => Promise<Page<T>>, enabled = true): PagedQuery<T> {
  return useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled,
  });
}

interface PagedTableProps<T> extends Omit<TableProps<T>, 'dataSource' | 'pagination' | 'loading'> {
  query: PagedQuery<T>;
  /** Says why the list is empty and what to do about it. */
  emptyText: string;
  /**
   * The narrowest the table gets before it scrolls sideways inside itself, its `fixed` key column
   * pinned. Wider, its columns share the page (fixed layout: columns without a width split what the
   * others leave, and long texts end in "…" where the cell says so).
   */
  minWidth: number;
}

/** The loading, empty, error and "Load more" states every list shares. */
export function PagedTable<T extends object>({ query, emptyText, minWidth, columns, ...table }: PagedTableProps<T>) {
  const { t } = useTranslation();
  // A pinned actions column helps wide tables; on a phone it would cover the rest.
  const wide = Grid.useBreakpoint().md;
  const shownColumns = wide ? columns : columns?.map((column) => (column.fixed ? { ...column, fixed: undefined } : column));
  if (query.isError && !query.data) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const rows = query.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <>
      <Table<T>
        {...table}
        columns={shownColumns}
        dataSource={rows}
        loading={query.isPending}
        pagination={false}
        tableLayout="fixed"
        scroll={{ x: minWidth }}
        locale={{ emptyText: query.isPending ? ' ' : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={emptyText} /> }}
      />
      {query.isFetchNextPageError && (
        <Alert style={{ marginTop: 12 }} type="error" showIcon title={describeError(query.error, t)} />
      )}
      {query.hasNextPage && (
        <Flex justify="center" style={{ marginTop: 16 }}>
          <Button onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage}>{t('common.loadMore')}</Button>
        </Flex>
      )}
    </>
  );
}
