/*
 * orthanc-pixel-redaction: the queue page, /redaction/ui/queue.html.
 *
 * GET ../queue: counts of the queue and of the outcomes since Orthanc started, and
 * the recent failures (instance, reason code, PHI-free message, time). Each failure
 * has a Retry button (POST ../instances/{id}: synchronous) and a link to its review.
 */
(function () {
  'use strict';

  var API = '..';
  var EXPLORER = '../../app/explorer.html';
  var REFRESH_MS = 5000;

  var COUNTS = [
    ['queued', 'queued'],
    ['running', 'running'],
    ['in_flight', 'in flight'],
    ['changes_behind', 'changes behind'],
    ['done', 'done'],
    ['failed', 'failed'],
    ['skipped', 'skipped']
  ];

  var retrying = {}; // instance -> true while its retry runs
  var timer = null;
  var shown = ''; // what the failure table shows: not rebuilt when unchanged

  var $ = Redaction.$;
  var el = Redaction.el;
  var call = Redaction.request;

  function showError(message) {
    var box = $('queue-error');
    box.hidden = !message;
    box.textContent = message || '';
  }

  function renderCounts(q) {
    var target = $('queue-counts');
    target.textContent = '';
    COUNTS.forEach(function (c) {
      var item = el('div', 'count ' + c[0]);
      item.setAttribute('data-name', c[0]);
      var value = el('span', 'value', q[c[0]] === undefined ? '-' : q[c[0]]);
      value.setAttribute('data-value', String(q[c[0]] === undefined ? '' : q[c[0]]));
      item.appendChild(value);
      item.appendChild(el('span', 'name', c[1]));
      target.appendChild(item);
    });
    target.setAttribute('data-loaded', 'true');
    target.setAttribute('data-failed', String(q.failed || 0));
    target.setAttribute('data-done', String(q.done || 0));
    var workers = [];
    if (q.workers !== undefined) {
      workers.push('workers: ' + (q.workers_alive === undefined ? '?' : q.workers_alive) +
        ' alive of ' + q.workers);
    }
    if (q.worker_restarts !== undefined) {
      workers.push('restarts: ' + q.worker_restarts);
    }
    if (q.worker_timeouts !== undefined) {
      workers.push('timeouts: ' + q.worker_timeouts);
    }
    if (q.automatic !== undefined) {
      workers.push('automatic redaction: ' + (q.automatic ? 'on' : 'off'));
    }
    $('queue-workers').textContent = workers.join(' \u00b7 ');
  }

  // The newest failure of each instance, with how many of its failures are listed.
  function latestPerInstance(failures) {
    var seen = {};
    var out = [];
    failures.forEach(function (f) {
      if (seen[f.instance]) {
        seen[f.instance].times += 1;
        return;
      }
      var item = { instance: f.instance, reason: f.reason, message: f.message, time: f.time, times: 1 };
      seen[f.instance] = item;
      out.push(item);
    });
    return out;
  }

  function renderFailures(all) {
    var failures = latestPerInstance(all);
    var body = $('queue-failures');
    var key = JSON.stringify([failures, retrying]);
    if (key === shown) {
      return; // keeps the buttons under the user's pointer in place
    }
    shown = key;
    body.textContent = '';
    body.setAttribute('data-count', String(failures.length));
    if (!failures.length) {
      var row = el('tr');
      var cell = el('td', 'muted', 'No failure since Orthanc started.');
      cell.colSpan = 5;
      row.appendChild(cell);
      body.appendChild(row);
      return;
    }
    failures.forEach(function (f) {
      var row = el('tr', 'queue-failure');
      row.setAttribute('data-instance', f.instance);
      row.setAttribute('data-time', f.time || '');
      var when = el('td', 'queue-time', f.time || '');
      if (f.times > 1) {
        when.appendChild(el('div', 'muted', f.times + ' failures listed'));
      }
      row.appendChild(when);
      var idCell = el('td');
      var explorer = el('a', '', f.instance);
      explorer.href = EXPLORER + '#instance?uuid=' + encodeURIComponent(f.instance);
      idCell.appendChild(el('code')).appendChild(explorer);
      row.appendChild(idCell);
      row.appendChild(el('td', 'queue-reason', f.reason || ''));
      row.appendChild(el('td', 'queue-message', f.message || ''));
      var actions = el('td');
      var retry = el('button', 'queue-retry', retrying[f.instance] ? 'Retrying...' : 'Retry');
      retry.type = 'button';
      retry.setAttribute('data-instance', f.instance);
      retry.disabled = !!retrying[f.instance];
      retry.addEventListener('click', function () {
        doRetry(f.instance, retry);
      });
      actions.appendChild(retry);
      actions.appendChild(document.createTextNode(' '));
      var review = el('a', 'queue-review', 'Review');
      review.href = 'review.html?instance=' + encodeURIComponent(f.instance);
      review.setAttribute('data-instance', f.instance);
      actions.appendChild(review);
      row.appendChild(actions);
      body.appendChild(row);
    });
  }

  function refresh() {
    return call('GET', API + '/queue')
      .then(function (q) {
        showError('');
        renderCounts(q);
        renderFailures(q.recent_failures || []);
        $('queue-updated').textContent = 'updated ' + new Date().toLocaleTimeString();
      })
      .catch(function (err) {
        showError('Queue unavailable: ' + err.message);
      });
  }

  function doRetry(instance, button) {
    retrying[instance] = true;
    button.disabled = true;
    button.textContent = 'Retrying...';
    call('POST', API + '/instances/' + encodeURIComponent(instance))
      .then(function (s) {
        delete retrying[instance];
        showError('');
        var note = $('queue-updated');
        note.textContent = 'retry of ' + instance + ': ' + s.status +
          (s.reason ? ' (' + s.reason + ')' : '');
        note.setAttribute('data-last-retry', instance);
        return refresh();
      })
      .catch(function (err) {
        delete retrying[instance];
        showError('Retry of ' + instance + ' failed: ' + err.message);
        return refresh();
      });
  }

  function schedule() {
    if (timer) {
      clearInterval(timer);
      timer = null;
    }
    if ($('queue-auto').checked) {
      timer = setInterval(refresh, REFRESH_MS);
    }
  }

  function start() {
    $('queue-refresh').addEventListener('click', refresh);
    $('queue-auto').addEventListener('change', schedule);
    refresh();
    schedule();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
