import { answer, api, file, type Answer, type Body, type Query } from './client';

export type CustomerSummary = Answer<'/api/console/customers', 'get'>['items'][number];
export type CustomerCard = Answer<'/api/console/customers/{org_id}', 'get'>;
export type CustomerCreate = Body<'/api/console/customers', 'post'>;
export type CustomerUpdate = Body<'/api/console/customers/{org_id}', 'patch'>;
export type CustomerStatus = CustomerSummary['status'];
export type ImportRequest = Body<'/api/console/customers/import', 'post'>;
export type ImportReport = Answer<'/api/console/customers/import', 'post'>;
export type Contact = Answer<'/api/console/customers/{org_id}/contacts', 'post'>;
export type ContactCreate = Body<'/api/console/customers/{org_id}/contacts', 'post'>;
export type Contract = Answer<'/api/console/customers/{org_id}/contracts', 'post'>;
export type ContractCreate = Body<'/api/console/customers/{org_id}/contracts', 'post'>;
export type CustomerDocument = Answer<'/api/console/customers/{org_id}/documents/{document_id}/confirm', 'post'>;
export type DocumentUploadRequest = Body<'/api/console/customers/{org_id}/documents', 'post'>;
export type DocumentLinkRequest = Body<'/api/console/customers/{org_id}/document-links', 'post'>;
export type PaymentsTab = Answer<'/api/console/customers/{org_id}/payments', 'get'>;
export type PaymentCreate = Body<'/api/console/customers/{org_id}/payments', 'post'>;
export type ActivityItem = Answer<'/api/console/customers/{org_id}/activity', 'get'>['items'][number];
export type Note = Answer<'/api/console/customers/{org_id}/notes', 'post'>;

/** The list's filters (cursor and page size aside). */
export type CustomerFilters = Omit<Query<'/api/console/customers', 'get'>, 'cursor' | 'limit'>;

const card = (orgId: string) => ({ params: { path: { org_id: orgId } } });

export const listCustomers = (filters: CustomerFilters, cursor?: string, limit?: number) =>
  answer(api.GET('/api/console/customers', { params: { query: { ...filters, cursor, limit } } }));
export const exportCustomers = (filters: CustomerFilters, format: NonNullable<Query<'/api/console/customers/export', 'get'>['format']>) =>
  file(api.GET('/api/console/customers/export', { params: { query: { ...filters, format } }, parseAs: 'blob' }));
export const importCustomers = (body: ImportRequest) => answer(api.POST('/api/console/customers/import', { body }));
export const createCustomer = (body: CustomerCreate) => answer(api.POST('/api/console/customers', { body }));
export const getCustomer = (orgId: string) => answer(api.GET('/api/console/customers/{org_id}', card(orgId)));
export const updateCustomer = (orgId: string, body: CustomerUpdate) =>
  answer(api.PATCH('/api/console/customers/{org_id}', { ...card(orgId), body }));
export const changeCustomerStatus = (orgId: string, status: CustomerStatus, reason: string) =>
  answer(api.POST('/api/console/customers/{org_id}/status', { ...card(orgId), body: { status, reason } }));

export const listContacts = (orgId: string) => answer(api.GET('/api/console/customers/{org_id}/contacts', card(orgId)));
export const addContact = (orgId: string, body: ContactCreate) =>
  answer(api.POST('/api/console/customers/{org_id}/contacts', { ...card(orgId), body }));
export const deleteContact = (orgId: string, contactId: string) =>
  answer(api.DELETE('/api/console/customers/{org_id}/contacts/{contact_id}', {
    params: { path: { org_id: orgId, contact_id: contactId } },
  }));

export const listContracts = (orgId: string) => answer(api.GET('/api/console/customers/{org_id}/contracts', card(orgId)));
export const addContract = (orgId: string, body: ContractCreate) =>
  answer(api.POST('/api/console/customers/{org_id}/contracts', { ...card(orgId), body }));

const documentOf = (orgId: string, documentId: string) => ({ params: { path: { org_id: orgId, document_id: documentId } } });

export const listDocuments = (orgId: string) => answer(api.GET('/api/console/customers/{org_id}/documents', card(orgId)));
export const startUpload = (orgId: string, body: DocumentUploadRequest) =>
  answer(api.POST('/api/console/customers/{org_id}/documents', { ...card(orgId), body }));
export const addDocumentLink = (orgId: string, body: DocumentLinkRequest) =>
  answer(api.POST('/api/console/customers/{org_id}/document-links', { ...card(orgId), body }));
export const confirmUpload = (orgId: string, documentId: string) =>
  answer(api.POST('/api/console/customers/{org_id}/documents/{document_id}/confirm', documentOf(orgId, documentId)));
export const deleteDocument = (orgId: string, documentId: string) =>
  answer(api.DELETE('/api/console/customers/{org_id}/documents/{document_id}', documentOf(orgId, documentId)));
export const documentLink = (orgId: string, documentId: string) =>
  answer(api.GET('/api/console/customers/{org_id}/documents/{document_id}/download', documentOf(orgId, documentId)));

export const listPayments = (orgId: string) => answer(api.GET('/api/console/customers/{org_id}/payments', card(orgId)));
export const recordPayment = (orgId: string, body: PaymentCreate) =>
  answer(api.POST('/api/console/customers/{org_id}/payments', { ...card(orgId), body }));

export const listActivity = (orgId: string, cursor?: string) =>
  answer(api.GET('/api/console/customers/{org_id}/activity', { params: { path: { org_id: orgId }, query: { cursor } } }));
export const listNotes = (orgId: string, cursor?: string) =>
  answer(api.GET('/api/console/customers/{org_id}/notes', { params: { path: { org_id: orgId }, query: { cursor } } }));
export const addNote = (orgId: string, text: string) =>
  answer(api.POST('/api/console/customers/{org_id}/notes', { ...card(orgId), body: { text } }));

/** The storage refused the presigned PUT (status 0: no answer at all). */
export class UploadFailed extends Error {
  constructor(readonly status: number) {
    super(`upload failed: ${status}`);
  }
}

/**
 * The presigned upload: PUT the file's bytes to the URL with exactly the headers the server signed.
 * Not an API call (the URL is the storage's), so plain fetch.
 */
export async function putToPresignedUrl(url: string, headers: Record<string, string>, file: Blob): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'PUT', headers, body: file });
  } catch {
    throw new UploadFailed(0);
  }
  if (!response.ok) throw new UploadFailed(response.status);
}
