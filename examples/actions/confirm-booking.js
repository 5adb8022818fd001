async function execute(context) {
  const connection = await Fliplet.DataSources.connect(158);
  await connection.update(context.payload.entryId, {
    Status: 'Confirmed',
    ConfirmedBy: context.payload.name
  });

  return { success: true };
}
