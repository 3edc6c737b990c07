/**
 * Implementation details of the rating module (input validation); not for users, may change without notice.
 */
package dev.vicinity.rating.internal;
