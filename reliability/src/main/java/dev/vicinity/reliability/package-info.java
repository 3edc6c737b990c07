/**
 * The reliability and security suite lives in this module's tests (docs/reliability.md).
 */
package dev.vicinity.reliability;
