/**
 * Contract suites for the geo SPIs (location store, proximity index, block list) that every adapter binds unchanged.
 */
package dev.vicinity.testkit.geo;
