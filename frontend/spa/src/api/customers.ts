import type { Page } from './contract';
import { api, download } from './http';
import type { components } from './schema';

type Schemas = components['schemas'];

export type CustomerSummary = Schemas['CustomerSummary'];
export type CustomerCard = Schemas['CustomerCard'];
export type CustomerCreate = Schemas['CustomerCreate'];
export type CustomerUpdate = Schemas['CustomerUpdate'];
export type CustomerStatus = CustomerSummary['status'];
export type ImportReport = Schemas['ImportReport'];
export type Contact = Schemas['ContactView'];
export type ContactCreate = Schemas['ContactCreate'];
export type Contract = Schemas['ContractView'];
export type ContractCreate = Schemas['ContractCreate'];
export type CustomerDocument = Schemas['DocumentView'];
export type DocumentCreated = Schemas['DocumentCreated'];
export type DocumentUploadRequest = Schemas['DocumentUploadRequest'];
export type DocumentLinkRequest = Schemas['DocumentLinkRequest'];
export type PaymentsTab = Schemas['PaymentsTab'];
export type PaymentCreate = Schemas['PaymentCreate'];
export type ActivityItem = Schemas['ActivityItem'];
export type Note = Schemas['NoteView'];

export const SEGMENTS = ['smb', 'mid_market', 'enterprise', 'public_sector'] as const;
export const CUSTOMER_STATUSES: CustomerStatus[] = ['active', 'suspended', 'blocked', 'archived'];
export const DEPLOYMENTS = ['on_prem', 'saas'] as const;
export const DOCUMENT_KINDS = ['contract', 'act', 'specification', 'other'] as const;
export const CONTACT_PURPOSES = ['billing', 'technical', 'license_delivery', 'legal', 'general'] as const;

export interface CustomerFilters {
  segment?: (typeof SEGMENTS)[number];
  status?: CustomerStatus;
  manager_id?: string;
  q?: string;
}

const base = '/api/console/customers';
const one = (orgId: string) => `${base}/${encodeURIComponent(orgId)}`;

export const listCustomers = (filters: CustomerFilters, cursor?: string, limit?: number) =>
  api<Page<CustomerSummary>>(base, { query: { ...filters, cursor, limit } });
export const exportCustomers = (filters: CustomerFilters, format: 'csv' | 'xlsx') =>
  download(`${base}/export`, { query: { ...filters, format } });
export const importCustomers = (body: { format: 'csv' | 'xlsx'; content_base64: string; dry_run: boolean; file_name?: string }) =>
  api<ImportReport>(`${base}/import`, { method: 'POST', body });
export const createCustomer = (body: CustomerCreate) => api<CustomerCard>(base, { method: 'POST', body });
export const getCustomer = (orgId: string) => api<CustomerCard>(one(orgId));
export const updateCustomer = (orgId: string, body: CustomerUpdate) => api<CustomerCard>(one(orgId), { method: 'PATCH', body });
export const changeCustomerStatus = (orgId: string, status: CustomerStatus, reason: string) =>
  api<CustomerCard>(`${one(orgId)}/status`, { method: 'POST', body: { status, reason } });

export const listContacts = (orgId: string) => api<{ items: Contact[] }>(`${one(orgId)}/contacts`);
export const addContact = (orgId: string, body: ContactCreate) => api<Contact>(`${one(orgId)}/contacts`, { method: 'POST', body });
export const deleteContact = (orgId: string, contactId: string) =>
  api<void>(`${one(orgId)}/contacts/${encodeURIComponent(contactId)}`, { method: 'DELETE' });

export const listContracts = (orgId: string) => api<{ items: Contract[] }>(`${one(orgId)}/contracts`);
export const addContract = (orgId: string, body: ContractCreate) => api<Contract>(`${one(orgId)}/contracts`, { method: 'POST', body });

export const listDocuments = (orgId: string) => api<{ items: CustomerDocument[] }>(`${one(orgId)}/documents`);
export const startUpload = (orgId: string, body: DocumentUploadRequest) =>
  api<DocumentCreated>(`${one(orgId)}/documents`, { method: 'POST', body });
export const addDocumentLink = (orgId: string, body: DocumentLinkRequest) =>
  api<DocumentCreated>(`${one(orgId)}/document-links`, { method: 'POST', body });
export const confirmUpload = (orgId: string, documentId: string) =>
  api<CustomerDocument>(`${one(orgId)}/documents/${encodeURIComponent(documentId)}/confirm`, { method: 'POST' });
export const deleteDocument = (orgId: string, documentId: string) =>
  api<void>(`${one(orgId)}/documents/${encodeURIComponent(documentId)}`, { method: 'DELETE' });
export const documentLink = (orgId: string, documentId: string) =>
  api<{ url: string; expires_at?: string | null }>(`${one(orgId)}/documents/${encodeURIComponent(documentId)}/download`);

export const listPayments = (orgId: string) => api<PaymentsTab>(`${one(orgId)}/payments`);
export const recordPayment = (orgId: string, body: PaymentCreate) => api<unknown>(`${one(orgId)}/payments`, { method: 'POST', body });

export const listActivity = (orgId: string, cursor?: string) =>
  api<Page<ActivityItem>>(`${one(orgId)}/activity`, { query: { cursor } });
export const listNotes = (orgId: string, cursor?: string) => api<Page<Note>>(`${one(orgId)}/notes`, { query: { cursor } });
export const addNote = (orgId: string, text: string) => api<Note>(`${one(orgId)}/notes`, { method: 'POST', body: { text } });

/** The storage refused the presigned PUT (status 0: no answer at all). */
export class UploadFailed extends Error {
  constructor(readonly status: number) {
    super(`upload failed: ${status}`);
  }
}

/** The presigned upload: PUT the file's bytes to the URL with exactly the headers the server signed. */
export async function putToPresignedUrl(url: string, headers: Record<string, string>, file: Blob): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'PUT', headers, body: file });
  } catch {
    throw new UploadFailed(0);
  }
  if (!response.ok) throw new UploadFailed(response.status);
}
