// Sign-in: username and password → `POST /api/v1/auth/token`; the token lives in this tab's sessionStorage.
import { api, problemText } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { setSession } from '../session.js';
import { field } from '../widgets.js';

export function renderLogin(container, ctx) {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, autofocus: true, testid: 'login-username', spellcheck: 'false' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, testid: 'login-password' });
  const submit = h('button', { type: 'submit', class: 'primary', testid: 'login-submit', i18n: 'login.submit' });
  const error = h('div', { class: 'login-error', role: 'alert', testid: 'login-error', hidden: true });

  const form = h(
    'form',
    {
      class: 'login-form',
      testid: 'login-form',
      on: {
        async submit(ev) {
          ev.preventDefault();
          error.hidden = true;
          submit.disabled = true;
          try {
            const res = await api.request('/api/v1/auth/token', { method: 'POST', body: { username: username.value.trim(), password: password.value } });
            setSession({ token: res.token, expiresAt: res.expiresAt, user: res.user });
            ctx.signedIn();
          } catch (err) {
            replaceChildren(error, err?.status === 401 ? h('span', { i18n: 'login.failed' }) : problemText(err));
            error.hidden = false;
            password.select();
          } finally {
            submit.disabled = false;
          }
        },
      },
    },
    h('h1', { class: 'login-title', i18n: 'app.title' }),
    h('p', { class: 'login-sub', i18n: 'login.subtitle' }),
    field('login.username', username),
    field('login.password', password),
    error,
    submit,
    h('p', { class: 'login-note', i18n: 'login.note' }),
  );
  container.append(h('div', { class: 'login-wrap' }, form));
  setTimeout(() => username.focus(), 0);
}
