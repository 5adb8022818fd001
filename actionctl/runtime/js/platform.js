// `Fliplet` as an action sees it, installed from the one description of the surface (actionctl/surface/,
// handed over as `job.surface`): core namespaces always, the others only when their package is declared,
// and on each namespace only the declared methods. A declared method is bound to its implementation
// below, refused with a coded message (device-only, not emulated), or a missing implementation is an
// internal error; an implementation the description does not declare is never reachable.
// Effects (emails, SMS, pushes, notifications, requests, media, settings, actions run) are captured,
// never performed. Error codes come from `job.codes` (actionctl/runtime/errors.py PLATFORM_CODES).
//
// `ctx.shared` is the state of one whole run, shared with the actions it runs through
// Fliplet.App.V3.Actions: settings written, rate-limit counters, media, notifications.
function __actionctlPlatform(ctx) {
  'use strict';

  var job = ctx.job;
  var effects = ctx.effects;
  var add = ctx.add;
  var shared = ctx.shared;
  var COMMUNICATE_LIMIT = 20;   // messages per 30 s on the service; a local run is shorter than that
  var RUN_LIMIT = 30;           // run/runWithResult per 60 s on the service
  var RUN_DEPTH_MAX = 8;        // actionctl's own guard: an action running itself is a loop, not a plan
  var API_HOST = 'https://api.fliplet.com/';

  // Taken now, before user code runs: it may replace JSON or Object to make what it sends look different.
  var parse = JSON.parse;
  var stringify = JSON.stringify;
  var keysOf = Object.keys;
  var isArray = Array.isArray;
  var StringCtor = String;
  var FunctionCtor = Function;
  var PromiseCtor = Promise;
  var resolved = Promise.resolve.bind(Promise);

  var CODES = {};
  job.codes.forEach(function (name) { CODES[name] = name; });

  function copy(value) { return value === undefined ? undefined : parse(stringify(value)); }
  function isObject(value) { return value !== null && typeof value === 'object' && !isArray(value); }

  function coded(message, name, status) {
    if (!CODES[name]) throw new Error('actionctl internal error: unknown platform code ' + name);
    var error = new Error(message);
    error.code = CODES[name];
    if (status) error.status = status;
    return error;
  }

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
      return failure(where + ' is not emulated by actionctl: it ' + method.answers, 'NOT_EMULATED');
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
      record.status = response.status || 200;
      if (response.error || record.status >= 400) {
        record.error = response.error || null;
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
      record.status = response.status || 200;
      var body = typeof response.body === 'string' ? response.body : stringify(response.body);
      var headers = response.headers || {};
      return {
        ok: record.status >= 200 && record.status < 300, status: record.status,
        headers: { get: function (name) { return headers[StringCtor(name).toLowerCase()] || headers[name] || null; } },
        text: function () { return resolved(body === undefined ? '' : body); },
        json: function () { return resolved(parse(body)); }
      };
    });
  }

  // --- Communicate -------------------------------------------------------------------------------

  var ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#x60;', '=': '&#x3D;' };

  function lookup(data, path) {
    var value = data;
    var parts = path.split('.');
    for (var i = 0; i < parts.length; i++) {
      if (value === null || value === undefined) return undefined;
      value = value[parts[i]];
    }
    return value;
  }

  // Handlebars-style substitution, as sendEmail compiles its options: `{{ name }}` escaped for HTML,
  // `{{{ name }}}` as is, a dotted path reaching into `data`, a missing value as empty text.
  function fill(text, data) {
    return text.replace(/\{\{(\{)?\s*([\w$.\-]+)\s*\}?\}\}/g, function (whole, raw, path) {
      var value = lookup(data, path);
      var shown = value === null || value === undefined ? '' : StringCtor(value);
      return raw ? shown : shown.replace(/[&<>"'`=]/g, function (c) { return ESCAPES[c]; });
    });
  }

  // The docs say the options are altered in place by the compilation: code that reuses them sees that.
  function compile(options, data, depth) {
    if (depth > 20) return;
    keysOf(options).forEach(function (key) {
      var value = options[key];
      if (typeof value === 'string') options[key] = fill(value, data);
      else if (value !== null && typeof value === 'object') compile(value, data, depth + 1);
    });
  }

  function charge() {
    if (++shared.sent > COMMUNICATE_LIMIT) {
      return coded('Fliplet.Communicate allows ' + COMMUNICATE_LIMIT + ' messages per 30 seconds', 'RATE_LIMITED', 429);
    }
    return null;
  }

  function emailProblem(o, what) {
    if (!isObject(o)) return what + ' takes an options object';
    if (!isArray(o.to) || !o.to.length) return what + ' needs `to`: a list of {email, name, type}';
    for (var i = 0; i < o.to.length; i++) {
      if (!o.to[i] || !o.to[i].email) return what + ': to[' + i + '] has no email';
    }
    return null;
  }

  function sendEmail(options, data) {
    if (isObject(options) && isObject(data)) compile(options, data, 0);
    var problem = emailProblem(options, 'sendEmail');
    if (problem) return failure(problem, 'VALIDATION_FAILED');
    var limited = charge();
    if (limited) return PromiseCtor.reject(limited);
    add(effects.emails, copy(options));
    return resolved({});
  }

  // Seen in the platform's own widgets, not in its docs: a list of {options, data}, each sent as sendEmail.
  function batchSendEmail(list) {
    if (!isArray(list)) return failure('batchSendEmail takes a list of {options, data}', 'VALIDATION_FAILED');
    for (var i = 0; i < list.length; i++) {
      if (!isObject(list[i]) || !isObject(list[i].options)) {
        return failure('batchSendEmail: item ' + i + ' has no `options` object', 'VALIDATION_FAILED');
      }
    }
    for (var j = 0; j < list.length; j++) {
      if (isObject(list[j].data)) compile(list[j].options, list[j].data, 0);
      var limited = charge();
      if (limited) return PromiseCtor.reject(limited);
      add(effects.emails, copy(list[j].options));
    }
    return resolved({});
  }

  function sendSMS(options) {
    if (!isObject(options) || !isObject(options.data) || !options.data.to || !options.data.body) {
      return failure('sendSMS needs {data: {to, body}}', 'VALIDATION_FAILED');
    }
    var limited = charge();
    if (limited) return PromiseCtor.reject(limited);
    add(effects.sms, { to: copy(options.data.to), body: StringCtor(options.data.body) });
    return resolved({});
  }

  function sendPushNotification(appId, options) {
    if (!isObject(options) || !options.title || !options.body) {
      return failure('sendPushNotification needs (appId, {title, body}): both are required', 'VALIDATION_FAILED');
    }
    var limited = charge();
    if (limited) return PromiseCtor.reject(limited);
    var push = copy(options);
    push.appId = appId;
    add(effects.pushes, push);
    return resolved({});
  }

  var Communicate = {
    sendEmail: sendEmail, batchSendEmail: batchSendEmail, sendSMS: sendSMS, sendPushNotification: sendPushNotification
  };

  // --- Notifications -------------------------------------------------------------------------------

  function insertNotification(data) {
    if (!isObject(data)) return failure('Notifications insert needs a notification object', 'VALIDATION_FAILED');
    var notification = copy(data);
    notification.id = ++shared.notificationIds;
    if (!notification.status) notification.status = 'draft';
    shared.notifications.push(copy(notification));
    add(effects.notifications, notification);
    return resolved(copy(notification));
  }

  function notificationAt(id) {
    for (var i = 0; i < shared.notifications.length; i++) if (shared.notifications[i].id === id) return i;
    return -1;
  }

  var NotificationsInstance = {
    insert: insertNotification,
    update: function (id, changes) {
      if (!isObject(changes)) return failure('Notifications update needs (id, changes)', 'VALIDATION_FAILED');
      var at = notificationAt(id);
      var current = at >= 0 ? shared.notifications[at] : { id: id };
      var next = copy(changes);
      if (next.extendData && isObject(current.data) && isObject(next.data)) {
        keysOf(current.data).forEach(function (k) { if (!(k in next.data)) next.data[k] = current.data[k]; });
      }
      delete next.extendData;
      keysOf(next).forEach(function (k) { current[k] = next[k]; });
      if (at >= 0) shared.notifications[at] = current;
      add(effects.notifications, { op: 'update', id: id, changes: copy(changes) });
      return resolved(copy(current));
    },
    remove: function (id) {
      var at = notificationAt(id);
      if (at >= 0) shared.notifications.splice(at, 1);
      add(effects.notifications, { op: 'remove', id: id });
      return resolved(undefined);
    },
    get: listNotifications,
    poll: listNotifications,
    getMatches: function () { return resolved({ count: 0, subscriptions: 0 }); }
  };

  function listNotifications(options) {
    options = options || {};
    var statuses = isArray(options.status) ? options.status : ['published'];
    var found = shared.notifications.filter(function (n) { return statuses.indexOf(n.status) >= 0; });
    var offset = Number(options.offset) || 0;
    var limit = options.limit === undefined ? found.length : Number(options.limit);
    return resolved({ entries: copy(found.slice(offset, offset + limit)) });
  }

  var Notifications = {
    init: function () { return expose('Notifications.instance', NotificationsInstance); },
    insert: insertNotification
  };

  // --- Media: folders and files from fixtures/media.yaml ----------------------------------------

  function media() {
    if (!shared.media) shared.media = copy(job.media || { folders: [], files: [] });
    return shared.media;
  }

  function nextMediaId() {
    var all = media().folders.concat(media().files), top = 0;
    all.forEach(function (item) { if (typeof item.id === 'number' && item.id > top) top = item.id; });
    return top + 1;
  }

  function indexById(list, id) {
    for (var i = 0; i < list.length; i++) if (StringCtor(list[i].id) === StringCtor(id)) return i;
    return -1;
  }

  function missing(what, id) {
    return failure('Media ' + what + ' ' + stringify(id) + ' not found — add it to fixtures/media.yaml', 'NOT_FOUND',
                   404);
  }

  function nowIso() { return new Date().toISOString(); }

  function withoutContents(file) {
    var out = copy(file);
    delete out.contents;
    return out;
  }

  var Folders = {
    get: function (options) {
      var folderId = options && options.folderId !== undefined ? options.folderId : null;
      function inFolder(value) { return value === undefined || value === null ? folderId === null : StringCtor(value) === StringCtor(folderId); }
      return resolved({
        folders: copy(media().folders.filter(function (f) { return inFolder(f.parentId); })),
        files: media().files.filter(function (f) { return inFolder(f.mediaFolderId); }).map(withoutContents)
      });
    },
    create: function (options) {
      if (!isObject(options) || !options.name) return failure('Folders.create needs {name}', 'VALIDATION_FAILED');
      var folder = { id: nextMediaId(), name: StringCtor(options.name),
                     parentId: options.parentId === undefined ? null : options.parentId,
                     createdAt: nowIso(), updatedAt: nowIso(), deletedAt: null };
      media().folders.push(folder);
      add(effects.media, { op: 'folder.create', item: copy(folder) });
      return resolved(copy(folder));
    },
    delete: function (id) {
      var at = indexById(media().folders, id);
      if (at < 0) return missing('folder', id);
      media().folders.splice(at, 1);
      add(effects.media, { op: 'folder.delete', id: id });
      return resolved(undefined);
    },
    search: function (options) {
      options = options || {};
      var name = options.name === undefined ? null : StringCtor(options.name).toLowerCase();
      function keep(item, parent) {
        if (name !== null && StringCtor(item.name).toLowerCase().indexOf(name) < 0) return false;
        return options.folderId === undefined || StringCtor(parent) === StringCtor(options.folderId);
      }
      var found = [];
      media().folders.forEach(function (f) {
        if (keep(f, f.parentId)) { var item = copy(f); item.type = 'folder'; found.push(item); }
      });
      media().files.forEach(function (f) {
        if (keep(f, f.mediaFolderId)) { var item = withoutContents(f); item.type = 'file'; found.push(item); }
      });
      return resolved(found);
    }
  };

  var Files = {
    upload: function (options) {
      options = options || {};
      var data = options.data || options.file || {};
      var file = { id: nextMediaId(), name: StringCtor(options.name || data.name || 'file'),
                   mediaFolderId: options.folderId === undefined ? null : options.folderId,
                   createdAt: nowIso(), updatedAt: nowIso() };
      file.url = 'https://api.fliplet.com/v1/media/files/' + file.id + '/contents/' + encodeURIComponent(file.name);
      media().files.push(file);
      add(effects.media, { op: 'file.upload', item: copy(file) });
      return resolved([copy(file)]);
    },
    delete: function (id) {
      var at = indexById(media().files, id);
      if (at < 0) return missing('file', id);
      media().files.splice(at, 1);
      add(effects.media, { op: 'file.delete', id: id });
      return resolved(undefined);
    },
    getContents: function (id) {
      var at = indexById(media().files, id);
      if (at < 0) return missing('file', id);
      return resolved(copy(media().files[at].contents));
    }
  };

  var Media = { authenticate: function (text) { return text; } };

  // --- App.V3.Actions: the project's own actions, run here ---------------------------------------

  function actionObject(action) {
    var f = action.fields;
    return {
      id: action.id, appId: job.app === undefined ? null : job.app, name: action.name,
      description: f.description === undefined ? null : f.description, code: action.code,
      active: f.active === true, environment: f.environment || 'server', actionVersion: 'v3',
      triggers: copy(f.triggers || []), dependencies: copy(f.dependencies || []), assets: [],
      frequency: f.frequency === undefined ? null : f.frequency, timezone: f.timezone === undefined ? null : f.timezone,
      lastRunAt: null
    };
  }

  function findAction(nameOrId) {
    for (var i = 0; i < job.actions.length; i++) {
      var action = job.actions[i];
      if (typeof nameOrId === 'string' && action.name === nameOrId) return action;
      if (action.id !== null && action.id !== undefined && StringCtor(action.id) === StringCtor(nameOrId)) {
        return action;
      }
    }
    return null;
  }

  function notFound(nameOrId) {
    return coded('No action found with the given ID or name: ' + stringify(nameOrId) + ' (the project\'s actions; ' +
                 'ids come from the last push or pull)', 'ACTION_NOT_FOUND', 404);
  }

  function runnable(action, nameOrId) {
    if (!action) return notFound(nameOrId);
    var f = action.fields;
    if (f.active !== true) return coded('Cannot run an inactive action — set active: true in ' + action.name, 'ACTION_INACTIVE', 400);
    if ((f.environment || 'server') === 'client') {
      return coded(action.name + ' is a client action: the service cannot run it with run() or runWithResult()',
                   'CLIENT_ACTION_NOT_RUNNABLE', 400);
    }
    var manual = (f.triggers || []).some(function (t) { return t && t.trigger === 'manual'; });
    if (!manual) return coded(action.name + ' has no manual trigger: run() and runWithResult() cannot run it', 'ACTION_NOT_RUNNABLE', 400);
    if (job.depth + 1 > RUN_DEPTH_MAX) {
      return coded('actions running actions nested more than ' + RUN_DEPTH_MAX + ' deep (' + action.name + ')',
                   'RUN_DEPTH_EXCEEDED');
    }
    if (++shared.runs > RUN_LIMIT) return coded('more than ' + RUN_LIMIT + ' runs per minute', 'RATE_LIMITED', 429);
    return null;
  }

  // The target's code in a scope of its own: its own `Fliplet`, for its dependencies and environment.
  function runLocally(nameOrId, payload, mode) {
    var action = findAction(nameOrId);
    var refused = runnable(action, nameOrId);
    if (refused) return PromiseCtor.reject(refused);
    var record = { name: action.name, id: action.id, mode: mode, payload: payload };
    add(effects.actions, record);
    var childJob = {};
    keysOf(job).forEach(function (key) { childJob[key] = job[key]; });
    childJob.environment = action.fields.environment || 'server';
    childJob.dependencies = (action.fields.dependencies || []).filter(function (d) { return typeof d === 'string'; });
    childJob.depth = job.depth + 1;
    var Fliplet = __actionctlPlatform({ job: childJob, effects: effects, add: add, shared: shared,
                                        dataState: ctx.dataState });
    var execute;
    try {
      var load = new FunctionCtor('Fliplet', 'fetch',
                                  action.code + '\n;return typeof execute === "function" ? execute : undefined;');
      execute = load(Fliplet, childJob.environment === 'client' ? undefined : fetchLike);
    } catch (error) {
      return PromiseCtor.reject(ranInto(record, error));
    }
    if (typeof execute !== 'function') {
      return PromiseCtor.reject(ranInto(record, new Error(action.name + ' defines no execute function')));
    }
    return new PromiseCtor(function (resolve) { resolve(execute({ payload: payload })); }).then(function (value) {
      var result = value === undefined ? undefined : parse(stringify(value));  // the transport's JSON
      record.result = copy(result);
      return result;
    }, function (error) { throw ranInto(record, error); });
  }

  function ranInto(record, error) {
    var message = error && error.message !== undefined ? StringCtor(error.message) : StringCtor(error);
    record.error = message;
    return coded(record.name + ' failed: ' + message, 'EXECUTION_FAILED', 500);
  }

  function payloadOf(payload) { return payload === undefined || payload === null ? {} : copy(payload); }

  var Actions = {
    get: function (options) {
      options = options || {};
      var limit = options.limit === undefined ? 50 : Number(options.limit);
      var offset = Number(options.offset) || 0;
      var all = job.actions.map(actionObject);
      return resolved({ actions: all.slice(offset, offset + limit),
                        pagination: { total: all.length, hasMore: offset + limit < all.length } });
    },
    getById: function (id) {
      var action = null;
      job.actions.forEach(function (a) { if (a.id !== null && a.id !== undefined && StringCtor(a.id) === StringCtor(id)) action = a; });
      return action ? resolved({ action: actionObject(action) }) : PromiseCtor.reject(notFound(id));
    },
    run: function (nameOrId, payload) {
      return runLocally(nameOrId, payloadOf(payload), 'run').then(function () { return undefined; });
    },
    runWithResult: function (nameOrId, payload) {
      return runLocally(nameOrId, payloadOf(payload), 'runWithResult');
    }
  };

  // --- Fliplet ------------------------------------------------------------------------------------

  var implementations = {
    'App.Settings': Settings, 'App.Analytics': Analytics, 'App.V3.Actions': Actions, 'API': API,
    'DataSources': function () { return __actionctlDataSources(ctx.dataState); },
    'Communicate': Communicate, 'Notifications': Notifications, 'Media': Media, 'Media.Folders': Folders,
    'Media.Files': Files
  };

  var Fliplet = {};
  job.surface.forEach(function (namespace) {
    if (namespace.returned) return;
    if (namespace.package && job.dependencies.indexOf(namespace.package) < 0) return;
    var impl = implementations[namespace.path];
    install(Fliplet, namespace.path, typeof impl === 'function' ? impl() : impl);
  });
  ctx.dataState.expose = expose;  // for the objects the data sources answer (a connection)
  if (job.depth === 0 && job.environment !== 'client') globalThis.fetch = fetchLike;
  return Fliplet;
}
