/**
 * Implementation details of the geo module (rate limiting, cursor signing); not for users, may change without notice.
 */
package dev.vicinity.geo.internal;
