// The study dashboard: a SMART app (authorization code + PKCE, public client) that reads through the FHIR API.
// The access token lives in this closure only: never in storage, the URL or a cookie; a reload means signing in again.
'use strict';
(() => {
  const CLIENT_ID = 'fhir-dashboard';
  const REDIRECT = location.origin + '/app/';
  const SCOPE = 'openid user/*.rs patient/*.rs';
  const session = { token: null, expires: 0, scope: '', patient: null, open: false, timer: 0 };
  const main = document.getElementById('main');
  const $ = (sel, root = document) => root.querySelector(sel);

  // ---- elements (no innerHTML with data: text goes through textContent) ----
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') e.textContent = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }
  function link(href, text) { return el('a', { href, 'data-nav': true }, text); }
  function status(text, cls = 'status') { return el('p', { class: cls, role: cls === 'error' ? 'alert' : 'status' }, text); }

  // ---- API ----
  class ApiError extends Error { constructor(status, message) { super(message); this.status = status; } }
  async function api(path, accept = 'application/fhir+json') {
    const headers = { Accept: accept };
    if (session.token) headers.Authorization = 'Bearer ' + session.token;
    const r = await fetch('/fhir/' + path, { headers });
    const body = await r.json().catch(() => null);
    if (r.status === 401) { dropToken('Your session has ended; sign in again.'); throw new ApiError(401, 'Sign in to see this.'); }
    if (!r.ok) throw new ApiError(r.status, outcomeText(body) || ('HTTP ' + r.status));
    return body;
  }
  function outcomeText(body) {
    return body && body.resourceType === 'OperationOutcome'
      ? body.issue.map(i => (i.details && i.details.text) || i.diagnostics || i.code).join(' ') : null;
  }
  function part(p, name) { return (p.part || p.parameter || []).find(x => x.name === name); }
  function parts(p, name) { return (p.part || p.parameter || []).filter(x => x.name === name); }
  function val(p, name) {
    const x = p && part(p, name); if (!x) return null;
    for (const k of Object.keys(x)) if (k.startsWith('value')) return k === 'valueQuantity' ? x[k].value : (k === 'valueReference' ? x[k].reference : x[k]);
    return null;
  }
  async function searchAll(query) {
    const out = []; let bundle = await api(query);
    for (let guard = 0; bundle && guard < 50; guard++) {
      for (const e of bundle.entry || []) if (e.resource && e.search?.mode !== 'outcome') out.push(e.resource);
      const next = (bundle.link || []).find(l => l.relation === 'next');
      if (!next) break;
      bundle = await api(next.url.slice(next.url.indexOf('/fhir/') + 6));
    }
    return out;
  }

  // ---- SMART sign-in: authorization code with PKCE (S256) ----
  const b64url = bytes => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  async function signIn() {
    const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
    const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
    const state = b64url(crypto.getRandomValues(new Uint8Array(16)));
    // The verifier is not a credential on its own; it waits in this tab's session storage for the redirect back.
    sessionStorage.setItem('pkce', JSON.stringify({ verifier, state, back: location.pathname + location.search }));
    const q = new URLSearchParams({ response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT, scope: SCOPE, state,
      aud: location.origin + '/fhir', code_challenge: challenge, code_challenge_method: 'S256' });
    location.assign('/auth/authorize?' + q);
  }
  async function completeSignIn(params) {
    const pending = JSON.parse(sessionStorage.getItem('pkce') || 'null');
    sessionStorage.removeItem('pkce');
    if (!pending || pending.state !== params.get('state')) throw new ApiError(400, 'The sign-in could not be completed (state mismatch); try again.');
    const r = await fetch('/auth/token', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: params.get('code'), redirect_uri: REDIRECT, client_id: CLIENT_ID, code_verifier: pending.verifier }) });
    const body = await r.json();
    if (!r.ok) throw new ApiError(r.status, body.error_description || body.error);
    setToken(body);
    history.replaceState(null, '', pending.back || '/app/');
  }
  function setToken(t) {
    session.token = t.access_token; session.scope = t.scope || ''; session.patient = t.patient || null;
    session.expires = Date.now() + t.expires_in * 1000;
    clearTimeout(session.timer);
    session.timer = setTimeout(() => { dropToken('Your session has expired; sign in again.'); route(); }, t.expires_in * 1000);
    updateHeader();
  }
  function dropToken(message) {
    session.token = null; session.scope = ''; session.patient = null; clearTimeout(session.timer);
    session.notice = message; updateHeader();
  }
  function updateHeader() {
    const signedIn = !!session.token;
    $('#signin').hidden = signedIn || session.open;
    $('#signout').hidden = !signedIn;
    $('#who').textContent = signedIn ? 'Signed in: ' + session.scope + (session.patient ? ' (Patient/' + session.patient + ')' : '') : (session.open ? 'No sign-in needed (Auth:Mode=None)' : '');
  }

  // ---- routing: everything the page shows is in its URL (filters included) ----
  function go(url) { history.pushState(null, '', url); route(); }
  document.addEventListener('click', e => {
    const a = e.target.closest('a[data-nav]');
    if (a && !e.ctrlKey && !e.metaKey && !e.shiftKey && a.origin === location.origin) { e.preventDefault(); go(a.pathname + a.search); }
  });
  window.addEventListener('popstate', route);

  async function route() {
    const q = new URLSearchParams(location.search);
    main.replaceChildren();
    if (session.notice) { main.append(status(session.notice, 'error')); session.notice = null; }
    if (!session.token && !session.open) {
      main.append(el('p', {}, 'This dashboard shows only what your account may see. ', el('button', { type: 'button', onclick: signIn }, 'Sign in')));
      return;
    }
    const view = q.get('view');
    try {
      if (view === 'study' && q.get('id')) await studyPage(q);
      else if (view === 'participant' && q.get('id')) await participantPage(q.get('id'));
      else if (view === 'resource' && q.get('ref')) await resourcePage(q.get('ref'));
      else await studyList();
    } catch (e) {
      // The access gate answers 403, or 404 where even the existence of a resource is not the user's to know.
      main.append(status(e.status === 403 || e.status === 404 ? 'Not visible to your account (or not there): ' + e.message : (e.message || String(e)), 'error'));
    }
    main.focus();
  }

  // ---- downloads ----
  function download(name, blob) {
    const a = el('a', { href: URL.createObjectURL(blob), download: name });
    document.body.append(a); a.click(); a.remove(); setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }
  function tableCsv(table) {
    return [...table.rows].map(r => [...r.cells].map(c => '"' + c.textContent.replace(/"/g, '""') + '"').join(',')).join('\r\n') + '\r\n';
  }
  function csvButton(table, name) {
    return el('button', { type: 'button', onclick: () => download(name + '.csv', new Blob([tableCsv(table)], { type: 'text/csv' })) }, 'CSV');
  }
  function svgPng(svg, name) {
    const text = new XMLSerializer().serializeToString(svg);
    const img = new Image();
    img.onload = () => {
      const w = svg.viewBox.baseVal.width, h = svg.viewBox.baseVal.height, scale = 2;
      const canvas = el('canvas', { width: w * scale, height: h * scale });
      const g = canvas.getContext('2d'); g.scale(scale, scale); g.drawImage(img, 0, 0, w, h);
      canvas.toBlob(b => download(name + '.png', b), 'image/png');
    };
    img.src = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  }
  function table(caption, head, rows, cls) {
    return el('table', { class: cls },
      el('caption', {}, caption),
      el('thead', {}, el('tr', {}, head.map(h => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows.map(r => el('tr', {}, r.map((c, i) => i === 0 ? el('th', { scope: 'row', class: 'text' }, c) : el('td', {}, c))))));
  }
  function section(title, ...content) { return el('section', {}, el('h2', {}, title), ...content); }

  // ---- formatting ----
  const pct = v => v === null || v === undefined ? '–' : (100 * v).toFixed(1) + '%';
  const months = v => v === null || v === undefined ? 'NR' : Number(v).toFixed(1);
  function proportion(p) {
    if (!p) return '–';
    const n = val(p, 'numerator'), d = val(p, 'denominator'), e = val(p, 'proportion');
    return `${n}/${d}` + (e === null ? '' : ` (${pct(e)}; ${pct(val(p, 'ciLower'))}–${pct(val(p, 'ciUpper'))})`);
  }
  const median = t => t ? `${months(val(t, 'median'))} (${months(val(t, 'ciLower'))}–${months(val(t, 'ciUpper'))})` : '–';

  // ---- pages ----
  async function studyList() {
    main.append(el('h1', {}, 'Studies'));
    const studies = await searchAll('ResearchStudy?_count=100&_sort=_id');
    if (studies.length === 0) { main.append(status('No studies are visible to you.')); return; }
    const rows = studies.map(s => {
      const counts = [el('span', { 'data-enrolled': s.id }, '…'), el('span', { 'data-treated': s.id }, '…')];
      return [link('/app/?view=study&id=' + encodeURIComponent(s.id), s.title || s.id), s.status || '', phase(s), (s.arm || []).map(a => a.name).join(', '), ...counts];
    });
    const t = table('Every ResearchStudy you may read', ['Study', 'Status', 'Phase', 'Arms', 'Enrolled', 'Treated'], rows, 'studies');
    main.append(t, el('div', { class: 'tools' }, csvButton(t, 'studies')));
    for (const s of studies) {
      api(`ResearchStudy/${encodeURIComponent(s.id)}/$endpoints`).then(p => {
        const all = parts(p, 'arm').find(a => val(a, 'name') === 'all');
        $(`[data-enrolled="${CSS.escape(s.id)}"]`).textContent = all ? val(all, 'enrolled') : '–';
        $(`[data-treated="${CSS.escape(s.id)}"]`).textContent = all ? val(all, 'treated') : '–';
      }).catch(() => {
        for (const k of ['enrolled', 'treated']) { const x = $(`[data-${k}="${CSS.escape(s.id)}"]`); if (x) x.textContent = 'not visible'; }
      });
    }
  }
  function phase(s) { const c = s.phase?.coding?.[0]; return s.phase?.text || c?.display || c?.code || ''; }

  async function studyPage(q) {
    const id = q.get('id');
    const filters = new URLSearchParams();
    for (const k of ['arm', 'population', 'cutoff']) if (q.get(k)) filters.set(k, q.get(k));
    const started = performance.now();
    const [study, dash] = await Promise.all([api('ResearchStudy/' + encodeURIComponent(id)), api(`ResearchStudy/${encodeURIComponent(id)}/$dashboard?${filters}`)]);
    main.append(el('h1', {}, study.title || id), el('p', { class: 'status' }, `ResearchStudy/${id} · ${study.status || ''} · ${phase(study)}`));
    main.append(filterForm(study, q));
    const arms = parts(dash, 'arm');
    const armRows = arms.map(a => {
      const b = part(a, 'bestResponse');
      return [val(a, 'name'), val(a, 'enrolled'), val(a, 'treated'), val(a, 'evaluable'), val(a, 'n'), proportion(part(a, 'orr')), proportion(part(a, 'bor')),
        proportion(part(a, 'dcr')), ['CR', 'PR', 'SD', 'PD', 'NE'].map(k => val(b, k)).join(' / '), median(part(a, 'pfs')), median(part(a, 'os'))];
    });
    const armTable = table(`Arms (${val(arms[0], 'population')} population; medians in months with 95% CI, NR = not reached)`,
      ['Arm', 'Enrolled', 'Treated', 'Evaluable', 'N', 'ORR', 'BOR', 'DCR', 'CR / PR / SD / PD / NE', 'Median PFS', 'Median OS'], armRows, 'arms');
    main.append(section('Arms', armTable, el('div', { class: 'tools' }, csvButton(armTable, `${id}-arms`))));

    const grid = el('div', { class: 'grid' });
    for (const p of parts(dash, 'plot')) {
      const name = val(p, 'name');
      const holder = el('div', { class: 'plot', 'data-plot': name });
      holder.innerHTML = val(p, 'svg'); // server-made SVG: presentation attributes only, no script (CSP forbids it anyway)
      const svg = holder.firstElementChild;
      grid.append(el('figure', { class: name === 'swimmer' ? 'tall' : null }, holder, el('figcaption', {},
        el('span', {}, svg.querySelector('desc').textContent),
        el('button', { type: 'button', onclick: () => download(`${id}-${name}.svg`, new Blob([new XMLSerializer().serializeToString(svg)], { type: 'image/svg+xml' })) }, 'SVG'),
        el('button', { type: 'button', onclick: () => svgPng(svg, `${id}-${name}`) }, 'PNG'))));
    }
    main.append(section('Figures', grid));

    const shown = arms.find(a => val(a, 'name') === (q.get('arm') || 'all')) || arms[0];
    const safety = part(shown, 'safety');
    const n = val(safety, 'n');
    const cell = (row, k) => { const c = val(row, k); return n ? `${c} (${(100 * c / n).toFixed(1)}%)` : String(c); };
    const cols = ['anyGrade', 'grade3', 'grade4', 'grade5', 'grade3plus', 'serious', 'discontinuation'];
    const aeRows = [['Any adverse event', ...cols.map(k => cell(part(safety, 'any'), k))],
      ...parts(safety, 'term').map(t => { const c = part(t, 'code').valueCoding; return [c.display || c.code, ...cols.map(k => cell(t, k))]; })];
    const aeTable = table(`Treatment-emergent adverse events, ${val(shown, 'name')} (treated N = ${n})`,
      ['Term (MedDRA)', 'Any grade', 'Grade 3', 'Grade 4', 'Grade 5', 'Grade ≥3', 'Serious', 'Led to discontinuation'], aeRows, 'ae');
    main.append(section('Adverse events', aeTable, el('div', { class: 'tools' }, csvButton(aeTable, `${id}-adverse-events`))));

    const outcome = part(dash, 'issues').resource;
    const findings = (outcome.issue || []).filter(i => i.severity !== 'information');
    const list = el('ul', { class: 'issues' }, findings.map(i => el('li', {}, el('strong', {}, i.details?.coding?.[0]?.code || i.code), ': ', i.details?.text || '',
      ...(i.diagnostics || '').split(' ').filter(Boolean).map(r => [' ', r.startsWith('ResearchSubject/') ? link('/app/?view=participant&id=' + encodeURIComponent(r.slice(16)), r) : link('/app/?view=resource&ref=' + encodeURIComponent(r), r)]))));
    main.append(section(`Data-quality findings (${findings.length})`, findings.length ? list : status('No data-quality findings.')));

    const more = el('div', {});
    main.append(section('Participants', el('p', {}, 'The numbers behind the waterfall and swimmer plots, one row per participant, with links to each participant\'s timeline.'),
      el('button', { type: 'button', id: 'load-participants', onclick: async e => { e.target.disabled = true; await participants(id, filters, more); } }, 'Show participants'), more));
    main.dataset.rendered = String(Math.round(performance.now() - started));
  }

  function filterForm(study, q) {
    const arms = (study.arm || []).map(a => a.name);
    const arm = el('select', { name: 'arm', id: 'f-arm' }, el('option', { value: '' }, 'All arms'), arms.map(a => el('option', { value: a, selected: q.get('arm') === a }, a)));
    const pop = el('select', { name: 'population', id: 'f-population' },
      [['', 'Efficacy-evaluable'], ['treated', 'Treated']].map(([v, t]) => el('option', { value: v, selected: (q.get('population') || '') === v }, t)));
    const cutoff = el('input', { type: 'date', name: 'cutoff', id: 'f-cutoff', value: q.get('cutoff') || '' });
    const form = el('form', { class: 'filters', 'aria-label': 'Filters' },
      el('label', {}, 'Arm', arm), el('label', {}, 'Population', pop), el('label', {}, 'Data cut-off', cutoff), el('button', { type: 'submit' }, 'Apply'));
    form.addEventListener('submit', e => {
      e.preventDefault();
      const next = new URLSearchParams({ view: 'study', id: q.get('id') });
      if (arm.value) next.set('arm', arm.value);
      if (pop.value) next.set('population', pop.value);
      if (cutoff.value) next.set('cutoff', cutoff.value);
      go('/app/?' + next);
    });
    for (const s of [arm, pop]) s.addEventListener('change', () => form.requestSubmit());
    return form;
  }

  async function participants(id, filters, into) {
    into.replaceChildren(status('Loading…'));
    const p = await api(`ResearchStudy/${encodeURIComponent(id)}/$subject-outcomes?${filters}`);
    const rows = parts(p, 'subject').map(s => {
      const ref = val(s, 'subject');
      const t = k => val(s, k + 'Days') === null ? '–' : `${val(s, k + 'Days')}${val(s, k + 'Event') ? '' : '+'}`;
      return [link('/app/?view=participant&id=' + encodeURIComponent(ref.slice(16)), ref), val(s, 'arm') || '', val(s, 'firstDose') || '', val(s, 'lastDose') || '',
        val(s, 'bestResponse') || '', val(s, 'bestPercentChange') ?? '', t('pfs'), t('os'), val(s, 'worstAeGrade') ?? ''];
    });
    const t = table('Participants (times in days from the first dose; + = censored)', ['Participant', 'Arm', 'First dose', 'Last dose', 'Best response', 'Best % change', 'PFS', 'OS', 'Worst AE grade'], rows, 'participants');
    into.replaceChildren(t, el('div', { class: 'tools' }, csvButton(t, `${id}-participants`)));
  }

  async function participantPage(id) {
    const subject = await api('ResearchSubject/' + encodeURIComponent(id));
    const patientRef = subject.individual?.reference || '';
    const pid = patientRef.replace(/^Patient\//, '');
    main.append(el('h1', {}, 'Participant ' + id), el('p', {}, link('/app/?view=resource&ref=' + encodeURIComponent('ResearchSubject/' + id), 'ResearchSubject/' + id), ' · ',
      link('/app/?view=resource&ref=' + encodeURIComponent(patientRef), patientRef), ' · arm ', subject.actualArm || subject.assignedArm || '–', ' · ',
      subject.study?.reference ? link('/app/?view=study&id=' + encodeURIComponent(subject.study.reference.replace(/^ResearchStudy\//, '')), subject.study.reference) : ''));
    const p = encodeURIComponent('Patient/' + pid);
    const [doses, observations, events] = await Promise.all([
      searchAll(`MedicationAdministration?subject=${p}&_count=500`),
      searchAll(`Observation?subject=${p}&_count=500`),
      searchAll(`AdverseEvent?subject=${p}&_count=500`)]);
    const items = [];
    for (const d of doses) items.push([d.effectivePeriod?.start || d.effectiveDateTime, 'Dose', (d.medicationCodeableConcept?.text || d.medicationCodeableConcept?.coding?.[0]?.display || 'administration') + ' (' + d.status + ')', d]);
    for (const o of observations) {
      const cat = (o.category || []).flatMap(c => c.coding || []).map(c => c.code);
      const kind = cat.includes('laboratory') || /genom|variant/i.test(JSON.stringify(o.code)) ? 'Genomic / lab result' : 'Assessment';
      const value = o.valueCodeableConcept?.coding?.[0]?.display || o.valueCodeableConcept?.coding?.[0]?.code || o.valueCodeableConcept?.text
        || (o.valueQuantity ? `${o.valueQuantity.value} ${o.valueQuantity.unit || ''}` : '') || (o.component ? o.component.length + ' components' : '');
      items.push([o.effectiveDateTime || o.effectivePeriod?.start || o.issued, kind, (o.code?.text || o.code?.coding?.[0]?.display || o.code?.coding?.[0]?.code || '') + (value ? ': ' + value : ''), o]);
    }
    for (const a of events) {
      const grade = (a.extension || []).find(x => /ctcae-grade$/.test(x.url))?.valueCodeableConcept?.coding?.[0];
      items.push([a.date || a.detected || a.recordedDate, 'Adverse event', (a.event?.text || a.event?.coding?.[0]?.display || '')
        + (grade ? ' (' + (grade.display || grade.code) + ')' : '') + (a.seriousness?.coding?.[0]?.code === 'serious' ? ', serious' : ''), a]);
    }
    items.sort((x, y) => String(x[0]).localeCompare(String(y[0])));
    const t = table('Timeline', ['Date', 'Kind', 'What', 'Resource'],
      items.map(([date, kind, what, r]) => [String(date || '').slice(0, 10), kind, what, link('/app/?view=resource&ref=' + encodeURIComponent(r.resourceType + '/' + r.id), r.resourceType + '/' + r.id)]), 'timeline');
    main.append(section(`Timeline (${items.length} entries)`, timelineSvg(items), t, el('div', { class: 'tools' }, csvButton(t, `${id}-timeline`))));
  }

  // A strip of the entries by date (one row per kind), drawn with DOM calls: attributes only, nothing inline to trust.
  function timelineSvg(items) {
    const ns = 'http://www.w3.org/2000/svg';
    const dated = items.filter(i => i[0]).map(i => [Date.parse(String(i[0]).slice(0, 10)), i[1]]).filter(i => !isNaN(i[0]));
    const svg = document.createElementNS(ns, 'svg');
    const kinds = ['Dose', 'Assessment', 'Genomic / lab result', 'Adverse event'];
    const colours = ['#0072B2', '#009E73', '#CC79A7', '#D55E00'];
    const W = 900, H = 40 + kinds.length * 26;
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`); svg.setAttribute('width', W); svg.setAttribute('height', H);
    svg.setAttribute('role', 'img'); svg.setAttribute('aria-label', 'Timeline of the participant: the table below lists every entry.');
    svg.setAttribute('font-family', 'DejaVu Sans, Arial, sans-serif'); svg.setAttribute('font-size', '12');
    const add = (tag, a, text) => { const e = document.createElementNS(ns, tag); for (const [k, v] of Object.entries(a)) e.setAttribute(k, v); if (text) e.textContent = text; svg.append(e); return e; };
    if (dated.length === 0) return svg;
    const t0 = Math.min(...dated.map(d => d[0])), t1 = Math.max(...dated.map(d => d[0])) || t0 + 1;
    const x = t => 170 + (W - 190) * (t1 === t0 ? 0 : (t - t0) / (t1 - t0));
    kinds.forEach((k, i) => add('text', { x: 4, y: 30 + i * 26, fill: colours[i] }, k));
    for (const [t, k] of dated) {
      const i = kinds.indexOf(k); if (i < 0) continue;
      add('circle', { cx: x(t).toFixed(1), cy: 26 + i * 26, r: 4, fill: colours[i], 'fill-opacity': '0.7' });
    }
    add('text', { x: 170, y: H - 4 }, new Date(t0).toISOString().slice(0, 10));
    add('text', { x: W - 20, y: H - 4, 'text-anchor': 'end' }, new Date(t1).toISOString().slice(0, 10));
    return svg;
  }

  async function resourcePage(ref) {
    const r = await api(ref.split('/').map(encodeURIComponent).join('/'));
    main.append(el('h1', {}, ref), el('pre', { class: 'json' }, JSON.stringify(r, null, 2)));
  }

  // ---- start ----
  $('#signin').addEventListener('click', signIn);
  $('#signout').addEventListener('click', () => { dropToken('You are signed out.'); route(); });
  (async () => {
    const q = new URLSearchParams(location.search);
    try {
      if (q.get('code')) await completeSignIn(q);
      else if (q.get('error')) session.notice = 'Sign-in failed: ' + (q.get('error_description') || q.get('error'));
      if (!session.token) {
        // Auth:Mode=None (loopback only): the API answers without a token, so no sign-in is needed.
        const probe = await fetch('/fhir/ResearchStudy?_summary=count', { headers: { Accept: 'application/fhir+json' } });
        session.open = probe.ok;
      }
    } catch (e) { session.notice = e.message; }
    updateHeader();
    await route();
  })();
})();
