// @ts-check
/** The login form of the dashboard (the token is kept by api.js); after logging in, the link asked for before. */
import { ApiError, login } from './api.js';
import { t } from './i18n.js';
import { rerender, state } from './state.js';
import { $, applyChrome, errorText, esc, main } from './ui.js';

/** @param {string} [message] */
export function showLogin(message = '') {
  state.session = null;
  applyChrome();
  const m = main();
  m.dataset.state = 'login';
  m.innerHTML = `<form class="login" id="login-form">
    <h2>${esc(t('login'))}</h2>
    <label>${esc(t('username'))}<input name="username" autocomplete="username" required></label>
    <label>${esc(t('password'))}<input name="password" type="password" autocomplete="current-password" required></label>
    <p class="error" id="login-error" role="alert">${esc(message)}</p>
    <button type="submit">${esc(t('login'))}</button>
  </form>`;
  const form = /** @type {HTMLFormElement} */ ($('#login-form'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const data = new FormData(form);
    try {
      await login(String(data.get('username')), String(data.get('password')));
      const next = state.afterLogin && !state.afterLogin.startsWith('#/login') ? state.afterLogin : '#/overview';
      state.afterLogin = '';
      if (location.hash === next) void rerender();
      else location.hash = next;
    } catch (e) {
      // in the user's language: a refused login is said plainly, anything else by its code (ui.js errorText)
      const refused = e instanceof ApiError && (e.code === 'UNAUTHENTICATED' || e.code === 'FORBIDDEN');
      $('#login-error').textContent = `${t('loginFailed')}: ${refused ? t('err_LOGIN') : errorText(e).text}`;
    }
  });
}
