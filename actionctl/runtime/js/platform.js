// `Fliplet` as an action sees it: core APIs always, each namespace only when its package is declared.
// Effects (emails, SMS, pushes, notifications, requests, media) are captured, never performed.
function __actionctlPlatform(ctx) {
  'use strict';

  var job = ctx.job;
  var effects = ctx.effects;
  var add = ctx.add;
  var PACKAGES = {
    'fliplet-datasources': 'DataSources', 'fliplet-media': 'Media', 'fliplet-communicate': 'Communicate',
    'fliplet-barcode': 'Barcode', 'fliplet-audio': 'Audio', 'fliplet-csv': 'CSV',
    'fliplet-encryption': 'Encryption', 'fliplet-notifications': 'Notifications'
  };
  var COMMUNICATE_LIMIT = 20;  // per 30 s on the service; a local run is shorter than that
  var REQUEST_LIMIT = 100;     // per run
  var REQUEST_CONCURRENCY = 4;

  // Taken now, before user code runs: it may replace JSON to make what it sends look different.
  var parse = JSON.parse;
  var stringify = JSON.stringify;

  function copy(value) { return value === undefined ? undefined : parse(stringify(value)); }

  function failure(message, code) {
    var error = new Error(message);
    if (code) error.code = code;
    return Promise.reject(error);
  }

  // --- core: Fliplet.App.Settings and Fliplet.App.V3.Actions.request ---------------------------

  var settings = {
    get: function (key) {
      if (job.environment === 'client') {
        throw new Error('Fliplet.App.Settings is only available to server actions');
      }
      var value = job.settings[key];
      return value === undefined ? undefined : copy(value);
    }
  };

  var requests = { count: 0, inflight: 0 };

  function originOf(url) {
    var match = /^(https?):\/\/([^\/?#]+)/i.exec(url);
    return match ? (match[1] + '://' + match[2]).toLowerCase() : null;
  }

  function findResponse(method, url) {
    var exact = null, prefix = null;
    for (var i = 0; i < job.http.length; i++) {
      var entry = job.http[i];
      if ((entry.method || 'GET').toUpperCase() !== method) continue;
      if (entry.url === url) { exact = entry; break; }
      var star = entry.url.length - 1;
      if (!prefix && entry.url.charAt(star) === '*' && url.indexOf(entry.url.slice(0, star)) === 0) prefix = entry;
    }
    return exact || prefix;
  }

  function request(options) {
    options = options || {};
    var url = String(options.url || '');
    var method = String(options.method || 'GET').toUpperCase();
    var record = { method: method, url: url, status: null, error: null };
    add(effects.requests, record);
    function refuse(message, code) { record.error = code; return failure(message, code); }
    if (job.environment === 'client') {
      return refuse('Fliplet.App.V3.Actions.request is only available to server actions', 'UNSUPPORTED');
    }
    var origin = originOf(url);
    var allowed = job.integrationOrigins.map(function (o) { return o.toLowerCase(); });
    if (!origin || allowed.indexOf(origin) < 0) {
      return refuse(url + ' is not in this action\'s integrationOrigins (' + (allowed.join(', ') || 'none') + ')',
                    'POLICY');
    }
    if (requests.count >= REQUEST_LIMIT) return refuse('more than ' + REQUEST_LIMIT + ' requests in one run', 'LIMIT');
    if (requests.inflight >= REQUEST_CONCURRENCY) {
      return refuse('more than ' + REQUEST_CONCURRENCY + ' requests at once', 'LIMIT');
    }
    var response = findResponse(method, url);
    if (!response) {
      return refuse('no recorded response for ' + method + ' ' + url + ' — add one under fixtures/http/', 'TRANSPORT');
    }
    requests.count++;
    requests.inflight++;
    var timeoutMs = options.timeoutMs === undefined ? 30000 : Number(options.timeoutMs);
    return new Promise(function (resolve, reject) {
      var delay = Number(response.delayMs || 0);
      setTimeout(function () {
        requests.inflight--;
        if (delay > timeoutMs) {
          record.error = 'TIMEOUT';
          var late = new Error(method + ' ' + url + ' took longer than ' + timeoutMs + ' ms');
          late.code = 'TIMEOUT';
          return reject(late);
        }
        if (response.error) {
          record.error = response.error;
          var failed = new Error(response.message || (method + ' ' + url + ' failed'));
          failed.code = response.error;
          return reject(failed);
        }
        record.status = response.status || 200;
        resolve({ status: record.status, headers: copy(response.headers || {}), body: copy(response.body) });
      }, Math.min(delay, timeoutMs));
    });
  }

  // Browser-style fetch, answered from the same recorded responses (no integrationOrigins policy).
  function fetchLike(url, init) {
    init = init || {};
    var method = String(init.method || 'GET').toUpperCase();
    var record = { method: method, url: String(url), status: null, error: null };
    add(effects.requests, record);
    var response = findResponse(method, String(url));
    if (!response) {
      record.error = 'TRANSPORT';
      return Promise.reject(new TypeError('Failed to fetch: no recorded response for ' + method + ' ' + url +
                                          ' — add one under fixtures/http/'));
    }
    record.status = response.status || 200;
    var body = typeof response.body === 'string' ? response.body : stringify(response.body);
    var headers = response.headers || {};
    return Promise.resolve({
      ok: record.status >= 200 && record.status < 300, status: record.status,
      headers: { get: function (name) { return headers[String(name).toLowerCase()] || headers[name] || null; } },
      text: function () { return Promise.resolve(body === undefined ? '' : body); },
      json: function () { return Promise.resolve(parse(body)); }
    });
  }

  // --- Communicate, Notifications, Media --------------------------------------------------------

  var sent = 0;
  function communicate(kind, check, capture) {
    return function () {
      var args = arguments;
      var problem = check.apply(null, args);
      if (problem) return failure(problem, 'VALIDATION_FAILED');
      if (++sent > COMMUNICATE_LIMIT) {
        return failure('Fliplet.Communicate allows ' + COMMUNICATE_LIMIT + ' messages per 30 seconds', 'RATE_LIMITED');
      }
      add(effects[kind], capture.apply(null, args));
      return Promise.resolve({});
    };
  }

  var Communicate = {
    sendEmail: communicate('emails', function (o) {
      if (!o || !isArrayLike(o.to) || !o.to.length) return 'sendEmail needs `to`: a list of {email, name, type}';
      for (var i = 0; i < o.to.length; i++) if (!o.to[i] || !o.to[i].email) return 'sendEmail: to[' + i + '] has no email';
      if (!o.subject) return 'sendEmail needs a subject';
      if (!o.html && !o.text) return 'sendEmail needs html (or text)';
      return null;
    }, function (o) { return copy(o); }),
    sendSMS: communicate('sms', function (o) {
      if (!o || !o.data || !o.data.to || !o.data.body) return 'sendSMS needs {data: {to, body}}';
      return null;
    }, function (o) { return { to: copy(o.data.to), body: String(o.data.body) }; }),
    sendPushNotification: communicate('pushes', function (appId, o) {
      if (!o || (!o.title && !o.body)) return 'sendPushNotification needs (appId, {title, body})';
      return null;
    }, function (appId, o) { var push = copy(o); push.appId = appId; return push; })
  };

  function isArrayLike(value) { return Array.isArray(value); }

  var Notifications = {
    insert: function (data) {
      if (!data || typeof data !== 'object') return failure('Notifications.insert needs an object', 'VALIDATION_FAILED');
      var notification = copy(data);
      notification.id = effects.notifications.length + 1;
      add(effects.notifications, notification);
      return Promise.resolve({ id: notification.id });
    }
  };

  var mediaIds = 0;
  function media(kind, value) {
    var item = copy(value) || {};
    item.id = ++mediaIds;
    add(effects.media, { kind: kind, item: item });
    return item;
  }
  var Media = {
    Folders: {
      get: function () { return Promise.resolve({ folders: [], files: [] }); },
      create: function (o) { return Promise.resolve(media('folder.create', o)); }
    },
    Files: {
      get: function () { return Promise.resolve([]); },
      getAll: function () { return Promise.resolve([]); },
      upload: function (o) { return Promise.resolve([media('file.upload', { name: o && o.name || 'file' })]); }
    }
  };

  function notEmulated(namespace) {
    return new Proxy({}, {
      get: function (target, property) {
        if (typeof property === 'symbol' || property === 'then') return undefined;
        return function () {
          return failure('Fliplet.' + namespace + '.' + String(property) + ' is not emulated by actionctl', 'NOT_EMULATED');
        };
      }
    });
  }

  // --- Fliplet ----------------------------------------------------------------------------------

  var Fliplet = { App: { Settings: settings, V3: { Actions: { request: request } } } };
  var namespaces = {
    DataSources: function () { return __actionctlDataSources(ctx.dataState); },
    Communicate: function () { return Communicate; },
    Notifications: function () { return Notifications; },
    Media: function () { return Media; }
  };
  job.dependencies.forEach(function (dependency) {
    var namespace = PACKAGES[dependency];
    if (namespace) Fliplet[namespace] = namespaces[namespace] ? namespaces[namespace]() : notEmulated(namespace);
  });
  if (job.environment !== 'client') globalThis.fetch = fetchLike;
  return Fliplet;
}
