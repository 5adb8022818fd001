// The platform an action sees on the service, rebuilt inside a fresh V8 context for one execution.
//
// Evaluated before the user's code, as an expression whose value is `setup`; no global names it.
// The worker calls `setup(jobJson)`, which installs console, time, randomness and `Fliplet` and
// answers `step`; after the user's code has loaded, each `step()` answers null until execute({payload})
// has settled (the first call starts it), then one JSON string with the result, the logs, the captured
// effects and any error. Called again after an error at the top level, `setup` answers the logs and
// effects collected until then. Nothing here calls back into Python: fixtures arrive as JSON and
// effects leave as JSON.
//
// User code runs in this same realm and may replace globals or prototypes, so the outcome must not
// pass through anything it can reach: the worker holds the two functions (user code cannot replace
// them), we keep our own references to the built-ins we need, taken before it runs, and the answer
// is written by `encode`, which never looks up toJSON, getters or setters user code may have planted.
(function () {
  'use strict';

  var stringify = JSON.stringify;
  var parse = JSON.parse;
  var RealDate = Date;
  var realNow = Date.now;
  var construct = Reflect.construct;
  var defineProperty = Object.defineProperty;
  var StringCtor = String;
  var isArray = Array.isArray;
  var objectKeys = Object.keys;
  var platform = __actionctlPlatform;
  var MAX_DEPTH = 100;
  var MAX_LOG_LINES = 5000;
  var MAX_LOG_CHARS = 20000;

  var job = null;
  var logs = [];
  var effects = { emails: [], sms: [], pushes: [], notifications: [], requests: [], media: [], settings: [], actions: [],
                  appLogs: [], datasources: [] };
  var dataState = null;

  // Defined, not assigned: a setter user code puts on Array.prototype[n] would swallow an assignment.
  function add(list, item) {
    defineProperty(list, list.length, { value: item, writable: true, enumerable: true, configurable: true });
  }

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
    dataState = { sources: job.datasources, now: nowIso, changes: [], codes: job.codes };
    // One run's state, shared with the actions it runs through Fliplet.App.V3.Actions.
    var shared = { settings: parse(stringify(job.settings || {})), sent: 0, runs: 0, notifications: [],
                   notificationIds: 0, media: null, appLogs: [] };
    globalThis.Fliplet = platform({
      job: job, effects: effects, add: add, dataState: dataState, show: show, shared: shared
    });
  }

  // Text of anything user code threw, without letting its getters or toString break the answer.
  function text(value) {
    try { return StringCtor(value); } catch (e) { return ''; }
  }

  function describe(error) {
    try {
      if (error !== null && (typeof error === 'object' || typeof error === 'function') && 'message' in error) {
        return { name: text(error.name || 'Error'), message: text(error.message), stack: text(error.stack || '') };
      }
      return { name: 'Error', message: 'Uncaught ' + show(error), stack: '' };
    } catch (e) {
      return { name: 'Error', message: 'Uncaught exception (reading it threw again)', stack: '' };
    }
  }

  // JSON of the harness's own data. Primitives go through stringify (it looks up toJSON only on
  // objects); objects and arrays are walked here, by own keys and indexes, in string concatenation.
  function encode(value, depth) {
    var type = typeof value;
    if (type === 'string' || type === 'number' || type === 'boolean') return stringify(value);
    if (value === null || type !== 'object' || depth > MAX_DEPTH) return 'null';
    var out = '', i;
    if (isArray(value)) {
      for (i = 0; i < value.length; i++) out += (i ? ',' : '') + encode(value[i], depth + 1);
      return '[' + out + ']';
    }
    var keys = objectKeys(value);
    for (i = 0; i < keys.length; i++) {
      var item = value[keys[i]];
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      out += (out ? ',' : '') + stringify(keys[i]) + ':' + encode(item, depth + 1);
    }
    return '{' + out + '}';
  }

  // Logs and effects hold what user code handed over; one it made unreadable is dropped with a note,
  // and the outcome itself is still answered.
  function encodeOr(value, fallback) {
    try { return encode(value, 0); } catch (e) {
      add(logs, { level: 'warn', message: 'actionctl: some captured output could not be read and was dropped' });
      return fallback;
    }
  }

  function finish(resultText, error) {
    if (dataState) effects.datasources = dataState.changes;
    var effectsJson = encodeOr(effects, '{}');
    var logsJson = encodeOr(logs, '[]');
    return '{"result":' + encode(resultText, 0) + ',"error":' + encode(error, 0) + ',"logs":' + logsJson +
      ',"effects":' + effectsJson + '}';
  }

  // Once user code has run, the worker passes no argument and awaits no promise: mini-racer passes
  // arguments and settles promises through arrays and `then`, which user code can rewrite by then
  // (Array.prototype[0], Promise.prototype.then). So `step` takes nothing and answers text or null.
  var answer = null;
  var started = false;

  // Sets `answer`, awaiting only the user's own promise (as the service does). It awaits no promise of
  // ours: `await` reads `constructor` and `then` from Promise.prototype, where user code could plant a
  // `then` that hands back a forged answer.
  async function settle(execute) {
    try {
      if (typeof execute !== 'function') {
        answer = finish(null, { name: 'TypeError', stack: '',
                                message: 'the code defines no execute function at the top level' });
        return;
      }
      var value;
      try {
        value = await execute({ payload: job.payload });
      } catch (error) {
        answer = finish(null, describe(error));
        return;
      }
      answer = resultOf(value);
    } catch (error) {
      answer = finish(null, { name: 'Error', stack: '', message: 'the run ended without an outcome' });
    }
  }

  function resultOf(value) {
    var result;
    try {
      // What the service's transport does with the value: JSON.stringify (undefined has no body).
      result = stringify(value);
    } catch (error) {
      var failure = describe(error);
      failure.message = 'the result cannot be sent as JSON: ' + failure.message;
      return finish(null, failure);
    }
    return finish(typeof result === 'string' ? result : null, null);
  }

  function run() {
    // A free name, looked up now: it finds `function execute` and a top-level `let`/`const execute`.
    var found;
    try { found = typeof execute === 'function' ? execute : undefined; } catch (e) { found = undefined; }
    settle(found);
  }

  function step() {
    if (!started) {
      started = true;
      run();
    }
    return answer;
  }

  function setup(jobJson) {
    if (job !== null) return finish(null, null);  // what was collected before the top level threw
    install(jobJson);
    return step;
  }

  return setup;
})();

