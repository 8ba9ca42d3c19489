import { useQuery } from '@tanstack/react-query';
import { getPreferences, notificationKeys, type Owner } from './api';

export function usePreferences(owner: Owner, enabled = true) {
  return useQuery({ queryKey: notificationKeys.preferences(owner), queryFn: () => getPreferences(owner), enabled });
}
