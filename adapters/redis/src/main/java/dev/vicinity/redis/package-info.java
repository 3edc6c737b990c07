/**
 * Redis backend on Lettuce: presence leases, proximity index, locations, block lists, the cross-node event
 * bus, resume tokens, ratings and a versioned cache of rating aggregates in front of another store.
 */
package dev.vicinity.redis;
