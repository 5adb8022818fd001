/**
 * Runs on the schedule in the manifest. Scheduled runs get an empty payload
 * and use the published (production) copy of the action.
 *
 * @param {ActionContext.Schedule} context
 */
async function execute(context) {
  const ranAt = new Date().toISOString();

  return { success: true, ranAt };
}
