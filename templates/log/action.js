/**
 * Runs when a log event matching the trigger's `where` is recorded.
 * context.payload is { trigger: 'log', log: { type, dataSourceId, dataSourceEntryId, data, … } }.
 *
 * @param {ActionContext.Log} context
 */
async function execute(context) {
  const log = context.payload.log;

  return { success: true, type: log.type, entryId: log.dataSourceEntryId };
}
