import { configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Contact, CustomerDocument } from '../../../api/customers';
import { MeContext } from '../../../auth/session';
import { LICENSE_ID, ORG } from '../../../test/catalog';
import { json, stubFetch, type Call } from '../../../test/fetch';
import { renderRoutes, staffMe } from '../../../test/render';
import CustomerCard from './CustomerCard';
import { card, pathOf, queryOf } from '../../../test/customers';

// The first render loads antd's tabs, descriptions, table and modal: slow on a busy machine.
vi.setConfig({ testTimeout: 30_000 });
// A tab's first render can take more than findBy's default second when the machine is busy.
configure({ asyncUtilTimeout: 5_000 });
afterEach(() => vi.unstubAllGlobals());

const BASE = `/api/console/customers/${ORG}`;
const DOC = 'doc_01JABCDEFGHJKMNPQRSTVWXYZ0';
const UPLOAD_URL = 'https://tessera-documents.s3.eu-central-1.amazonaws.com/customers/x/doc.pdf?X-Amz-Signature=abc';

function contact(overrides: Partial<Contact> = {}): Contact {
  return {
    id: 'con_01JABCDEFGHJKMNPQRSTVWXYZ0', name: 'Ирина Соколова', position: 'Финансовый директор', email: 'i.sokolova@romashka.ru',
    phone: '+74952317788', purposes: ['billing', 'license_delivery'], created_at: '2026-02-01T09:00:00Z', updated_at: '2026-02-01T09:00:00Z',
    ...overrides,
  };
}

function document_(overrides: Partial<CustomerDocument> = {}): CustomerDocument {
  return {
    id: DOC, kind: 'contract', title: 'Договор ЛИЦ-2026/014', contract_id: null, source: 'upload', state: 'stored', url: null,
    file_name: 'contract.pdf', content_type: 'application/pdf', size: 2048, created_at: '2026-02-01T09:00:00Z', created_by: 'usr_1',
    stored_at: '2026-02-01T09:00:05Z', ...overrides,
  };
}

const ACTIVITY = {
  id: 'evt_1', at: '2026-02-01T09:00:00Z', actor: 'Анна <anna@vendor.example>', actor_kind: 'staff', action: 'customer.create',
  entity_type: 'organization', entity_id: ORG, reason: null, diff: null,
};

const unprocessable = (loc: string, msg: string) => new Response(JSON.stringify({
  type: '/problems/validation-failed', title: 'Invalid request', status: 422, code: 'validation-failed', detail: 'Проверьте поля.',
  errors: [{ loc, msg, type: 'value_error' }],
}), { status: 422, headers: { 'Content-Type': 'application/problem+json' } });

/** The customer card's API; `overrides` answer a path (and method) first. */
function backend({ customer = card(), contacts = [contact()], documents = [document_()], notes = [] as unknown[],
  overrides = (_: Call): Response | undefined => undefined } = {}) {
  return stubFetch((call) => {
    const answer = overrides(call);
    if (answer) return answer;
    const path = pathOf(call.url);
    if (path === BASE) return json(customer);
    if (path === `${BASE}/contacts`) return json({ items: contacts });
    if (path === `${BASE}/documents`) return json({ items: documents });
    if (path === `${BASE}/payments`) {
      return json({
        licenses: [{ license_id: LICENSE_ID, amount_due: { kopecks: 18_400_000, currency: 'RUB', formatted: '184 000,00 ₽' }, due_on: '2026-03-01',
          paid: { kopecks: 0, currency: 'RUB', formatted: '0,00 ₽' }, status: 'awaiting' }],
        payments: [],
      });
    }
    if (path === `${BASE}/activity`) return json({ items: [ACTIVITY], next_cursor: null });
    if (path === `${BASE}/notes`) return json({ items: notes, next_cursor: null });
    if (path === '/api/console/licenses') return json({ items: [], next_cursor: null });
    return json({}, 404);
  });
}

function renderAs(roles: string[], tab?: string) {
  const me = staffMe({ roles });
  return renderRoutes([
    { path: '/console/customers/:orgId', element: <MeContext.Provider value={me}><CustomerCard /></MeContext.Provider> },
    { path: '/console/licenses/new', element: <p>license wizard</p> },
  ], `/console/customers/${ORG}${tab ? `?tab=${tab}` : ''}`);
}

const tab = (name: string) => screen.getByRole('tab', { name });
const panel = () => screen.getByRole('tabpanel');

describe('the customer card', () => {
  it('renders every tab, each loading its own data', async () => {
    const calls = backend({ notes: [{ id: 'note_1', text: 'Звонить после 15:00', author_id: 'usr_1', author: 'Анна', created_at: '2026-02-02T09:00:00Z' }] });
    const view = renderAs(['admin']);
    expect(await screen.findByRole('heading', { name: 'ООО «Ромашка»' })).toBeTruthy();
    expect(screen.getAllByRole('tab').map((t) => t.textContent)).toEqual(['Общее', 'Лицензии', 'Платежи', 'Контакты', 'Документы', 'Активность']);
    expect(within(panel()).getByText('7708123450 / 770101001')).toBeTruthy();
    expect(within(panel()).getByText('Средний бизнес')).toBeTruthy();
    expect(within(panel()).getByText('Анна')).toBeTruthy();
    expect(within(panel()).getByText('Склады в Москве')).toBeTruthy();

    await userEvent.click(tab('Лицензии'));
    expect(await within(panel()).findByText('У этого клиента пока нет лицензий.')).toBeTruthy();
    const licenses = calls.find((c) => pathOf(c.url) === '/api/console/licenses')!;
    expect(queryOf(licenses.url)).toEqual({ org_id: ORG });
    expect(view.router.state.location.search).toBe('?tab=licenses');

    await userEvent.click(tab('Платежи'));
    expect(await within(panel()).findByText('184 000,00 ₽')).toBeTruthy();
    expect(within(panel()).getByText('Ожидает оплаты')).toBeTruthy();
    expect(within(panel()).getByText('Платежей пока нет.')).toBeTruthy();

    await userEvent.click(tab('Контакты'));
    expect(await within(panel()).findByText('i.sokolova@romashka.ru')).toBeTruthy();
    expect(within(panel()).getByText('Получение лицензий')).toBeTruthy();

    await userEvent.click(tab('Документы'));
    expect(await within(panel()).findByText('Договор ЛИЦ-2026/014')).toBeTruthy();
    expect(within(panel()).getByText('Загружен')).toBeTruthy();
    expect(within(panel()).getByText('2 KB')).toBeTruthy();

    await userEvent.click(tab('Активность'));
    expect(await within(panel()).findByText('Звонить после 15:00')).toBeTruthy();
    expect(within(panel()).getByText('Анна <anna@vendor.example>')).toBeTruthy();
    // the object by name, its kind and id under it
    expect(within(panel()).getByText(`Клиент · ${ORG}`)).toBeTruthy();
    expect(within(panel()).getByText('Создание клиента')).toBeTruthy();  // the action's label, its code under it
  });

  it('opens the tab named in the address, and an unknown one falls back to General', async () => {
    backend();
    const view = renderAs(['admin'], 'documents');
    expect(await within(await screen.findByRole('tabpanel')).findByText('Договор ЛИЦ-2026/014')).toBeTruthy();
    expect(tab('Документы').getAttribute('aria-selected')).toBe('true');
    view.unmount();
    backend();
    renderAs(['admin'], 'nonsense');
    expect(await screen.findByRole('heading', { name: 'ООО «Ромашка»' })).toBeTruthy();
    expect(tab('Общее').getAttribute('aria-selected')).toBe('true');
  });

  it('a missing customer shows the server\'s answer', async () => {
    stubFetch(() => new Response(JSON.stringify({ type: '/problems/not-found', title: 'Not found', status: 404, code: 'customer-unknown', detail: 'Такого клиента нет.' }),
      { status: 404, headers: { 'Content-Type': 'application/problem+json' } }));
    renderAs(['admin']);
    expect(await screen.findByText('Такого клиента нет.')).toBeTruthy();
  });

  it('"Issue a license" starts the wizard with this customer', async () => {
    backend();
    const view = renderAs(['sales'], 'licenses');
    await userEvent.click(await screen.findByRole('button', { name: /Выдать лицензию/ }));
    await waitFor(() => expect(view.router.state.location.pathname).toBe('/console/licenses/new'));
    expect(view.router.state.location.search).toBe(`?org_id=${ORG}`);
  });
});

describe('the General tab', () => {
  it('edits the card: the server\'s КПП error lands on the field, then the change is saved', async () => {
    let patches = 0;
    const calls = backend({
      overrides: (call) => {
        if (call.method !== 'PATCH') return undefined;
        return ++patches === 1 ? unprocessable('body.kpp', 'required for a 10-digit ИНН') : json(card({ name: 'ООО «Ромашка Плюс»', kpp: '770201001' }));
      },
    });
    renderAs(['sales']);
    await userEvent.click(await screen.findByRole('button', { name: /Изменить карточку/ }));
    const dialog = await screen.findByRole('dialog');
    const name = within(dialog).getByLabelText('Название');
    expect((name as HTMLInputElement).value).toBe('ООО «Ромашка»');
    await userEvent.clear(name);
    await userEvent.type(name, 'ООО «Ромашка Плюс»');
    await userEvent.clear(within(dialog).getByLabelText('КПП'));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Сохранить' }));
    const kpp = within(dialog).getByLabelText('КПП');
    expect(await within(dialog).findByText('required for a 10-digit ИНН')).toBeTruthy();
    expect(kpp.closest('.ant-form-item')?.className).toContain('ant-form-item-has-error');
    expect(calls.filter((c) => c.method === 'PATCH')[0].body).toMatchObject({ name: 'ООО «Ромашка Плюс»', inn: '7708123450', kpp: null });

    await userEvent.type(kpp, '770201001');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Сохранить' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const patch = calls.filter((c) => c.method === 'PATCH')[1];
    expect(patch.url).toBe(BASE);
    expect(patch.body).toEqual({
      name: 'ООО «Ромашка Плюс»', legal_name: 'Общество с ограниченной ответственностью «Ромашка»', inn: '7708123450', kpp: '770201001',
      segment: 'mid_market', deployment: 'on_prem', notes: 'Склады в Москве',
    });
  });

  it('a status changes only with a reason, which is sent with it', async () => {
    const calls = backend({
      overrides: (call) => (call.method === 'POST' && call.url === `${BASE}/status`
        ? json(card({ status: 'suspended', status_reason: 'Нет оплаты по счёту 42' })) : undefined),
    });
    renderAs(['sales']);
    await userEvent.click(await screen.findByRole('combobox', { name: 'Статус' }));
    await userEvent.click(await screen.findByTitle('Приостановлен'));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('Сменить статус на «Приостановлен»?')).toBeTruthy();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Сохранить' }));
    expect(await within(dialog).findByText('Укажите причину (от 3 символов)')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
    await userEvent.type(within(dialog).getByLabelText('Причина'), '  Нет оплаты по счёту 42 ');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Сохранить' }));
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1));
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ status: 'suspended', reason: 'Нет оплаты по счёту 42' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('support adds a staff note on the Activity tab', async () => {
    let notes: unknown[] = [];
    const calls = backend({
      overrides: (call) => {
        if (pathOf(call.url) !== `${BASE}/notes`) return undefined;
        if (call.method === 'POST') {
          notes = [{ id: 'note_1', text: (call.body as { text: string }).text, author_id: 'usr_1', author: 'Анна', created_at: '2026-02-02T09:00:00Z' }];
          return json(notes[0], 201);
        }
        return json({ items: notes, next_cursor: null });
      },
    });
    renderAs(['support'], 'activity');
    expect(await screen.findByText('Заметок пока нет.')).toBeTruthy();
    const add = screen.getByRole('button', { name: 'Добавить заметку' });
    expect(add).toHaveProperty('disabled', true);
    await userEvent.type(screen.getByPlaceholderText('Заметка о клиенте (видна только сотрудникам)'), ' Звонить после 15:00 ');
    await userEvent.click(add);
    expect(await screen.findByText('Звонить после 15:00')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([{ text: 'Звонить после 15:00' }]);
  });
});

describe('contacts', () => {
  it('the server\'s 422 for an e-mail is shown on the e-mail field; nothing is added', async () => {
    const calls = backend({
      contacts: [],
      overrides: (call) => (call.method === 'POST' && pathOf(call.url) === `${BASE}/contacts`
        ? unprocessable('body.email', 'Адрес электронной почты указан неверно') : undefined),
    });
    renderAs(['sales'], 'contacts');
    await userEvent.click(await screen.findByRole('button', { name: /Добавить контакт/ }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText('Имя'), 'Денис Куликов');
    // Passes the form's own check (antd accepts a leading hyphen in a domain label), not the server's.
    await userEvent.type(within(dialog).getByLabelText('Электронная почта'), 'it@-romashka.ru');
    await userEvent.click(within(dialog).getByRole('combobox', { name: 'Назначение' }));
    await userEvent.click(await screen.findByTitle('Получение лицензий'));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Сохранить' }));

    const email = within(dialog).getByLabelText('Электронная почта');
    expect(await within(dialog).findByText('Адрес электронной почты указан неверно')).toBeTruthy();
    expect(email.closest('.ant-form-item')?.className).toContain('ant-form-item-has-error');
    const posts = calls.filter((c) => c.method === 'POST');
    expect(posts).toHaveLength(1);
    expect(posts[0].body).toEqual({ name: 'Денис Куликов', email: 'it@-romashka.ru', phone: null, position: null, purposes: ['license_delivery'] });
    expect(screen.getByRole('dialog')).toBeTruthy();  // still open, the input kept
    expect((email as HTMLInputElement).value).toBe('it@-romashka.ru');
  });

  it('an address the form can tell is wrong never reaches the server', async () => {
    const calls = backend({ contacts: [] });
    renderAs(['admin'], 'contacts');
    await userEvent.click(await screen.findByRole('button', { name: /Добавить контакт/ }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText('Имя'), 'Денис Куликов');
    await userEvent.type(within(dialog).getByLabelText('Электронная почта'), 'it-at-romashka');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Сохранить' }));
    expect(await within(dialog).findByText('Введите адрес электронной почты')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it('a valid contact is added and the list reloads', async () => {
    let contacts: Contact[] = [];
    const calls = backend({
      overrides: (call) => {
        if (pathOf(call.url) !== `${BASE}/contacts`) return undefined;
        if (call.method === 'POST') {
          contacts = [contact({ id: 'con_01JABCDEFGHJKMNPQRSTVWXYZ1', name: 'Денис Куликов', email: 'it@romashka.ru', phone: null, position: null, purposes: ['license_delivery'] })];
          return json(contacts[0], 201);
        }
        return json({ items: contacts });
      },
    });
    renderAs(['sales'], 'contacts');
    expect(await screen.findByText('Контактов пока нет.')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: /Добавить контакт/ }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText('Имя'), 'Денис Куликов');
    await userEvent.type(within(dialog).getByLabelText('Электронная почта'), 'it@romashka.ru');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Сохранить' }));
    expect(await within(panel()).findByText('it@romashka.ru')).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([
      { name: 'Денис Куликов', email: 'it@romashka.ru', phone: null, position: null, purposes: [] },
    ]);
  });
});

describe('documents', () => {
  /** A file as a browser gives it (jsdom's File has no arrayBuffer(), which the upload does not need). */
  const pdf = () => new File(['%PDF-1.4\n%%EOF\n'], 'Договор 14.pdf', { type: 'application/pdf' });

  function uploadBackend(put: (init: RequestInit) => Response) {
    let documents: CustomerDocument[] = [];
    const calls = backend({
      overrides: (call) => {
        const path = pathOf(call.url);
        if (call.url === UPLOAD_URL) return put({});
        if (path === `${BASE}/documents` && call.method === 'POST') {
          documents = [document_({ state: 'pending', title: 'Договор 14.pdf', file_name: 'Договор 14.pdf', size: 15, stored_at: null })];
          return json({ document: documents[0], upload: {
            url: UPLOAD_URL, method: 'PUT', expires_at: '2026-03-01T09:15:00Z', max_size: 26214400,
            headers: { 'Content-Type': 'application/pdf', 'x-amz-server-side-encryption': 'aws:kms' },
          } }, 201);
        }
        if (path === `${BASE}/documents/${DOC}/confirm`) {
          documents = [{ ...documents[0], state: 'stored', stored_at: '2026-03-01T09:00:05Z' }];
          return json(documents[0]);
        }
        if (path === `${BASE}/documents`) return json({ items: documents });
        return undefined;
      },
    });
    return calls;
  }

  async function chooseFile(file: File, kind?: string) {
    renderAs(['sales'], 'documents');
    expect(await screen.findByText('Документов пока нет.')).toBeTruthy();
    if (kind) {
      await userEvent.click(screen.getByRole('combobox', { name: 'Тип документа' }));
      await userEvent.click(await screen.findByTitle(kind));
    }
    const input = within(panel()).getByRole('button', { name: /Загрузить файл/ }).closest('.ant-upload')!.querySelector('input[type=file]') as HTMLInputElement;
    await userEvent.upload(input, file);
  }

  it('an upload PUTs the file to the presigned URL with the returned headers, then confirms', async () => {
    const calls = uploadBackend(() => new Response(null, { status: 200 }));
    const file = pdf();
    await chooseFile(file, 'Акт');
    expect(await within(panel()).findByText('Загружен')).toBeTruthy();
    expect(await screen.findByText('Документ загружен')).toBeTruthy();

    const order = calls.filter((c) => c.method !== 'GET').map((c) => `${c.method} ${pathOf(c.url)}`);
    expect(order).toEqual([`POST ${BASE}/documents`, `PUT ${pathOf(UPLOAD_URL)}`, `POST ${BASE}/documents/${DOC}/confirm`]);
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({
      kind: 'act', title: 'Договор 14.pdf', file_name: 'Договор 14.pdf', content_type: 'application/pdf', size: file.size,
    });
    // The PUT goes to the URL as given (its signature in the query), with exactly the signed headers, the file as the body.
    const put = vi.mocked(fetch).mock.calls.find(([url]) => String(url) === UPLOAD_URL)!;
    const init = put[1]!;
    expect(init.method).toBe('PUT');
    expect(init.headers).toEqual({ 'Content-Type': 'application/pdf', 'x-amz-server-side-encryption': 'aws:kms' });
    expect(init.body).toBe(file);
    expect(init.credentials).toBeUndefined();  // no cookies to S3
  });

  it('when S3 refuses the PUT, nothing is confirmed and the user is told; the pending document can be checked again', async () => {
    let refuse = true;
    const calls = uploadBackend(() => (refuse ? new Response('<Error><Code>SignatureDoesNotMatch</Code></Error>', { status: 403 }) : new Response(null)));
    await chooseFile(pdf());
    expect(await screen.findByText('Файл не дошёл до хранилища (ответ 403). Загрузите его ещё раз.')).toBeTruthy();
    expect(calls.some((c) => c.url.endsWith('/confirm'))).toBe(false);
    // The document was created pending: listed, with no "Open", and a check that asks the server again.
    const row = (await within(panel()).findByText('Загружается')).closest('tr')!;
    expect(within(row).queryByRole('button', { name: /Открыть/ })).toBeNull();
    refuse = false;
    await userEvent.click(within(row).getByRole('button', { name: /Проверить загрузку/ }));
    expect(await within(panel()).findByText('Загружен')).toBeTruthy();
    expect(calls.filter((c) => c.url.endsWith('/confirm'))).toHaveLength(1);
  });

  it('no answer from S3 at all reads as a network problem', async () => {
    const calls = uploadBackend(() => { throw new TypeError('Failed to fetch'); });
    await chooseFile(pdf());
    expect(await screen.findByText('Нет связи с сервером. Проверьте подключение и попробуйте ещё раз.')).toBeTruthy();
    expect(calls.some((c) => c.url.endsWith('/confirm'))).toBe(false);
  });

  it('a file type the server does not take is refused with its message', async () => {
    const calls = backend({
      documents: [],
      overrides: (call) => (call.method === 'POST' && pathOf(call.url) === `${BASE}/documents`
        ? new Response(JSON.stringify({ type: '/problems/validation-failed', title: 'Invalid', status: 422, code: 'document-type-not-allowed',
          detail: 'Такой тип файла нельзя загрузить: PDF, DOC(X), XLS(X), ODT/ODS, ZIP, PNG, JPEG или TXT.',
          errors: [{ loc: 'body.content_type', msg: 'not an allowed type', type: 'document-type-not-allowed' }] }),
        { status: 422, headers: { 'Content-Type': 'application/problem+json' } }) : undefined),
    });
    await chooseFile(new File(['MZ'], 'setup.exe'));
    expect(await screen.findByText(/not an allowed type|Такой тип файла нельзя загрузить/)).toBeTruthy();
    expect(calls.find((c) => c.method === 'POST')!.body).toMatchObject({ content_type: 'application/octet-stream' });
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0);
  });

  it('"Open" asks for a short-lived link and opens it; a pending upload has no such button', async () => {
    const open = vi.fn();
    vi.stubGlobal('open', open);
    backend({
      documents: [document_(), document_({ id: 'doc_01JABCDEFGHJKMNPQRSTVWXYZ1', title: 'Акт сверки', state: 'pending', stored_at: null })],
      overrides: (call) => (pathOf(call.url) === `${BASE}/documents/${DOC}/download`
        ? json({ url: 'https://s3.example/doc?X-Amz-Signature=1', expires_at: '2026-03-01T09:05:00Z' }) : undefined),
    });
    renderAs(['support'], 'documents');
    const stored = (await screen.findByText('Договор ЛИЦ-2026/014')).closest('tr')!;
    const pending = screen.getByText('Акт сверки').closest('tr')!;
    expect(within(pending).queryByRole('button')).toBeNull();  // neither open nor check: support does not upload
    await userEvent.click(within(stored).getByRole('button', { name: /Открыть/ }));
    await waitFor(() => expect(open).toHaveBeenCalledWith('https://s3.example/doc?X-Amz-Signature=1', '_blank', 'noopener'));
  });
});

describe('removing a document', () => {
  it('asks first, then deletes and reloads the list', async () => {
    let documents = [document_()];
    const calls = backend({
      overrides: (call) => {
        const path = pathOf(call.url);
        if (path === `${BASE}/documents/${DOC}` && call.method === 'DELETE') {
          documents = [];
          return new Response(null, { status: 204 });
        }
        if (path === `${BASE}/documents`) return json({ items: documents });
        return undefined;
      },
    });
    renderAs(['sales'], 'documents');
    const row = (await screen.findByText('Договор ЛИЦ-2026/014')).closest('tr')!;
    await userEvent.click(within(row).getByRole('button', { name: 'Удалить документ Договор ЛИЦ-2026/014' }));
    expect(await screen.findByText('Удалить документ «Договор ЛИЦ-2026/014»?')).toBeTruthy();
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);  // nothing until confirmed
    await userEvent.click(screen.getByRole('button', { name: 'Удалить' }));
    expect(await screen.findByText('Документ удалён')).toBeTruthy();
    expect(await within(panel()).findByText('Документов пока нет.')).toBeTruthy();
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => pathOf(c.url))).toEqual([`${BASE}/documents/${DOC}`]);
  });
});

describe('what each role sees', () => {
  const EDITS = [/Изменить карточку/, /Выдать лицензию/, /Добавить контакт/, /Загрузить файл/, /Добавить ссылку/, /Записать платёж/,
    /Удалить документ/];

  /** Opens every tab (antd keeps a visited tab's panel in the page), then lists the actions offered anywhere. */
  async function visitEveryTab() {
    // Plain DOM lookups: role queries over a page this large take seconds each in jsdom.
    for (const name of ['Общее', 'Лицензии', 'Платежи', 'Контакты', 'Документы', 'Активность']) {
      const tabElement = [...document.querySelectorAll('[role=tab]')].find((element) => element.textContent === name)!;
      fireEvent.click(tabElement);
      await waitFor(() => expect(tabElement.getAttribute('aria-selected')).toBe('true'));
      await waitFor(() => expect(document.querySelector('.ant-tabs-tabpane-active .ant-spin-spinning')).toBeNull());
    }
    const labels = [...document.querySelectorAll('button, [role=combobox]')]
      .map((element) => `${element.getAttribute('aria-label') ?? ''} ${element.textContent ?? ''}`.trim());
    const found = EDITS.filter((edit) => labels.some((label) => edit.test(label))).map(String);
    if (labels.includes('Статус')) found.push('status');
    if (labels.includes('Удалить')) found.push('remove');
    if (labels.includes('Добавить заметку')) found.push('note');
    return found;
  }

  it('an admin has every action', async () => {
    backend();
    renderAs(['admin']);
    await screen.findByRole('heading', { name: 'ООО «Ромашка»' });
    expect(await visitEveryTab()).toEqual(expect.arrayContaining([...EDITS.map(String), 'status', 'remove', 'note']));
  });

  it('support reads every tab and may only add a note and open documents', async () => {
    backend();
    renderAs(['support']);
    await screen.findByRole('heading', { name: 'ООО «Ромашка»' });
    expect(await visitEveryTab()).toEqual(['note']);
    await userEvent.click(tab('Документы'));
    expect(within(panel()).getByRole('button', { name: /Открыть/ })).toBeTruthy();
    await userEvent.click(tab('Контакты'));
    expect(within(panel()).getByText('i.sokolova@romashka.ru')).toBeTruthy();
  });

  it('the auditor only reads: not even a note', async () => {
    backend();
    renderAs(['auditor']);
    await screen.findByRole('heading', { name: 'ООО «Ромашка»' });
    expect(await visitEveryTab()).toEqual([]);
  });

  it('a developer sees personal data masked exactly as the API answers it', async () => {
    backend({
      customer: card({ name: 'И*** С*** А*** Р***', legal_name: 'И*** п*** С*** А*** Р***', inn: '0278********', kpp: null, notes: '***' }),
      contacts: [contact({ name: 'А*** С***', email: 'a***@safina-consult.ru', phone: '+7***22', position: null })],
      notes: [{ id: 'note_1', text: '***', author_id: 'usr_1', author: 'Анна', created_at: '2026-02-02T09:00:00Z' }],
    });
    renderAs(['developer']);
    expect(await screen.findByRole('heading', { name: 'И*** С*** А*** Р***' })).toBeTruthy();
    expect(within(panel()).getByText('0278********')).toBeTruthy();
    expect(within(panel()).getByText('И*** п*** С*** А*** Р***')).toBeTruthy();
    expect(await visitEveryTab()).toEqual([]);
    await userEvent.click(tab('Контакты'));
    const row = within(panel()).getByText('А*** С***').closest('tr')!;
    expect(within(row).getByText('a***@safina-consult.ru')).toBeTruthy();
    expect(within(row).getByText('+7***22')).toBeTruthy();
    expect(document.body.textContent).not.toMatch(/Сафина|alina@/);
  });
});
