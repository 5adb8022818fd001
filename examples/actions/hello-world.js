async function execute(context) {
  return { message: 'Hello World', timestamp: Date.now() };
}
