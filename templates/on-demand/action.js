/**
 * Runs when the app calls Fliplet.App.V3.Actions.runWithResult('__NAME__', payload).
 * The payload is at most 2048 characters of JSON; the result at most 6 MB.
 */
async function execute(context) {
  const payload = context.payload || {};

  return { success: true, received: payload };
}
