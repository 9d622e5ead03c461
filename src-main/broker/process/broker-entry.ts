// The entry of a broker process's own bundle (out/cli/broker-process.cjs, scripts/build-cli.mjs):
// only the broker, without the console, the serve command and their libraries, so a broker
// process loads a fraction of what the full CLI loads. The supervisor forks it with
// `broker-process ARGS`, the same arguments the CLI's `broker-process` command takes.
import { brokerProcess } from './broker-main'

const args = process.argv.slice(2)
// No top-level await: the bundle is CommonJS.
brokerProcess(args[0] === 'broker-process' ? args.slice(1) : args).catch((e: unknown) => {
  process.stderr.write(`broker process failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
  process.exit(1)
})
