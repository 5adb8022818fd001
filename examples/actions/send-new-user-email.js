async function execute(context) {
  // context.payload contains the log entry that triggered the action
  const logEntry = context.payload;

  return { success: true, logType: logEntry.type };
}
