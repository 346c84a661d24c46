// The Shipwatch dashboard's only script (no framework, no build step): it
// keeps the page live with server-sent events and asks before any action.
// Without it the pages still work: reload to update, and each action asks
// for confirmation on a page of its own.
(() => {
  const token = document.querySelector('meta[name="shipwatch-token"]')?.getAttribute('content') ?? '';
  const main = document.getElementById('main');
  const live = document.getElementById('live');
  const liveStatus = document.getElementById('live-status');
  const actionStatus = document.getElementById('action-status');
  const dialog = document.getElementById('confirm');

  const setLive = (state, text) => {
    if (!liveStatus) return;
    liveStatus.dataset.state = state;
    liveStatus.textContent = text;
  };

  // Live: the server sends the page's live part again whenever it changes.
  if (main && live && 'EventSource' in window) {
    const page = main.dataset.livePage || location.pathname + location.search;
    const source = new EventSource(`/events?page=${encodeURIComponent(page)}`);
    source.addEventListener('open', () => setLive('live', 'live'));
    source.addEventListener('error', () => setLive('reconnecting', 'reconnecting…'));
    source.addEventListener('live', (event) => {
      // What a person opened stays open across updates.
      const opened = new Set([...live.querySelectorAll('details[open] > summary')].map((s) => s.textContent));
      const focused = document.activeElement && live.contains(document.activeElement) ? document.activeElement.closest('form')?.getAttribute('action') : null;
      live.innerHTML = event.data;
      for (const summary of live.querySelectorAll('details > summary')) if (opened.has(summary.textContent)) summary.parentElement.open = true;
      if (focused) live.querySelector(`form[action="${CSS.escape(focused)}"] button`)?.focus();
      live.dataset.updates = String(Number(live.dataset.updates || 0) + 1);
      setLive('live', `live, updated ${new Date().toLocaleTimeString()}`);
    });
  }

  let fade;
  const show = (state, text) => {
    if (!actionStatus) return;
    actionStatus.dataset.state = state;
    actionStatus.textContent = text;
    // The page itself shows what followed; the answer goes after a while (it stays while work is pending).
    clearTimeout(fade);
    if (state !== 'pending') fade = setTimeout(() => (actionStatus.textContent = ''), 20_000);
  };

  // Actions: a dialog asks first; then one POST carrying the session token, answered in words.
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains('action')) return;
    if (!dialog || typeof dialog.showModal !== 'function') return;
    event.preventDefault();
    const body = new URLSearchParams(new FormData(form));
    body.set('confirmed', '1');
    const action = form.getAttribute('action');
    document.getElementById('confirm-text').textContent = form.dataset.confirm || 'Do this?';
    dialog.returnValue = '';
    dialog.addEventListener(
      'close',
      async () => {
        if (dialog.returnValue !== 'confirm') return show('cancelled', 'Cancelled: nothing was done.');
        show('pending', 'Working…');
        try {
          const response = await fetch(action, {
            method: 'POST',
            credentials: 'same-origin',
            headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', 'x-shipwatch-token': token },
            body,
          });
          const answer = await response.json();
          show(answer.status, answer.message);
        } catch (error) {
          show('error', `The dashboard could not be reached: ${error.message}`);
        }
      },
      { once: true },
    );
    dialog.showModal();
    document.getElementById('confirm-yes')?.focus();
  });
})();
