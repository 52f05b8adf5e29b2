'use strict'
// One long-lived bot process: connects a mineflayer bot, then serves the skills over JSON-lines RPC.
//
//   node bot/main.js --host 127.0.0.1 --port 25565 --username adam [--version 1.21.4] [--connect-timeout-ms 20000]
//                    [--settle-ms 10000 (after spawn, wait at most this for the server's last position reset)]
//
// stdout: {"event": "ready", ...} once spawned (or {"event": "error", "error": {...}} and exit 2),
// then one response line per request; {"event": "disconnected", "reason"} and exit 3 if the server
// drops the bot. Logs go to stderr. The process exits when stdin closes.

const { parseArgs } = require('util')
const { protocolWriter, serve } = require('./rpc')
const { BridgeError, asBridgeError } = require('./errors')

const write = protocolWriter() // before anything can print to stdout
const { connect } = require('./connect')
const { minecraftVersion } = require('../package.json').config
const { testedVersions } = require('mineflayer')

// Time limits (ms) and skill settings. Every wait in the skills uses one of these limits; `configure`
// changes them at run time.
const DEFAULTS = {
  pathTimeoutMs: 30000,
  equipTimeoutMs: 5000,
  digSlackMs: 3000,
  dropSettleMs: 1500,
  pickupTimeoutMs: 6000,
  placeTimeoutMs: 5000,
  windowTimeoutMs: 5000,
  craftTimeoutMs: 10000,
  smeltTimeoutMs: 15000,
  commandTimeoutMs: 5000,
  frameTimeoutMs: 30000, // frame: loading the viewer, the chunks around the bot, meshing them
  searchRadius: 32,
  maxUnreachable: 8,
  moveDistance: 4,
  digStations: 1, // 1: break a used crafting table/furnace to take it back; 0: /setblock + /give (fast, tests)
  digWithoutTool: 0 // 1: dig a target even when no held tool harvests it (it drops nothing); 0: do not
}

const SKILLS = ['observe', 'pickup', 'inventory', 'place', 'stations', 'gather', 'craft', 'smelt', 'move', 'teleport', 'view', 'frame']

function methodsFor (bot, config) {
  return {
    ping: async () => ({ pong: true }),
    observe: () => bot.skills.observe(),
    gather: params => bot.skills.gather(params),
    craft: params => bot.skills.craft(params),
    smelt: params => bot.skills.smelt(params),
    place: params => bot.skills.place(params),
    move: params => bot.skills.move(params),
    set_inventory: params => bot.skills.setInventory(params),
    teleport: params => bot.skills.teleport(params),
    view: params => bot.skills.view(params),
    frame: params => bot.skills.frame(params),
    configure: async params => {
      for (const [key, value] of Object.entries(params)) {
        if (!(key in DEFAULTS)) throw new BridgeError('BadRequest', `unknown setting ${key}`, { settings: Object.keys(DEFAULTS) })
        if (!Number.isFinite(value) || value < 0) throw new BridgeError('BadRequest', `${key} must be a non-negative number`, { [key]: value })
      }
      Object.assign(config, params)
      return { ...config }
    }
  }
}

async function main () {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '25565' },
      username: { type: 'string', default: 'adam' },
      version: { type: 'string', default: minecraftVersion },
      'connect-timeout-ms': { type: 'string', default: '20000' },
      'settle-ms': { type: 'string', default: '10000' }
    }
  })
  const port = Number(values.port)
  if (!Number.isInteger(port) || port <= 0) throw new BridgeError('BadRequest', `invalid --port ${values.port}`, {})
  const version = values.version
  if (!testedVersions.includes(version)) {
    throw new BridgeError('BadRequest', `Minecraft ${version} is not a version mineflayer supports; use one of ${testedVersions.join(', ')}`, { version })
  }
  const bot = await connect({
    host: values.host,
    port,
    username: values.username,
    version,
    timeoutMs: Number(values['connect-timeout-ms']),
    settleMs: Number(values['settle-ms'])
  })
  bot.on('error', err => console.error(`[bot] error: ${err?.message ?? err}`))
  bot.on('kicked', reason => console.error(`[bot] kicked: ${JSON.stringify(reason)}`))
  const onEnd = reason => {
    write({ event: 'disconnected', reason: String(reason) })
    process.exit(3)
  }
  bot.once('end', onEnd)
  const config = { ...DEFAULTS }
  for (const name of SKILLS) require(`./skills/${name}`).inject(bot, config)
  serve(methodsFor(bot, config), write, () => {
    bot.removeListener('end', onEnd)
    bot.quit()
    process.exit(0)
  })
  const p = bot.entity.position
  write({ event: 'ready', username: bot.username, version, position: [p.x, p.y, p.z], pid: process.pid })
}

main().catch(err => {
  write({ event: 'error', error: asBridgeError(err).toJSON() })
  process.exit(2)
})
