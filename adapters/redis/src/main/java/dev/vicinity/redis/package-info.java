/**
 * Redis backend on Lettuce for presence, proximity, the cross-node event bus and caches. Not implemented yet: filled by the Redis adapter issue.
 */
package dev.vicinity.redis;
