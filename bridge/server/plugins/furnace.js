'use strict'
// Furnaces (flying-squid 1.12 lacks them: its issue #218): right-clicking a furnace opens its window
// (input 0, fuel 1, output 2); each furnace block keeps its contents and smelts on the server tick,
// burning fuel as vanilla does; breaking it drops what it holds. Recipes and burn times:
// data/smelting.json. Server option `adam.cookTicks` shortens smelting for tests (vanilla: 200).

const path = require('path')
const fs = require('fs')
const { services } = require('../lib/services')
const { dropItems } = require('../lib/drops')

const SMELTING = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'data', 'smelting.json'), 'utf8'))
const OUTPUT = 2

module.exports.server = function (serv, settings) {
  const cookTicks = Number(settings.adam?.cookTicks ?? SMELTING.cookTicks)
  const furnaces = new Map() // "x,y,z" -> { slots: [input, fuel, output], burnLeft, burnTotal, cook }
  serv.adamFurnaces = furnaces
  const keyOf = position => `furnace:${position.x},${position.y},${position.z}`

  serv.once('asap', () => {
    const { sync, containers } = services(serv)
    const { registry } = serv
    const itemName = item => registry.items[item.type]?.name

    function stateAt (position) {
      const key = keyOf(position)
      if (!furnaces.has(key)) furnaces.set(key, { slots: [null, null, null], burnLeft: 0, burnTotal: 0, cook: 0 })
      return furnaces.get(key)
    }

    function sendProgress (player, windowId, state) {
      const values = [state.burnLeft, state.burnTotal, state.cook, cookTicks]
      values.forEach((value, property) => player._client.write('craft_progress_bar', { windowId, property, value }))
    }

    /** Push the furnace's slots and progress to everyone who has it open. */
    function broadcast (key, state) {
      for (const player of containers.viewers(serv.players, key)) {
        const { window, windowId } = player.adamContainer
        for (let i = 0; i < 3; i++) {
          if (sync.key(window.slots[i]) !== sync.key(state.slots[i])) {
            window.updateSlot(i, sync.clone(state.slots[i]))
            sync.sendSlot(player, windowId, i, window.slots[i])
          }
        }
        sendProgress(player, windowId, state)
      }
    }

    /** One game tick of one furnace; returns true when a slot changed. */
    function step (state) {
      const [input, fuel, output] = state.slots
      const resultName = input && SMELTING.recipes[itemName(input)]
      const result = resultName && registry.itemsByName[resultName]
      const room = result && (!output || (output.type === result.id && output.count < output.stackSize))
      let changed = false
      if (state.burnLeft > 0) state.burnLeft--
      if (!room) {
        state.cook = 0
        return false
      }
      const burn = fuel && SMELTING.burnTicks[itemName(fuel)]
      if (state.burnLeft === 0 && burn) {
        state.burnLeft = state.burnTotal = burn
        fuel.count -= 1
        if (fuel.count === 0) state.slots[1] = null
        changed = true
      }
      if (state.burnLeft === 0) {
        state.cook = 0
        return changed
      }
      if (++state.cook >= cookTicks) {
        state.cook = 0
        input.count -= 1
        if (input.count === 0) state.slots[0] = null
        state.slots[OUTPUT] = output ? (output.count++, output) : new sync.Item(result.id, 1)
        changed = true
      }
      return changed
    }

    let ticks = 0
    serv.on('tick', () => {
      ticks++
      for (const [key, state] of furnaces) {
        const changed = step(state)
        if (changed || ticks % 10 === 0) broadcast(key, state)
      }
    })

    // a furnace's contents belong to that block: forget them when it is replaced (/setblock) or placed anew
    serv.overworld.on('blockUpdate', (oldBlock, newBlock) => {
      if (oldBlock.name === 'furnace' && newBlock.name === 'furnace') return
      if (oldBlock.name === 'furnace' || newBlock.name === 'furnace') furnaces.delete(keyOf(newBlock.position))
    })

    serv.onBlockInteraction('furnace', ({ block, player }) => {
      if (player.crouching) return false
      const key = keyOf(block.position)
      const state = stateAt(block.position)
      const copyOut = window => {
        for (let i = 0; i < 3; i++) state.slots[i] = sync.clone(window.slots[i])
      }
      const { windowId } = containers.open(player, 'minecraft:furnace', {
        title: 'Furnace',
        key,
        rules: { outputSlot: OUTPUT },
        fill (window) {
          for (let i = 0; i < 3; i++) window.slots[i] = sync.clone(state.slots[i])
          for (let i = 0; i < 3; i++) if (window.slots[i]) window.slots[i].slot = i
        },
        afterClick: copyOut,
        onClose: copyOut
      })
      sendProgress(player, windowId, state)
      return true
    })
  })

  // a broken furnace drops its contents
  serv.on('newPlayer', player => {
    player.on('dug', ({ position, block }) => {
      if (block.name !== 'furnace') return
      const state = furnaces.get(keyOf(position))
      if (!state) return
      furnaces.delete(keyOf(position))
      for (const item of state.slots) {
        if (item) dropItems(serv, player.world, position.offset(0.5, 0.5, 0.5), item.type, item.count)
      }
    })
  })
}
