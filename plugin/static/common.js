/*
 * orthanc-pixel-redaction: helpers shared by the review and queue pages
 * (window.Redaction): element lookup and creation, and JSON requests whose errors
 * carry the plugin's error message and code.
 */
(function () {
  'use strict';

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) {
      e.className = cls;
    }
    if (text !== undefined && text !== null) {
      e.textContent = String(text);
    }
    return e;
  }

  // ---- HTTP -------------------------------------------------------------------------
  function request(method, url, body) {
    var init = { method: method, cache: 'no-store', headers: {} };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
    return fetch(url, init).then(function (r) {
      return r.text().then(function (text) {
        var data = null;
        try {
          data = text ? JSON.parse(text) : null;
        } catch (ignored) {
          data = null;
        }
        if (!r.ok) {
          var msg = 'HTTP ' + r.status;
          if (data && data.error) {
            msg += ': ' + data.error + (data.code ? ' (' + data.code + ')' : '');
          }
          var err = new Error(msg);
          err.status = r.status;
          err.code = data && data.code;
          throw err;
        }
        return data;
      });
    });
  }

  window.Redaction = { $: $, el: el, request: request };
})();
