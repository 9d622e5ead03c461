import { brokerProcess } from '../broker/process/broker-main'
import { brokerCommand, brokerUsage, clusterStatusCommand } from './broker'
import { clusterCommand, clusterUsage } from './cluster'
import { serveCommand, serveUsage } from './serve'

const usage = `usage: kafkadesk <command> [options]

commands:
${clusterUsage}${brokerUsage}${serveUsage}`

function fail(message: string): never {
  process.stderr.write(`kafkadesk: ${message}\n\n${usage}`)
  process.exit(2)
}

const [command, ...rest] = process.argv.slice(2)
switch (command) {
  case 'cluster':
    if (rest[0] === 'status') await clusterStatusCommand(rest.slice(1), fail)
    else await clusterCommand(rest, fail)
    break
  case 'broker':
    await brokerCommand(rest, fail)
    break
  case 'broker-process':
    // Internal: one broker of a `cluster`, forked by its supervisor (src-main/broker/process/).
    await brokerProcess(rest)
    break
  case 'serve':
    await serveCommand(rest, fail)
    break
  case undefined:
  case '-h':
  case '--help':
    process.stdout.write(usage)
    break
  default:
    fail(`unknown command ${command}`)
}
