/**
 * Runs in the user's browser when an analytics event matches the trigger's `where`.
 * context.payload is { createdAt, type, data: { _pageTitle, _pageId, … } }.
 *
 * @param {ActionContext.Analytics} context
 */
async function execute(context) {
  console.log('Page viewed', context.payload.data && context.payload.data._pageTitle);

  return { tracked: true };
}
