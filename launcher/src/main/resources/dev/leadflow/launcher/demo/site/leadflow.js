/*
 * leadflow.js: a small Segment-style tracker of our own (no CDN, no third-party library).
 * It sends analytics.js's calls to a Segment-compatible collector: page, identify and track as
 * text/plain JSON to the short paths /v1/p, /v1/i and /v1/t (text/plain needs no CORS preflight),
 * with the write key in the body. The visitor's anonymousId is kept in localStorage, so every page
 * of a visit, and of later visits, is the same visitor; identify adds the userId, which the scoring
 * job uses to stitch the anonymous clicks to the lead.
 *
 * Each call has a messageId, so a retry (after a 429 or 5xx, honouring Retry-After) is counted once.
 * window.leadflow.page(name, properties), .identify(userId, traits), .track(event, properties) each
 * return a promise that resolves once the collector has acknowledged the call (Kafka has it).
 */
(function () {
  'use strict';

  var config = window.leadflowSite || {};
  var ANONYMOUS_ID = 'leadflow.anonymousId';
  var USER_ID = 'leadflow.userId';
  var MAX_ATTEMPTS = 5;
  var memory = {};

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') {
      return window.crypto.randomUUID();
    }
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  // localStorage may be unavailable (privacy settings): then the ids last as long as the page
  function load(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return memory[key] || null; }
  }

  function store(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { memory[key] = value; }
  }

  function anonymousId() {
    var id = load(ANONYMOUS_ID);
    if (!id) {
      id = uuid();
      store(ANONYMOUS_ID, id);
    }
    return id;
  }

  function userId() {
    return load(USER_ID);
  }

  function context() {
    return {
      library: { name: 'leadflow.js', version: '1.0.0' },
      userAgent: navigator.userAgent,
      locale: navigator.language,
      page: {
        path: location.pathname,
        url: location.href,
        title: document.title,
        referrer: document.referrer,
        search: location.search
      }
    };
  }

  function sleep(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function send(path, message) {
    message.anonymousId = anonymousId();
    if (!message.userId && userId()) {
      message.userId = userId();
    }
    message.messageId = uuid();
    message.originalTimestamp = new Date().toISOString();
    message.context = context();
    message.writeKey = config.writeKey;

    function attempt(n) {
      // sentAt is stamped per attempt: the collector corrects the client's clock with it
      message.sentAt = new Date().toISOString();
      return fetch(config.collector + '/v1/' + path, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain' },
        body: JSON.stringify(message),
        credentials: 'omit',
        keepalive: true
      }).then(function (response) {
        if (response.ok) {
          return response.json();
        }
        if ((response.status === 429 || response.status >= 500) && n < MAX_ATTEMPTS) {
          var after = Number(response.headers.get('Retry-After'));
          return sleep(after > 0 ? Math.min(after, 30) * 1000 : 500 * Math.pow(2, n)).then(function () { return attempt(n + 1); });
        }
        return response.text().then(function (text) {
          throw new Error('collector answered ' + response.status + ': ' + text);
        });
      }, function (networkError) {
        if (n < MAX_ATTEMPTS) {
          return sleep(500 * Math.pow(2, n)).then(function () { return attempt(n + 1); });
        }
        throw networkError;
      });
    }
    return attempt(1);
  }

  window.leadflow = {
    anonymousId: anonymousId,
    userId: userId,

    /** A page view; name is the page's category ("Pricing"), which the scoring model reads. */
    page: function (name, properties) {
      var p = Object.assign({ url: location.href, path: location.pathname, title: document.title,
        referrer: document.referrer }, properties || {});
      return send('p', { type: 'page', name: name, properties: p });
    },

    /** Ties this visitor to a user id with traits (email, firstName, lastName, title, company, ...). */
    identify: function (id, traits) {
      store(USER_ID, id);
      return send('i', { type: 'identify', userId: id, traits: traits || {} });
    },

    /** An action, e.g. "Demo Requested". */
    track: function (event, properties) {
      return send('t', { type: 'track', event: event, properties: properties || {} });
    },

    newUserId: function () {
      return 'web-' + uuid();
    }
  };
}());
