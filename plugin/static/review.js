/*
 * orthanc-pixel-redaction: review of one original and its redacted copy.
 *
 * Served at /redaction/ui/review.html?instance=<Orthanc ID>; every call is relative
 * to /redaction/ui/, so "../instances/X" is /redaction/instances/X.
 *
 * Shows the original and the redacted copy side by side (PNG previews rendered by
 * the plugin), with the boxes drawn over them by this page (labels: entity type
 * only, never text read from the image). The reviewer corrects the original's boxes:
 * drag to add a box, click an engine box to mark it "not PHI" (kept unpainted),
 * click a reviewer box to remove it; "Re-issue copy" saves the corrections and
 * redacts the original again.
 */
(function () {
  'use strict';

  var API = '..';
  var EXPLORER = '../../app/explorer.html';
  var MIN_BOX = 2; // image pixels: smaller drags are clicks or slips

  var state = {
    id: null, // Orthanc ID of the original under review
    status: null, // GET ../instances/{id}
    frames: 1,
    frame: 0,
    add: [], // reviewer boxes (working copy)
    keep: [], // regions marked not PHI (working copy)
    history: [],
    saved: '{"add":[],"keep":[]}',
    natural: { original: null, redacted: null },
    urls: { original: null, redacted: null },
    loadSeq: { original: 0, redacted: 0 },
    busy: false,
    reissues: 0,
    drawn: [] // boxes added in this session, newest last (undo)
  };

  var $ = Redaction.$;
  var el = Redaction.el;
  var request = Redaction.request;

  function instanceUrl(suffix) {
    return API + '/instances/' + encodeURIComponent(state.id) + (suffix || '');
  }

  // ---- status line ------------------------------------------------------------------
  function setStatus(status, headline, detail) {
    var s = $('review-status');
    s.setAttribute('data-status', status);
    s.className = 'status-' + String(status).replace(/[^a-z-]/g, '');
    s.textContent = headline;
    $('review-detail').textContent = detail || '';
  }

  function setBusy(busy) {
    state.busy = busy;
    $('review-status').setAttribute('data-busy', busy ? 'true' : 'false');
    updateButtons();
  }

  function describe(s) {
    var parts = [];
    if (s.redacted) {
      parts.push('copy ' + s.redacted);
    }
    if (s.status === 'done') {
      var n = (s.boxes || []).length;
      parts.push(n + ' region' + (n === 1 ? '' : 's') + ' painted');
      if (s.verification && s.verification.passed === true) {
        parts.push('verification passed');
      } else if (s.verification && s.verification.passed === false) {
        parts.push('verification failed');
      }
    }
    if (s.reason) {
      parts.push('reason: ' + s.reason);
    }
    if (s.message) {
      parts.push(s.message);
    }
    if (s.trigger) {
      parts.push('by ' + s.trigger);
    }
    if (s.created) {
      parts.push(s.created);
    }
    return parts.join(' \u00b7 ');
  }

  function showStatus() {
    var s = state.status;
    setStatus(s.status, 'Status: ' + s.status, describe(s));
    $('review-status').setAttribute('data-copy', s.redacted || '');
    $('review-status').setAttribute('data-reissues', String(state.reissues));
    $('review-explorer-original').href = EXPLORER + '#instance?uuid=' + state.id;
    var copyLink = $('review-explorer-copy');
    copyLink.hidden = !s.redacted;
    if (s.redacted) {
      copyLink.href = EXPLORER + '#instance?uuid=' + s.redacted;
    }
    var video = $('review-video');
    video.hidden = !(s.redacted && state.frames > 1);
    if (!video.hidden) {
      video.href = instanceUrl('/video.gif?which=redacted');
    }
  }

  // ---- frames -----------------------------------------------------------------------
  function setFrames(count) {
    var n = parseInt(count, 10);
    if (n > 0 && n !== state.frames) {
      state.frames = n;
      if (state.frame >= n) {
        state.frame = n - 1;
      }
    }
    updateFrameLabel();
  }

  function updateFrameLabel() {
    var label = $('review-frame-label');
    label.textContent = 'Frame ' + (state.frame + 1) + ' / ' + state.frames;
    label.setAttribute('data-frame', String(state.frame));
    label.setAttribute('data-frames', String(state.frames));
    updateButtons();
  }

  function goFrame(frame) {
    if (frame < 0 || frame >= state.frames || frame === state.frame) {
      return;
    }
    state.frame = frame;
    updateFrameLabel();
    loadImages();
    drawBoxes();
  }

  // ---- images -----------------------------------------------------------------------
  function loadImages() {
    loadImage('original');
    loadImage('redacted');
  }

  function loadImage(which) {
    var seq = ++state.loadSeq[which];
    var frame = state.frame;
    var img = $('review-' + which);
    img.setAttribute('data-loading', 'true');
    var url = instanceUrl(
      '/preview.png?frame=' + frame + '&which=' + which + '&t=' + Date.now()
    );
    if (which === 'redacted' && state.status && !state.status.redacted) {
      showPlaceholder(which, 'No redacted copy (status: ' + state.status.status + ')');
      return;
    }
    fetch(url, { cache: 'no-store' })
      .then(function (r) {
        if (!r.ok) {
          return r.text().then(function (text) {
            var msg = 'HTTP ' + r.status;
            try {
              var body = JSON.parse(text);
              msg += ': ' + body.error + (body.code ? ' (' + body.code + ')' : '');
            } catch (ignored) {
              // keep the status only
            }
            throw new Error(msg);
          });
        }
        if (which === 'original' && r.headers.get('X-Frames')) {
          setFrames(r.headers.get('X-Frames'));
        }
        return r.blob();
      })
      .then(function (blob) {
        if (seq !== state.loadSeq[which]) {
          return;
        }
        var objectUrl = URL.createObjectURL(blob);
        img.onload = function () {
          if (state.urls[which] && state.urls[which] !== objectUrl) {
            URL.revokeObjectURL(state.urls[which]);
          }
          state.urls[which] = objectUrl;
          state.natural[which] = { w: img.naturalWidth, h: img.naturalHeight };
          img.setAttribute('data-frame', String(frame));
          img.removeAttribute('data-loading');
          hidePlaceholder(which);
          layout();
          drawBoxes();
        };
        img.onerror = function () {
          showPlaceholder(which, 'The preview could not be shown');
        };
        img.src = objectUrl;
      })
      .catch(function (err) {
        if (seq === state.loadSeq[which]) {
          showPlaceholder(which, 'Preview unavailable: ' + err.message);
        }
      });
  }

  function showPlaceholder(which, text) {
    var stage = $('review-' + which + '-stage');
    var img = $('review-' + which);
    img.hidden = true;
    img.removeAttribute('data-loading');
    $('review-' + which + '-overlay').hidden = true;
    var ph = stage.querySelector('.placeholder');
    if (!ph) {
      ph = el('div', 'placeholder');
      stage.appendChild(ph);
    }
    ph.textContent = text;
  }

  function hidePlaceholder(which) {
    var stage = $('review-' + which + '-stage');
    var ph = stage.querySelector('.placeholder');
    if (ph) {
      ph.remove();
    }
    $('review-' + which).hidden = false;
    $('review-' + which + '-overlay').hidden = false;
  }

  // The same scale for both images: as large as the column allows, at most 4x.
  function layout() {
    ['original', 'redacted'].forEach(function (which) {
      var nat = state.natural[which];
      var img = $('review-' + which);
      if (!nat || !nat.w) {
        return;
      }
      var column = img.closest('.viewer');
      var availW = Math.max(120, column.clientWidth);
      var availH = Math.max(160, window.innerHeight * 0.72);
      var scale = Math.min(availW / nat.w, availH / nat.h, 4);
      img.style.width = Math.floor(nat.w * scale) + 'px';
      img.style.height = Math.floor(nat.h * scale) + 'px';
    });
  }

  // ---- boxes ------------------------------------------------------------------------
  function sameFrame(b) {
    return (b.frame || 0) === state.frame;
  }

  // ``box`` lies at least half inside ``region`` (the core's rule for keep regions).
  function halfInside(box, region) {
    if ((box.frame || 0) !== (region.frame || 0)) {
      return false;
    }
    var x0 = Math.max(box.left, region.left);
    var y0 = Math.max(box.top, region.top);
    var x1 = Math.min(box.left + box.width, region.left + region.width);
    var y1 = Math.min(box.top + box.height, region.top + region.height);
    if (x1 <= x0 || y1 <= y0) {
      return false;
    }
    return (x1 - x0) * (y1 - y0) * 2 >= box.width * box.height;
  }

  function keepIndexOf(box) {
    for (var i = 0; i < state.keep.length; i++) {
      if (halfInside(box, state.keep[i])) {
        return i;
      }
    }
    return -1;
  }

  function engineBoxes() {
    return ((state.status && state.status.boxes) || []).filter(function (b) {
      return b.source !== 'reviewer';
    });
  }

  function plain(b) {
    return {
      frame: b.frame || 0,
      left: b.left,
      top: b.top,
      width: b.width,
      height: b.height
    };
  }

  function boxElement(b, source, entity, extraClass, nat) {
    var d = el('div', 'review-box' + (extraClass ? ' ' + extraClass : ''));
    d.setAttribute('data-source', source);
    d.setAttribute('data-entity', entity);
    d.style.left = (100 * b.left) / nat.w + '%';
    d.style.top = (100 * b.top) / nat.h + '%';
    d.style.width = (100 * b.width) / nat.w + '%';
    d.style.height = (100 * b.height) / nat.h + '%';
    d.appendChild(el('span', 'label', extraClass === 'kept' ? entity + ' \u2013 not PHI' : entity));
    return d;
  }

  function drawBoxes() {
    drawOriginal();
    drawRedacted();
    showCorrections();
  }

  function drawOriginal() {
    var overlay = $('review-original-overlay');
    var nat = state.natural.original;
    overlay.textContent = '';
    if (!nat) {
      return;
    }
    var engine = engineBoxes();
    engine.forEach(function (b, i) {
      if (!sameFrame(b)) {
        return;
      }
      var kept = keepIndexOf(b) >= 0;
      var d = boxElement(b, b.source || 'engine', b.entity_type || 'TEXT', kept ? 'kept' : '', nat);
      d.setAttribute('data-kind', 'engine');
      d.setAttribute('data-index', String(i));
      d.title = 'Click: ' + (kept ? 'paint it again' : 'not PHI, leave it unpainted');
      overlay.appendChild(d);
    });
    // Regions marked not PHI that no current box stands for (the engine left them out
    // of the last copy because of that mark).
    state.keep.forEach(function (k, i) {
      if (!sameFrame(k)) {
        return;
      }
      var covered = engine.some(function (b) {
        return halfInside(b, k);
      });
      if (covered) {
        return;
      }
      var d = boxElement(k, 'keep', 'KEPT', 'kept', nat);
      d.setAttribute('data-kind', 'keep');
      d.setAttribute('data-index', String(i));
      d.title = 'Click: no longer "not PHI"';
      overlay.appendChild(d);
    });
    state.add.forEach(function (b, i) {
      if (!sameFrame(b)) {
        return;
      }
      var d = boxElement(b, 'reviewer', b.entity_type || 'PERSON', '', nat);
      d.setAttribute('data-kind', 'add');
      d.setAttribute('data-index', String(i));
      d.title = 'Click: remove this box';
      overlay.appendChild(d);
    });
  }

  function drawRedacted() {
    var overlay = $('review-redacted-overlay');
    var nat = state.natural.redacted || state.natural.original;
    overlay.textContent = '';
    if (!nat || !state.status) {
      return;
    }
    (state.status.boxes || []).forEach(function (b) {
      if (!sameFrame(b)) {
        return;
      }
      overlay.appendChild(boxElement(b, b.source || 'engine', b.entity_type || 'TEXT', '', nat));
    });
  }

  function currentJson() {
    return JSON.stringify({ add: state.add, keep: state.keep });
  }

  function isDirty() {
    return currentJson() !== state.saved;
  }

  function showCorrections() {
    var box = $('review-corrections');
    var a = state.add.length;
    var k = state.keep.length;
    var text = a + ' box' + (a === 1 ? '' : 'es') + ' added, ' + k + ' region' +
      (k === 1 ? '' : 's') + ' marked not PHI';
    box.textContent = '';
    box.appendChild(document.createTextNode('Corrections: ' + text + ' '));
    if (isDirty()) {
      box.appendChild(el('span', 'dirty', '(not saved: Save or Re-issue copy)'));
    } else {
      box.appendChild(el('span', 'muted', '(saved; applied at the next redaction)'));
    }
    box.setAttribute('data-dirty', isDirty() ? 'true' : 'false');
    updateButtons();
  }

  function showHistory() {
    var list = $('review-history');
    list.textContent = '';
    if (!state.history.length) {
      list.appendChild(el('li', '', 'none yet'));
      return;
    }
    state.history.slice(-20).reverse().forEach(function (h) {
      list.appendChild(
        el(
          'li',
          '',
          (h.time || '?') + ' \u2013 ' + (h.user || 'anonymous') + ': ' +
            (h.added_boxes || 0) + ' added, ' + (h.keep_regions || 0) + ' not PHI'
        )
      );
    });
  }

  function showAudit(audit) {
    var list = $('review-audit');
    var events = (audit && audit.events) || [];
    list.textContent = '';
    if (!events.length) {
      list.appendChild(el('li', '', audit ? 'none recorded' : 'unavailable'));
      return;
    }
    events.slice(-20).reverse().forEach(function (ev) {
      var parts = [(ev.time || '?') + ' \u2013 ' + (ev.status || '?')];
      if (ev.trigger) {
        parts.push('by ' + ev.trigger);
      }
      if (ev.boxes !== undefined) {
        parts.push(ev.boxes + ' boxes');
      }
      if (ev.reason) {
        parts.push('reason: ' + ev.reason);
      }
      if (ev.verification === true) {
        parts.push('verified');
      } else if (ev.verification === false) {
        parts.push('verification failed');
      }
      if (ev.copy_removed) {
        parts.push('old copy removed');
      }
      list.appendChild(el('li', '', parts.join(' \u00b7 ')));
    });
  }

  function updateButtons() {
    var none = !state.id;
    $('review-frame-prev').disabled = state.frame <= 0;
    $('review-frame-next').disabled = state.frame >= state.frames - 1;
    $('review-reissue').disabled = none || state.busy;
    $('review-save').disabled = none || state.busy || !isDirty();
    $('review-discard').disabled = none || state.busy || !isDirty();
    $('review-undo').disabled = none || state.busy || !state.drawn.length;
  }

  // ---- editing: drag to add, click to toggle ------------------------------------------
  function imagePoint(e) {
    var overlay = $('review-original-overlay');
    var rect = overlay.getBoundingClientRect();
    var nat = state.natural.original;
    var x = ((e.clientX - rect.left) / rect.width) * nat.w;
    var y = ((e.clientY - rect.top) / rect.height) * nat.h;
    return {
      x: Math.min(nat.w, Math.max(0, x)),
      y: Math.min(nat.h, Math.max(0, y)),
      sx: e.clientX,
      sy: e.clientY
    };
  }

  var drag = null;

  function onDown(e) {
    if (e.button !== 0 || !state.natural.original || state.busy) {
      return;
    }
    e.preventDefault();
    drag = { start: imagePoint(e), target: e.target.closest('.review-box'), draft: null };
  }

  function onMove(e) {
    if (!drag) {
      return;
    }
    var p = imagePoint(e);
    if (!drag.draft && Math.abs(p.sx - drag.start.sx) + Math.abs(p.sy - drag.start.sy) < 4) {
      return;
    }
    var nat = state.natural.original;
    if (!drag.draft) {
      drag.draft = el('div', 'review-draft');
      $('review-original-overlay').appendChild(drag.draft);
    }
    var r = rectOf(drag.start, p);
    drag.draft.style.left = (100 * r.left) / nat.w + '%';
    drag.draft.style.top = (100 * r.top) / nat.h + '%';
    drag.draft.style.width = (100 * r.width) / nat.w + '%';
    drag.draft.style.height = (100 * r.height) / nat.h + '%';
  }

  function rectOf(a, b) {
    var nat = state.natural.original;
    var left = Math.max(0, Math.floor(Math.min(a.x, b.x)));
    var top = Math.max(0, Math.floor(Math.min(a.y, b.y)));
    var right = Math.min(nat.w, Math.ceil(Math.max(a.x, b.x)));
    var bottom = Math.min(nat.h, Math.ceil(Math.max(a.y, b.y)));
    return { left: left, top: top, width: right - left, height: bottom - top };
  }

  function onUp(e) {
    if (!drag) {
      return;
    }
    var current = drag;
    drag = null;
    if (current.draft) {
      current.draft.remove();
      var r = rectOf(current.start, imagePoint(e));
      if (r.width >= MIN_BOX && r.height >= MIN_BOX) {
        addBox(r);
      }
      return;
    }
    if (current.target) {
      toggle(current.target);
    }
  }

  function addBox(r) {
    var entity = $('review-entity').value || 'PERSON';
    var frames = $('review-all-frames').checked
      ? Array.from({ length: state.frames }, function (_, i) {
          return i;
        })
      : [state.frame];
    var added = frames.map(function (f) {
      return {
        frame: f,
        left: r.left,
        top: r.top,
        width: r.width,
        height: r.height,
        entity_type: entity
      };
    });
    Array.prototype.push.apply(state.add, added);
    state.drawn.push(added);
    drawBoxes();
  }

  function toggle(target) {
    var kind = target.getAttribute('data-kind');
    var index = parseInt(target.getAttribute('data-index'), 10);
    if (kind === 'engine') {
      var box = engineBoxes()[index];
      var k = keepIndexOf(box);
      if (k >= 0) {
        state.keep.splice(k, 1);
      } else {
        state.keep.push(plain(box));
      }
    } else if (kind === 'keep') {
      state.keep.splice(index, 1);
    } else if (kind === 'add') {
      var removed = state.add.splice(index, 1)[0];
      state.drawn = state.drawn
        .map(function (group) {
          return group.filter(function (b) {
            return b !== removed;
          });
        })
        .filter(function (group) {
          return group.length;
        });
    }
    drawBoxes();
  }

  function undo() {
    var group = state.drawn.pop();
    if (!group) {
      return;
    }
    state.add = state.add.filter(function (b) {
      return group.indexOf(b) < 0;
    });
    drawBoxes();
  }

  // ---- loading, saving, re-issuing -------------------------------------------------
  function applyCorrections(c) {
    state.add = (c && c.add) || [];
    state.keep = (c && c.keep) || [];
    state.history = (c && c.history) || [];
    state.saved = currentJson();
    state.drawn = [];
    showHistory();
  }

  function loadAll() {
    return Promise.all([
      request('GET', instanceUrl()),
      request('GET', instanceUrl('/corrections')).catch(function () {
        return { add: [], keep: [], history: [] };
      }),
      request('GET', instanceUrl('/audit')).catch(function () {
        return null;
      })
    ]).then(function (results) {
      state.status = results[0];
      showAudit(results[2]);
      if (state.status.frames) {
        setFrames(state.status.frames);
      }
      applyCorrections(results[1]);
      showStatus();
      updateFrameLabel();
      loadImages();
      drawBoxes();
    });
  }

  function save() {
    var body = { add: state.add, keep: state.keep };
    return request('PUT', instanceUrl('/corrections'), body).then(function (stored) {
      applyCorrections(stored);
      drawBoxes();
      return stored;
    });
  }

  function onSave() {
    setBusy(true);
    save()
      .then(function () {
        setBusy(false);
        showStatus();
      })
      .catch(function (err) {
        setBusy(false);
        setStatus('error', 'Corrections not saved', err.message);
      });
  }

  function onReissue() {
    setBusy(true);
    setStatus('running', 'Saving corrections...', '');
    save()
      .then(function () {
        setStatus('running', 'Re-issuing the copy...', 'the original is read and redacted again');
        return request('POST', instanceUrl(), undefined);
      })
      .then(function (status) {
        state.reissues += 1;
        state.status = status;
        return loadAll();
      })
      .then(function () {
        setBusy(false);
        showStatus();
      })
      .catch(function (err) {
        setBusy(false);
        setStatus('error', 'Re-issue failed', err.message);
        $('review-status').setAttribute('data-reissues', String(state.reissues));
      });
  }

  function onDiscard() {
    var saved = JSON.parse(state.saved);
    state.add = saved.add;
    state.keep = saved.keep;
    state.drawn = [];
    drawBoxes();
  }

  // ---- start ------------------------------------------------------------------------
  function start() {
    var params = new URLSearchParams(window.location.search);
    var id = (params.get('instance') || '').trim();
    var overlay = $('review-original-overlay');
    overlay.addEventListener('mousedown', onDown);
    document.addEventListener('mousemove', onMove);
    document.addEventListener('mouseup', onUp);
    $('review-frame-prev').addEventListener('click', function () {
      goFrame(state.frame - 1);
    });
    $('review-frame-next').addEventListener('click', function () {
      goFrame(state.frame + 1);
    });
    $('review-save').addEventListener('click', onSave);
    $('review-reissue').addEventListener('click', onReissue);
    $('review-undo').addEventListener('click', undo);
    $('review-discard').addEventListener('click', onDiscard);
    document.addEventListener('keydown', function (e) {
      var tag = (e.target && e.target.tagName) || '';
      if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') {
        return;
      }
      if (e.key === 'ArrowLeft') {
        goFrame(state.frame - 1);
      } else if (e.key === 'ArrowRight') {
        goFrame(state.frame + 1);
      }
    });
    window.addEventListener('resize', layout);
    window.addEventListener('beforeunload', function (e) {
      if (state.id && isDirty()) {
        e.preventDefault();
        e.returnValue = '';
      }
    });

    if (!/^[0-9a-f-]+$/.test(id)) {
      $('review-pick').hidden = false;
      setStatus('none', 'Which instance?', 'Open this page from an instance in Orthanc Explorer, or give its Orthanc ID.');
      updateButtons();
      return;
    }
    state.id = id;
    $('review-boxes-download').href = instanceUrl('/boxes');
    $('review-boxes-download').setAttribute('download', id + '-boxes.json');
    updateButtons();
    request('GET', instanceUrl())
      .then(function (s) {
        if (s && s.copy_of) {
          // A copy: review its original (the corrections belong to it).
          state.id = s.copy_of;
          window.history.replaceState(null, '', '?instance=' + encodeURIComponent(s.copy_of));
          $('review-boxes-download').href = instanceUrl('/boxes');
          $('review-boxes-download').setAttribute('download', s.copy_of + '-boxes.json');
        }
        return loadAll();
      })
      .catch(function (err) {
        setStatus('error', 'Cannot load this instance', err.message);
        showPlaceholder('original', 'Nothing to show');
        showPlaceholder('redacted', 'Nothing to show');
      });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
