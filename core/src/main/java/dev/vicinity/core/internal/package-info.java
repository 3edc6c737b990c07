/**
 * Implementation detail of vicinity-core; not API, may change without notice.
 */
package dev.vicinity.core.internal;
