'use strict'
// JSON-lines RPC over stdio. stdout carries protocol lines only:
//   request  (stdin):  {"id": 1, "method": "craft", "params": {"item": "stick"}}
//   response (stdout): {"id": 1, "result": {...}}  or  {"id": 1, "error": {"name", "message", "context"}}
//   events   (stdout): {"event": "ready" | "disconnected" | "error", ...}
// Requests run one at a time, in order (one body, one action at a time).

const readline = require('readline')
const { BridgeError, asBridgeError } = require('./errors')

/** A writer of protocol lines; call before anything else writes to stdout. */
function protocolWriter () {
  const out = process.stdout
  // libraries that log to stdout must not corrupt the protocol: route their output to stderr
  Object.defineProperty(process, 'stdout', { value: process.stderr, configurable: true, writable: true })
  console.log = console.error
  console.info = console.error
  return message => out.write(JSON.stringify(message) + '\n')
}

/**
 * Serve `methods` (name -> async (params) => result) on stdin; `onClose` runs when stdin ends.
 */
function serve (methods, write, onClose) {
  let queue = Promise.resolve()
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })

  async function handle (line) {
    let request
    try {
      request = JSON.parse(line)
    } catch (err) {
      write({ id: null, error: new BridgeError('BadRequest', `not JSON: ${err.message}`, { line: line.slice(0, 200) }).toJSON() })
      return
    }
    const { id, method, params = {} } = request ?? {}
    try {
      if (typeof method !== 'string' || !Object.hasOwn(methods, method)) {
        throw new BridgeError('BadRequest', `unknown method ${JSON.stringify(method)}`, { methods: Object.keys(methods) })
      }
      if (params === null || typeof params !== 'object' || Array.isArray(params)) {
        throw new BridgeError('BadRequest', 'params must be an object', { method })
      }
      const result = await methods[method](params)
      write({ id, result: result ?? null })
    } catch (err) {
      const error = asBridgeError(err, { method })
      console.error(`[rpc] ${method} failed: ${error.name}: ${error.message}`)
      write({ id, error: error.toJSON() })
    }
  }

  rl.on('line', line => {
    if (!line.trim()) return
    queue = queue.then(() => handle(line))
  })
  rl.on('close', () => queue.then(onClose))
}

module.exports = { protocolWriter, serve }
