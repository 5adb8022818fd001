// Fliplet.Notifications (package fliplet-notifications): `init` answers an instance; the bare `insert` is the
// one the App Actions page shows. Captured, never delivered. Loaded only for runs that declare the package.
function __actionctlNotifications(env) {
  'use strict';

  var job = env.job, effects = env.effects, add = env.add, shared = env.shared, CODES = env.CODES;
  var copy = env.copy, isObject = env.isObject, coded = env.coded, failure = env.failure, resolved = env.resolved;
  var parse = env.parse, stringify = env.stringify, keysOf = env.keysOf, isArray = env.isArray;
  var StringCtor = env.StringCtor, PromiseCtor = env.PromiseCtor;
  var expose = env.expose;

  // Notifications -------------------------------------------------------------------------------

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


  return { Notifications: Notifications };
}
