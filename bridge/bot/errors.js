'use strict'
// Named errors of the bridge. Every error that crosses the RPC boundary has a `name` from this list,
// a message, and a `context` object (what was being waited for, with which parameters).

const NAMES = [
  'BadRequest', // malformed request, unknown method or invalid parameters
  'ConnectFailed', // the server refused or dropped the connection before the bot spawned
  'ConnectTimeout', // the bot did not spawn in time
  'Disconnected', // the server closed the connection or kicked the bot
  'PathTimeout', // walking to a target took too long
  'DigTimeout', // breaking a block took too long
  'EquipTimeout', // equipping an item took too long
  'PickupTimeout', // a dropped item was not picked up in time
  'PlaceTimeout', // placing a block was not confirmed in time
  'WindowTimeout', // a crafting table or furnace window did not open in time
  'CraftTimeout', // a craft did not complete in time
  'SmeltTimeout', // a furnace did not produce its output in time
  'InventoryTimeout', // the inventory did not reach the expected state in time
  'CommandTimeout', // a server command was not acknowledged in time
  'FrameTimeout', // the viewer did not load, or the chunks around the bot were not meshed, in time
  'ViewerUnavailable', // the optional viewer package (bridge/viewer) is not installed, or no X display
  'SkillError' // an unexpected failure inside a skill (message says what)
]

class BridgeError extends Error {
  constructor (name, message, context = {}) {
    super(message)
    if (!NAMES.includes(name)) throw new Error(`unknown bridge error name ${name}`)
    this.name = name
    this.context = context
  }

  toJSON () {
    return { name: this.name, message: this.message, context: this.context }
  }
}

/** Any thrown value as a BridgeError (unexpected ones become SkillError with their message). */
function asBridgeError (err, context = {}) {
  if (err instanceof BridgeError) return err
  return new BridgeError('SkillError', String(err?.message ?? err), { ...context, stack: String(err?.stack ?? '').split('\n').slice(0, 4).join('\n') })
}

module.exports = { BridgeError, asBridgeError, NAMES }
