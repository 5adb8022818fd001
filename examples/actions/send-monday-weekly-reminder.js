async function execute(context) {
  const connection = await Fliplet.DataSources.connect(158);
  const entries = await connection.find();

  // Send reminder logic here...

  return { success: true, count: entries.length };
}
