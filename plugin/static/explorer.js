/*
 * orthanc-pixel-redaction: additions to Orthanc Explorer (jQuery 1.7 + jQuery Mobile 1.1).
 *
 * Registered with orthanc.ExtendOrthancExplorer(): Orthanc appends this file to
 * /plugins/explorer.js, loaded by /app/explorer.html after Explorer's own scripts.
 * Explorer lives under /app/, so every REST call uses a "../" relative path.
 *
 * On the #study, #series and #instance pages, a "Pixel redaction" list is added under
 * "Interact": status of the instance (or counts of a series/study), a Redact button,
 * links between an original and its redacted copy, the review page and the queue.
 * One panel exists at a time (it is rebuilt for the page shown), so its element ids
 * are unique in the document: redaction-panel, redaction-status, redaction-redact,
 * redaction-job-progress, redaction-copy-link, redaction-original-link,
 * redaction-review, redaction-queue-link; on the home page redaction-home-queue.
 *
 * Only statuses, reason codes and PHI-free messages of the plugin are shown; every
 * server value is inserted as text, never as HTML.
 */
(function ($) {
  'use strict';

  if (!$ || !$.mobile) {
    return;
  }

  var API = '../redaction';
  var UI = '../redaction/ui';
  var LEVELS = { instance: 'instances', series: 'series', study: 'studies' };
  var FINAL_JOB = { Success: true, Failure: true };
  var MAX_COUNTED = 500; // series/studies larger than this: no per-instance counts
  var PARALLEL = 4;

  var panel = { key: '', page: '', uuid: '', pollTimer: null, generation: 0 };

  // ---- helpers ----------------------------------------------------------------------
  function injectStyle() {
    if (document.getElementById('redaction-style')) {
      return;
    }
    var css = [
      '#redaction-panel .redaction-headline { white-space: normal; }',
      '#redaction-panel .redaction-detail { white-space: normal; font-weight: normal;' +
        ' font-size: 12px; line-height: 1.35; margin-top: 4px; }',
      '#redaction-panel .redaction-status-done { color: #1d6b1d; }',
      '#redaction-panel .redaction-status-failed { color: #a31515; }',
      '#redaction-panel .redaction-status-pending { color: #8a5a00; }',
      '#redaction-panel .redaction-status-skipped { color: #555; }',
      '.redaction-bar { height: 8px; background: #ddd; border-radius: 4px; margin-top: 6px; }',
      '.redaction-bar > div { height: 8px; background: #3a7bd5; border-radius: 4px; width: 0; }',
      '#redaction-panel .ui-disabled { opacity: 0.5; }'
    ].join('\n');
    $('<style id="redaction-style" type="text/css"></style>').text(css).appendTo('head');
  }

  function errorText(xhr) {
    var text = 'HTTP ' + (xhr && xhr.status ? xhr.status : 'error');
    try {
      var body = JSON.parse(xhr.responseText);
      if (body && body.error) {
        text += ': ' + body.error + (body.code ? ' (' + body.code + ')' : '');
      }
    } catch (ignored) {
      // not JSON: the status is all we show
    }
    return text;
  }

  function getJson(url, ok, fail) {
    return $.ajax({
      url: url,
      dataType: 'json',
      cache: false,
      success: ok,
      error: function (xhr) {
        if (fail) {
          fail(xhr);
        }
      }
    });
  }

  function alive(generation) {
    return generation === panel.generation && document.getElementById('redaction-panel');
  }

  function li(id, cls) {
    var item = $('<li></li>');
    if (id) {
      item.attr('id', id);
    }
    if (cls) {
      item.addClass(cls);
    }
    return item;
  }

  function link(id, href, text, external) {
    var a = $('<a></a>').attr({ id: id, href: href }).text(text);
    if (external) {
      // A page outside Explorer: jQuery Mobile must not load it through Ajax.
      a.attr({ 'data-ajax': 'false', rel: 'external' });
    }
    return a;
  }

  // A link to another resource inside Explorer ("#instance?uuid=..."). jQuery Mobile
  // ignores a link to the page already shown (instance -> instance) without even
  // changing the URL; assigning the location, as Explorer does for its "Before
  // anonymization" link, makes Explorer refresh its content for the new resource.
  function explorerLink(id, text) {
    var a = link(id, '#', text).attr('data-ajax', 'false');
    a.on('click', function (e) {
      var target = $(this).attr('href');
      if (target && target !== '#') {
        e.preventDefault();
        window.location.assign('explorer.html' + target);
      }
    });
    return a;
  }

  function refreshList() {
    var list = $('#redaction-panel');
    if (list.length) {
      try {
        list.listview('refresh');
      } catch (notYet) {
        list.listview();
      }
    }
  }

  function statusClass(status) {
    return 'redaction-status-' + String(status || 'none').replace(/[^a-z-]/g, '');
  }

  // ---- the panel -------------------------------------------------------------------
  function removePanel() {
    if (panel.pollTimer) {
      clearTimeout(panel.pollTimer);
      panel.pollTimer = null;
    }
    panel.generation += 1;
    panel.key = '';
    $('#redaction-panel').remove();
  }

  function anchorOf(page) {
    // Under Explorer's "Interact" list of the page (Delete, Send, Anonymize...).
    var interact = $('#' + page + '-delete').closest('ul');
    if (interact.length) {
      return interact;
    }
    return $('#' + page + '-info');
  }

  function buildPanel(page, uuid) {
    removePanel();
    injectStyle();
    panel.page = page;
    panel.uuid = uuid;
    panel.key = page + ':' + uuid;
    var generation = panel.generation;

    var noun = { instance: 'instance', series: 'series', study: 'study' }[page];
    var list = $(
      '<ul id="redaction-panel" data-role="listview" data-inset="true" ' +
        'data-theme="d" data-divider-theme="c"></ul>'
    ).attr({ 'data-uuid': uuid, 'data-page': page });
    list.append($('<li data-role="list-divider">Pixel redaction</li>'));

    var status = li('redaction-status').attr('data-status', 'loading');
    status.append(
      $('<div id="redaction-status-text" class="redaction-headline"></div>').text(
        'Status: loading...'
      )
    );
    status.append($('<div id="redaction-status-detail" class="redaction-detail"></div>'));
    list.append(status);

    list.append(
      li('', 'redaction-redact-item')
        .attr('data-icon', 'star')
        .append(link('redaction-redact', '#', 'Redact this ' + noun))
    );
    list.append(
      li('redaction-job-progress')
        .attr('data-state', '')
        .hide()
        .append($('<span class="redaction-job-text"></span>'))
        .append($('<div class="redaction-bar"><div></div></div>'))
    );
    list.append(
      li('', 'redaction-copy-item')
        .attr('data-icon', 'arrow-r')
        .hide()
        .append(explorerLink('redaction-copy-link', 'Redacted copy'))
    );
    list.append(
      li('', 'redaction-original-item')
        .attr('data-icon', 'arrow-l')
        .hide()
        .append(explorerLink('redaction-original-link', 'Original (before redaction)'))
    );
    if (page === 'instance') {
      list.append(
        li('', 'redaction-review-item')
          .attr('data-icon', 'search')
          .append(
            link(
              'redaction-review',
              UI + '/review.html?instance=' + encodeURIComponent(uuid),
              'Review redaction',
              true
            )
          )
      );
    }
    list.append(
      li('', 'redaction-queue-item')
        .attr('data-icon', 'grid')
        .append(link('redaction-queue-link', UI + '/queue.html', 'Redaction queue', true))
    );

    list.insertAfter(anchorOf(page));
    list.listview();

    $('#redaction-redact').on('click', function (e) {
      e.preventDefault();
      if ($(this).closest('li').hasClass('ui-disabled')) {
        return;
      }
      redact(page, uuid, generation);
    });

    if (page === 'instance') {
      loadInstance(uuid, generation);
    } else {
      loadCounts(page, uuid, generation);
    }
  }

  function setStatus(status, headline, detail) {
    var item = $('#redaction-status');
    item.attr('data-status', status);
    item.removeClass(function (i, cls) {
      return (cls.match(/redaction-status-\S+/g) || []).join(' ');
    });
    item.addClass(statusClass(status));
    $('#redaction-status-text').text(headline);
    $('#redaction-status-detail').text(detail || '').toggle(!!detail);
  }

  function showLink(which, href, text) {
    var item = $('.redaction-' + which + '-item');
    var a = $('#redaction-' + which + '-link');
    if (href) {
      a.attr('href', href);
      if (text) {
        a.text(text);
      }
      item.show();
    } else {
      item.hide();
    }
  }

  function setBusy(busy) {
    $('.redaction-redact-item').toggleClass('ui-disabled', !!busy);
  }

  // ---- instance page ---------------------------------------------------------------
  function describeInstance(s) {
    var parts = [];
    if (s.reason) {
      parts.push('reason: ' + s.reason);
    }
    if (s.message) {
      parts.push(s.message);
    }
    if (s.status === 'done' && s.boxes) {
      parts.push(s.boxes.length + ' region' + (s.boxes.length === 1 ? '' : 's') + ' painted');
    }
    if (s.frames && s.frames > 1) {
      parts.push(s.frames + ' frames');
    }
    return parts.join(' \u00b7 ');
  }

  function renderInstance(uuid, s) {
    var isCopy = !!s.copy_of;
    var headline = isCopy
      ? 'Redacted copy (original: ' + s.status + ')'
      : 'Status: ' + s.status;
    setStatus(s.status, headline, describeInstance(s));
    if (isCopy) {
      $('.redaction-redact-item').hide();
      showLink('copy', null);
      showLink('original', '#instance?uuid=' + s.copy_of, 'Original (before redaction)');
      $('#redaction-review').attr(
        'href',
        UI + '/review.html?instance=' + encodeURIComponent(s.copy_of)
      );
    } else {
      $('.redaction-redact-item').show();
      showLink('original', null);
      showLink(
        'copy',
        s.redacted ? '#instance?uuid=' + s.redacted : null,
        'Redacted copy'
      );
    }
    refreshList();
  }

  function loadInstance(uuid, generation) {
    getJson(
      API + '/instances/' + uuid,
      function (s) {
        if (!alive(generation)) {
          return;
        }
        renderInstance(uuid, s);
        if (s.status === 'pending') {
          // Queued or being redacted automatically: follow it until it is final.
          panel.pollTimer = setTimeout(function () {
            if (alive(generation)) {
              loadInstance(uuid, generation);
            }
          }, 2000);
        }
      },
      function (xhr) {
        if (alive(generation)) {
          setStatus('error', 'Status unavailable', errorText(xhr));
          refreshList();
        }
      }
    );
  }

  // ---- series / study pages ----------------------------------------------------------
  function loadCounts(page, uuid, generation) {
    getJson(
      '../' + LEVELS[page] + '/' + uuid + '/instances',
      function (instances) {
        if (!alive(generation)) {
          return;
        }
        var ids = $.map(instances || [], function (i) {
          return i.ID;
        });
        if (ids.length > MAX_COUNTED) {
          setStatus('none', ids.length + ' instances', 'too many to count statuses here');
          refreshList();
          return;
        }
        countStatuses(page, ids, generation);
      },
      function (xhr) {
        if (alive(generation)) {
          setStatus('error', 'Status unavailable', errorText(xhr));
          refreshList();
        }
      }
    );
  }

  function countStatuses(page, ids, generation) {
    var counts = {};
    var copies = 0;
    var firstCopy = null; // a copy of this series' originals -> link to the copies
    var firstOriginal = null; // the original of a copy here -> link to the originals
    var next = 0;
    var running = 0;
    var finished = 0;

    setStatus('loading', 'Counting ' + ids.length + ' instances...', '');
    refreshList();

    function done() {
      if (!alive(generation)) {
        return;
      }
      var originals = ids.length - copies;
      var words = [];
      $.each(['done', 'pending', 'failed', 'skipped', 'none', 'missing'], function (i, k) {
        if (counts[k]) {
          words.push(counts[k] + ' ' + k);
        }
      });
      var headline;
      var status;
      if (originals === 0 && copies > 0) {
        headline = copies + ' redacted cop' + (copies === 1 ? 'y' : 'ies');
        status = 'copy';
      } else {
        headline = originals + ' original' + (originals === 1 ? '' : 's') + ': ' +
          (words.join(', ') || 'no status');
        status = counts.failed ? 'failed' : counts.pending ? 'pending' :
          (counts.done && counts.done === originals) ? 'done' : 'mixed';
      }
      var detail = copies && originals ? copies + ' redacted copies here too' : '';
      setStatus(status, headline, detail);
      if (originals === 0 && copies > 0) {
        $('.redaction-redact-item').hide();
      }
      var parent = page === 'series' ? 'series' : 'study';
      if (firstCopy) {
        getJson('../instances/' + firstCopy + '/' + parent, function (r) {
          if (alive(generation) && r && r.ID) {
            showLink('copy', '#' + page + '?uuid=' + r.ID, 'Redacted ' + page);
            refreshList();
          }
        });
      }
      if (firstOriginal) {
        getJson('../instances/' + firstOriginal + '/' + parent, function (r) {
          if (alive(generation) && r && r.ID) {
            showLink('original', '#' + page + '?uuid=' + r.ID, 'Original ' + page);
            refreshList();
          }
        });
      }
      refreshList();
    }

    function pump() {
      if (!alive(generation)) {
        return;
      }
      while (running < PARALLEL && next < ids.length) {
        running += 1;
        (function (id) {
          getJson(
            API + '/instances/' + id,
            function (s) {
              if (s.copy_of) {
                copies += 1;
                firstOriginal = firstOriginal || s.copy_of;
              } else {
                counts[s.status] = (counts[s.status] || 0) + 1;
                if (s.redacted) {
                  firstCopy = firstCopy || s.redacted;
                }
              }
            },
            function () {
              counts.missing = (counts.missing || 0) + 1;
            }
          ).always(function () {
            running -= 1;
            finished += 1;
            if (finished === ids.length) {
              done();
            } else {
              pump();
            }
          });
        })(ids[next]);
        next += 1;
      }
    }

    if (ids.length === 0) {
      done();
    } else {
      pump();
    }
  }

  // ---- redact ------------------------------------------------------------------------
  function redact(page, uuid, generation) {
    setBusy(true);
    if (page === 'instance') {
      setStatus('running', 'Redacting...', 'reading the image, this can take a while');
      refreshList();
      $.ajax({
        url: API + '/instances/' + uuid,
        type: 'POST',
        dataType: 'json',
        data: '',
        cache: false,
        success: function (s) {
          if (alive(generation)) {
            setBusy(false);
            renderInstance(uuid, s);
          }
        },
        error: function (xhr) {
          if (alive(generation)) {
            setBusy(false);
            setStatus('error', 'Redaction not done', errorText(xhr));
            refreshList();
          }
        }
      });
      return;
    }
    $.ajax({
      url: API + '/' + LEVELS[page] + '/' + uuid,
      type: 'POST',
      dataType: 'json',
      data: '',
      cache: false,
      success: function (job) {
        if (alive(generation)) {
          showJob(job);
          pollJob(page, uuid, job.ID, generation);
        }
      },
      error: function (xhr) {
        if (alive(generation)) {
          setBusy(false);
          var item = $('#redaction-job-progress');
          item.attr('data-state', 'Error').show();
          item.find('.redaction-job-text').text('Job not started: ' + errorText(xhr));
          refreshList();
        }
      }
    });
  }

  function showJob(job) {
    var item = $('#redaction-job-progress');
    var total = job.Total || 0;
    var counts = job.Counts || {};
    var finished = 0;
    var words = [];
    $.each(counts, function (k, v) {
      finished += v;
      words.push(v + ' ' + k);
    });
    var text = 'Job ' + job.State + ': ' + (job.Progress || 0) + ' % (' + finished +
      ' of ' + total + ')' + (words.length ? ' \u00b7 ' + words.join(', ') : '');
    if (job.Failures && job.Failures.length) {
      text += ' \u00b7 failures: ' + $.map(job.Failures.slice(0, 5), function (f) {
        return f.reason || 'unknown';
      }).join(', ');
    }
    item.attr({ 'data-state': job.State, 'data-job': job.ID || '' }).show();
    item.find('.redaction-job-text').text(text);
    item.find('.redaction-bar > div').css('width', Math.min(100, job.Progress || 0) + '%');
    refreshList();
  }

  function pollJob(page, uuid, jobId, generation) {
    panel.pollTimer = setTimeout(function () {
      if (!alive(generation)) {
        return;
      }
      getJson(
        API + '/jobs/' + jobId,
        function (job) {
          if (!alive(generation)) {
            return;
          }
          showJob(job);
          if (FINAL_JOB[job.State]) {
            setBusy(false);
            panel.pollTimer = null;
            loadCounts(page, uuid, generation);
          } else {
            pollJob(page, uuid, jobId, generation);
          }
        },
        function (xhr) {
          if (alive(generation)) {
            setBusy(false);
            var item = $('#redaction-job-progress');
            item.attr('data-state', 'Error');
            item.find('.redaction-job-text').text('Job status unavailable: ' + errorText(xhr));
          }
        }
      );
    }, 1000);
  }

  // ---- home page ---------------------------------------------------------------------
  function addHomeLink() {
    if (document.getElementById('redaction-home')) {
      return;
    }
    var list = $(
      '<ul id="redaction-home" data-role="listview" data-inset="true" ' +
        'data-theme="d" data-divider-theme="c"></ul>'
    );
    list.append($('<li data-role="list-divider">Pixel redaction</li>'));
    list.append(
      $('<li data-icon="grid"></li>').append(
        link('redaction-home-queue', UI + '/queue.html', 'Redaction queue and failures', true)
      )
    );
    var anchor = $('#lookup-result');
    if (anchor.length) {
      list.insertBefore(anchor);
    } else {
      $('#lookup > [data-role="content"]').first().append(list);
    }
    list.listview();
  }

  // ---- wiring ------------------------------------------------------------------------
  function currentPage() {
    var active = $.mobile.activePage ? $.mobile.activePage.attr('id') : '';
    var data = $.mobile.pageData || {};
    return { page: active, uuid: data.uuid };
  }

  function show() {
    var now = currentPage();
    if (now.page === 'lookup') {
      addHomeLink();
    }
    if (!LEVELS[now.page] || !now.uuid) {
      if (panel.key) {
        removePanel();
      }
      return;
    }
    var shown = $('#' + now.page + ' #redaction-panel').length > 0;
    if (shown && panel.key === now.page + ':' + now.uuid) {
      return;
    }
    buildPanel(now.page, now.uuid);
  }

  // A new page, or the same page for another resource (Explorer then only refreshes
  // its content: jQuery Mobile reports "pagechange" without "pagebeforeshow").
  $(document).bind('pagechange', show);
  // Back/forward between two resources of the same page type.
  $(window).bind('hashchange', function () {
    setTimeout(show, 50);
  });
})(window.jQuery);
