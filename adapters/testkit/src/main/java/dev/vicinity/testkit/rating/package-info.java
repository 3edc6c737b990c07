/**
 * Contract suites, a random-operation driver and session fakes for rating backends: every {@code RatingStore} adapter binds these in a few lines.
 */
package dev.vicinity.testkit.rating;
