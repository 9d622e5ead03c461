// The `kafkadesk` command's entry (out/cli/kafkadesk.js). `kafkadesk cluster` loads only the
// cluster command (cluster.ts) and forks its brokers at once; every other command loads the
// whole CLI (kafkadesk.ts). The bundle is split (scripts/build-cli.mjs), so what a command does
// not import is never read: the time from `kafkadesk cluster` to ready is mostly module loading.
const [command, sub] = process.argv.slice(2)
if (command === 'cluster' && sub !== 'status') {
  const { clusterCommand, clusterUsage } = await import('./cluster')
  await clusterCommand(process.argv.slice(3), (message) => {
    process.stderr.write(`kafkadesk: ${message}\n\nusage: kafkadesk cluster [options]\n\n${clusterUsage}`)
    process.exit(2)
  })
} else await import('./kafkadesk')

export {}
