// Fliplet.Communicate (package fliplet-communicate): messages are checked for the documented required
// fields, captured as effects, never sent. Loaded only for runs that declare the package (see job.py).
function __actionctlCommunicate(env) {
  'use strict';

  var job = env.job, effects = env.effects, add = env.add, shared = env.shared, CODES = env.CODES;
  var copy = env.copy, isObject = env.isObject, coded = env.coded, failure = env.failure, resolved = env.resolved;
  var parse = env.parse, stringify = env.stringify, keysOf = env.keysOf, isArray = env.isArray;
  var StringCtor = env.StringCtor, PromiseCtor = env.PromiseCtor;
  // Taken while the platform is installed, before user code runs, like the rest of the platform's built-ins.
  var apply = Reflect.apply, hasOwn = Object.prototype.hasOwnProperty, replaceText = String.prototype.replace;
  var COMMUNICATE_LIMIT = 20;   // messages per 30 s on the service; a local run is shorter than that

  // Communicate -------------------------------------------------------------------------------

  var ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#x60;', '=': '&#x3D;' };

  function lookup(data, path) {
    var value = data;
    var parts = path.split('.');
    for (var i = 0; i < parts.length; i++) {
      // Own fields only, as Handlebars reads data: `{{constructor}}` is not the Object function.
      if (value === null || value === undefined || !apply(hasOwn, value, [parts[i]])) return undefined;
      value = value[parts[i]];
    }
    return value;
  }

  // Handlebars-style substitution, as sendEmail compiles its options: `{{ name }}` escaped for HTML,
  // `{{{ name }}}` as is, a dotted path reaching into `data`, a missing value as empty text.
  function fill(text, data) {
    return apply(replaceText, text, [/\{\{(\{)?\s*([\w$.\-]+)\s*\}?\}\}/g, function (whole, raw, path) {
      var value = lookup(data, path);
      var shown = value === null || value === undefined ? '' : StringCtor(value);
      return raw ? shown : apply(replaceText, shown, [/[&<>"'`=]/g, function (c) { return ESCAPES[c]; }]);
    }]);
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
    if (appId === undefined || appId === null || appId === '' || !isObject(options) || !options.title ||
        !options.body) {
      return failure('sendPushNotification needs (appId, {title, body}): the app id and both fields are required',
                     'VALIDATION_FAILED');
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


  return { Communicate: Communicate };
}
