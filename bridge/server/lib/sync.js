'use strict'
// Sending window contents to a client (set_slot, window_items) and comparing slot states.

/** Packet helpers bound to one registry. */
function windowSync (registry) {
  const Item = require('prismarine-item')(registry)

  const nextStateId = player => {
    player.adamStateId = ((player.adamStateId ?? 0) + 1) & 0x7fff
    return player.adamStateId
  }

  /** Tell the client what one slot of a window holds. */
  function sendSlot (player, windowId, slot, item) {
    player._client.write('set_slot', { windowId, stateId: nextStateId(player), slot, item: Item.toNotch(item ?? null) })
  }

  /** Send a whole window and the cursor: the client replaces its view with the server's. */
  function sendWindow (player, window, windowId = window.id) {
    player._client.write('window_items', {
      windowId,
      stateId: nextStateId(player),
      items: window.slots.map(item => Item.toNotch(item ?? null)),
      carriedItem: Item.toNotch(window.selectedItem ?? null)
    })
  }

  /** A comparable key for a slot's content ('' when empty). */
  const key = item => (item && item.count > 0 ? `${item.type}:${item.count}` : '')
  const keyOfNotch = notch => key(Item.fromNotch(notch))
  const snapshot = window => window.slots.map(key)
  const clone = item => (item ? new Item(item.type, item.count, item.metadata, item.nbt) : null)

  return { Item, sendSlot, sendWindow, key, keyOfNotch, snapshot, clone }
}

module.exports = { windowSync }
