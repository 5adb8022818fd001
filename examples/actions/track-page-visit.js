async function execute(context) {
  console.log('Page visited', context.payload);
  return { tracked: true };
}
