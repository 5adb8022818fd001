// The platform an action sees on the service, rebuilt inside a fresh V8 context for one execution.
//
// Evaluated before the user's code. `__actionctl.install(jobJson)` sets up console, time, randomness
// and `Fliplet`; `__actionctl.run(execute)` calls execute({payload}) and answers one JSON string with
// the result, the logs, the captured effects and any error. Nothing here calls back into Python:
// fixtures arrive as JSON and effects leave as JSON.
//
// User code runs in this same realm and may replace globals or prototypes; we keep our own
// references to the built-ins we need, taken before it runs.
var __actionctl = (function () {
  'use strict';

  var stringify = JSON.stringify;
  var parse = JSON.parse;
  var RealDate = Date;
  var realNow = Date.now;
  var construct = Reflect.construct;
  var StringCtor = String;
  var isArray = Array.isArray;
  var objectKeys = Object.keys;
  var MAX_LOG_LINES = 5000;
  var MAX_LOG_CHARS = 20000;

  var job = null;
  var logs = [];
  var effects = { emails: [], sms: [], pushes: [], notifications: [], requests: [], media: [], datasources: [] };
  var dataState = null;

  function add(list, item) { list[list.length] = item; }

  // --- console ---------------------------------------------------------------------------------

  function show(value, depth) {
    if (typeof value === 'string') return value;
    if (value === undefined) return 'undefined';
    if (typeof value === 'function') return '[Function: ' + (value.name || 'anonymous') + ']';
    if (typeof value === 'bigint') return StringCtor(value) + 'n';
    if (typeof value === 'symbol') return value.toString();
    if (value instanceof Error) return value.stack || (value.name + ': ' + value.message);
    if (value === null || typeof value !== 'object') return StringCtor(value);
    try {
      var seen = [];
      return stringify(value, function (key, v) {
        if (typeof v === 'bigint') return StringCtor(v) + 'n';
        if (typeof v === 'function') return '[Function: ' + (v.name || 'anonymous') + ']';
        if (v === undefined) return 'undefined';
        if (v !== null && typeof v === 'object') {
          if (seen.indexOf(v) >= 0) return '[Circular]';
          add(seen, v);
        }
        return v;
      });
    } catch (e) {
      return '[' + (value.constructor && value.constructor.name || 'Object') + ']';
    }
  }

  function logger(level) {
    return function () {
      if (logs.length >= MAX_LOG_LINES) {
        if (logs.length === MAX_LOG_LINES) add(logs, { level: 'warn', message: '… further console output dropped' });
        return;
      }
      var parts = [];
      for (var i = 0; i < arguments.length; i++) add(parts, show(arguments[i]));
      var message = parts.join(' ');
      if (message.length > MAX_LOG_CHARS) message = message.slice(0, MAX_LOG_CHARS) + '… (truncated)';
      add(logs, { level: level, message: message });
    };
  }

  function installConsole() {
    var console = {
      log: logger('log'), info: logger('info'), warn: logger('warn'), error: logger('error'),
      debug: logger('debug'), trace: logger('debug'), table: logger('log'), dir: logger('log')
    };
    globalThis.console = console;
  }

  // --- time and randomness ---------------------------------------------------------------------

  function freezeTime(fixed) {
    function FrozenDate() {
      if (!new.target) return new RealDate(fixed).toString();
      return construct(RealDate, arguments.length ? arguments : [fixed], new.target);
    }
    FrozenDate.prototype = RealDate.prototype;
    FrozenDate.now = function () { return fixed; };
    FrozenDate.parse = RealDate.parse;
    FrozenDate.UTC = RealDate.UTC;
    globalThis.Date = FrozenDate;
  }

  function seedRandom(seed) {
    // mulberry32: small, fast and good enough to make tests repeatable.
    var state = seed >>> 0;
    Math.random = function () {
      state = (state + 0x6D2B79F5) >>> 0;
      var t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function nowIso() {
    return new RealDate(job.now !== null ? job.now : realNow()).toISOString();
  }

  // --- install and run -------------------------------------------------------------------------

  function installTimers() {
    // mini-racer's setTimeout fails for a delay of 0 (it waits on Atomics.waitAsync, which answers at
    // once); browsers clamp tiny delays anyway, so a delay under 1 ms waits 1 ms.
    var native = globalThis.setTimeout;
    if (typeof native !== 'function') return;
    globalThis.setTimeout = function (callback, delay) {
      var rest = Array.prototype.slice.call(arguments, 2);
      var ms = Number(delay);
      return native(function () { return callback.apply(null, rest); }, ms >= 1 ? ms : 1);
    };
  }

  function install(jobJson) {
    job = parse(jobJson);
    installConsole();
    installTimers();
    if (job.now !== null) freezeTime(job.now);
    if (job.seed !== null) seedRandom(job.seed);
    dataState = { sources: job.datasources, now: nowIso, changes: [] };
    globalThis.Fliplet = __actionctlPlatform({
      job: job, effects: effects, add: add, dataState: dataState, show: show
    });
  }

  function describe(error) {
    if (error instanceof Error || (error && typeof error === 'object' && 'message' in error)) {
      return { name: StringCtor(error.name || 'Error'), message: StringCtor(error.message),
               stack: StringCtor(error.stack || ''), code: error.code === undefined ? null : StringCtor(error.code) };
    }
    return { name: 'Error', message: 'Uncaught ' + show(error), stack: '', code: null };
  }

  function finish(resultText, error) {
    effects.datasources = dataState.changes;
    return stringify({ result: resultText, error: error, logs: logs, effects: effects });
  }

  async function run(execute) {
    if (typeof execute !== 'function') {
      return finish(null, { name: 'TypeError', code: 'EXECUTE_MISSING', stack: '',
                            message: 'the code defines no execute function at the top level' });
    }
    var value;
    try {
      value = await execute({ payload: job.payload });
    } catch (error) {
      return finish(null, describe(error));
    }
    var text;
    try {
      // What the service's transport does with the value: JSON.stringify (undefined has no body).
      text = stringify(value);
    } catch (error) {
      var failure = describe(error);
      failure.message = 'the result cannot be sent as JSON: ' + failure.message;
      return finish(null, failure);
    }
    return finish(text === undefined ? null : text, null);
  }

  function collect() { return dataState ? finish(null, null) : stringify({ logs: logs, effects: effects }); }

  return { install: install, run: run, collect: collect };
})();
