// Fliplet.App.V3.Actions: the project's own actions (job.actions), answered and run here. Loaded only for
// runs whose code names the namespace (job.py), and then with every namespace a run action may need.
function __actionctlActions(env) {
  'use strict';

  var job = env.job, effects = env.effects, add = env.add, shared = env.shared, CODES = env.CODES;
  var copy = env.copy, isObject = env.isObject, coded = env.coded, codeOf = env.codeOf, failure = env.failure, resolved = env.resolved;
  var parse = env.parse, stringify = env.stringify, keysOf = env.keysOf, isArray = env.isArray;
  var StringCtor = env.StringCtor, PromiseCtor = env.PromiseCtor;
  var RUN_LIMIT = 30;           // run/runWithResult per 60 s on the service
  var RUN_DEPTH_MAX = 8;        // actionctl's own guard: an action running itself is a loop, not a plan
  var FunctionCtor = env.FunctionCtor, fetchLike = env.fetchLike, ctx = env.ctx;
  var applyFn = Reflect.apply, charCodeAt = String.prototype.charCodeAt;  // taken before user code runs

  // App.V3.Actions: the project's own actions, run here ---------------------------------------

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
    var Fliplet = ctx.factories.platform({ job: childJob, effects: effects, add: add, shared: shared,
                                           dataState: ctx.dataState, factories: ctx.factories });
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
      return transported(record, value);
    }, function (error) { throw ranInto(record, error); });
  }

  // The result as the service sends it back: JSON, at most the result limit (app-actions-v3.md: 6 MB), as the
  // run's own result is held to; what cannot travel fails the run like a throw.
  function transported(record, value) {
    if (value === undefined) return undefined;
    var text;
    try { text = stringify(value); } catch (error) { throw ranInto(record, error); }
    if (text === undefined) throw ranInto(record, new TypeError('its result cannot be sent as JSON'));
    var bytes = utf8Length(text);
    if (bytes > job.resultLimit) {
      throw ranInto(record, new RangeError('its result is ' + bytes + ' bytes of JSON; the limit is ' +
                                           job.resultLimit));
    }
    var result = parse(text);
    record.result = parse(text);
    return result;
  }

  function utf8Length(text) {
    var bytes = 0;
    for (var i = 0; i < text.length; i++) {
      var unit = applyFn(charCodeAt, text, [i]);
      if (unit < 0x80) bytes += 1;
      else if (unit < 0x800) bytes += 2;
      else if (unit >= 0xD800 && unit <= 0xDBFF && i + 1 < text.length) { bytes += 4; i++; }
      else bytes += 3;
    }
    return bytes;
  }

  function ranInto(record, error) {
    var message = error && error.message !== undefined ? StringCtor(error.message) : StringCtor(error);
    record.error = message;
    return coded(record.name + ' failed: ' + message, 'EXECUTION_FAILED', 500);
  }

  // The payload as the transport carries it; one that cannot be JSON rejects, never throws at the call.
  function payloadOf(payload) { return payload === undefined || payload === null ? {} : copy(payload); }

  function started(nameOrId, payload, mode) {
    var carried;
    try { carried = payloadOf(payload); } catch (error) { return PromiseCtor.reject(error); }
    return runLocally(nameOrId, carried, mode);
  }

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
    // Resolves once the run is accepted, as the service's does once it is queued: how the run then ends is the
    // `actions` effect's to say, not the caller's (a refusal before it starts still rejects).
    run: function (nameOrId, payload) {
      return started(nameOrId, payload, 'run').then(function () { return undefined; }, function (e) {
        if (codeOf(e) === CODES.EXECUTION_FAILED) return undefined;
        throw e;
      });
    },
    runWithResult: function (nameOrId, payload) {
      return started(nameOrId, payload, 'runWithResult');
    }
  };


  return { 'App.V3.Actions': Actions };
}
