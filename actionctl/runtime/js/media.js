// Fliplet.Media (package fliplet-media): folders and files from fixtures/media.yaml; writes change this
// run's copy and are captured. Loaded only for runs that declare the package.
function __actionctlMedia(env) {
  'use strict';

  var job = env.job, effects = env.effects, add = env.add, shared = env.shared, CODES = env.CODES;
  var copy = env.copy, isObject = env.isObject, coded = env.coded, failure = env.failure, resolved = env.resolved;
  var parse = env.parse, stringify = env.stringify, keysOf = env.keysOf, isArray = env.isArray;
  var StringCtor = env.StringCtor, PromiseCtor = env.PromiseCtor;

  // Media: folders and files from fixtures/media.yaml ----------------------------------------

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


  return { Media: Media, 'Media.Folders': Folders, 'Media.Files': Files };
}
