/**
 * Runs when the app calls Fliplet.App.V3.Actions.runWithResult('__NAME__', payload).
 * Keep the payload small (an id, not the record): it may travel in a URL. The result is at most 6 MB.
 *
 * @param {ActionContext.Manual} context
 */
async function execute(context) {
  const payload = context.payload || {};

  return { success: true, received: payload };
}
