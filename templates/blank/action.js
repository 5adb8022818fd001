async function execute(context) {
  return {};
}
