// `Fliplet` as an action sees it, installed from the one description of the surface (actionctl/surface/,
// handed over as `job.surface`): core namespaces always, the others only when their package is declared,
// and on each namespace only the declared methods. A declared method is bound to its implementation
// below, refused with a message ending in its code (device-only, not emulated), or a missing implementation is an
// internal error; an implementation the description does not declare is never reachable.
// Effects (emails, SMS, pushes, notifications, requests, media, settings, actions run) are captured,
// never performed. Error codes come from `job.codes` (actionctl/runtime/errors.py PLATFORM_CODES).
//
// The core namespaces live here; the others in a file each (communicate.js, notifications.js, media.js,
// actions.js, datasources.js), which the worker evaluates only for runs that can use them (`job.py`
// lists them), so a run pays for no more JavaScript than its dependencies need. Their factories are
// taken on the first call, before user code runs, and handed on to the platforms of the actions a run
// runs (user code may replace the global names by then).
//
// `ctx.shared` is the state of one whole run, shared with the actions it runs through
// Fliplet.App.V3.Actions: settings written, rate-limit counters, media, notifications.
function __actionctlPlatform(ctx) {
  'use strict';

  var job = ctx.job;
  var effects = ctx.effects;
  var add = ctx.add;
  var shared = ctx.shared;
  var API_HOST = 'https://api.fliplet.com/';

  // Taken now, before user code runs: it may replace JSON or Object to make what it sends look different.
  var parse = JSON.parse;
  var stringify = JSON.stringify;
  var keysOf = Object.keys;
  var isArray = Array.isArray;
  var StringCtor = String;
  var lowerText = String.prototype.toLowerCase;
  var applyFn = Reflect.apply;
  var FunctionCtor = Function;
  var PromiseCtor = Promise;
  var resolved = Promise.resolve.bind(Promise);

  var CODES = {};
  job.codes.forEach(function (name) { CODES[name] = name; });

  function copy(value) { return value === undefined ? undefined : parse(stringify(value)); }
  function isObject(value) { return value !== null && typeof value === 'object' && !isArray(value); }

  // An error a platform call rejects with: its message, ended by the catalogue code in brackets for a
  // person reading a failed run, and the HTTP-like `status` where the platform answers one. No `code`
  // property: the platform documents none (docs/API/core/error.md: `status`, `responseJSON`, read through
  // Fliplet.parseError), so code switching on one would pass here and fail there. The code is kept out of
  // user code's sight for the local platform's own use (`codeOf`).
  // One registry for the whole run, made on the first call (before user code runs, which may replace
  // WeakMap or Reflect by the time an action it runs gets a platform) and handed on with the factories.
  var hidden = (ctx.factories && ctx.factories.hidden) || hiddenCodes();

  function hiddenCodes() {
    var map = new WeakMap(), get = WeakMap.prototype.get, set = WeakMap.prototype.set, apply = Reflect.apply;
    return {
      set: function (error, code) { apply(set, map, [error, code]); },
      get: function (error) {
        if (error === null || (typeof error !== 'object' && typeof error !== 'function')) return undefined;
        return apply(get, map, [error]);
      }
    };
  }

  function coded(message, name, status) {
    if (!CODES[name]) throw new Error('actionctl internal error: unknown platform code ' + name);
    var error = new Error(message + ' [' + CODES[name] + ']');
    if (status) error.status = status;
    hidden.set(error, CODES[name]);
    return error;
  }

  function codeOf(error) { return hidden.get(error); }

  function failure(message, name, status) { return PromiseCtor.reject(coded(message, name, status)); }

  // --- installing the described surface --------------------------------------------------------

  var described = {};
  job.surface.forEach(function (namespace) { described[namespace.path] = namespace; });

  function refusal(path, method) {
    var where = 'Fliplet.' + path + '.' + method.name;
    if (method.kind === 'device-only') {
      return function () {
        return failure(where + ' is device-only: it ' + method.answers + ' — a server action cannot do this on ' +
                       'the platform', 'DEVICE_ONLY');
      };
    }
    return function () {
      return failure(where + ' is not emulated by actionctl: ' + method.answers, 'NOT_EMULATED');
    };
  }

  // An object holding exactly the declared methods of `path`, taken from `impl`.
  function expose(path, impl, into) {
    var namespace = described[path];
    var out = into || {};
    if (!namespace) throw new Error('actionctl internal error: ' + path + ' is not described');
    namespace.methods.forEach(function (method) {
      if (method.kind === 'device-only' || method.kind === 'not emulated') {
        out[method.name] = refusal(path, method);
        return;
      }
      if (!impl || typeof impl[method.name] !== 'function') {
        throw new Error('actionctl internal error: Fliplet.' + path + '.' + method.name + ' is declared but not ' +
                        'implemented');
      }
      out[method.name] = impl[method.name];
    });
    return out;
  }

  function install(Fliplet, path, impl) {
    var parts = path.split('.');
    var holder = Fliplet;
    for (var i = 0; i < parts.length - 1; i++) {
      if (!isObject(holder[parts[i]])) holder[parts[i]] = {};
      holder = holder[parts[i]];
    }
    var leaf = parts[parts.length - 1];
    holder[leaf] = expose(path, impl, isObject(holder[leaf]) ? holder[leaf] : {});
  }

  // --- App.Settings: read from the local settings file, writes captured and seen by later reads --

  var Settings = {
    get: function (key) { return copy(shared.settings[key]); },
    getAll: function () { return copy(shared.settings); },
    set: function (values) {
      if (!isObject(values)) return failure('Fliplet.App.Settings.set takes an object of settings', 'VALIDATION_FAILED');
      var written = copy(values);
      keysOf(written).forEach(function (key) { shared.settings[key] = written[key]; });
      add(effects.settings, { op: 'set', values: copy(written) });
      return resolved(undefined);
    },
    unset: function (keys) {
      if (!isArray(keys)) return failure('Fliplet.App.Settings.unset takes a list of keys', 'VALIDATION_FAILED');
      var names = keys.map(StringCtor);
      names.forEach(function (key) { delete shared.settings[key]; });
      add(effects.settings, { op: 'unset', keys: names });
      return resolved(undefined);
    }
  };

  // App.Logs: a run's own logs (the service's others are not there locally), captured as `appLogs`.
  function logMatches(log, where) {
    return keysOf(where || {}).every(function (key) { return stringify(log[key]) === stringify(where[key]); });
  }

  var Logs = {
    create: function (data) {
      if (!isObject(data)) return failure('Fliplet.App.Logs.create takes an object', 'VALIDATION_FAILED');
      var log = { id: shared.appLogs.length + 1, data: copy(data), createdAt: new Date().toISOString() };
      shared.appLogs.push(log);
      add(effects.appLogs, copy(log));
      return resolved(copy(log));
    },
    get: function (options) {
      var where = options && isObject(options.where) ? options.where : {};
      return resolved(copy(shared.appLogs.filter(function (log) { return logMatches(log, where); })));
    }
  };

  function nothing() { return resolved(undefined); }
  var Analytics = { track: nothing, event: nothing, pageView: nothing };

  // --- HTTP: Fliplet.API.request and the browser's fetch, both answered from fixtures/http/ ------

  function findResponse(method, urls) {
    var prefix = null;
    for (var i = 0; i < job.http.length; i++) {
      var entry = job.http[i];
      if ((entry.method || 'GET').toUpperCase() !== method) continue;
      for (var u = 0; u < urls.length; u++) {
        if (entry.url === urls[u]) return entry;
        var star = entry.url.length - 1;
        if (!prefix && entry.url.charAt(star) === '*' && urls[u].indexOf(entry.url.slice(0, star)) === 0) {
          prefix = entry;
        }
      }
    }
    return prefix;
  }

  function after(response, answer) {
    var delay = Number(response.delayMs || 0);
    if (!(delay >= 1)) return new PromiseCtor(function (resolve) { resolve(undefined); }).then(answer);
    return new PromiseCtor(function (resolve) { setTimeout(resolve, delay); }).then(answer);
  }

  // `url` as the docs show it: a path of the API host ("v1/user"), or a whole URL; fixtures may list either.
  function apiRequest(options) {
    options = typeof options === 'string' ? { url: options } : (options || {});
    var url = StringCtor(options.url || '');
    var method = StringCtor(options.method || 'GET').toUpperCase();
    var host = StringCtor(options.apiUrl || API_HOST);
    var full = /^https?:\/\//i.test(url) ? url : host + url.replace(/^\//, '');
    var record = { method: method, url: full, status: null, error: null };
    add(effects.requests, record);
    var response = findResponse(method, [url, full]);
    if (!response) {
      record.error = CODES.TRANSPORT;
      return failure('no recorded response for ' + method + ' ' + full + ' — add one under fixtures/http/',
                     'TRANSPORT');
    }
    return after(response, function () {
      if (response.error) {
        // A network failure has no HTTP answer: status 0 and no body, as a browser request reports one.
        record.error = StringCtor(response.error);
        var failed = new Error(response.message || (method + ' ' + full + ' failed: ' + record.error));
        failed.status = 0;
        throw failed;
      }
      record.status = response.status || 200;
      if (record.status >= 400) {
        var error = new Error(response.message || (method + ' ' + full + ' answered ' + record.status));
        error.status = record.status;
        error.responseJSON = copy(response.body);
        throw error;
      }
      return copy(response.body);
    });
  }

  function mock(data, options) {
    options = options || {};
    var delay = Number(options.delay || 0);
    return new PromiseCtor(function (resolve, reject) {
      setTimeout(function () { (options.reject ? reject : resolve)(data); }, delay >= 1 ? delay : 1);
    });
  }

  var API = { request: apiRequest, clearCache: nothing, processQueue: nothing, mock: mock };

  // Browser-style fetch on server actions (they run in a headless browser page), from the same fixtures.
  function toLower(text) { return applyFn(lowerText, text, []); }

  function lowerKeys(headers) {
    var out = {};
    keysOf(headers).forEach(function (name) { out[toLower(StringCtor(name))] = StringCtor(headers[name]); });
    return out;
  }

  function fetchLike(url, init) {
    init = init || {};
    var method = StringCtor(init.method || 'GET').toUpperCase();
    var record = { method: method, url: StringCtor(url), status: null, error: null };
    add(effects.requests, record);
    var response = findResponse(method, [StringCtor(url)]);
    if (!response) {
      record.error = CODES.TRANSPORT;
      return PromiseCtor.reject(new TypeError('Failed to fetch: no recorded response for ' + method + ' ' + url +
                                              ' — add one under fixtures/http/'));
    }
    return after(response, function () {
      // A recorded network failure (`error:`) is what a browser's fetch does with one: a TypeError, no response.
      if (response.error) {
        record.error = StringCtor(response.error);
        throw new TypeError('Failed to fetch: ' + method + ' ' + url + ' (' + record.error + ', recorded in fixtures/http/)');
      }
      record.status = response.status || 200;
      var body = typeof response.body === 'string' ? response.body : stringify(response.body);
      var headers = lowerKeys(response.headers || {});
      return {
        ok: record.status >= 200 && record.status < 300, status: record.status,
        // Header names are case-insensitive, as a browser's Headers are.
        headers: {
          get: function (name) { var v = headers[toLower(StringCtor(name))]; return v === undefined ? null : v; }
        },
        text: function () { return resolved(body === undefined ? '' : body); },
        json: function () { return resolved(parse(body)); }
      };
    });
  }

  // --- Fliplet ------------------------------------------------------------------------------------

  var factories = ctx.factories || {
    platform: __actionctlPlatform,
    hidden: hidden,
    DataSources: typeof __actionctlDataSources === 'function' ? __actionctlDataSources : null,
    Communicate: typeof __actionctlCommunicate === 'function' ? __actionctlCommunicate : null,
    Notifications: typeof __actionctlNotifications === 'function' ? __actionctlNotifications : null,
    Media: typeof __actionctlMedia === 'function' ? __actionctlMedia : null,
    Actions: typeof __actionctlActions === 'function' ? __actionctlActions : null
  };
  var env = {
    job: job, effects: effects, add: add, shared: shared, CODES: CODES, copy: copy, isObject: isObject,
    coded: coded, codeOf: codeOf, failure: failure, resolved: resolved, parse: parse, stringify: stringify, keysOf: keysOf,
    isArray: isArray, StringCtor: StringCtor, PromiseCtor: PromiseCtor, FunctionCtor: FunctionCtor,
    expose: expose, fetchLike: fetchLike,
    ctx: { dataState: ctx.dataState, factories: factories }
  };
  var implementations = { 'App.Settings': Settings, 'App.Logs': Logs, 'App.Analytics': Analytics, 'API': API };
  ['Communicate', 'Notifications', 'Media', 'Actions'].forEach(function (name) {
    if (!factories[name]) return;
    var made = factories[name](env);
    keysOf(made).forEach(function (path) { implementations[path] = made[path]; });
  });
  if (factories.DataSources) {
    implementations.DataSources = function () { return factories.DataSources(ctx.dataState); };
  }

  var Fliplet = {};
  job.surface.forEach(function (namespace) {
    if (namespace.returned) return;
    if (namespace.package && job.dependencies.indexOf(namespace.package) < 0) return;
    var impl = implementations[namespace.path];
    var offered = namespace.methods.some(function (m) { return m.kind === 'emulated' || m.kind === 'no-op'; });
    if (impl === undefined && offered) {
      throw new Error('actionctl internal error: no implementation of Fliplet.' + namespace.path + ' was loaded');
    }
    install(Fliplet, namespace.path, typeof impl === 'function' ? impl() : impl);
  });
  ctx.dataState.expose = expose;  // for the objects the data sources answer (a connection)
  // Both sides are browsers: server actions a headless page, client actions the user's (app-actions-v3.md).
  if (job.depth === 0) globalThis.fetch = fetchLike;
  return Fliplet;
}
