'use strict'
// Interventions on the inventory through server commands: command() sends an op command and waits for
// its effect; setInventory(items) sets the inventory exactly with /clear and /give (vanilla syntax, so
// the same works on a vanilla or Paper server where the bot is op) — as exactly as the 36 slots allow,
// keeping 4 free for what the next action yields: what does not fit (32 axes take 32 slots) is left out
// and reported as `trimmed`.

const { BridgeError } = require('../errors')
const { waitUntil } = require('../wait')
const { inventoryCounts } = require('./observe')

const sameCounts = (a, b) => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  return [...keys].every(k => (a[k] ?? 0) === (b[k] ?? 0))
}

// main inventory and hotbar, and the slots interventions keep empty (room for what the next action crafts or
// picks up): data/inventory.json, the one source, read by Python too (bridge.limits)
const { slots: INVENTORY_SLOTS, freeSlots: FREE_SLOTS } = require('../data/inventory.json')

/**
 * What of `wanted` fits in the inventory's slots, keeping FREE_SLOTS empty: counts of the items that
 * take most slots (tools, one per slot) are lowered until everything fits. Returns { fitted, trimmed }.
 */
function fit (registry, wanted) {
  const stack = name => registry.itemsByName[name].stackSize
  const fitted = { ...wanted }
  const slots = () => Object.entries(fitted).reduce((n, [name, count]) => n + Math.ceil(count / stack(name)), 0)
  const trimmed = {}
  while (slots() > INVENTORY_SLOTS - FREE_SLOTS) {
    const [name] = Object.entries(fitted).sort((a, b) => Math.ceil(b[1] / stack(b[0])) - Math.ceil(a[1] / stack(a[0])))[0]
    const cut = Math.min(stack(name), fitted[name] - 1 || 1)
    fitted[name] -= cut
    trimmed[name] = (trimmed[name] ?? 0) + cut
    if (fitted[name] <= 0) delete fitted[name]
  }
  return { fitted, trimmed }
}

function inject (bot, config) {
  bot.skills = bot.skills ?? {}
  const { registry } = bot

  /**
   * Send a chat command, then wait until `done()` holds, re-checked whenever `event` fires on `emitter`
   * (by default: every inventory change).
   */
  bot.skills.command = async (text, done, event = 'updateSlot', emitter = bot.inventory) => {
    bot.chat(text)
    await waitUntil(emitter, event, done, config.commandTimeoutMs, 'CommandTimeout',
      { what: `effect of ${text.split(' ')[0]}`, command: text, inventory: inventoryCounts(bot) })
  }

  /** Set the inventory to exactly `items` (name -> count). */
  bot.skills.setInventory = async ({ items }) => {
    if (!items || typeof items !== 'object' || Array.isArray(items)) throw new BridgeError('BadRequest', 'items must be an object of name -> count', { items })
    const wanted = {}
    for (const [name, count] of Object.entries(items)) {
      if (!registry.itemsByName[name]) throw new BridgeError('BadRequest', `unknown item ${name}`, { item: name })
      if (!Number.isInteger(count) || count < 0) throw new BridgeError('BadRequest', `invalid count ${count} for ${name}`, { item: name, count })
      if (count > 0) wanted[name] = count
    }
    const { fitted, trimmed } = fit(registry, wanted)
    if (Object.keys(trimmed).length) console.error(`[inventory] ${JSON.stringify(trimmed)} left out: ${INVENTORY_SLOTS - FREE_SLOTS} slots for interventions`)
    if (bot.currentWindow) bot.closeWindow(bot.currentWindow)
    if (Object.keys(inventoryCounts(bot)).length) {
      await bot.skills.command(`/clear ${bot.username}`, () => bot.inventory.items().length === 0)
    }
    for (const [name, count] of Object.entries(fitted)) bot.chat(`/give ${bot.username} ${name} ${count}`)
    // gives only add, so the exact state is reached once every give has been applied
    try {
      await waitUntil(bot.inventory, 'updateSlot', () => sameCounts(inventoryCounts(bot), fitted), config.commandTimeoutMs,
        'InventoryTimeout', { what: 'the inventory to match the intervention' })
    } catch (err) {
      err.context = { ...err.context, expected: fitted, actual: inventoryCounts(bot) }
      throw err
    }
    return { success: true, reason: 'ok', trimmed, inventory: inventoryCounts(bot) }
  }
}

module.exports = { inject }
