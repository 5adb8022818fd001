/** @param {ActionContext.Manual} context */
async function execute(context) {
  return {};
}
