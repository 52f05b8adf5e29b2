'use strict'
// The local test server: flying-squid in offline mode on 127.0.0.1 with the arena generator and the
// project plugins (tool-gated loot, crafting and furnace windows, vanilla /give and /clear).
//
//   node server/main.js [--port N (0: any free port)] [--host 127.0.0.1] [--seed N] [--cook-ticks N]
//
// stdout carries one JSON line, {"event": "ready", "host", "port", "version", "seed", "spawn"} or
// {"event": "error", "message"}; everything else (flying-squid's console) goes to stderr.
// The server stops when stdin closes, or on SIGTERM/SIGINT.

const path = require('path')
const { parseArgs } = require('util')

// flying-squid writes a console prompt and log lines to stdout: keep the real stdout for the protocol
const protocolOut = process.stdout
Object.defineProperty(process, 'stdout', { value: process.stderr, configurable: true, writable: true })
console.log = console.error

const READY_TIMEOUT_MS = 20000
const { minecraftVersion } = require('../package.json').config

function emit (message) {
  protocolOut.write(JSON.stringify(message) + '\n')
}

function settingsFor ({ host, port, seed, cookTicks }) {
  const plugin = name => path.join(__dirname, 'plugins', `${name}.js`)
  return {
    motd: 'ADAM arena',
    host,
    port,
    'max-players': 8,
    'online-mode': false,
    logging: false,
    gameMode: 0,
    difficulty: 0,
    worldFolder: undefined,
    generation: { name: path.join(__dirname, 'arena.js'), options: { seed: seed + 1, arenaSeed: seed } },
    kickTimeout: 30000,
    plugins: Object.fromEntries(['spawn', 'loot', 'inventory', 'crafting_table', 'furnace', 'commands'].map(n => [plugin(n), {}])),
    modpe: false,
    'view-distance': 4,
    'player-list-text': { header: { text: 'ADAM' }, footer: { text: 'local arena' } },
    'everybody-op': true,
    'max-entities': 200,
    version: minecraftVersion,
    adam: { cookTicks }
  }
}

async function main () {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: process.env.ADAM_SERVER_PORT ?? '0' },
      seed: { type: 'string', default: '0' },
      'cook-ticks': { type: 'string', default: '200' }
    }
  })
  const options = {
    host: values.host,
    port: Number(values.port),
    seed: Number(values.seed),
    cookTicks: Number(values['cook-ticks'])
  }
  for (const [name, value] of Object.entries(options)) {
    if (name !== 'host' && !Number.isInteger(value)) throw new Error(`--${name} must be an integer, got ${value}`)
  }
  const { createMCServer } = require('flying-squid')
  const { arenaLayout } = require('./arena')
  const serv = createMCServer(settingsFor(options))
  serv.on('error', err => {
    emit({ event: 'error', message: String(err?.message ?? err) })
    process.exit(1)
  })
  const ready = await serv.waitForReady(READY_TIMEOUT_MS).then(() => true, () => false)
  if (!ready) throw new Error(`server not ready after ${READY_TIMEOUT_MS} ms`)
  const layout = arenaLayout(options.seed)
  emit({ event: 'ready', host: options.host, port: serv.listeningPort, version: minecraftVersion, seed: options.seed, spawn: layout.spawn })

  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    await serv.destroy().catch(() => {})
    process.exit(0)
  }
  process.stdin.on('end', stop)
  process.stdin.on('close', stop)
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

main().catch(err => {
  emit({ event: 'error', message: String(err?.message ?? err) })
  console.error(err?.stack ?? err)
  process.exit(1)
})
